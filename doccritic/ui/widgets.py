"""Small widgets the window composes: an inline message banner and a find/replace bar.

Messages that need a choice (the file changed on disk, a warning about the encoding) appear as an
inline banner rather than a modal dialog, so they never block reading or typing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QTextDocument
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)


class Banner(QFrame):
    """A one-line message above the editor with optional action buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(10, 6, 6, 6)
        self.label = QLabel(wordWrap=True, textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse)
        self._layout.addWidget(self.label, 1)
        self._buttons: list[QPushButton] = []
        self.hide()

    def show_message(self, text: str, actions: list[tuple[str, Callable[[], None]]] | None = None,
                     on_dismiss: Callable[[], None] | None = None) -> None:
        """Show ``text`` with action buttons (each also closes the banner) and Dismiss."""
        for button in self._buttons:
            button.deleteLater()
        self._buttons = []
        self.label.setText(text)
        for title, callback in actions or []:
            button = QPushButton(title)
            button.clicked.connect(callback)
            button.clicked.connect(self.hide)
            self._layout.addWidget(button)
            self._buttons.append(button)
        dismiss = QPushButton("Dismiss")
        if on_dismiss is not None:
            dismiss.clicked.connect(on_dismiss)
        dismiss.clicked.connect(self.hide)
        self._layout.addWidget(dismiss)
        self._buttons.append(dismiss)
        self.show()

    def button(self, title: str) -> QPushButton | None:
        return next((b for b in self._buttons if b.text() == title), None)


class FindBar(QFrame):
    """Find and replace in the editor (Ctrl+F / Ctrl+H), case-insensitive by default."""

    not_found = Signal(str)

    def __init__(self, editor: QPlainTextEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        self.find = QLineEdit(placeholderText="Find", clearButtonEnabled=True)
        self.replace = QLineEdit(placeholderText="Replace with")
        self.find.returnPressed.connect(self.find_next)
        buttons = [
            ("Previous", lambda: self.find_next(backward=True)),
            ("Next", self.find_next),
            ("Replace", self.replace_one),
            ("Replace all", self.replace_all),
            ("Close", self.hide),
        ]
        self.result = QLabel()
        self.result.setObjectName("findResult")
        self.find.textChanged.connect(lambda _: self._say(""))
        layout.addWidget(self.find, 2)
        layout.addWidget(self.replace, 2)
        layout.addWidget(self.result)
        for title, slot in buttons:
            button = QPushButton(title)
            button.clicked.connect(slot)
            layout.addWidget(button)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.hide)
        self.hide()

    def open(self, replace: bool = False) -> None:
        selected = self.editor.textCursor().selectedText()
        if selected and "\u2029" not in selected:
            self.find.setText(selected)
        self.replace.setVisible(replace or bool(self.replace.text()))
        self.show()
        self.find.setFocus()
        self.find.selectAll()

    def find_next(self, backward: bool = False) -> bool:
        needle = self.find.text()
        if not needle:
            return False
        flags = QTextDocument.FindFlag.FindBackward if backward else QTextDocument.FindFlag(0)
        if self.editor.find(needle, flags):
            return True
        cursor = self.editor.textCursor()  # wrap around once
        cursor.movePosition(cursor.MoveOperation.End if backward else cursor.MoveOperation.Start)
        self.editor.setTextCursor(cursor)
        found = self.editor.find(needle, flags)
        if not found:
            self._say("No match", error=True)
            self.not_found.emit(needle)
        return found

    def _say(self, text: str, *, error: bool = False) -> None:
        self.result.setText(text)
        self.find.setStyleSheet("QLineEdit { border: 1px solid #c0392b; }" if error else "")

    def replace_one(self) -> None:
        cursor = self.editor.textCursor()
        if cursor.hasSelection() and cursor.selectedText().casefold() == self.find.text().casefold():
            cursor.insertText(self.replace.text())
        self.find_next()

    def replace_all(self) -> int:
        needle, text = self.find.text(), self.replace.text()
        if not needle or self.editor.isReadOnly():
            return 0
        cursor = self.editor.textCursor()
        cursor.beginEditBlock()  # one undo step
        count = 0
        probe = self.editor.document().find(needle, 0)
        while not probe.isNull():
            probe.insertText(text)
            count += 1
            probe = self.editor.document().find(needle, probe.position())
        cursor.endEditBlock()
        self._say(f"Replaced {count}" if count else "No match", error=not count)
        return count


class Hint(QFrame):
    """A short, dismissible explanation shown once (its dismissal is remembered by the caller)."""

    dismissed = Signal()

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("hint")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 4, 6)
        self.label = QLabel(text, wordWrap=True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        close = QPushButton("Got it")
        close.setToolTip("Hide this hint for good")
        close.clicked.connect(self._close)
        layout.addWidget(self.label, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)

    def _close(self) -> None:
        self.hide()
        self.dismissed.emit()



def compact_combo(combo: QComboBox, chars: int = 10) -> QComboBox:
    """A combo box that asks for room for ``chars`` characters, not for its longest entry: a dock holding one
    must not grow to a section title's width when a theme change re-measures it (the list pops up wide)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    combo.view().setTextElideMode(Qt.TextElideMode.ElideRight)
    return combo
