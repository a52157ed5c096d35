"""What every bench shares: the machine's load with each figure, a whole-run timeout, bounded Qt waits.

Standard library only at import time: ``compare_editors.py`` runs it from a venv without doccritic,
and ``check_speed.py``/``anchoring.py`` never load Qt. The Qt helpers import PySide6 when first called.

    ap = argparse.ArgumentParser()
    harness.add_timeout_option(ap, default=600)
    args = ap.parse_args()
    harness.install_timeout(args.timeout, "bench/panel.py")
    print(harness.load_line("start"))
"""

from __future__ import annotations

import argparse
import faulthandler
import itertools
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

TIMED_OUT = 124  # the exit status of coreutils' timeout(1), for the same reason
_children: list[subprocess.Popen[Any]] = []


class WaitError(RuntimeError):
    """Something a bench waited for did not arrive in time; the message names it."""


def load_line(when: str) -> str:
    """``load average at start: 0.41 0.20 0.10 (1/5/15 min, 2 CPUs)``: print one at the start and one at the end."""
    one, five, fifteen = os.getloadavg()
    return f"load average at {when}: {one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min, {os.cpu_count()} CPUs)"


def add_timeout_option(parser: argparse.ArgumentParser, default: float) -> None:
    parser.add_argument("--timeout", type=float, default=default, metavar="SECONDS",
                        help=f"give up and exit {TIMED_OUT} after this long, whatever is running "
                             f"(default {default:g}; 0 = never)")


def install_timeout(seconds: float, name: str) -> None:
    """End the whole process after ``seconds``: a message naming the bench, the load, every thread's stack.

    A watchdog thread does it, so it works while the main thread sits in Qt's event loop or in a blocking
    call. Should the GIL never be released, faulthandler's own C thread ends the process 30 s later.
    Child processes registered with :func:`track` are killed first.
    """
    if seconds <= 0:
        return
    started = time.monotonic()

    def expire() -> None:
        elapsed = time.monotonic() - started
        sys.stderr.write(f"\n{name}: timed out after {elapsed:.0f} s (--timeout {seconds:g}); "
                         f"{load_line('timeout')}; stacks of every thread follow\n")
        sys.stderr.flush()
        kill_children()
        faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
        sys.stderr.flush()
        sys.stdout.flush()
        os._exit(TIMED_OUT)

    watchdog = threading.Timer(seconds, expire)
    watchdog.daemon = True
    watchdog.start()
    faulthandler.dump_traceback_later(seconds + 30, exit=True)


def track(proc: subprocess.Popen[Any]) -> subprocess.Popen[Any]:
    """Kill ``proc`` (its process group if it leads one) when the timeout ends the bench."""
    _children.append(proc)
    return proc


def kill_children() -> None:
    for proc in _children:
        if proc.poll() is None:
            try:
                if os.getpgid(proc.pid) == proc.pid:
                    os.killpg(proc.pid, 9)
                else:
                    proc.kill()
            except OSError:
                pass


# Qt: bounded waits --------------------------------------------------------------------------------
def wait_until(ready: Callable[[], bool], what: str, timeout: float, signal: Any = None) -> float:
    """Run the Qt event loop until ``ready()`` is true; returns ``time.perf_counter()`` at that moment.

    ``ready`` is checked every 10 ms and whenever ``signal`` (a Qt signal) fires. Raises
    :class:`WaitError` naming ``what`` after ``timeout`` seconds.
    """
    from PySide6.QtCore import QEventLoop, QTimer

    if ready():
        return time.perf_counter()
    loop = QEventLoop()
    deadline = time.monotonic() + timeout
    done: list[float] = []

    def check(*_args: object) -> None:
        if not done and ready():
            done.append(time.perf_counter())
            loop.quit()
        elif time.monotonic() > deadline:
            loop.quit()

    poll = QTimer(interval=10, timeout=check)  # held in a name: a temporary QTimer would be collected
    if signal is not None:
        signal.connect(check)
    poll.start()
    try:
        loop.exec()
    finally:
        poll.stop()
        if signal is not None:
            signal.disconnect(check)
    if not done:
        raise WaitError(f"waited {timeout:g} s for {what}; it did not happen")
    return done[0]


def quiet_qt() -> None:
    """Drop the offscreen platform's "does not support propagateSizeHints()" lines; keep every other Qt message."""
    from PySide6.QtCore import qInstallMessageHandler

    qInstallMessageHandler(lambda _m, _c, msg: None if "propagateSizeHints" in msg else print(msg, file=sys.stderr))


class SignalLatch:
    """Records when a signal fires from now on, so a later :meth:`wait` cannot miss an early emission."""

    def __init__(self, signal: Any, what: str) -> None:
        self.signal, self.what, self.times = signal, what, []
        signal.connect(self._record)

    def _record(self, *_args: object) -> None:
        self.times.append(time.perf_counter())

    def wait(self, timeout: float) -> float:
        try:
            return wait_until(lambda: bool(self.times), self.what, timeout, signal=self.signal)
        finally:
            self.signal.disconnect(self._record)


class StallMeter:
    """The largest gap between event-loop turns, counted from a given instant (the Run press).

    A precise timer (5 ms, as in ``ui_speed.py``) records each turn. :meth:`gaps` measures from ``start``
    to the first tick after it, then tick to tick, then to ``end``: a freeze right after the press counts,
    which it would not if the first gap began at the first tick.
    """

    def __init__(self, interval_ms: int = 5) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.ticks: list[float] = []
        self.timer = QTimer(interval=interval_ms, timerType=Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))

    def start(self) -> None:
        self.ticks.clear()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def gaps(self, start: float, end: float) -> list[tuple[float, float]]:
        """(gap in seconds, when it began) for each stretch between ``start``, the ticks, and ``end``."""
        points = [start, *(t for t in self.ticks if start < t < end), end]
        return [(b - a, a) for a, b in itertools.pairwise(points)]
