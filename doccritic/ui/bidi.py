"""Right-to-left paragraphs aligned to the right in a QPlainTextEdit.

QPlainTextEdit lays every block out with the document's one text option: an Arabic or Hebrew paragraph gets
right-to-left order (the first strong character decides) but stays left-aligned, and the block formats that
would align it are ignored. Qt lays blocks out lazily and only when a block has no lines, so a block laid out
again here, at the same width (alignment never changes where lines break, so heights and the scroll range
stay right), keeps its alignment until its text changes. :func:`align_visible` is called before each paint.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QTextBlock, QTextOption
from PySide6.QtWidgets import QPlainTextEdit


def align_visible(editor: QPlainTextEdit) -> int:
    """Right-align the right-to-left blocks on screen that Qt laid out left-aligned; returns how many."""
    block, bottom, done = editor.firstVisibleBlock(), editor.viewport().height(), 0
    offset = editor.contentOffset()
    while block.isValid():
        top = editor.blockBoundingGeometry(block).translated(offset).top()  # lays the block out if needed
        if top > bottom:
            break
        if block.isVisible() and _needs_right(block):
            _relayout(block, Qt.AlignmentFlag.AlignRight)
            done += 1
        block = block.next()
    return done


def _needs_right(block: QTextBlock) -> bool:
    layout = block.layout()
    return (layout.lineCount() > 0 and block.textDirection() == Qt.LayoutDirection.RightToLeft
            and not layout.textOption().alignment() & Qt.AlignmentFlag.AlignRight)


def _relayout(block: QTextBlock, alignment: Qt.AlignmentFlag) -> None:
    """Lay ``block`` out again as QPlainTextDocumentLayout does (same width, margin and line positions)."""
    layout = block.layout()
    first = layout.lineAt(0)
    width, left = first.width(), first.position().x()
    option = QTextOption(layout.textOption())
    option.setAlignment(alignment)
    layout.setTextOption(option)
    layout.beginLayout()
    height = 0.0
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLeadingIncluded(True)
        line.setLineWidth(width)
        line.setPosition(QPointF(left, height))
        height += line.height()
        if line.leading() < 0:
            height += math.ceil(line.leading())
    layout.endLayout()
