"""The Rounds dock: each review round's counts, the selected round's findings with their class and reason,
and a comparison of two rounds (which findings changed class). It also gives the Findings cards their
round badges. It reads the ReviewSession's rounds and follows ``rounds_changed``; it changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from doccritic.core.round_records import SHOWN, Round, RoundClass

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

    from doccritic.ui.findings_panel import FindingsPanel
    from doccritic.ui.review_session import ReviewSession

COUNTS = (RoundClass.FIXED, RoundClass.STILL_OPEN, RoundClass.NEW, RoundClass.REGRESSED, RoundClass.RERAISED,
          RoundClass.SUPPRESSED)
_HEADS = ("#", "When", "Fixed", "Open", "New", "Regr.", "Back", "Supp.")
_TIPS = ("Round", "When it ran", "Fixed since the round before", "Still open", "First raised in this round",
         "Regressed: fixed earlier, raised again", "Dismissed, raised again with a new reason: shown again",
         "Dismissed, raised again with no new reason: suppressed, not shown")
_NONE = "—"


class RoundsPanel(QWidget):
    """The rounds table, the selected round's findings, and "compare round A with round B"."""

    finding_activated = Signal(str)  # a finding id: show its card

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rounds: list[Round] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.empty = QLabel("No review rounds yet. The first full run of the critics is round 1; after you edit, "
                            "Re-review (Ctrl+Shift+E) runs the next and says what your changes fixed.",
                            wordWrap=True)
        layout.addWidget(self.empty)
        self.table = self._build_table()
        layout.addWidget(self.table)
        self.entries = self._tree(("Class", "Finding, and why"))
        layout.addWidget(self.entries, 2)
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
        self.changes = self._tree(("Finding", "Was", "Now"))
        self.changes.header().setStretchLastSection(False)
        self.changes.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2):
            self.changes.header().setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.changes, 1)
        self.first.currentIndexChanged.connect(self._compare)
        self.second.currentIndexChanged.connect(self._compare)
        self.table.currentCellChanged.connect(lambda row, *_: self._show_entries(row))
        self.set_rounds([])

    def _build_table(self) -> QTableWidget:
        table = QTableWidget(0, len(_HEADS))
        table.setHorizontalHeaderLabels(list(_HEADS))
        for col, tip in enumerate(_TIPS):
            if (head := table.horizontalHeaderItem(col)) is not None:
                head.setToolTip(tip)
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for col in (0, 1):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setMaximumHeight(120)
        return table

    def _tree(self, heads: tuple[str, ...]) -> QTreeWidget:
        tree = QTreeWidget()
        tree.setHeaderLabels(list(heads))
        tree.setRootIsDecorated(False)
        tree.setWordWrap(True)
        tree.setUniformRowHeights(False)
        tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        tree.header().setStretchLastSection(True)
        tree.itemActivated.connect(lambda item, _col: self._activated(item))
        tree.itemClicked.connect(lambda item, _col: self._activated(item))
        return tree

    def _activated(self, item: QTreeWidgetItem) -> None:
        fid = item.data(0, Qt.ItemDataRole.UserRole)
        if fid:
            self.finding_activated.emit(fid)

    # content ---------------------------------------------------------------------------------
    def set_rounds(self, rounds: list[Round]) -> None:
        self.rounds = list(rounds)
        has = bool(self.rounds)
        for w in (self.table, self.entries, self.first, self.second, self.changes, self.compare_note):
            w.setVisible(has)
        self.empty.setVisible(not has)
        self.table.setRowCount(len(self.rounds))
        for i, rnd in enumerate(self.rounds):
            counts = rnd.counts()
            cells = [str(rnd.number), rnd.at.strftime("%d %b %H:%M")] + [
                str(counts[c.value]) if rnd.number > 1 or c is RoundClass.NEW else _NONE for c in COUNTS]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter if col > 1 else Qt.AlignmentFlag.AlignLeft)
                if col == 0:
                    item.setToolTip(rnd.summary())
                self.table.setItem(i, col, item)
        for combo in (self.first, self.second):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems([f"Round {r.number}" for r in self.rounds])
            combo.blockSignals(False)
        if has:
            self.first.setCurrentIndex(max(0, len(self.rounds) - 2))
            self.second.setCurrentIndex(len(self.rounds) - 1)
            self.table.selectRow(len(self.rounds) - 1)
            self._show_entries(len(self.rounds) - 1)
        self._compare()

    def _show_entries(self, row: int) -> None:
        self.entries.clear()
        if not 0 <= row < len(self.rounds):
            return
        rnd = self.rounds[row]
        for cls in (*SHOWN, RoundClass.SUPPRESSED):
            for e in (e for e in rnd.entries if e.status is cls):
                item = QTreeWidgetItem([cls.label, f"{e.title}\n{e.reason}"])
                item.setData(0, Qt.ItemDataRole.UserRole, e.finding_id)
                item.setToolTip(1, f"{e.title}\n{e.reason}")
                self.entries.addTopLevelItem(item)
        self.entries.resizeColumnToContents(0)

    def _compare(self) -> None:
        """The findings whose class differs between the two rounds chosen."""
        from doccritic.core.rounds import compare

        self.changes.clear()
        a, b = self.first.currentIndex(), self.second.currentIndex()
        if not (0 <= a < len(self.rounds) and 0 <= b < len(self.rounds)):
            self.compare_note.setText("")
            return
        ra, rb = self.rounds[a], self.rounds[b]
        diff = compare(ra, rb)
        self.compare_note.setText(f"{len(diff)} finding{'' if len(diff) == 1 else 's'} changed class between "
                                  f"round {ra.number} and round {rb.number}." if a != b else "Pick two rounds.")
        ids = {e.finding_id: e for r in (ra, rb) for e in r.entries}
        for title, was, now in diff if a != b else []:
            item = QTreeWidgetItem([title, was.label if was else "not yet raised", now.label if now else "—"])
            fid = next((fid for fid, e in ids.items() if e.title == title), "")
            item.setData(0, Qt.ItemDataRole.UserRole, fid)
            self.changes.addTopLevelItem(item)


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
        self.window = host
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
        if self.window.panel.select(finding_id, notify=True):
            self.window.findings_dock.raise_()
