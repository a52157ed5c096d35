"""Create, duplicate, edit and delete critic personas (files in the user's personas folder).

Editing a built-in saves a user copy with the same id that overrides it; deleting that copy brings the
built-in back. Validation is the loader's own, so the editor shows the same sentence a bad file would.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from doccritic.core.errors import DoccriticError
from doccritic.core.personas import (
    Persona,
    PersonaSet,
    delete_persona,
    duplicate_persona,
    load_personas,
    parse_persona,
    save_persona,
    user_personas_dir,
)

EFFORTS = ("", "low", "medium", "high", "xhigh", "max")
NEW_TEMPLATE = {
    "id": "my-reviewer", "name": "My reviewer", "role": "Who this reviewer is, in one line",
    "lens": "What they look for: the weak arguments, shaky assumptions and one-way doors they catch first.",
    "questions": ["What would make you say no?"], "tone": "Direct.", "color": "#5b6abf", "initials": "MR",
    "enabled": True,
}


class PersonaEditor(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Critic personas")
        self.resize(860, 600)
        self.personas = PersonaSet()
        self._color = "#5b6abf"
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        self.list = QListWidget()
        self.list.currentItemChanged.connect(self._selected)
        left.addWidget(self.list, 1)
        row = QHBoxLayout()
        for title, slot in (("New", self._new), ("Duplicate", self._duplicate), ("Delete", self._delete)):
            button = QPushButton(title)
            button.clicked.connect(slot)
            row.addWidget(button)
            setattr(self, f"{title.lower()}_button", button)
        left.addLayout(row)
        folder = QLabel(f"Your personas are saved in {user_personas_dir()}", wordWrap=True)
        folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        left.addWidget(folder)
        layout.addLayout(left, 2)
        layout.addLayout(self._build_form(), 3)
        self.reload()

    def _build_form(self) -> QVBoxLayout:
        box = QVBoxLayout()
        form = QFormLayout()
        self.f_id, self.f_name, self.f_role = QLineEdit(), QLineEdit(), QLineEdit()
        self.f_lens, self.f_questions = QPlainTextEdit(), QPlainTextEdit()
        self.f_questions.setPlaceholderText("One question per line")
        self.f_tone, self.f_initials, self.f_model = QLineEdit(), QLineEdit(maxLength=3), QLineEdit()
        self.f_model.setPlaceholderText("default model")
        self.f_effort = QComboBox()
        for name in EFFORTS:
            self.f_effort.addItem(name or "default", name)
        self.f_enabled = QCheckBox("On in new panels")
        self.f_color = QPushButton()
        self.f_color.clicked.connect(self._pick_color)
        for label, widget in (("Id", self.f_id), ("Name", self.f_name), ("Role", self.f_role),
                              ("Lens", self.f_lens), ("Questions", self.f_questions), ("Tone", self.f_tone),
                              ("Colour", self.f_color), ("Initials", self.f_initials), ("Model", self.f_model),
                              ("Effort", self.f_effort), ("", self.f_enabled)):
            form.addRow(label, widget)
        box.addLayout(form)
        self.note = QLabel(wordWrap=True)
        self.note.setObjectName("personaNote")
        box.addWidget(self.note)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.save_button = QPushButton("Save")
        self.save_button.clicked.connect(self.save)
        close = QPushButton("Close")
        close.clicked.connect(self.done_editing)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        box.addLayout(buttons)
        return box

    # list ------------------------------------------------------------------------------------
    def reload(self, select: str | None = None) -> None:
        self.personas = load_personas()
        self.list.blockSignals(True)
        self.list.clear()
        for p in self.personas.personas:
            where = "built-in" if p.builtin else ("yours, replaces the built-in"
                                                   if self.personas.is_override(p.id) else "yours")
            item = QListWidgetItem(f"{p.name}  ({where})")
            item.setData(Qt.ItemDataRole.UserRole, p.id)
            item.setForeground(QColor(p.color))
            self.list.addItem(item)
        self.list.blockSignals(False)
        ids = self.personas.ids()
        self.list.setCurrentRow(ids.index(select) if select in ids else 0)
        if self.personas.errors:
            self.note.setText(" ".join(self.personas.errors))

    def current(self) -> Persona | None:
        item = self.list.currentItem()
        return self.personas.get(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def _selected(self, *_: object) -> None:
        p = self.current()
        if p is not None:
            self._fill(p.file_data())
            self.delete_button.setEnabled(not p.builtin)
            self.note.setText("Built-in: saving makes your own copy that replaces it." if p.builtin else "")

    def _fill(self, data: dict) -> None:
        self.f_id.setText(data.get("id", ""))
        self.f_name.setText(data.get("name", ""))
        self.f_role.setText(data.get("role", ""))
        self.f_lens.setPlainText(data.get("lens", ""))
        self.f_questions.setPlainText("\n".join(data.get("questions", [])))
        self.f_tone.setText(data.get("tone", ""))
        for line in (self.f_role, self.f_tone):  # long lines open at their beginning, not scrolled to the end
            line.setCursorPosition(0)
        self._set_color(data.get("color", "#5b6abf"))
        self.f_initials.setText(data.get("initials", ""))
        self.f_model.setText(data.get("model") or "")
        self.f_effort.setCurrentIndex(max(0, self.f_effort.findData(data.get("effort") or "")))
        self.f_enabled.setChecked(bool(data.get("enabled", True)))

    def _set_color(self, color: str) -> None:
        self._color = color
        self.f_color.setText(color)
        self.f_color.setStyleSheet(f"background:{color}; color:white;")

    def _pick_color(self) -> None:
        chosen = QColorDialog.getColor(QColor(self._color), self, "Persona colour")
        if chosen.isValid():
            self._set_color(chosen.name())

    def form_data(self) -> dict:
        data = {
            "id": self.f_id.text().strip(), "name": self.f_name.text().strip(), "role": self.f_role.text().strip(),
            "lens": self.f_lens.toPlainText().strip(),
            "questions": [q.strip() for q in self.f_questions.toPlainText().splitlines() if q.strip()],
            "tone": self.f_tone.text().strip(), "color": self._color, "initials": self.f_initials.text().strip(),
            "enabled": self.f_enabled.isChecked(),
        }
        if self.f_model.text().strip():
            data["model"] = self.f_model.text().strip()
        if self.f_effort.currentData():
            data["effort"] = self.f_effort.currentData()
        return data

    # actions ---------------------------------------------------------------------------------
    def unsaved(self) -> bool:
        """True when the form holds edits that are not in any persona file."""
        p = self.current()
        if p is None:
            return True  # a new persona being filled in

        def norm(data: dict) -> dict:
            return {k: v.strip() if isinstance(v, str) else v for k, v in data.items() if v not in (None, "")}

        return norm(self.form_data()) != norm(p.file_data())

    def ask_about_unsaved(self) -> str:
        """"save", "discard" or "cancel" (a question box; tests replace it)."""
        box = QMessageBox(QMessageBox.Icon.Question, "Unsaved persona",
                          "This persona has changes that are not saved.", parent=self)
        box.setStandardButtons(QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                               | QMessageBox.StandardButton.Cancel)
        answer = box.exec()
        return {QMessageBox.StandardButton.Save: "save",
                QMessageBox.StandardButton.Discard: "discard"}.get(QMessageBox.StandardButton(answer), "cancel")

    def done_editing(self) -> None:
        """Close, but never lose typed changes without asking."""
        if self.unsaved():
            choice = self.ask_about_unsaved()
            if choice == "cancel" or (choice == "save" and not self.save()):
                return
        self.accept()

    def save(self) -> bool:
        try:
            persona = parse_persona(self.form_data(), source="This persona")
            save_persona(persona)
        except DoccriticError as exc:
            self.note.setText(str(exc))
            return False
        self.reload(select=persona.id)
        self.note.setText(f"Saved {persona.name}.")
        return True

    def _new(self) -> None:
        taken = set(self.personas.ids())
        data = dict(NEW_TEMPLATE)
        n = 1
        while data["id"] in taken:
            n += 1
            data["id"] = f"my-reviewer-{n}"
        self.list.clearSelection()
        self._fill(data)
        self.note.setText("A new persona: fill it in and Save.")

    def _duplicate(self) -> None:
        p = self.current()
        if p is None:
            return
        copy = duplicate_persona(p, self.personas.ids())
        save_persona(copy)
        self.reload(select=copy.id)

    def _delete(self) -> None:
        p = self.current()
        if p is None:
            return
        try:
            delete_persona(p.id)
        except DoccriticError as exc:
            self.note.setText(str(exc))
            return
        self.reload(select=p.id)
        self.note.setText(f"Deleted {p.name}." + (" The built-in is back." if p.id in self.personas.ids() else ""))
