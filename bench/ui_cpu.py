"""UI-thread CPU of the work a long document puts on the window (a measurement, not a test).

``bench/ui_speed.py`` times stalls on the wall clock, which a loaded machine inflates several times over; this
script counts the CPU seconds the UI thread itself spends (``time.thread_time``) in each handler a stall is
made of, so a change can be compared on a busy machine. Run from the repository root:

    QT_QPA_PLATFORM=offscreen python bench/ui_cpu.py --words 1000000 --repeat 4

It opens a generated PRD of ``--words`` words twice (the second open is counted), shows 1,000 findings, then
types one key ``--repeat`` times, each followed by its re-check and 1.2 s for the save and the register:
``_opened`` (the text and checks shown), ``_rechecked`` + ``_show_checks`` (a re-check shown),
``refresh_now`` (the Decisions dock worked out again) and ``save_review`` (the review handed to the store),
in milliseconds, min and median of the counted runs; the keystrokes' CPU per key comes last.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import harness  # bench/harness.py, beside this script

BENCH = Path(__file__).resolve().parent


def counted(cls: type, name: str, into: dict[str, list[float]]) -> None:
    """Wrap ``cls.name`` to add the UI thread's CPU milliseconds of each call to ``into[name]``."""
    original: Callable[..., Any] = getattr(cls, name)

    def wrapper(self: object, *args: object, **kwargs: object) -> object:
        started = time.thread_time()
        try:
            return original(self, *args, **kwargs)
        finally:
            into.setdefault(name, []).append((time.thread_time() - started) * 1000)

    setattr(cls, name, wrapper)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--words", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=4)
    harness.add_timeout_option(ap, default=900)
    args = ap.parse_args(argv)
    harness.install_timeout(args.timeout, "bench/ui_cpu.py")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    harness.quiet_qt()
    print(harness.load_line("start"), flush=True)
    sys.path.insert(0, str(BENCH))
    import check_speed
    import ui_speed
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from doccritic.ui.main_window import MainWindow
    from doccritic.ui.register_dock import RegisterController
    from doccritic.ui.review_session import ReviewSession

    cpu: dict[str, list[float]] = {}
    for cls, name in ((MainWindow, "_opened"), (ReviewSession, "_rechecked"), (MainWindow, "_show_checks"),
                      (RegisterController, "refresh_now"), (ReviewSession, "save_review")):
        counted(cls, name, cpu)
    with tempfile.TemporaryDirectory(prefix="doccritic-ui-cpu-") as tmp:
        os.environ["DOCCRITIC_CONFIG_DIR"], os.environ["DOCCRITIC_DATA_DIR"] = f"{tmp}/config", f"{tmp}/data"
        path = Path(tmp) / "prd.md"
        path.write_text(check_speed.to_markdown(check_speed.build_blocks(args.words, random.Random(42))), "utf-8")
        app = QApplication.instance() or QApplication(sys.argv[:1])
        window = ui_speed.new_window()
        window.resize(1300, 850)
        for _ in range(2):  # the first open pays for imports and the store
            window.open_path(str(path))
            ui_speed.wait_for(window.document_ready)
            ui_speed.spin(1.5)
        del cpu["_opened"][0]
        editor = window.editor
        ui_speed.push_findings(window, ui_speed.make_findings(editor.toPlainText()))
        cursor = editor.textCursor()
        cursor.setPosition(editor.text_map.qt_length // 2)
        editor.setTextCursor(cursor)
        app.processEvents()
        for name in ("_rechecked", "_show_checks", "refresh_now", "save_review"):
            cpu.pop(name, None)  # the open's: counted with it
        for _ in range(args.repeat):
            QTest.keyClick(editor, Qt.Key.Key_A)
            ui_speed.wait_for(window.checks_applied)
            ui_speed.spin(1.2)
        started = time.thread_time()
        for _ in range(100):
            QTest.keyClick(editor, Qt.Key.Key_A)
            app.processEvents()
        per_key = (time.thread_time() - started) * 10
        words = window.session.snapshot.doc.word_count if window.session.snapshot else 0
        editor.document().setModified(False)
        window.close(), window.runner.wait(5000)
    print(f"\n{words:,} words; UI-thread CPU, ms (min / median of {args.repeat}):")
    for name, values in cpu.items():
        print(f"  {name:<14} {min(values):7.1f} / {statistics.median(values):7.1f}")
    print(f"  {'per keystroke':<14} {per_key:7.2f}")
    print(harness.load_line("end"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
