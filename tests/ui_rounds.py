"""Window scaffolding the review-round tests share (``test_ui_rounds*.py``): a document open and ready for one
critic, and edits typed into the editor the way a PM makes them (offsets through the editor's UTF-16 map)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QTextCursor

from doccritic.ui.main_window import MainWindow

TIMEOUT = 15_000


def ready_for_critics(win: MainWindow, path: Path, qtbot) -> MainWindow:
    """``path`` open in ``win`` with only the Staff Engineer checked and the cost dialog answered "Run"."""
    with qtbot.waitSignal(win.document_ready, timeout=TIMEOUT):
        win.open_path(path)
    win.critics.confirm = lambda estimate, chosen, section: True  # the cost dialog has its own test
    win.critics.panel.set_checked({"staff-engineer"})
    return win


def type_over(win: MainWindow, start: int, end: int, new: str) -> None:
    """Select ``[start, end)`` (code points) in the editor and type ``new`` over it."""
    cursor = QTextCursor(win.editor.document())
    cursor.setPosition(win.editor.text_map.to_qt(start))
    cursor.setPosition(win.editor.text_map.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
    cursor.insertText(new)


def replace_in_editor(win: MainWindow, old: str, new: str) -> None:
    at = win.editor.toPlainText().index(old)
    type_over(win, at, at + len(old), new)
