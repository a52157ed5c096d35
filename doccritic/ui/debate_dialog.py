"""Setting up a debate: the motion, who argues which side, who opens, how long it runs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from doccritic.ui.widgets import compact_combo


@dataclass
class DebateChoice:
    motion: str
    pro: str
    con: str
    opener: str
    rounds: int
    turn_words: int
    free_positions: bool
    focus: str | None = None  # the passage a suggested motion is about; None keeps the caller's


class DebateDialog(QDialog):
    """Motion, sides, opener and length; ``suggestions`` (``core.motions.MotionSuggestion``) are offered in a list
    above the motion, and picking one fills the motion and the two sides."""

    def __init__(self, personas: list[Any], motion: str, *, pro: str | None = None, con: str | None = None,
                 preview: Callable[[DebateChoice], None] | None = None, suggestions: Sequence[Any] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Start a debate")
        self.setMinimumWidth(520)
        self._suggestions = list(suggestions)
        self._focus: str | None = None
        layout = QVBoxLayout(self)
        intro = QLabel("Two reviewers argue over one decision of the draft while you read along; you can step in at "
                       "any turn. A referee rules on each point they disagree on and tells you what to decide.",
                       wordWrap=True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.suggested = compact_combo(QComboBox(), 30)  # long card titles elide, the dialog keeps its width
        self.suggested.setObjectName("suggestedMotions")
        self.suggested.addItem("Your own motion" if self._suggestions else "No one-way door or critical card yet")
        for s in self._suggestions:
            self.suggested.addItem(s.label, s.finding_id)
            self.suggested.setItemData(self.suggested.count() - 1, s.motion, Qt.ItemDataRole.ToolTipRole)
        self.suggested.setEnabled(bool(self._suggestions))
        self.suggested.setToolTip("Motions from the review's one-way doors and critical cards, most pressing first")
        form.addRow("Suggested", self.suggested)
        self.motion = QPlainTextEdit(motion)
        self.motion.setFixedHeight(72)
        form.addRow("Motion", self.motion)
        self.pro, self.con = QComboBox(), QComboBox()
        self._ids = [p.id for p in personas]
        for combo in (self.pro, self.con):
            for p in personas:
                combo.addItem(p.name, p.id)
        ids = self._ids
        self.pro.setCurrentIndex(ids.index(pro) if pro in ids else 0)
        self.con.setCurrentIndex(ids.index(con) if con in ids else min(1, len(ids) - 1))
        form.addRow("Argues for", self.pro)
        form.addRow("Argues against", self.con)
        # The explanation wraps under a short box: as one checkbox label it was clipped in a 520 px dialog.
        why = "Each argues from their own seat, not an assigned side."
        self.free = QCheckBox("Free positions")
        self.free.setToolTip(why)
        explanation = QLabel(why)
        explanation.setWordWrap(True)
        explanation.setObjectName("hintText")
        free = QVBoxLayout()
        free.setSpacing(0)
        free.addWidget(self.free)
        free.addWidget(explanation)
        form.addRow("", free)
        self.opener = QComboBox()
        self.opener.addItem("The side for the motion", "pro")
        self.opener.addItem("The side against", "con")
        form.addRow("Opens", self.opener)
        self.rounds = QSpinBox(minimum=1, maximum=10, value=3, suffix=" exchanges")
        self.rounds.setToolTip("One turn each per exchange")
        form.addRow("Length", self.rounds)
        self.words = QSpinBox(minimum=60, maximum=600, value=180, singleStep=20, suffix=" words per turn")
        form.addRow("Turns", self.words)
        layout.addLayout(form)
        self.suggested.currentIndexChanged.connect(self._suggest)
        self.problem = QLabel(wordWrap=True)
        self.problem.setObjectName("testResult")
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Start debate")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        if preview is not None:
            show = buttons.addButton("Show request…", QDialogButtonBox.ButtonRole.ActionRole)
            show.setObjectName("showDebateRequest")
            show.setToolTip("The exact text the opening turn will send, with token counts; nothing is sent yet")
            show.clicked.connect(lambda: self._valid() and preview(self.choice()))
        layout.addWidget(buttons)

    def choose_suggestion(self, index: int) -> None:
        """Pick suggestion ``index`` (0-based), as the PM would in the list."""
        self.suggested.setCurrentIndex(index + 1)

    def _suggest(self, row: int) -> None:
        if not 1 <= row <= len(self._suggestions):
            self._focus = None
            return
        s = self._suggestions[row - 1]
        self.motion.setPlainText(s.motion)
        for combo, pid in ((self.pro, s.pro), (self.con, s.con)):
            if pid in self._ids:
                combo.setCurrentIndex(self._ids.index(pid))
        self.free.setChecked(False)  # a decision is argued for and against
        self._focus = s.focus

    def choice(self) -> DebateChoice:
        pro, con = self.pro.currentData(), self.con.currentData()
        return DebateChoice(
            motion=" ".join(self.motion.toPlainText().split()), pro=pro, con=con,
            opener=pro if self.opener.currentData() == "pro" else con, rounds=self.rounds.value(),
            turn_words=self.words.value(), free_positions=self.free.isChecked(), focus=self._focus)

    def _valid(self) -> bool:
        """Whether the choice can start a debate; if not, the dialog says what to fix."""
        c = self.choice()
        problem = ("Write the motion the two reviewers will argue about." if not c.motion
                   else "Pick two different reviewers." if c.pro == c.con else "")
        self.problem.setText(problem)
        return not problem

    def accept(self) -> None:
        if self._valid():
            super().accept()
