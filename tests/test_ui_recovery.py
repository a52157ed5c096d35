"""A crash mid-edit loses at most a moment of typing: reopening offers the journaled text."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from doccritic.core.journal import Journal
from doccritic.ui.main_window import MainWindow

TIMEOUT = 20_000

CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from PySide6.QtWidgets import QApplication
    from PySide6.QtGui import QTextCursor
    app = QApplication([])
    from doccritic.ui.main_window import MainWindow
    win = MainWindow()
    win.show()

    def ready():
        cursor = win.editor.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText("Typed just before the crash.")
        win.journal_written.connect(lambda: (print("journaled", flush=True)))

    win.document_ready.connect(ready)
    win.open_path(Path(sys.argv[1]))
    app.exec()
    """
)


def test_killed_mid_edit_then_reopened_recovers_the_text(qtbot, tmp_path):
    doc = tmp_path / "prd.md"
    doc.write_text("# Plan\n\nWe ship in May.\n", encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(doc)], stdout=subprocess.PIPE, text=True, env=env, cwd=tmp_path
    )
    try:
        assert child.stdout.readline().strip() == "journaled"  # blocks until the journal write landed
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    assert doc.read_text(encoding="utf-8") == "# Plan\n\nWe ship in May.\n"  # the file was never touched

    win = MainWindow()
    win.show()
    with qtbot.waitSignal(win.document_ready, timeout=TIMEOUT):
        win.open_path(doc)
    assert "did not close normally" in win.banner.label.text() and "not shown" in win.banner.label.text()
    win.banner.button("Restore").click()
    assert win.editor.toPlainText() == "# Plan\n\nWe ship in May.\nTyped just before the crash."
    assert win.editor.document().isModified()
    win.editor.undo()  # one step back to the file's version
    assert win.editor.toPlainText() == "# Plan\n\nWe ship in May.\n"
    win.editor.redo()
    assert win.files.save()
    assert Journal().read(doc) is None  # saved: nothing left to recover
    win.close()


def test_no_recovery_offer_after_a_normal_save(qtbot, tmp_path):
    doc = tmp_path / "prd.md"
    doc.write_text("# Plan\n", encoding="utf-8")
    Journal().write(doc, "# Plan\n")  # same text as the file: nothing to recover
    win = MainWindow()
    win.show()
    with qtbot.waitSignal(win.document_ready, timeout=TIMEOUT):
        win.open_path(doc)
    assert win.banner.button("Restore") is None
    win.close()


def test_damaged_journal_is_ignored(tmp_path: Path):
    journal = Journal(tmp_path / "j")
    journal.write(tmp_path / "a.md", "text")
    next((tmp_path / "j").glob("*.json")).write_text("{not json", encoding="utf-8")
    assert journal.read(tmp_path / "a.md") is None


def open_window(qtbot, doc: Path) -> MainWindow:
    win = MainWindow()
    win.show()
    with qtbot.waitSignal(win.document_ready, timeout=TIMEOUT):
        win.open_path(doc)
    return win


def close_discarding(win: MainWindow) -> None:
    win.editor.document().setModified(False)
    win.close()
    win.runner.wait(5000)


def test_dismissing_the_recovery_offer_and_typing_loses_nothing(qtbot, tmp_path, monkeypatch):
    doc = tmp_path / "prd.md"
    doc.write_text("# Plan\n", encoding="utf-8")
    Journal().write(doc, "# Plan\nRecovered paragraph.\n")  # what a crashed session left
    win = open_window(qtbot, doc)
    win.banner.button("Dismiss").click()
    assert "kept" in win.statusBar().currentMessage()
    with qtbot.waitSignal(win.journal_written, timeout=TIMEOUT):  # typing now journals this session's text
        win.editor.insertPlainText("New typing. ")
        win.session.write_journal()
    assert Journal().recovered(doc).text == "# Plan\nRecovered paragraph.\n"  # not overwritten
    win.session.discard_journal()  # this session's own changes are thrown away on closing ("Discard")
    close_discarding(win)
    again = open_window(qtbot, doc)  # offered again, with the crashed session's words
    try:
        again.banner.button("Restore").click()
        assert again.editor.toPlainText() == "# Plan\nRecovered paragraph.\n"
    finally:
        close_discarding(again)


def test_recovered_changes_are_deleted_only_after_a_worded_confirmation(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    doc = tmp_path / "prd.md"
    doc.write_text("# Plan\n", encoding="utf-8")
    Journal().write(doc, "# Plan\nRecovered paragraph.\n")
    win = open_window(qtbot, doc)
    try:
        answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes]
        monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: answers.pop(0))
        win.banner.button("Delete recovered changes…").click()
        qtbot.waitUntil(win.banner.isVisible, timeout=TIMEOUT)  # cancelled: still offered
        assert win.banner.button("Restore") is not None
        win.banner.button("Delete recovered changes…").click()
        assert Journal().recovered(doc) is None
    finally:
        close_discarding(win)
    again = open_window(qtbot, doc)
    try:
        assert again.banner.button("Restore") is None
    finally:
        close_discarding(again)


def test_a_journal_written_in_slices_recovers_text_typed_mid_document(qtbot, tmp_path, monkeypatch):
    from doccritic.ui import review_session

    monkeypatch.setattr(review_session, "JOURNAL_SLICE", 7)  # many slices, cut inside words and the emoji's line
    doc = tmp_path / "prd.md"
    doc.write_text("# Plan 🚀\n\n" + "Ship it to \"all\" users.\n\n" * 40, encoding="utf-8")
    win = open_window(qtbot, doc)
    cursor = win.editor.textCursor()
    cursor.setPosition(len(win.editor.toPlainText()) // 2)
    cursor.insertText("typed 👩‍💻 here\tand\\there")  # the editor keeps it in pieces: base, window, base
    with qtbot.waitSignal(win.journal_written, timeout=TIMEOUT):
        win.session.write_journal()
    entry = win.session.journal.read(doc)
    assert entry is not None and entry.text == win.editor.toPlainText()
    close_discarding(win)
