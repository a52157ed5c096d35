"""Markdown export: the document's own text marked up with CriticMarkup (or footnotes), and the inverses.

``export_criticmarkup`` writes the canonical text unchanged except for what it inserts, and
``strip_criticmarkup`` / ``strip_footnotes`` remove exactly that, giving the text back byte for byte.

Critic style: each placed finding's passage becomes ``{==passage==}{>>Author · Kind · severity: title —
rationale …<<}`` (the wording of :func:`~doccritic.formats.export_common.note_for`, on one line).

- **Overlaps.** CriticMarkup cannot nest, so overlapping highlights in one block merge into one
  highlight followed by every note it carries, in document order. Spans that merely touch stay apart.
- **Block boundaries.** A highlight never leaves its block (paragraph, heading, list item, quote, table
  cell), so it never spans a blank line or a table pipe: a multi-block span is split into one highlight
  per block, trimmed of whitespace and line prefixes (``>``, indentation). The full note follows the
  last piece; the earlier pieces get a short "(continues below)" note. Highlight ends inside inline
  code, links, autolinks, inline HTML or ``<!-- -->`` comments, entities or backslash escapes widen to
  cover them whole, so markup wraps them and never enters them.
- **Untouched blocks.** Code blocks, front matter and HTML blocks never get inline markup: a finding
  whose prose part is empty (it lies in such a block) gets its note on its own paragraph right after
  that block, "In the code block above (…): …", indented to stay in the block's list item or quote. A
  fence that is never closed (or HTML running to the end) would swallow that paragraph, so its notes
  go to the top comment block instead.
- **Document-level and unplaced findings** go to a comment block at the top, ``{>>doccritic, whole
  document: …<<}`` one per line, right after the front matter when there is one (never inside it).
- **Notes stay one line** and cannot close early: whitespace runs become one space; ``{`` before and
  ``}`` after ``= < > ~ + -`` get a space (``{ >>``, ``< }``), and ``\\ ` * < | [ ]`` are
  backslash-escaped so a note neither splits a table row nor opens code or links past its end.
- **Unambiguous stripping.** The document's own ``{==``/``{>>`` (and ``{\\==``… with any number of
  backslashes) are written with one more backslash after the brace: ``{\\==`` renders as ``{==`` in
  prose. Inside code, front matter, HTML, inline code and links this escape would show, so there they
  are left as written unless the output would then not strip back exactly; only then (a document
  quoting CriticMarkup in its code) are they escaped too. Stripping removes ``{==P==}`` + notes, the
  stand-alone note paragraphs and the top block, then drops one backslash from each escaped brace.

Footnote style: the passage stays as it is and ``[^dc-N]`` follows the finding's last piece (after
closing punctuation), with ``[^dc-N]: …`` definitions after a blank line at the end; notes of untouched
blocks and the top block are paragraphs of references. The label prefix (``dc``, ``dc1``…) is one the
document never uses, so ``strip_footnotes`` is exact too. Line breaks written are the document's own
(CRLF stays CRLF); offsets are code points, so emoji and CJK text are safe.

Both styles end with the decision register appendix when the review has one
(:mod:`~doccritic.formats.register_appendix`): a blank line, an HTML comment marking it, then its tables;
both strip functions cut it off first.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from doccritic.core.document import Block, BlockKind, DocFormat, Document
from doccritic.core.findings import Anchor, Finding, Review
from doccritic.formats.export_common import exported_findings, note_for
from doccritic.formats.export_form import export_form
from doccritic.formats.markdown import parse_markdown
from doccritic.formats.register_appendix import export_appendix, strip_markdown, to_markdown
from doccritic.formats.text import parse_text

Style = Literal["critic", "footnotes"]

_NL = r"(?P<nl>\r\n|\n|\r)"
_NOTE = r"\{>>(?:(?!<<\})[^\r\n])*<<\}"
_INLINE = re.compile(r"\{==((?:(?!\{==(?!=*\}\{>>)|\{>>).)*?)==\}(?:" + _NOTE + r")+", re.S)
_AFTER = re.compile(_NL + r"(?P<pb>[ \t>]*)(?P=nl)(?P<p>[ \t>]*)" + _NOTE
                    + r"(?:(?P=nl)(?P=p)" + _NOTE + r")*(?P=nl)(?P=pb)")
_HEAD = re.compile(r"\A" + _NOTE + _NL + r"(?:" + _NOTE + r"(?P=nl))*(?P=nl)")
_OPENER = re.compile(r"\{(?=\\*(?:==|>>))")
_ESCAPED = re.compile(r"\{\\(?=\\*(?:==|>>))")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_ATOMIC = re.compile(
    r"<!--.*?-->"
    r"|(?<!`)(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`)"
    r"|<[A-Za-z/!?][^<>]*>"
    r"|!?\[[^\[\]]*\](?:\([^()\s]*(?:\s+\"[^\"]*\")?\)|\[[^\[\]]*\])?"
    r"|&(?:#\d+|#[xX][0-9a-fA-F]+|\w+);"
    r"|\\(?:[!-/:-@\[-`{-~]|\r\n|\n|\r)",
    re.S,
)
_CONTAINER = re.compile(r"[ \t>]*")
_CONTAINERS = r"(?:[ \t>]|[-*+][ \t]|\d{1,9}[.)][ \t])*"  # quote and list markers opening a line
_FENCE = re.compile(_CONTAINERS + r"(`{3,}|~{3,})")
_MARKERS = re.compile(_CONTAINERS)
_LIST_MARK = re.compile(r"[-*+]|\d{1,9}[.)]")
_MD_SPECIAL = re.compile(r"([\\`*<|\[\]])")
_TOKEN_OPEN = re.compile(r"\{(?=[=<>~+\-])")
_TOKEN_CLOSE = re.compile(r"(?<=[=<>~+\-])\}")
_CLOSING_PUNCT = frozenset(".,;:?)\"'”’»…")
_WHERE = {BlockKind.CODE: "the code block", BlockKind.FRONT_MATTER: "the front matter",
          BlockKind.HTML: "the HTML"}


def _end_of(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """Where ``pattern``, which also matches nothing, stops when matched at ``pos``."""
    m = pattern.match(text, pos)
    return m.end() if m else pos


@dataclass
class _Place:
    """Where one finding's note goes: after its highlight pieces, after a block, or in the top block."""

    finding: Finding
    pieces: list[tuple[int, int]] = field(default_factory=list)
    block: Block | None = None
    context: str = ""


def export_criticmarkup(review: Review, doc: Document | None = None, *, names: Mapping[str, str] | None = None,
                        style: Style = "critic", include_dismissed: bool = False,
                        include_checks: bool = True) -> str:
    """The review's document text with its findings as CriticMarkup (or footnotes); see the module doc.

    ``doc`` gives the blocks (parsed from ``review.document.text`` when omitted) and must have the
    same text; ``names`` maps persona ids to display names.
    """
    if style not in ("critic", "footnotes"):
        raise ValueError(f"unknown style {style!r}: use 'critic' or 'footnotes'")
    text = review.document.text
    doc = _document(review, doc)
    findings = exported_findings(review, include_dismissed=include_dismissed, include_checks=include_checks)
    layout = _Layout(doc)
    places = [layout.place(f) for f in findings]
    appendix = export_appendix(review, doc, names)
    tail = layout.nl * 2 + to_markdown(appendix, layout.nl) if appendix is not None else ""
    if style == "footnotes":
        return _render_footnotes(layout, places, names or {}) + tail
    out = _render_critic(layout, places, names or {}, escape_all=False)
    if layout.unescaped and strip_criticmarkup(out) != text:
        out = _render_critic(layout, places, names or {}, escape_all=True)
    return out + tail


def strip_criticmarkup(text: str) -> str:
    """Undo :func:`export_criticmarkup` (critic style) exactly."""
    text = strip_markdown(text)  # the register appendix at the end
    text = _INLINE.sub(lambda m: m.group(1), text)
    text = _AFTER.sub("", text)
    text = _HEAD.sub("", text, count=1)
    return _ESCAPED.sub("{", text)


def strip_footnotes(text: str) -> str:
    """Undo :func:`export_criticmarkup` with ``style="footnotes"`` exactly (its labels are unique)."""
    text = strip_markdown(text)  # the register appendix at the end
    tail = re.search(_NL + r"(?P=nl)\[\^(?P<p>dc\d*)-\d+\]: [^\r\n]*(?P=nl)"
                     r"(?:\[\^(?P=p)-\d+\]: [^\r\n]*(?P=nl))*\Z", text)
    if tail is None:
        return text
    ref = r"\[\^" + tail.group("p") + r"-\d+\]"
    text = text[: tail.start()]
    text = re.sub(_NL + r"(?P<pb>[ \t>]*)(?P=nl)(?P<p>[ \t>]*)(?:" + ref + r")+(?P=nl)(?P=pb)", "", text)
    text = re.sub(r"\A(?:" + ref + r")+" + _NL + r"(?P=nl)", "", text, count=1)
    return re.sub(ref, "", text)


def _document(review: Review, doc: Document | None) -> Document:
    if doc is None:
        text = review.document.text
        return parse_markdown(text) if review.document.format == "markdown" else parse_text(text)
    if doc.text != review.document.text:
        raise ValueError("the document's text differs from the review's: export the review's own document")
    return doc


class _Layout:
    """The document's blocks seen as an exporter needs them: prose pieces, untouched blocks, line breaks."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.text = doc.text
        breaks = [m.group(0) for m in _LINE_BREAK.finditer(self.text)]
        self.nl = max(("\r\n", "\r", "\n"), key=breaks.count) if breaks else "\n"
        first = doc.blocks[0] if doc.blocks else None
        self.front = first if first and first.kind is BlockKind.FRONT_MATTER and first.start == 0 else None
        self._atomics: dict[int, list[tuple[int, int]]] = {}
        self._parsed: list[tuple[int, int]] | None = None  # code spans and links as the export form read them
        self._starts: list[int] | None = None  # each line's start: after every CR and every LF
        self.unescaped = False

    def place(self, f: Finding) -> _Place:
        if not f.placed or f.start is None or f.end is None:
            return _Place(f, context=_unplaced_context(f))
        start, end = min(f.start, len(self.text)), min(f.end, len(self.text))
        line = self.doc.line_col(start)[0] + 1
        pieces: list[tuple[int, int]] = []
        touched: Block | None = None
        for block in self.doc.blocks_in(start, end) if start < end else []:
            if not block.kind.is_prose:
                touched = block
            elif (piece := self._piece(block, start, end))[0] < piece[1]:
                pieces.append(piece)
        if pieces:
            return _Place(f, pieces)
        if touched is None:
            return _Place(f, context=f"doccritic, at line {line}")
        snippet = _snippet(self.text[max(start, touched.start) : min(end, touched.end)])
        where = _WHERE[touched.kind]
        if self._open_ended(touched):
            return _Place(f, context=f"doccritic, in {where} at line {line} ({snippet})")
        return _Place(f, block=touched, context=f"In {where} above ({snippet})")

    def _piece(self, block: Block, start: int, end: int) -> tuple[int, int]:
        """The part of [start, end) in a prose block, trimmed, widened over what markup must not cut."""
        s, e = self._trim(block, max(start, block.start), min(end, block.end))
        if s >= e:
            return (s, s)
        for a, b in self.atomics(block):
            if a < s < b:
                s = a
            if a < e < b:
                e = b
        return (s, e)

    def _trim(self, block: Block, s: int, e: int) -> tuple[int, int]:
        text = self.text
        while True:
            while s < e and text[s].isspace():
                s += 1
            line = self._line_start(s)
            if s < e and line > block.start and _end_of(_CONTAINER, text, line) > s:
                s = _end_of(_CONTAINER, text, line)
                continue
            while e > s and text[e - 1].isspace():
                e -= 1
            line = self._line_start(e)
            if max(block.start, s) < line < e and _end_of(_CONTAINER, text, line) >= e:
                e = line
                continue
            return s, e

    def _line_start(self, pos: int) -> int:
        """Where the line holding ``pos`` starts (after the last CR or LF before it). Looked up, not searched
        for: ``rfind("\\r")`` in a file without one scanned back to its start for every highlight (1.4 of
        4.4 s at 50,000 findings)."""
        if self._starts is None:
            self._starts = [0] + [m.end() for m in re.finditer(r"[\r\n]", self.text)]
        return self._starts[bisect.bisect_right(self._starts, pos) - 1]

    def atomics(self, block: Block) -> list[tuple[int, int]]:
        """Inline spans markup must not cut: code spans, links, HTML and comments, entities, escapes.

        Code spans and links come from the export form, the one Markdown parse the Word, HTML and PDF
        writers place their comments on (a link's text may hold brackets, its title parentheses, which no
        regex reads as CommonMark does); the regex adds the lexical ones (entities, escapes, HTML) and is
        the fallback where the form could not follow the source (inside a quote's continued lines)."""
        if block.start not in self._atomics:
            parsed = self.parsed()
            first = bisect.bisect_left(parsed, (block.start, -1))
            last = bisect.bisect_left(parsed, (block.end, -1))
            self._atomics[block.start] = [(block.start + m.start(), block.start + m.end())
                                          for m in _ATOMIC.finditer(block.text)] + parsed[first:last]
        return self._atomics[block.start]

    def parsed(self) -> list[tuple[int, int]]:
        """The export form's code spans and links (Markdown only; made on first use)."""
        if self._parsed is None:
            markdown = self.doc.format is DocFormat.MARKDOWN and ("`" in self.text or "[" in self.text)
            self._parsed = export_form(self.doc).atoms if markdown else []
        return self._parsed

    def _open_ended(self, block: Block) -> bool:
        """A fence never closed, or HTML running to the end: a paragraph after it would be inside it."""
        lines = _LINE_BREAK.split(block.text)
        if block.kind is BlockKind.HTML:
            return not self.text[block.end :].strip() and ">" not in lines[-1]
        fence = _FENCE.match(lines[0]) if block.kind is BlockKind.CODE else None
        if fence is None:
            return False
        close = lines[-1].lstrip(" \t>").rstrip()
        mark = fence.group(1)
        return len(lines) < 2 or not close or set(close) != {mark[0]} or len(close) < len(mark)

    def prefix(self, block: Block) -> str:
        """Line prefix that keeps a paragraph after ``block`` in the block's quote or list item."""
        line = self.text[self._line_start(block.start) : block.end]
        if block.kind is BlockKind.FRONT_MATTER:
            return ""
        prefix = _LIST_MARK.sub(lambda m: " " * len(m.group()), line[: _end_of(_MARKERS, line, 0)])
        if block.kind is BlockKind.HTML or _FENCE.match(line):
            return prefix
        return prefix[:-4] if prefix.endswith("    ") else prefix.rstrip()  # indented code's own indent

    def escapes(self, escape_all: bool) -> list[int]:
        """Positions for the backslash that keeps the document's own ``{==``/``{>>`` from reading as ours."""
        out = []
        for m in _OPENER.finditer(self.text):
            pos = m.start() + 1
            block = self.doc.block_at(m.start())
            safe = block is not None and block.kind.is_prose and not any(
                a < pos < b for a, b in self.atomics(block))
            if escape_all or safe:
                out.append(pos)
            else:
                self.unescaped = True
        return out


def _unplaced_context(f: Finding) -> str:
    if f.anchor is Anchor.DOCUMENT or not f.quote:
        return "doccritic, whole document"
    if f.anchor is Anchor.AMBIGUOUS and f.candidates:
        return f"doccritic, quote found {len(f.candidates)} times ({_snippet(f.quote)})"
    return f"doccritic, quote not found ({_snippet(f.quote)})"


def _snippet(quote: str, limit: int = 60) -> str:
    words = " ".join(quote.split())
    return f"“{words[:limit].rstrip()}…”" if len(words) > limit else f"“{words}”"


def _clean(text: str) -> str:
    """One line that cannot close a CriticMarkup note, split a table row or open code past its end."""
    text = _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    return _TOKEN_CLOSE.sub(" }", _TOKEN_OPEN.sub("{ ", text))


def _payload(place: _Place, names: Mapping[str, str]) -> str:
    note = note_for(place.finding, names)
    body = [*note.lines, *(f"Reply from {who}: {said}" for who, said in note.replies)]
    text = f"{note.author} · {note.heading}" + (" — " + " ".join(_sentence(b) for b in body) if body else "")
    return _clean(f"{place.context}: {text}" if place.context else text)


def _continues(place: _Place, names: Mapping[str, str]) -> str:
    note = note_for(place.finding, names)
    return _clean(f"(continues below) {note.author} · {note.heading}")


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?…:;)\"'”’" else text + "."


def _highlights(places: list[_Place], names: Mapping[str, str]) -> list[tuple[int, int, list[str]]]:
    """Every highlight piece, overlapping ones merged, with the notes that follow each."""
    pieces = sorted((s, e, order, i == len(p.pieces) - 1)
                    for order, p in enumerate(places) for i, (s, e) in enumerate(p.pieces))
    merged: list[tuple[int, int, list[tuple[int, bool]]]] = []
    for s, e, order, last in pieces:
        if merged and s < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e), [*merged[-1][2], (order, last)])
        else:
            merged.append((s, e, [(order, last)]))
    out = []
    for s, e, members in merged:
        full = [_payload(places[o], names) for o, last in sorted(members) if last]
        more = [_continues(places[o], names) for o, last in sorted(members) if not last]
        out.append((s, e, full + more))
    return out


def _stand_alone(layout: _Layout, places: list[_Place]) -> tuple[list[_Place], dict[int, tuple[Block, list[_Place]]]]:
    """The top block's findings and, per untouched block end, the findings noted after it."""
    head = [p for p in places if not p.pieces and p.block is None]
    after: dict[int, tuple[Block, list[_Place]]] = {}
    for p in places:
        if not p.pieces and p.block is not None:
            after.setdefault(p.block.end, (p.block, []))[1].append(p)
    if head and layout.front is not None:
        after.setdefault(layout.front.end, (layout.front, []))[1].extend(head)
        head = []
    return head, after


def _after_form(layout: _Layout, block: Block, lines: list[str]) -> str:
    """A paragraph of ``lines`` after ``block``, blank lines around it, in the block's container."""
    nl, p = layout.nl, layout.prefix(block)
    pb = p.rstrip()
    return nl + pb + nl + nl.join(p + line for line in lines) + nl + pb


def _render_critic(layout: _Layout, places: list[_Place], names: Mapping[str, str], *, escape_all: bool) -> str:
    inserts: list[tuple[int, int, str]] = [(pos, 0, "\\") for pos in layout.escapes(escape_all)]
    for s, e, notes in _highlights(places, names):
        inserts.append((s, 3, "{=="))
        inserts.append((e, 1, "==}" + "".join("{>>" + n + "<<}" for n in notes)))
    head, after = _stand_alone(layout, places)
    for end, (block, members) in after.items():
        inserts.append((end, 2, _after_form(layout, block, ["{>>" + _payload(p, names) + "<<}" for p in members])))
    if head:
        inserts.append((0, -1, "".join("{>>" + _payload(p, names) + "<<}" + layout.nl for p in head) + layout.nl))
    return _splice(layout.text, inserts)


def _render_footnotes(layout: _Layout, places: list[_Place], names: Mapping[str, str]) -> str:
    text, nl = layout.text, layout.nl
    label = next(f"dc{n or ''}" for n in range(len(text) + 1) if f"[^dc{n or ''}-" not in text)
    groups: list[tuple[int, int, list[_Place], Block | None]] = []
    head, after = _stand_alone(layout, places)
    if head:
        groups.append((0, -1, head, None))
    groups += [(end, 2, members, block) for end, (block, members) in after.items()]
    groups += [(_ref_pos(layout, p), 1, [p], None) for p in places if p.pieces]
    groups.sort(key=lambda g: (g[0], g[1]))
    inserts: list[tuple[int, int, str]] = []
    defs: list[str] = []
    for pos, rank, members, block in groups:
        refs = ""
        for p in members:
            defs.append(f"[^{label}-{len(defs) + 1}]: {_payload(p, names)}{nl}")
            refs += f"[^{label}-{len(defs)}]"
        form = refs + nl + nl if rank < 0 else _after_form(layout, block, [refs]) if block else refs
        inserts.append((pos, rank, form))
    if not defs:
        return text
    return _splice(text, inserts) + nl + nl + "".join(defs)


def _ref_pos(layout: _Layout, place: _Place) -> int:
    """After the finding's last piece and the punctuation closing its sentence; never after ``!``/``\\``."""
    text, end = layout.text, place.pieces[-1][1]
    block = layout.doc.block_at(end - 1)
    limit = block.end if block is not None else end
    after = end
    while after < limit and text[after] in _CLOSING_PUNCT:
        after += 1
    if after == limit or text[after].isspace() or text.startswith("[^", after):  # not inside "don't"
        end = after
    while end > place.pieces[-1][0] and text[end - 1] in "!\\":
        end -= 1
    return end


def _splice(text: str, inserts: list[tuple[int, int, str]]) -> str:
    out, prev = [], 0
    for pos, _, piece in sorted(inserts, key=lambda t: (t[0], t[1])):
        out += [text[prev:pos], piece]
        prev = pos
    out.append(text[prev:])
    return "".join(out)
