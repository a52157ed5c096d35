"""The findings sidebar: kind toggles with counts, severity/status/grouping filters, search, cards."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from doccritic.core.decisions import Decision
from doccritic.core.findings import Kind, Severity, Status
from doccritic.ui.cards import CardDelegate
from doccritic.ui.findings_model import FindingsFilterProxy, FindingsModel, Role
from doccritic.ui.style import KIND_STYLES, kind_icon
from doccritic.ui.widgets import FlowLayout, Hint, compact_combo

_STATUS_FILTERS: dict[str, set[Status] | None] = {
    "Open": {Status.OPEN},
    "All statuses": None,
    "Decided": {Status.ACCEPTED, Status.DISMISSED, Status.DEFERRED, Status.RESOLVED},
    "Outdated": {Status.OUTDATED},
}
_SEVERITY_FILTERS = {"All severities": Severity.MINOR, "Major and up": Severity.MAJOR, "Critical": Severity.CRITICAL}
# A critic's confidence is the probability a well-informed reviewer agrees; checks are rules, so they always pass.
_CONFIDENCE_FILTERS = {"Any confidence": 0.0, "Confidence 50%+": 0.5, "Confidence 80%+": 0.8}
_ALL_REVIEWERS = "All reviewers"
_GROUPS = {"In document order": "none", "By section": "section", "By kind": "kind"}


DECISIONS = (
    (Decision.ACCEPT, "Accept", "Accept: apply the suggested rewrite, if there is one (one undo step)"),
    (Decision.DISMISS, "Dismiss…", "Dismiss, with an optional reason"),
    (Decision.DEFER, "Defer", "Defer: add the question to the document's Open questions section"),
    (Decision.RESOLVE, "Resolve", "Mark as resolved"),
    (Decision.REOPEN, "Reopen", "Reopen"),
    (Decision.REPLY, "Reply…", "Add a note to the finding's thread"),
)


#: A kind toggle's word when the sidebar has room (the tooltip names the kind in full).
_KIND_WORDS = {Kind.ONE_WAY_DOOR: "Doors", Kind.WEAK_ARGUMENT: "Weak", Kind.CHALLENGED_ASSUMPTION: "Assumed",
               Kind.OPEN_QUESTION: "Questions"}

class _KindToggle(QToolButton):
    """A kind's show/hide toggle whose minimum width is its icon and number: with its word ("Doors 17") as
    the minimum, a sidebar that was wide once could never be fitted back to 266 px at 1024 px."""

    short = ""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = super().minimumSizeHint()
        metrics, flag = self.fontMetrics(), Qt.TextFlag.TextShowMnemonic  # measured as QToolButton does
        words = metrics.size(flag, self.text()).width() - metrics.size(flag, self.short).width()
        return QSize(hint.width() - max(0, words), hint.height())


class FindingsPanel(QWidget):
    finding_selected = Signal(str)
    decision_requested = Signal(object, list)  # Decision, finding ids
    debate_requested = Signal(str)  # finding id: "Debate this finding"
    place_requested = Signal(str, int, int)  # finding id, start, end: the PM chose the passage of an ambiguous quote
    citation_requested = Signal(object)  # a ReferenceCitation on a card: open the reference at its passage

    def __init__(self, model: FindingsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = FindingsFilterProxy(self)
        self.proxy.setSourceModel(model)
        self.proxy.statuses = _STATUS_FILTERS["Open"] | {Status.OUTDATED}
        self.text_source: Callable[[], str] = lambda: ""  # the document's current text (set by the window)
        self.line_of: Callable[[str], tuple[str, int, int] | None] = lambda _fid: None  # see CardDelegate.line_of
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        self.hint = Hint(
            "<b>How to read this:</b> one card per finding. The underline gives its kind (solid: one-way door, "
            "wavy: weak argument, dashed: assumption, dotted: question); lighter marks are offline checks. "
            "Click a card to see its passage, then decide on it below. F8 steps through them.")
        self.hint.hide()  # shown by the window on first use
        layout.addWidget(self.hint)
        layout.addLayout(self._build_kind_toggles())
        layout.addLayout(self._build_filters())
        self.search = QLineEdit(placeholderText="Search findings…", clearButtonEnabled=True)
        self.search.textChanged.connect(lambda text: self.proxy.set_filter(text=text.strip()))
        layout.addWidget(self.search)
        self.list = self._build_list()
        layout.addWidget(self.list, 1)
        self.empty = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)  # in the list's place
        self.empty.setObjectName("emptyState")
        layout.addWidget(self.empty, 1)
        layout.addLayout(self._build_decisions())
        for signal in (model.rowsInserted, model.rowsRemoved, model.dataChanged, model.modelReset):
            signal.connect(self._refresh_counts)
        self.proxy.layoutChanged.connect(self._refresh_counts)
        self._refresh_counts()

    # building --------------------------------------------------------------------------------
    def _build_kind_toggles(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(4)
        self.kind_buttons: dict[Kind, _KindToggle] = {}
        self._counts: dict[Kind, int] = {}
        self._labelled = False
        for kind in Kind:
            button = _KindToggle()
            button.setCheckable(True)
            button.setChecked(True)
            button.setAutoRaise(True)
            button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)  # may shrink to its number
            button.setIcon(kind_icon(kind))
            button.setIconSize(QSize(14, 14))
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setToolTip(f"Show {KIND_STYLES[kind].label.lower()}s")
            button.toggled.connect(self._kinds_changed)
            self.kind_buttons[kind] = button
            row.addWidget(button)
        row.addStretch(1)
        return row

    def _build_filters(self) -> QGridLayout:
        row = self.filter_grid = QGridLayout()
        row.setSpacing(4)
        self.severity = QComboBox()
        self.severity.addItems(list(_SEVERITY_FILTERS))
        self.severity.currentTextChanged.connect(
            lambda text: self.proxy.set_filter(min_severity=_SEVERITY_FILTERS[text])
        )
        self.confidence = QComboBox(toolTip="Hide critic findings a well-informed reviewer would likely not "
                                    "agree with (offline checks always show)")
        self.confidence.addItems(list(_CONFIDENCE_FILTERS))
        self.confidence.currentTextChanged.connect(
            lambda text: self.proxy.set_filter(min_confidence=_CONFIDENCE_FILTERS[text]))
        self.status = QComboBox()
        self.status.addItems(list(_STATUS_FILTERS))
        self.status.currentTextChanged.connect(self._status_changed)
        self.group = QComboBox()
        self.group.addItems(list(_GROUPS))
        self.group.currentTextChanged.connect(self._group_changed)
        self.persona = QComboBox(toolTip="Show findings from one reviewer")
        self.persona.addItem(_ALL_REVIEWERS, None)
        self.persona.currentIndexChanged.connect(self._persona_changed)
        for combo in self._filter_combos():
            compact_combo(combo, 3)  # small minimum: below NARROW they get two rows and room again
        return row

    def _persona_changed(self) -> None:
        chosen = self.persona.currentData()
        self.proxy.set_filter(personas=None if chosen is None else {chosen})
        self._refresh_counts()

    def set_reference_names(self, names: dict[str, str]) -> None:
        """Reference id -> file name, for the cards' "Cites R1 policy.pdf" lines."""
        self.delegate.reference_names = dict(names)
        self.list.viewport().update()

    def set_persona_names(self, names: dict[str, str]) -> None:
        """Display names for persona ids (cards, the reviewer filter)."""
        self.delegate.persona_names = dict(names)
        self.persona.clear()  # rebuilt with the names below
        self._refresh_personas()
        self.list.viewport().update()

    def _refresh_personas(self) -> None:
        """Offer exactly the reviewers present, keeping the current choice."""
        present = sorted({p for f in self.model.findings for p in (f.personas or ["check"])})
        current = self.persona.currentData()
        names = self.delegate.persona_names
        items = [(_ALL_REVIEWERS, None)] + [("Offline checks" if p == "check" else names.get(p, p), p) for p in present]
        if [self.persona.itemData(i) for i in range(self.persona.count())] == [d for _, d in items]:
            return
        self.persona.blockSignals(True)
        self.persona.clear()
        for label, data in items:
            self.persona.addItem(label, data)
        index = self.persona.findData(current) if current is not None else 0
        self.persona.setCurrentIndex(max(index, 0))
        self.persona.blockSignals(False)
        if current is not None and index < 0:
            self._persona_changed()  # the chosen reviewer's findings are gone

    def _build_list(self) -> QListView:
        view = QListView()
        view.setModel(self.proxy)
        self.delegate = CardDelegate(view)
        self.delegate.text_source = lambda: self.text_source()  # a misquoted card shows the document's words
        self.delegate.line_of = lambda fid: self.line_of(fid)
        self.delegate.citation_clicked = self.citation_requested.emit  # a click on a card's "Cites R1…" line
        view.setItemDelegate(self.delegate)
        view.setUniformItemSizes(False)
        view.setResizeMode(QListView.ResizeMode.Adjust)
        view.setLayoutMode(QListView.LayoutMode.Batched)  # cards are measured a screenful at a time, so the
        view.setBatchSize(12)  # first paint (and a re-check that replaces 1,000 findings) waits for ~12, not all
        view.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        view.setSelectionMode(QListView.SelectionMode.ExtendedSelection)
        view.setSpacing(0)
        view.setFrameShape(QListView.Shape.NoFrame)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # cards wrap to the width
        view.selectionModel().currentChanged.connect(self._current_changed)
        view.selectionModel().selectionChanged.connect(lambda *_: view.doItemsLayout())
        return view

    def _build_decisions(self) -> FlowLayout:
        row = FlowLayout()
        self.decision_buttons: dict[str, QToolButton] = {}
        for action, title, tip in DECISIONS:
            button = QToolButton(text=title, toolTip=tip, autoRaise=False)
            button.clicked.connect(lambda _=False, a=action: self._request(a))
            self.decision_buttons[action] = button
            row.addWidget(button)
        self._arrange(narrow=False)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.list.selectionModel().selectionChanged.connect(lambda *_: self._update_decisions())
        for signal in (self.proxy.rowsRemoved, self.proxy.layoutChanged, self.proxy.modelReset):
            signal.connect(lambda *_: self._update_decisions())  # a filter can drop the selection silently
        self._update_decisions()
        return row

    NARROW = 560  # below this width the filters take two rows (at 420 px five combos on one row read "All severi")

    def _arrange(self, *, narrow: bool) -> None:
        """One row of filters, or two when the sidebar is narrow, so it can be ~260 px wide."""
        self._narrow = narrow
        combos = self._filter_combos()
        per_row = (len(combos) + 1) // 2 if narrow else len(combos)
        for i, combo in enumerate(combos):
            self.filter_grid.addWidget(combo, i // per_row, i % per_row)
        if self.layout() is not None:
            self.layout().invalidate()  # the minimum width changes with the arrangement
            self.updateGeometry()

    def _filter_combos(self) -> tuple[QComboBox, ...]:
        return (self.severity, self.confidence, self.status, self.persona, self.group)

    def arrange_for(self, width: int) -> None:
        """Lay the filters out for ``width`` (also before a resize, so the wide row does not hold it back)."""
        if (width < self.NARROW) != self._narrow:
            self._arrange(narrow=width < self.NARROW)
        if (width >= self.LABELLED) != self._labelled:
            self._labelled = width >= self.LABELLED
            self._label_kinds()

    LABELLED = 380  # from this width the kind toggles carry a word, not only an icon and a number
    def _label_kinds(self) -> None:
        for kind, button in self.kind_buttons.items():
            n, label = self._counts.get(kind, 0), KIND_STYLES[kind].label
            button.short = str(n)
            button.setText(f"{_KIND_WORDS[kind]} {n}" if self._labelled else str(n))
            button.setToolTip(f"{label}s: {n} shown under this status filter (click to show or hide them)")
            button.setAccessibleName(f"{label}s, {n}")

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.arrange_for(event.size().width())

    def _request(self, action: Decision) -> None:
        ids = self.selected_ids()
        if ids:
            self.decision_requested.emit(action, ids)

    def _context_menu(self, pos) -> None:
        index = self.list.indexAt(pos)
        if index.isValid():
            self.card_menu(index.data(Role.ID)).exec(self.list.viewport().mapToGlobal(pos))

    def card_menu(self, fid: str) -> QMenu:
        """A card's right-click menu: the decisions, "Place on passage" for an ambiguous quote, a debate."""
        menu = QMenu(self)
        for action, title, tip in DECISIONS:
            item = menu.addAction(title, lambda a=action: self._request(a))
            item.setToolTip(tip)
        finding = self.model.finding(fid)
        if finding is not None and finding.candidates:
            places = menu.addMenu("Place on passage")
            places.setObjectName("placeOnPassage")
            for start, end in finding.candidates:
                places.addAction(self._candidate_label(start, end),
                                 lambda s=start, e=end: self.place_requested.emit(fid, s, e))
        for c in finding.cites if finding is not None else []:
            label = f"{c.reference} {self.delegate.reference_names.get(c.reference) or c.name}".strip()
            menu.addAction(f"Open {label}" + (" at the passage" if c.placed else ""),
                           partial(self.citation_requested.emit, c))
        menu.addSeparator()
        menu.addAction("Debate this finding…", lambda: self.debate_requested.emit(fid))
        return menu

    def _candidate_label(self, start: int, end: int) -> str:
        """"Line 12: …to keep [we ship to all users] on day…" for one of an ambiguous quote's places."""
        text = self.text_source()
        line = text.count("\n", 0, start) + 1
        before = " ".join(text[max(0, start - 30):start].split()[-4:])
        after = " ".join(text[end:end + 30].split()[:4])
        return f"Line {line}: …{before} [{' '.join(text[start:end].split())[:40]}] {after}…"

    def _update_decisions(self) -> None:
        count = len(self.selected_ids())
        for button in self.decision_buttons.values():
            button.setEnabled(count > 0)

    # filters ---------------------------------------------------------------------------------
    def _kinds_changed(self) -> None:
        self.proxy.set_filter(kinds={k for k, b in self.kind_buttons.items() if b.isChecked()})
        self._refresh_counts()

    def _status_changed(self, text: str) -> None:
        statuses = _STATUS_FILTERS[text]
        if text == "Open":
            statuses = statuses | {Status.OUTDATED}  # outdated findings still need a decision
        self.proxy.set_filter(statuses=statuses)
        self._refresh_counts()

    def _group_changed(self, text: str) -> None:
        self.proxy.set_filter(group_by=_GROUPS[text])
        self.proxy.invalidate()
        self.proxy.sort(0)
        self.list.doItemsLayout()

    def _refresh_counts(self, *_: object) -> None:
        self._refresh_personas()
        counts = dict.fromkeys(Kind, 0)
        for f in self.model.findings:
            if self.proxy.statuses is None or f.status in self.proxy.statuses:
                counts[f.kind] += 1
        self._counts = counts
        self._label_kinds()
        shown = self.proxy.rowCount()
        self.empty.setVisible(shown == 0)
        self.list.setVisible(shown > 0)
        if self.model.rowCount() == 0:
            self.empty.setText(
                "No findings from the offline checks. Review → Run Critics asks Claude for a closer read.")
        else:
            self.empty.setText("No findings match these filters.")

    # selection -------------------------------------------------------------------------------
    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.finding_selected.emit(current.data(Role.ID))

    def select(self, finding_id: str, *, notify: bool = False) -> bool:
        """Select and scroll to a card; returns False when filters hide it."""
        row = self.model.row_of(finding_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row))
        if not index.isValid():
            return False
        blocker = None if notify else self.list.selectionModel().blockSignals(True)
        self.list.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        if blocker is not None:
            self.list.selectionModel().blockSignals(blocker)
        self._update_decisions()  # selection signals were blocked above
        self.scroll_to(index)
        return True

    def scroll_to(self, index: QModelIndex) -> None:
        """Bring a card into view. The list lays cards out a batch at a time (a fast first paint), so a card past
        the batches done so far has no place yet to scroll to: lay out the rest in one pass first."""
        view = self.list
        view.doItemsLayout()
        if not view.visualRect(index).isValid():
            view.setLayoutMode(QListView.LayoutMode.SinglePass)
            view.doItemsLayout()
            view.setLayoutMode(QListView.LayoutMode.Batched)
        tall = view.visualRect(index).height() > view.viewport().height() * 0.8  # its top row would be cut
        view.scrollTo(index, QListView.ScrollHint.PositionAtTop if tall else QListView.ScrollHint.PositionAtCenter)

    def current_id(self) -> str | None:
        index = self.list.currentIndex()
        return index.data(Role.ID) if index.isValid() else None

    def selected_ids(self) -> list[str]:
        return [i.data(Role.ID) for i in self.list.selectionModel().selectedIndexes()]

    def visible_ids(self) -> list[str]:
        return [self.proxy.index(r, 0).data(Role.ID) for r in range(self.proxy.rowCount())]
