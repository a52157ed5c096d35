"""PDF export: a print-ready report with numbered highlights, the notes behind them and the debates.

The report is a ``QTextDocument`` built with ``QTextCursor`` calls only (no model text is ever parsed
as HTML), laid out at the PDF writer's resolution and drawn page by page with a footer. Each placed
finding tints its characters in its kind's colour and is followed by a superscript ``[n]``; the notes
explain every number in the wording all exports share (``note_for``). Needs only a
``QGuiApplication``; when there is none (the CLI) one is created, offscreen when there is no display. It
is a ``QApplication``, so a window opened later in the same process still works.
"""

from __future__ import annotations

import bisect
import math
import os
import re
import sys
from collections import deque
from collections.abc import Iterator, Mapping
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from PySide6 import QtGui
from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QTextBlockFormat, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication

from doccritic.core.debates import Citation, Debate
from doccritic.core.document import Block, BlockKind, DocFormat, Document
from doccritic.core.errors import DoccriticError, ErrorKind
from doccritic.core.fileio import atomic_write_bytes
from doccritic.core.findings import Finding, Kind, Review, Severity, Source, Status
from doccritic.core.labels import KIND_LABELS, KINDS, severity_word
from doccritic.formats.export_common import (
    CHECKS_AUTHOR,
    cite_line,
    exported_findings,
    note_for,
    rendered_inline,
    shown_title,
)
from doccritic.formats.export_form import BOLD, CODE, ITALIC, LINK, STRIKE, ExportForm, export_form
from doccritic.formats.register_appendix import export_appendix
from doccritic.ui.pdf_register import add_register

PAGE_SIZES = {name.lower(): getattr(QtGui.QPageSize.PageSizeId, name) for name in ("A4", "A3", "A5", "Letter", "Legal")}
SANS = ["Noto Sans", "DejaVu Sans", "Helvetica Neue", "Arial", "Liberation Sans", "Noto Sans CJK SC"]
MONO = ["DejaVu Sans Mono", "Noto Sans Mono", "Menlo", "Consolas", "Liberation Mono", "Noto Sans Mono CJK SC"]
INK, MUTED, LINE, PAPER_2, RED = (QColor(c) for c in ("#1f2328", "#5f6b7a", "#d5d9de", "#f3f4f6", "#c62828"))
BODY_PT, DPI, HEADING_PT = 10.5, 300, {1: 18.0, 2: 14.5, 3: 12.5}
U = 96 / 72  # margins, indents and table lengths are in 1/96 inch (Qt scales them to the device): U per point
SIDES = {"for": "for the motion", "against": "against the motion", "free": "own position"}
CATEGORIES = {"strongest": "Strongest points", "conceded": "Conceded", "unresolved": "Unresolved",
              "change": "Changes needed"}
NOTE_LABELS = ("Suggestion:", "Question to expect:", "Reversibility:", "Also raised by", "Trade-off", "Status:")
_BREAKS = re.compile(r"\r\n|[\r\n\u2029]")
_FENCE = re.compile(r"[ \t]*(?:```|~~~|---|\+\+\+)")
#: Text Qt may draw without shaping it: Latin, Greek and Cyrillic letters without combining marks,
#: punctuation, arrows and symbols, line separators. Arabic, Hebrew, Indic, CJK, emoji, a combining accent
#: or an invisible format character (soft hyphen, joiners, bidi controls) go through HarfBuzz as before.
_UNSHAPED = re.compile("[\t\x20-\x7e\xa0-\xac\xae-\u02ff\u0370-\u0482\u048a-\u04ff\u1e00-\u1fff"
                       "\u2010-\u2029\u2030-\u205f\u2070-\u20cf\u2100-\u2bff]*")
#: Longest note, reply or debate paragraph the report shows (a finding's fields come from a review file).
MAX_PARAGRAPH = 20_000
#: A note longer than this goes on in a new paragraph (one paragraph per note keeps the report's blocks few).
LONG_PARAGRAPH = 4_000
#: Longest quote a note shows, its place line included (one line on A4): the passage is in the body, tinted.
QUOTE_CHARS = 104
#: Notes written between two layouts: each keep-with-next break lays out again the rest of its chunk.
NOTES_PER_CHUNK = 40
#: The tallest document Qt lays out, in device pixels (``QFIXED_MAX``): later lines all land on the last one.
MAX_HEIGHT = 2**23 - 1
_app: QtGui.QGuiApplication | None = None


def _make(cls: type, **props: Any) -> Any:
    """A Qt format with ``set<Name>(value)`` called for each keyword: ``_make(QTextTableFormat, Border=1)``."""
    obj = cls()
    for name, value in props.items():
        getattr(obj, f"set{name}")(value)
    return obj


def _tint(finding: Finding) -> float:
    """How strong a highlight is, as in the HTML export: by severity, lighter for checks and closed ones."""
    if finding.status is not Status.OPEN:
        return 0.06
    strength = {Severity.CRITICAL: (0.27, 0.18), Severity.MAJOR: (0.20, 0.13), Severity.MINOR: (0.12, 0.08)}
    return strength[finding.severity][finding.source is Source.CHECK]


def _color(kind: Kind) -> QColor:
    return QColor(KINDS[kind].light)


def _pieces(form: ExportForm, block: Block) -> list[tuple[int, str, int, bool]]:
    """What a block shows: (offset in ``doc.text``, text to draw, inline style bits, exact).

    Prose comes from the export form (the one Markdown parse every writer shares): an exact piece's
    characters sit at their own offsets, an opaque one's (a decoded entity, a soft break) all at its start.
    Code shows its source, without the fence lines of Markdown.
    """
    text, markdown = block.text, form.doc.format is DocFormat.MARKDOWN
    if block.kind in (BlockKind.CODE, BlockKind.FRONT_MATTER, BlockKind.HTML):
        lines = [m.span() for m in re.finditer(r"[^\n]*\n?", text) if m.end() > m.start()]
        lo, hi = 0, len(text)
        if markdown and len(lines) > 1:  # fence lines are syntax
            lo = lines[0][1] if _FENCE.match(text, lines[0][0]) else 0
            hi = lines[-1][0] if _FENCE.match(text, lines[-1][0]) else hi
        shown = text[lo:max(lo, hi)].rstrip("\n")
        return [(block.start + lo, shown.replace("\n", "\u2028"), CODE, True)] if shown else []
    if markdown:
        return [(r.start, r.text.replace("\n", "\u2028"), r.style, r.exact)
                for r in form.runs_in(block.start, block.end)]
    return [(block.start, text.replace("\n", "\u2028"), 0, True)] if text else []


def _segments(pieces: list[tuple[int, str, int, bool]], bounds: list[int]) -> Iterator[tuple[int, str, int]]:
    """The pieces cut at every span boundary inside an exact one: (offset, text, style)."""
    for offset, text, style, exact in pieces:
        inner = bounds[bisect.bisect_right(bounds, offset) : bisect.bisect_left(bounds, offset + len(text))]
        if not exact or not inner:
            yield offset, text, style
            continue
        last = offset
        for cut in (*inner, offset + len(text)):
            yield last, text[last - offset : cut - offset], style
            last = cut


@cache
def _families(mono: bool) -> tuple[str, ...]:
    """The report's font families that are installed, in order of preference (the first one when none is).

    Qt resolves a run's font from its format each time it shapes or draws it, walking the whole family list:
    with six names (five missing where only DejaVu is installed) ~12,000 instructions a run, 14% of the export
    of 1,000 findings. A missing family is skipped by Qt anyway, so leaving it out changes nothing drawn."""
    wanted = MONO if mono else SANS
    installed = set(QtGui.QFontDatabase.families())
    return tuple(f for f in wanted if f in installed) or (wanted[0],)


@cache
def _char_format(pt: float, bold: bool, italic: bool, rgba: int, mono: bool) -> QTextCharFormat:
    """One format per look, made once (a report of 50,000 notes asks for a few dozen looks ~10^5 times).

    Glyph advances are whole device pixels (full hinting; 1/300 inch): Qt's PDF writer puts each glyph with
    its own offset, and "24" instead of "24.4531250" made the page streams a sixth smaller to write and
    compress, with no visible change at 300 dpi."""
    return _make(QTextCharFormat, FontFamilies=list(_families(mono)), FontPointSize=pt, FontItalic=italic,
                 FontWeight=QFont.Weight.Bold if bold else QFont.Weight.Normal, Foreground=QColor.fromRgba(rgba),
                 FontFeatures={QFont.Tag("liga"): 0},  # no "ﬁ" glyphs: searching the PDF finds "fi"
                 FontHintingPreference=QFont.HintingPreference.PreferFullHinting)


def _drawable(fmt: QTextCharFormat, text: str) -> QTextCharFormat:
    """``fmt``, upright when it is italic and its italic font has no glyphs for some of ``text``'s letters:
    where only DejaVu is installed, Arabic in an italic quote was drawn as empty boxes (DejaVu Sans Oblique
    has no Arabic; DejaVu Sans has). Called for shaped text only: Latin prose never needs it."""
    if not fmt.fontItalic():
        return fmt
    metrics = QtGui.QFontMetricsF(fmt.font())
    if all(metrics.inFontUcs4(ord(c)) for c in text if c.isalpha()):
        return fmt
    upright = QTextCharFormat(fmt)
    upright.setFontItalic(False)
    return upright


def _unshaped(fmt: QTextCharFormat) -> QTextCharFormat:
    """``fmt`` for text :data:`_UNSHAPED` matches: Qt maps its characters to glyphs without HarfBuzz (only
    kerning and ligatures are lost, and ligatures are off). Shaping was a third of laying the report out."""
    plain = QTextCharFormat(fmt)
    plain.setFontStyleStrategy(QFont.StyleStrategy.PreferNoShaping)
    return plain


@cache
def _block_format(before: float, after: float, left: float, page_break: bool, background: int | None,
                  indent: float = 0) -> QTextBlockFormat:
    flag = QTextBlockFormat.PageBreakFlag
    b = _make(QTextBlockFormat, TopMargin=before * U, BottomMargin=after * U, LeftMargin=left * U,
              TextIndent=indent * U, PageBreakPolicy=flag.PageBreak_AlwaysBefore if page_break else flag.PageBreak_Auto)
    b.setLineHeight(106, 1)  # proportional
    if background is not None:
        b.setBackground(QColor.fromRgba(background))
    return b


class _Report:
    """The report document, its cursor, and where each marker and source character landed."""

    def __init__(self, writer: QtGui.QPdfWriter) -> None:
        self.writer, self.px = writer, writer.resolution() / 72.0  # device pixels per point
        rect = writer.pageLayout().paintRectPixels(writer.resolution())
        self.width, self.footer = float(rect.width()), 22 * self.px
        # A whole number of 1/64 pixels: Qt lays pages out in that fixed point (QFixed), and a height it must
        # round drifted 0.005 px a page from the one the report clips and keeps lines by (14 px by page 2,700:
        # a note's title left alone at a page's foot, a line drawn hidden on the page before too).
        self.page_h = math.floor((rect.height() - self.footer) * 64) / 64
        # Laid out for the writer from the start, and only ever written in edit blocks a chunk at a time
        # (open_chunk): outside one, Qt lays out again after every insertion (~0.4 ms each, minutes for 50,000
        # findings) and works out the cursor's x on its line (~6,600 instructions each).
        self.doc = self.new_document()
        self.doc.documentLayout().setPaintDevice(writer)
        self.done: list[QtGui.QTextDocument] = []  # full documents drawn before ``doc`` (see roll_over)
        self.cur = QTextCursor(self.doc)
        self.fresh, self.keep, self.lists = True, [], {}
        self.chunk: tuple[int, int] | None = None  # (first block, first keep) of the chunk being written
        self.open_chunk()  # the header and the body (see body_chunk and lay_out)
        self.marks: dict[int, int] = {}  # number -> document position of its marker
        self.positions: list[tuple[int, int]] = []  # (source offset, document position) of each run
        # A body run's format by (its base look, style bits, tints over it): 50,000 findings draw ~200,000
        # runs in a few dozen formats, and making each one took a sixth of the export.
        self.runs: dict[tuple[int, int, tuple[tuple[Kind, float], ...], bool], QTextCharFormat] = {}
        self.markers: dict[Kind, QTextCharFormat] = {}
        # id of a note's format -> it and its bold label variant, unshaped and shaped (see make_variants)
        self.variants: dict[int, tuple[QTextCharFormat, ...]] = {}
        self.long = False  # the body block being filled is longer than a paragraph should be

    def new_document(self) -> QtGui.QTextDocument:
        doc = QtGui.QTextDocument()
        doc.setUndoRedoEnabled(False)  # a report is never undone: recording each edit cost time and memory
        doc.setPageSize(QSizeF(self.width, self.page_h))
        doc.setDocumentMargin(0)
        doc.setIndentWidth(14 * U)
        doc.setDefaultFont(self.fmt().font())
        doc.setDefaultTextOption(_make(QtGui.QTextOption,  # long words wrap: nothing past the right edge
                                       WrapMode=QtGui.QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere))
        return doc

    def full(self) -> bool:
        """Whether the document is near the height Qt can lay out (``QFIXED_MAX``, 2^23 device pixels:
        ~2,700 A4 pages at 300 dpi); beyond it Qt stacks every later line on the last one."""
        return self.doc.pageCount() * self.page_h > MAX_HEIGHT * 0.75

    def roll_over(self) -> None:
        """Go on in a new document on a new page: the notes of 50,000 findings need ~4,500 pages."""
        self.done.append(self.doc)
        self.doc = self.new_document()
        self.doc.documentLayout().setPaintDevice(self.writer)
        self.keep_glyphs(0)
        self.cur = QTextCursor(self.doc)
        self.fresh, self.keep = True, []

    def fmt(self, pt: float = BODY_PT, *, bold: bool = False, italic: bool = False, color: QColor = INK,
            mono: bool = False) -> QTextCharFormat:
        return QTextCharFormat(_char_format(pt, bold, italic, color.rgba(), mono))  # a copy: callers change it

    def look(self, pt: float = BODY_PT, *, bold: bool = False, italic: bool = False, color: QColor = INK,
             mono: bool = False) -> QTextCharFormat:
        """The shared format itself, never to be changed: a body run's base, its formats cached by it."""
        return _char_format(pt, bold, italic, color.rgba(), mono)

    def para(self, text: str = "", fmt: QTextCharFormat | None = None, *, before: float = 0, after: float = 5,
             left: float = 0, keep: bool = False, page_break: bool = False, background: QColor | None = None,
             label: str = "", indent: float = 0) -> None:
        b = _block_format(before, after, left, page_break, background.rgba() if background is not None else None,
                          indent)
        if self.fresh:
            self.cur.setBlockFormat(b)
            self.cur.setBlockCharFormat(self.look())
            self.fresh = False
        else:
            self.cur.insertBlock(b, self.look())  # list bullets take the block's format, never the last run's
        if keep:  # keep this block on one page with the next one (or with the one ``hold`` marks)
            self.keep.append([self.cur.block().blockNumber(), 0])
        if text:
            self.text(text, fmt or self.fmt(), label)

    def text(self, text: str, fmt: QTextCharFormat, label: str = "", *, line: bool = False) -> None:
        """``text`` as one paragraph, with ``label`` (or a note label it starts with) in bold; ``line``: on a
        new line of the current paragraph (see :meth:`line`), the break written with the text in one call."""
        if len(text) > MAX_PARAGRAPH:  # Qt lays a paragraph out in more than linear time: 5 MB took minutes
            text = text[:MAX_PARAGRAPH].rstrip() + "…"
        if _BREAKS.search(text):
            text = _BREAKS.sub("\u2028", text)
        cut = len(label) if label else text.find(": ") + 2 if text.startswith(NOTE_LABELS) and ": " in text else 0
        if line:
            if self.cur.block().length() > LONG_PARAGRAPH:
                self.para(left=14, after=2.5)
            else:
                text, cut = "\u2028" + text, cut + 1 if cut else 0
        variants = self.variants.get(id(fmt)) or self.make_variants(fmt)
        shaped = 0 if _UNSHAPED.fullmatch(text) else 2
        if cut:
            self.cur.insertText(text[:cut], _drawable(variants[shaped + 1], text[:cut]) if shaped else variants[1])
        self.cur.insertText(text[cut:], _drawable(variants[shaped], text[cut:]) if shaped else variants[0])

    def make_variants(self, fmt: QTextCharFormat) -> tuple[QTextCharFormat, ...]:
        """``fmt`` unshaped, its bold label unshaped, and both shaped; kept (with ``fmt``, so its id stays
        its own) for the report: the notes write ~250,000 texts in a handful of formats."""
        bold = QTextCharFormat(fmt)
        bold.setFontWeight(QFont.Weight.Bold)
        self.variants[id(fmt)] = variants = (_unshaped(fmt), _unshaped(bold), fmt, bold)
        return variants

    def hold(self) -> None:
        self.keep[-1][1] = self.cur.block().blockNumber()

    def keep_lines(self, count: int = 3) -> None:
        """Keep the current paragraph's first ``count`` lines on one page (a note's title, where it is and
        the first line of what it says)."""
        self.keep.append([self.cur.block().blockNumber(), -count])

    def page_of(self, position: int) -> int:
        block = self.doc.findBlock(position)
        top = self.doc.documentLayout().blockBoundingRect(block).top()
        line = block.layout().lineForTextPosition(position - block.position())
        return int((top + (line.y() if line.isValid() else 0) + 1) // self.page_h) + 1

    def page_at(self, offset: int) -> int | None:
        """The page showing the source character at ``offset`` (or the nearest shown one before it)."""
        i = bisect.bisect_right(self.positions, (offset, 1 << 62)) - 1
        return self.page_of(self.positions[i][1]) if i >= 0 else None

    def lay_out(self) -> None:
        """Lay out the body's last chunk; from here on positions and pages can be read."""
        if self.chunk is not None:
            self.keep_glyphs(self.chunk[0] - 1)
            self.cur.endEditBlock()
            self.chunk = None
        self.check_height()

    def body_chunk(self, size: int = 200) -> None:
        """Lay out the body written since the last chunk once it holds ``size`` blocks, and keep its headings
        with what follows. Each keep-with-next break lays out again all the blocks after it: for the whole body
        at once, a draft of 20,000 paragraphs with a heading every eight spent 7.6 s there (5,000: 0.4 s).
        Called between blocks, never right after a heading (the block it keeps with is not written yet)."""
        if self.chunk is None or self.doc.blockCount() - self.chunk[0] < size:
            return
        _, k = self.end_chunk()
        del self.keep[k:]
        self.check_height()
        self.open_chunk()

    def end_chunk(self) -> tuple[int, int]:
        """Close the open chunk's edit block (which lays it out) and keep its headings with what follows;
        returns the chunk's first block and its first heading's index in ``keep``."""
        assert self.chunk is not None
        first, k = self.chunk
        self.keep_glyphs(first - 1)
        self.cur.endEditBlock()
        self.chunk = None
        self.keep_with_next(self.keep[k:])
        return first, k

    def check_height(self) -> None:
        if self.doc.pageCount() * self.page_h > MAX_HEIGHT:
            raise DoccriticError("The document is too long for a PDF report (over ~2,700 pages); export it as "
                                 "Word or HTML instead.", ErrorKind.TOO_LARGE)

    def keep_glyphs(self, first: int) -> None:
        """Blocks from number ``first`` keep their shaped glyphs after layout. Qt frees them by default and
        shapes every line again to draw it: a third of the drawing time (1.1 of 3.2 s at 20,000 findings)."""
        block = self.doc.findBlockByNumber(max(first, 0))
        while block.isValid():
            block.layout().setCacheEnabled(True)
            block = block.next()

    def keep_with_next(self, keep: list[list[int]] | None = None) -> None:
        """Headings and note titles go to the next page rather than end one (Qt has no keep-with-next).

        In document order: each break moves what follows, so the next one is judged on the new layout.
        Qt lays out again from the changed block to the end, so the notes come here a chunk at a time.
        """
        layout = self.doc.documentLayout()
        for number, last in self.keep if keep is None else keep:
            block = self.doc.findBlockByNumber(number)
            top = layout.blockBoundingRect(block).top()
            if last < 0:  # its own first -last lines (keep_lines)
                lines = block.layout()
                if lines.lineCount() < 2:
                    continue
                kept = top + lines.lineAt(min(-last, lines.lineCount()) - 1).y() + 1
                moved = kept // self.page_h > (top + lines.lineAt(0).y() + 1) // self.page_h
            else:
                nxt = self.doc.findBlockByNumber(max(last, number + 1))
                if not nxt.isValid():
                    continue
                first = nxt.layout().lineAt(0).height() if nxt.layout().lineCount() else 0
                moved = (layout.blockBoundingRect(nxt).top() + first) // self.page_h > (top + 1) // self.page_h
            if moved and top % self.page_h > 1:
                fmt = block.blockFormat()
                fmt.setPageBreakPolicy(QTextBlockFormat.PageBreakFlag.PageBreak_AlwaysBefore)
                QTextCursor(block).setBlockFormat(fmt)
        if keep is None:
            self.keep = []

    def split_at_pages(self, first: int = 0) -> None:
        """Paragraphs (from block ``first``) that run onto the next page become two blocks there. Qt draws
        the last line above a page's clip too (hidden, yet found by search and copy), so no block may cross a
        page boundary. A split leaves every line where it was, so all are found on one layout and made
        in one edit, from the end (each edit would otherwise lay out the rest of the document again)."""
        layout, block = self.doc.documentLayout(), self.doc.findBlockByNumber(first)
        cuts: list[tuple[QtGui.QTextBlock, int]] = []
        page_h = self.page_h
        while block.isValid():
            lines = block.layout()
            count = lines.lineCount()
            if count > 1:  # lines only go down: a block is on one page when its first and last lines are
                top = layout.blockBoundingRect(block).top()
                page = (top + lines.lineAt(0).y() + 1) // page_h
                if (top + lines.lineAt(count - 1).y() + 1) // page_h != page:
                    cut = next(i for i in range(1, count) if (top + lines.lineAt(i).y() + 1) // page_h != page)
                    cuts.append((block, block.position() + lines.lineAt(cut).textStart()))
            block = block.next()
        cursor = QTextCursor(self.doc)
        cursor.beginEditBlock()
        for block, at in reversed(cuts):
            fmt = block.blockFormat()
            if block.textList() is not None:  # the rest of a list item: indented, without a bullet
                fmt.setIndent(block.textList().format().indent())
                fmt.clearProperty(QtGui.QTextFormat.Property.ObjectIndex)
            fmt.setTopMargin(0)
            fmt.setTextIndent(0)  # a note's title hangs out to the left, the rest of it does not
            fmt.setPageBreakPolicy(QTextBlockFormat.PageBreakFlag.PageBreak_Auto)
            cursor.setPosition(at)
            if at > block.position() and self.doc.characterAt(at - 1) == "\u2028":
                # the line break becomes the block break: left in, it ends the first part with an empty
                # line on the next page, and Qt draws a block on every page it touches (hidden, searchable)
                cursor.setPosition(at - 1, QTextCursor.MoveMode.KeepAnchor)
                cursor.removeSelectedText()
            cursor.insertBlock(fmt)
        cursor.endEditBlock()

    def open_chunk(self) -> None:
        """Start writing at the end of the laid-out document. Qt lays out again after each edit of a document
        whose layout exists (~0.4 ms per insertion); inside one edit block it does so once, when it closes."""
        self.cur.movePosition(QTextCursor.MoveOperation.End)
        self.cur.beginEditBlock()
        self.chunk = (self.doc.blockCount(), len(self.keep))

    def close_chunk(self) -> None:
        """Lay out what was written since :meth:`open_chunk`, then keep its headings with what follows and
        split its paragraphs at page ends; each break and split lays out again only this last chunk."""
        if self.chunk is None:
            return
        first, _ = self.end_chunk()
        self.split_at_pages(first - 1)
        if self.full():
            self.roll_over()

    def next_chunk(self, size: int = 400) -> None:
        """Close the chunk and open the next one once it holds about ``size`` blocks."""
        if self.chunk is not None and self.doc.blockCount() - self.chunk[0] >= size:
            self.close_chunk()
            self.open_chunk()

    # ---- the document ----------------------------------------------------------------------------
    def body(self, doc: Document, placed: list[tuple[int, Finding]]) -> None:
        self.form = export_form(doc)
        # (number, start, end) of each span; a trailing space or line break is not highlighted
        self.spans = [(n, f.start, f.start + (len(doc.text[f.start:f.end].rstrip()) or f.end - f.start))
                      for n, f in placed]
        self.pending = deque(sorted(self.spans, key=lambda s: (s[2], s[0])))  # markers still to draw
        self.block_spans: dict[int, list[tuple[int, int, int]]] = {}  # by block start: spans over it
        for span in self.spans:  # assigned once, not searched per block: linear in findings
            for b in doc.blocks_in(span[1], span[2]):
                self.block_spans.setdefault(b.start, []).append(span)
        self.by_number = dict(placed)
        blocks, i = doc.blocks, 0
        key = [(b.docx.table if b.docx else None, b.row or 0, b.col or 0) for b in blocks]  # where a cell sits
        while i < len(blocks):
            j = i + 1
            if blocks[i].kind is BlockKind.TABLE_CELL:  # one table: cells in reading order, same DOCX table
                while j < len(blocks) and blocks[j].kind is BlockKind.TABLE_CELL and key[j][0] == key[i][0] \
                        and key[j][1:] > key[j - 1][1:]:
                    j += 1
                self.table(doc, blocks[i:j], blocks[j].start if j < len(blocks) else None)
                self.body_chunk()
            elif not (blocks[i].kind is BlockKind.HTML and blocks[i].text.lstrip().startswith("<!--")):
                self.fill(doc, blocks[i], self.block_start(doc, blocks[i]),
                          blocks[j].start if j < len(blocks) else None)
                if self.cur.currentFrame() != self.doc.rootFrame():  # out of a code frame
                    self.cur.movePosition(QTextCursor.MoveOperation.End)
                if blocks[i].kind is not BlockKind.HEADING:
                    self.body_chunk()
            i = j
        self.lists = {}

    def block_start(self, doc: Document, block: Block) -> QTextCharFormat:
        """A new paragraph laid out for the block's kind; returns the block's base character format."""
        kind, level = block.kind, max(block.level, 1)
        after_list, self.lists = bool(self.lists), self.lists if kind is BlockKind.LIST_ITEM else {}
        if kind is BlockKind.HEADING:
            self.para(before=(16, 13, 9)[min(level, 3) - 1], after=4, keep=True)
            return self.look(HEADING_PT.get(level, 11), bold=True, color=INK if level < 4 else MUTED)
        if kind is BlockKind.FRONT_MATTER:
            self.para("DOCUMENT PROPERTIES", self.fmt(7.5, bold=True, color=MUTED), before=4, after=1)
        if kind in (BlockKind.CODE, BlockKind.FRONT_MATTER, BlockKind.HTML):  # a shaded, padded frame
            self.cur.insertFrame(_make(QtGui.QTextFrameFormat, Background=PAPER_2, Padding=5 * U, TopMargin=4 * U,
                                       BottomMargin=8 * U))
            self.fresh = True  # its first block takes the code; the block after it, the next paragraph
            return self.look(8.5 if kind is BlockKind.CODE else 8, color=MUTED if kind is BlockKind.FRONT_MATTER
                            else INK, mono=True)
        if kind is BlockKind.QUOTE:
            self.para(left=14 * level, after=6)
            return self.look(italic=True, color=MUTED)
        if kind is not BlockKind.LIST_ITEM:
            self.para(before=8 if after_list else 0, after=6)
            return self.look()
        self.para(after=3)
        line_start = doc.text.rfind("\n", 0, block.start) + 1
        number = re.search(r"(\d+)[.)][ \t]*$", doc.text[line_start:block.start])
        self.lists = {k: v for k, v in self.lists.items() if k <= level}
        current, styles = self.lists.get(level), QtGui.QTextListFormat.Style
        if current is None or (current.format().style() == styles.ListDecimal) != bool(number):
            self.lists[level] = self.cur.createList(_make(
                QtGui.QTextListFormat, Indent=level, Start=int(number.group(1)) if number else 1,
                Style=styles.ListDecimal if number else (styles.ListDisc, styles.ListCircle,
                                                         styles.ListSquare)[(level - 1) % 3]))
        else:
            current.add(self.cur.block())
        return self.look()

    def fill(self, doc: Document, block: Block, base: QTextCharFormat, next_start: int | None) -> None:
        """The block's characters, tinted by the findings over them, with ``[n]`` after each span."""
        spans = self.block_spans.get(block.start, [])
        bounds = sorted({x for _, a, b in spans for x in (a, b)})
        self.long = block.end - block.start > MAX_PARAGRAPH
        run, key, pending, positions = "", (0, ()), self.pending, self.positions
        for offset, ch, style in _segments(_pieces(self.form, block), bounds):
            here = (style, tuple(n for n, a, b in spans if a <= offset < b) if spans else ())
            due = bool(pending) and pending[0][2] <= offset
            if (here != key or due) and run:
                self.run(run, base, *key)
                run = ""
            if due:
                self.flush(offset)
            if not run:
                positions.append((offset, self.cur.position()))
            run, key = run + ch, here
        if run:
            self.run(run, base, *key)
        self.flush(next_start)

    def flush(self, limit: int | None) -> None:
        """The markers of the spans that end by ``limit``: superscript, bold, in the kind's colour."""
        while self.pending and (limit is None or self.pending[0][2] <= limit):
            number = self.pending.popleft()[0]
            self.marks.setdefault(number, self.cur.position())
            kind = self.by_number[number].kind
            if kind not in self.markers:
                self.markers[kind] = f = self.fmt(bold=True, color=_color(kind))
                f.setVerticalAlignment(QTextCharFormat.VerticalAlignment.AlignSuperScript)
            self.cur.insertText(f"\u2060[{number}]", self.markers[kind])  # a word joiner: never alone on a line

    def run(self, text: str, base: QTextCharFormat, style: int, numbers: tuple[int, ...]) -> None:
        tints = tuple((f.kind, _tint(f)) for f in (self.by_number[n] for n in numbers))
        key = (id(base), style, tints, _UNSHAPED.fullmatch(text) is not None)
        if key not in self.runs:
            self.runs[key] = self._run_format(base, style, tints)
            if key[3]:
                self.runs[key].setFontStyleStrategy(QFont.StyleStrategy.PreferNoShaping)
        while self.long and len(text) + self.cur.block().length() > MAX_PARAGRAPH:
            room = max(MAX_PARAGRAPH - self.cur.block().length(), 0)
            room = text.rfind(" ", room // 2, room) + 1 or room  # at a word break if there is one
            self.cur.insertText(text[:room], self.runs[key] if key[3] else _drawable(self.runs[key], text[:room]))
            text = text[room:]
            self.continue_block()
        self.cur.insertText(text, self.runs[key] if key[3] else _drawable(self.runs[key], text))

    def continue_block(self) -> None:
        """Go on in a new paragraph laid out as this one. Qt lays a paragraph out in more than linear time
        (a 800 KB heading took 8 s, 5 MB minutes), so a draft's long paragraph is drawn as several."""
        fmt = self.cur.blockFormat()
        if self.cur.block().textList() is not None:  # the rest of a list item: indented, without a bullet
            fmt.setIndent(self.cur.block().textList().format().indent())
            fmt.clearProperty(QtGui.QTextFormat.Property.ObjectIndex)
        fmt.setTopMargin(0)
        fmt.setPageBreakPolicy(QTextBlockFormat.PageBreakFlag.PageBreak_Auto)
        self.cur.insertBlock(fmt, self.cur.charFormat())

    @staticmethod
    def _run_format(base: QTextCharFormat, style: int, tints: tuple[tuple[Kind, float], ...]) -> QTextCharFormat:
        f = QTextCharFormat(base)
        f.setFontWeight(QFont.Weight.Bold if style & BOLD else base.fontWeight())
        f.setFontItalic(bool(style & ITALIC) or base.fontItalic())
        f.setFontStrikeOut(bool(style & STRIKE))
        f.setForeground(QColor("#0b57d0") if style & LINK else base.foreground())
        if style & CODE and base.fontFamilies() != list(_families(True)):
            f.setFontFamilies(list(_families(True)))
            f.setFontPointSize(base.fontPointSize() * 0.9)
            f.setBackground(PAPER_2)
        if tints:
            r = g = b = 1.0
            for kind, a in tints:  # multiplied: overlaps tint deeper
                c = _color(kind)
                r, g, b = r * (1 - a + a * c.redF()), g * (1 - a + a * c.greenF()), b * (1 - a + a * c.blueF())
            f.setBackground(QColor.fromRgbF(r, g, b))
        return f

    def table(self, doc: Document, cells: list[Block], next_start: int | None) -> None:
        self.lists, head = {}, doc.format is DocFormat.MARKDOWN
        self.para(after=0)
        table = self.cur.insertTable(max(c.row or 0 for c in cells) + 1, max(c.col or 0 for c in cells) + 1, _make(
            QtGui.QTextTableFormat, Border=0.75 * U, BorderBrush=LINE, BorderCollapse=True, CellPadding=3.5 * U,
            CellSpacing=0, BottomMargin=8 * U, HeaderRowCount=int(head),
            BorderStyle=QtGui.QTextFrameFormat.BorderStyle.BorderStyle_Solid,
            Width=QtGui.QTextLength(QtGui.QTextLength.Type.PercentageLength, 100)))
        for k, cell in enumerate(cells):
            where = table.cellAt(cell.row or 0, cell.col or 0)
            if head and cell.row == 0:
                where.setFormat(_make(QTextCharFormat, Background=PAPER_2))
            self.cur = where.firstCursorPosition()
            self.fill(doc, cell, self.look(9.5, bold=head and cell.row == 0),
                      cells[k + 1].start if k + 1 < len(cells) else next_start)
        self.cur = QTextCursor(self.doc)
        self.cur.movePosition(QTextCursor.MoveOperation.End)
        self.fresh = True  # the empty block after the table takes the next paragraph


def _header(r: _Report, title: str, findings: list[Finding], debates: list[Debate], names: Mapping[str, str]) -> None:
    # No letter spacing: pdftotext and PDF viewers' copy then read its wider gaps as spaces ("DO CCRITIC").
    r.para("DOCCRITIC REVIEW", r.fmt(8, bold=True, color=MUTED), after=2)
    r.para(title, r.fmt(21, bold=True), after=4)
    stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    n, d = len(findings), len(debates)
    r.para(f"Exported {stamp} · {n} finding{'s' * (n != 1)}" + (f" · {d} debate{'s' * (d != 1)}" if d else ""),
           r.fmt(9.5, color=MUTED), after=7)
    r.para(after=4)
    for kind in Kind:
        r.text("■ ", r.fmt(10, color=_color(kind)))
        r.text(f"{KIND_LABELS[kind]} ", r.fmt(9.5))
        r.text(f"{sum(f.kind is kind for f in findings)}      ", r.fmt(9.5, bold=True))
    people: list[str] = []
    for who in [p for f in findings if f.source is not Source.CHECK for p in f.personas] + \
               [p for d in debates for p in (d.pro, d.con)]:
        people += [] if names.get(who, who) in people else [names.get(who, who)]
    people += [CHECKS_AUTHOR] if any(f.source is Source.CHECK for f in findings) else []
    r.para(f"Reviewed by: {', '.join(people) or 'nobody yet'}", r.fmt(9.5, color=MUTED), after=4)
    r.para("Highlighted passages are tinted by kind; the number after each one refers to its note at the end.",
           r.fmt(9, italic=True, color=MUTED), after=8)
    r.para(after=10, background=LINE)  # a thin rule: an empty block in a 1 pt font
    r.cur.setBlockCharFormat(r.fmt(1))


def _notes(r: _Report, numbered: list[tuple[int, Finding]], where: dict[int, str], doc: Document,
           names: Mapping[str, str]) -> None:
    r.para("Notes", r.fmt(HEADING_PT[1], bold=True), page_break=True, after=4)
    place, quoted, body, title = (r.fmt(8.5, color=MUTED), r.fmt(9.5, italic=True, color=MUTED), r.fmt(9.5),
                                  r.fmt(10.5, bold=True))  # made once: 50,000 notes made ~250,000 formats
    numbers = {kind: r.fmt(10.5, bold=True, color=_color(kind)) for kind in Kind}
    reply = r.fmt(9.5, color=MUTED)
    last_place, last_passage = "", None
    for n, f in numbered:
        # One paragraph per note, its title hanging out to the left and each field on a line of its own: a
        # paragraph per field made 50,000 notes four times the blocks Qt lays out, keeps and draws.
        note = note_for(f, names)
        r.para(before=10, after=2.5, left=14, indent=-14)
        r.keep_lines()
        r.text(f"{n}. ", numbers[f.kind])
        r.text(f"{note.author} · {KIND_LABELS[f.kind]} · {severity_word(f.severity)} — {f.title}", title)
        # What only repeats the note above is left out: the same place, the same passage (its notes follow
        # each other, under the first one's quote). A report of many findings is mostly notes.
        shown_place, last_place = ("" if where[n] == last_place else where[n]), where[n]
        passage = (f.start, f.end, f.quote) if f.placed else None
        same_passage, last_passage = passage is not None and passage == last_passage, passage
        if shown_place:  # where and the quote share a line: fewer pages
            r.text(shown_place, place, line=True)
        if f.quote and not same_passage:
            quote = _clipped(" ".join(_shown_quote(r.form, f).split()), max(48, QUOTE_CHARS - len(shown_place)))
            r.text(f"{'  ' if shown_place else ''}“{quote}”", quoted, line=not shown_place)
        for text in note.lines:  # each written with its line break: a third fewer calls into Qt
            r.text(text, body, line=True)
        for author, text in note.replies:
            r.text(f"↳ {author}: {text}", reply, label=f"↳ {author}: ", line=True)
        r.next_chunk(NOTES_PER_CHUNK)


def _clipped(quote: str, limit: int = QUOTE_CHARS) -> str:
    """``quote`` in at most ``limit`` characters, cut at a word with "…" (the body shows it whole)."""
    if len(quote) <= limit:
        return quote
    head = quote[: limit - 1]
    cut = head.rfind(" ", limit // 2)
    return (head[:cut] if cut > 0 else head).rstrip(" ,;:") + "…"


def _shown_quote(form: ExportForm, f: Finding) -> str:
    """The quote as the reader sees it: from the form where it is placed (a misquote's placed words are the
    document's, never the critic's), else its own Markdown rendered."""
    if f.placed and f.start is not None and f.end is not None and (
            f.misquoted or f.quote == form.doc.text[f.start : f.end]):  # a misquote shows the document's words
        return form.shown(f.start, f.end)
    return rendered_inline(f.quote) if form.doc.format is DocFormat.MARKDOWN else f.quote


def _debates(r: _Report, debates: list[Debate], names: Mapping[str, str], pages: dict[int | None, int | None]) -> None:
    def cites(citations: list[Citation]) -> None:
        if citations:
            r.para("Cites: " + "  ".join(f"“{c.quote}”" + (f" (p. {pages[c.start]})" if pages.get(c.start) else "")
                                         for c in citations), r.fmt(8.5, italic=True, color=MUTED), left=14, after=3)

    for k, d in enumerate(debates):
        colors = {d.pro: QColor("#2e7d32"), d.con: QColor("#ad1457")}
        r.para("Debates", r.fmt(HEADING_PT[1], bold=True), page_break=True, after=4) if k == 0 else None
        r.para(f"Debate: {d.motion}", r.fmt(HEADING_PT[2], bold=True), before=10, after=3, keep=True)
        r.para(after=4)
        for pid, sep in ((d.pro, " vs "), (d.con, f" · {len(d.turns)} of {d.planned_turns} turns")):
            r.text(names.get(pid, pid), r.fmt(9.5, bold=True, color=colors[pid]))
            r.text(f" ({SIDES[d.side_of(pid)]}){sep}", r.fmt(9.5, color=MUTED))
        r.para(f"Focus: {d.focus}", r.fmt(9.5), label="Focus: ", after=4) if d.focus else None
        said = sorted(d.interjections, key=lambda i: i.after_turn)
        for turn in [*d.turns, None]:
            while said and (turn is None or said[0].after_turn < turn.index):
                r.para(f"PM (moderator): {said.pop(0).text}", r.fmt(9.5, italic=True), label="PM (moderator): ",
                       before=3, after=4, left=14, background=PAPER_2)
            if turn is None:
                break
            r.para(before=6, after=2, keep=True)
            r.text(names.get(turn.speaker, turn.speaker), r.fmt(10, bold=True, color=colors.get(turn.speaker, INK)))
            r.text(f" · {SIDES[turn.side]} · turn {turn.index}", r.fmt(9, color=MUTED))
            r.text("" if turn.status == "complete" else f"  {turn.status.upper()}", r.fmt(8.5, bold=True, color=RED))
            for part in [p for p in re.split(r"\n\s*\n", turn.text) if p.strip()] or ["(no text)"]:
                r.para(part.strip(), r.fmt(10), left=14, after=3)
            r.para(turn.failure, r.fmt(9, italic=True, color=RED), left=14, after=3) if turn.failure else None
            cites(turn.citations)
            for c in turn.cites:  # reference passages, worded as a finding's note says them
                r.para(cite_line(c), r.fmt(8.5, italic=True, color=MUTED), left=14, after=3)
        if d.summary:
            r.para("Referee summary", r.fmt(12, bold=True), before=10, after=3, keep=True)
            if d.summary.verdict:
                r.para(f"Verdict: {d.summary.verdict}", r.fmt(10), label="Verdict: ", after=4)
            for category, label in CATEGORIES.items():
                points = [p for p in d.summary.points if p.category == category]
                r.para(label, r.fmt(10, bold=True, color=MUTED), before=5, after=2, keep=True) if points else None
                for p in points:
                    side = f"[{p.side}] " if p.side != "both" else ""
                    r.para(f"• {side}{p.text}" + (" (added as a finding)" if p.finding_id else ""), r.fmt(10),
                           left=14, after=2)
                    cites(p.citations)


def _unplaced_reason(f: Finding, same_text: bool) -> str:
    if not same_text:
        return "The document changed since the review; not highlighted"
    return {"document": "About the whole document",
            "ambiguous": f"The quote appears {len(f.candidates) or 'several'} times; not highlighted"}.get(
        f.anchor.value, "Quote not found in the text")


def _render(r: _Report, writer: QtGui.QPdfWriter, title: str) -> None:
    """Each page of the laid-out document, clipped to its own height, with a footer under it."""
    painter = QtGui.QPainter()
    if not painter.begin(writer):
        raise DoccriticError("Cannot draw the PDF: Qt's PDF writer did not start.", ErrorKind.UNSUPPORTED)
    try:
        docs = [d for d in (*r.done, r.doc) if d is r.done[0] or not d.isEmpty()] if r.done else [r.doc]
        pages, font = sum(d.pageCount() for d in docs), r.fmt(7.5).font()
        sheets, label = [(d, k) for d in docs for k in range(d.pageCount())], ""
        for i, (doc, k) in enumerate(sheets):
            if i:
                writer.newPage()
            painter.save()
            painter.translate(0, -k * r.page_h)
            # A hair inside the page: Qt also draws a line that only touches the clip (one starting exactly
            # where the next page starts), hidden yet found by search and copy on both pages.
            doc.drawContents(painter, QRectF(0, k * r.page_h + 0.01, r.width, r.page_h - 0.02))
            painter.restore()
            y, top = r.page_h + r.footer * 0.35, Qt.AlignmentFlag.AlignTop
            painter.setPen(LINE)
            painter.drawLine(0, round(y), round(r.width), round(y))
            painter.setPen(MUTED)
            painter.setFont(font)
            box = QRectF(0, y + 3 * r.px, r.width, r.footer * 0.6)
            if not i:  # elided once, not on each of 5,000 pages
                label = painter.fontMetrics().elidedText(f"{title} · doccritic review", Qt.TextElideMode.ElideRight,
                                                         round(r.width * 0.7))
            painter.drawText(box, top | Qt.AlignmentFlag.AlignLeft, label)
            painter.drawText(box, top | Qt.AlignmentFlag.AlignRight, f"Page {i + 1} of {pages}")
    finally:
        painter.end()


def _ensure_app() -> None:
    """A QApplication for the CLI (no window, maybe no display): offscreen when there is no display."""
    global _app
    if QtGui.QGuiApplication.instance() is None:
        headless = sys.platform.startswith("linux") and not os.environ.get("DISPLAY", os.environ.get("WAYLAND_DISPLAY"))
        offscreen = headless and "QT_QPA_PLATFORM" not in os.environ
        _app = QApplication(["doccritic", *(["-platform", "offscreen"] if offscreen else [])])


def _valid_debates(review: Review, include: bool) -> list[Debate]:
    debates: list[Debate] = []
    for raw in review.debates if include else ():
        try:
            debates.append(Debate.model_validate(raw))
        except ValidationError:
            continue
    return debates


def _writer(buffer: QBuffer, title: str, page_size: str) -> QtGui.QPdfWriter:
    writer = QtGui.QPdfWriter(buffer)
    writer.setResolution(DPI)
    writer.setTitle(f"{title} · doccritic review")
    writer.setCreator("doccritic")
    writer.setPageLayout(QtGui.QPageLayout(QtGui.QPageSize(PAGE_SIZES[page_size.lower()]),
                                           QtGui.QPageLayout.Orientation.Portrait, QMarginsF(18, 16, 18, 12),
                                           QtGui.QPageLayout.Unit.Millimeter))
    return writer


def _unplaced_list(r: _Report, others: list[tuple[int, Finding]], same_text: bool) -> None:
    if others:
        r.para("Not placed in the text", r.fmt(HEADING_PT[2], bold=True), before=16, after=4, keep=True)
    for n, f in others:
        r.para(f"[{n}] ", r.fmt(10, bold=True, color=_color(f.kind)), after=2.5)
        r.text(f"{f.title} ", r.fmt(10))
        r.text(f"— {_unplaced_reason(f, same_text)}", r.fmt(9, color=MUTED))


def _where(r: _Report, doc: Document, numbered: list[tuple[int, Finding]], n_placed: int, same_text: bool
           ) -> dict[int, str]:
    """Each note's place line: the section and page of its marker, or why it is not in the text."""
    where = {n: _unplaced_reason(f, same_text) for n, f in numbered[n_placed:]}
    for n, f in numbered[:n_placed]:
        section = doc.section_at(f.start)  # type: ignore[arg-type]
        where[n] = " · ".join(filter(None, [f"In “{section.title}”" if section else "",
                                            f"page {r.page_of(r.marks[n])}" if n in r.marks else ""]))
    return where


def _cited_pages(r: _Report, debates: list[Debate], same_text: bool) -> dict[int | None, int | None]:
    cited = [c for d in debates for c in [*(c for t in d.turns for c in t.citations),
                                          *(c for p in (d.summary.points if d.summary else ()) for c in p.citations)]]
    return {c.start: r.page_at(c.start) for c in cited if c.placed and same_text}  # type: ignore[arg-type]


def export_pdf(review: Review, doc: Document, out: Path, *, names: Mapping[str, str] | None = None,
               include_dismissed: bool = False, include_checks: bool = True, include_debates: bool = True,
               page_size: str = "A4") -> Path:
    """Write the review as a print-ready PDF to ``out`` (atomically) and return ``out``.

    ``names``: persona id -> display name; ``page_size``: A4, Letter, Legal, A3 or A5. Offsets are read
    against ``doc.text``; if it is not the reviewed text, every finding is listed as not placed.
    """
    if page_size.lower() not in PAGE_SIZES:
        raise DoccriticError(f"Unknown page size '{page_size}' (use A4, Letter, Legal, A3 or A5).")
    _ensure_app()
    names, out = names or {}, Path(out)
    title = shown_title(doc, review.document.title)
    findings = exported_findings(review, include_dismissed=include_dismissed, include_checks=include_checks)
    same_text = doc.text == review.document.text
    placed = [f for f in findings if same_text and f.placed and f.start < f.end <= len(doc.text)]  # type: ignore[operator]
    on_text = {id(f) for f in placed}  # identity: comparing findings field by field was quadratic
    numbered = list(enumerate(placed + [f for f in findings if id(f) not in on_text], 1))
    debates = _valid_debates(review, include_debates)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = _writer(buffer, title, page_size)
    r = _Report(writer)
    _header(r, title, findings, debates, names)
    r.body(doc, numbered[: len(placed)])
    _unplaced_list(r, numbered[len(placed):], same_text)
    r.lay_out()
    r.keep_with_next()  # the body is final from here on: its page numbers can be read
    where, pages = _where(r, doc, numbered, len(placed), same_text), _cited_pages(r, debates, same_text)
    r.split_at_pages()  # after the pages are read: a split moves the positions after it
    r.open_chunk()  # notes, debates and the register: written onto the laid-out body a chunk at a time
    if numbered:
        _notes(r, numbered, where, doc, names)
    _debates(r, debates, names, pages)
    r.next_chunk(0)
    add_register(r, export_appendix(review, doc, names), HEADING_PT, LINE, PAPER_2)
    r.close_chunk()
    _render(r, writer, title)
    buffer.close()
    try:
        atomic_write_bytes(out, bytes(buffer.data()))
    except OSError as exc:
        raise DoccriticError(f"Cannot write {out.name}: {exc.strerror or exc}.", ErrorKind.UNREADABLE) from exc
    return out
