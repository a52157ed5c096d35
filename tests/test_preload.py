"""The first document is read and checked by a helper forked before Qt loads: same result, or none at all.

The helper only runs in a process without Qt and without threads, which this test process is not, so
each case runs in a fresh interpreter.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import SAMPLE

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin",
                                reason="the helper is only forked on Linux and the BSDs")

PRELUDE = """
import json, os, signal, sys, time
from pathlib import Path
from doccritic.ui import session
from doccritic.ui.preload import Preload

def shown(prepared):
    info, snap = prepared
    return {"text": snap.text, "blocks": len(snap.doc.blocks), "format": info.format.value,
            "newline": info.newline, "encoding": info.encoding, "warnings": info.warnings,
            "findings": [f.model_dump(mode="json", exclude={"created_at"}) for f in snap.checks.findings],
            "hidden": dict(snap.checks.hidden)}
"""


def run(script: str, tmp_path: Path, **env: str) -> dict:
    environ = {k: v for k, v in os.environ.items() if k != "DOCCRITIC_NO_PRELOAD"}
    environ.update(DOCCRITIC_CONFIG_DIR=str(tmp_path / "config"), DOCCRITIC_DATA_DIR=str(tmp_path / "data"), **env)
    proc = subprocess.run([sys.executable, "-c", PRELUDE + textwrap.dedent(script)], capture_output=True,
                          text=True, env=environ, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("name", ["sample", "crlf.txt"])
def test_the_helper_hands_back_exactly_what_the_window_would_load(tmp_path: Path, name: str):
    path = SAMPLE
    if name == "crlf.txt":  # line endings and a warning-free text file take the same road
        path = tmp_path / name
        path.write_bytes(b"Launch is irreversible.\r\nWe will delete all legacy data.\r\nTBD\r\n")
    out = run(f"""
        p = Preload.start(Path({str(path)!r}))
        print(json.dumps({{"started": p is not None and p.pid != os.getpid(),
                          "preloaded": shown(p.result()), "direct": shown(session.prepare(Path({str(path)!r})))}}))
    """, tmp_path)
    assert out["started"]
    assert out["preloaded"] == out["direct"] and out["direct"]["findings"]


def test_a_file_that_cannot_be_read_is_left_to_the_window(tmp_path: Path):
    out = run(f"""
        p = Preload.start(Path({str(tmp_path / "missing.md")!r}))
        print(json.dumps({{"started": p is not None, "result": p.result()}}))
    """, tmp_path)
    assert out == {"started": True, "result": None}  # the window loads it and explains the problem itself


def test_a_helper_that_dies_or_stalls_is_abandoned_and_reaped(tmp_path: Path):
    out = run(f"""
        dead = Preload.start(Path({str(SAMPLE)!r}))
        os.kill(dead.pid, signal.SIGKILL)
        stalled = Preload.start(Path({str(SAMPLE)!r}))
        os.kill(stalled.pid, signal.SIGSTOP)
        t0 = time.monotonic()
        result = stalled.result(wait_s=0.3)
        waited = time.monotonic() - t0
        def gone(pid):
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                return True
            return False
        print(json.dumps({{"dead": dead.result(), "stalled": result, "waited": waited,
                          "reaped": gone(dead.pid) and gone(stalled.pid), "again": stalled.result()}}))
    """, tmp_path)
    assert out["dead"] is None and out["stalled"] is None and out["again"] is None
    assert out["waited"] < 5 and out["reaped"]


def test_no_helper_when_turned_off_or_once_qt_runs(tmp_path: Path):
    out = run(f"""
        off = Preload.start(Path({str(SAMPLE)!r}))
        os.environ.pop("DOCCRITIC_NO_PRELOAD")
        from PySide6.QtCore import QCoreApplication  # imported, as a PyInstaller bundle does first: fine
        imported = Preload.start(Path({str(SAMPLE)!r}))
        ok = imported is not None and imported.result() is not None
        app = QCoreApplication([])  # running (it may start threads): no fork any more
        print(json.dumps({{"off": off is None, "qt_imported": ok,
                          "qt_running": Preload.start(Path({str(SAMPLE)!r})) is None}}))
    """, tmp_path, DOCCRITIC_NO_PRELOAD="1")
    assert out == {"off": True, "qt_imported": True, "qt_running": True}
