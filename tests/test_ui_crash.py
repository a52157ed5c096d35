"""An unexpected error in a slot or a worker thread: a report the PM can copy, the text kept, the app running on."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from conftest import SAMPLE
from doccritic import paths
from doccritic.core.journal import Journal
from doccritic.ui.crash import CrashReporter
from doccritic.ui.main_window import MainWindow

TIMEOUT = 15_000
FAKE_KEY = "test-key-0123456789"  # not shaped like a real key: only its value may be redacted


@pytest.fixture
def window(qtbot, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_KEY)
    doc = tmp_path / "draft.md"
    shutil.copy(SAMPLE, doc)
    win = MainWindow()
    reporter = CrashReporter(win, win.session.flush_journal)
    reporter.install()  # as doccritic.app does
    win.crash_reporter = reporter
    win.show()
    with qtbot.waitSignal(win.document_ready, timeout=TIMEOUT):
        win.open_path(doc)
    yield win
    reporter.uninstall()
    win.editor.document().setModified(False)
    win.close()
    win.runner.wait(5000)
    win.deleteLater()


@pytest.mark.qt_no_exception_capture  # the app's own hook is what is tested
def test_an_error_in_a_slot_is_reported_the_text_kept_and_the_app_runs_on(qtbot, window):
    def broken_slot() -> None:
        raise RuntimeError(f"bad state near key {FAKE_KEY}")

    window.editor.setFocus()
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
    QTest.keyClicks(window.editor, " Unsaved words.")
    with qtbot.waitSignal(window.crash_reporter.reported, timeout=TIMEOUT) as reported:
        QTimer.singleShot(0, broken_slot)  # an exception in a slot, from the event loop
    report = reported.args[0]
    assert "RuntimeError: bad state near key [redacted]" in report and FAKE_KEY not in report
    assert "doccritic " in report and "Python " in report and "Qt " in report and "anthropic " in report

    # The PM's unsaved text reached the journal before anything else was attempted.
    entry = Journal().read(window.session.path)
    assert entry is not None and "Unsaved words." in entry.text  # before the 1.5 s journal timer came round

    # A short, non-modal report with a Copy button; the copied text is the report.
    dialog = window.crash_reporter.dialog
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    dialog.copy_button.click()
    assert QApplication.clipboard().text() == report
    log = (paths.data_dir() / "crash.log").read_text(encoding="utf-8")
    assert "RuntimeError" in log and FAKE_KEY not in log

    # The window still works: typing on re-runs the checks.
    with qtbot.waitSignal(window.checks_applied, timeout=TIMEOUT):
        QTest.keyClicks(window.editor, " We will launch to 100% of users at once.")
    assert window.isVisible()
    dialog.close()


@pytest.mark.qt_no_exception_capture
def test_an_error_on_a_worker_thread_is_reported_on_the_window(qtbot, window):
    def work() -> None:
        raise ValueError("worker gave up")

    # pytest before 8.4 swaps threading.excepthook around each test phase (its threadexception plugin), so the
    # hook the window installed during setup is no longer the one in force here: install it again, as the app
    # has it for its whole life.
    window.crash_reporter.uninstall()
    window.crash_reporter.install()
    with qtbot.waitSignal(window.crash_reporter.reported, timeout=TIMEOUT) as reported:
        thread = threading.Thread(target=work, name="exporter")
        thread.start()
        thread.join()
    assert "in thread exporter" in reported.args[0] and "ValueError: worker gave up" in reported.args[0]
    assert window.crash_reporter.dialog.isVisible()
    window.crash_reporter.dialog.close()
