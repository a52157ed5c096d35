"""HTML export: one self-contained page (inline CSS and JS, no network) a PM can mail or open anywhere.

The document is on the left with every placed finding highlighted in its kind's colour; a sticky
sidebar of cards (filters by kind, severity and text) is on the right; debate transcripts and the
referee's summaries follow the document. Everything that comes from the document or from a model is
escaped with :func:`html.escape`; the data the script needs sits in a ``<script type="application/json">``
block read with ``JSON.parse`` and a Content-Security-Policy forbids every fetch, so nothing in a draft
or a finding can run or load anything.

Highlights land on exactly the finding's characters in the *rendered* Markdown, by sentinels:

1. Each span's ``[start, end)`` is first kept inside the blocks' content (never on a list marker, a
   ``>`` or a code fence line). Then, at each boundary, a sentinel is inserted into the SOURCE text: a
   private-use character unique to that boundary, between two copies of a rare punctuation character
   that the document does not contain. Markdown sees punctuation there, so ``**bold**`` and ``_em_``
   still open and close as they did.
2. The source is rendered with markdown-it-py (``html=False``). Rendering is then checked: the output
   with the sentinels removed must equal the output of the plain source. Spans that change the
   rendering (a boundary inside a link target, an entity or an escape) are found by bisection and
   widened to whole words, or left without a highlight (their card says so).
3. The sentinels in the HTML are replaced by ``<mark>`` tags. A mark is closed before every tag and
   reopened on the next text, so it never crosses an element boundary and the HTML stays well formed;
   overlapping spans nest, and a span that ends inside another is split.

Opening ``report.html#finding=<id>`` selects that finding's card and highlight.

DOCX and plain-text documents are not parsed as Markdown: their blocks are rendered as headings,
paragraphs, list items and tables from ``doc.blocks``, with the same sentinels on the escaped text.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin
from pydantic import ValidationError

from doccritic import paths
from doccritic.core.debates import Citation, Debate
from doccritic.core.document import BlockKind, DocFormat, Document
from doccritic.core.findings import Finding, Kind, Review
from doccritic.core.labels import KIND_LABELS, KINDS, severity_word
from doccritic.formats.export_common import Note, exported_findings, note_for, shown_title
from doccritic.formats.register_appendix import HTML_STYLE, register_appendix, to_html

CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src {script}; img-src data:; "
       "base-uri 'none'; form-action 'none'")  # the one script by its hash: no other inline script runs
_SIDE_LABELS = {"for": "for the motion", "against": "against the motion", "free": "own position"}
_CATEGORIES = {"strongest": "Strongest points", "conceded": "Conceded", "unresolved": "Unresolved",
               "change": "Changes needed"}
_DEFAULT_SPEAKER_COLORS = ("#2e7d32", "#ad1457")
_HEX = re.compile(r"#[0-9a-fA-F]{6}")
_SAFE_HREF = re.compile(r"(?i)(?:https?:|mailto:|#)")
_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"</?([a-zA-Z0-9]+)")
_LINE_PREFIX = re.compile(r"[ \t>]*")
_FENCE = re.compile(r"[ \t>]*(?:```|~~~|---)")
_VOID = {"br", "hr", "img", "input", "wbr"}
_PHRASING = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "strong", "em", "a", "code", "s", "del",
             "span", "pre", "li", "dt", "dd"}
#: Phrasing parents whose line breaks may sit between block children (a soft wrap elsewhere is a space).
_MAY_HOLD_BLOCKS = {"li", "dt", "dd"}
_NOTE_LABELS = ("Suggestion:", "Question to expect:", "Reversibility:", "Also raised by", "Trade-off",
                "Status:")
_BLOCK_HTML = {BlockKind.HEADING: "<h{1}>{0}</h{1}>", BlockKind.LIST_ITEM: '<p class="li" style="--lvl:{1}">{0}</p>',
               BlockKind.QUOTE: "<blockquote><p>{0}</p></blockquote>"}
e = html.escape


@dataclass
class _Span:
    key: str  # "f:<finding id>" or "c:<citation number>"
    start: int
    end: int
    attrs: str  # class and data attributes of its <mark>, escaped
    anchor: str  # the id of its first <mark>


# ------------------------------------------------------------------------------------------------
# Sentinels and marks
#: Code points the boundary codes are written in (planes 15-16, private use): ~131k spans per digit.
SENTINEL_DIGITS = (0xF0000, 0x10FFFE)


class _Sentinels:
    """Unique boundary markers for one document: ``fence + code + fence``, the code one or more private-use
    characters (base-N digits), so any number of spans gets one."""

    def __init__(self, text: str) -> None:
        used = set(text)
        self.fence = next(ch for ch in map(chr, range(0x2E30, 0x2E60))
                          if unicodedata.category(ch) == "Po" and ch not in used)
        self._digits = [ch for ch in map(chr, range(*SENTINEL_DIGITS)) if ch not in used]
        self.events: dict[str, tuple[bool, _Span]] = {}
        self._codes: dict[tuple[int, bool], str] = {}
        self.drop = {ord(self.fence): None}
        self.pattern = re.compile(f"{re.escape(self.fence)}([^{re.escape(self.fence)}]+){re.escape(self.fence)}")

    def char(self, span: _Span, opening: bool) -> str:
        key = (id(span), opening)
        if key not in self._codes:
            n, code = len(self._codes), ""
            while True:
                n, digit = divmod(n, len(self._digits))
                code = self._digits[digit] + code
                self.drop[ord(self._digits[digit])] = None
                if not n:
                    break
            self._codes[key] = code
            self.events[code] = (opening, span)
        return self._codes[key]

    def insert(self, text: str, spans: Iterable[_Span], lo: int = 0, hi: int | None = None) -> str:
        """``text[lo:hi]`` with the boundaries of ``spans`` that fall inside it."""
        hi = len(text) if hi is None else hi
        points = []
        for s in spans:
            if lo <= s.start < hi:
                points.append((s.start, 1, -s.end, self.char(s, True)))
            if lo < s.end <= hi:
                points.append((s.end, 0, -s.start, self.char(s, False)))
        out, last = [], lo
        for offset, _, _, ch in sorted(points):  # closes before opens; outer spans open first
            out += [text[last:offset], self.fence, ch, self.fence]
            last = offset
        out.append(text[last:hi])
        return "".join(out)


def _weave(markup: str, sent: _Sentinels) -> tuple[str, set[str]]:
    """Replace the sentinels in rendered HTML by well-formed, never element-crossing ``<mark>`` tags."""
    out: list[str] = []
    open_: list[_Span] = []  # spans open at this point, outermost first
    shown = 0  # how many of them have an emitted <mark>
    elements: list[str] = []
    woven: set[str] = set()

    def close_to(n: int) -> None:
        nonlocal shown
        out.extend("</mark>" for _ in range(shown - n))
        shown = min(shown, n)

    def emit(chunk: str) -> None:
        nonlocal shown
        if open_ and (chunk.strip() or (elements and elements[-1] in _PHRASING
                                        and ("\n" not in chunk or elements[-1] not in _MAY_HOLD_BLOCKS))):
            for span in open_[shown:]:
                first = "" if span.key in woven else f' id="{span.anchor}"'
                woven.add(span.key)
                out.append(f"<mark{first} {span.attrs}>")
            shown = len(open_)
        out.append(chunk)

    for piece in _TAG.split(markup):
        if piece.startswith("<"):
            name = (_TAG_NAME.match(piece) or _TAG_NAME.match("<x")).group(1).lower()  # type: ignore[union-attr]
            if name not in _VOID:
                close_to(0)
                if piece.startswith("</"):
                    if name in elements:
                        del elements[len(elements) - 1 - elements[::-1].index(name):]
                elif not piece.endswith("/>"):
                    elements.append(name)
            out.append(piece.translate(sent.drop))  # a boundary inside an attribute is lost
            continue
        done = 0
        for m in sent.pattern.finditer(piece):
            event = sent.events.get(m.group(1))
            if event is None:
                continue
            if chunk := piece[done : m.start()].translate(sent.drop):
                emit(chunk)
            done = m.end()
            opening, span = event
            if opening:
                open_.append(span)
            elif span in open_:
                i = open_.index(span)
                close_to(i)
                open_.pop(i)
        if chunk := piece[done:].translate(sent.drop):
            emit(chunk)
    close_to(0)
    return "".join(out), woven


# ------------------------------------------------------------------------------------------------
# Markdown
@cache
def _md() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"]).use(front_matter_plugin)

    def front_matter(self: object, tokens: list[Token], idx: int, options: object, env: object) -> str:
        return (f'<details class="front-matter"><summary>Document properties</summary>'
                f"<pre>{e(tokens[idx].content)}</pre></details>\n")

    def image(self: object, tokens: list[Token], idx: int, options: object, env: object) -> str:
        alt = self.renderInlineAsText(tokens[idx].children or [], options, env)  # type: ignore[attr-defined]
        return f'<span class="img-alt" title="Image not embedded">[image: {e(alt)}]</span>'

    md.add_render_rule("front_matter", front_matter)
    md.add_render_rule("image", image)
    return md


def _render_markdown(source: str) -> str:
    md = _md()
    tokens = md.parse(source)
    for tok in tokens:
        unsafe: list[bool] = []
        for child in tok.children or ():
            if child.type == "link_open":
                href = str(child.attrGet("href") or "")
                unsafe.append(not _SAFE_HREF.match(href))
                if unsafe[-1]:
                    child.tag, child.attrs = "span", {"class": "link", "title": "Link not kept in the export"}
                elif not href.startswith("#"):
                    child.attrs = {"href": href, "rel": "noopener noreferrer", "target": "_blank"}
            elif child.type == "link_close" and unsafe and unsafe.pop():
                child.tag = "span"
    return md.renderer.render(tokens, md.options, {})


def _markdown_body(text: str, spans: list[_Span], sent: _Sentinels) -> tuple[str, set[str]]:
    plain = _render_markdown(text)
    rendered: dict[tuple[int, ...], str] = {}  # the last marked rendering, reused when it is the one woven

    def faithful(group: list[_Span]) -> bool:
        rendered.clear()
        key = tuple(map(id, group))
        rendered[key] = _render_markdown(sent.insert(text, group))
        return rendered[key].translate(sent.drop) == plain

    def good(group: list[_Span]) -> list[_Span]:
        if not group or faithful(group):
            return group
        if len(group) == 1:
            return []
        mid = len(group) // 2
        return good(group[:mid]) + good(group[mid:])

    kept = good(spans)
    if kept is not spans:  # the spans together changed the rendering: find those that do not
        kept_ids = {id(s) for s in kept}  # identity: comparing the dataclasses made this quadratic
        rest = [s for s in spans if id(s) not in kept_ids]
        for s in rest:  # a boundary inside a link target, an entity or an escape: try whole words
            while s.start > 0 and not text[s.start - 1].isspace():
                s.start -= 1
            while s.end < len(text) and not text[s.end].isspace():
                s.end += 1
        kept += good(rest)
        if not faithful(kept):  # spans that only break the rendering together: keep those that do not
            kept = [s for i, s in enumerate(kept) if faithful([*kept[:i], s])]
    markup = rendered.get(tuple(map(id, kept)))  # every span kept at once: that rendering is already made
    return _weave(markup if markup is not None else _render_markdown(sent.insert(text, kept)), sent)


def _snap(doc: Document, start: int, end: int, markdown: bool) -> tuple[int, int] | None:
    """The span kept inside block content: off list markers, quote prefixes and fence lines."""
    blocks = doc.blocks_in(start, end)
    if not blocks:
        return None
    text = doc.text

    def inner(block_start: int, block_end: int, kind: BlockKind) -> tuple[int, int]:
        if kind in (BlockKind.CODE, BlockKind.FRONT_MATTER) and _FENCE.match(text, block_start):
            first = text.find("\n", block_start, block_end)
            last = text.rfind("\n", block_start, block_end)
            if 0 <= first < last and _FENCE.match(text, last + 1):
                return first + 1, last
        return block_start, block_end

    inside = [inner(b.start, b.end, b.kind) for b in blocks]
    first = next((a for a, b in inside if b > start), None)
    last = next(((a, b) for a, b in reversed(inside) if a < end), None)
    if first is None or last is None:
        return None
    s, e_ = max(start, first), min(end, last[1])
    if markdown:  # a later line of a quote or a list item starts with "> " or indentation: not content
        line = text.rfind("\n", 0, s) + 1
        prefix_end = _LINE_PREFIX.match(text, line).end()  # type: ignore[union-attr]
        s = prefix_end if line > first and s < prefix_end else s
        line = text.rfind("\n", 0, e_) + 1
        if line > last[0] and e_ <= _LINE_PREFIX.match(text, line).end():  # type: ignore[union-attr]
            e_ = line - 1
    while e_ > s and text[e_ - 1] in "\r\n":
        e_ -= 1
    return (s, e_) if e_ > s else None


def _blocks_body(doc: Document, spans: list[_Span], sent: _Sentinels) -> tuple[str, set[str]]:
    """DOCX and plain text: blocks as elements, no Markdown parsing."""
    out: list[str] = []
    table: tuple[int | None, int | None] | None = None  # (table, row) of the cell last written
    for block in doc.blocks:
        inner = e(sent.insert(doc.text, spans, block.start, block.end))
        if block.kind is BlockKind.TABLE_CELL:
            here = (block.docx.table if block.docx else None, block.row)
            if table is None or table[0] != here[0]:
                out.append(("</tr></table>" if table else "") + "<table><tr>")
            elif table[1] != here[1]:
                out.append("</tr><tr>")
            out.append(f"<td>{inner}</td>")
            table = here
            continue
        if table is not None:
            out.append("</tr></table>\n")
            table = None
        template = _BLOCK_HTML.get(block.kind, "<p>{0}</p>" if block.kind.is_prose else "<pre>{0}</pre>")
        out.append(template.format(inner, min(max(block.level, 1), 6)) + "\n")
    out.append("</tr></table>\n" if table is not None else "")
    return _weave("".join(out), sent)


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
    parts.append(f'<blockquote class="quote">{e(f.quote)}</blockquote>' if f.quote else "")
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

    def spans(self) -> list[_Span]:
        return [_Span(f"c:{n}", c.start, c.end, f'class="cite" data-cite="{n}"', f"c-{n}")  # type: ignore[arg-type]
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
                           f"{self._cites(turn.citations, woven)}{failure}</li>")
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


def _spans(doc: Document, findings: list[Finding], debates: _Debates | None) -> list[_Span]:
    """The highlight of each placed finding and debate citation, kept inside block content."""
    markdown = doc.format is DocFormat.MARKDOWN
    spans: list[_Span] = []
    for f in findings:
        if f.placed and (where := _snap(doc, f.start, f.end, markdown)):  # type: ignore[arg-type]
            attrs = (f'class="hl k-{f.kind.value} sev-{f.severity.value} src-{f.source.value} '
                     f'st-{f.status.value}" data-id="{e(f.id)}"')
            spans.append(_Span(f"f:{f.id}", *where, attrs, f"f-{e(f.id)}"))
    for s in debates.spans() if debates else ():
        if where := _snap(doc, s.start, s.end, markdown):
            s.start, s.end = where
            spans.append(s)
    return spans


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
    spans = _spans(doc, findings, debates) if same_text else []
    sent = _Sentinels(doc.text)
    markdown = doc.format is DocFormat.MARKDOWN
    body, woven = _markdown_body(doc.text, spans, sent) if markdown else _blocks_body(doc, spans, sent)
    notes = {id(f): note_for(f, names) for f in findings}  # once each: the cards and the search data
    data = {"findings": [{"id": f.id, "kind": f.kind.value, "rank": f.severity.rank, "placed": f"f:{f.id}" in woven,
                          "search": " ".join((n.text, f.quote, n.author, *sum(n.replies, ()))).lower()}
                         for f in findings for n in [notes[id(f)]]]}
    n = len(debates.debates) if debates else 0
    appendix = register_appendix(review, doc, names)
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
