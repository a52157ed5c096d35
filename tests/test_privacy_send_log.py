"""The send log (#20 item 5): one entry per request, where it went and how big, never the key or the text."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from fakes.messages_api import Reply

from conftest import SAMPLE
from doccritic import cli
from doccritic.core.sendlog import SendLog

KEY = "fake-key-secret-do-not-log"
TEXT = SAMPLE.read_text(encoding="utf-8")
QUOTE = next(ln.strip("-* ").split(". ")[0] for ln in TEXT.splitlines() if len(ln) > 70 and not ln.startswith("#"))
TIMEOUT = 15_000


def answer() -> dict:
    return {"findings": [{"kind": "challenged_assumption", "severity": "major", "title": "Doubt", "quote": QUOTE,
                          "rationale": "Needs evidence."}], "verdict": "Needs work.", "readiness": 5}


def sentences(text: str) -> list[str]:
    """Every sentence-like run of the document long enough to be recognisable."""
    return [s.strip() for s in re.split(r"[.\n]", text) if len(s.strip()) > 30]


def assert_no_secret_or_text(raw: str) -> None:
    assert KEY not in raw
    leaked = [s for s in sentences(TEXT) if s in raw]
    assert not leaked, leaked


@pytest.fixture
def api(claude_api, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", claude_api.base_url)
    return claude_api


def test_review_logs_each_request_with_host_personas_and_tokens(api, capsys):
    api.script(Reply.json(answer()))
    assert cli.main(["review", str(SAMPLE), "--personas", "staff-engineer,skeptical-exec"]) == 0
    log = SendLog()
    entries = log.entries()
    assert len(entries) == len(api.journal) == 2
    assert {e["personas"][0] for e in entries} == {"staff-engineer", "skeptical-exec"}
    for entry in entries:
        assert entry["host"] == "127.0.0.1" and entry["document"] == "sample-prd.md"
        assert entry["kind"] == "critic" and entry["outcome"] == "answered"
        assert entry["input_tokens"] + entry["cache_read_input_tokens"] + entry["cache_creation_input_tokens"] > 0
        assert entry["output_tokens"] > 0 and entry["redactions"] == {}
    assert_no_secret_or_text(log.file.read_text(encoding="utf-8"))


def test_a_retried_request_is_logged_twice(api, capsys):
    api.script(Reply.error(529, "overloaded_error", "Overloaded", {"retry-after-ms": "1"}), Reply.json(answer()))
    assert cli.main(["review", str(SAMPLE), "--personas", "staff-engineer"]) == 0
    entries = SendLog().entries()
    assert len(entries) == len(api.journal) == 2
    assert [(e["attempt"], e["outcome"]) for e in entries] == [(1, "failed"), (2, "answered")]


def test_debate_turns_and_the_referee_are_logged(api, capsys):
    api.script(Reply.text("The rollout has no way back."))
    code = cli.main(["debate", str(SAMPLE), "--personas", "staff-engineer,skeptical-exec", "--rounds", "1",
                     "--no-summary"])
    assert code == 0
    entries = SendLog().entries()
    assert len(entries) == len(api.journal) >= 2
    assert {e["kind"] for e in entries} == {"debate"}
    assert {e["personas"][0] for e in entries} == {"staff-engineer", "skeptical-exec"}
    assert_no_secret_or_text(SendLog().file.read_text(encoding="utf-8"))


def test_retention_drops_old_entries_and_keeps_the_newest(tmp_path):
    log = SendLog(tmp_path / "send-log.jsonl", max_entries=3)
    now = datetime(2026, 12, 4, tzinfo=UTC)
    log.append({"host": "old.example"}, now=now - timedelta(days=91))
    log.append({"host": "recent.example", "at": (now - timedelta(days=89)).isoformat()}, now=now)
    assert [e["host"] for e in log.entries()] == ["recent.example"]  # the 91-day-old one went on this write
    for n in range(4):
        log.append({"host": f"h{n}"}, now=now)
    assert [e["host"] for e in log.entries()] == ["h1", "h2", "h3"]


def test_only_known_fields_are_written(tmp_path):
    log = SendLog(tmp_path / "send-log.jsonl")
    log.append({"host": "h", "text": "the whole draft", "api_key": KEY})
    assert json.loads(log.file.read_text(encoding="utf-8")).keys() == {"host", "at"}


def test_window_run_is_logged_and_shown_in_the_send_log_dialog(qtbot, claude_window, claude_api):
    from doccritic.ui.send_log import SendLogDialog

    win = claude_window
    win.critics.confirm = lambda *_: True
    claude_api.script(Reply.json(answer()))
    win.critics.panel.set_checked({"staff-engineer"})
    with qtbot.waitSignal(win.critics.run_finished, timeout=TIMEOUT):
        win.critics.run()
    review_menu = win.review_menu  # not QAction.menu(): on PySide6 6.11.0 its wrapper counts as deleted
    assert "Send &Log…" in [a.text() for a in review_menu.actions()]
    dialog = SendLogDialog(win)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1 == len(claude_api.journal)
    row = [dialog.table.item(0, c).text() for c in range(dialog.table.columnCount())]
    assert row[1:5] == ["critic", "127.0.0.1", "sample-prd.md", "staff-engineer"] and row[-1] == "answered"
    assert "90 days" in dialog.about.text()
    assert_no_secret_or_text(SendLog().file.read_text(encoding="utf-8"))


def test_an_exact_cost_estimate_is_logged_because_it_sends_the_draft(qtbot, claude_window, claude_api):
    win = claude_window
    win.settings.update_claude(exact_estimate=True)
    asked = []
    win.critics.confirm = lambda estimate, *_: asked.append(estimate.method) or False  # then the PM cancels
    win.critics.panel.set_checked({"staff-engineer"})
    win.critics.run()
    qtbot.waitUntil(lambda: bool(asked), timeout=TIMEOUT)
    assert asked == ["counted by the API"]
    (entry,) = SendLog().entries()
    assert entry["kind"] == "count_tokens" and entry["outcome"] == "counted" and entry["input_tokens"] > 0
    assert entry["personas"] == ["staff-engineer"] and len(claude_api.journal) == 1
