"""The References dock's widgets: attached files with their size and tokens, who reads each, and the intent.

The panel changes nothing itself: it asks (``add_requested``, ``remove_requested``, ``assign_requested``,
``intent_edited``) and the controller (:mod:`doccritic.ui.references_dock`) changes the ReviewSession, whose
``context_changed`` brings the new state back through :meth:`ReferencesPanel.show_references`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from doccritic.core.references import MAX_REFERENCE_TOKENS, Intent, Reference
from doccritic.ui.textpos import Utf16Map
from doccritic.ui.timers import timer

EVERY_CRITIC = "Every critic"
INTENT_DELAY_MS = 600  # the intent is stored this long after the last keystroke
_COLUMNS = ("", "Name", "Size", "Tokens", "Read by")


def size_label(chars: int) -> str:
    """Characters of text (what is sent), not bytes on disk: a 4 MB PDF may hold 30k characters."""
    if chars < 1000:
        return f"{chars} ch"
    return f"{chars / 1000:.1f}k ch" if chars < 10_000 else f"{chars / 1000:,.0f}k ch"


class ReferencesPanel(QWidget):
    """References (list, Add…, Remove, Read by) above the author's intent (three short fields)."""

    add_requested = Signal()
    remove_requested = Signal(str)  # reference id
    assign_requested = Signal(str, object)  # reference id, persona id or None (every critic)
    intent_edited = Signal(object)  # Intent
    open_requested = Signal(str)  # reference id: show its text

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._names: dict[str, str] = {}
        self._refs: list[Reference] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self._build_references())
        layout.addWidget(self._build_intent())
        layout.addStretch(1)
        self._intent_timer = timer(self, INTENT_DELAY_MS, self._emit_intent)
        self.show_references([])

    # construction ----------------------------------------------------------------------------
    def _build_references(self) -> QGroupBox:
        box = QGroupBox("Reference material")
        v = QVBoxLayout(box)
        hint = QLabel("Files critics and debaters read after the draft (Markdown, text, Word, PDF).")
        hint.setWordWrap(True)
        v.addWidget(hint)
        self.list = QTreeWidget()
        self.list.setHeaderLabels(list(_COLUMNS))
        self.list.setRootIsDecorated(False)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.list.header()
        header.setStretchLastSection(False)
        for col in range(len(_COLUMNS)):
            mode = {1: QHeaderView.ResizeMode.Stretch, 4: QHeaderView.ResizeMode.Interactive}.get(
                col, QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionResizeMode(col, mode)
        header.resizeSection(4, 96)  # a long persona name is elided here; the combo below shows it whole
        self.list.setMinimumHeight(self.list.fontMetrics().lineSpacing() * 6 + 16)  # four rows in sight
        self.list.setMaximumHeight(self.list.fontMetrics().lineSpacing() * 7 + 16)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setAccessibleName("Reference material")
        self.list.itemSelectionChanged.connect(self._selection_changed)
        self.list.itemDoubleClicked.connect(
            lambda item, _col: self.open_requested.emit(item.data(0, Qt.ItemDataRole.UserRole)))
        v.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton("Add…")
        self.add_button.clicked.connect(self.add_requested.emit)
        self.add_button.setToolTip("Attach a file as reference material")
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self._remove)
        self.reader = QComboBox()
        self.reader.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.reader.setMinimumContentsLength(10)
        self.reader.setAccessibleName("Read by")
        self.reader.setToolTip("Every critic, or one persona only (e.g. a privacy policy for Legal)")
        self.reader.activated.connect(self._assign)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        v.addLayout(row)
        reader_row = QHBoxLayout()  # a row of its own: the dock stays narrow enough for a 1024 px screen
        reader_row.addWidget(QLabel("Read by:"))
        reader_row.addWidget(self.reader, 1)
        v.addLayout(reader_row)
        self.total = QLabel()
        self.total.setWordWrap(True)
        v.addWidget(self.total)
        return box

    def _build_intent(self) -> QGroupBox:
        box = QGroupBox("Your intent (sent to critics and debaters)")
        v = QVBoxLayout(box)
        v.setSpacing(3)
        self.feedback_on, self.decided, self.constraints = (self._note(p) for p in (
            "e.g. Is the migration plan safe? Is pricing clear?",
            "e.g. Opt-out by default: legal signed it off on 3 May.",
            "e.g. Ship by Q3; no new headcount."))
        for label, edit in (("What I want feedback on", self.feedback_on),
                            ("Already decided, and why (critics mark a finding that challenges it)", self.decided),
                            ("Constraints", self.constraints)):
            caption = QLabel(label)
            caption.setWordWrap(True)
            caption.setBuddy(edit)
            edit.setAccessibleName(label)
            v.addWidget(caption)
            v.addWidget(edit)
            v.addSpacing(4)
        return box

    def _note(self, placeholder: str) -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setPlaceholderText(placeholder)
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 2 + 14)
        edit.textChanged.connect(self._intent_timer_start)
        return edit

    def _intent_timer_start(self) -> None:
        self._intent_timer.start()

    # state in --------------------------------------------------------------------------------
    def set_persona_names(self, names: dict[str, str]) -> None:
        self._names = dict(names)
        self.show_references(self._refs)

    def show_references(self, refs: list[Reference]) -> None:
        """The session's list, as it is now; the selection stays on the same reference when it can."""
        current = self.selected_id()
        self._refs = list(refs)
        self.list.clear()
        for ref in refs:
            reader = self._names.get(ref.persona, ref.persona) if ref.persona else EVERY_CRITIC
            missing = ref.text is None
            item = QTreeWidgetItem([ref.id, ref.name + (" (file not found: not sent)" if missing else ""),
                                    size_label(ref.chars), f"~{ref.tokens:,}", reader])
            item.setData(0, Qt.ItemDataRole.UserRole, ref.id)
            item.setToolTip(1, ref.path or ref.name)
            item.setToolTip(4, reader)
            for col in (2, 3):
                item.setTextAlignment(col, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.list.addTopLevelItem(item)
            if ref.id == current:
                item.setSelected(True)
        tokens = sum(r.tokens for r in refs if r.text is not None)
        if refs:
            self.total.setText(f"{len(refs)} file{'' if len(refs) == 1 else 's'}, ~{tokens:,} tokens of "
                               f"{MAX_REFERENCE_TOKENS:,}. Sent with every run after the draft (cached after the "
                               "first critic); Run shows the cost first.")
        else:
            self.total.setText("Nothing attached.")
        self._selection_changed()

    def show_intent(self, intent: Intent | None) -> None:
        intent = intent or Intent()
        for edit, text in ((self.feedback_on, intent.feedback_on), (self.decided, intent.decided),
                           (self.constraints, intent.constraints)):
            if edit.toPlainText() != text:
                edit.blockSignals(True)
                edit.setPlainText(text)
                edit.blockSignals(False)
        self._intent_timer.stop()

    def intent(self) -> Intent:
        return Intent(feedback_on=self.feedback_on.toPlainText().strip(), decided=self.decided.toPlainText().strip(),
                      constraints=self.constraints.toPlainText().strip())

    def flush_intent(self) -> None:
        """Store a pending edit now (the document is closing)."""
        if self._intent_timer.isActive():
            self._intent_timer.stop()
            self._emit_intent()

    # requests out ----------------------------------------------------------------------------
    def selected_id(self) -> str | None:
        items = self.list.selectedItems()
        return items[0].data(0, Qt.ItemDataRole.UserRole) if items else None

    def _selection_changed(self) -> None:
        ref_id = self.selected_id()
        ref = next((r for r in self._refs if r.id == ref_id), None)
        self.remove_button.setEnabled(ref is not None)
        self.reader.setEnabled(ref is not None)
        self.reader.blockSignals(True)
        self.reader.clear()
        self.reader.addItem(EVERY_CRITIC, None)
        for pid, name in sorted(self._names.items(), key=lambda kv: kv[1]):
            self.reader.addItem(name, pid)
        if ref is not None and ref.persona and self.reader.findData(ref.persona) < 0:
            self.reader.addItem(ref.persona, ref.persona)  # a persona not loaded (yet): keep it shown
        self.reader.setCurrentIndex(max(0, self.reader.findData(ref.persona)) if ref and ref.persona else 0)
        self.reader.blockSignals(False)

    def _remove(self) -> None:
        if (ref_id := self.selected_id()) is not None:
            self.remove_requested.emit(ref_id)

    def _assign(self, index: int) -> None:
        if (ref_id := self.selected_id()) is not None:
            self.assign_requested.emit(ref_id, self.reader.itemData(index))

    def _emit_intent(self) -> None:
        self.intent_edited.emit(self.intent())


class ReferenceViewer(QDialog):
    """A reference's text, read-only, scrolled to a cited passage and highlighted there."""

    def __init__(self, ref: Reference, text: str, span: tuple[int, int] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{ref.id} · {ref.name}")
        self.resize(720, 560)
        layout = QVBoxLayout(self)
        self.view = QPlainTextEdit()
        self.view.setReadOnly(True)
        self.view.setPlainText(text)
        layout.addWidget(self.view, 1)
        self.passage = ""
        if span is not None:
            self._highlight(text, *span)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _highlight(self, text: str, start: int, end: int) -> None:
        qt_start, qt_end = Utf16Map(text).span_to_qt(start, end)  # code points -> Qt's UTF-16 positions
        cursor = QTextCursor(self.view.document())
        cursor.setPosition(qt_start)
        cursor.setPosition(qt_end, QTextCursor.MoveMode.KeepAnchor)
        mark = QTextEdit.ExtraSelection()
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(255, 213, 79, 150))
        mark.format, mark.cursor = fmt, cursor
        self.view.setExtraSelections([mark])
        self.passage = cursor.selectedText()
        shown = QTextCursor(cursor)
        shown.setPosition(qt_start)
        self.view.setTextCursor(shown)
        self.view.centerCursor()
