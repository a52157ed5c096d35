"""Every failure path of the Claude engine is bounded and honest (issue #12), through the real SDK and the fake.

An endpoint that refuses a feature forever, a stream that goes silent, an answer cut short, a key that is
rejected, a critic that spends past the cap: each ends in a bounded number of requests, with one sentence the
PM can act on, and keeps what was already paid for.
"""

from __future__ import annotations

import asyncio
import json

import pytest
from fakes.messages_api import FakeMessagesAPI, Fault, Reply
from test_panel import DOC_TEXT, EXEC, LEGAL, STAFF, P, answer, item, of, run_panel

from doccritic.claude.client import Connection
from doccritic.claude.commands import DebateCommand
from doccritic.claude.config import PanelSettings
from doccritic.claude.debate import DebateSession, new_debate
from doccritic.claude.events import (
    CriticDone,
    CriticFailed,
    CriticProgress,
    CriticStatus,
    DebateIdle,
    FindingFound,
    TurnFailed,
)
from doccritic.claude.failures import FailureKind
from doccritic.claude.panel import estimate
from doccritic.formats.markdown import parse_markdown

GOOD = answer(item("We ship to all users on day one."))


def messages(api: FakeMessagesAPI) -> list:
    return [r for r in api.journal if r.path == "/v1/messages"]


# a backend that refuses a feature forever ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "settings", "most"),
    [
        ("output_config.effort: Extra inputs are not permitted", PanelSettings(effort="high"), 3),
        ("output_config: Extra inputs are not permitted", PanelSettings(effort="high"), 3),
        ("thinking: Extra inputs are not permitted", PanelSettings(adaptive_thinking=True), 2),
        ("cache_control: Extra inputs are not permitted", PanelSettings(), 2),
    ],
    ids=["effort", "output_config", "thinking", "cache_control"],
)
def test_a_400_forever_for_a_feature_ends_in_a_few_requests_with_one_sentence(message, settings, most):
    with FakeMessagesAPI() as api:
        api.script(Reply.error(400, "invalid_request_error", message))
        _, panel, events, _ = run_panel(api, [STAFF], settings)
        sent = messages(api)
    assert 2 <= len(sent) <= most  # each drop changed the request; a drop that changes nothing is not a retry
    assert [json.dumps(r.body, sort_keys=True) for r in sent] == list(dict.fromkeys(
        json.dumps(r.body, sort_keys=True) for r in sent))  # no request was sent twice
    failed = of(events, CriticFailed)
    assert len(failed) == 1 and failed[0].failure.kind is FailureKind.BAD_REQUEST
    assert failed[0].failure.message.startswith("The API refused the request (400)")
    assert panel.backend.notes  # what was dropped is said


def test_an_endpoint_that_refuses_token_counting_is_asked_once_and_the_estimate_stays_local():
    with FakeMessagesAPI(count_tokens=False) as api:
        client = Connection(api_key="sk-test", base_url=api.base_url).client()
        est = asyncio.run(estimate(client, parse_markdown(DOC_TEXT), [STAFF, EXEC, LEGAL],
                                   PanelSettings(exact_estimate=True)))
        counted = [r for r in api.journal if r.path.endswith("count_tokens")]
    assert len(counted) == 1 and est.method == "local estimate" and est.total > 0


# answers cut short are never a silent "done" ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "kind", "words"),
    [
        (Reply.text('{"findings": [' + json.dumps(item("We ship to all users on day one.")) + '], "verdict": "No" ;;'),
         FailureKind.MALFORMED, "unreadable"),
        (Reply.json(GOOD, stop_reason="model_context_window_exceeded"), FailureKind.TOO_LARGE, "context window"),
        (Reply.json(GOOD, stop_reason="refusal"), FailureKind.REFUSAL, "refusal"),
    ],
    ids=["garbage-tail", "context-window", "refusal"],
)
def test_an_answer_that_is_not_whole_ends_partial_with_the_reason_and_keeps_its_findings(reply, kind, words):
    with FakeMessagesAPI() as api:
        api.script(reply)
        _, _, events, _ = run_panel(api, [STAFF])
    (failed,) = of(events, CriticFailed)
    assert failed.result.status is CriticStatus.PARTIAL and failed.failure.kind is kind
    assert words in failed.failure.message and "1 finding kept" in failed.failure.message
    assert not of(events, CriticDone)


def test_a_truncated_stream_with_nothing_usable_is_retried_like_a_disconnect():
    with FakeMessagesAPI() as api:
        api.script(Reply.json(GOOD, fault=Fault.truncate(after_events=3)), Reply.json(GOOD))
        _, _, events, _ = run_panel(api, [STAFF])
        sent = messages(api)
    assert len(sent) == 2 and of(events, CriticDone) and len(of(events, FindingFound)) == 1


# waiting is visible and bounded ------------------------------------------------------------------------------------


def test_a_silent_stream_says_it_is_still_waiting_then_the_try_times_out_and_is_retried():
    settings = PanelSettings(notice_after=0.3, attempts=2, stagger_timeout=5)
    with FakeMessagesAPI() as api:
        api.script(Reply.json(GOOD, fault=Fault.stall(after_events=1, seconds=5)), Reply.json(GOOD))
        _, _, events, _ = run_panel(api, [STAFF], settings, read_timeout=1.0)
        sent = messages(api)
    said = [e.message for e in of(events, CriticProgress)]
    assert any(m.startswith("no data for") and m.endswith("still waiting (attempt 1 of 2)") for m in said)
    assert any(m.startswith("timed out, retrying in") and "(attempt 2 of 2)" in m for m in said)
    assert len(sent) == 2 and of(events, CriticDone)


def test_a_critic_has_a_total_time_bound_whatever_the_server_does():
    settings = PanelSettings(critic_timeout=1.0, notice_after=5, stagger_timeout=5)
    with FakeMessagesAPI() as api:
        api.script(Reply.json(GOOD, chunk_chars=4, tokens_per_second=8))  # ~40 s to write it all
        _, _, events, _ = run_panel(api, [STAFF], settings)
    (failed,) = of(events, CriticFailed)
    assert failed.failure.kind is FailureKind.TIMEOUT and "within 1 s" in failed.failure.message
    assert failed.result.duration < 3


# budgets fit thinking models ---------------------------------------------------------------------------------------


def test_thinking_gets_room_in_max_tokens_and_in_the_estimate():
    doc = parse_markdown(DOC_TEXT)
    with FakeMessagesAPI() as api:
        api.script(Reply.json(GOOD))
        run_panel(api, [STAFF], PanelSettings(adaptive_thinking=True, max_findings=20))
        run_panel(api, [STAFF], PanelSettings(max_findings=20))
        thinking, plain = (r.body["max_tokens"] for r in messages(api))
        client = Connection(api_key="sk-test", base_url=api.base_url).client()
        costs = [asyncio.run(estimate(client, doc, [STAFF], s)).total
                 for s in (PanelSettings(), PanelSettings(adaptive_thinking=True), PanelSettings(effort="max"))]
    assert plain >= 20 * 220 + 1000  # room for every finding asked for
    assert thinking >= plain + 16_000
    assert costs[0] < costs[1] < costs[2]  # thinking is priced, and more of it at a higher effort


def test_the_row_says_thinking_apart_from_writing():
    with FakeMessagesAPI() as api:
        api.script(Reply.json(GOOD, thinking="Let me weigh the rollout. " * 20))
        _, _, events, _ = run_panel(api, [STAFF], PanelSettings(adaptive_thinking=True))
    said = [e.message for e in of(events, CriticProgress)]
    assert "thinking…" in said and said.index("thinking…") < len(said) - 1 - said[::-1].index("writing")
    assert of(events, CriticDone)


def test_the_budget_cap_is_enforced_on_actual_spend_while_a_critic_writes():
    long_answer = answer(*(item("We ship to all users on day one.", title=f"Point {i}",
                                rationale="Because " + "the rollout is risky " * 40) for i in range(40)))
    with FakeMessagesAPI() as api:
        client = Connection(api_key="sk-test", base_url=api.base_url).client()
        est = asyncio.run(estimate(client, parse_markdown(DOC_TEXT), [STAFF], PanelSettings())).total
        cap = est * 2
        api.script(Reply.json(long_answer, chunk_chars=200, tokens_per_second=4_000))
        _, panel, events, _ = run_panel(api, [STAFF], PanelSettings(budget_usd=cap, stagger_timeout=5))
        (request,) = api.wait_for_requests(1, timeout=3, finished=True)  # the server notices on its next write
    (failed,) = of(events, CriticFailed)
    assert failed.failure.kind is FailureKind.BUDGET and "spent" in failed.failure.message
    assert failed.result.findings  # what was written before the cap is kept
    assert request.cancelled  # the stream was stopped, not read to the end
    assert panel.budget_stopped and failed.result.cost < cap * 1.5


# a rejected key or model stops the rest -----------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "etype"), [(401, "authentication_error"), (403, "permission_error"),
                                               (404, "not_found_error")])
def test_after_a_401_403_or_404_on_the_first_critic_the_others_send_nothing(status, etype):
    with FakeMessagesAPI() as api:
        api.script(Reply.error(status, etype, "no"))
        _, _, events, _ = run_panel(api, [STAFF, EXEC, LEGAL])
        sent = messages(api)
    assert len(sent) == 1  # the document went out once, not three times
    failed = of(events, CriticFailed)
    assert len(failed) == 3 and all(f.result.status in (CriticStatus.FAILED, CriticStatus.SKIPPED) for f in failed)
    assert all("Not started" in f.failure.message for f in failed[1:])


def test_a_404_for_one_model_does_not_stop_a_critic_on_another_model():
    other = P("legal", "Legal", model="claude-haiku-4-5")
    with FakeMessagesAPI() as api:
        api.script(Reply.error(404, "not_found_error", "model: nope"), match=lambda b: b["model"] != other.model)
        api.script(Reply.json(GOOD), match=lambda b: b["model"] == other.model)
        _, _, events, _ = run_panel(api, [STAFF, EXEC, other])
    assert [e.persona_id for e in of(events, CriticDone)] == ["legal"]


@pytest.mark.parametrize(("source", "words"), [("environment", "ANTHROPIC_API_KEY"), ("keyring", "keyring")])
def test_the_401_sentence_names_where_the_key_came_from(source, words):
    with FakeMessagesAPI() as api:
        api.script(Reply.error(401, "authentication_error", "invalid x-api-key"))
        _, _, events, _ = run_panel(api, [STAFF], key_source=source)
    message = of(events, CriticFailed)[0].failure.message
    assert words in message and "(401)" in message


# debates -----------------------------------------------------------------------------------------------------------


def run_debate(api: FakeMessagesAPI, personas: dict, **kw):
    doc = parse_markdown(DOC_TEXT)
    debate = new_debate("Ship auto-charge to all", "staff-engineer", "skeptical-exec", model="claude-sonnet-4-6",
                        rounds=1, **kw)

    async def go():
        client = Connection(api_key="sk-test", base_url=api.base_url).client()
        session = DebateSession(client, doc, debate, personas, summarize=False)
        try:
            return [e async for e in session.events()]
        finally:
            await client.close()

    return debate, asyncio.run(go())


def test_a_persona_model_speaks_its_debate_turns():
    opus_staff = P("staff-engineer", "Staff Engineer", model="claude-opus-4-8")
    personas = {"staff-engineer": opus_staff, "skeptical-exec": EXEC}
    with FakeMessagesAPI() as api:
        api.script(Reply.text("We ship to all users on day one, which is the risk."))
        run_debate(api, personas)
        models = [r.body["model"] for r in messages(api)]
    assert models == ["claude-opus-4-8", "claude-sonnet-4-6"]


def test_a_debate_turn_cut_at_max_tokens_is_marked_not_saved_as_complete():
    with FakeMessagesAPI() as api:
        api.script(Reply.text("The notice does not ma", stop_reason="max_tokens"))
        debate, events = run_debate(api, {"staff-engineer": STAFF, "skeptical-exec": EXEC})
    (failed,) = of(events, TurnFailed)
    assert failed.failure.kind is FailureKind.MAX_TOKENS and "length limit" in failed.failure.message
    assert debate.turns[0].status == "interrupted" and debate.turns[0].text == "The notice does not ma"
    assert of(events, DebateIdle)[0].reason == "interrupted"  # Retry is offered, nothing more runs


# secrets never leave through a server's message -------------------------------------------------------------------

ECHO = ("Invalid request from key sk-test-secret (also sk-live-abcdefghijkl); Authorization: Bearer "
        "abcdef0123456789; api_key=zz9plural")


def test_a_server_message_that_echoes_a_key_is_redacted_before_the_user_sees_it():
    with FakeMessagesAPI() as api:
        api.script(Reply.error(400, "invalid_request_error", ECHO))
        _, _, events, _ = run_panel(api, [STAFF])
    message = of(events, CriticFailed)[0].failure.message
    assert message.startswith("The API refused the request (400): Invalid request from key [redacted]")
    for secret in ("sk-test-secret", "sk-live-abcdef", "abcdef0123456789", "zz9plural"):
        assert secret not in message


def test_review_on_the_command_line_never_prints_or_writes_an_echoed_key(monkeypatch, capsys, tmp_path):
    from doccritic import cli

    doc = tmp_path / "prd.md"
    doc.write_text(DOC_TEXT, encoding="utf-8")
    out = tmp_path / "review.json"
    with FakeMessagesAPI() as api:
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-secret-key")
        api.script(Reply.error(400, "invalid_request_error", ECHO.replace("sk-test-secret", "sk-test-secret-key")))
        cli.main(["review", str(doc), "--personas", "staff-engineer", "--format", "json", "--base-url",
                  api.base_url, "--out", str(out)])
    shown = capsys.readouterr()
    saved = out.read_text(encoding="utf-8")
    assert "(400)" in shown.err and "(400)" in saved  # the reason is there, without the key
    for where in (shown.out, shown.err, saved):
        for secret in ("sk-test-secret-key", "sk-live-abcdef", "abcdef0123456789", "zz9plural"):
            assert secret not in where


# commands reach a debate or a run at any moment after it starts ------------------------------------------------


def test_a_debate_stopped_right_after_it_starts_sends_at_most_one_request(qtbot):
    from doccritic.ui.critic_runner import CriticRunner

    runner = CriticRunner()
    debate = new_debate("Ship auto-charge to all", "staff-engineer", "skeptical-exec", model="claude-sonnet-4-6",
                        rounds=2)
    try:
        with FakeMessagesAPI() as api:
            api.script(Reply.text("We ship to all users on day one, which is the risk.", chunk_chars=4,
                                  tokens_per_second=40))
            conn = Connection(api_key="sk-test", base_url=api.base_url)
            idle = []
            runner.debate_event.connect(lambda _id, e: idle.append(e) if isinstance(e, DebateIdle) else None)
            debate_id = runner.start_debate(conn, parse_markdown(DOC_TEXT), debate,
                                            {"staff-engineer": STAFF, "skeptical-exec": EXEC})
            runner.debate_command(debate_id, DebateCommand.STOP)  # at once: before the engine session exists
            qtbot.waitUntil(lambda: bool(idle), timeout=10_000)
            sent = messages(api)
    finally:
        runner.shutdown()
    assert idle[0].reason == "stopped" and len(sent) <= 1 and len(idle[0].debate.turns) <= 1


def test_a_run_cancelled_right_after_it_starts_reports_every_critic_stopped(qtbot):
    from doccritic.claude.events import PanelDone
    from doccritic.ui.critic_runner import CriticRunner

    runner = CriticRunner()
    try:
        with FakeMessagesAPI() as api:
            api.script(Reply.json(GOOD, chunk_chars=4, tokens_per_second=40))
            done = []
            runner.panel_event.connect(lambda _id, e: done.append(e) if isinstance(e, PanelDone) else None)
            run_id = runner.start_panel(Connection(api_key="sk-test", base_url=api.base_url),
                                        parse_markdown(DOC_TEXT), [STAFF, EXEC], PanelSettings())
            runner.cancel(run_id)
            qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    finally:
        runner.shutdown()
    assert all(r.status is CriticStatus.CANCELLED for r in done[0].results)
    assert not runner.running()
