"""All background work of the UI goes through here: the UI thread never waits on I/O or parsing.

Each job belongs to a *channel* ("load", "checks"...). Submitting a job to a channel supersedes the
previous one: its result, if it still arrives, is dropped, so a slow re-check can never overwrite the
result of a newer one. Results come back on the UI thread through queued signals.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from doccritic.core.errors import DoccriticError
from doccritic.ui import gc_guard
from doccritic.ui.malloc import return_freed_memory

log = logging.getLogger(__name__)


class _Signals(QObject):
    finished = Signal(int, object)
    failed = Signal(int, str)


class _Job(QRunnable):
    def __init__(self, job_id: int, fn: Callable[[], Any], signals: _Signals, stale: Callable[[], bool]) -> None:
        super().__init__()
        self.job_id, self.fn, self.signals, self.stale = job_id, fn, signals, stale

    def run(self) -> None:
        try:
            result = self.fn()
        except DoccriticError as err:
            self.signals.failed.emit(self.job_id, str(err))
        except Exception as err:  # a bug must reach the user as a sentence, not kill the thread silently
            if not self.stale():  # a job nobody waits for any more (cancelled, superseded, the app closing)
                log.exception("background job failed")  # may fail as its world goes away: no traceback then
            self.signals.failed.emit(self.job_id, f"Internal error ({type(err).__name__}); nothing was changed.")
        else:
            self.signals.finished.emit(self.job_id, result)


class Runner(QObject):
    """Runs callables on a small thread pool and delivers only the latest result per channel.

    Results are delivered through slots of this object, which lives on the UI thread, so Qt queues
    them there: a plain function connected to a worker's signal would run on the worker thread.
    """

    job_finished = Signal(str, int)  # channel, job id (for tests and status displays)

    def __init__(self, parent: QObject | None = None, threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._ids = itertools.count(1)
        self._latest: dict[str, int] = {}
        self._jobs: dict[int, tuple[str, _Signals, Callable[[Any], None], Callable[[str], None] | None]] = {}
        gc_guard.watch(self)  # a full garbage collection waits while a job of this runner is out

    def submit(
        self,
        channel: str,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[str], None] | None = None,
    ) -> int:
        job_id = next(self._ids)
        self._latest[channel] = job_id
        self._submit(job_id, channel, fn, on_done, on_error)
        return job_id

    def submit_stoppable(
        self,
        channel: str,
        fn: Callable[[Callable[[], bool]], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[str], None] | None = None,
    ) -> int:
        """Like :meth:`submit`, for work that can stop early: ``fn`` gets a ``superseded()`` to ask between
        steps (a newer job on the channel, or a cancel), so a re-check nobody will see stops instead of
        finishing in the background. Whatever it raises then is dropped with its result."""
        job_id = next(self._ids)
        self._latest[channel] = job_id
        self._submit(job_id, channel, lambda: fn(lambda: self._latest.get(channel) != job_id), on_done, on_error)
        return job_id

    def _submit(self, job_id: int, channel: str, fn: Callable[[], Any], on_done: Callable[[Any], None],
                on_error: Callable[[str], None] | None) -> None:
        return_freed_memory()  # once, before the pool's threads first allocate
        gc_guard.activity()
        signals = _Signals()
        signals.finished.connect(self._finished)
        signals.failed.connect(self._failed)
        self._jobs[job_id] = (channel, signals, on_done, on_error)
        self._pool.start(_Job(job_id, fn, signals, lambda: self._latest.get(channel) != job_id))

    @Slot(int, object)
    def _finished(self, job_id: int, result: Any) -> None:
        channel, _signals, on_done, _ = self._jobs.pop(job_id)
        gc_guard.job_ended()
        if self._latest.get(channel) == job_id:
            on_done(result)
        self.job_finished.emit(channel, job_id)

    @Slot(int, str)
    def _failed(self, job_id: int, message: str) -> None:
        channel, _signals, _, on_error = self._jobs.pop(job_id)
        gc_guard.job_ended()
        if self._latest.get(channel) == job_id and on_error is not None:
            on_error(message)
        self.job_finished.emit(channel, job_id)

    def busy(self) -> bool:
        """A job was started and its result (or failure) has not come back to the UI thread yet."""
        return bool(self._jobs)

    def cancel(self, channel: str) -> None:
        """Forget a channel's pending job: its result will be dropped."""
        self._latest.pop(channel, None)

    def wait(self, msecs: int = 5000) -> bool:
        """Block until the pool is idle (shutdown and tests only)."""
        return self._pool.waitForDone(msecs)
