"""Export a review as a Word document with one native comment per finding, on exactly its characters.

From a DOCX source the original file is reopened and kept whole (styles, tables, images, headers,
footnotes, tracked changes, existing comments); only runs are split and comment marks added. From
Markdown or text a clean document is rendered first (:mod:`doccritic.formats.docx_render`). Both give
*pieces*: runs with the canonical ``[start, end)`` they show, so placing comments is the same for both:

1. every comment boundary that falls inside a run splits it (``w:rPr`` deep-copied, ``w:t`` cut at the
   code point), so each span starts and ends on a run edge;
2. ``w:commentRangeStart`` goes before the first run of the span and ``w:commentRangeEnd`` plus a
   ``w:commentReference`` run after the last, in whatever paragraph, table cell, hyperlink, field or
   tracked insertion they sit (a mark at the edge of a hyperlink or insertion moves just outside it);
   a span over several paragraphs opens in the first and closes in the last. ``w:del`` is never
   touched: deleted text is not in the canonical text;
3. the comment itself is made in python-docx's comments part, with an id above every annotation id in
   use; replies become threaded replies (Word 2013+ ``commentsExtended``: ``w15:paraIdParent``).

Findings that cover no span (document-level, or a quote that was not found) go on the title, or with
``unplaced="summary"`` on their own paragraphs in a section added at the end.

The whole review (every finding, status, reply, debate and run) is embedded as a Custom XML item
(:func:`doccritic.formats.review_import.embed_review`), so importing the .docx restores the session exactly.
"""

from __future__ import annotations

import bisect
import copy
import hashlib
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import escape as xml_escape

from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import oxml_parser
from docx.shared import Pt
from lxml import etree
from lxml.etree import _Element

from doccritic.core.document import BlockKind, DocFormat, Document
from doccritic.core.errors import DoccriticError, ErrorKind
from doccritic.core.fileio import atomic_write_bytes
from doccritic.core.findings import Anchor, Finding, Review, Status
from doccritic.formats.docx import iter_body_paragraphs, iter_paragraph_runs, run_text
from doccritic.formats.docx_own import drop_own_comments
from doccritic.formats.docx_render import Piece, render_document
from doccritic.formats.export_common import Note, exported_findings, initials_of, note_for
from doccritic.formats.ooxml import open_word
from doccritic.formats.register_appendix import add_to_docx, export_appendix
from doccritic.formats.review_import import embed_review
from doccritic.formats.textio import MAX_DOCX_BYTES, read_bytes

_W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
_W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_RT_COMMENTS_EXT = "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"
_CT_COMMENTS_EXT = "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml"
_W_ID, _W_T, _W_RPR, _W_R = qn("w:id"), qn("w:t"), qn("w:rPr"), qn("w:r")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
#: Containers a comment mark may step out of when it sits at their edge.
_HOIST = frozenset(qn(f"w:{t}") for t in ("hyperlink", "ins", "moveTo", "smartTag", "customXml", "fldSimple",
                                          "dir", "bdo"))
#: Containers a comment reference run must not stay in: rejecting the change or updating the field
#: would delete the reference and orphan the comment.
_KEEP_REF_OUT = frozenset(qn(f"w:{t}") for t in ("ins", "moveTo", "fldSimple"))
_MARKUP = frozenset(qn(f"w:{t}") for t in ("commentRangeStart", "commentRangeEnd", "bookmarkStart", "bookmarkEnd",
                                           "proofErr", "permStart", "permEnd"))
_LABELS = ("Suggestion:", "Question to expect:", "Reversibility:", "Also raised by", "Status:",
           "Trade-off, the critics disagree on the fix:", "Not placed:", "About the whole document")
_SUMMARY_TITLE = "Document-wide findings"
_GREY = "595959"
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
_PARA_ID_XPATH = etree.XPath("//@w14:paraId", namespaces={"w14": _W14})
_W_NSMAP = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}


def _w(tag: str, attrib: dict[str, str] | None = None) -> _Element:
    """``OxmlElement("w:" + tag)`` without parsing the prefixed name each time (~250,000 calls at 50,000
    findings): the same python-docx element class, attributes and namespace declaration."""
    return oxml_parser.makeelement(_CLARK.get(tag) or _CLARK.setdefault(tag, qn(f"w:{tag}")), attrib, nsmap=_W_NSMAP)


_CLARK: dict[str, str] = {}


def export_docx(review: Review, doc: Document, out: Path, *, source: Path | None = None,
                names: Mapping[str, str] | None = None, initials: Mapping[str, str] | None = None,
                include_dismissed: bool = False, include_checks: bool = True,
                unplaced: Literal["title", "summary"] = "title") -> Path:
    """Write ``out`` (atomically): the document with one Word comment per finding.

    ``source`` is the original .docx (default ``doc.path``); it is only read. Raises
    :class:`DoccriticError` when the review or the source file no longer matches ``doc``.
    """
    out = Path(out)
    name = doc.path.name if doc.path else "the document"
    if review.document.fingerprint != doc.fingerprint:
        raise DoccriticError(f"The review was made on a different version of {name}; "
                             "re-anchor the findings before exporting.")
    if doc.format is DocFormat.DOCX:
        src = Path(source) if source is not None else doc.path
        if src is None:
            raise DoccriticError("Cannot export: the original .docx file is not known.")
        if out.exists() and out.resolve() == src.resolve():
            raise DoccriticError(f"Cannot export over the original {src.name}; choose another file name.")
        word, pieces = _open_source(src, doc)
    else:
        word, pieces = render_document(doc)
    findings = exported_findings(review, include_dismissed=include_dismissed, include_checks=include_checks)
    _Annotator(word, doc, pieces).annotate(findings, names or {}, initials or {}, unplaced)
    add_to_docx(word, export_appendix(review, doc, names))  # replaces the appendix of an earlier export
    embed_review(word, review)  # the whole review, so importing this file restores the session exactly
    buffer = io.BytesIO()
    word.save(buffer)
    _write_atomically(out, buffer.getvalue())
    return out


# ---- the source file -----------------------------------------------------------------------------------


def _open_source(path: Path, doc: Document) -> tuple[Any, list[Piece]]:
    """The source reopened, and its runs as pieces; refuses a file whose text is not ``doc.text``."""
    data = read_bytes(path, MAX_DOCX_BYTES)
    word = open_word(data, path.name)
    stale = DoccriticError(f"{path.name} has changed since it was reviewed; reload it and re-anchor the "
                           "findings before exporting.")
    paragraphs = [list(iter_paragraph_runs(p)) for p, _ in iter_body_paragraphs(word.element.body)]
    with_text = [i for i, runs in enumerate(paragraphs) if "".join(t for _, t in runs).strip()]
    if any(b.docx is None for b in doc.blocks) or with_text != [b.docx.paragraph for b in doc.blocks if b.docx]:
        raise stale
    pieces: list[Piece] = []
    for block in doc.blocks:
        assert block.docx is not None
        runs = paragraphs[block.docx.paragraph]
        if "".join(t for _, t in runs) != block.text:
            raise stale
        for span in block.docx.runs:
            if span.index >= len(runs) or runs[span.index][1] != doc.text[span.start : span.end]:
                raise stale
            pieces.append(Piece(span.start, span.end, runs[span.index][0]))
    drop_own_comments(word)  # after the run indices are used: an earlier export's comments are replaced
    return word, pieces


def _write_atomically(out: Path, data: bytes) -> None:
    """The shared crash-safe writer, its OSError worded for the user."""
    try:
        atomic_write_bytes(out, data)
    except OSError as exc:
        raise DoccriticError(f"Cannot write {out.name}: {exc.strerror or exc}.", ErrorKind.UNREADABLE) from exc


# ---- placing comments ----------------------------------------------------------------------------------


@dataclass
class _Mark:
    """One Word comment to write: a finding's note or one of its replies."""

    comment_id: int
    author: str
    initials: str
    date: Any
    heading: str
    lines: Sequence[str]
    span: tuple[int, int] | None = None  # canonical span, or None when ``runs`` is set
    runs: tuple[_Element, _Element] | None = None  # first and last run (summary paragraphs)
    parent: _Mark | None = None
    done: bool = False
    seq: int = 0
    para_id: str = ""
    children: list[_Mark] = field(default_factory=list)


class _Annotator:
    def __init__(self, word: Any, doc: Document, pieces: list[Piece]) -> None:
        self.word, self.doc = word, doc
        self.pieces = sorted(pieces, key=lambda p: p.start)
        _ = word.comments  # creates the comments part when the document has none
        _add_comment_styles(word)
        self.comments_part = word.part.part_related_by(RT.COMMENTS)
        self.next_id = _next_annotation_id(word, self.comments_part.element)
        self.para_ids = _ParaIds(word)

    def annotate(self, findings: list[Finding], names: Mapping[str, str], initials: Mapping[str, str],
                 unplaced_mode: str) -> None:
        self.names = names
        everything = [m for mark in self._marks(findings, initials, unplaced_mode) for m in (mark, *mark.children)]
        for n, mark in enumerate(everything):
            mark.seq = n
        self._split([m.span for m in everything if m.span is not None])
        self.before: dict[_Element, list[tuple[tuple[int, int], list[_Element]]]] = {}
        self.after: dict[_Element, list[tuple[tuple[int, int], list[_Element]]]] = {}
        for mark, elements in zip(everything, _mark_elements(everything), strict=True):
            self._place(mark, *elements)  # every anchor is resolved before anything is inserted
        self._insert()
        self._write_comments(everything)
        root = self.comments_part.element
        ignorable = (root.get(f"{{{_MC}}}Ignorable") or "").split()
        if everything and root.nsmap.get("w14") == _W14 and "w14" not in ignorable:  # for Word 2007
            root.set(f"{{{_MC}}}Ignorable", " ".join([*ignorable, "w14"]))
        _link_threads(self.word, everything)

    def _marks(self, findings: list[Finding], initials: Mapping[str, str], unplaced_mode: str) -> list[_Mark]:
        """A comment per finding: on its span, or (not placed) on the title or in a summary at the end."""
        marks: list[_Mark] = []
        unplaced: list[tuple[Finding, Note]] = []
        size = len(self.doc.text)
        for finding in findings:
            note = note_for(finding, self.names, initials)
            if finding.placed and 0 <= (finding.start or 0) <= (finding.end or 0) <= size:
                marks.append(self._mark(finding, note, span=(finding.start or 0, finding.end or 0)))
            else:
                unplaced.append((finding, note))
        title = next((b for b in self.doc.blocks if b.kind is BlockKind.HEADING), None) or next(
            iter(self.doc.blocks), None)
        if unplaced and (unplaced_mode == "summary" or title is None):
            marks += self._summary(unplaced)
        elif unplaced and title is not None:
            marks += [self._mark(f, n, span=(title.start, title.end), extra=_why_unplaced(f)) for f, n in unplaced]
        return marks

    def _insert(self) -> None:
        """The queued range marks and reference runs, beside their runs, in a stable order."""
        for anchor, groups in self.before.items():
            for _, elements in sorted(groups, key=lambda g: g[0]):
                for el in elements:
                    anchor.addprevious(el)
        for anchor, groups in self.after.items():
            for _, elements in sorted(groups, key=lambda g: g[0]):
                for el in elements:
                    anchor.addnext(el)
                    anchor = el

    def _mark(self, finding: Finding, note: Note, *, span: tuple[int, int] | None = None,
              runs: tuple[_Element, _Element] | None = None, extra: str = "") -> _Mark:
        lines = [*note.lines, extra] if extra else list(note.lines)
        if extra and lines[:-1] and lines[-2].startswith("Status:"):  # keep the status last
            lines[-2], lines[-1] = lines[-1], lines[-2]
        mark = _Mark(self._new_id(), note.author, note.initials, finding.created_at, note.heading, lines,
                     span=span, runs=runs, done=finding.status is Status.RESOLVED)
        for reply, (author, text) in zip(finding.replies, note.replies, strict=True):
            who = self.names.get(author, author)
            child = _Mark(self._new_id(), who, initials_of(who), reply.at, "", text.split("\n"),
                          span=span, runs=runs, parent=mark, done=mark.done)
            mark.children.append(child)
        return mark

    def _new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def _summary(self, unplaced: list[tuple[Finding, Note]]) -> list[_Mark]:
        """A heading at the end of the body and one paragraph per finding, each carrying its comment."""
        self._styled_paragraph(_SUMMARY_TITLE, "Heading 1", bold=True)
        marks = []
        for finding, note in unplaced:
            para = self._styled_paragraph(note.heading, "List Paragraph", bold=False)
            runs = para.runs
            marks.append(self._mark(finding, note, runs=(runs[0]._r, runs[-1]._r), extra=_why_unplaced(finding)))
        return marks

    def _styled_paragraph(self, text: str, style: str, *, bold: bool) -> Any:
        para = self.word.add_paragraph(text)  # python-docx adds the paragraph before it looks the style up
        try:
            para.style = style
        except (KeyError, ValueError):  # the source has no such paragraph style
            for run in para.runs:
                run.bold = bold or None
        return para

    # -- splitting -----------------------------------------------------------------------------------

    def _split(self, spans: list[tuple[int, int]]) -> None:
        """Split every exact piece at the span boundaries inside it, so spans start and end on runs."""
        cuts = sorted({x for span in spans for x in span})
        result: list[Piece] = []
        for piece in self.pieces:
            lo, hi = bisect.bisect_right(cuts, piece.start), bisect.bisect_left(cuts, piece.end)
            inside = cuts[lo:hi]
            if not inside or not piece.exact:
                result.append(piece)
                continue
            runs = _split_run(piece.run, [c - piece.start for c in inside])
            if runs is None:  # the run's text did not add up: leave it whole
                result.append(piece)
                continue
            bounds = [piece.start, *inside, piece.end]
            result += [Piece(a, b, r) for a, b, r in zip(bounds, bounds[1:], runs, strict=False)]
        self.pieces = result
        self.starts = [p.start for p in result]
        self.ends = [p.end for p in result]

    def _place(self, mark: _Mark, start_el: _Element, end_el: _Element, ref: _Element) -> None:
        """Queue the range marks and the reference run of one comment next to the runs they belong by."""
        if mark.runs is not None:
            first, last, length = mark.runs[0], mark.runs[1], 0
        else:
            assert mark.span is not None
            s, e = mark.span
            i = bisect.bisect_right(self.ends, s)  # first piece ending after s
            j = bisect.bisect_left(self.starts, e) - 1  # last piece starting before e
            if not (s < e and i <= j):  # an empty span, or one over nothing shown: a point comment
                if i < len(self.pieces):
                    self.before.setdefault(_hoist(self.pieces[i].run, first=True), []).append(
                        ((0, mark.seq), [start_el, end_el, ref]))
                elif self.pieces:
                    self.after.setdefault(_hoist(self.pieces[-1].run, first=False), []).append(
                        ((0, mark.seq), [start_el, end_el, ref]))
                return
            first, last, length = self.pieces[i].run, self.pieces[j].run, e - s
        self.before.setdefault(_hoist(first, first=True), []).append(((-length, mark.seq), [start_el]))
        end_at = _hoist(last, first=False)
        container = _outermost(end_at, _KEEP_REF_OUT)
        if container is None:
            self.after.setdefault(end_at, []).append(((length, mark.seq), [end_el, ref]))
        else:  # the reference run goes right after the insertion or field that holds the range end
            self.after.setdefault(end_at, []).append(((length, mark.seq), [end_el]))
            self.after.setdefault(container, []).append(((length, mark.seq), [ref]))

    # -- comments ------------------------------------------------------------------------------------

    def _comment_xml(self, mark: _Mark) -> str:
        """Kind and severity in grey, the title in bold, then one short paragraph per part of the note.

        Written as XML in one parse: python-docx's run and font objects cost ~0.5 ms per comment, which
        made 50,000 findings take minutes.
        """
        lines = list(mark.lines)
        if mark.heading:
            label, sep, title = mark.heading.partition(": ")
            paras = [[_run_xml(label + sep, color=_GREY), _run_xml(title, bold=True)]]
        else:
            paras = [[_run_xml(lines.pop(0) if lines else "")]]
        for line in lines:
            labelled = any(line.startswith(lb) for lb in _LABELS)
            if labelled and ":" in line:
                head, rest = line.split(":", 1)
                paras.append([_run_xml(head + ":", bold=True), _run_xml(rest)])
            else:
                paras.append([_run_xml(line)])
        paras[0].insert(0, _ANNOTATION_REF)
        body = []
        for runs in paras:
            mark.para_id = self.para_ids.new(mark.comment_id)
            body.append(f'<w:p w14:paraId="{mark.para_id}"><w:pPr><w:pStyle w:val="CommentText"/></w:pPr>'
                        f'{"".join(runs)}</w:p>')
        initials = f' w:initials="{_attr(mark.initials)}"' if mark.initials else ""
        date = f' w:date="{_xsd_date(mark.date)}"' if mark.date is not None else ""
        return (f'<w:comment w:id="{mark.comment_id}" w:author="{_attr(mark.author)}"{initials}{date}>'
                f'{"".join(body)}</w:comment>')

    def _write_comments(self, marks: list[_Mark]) -> None:
        """Every comment parsed in one go (one parse per comment was a tenth of a large export)."""
        if not marks:
            return
        batch = parse_xml(f'<w:comments {nsdecls("w")} xmlns:w14="{_W14}">'
                          f'{"".join(self._comment_xml(m) for m in marks)}</w:comments>')
        self.comments_part.element.extend(list(batch))  # author, initials and date are in the XML already


_ANNOTATION_REF = '<w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr><w:annotationRef/></w:r>'
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


_BREAKS = re.compile(r"[\t\r\n]")


def _xml_safe(text: str) -> str:
    return _XML_ILLEGAL.sub("", text) if _XML_ILLEGAL.search(text) else text


def _attr(text: str) -> str:
    """``text`` as a double-quoted XML attribute value."""
    return xml_escape(_xml_safe(text), {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _xsd_date(value: datetime) -> str:
    """python-docx's form of ``w:date``: UTC, whole seconds, "Z" (a naive time is taken as local)."""
    return _utc_second(int(value.timestamp() // 1))


@lru_cache(maxsize=1024)
def _utc_second(second: int) -> str:
    """Findings made in one run share their second: strftime once per second, not per comment."""
    return datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _mark_elements(marks: list[_Mark]) -> list[tuple[_Element, _Element, _Element]]:
    """Each comment's range start, range end and reference run, made in one parse: made one by one they
    were a sixth of a 50,000-finding export."""
    if not marks:
        return []
    xml = "".join(f'<w:commentRangeStart w:id="{m.comment_id}"/><w:commentRangeEnd w:id="{m.comment_id}"/>'
                  f'<w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr>'
                  f'<w:commentReference w:id="{m.comment_id}"/></w:r>' for m in marks)
    made = list(parse_xml(f"<w:marks {nsdecls('w')}>{xml}</w:marks>"))
    return [(made[i], made[i + 1], made[i + 2]) for i in range(0, len(made), 3)]


def _run_xml(text: str, *, bold: bool = False, color: str | None = None) -> str:
    """One run of comment text at 9 pt (a note fits beside its passage); tabs and line breaks as Word's."""
    props = ("<w:b/>" if bold else "") + (f'<w:color w:val="{color}"/>' if color else "") + '<w:sz w:val="18"/>'
    text = _xml_safe(text)
    if not _BREAKS.search(text):  # most lines: one w:t (re.split cost ~5 µs a run, 150,000 runs at 50,000)
        body = f'<w:t xml:space="preserve">{xml_escape(text)}</w:t>' if text else ""
        return f"<w:r><w:rPr>{props}</w:rPr>{body}</w:r>"
    parts = []
    for piece in re.split(r"(\t|\r\n|\n|\r)", text):
        if piece == "\t":
            parts.append("<w:tab/>")
        elif piece in ("\n", "\r", "\r\n"):
            parts.append("<w:br/>")
        elif piece:
            parts.append(f'<w:t xml:space="preserve">{xml_escape(piece)}</w:t>')
    return f"<w:r><w:rPr>{props}</w:rPr>{''.join(parts)}</w:r>"


def _add_comment_styles(word: Any) -> None:
    """Word's own comment styles (10 pt text, 8 pt mark), when the document does not have them yet."""
    styles = word.styles
    have = {style.style_id for style in styles}
    for style_id, name, kind, size in (("CommentText", "annotation text", WD_STYLE_TYPE.PARAGRAPH, 10),
                                       ("CommentReference", "annotation reference", WD_STYLE_TYPE.CHARACTER, 8)):
        if style_id in have:
            continue
        try:
            style = styles.add_style(name, kind)
        except ValueError:  # a style of that name with another id: leave the document's own alone
            continue
        style.style_id = style_id
        style.font.size = Pt(size)
        style.hidden = False


def _why_unplaced(finding: Finding) -> str:
    if finding.anchor is Anchor.DOCUMENT or not finding.quote:
        return "About the whole document."
    quote = " ".join(finding.quote.split())
    quote = quote if len(quote) <= 140 else quote[:139].rstrip() + "…"
    if finding.anchor is Anchor.AMBIGUOUS and len(finding.candidates) > 1:
        return f"Not placed: the quoted passage appears {len(finding.candidates)} times (“{quote}”)."
    return f"Not placed: the quoted passage was not found in this version (“{quote}”)."


def _split_run(run: _Element, cuts: list[int]) -> list[_Element] | None:
    """Split ``run`` at code-point offsets ``cuts`` of its text; the pieces keep its properties."""
    rpr = run.find(_W_RPR)
    children = [c for c in run if c is not rpr]
    groups: list[list[_Element | str]] = [[]]  # a str: a piece of a w:t, made in place below
    pos, k = 0, 0
    for child in children:
        size = len(child.text or "") if child.tag == _W_T else len(run_text(_wrapped(child)))  # w:t: no copy
        while k < len(cuts) and cuts[k] <= pos:
            groups.append([])
            k += 1
        if child.tag == _W_T and size > 1 and k < len(cuts) and cuts[k] < pos + size:
            text, local = child.text or "", 0
            while k < len(cuts) and cuts[k] < pos + size:
                groups[-1].append(text[local : cuts[k] - pos])
                groups.append([])
                local = cuts[k] - pos
                k += 1
            groups[-1].append(text[local:])
        else:
            groups[-1].append(child)
        pos += size
    if k != len(cuts) or pos != len(run_text(run)):
        return None
    runs = [run]
    for child in children:
        run.remove(child)
    parent = run.getparent()
    for n, group in enumerate(groups):
        target = run
        if n:  # made under the run's parent, so it takes the tree's namespaces (no declaration of its own)
            attrib = dict(run.attrib)
            target = etree.SubElement(parent, _W_R, attrib) if parent is not None else _w("r", attrib)
            if rpr is not None:
                target.append(copy.deepcopy(rpr))
            runs[-1].addnext(target)
            runs.append(target)
        for piece in group:
            if isinstance(piece, str):
                t = etree.SubElement(target, _W_T)
                t.text = piece
                t.set(_XML_SPACE, "preserve")
            else:
                target.append(piece)
    return runs


def _wrapped(child: _Element) -> _Element:
    """A throwaway run holding a copy of ``child``, so :func:`run_text` says what ``child`` adds."""
    run = _w("r")
    run.append(copy.deepcopy(child))
    return run


def _hoist(el: _Element, *, first: bool) -> _Element:
    """Step out of hyperlinks, insertions and fields while ``el`` is their first (last) content."""
    while True:
        parent = el.getparent()
        if parent is None or parent.tag not in _HOIST:
            return el
        siblings = el.itersiblings(preceding=first)
        if any(s.tag not in _MARKUP for s in siblings):
            return el
        el = parent


def _outermost(el: _Element, tags: frozenset[str]) -> _Element | None:
    found = None
    parent = el.getparent()
    while parent is not None and parent.tag != qn("w:p"):
        if parent.tag in tags:
            found = parent
        parent = parent.getparent()
    return found


def _next_annotation_id(word: Any, comments: _Element) -> int:
    """One more than any w:id in the body or the comments, so new comments never collide."""
    used = [comments.get(_W_ID)] + [c.get(_W_ID) for c in comments]
    used += [el.get(_W_ID) for el in word.element.body.iter() if el.get(_W_ID) is not None]
    numbers = [int(v) for v in used if v is not None and v.lstrip("-").isdigit()]
    return max(numbers, default=-1) + 1


class _ParaIds:
    """w14:paraId values (8 hex digits below 0x80000000) unique in the package, and repeatable."""

    def __init__(self, word: Any) -> None:
        self.used: set[str] = set()
        for part in word.part.package.iter_parts():
            element = getattr(part, "element", None)
            if element is not None:
                self.used.update(str(v).upper() for v in _PARA_ID_XPATH(element))
        self.count = 0

    def new(self, seed: int) -> str:
        while True:
            self.count += 1
            digest = hashlib.sha256(f"{seed}:{self.count}".encode()).digest()
            value = f"{int.from_bytes(digest[:4], 'big') & 0x7FFFFFFF:08X}"
            if value not in self.used and value != "00000000":
                self.used.add(value)
                return value


def _link_threads(word: Any, marks: list[_Mark]) -> None:
    """Record every new comment in commentsExtended, replies pointing at their parent (Word 2013+)."""
    if not any(m.parent for m in marks) and not any(m.done for m in marks):
        return
    rel = next((r for r in word.part.rels.values() if r.reltype == _RT_COMMENTS_EXT and not r.is_external), None)
    part = rel.target_part if rel is not None else None
    root = getattr(part, "element", None)
    in_place = root is not None
    if root is None:
        blob = part.blob if part is not None else b""
        root = (etree.fromstring(blob, _SAFE_PARSER) if blob
                else etree.Element(f"{{{_W15}}}commentsEx", nsmap={"w15": _W15, "mc": _MC}))
        if not blob:
            root.set(f"{{{_MC}}}Ignorable", "w15")
    for mark in marks:
        entry = etree.SubElement(root, f"{{{_W15}}}commentEx")
        entry.set(f"{{{_W15}}}paraId", mark.para_id)
        if mark.parent is not None:
            entry.set(f"{{{_W15}}}paraIdParent", mark.parent.para_id)
        entry.set(f"{{{_W15}}}done", "1" if mark.done else "0")
    if in_place:
        return
    partname = part.partname if part is not None else PackURI("/word/commentsExtended.xml")
    if rel is not None:
        word.part.drop_rel(rel.rId)
    blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    word.part.relate_to(Part(partname, _CT_COMMENTS_EXT, blob, word.part.package), _RT_COMMENTS_EXT)
