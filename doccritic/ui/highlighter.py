"""Markdown colouring for the editor: headings, emphasis, lists, code, links, front matter; DOCX lines by kind.

Long texts are coloured after they show, in slices (``colour_in_slices``); a tab gets a gap before it.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QRegularExpression, QTimer
from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat

#: (muted, accent) text colours of the Markdown colouring, by dark theme; both read at 4.5:1 on the editor.
MARKDOWN_COLOURS = {False: ("#5f6672", "#1f5fbf"), True: ("#9aa4b2", "#7fb4ff")}
_EMPHASIS = r"(?<![*\w])\*[^*\s][^*\n]*\*(?!\*)|(?<!\w)_[^_\s][^_\n]*_(?!\w)"


class MarkdownHighlighter(QSyntaxHighlighter):
    """Light Markdown colouring: headings, emphasis, lists, code and links. Cheap, per block."""

    def __init__(self, document) -> None:
        super().__init__(document)
        self.enabled = True
        self.frontier: int | None = None  # blocks from this number on are not coloured yet (None: all are)
        self._slice, self._budget_ms = 100, 12.0  # blocks per slice, adapted to take about the budget
        self._slice_timer = QTimer(self, singleShot=True, interval=0, timeout=self._colour_slice)
        self.structure: dict[int, tuple[str, int]] = {}  # DOCX: line -> (block kind, level)
        self._rules: list[tuple[QRegularExpression, QTextCharFormat]] = []
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
            (QRegularExpression(r"^#{1,6}\s.*$"), fmt(accent, bold=True)),
            (QRegularExpression(r"\*\*[^*\n]+\*\*|__[^_\n]+__"), fmt("", bold=True)),
            (QRegularExpression(_EMPHASIS), fmt("", italic=True)),
            (QRegularExpression(r"`[^`\n]+`"), fmt(muted, mono=True)),
            (QRegularExpression(r"\[[^\]\n]+\]\([^)\n]+\)"), fmt(accent)),
            (QRegularExpression(r"^\s*(?:[-*+]|\d+[.)])\s"), fmt(muted, bold=True)),
            (QRegularExpression(r"^\s*>.*$"), fmt(muted, italic=True)),
            (QRegularExpression(r"^\s*\|.*\|\s*$"), fmt(muted)),
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
        document = self.document()
        block = document.findBlockByNumber(self.frontier)
        self.frontier = min(self.frontier + self._slice, document.blockCount())
        started = time.perf_counter()
        if block.isValid():
            self.rehighlightBlock(block)  # Qt goes on block by block until the frontier
        elapsed = (time.perf_counter() - started) * 1000
        self._slice = max(20, min(5000, int(self._slice * self._budget_ms / max(elapsed, 0.5))))
        if self.frontier >= document.blockCount():
            self.frontier = None
        else:
            self._slice_timer.start()

    def configure(self, *, markdown: bool, structure: dict[int, tuple[str, int]]) -> None:
        """What the next text is: Markdown to colour, or (DOCX) whole lines styled by block kind, as
        ``structure`` maps them. Call it before setting the text; it colours nothing by itself."""
        self.enabled, self.structure = markdown, structure

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt override
        if self.frontier is not None and self.currentBlock().blockNumber() >= self.frontier:
            return  # coloured by a later slice; its state stays -1, so Qt's pass stops here (see colour_in_slices)
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
        block = self.currentBlock().blockNumber()
        if (block == 0 and text == "---") or self.previousBlockState() == 2:  # YAML front matter
            closing = block > 0 and text in ("---", "...")
            self.setFormat(0, len(text), self._front_matter)
            self.setCurrentBlockState(0 if closing else 2)
            return
        in_fence = self.previousBlockState() == 1
        if text.lstrip().startswith(("```", "~~~")):
            self.setFormat(0, len(text), self._fence)
            self.setCurrentBlockState(0 if in_fence else 1)
            return
        if in_fence:
            self.setFormat(0, len(text), self._fence)
            self.setCurrentBlockState(1)
            return
        self.setCurrentBlockState(0)
        for regex, fmt in self._rules:
            it = regex.globalMatch(text)
            while it.hasNext():
                m = it.next()
                self.setFormat(m.capturedStart(), m.capturedLength(), fmt)
