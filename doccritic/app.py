"""Composition root: builds the QApplication and the window, opens the first document.

``--screenshot`` runs the same window offscreen, waits until the document and its checks are shown,
saves a PNG and exits: the docs' screenshots and the visual tests use it.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import cast

SCREENSHOT_TIMEOUT_MS = 30_000


def run_gui(
    path: Path | None,
    *,
    screenshot: Path | None = None,
    size: tuple[int, int] | None = None,
    theme_name: str | None = None,
) -> int:
    if screenshot is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    elif sys.platform.startswith("linux") and not _has_display():
        print(
            "doccritic: no display found, so the window cannot open. Use `doccritic check FILE` to review "
            "from the terminal, or set DISPLAY.",
            file=sys.stderr,
        )
        return 2
    # No automatic garbage collection from here on: during start-up it runs ~70 times (~10 ms) and frees
    # almost nothing, as modules and classes live on; doccritic.ui.gc_guard collects on the GUI thread.
    gc.disable()
    from doccritic.ui.preload import Preload  # the order of what follows: see doccritic/ui/__init__.py

    preload = Preload.start(path) if path is not None else None  # reads and checks it while Qt loads
    import doccritic.ui.session

    if preload is None:  # the window parses the document itself
        import doccritic.formats.markdown  # noqa: F401

    # isort: split
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from doccritic.ui import theme
    from doccritic.ui.main_window import MainWindow

    app = cast(QApplication, QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "doccritic"]))
    app.setApplicationName("doccritic")
    app.setApplicationDisplayName("doccritic")
    app.setDesktopFileName("app.doccritic.Doccritic")  # Wayland matches the window to the .desktop file's icon
    from PySide6.QtGui import QIcon

    from doccritic import paths

    app.setWindowIcon(QIcon(str(paths.resource("icons", "doccritic.svg"))))
    window = MainWindow()
    from doccritic.ui.crash import CrashReporter

    CrashReporter(window, window.session.flush_journal).install()  # an unexpected error: report, keep the text, run on
    if path is not None:  # loading and checking run on a worker while the window is styled and shown
        window.open_path(path, preload=preload)
    theme.apply(theme_name or window.settings.ui.theme)
    window.editor.highlighter.set_dark(theme.is_dark_now())
    if size:
        window.resize(*size)
    status = {"code": 0}
    if screenshot is not None:

        def shoot() -> None:
            app.processEvents()
            if not window.grab().save(str(screenshot)):
                print(f"doccritic: could not write {screenshot}.", file=sys.stderr)
                status["code"] = 2
            app.quit()

        def failed(message: str) -> None:
            print(f"doccritic: {message}", file=sys.stderr)
            status["code"] = 2
            app.quit()

        def timed_out() -> None:
            print("doccritic: the document did not finish loading in time.", file=sys.stderr)
            status["code"] = 2
            for channel in ("load", "checks"):  # nobody waits for them now: no traceback when they fail later
                window.runner.cancel(channel)
            app.quit()

        def settled() -> None:  # the Critics dock lists its personas a moment after the document shows
            critics = window.critics
            if critics.personas:
                QTimer.singleShot(200, shoot)
            else:
                critics.personas_loaded.connect(lambda: QTimer.singleShot(200, shoot))

        window.document_ready.connect(lambda: QTimer.singleShot(0, settled))
        window.load_failed.connect(failed)
        QTimer.singleShot(SCREENSHOT_TIMEOUT_MS, timed_out)
    window.show()
    if path is None and screenshot is not None:
        QTimer.singleShot(200, shoot)
    code = app.exec()
    window.runner.wait(2000)
    return status["code"] or code


def _has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM"))
