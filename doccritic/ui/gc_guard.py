"""Collect Python garbage on the GUI thread only.

CPython runs its cyclic garbage collector in whichever thread happens to allocate when a threshold is
crossed. doccritic parses and checks documents on worker threads, so a collection could start there
and free a PySide wrapper whose Qt object belongs to the GUI thread, which crashes the process (seen
as a segfault "Garbage-collecting" inside markdown-it on a worker). Automatic collection is therefore
switched off and this timer does the same work on the GUI thread, the well-known pattern for Qt apps
with Python worker threads.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject

from doccritic.ui.timers import timer

INTERVAL_MS = 500
_installed: MainThreadCollector | None = None
_settled = False


class MainThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        gc.disable()
        self.timer = timer(self, interval_ms, self.check, single_shot=False)
        self.timer.start()

    def check(self) -> None:
        """Collect the generations whose counts passed their thresholds, as automatic GC would."""
        counts, limits = gc.get_count(), self.threshold
        generation = next((g for g in (2, 1, 0) if counts[g] > limits[g]), None)
        if generation is not None:
            gc.collect(generation)


def settle() -> None:
    """Once, after start-up: what is alive then (modules, classes, the window's wrappers) lives as long as
    the app, so it is moved out of the collector's way and later full collections walk only newer objects.
    Called on the GUI thread; collects first so that no start-up garbage is kept forever."""
    global _settled
    if not _settled:
        _settled = True
        gc.collect()
        gc.freeze()


def install(parent: QObject) -> MainThreadCollector:
    """Install once per process (later calls return the first collector)."""
    global _installed
    if _installed is None:
        _installed = MainThreadCollector(parent)
    return _installed
