"""Debate engine against the loopback Messages API: turn order, context, steering, faults, summary."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass

from fakes.messages_api import FakeMessagesAPI, Fault, Reply

from doccritic.claude.client import Connection
from doccritic.claude.debate import DebateSession, new_debate
from doccritic.claude.events import DebateIdle, SummaryDone, SummaryWaiting, TurnDelta, TurnDone, TurnFailed
from doccritic.claude.failures import FailureKind
from doccritic.core.debates import point_to_finding
from doccritic.core.findings import Anchor, Kind, Source
from doccritic.formats.markdown import parse_markdown

DOC = parse_markdown("# Auto-charge\n\n## Plan\nAuto-charge ships enabled by default for all existing accounts.\n"
                     "We will delete legacy invoices after the migration.\n\n## Notes\n"
                     + "\n".join(f"Background line {i} on billing operations and support load." for i in range(150)))
DOOR = "Auto-charge ships enabled by default for all existing accounts."


@dataclass
class P:
    id: str
    name: str

    def brief(self) -> str:
        return f"{self.name}, a reviewer with opinions."


ENG, EXEC = P("staff-engineer", "Staff Engineer"), P("skeptical-exec", "Skeptical Exec")
PERSONAS = {p.id: p for p in (ENG, EXEC)}
ENG_TURN, EXEC_TURN, REFEREE = "You are Staff Engineer. Write turn", "You are Skeptical Exec. Write turn", \
    "You are the referee"


def turn_text(n: int, who: str) -> str:
    return f"{who} turn {n}: the draft says \"{DOOR}\" and that is the problem, because nobody measured it."


def summary() -> dict:
    return {"points": [
        {"category": "strongest", "side": "against", "text": "Opt-out charging cannot be undone quietly.",
         "citations": [DOOR], "kind": "one_way_door", "severity": "critical"},
        {"category": "change", "side": "both", "text": "Pilot with opt-in first.", "citations": [],
         "kind": "open_question", "severity": "major"}],
        "verdict": "Not ready: make it opt-in first."}


def script_debate(api: FakeMessagesAPI, rounds: int = 2, **turn_options) -> None:
    api.script(*(Reply.text(turn_text(n, "eng"), **turn_options) for n in range(1, 2 * rounds, 2)), match=ENG_TURN)
    api.script(*(Reply.text(turn_text(n, "exec"), **turn_options) for n in range(2, 2 * rounds + 1, 2)),
               match=EXEC_TURN)
    api.script(Reply.json(summary()), match=REFEREE)


def run(api: FakeMessagesAPI, session_factory, steer=None, passes: int = 1):
    async def go():
        client = Connection(api_key="sk-test", base_url=api.base_url, read_timeout=2).client()
        session = session_factory(client)
        events = []
        try:
            for _ in range(passes):
                async for event in session.events():
                    events.append(event)
                    if steer:
                        steer(session, event)
                if steer:
                    steer(session, None)
        finally:
            await client.close()
        return session, events

    return asyncio.run(go())


def make(rounds: int = 2, **kw):
    def factory(client):
        debate = new_debate("Auto-charge should be on by default.", ENG.id, EXEC.id, model="claude-sonnet-4-6",
                            rounds=rounds, **kw)
        return DebateSession(client, DOC, debate, PERSONAS)
    return factory


def messages(api: FakeMessagesAPI):
    return [r for r in api.journal if r.path == "/v1/messages"]


def test_turns_alternate_and_each_carries_the_document_and_the_transcript_so_far():
    with FakeMessagesAPI() as api:
        script_debate(api)
        session, events = run(api, make())
        calls = messages(api)
    turns = session.debate.turns
    assert [t.speaker for t in turns] == ["staff-engineer", "skeptical-exec"] * 2
    assert [t.side for t in turns] == ["for", "against", "for", "against"]
    assert all(t.status == "complete" for t in turns)
    assert all(c.body["system"] == calls[0].body["system"] for c in calls)  # one cached prefix for all
    assert "<document>" in calls[0].body["system"][1]["text"]
    third = calls[2].text  # turn 3 sees turns 1 and 2, verbatim
    assert turn_text(1, "eng") in third and turn_text(2, "exec") in third
    assert turn_text(2, "exec") not in calls[1].text
    assert any(isinstance(e, TurnDelta) for e in events)  # streamed, not delivered whole
    cited = turns[0].citations[0]
    assert DOC.text[cited.start:cited.end] == DOOR and cited.anchor is Anchor.EXACT
    usage = [c.usage for c in calls[1:4]]
    assert all(u["cache_read_input_tokens"] > 0 for u in usage)  # later turns read what turn 1 cached


def test_referee_summary_points_anchor_and_become_findings():
    with FakeMessagesAPI() as api:
        script_debate(api, rounds=1)
        session, events = run(api, make(rounds=1))
    done = next(e for e in events if isinstance(e, SummaryDone)).summary
    assert done.verdict == "Not ready: make it opt-in first."
    door = done.points[0]
    assert DOC.text[door.citations[0].start:door.citations[0].end] == DOOR
    finding = point_to_finding(door, session.debate)
    assert finding.source is Source.DEBATE and finding.kind is Kind.ONE_WAY_DOOR and finding.placed
    assert DOC.text[finding.start:finding.end] == DOOR and finding.persona == "skeptical-exec"
    assert point_to_finding(done.points[1], session.debate).anchor is Anchor.DOCUMENT
    assert session.debate.cost_usd > 0 and session.debate.usage["output_tokens"] > 0


def test_an_interjection_reaches_the_next_turn():
    def steer(session, event):
        if isinstance(event, TurnDone) and event.turn.index == 1:
            session.interject("Assume legal has approved opt-out. Does that change your view?")

    with FakeMessagesAPI() as api:
        script_debate(api)
        session, _ = run(api, make(), steer)
        calls = messages(api)
    assert "Assume legal has approved opt-out" not in calls[0].text
    assert "Moderator (the document's author): Assume legal has approved opt-out" in calls[1].text
    assert "The moderator has just spoken" in calls[1].text
    assert session.debate.interjections[0].after_turn == 1


def test_stop_mid_turn_keeps_the_partial_turn_marked():
    def steer(session, event):
        if isinstance(event, TurnDelta) and event.index == 2:
            session.stop()

    with FakeMessagesAPI() as api:
        script_debate(api, chunk_chars=6, tokens_per_second=60)
        session, events = run(api, make(), steer)
    turns = session.debate.turns
    assert [t.status for t in turns] == ["complete", "stopped"]
    assert turns[1].text and turns[1].text in turn_text(2, "exec")
    assert isinstance(events[-1], DebateIdle) and events[-1].reason == "stopped"
    assert session.debate.summary is None


def test_a_fault_in_turn_3_keeps_turns_1_and_2_and_retry_continues():
    with FakeMessagesAPI() as api:
        api.script(Reply.text(turn_text(1, "eng")),
                   Reply.text(turn_text(3, "eng"), chunk_chars=10, fault=Fault.disconnect(after_events=6)),
                   Reply.text(turn_text(3, "eng")), match=ENG_TURN)
        api.script(Reply.text(turn_text(2, "exec")), Reply.text(turn_text(4, "exec")), match=EXEC_TURN)
        api.script(Reply.json(summary()), match=REFEREE)

        def steer(session, event):
            if event is None and session.debate.turns[-1].status == "interrupted":
                session.retry()

        session, events = run(api, make(), steer, passes=2)
    failed = [e for e in events if isinstance(e, TurnFailed)]
    assert len(failed) == 1 and failed[0].turn.index == 3 and failed[0].failure.kind is FailureKind.DISCONNECTED
    assert failed[0].turn.text  # what was said before the cut is kept
    idle = [e for e in events if isinstance(e, DebateIdle)]
    assert idle[0].reason == "interrupted" and idle[-1].reason == "finished"
    assert [t.text for t in session.debate.turns[:2]] == [turn_text(1, "eng"), turn_text(2, "exec")]
    assert [t.status for t in session.debate.turns] == ["complete"] * 4 and session.debate.summary is not None


def test_pause_waits_after_the_turn_and_resume_goes_on():
    def steer(session, event):
        if isinstance(event, TurnDone) and event.turn.index == 1:
            session.pause()
        if event is None:
            session.resume()

    with FakeMessagesAPI() as api:
        script_debate(api)
        session, events = run(api, make(), steer, passes=2)
    idle = [e.reason for e in events if isinstance(e, DebateIdle)]
    assert idle == ["paused", "finished"] and len(session.debate.turns) == 4


def test_another_round_and_regenerate_last():
    with FakeMessagesAPI() as api:
        script_debate(api, rounds=2)
        api.script(Reply.text("eng turn 3 take two"), match=ENG_TURN)

        def steer(session, event):
            if event is None and len(session.debate.turns) == 2:
                session.another_round()

        session, _ = run(api, make(rounds=1), steer, passes=2)
        assert len(session.debate.turns) == 4 and session.debate.rounds == 2
        session.regenerate_last()
        assert len(session.debate.turns) == 3


def test_debate_round_trips_through_review_json():
    from doccritic.core.debates import Debate

    with FakeMessagesAPI() as api:
        script_debate(api, rounds=1)
        session, _ = run(api, make(rounds=1))
    data = json.loads(session.debate.model_dump_json())
    again = Debate.model_validate(data)
    assert again == session.debate and data["turns"][0]["citations"][0]["quote"] == DOOR


def test_an_event_keeps_the_debate_as_it_was_when_the_engine_sent_it():
    """The GUI reads events on another thread while the engine goes on: what it was handed must not move."""
    first: list[DebateIdle] = []
    done: list[TurnDone] = []

    def steer(session, event):
        if isinstance(event, TurnDone) and event.turn.index == 2:
            done.append(event)
        if isinstance(event, DebateIdle) and not first:
            first.append(event)
        if event is None and len(session.debate.turns) == 2:
            session.regenerate_last()  # pops turn 2: the event's copy of it must survive
            session.another_round()
            session.interject("Only new accounts?")

    with FakeMessagesAPI() as api:
        script_debate(api, rounds=2)
        api.script(Reply.text(turn_text(2, "exec")), match=EXEC_TURN)
        api.script(Reply.json(summary()), match=REFEREE)
        session, _ = run(api, make(rounds=1), steer, passes=2)
    before = first[0].debate
    assert len(session.debate.turns) == 4 and session.debate.interjections  # the engine went on...
    assert (len(before.turns), before.rounds, before.interjections) == (2, 1, [])  # ...the event did not
    assert before.summary is not None and before.summary.verdict == "Not ready: make it opt-in first."
    assert done[0].turn.text == turn_text(2, "exec") and done[0].turn is not session.debate.turns[1]


def test_the_referee_shares_the_turns_retry_loop_an_overloaded_api_is_waited_out():
    with FakeMessagesAPI() as api:
        api.script(Reply.text(turn_text(1, "eng")), match=ENG_TURN)
        api.script(Reply.text(turn_text(2, "exec")), match=EXEC_TURN)
        api.script(Reply.error(529, "overloaded_error", "Overloaded"), Reply.json(summary()), match=REFEREE)
        session, events = run(api, make(rounds=1))
        referee = [r for r in messages(api) if REFEREE in r.text]
    assert len(referee) == 2 and session.debate.summary is not None  # tried again, as a turn or a critic is
    assert session.debate.summary.verdict == "Not ready: make it opt-in first."
    assert any(isinstance(e, SummaryDone) for e in events) and events[-1].reason == "finished"
    waits = [e.message for e in events if isinstance(e, SummaryWaiting)]
    assert len(waits) == 1 and waits[0].startswith("API overloaded, retrying in")  # said, as for a turn
