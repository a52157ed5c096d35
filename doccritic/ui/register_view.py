"""The Decisions dock: the decision register and the assumptions ledger, editable, with the readiness line.

Model/view like the Findings sidebar: one :class:`RegisterModel` per register (a table model over the
live rows of ``core.register``), a :class:`RegisterFilter` proxy (search and status, as the sidebar's
filters), and :class:`RegisterPanel`, a self-contained widget the window wires with four signals. The
panel never edits anything itself: an edit in a cell becomes a ``row_edited`` signal carrying the row
with the PM's value (``core.register_rows.edit``), and the window keeps the register, so saving,
re-consolidation and exports all see the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from doccritic.core.register_rows import (
    ASSUMPTION_STATUS_LABELS,
    DECISION_STATUS_LABELS,
    LEVEL_LABELS,
    Assumption,
    Decision,
    Readiness,
    edit,
)

Index = QModelIndex | QPersistentModelIndex
ROW = Qt.ItemDataRole.UserRole + 1  # the row record
FINDINGS = "findings"  # the read-only column that opens the row's findings
RAISED = "raised_by"


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    width: int  # starting width in pixels; the PM resizes
    choices: dict[str, str] | None = None  # value -> label, edited with a combo box


DECISION_COLUMNS = (  # what the PM settles first: the decision, where it stands, the way back, who owns it
    Column("decision", "Decision", 240), Column("status", "Status", 120, DECISION_STATUS_LABELS),
    Column("exit_ramp", "Exit ramp", 200), Column("owner", "Owner", 100),
    Column("reversibility", "Reversibility", 90, LEVEL_LABELS), Column("closes", "Closes, when", 120),
    Column("cost_to_reverse", "Cost to reverse", 160), Column(RAISED, "Raised by", 120),
    Column(FINDINGS, "Findings", 70),
)
ASSUMPTION_COLUMNS = (
    Column("claim", "Claim", 240), Column("status", "Status", 110, ASSUMPTION_STATUS_LABELS),
    Column("owner", "Owner", 100), Column("due", "Due", 90), Column("why", "Why the plan depends on it", 200),
    Column("evidence", "Evidence needed", 180), Column("test", "Cheap test", 180), Column(RAISED, "Raised by", 120),
    Column(FINDINGS, "Findings", 70),
)
_READ_ONLY = {RAISED, FINDINGS}


class RegisterModel(QAbstractTableModel):
    """The live rows of one register; an edit emits ``row_edited`` with the edited row."""

    row_edited = Signal(object)  # Decision | Assumption, the PM's value in it

    def __init__(self, columns: tuple[Column, ...], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = columns
        self.rows: list[Decision | Assumption] = []
        self.names: dict[str, str] = {}  # persona id -> display name

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt override
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt override
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and self.columns[index.column()].field not in _READ_ONLY:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, column = self.rows[index.row()], self.columns[index.column()]
        if role == ROW:
            return row
        if role == Qt.ItemDataRole.EditRole:
            return getattr(row, column.field)
        suggested = column.field == "exit_ramp" and isinstance(row, Decision) and not row.exit_ramp \
            and bool(row.suggested_exit_ramp)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = self._text(row, column, suggested)
            if role == Qt.ItemDataRole.ToolTipRole and column.field == FINDINGS:
                return "Double-click (or Ctrl+Return) to show these findings in the Findings list"
            return text
        if role == Qt.ItemDataRole.FontRole and (suggested or column.field == FINDINGS):
            font = QFont()
            font.setItalic(suggested)
            font.setUnderline(column.field == FINDINGS)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and suggested:
            return QColor(128, 128, 128)
        return None

    def _text(self, row: Decision | Assumption, column: Column, suggested: bool) -> str:
        if column.field == FINDINGS:
            n = len(row.finding_ids) + len(row.point_ids)
            return f"{n} finding{'' if n == 1 else 's'}"
        if column.field == RAISED:
            return ", ".join(self.names.get(p, p) for p in row.raised_by)
        if suggested:
            assert isinstance(row, Decision)
            return f"Suggested: {row.suggested_exit_ramp}"
        value = getattr(row, column.field)
        return column.choices.get(value, value) if column.choices else value

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        row, column = self.rows[index.row()], self.columns[index.column()]
        if column.field in _READ_ONLY or str(value).strip() == getattr(row, column.field):
            return False
        try:
            edited = edit(row, column.field, str(value))
        except ValueError:
            return False
        self.rows[index.row()] = edited
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), len(self.columns) - 1))
        self.row_edited.emit(edited)
        return True

    def set_rows(self, rows: list[Decision | Assumption]) -> None:
        """Show these rows; the same ids in the same order update in place (selection and scroll stay)."""
        if [r.id for r in rows] == [r.id for r in self.rows]:
            self.rows = list(rows)
            if rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(self.columns) - 1))
            return
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()


class RegisterFilter(QSortFilterProxyModel):
    """Search over every column and a status filter, like the Findings sidebar's."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.text = ""
        self.statuses: set[str] | None = None  # None: every status

    def set_filter(self, *, text: str | None = None, statuses: set[str] | bool | None = False) -> None:
        if text is not None:
            self.text = text.casefold()
        if statuses is not False:
            self.statuses = statuses  # type: ignore[assignment]
        self.invalidate()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802 - Qt override
        model = self.sourceModel()
        row = model.data(model.index(source_row, 0, source_parent), ROW)
        if row is None or (self.statuses is not None and row.status not in self.statuses):
            return False
        if not self.text:
            return True
        shown = (model.data(model.index(source_row, c, source_parent)) for c in range(model.columnCount()))
        return any(self.text in str(s).casefold() for s in shown)


class ChoiceDelegate(QStyledItemDelegate):
    """A combo box for the columns with fixed values (reversibility, status)."""

    def __init__(self, choices: dict[str, str], parent: Any = None) -> None:
        super().__init__(parent)
        self.choices = choices

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:  # noqa: N802
        combo = QComboBox(parent)
        for value, label in self.choices.items():
            combo.addItem(label, value)
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802 - Qt override
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:  # noqa: N802 - Qt override
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


_STATUS_FILTERS = {
    "decisions": {"All statuses": None, "Open": {"open"},
                  "Settled": {"exit_ramp_named", "accepted_one_way", "changed"}},
    "assumptions": {"All statuses": None, "Untested": {"untested"}, "Being tested": {"being_tested"},
                    "Settled": {"validated", "invalidated"}},
}


class RegisterTable(QWidget):
    """One register: search, status filter, the table and "Show findings"."""

    def __init__(self, kind: str, columns: tuple[Column, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.model = RegisterModel(columns, self)
        self.proxy = RegisterFilter(self)
        self.proxy.setSourceModel(self.model)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(4)
        filters = QHBoxLayout()
        noun = "decisions" if kind == "decisions" else "assumptions"
        self.search = QLineEdit(placeholderText=f"Search {noun}…", clearButtonEnabled=True)
        self.search.textChanged.connect(lambda text: self.proxy.set_filter(text=text.strip()))
        self.status = QComboBox(toolTip=f"Show {noun} by status")
        self.status.addItems(list(_STATUS_FILTERS[kind]))
        self.status.currentTextChanged.connect(
            lambda text: self.proxy.set_filter(statuses=_STATUS_FILTERS[kind][text]))
        self.show_findings = QToolButton(text="Show findings", toolTip="Select this row's findings in the "
                                         "Findings list (Ctrl+Return)")
        filters.addWidget(self.search, 1)
        filters.addWidget(self.status)
        filters.addWidget(self.show_findings)
        layout.addLayout(filters)
        self.view = self._build_view(columns)
        layout.addWidget(self.view, 1)

    def _build_view(self, columns: tuple[Column, ...]) -> QTableView:
        view = QTableView(self)
        view.setModel(self.proxy)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)
        view.setWordWrap(True)
        view.setAlternatingRowColors(True)
        view.verticalHeader().setVisible(False)
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = view.horizontalHeader()
        header.setStretchLastSection(False)
        for i, column in enumerate(columns):
            view.setColumnWidth(i, column.width)
            if column.choices:
                view.setItemDelegateForColumn(i, ChoiceDelegate(column.choices, view))
        return view

    def current(self) -> Decision | Assumption | None:
        index = self.view.currentIndex()
        return index.data(ROW) if index.isValid() else None

    def select_id(self, row_id: str) -> bool:
        for r in range(self.proxy.rowCount()):
            index = self.proxy.index(r, 0)
            if index.data(ROW).id == row_id:
                self.view.setCurrentIndex(index)
                return True
        return False


class RegisterPanel(QWidget):
    """The Decisions dock's widget: readiness, then the register and the ledger as two tabs."""

    passages_selected = Signal(list)  # [(start, end)] of the selected row, code points
    findings_requested = Signal(list)  # finding ids of the row: "Show findings"
    row_edited = Signal(str, object)  # "decisions" | "assumptions", the edited row

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        self.readiness = QLabel(wordWrap=True, textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse)
        self.readiness.setObjectName("readiness")
        layout.addWidget(self.readiness)
        self.tabs = QTabWidget(self, documentMode=True)
        self.decisions = RegisterTable("decisions", DECISION_COLUMNS)
        self.assumptions = RegisterTable("assumptions", ASSUMPTION_COLUMNS)
        for table in (self.decisions, self.assumptions):
            self.tabs.addTab(table, "")
            table.model.row_edited.connect(lambda row, t=table: self.row_edited.emit(t.kind, row))
            table.view.selectionModel().currentRowChanged.connect(lambda *_, t=table: self._selected(t))
            table.view.doubleClicked.connect(lambda index, t=table: self._double_clicked(t, index))
            table.show_findings.clicked.connect(lambda _=False, t=table: self._show_findings(t))
        layout.addWidget(self.tabs, 1)
        # The dock shares its area with Findings: it must not hold that area wider than Findings does
        # (a restyle grows combo boxes and tab bars); the table scrolls sideways instead.
        self.setMinimumWidth(220)
        shortcut = QShortcut(QKeySequence("Ctrl+Return"), self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(lambda: self._show_findings(self.current_table()))
        self.set_register([], [], None)

    def current_table(self) -> RegisterTable:
        return self.decisions if self.tabs.currentIndex() == 0 else self.assumptions

    def set_register(self, decisions: list[Decision], assumptions: list[Assumption],
                     readiness: Readiness | None) -> None:
        """Show the live rows and the readiness sentence."""
        self.decisions.model.set_rows([d for d in decisions if d.live])
        self.assumptions.model.set_rows([a for a in assumptions if a.live])
        self.tabs.setTabText(0, f"Decisions ({self.decisions.model.rowCount()})")
        self.tabs.setTabText(1, f"Assumptions ({self.assumptions.model.rowCount()})")
        self.readiness.setText(f"<b>Readiness:</b> {readiness.summary}" if readiness else
                               "No one-way doors or load-bearing assumptions found yet.")

    def set_persona_names(self, names: dict[str, str]) -> None:
        for table in (self.decisions, self.assumptions):
            table.model.names = dict(names)

    def _selected(self, table: RegisterTable) -> None:
        row = table.current()
        if row is not None:
            self.passages_selected.emit(list(row.passages))

    def _double_clicked(self, table: RegisterTable, index: QModelIndex) -> None:
        if table.model.columns[index.column()].field == FINDINGS:
            self._show_findings(table)

    def _show_findings(self, table: RegisterTable) -> None:
        row = table.current()
        if row is not None and row.finding_ids:
            self.findings_requested.emit(list(row.finding_ids))
