"""The doccritic command, run as a user runs it: a real subprocess, real files, real exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, SAMPLE

LINE = re.compile(
    r"^(?P<path>.+?):(?:(?P<line>\d+):(?P<col>\d+):)? (?P<sev>critical|major|minor) (?P<kind>\w+)"
    r" \[(?P<rule>[\w.-]+)\] (?P<title>.+)$"
)


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "doccritic", *args], capture_output=True, text=True, cwd=cwd, timeout=60
    )


def test_check_prints_compiler_style_lines_and_a_summary():
    proc = run("check", str(SAMPLE))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    parsed = [LINE.match(line) for line in lines[:-2]]  # then the summary, then the register's readiness
    assert all(parsed), [ln for ln, m in zip(lines, parsed, strict=False) if not m]
    assert re.match(r"^\d+ findings \(\d+ critical, \d+ major, \d+ minor\): ", lines[-2])
    # The position points at the flagged text in the file.
    text = SAMPLE.read_text(encoding="utf-8").splitlines()
    first_door = next(m for m in parsed if m and m["rule"] == "owd.full-launch")
    line, col = int(first_door["line"]), int(first_door["col"])
    assert text[line - 1][col - 1 :].startswith("Auto-charge ships enabled by default")
    assert any(m["line"] is None and m["rule"].startswith("gap.") for m in parsed if m)


def test_json_output_is_a_review():
    proc = run("check", str(SAMPLE), "--format", "json")
    assert proc.returncode == 0
    data = json.loads(proc.stdout)
    assert data["schema"] == "doccritic.review/1"
    assert data["document"]["format"] == "markdown"
    assert len(data["findings"]) >= 10


@pytest.mark.parametrize(("threshold", "code"), [("critical", 1), ("minor", 1)])
def test_fail_on_trips(threshold: str, code: int):
    assert run("check", str(SAMPLE), "--fail-on", threshold).returncode == code


def test_fail_on_does_not_trip_on_clean_docs(tmp_path: Path):
    doc = tmp_path / "clean.md"
    doc.write_text("# Notes\n\nWe reviewed the plan with nine customers in May.\n", encoding="utf-8")
    proc = run("check", str(doc), "--fail-on", "minor")
    assert proc.returncode == 0
    assert proc.stdout.strip() == "No findings."


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("photo.md", bytes(range(256)) * 8, "binary data"),
        ("truncated.docx", b"PK\x03\x04" + b"\x00" * 200, "damaged"),
        ("empty.docx", b"", "empty"),
        ("legacy.doc", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, ".doc"),
        ("slides.pptx", b"PK", "not supported"),
    ],
)
def test_bad_input_is_one_sentence_and_exit_2(tmp_path: Path, name: str, content: bytes, needle: str):
    path = tmp_path / name
    path.write_bytes(content)
    proc = run("check", str(path))
    assert proc.returncode == 2
    assert proc.stdout == ""
    err = proc.stderr.strip()
    assert err.startswith("doccritic: ") and needle in err and name in err
    assert "Traceback" not in err and len(err.splitlines()) == 1


def test_missing_file_and_corpus_broken_docx(corpus: Path):
    proc = run("check", "no/such/file.md")
    assert proc.returncode == 2 and "no such file" in proc.stderr
    proc = run("check", str(corpus / "BROKEN-truncated-real-world-bug62886.docx"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_debug_shows_the_traceback(tmp_path: Path):
    path = tmp_path / "x.md"
    path.write_bytes(b"\x00\x01\x02" * 50)
    proc = run("--debug", "check", str(path))
    assert proc.returncode != 0 and "Traceback" in proc.stderr


def test_bad_rules_file_is_reported(tmp_path: Path):
    rules = tmp_path / "rules.toml"
    rules.write_text("[[rule]]\nid = 'x'\nkind = 'nope'\npatterns = ['a']\n", encoding="utf-8")
    proc = run("check", str(SAMPLE), "--rules", str(rules))
    assert proc.returncode == 2 and "field 'kind'" in proc.stderr


def test_encoding_warning_goes_to_stderr(tmp_path: Path):
    path = tmp_path / "legacy.txt"
    path.write_bytes("Le café coûte 5 € — déjà réservé.\n".encode("cp1252"))
    proc = run("check", str(path))
    assert proc.returncode == 0
    assert "warning: legacy.txt is not UTF-8" in proc.stderr


def test_version_and_help():
    assert re.match(r"^doccritic \d+\.\d+", run("--version").stdout)
    assert "check" in run("--help").stdout
    assert "--fail-on" in run("check", "--help").stdout


def test_default_command_without_a_display_says_how_to_work_headless(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    proc = subprocess.run(
        [sys.executable, "-m", "doccritic"], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60
    )
    assert proc.returncode == 2
    assert "no display found" in proc.stderr and "doccritic check" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_bad_window_size_is_rejected():
    proc = run(str(SAMPLE), "--screenshot", "x.png", "--size", "huge")
    assert proc.returncode == 2 and "WIDTHxHEIGHT" in proc.stderr


def test_all_shows_more_than_the_capped_view():
    capped = run("check", str(SAMPLE)).stdout.count("\n")
    everything = run("check", str(SAMPLE), "--all").stdout.count("\n")
    assert everything > capped


def test_help_names_the_window_options_and_file_help_describes_them():
    top = run("--help")
    assert top.returncode == 0 and all(o in top.stdout for o in ("--screenshot", "--size", "--theme"))
    window = run("draft.md", "--help")  # not "invalid choice": the window's own help
    assert window.returncode == 0, window.stderr
    assert "Open the review window" in window.stdout and "--screenshot OUT.png" in window.stdout


# The decision register: the readiness line, --fail-on-open-doors for CI, --register for the PM's settlements

def test_check_ends_with_the_readiness_of_the_register():
    text = run("check", str(SAMPLE))
    assert text.stdout.strip().splitlines()[-1].startswith("Readiness: 1 one-way door, 1 without an exit ramp, ")
    data = json.loads(run("check", str(SAMPLE), "--format", "json").stdout)
    readiness = data["readiness"]
    assert (readiness["one_way_doors"], readiness["without_exit_ramp"]) == (1, 1)
    assert text.stdout.strip().endswith(f"Readiness: {readiness['summary']}.")
    door = next(d for d in data["decisions"] if d["reversibility"] == "one_way")
    assert door["status"] == "open" and door["raised_by"] == ["offline checks"]
    assert len(door["passages"]) >= 2  # the summary's bullet and the section that states it again


def test_fail_on_open_doors_trips_until_the_pm_settles_the_door(tmp_path: Path):
    assert run("check", str(SAMPLE), "--fail-on-open-doors").returncode == 1
    review = json.loads(run("check", str(SAMPLE), "--format", "json").stdout)
    for door in review["decisions"]:
        if door["reversibility"] == "one_way":
            door.update(status="accepted_one_way", owner="Priya Raman", edited=["owner", "status"])
    saved = tmp_path / "sample.review.json"
    saved.write_text(json.dumps(review), encoding="utf-8")
    draft = tmp_path / "sample-prd.md"  # the draft edited since: a line added on top moves every passage
    draft.write_text("Draft 2.\n\n" + SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    proc = run("check", str(draft), "--fail-on-open-doors", "--register", str(saved), "--format", "json")
    assert proc.returncode == 0, proc.stdout[-400:]
    settled = json.loads(proc.stdout)
    assert settled["readiness"]["without_exit_ramp"] == 0
    assert [d["owner"] for d in settled["decisions"] if d["reversibility"] == "one_way"] == ["Priya Raman"]


def test_fail_on_open_doors_passes_a_doc_without_doors(tmp_path: Path):
    doc = tmp_path / "clean.md"
    doc.write_text("# Notes\n\nWe reviewed the plan with nine customers in May.\n", encoding="utf-8")
    proc = run("check", str(doc), "--fail-on-open-doors")
    assert (proc.returncode, proc.stdout.strip()) == (0, "No findings.")


def test_a_bad_register_file_is_one_sentence_and_exit_2(tmp_path: Path):
    bad = tmp_path / "review.json"
    bad.write_text('{"schema": "doccritic.review/1", "decisions": 3}', encoding="utf-8")
    proc = run("check", str(SAMPLE), "--register", str(bad))
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("doccritic: Cannot read review.json:") and "Traceback" not in proc.stderr
