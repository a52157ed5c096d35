"""An unexpected error in the window: the PM's text is kept, a short report can be copied, the app runs on.

``sys.excepthook`` (an exception in a slot or an event handler) and ``threading.excepthook`` (a worker
thread) both end here. The report names the versions and the traceback, with anything shaped like an API
key taken out; it goes to the log and to ``crash.log`` in the data folder, and a small non-modal dialog
shows it with a Copy button. The journal is written first, so unsaved text survives even if what comes
next goes wrong too.
"""

from __future__ import annotations

import logging
import os
import platform
import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from doccritic import __version__, paths

log = logging.getLogger(__name__)
MAX_LOG_BYTES = 512_000  # crash.log starts again past this: it is for the last few reports, not a history


def versions() -> str:
    """App, Python, Qt and SDK versions, one line (the SDK's from its metadata: importing it takes 0.5 s)."""
    from importlib.metadata import PackageNotFoundError, version

    from PySide6 import __version__ as pyside
    from PySide6.QtCore import qVersion

    try:
        sdk = version("anthropic")
    except PackageNotFoundError:
        sdk = "not installed"
    return (f"doccritic {__version__} · Python {platform.python_version()} · Qt {qVersion()} (PySide6 {pyside}) · "
            f"anthropic {sdk} · {platform.platform()}")


def report_text(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None,
                where: str = "") -> str:
    """The report: versions and the traceback, without keys (the environment's, or anything shaped like one)."""
    from doccritic.claude.failures import redact

    body = "".join(traceback.format_exception(exc_type, exc, tb))
    key = os.environ.get("ANTHROPIC_API_KEY", "").strip()
    if len(key) >= 8:
        body = body.replace(key, "[redacted]")
    head = f"{versions()}\n{where}\n" if where else f"{versions()}\n"
    return redact(head + body)


class CrashReporter(QObject):
    """Installs the hooks; reports on the GUI thread whichever thread the error happened on."""

    reported = Signal(str)  # the report, once it is logged and shown
    _arrived = Signal(str)  # a report made on another thread, queued to this one

    def __init__(self, parent: QWidget, keep_text: Callable[[], None]) -> None:
        super().__init__(parent)
        self._parent, self._keep_text = parent, keep_text
        self._previous: tuple[object, object] | None = None
        self._handling = False
        self.dialog: CrashDialog | None = None
        self._arrived.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.handle
        threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous  # type: ignore[assignment]
            self._previous = None

    def handle(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        """An exception nothing caught, on the GUI thread."""
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        if self._handling:  # the report itself failed: the log has to do
            self._keep()
            log.error("while reporting an error: %s", "".join(traceback.format_exception_only(exc_type, exc)))
            return
        self._handling = True
        try:
            self._show(report_text(exc_type, exc, tb))
        finally:
            self._handling = False

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        name = args.thread.name if args.thread is not None else "a worker thread"
        self._arrived.emit(report_text(args.exc_type, args.exc_value, args.exc_traceback, f"in thread {name}"))

    def _keep(self) -> None:
        try:
            self._keep_text()
        except Exception:  # keeping the text must never stop the report
            log.exception("could not write the journal while reporting an error")

    def _show(self, report: str) -> None:
        self._keep()
        log.error("unexpected error\n%s", report)
        where = _append_log(report)
        if self.dialog is None:
            self.dialog = CrashDialog(self._parent)
            self.dialog.finished.connect(self._closed)
        self.dialog.add(report, where)
        self.dialog.show()
        self.dialog.raise_()
        self.reported.emit(report)

    def _closed(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None


class CrashDialog(QDialog):
    """Non-modal: the PM can go on working (and save) with it open."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Something went wrong")
        self.setModal(False)
        self.setMinimumWidth(560)
        self.message = QLabel(wordWrap=True)
        self.details = QPlainTextEdit(readOnly=True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy report")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.message, self.details, buttons):
            layout.addWidget(widget)
        self._count = 0

    def add(self, report: str, log_file: str | None) -> None:
        self._count += 1
        kept = f" A copy is in {log_file}." if log_file else ""
        again = f" ({self._count} errors so far.)" if self._count > 1 else ""
        self.message.setText("doccritic hit an unexpected error. Your text is kept and you can go on working; "
                             f"save soon to be safe. Copy the report below if you tell us about it.{kept}{again}")
        text = self.details.toPlainText()
        self.details.setPlainText(f"{text}\n\n{report}" if text else report)

    def copy(self) -> None:
        QApplication.clipboard().setText(self.details.toPlainText())
        self.copy_button.setText("Copied")


def _append_log(report: str) -> str | None:
    """Add the report to crash.log in the data folder; its path, or None when it cannot be written."""
    try:
        folder = paths.data_dir()
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / "crash.log"
        mode = "w" if target.exists() and target.stat().st_size > MAX_LOG_BYTES else "a"
        with target.open(mode, encoding="utf-8") as out:
            out.write(report.rstrip() + "\n\n")
        return str(target)
    except OSError:
        return None
