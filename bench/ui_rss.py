"""Where the memory peak of ``bench/ui_stall.py``'s flow is (a measurement, not a test).

Runs ``ui_stall.child`` (the sample PRD, then ``--words`` words opened three times, 1,000 findings, a re-check and
three typing bursts) with a thread reading the process's RSS every 2 ms, and marks the UI-thread handlers and
worker steps (open, parse and checks, re-check, retiring a snapshot, save, journal) as they start and end.
Prints the sampled peak and each mark with the RSS then and the largest RSS before the next mark. A C call that
holds the GIL also stops the sampler: such a stretch shows no samples ("max-after 0"). Run from the repository
root:

    QT_QPA_PLATFORM=offscreen python bench/ui_rss.py --words 1000000 [--trim]

``--trim`` calls glibc's ``malloc_trim`` after each retired snapshot is freed (an experiment: what at rest is
the allocator's and not live data).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # bench/harness.py, beside this script

HANDLERS = (
    ("doccritic.ui.main_window", "MainWindow", "open_path"),
    ("doccritic.ui.main_window", "MainWindow", "_opened"),
    ("doccritic.ui.main_window", "MainWindow", "_text_shown"),
    ("doccritic.ui.main_window", "MainWindow", "_show_checks"),
    ("doccritic.ui.review_session", "ReviewSession", "recheck"),
    ("doccritic.ui.review_session", "ReviewSession", "_free_retired"),
    ("doccritic.ui.review_session", "ReviewSession", "save_review"),
    ("doccritic.ui.review_session", "ReviewSession", "write_journal"),
)
PAGE, STATM = os.sysconf("SC_PAGE_SIZE"), Path("/proc/self/statm")


def rss_mb() -> float:
    return int(STATM.read_bytes().split()[1]) * PAGE / 2**20


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--words", type=int, default=1_000_000)
    ap.add_argument("--trim", action="store_true", help="malloc_trim after each retired snapshot is freed")
    args = ap.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    harness.quiet_qt()
    import ui_stall

    samples: list[tuple[float, float]] = []
    marks: list[tuple[float, str, float]] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            samples.append((time.perf_counter(), rss_mb()))
            time.sleep(0.002)

    def mark(label: str) -> None:
        marks.append((time.perf_counter(), label, rss_mb()))

    def wrap(owner: Any, name: str, label: str, after: Callable[[], None] | None = None) -> None:
        original = getattr(owner, name)

        def wrapper(*a: object, **k: object) -> object:
            mark(label + " >")
            try:
                return original(*a, **k)
            finally:
                mark(label + " <")
                if after is not None:
                    after()

        setattr(owner, name, wrapper)

    def trim() -> None:
        import ctypes

        t = time.perf_counter()
        ctypes.CDLL(None).malloc_trim(0)
        mark(f"malloc_trim {1000 * (time.perf_counter() - t):.1f} ms")

    for module, cls, name in HANDLERS:
        after = trim if args.trim and name == "_free_retired" else None
        wrap(getattr(importlib.import_module(module), cls), name, f"{cls}.{name}", after)
    session = importlib.import_module("doccritic.ui.session")
    for name in ("prepare", "recheck", "run_checks"):
        wrap(session, name, f"worker {name}")
    threading.Thread(target=sample, daemon=True).start()
    result = ui_stall.child(args.words, 3)
    done.set()
    t0 = samples[0][0]
    at, peak = max(samples, key=lambda s: s[1])
    print(f"peak sampled {peak:.0f} MB at {at - t0:.3f} s; ru_maxrss {result['peak_mb']:.0f} MB")
    for i, (t, label, rss) in enumerate(marks):
        end = marks[i + 1][0] if i + 1 < len(marks) else samples[-1][0]
        seg = [r for s, r in samples if t <= s <= end]
        print(f"{t - t0:8.3f} s {rss:6.0f} MB, max before the next mark {max(seg) if seg else 0:6.0f} MB  {label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
