"""The Rounds dock: each review round's counts, the selected round's findings with their class and reason,
and a comparison of two rounds (which findings changed class, and how). It also gives the Findings cards their
round badges. It reads the ReviewSession's rounds and follows ``rounds_changed``; it changes nothing.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from doccritic.core.round_records import SHOWN, Round, RoundClass

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

    from doccritic.ui.findings_panel import FindingsPanel
    from doccritic.ui.review_session import ReviewSession

#: The counts table's rows: each class a PM can meet in a round, with a short name and what it means.
COUNTS = ((RoundClass.FIXED, "Fixed", "Fixed since the round before"),
          (RoundClass.STILL_OPEN, "Still open", "Still open"),
          (RoundClass.OUTDATED, "Outdated", "Outdated: its passage was rewritten and no critic judged it again"),
          (RoundClass.NEW, "New", "First raised in this round"),
          (RoundClass.REGRESSED, "Regressed", "Regressed: fixed earlier, raised again"),
          (RoundClass.RERAISED, "New reason", "Dismissed, raised again with a new reason: shown again"),
          (RoundClass.SUPPRESSED, "Suppressed", "Dismissed, raised again with no new reason: suppressed, not shown"))
SHORT = {cls: short for cls, short, _tip in COUNTS} | {RoundClass.DISMISSED: "Dismissed"}
_NONE = "—"
ALL_STATUSES = "All statuses"  # the Findings sidebar's status filter that hides nothing
_SCHEME = "finding"


class RoundsPanel(QWidget):
    """The counts per round (a column each, classes down the side, so a narrow dock holds many rounds), the
    selected round's findings with their class and reason, and "compare round A with round B"."""

    finding_activated = Signal(str)  # a finding id: show its card

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rounds: list[Round] = []
        self.entry_ids: list[str] = []  # the selected round's findings, in the order listed
        self.changed: list[tuple[str, RoundClass | None, RoundClass | None]] = []  # the comparison, as listed
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.empty = QLabel("No review rounds yet. The first full run of the critics is round 1; after you edit, "
                            "Re-review (Ctrl+Shift+E) runs the next and says what your changes fixed.",
                            wordWrap=True)
        layout.addWidget(self.empty)
        self.table = self._build_table()
        layout.addWidget(self.table)
        self.heading = QLabel(wordWrap=True)
        layout.addWidget(self.heading)
        self.entries = self._browser()
        layout.addWidget(self.entries, 3)
        row = QHBoxLayout()
        row.addWidget(QLabel("Compare round"))
        self.first, self.second = QComboBox(), QComboBox()
        row.addWidget(self.first)
        row.addWidget(QLabel("with"))
        row.addWidget(self.second)
        row.addStretch(1)
        layout.addLayout(row)
        self.compare_note = QLabel(wordWrap=True)
        layout.addWidget(self.compare_note)
        self.changes = self._browser()
        layout.addWidget(self.changes, 2)
        self.first.currentIndexChanged.connect(self._compare)
        self.second.currentIndexChanged.connect(self._compare)
        self.table.currentCellChanged.connect(lambda _row, col, *_: self._show_entries(col))
        self.set_rounds([])

    def _build_table(self) -> QTableWidget:
        table = QTableWidget(len(COUNTS), 0)
        table.setVerticalHeaderLabels([short for _cls, short, _tip in COUNTS])
        for row, (_cls, _short, tip) in enumerate(COUNTS):
            if (head := table.verticalHeaderItem(row)) is not None:
                head.setToolTip(tip)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectColumns)
        table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)  # 7 rows in a short window
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setToolTip("Click a round to list what became of each finding in it")
        table.horizontalScrollBar().rangeChanged.connect(lambda *_: self._fit_table())  # many rounds: a bar
        return table

    def _fit_table(self) -> None:
        """As tall as its rows (and a scroll bar when many rounds need one): nothing to scroll vertically."""
        t = self.table
        rows = sum(t.rowHeight(r) for r in range(t.rowCount()))
        bar = t.horizontalScrollBar().sizeHint().height() if t.horizontalScrollBar().maximum() > 0 else 0
        t.setFixedHeight(rows + t.horizontalHeader().sizeHint().height() + 2 * t.frameWidth() + bar)

    def _browser(self) -> QTextBrowser:
        view = QTextBrowser()
        view.setOpenLinks(False)
        view.anchorClicked.connect(self._activated)
        return view

    def _activated(self, url: QUrl) -> None:
        if url.scheme() == _SCHEME and url.path():
            self.finding_activated.emit(url.path())

    # content ---------------------------------------------------------------------------------
    def set_rounds(self, rounds: list[Round]) -> None:
        self.rounds = list(rounds)
        has = bool(self.rounds)
        for w in (self.table, self.heading, self.entries, self.first, self.second, self.changes, self.compare_note):
            w.setVisible(has)
        self.empty.setVisible(not has)
        self.table.setColumnCount(len(self.rounds))
        self.table.setHorizontalHeaderLabels([f"Round {r.number}" for r in self.rounds])
        for col, rnd in enumerate(self.rounds):
            if (head := self.table.horizontalHeaderItem(col)) is not None:
                head.setToolTip(f"Round {rnd.number}, {rnd.at.strftime('%d %b %Y %H:%M')}: {rnd.summary()}")
            counts = rnd.counts()
            for row, (cls, _short, _tip) in enumerate(COUNTS):
                text = str(counts[cls.value]) if rnd.number > 1 or cls is RoundClass.NEW else _NONE
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, col, item)
        for combo in (self.first, self.second):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems([f"Round {r.number}" for r in self.rounds])
            combo.blockSignals(False)
        if has:
            last = len(self.rounds) - 1
            self.first.setCurrentIndex(max(0, last - 1))
            self.second.setCurrentIndex(last)
            self.table.setCurrentCell(0, last)
            if (cell := self.table.item(0, last)) is not None:
                self.table.scrollToItem(cell)
            self._show_entries(last)
        self._fit_table()
        self._compare()

    def _show_entries(self, col: int) -> None:
        self.entries.clear()
        self.entry_ids = []
        if not 0 <= col < len(self.rounds):
            return
        rnd = self.rounds[col]
        what = "the first review" if rnd.number == 1 else f"what became of each finding since round {rnd.number - 1}"
        self.heading.setText(f"<b>Round {rnd.number}</b> ({rnd.at.strftime('%d %b %H:%M')}): {what}")
        parts = []
        for cls in (*SHOWN, RoundClass.SUPPRESSED):
            for e in (e for e in rnd.entries if e.status is cls):
                self.entry_ids.append(e.finding_id)
                parts.append(f'<p style="margin:0 0 6px 0"><b>{SHORT[cls]}</b> · <a href="{_SCHEME}:'
                             f'{escape(e.finding_id)}">{escape(e.title)}</a><br>{escape(e.reason)}</p>')
        self.entries.setHtml("".join(parts) or "<p>No findings in this round.</p>")

    def _compare(self) -> None:
        """The findings whose class differs between the two rounds chosen."""
        self.changes.clear()
        self.changed = []
        a, b = self.first.currentIndex(), self.second.currentIndex()
        if not (0 <= a < len(self.rounds) and 0 <= b < len(self.rounds)):
            self.compare_note.setText("")
            return
        if a == b:
            self.compare_note.setText("Pick two rounds.")
            return
        from doccritic.core.rounds import compare  # here: no rounds, nothing to compare (the window's first paint)

        ra, rb = self.rounds[a], self.rounds[b]
        self.changed = compare(ra, rb)
        n = len(self.changed)
        self.compare_note.setText(f"{n} finding{'' if n == 1 else 's'} changed class between round {ra.number} "
                                  f"and round {rb.number}:" if n else
                                  f"No finding changed class between round {ra.number} and round {rb.number}.")
        ids = {e.title: e.finding_id for r in (ra, rb) for e in r.entries}
        lines = [f'<p style="margin:0 0 4px 0"><a href="{_SCHEME}:{escape(ids.get(title, ""))}">{escape(title)}'
                 f"</a>: {SHORT[was] if was else 'not yet raised'} → {SHORT[now] if now else _NONE}</p>"
                 for title, was, now in self.changed]
        self.changes.setHtml("".join(lines))


class RoundsHost(Protocol):
    """What the controller needs of the window (the composition root) besides a place for its dock."""

    session: ReviewSession  # rounds, rounds_changed
    panel: FindingsPanel  # delegate, list, select
    findings_dock: QDockWidget


class RoundsController(QObject):
    """The Rounds dock (tabbed with Findings) and the cards' round badges, for the open document."""

    def __init__(self, host: RoundsHost, window: QMainWindow) -> None:
        """``host`` is what the controller uses; ``window`` (the same object) is where its dock goes."""
        super().__init__(window)
        self.window, self._main = host, window
        self.panel = RoundsPanel()
        self.dock = QDockWidget("Rounds", window)
        self.dock.setObjectName("rounds")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        window.tabifyDockWidget(host.findings_dock, self.dock)
        host.findings_dock.raise_()
        host.session.rounds_changed.connect(self.refresh)
        self.panel.finding_activated.connect(self._show_card)

    def refresh(self) -> None:
        rounds = self.window.session.rounds
        self.panel.set_rounds(rounds)
        delegate = self.window.panel.delegate
        delegate.rounds = {e.finding_id: e for e in rounds[-1].entries} if rounds else {}
        delegate.round_number = rounds[-1].number if rounds else 0
        self.window.panel.list.doItemsLayout()  # badges and reason lines change the cards' heights

    def _show_card(self, finding_id: str) -> None:
        """Open the card. A round lists fixed and suppressed findings, which the usual "open" filter hides:
        the status filter widens to every status rather than the click doing nothing."""
        panel = self.window.panel
        if not panel.select(finding_id, notify=True) and panel.status.currentText() != ALL_STATUSES:
            panel.status.setCurrentText(ALL_STATUSES)
            panel.select(finding_id, notify=True)
        if panel.current_id() == finding_id:
            self.window.findings_dock.raise_()
        elif (bar := self._main.statusBar()) is not None:
            bar.showMessage("That finding is hidden by the sidebar's filters.", 4000)
