#!/usr/bin/env python3
# ruff: noqa: PTH100, PTH103, PTH118, PTH120, SIM105 - a measurement script run in another venv; os.path kept
"""Cold-start comparison: bare PyQt6 / bare PySide6 windows vs novelWriter, ReText and doccritic.

Needs its own venv beside this file (the apps use PyQt6, which doccritic does not); doccritic runs
from the interpreter named by DOCCRITIC_PYTHON (its own venv), in the same interleaved rounds:

    python3 -m venv bench/compare-venv
    bench/compare-venv/bin/pip install novelwriter retext "PySide6-Essentials>=6.8,<6.12"
    DOCCRITIC_PYTHON=.venv/bin/python QT_QPA_PLATFORM=offscreen \
        bench/compare-venv/bin/python bench/compare_editors.py [N] [--timeout SECONDS]

doccritic is timed like ``bench/ui_speed.py`` times it: to the first event-loop turn after the
sample PRD is shown with its offline checks (``document_ready``), through the real entry point
(``doccritic FILE``), with fresh config and data folders.

Each sample is a fresh subprocess, timed from just before Popen to the first
event-loop turn after the main window's show() (QTimer.singleShot(0, done),
where done prints time.time() and calls os._exit(0)).  One untimed warm-up
round first (fills the PYTHONPYCACHEPREFIX .pyc cache and the OS page cache),
then N interleaved rounds (order rotated every round). Each sample gives up after 120 s; --timeout
(default 900 s) ends the whole comparison (exit 124), its children with it. The load average is printed
at the start and the end.
"""
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PY = os.path.join(HERE, "compare-venv", "bin", "python")
SAMPLE = os.path.join(os.path.dirname(HERE), "resources", "samples", "sample-prd.md")
PYCACHE = os.path.join(tempfile.gettempdir(), "doccritic-compare-pycache")
MARK = "COLDSTART_DONE "

# ---------------------------------------------------------------- child side

def _debug_state():
    # COLD_DEBUG=1: report what the app had loaded when the timer fired
    mod = sys.modules.get("PyQt6.QtWidgets") or sys.modules.get("PySide6.QtWidgets")
    for w in mod.QApplication.topLevelWidgets():
        if w.isVisible():
            info = f"{type(w).__name__} title={w.windowTitle()!r} size={w.width()}x{w.height()}"
            tabs = getattr(w, "tabWidget", None)
            if tabs is not None and tabs.count():
                t = tabs.currentWidget()
                info += f" tabs={tabs.count()} editor_chars={len(t.editBox.toPlainText())}"
            sys.stderr.write(f"COLD_DEBUG visible: {info}\n")


def _done():
    if os.environ.get("COLD_DEBUG"):
        _debug_state()
    sys.stdout.write(f"{MARK}{time.time():.6f}\n")
    sys.stdout.flush()
    os._exit(0)


def child_bare(binding):
    if binding == "pyqt6":
        from PyQt6.QtCore import QTimer
        from PyQt6.QtWidgets import QApplication, QMainWindow
    else:
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication, QMainWindow
    app = QApplication(sys.argv)
    w = QMainWindow()
    w.show()
    QTimer.singleShot(0, _done)
    app.exec()


def _patch_show():
    """Schedule _done on the first event-loop turn after the first
    QMainWindow show()/showNormal()/showMaximized() call from Python."""
    from PyQt6.QtCore import QTimer
    from PyQt6.QtWidgets import QMainWindow, QWidget

    state = {"armed": True}

    def wrap(orig):
        def shower(self, *a, **k):
            r = orig(self, *a, **k)
            if state["armed"] and isinstance(self, QMainWindow):
                state["armed"] = False
                QTimer.singleShot(0, _done)
            return r
        return shower

    for name in ("show", "showNormal", "showMaximized"):
        setattr(QWidget, name, wrap(getattr(QWidget, name)))


def child_novelwriter():
    _patch_show()
    from novelwriter import main
    sys.argv = ["novelwriter"]
    main([])


def child_novelwriter_nosplash():
    # Supplementary: same, but NSplashScreen.show() is made a no-op. Under
    # QPA offscreen, Qt 6.11's QSplashScreen.show() blocks ~1.0 s (an expose
    # wait that times out headless); this variant estimates startup without
    # it. novelWriter's own 10 x 25 ms splash-status sleeps still run.
    from PyQt6.QtWidgets import QSplashScreen
    QSplashScreen.show = lambda self: None
    child_novelwriter()


def child_doccritic(path):
    sys.path.insert(0, HERE)
    import timing_hook  # patches MainWindow as it loads: doccritic's own import order is kept

    timing_hook.install(_done)
    from doccritic.cli import main

    sys.exit(main([path]))


def child_retext(path):
    _patch_show()
    from ReText.__main__ import main
    sys.argv = ["retext", path]
    main()


# --------------------------------------------------------------- parent side

VARIANTS = {
    "bare-PyQt6": ["bare", "pyqt6"],
    "bare-PySide6": ["bare", "pyside6"],
    "novelWriter": ["novelwriter"],
    "ReText": ["retext", SAMPLE],
    "nW-nosplash": ["novelwriter-nosplash"],  # supplementary, see above
}
DOCCRITIC_PY = os.environ.get("DOCCRITIC_PYTHON")
if DOCCRITIC_PY:
    VARIANTS["doccritic"] = ["doccritic", SAMPLE]


def run_one(name):
    tmp = tempfile.mkdtemp(prefix="cold-")
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        PYTHONPYCACHEPREFIX=PYCACHE,
        HOME=os.path.join(tmp, "home"),
        XDG_CONFIG_HOME=os.path.join(tmp, "config"),
        XDG_DATA_HOME=os.path.join(tmp, "data"),
        XDG_CACHE_HOME=os.path.join(tmp, "cache"),
        XDG_RUNTIME_DIR=os.path.join(tmp, "run"),
    )
    for d in ("home", "config", "data", "cache", "run"):
        os.makedirs(os.path.join(tmp, d), mode=0o700)
    import harness  # here, not at the top: the children must not pay for its imports

    python = DOCCRITIC_PY if name == "doccritic" else PY
    cmd = [python, os.path.abspath(__file__), "--child"] + VARIANTS[name]
    t0 = time.time()
    p = harness.track(subprocess.Popen(cmd, env=env, cwd=tmp, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True,
                                       start_new_session=True))
    try:
        out, err = p.communicate(timeout=120)
    finally:
        # ReText spawns a multiprocessing converter child; end our own
        # child's process group so nothing lingers into the next sample.
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        shutil.rmtree(tmp, ignore_errors=True)
    for line in out.splitlines():
        if line.startswith(MARK):
            return float(line[len(MARK):]) - t0
    raise RuntimeError(f"{name}: no done marker (rc={p.returncode})\n"
                       f"stdout:\n{out[-2000:]}\nstderr:\n{err[-2000:]}")


def main():
    import argparse

    import harness  # bench/harness.py: the load average and the whole-run timeout

    ap = argparse.ArgumentParser(description="Cold start: bare PyQt6/PySide6 vs novelWriter, ReText, doccritic")
    ap.add_argument("n", nargs="?", type=int, default=7, help="timed rounds after the warm-up (default 7)")
    harness.add_timeout_option(ap, default=900)
    args = ap.parse_args()
    harness.install_timeout(args.timeout, "bench/compare_editors.py")
    print(harness.load_line("start"), flush=True)
    n = args.n
    names = list(VARIANTS)
    res = {k: [] for k in names}
    for r in range(n + 1):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            dt = run_one(name)
            if r > 0:
                res[name].append(dt)
        print(f"round {r}{' (warm-up, untimed)' if r == 0 else ''}: done",
              file=sys.stderr, flush=True)
    base, basemin = statistics.median(res["bare-PyQt6"]), min(res["bare-PyQt6"])
    side, sidemin = statistics.median(res["bare-PySide6"]), min(res["bare-PySide6"])
    print(f"N={n} rounds (+1 warm-up), seconds, Popen -> first event-loop turn after show")
    print(f"{'variant':<14}{'median':>8}{'min':>8}{'med/PyQt6':>11}{'min/PyQt6':>11}{'med/PySide6':>13}"
          f"{'min/PySide6':>13}")
    for k in names:
        med, mn = statistics.median(res[k]), min(res[k])
        print(f"{k:<14}{med:8.3f}{mn:8.3f}{med / base:11.2f}{mn / basemin:11.2f}{med / side:13.2f}"
              f"{mn / sidemin:13.2f}")
    print("raw:", {k: [round(x, 3) for x in v] for k, v in res.items()})
    print(harness.load_line("end"))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        kind = sys.argv[2]
        if kind == "bare":
            child_bare(sys.argv[3])
        elif kind == "novelwriter":
            child_novelwriter()
        elif kind == "novelwriter-nosplash":
            child_novelwriter_nosplash()
        elif kind == "retext":
            child_retext(sys.argv[3])
        elif kind == "doccritic":
            child_doccritic(sys.argv[3])
        sys.exit(3)  # event loop ended without the done marker
    main()
