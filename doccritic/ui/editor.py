"""The document editor: plain-text editing, Markdown highlighting and finding highlights.

Finding spans are kept in Qt (UTF-16) positions and moved on every edit from ``contentsChange``, so
highlights follow the text as the user types without re-parsing anything. A span whose text no longer
equals its quote is reported through ``spans_touched`` so the window can mark the finding outdated.
"""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFont,
    QMouseEvent,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit

from doccritic.core.findings import Finding
from doccritic.ui.style import highlight_format, is_dark
from doccritic.ui.textpos import Utf16Map

_EMPHASIS = r"(?<![*\w])\*[^*\s][^*\n]*\*(?!\*)|(?<!\w)_[^_\s][^_\n]*_(?!\w)"


class MarkdownHighlighter(QSyntaxHighlighter):
    """Light Markdown colouring: headings, emphasis, lists, code and links. Cheap, per block."""

    def __init__(self, document) -> None:
        super().__init__(document)
        self.enabled = True
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

        muted, accent = ("#9aa4b2", "#7fb4ff") if dark else ("#7a8290", "#1f5fbf")
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

    def configure(self, *, markdown: bool, structure: dict[int, tuple[str, int]]) -> None:
        """What the next text is: Markdown to colour, or (DOCX) whole lines styled by block kind, as
        ``structure`` maps them. Call it before setting the text; it colours nothing by itself."""
        self.enabled, self.structure = markdown, structure

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt override
        if self.structure:
            kind, level = self.structure.get(self.currentBlock().blockNumber(), ("", 0))
            if kind == "heading":
                heading = QTextCharFormat(self._heading)
                heading.setFontPointSize(self.document().defaultFont().pointSizeF() * (1.35 if level <= 1 else 1.15))
                self.setFormat(0, len(text), heading)
            elif kind == "table_cell":
                self.setFormat(0, len(text), self._cell)
            return
        if not self.enabled:
            return
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


class DocumentEditor(QPlainTextEdit):
    """Shows the canonical text; tracks and paints finding spans; reports clicks on them."""

    finding_clicked = Signal(str)
    spans_touched = Signal(list)  # finding ids whose highlighted text was edited
    debate_requested = Signal(str)  # the selected text: "Debate this"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.document().setDocumentMargin(18)
        self.highlighter = MarkdownHighlighter(self.document())
        self._findings: dict[str, Finding] = {}
        self._spans: dict[str, list[int]] = {}  # id -> [qt_start, qt_end], mirrors the cursors below
        self._cursors: dict[str, QTextCursor] = {}  # id -> a selection the document moves on every edit
        self._selections: dict[str, QTextEdit.ExtraSelection] = {}
        self._order: list[str] = []  # paint order: wide spans first, so narrow ones stay visible on top
        self._formats: dict[tuple, QTextCharFormat] = {}
        self._active: str | None = None
        self._flash: str | None = None
        self._last_click: tuple[int, list[str]] | None = None
        self._flash_timer = QTimer(self, singleShot=True, interval=700, timeout=self._end_flash)
        self.document().contentsChange.connect(self._on_contents_change)
        self.document().setModified(False)  # setDocumentMargin() marks the empty document modified

    # findings --------------------------------------------------------------------------------
    def set_findings(self, findings: list[Finding], text_map: Utf16Map | None = None) -> None:
        """Show ``findings`` (code-point offsets into the current text)."""
        text_map = text_map or Utf16Map(self.toPlainText())
        self._findings = {f.id: f for f in findings if f.placed}
        self._spans = {fid: list(text_map.span_to_qt(f.start, f.end)) for fid, f in self._findings.items()}
        self._cursors = {fid: self._tracking_cursor(start, end) for fid, (start, end) in self._spans.items()}
        self._order = sorted(self._spans, key=lambda fid: self._spans[fid][0] - self._spans[fid][1])
        self._formats.clear()  # the palette (light/dark) may have changed since the last full paint
        self._selections = {fid: self._selection(fid) for fid in self._order}
        self._push_selections()

    def upsert_findings(self, findings: list[Finding], text_map: Utf16Map | None = None, *,
                        respan: bool = False) -> None:
        """Add findings, or restyle ones already shown (their live span is kept, unless ``respan``: then the
        finding's own offsets place it again, as when an undo brings back the text it was on): critic findings
        arrive one at a time while thousands of highlights may be on screen, so nothing else is rebuilt."""
        text_map = text_map or Utf16Map(self.toPlainText())
        dark = is_dark(self.palette())
        for finding in findings:
            fid = finding.id
            if respan and fid in self._spans and finding.placed:
                start, end = text_map.span_to_qt(finding.start, finding.end)
                self._spans[fid] = [start, end]
                self._cursors[fid] = self._tracking_cursor(start, end)
            if fid not in self._spans:
                if not finding.placed:
                    continue
                start, end = text_map.span_to_qt(finding.start, finding.end)
                self._spans[fid] = [start, end]
                self._cursors[fid] = self._tracking_cursor(start, end)
                self._order.append(fid)  # painted last: on top of the wider check highlights
            self._findings[fid] = finding
            self._selections[fid] = self._selection(fid, dark)
        self._push_selections()

    def update_finding(self, finding: Finding) -> None:
        if finding.id in self._findings:
            self._findings[finding.id] = finding
            self._restyle([finding.id])

    def span_of(self, finding_id: str) -> tuple[int, int] | None:
        span = self._spans.get(finding_id)
        return (span[0], span[1]) if span else None

    def set_active(self, finding_id: str | None) -> None:
        previous, self._active = self._active, finding_id
        self._restyle([previous, finding_id])

    def reveal(self, finding_id: str, flash: bool = True) -> bool:
        """Scroll to a finding's span, put the cursor there and flash it."""
        span = self._spans.get(finding_id)
        if span is None:
            return False
        cursor = self.textCursor()
        cursor.setPosition(span[0])
        self.setTextCursor(cursor)
        self.centerCursor()
        changed = [self._active, self._flash, finding_id]
        self._active = finding_id
        if flash:
            self._flash = finding_id
            self._flash_timer.start()
        self._restyle(changed)
        return True

    def ids_at(self, position: int) -> list[str]:
        """Findings covering a Qt position, innermost (shortest) first."""
        hits = [(e - s, fid) for fid, (s, e) in self._spans.items() if s <= position < e]
        return [fid for _, fid in sorted(hits)]

    def _end_flash(self) -> None:
        previous, self._flash = self._flash, None
        self._restyle([previous])

    # painting --------------------------------------------------------------------------------
    # Building 1,000 selections costs ~30 ms in Python, so they are built once per set_findings and then
    # only restyled one by one: the document itself moves their cursors as the user types.
    def _tracking_cursor(self, start: int, end: int) -> QTextCursor:
        cursor = QTextCursor(self.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        # Text typed right after a span stays outside it; Qt applies the flag to the position (the span's
        # end) only, so text typed right before the span still pushes it along. Same rule as anchoring.
        cursor.setKeepPositionOnInsert(True)
        return cursor

    def _format(self, fid: str, dark: bool) -> QTextCharFormat:
        finding = self._findings[fid]
        active, flash = fid in (self._active, self._flash), fid == self._flash
        key = (finding.kind, finding.severity, finding.source, finding.status, active, flash, dark)
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = highlight_format(finding, dark, active=active)
            if flash:
                fmt.setForeground(QColor("#000000") if dark else QColor("#ffffff"))
            self._formats[key] = fmt
        return fmt

    def _selection(self, fid: str, dark: bool | None = None) -> QTextEdit.ExtraSelection:
        sel = QTextEdit.ExtraSelection()
        sel.cursor = self._cursors[fid]
        sel.format = self._format(fid, is_dark(self.palette()) if dark is None else dark)
        return sel

    def _restyle(self, ids: list[str | None]) -> None:
        dark = is_dark(self.palette())
        changed = False
        for fid in dict.fromkeys(ids):
            if fid is not None and fid in self._selections:
                self._selections[fid] = self._selection(fid, dark)
                changed = True
        if changed:
            self._push_selections()

    def _push_selections(self) -> None:
        self.setExtraSelections([self._selections[fid] for fid in self._order])

    def restyle_all(self) -> None:
        """Restyle every highlight (after a theme change); positions are left where the edits put them."""
        self._formats.clear()
        dark = is_dark(self.palette())
        self._selections = {fid: self._selection(fid, dark) for fid in self._order}
        self._push_selections()

    # live anchors ----------------------------------------------------------------------------
    def _on_contents_change(self, position: int, removed: int, added: int) -> None:
        """Keep ``_spans`` equal to the tracked cursors, reading back only those the edit reached."""
        if not self._spans:
            return
        delta, edit_end = added - removed, position + removed
        touched, repush = [], False
        for fid, span in self._spans.items():
            start, end = span
            if end < position:
                continue
            if start > edit_end:
                span[0], span[1] = start + delta, end + delta
                continue
            cursor = self._cursors[fid]
            if cursor.anchor() > cursor.position():  # typing into a collapsed span: keep it empty
                cursor.setPosition(cursor.anchor())
                self._selections[fid] = self._selection(fid)
                repush = True
            span[0], span[1] = cursor.selectionStart(), cursor.selectionEnd()
            if position < end and edit_end > start:  # the edit overlaps the span
                touched.append(fid)
        if repush:
            self._push_selections()
        if touched:
            self.spans_touched.emit(touched)
        # The widget paints its own copies of the cursors; they moved with the document, except where
        # the copy and ours were detached (repush above), so nothing else needs repainting.

    def span_text(self, finding_id: str) -> str | None:
        span = self._spans.get(finding_id)
        if span is None:
            return None
        cursor = QTextCursor(self.document())
        cursor.setPosition(span[0])
        cursor.setPosition(span[1], QTextCursor.MoveMode.KeepAnchor)
        return cursor.selectedText().replace("\u2029", "\n")

    def flash_span(self, start: int, end: int) -> None:
        """Select a Qt span and scroll to it (a cited passage clicked in a debate)."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.centerCursor()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 - Qt override
        menu = self.createStandardContextMenu(event.pos())
        selected = self.textCursor().selectedText().replace("\u2029", "\n").strip()
        if selected:
            menu.addSeparator()
            menu.addAction("Debate this…", lambda: self.debate_requested.emit(selected))
        menu.exec(event.globalPos())
        menu.deleteLater()

    # clicks ----------------------------------------------------------------------------------
    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton or self.textCursor().hasSelection():
            return
        position = self.cursorForPosition(event.position().toPoint()).position()
        ids = self.ids_at(position)
        if not ids:
            self._last_click = None
            return
        # Clicking the same overlapping spot again cycles to the next finding under it.
        if self._last_click and self._last_click[1] == ids and self._active in ids:
            fid = ids[(ids.index(self._active) + 1) % len(ids)]
        else:
            fid = ids[0]
        self._last_click = (position, ids)
        self.set_active(fid)
        self.finding_clicked.emit(fid)

