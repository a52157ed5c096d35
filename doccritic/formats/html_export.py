"""HTML export: one self-contained page (inline CSS and JS, no network) a PM can mail or open anywhere.

The document is on the left with every placed finding highlighted in its kind's colour; a sticky
sidebar of cards (filters by kind, severity and text) is on the right; debate transcripts and the
referee's summaries follow the document. Everything that comes from the document or from a model is
escaped with :func:`html.escape`; the data the script needs sits in a ``<script type="application/json">``
block read with ``JSON.parse`` and a Content-Security-Policy forbids every fetch, so nothing in a draft
or a finding can run or load anything.

The document is drawn from the export form every writer shares (:mod:`doccritic.formats.html_body`), so
each highlight covers the very characters the Word comment and the PDF tint cover, and raw HTML in a
draft is never passed through. Opening ``report.html#finding=<id>`` selects that finding's card and
highlight.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from functools import cache

from pydantic import ValidationError

from doccritic import paths
from doccritic.core.debates import Citation, Debate
from doccritic.core.document import Document
from doccritic.core.findings import Finding, Kind, ReferenceCitation, Review
from doccritic.core.labels import KIND_LABELS, KINDS, severity_word
from doccritic.formats.export_common import Note, cite_line, exported_findings, note_for, shown_title
from doccritic.formats.export_form import export_form
from doccritic.formats.html_body import BodyWriter, Span
from doccritic.formats.register_appendix import HTML_STYLE, export_appendix, to_html

CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src {script}; img-src data:; "
       "base-uri 'none'; form-action 'none'")  # the one script by its hash: no other inline script runs
_SIDE_LABELS = {"for": "for the motion", "against": "against the motion", "free": "own position"}
_CATEGORIES = {"strongest": "Strongest points", "conceded": "Conceded", "unresolved": "Unresolved",
               "change": "Changes needed"}
_DEFAULT_SPEAKER_COLORS = ("#2e7d32", "#ad1457")
_HEX = re.compile(r"#[0-9a-fA-F]{6}")
_NOTE_LABELS = ("Misquoted:", "Confidence:", "Assumption:", "Evidence needed:", "How to test:", "Suggestion:",
                "Question to expect:", "Reversibility:", "Incomplete:", "Also raised by", "Trade-off", "Status:")
e = html.escape


# ------------------------------------------------------------------------------------------------
# Cards, debates, page
def _card(f: Finding, note: Note, note_text: str | None, doc: Document) -> str:
    k, sev = f.kind.value, f.severity.value
    parts = [f'<article class="card k-{k} sev-{sev} src-{f.source.value} st-{f.status.value}" '
             f'id="card-{e(f.id)}" data-id="{e(f.id)}" tabindex="0">',
             f'<div class="card-top"><span class="ic ic-{k}" aria-hidden="true"></span>'
             f'<span class="kind">{KIND_LABELS[f.kind]}</span>'
             f'<span class="sev">{severity_word(f.severity)}</span>'
             f'<span class="who">{e(note.author)}</span></div>',
             f'<h3 class="title">{e(f.title)}</h3>']
    # a misquote shows the document's words as the passage, never the critic's (their words are in a note line)
    quote = doc.text[f.start:f.end] if f.misquoted and f.start is not None and f.end is not None else f.quote
    parts.append(f'<blockquote class="quote">{e(quote)}</blockquote>' if quote else "")
    block = doc.block_at(f.start) if f.start is not None and note_text is None else None
    note_text = "In code" if block is not None and not block.kind.is_prose else note_text
    parts.append(f'<p class="badge">{e(note_text)}</p>' if note_text else "")
    for line in note.lines:
        label = next((x for x in _NOTE_LABELS if line.startswith(x)), "")
        cls = label.split()[0].strip(":").lower() if label else "rationale"
        body = f"<b>{e(label)}</b>{e(line[len(label):])}" if label.endswith(":") else e(line)
        parts.append(f'<p class="line {cls}">{body}</p>')
    for author, text in note.replies:
        parts.append(f'<p class="reply"><b>{e(author)}:</b> {e(text)}</p>')
    parts.append("</article>")
    return "".join(parts)


def _unplaced_reason(f: Finding) -> str:
    return {"document": "About the whole document",
            "ambiguous": f"The quote appears {len(f.candidates) or 'several'} times; not highlighted"}.get(
        f.anchor.value, "Could not be highlighted in this view" if f.placed else "Quote not found in the text")


class _Debates:
    """Debates, their citations numbered in reading order so the marks and the links agree."""

    def __init__(self, review: Review, names: Mapping[str, str], colors: Mapping[str, str]) -> None:
        self.names, self.colors = names, colors
        self.debates: list[Debate] = []
        for raw in review.debates:
            try:
                self.debates.append(Debate.model_validate(raw))
            except ValidationError:
                continue
        self.numbers = {id(cite): n for n, cite in enumerate(self._citations(), 1)}

    def _citations(self) -> Iterator[Citation]:
        for d in self.debates:
            for turn in d.turns:
                yield from turn.citations
            for point in d.summary.points if d.summary else ():
                yield from point.citations

    def spans(self) -> list[Span]:
        return [Span(f"c:{n}", c.start, c.end, f'class="cite" data-cite="{n}"', f"c-{n}")  # type: ignore[arg-type]
                for c in self._citations() if c.placed for n in [self.numbers[id(c)]]]

    def _color(self, pid: str, d: Debate) -> str:
        color = self.colors.get(pid, "")
        return color if _HEX.fullmatch(color) else _DEFAULT_SPEAKER_COLORS[0 if pid == d.pro else 1]

    def _who(self, pid: str, d: Debate) -> str:
        return f'<span class="who" style="--p:{self._color(pid, d)}">{e(self.names.get(pid, pid))}</span>'

    def _cites(self, cites: list[Citation], woven: set[str]) -> str:
        links = []
        for c in cites:
            n = self.numbers[id(c)]
            if f"c:{n}" in woven:
                links.append(f'<a class="cite-link" href="#c-{n}" data-cite="{n}">“{e(c.quote)}”</a>')
            else:
                links.append(f'<q class="cite-missing" title="Not found in the text">{e(c.quote)}</q>')
        return f'<p class="cites">Cites: {" ".join(links)}</p>' if links else ""

    def render(self, woven: set[str]) -> str:
        out = []
        for d in self.debates:
            out.append(f'<section class="debate" id="debate-{e(d.id)}"><h2>Debate: {e(d.motion)}</h2>')
            sides = f"{self._who(d.pro, d)} ({_SIDE_LABELS[d.side_of(d.pro)]}) vs {self._who(d.con, d)} " \
                    f"({_SIDE_LABELS[d.side_of(d.con)]})"
            out.append(f'<p class="vs">{sides} · {len(d.turns)} of {d.planned_turns} turns</p>')
            if d.focus:
                out.append(f'<p class="focus"><b>Focus:</b> {e(d.focus)}</p>')
            out.append('<ol class="turns">')
            said = sorted(d.interjections, key=lambda i: i.after_turn)
            for turn in d.turns:
                while said and said[0].after_turn < turn.index:
                    out.append(f'<li class="interjection"><b>PM (moderator):</b> {e(said.pop(0).text)}</li>')
                state = "" if turn.status == "complete" else f' <span class="state">{e(turn.status)}</span>'
                failure = f'<p class="failure">{e(turn.failure)}</p>' if turn.failure else ""
                out.append(f'<li class="turn side-{turn.side}" style="--p:{self._color(turn.speaker, d)}">'
                           f'<div class="speaker">{self._who(turn.speaker, d)} · {_SIDE_LABELS[turn.side]} · '
                           f'turn {turn.index}{state}</div><div class="text">{e(turn.text)}</div>'
                           f"{self._cites(turn.citations, woven)}{_reference_cites(turn.cites)}{failure}</li>")
            out.extend(f'<li class="interjection"><b>PM (moderator):</b> {e(i.text)}</li>' for i in said)
            out.append("</ol>")
            if d.summary:
                out.append(f'<div class="summary"><h3>Referee summary</h3>'
                           f'<p class="verdict">{e(d.summary.verdict)}</p>')
                for cat, label in _CATEGORIES.items():
                    items = [f'<li><span class="pos side-{p.side}">{e(p.side)}</span> {e(p.text)}'
                             f"{' <span class=added>added as a finding</span>' if p.finding_id else ''}"
                             f"{self._cites(p.citations, woven)}</li>" for p in d.summary.points if p.category == cat]
                    if items:
                        out.append(f'<h4 class="cat cat-{cat}">{label}</h4><ul class="points">{"".join(items)}</ul>')
                out.append("</div>")
            out.append("</section>")
        return "".join(out)


def _reference_cites(cites: list[ReferenceCitation]) -> str:
    """A debate turn's reference passages, worded as a finding's note says them (the appendix names the files)."""
    return "".join(f'<p class="cites ref-cites">{e(cite_line(c))}</p>' for c in cites)


@cache
def _assets() -> tuple[str, str]:
    css = paths.resource("export", "report.css").read_text(encoding="utf-8")
    js = paths.resource("export", "report.js").read_text(encoding="utf-8")
    root, dark, icons = [], [], []
    for kind, look in KINDS.items():
        root.append(f"--k-{kind.value}:{look.light};")
        dark.append(f"--k-{kind.value}:{look.dark};")
        svg = paths.resource("icons", f"{look.icon}.svg").read_bytes()
        icons.append(f'.ic-{kind.value}{{background-image:url("data:image/svg+xml;base64,'
                     f'{base64.b64encode(svg).decode()}")}}')
    colors = (f":root{{{''.join(root)}}}\n@media (prefers-color-scheme: dark){{:root{{{''.join(dark)}}}}}\n"
              + "\n".join(icons) + "\n")
    return colors + css, js


def csp(script: str) -> str:
    """The page's Content-Security-Policy, allowing exactly ``script`` (by its SHA-256) to run inline."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    return CSP.format(script=f"'sha256-{digest}'")


def _json_for_script(data: object) -> str:
    """JSON that no HTML parser can end early: ``<``, ``>``, ``&``, U+2028 and U+2029 as escapes."""
    return json.dumps(data, ensure_ascii=False).translate({ord(c): f"\\u{ord(c):04x}" for c in "<>&\u2028\u2029"})


def _spans(findings: list[Finding], debates: _Debates | None) -> list[Span]:
    """The highlight of each placed finding and debate citation."""
    spans: list[Span] = []
    for f in findings:
        if f.placed and f.start is not None and f.end is not None:
            attrs = (f'class="hl k-{f.kind.value} sev-{f.severity.value} src-{f.source.value} '
                     f'st-{f.status.value}" data-id="{e(f.id)}"')
            spans.append(Span(f"f:{f.id}", f.start, f.end, attrs, f"f-{e(f.id)}"))
    return spans + (debates.spans() if debates else [])


def _cards(findings: list[Finding], notes: Mapping[int, Note], woven: set[str], doc: Document,
           same_text: bool) -> str:
    """The sidebar's cards: those highlighted in the text, then the others with why they are not."""
    placed = [f for f in findings if f"f:{f.id}" in woven]
    others = [f for f in findings if f"f:{f.id}" not in woven]
    groups = [f'<section class="group" data-group="placed"><h2>In the text <span>{len(placed)}</span></h2>'
              + "".join(_card(f, notes[id(f)], None, doc) for f in placed) + "</section>"]
    if others:
        changed = "The document changed since the review; not highlighted"
        groups.append(f'<section class="group" data-group="other"><h2>Not placed in the text '
                      f"<span>{len(others)}</span></h2>"
                      + "".join(_card(f, notes[id(f)], _unplaced_reason(f) if same_text else changed, doc)
                                for f in others) + "</section>")
    return "".join(groups)


def _filters(findings: list[Finding]) -> tuple[str, str]:
    """The header's count chips and the sidebar's kind checkboxes."""
    counts = {k: sum(f.kind is k for f in findings) for k in Kind}
    chips = "".join(f'<li class="chip k-{k.value}"><span class="ic ic-{k.value}"></span>{KIND_LABELS[k]} '
                    f"<b>{counts[k]}</b></li>" for k in Kind)
    boxes = "".join(f'<label class="k-{k.value}"><input type="checkbox" data-kind="{k.value}" checked>'
                    f'<span class="ic ic-{k.value}"></span>{KIND_LABELS[k]} ({counts[k]})</label>' for k in Kind)
    return chips, boxes


def export_html(review: Review, doc: Document, *, names: Mapping[str, str] | None = None,
                colors: Mapping[str, str] | None = None, include_dismissed: bool = False,
                include_checks: bool = True, include_debates: bool = True, title: str | None = None) -> str:
    """The review as one self-contained HTML page.

    ``names``: persona id -> display name; ``colors``: persona id -> ``#rrggbb`` for debate speakers.
    Offsets are read against ``doc.text``; if it is not the reviewed text, nothing is highlighted.
    """
    names, colors = names or {}, colors or {}
    findings = exported_findings(review, include_dismissed=include_dismissed, include_checks=include_checks)
    debates = _Debates(review, names, colors) if include_debates else None
    same_text = doc.text == review.document.text
    writer = BodyWriter(export_form(doc), _spans(findings, debates) if same_text else [])
    body, woven = writer.write(), writer.woven
    notes = {id(f): note_for(f, names) for f in findings}  # once each: the cards and the search data
    data = {"findings": [{"id": f.id, "kind": f.kind.value, "rank": f.severity.rank, "placed": f"f:{f.id}" in woven,
                          "search": " ".join((n.text, f.quote, n.author, *sum(n.replies, ()))).lower()}
                         for f in findings for n in [notes[id(f)]]]}
    n = len(debates.debates) if debates else 0
    appendix = export_appendix(review, doc, names)
    extra = (debates.render(woven) if debates is not None and n else "",
             to_html(appendix) if appendix is not None else "")
    return _page(title or shown_title(doc, review.document.title), doc, findings, body, _filters(findings),
                 _cards(findings, notes, woven, doc, same_text), extra, n, data)


def _page(name: str, doc: Document, findings: list[Finding], body: str, filters: tuple[str, str], cards: str,
          extra: tuple[str, str], n: int, data: object) -> str:
    """The page around its parts; ``extra`` is the debates' and the decision register's HTML."""
    css, js = _assets()
    css += HTML_STYLE
    debate_html, register_html = extra
    chips, boxes = filters
    stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    n_debates = f" · {n} debate{'s' if n > 1 else ''}" if n else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp(js)}">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer">
<title>{e(name)} · doccritic review</title><style>{css}</style></head>
<body data-ready="0"><header class="top"><div><p class="eyebrow">doccritic review</p><h1>{e(name)}</h1>
<p class="meta">Exported {stamp} · {len(findings)} findings{n_debates}</p></div><ul class="chips">{chips}</ul></header>
<div class="layout"><main class="doc {doc.format.value}" id="doc"><article>{body}</article></main>
<aside class="side" id="side" aria-label="Findings"><div class="filters">{boxes}
<div class="row"><select id="dc-sev" aria-label="Severity"><option value="1">All severities</option>
<option value="2">Major and critical</option><option value="3">Critical only</option></select>
<input id="dc-q" type="search" placeholder="Search findings" aria-label="Search findings"></div>
<p class="shown" id="dc-shown"></p></div><div class="cards">{cards}</div></aside></div>
{f'<div class="debates" id="debates">{debate_html}</div>' if debate_html else ""}
{register_html}
<footer>Exported by doccritic. Highlights mark the passages each finding is about.</footer>
<script type="application/json" id="dc-data">{_json_for_script(data)}</script>
<script>{js}</script></body></html>
"""
