"""How long the window stops answering on a long document, on the wall clock (a measurement, not a test).

A user feels a stall as the time the UI thread does not turn its event loop, whatever holds it: the UI
thread's own work, or a worker holding the GIL (a long call into C keeps it until it returns). A 5 ms
timer ticks on the UI thread; the largest gap between ticks in a window of time is the stall there.
Run from the repository root:

    QT_QPA_PLATFORM=offscreen python bench/ui_stall.py --words 200000 500000 1000000 --repeat 3

Each size runs in a fresh process: a generated PRD of that many words is opened (``open``: from
``open_path`` until 1.5 s after the document is shown, which covers the colouring that follows), 1,000
findings are shown, then ``--repeat`` times a burst of 12 keystrokes 60 ms apart (``typing``: the largest
gap while keys arrive) and a pause: ``re-check`` is from the last key until the checks of the new text are
shown, ``save`` from the deferred review save (800 ms later) until the store has written it, ``idle`` the
3 s after that (the journal, and the full garbage collection that waits for a pause). For each
window the table gives the median and max of the stall, the goal and their ratio, and what the UI thread
did meanwhile: its CPU share of the worst gap (near 100 %: its own work; low: it waited for the GIL or a
core) and the handlers that were running in it. "busy" is the largest gap counting only the CPU time this
process had in it (a gap this process ran through, the GIL passing between its threads, would be as long on an
idle machine; a gap where other processes had the cores would not be): on this shared 2-core machine the
wall-clock stalls are 2-3 times the idle figure, and "busy" compares changes where they do not. Peak RSS is
the child's ``ru_maxrss`` at the end.
With ``--before TREE`` (another checkout, e.g. ``git archive main | tar -x -C /tmp/before``) each size runs in
that tree and in this one, interleaved, so both see the same machine load.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import harness  # bench/harness.py, beside this script

BENCH = Path(__file__).resolve().parent
BURST, KEY_GAP_MS, AFTER_OPEN_S, IDLE_S = 12, 60, 1.5, 3.0
GOALS = {  # ms at up to 200k words / at 1M words (issue #18, item 9); None: no goal
    "open": (None, 300.0),
    "typing": (None, None),
    "re-check": (30.0, 50.0),
    "save": (30.0, 50.0),
    "idle": (None, None),
}
WATCHED = (  # UI-thread handlers a stall may be made of, as (module, class, method)
    ("doccritic.ui.main_window", "MainWindow", "_opened"),
    ("doccritic.ui.main_window", "MainWindow", "_show_checks"),
    ("doccritic.ui.review_session", "ReviewSession", "_rechecked"),
    ("doccritic.ui.review_session", "ReviewSession", "recheck"),
    ("doccritic.ui.review_session", "ReviewSession", "save_review"),
    ("doccritic.ui.review_session", "ReviewSession", "write_journal"),
    ("doccritic.ui.register_dock", "RegisterController", "refresh_now"),
    ("doccritic.ui.highlighter", "MarkdownHighlighter", "_colour_slice"),
    ("doccritic.ui.editor", "DocumentEditor", "_on_contents_change"),
    ("doccritic.ui.editor", "DocumentEditor", "setPlainText"),
    ("doccritic.ui.outline", "OutlineView", "set_sections"),
    ("doccritic.ui.gc_guard", "MainThreadCollector", "check"),
)


def goal_for(window: str, words: int) -> float | None:
    small, large = GOALS[window]
    if words <= 200_000:
        return small
    if words >= 1_000_000:
        return large
    if small is None or large is None:
        return large
    return small + (large - small) * (words - 200_000) / 800_000  # between the two goals


class Probe:
    """Ticks every 5 ms on the UI thread, keeping (wall, UI-thread CPU) per tick; spans of named handlers."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.ticks: list[tuple[float, float, float]] = []  # wall, UI-thread CPU, process CPU
        self.spans: list[tuple[str, float, float, float]] = []  # name, start, end, UI CPU
        self.timer = QTimer(interval=5, timerType=Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(lambda: self.ticks.append(
            (time.perf_counter(), time.thread_time(), time.process_time())))

    def watch(self, cls: type, name: str) -> None:
        original: Callable[..., Any] = getattr(cls, name)
        spans, label = self.spans, f"{cls.__name__}.{name}"

        def wrapper(this: object, *args: object, **kwargs: object) -> object:
            t0, c0 = time.perf_counter(), time.thread_time()
            try:
                return original(this, *args, **kwargs)
            finally:
                spans.append((label, t0, time.perf_counter(), time.thread_time() - c0))

        setattr(cls, name, wrapper)

    def started(self, name: str, after: float) -> list[float]:
        """When each call of the handler ``name`` began after ``after``."""
        return [s for label, s, _e, _cpu in self.spans if label == name and s > after]

    def worst(self, start: float, end: float) -> dict[str, Any]:
        """The largest gap in [start, end]: its length (ms), the CPU share of the UI thread and of the other
        threads (workers) in it, and the handlers that ran in it."""
        inside = [t for t in self.ticks if start < t[0] < end]
        points = [(start, None, None), *inside, (end, None, None)]
        best: tuple[float, float, float, float | None, float | None] = (0.0, start, end, None, None)
        busy = (0.0, start, start)  # the largest gap counting only the time this process ran in it
        for (a, ca, pa), (b, cb, pb) in itertools.pairwise(points):
            known = None not in (ca, cb, pa, pb)
            if known and min(b - a, pb - pa) > busy[0]:
                busy = (min(b - a, pb - pa), a, b)
            if b - a > best[0]:
                share = (cb - ca) / (b - a) if known else None
                others = ((pb - pa) - (cb - ca)) / (b - a) if known else None
                best = (b - a, a, b, share, others)
        gap, a, b, share, others = best
        return {"ms": gap * 1000, "cpu": share, "workers": others, "handlers": self._handlers(a, b),
                "busy_ms": busy[0] * 1000, "busy_handlers": self._handlers(busy[1], busy[2])}

    def _handlers(self, a: float, b: float) -> dict[str, float]:
        """UI CPU (ms) of the watched handlers that ran between ``a`` and ``b``."""
        names: dict[str, float] = {}
        for name, s, e, cpu in self.spans:
            if s < b and e > a:
                names[name] = names.get(name, 0.0) + cpu * 1000
        return names


def child(words: int, repeat: int) -> dict[str, Any]:
    """One size in this (fresh) process: returns the stall of each window per run, and the peak RSS."""
    import importlib

    sys.path.insert(0, str(BENCH))
    import check_speed
    import ui_speed
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from doccritic import paths

    _app = QApplication.instance() or QApplication(sys.argv[:1])
    probe = Probe()
    for module, cls, name in WATCHED:
        probe.watch(getattr(importlib.import_module(module), cls), name)
    stored: list[float] = []  # when each store job ended
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in GOALS}
    with tempfile.TemporaryDirectory(prefix="doccritic-ui-stall-") as tmp:
        os.environ["DOCCRITIC_CONFIG_DIR"], os.environ["DOCCRITIC_DATA_DIR"] = f"{tmp}/config", f"{tmp}/data"
        path = Path(tmp) / "prd.md"
        path.write_text(check_speed.to_markdown(check_speed.build_blocks(words, random.Random(42))), "utf-8")
        window = ui_speed.new_window()
        window.resize(1300, 850)
        window.runner.job_finished.connect(
            lambda channel, _id: stored.append(time.perf_counter()) if channel == "store" else None)
        window.open_path(paths.sample_prd())  # imports, the store, the docks built after the first document
        ui_speed.wait_for(window.document_ready)
        ui_speed.spin(2.0)
        probe.timer.start()
        for _ in range(repeat):
            t0 = time.perf_counter()
            window.open_path(str(path))
            ready = ui_speed.wait_for(window.document_ready)
            ui_speed.spin(AFTER_OPEN_S)
            results["open"].append({**probe.worst(t0, ready + AFTER_OPEN_S), "latency_s": ready - t0})
        editor = window.editor
        ui_speed.push_findings(window, ui_speed.make_findings(editor.toPlainText()))
        cursor = editor.textCursor()
        cursor.setPosition(editor.text_map.qt_length // 2)
        editor.setTextCursor(cursor)
        editor.centerCursor()
        window.recheck_now()
        ui_speed.wait_for(window.checks_applied)
        ui_speed.spin(2.0)
        for _ in range(repeat):
            keys = iter(range(BURST))
            typed: list[float] = []

            def key(keys: Any = keys, typed: list[float] = typed) -> None:
                if next(keys, None) is None:
                    return
                typed.append(time.perf_counter())
                QTest.keyClick(editor, Qt.Key.Key_A)
                QTimer.singleShot(KEY_GAP_MS, key)

            stored.clear()
            key()
            applied = ui_speed.wait_for(window.checks_applied)
            deadline = time.perf_counter() + 10.0
            while not ((saves := probe.started("ReviewSession.save_review", applied)) and stored
                       and stored[-1] > saves[-1]) and time.perf_counter() < deadline:
                ui_speed.spin(0.05)
            ui_speed.spin(0.3)
            last = typed[-1]
            results["typing"].append(probe.worst(typed[0], last + KEY_GAP_MS / 1000))
            results["re-check"].append({**probe.worst(last, applied), "latency_s": applied - last})
            if saves and stored:
                results["save"].append(probe.worst(saves[-1], stored[-1] + 0.05))
            idle = time.perf_counter()
            ui_speed.spin(IDLE_S)  # the journal's write, and a full garbage collection once the work pauses
            results["idle"].append(probe.worst(idle, idle + IDLE_S))
        probe.timer.stop()
        editor.document().setModified(False)
        words_seen = window.session.snapshot.doc.word_count if window.session.snapshot else 0
        window.close(), window.runner.wait(5000)
    return {"words": words_seen, "results": results,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def run_size(words: int, repeat: int, timeout: float, tree: str | None = None) -> dict[str, Any]:
    """One size in a fresh process, importing doccritic from ``tree`` (default: as this process does)."""
    code = (f"import sys, json; sys.path.insert(0, {str(BENCH)!r}); import ui_stall, harness; harness.quiet_qt(); "
            f"print('RESULT' + json.dumps(ui_stall.child({words}, {repeat})), flush=True)")
    env = {**os.environ, "PYTHONPATH": tree} if tree else None
    proc = harness.track(subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, env=env,
                                          stderr=subprocess.PIPE, text=True, start_new_session=True))
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        harness.kill_children()
        raise RuntimeError(f"{words} words: no result within {timeout:.0f} s") from None
    line = next((x for x in out.splitlines() if x.startswith("RESULT")), None)
    if line is None:
        raise RuntimeError(f"{words} words: child exited {proc.returncode}: {err.strip()[-800:]}")
    return json.loads(line[len("RESULT"):])


def describe(run: dict[str, Any]) -> str:
    def pct(x: float | None) -> str:
        return "-" if x is None else f"{x * 100:.0f}%"

    def top(handlers: dict[str, float]) -> str:
        best = sorted(handlers.items(), key=lambda kv: -kv[1])[:3]
        return ", ".join(f"{name} {ms:.0f}" for name, ms in best) or "none watched"

    return (f"CPU UI {pct(run['cpu'])}, workers {pct(run['workers'])}; {top(run['handlers'])}; "
            f"busy gap: {top(run['busy_handlers'])}")




def print_table(label: str, sizes: dict[int, dict[str, Any]]) -> None:
    print(f"\n{label}\n| words | window   | median ms | min ms | max ms | goal ms | median/goal | busy ms "
          "| worst run: CPU shares of its gap, handlers in it (their UI CPU, ms)")
    print("|------:|----------|----------:|-------:|-------:|--------:|------------:|----------:|------")
    for words, size in sizes.items():
        for window, runs in size["results"].items():
            if not runs:
                continue
            stalls = [r["ms"] for r in runs]
            goal = goal_for(window, words)
            worst = max(runs, key=lambda r: r["ms"])
            ratio = f"{statistics.median(stalls) / goal:.2f}x" if goal else "-"
            cpu = statistics.median(r["busy_ms"] for r in runs)
            print(f"| {words // 1000:>4}k | {window:<8} | {statistics.median(stalls):9.0f} | {min(stalls):6.0f} | "
                  f"{max(stalls):6.0f} | {goal or 0:7.0f} | {ratio:>11} | {cpu:9.0f} | {describe(worst)}")
        print(f"| {words // 1000:>4}k | peak RSS | {size['peak_mb']:6.0f} MB | | | 350 MB | "
              f"{size['peak_mb'] / 350:.2f}x | | after {len(size['results']['open'])} opens and the bursts")
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        growth = []
        for window in GOALS:
            a = [r["ms"] for r in sizes[small]["results"][window]]
            b = [r["ms"] for r in sizes[large]["results"][window]]
            if a and b:
                growth.append(f"{window} {statistics.median(b) / statistics.median(a):.1f}x")
        print(f"{large // 1000}k words against {small // 1000}k: {', '.join(growth)} (median stalls)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--words", type=int, nargs="+", default=[200_000, 500_000, 1_000_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--before", metavar="TREE", help="another checkout (e.g. main's, from git archive): each size "
                    "runs there too, interleaved with this tree, so before and after see the same load")
    ap.add_argument("--json", help="also write the raw figures here")
    harness.add_timeout_option(ap, default=3600)
    args = ap.parse_args(argv)
    harness.install_timeout(args.timeout, "bench/ui_stall.py")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    print(harness.load_line("start"), flush=True)
    trees = {"before": args.before, "after": str(BENCH.parent)} if args.before else {"this tree": None}
    results: dict[str, dict[int, dict[str, Any]]] = {label: {} for label in trees}
    for words in args.words:
        for label, tree in trees.items():
            try:
                results[label][words] = run_size(words, args.repeat, args.timeout, tree)
            except Exception as exc:  # a measurement, not a gate: report and go on
                print(f"{label}, {words} words failed: {type(exc).__name__}: {exc}", file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), "utf-8")
    for label, sizes in results.items():
        print_table(f"{label}{f' ({trees[label]})' if trees[label] else ''}:", sizes)
    print(harness.load_line("end"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
