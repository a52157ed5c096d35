"""YAML front matter folded to its first line when a Markdown document opens.

A PRD's metadata block (title, owners, reviewers, dates) was the first screenful a PM saw. Its lines are
hidden blocks: the text is untouched (saving, positions and exports never see the fold), the opening
``---`` stays visible with a note after it, and a click on that line, or the caret or a highlight reaching
a hidden line (Find, F8, an outline jump), shows them again.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QPointF
from PySide6.QtGui import QPainter, QPalette, QTextBlock
from PySide6.QtWidgets import QPlainTextEdit

MAX_LINES = 200  # a "---" with no closing line near it is a horizontal rule, not front matter


class FrontMatterFold(QObject):
    """Folds and unfolds the front matter of ``editor``'s document."""

    def __init__(self, editor: QPlainTextEdit) -> None:
        super().__init__(editor)
        self.editor = editor
        self.hidden = 0  # lines folded away; 0 when nothing is folded
        editor.cursorPositionChanged.connect(self._caret_moved)
        editor.document().contentsChange.connect(self._edited)

    def fold(self) -> bool:
        """Fold the front matter the text starts with, if any; returns whether it did."""
        self.hidden = 0
        first = self.editor.document().firstBlock()
        if first.text() != "---":
            return False
        block, lines = first.next(), 1
        while block.isValid() and lines <= MAX_LINES and block.text() not in ("---", "..."):
            block, lines = block.next(), lines + 1
        if not block.isValid() or lines > MAX_LINES:
            return False
        self._show(first, block, visible=False)
        self.hidden = lines
        return True

    def unfold(self) -> None:
        if not self.hidden:
            return
        first = self.editor.document().firstBlock()
        self._show(first, self.editor.document().findBlockByNumber(self.hidden), visible=True)
        self.hidden = 0

    def label(self) -> str:
        return f"front matter · {self.hidden} lines folded · click to show" if self.hidden else ""

    def on_first_line(self, position: int) -> bool:
        """Whether a click at Qt ``position`` is on the folded line (which unfolds it)."""
        return bool(self.hidden) and self.editor.document().findBlock(position).blockNumber() == 0

    def paint(self, painter: QPainter) -> None:
        """The note after the visible ``---``, in the placeholder colour."""
        if not self.hidden:
            return
        editor = self.editor
        first = editor.document().firstBlock()
        rect = editor.blockBoundingGeometry(first).translated(editor.contentOffset())
        line = first.layout().lineAt(0)
        if not line.isValid():
            return
        x = rect.left() + line.naturalTextRect().right() + 12
        painter.setPen(editor.palette().color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(QPointF(x, rect.top() + line.y() + line.ascent()), self.label())

    def _show(self, first: QTextBlock, last: QTextBlock, *, visible: bool) -> None:
        block = first.next()
        while block.isValid():
            block.setVisible(visible)
            if block == last:
                break
            block = block.next()
        document = self.editor.document()
        document.markContentsDirty(first.position(), last.position() + last.length() - first.position())
        self.editor.viewport().update()

    def _edited(self, *_: int) -> None:
        if self.hidden and self.editor.document().firstBlock().text() != "---":  # the fold's own line edited
            self.unfold()

    def _caret_moved(self) -> None:
        if self.hidden and not self.editor.textCursor().block().isVisible():
            self.unfold()
            self.editor.ensureCursorVisible()

