"""#20, the last pieces: a debate and an eval show their requests before sending, eval drafts are redacted like
any review, and the calls that carry no document (testing the connection, listing models) are in the send log."""

from __future__ import annotations

import json
import shutil

import pytest
from fakes.messages_api import Reply

from conftest import SAMPLE
from doccritic import cli, paths
from doccritic.core.sendlog import SendLog

TIMEOUT = 15_000
TEXT = SAMPLE.read_text(encoding="utf-8")
CORPUS = paths.resource("eval", "cases")


@pytest.fixture
def api(claude_api, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_BASE_URL", claude_api.base_url)
    return claude_api


def test_debate_show_request_prints_the_opening_turn_and_sends_nothing(api, capsys):
    code = cli.main(["debate", str(SAMPLE), "--personas", "staff-engineer,skeptical-exec", "--opener",
                     "skeptical-exec", "--motion", "Ship it in Q3", "--show-request"])
    out = capsys.readouterr().out
    assert code == 0 and api.journal == []
    shown = json.loads(out)
    assert shown["endpoint"] == f"{api.base_url.rstrip('/')}/v1/messages" and shown["motion"] == "Ship it in Q3"
    (request,) = shown["requests"]
    assert request["persona"] == "skeptical-exec" and request["prompt_tokens_estimate"] > 100
    body = json.dumps(request["body"], ensure_ascii=False)
    assert TEXT.splitlines()[0].lstrip("# ") in body and "Ship it in Q3" in body and "sk-test" not in out


def test_the_debate_preview_is_exactly_the_first_request_the_endpoint_receives(api, capsys):
    argv = ["debate", str(SAMPLE), "--personas", "staff-engineer,skeptical-exec", "--rounds", "1", "--no-summary"]
    cli.main([*argv, "--show-request"])
    (shown,) = json.loads(capsys.readouterr().out)["requests"]
    api.script(Reply.text("I hold that the plan is sound."))
    assert cli.main(argv) == 0
    assert api.journal[0].body == shown["body"]


def test_eval_show_request_prints_every_cases_requests_without_a_key(api, capsys, monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    monkeypatch.delenv("ANTHROPIC_BASE_URL")
    code = cli.main(["eval", str(CORPUS), "--case", "api-deprecation", "--case", "internal-tool",
                     "--personas", "staff-engineer,legal-privacy", "--show-request"])
    shown = json.loads(capsys.readouterr().out)
    assert code == 0 and api.journal == [] and shown["host"] == "api.anthropic.com"
    assert [c["case"] for c in shown["cases"]] == ["api-deprecation", "internal-tool"]
    assert all([r["persona"] for r in c["requests"]] == ["staff-engineer", "legal-privacy"] for c in shown["cases"])


def test_eval_drafts_are_redacted_before_they_leave(api, capsys, tmp_path):
    corpus = tmp_path / "cases"
    shutil.copytree(CORPUS / "internal-tool", corpus / "internal-tool")
    draft = (corpus / "internal-tool" / "draft.md").read_text(encoding="utf-8")
    words = ["Launchpad", "Greta Holm"]  # the product's and the author's names, in the title and throughout
    assert all(w in draft for w in words)
    paths.config_dir().mkdir(parents=True, exist_ok=True)
    (paths.config_dir() / "redaction.toml").write_text(f"[global]\nterms = {json.dumps(words)}\n", encoding="utf-8")
    cli.main(["eval", str(corpus), "--personas", "staff-engineer", "--show-request"])
    shown = json.dumps(json.loads(capsys.readouterr().out)["cases"], ensure_ascii=False)
    assert not [w for w in words if w.lower() in shown.lower()] and "[TERM-1]" in shown
    api.script(Reply.json({"findings": [], "verdict": "Fine.", "readiness": 8}))
    assert cli.main(["eval", str(corpus), "--personas", "staff-engineer", "--yes", "--no-batch"]) == 0
    sent = json.dumps([e.body for e in api.journal], ensure_ascii=False)
    assert len(api.journal) == 1 and not [w for w in words if w.lower() in sent.lower()]
    (entry,) = SendLog().entries()
    assert entry["redactions"].get("TERM", 0) >= 2


def test_eval_local_only_refuses_an_endpoint_off_this_machine(api, capsys, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "https://gateway.invalid")
    code = cli.main(["eval", str(CORPUS), "--case", "internal-tool", "--personas", "staff-engineer", "--yes",
                     "--local-only"])
    assert code == 2 and "Local-only" in capsys.readouterr().err and api.journal == []


def test_testing_the_connection_and_listing_models_are_in_the_send_log(qtbot, claude_window, claude_api):
    from doccritic.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(claude_window.settings, claude_window.critics.runner, claude_window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: any(e["kind"] == "list_models" for e in SendLog().entries()), timeout=TIMEOUT)
    claude_api.script(Reply.text("pong"))
    with qtbot.waitSignal(claude_window.critics.runner.connection_tested, timeout=TIMEOUT) as tested:
        dialog.test_connection()
    assert tested.args[0] is True
    entries = {e["kind"]: e for e in SendLog().entries()}
    ping = entries["test_connection"]
    assert ping["host"] == "127.0.0.1" and ping["outcome"] == "ok" and ping["model"] and ping["document"] == ""
    assert ping["input_tokens"] > 0 and entries["list_models"]["outcome"] == "ok"
    assert "sk-test" not in SendLog().file.read_text(encoding="utf-8")


def test_debate_setup_shows_the_opening_request_and_sends_nothing(qtbot, claude_window, claude_api):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QPushButton

    from doccritic.ui.debate_dialog import DebateDialog

    win, seen = claude_window, []

    def look(dialog) -> None:
        seen.append(dialog.text.toPlainText())
        QTimer.singleShot(0, dialog.reject)

    def press() -> None:
        setup = next((w for w in win.findChildren(DebateDialog) if w.isVisible()), None)
        if setup is None:
            QTimer.singleShot(20, press)
            return
        setup.motion.setPlainText("Launch to every customer in Q3")
        setup.findChild(QPushButton, "showDebateRequest").click()  # runs the preview dialog, closed by look()
        QTimer.singleShot(0, setup.reject)

    win.debates.request_preview_shown.connect(look)
    QTimer.singleShot(0, press)
    assert win.debates.new_debate() is False  # the setup was cancelled after the preview
    (text,) = seen
    assert "Launch to every customer in Q3" in text and TEXT.splitlines()[0].lstrip("# ") in text
    assert claude_api.journal == [] and not win.debates.debates
