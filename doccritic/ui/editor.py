"""The document editor: plain-text editing, Markdown highlighting and finding highlights.

Finding spans are kept in Qt (UTF-16) positions and moved on every edit from ``contentsChange``, so
highlights follow the text as the user types without re-parsing anything. A span whose text no longer
equals its quote is reported through ``spans_touched`` so the window can mark the finding outdated.
"""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QSyntaxHighlighter, QTextCharFormat, QTextCursor
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
        self.set_dark(False)

    def set_dark(self, dark: bool) -> None:
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

    def set_structure(self, structure: dict[int, tuple[str, int]]) -> None:
        """Style whole lines by block kind (used for DOCX, whose text has no Markdown markup)."""
        self.structure = structure
        self.rehighlight()

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

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.document().setDocumentMargin(18)
        self.highlighter = MarkdownHighlighter(self.document())
        self._findings: dict[str, Finding] = {}
        self._spans: dict[str, list[int]] = {}  # id -> [qt_start, qt_end]
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
        self._repaint_highlights()

    def update_finding(self, finding: Finding) -> None:
        if finding.id in self._findings:
            self._findings[finding.id] = finding
            self._repaint_highlights()

    def span_of(self, finding_id: str) -> tuple[int, int] | None:
        span = self._spans.get(finding_id)
        return (span[0], span[1]) if span else None

    def set_active(self, finding_id: str | None) -> None:
        self._active = finding_id
        self._repaint_highlights()

    def reveal(self, finding_id: str, flash: bool = True) -> bool:
        """Scroll to a finding's span, put the cursor there and flash it."""
        span = self._spans.get(finding_id)
        if span is None:
            return False
        cursor = self.textCursor()
        cursor.setPosition(span[0])
        self.setTextCursor(cursor)
        self.centerCursor()
        self._active = finding_id
        if flash:
            self._flash = finding_id
            self._flash_timer.start()
        self._repaint_highlights()
        return True

    def ids_at(self, position: int) -> list[str]:
        """Findings covering a Qt position, innermost (shortest) first."""
        hits = [(e - s, fid) for fid, (s, e) in self._spans.items() if s <= position < e]
        return [fid for _, fid in sorted(hits)]

    def _end_flash(self) -> None:
        self._flash = None
        self._repaint_highlights()

    def _repaint_highlights(self) -> None:
        dark = is_dark(self.palette())
        selections = []
        order = sorted(self._spans.items(), key=lambda item: -(item[1][1] - item[1][0]))  # wide first
        for fid, (start, end) in order:
            finding = self._findings.get(fid)
            if finding is None or end <= start:
                continue
            sel = QTextEdit.ExtraSelection()
            sel.cursor = QTextCursor(self.document())
            sel.cursor.setPosition(start)
            sel.cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            sel.format = highlight_format(finding, dark, active=fid in (self._active, self._flash))
            if fid == self._flash:
                sel.format.setForeground(QColor("#ffffff") if not dark else QColor("#000000"))
            selections.append(sel)
        self.setExtraSelections(selections)

    # live anchors ----------------------------------------------------------------------------
    def _on_contents_change(self, position: int, removed: int, added: int) -> None:
        if not self._spans:
            return
        delta = added - removed
        edit_end = position + removed
        touched = []
        for fid, span in self._spans.items():
            start, end = span
            if edit_end <= start:
                span[0], span[1] = start + delta, end + delta
            elif position >= end:
                continue
            else:  # the edit overlaps the span: keep what survives, let the window judge it
                span[0] = min(start, position) if position < start else start
                span[1] = max(span[0], end + delta)
                touched.append(fid)
        if touched:
            self.spans_touched.emit(touched)
        self._repaint_highlights()

    def span_text(self, finding_id: str) -> str | None:
        span = self._spans.get(finding_id)
        if span is None:
            return None
        cursor = QTextCursor(self.document())
        cursor.setPosition(span[0])
        cursor.setPosition(span[1], QTextCursor.MoveMode.KeepAnchor)
        return cursor.selectedText().replace("\u2029", "\n")

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

