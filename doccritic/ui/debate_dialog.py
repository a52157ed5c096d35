"""Setting up a debate: the motion, who argues which side, who opens, how long it runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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


@dataclass
class DebateChoice:
    motion: str
    pro: str
    con: str
    opener: str
    rounds: int
    turn_words: int
    free_positions: bool


class DebateDialog(QDialog):
    def __init__(self, personas: list[Any], motion: str, *, pro: str | None = None, con: str | None = None,
                 preview: Callable[[DebateChoice], None] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Start a debate")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        intro = QLabel("Two reviewers argue over the draft while you read along; you can step in at any turn. "
                       "A referee sums up at the end.", wordWrap=True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.motion = QPlainTextEdit(motion)
        self.motion.setFixedHeight(72)
        form.addRow("Motion", self.motion)
        self.pro, self.con = QComboBox(), QComboBox()
        for combo in (self.pro, self.con):
            for p in personas:
                combo.addItem(p.name, p.id)
        ids = [p.id for p in personas]
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

    def choice(self) -> DebateChoice:
        pro, con = self.pro.currentData(), self.con.currentData()
        return DebateChoice(
            motion=" ".join(self.motion.toPlainText().split()), pro=pro, con=con,
            opener=pro if self.opener.currentData() == "pro" else con, rounds=self.rounds.value(),
            turn_words=self.words.value(), free_positions=self.free.isChecked())

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
