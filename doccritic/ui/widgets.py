"""Small widgets the window composes: an inline message banner and a find/replace bar.

Messages that need a choice (the file changed on disk, a warning about the encoding) appear as an
inline banner rather than a modal dialog, so they never block reading or typing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut, QTextDocument
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
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

    def show_message(self, text: str, actions: list[tuple[str, Callable[[], object]]] | None = None,
                     on_dismiss: Callable[[], object] | None = None) -> None:
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
        self.find_field = QLineEdit(placeholderText="Find", clearButtonEnabled=True)
        self.replace = QLineEdit(placeholderText="Replace with")
        self.find_field.returnPressed.connect(self.find_next)
        buttons = [
            ("Previous", lambda: self.find_next(backward=True)),
            ("Next", self.find_next),
            ("Replace", self.replace_one),
            ("Replace all", self.replace_all),
            ("Close", self.hide),
        ]
        self.result = QLabel()
        self.result.setObjectName("findResult")
        self.find_field.textChanged.connect(lambda _: self._say(""))
        layout.addWidget(self.find_field, 2)
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
            self.find_field.setText(selected)
        self.replace.setVisible(replace or bool(self.replace.text()))
        self.show()
        self.find_field.setFocus()
        self.find_field.selectAll()

    def find_next(self, backward: bool = False) -> bool:
        needle = self.find_field.text()
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
        self.find_field.setStyleSheet("QLineEdit { border: 1px solid #c0392b; }" if error else "")

    def replace_one(self) -> None:
        cursor = self.editor.textCursor()
        if cursor.hasSelection() and cursor.selectedText().casefold() == self.find_field.text().casefold():
            cursor.insertText(self.replace.text())
        self.find_next()

    def replace_all(self) -> int:
        needle, text = self.find_field.text(), self.replace.text()
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
        layout = QVBoxLayout(self)  # the button under the text: in a narrow dock the text keeps the width
        layout.setContentsMargins(8, 6, 6, 6)
        layout.setSpacing(4)
        self.label = QLabel(text, wordWrap=True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        close = QPushButton("Got it")
        close.setToolTip("Hide this hint for good")
        close.clicked.connect(self._close)
        layout.addWidget(self.label)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)

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


class FlowLayout(QLayout):
    """Buttons left to right, wrapping onto another row when the dock is narrow (Qt has no such layout):
    a sidebar of decision or debate buttons then needs the width of its widest button, not of all of them."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 4) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt override
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt override
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt override
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt override
        size = QSize()
        for item in self._items:
            if not item.isEmpty():
                size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _place(self, rect: QRect, *, move: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, row_height = area.x(), area.y(), 0
        for item in self._items:
            if item.isEmpty():  # a hidden button takes no room
                continue
            hint = item.sizeHint()
            if x > area.x() and x + hint.width() > area.right() + 1:
                x, y, row_height = area.x(), y + row_height + self.spacing(), 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self.spacing()
            row_height = max(row_height, hint.height())
        return y + row_height - rect.y() + margins.bottom()


class StatusLabel(QLabel):
    """A status-bar field that asks for its whole text but can shrink to a few letters, ending in "…" (the
    whole text is in its tooltip): on a 1024 px screen the counts and the Claude line must not push the window
    wider, nor cover the messages on the left."""

    text_set = Signal()  # its wish for width changed: the bar shares itself again

    def __init__(self) -> None:
        super().__init__()
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setContentsMargins(8, 0, 0, 0)  # apart from its neighbour ("6 untested  9 weak arguments")

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        self._full = text
        self.setToolTip(text)
        self._elide()
        self.updateGeometry()
        self.text_set.emit()

    def text(self) -> str:
        return self._full

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        margins = self.contentsMargins()
        return QSize(self.fontMetrics().horizontalAdvance(self._full) + margins.left() + margins.right() + 4,
                     super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(min(self.sizeHint().width(), 40), super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        super().setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, max(10, self.width())))


def share_width(room: int, wishes: list[int], minimum: int = 40) -> list[int]:
    """Widths for fields that want ``wishes``: each in turn gets its wish while ``room`` lasts, and never less
    than ``minimum`` (an empty field wants, and gets, nothing)."""
    out = []
    for wish in wishes:
        width = min(wish, max(minimum, room))
        out.append(width)
        room -= width
    return out
