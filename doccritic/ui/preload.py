"""Read and check the first document in a forked helper process while Qt loads (no Qt here).

Start-up is Python work on one thread: importing Qt and building the window take ~150 ms, reading the
PRD and running its offline checks ~50 ms more, and a thread cannot overlap the two because both hold
the GIL (measured: a loader thread made start-up slower, not faster). A child process forked before
PySide6 is imported already has every module that work needs and no threads; it runs on another core
and sends the parsed document and its checks back through a pipe, usually before the window exists.

Only where ``fork`` is safe and cheap: Linux and the BSDs, not macOS (system frameworks are not
fork-safe) nor Windows (no fork). Anything unexpected (the child fails, dies, or is slow) means the
window loads the file itself, exactly as it does for every later open, so nothing depends on the helper.
``DOCCRITIC_NO_PRELOAD=1`` turns it off.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: this module is the first thing the window imports
    from pathlib import Path

    from doccritic.ui import session

WAIT_S = 60.0  # a helper slower than this is presumed stuck and abandoned: the window loads the file itself


class Preload:
    """A document being read and checked in a child process; ``result()`` collects it once."""

    def __init__(self, path: Path, pid: int, fd: int) -> None:
        self.path, self.pid, self._fd = path, pid, fd
        self._lock = threading.Lock()
        self._collected = False

    @classmethod
    def start(cls, path: Path) -> Preload | None:
        """Fork the helper, or None where that is not safe (then the window loads as usual)."""
        if not _can_fork():
            return None
        from pathlib import Path

        path = Path(path).expanduser()  # as the window will name it
        read_fd, write_fd = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_fd), os.close(write_fd)
            return None
        if pid == 0:  # the helper: never returns
            os.close(read_fd)
            _child(path, write_fd)
        os.close(write_fd)
        return cls(path, pid, read_fd)

    def result(self, wait_s: float = WAIT_S) -> tuple[session.OpenFile, session.Snapshot] | None:
        """The prepared document, or None if the window should load it itself. Blocks: call it off the UI thread."""
        import pickle

        with self._lock:
            if self._collected:
                return None
            self._collected = True
            try:
                data = _read_all(self._fd, wait_s)
            finally:
                os.close(self._fd)
                self._reap()
        try:
            status, value = pickle.loads(data) if data else ("lost", "the helper ended without an answer")
        except Exception as exc:  # a truncated answer
            status, value = "lost", f"unreadable answer ({type(exc).__name__})"
        if status != "ok":
            import logging

            logging.getLogger(__name__).info("preloading %s failed (%s); the window loads it", self.path.name, value)
            return None
        return value

    def discard(self) -> None:
        """The window opened something else first: stop the helper and forget its work."""
        with self._lock:
            if not self._collected:
                self._collected = True
                os.close(self._fd)
                self._reap()

    def _reap(self) -> None:
        try:
            os.kill(self.pid, 9)  # it has written everything or is stuck; either way it is done
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def _can_fork() -> bool:
    if os.environ.get("DOCCRITIC_NO_PRELOAD") or not hasattr(os, "fork") or sys.platform == "darwin":
        return False
    # Forking a process with threads can copy a lock another thread holds. Before the QApplication exists
    # there are none, even when PySide6 is already imported (PyInstaller's runtime hook imports it first);
    # /proc counts native threads too, where it exists.
    qt = sys.modules.get("PySide6.QtCore")
    if qt is not None and qt.QCoreApplication.instance() is not None:
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1  # noqa: PTH208 - pathlib is not loaded yet here
    except OSError:
        return threading.active_count() == 1


def _child(path: Path, fd: int) -> None:
    """Run in the helper: prepare the document, write the pickled answer, exit without cleanup."""
    code = 0
    try:
        with contextlib.suppress(OSError):
            os.nice(10)  # on a busy machine the window comes first; when it waits for this, this runs anyway
        try:
            from doccritic.ui import session  # here: forked before the parent imported it (ui/__init__.py)

            answer = ("ok", session.prepare(path))
        except Exception as exc:  # the window loads it again and reports the problem in its own words
            answer = ("error", f"{type(exc).__name__}: {exc}")
        import pickle

        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except BaseException:
        code = 1
    finally:
        os._exit(code)  # no atexit handlers, no flushing the parent's buffers twice


def _read_all(fd: int, wait_s: float) -> bytes:
    import select
    import time

    chunks, deadline = [], time.monotonic() + wait_s
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return b""  # too slow: abandoned
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
