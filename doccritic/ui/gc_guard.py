"""Collect Python garbage on the GUI thread only.

CPython runs its cyclic garbage collector in whichever thread happens to allocate when a threshold is
crossed. doccritic parses and checks documents on worker threads, so a collection could start there
and free a PySide wrapper whose Qt object belongs to the GUI thread, which crashes the process (seen
as a segfault "Garbage-collecting" inside markdown-it on a worker). Automatic collection is therefore
switched off and this timer does the same work on the GUI thread, the well-known pattern for Qt apps
with Python worker threads.

A full collection walks every live object: 40-110 ms on the UI thread with a 1M-word draft open, the largest
stall left in the pause after typing (the re-check allocates enough to call for one each time). Little of
this app's garbage is cyclic (reference counting frees the parsed documents), so a full collection waits
until the user's work has paused for ``IDLE_S`` (:func:`activity` marks keystrokes; no background job is
running: :func:`work_started`, :func:`work_ended`), and at most ``MAX_WAIT_S``; the young generations are
collected as before.
"""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QObject

from doccritic.ui.timers import timer

INTERVAL_MS = 500
IDLE_S = 2.0  # a full collection waits for a pause this long in typing and background work
MAX_WAIT_S = 60.0  # but not longer than this after it was due
_installed: MainThreadCollector | None = None
_settled = False
_last_activity = 0.0
_working = 0  # background jobs running (a re-check of a long draft takes seconds)
_clock = time.monotonic


def activity() -> None:
    """The user typed: a full collection now would be felt."""
    global _last_activity
    _last_activity = _clock()


def work_started() -> None:
    global _working
    _working += 1
    activity()


def work_ended() -> None:
    global _working
    _working = max(0, _working - 1)
    activity()


class MainThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        self._due_since: float | None = None  # when a full collection became due and was put off
        gc.disable()
        self.timer = timer(self, interval_ms, self.check, single_shot=False)
        self.timer.start()

    def check(self) -> None:
        """Collect the generations whose counts passed their thresholds, as automatic GC would."""
        counts, limits = gc.get_count(), self.threshold
        generation = next((g for g in (2, 1, 0) if counts[g] > limits[g]), None)
        if generation == 2 and not self._may_collect_all():
            generation = next((g for g in (1, 0) if counts[g] > limits[g]), None)
        if generation is not None:
            gc.collect(generation)

    def _may_collect_all(self) -> bool:
        now = _clock()
        if self._due_since is None:
            self._due_since = now
        if (not _working and now - _last_activity >= IDLE_S) or now - self._due_since >= MAX_WAIT_S:
            self._due_since = None
            return True
        return False


def settle() -> None:
    """Once, after start-up: what is alive then (modules, classes, the window's wrappers) lives as long as
    the app, so it is moved out of the collector's way and later full collections walk only newer objects.
    Called on the GUI thread; collects first so that no start-up garbage is kept forever."""
    global _settled
    if not _settled:
        _settled = True
        gc.collect()
        gc.freeze()


def install(parent: QObject | None) -> MainThreadCollector:
    """Install once per process (later calls return the first collector)."""
    global _installed
    if _installed is None:
        _installed = MainThreadCollector(parent)
    return _installed
