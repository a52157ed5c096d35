"""`doccritic review` end to end: real SDK, loopback API, the user's view (stdout, stderr, exit code)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading

import pytest
from fakes.messages_api import FakeMessagesAPI, Fault, Reply, closed_port_url

from conftest import REPO, SAMPLE
from doccritic import cli

QUOTE = "We will migrate every existing customer to the new billing engine in a single cutover weekend"
OPT_OUT = "Auto-charge ships enabled by default (opt-out) for all existing accounts"
DELETED = "legacy templates are deleted after cut-over"
EXCLUSIVE = "We consolidate card processing on PayFlow under a 3-year exclusive agreement"
PAIR = ["--personas", "staff-engineer,skeptical-exec"]


def finding(quote: str, title: str = "Big-bang migration", severity: str = "critical") -> dict:
    return {"kind": "one_way_door", "severity": severity, "title": title, "quote": quote, "rationale": "No way back.",
            "reversibility": {"level": "one_way", "cost_to_reverse": "weeks", "exit_ramp": "pilot"}}


def answer(quote: str, severity: str = "critical", title: str = "Big-bang migration") -> dict:
    return {"findings": [finding(quote, title, severity)], "verdict": "Not as written.", "readiness": 3}


@pytest.fixture
def api(cli_api):
    return cli_api


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
    assert "staff-engineer: 1 finding in" in err and "Not as written." in err
    assert "doccritic: staff-engineer: finding 1 (critical): Big-bang migration" in err  # as it arrives


def test_review_text_shows_each_critics_judgement_fields_under_the_finding(api, capsys):
    door = {**finding(OPT_OUT + ".", "Opt-out auto-charge"), "confidence": 0.8,
            "reversibility": {"level": "one_way", "closes_when": "the first charge runs", "cost_to_reverse": "refunds",
                              "exit_ramp": "opt-in pilot", "decision_owner": "Head of Payments"}}
    misquote = {"kind": "challenged_assumption", "severity": "major", "title": "Opt-in is assumed",
                "quote": "Auto-charge ships disabled by default (opt-in) for all existing accounts.",
                "rationale": "Who asked?", "assumption": "payers want it", "evidence_needed": "a switch rate",
                "how_to_test": "a 4-week pilot"}
    api.script(Reply.json({"findings": [door, misquote], "verdict": "No.", "readiness": 2}))
    assert cli.main(["review", str(SAMPLE), "--personas", "staff-engineer"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    head = next(i for i, line in enumerate(lines) if "Opt-out auto-charge (staff-engineer)" in line)
    assert lines[head + 1:head + 6] == ["    confidence: 80%", "    closes when: the first charge runs",
                                        "    cost to reverse: refunds", "    exit ramp: opt-in pilot",
                                        "    decision owner: Head of Payments"]
    assert ("    misquoted: the critic wrote “Auto-charge ships disabled by default (opt-in) for all existing "
            f"accounts.”; the document says “{OPT_OUT}.”") in lines
    assert "    assumption: payers want it" in lines and "    how to test: a 4-week pilot" in lines


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
    assert code == 3 and "The API key in ANTHROPIC_API_KEY was rejected (401)" in err and "Traceback" not in err


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
    sent = api.journal[-1].text
    assert "Review only the section named in the document's title" in sent
    assert f"section “{heading}” only</title>" in sent  # the section's name is inside the fence


def test_each_critic_is_told_what_the_offline_checks_already_raised(api, capsys):
    """The checks' findings reach the critics as already raised, after the cached prefix, as the app and the eval
    send them: a paid critic is not spent repeating what `doccritic check` finds for free."""
    api.script(Reply.json(answer(sample_quote())))
    assert cli.main(["review", str(SAMPLE), "--personas", "staff-engineer,skeptical-exec"]) == 0
    capsys.readouterr()
    sent = [r for r in api.journal if r.path == "/v1/messages"]
    assert len(sent) == 2
    for request in sent:
        system = [b["text"] for b in request.body["system"]]
        raised = next(i for i, text in enumerate(system) if "<already_raised>" in text)
        assert raised > 1  # after the document and the instructions: their cache entry stays shared
        assert ('- [offline check] One-way door, critical: Turns it on for everyone at once on "Auto-charge ships '
                'enabled by default (opt-out)') in system[raised]
    assert cli.main(["review", str(SAMPLE), "--personas", "staff-engineer", "--show-request"]) == 0
    shown = json.loads(capsys.readouterr().out)["requests"][0]["body"]["system"]
    assert shown == sent[0].body["system"]  # the preview shows the list that is sent


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


# Honest exit codes: 3 whenever no critic completed ---------------------------------------------

def last_line(err: str) -> str:
    return err.strip().splitlines()[-1]


BOTH = "staff-engineer, skeptical-exec"


@pytest.mark.parametrize(("reply", "sentence"), [
    (Reply.error(400, "invalid_request_error", "messages: something is off"),
     f"{BOTH} failed (The API refused the request (400): messages: something is off)."),
    (Reply.text("Looks fine to me."), f"{BOTH} failed (The critic's answer was not the JSON it was asked for)."),
    (Reply.json(answer(OPT_OUT), fault=Fault.truncate(after_events=10_000)),
     f"{BOTH} partial (The answer stopped before it was finished; 1 finding kept)."),
    (Reply.text("I can't help with that.", stop_reason="refusal"),
     f"{BOTH} failed (The model declined to go on (refusal); 0 findings kept)."),
    (Reply.json(answer(OPT_OUT), fault=Fault.disconnect()),
     f"{BOTH} failed (The connection dropped while the answer was being written)."),
    (Reply.error(401, "authentication_error", "invalid x-api-key"),
     "staff-engineer failed (The API key in ANTHROPIC_API_KEY was rejected (401): set a valid key there, or unset "
     "it to use the key stored in Settings); skeptical-exec skipped (same reason)."),
], ids=["400", "not-json", "truncated", "refusal", "disconnect", "401"])
def test_no_critic_completed_exits_3_with_a_closing_sentence_in_every_format(api, capsys, reply, sentence):
    api.script(reply)
    assert cli.main(["review", str(SAMPLE), *PAIR, "--fail-on", "minor"]) == 3  # 3 beats 1, even with findings
    out, err = capsys.readouterr()
    assert last_line(err) == f"doccritic: no critic completed: {sentence}" and "Traceback" not in err
    assert cli.main(["review", str(SAMPLE), *PAIR, "--format", "json"]) == 3
    out, err = capsys.readouterr()
    assert last_line(err) == f"doccritic: no critic completed: {sentence}"
    kept = json.loads(out)  # what a partial critic wrote is still printed
    assert len(kept["findings"]) == (1 if "partial" in sentence else 0)


def test_budget_skipped_critics_and_nothing_completed_exit_3(api, capsys):
    api.script(Reply.json(answer(OPT_OUT)))
    assert cli.main(["review", str(SAMPLE), *PAIR, "--max-cost", "0.000001"]) == 3
    assert last_line(capsys.readouterr().err).startswith(
        "doccritic: no critic completed: staff-engineer, skeptical-exec skipped (the budget cap of $0.00")
    assert not [r for r in api.journal if r.path == "/v1/messages"]


TOO_LONG = Reply.error(400, "invalid_request_error", "prompt is too long: 250000 tokens > 200000 maximum")


def test_a_document_too_long_for_every_critic_is_bad_input(api, capsys):
    api.script(TOO_LONG)
    assert cli.main(["review", str(SAMPLE), *PAIR]) == 2
    assert "skeptical-exec failed (The document is too long for this model: review one section at a time)" in \
        last_line(capsys.readouterr().err)


def test_too_long_for_one_critic_but_another_failure_is_3(api, capsys):
    api.script(TOO_LONG, match="persona: staff-engineer")
    api.script(Reply.text("Looks fine to me."), match="persona: skeptical-exec")
    assert cli.main(["review", str(SAMPLE), *PAIR]) == 3
    line = last_line(capsys.readouterr().err)
    assert "staff-engineer failed (The document is too long" in line and "; skeptical-exec failed (The critic's" in line


@pytest.mark.parametrize(("fail_on", "code"), [(None, 0), ("critical", 1)])
def test_a_partial_critic_beside_a_completed_one_exits_as_usual(api, capsys, fail_on, code):
    api.script(Reply.json(answer(OPT_OUT)), match="persona: staff-engineer")
    api.script(Reply.json(answer(DELETED, "minor", "Templates deleted"), fault=Fault.truncate(after_events=10_000)),
               match="persona: skeptical-exec")
    assert cli.main(["review", str(SAMPLE), *PAIR, *(["--fail-on", fail_on] if fail_on else [])]) == code
    out, err = capsys.readouterr()
    assert "Big-bang migration (staff-engineer)" in out and "Templates deleted (skeptical-exec)" in out
    assert "skeptical-exec: partial: The answer stopped before it was finished; 1 finding kept." in err
    assert "no critic completed" not in err


# Silences, timeouts and retries on stderr ------------------------------------------------------

@pytest.mark.parametrize("how", ["flag", "saved setting"])
def test_a_silent_stream_times_out_at_the_read_timeout_and_the_retry_is_said(api, capsys, how):
    from doccritic import paths

    api.script(Reply.json(answer(OPT_OUT), fault=Fault.stall(seconds=30)), Reply.json(answer(OPT_OUT)))
    args = ["review", str(SAMPLE), "--personas", "staff-engineer"]
    if how == "flag":
        args += ["--read-timeout", "1"]
    else:
        paths.config_dir().mkdir(parents=True, exist_ok=True)
        (paths.config_dir() / "settings.ini").write_text("[claude]\nread_timeout=1\n", encoding="utf-8")
    assert cli.main(args) == 0
    err = capsys.readouterr().err
    assert "doccritic: staff-engineer: timed out, retrying in 1 s (attempt 2 of 3)" in err
    first, second = api.wait_for_requests(2, finished=True)
    assert first.cancelled and second.status == 200


def test_a_bad_read_timeout_is_bad_input(capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(["review", str(SAMPLE), "--read-timeout", "0"])
    assert exited.value.code == 2 and "--read-timeout" in capsys.readouterr().err


def test_thinking_is_said_once_per_critic_even_across_retries(api, capsys):
    thought = "Weighing the migration plan against the rollback story. " * 3
    api.script(Reply.json(answer(OPT_OUT), thinking=thought, fault=Fault.disconnect(after_events=3)),
               Reply.json(answer(OPT_OUT), thinking=thought))
    assert cli.main(["review", str(SAMPLE), "--personas", "staff-engineer", "--effort", "high"]) == 0
    err = capsys.readouterr().err
    assert err.count("staff-engineer: thinking…") == 1
    assert "staff-engineer: connection dropped, retrying in" in err


# Ctrl-C and SIGTERM: nothing paid for is lost -----------------------------------------------------

# As on Windows: the event loop cannot take signal handlers, so Ctrl-C reaches doccritic as asyncio.run's
# cancellation of the main task.
WITHOUT_SIGNAL_HANDLERS = """
import asyncio, sys
def refuse(*args, **kwargs):
    raise NotImplementedError
asyncio.SelectorEventLoop.add_signal_handler = refuse  # the loop asyncio.run makes on POSIX
from doccritic.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


class Child:
    """``doccritic review`` in a subprocess, as a user runs it; its output read as it comes."""

    def __init__(self, *args: str, no_signal_handlers: bool = False) -> None:
        start = ["-c", WITHOUT_SIGNAL_HANDLERS] if no_signal_handlers else ["-m", "doccritic"]
        self.proc = subprocess.Popen([sys.executable, *start, "review", *args], cwd=REPO, text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.err: list[str] = []
        self.out = ""
        self._changed = threading.Condition()
        self._readers = [threading.Thread(target=self._read_err, daemon=True),
                         threading.Thread(target=self._read_out, daemon=True)]
        for reader in self._readers:
            reader.start()

    def _read_err(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            with self._changed:
                self.err.append(line)
                self._changed.notify_all()
        with self._changed:  # the end: a waiter checks whether the child has exited
            self._changed.notify_all()

    def _read_out(self) -> None:
        assert self.proc.stdout is not None
        self.out = self.proc.stdout.read()

    def wait_for(self, text: str, timeout: float = 30) -> None:
        with self._changed:
            self._changed.wait_for(lambda: any(text in ln for ln in self.err) or self.proc.poll() is not None,
                                   timeout)
            assert any(text in ln for ln in self.err), "".join(self.err)

    def finish(self, timeout: float = 30) -> tuple[int, str, str]:
        code = self.proc.wait(timeout)
        for reader in self._readers:
            reader.join(timeout)
        return code, self.out, "".join(self.err)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def stalls_after_its_first_finding() -> Reply:
    """Two findings; the stream goes silent once the second has begun (so the first is complete)."""
    text = json.dumps({"findings": [finding(DELETED, "Templates deleted", "major"),
                                    finding(EXCLUSIVE, "Exclusive lock-in", "major")], "verdict": "", "readiness": 4})
    # message_start, content_block_start and ping, then the 40-character chunks up to the second title
    return Reply.text(text, chunk_chars=40, fault=Fault.stall(after_events=4 + text.index("Exclusive") // 40,
                                                                 seconds=60))


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize(("sig", "fmt", "said", "windows"), [
    (signal.SIGINT, "text", "Ctrl-C", False),
    (signal.SIGTERM, "json", "SIGTERM", False),
    (signal.SIGINT, "text", "Ctrl-C", True),
], ids=["ctrl-c", "sigterm", "ctrl-c-without-signal-handlers"])
def test_a_signal_keeps_what_the_critics_wrote_and_exits_130(api, tmp_path, sig, fmt, said, windows):
    api.script(Reply.json(answer(OPT_OUT, title="Opt-out auto-charge")), match="persona: staff-engineer")
    api.script(stalls_after_its_first_finding(), match="persona: skeptical-exec")
    api.script(Reply.json(answer(OPT_OUT)), match="persona: security-engineer")
    saved = tmp_path / "review.json"
    child = Child(str(SAMPLE), "--personas", "staff-engineer,skeptical-exec,security-engineer",
                  "--max-concurrent", "1", "--format", fmt, "--out", str(saved), no_signal_handlers=windows)
    try:
        child.wait_for("skeptical-exec: finding 1 (major): Templates deleted")
        child.proc.send_signal(sig)
        code, out, err = child.finish()
    finally:
        child.kill()
    assert code == 130, err
    assert err.strip().endswith(
        f"doccritic: stopped by {said}: skeptical-exec (1 finding kept), security-engineer (not started).")
    written = json.loads(saved.read_text(encoding="utf-8"))
    titles = {f["title"]: f["persona"] for f in written["findings"]}
    assert titles == {"Opt-out auto-charge": "staff-engineer", "Templates deleted": "skeptical-exec"}
    assert [c["status"] for c in written["runs"][0]["critics"]] == ["done", "cancelled", "cancelled"]
    if fmt == "json":
        assert json.loads(out)["findings"] == written["findings"]
    else:
        assert "critical one_way_door Opt-out auto-charge (staff-engineer)" in out
        assert "major one_way_door Templates deleted (skeptical-exec)" in out
    assert "Exclusive lock-in" not in out
    asked = api.wait_for_requests(2, finished=True)
    assert len(asked) == 2 and asked[1].cancelled  # the silent stream was closed, the third critic never sent


def test_review_reports_readiness_and_fails_on_an_open_one_way_door(api, capsys):
    api.script(Reply.json(answer(OPT_OUT)))
    code = cli.main(["review", str(SAMPLE), "--personas", "staff-engineer", "--fail-on-open-doors"])
    out = capsys.readouterr().out
    assert code == 1
    assert out.strip().splitlines()[-1] == ("Readiness: 1 one-way door, 1 without an exit ramp; "
                                            "0 load-bearing assumptions; 0 open questions.")
    api.script(Reply.json({"findings": [], "verdict": "Fine.", "readiness": 9}))
    assert cli.main(["review", str(SAMPLE), "--personas", "staff-engineer", "--fail-on-open-doors"]) == 0
