"""Markdown colouring for the editor (headings, emphasis, lists, code, links, front matter; DOCX lines by kind),
on Qt's public API only.

Qt's ``QSyntaxHighlighter`` hears of edits through a private slot (``_q_reformatBlocks``) and colours every
changed block inside the change: a 45,000-line text was coloured inside ``setPlainText``, and the only way
around it was to disconnect that slot by name. :class:`BlockHighlighter` keeps its contract (``highlightBlock``
with ``setFormat`` and block states, the next block re-coloured while a block's state changes) but listens to
the document's public ``contentsChange`` and writes each block's formats with ``QTextLayout.setFormats`` and
``QTextDocument.markContentsDirty`` (neither is an edit: no signal, no undo step). Colouring stops at
``frontier``, so a long text is coloured after it shows, a slice per event-loop turn; a tab gets a gap
before it.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QRegularExpression
from PySide6.QtGui import QColor, QFont, QTextBlock, QTextCharFormat, QTextDocument, QTextLayout

from doccritic.ui.timers import timer

#: (muted, accent) text colours of the Markdown colouring, by dark theme; both read at 4.5:1 on the editor.
MARKDOWN_COLOURS = {False: ("#5f6672", "#1f5fbf"), True: ("#9aa4b2", "#7fb4ff")}
_EMPHASIS = r"(?<![*\w])\*[^*\s][^*\n]*\*(?!\*)|(?<!\w)_[^_\s][^_\n]*_(?!\w)"


class BlockHighlighter(QObject):
    """Colours a document block by block; subclasses implement :meth:`highlightBlock` as for Qt's class."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._document = document
        self.frontier: int | None = None  # blocks from this number on are not coloured yet (None: all are)
        self._block = QTextBlock()
        self._ranges: list[tuple[int, int, QTextCharFormat]] = []
        document.contentsChange.connect(self._changed)

    # what highlightBlock uses (Qt's names) ----------------------------------------------------------
    def document(self) -> QTextDocument:
        return self._document

    def currentBlock(self) -> QTextBlock:  # noqa: N802 - Qt's name
        return self._block

    def previousBlockState(self) -> int:  # noqa: N802 - Qt's name
        previous = self._block.previous()
        return previous.userState() if previous.isValid() else -1

    def setCurrentBlockState(self, state: int) -> None:  # noqa: N802 - Qt's name
        self._block.setUserState(state)

    def setFormat(self, start: int, count: int, fmt: QTextCharFormat) -> None:  # noqa: N802 - Qt's name
        """``fmt`` on ``count`` characters from ``start`` of the current block, replacing what was set there."""
        end = min(start + count, self._block.length() - 1)
        if start < 0 or start >= end:
            return
        kept: list[tuple[int, int, QTextCharFormat]] = []
        for a, b, f in self._ranges:
            if b <= start or a >= end:
                kept.append((a, b, f))
                continue
            if a < start:
                kept.append((a, start, f))
            if b > end:
                kept.append((end, b, f))
        kept.append((start, end, fmt))
        self._ranges = kept

    def format(self, position: int) -> QTextCharFormat:
        """The format set so far at ``position`` of the current block (an empty one if none)."""
        for a, b, f in self._ranges:
            if a <= position < b:
                return QTextCharFormat(f)
        return QTextCharFormat()

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt's name
        raise NotImplementedError

    # colouring --------------------------------------------------------------------------------------
    def rehighlight(self) -> None:
        """Colour every block (up to the frontier)."""
        self._colour(self._document.begin(), self._document.lastBlock().blockNumber() + 1)

    def colour_blocks(self, first: int, count: int) -> None:
        """Colour ``count`` blocks from block number ``first``."""
        self._colour(self._document.findBlockByNumber(first), first + count)

    def _changed(self, position: int, removed: int, added: int) -> None:
        """The text changed: colour the blocks it touched, then on while a block's end state changes."""
        if self.frontier == 0:
            return  # nothing is coloured yet: a new text, coloured in slices
        document = self._document
        block = document.findBlock(position)
        last = document.findBlock(position + added + (1 if removed > 0 else 0))
        end = last.position() + last.length() if last.isValid() else document.characterCount()
        force = False
        while block.isValid() and (block.position() < end or force):
            if self.frontier is not None and block.blockNumber() >= self.frontier:
                return
            force = self._highlight(block)
            block = block.next()

    def _colour(self, block: QTextBlock, stop: int) -> None:
        while block.isValid() and block.blockNumber() < stop:
            if self.frontier is not None and block.blockNumber() >= self.frontier:
                return
            self._highlight(block)
            block = block.next()

    def _highlight(self, block: QTextBlock) -> bool:
        """Colour one block; True when its end state changed (the next block depends on it)."""
        state = block.userState()
        self._block, self._ranges = block, []
        try:
            self.highlightBlock(block.text())
        finally:
            self._block = QTextBlock()
        layout = block.layout()
        if self._ranges or layout.formats():
            ranges = []
            for start, end, fmt in sorted(self._ranges, key=lambda r: r[0]):
                r = QTextLayout.FormatRange()
                r.start, r.length, r.format = start, end - start, fmt
                ranges.append(r)
            layout.setFormats(ranges)
            self._document.markContentsDirty(block.position(), block.length())
        return block.userState() != state


class MarkdownHighlighter(BlockHighlighter):
    """Light Markdown colouring: headings, emphasis, lists, code and links. Cheap, per block."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.enabled = True
        self._slice, self._budget_ms = 100, 12.0  # blocks per slice, adapted to take about the budget
        self._slice_timer = timer(self, 0, self._colour_slice)
        self.structure: dict[int, tuple[str, int]] = {}  # DOCX: line -> (block kind, level)
        # (needles, pattern, format): a rule runs only on a line holding one of its needles (most lines hold none)
        self._rules: list[tuple[tuple[str, ...], QRegularExpression, QTextCharFormat]] = []
        self._dark: bool | None = None
        self.set_dark(False)

    def set_dark(self, dark: bool) -> None:
        if dark == self._dark:
            return
        self._dark = dark

        def fmt(color: str, bold: bool = False, italic: bool = False, mono: bool = False) -> QTextCharFormat:
            f = QTextCharFormat()
            if color:  # no colour: keep the theme's text colour
                f.setForeground(QColor(color))
            if bold:
                f.setFontWeight(QFont.Weight.Bold)
            f.setFontItalic(italic)
            if mono:
                f.setFontFamilies(["DejaVu Sans Mono", "Menlo", "Consolas", "monospace"])
            return f

        muted, accent = MARKDOWN_COLOURS[dark]
        self._rules = [
            (("#",), QRegularExpression(r"^#{1,6}\s.*$"), fmt(accent, bold=True)),
            (("**", "__"), QRegularExpression(r"\*\*[^*\n]+\*\*|__[^_\n]+__"), fmt("", bold=True)),
            (("*", "_"), QRegularExpression(_EMPHASIS), fmt("", italic=True)),
            (("`",), QRegularExpression(r"`[^`\n]+`"), fmt(muted, mono=True)),
            (("](",), QRegularExpression(r"\[[^\]\n]+\]\([^)\n]+\)"), fmt(accent)),
            (("-", "*", "+", ".", ")"), QRegularExpression(r"^\s*(?:[-*+]|\d+[.)])\s"), fmt(muted, bold=True)),
            ((">",), QRegularExpression(r"^\s*>.*$"), fmt(muted, italic=True)),
            (("|",), QRegularExpression(r"^\s*\|.*\|\s*$"), fmt(muted)),
        ]
        self._fence = fmt(muted, mono=True)
        self._front_matter = fmt(muted)
        self._heading = fmt(accent, bold=True)
        self._cell = fmt(muted)
        self.rehighlight()

    def colour_in_slices(self, budget_ms: float = 12.0) -> None:
        """Colour the document from its first block in slices of about ``budget_ms`` each, one per event-loop
        turn: a 1M-word text has 45,000 blocks, and colouring them in one go froze the window for most of a
        second. Blocks not reached yet are left for their slice (``frontier``)."""
        self.frontier, self._slice, self._budget_ms = 0, 100, budget_ms
        self._slice_timer.start()

    def _colour_slice(self) -> None:
        if self.frontier is None:
            return
        first = self.frontier
        count = self.document().blockCount()
        self.frontier = min(first + self._slice, count)
        started = time.perf_counter()
        self.colour_blocks(first, self.frontier - first)
        elapsed = (time.perf_counter() - started) * 1000
        self._slice = max(20, min(5000, int(self._slice * self._budget_ms / max(elapsed, 0.5))))
        if self.frontier >= count:
            self.frontier = None
        else:
            self._slice_timer.start()

    def configure(self, *, markdown: bool, structure: dict[int, tuple[str, int]]) -> None:
        """What the next text is: Markdown to colour, or (DOCX) whole lines styled by block kind, as
        ``structure`` maps them. Call it before setting the text; it colours nothing by itself."""
        self.enabled, self.structure = markdown, structure

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt's name
        if self.structure:
            self._style_line(text)
        elif self.enabled:
            self._colour_markdown(text)
        if "\t" in text:
            self._gap_tabs(text)

    TAB_GAP_PX = 12

    def _gap_tabs(self, text: str) -> None:
        """Space after the word before a tab: tab stops are 80 px apart, so a word ending a pixel short of one
        ran into the next ("PURPOSE1-1" in a Word table of contents); columns still line up."""
        for i in range(1, len(text)):
            if text[i] == "\t" and not text[i - 1].isspace():
                fmt = self.format(i - 1)
                fmt.setFontLetterSpacingType(QFont.SpacingType.AbsoluteSpacing)
                fmt.setFontLetterSpacing(self.TAB_GAP_PX)
                self.setFormat(i - 1, 1, fmt)

    def _style_line(self, text: str) -> None:
        """A DOCX line, styled by the kind of block it is."""
        kind, level = self.structure.get(self.currentBlock().blockNumber(), ("", 0))
        if kind == "heading":
            heading = QTextCharFormat(self._heading)
            heading.setFontPointSize(self.document().defaultFont().pointSizeF() * (1.35 if level <= 1 else 1.15))
            self.setFormat(0, len(text), heading)
        elif kind == "table_cell":
            self.setFormat(0, len(text), self._cell)

    def _colour_markdown(self, text: str) -> None:
        block, previous = self.currentBlock().blockNumber(), self.previousBlockState()
        if (block == 0 and text == "---") or previous == 2:  # YAML front matter
            closing = block > 0 and text in ("---", "...")
            self.setFormat(0, len(text), self._front_matter)
            self.setCurrentBlockState(0 if closing else 2)
            return
        in_fence = previous == 1
        if text.lstrip().startswith(("```", "~~~")):
            self.setFormat(0, len(text), self._fence)
            self.setCurrentBlockState(0 if in_fence else 1)
            return
        if in_fence:
            self.setFormat(0, len(text), self._fence)
            self.setCurrentBlockState(1)
            return
        self.setCurrentBlockState(0)
        for needles, regex, fmt in self._rules:
            if not any(n in text for n in needles):
                continue
            it = regex.globalMatch(text)
            while it.hasNext():
                m = it.next()
                self.setFormat(m.capturedStart(), m.capturedLength(), fmt)
