"""The decision register appendix in the PDF report: the readiness line and one table per register.

What it says comes from :func:`doccritic.formats.register_appendix.register_appendix`, as for every
other export; this module only lays it out on the report's ``QTextDocument`` (``ui.pdf_export._Report``).
"""

from __future__ import annotations

from typing import Any

from PySide6 import QtGui
from PySide6.QtGui import QTextCharFormat, QTextCursor, QTextLength

from doccritic.formats.register_appendix import WIDTHS, Appendix

_CELL_PT = 7.5


def add_register(r: Any, appendix: Appendix | None, heading_pt: dict[int, float], line: QtGui.QColor,
                 header: QtGui.QColor) -> None:
    """The appendix on a page of its own after everything else in report ``r``; nothing when None."""
    if appendix is None:
        return
    r.para(appendix.title, r.fmt(heading_pt[1], bold=True), page_break=True, after=4)
    if appendix.readiness:
        r.para(appendix.readiness, r.fmt(10, bold=True), after=6)
    unit = 96 / 72
    for table in appendix.tables:
        r.para(table.title, r.fmt(heading_pt[2], bold=True), before=8, after=3, keep=True)
        r.para(after=0)
        fmt = QtGui.QTextTableFormat()
        fmt.setBorder(0.75 * unit)
        fmt.setBorderBrush(line)
        fmt.setBorderCollapse(True)
        fmt.setBorderStyle(QtGui.QTextFrameFormat.BorderStyle.BorderStyle_Solid)
        fmt.setCellPadding(2.5 * unit)
        fmt.setCellSpacing(0)
        fmt.setHeaderRowCount(1)  # repeated at the top of each page the table runs onto
        fmt.setBottomMargin(8 * unit)
        fmt.setWidth(QTextLength(QTextLength.Type.PercentageLength, 100))
        widths = WIDTHS[table.columns]
        fmt.setColumnWidthConstraints([QTextLength(QTextLength.Type.PercentageLength, w) for w in widths])
        grid = r.cur.insertTable(len(table.rows) + 1, len(table.columns), fmt)
        shade = QTextCharFormat()
        shade.setBackground(header)
        for row, cells in enumerate([table.columns, *table.rows]):
            for col, text in enumerate(cells):
                cell = grid.cellAt(row, col)
                if row == 0:
                    cell.setFormat(shade)
                cell.firstCursorPosition().insertText(text, r.fmt(_CELL_PT, bold=row == 0))
        r.cur = QTextCursor(r.doc)
        r.cur.movePosition(QTextCursor.MoveOperation.End)
        r.fresh = True  # the empty block after the table takes the next paragraph
