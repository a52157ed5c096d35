"""Debates that decide (#15 items 7-8): turn discipline checked on the output, the referee's clashes and
decision, effort and thinking per role, and the critics' cached document read by the debate."""

from __future__ import annotations

import asyncio
import json

from fakes.messages_api import FakeMessagesAPI, Reply
from fakes.prompt_cache import render_segments
from test_debate import DOC, DOOR, ENG, EXEC, PERSONAS, P, messages, run, script_debate

from doccritic.claude.client import Connection
from doccritic.claude.debate import DebateSession, new_debate
from doccritic.claude.events import SummaryDone
from doccritic.claude.panel import Panel, PanelSettings
from doccritic.core.debates import TURN_FLAGS

ENG_TURN, EXEC_TURN, REFEREE = "You are Staff Engineer. Write turn", "You are Skeptical Exec. Write turn", \
    "You are the referee"
DELETE = "We will delete legacy invoices after the migration."


def make(rounds: int = 2, personas=None, **kw):
    def factory(client):
        debate = new_debate("Commit to this as written: “" + DOOR + "”", ENG.id, EXEC.id,
                            model="claude-sonnet-4-6", rounds=rounds, **kw)
        return DebateSession(client, DOC, debate, personas or PERSONAS)
    return factory


def test_a_turn_without_a_placed_quote_or_with_loose_concessions_is_flagged_on_the_turn():
    turns = [
        f'The draft says "{DOOR}" and gives no opt-out.',  # 1: grounded
        "I concede the motion. Nobody will mind.",  # 2: motion conceded in round 1, no quote, no evidence
        f'I concede the notice point, because "{DELETE}" comes later. I concede the cost point too.',  # 3: two
        f'I concede the motion: "{DOOR}" stands unanswered.',  # 4: last round: allowed
    ]
    with FakeMessagesAPI() as api:
        api.script(Reply.text(turns[0]), Reply.text(turns[2]), match=ENG_TURN)
        api.script(Reply.text(turns[1]), Reply.text(turns[3]), match=EXEC_TURN)
        api.script(Reply.json({"points": [], "verdict": "x"}), match=REFEREE)
        session, _ = run(api, make(rounds=2))
    flags = [t.flags for t in session.debate.turns]
    assert flags[0] == []
    assert set(flags[1]) == {"no_quote", "conceded_motion_early", "concession_no_evidence"}
    assert set(flags[2]) == {"concessions", "concession_no_evidence"}  # the second names no evidence
    assert flags[3] == []  # the last round may concede the motion, with its evidence
    assert all(f in TURN_FLAGS for fs in flags for f in fs)  # every flag has words for the reader


def test_turn_prompts_ask_for_a_quote_and_concession_discipline_and_say_the_round():
    with FakeMessagesAPI() as api:
        script_debate(api, rounds=2)
        run(api, make(rounds=2))
        calls = messages(api)
    system = calls[0].body["system"][1]["text"]
    assert "quote at least one passage" in system and "Concede at most one point per turn" in system
    assert "Never concede the motion itself before the last round" in system
    assert "round 1 of 2: do not concede the motion" in calls[0].text
    assert "round 2 of 2, the last" in calls[2].text


def test_turns_are_fast_and_the_referee_thinks_hard_unless_a_persona_says_otherwise():
    slow = P("skeptical-exec", "Skeptical Exec")
    slow.effort, slow.thinking = "high", True  # a persona file's own effort and thinking
    with FakeMessagesAPI() as api:
        script_debate(api, rounds=1)
        run(api, make(rounds=1, personas={ENG.id: ENG, EXEC.id: slow}))
        calls = messages(api)
    eng, exe, referee = calls
    assert eng.body["output_config"] == {"effort": "low"} and "thinking" not in eng.body
    assert exe.body["output_config"] == {"effort": "high"} and exe.body["thinking"] == {"type": "adaptive"}
    assert referee.body["output_config"] == {"effort": "high"} and referee.body["thinking"] == {"type": "adaptive"}
    assert referee.body["max_tokens"] > eng.body["max_tokens"]  # room to think on top of the summary


def test_an_endpoint_without_effort_or_thinking_still_debates():
    with FakeMessagesAPI() as api:
        rejected = Reply.error(400, "invalid_request_error", "output_config.effort: Extra inputs are not permitted")
        api.script(rejected, *(Reply.text(f'Turn: "{DOOR}"') for _ in range(1)), match=ENG_TURN)
        api.script(Reply.text(f'Turn: "{DOOR}"'), match=EXEC_TURN)
        api.script(Reply.json({"points": [], "verdict": "x"}), match=REFEREE)
        session, _ = run(api, make(rounds=1))
        calls = messages(api)
    assert [t.status for t in session.debate.turns] == ["complete", "complete"]
    assert "output_config" in calls[0].body and all("output_config" not in c.body for c in calls[1:])


def referee_answer() -> dict:
    return {
        "clashes": [
            {"question": "Can opt-out auto-charge be walked back once the first charge runs?", "winner": "against",
             "because": "Nobody showed a refund path for charged accounts.", "evidence_to_settle": "A refund runbook "
             "priced for 5% of accounts", "owner": "Finance", "citations": [DOOR]},
            {"question": "Will support cope?", "winner": "sideways", "because": "", "evidence_to_settle": "",
             "owner": ""},
            {"question": "", "winner": "for"},  # no question: not a clash
        ],
        "decision_for_author": "Ship auto-charge opt-in for existing accounts; keep opt-out for new sign-ups only.",
        "points": [
            {"category": "strongest", "side": "for", "text": "Charging reduces churn.", "citations": [DOOR],
             "kind": "weak_argument", "severity": "minor"},
            {"category": "change", "side": "both", "text": "Make it opt-in first.", "citations": [DOOR],
             "kind": "one_way_door", "severity": "critical"}],
        "verdict": "Not as written.",
    }


def test_the_referee_decides_each_clash_and_gives_one_decision_for_the_author():
    with FakeMessagesAPI() as api:
        api.script(Reply.text(f'"{DOOR}"'), match=ENG_TURN)
        api.script(Reply.text(f'"{DOOR}"'), match=EXEC_TURN)
        api.script(Reply.json(referee_answer()), match=REFEREE)
        session, events = run(api, make(rounds=1))
        referee = messages(api)[-1]
    assert "decision_for_author" in referee.text and '"winner": "for" | "against" | "undecided"' in referee.text
    summary = next(e for e in events if isinstance(e, SummaryDone)).summary
    assert summary.decision_for_author.startswith("Ship auto-charge opt-in")
    first, second = summary.clashes
    assert (first.winner, first.owner) == ("against", "Finance") and first.evidence_to_settle.startswith("A refund")
    assert DOC.text[first.citations[0].start:first.citations[0].end] == DOOR
    assert second.winner == "undecided"  # an unknown call is no call
    assert [p.addable for p in summary.points] == [False, True]  # praise is not a finding; a change is
    again = type(session.debate).model_validate(json.loads(session.debate.model_dump_json()))
    assert again.summary.clashes[0].question == first.question  # saved with the review


def test_a_debate_after_the_critics_reads_their_cached_document():
    """The turns and the referee read the tools and the document from the cache entry the critic wrote.

    The fake keys its cache as the API does: a structured-output format ahead of everything, ``tool_choice``
    and thinking on the message blocks only. So this holds only because every role sends the same tools list
    and no output format: a critic asking for JSON through ``output_config.format`` (as before) makes the
    first turn write the document again (1.25x) instead of reading it (0.1x)."""
    from test_panel import DOC_TEXT, answer, item

    from doccritic.formats.markdown import parse_markdown

    doc = parse_markdown(DOC_TEXT + "\n" + "\n".join(f"Background line {i} on billing." for i in range(200)))
    quote = "We ship to all users on day one."

    async def go(api):
        client = Connection(api_key="sk-test", base_url=api.base_url, read_timeout=5).client()
        try:
            panel = Panel(client, doc, [ENG], PanelSettings(model="claude-sonnet-4-6"))
            async for _ in panel.events():
                pass
            debate = new_debate("Commit to it.", ENG.id, EXEC.id, model="claude-sonnet-4-6", rounds=1)
            session = DebateSession(client, doc, debate, PERSONAS)
            async for _ in session.events():
                pass
        finally:
            await client.close()

    with FakeMessagesAPI() as api:
        assert quote in doc.text
        api.script(Reply.json(answer(item(quote))), match="persona: staff-engineer")
        api.script(Reply.text(f'"{quote}"'), match=ENG_TURN)
        api.script(Reply.text(f'"{quote}"'), match=EXEC_TURN)
        api.script(Reply.json({"clashes": [], "decision_for_author": "Pilot first.", "points": [], "verdict": "x"}),
                   match=REFEREE)
        asyncio.run(go(api))
        critic, turn, second, referee = messages(api)
    assert critic.body["tools"] == turn.body["tools"] == referee.body["tools"]  # one tools list for every role
    assert "format" not in critic.body.get("output_config", {})
    assert critic.body["tool_choice"] == {"type": "tool", "name": "record_review"}
    assert turn.body["tool_choice"] == {"type": "none"}  # a turn is prose
    assert referee.body["tool_choice"] == {"type": "auto"} and referee.body["thinking"] == {"type": "adaptive"}
    same = json.dumps(critic.body["system"][0], sort_keys=True) == json.dumps(turn.body["system"][0], sort_keys=True)
    assert same and "<document>" in turn.body["system"][0]["text"]  # byte for byte the critics' document block
    prefix = sum(s.tokens for s in render_segments(turn.body)[:len(turn.body["tools"]) + 1])  # tools + document
    assert critic.usage["cache_creation_input_tokens"] > prefix  # the critic wrote it (and its rules)
    assert turn.usage["cache_read_input_tokens"] == prefix  # the first turn reads tools and document from there
    assert second.usage["cache_read_input_tokens"] > prefix  # then the turns' own instructions
    assert referee.usage["cache_read_input_tokens"] > prefix  # thinking and tool_choice differ: system still hits
