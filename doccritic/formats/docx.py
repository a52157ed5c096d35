"""Read Word (.docx) files into the core document model.

The canonical text is the *accepted* text of the body paragraphs (tracked insertions in, deletions
out), one non-empty paragraph per line. Two walkers define it: :func:`iter_body_paragraphs` (which
paragraphs, in what order) and :func:`iter_paragraph_runs` (which runs, and what text each adds). An
exporter that walks the file again with the same two functions lands on exactly the characters a
finding covers, so both are public and must stay in step with :func:`load_docx`.

We walk lxml elements directly: python-docx's object wrappers are far too slow for long documents, and
its ``paragraph.text`` drops tracked insertions, content controls and smart tags.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree
from lxml.etree import _Element

from doccritic.core.document import (
    Block,
    BlockKind,
    DocFormat,
    Document,
    DocxSource,
    ExistingComment,
    RunSpan,
)
from doccritic.formats.docx_stream import body_pieces, streamed, streamed_xml
from doccritic.formats.ooxml import damaged, open_word, release_freed_memory, xml_error
from doccritic.formats.register_appendix import DOCX_TAG
from doccritic.formats.textio import MAX_DOCX_BYTES, read_bytes

#: Zip-bomb guards, checked on the zip directory before anything is decompressed.

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
_W15 = "{http://schemas.microsoft.com/office/word/2012/wordml}"
_P, _R, _T, _TBL, _TR, _TC, _BODY = (_W + t for t in ("p", "r", "t", "tbl", "tr", "tc", "body"))
_SDT, _SDT_CONTENT, _CUSTOM_XML = _W + "sdt", _W + "sdtContent", _W + "customXml"
_OWN_APPENDIX = f"{_W}sdtPr/{_W}tag[@{_W}val='{DOCX_TAG}']"  # the register appendix an export added
_TAB, _PTAB, _BR, _CR, _NB_HYPHEN = (_W + t for t in ("tab", "ptab", "br", "cr", "noBreakHyphen"))
_INS, _DEL, _MOVE_TO, _MOVE_FROM = (_W + t for t in ("ins", "del", "moveTo", "moveFrom"))
_PPR, _PSTYLE, _NUMPR, _NUM_ID, _ILVL = (_W + t for t in ("pPr", "pStyle", "numPr", "numId", "ilvl"))
_OUTLINE, _STYLE, _STYLE_ID, _NAME = (_W + t for t in ("outlineLvl", "style", "styleId", "name"))
_TYPE, _VAL, _ID, _BASED_ON, _DEFAULT = (_W + t for t in ("type", "val", "id", "basedOn", "default"))
_COMMENT, _AUTHOR, _INITIALS, _DATE = (_W + t for t in ("comment", "author", "initials", "date"))
_RANGE_START, _RANGE_END = _W + "commentRangeStart", _W + "commentRangeEnd"
_NOTE_REFS = (_W + "footnoteReference", _W + "endnoteReference")
_TXBX = _W + "txbxContent"
_MARKS = frozenset((_RANGE_START, _RANGE_END))
#: Elements between a paragraph and its runs whose runs are accepted text. Everything else is left
#: out: w:del and w:moveFrom (deleted), drawings, math, and mc:AlternateContent (text boxes).
_RUN_CONTAINERS = frozenset(
    _W + t for t in ("ins", "moveTo", "hyperlink", "fldSimple", "smartTag", "customXml", "dir", "bdo")
)
_COMMENTS_EXTENDED = "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"
_HEADING_NAME = re.compile(r"^(?:heading|\w?berschrift)\s*([1-9])$", re.IGNORECASE)
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
#: A file this large (~8 MB of XML) has its freed XML tree given back after loading; a collection costs
#: more than a small file's whole load.
_RELEASE_AFTER = 1024 * 1024


class TableCell(NamedTuple):
    """Where a paragraph sits in a table: tables numbered in walk order (nested ones too), 0-based."""

    table: int
    row: int
    col: int


class _Style(NamedTuple):
    outline: int | None = None  # effective w:outlineLvl, inherited through basedOn
    heading: int = 0  # heading level, 0 when not a heading
    num_id: str | None = None
    ilvl: int | None = None


# ---- walkers shared with the exporter ---------------------------------------------------------------


def iter_body_paragraphs(body_element: _Element) -> Iterator[tuple[_Element, TableCell | None]]:
    """Yield ``(w:p, table cell or None)`` for every paragraph in document order.

    Enters tables (nested too), content controls and custom XML, which python-docx's ``paragraphs``
    skips; never enters text boxes. Works on any block container (w:body, w:tc, w:comment).
    """
    for el, cell in _walk_blocks(body_element, None, [0]):
        if el.tag == _P:
            yield el, cell


def _walk_blocks(
    parent: _Element, cell: TableCell | None, tables: list[int]
) -> Iterator[tuple[_Element, TableCell | None]]:
    """Paragraphs, plus comment-range markers that sit between paragraphs."""
    return _walk_children(parent.iterchildren(), cell, tables)


def _walk_children(
    children: Iterable[_Element], cell: TableCell | None, tables: list[int]
) -> Iterator[tuple[_Element, TableCell | None]]:
    """:func:`_walk_blocks` over some of a container's children (the loader's body comes in pieces)."""
    for child in _unwrapped_of(children, (_P, _TBL, *_MARKS)):
        if child.tag != _TBL:
            yield child, cell
            continue
        index = tables[0]
        tables[0] += 1
        for row, tr in enumerate(_unwrapped(child, (_TR,))):
            for col, tc in enumerate(_unwrapped(tr, (_TC,))):
                yield from _walk_blocks(tc, TableCell(index, row, col), tables)


def _unwrapped(parent: _Element, tags: tuple[str, ...]) -> Iterator[_Element]:
    """Children with one of ``tags``, looking through the content controls and custom XML that may
    wrap paragraphs, tables, rows and cells."""
    return _unwrapped_of(parent.iterchildren(), tags)


def _unwrapped_of(children: Iterable[_Element], tags: tuple[str, ...]) -> Iterator[_Element]:
    for child in children:
        if child.tag in tags:
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None and child.find(_OWN_APPENDIX) is None:  # doccritic's appendix is not the text
                yield from _unwrapped(content, tags)
        elif child.tag == _CUSTOM_XML:
            yield from _unwrapped(child, tags)


def iter_paragraph_runs(p_element: _Element) -> Iterator[tuple[_Element, str]]:
    """Yield ``(w:r, accepted text)`` for each run of a paragraph, in document order.

    Runs may yield ``""`` (pictures, field codes, page breaks); they still count, because
    ``RunSpan.index`` is the position in this sequence.
    """
    for el in _walk_inline(p_element):
        if el.tag == _R:
            yield el, run_text(el)


def _walk_inline(parent: _Element) -> Iterator[_Element]:
    """Runs and comment-range markers of the accepted text, in document order."""
    for child in parent.iterchildren():
        tag = child.tag
        if tag == _R or tag in _MARKS:
            yield child
        elif tag in _RUN_CONTAINERS:
            yield from _walk_inline(child)
        elif tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _walk_inline(content)


def run_text(r_element: _Element) -> str:
    """The text one run adds: deleted text, field instructions and symbols are left out."""
    parts: list[str] = []
    for child in r_element.iterchildren():
        tag = child.tag
        if tag == _T:
            parts.append(child.text or "")
        elif tag in (_TAB, _PTAB):
            parts.append("\t")
        elif tag == _CR or (tag == _BR and child.get(_TYPE) not in ("page", "column")):
            parts.append("\n")
        elif tag == _NB_HYPHEN:
            parts.append("-")
    return "".join(parts)


# ---- loading ----------------------------------------------------------------------------------------


def load_docx(path: Path) -> Document:
    """Load a .docx file; any problem with the file becomes a :class:`LoadError` with one sentence."""
    name = path.name or str(path)
    data = read_bytes(path, MAX_DOCX_BYTES)
    with streamed():  # the body is parsed a piece at a time by _build_document
        word = open_word(data, name)
    try:
        return _build_document(word, path)
    except etree.XMLSyntaxError as exc:  # met while streaming the body: as a whole parse would say
        raise xml_error(name, str(exc)) from exc
    except Exception as exc:  # a strange file must never show the user a traceback
        raise damaged(name, "its contents are damaged or in a form doccritic cannot read.") from exc
    finally:
        big = len(data) > _RELEASE_AFTER
        del word, data
        if big:
            release_freed_memory()


class _Builder:
    """Accumulates the canonical text, blocks and comment anchors in one pass over the body."""

    def __init__(self, styles: dict[str, _Style], default_style: str | None) -> None:
        self.styles, self.default_style = styles, default_style
        self.pieces: list[str] = []
        self.blocks: list[Block] = []
        self.pos = 0  # length of the canonical text so far
        self._cell: TableCell | None = None  # where the last block with text sits, if in a table
        self.anchors: dict[tuple[object, str], tuple[int, bool]] = {}  # (tag, id) -> (offset, in a gap)
        self._starts: list[int] | None = None

    def add(self, index: int, p: _Element, cell: TableCell | None) -> None:
        """Add one paragraph: a block if it has text, else just a place for comment anchors."""
        parts: list[str] = []
        spans: list[tuple[int, int, int]] = []
        marks: list[tuple[_Element, int]] = []
        local = run_index = 0
        for el in _walk_inline(p):
            if el.tag != _R:
                marks.append((el, local))
                continue
            text = run_text(el)
            if text:
                spans.append((run_index, local, local + len(text)))
                parts.append(text)
                local += len(text)
            run_index += 1
        text = "".join(parts)
        if not text.strip():
            for el, _ in marks:
                self.mark(el, self.pos, True)
            return
        separator = self._separator(cell) if self.blocks else ""
        start = self.pos + len(separator)
        self.pieces.append(separator + text)
        self.pos = start + len(text)
        self._cell = cell
        for el, offset in marks:
            self.mark(el, start + offset, False)
        kind, level = self._classify(p, cell)
        runs = tuple(RunSpan(i, start + a, start + b) for i, a, b in spans)
        table, row, col = cell if cell else (None, None, None)
        source = DocxSource(paragraph=index, runs=runs, table=table)
        self.blocks.append(Block(kind, start, self.pos, text, level, row=row, col=col, docx=source))

    def _separator(self, cell: TableCell | None) -> str:
        """A new line for each paragraph, except that a table row reads on one line, its cells apart by a tab
        for each column moved (an empty cell keeps its column), as Word shows it: one cell per line read as a
        list of unrelated fragments. A cell's second paragraph still starts a line."""
        last = self._cell
        if cell is not None and last is not None and cell[:2] == last[:2] and cell.col > last.col:
            return "\t" * (cell.col - last.col)
        return "\n"

    def mark(self, el: _Element, offset: int, in_gap: bool) -> None:
        self.anchors.setdefault((el.tag, el.get(_ID, "")), (offset, in_gap))

    def _classify(self, p: _Element, cell: TableCell | None) -> tuple[BlockKind, int]:
        """Headings win (even in tables), then table cells, then list items."""
        style_id, outline, num_id, ilvl = _ppr_props(p.find(_PPR))
        style = self.styles.get(style_id or self.default_style or "") or _Style()
        heading = style.heading
        if outline is not None:  # direct formatting beats the style; level 9 means body text
            heading = outline + 1 if 0 <= outline <= 8 else 0
        if heading:
            return BlockKind.HEADING, heading
        if cell is not None:
            return BlockKind.TABLE_CELL, 0
        num_id = num_id or style.num_id
        if num_id and num_id != "0":  # numId 0 explicitly removes numbering
            return BlockKind.LIST_ITEM, (ilvl if ilvl is not None else style.ilvl or 0) + 1
        return BlockKind.PARAGRAPH, 0

    def anchor(self, comment_id: str) -> tuple[int | None, int | None]:
        """Canonical [start, end) of a comment; a start in a skipped paragraph moves to the next text."""
        start, start_in_gap = self.anchors.get((_RANGE_START, comment_id), (None, False))
        end = self.anchors.get((_RANGE_END, comment_id), (None, False))[0]
        if start is not None and start_in_gap:
            self._starts = self._starts or [b.start for b in self.blocks]
            i = bisect.bisect_left(self._starts, start)
            start = self._starts[i] if i < len(self._starts) else self.pos
        if start is not None and end is not None and end < start:
            end = start
        return start, end


def _build_document(word: Any, path: Path) -> Document:
    xml = streamed_xml(word)
    body = word.element.find(_BODY)
    pieces = body_pieces(xml) if xml is not None else [list(body)] if body is not None else []
    styles, default_style = _style_map(_related_xml(word.part, RT.STYLES))
    builder = _Builder(styles, default_style)
    counts: Counter[str] = Counter()
    boxes_with_text = False
    index, tables = 0, [0]
    for children in pieces:
        for el, cell in _walk_children(children, None, tables):
            if el.tag == _P:
                builder.add(index, el, cell)
                index += 1
            else:  # a start between paragraphs opens at the next text; an end closes at the last
                builder.mark(el, builder.pos, in_gap=True)
        for child in children:
            for el in child.iter(_INS, _DEL, _MOVE_TO, _MOVE_FROM, _TXBX, *_NOTE_REFS):
                counts[str(el.tag)] += 1
                if el.tag == _TXBX:
                    boxes_with_text = boxes_with_text or any(t.text for t in el.iter(_T))
    return Document(
        text="".join(builder.pieces),
        format=DocFormat.DOCX,
        blocks=builder.blocks,
        path=path,
        title=_core_title(word),
        comments=_read_comments(word.part, builder),
        warnings=_warnings(counts, boxes_with_text),
    )


def _warnings(counts: Counter[str], boxes_with_text: bool) -> list[str]:
    warnings: list[str] = []
    ins, dels, moves = counts[_INS], counts[_DEL], counts[_MOVE_TO] + counts[_MOVE_FROM]
    if ins or dels or moves:
        moved = " Moved text is shown in its new place." if moves else ""
        changes = f"{_plural(ins, 'insertion')} included, {_plural(dels, 'deletion')} left out."
        warnings.append(f"Tracked changes are shown as accepted: {changes}{moved}")
    notes = sum(counts[tag] for tag in _NOTE_REFS)
    if notes:
        warnings.append(f"Footnotes and endnotes ({notes}) are not shown or reviewed.")
    if boxes_with_text:
        warnings.append("Text inside text boxes and shapes is not shown or reviewed.")
    return warnings


def _read_comments(part: Any, builder: _Builder) -> list[ExistingComment]:
    """Comments with their anchors; replies get ``parent_id`` from commentsExtended (Word 2013+),
    which links each comment's *last* paragraph (w14:paraId) to its parent's."""
    root = _related_xml(part, RT.COMMENTS)
    if root is None:
        return []
    extended = _related_xml(part, _COMMENTS_EXTENDED)
    parent_of: dict[str, str] = {}
    for ex in extended.iter(_W15 + "commentEx") if extended is not None else ():
        para, parent = ex.get(_W15 + "paraId"), ex.get(_W15 + "paraIdParent")
        if para and parent:
            parent_of[para] = parent
    comments: list[ExistingComment] = []
    id_by_para: dict[str, str] = {}
    for el in root.iterchildren(_COMMENT):
        comment_id = el.get(_ID, "")
        paragraphs = [p for p, _ in iter_body_paragraphs(el)]
        texts = ("".join(text for _, text in iter_paragraph_runs(p)) for p in paragraphs)
        last_para = (paragraphs[-1].get(_W14 + "paraId") or "") if paragraphs else ""
        if last_para:
            id_by_para[last_para] = comment_id
        text = "\n".join(t for t in texts if t.strip())
        start, end = builder.anchor(comment_id)
        author, initials, date = el.get(_AUTHOR, ""), el.get(_INITIALS, ""), el.get(_DATE)
        parent_para = parent_of.get(last_para)  # resolved to a comment id below, once all are known
        comments.append(ExistingComment(comment_id, author, text, initials, date, start, end, parent_para))
    return [replace(c, parent_id=id_by_para.get(c.parent_id or "")) for c in comments]


def _style_map(root: _Element | None) -> tuple[dict[str, _Style], str | None]:
    """Paragraph styles resolved through ``basedOn`` once, so each paragraph costs one dict lookup."""
    if root is None:
        return {}, None
    raw: dict[str, tuple[str, str | None, int | None, str | None, int | None]] = {}
    default: str | None = None
    for style in root.iterchildren(_STYLE):
        style_id = style.get(_STYLE_ID)
        if style.get(_TYPE) != "paragraph" or not style_id:
            continue
        _, outline, num_id, ilvl = _ppr_props(style.find(_PPR))
        raw[style_id] = (_val(style.find(_NAME)) or "", _val(style.find(_BASED_ON)), outline, num_id, ilvl)
        if style.get(_DEFAULT) in ("1", "true", "on"):
            default = style_id
    resolved: dict[str, _Style] = {}

    def resolve(style_id: str, seen: frozenset[str]) -> _Style:
        if style_id not in resolved:
            name, based_on, outline, num_id, ilvl = raw[style_id]
            parent = _Style()
            if based_on in raw and based_on not in seen:
                parent = resolve(based_on, seen | {style_id})
            outline = outline if outline is not None else parent.outline
            if outline is not None:  # Word's own signal, and it works for localized style names
                heading = outline + 1 if 0 <= outline <= 8 else 0
            else:
                heading = _name_level(name) or _name_level(style_id) or parent.heading
            num_id = num_id if num_id is not None else parent.num_id
            resolved[style_id] = _Style(outline, heading, num_id, ilvl if ilvl is not None else parent.ilvl)
        return resolved[style_id]

    for style_id in raw:
        resolve(style_id, frozenset())
    return resolved, default


def _ppr_props(ppr: _Element | None) -> tuple[str | None, int | None, str | None, int | None]:
    """(pStyle, outlineLvl, numId, ilvl) of a w:pPr, each None when absent."""
    if ppr is None:
        return None, None, None, None
    numpr = ppr.find(_NUMPR)
    num = (None, None) if numpr is None else (_val(numpr.find(_NUM_ID)), _int(_val(numpr.find(_ILVL))))
    return _val(ppr.find(_PSTYLE)), _int(_val(ppr.find(_OUTLINE))), *num


def _name_level(name: str) -> int:
    """Heading level from a style name or id ("heading 2", "Heading2", German "berschrift2"); Title is 1."""
    name = name.strip()
    if name.lower() == "title":
        return 1
    match = _HEADING_NAME.match(name)
    return int(match.group(1)) if match else 0


def _related_xml(part: Any, reltype: str) -> _Element | None:
    """Root element of the part related by ``reltype``, or None; generic parts are parsed safely."""
    for rel in part.rels.values():
        if rel.reltype == reltype and not rel.is_external:
            element = getattr(rel.target_part, "element", None)
            return element if element is not None else etree.fromstring(rel.target_part.blob, _SAFE_PARSER)
    return None


def _core_title(word: Any) -> str:
    """The document-properties title, without letting python-docx invent "Word Document"."""
    try:
        props = word.part.package.part_related_by(RT.CORE_PROPERTIES)
    except KeyError:
        return ""
    return (props.core_properties.title or "").strip()


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _val(el: _Element | None) -> str | None:
    return el.get(_VAL) if el is not None else None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
