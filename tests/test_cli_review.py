"""`doccritic review` end to end: real SDK, loopback API, the user's view (stdout, stderr, exit code)."""

from __future__ import annotations

import json

import pytest
from fakes.messages_api import FakeMessagesAPI, Reply, closed_port_url

from conftest import SAMPLE
from doccritic import cli

QUOTE = "We will migrate every existing customer to the new billing engine in a single cutover weekend"


def answer(quote: str, severity: str = "critical") -> dict:
    return {"findings": [{"kind": "one_way_door", "severity": severity, "title": "Big-bang migration",
                          "quote": quote, "rationale": "No way back.",
                          "reversibility": {"level": "one_way", "cost_to_reverse": "weeks", "exit_ramp": "pilot"}}],
            "verdict": "Not as written.", "readiness": 3}


@pytest.fixture
def api(monkeypatch):
    with FakeMessagesAPI() as server:
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.base_url)
        yield server


def sample_quote() -> str:
    text = SAMPLE.read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if len(ln) > 60 and not ln.startswith("#"))
    return line.strip("-* ").split(". ")[0]


def test_review_prints_findings_like_check_and_progress_on_stderr(api, capsys):
    api.script(Reply.json(answer(sample_quote())))
    code = cli.main(["review", str(SAMPLE), "--personas", "staff-engineer,skeptical-exec"])
    out, err = capsys.readouterr()
    assert code == 0
    assert "critical one_way_door Big-bang migration (staff-engineer, skeptical-exec)" in out
    assert out.startswith(f"{SAMPLE}:")  # path:line:col like the check command
    assert "staff-engineer: 1 findings in" in err and "Not as written." in err


def test_review_json_carries_the_run_usage_and_cost(api, capsys, tmp_path):
    api.script(Reply.json(answer(sample_quote())))
    out_file = tmp_path / "review.json"
    code = cli.main(["review", str(SAMPLE), "--personas", "staff-engineer", "--format", "json", "--out",
                     str(out_file)])
    printed = json.loads(capsys.readouterr().out)
    assert code == 0 and json.loads(out_file.read_text()) == printed
    run = printed["runs"][0]
    assert run["critics"][0]["status"] == "done" and run["cost_usd"] > 0 and run["usage"]["output_tokens"] > 0
    assert printed["findings"][0]["persona"] == "staff-engineer"
    assert "sk-test" not in out_file.read_text()


def test_fail_on_trips_on_a_critical_finding(api, capsys):
    api.script(Reply.json(answer(sample_quote())))
    assert cli.main(["review", str(SAMPLE), "--personas", "staff-engineer", "--fail-on", "major"]) == 1


def test_rejected_key_exits_3_with_one_sentence(api, capsys):
    api.script(Reply.error(401, "authentication_error", "invalid x-api-key"))
    code = cli.main(["review", str(SAMPLE), "--personas", "staff-engineer"])
    err = capsys.readouterr().err
    assert code == 3 and "The API key was rejected (401)" in err and "Traceback" not in err


def test_unreachable_endpoint_exits_3(monkeypatch, capsys):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
    code = cli.main(["review", str(SAMPLE), "--personas", "staff-engineer", "--base-url", closed_port_url()])
    assert code == 3 and "Cannot reach the API" in capsys.readouterr().err


def test_no_key_exits_3_and_says_how_to_set_one(capsys):
    assert cli.main(["review", str(SAMPLE)]) == 3
    assert "ANTHROPIC_API_KEY" in capsys.readouterr().err


def test_unknown_persona_and_section_are_bad_input(api, capsys):
    assert cli.main(["review", str(SAMPLE), "--personas", "nobody"]) == 2
    assert "Unknown persona 'nobody'" in capsys.readouterr().err
    assert cli.main(["review", str(SAMPLE), "--personas", "staff-engineer", "--section", "Nope"]) == 2
    assert 'No section "Nope"' in capsys.readouterr().err


def test_section_review_tells_the_critic_which_section(api, capsys):
    api.script(Reply.json(answer(sample_quote())))
    heading = next(ln.lstrip("# ") for ln in SAMPLE.read_text(encoding="utf-8").splitlines() if ln.startswith("## "))
    assert cli.main(["review", str(SAMPLE), "--personas", "staff-engineer", "--section", heading]) == 0
    assert f'Review only the section "{heading}"' in api.journal[-1].text


def test_review_uses_the_apps_claude_settings_and_flags_override_them(monkeypatch, capsys):
    from doccritic import paths

    with FakeMessagesAPI() as server:
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
        paths.config_dir().mkdir(parents=True, exist_ok=True)
        (paths.config_dir() / "settings.ini").write_text(
            f'[claude]\nbase_url={server.base_url}\nmodel=claude-opus-4-8\npanel="skeptical-exec"\n', encoding="utf-8")
        server.script(Reply.json(answer(sample_quote())))
        assert cli.main(["review", str(SAMPLE)]) == 0  # no --base-url, no --personas: the app's choices
        first = [r for r in server.journal if r.path == "/v1/messages"]
        assert len(first) == 1 and first[0].body["model"] == "claude-opus-4-8"
        assert "persona: skeptical-exec" in first[0].text
        assert cli.main(["review", str(SAMPLE), "--model", "claude-haiku-4-5", "--personas", "staff-engineer"]) == 0
        last = [r for r in server.journal if r.path == "/v1/messages"][-1]
        assert last.body["model"] == "claude-haiku-4-5" and "persona: staff-engineer" in last.text
