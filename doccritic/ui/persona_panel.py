"""The critics dock: who reviews, Run / Stop, and each critic's live status with Retry."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSizePolicy,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from doccritic.ui.style import may_slant
from doccritic.ui.widgets import compact_combo

WHOLE_DOCUMENT = "Whole document"


class ElidedLabel(QLabel):
    """One line that ends in "…" when the dock is narrow; the whole text is in the tooltip."""

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self._full = text
        self.setMinimumWidth(40)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        self._full = text
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        first = self._full.splitlines()[0] if self._full else ""
        shown = self.fontMetrics().elidedText(first, Qt.TextElideMode.ElideRight, max(40, self.width()))
        super().setText(shown)


class _PersonaRow(QWidget):
    retry_clicked = Signal(str)
    stop_clicked = Signal(str)
    toggled = Signal()

    def __init__(self, persona: Any, checked: bool) -> None:
        super().__init__()
        self.persona_id = persona.id
        self._ran = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 3, 6, 3)
        outer.setSpacing(2)
        layout = QHBoxLayout()
        layout.setSpacing(8)
        self.check = QCheckBox()
        self.check.setChecked(checked)
        self.check.setToolTip(f"Include {persona.name} in the next run")
        self.check.toggled.connect(lambda _: self.toggled.emit())
        badge = self.badge = QLabel(persona.initials)
        badge.setFixedSize(28, 28)
        badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        badge.setStyleSheet(f"background:{persona.color}; color:white; border-radius:14px; font-weight:600;")
        text = QVBoxLayout()
        text.setSpacing(0)
        self.name = ElidedLabel(persona.name)
        font = self.name.font()
        font.setBold(True)
        self.name.setFont(font)
        self.name.setToolTip(f"{persona.role}\n\n{persona.lens.strip()}")
        self.status = ElidedLabel(persona.role)
        self.status.setObjectName("personaStatus")
        self.verdict = QLabel(wordWrap=True)  # the critic's one-line verdict, in full: it is what the PM reads
        self.verdict.setObjectName("personaVerdict")
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verdict.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        italic = self.verdict.font()
        italic.setItalic(True)
        self.verdict.setFont(italic)
        self.verdict.hide()
        # Icons, not words, and on the status line: beside the name even an icon cut it to "Staff Engi…"
        style = self.style()
        self.retry = QToolButton(text="Retry", autoRaise=True)
        self.retry.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload))
        self.retry.setToolTip("Retry: run this critic again")
        self.retry.setAccessibleName("Retry")
        self.retry.hide()
        self.retry.clicked.connect(lambda: self.retry_clicked.emit(self.persona_id))
        self.stop = QToolButton(text="Stop", autoRaise=True)
        self.stop.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_BrowserStop))
        self.stop.setToolTip("Stop this critic; what it has written so far is kept")
        self.stop.setAccessibleName("Stop")
        self.stop.hide()
        self.stop.clicked.connect(lambda: self.stop_clicked.emit(self.persona_id))
        status = QHBoxLayout()
        status.setSpacing(2)
        status.addWidget(self.status, 1)
        status.addWidget(self.retry)
        status.addWidget(self.stop)
        text.addWidget(self.name)
        text.addLayout(status)
        layout.addWidget(self.check)
        layout.addWidget(badge)
        layout.addLayout(text, 1)
        outer.addLayout(layout)
        outer.addWidget(self.verdict)  # under the whole row: the full dock width for the words that matter
        outer.addStretch(1)
        self._top = layout

    NAME_FIRST = 170  # narrower than this (the 164 px Critics dock at 1024 px) the row drops the badge for the name

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.badge.setVisible(event.size().width() >= self.NAME_FIRST)  # "Staff Engi…" told less than "SE" hid

    def set_status(self, text: str, *, retry: bool = False, stop: bool = False, tooltip: str = "",
                   verdict: str = "") -> None:
        self.status.setText(text)
        self.status.setToolTip(tooltip or text)
        self.setToolTip(tooltip or text)
        self._ran = True
        self.verdict.setText(f"“{verdict}”" if verdict else "")
        font = self.verdict.font()
        font.setItalic(may_slant(verdict))  # upright for Arabic, Hebrew, CJK: their italic faces are often missing
        self.verdict.setFont(font)
        self.verdict.setVisible(bool(verdict))
        self.retry.setVisible(retry)
        self.stop.setVisible(stop and not retry)

    def state(self) -> dict[str, Any] | None:
        """What the last run left on this row (None while it still shows the persona's role)."""
        if not self._ran:
            return None
        return {"text": self.status.full_text(), "tooltip": self.status.toolTip(),
                "verdict": self.verdict.text().strip("“”"), "retry": self.retry.isVisibleTo(self),
                "stop": self.stop.isVisibleTo(self)}

    def height_for(self, width: int) -> int:
        """The row's height at ``width``: taller when a wrapped verdict is shown."""
        margins = self.layout().contentsMargins()
        height = self._top.sizeHint().height() + margins.top() + margins.bottom()
        if self.verdict.isVisibleTo(self):
            inner = width - margins.left() - margins.right()
            height += self.layout().spacing() + self.verdict.heightForWidth(inner)
        return height


class PersonaPanel(QWidget):
    run_requested = Signal()
    rereview_requested = Signal()
    stop_requested = Signal()
    retry_requested = Signal(str)
    stop_one_requested = Signal(str)
    debate_requested = Signal()
    settings_requested = Signal()
    edit_personas_requested = Signal()
    selection_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        self.list = QListWidget()
        self.list.setObjectName("personaList")
        self.list.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setUniformItemSizes(False)  # a row with a verdict grows to show it whole
        layout.addWidget(self.list, 1)
        self.scope = compact_combo(QComboBox(), 12)  # 16 held the left docks at 206 px with only DejaVu
        self.scope.setToolTip("Review the whole document or one section (cheaper, and fits long documents)")
        self.scope.addItem(WHOLE_DOCUMENT)
        self._section_titles: list[str] = []  # what the scope list offers after "Whole document"
        layout.addWidget(self.scope)
        buttons = QHBoxLayout()
        self.run_button = QPushButton("Run")
        self.run_button.setDefault(True)
        self.run_button.setToolTip("Estimate the cost, then run the checked critics (Ctrl+Shift+R)")
        self.run_button.clicked.connect(self.run_requested)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop_requested)
        buttons.addWidget(self.run_button, 1)
        buttons.addWidget(self.stop_button)
        layout.addLayout(buttons)
        # A row of its own, shown once the document has a review round: the dock stays narrow before that.
        self.rereview_button = QPushButton("Re-review")
        self.rereview_button.setEnabled(False)
        self.rereview_button.setVisible(False)
        self.rereview_button.setToolTip("After you edit: the critics get the changes since the last round and the "
                                        "findings still open, and say what each change fixed (Ctrl+Shift+E)")
        self.rereview_button.clicked.connect(self.rereview_requested)
        layout.addWidget(self.rereview_button)
        tools = QHBoxLayout()
        debate = QToolButton(text="Debate…", autoRaise=True)
        debate.setToolTip("Two personas argue over the draft; the first two checked are proposed (Ctrl+Shift+D)")
        debate.clicked.connect(self.debate_requested)
        self.manage = QToolButton(text="Manage", autoRaise=True)
        self.manage.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.manage.setToolTip("Personas and Claude settings")
        menu = QMenu(self.manage)
        menu.addAction("Personas…", self.edit_personas_requested.emit).setToolTip(
            "Create, duplicate and edit critic personas")
        menu.addAction("Claude settings…", self.settings_requested.emit).setToolTip(
            "API key, endpoint, model, effort, budget")
        self.manage.setMenu(menu)
        tools.addWidget(debate)
        tools.addStretch(1)
        tools.addWidget(self.manage)
        layout.addLayout(tools)
        self.summary = QLabel()
        self.summary.setObjectName("runSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self._rows: dict[str, _PersonaRow] = {}

    # personas --------------------------------------------------------------------------------
    def set_personas(self, personas: list[Any], checked: set[str] | None = None) -> None:
        """Show ``personas``; ``checked`` None keeps each persona's own enabled flag."""
        previous = self.checked_ids() if self._rows else None
        states = {pid: row.state() for pid, row in self._rows.items()}  # an edited persona keeps its last run
        self.list.clear()
        self._rows.clear()
        for persona in personas:
            on = persona.id in checked if checked is not None else (
                persona.id in previous if previous is not None else persona.enabled)
            row = _PersonaRow(persona, on)
            row.retry_clicked.connect(self.retry_requested)
            row.stop_clicked.connect(self.stop_one_requested)
            row.toggled.connect(self.selection_changed)
            item = QListWidgetItem()
            item.setSizeHint(row.sizeHint())
            item.setData(Qt.ItemDataRole.UserRole, persona.id)
            self.list.addItem(item)
            self.list.setItemWidget(item, row)
            self._rows[persona.id] = row
            if (state := states.get(persona.id)) is not None:
                row.set_status(state["text"], retry=state["retry"], stop=state["stop"], tooltip=state["tooltip"],
                               verdict=state["verdict"])
        self._fit_rows()

    def checked_ids(self) -> list[str]:
        return [pid for pid, row in self._rows.items() if row.check.isChecked()]

    def set_checked(self, ids: set[str]) -> None:
        for pid, row in self._rows.items():
            row.check.setChecked(pid in ids)

    def row(self, persona_id: str) -> _PersonaRow | None:
        return self._rows.get(persona_id)

    def set_status(self, persona_id: str, text: str, *, retry: bool = False, stop: bool = False,
                   tooltip: str = "", verdict: str = "") -> None:
        row = self._rows.get(persona_id)
        if row is not None:
            row.set_status(text, retry=retry, stop=stop, tooltip=tooltip, verdict=verdict)
            self._fit_rows([persona_id])

    def _fit_rows(self, ids: list[str] | None = None) -> None:
        """Give rows the height their text needs at the list's width."""
        width = self.list.viewport().width()
        for i in range(self.list.count()):
            item = self.list.item(i)
            pid = item.data(Qt.ItemDataRole.UserRole)
            if ids is None or pid in ids:
                row = self._rows[pid]
                item.setSizeHint(QSize(width, row.height_for(width)))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit_rows()

    # scope and state -------------------------------------------------------------------------
    def set_sections(self, titles: list[str]) -> None:
        """The sections a run can be scoped to; unchanged titles (typing in a paragraph) leave the list as it is:
        refilling it with 10,000 headings took ~5 ms of each re-check at 1M words."""
        if titles == self._section_titles:
            return
        self._section_titles = list(titles)
        current = self.scope.currentText()
        self.scope.blockSignals(True)
        self.scope.clear()
        self.scope.addItem(WHOLE_DOCUMENT)
        self.scope.addItems(titles)
        index = self.scope.findText(current)
        self.scope.setCurrentIndex(max(0, index))
        self.scope.blockSignals(False)

    def section(self) -> str | None:
        text = self.scope.currentText()
        return None if text == WHOLE_DOCUMENT or not text else text

    def set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        if running:
            self.rereview_button.setEnabled(False)  # the controller offers it again when the run ends
        self.stop_button.setEnabled(running)
        for row in self._rows.values():
            row.check.setEnabled(not running)

    def set_summary(self, text: str) -> None:
        self.summary.setText(text)
        self.summary.setToolTip("")  # a round's full counts, set after this line when a round ends
