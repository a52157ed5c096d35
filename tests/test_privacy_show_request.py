"""What is sent, before it is sent (#20 item 1): the preview is the request the endpoint receives, byte for byte."""

from __future__ import annotations

import json

import pytest
from fakes.messages_api import Reply
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from conftest import SAMPLE
from doccritic import cli

TIMEOUT = 15_000
TEXT = SAMPLE.read_text(encoding="utf-8")
PAIR = "staff-engineer,skeptical-exec"


@pytest.fixture
def api(claude_api, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_BASE_URL", claude_api.base_url)
    return claude_api


def test_show_request_prints_the_requests_and_sends_nothing(api, capsys):
    code = cli.main(["review", str(SAMPLE), "--personas", PAIR, "--show-request"])
    out = capsys.readouterr().out
    assert code == 0 and api.journal == []
    shown = json.loads(out)
    assert shown["endpoint"] == f"{api.base_url.rstrip('/')}/v1/messages" and "sk-test" not in out
    assert [r["persona"] for r in shown["requests"]] == ["staff-engineer", "skeptical-exec"]
    body = shown["requests"][0]["body"]
    draft_block = body["system"][0]["text"]
    assert TEXT.splitlines()[0].lstrip("# ") in draft_block  # the fenced draft is there, whole
    assert "staff-engineer" in json.dumps(body["messages"]) or "Staff" in json.dumps(body["messages"])
    assert shown["requests"][0]["prompt_tokens_estimate"] > 100


def test_the_preview_is_exactly_what_the_endpoint_then_receives(api, capsys):
    cli.main(["review", str(SAMPLE), "--personas", PAIR, "--show-request"])
    shown = {r["persona"]: r["body"] for r in json.loads(capsys.readouterr().out)["requests"]}
    api.script(Reply.json({"findings": [], "verdict": "Fine.", "readiness": 8}))
    assert cli.main(["review", str(SAMPLE), "--personas", PAIR]) == 0
    received = [e.body for e in api.journal]
    assert len(received) == 2
    for body in received:
        persona = next(pid for pid, b in shown.items() if b["messages"] == body["messages"])
        assert body == shown[persona]


def test_show_request_needs_no_key(api, capsys, monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    monkeypatch.delenv("ANTHROPIC_BASE_URL")
    assert cli.main(["review", str(SAMPLE), "--personas", "staff-engineer", "--show-request"]) == 0
    assert json.loads(capsys.readouterr().out)["host"] == "api.anthropic.com"


def test_run_confirmation_shows_each_critics_request_before_anything_is_sent(qtbot, claude_window, claude_api):
    win = claude_window
    seen: list[tuple[str, str]] = []

    def look(dialog) -> None:
        for i in range(dialog.critic.count()):
            dialog.critic.setCurrentIndex(i)
            seen.append((dialog.critic.currentText(), dialog.text.toPlainText()))
        QTimer.singleShot(0, dialog.reject)

    win.critics.request_preview_shown.connect(look)
    clicks = iter(["Show request…", "Cancel"])

    def press() -> None:
        box = next((w for w in win.findChildren(QMessageBox) if w.isVisible()), None)
        if box is None:  # the estimate (or the preview) is not done yet: look again shortly
            QTimer.singleShot(20, press)
            return
        label = next(clicks)
        button = next(b for b in box.buttons() if b.text() == label)
        button.click()
        if label != "Cancel":
            QTimer.singleShot(50, press)

    win.critics.panel.set_checked({"staff-engineer", "skeptical-exec"})
    win.critics.confirm = win.critics._confirm_dialog
    QTimer.singleShot(50, press)
    win.critics.run()
    qtbot.waitUntil(lambda: "Not run" in win.critics.panel.summary.text(), timeout=TIMEOUT)
    assert len(seen) == 2 and all("tokens" in name for name, _ in seen)
    for _, text in seen:
        assert "system block 1" in text and "user message" in text
        assert TEXT.splitlines()[0].lstrip("# ") in text
    assert claude_api.journal == []
