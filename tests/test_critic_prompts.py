"""What the critics are asked, read from the loopback API's request journal, and what their answers become.

Issue #15: grounding and calibration in the shared instructions, a stricter output schema than the parser,
doors and assumptions that say what a PM needs to decide, and one cached prefix for every persona.
"""

from __future__ import annotations

import json

import pytest
from fakes.messages_api import FakeMessagesAPI, Reply
from test_panel import DOC_TEXT, EXEC, STAFF, answer, item, of, run_panel

from doccritic.claude.events import FindingFound
from doccritic.core.findings import Anchor, Finding, Kind, Reversibility, Severity, Source
from doccritic.formats.review_json import dumps, loads

DOOR = "We ship to all users on day one."


def critic_bodies(api: FakeMessagesAPI) -> dict[str, dict]:
    """Each persona's request body, by persona id (the first line of its user message)."""
    out = {}
    for r in api.journal:
        if r.path == "/v1/messages":
            first = r.body["messages"][0]["content"][0]["text"].splitlines()[0]
            out[first.removeprefix("persona: ")] = r.body
    return out


def test_every_critic_is_told_to_ground_calibrate_and_may_return_nothing():
    with FakeMessagesAPI() as api:
        api.script(Reply.json(answer()))
        run_panel(api, [STAFF, EXEC])
    bodies = critic_bodies(api)
    rules = bodies["staff-engineer"]["system"][1]["text"]
    assert "Never invent facts" in rules and "raise it as an open question" in rules
    assert "reassurances" in rules and "claims to test" in rules  # "mitigated by the notice" is not settled
    assert "An empty list is a valid answer" in rules and "ceiling, not a target" in rules
    assert "raise it once, quoting its most specific statement" in rules
    assert "critical = do not sign off on the document as written" in rules
    assert "major = must be answered before sign-off" in rules and "minor = improves the document" in rules
    assert "probability, from 0.0 to 1.0, that a well-informed reviewer" in rules
    assert "0 to 6 findings (an empty list is a valid answer)" in bodies["staff-engineer"]["messages"][0][
        "content"][0]["text"]
    # the instructions sit in the cached prefix, byte-identical for every persona: the second reads the first's
    assert bodies["staff-engineer"]["system"] == bodies["skeptical-exec"]["system"]
    reads = [r.usage["cache_read_input_tokens"] for r in api.journal if r.path == "/v1/messages"]
    assert reads[0] == 0 and reads[1] > 0


def test_the_schema_sent_requires_a_quote_or_an_about_and_every_door_field():
    with FakeMessagesAPI() as api:
        api.script(Reply.json(answer()))
        run_panel(api, [STAFF])
    body = critic_bodies(api)["staff-engineer"]
    assert body["tool_choice"] == {"type": "tool", "name": "record_review"}  # the answer is this tool's input
    tool = next(t for t in body["tools"] if t["name"] == "record_review")
    assert tool["strict"] is True and "output_config" not in body  # the schema binds through the strict tool
    schema = tool["input_schema"]
    finding, door = schema["$defs"]["CritiqueFinding"], schema["$defs"]["ReversibilityOut"]
    assert {"about", "quote"} <= set(finding["required"])
    assert finding["properties"]["about"]["enum"] == ["text", "document", "absence"]
    assert set(door["required"]) == {"level", "closes_when", "cost_to_reverse", "exit_ramp", "decision_owner"}
    assert door["properties"]["level"]["enum"] == ["one_way", "costly"]  # a two-way door is not a door
    assert {"assumption", "evidence_needed", "how_to_test"} <= set(finding["properties"])


def test_a_door_without_its_fields_is_kept_and_marked_incomplete_and_assumptions_keep_their_test():
    full = {"level": "one_way", "closes_when": "the first charge", "cost_to_reverse": "refunds",
            "exit_ramp": "opt-in first", "decision_owner": "Head of Billing"}
    with FakeMessagesAPI() as api:
        api.script(Reply.json(answer(
            item(DOOR, "one_way_door", title="Complete door", reversibility=full),
            item("delete legacy invoices", "one_way_door", title="Bare door"),
            item("a 20% lift", "one_way_door", title="Two-way door",
                 reversibility={"level": "two_way", "cost_to_reverse": "none"}),
            item("Customers will adopt auto-charge quickly", "challenged_assumption", title="Adoption",
                 assumption="Customers want auto-charge", evidence_needed="Opt-in rate in the beta",
                 how_to_test="Offer it to 5% of accounts"))))
        _, _, events, _ = run_panel(api, [STAFF])
    found = {e.finding.title: e.finding for e in of(events, FindingFound)}
    assert len(found) == 4  # nothing dropped
    assert found["Complete door"].incomplete == []
    assert found["Complete door"].reversibility.decision_owner == "Head of Billing"
    assert found["Bare door"].incomplete == ["reversibility"]
    assert found["Two-way door"].incomplete == ["a one-way level (it says two-way)", "closes when", "exit ramp",
                                                "decision owner"]
    adoption = found["Adoption"]
    assert (adoption.assumption, adoption.evidence_needed, adoption.how_to_test) == (
        "Customers want auto-charge", "Opt-in rate in the beta", "Offer it to 5% of accounts")
    assert adoption.incomplete == [] and "beta" not in adoption.rationale  # its own field, not folded in


def test_review_json_stays_v1_readable_both_ways():
    """Files written before these fields read as before; the new fields round-trip."""
    new = Finding(source=Source.CRITIC, persona="staff-engineer", kind=Kind.ONE_WAY_DOOR, severity=Severity.MAJOR,
                  title="Door", about="absence", anchor=Anchor.DOCUMENT,
                  reversibility=Reversibility(level="costly", closes_when="launch", decision_owner="CFO"),
                  assumption="a", evidence_needed="b", how_to_test="c")
    from doccritic.core.findings import DocumentInfo, Review

    review = Review(document=DocumentInfo(format="text", fingerprint="0" * 64, text="x"), findings=[new])
    data = json.loads(dumps(review))
    back = loads(json.dumps(data)).findings[0]
    assert back.reversibility.closes_when == "launch" and back.about == "absence" and back.how_to_test == "c"
    for key in ("about", "assumption", "evidence_needed", "how_to_test"):
        del data["findings"][0][key]
    for key in ("closes_when", "decision_owner"):
        del data["findings"][0]["reversibility"][key]
    old = loads(json.dumps(data)).findings[0]
    assert old.about is None and old.reversibility.closes_when == "" and old.incomplete == [
        "closes when", "cost to reverse", "exit ramp", "decision owner"]


def test_the_register_and_ledger_read_the_new_fields_not_the_rationale():
    from doccritic.core.register import consolidate

    text = "We ship to all users on day one. Customers will adopt auto-charge quickly."
    door = Finding(source=Source.CRITIC, persona="staff-engineer", kind=Kind.ONE_WAY_DOOR, severity=Severity.MAJOR,
                   title="Big bang", quote=text[:32], start=0, end=32, anchor=Anchor.EXACT, about="text",
                   reversibility=Reversibility(level="one_way", closes_when="the first invoice run"))
    bet = Finding(source=Source.CRITIC, persona="skeptical-exec", kind=Kind.CHALLENGED_ASSUMPTION,
                  severity=Severity.MAJOR, title="Adoption", quote=text[33:], start=33, end=len(text),
                  anchor=Anchor.EXACT, about="text", rationale="Nobody asked.", evidence_needed="Beta opt-in rate",
                  how_to_test="Offer it to 5% of accounts")
    decisions, assumptions = consolidate([door, bet])
    assert decisions[0].closes.startswith("the first invoice run")
    assert (assumptions[0].evidence, assumptions[0].test) == ("Beta opt-in rate", "Offer it to 5% of accounts")


def _earlier() -> list[Finding]:
    from doccritic.core.decisions import dismiss

    check = Finding(source=Source.CHECK, rule="owd.full-launch", kind=Kind.ONE_WAY_DOOR, severity=Severity.CRITICAL,
                    title="Turns it on for everyone at once", quote=DOOR, anchor=Anchor.EXACT)
    card = Finding(source=Source.CRITIC, persona="legal", kind=Kind.WEAK_ARGUMENT, severity=Severity.MAJOR,
                   title="No baseline for the lift", quote="a 20% lift", anchor=Anchor.EXACT)
    gone = dismiss(Finding(source=Source.CRITIC, persona="legal", kind=Kind.ONE_WAY_DOOR, severity=Severity.MAJOR,
                           title="Invoices deleted for good", quote="delete legacy invoices", anchor=Anchor.EXACT,
                           start=(at := DOC_TEXT.index("delete legacy invoices")), end=at + 22),
                   "Finance keeps a copy for seven years")
    return [check, card, gone]


def test_each_critic_hears_what_was_already_raised_after_the_cached_prefix():
    with FakeMessagesAPI() as api:
        api.script(Reply.json(answer()))
        run_panel(api, [STAFF])  # an earlier run, before anything was raised
        run_panel(api, [STAFF, EXEC], existing=_earlier())
        bodies = [r.body for r in api.journal if r.path == "/v1/messages"]
        usage = [r.usage for r in api.journal if r.path == "/v1/messages"]
    before, staff, exec_ = bodies
    # document and instructions: byte-identical across personas and across runs, whatever was raised since
    assert staff["system"][:2] == exec_["system"][:2] == before["system"][:2]
    assert usage[1]["cache_read_input_tokens"] > 0  # the new run reads the document the earlier one cached
    raised_block = staff["system"][2]
    assert raised_block == exec_["system"][2] and raised_block["cache_control"] == {"type": "ephemeral"}
    assert usage[2]["cache_read_input_tokens"] > usage[1]["cache_read_input_tokens"]  # the list is read too
    assert staff["messages"][0]["content"][0]["text"].startswith("persona: staff-engineer")
    listed = raised_block["text"]
    assert "Do not raise these again" in listed and '"reraise" to true' in listed
    assert f'- [offline check] One-way door, critical: Turns it on for everyone at once on "{DOOR}"' in listed
    assert '- [critic legal] Weak argument, major: No baseline for the lift on "a 20% lift"' in listed
    assert "[dismissed by the PM: Finance keeps a copy for seven years] One-way door" in listed


def test_nothing_raised_adds_no_block_and_a_reraise_joins_the_dismissed_cards_thread_without_reopening_it():
    with FakeMessagesAPI() as api:
        api.script(Reply.json(answer()))
        run_panel(api, [STAFF])
        assert len(critic_bodies(api)["staff-engineer"]["system"]) == 2
    earlier = _earlier()
    with FakeMessagesAPI() as api:
        api.script(Reply.json(answer(item("delete legacy invoices", "one_way_door", title="Invoices go for good",
                                          rationale="The seven-year copy is not restorable by support.",
                                          reraise=True))))
        _, _, events, _ = run_panel(api, [STAFF], existing=earlier)
    from doccritic.claude.events import FindingMerged
    from doccritic.core.findings import Status

    card = of(events, FindingMerged)[0].finding
    assert card.id == earlier[2].id and card.status is Status.DISMISSED
    assert card.replies[-1].text == "Re-raised with a new reason: The seven-year copy is not restorable by support."
    assert card.replies[-1].author == "staff-engineer"


def test_one_decision_raised_from_other_passages_or_unplaced_is_one_card_listing_every_passage():
    summary, rollout = "We ship to all users on day one.", "delete legacy invoices after the migration"
    with FakeMessagesAPI() as api:
        api.script(Reply.json(answer(
            item(summary, "one_way_door", title="Everyone on day one, no staged rollout"),
            item("", "open_question", title="Who approves the billing change?", about="absence"))),
            match="persona: staff-engineer")
        api.script(Reply.json(answer(
            item("Success means a 20% lift", "one_way_door", title="No staged rollout: everyone on day one"),
            item("", "open_question", title="Who approves this billing change?", about="document"),
            item(rollout, "one_way_door", title="Invoices deleted for good")), ttft=0.3),
            match="persona: skeptical-exec")
        _, _, events, _ = run_panel(api, [STAFF, EXEC])
    from doccritic.claude.events import FindingMerged

    cards = {e.finding.id: e.finding for e in [*of(events, FindingFound), *of(events, FindingMerged)]}
    assert len(cards) == 3  # five findings: the door and the question merged, the deletion is its own card
    door = next(c for c in cards.values() if c.quote == summary)
    assert door.personas == ["staff-engineer", "skeptical-exec"]
    lift = DOC_TEXT.index("Success means a 20% lift")
    assert door.restated_at == [(lift, lift + 24)] and door.also_raised_by[0].quote == "Success means a 20% lift"
    question = next(c for c in cards.values() if c.kind is Kind.OPEN_QUESTION)
    assert question.personas == ["staff-engineer", "skeptical-exec"] and question.anchor is Anchor.DOCUMENT
    deletion = next(c for c in cards.values() if c.quote == rollout)
    assert deletion.personas == ["skeptical-exec"] and not deletion.also_raised_by


def test_a_quote_placed_on_words_that_say_otherwise_is_marked_misquoted():
    with FakeMessagesAPI() as api:
        api.script(Reply.json(answer(item("We ship to all users on day ten.", "one_way_door", title="Ten days"),
                                     item("Success means a 20% lift in on-time payments.", title="No baseline"))))
        _, _, events, _ = run_panel(api, [STAFF])
    found = {e.finding.title: e.finding for e in of(events, FindingFound)}
    wrong = found["Ten days"]
    assert wrong.placed and DOC_TEXT[wrong.start:wrong.end].startswith("We ship to all users on day one")
    assert wrong.misquoted and not found["No baseline"].misquoted


def test_the_new_seats_load_off_by_default_and_share_the_cached_prefix():
    from doccritic.claude.config import Backend, PanelSettings
    from doccritic.claude.panel import request_params
    from doccritic.core.personas import load_personas
    from doccritic.formats.markdown import parse_markdown

    found = load_personas()
    assert not found.errors
    seats = [found.get(pid) for pid in ("authors-advocate", "support-operations", "finance")]
    assert all(s is not None and s.builtin and not s.enabled for s in seats)  # opt-in: the default panel is unchanged
    doc = parse_markdown(DOC_TEXT)
    bodies = [request_params(doc, p, PanelSettings(), Backend(), model="m", effort=None)
              for p in [*seats, found.get("staff-engineer")]]
    assert all(b["system"] == bodies[-1]["system"] for b in bodies)
    advocate = bodies[0]["messages"][0]["content"][0]["text"]
    assert "defends the plan with the document's own evidence" in advocate and "never add facts" in advocate
    customer = found.get("target-customer")
    assert customer is not None and "never invent a customer, a quote, a number or an anecdote" in customer.brief()


def test_a_persona_can_think_or_not_whatever_the_apps_setting():
    from dataclasses import dataclass

    from test_panel import P

    from doccritic.claude.panel import PanelSettings

    @dataclass
    class Thinker(P):
        thinking: bool | None = None

    close, quick, usual = (Thinker("close-reader", "Close", thinking=True), Thinker("quick", "Quick", thinking=False),
                           Thinker("usual", "Usual"))
    for app_setting in (False, True):
        with FakeMessagesAPI() as api:
            api.script(Reply.json(answer()))
            run_panel(api, [close, quick, usual], PanelSettings(adaptive_thinking=app_setting, stagger_timeout=5))
            bodies = critic_bodies(api)
        assert bodies["close-reader"]["thinking"] == {"type": "adaptive"}
        assert "thinking" not in bodies["quick"]
        assert ("thinking" in bodies["usual"]) is app_setting
        assert bodies["close-reader"]["max_tokens"] > bodies["quick"]["max_tokens"]  # room to think, only there


def test_thinking_in_a_persona_file_round_trips(tmp_path):
    from doccritic.core.personas import load_personas, save_persona

    exec_ = load_personas().get("skeptical-exec")
    assert exec_ is not None and exec_.thinking is None
    save_persona(exec_.model_copy(update={"thinking": True}))
    again = load_personas().get("skeptical-exec")
    assert again is not None and again.thinking is True and "thinking = true" in again.path.read_text()


@pytest.mark.parametrize(("a", "b", "same"), [
    ("Everyone on day one, no staged rollout", "No staged rollout: everyone on day one", True),
    ("Five-year prepaid ColdVault contract", "Prepaid ColdVault contract for five years", True),
    ("No rollback plan", "No rollout plan", False),  # too short to tell apart by words
    ("Globex risk 0", "Globex risk 1", False),
    ("Pricing change not announced", "Pricing change not tested", False),
])
def test_titles_merge_across_passages_only_when_they_say_the_same_thing(a, b, same):
    from doccritic.core.merge import same_problem

    def card(title: str, start: int) -> Finding:
        return Finding(source=Source.CRITIC, persona="p", kind=Kind.ONE_WAY_DOOR, severity=Severity.MAJOR,
                       title=title, quote=f"passage {start}", start=start, end=start + 9, anchor=Anchor.EXACT)

    assert same_problem(card(a, 0), card(b, 100)) is same
