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
#: Widest share of the table one column's longest word may claim (a long URL breaks rather than squash all).
_MOST_PER_WORD = 25.0


def _fit_words(shares: tuple[int, ...], rows: list[tuple[str, ...]], r: Any,
               fmt: QtGui.QTextTableFormat) -> list[float]:
    """Column widths in percent: ``shares`` where each column's longest word fits, else the longest word's
    width, the other columns sharing the rest in their proportions. With fixed shares a wider font broke
    words mid-way ("Reversib/ility", "Whitfiel/d" with only DejaVu; "Reversibili/ty" with Noto Sans), and
    pdftotext and copying from the PDF then read them as two words."""
    css = r.writer.logicalDpiX() / 96  # Qt scales a table's borders and padding as CSS pixels
    # Qt takes two borders a column off the table's width, then shares the rest by percentage; a cell's text
    # has its column's width less its padding and borders
    border, pad = fmt.border() * css, fmt.cellPadding() * css
    room = r.width - 2 * border * len(shares)
    fonts = [QtGui.QFontMetricsF(r.fmt(_CELL_PT, bold=bold).font(), r.writer) for bold in (True, False)]
    need = [0.0] * len(shares)
    for row, cells in enumerate(rows):
        metrics = fonts[row > 0]
        for col, text in enumerate(cells):
            widest = max((metrics.horizontalAdvance(w) for w in text.split()), default=0.0)
            need[col] = max(need[col], min(_MOST_PER_WORD, 100 * (widest + 2 * (pad + border) + 1) / room))
    if sum(need) >= 100:
        return [100 * n / sum(need) for n in need]
    fixed: dict[int, float] = {}
    while True:  # the columns whose share is too narrow get their word's width; the others share the rest
        free = [i for i in range(len(shares)) if i not in fixed]
        rest, weight = 100 - sum(fixed.values()), sum(shares[i] for i in free)
        widths = {i: shares[i] * rest / weight for i in free}
        short = [i for i in free if widths[i] < need[i]]
        if not short:
            return [fixed.get(i, widths.get(i, 0.0)) for i in range(len(shares))]
        fixed.update((i, need[i]) for i in short)


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
        widths = _fit_words(WIDTHS[table.columns], [table.columns, *table.rows], r, fmt)
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
