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
running: each :func:`watch`-ed Runner is asked), and at most ``MAX_WAIT_S``.

The young generations wait for the work too: a re-check of a 1M-word draft leaves 70,000-85,000 tracked
objects (its blocks, sections, findings), and each young collection on the way walked them again, 20-55 ms
inside the pause after typing. When a job ends with that many new objects, they are frozen instead
(``gc.freeze``: set aside, walked by no collection; reference counting still frees them when the next
re-check replaces them). Cyclic garbage frozen with them is reclaimed by a deep collection (unfreeze, collect,
freeze) once the work pauses, at most every ``DEEP_EVERY_S``.
"""

from __future__ import annotations

import gc
import time
import weakref
from typing import Protocol

from PySide6.QtCore import QObject
from shiboken6 import Shiboken

from doccritic.ui.timers import timer

INTERVAL_MS = 500
IDLE_S = 2.0  # a full collection waits for a pause this long in typing and background work
MAX_WAIT_S = 60.0  # but not longer than this after it was due
FREEZE_AT = 20_000  # new tracked objects a finished job left that are frozen rather than walked young
DEEP_EVERY_S = 60.0  # frozen cyclic garbage waits at most this long (and a pause) for a deep collection
_installed: MainThreadCollector | None = None
_settled = False
_last_activity = 0.0
_clock = time.monotonic


class WorkSource(Protocol):
    """Something that runs background jobs (the UI's Runner): busy while one of its jobs has not come back."""

    def busy(self) -> bool: ...


# Sources are asked rather than counted: a job whose runner was closed or deleted before its result came back
# would otherwise leave a count behind that held off every collection for MAX_WAIT_S, in every later window.
_sources: weakref.WeakSet[WorkSource] = weakref.WeakSet()


def watch(source: WorkSource) -> None:
    """Count ``source``'s jobs as background work while it lives (and, for a Qt object, until it is deleted)."""
    _sources.add(source)


def _busy() -> bool:
    for source in list(_sources):
        if isinstance(source, QObject) and not Shiboken.isValid(source):
            _sources.discard(source)
        elif source.busy():
            return True
    return False


def activity() -> None:
    """The user typed: a full collection now would be felt."""
    global _last_activity
    _last_activity = _clock()


def job_ended() -> None:
    """A job of a watched source came back: once nothing else runs, its result is frozen if large."""
    activity()
    if not _busy() and _installed is not None:
        _installed.work_done()


class MainThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        self._due_since: float | None = None  # when a full collection became due and was put off
        self._busy_since: float | None = None  # when collections were first put off for background work
        self._frozen = False  # objects were frozen since the last deep collection
        self._last_deep = -DEEP_EVERY_S
        gc.disable()
        self.timer = timer(self, interval_ms, self.check, single_shot=False)
        self.timer.start()

    def work_done(self) -> None:
        """Background work ended: a large result (its objects still young) is frozen instead of walked."""
        self._busy_since = None
        if gc.get_count()[0] >= FREEZE_AT:
            gc.freeze()
            self._frozen = True

    def check(self) -> None:
        """Collect the generations whose counts passed their thresholds, as automatic GC would."""
        if self._waits_for_work():
            return
        if self._frozen and self._idle() and _clock() - self._last_deep >= DEEP_EVERY_S:
            self._deep()
            return
        counts, limits = gc.get_count(), self.threshold
        generation = next((g for g in (2, 1, 0) if counts[g] > limits[g]), None)
        if generation == 2 and not self._may_collect_all():
            generation = next((g for g in (1, 0) if counts[g] > limits[g]), None)
        if generation is not None:
            gc.collect(generation)

    def _waits_for_work(self) -> bool:
        """Whether no collection runs now: a background job runs (for at most ``MAX_WAIT_S``)."""
        if not _busy():
            self._busy_since = None
            return False
        now = _clock()
        if self._busy_since is None:
            self._busy_since = now
        return now - self._busy_since < MAX_WAIT_S

    def _idle(self) -> bool:
        return not _busy() and _clock() - _last_activity >= IDLE_S

    def _deep(self) -> None:
        """A full collection that walks the frozen objects too, then sets what survives aside again."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self._frozen, self._last_deep, self._due_since = False, _clock(), None

    def _may_collect_all(self) -> bool:
        now = _clock()
        if self._due_since is None:
            self._due_since = now
        if self._idle() or now - self._due_since >= MAX_WAIT_S:
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
