"""UI speed of the review window on a large PRD (a measurement, not a test).

Run from the repository root, in the project's venv (QT_QPA_PLATFORM defaults to offscreen if unset):

    QT_QPA_PLATFORM=offscreen /work/venv/bin/python bench/ui_speed.py [--words 50000] [--repeat 5]

All in one run, so ratios compare figures taken under the same machine load (median and min over --repeat
runs after an untimed warm-up; the load average is printed at the start and the end). It exits 0 even when
a step fails (a measurement, not a gate), except when ``--timeout`` (default 900 s) ends it: exit 124.
1. cold start: process start -> first event-loop turn with the sample PRD and its checks shown (the real
   ``doccritic`` entry point) vs. a bare PySide6 app (QApplication + empty QMainWindow shown -> first turn);
   fresh subprocesses, throwaway config/data dirs, warm .pyc cache;
2. open: ``MainWindow.open_path`` -> ``document_ready`` for a ~50k-word Markdown PRD (``check_speed``);
3. keystrokes: 200 x (``QTest.keyClick`` + ``processEvents``) mid-document with 1,000 highlights, and
   the largest gap between 5 ms timer ticks while that document is re-checked (an event-loop stall);
4. peak RSS (ru_maxrss) of a fresh process with that document open and 1,000 findings shown;
5. building the code-point <-> UTF-16 map of the whole text (``Utf16Map``), which a re-check or a batch of
   critic findings needs once.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import harness  # bench/harness.py, beside this script
import PySide6
from PySide6.QtCore import QEventLoop, Qt, QTimer, SignalInstance
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from doccritic import paths
from doccritic.core.findings import Anchor, Finding, Kind, Severity, Source
from doccritic.ui import theme
from doccritic.ui.main_window import MainWindow
from doccritic.ui.textpos import Utf16Map

BENCH = Path(__file__).resolve().parent
KEYS, FINDINGS, TIMEOUT_S = 200, 1000, 120.0
WORD_RUN = re.compile(r"\w+(?: \w+){0,3}")
_DONE = """import os, resource, sys, time
def done():
    print(time.time(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True)
    os._exit(0)
"""
CHILD_DOCCRITIC = _DONE + f"""sys.path.insert(0, {str(BENCH)!r})
import timing_hook  # the real entry point, timed to the first event-loop turn after document_ready
timing_hook.install(done)
from doccritic.cli import main
sys.exit(main([]))
"""
CHILD_BARE = _DONE + """from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app, window = QApplication(sys.argv[:1]), QMainWindow()
window.show(), QTimer.singleShot(0, done), app.exec()
"""
CHILD_MEMORY = f"import sys\nsys.path.insert(0, {str(BENCH)!r})\nimport ui_speed\nui_speed.memory_child(sys.argv[1])\n"
Row = tuple[str, list[float], str, float | None, str]  # step, values, unit, goal, notes


def spin(seconds: float, signal: SignalInstance | None = None) -> float | None:
    """Run the event loop for ``seconds`` or until ``signal`` fires; returns when it fired (perf_counter)."""
    loop, fired = QEventLoop(), []
    def on_signal(*_args: object) -> None:
        fired.append(time.perf_counter())
        loop.quit()
    if signal is not None:
        signal.connect(on_signal)
    timer = QTimer(singleShot=True, interval=int(seconds * 1000), timeout=loop.quit)  # a temporary would die
    timer.start(), loop.exec(), timer.stop()
    if signal is not None:
        signal.disconnect(on_signal)
    return fired[0] if fired else None


def wait_for(signal: SignalInstance) -> float:
    if (fired := spin(TIMEOUT_S, signal)) is None:
        raise RuntimeError(f"no signal within {TIMEOUT_S:.0f} s")
    return fired


class Ticker(harness.StallMeter):
    """Ticks every 5 ms; the largest gap between ticks is how long the UI thread was blocked."""

    def gap(self, start: float, end: float) -> float:
        """The largest gap from ``start`` (counted before the first tick) to ``end``."""
        return max(gap for gap, _ in self.gaps(start, end))


def new_window() -> MainWindow:
    window = MainWindow()
    theme.apply(window.settings.ui.theme)  # as doccritic.app.run_gui does
    window.editor.highlighter.set_dark(theme.is_dark_now())
    window.show()
    return window


def make_findings(text: str, n: int = FINDINGS) -> list[Finding]:
    """``n`` exact check findings of 1-4 words, spread evenly over ``text``, kinds and severities varied."""
    kinds, severities, out, pos = list(Kind), list(Severity), [], 0
    for i in range(n):
        m = WORD_RUN.search(text, max(pos, i * len(text) // n))
        if m is None:
            break
        out.append(Finding(id=f"bench{i:04d}", source=Source.CHECK, rule="bench", kind=kinds[i % len(kinds)],
                           severity=severities[i % len(severities)], title=f"Benchmark finding {i}",
                           quote=m.group(0), start=m.start(), end=m.end(), anchor=Anchor.EXACT))
        pos = m.end() + 1
    return out


def push_findings(window: MainWindow, findings: list[Finding]) -> None:
    window.session.findings.update_findings(findings)
    window.editor.set_findings(findings, Utf16Map(window.editor.toPlainText()))


def memory_child(path: str) -> None:
    """Step 4, in a fresh process: open ``path``, show 1,000 findings, let timers fire, print peak RSS (KiB)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = new_window()
    window.open_path(path)
    wait_for(window.document_ready)
    push_findings(window, make_findings(window.editor.toPlainText()))
    app.processEvents()
    spin(1.5)  # the deferred review save (800 ms) runs too
    print(time.time(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True)
    os._exit(0)


def run_child(code: str, *args: str, pycache: str | None = None) -> tuple[float, float]:
    """Seconds from just before Popen to the time the child prints, and its peak RSS in MB. With ``pycache``,
    .pyc files are cached there as in an installed app; without, this shell's PYTHONDONTWRITEBYTECODE holds."""
    with tempfile.TemporaryDirectory(prefix="doccritic-ui-bench-") as tmp:
        env = {**os.environ, "DOCCRITIC_CONFIG_DIR": f"{tmp}/config", "DOCCRITIC_DATA_DIR": f"{tmp}/data"}
        if pycache:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = pycache
        t0 = time.time()  # sh forks the child: ru_maxrss survives exec, so one exec'd from here reports our peak
        proc = harness.track(subprocess.Popen(  # its own process group: a timeout kills sh and the child
            ["/bin/sh", "-c", '"$0" "$@"; exit $?', sys.executable, "-c", code, *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True))
        try:
            out, err = proc.communicate(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            harness.kill_children()
            raise RuntimeError(f"child gave no figure within {TIMEOUT_S:.0f} s") from None
    parts = out.split()
    if proc.returncode != 0 or len(parts) != 2:
        raise RuntimeError(f"child exited {proc.returncode}: {err.strip()[-500:]}")
    return float(parts[0]) - t0, float(parts[1]) / 1024


def cold_start(repeat: int, pycache: str) -> list[Row]:
    run_child(CHILD_BARE, pycache=pycache), run_child(CHILD_DOCCRITIC, pycache=pycache)  # warm-up: .pyc, OS cache
    bare, app, no_pyc = [], [], []
    for _ in range(repeat):  # interleaved, so all see the same machine load
        bare.append(run_child(CHILD_BARE, pycache=pycache))
        app.append(run_child(CHILD_DOCCRITIC, pycache=pycache))
        no_pyc.append(run_child(CHILD_DOCCRITIC)[0])
    bare_s, app_s = [t for t, _ in bare], [t for t, _ in app]
    ratio = [statistics.median(app_s) / statistics.median(bare_s), min(app_s) / min(bare_s)]
    no_pyc_ratio = statistics.median(no_pyc) / statistics.median(bare_s)
    pairs = [a / b for a, b in zip(app_s, bare_s, strict=True)]  # each run against the bare run just before it
    pair_note = f"per-pair median {statistics.median(pairs):.2f}x"
    if len(pairs) >= 4:
        low, _, high = statistics.quantiles(pairs, n=4)
        pair_note += f" (IQR {low:.2f}-{high:.2f})"
    return [
        ("cold start, bare Qt", bare_s, "s", None, f"QApplication + empty QMainWindow; RSS {bare[0][1]:.0f} MB"),
        ("cold start, doccritic", app_s, "s", None, f"sample PRD + checks shown; RSS {app[0][1]:.0f} MB"),
        ("  doccritic / bare", ratio, "x", 2.5, f"min column: min/min; {pair_note}; {no_pyc_ratio:.2f}x without .pyc"),
    ]


def open_speed(window: MainWindow, path: Path, repeat: int, ticker: Ticker) -> list[Row]:
    times, stalls, after = [], [], []
    for _ in range(repeat + 1):
        ticker.ticks.clear(), ticker.start()
        t0 = time.perf_counter()
        window.open_path(path)
        ready = wait_for(window.document_ready)
        spin(1.0)  # the deferred review save and journal (and a long text's colouring) run before the next open
        ticker.stop()
        times.append(ready - t0), stalls.append(ticker.gap(t0, ready) * 1000)
        after.append(ticker.gap(ready, ready + 1.0) * 1000)
    words = window.session.snapshot.doc.word_count if window.session.snapshot else 0
    notes = f"{words} words; 1st open {times[0]:.2f} s; largest UI stall {statistics.median(stalls[1:]):.0f} ms"
    return [("open 50k MD", times[1:], "s", 1.0, notes),
            ("open UI stall", [max(s, a) for s, a in zip(stalls[1:], after[1:], strict=True)], "ms", None,
             f"largest gap, open_path to 1 s after ready (to ready {statistics.median(stalls[1:]):.0f} ms)")]


def keystrokes(app: QApplication, window: MainWindow, repeat: int, ticker: Ticker) -> list[Row]:
    editor, findings = window.editor, make_findings(window.editor.toPlainText())
    push_findings(window, findings)
    mid = len(findings) // 2
    cursor = editor.textCursor()  # between two highlights, mid-document
    cursor.setPosition(Utf16Map(editor.toPlainText()).to_qt((findings[mid - 1].end + findings[mid].start) // 2))
    editor.setTextCursor(cursor)
    editor.centerCursor()
    app.processEvents()
    rechecks, runs, refs = [], [], sys.getrefcount(None)
    window.checks_applied.connect(lambda: rechecks.append(1))
    for i in range(repeat + 1):  # continuous typing: no pause reaches the 400 ms re-check debounce
        times = []
        for _ in range(KEYS if i else 20):
            t0 = time.perf_counter()
            QTest.keyClick(editor, Qt.Key.Key_A)
            app.processEvents()
            times.append((time.perf_counter() - t0) * 1000)
        runs.append(sorted(times))
    drain = (refs - sys.getrefcount(None)) / sum(map(len, runs))
    runs = runs[1:]
    notes = f"{len(editor.extraSelections())} highlights after typing; {len(rechecks)} re-checks while typing"
    rows: list[Row] = [
        ("keystroke p50", [r[len(r) // 2] for r in runs], "ms", None, notes),
        ("keystroke p95", [r[math.ceil(0.95 * len(r)) - 1] for r in runs], "ms", 16.0, f"{KEYS} keys per run"),
        ("keystroke max", [r[-1] for r in runs], "ms", None, f"None refs lost per key: {drain:.0f}"),
    ]
    stalls, latencies, after = [], [], []
    for _ in range(repeat + 1):  # the first re-check replaces the 1,000 synthetic findings: reported apart
        QTest.keyClick(editor, Qt.Key.Key_A)
        ticker.ticks.clear(), ticker.start()
        t0 = time.perf_counter()
        applied = wait_for(window.checks_applied)
        spin(1.2)  # the deferred review save (800 ms after the re-check) and the journal write
        ticker.stop()
        stalls.append(ticker.gap(t0, applied) * 1000)
        latencies.append(applied - t0), after.append(ticker.gap(applied, applied + 1.2) * 1000)
    notes = (f"key -> checks shown {statistics.median(latencies[1:]):.2f} s; next 1.2 s "
             f"{statistics.median(after[1:]):.0f} ms; 1st (1,000 findings replaced) {stalls[0]:.0f} ms")
    return [*rows, ("re-check UI stall", stalls[1:], "ms", None, notes)]


def memory(path: Path, repeat: int, pycache: str) -> list[Row]:
    peaks = [run_child(CHILD_MEMORY, str(path), pycache=pycache)[1] for _ in range(repeat)]
    return [("peak RSS", peaks, "MB", 350.0, "fresh process: 50k-word doc + 1,000 findings")]


def text_map(path: Path, repeat: int) -> list[Row]:
    text = path.read_text("utf-8")
    times = []
    for _ in range(repeat + 1):
        t0 = time.perf_counter()
        Utf16Map(text)
        times.append((time.perf_counter() - t0) * 1000)
    return [("Utf16Map(whole text)", times[1:], "ms", None, f"{len(text):,} code points")]


def print_table(rows: list[Row]) -> None:
    print()
    formats = {"s": "{:.3f} s", "ms": "{:.1f} ms", "MB": "{:.0f} MB", "x": "{:.2f}x"}
    print(f"| {'step':<21} | {'median':>9} | {'min':>9} | {'goal':>7} | {'ratio-to-goal':>13} | notes")
    print(f"|{'-' * 23}|{'-' * 11}|{'-' * 11}|{'-' * 9}|{'-' * 15}|------")
    for name, values, unit, goal, notes in rows:
        fmt = formats[unit]
        med, low = (values[0], values[1]) if unit == "x" else (statistics.median(values), min(values))
        goal_text, ratio = (fmt.format(goal), f"{med / goal:.2f}x") if goal else ("-", "-")
        print(f"| {name:<21} | {fmt.format(med):>9} | {fmt.format(low):>9} | {goal_text:>7} | {ratio:>13} | {notes}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--words", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--only", choices=["cold", "open", "memory", "map"],
                    help="run one step for quicker iterations (open also times keystrokes)")
    harness.add_timeout_option(ap, default=900)
    args = ap.parse_args(argv)
    harness.install_timeout(args.timeout, "bench/ui_speed.py")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    harness.quiet_qt()
    print(f"Python {sys.version.split()[0]}, PySide6 {PySide6.__version__} on {platform.platform()}, "
          f"{os.cpu_count()} CPUs, Qt platform {os.environ['QT_QPA_PLATFORM']}; repeat={args.repeat}")
    print(harness.load_line("start"), flush=True)
    sys.path.insert(0, str(BENCH))
    import check_speed  # here, not at the top: it loads python-docx, which the memory child must not

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="doccritic-ui-bench-") as tmp:
        os.environ["DOCCRITIC_CONFIG_DIR"], os.environ["DOCCRITIC_DATA_DIR"] = f"{tmp}/config", f"{tmp}/data"
        path = Path(tmp) / "prd.md"
        path.write_text(check_speed.to_markdown(check_speed.build_blocks(args.words, random.Random(42))), "utf-8")
        app = QApplication.instance() or QApplication(sys.argv[:1])
        print(f"Generated {path.stat().st_size / 1024:.0f} KiB Markdown; sample PRD {paths.sample_prd().name}")
        window, ticker, cache = new_window(), Ticker(), f"{tmp}/pycache"
        steps = {
            "cold": lambda: cold_start(args.repeat, cache),
            "open": lambda: open_speed(window, path, args.repeat, ticker),
            "keys": lambda: keystrokes(app, window, args.repeat, ticker),
            "memory": lambda: memory(path, args.repeat, cache),
            "map": lambda: text_map(path, args.repeat),
        }
        for name, step in steps.items():
            if args.only and name != args.only and (args.only, name) != ("open", "keys"):
                continue
            try:
                rows.extend(step())
            except Exception as exc:  # a measurement, not a gate: report and go on
                print(f"a step failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        window.editor.document().setModified(False)  # no "save changes?" dialog on close
        window.close(), window.runner.wait(5000)
    print_table(rows)
    print(harness.load_line("end"))
    return 0


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:  # a measurement, not a gate: report and exit 0
        print(f"benchmark failed: {type(exc).__name__}: {exc}", file=sys.stderr)
    sys.exit(0)
