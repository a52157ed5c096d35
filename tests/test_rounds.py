"""Review rounds (#17 item 3): `doccritic review --previous` against the loopback API, three rounds of one draft.

Round 1 raises five findings; the PM dismisses two (with reasons) and revises the draft. Round 2 must say
which earlier findings the revision fixed, which are still open, suppress a dismissed one raised again for
the same reason, show one raised with a new reason, and list the new one. Round 3 brings a fixed one back:
regressed. The requests carry the changes and the still-open findings after the cached document.
"""

from __future__ import annotations

import json

import pytest
from fakes.messages_api import Reply

from doccritic import cli
from doccritic.core.decisions import dismiss
from doccritic.core.findings import Anchor, Finding, Kind, Severity, Source, Status
from doccritic.core.rounds import RoundClass, apply_round, context, first_round, next_round, text_diff
from doccritic.formats.review_json import dumps, loads

V1 = """# Billing PRD

## Plan
We ship to all users on day one.
Customers will adopt auto-charge quickly.
We will delete legacy invoices after the migration.
Success means a 20% lift in on-time payments.
We lock in PayFlow under a 3-year exclusive agreement.
""" + "\n".join(f"Detail line {i} about billing edge cases and retries." for i in range(150)) + "\n"
ROLLOUT, ROLLOUT_V2 = "We ship to all users on day one.", "We start with 5% of accounts, then widen weekly."
ADOPT, DELETE = "Customers will adopt auto-charge quickly.", "We will delete legacy invoices after the migration."
LIFT, LOCK = "Success means a 20% lift in on-time payments.", "We lock in PayFlow under a 3-year exclusive agreement."
V2 = V1.replace(ROLLOUT, ROLLOUT_V2).replace(LIFT, "Today 61% of invoices are paid on time. " + LIFT)
V3 = V2.replace(ROLLOUT_V2, ROLLOUT)  # the staged rollout is taken out again


def item(quote: str, kind: str, title: str, rationale: str = "Because.", **extra) -> dict:
    out = {"kind": kind, "severity": "major", "title": title, "quote": quote, "rationale": rationale, **extra}
    if kind == "one_way_door":
        out["reversibility"] = {"level": "one_way", "closes_when": "launch", "cost_to_reverse": "weeks",
                                "exit_ramp": "pilot", "decision_owner": "PM"}
    return out


def answer(*items, fixed=()) -> dict:
    return {"findings": list(items), "verdict": "Not yet.", "readiness": 5, "fixed": list(fixed)}


ROUND1 = answer(
    item(ROLLOUT, "one_way_door", "Everyone on day one with no staged rollout"),
    item(ADOPT, "challenged_assumption", "Adoption speed is assumed, not shown"),
    item(LIFT, "weak_argument", "No baseline for the 20% lift"),
    item(DELETE, "one_way_door", "Legacy invoices are deleted for good"),
    item(LOCK, "one_way_door", "Three-year exclusive lock-in with PayFlow", rationale="Lock-in."))


@pytest.fixture
def api(cli_api):
    return cli_api


def review(api, tmp_path, capsys, text: str, reply: dict, *previous: str, out: str = "r.json"):
    doc = tmp_path / "prd.md"
    doc.write_text(text, encoding="utf-8")
    api.script(Reply.json(reply))
    args = ["review", str(doc), "--personas", "staff-engineer", "--out", str(tmp_path / out)]
    args += ["--previous", str(tmp_path / previous[0])] if previous else []
    code = cli.main(args)
    printed = capsys.readouterr().out
    assert code == 0, printed
    return loads((tmp_path / out).read_text(encoding="utf-8")), printed


def test_three_rounds_classify_every_earlier_finding_and_dismissals_stay_dismissed(api, tmp_path, capsys):
    first, _ = review(api, tmp_path, capsys, V1, ROUND1)
    assert [r.number for r in first.rounds] == [1] and first.rounds[0].counts()["new"] == 5
    ids = {f.title.split()[0]: f.id for f in first.findings}
    # the PM dismisses two, with reasons, in the review file
    first.findings = [dismiss(f, "Finance keeps a seven-year archive") if f.id == ids["Legacy"]
                      else dismiss(f, "Legal approved the exclusivity") if f.id == ids["Three-year"] else f
                      for f in first.findings]
    (tmp_path / "r.json").write_text(dumps(first), encoding="utf-8")

    round2 = answer(
        item(ADOPT, "challenged_assumption", "Adoption speed is assumed, not shown"),  # still a problem
        item(DELETE, "one_way_door", "Legacy invoices are deleted for good"),  # the same gist: suppressed
        item(LOCK, "one_way_door", "Exclusive deal blocks the EU launch", reraise=True,
             rationale="The exclusivity clause blocks the EU launch planned for Q3."),
        item("then widen weekly", "open_question", "Who decides each weekly widening step?"),
        fixed=[ids["No"]])  # the baseline sentence fixed the lift
    second, printed = review(api, tmp_path, capsys, V2, round2, "r.json", out="r2.json")
    rnd = second.rounds[-1]
    got = {e.title.split()[0]: (e.status, e.reason) for e in rnd.entries}
    assert got["Everyone"] == (RoundClass.FIXED, "its passage was removed from the draft and no critic raised the "
                                                  "problem again")
    assert got["Adoption"] == (RoundClass.STILL_OPEN, "Staff Engineer raised it again")  # by name, not id
    assert got["No"] == (RoundClass.FIXED, "Staff Engineer said the changes fixed it")
    assert got["Legacy"][0] is RoundClass.SUPPRESSED and "Finance keeps a seven-year archive" in got["Legacy"][1]
    assert got["Three-year"][0] is RoundClass.RERAISED and "blocks the EU launch" in got["Three-year"][1]
    assert got["Who"][0] is RoundClass.NEW
    by_id = {f.id: f for f in second.findings}
    assert by_id[ids["Everyone"]].status is Status.RESOLVED  # fixed: resolved, with the reason in its thread
    assert by_id[ids["Legacy"]].status is Status.DISMISSED  # suppressed: the PM's decision stands
    reraised = by_id[ids["Three-year"]]
    assert reraised.status is Status.OPEN and "with a new reason" in reraised.replies[-1].text
    # what the terminal shows: the counts, then every shown finding with its class; never the suppressed one
    assert "Round 2 (changes since round 1): 2 fixed, 1 still open, 1 new, 0 regressed; " \
           "1 raised again with a new reason, 1 suppressed" in printed
    assert "  re-raised  Three-year exclusive lock-in with PayFlow (major): Staff Engineer raised it again" in printed
    assert "Legacy invoices" not in printed.split("Round 2")[1]
    assert rnd.diff.count("\n+") >= 1 and f"-{ROLLOUT}" in rnd.diff

    # the request: the document and instructions stay byte-identical to round 1's (cached); the round follows
    bodies = [r.body for r in api.journal if r.path == "/v1/messages"]
    one, two = bodies[0], bodies[1]
    assert two["system"][1] == one["system"][1]
    round_block = two["system"][-1]
    assert "round 2 of this review" in round_block["text"] and f"-{ROLLOUT}" in round_block["text"]
    assert f"[{ids['Adoption']}]" in round_block["text"] and f"[{ids['Legacy']}]" not in round_block["text"]
    assert round_block["cache_control"] == {"type": "ephemeral"}
    assert sum(1 for b in two["system"] if "cache_control" in b) <= 4
    review_tool = next(t for t in two["tools"] if t["name"] == "record_review")
    assert "fixed" in review_tool["input_schema"]["properties"]

    third, printed = review(api, tmp_path, capsys, V3, answer(
        item(ROLLOUT, "one_way_door", "Everyone on day one with no staged rollout")), "r2.json", out="r3.json")
    got = {e.title.split()[0]: e for e in third.rounds[-1].entries}
    assert got["Everyone"].status is RoundClass.REGRESSED and got["Everyone"].reason.startswith("fixed in round 2")
    assert got["No"].status is RoundClass.FIXED and got["No"].reason == "fixed in round 2"
    assert got["Adoption"].status is RoundClass.STILL_OPEN
    assert got["Adoption"].reason == "its passage is unchanged and no critic said the changes fixed it"
    assert [r.number for r in third.rounds] == [1, 2, 3]
    assert not third.rounds[0].text and not third.rounds[-1].text  # no copy of the text it already holds
    assert {f.id: f for f in third.findings}[ids["Everyone"]].status is Status.OPEN


def test_a_previous_review_that_cannot_be_read_stops_before_anything_is_sent(api, tmp_path, capsys):
    doc = tmp_path / "prd.md"
    doc.write_text(V1, encoding="utf-8")
    bad = tmp_path / "old.json"
    bad.write_text("{not json", encoding="utf-8")
    code = cli.main(["review", str(doc), "--personas", "staff-engineer", "--previous", str(bad)])
    err = capsys.readouterr().err
    assert code == 2 and "old.json" in err and "not valid JSON" in err
    assert not [r for r in api.journal if r.path == "/v1/messages"]


def _card(quote: str, title: str, text: str, kind: Kind = Kind.WEAK_ARGUMENT, persona: str = "staff-engineer"):
    at = text.index(quote) if quote in text else None
    return Finding(source=Source.CRITIC, persona=persona, kind=kind, severity=Severity.MAJOR, title=title,
                   quote=quote, start=at, end=None if at is None else at + len(quote),
                   anchor=Anchor.EXACT if at is not None else Anchor.DOCUMENT, rationale="Because.")


def test_a_new_reason_is_one_the_card_does_not_already_hold():
    """A critic that sets reraise but repeats the card's own rationale gives no new reason: suppressed."""
    from doccritic.core.merge import reraised

    card = dismiss(_card(LOCK, "Three-year exclusive lock-in with PayFlow", V1, Kind.ONE_WAY_DOOR), "Legal ok")
    card = card.model_copy(update={"rationale": "A three-year exclusive contract cannot be undone cheaply."})
    same = _card(LOCK, "Exclusive lock-in", V1, Kind.ONE_WAY_DOOR, persona="legal")
    same = reraised(same.model_copy(update={"rationale": "An exclusive three-year contract cannot be undone cheaply."}),
                    same.model_copy(update={"rationale": "An exclusive three-year contract cannot be undone cheaply."}))
    history = [first_round([card], V1, "f1")]
    rnd = next_round(history, [card], [card], [same], V1, "f1")
    assert rnd.entries[0].status is RoundClass.SUPPRESSED
    assert apply_round([card], rnd)[0].status is Status.DISMISSED


def test_whole_document_findings_and_outdated_cards():
    gap = _card("", "No rollback plan anywhere in the document", V1, Kind.OPEN_QUESTION)
    edited = _card(ADOPT, "Adoption speed is assumed", V1).model_copy(update={"status": Status.OUTDATED})
    history = [first_round([gap, edited], V1, "f1")]
    text = V1.replace(ADOPT, "Customers will adopt auto-pay rather quickly.")
    rnd = next_round(history, [gap, edited], [gap, edited], [], text, "f2")
    got = {e.finding_id: e for e in rnd.entries}
    assert got[gap.id].status is RoundClass.STILL_OPEN
    assert got[gap.id].reason == "it is about the whole document and no critic said the changes fixed it"
    # a rewritten passage no critic judged again is neither fixed by the edit alone nor open on stale words
    assert got[edited.id].status is RoundClass.OUTDATED and "rewritten" in got[edited.id].reason
    assert apply_round([edited], rnd)[0].status is Status.OUTDATED  # left for the PM, not resolved
    ctx = context(history, [gap, edited], V1, text)
    assert ctx.number == 2 and [f.id for f in ctx.still_open] == [gap.id, edited.id]  # the critic judges it


def test_the_diff_is_compact_and_capped():
    diff = text_diff(V1, V2)
    assert f"-{ROLLOUT}" in diff and f"+{ROLLOUT_V2}" in diff and "Detail line 40" not in diff
    long = text_diff("a\n" * 10, "".join(f"line {i} " * 20 + "\n" for i in range(2000)), limit=2000)
    assert len(long) < 2100 and long.endswith("more diff lines not shown)")


def test_rounds_survive_the_review_json_and_older_files_read_without_them():
    rnd = first_round([_card(ADOPT, "Adoption speed is assumed", V1)], V1, "f1")
    from doccritic.core.findings import DocumentInfo, Review

    review = Review(document=DocumentInfo(format="markdown", fingerprint="f1", text=V1), rounds=[rnd])
    back = loads(dumps(review))
    assert back.rounds == [rnd]
    data = json.loads(dumps(review))
    del data["rounds"]
    assert loads(json.dumps(data)).rounds == []


def test_show_request_with_previous_shows_the_round_block_and_sends_nothing(api, tmp_path, capsys):
    review(api, tmp_path, capsys, V1, ROUND1)
    sent = len(api.journal)
    doc = tmp_path / "prd.md"
    doc.write_text(V2, encoding="utf-8")
    code = cli.main(["review", str(doc), "--personas", "staff-engineer", "--previous", str(tmp_path / "r.json"),
                     "--show-request"])
    body = json.loads(capsys.readouterr().out)["requests"][0]["body"]
    assert code == 0 and len(api.journal) == sent
    assert "round 2 of this review" in body["system"][-1]["text"] and f"+{ROLLOUT_V2}" in body["system"][-1]["text"]


def test_a_fixed_finding_whose_passage_comes_back_is_regressed_even_if_no_critic_says_so():
    """Fixed because its sentence left the draft; the sentence is pasted back: regressed, and placed on it again."""
    from doccritic.core.anchoring import reanchor

    door = _card(ROLLOUT, "Everyone on day one with no staged rollout", V1, Kind.ONE_WAY_DOOR)
    history = [first_round([door], V1, "f1")]
    moved = reanchor(door, V1, V2)  # the sentence was rewritten beyond recognition: lost
    two = next_round(history, [moved], [moved], [], V2, "f2", names={"staff-engineer": "Staff Engineer"})
    assert two.entries[0].status is RoundClass.FIXED and two.entries[0].gone
    (fixed,) = apply_round([moved], two, V2)
    assert fixed.status is Status.RESOLVED
    history = [*history, two]
    three = next_round(history, [reanchor(fixed, V2, V2)], [fixed], [], V3, "f3")
    e = three.entries[0]
    assert e.status is RoundClass.REGRESSED and e.reason.startswith("fixed in round 2 when its passage left the draft")
    assert ROLLOUT in e.reason
    (back,) = apply_round([fixed], three, V3)
    assert back.status is Status.OPEN and V3[back.start:back.end] == ROLLOUT  # on its passage again
    # a fix a critic vouched for, its passage untouched, is not "back" in a later round
    lift = _card(LIFT, "No baseline for the 20% lift", V1)
    said = next_round([first_round([lift], V1, "f1")], [lift], [lift], [], V2, "f2",
                      fixed={lift.id: ["staff-engineer"]})
    assert said.entries[0].status is RoundClass.FIXED and not said.entries[0].gone
    (done,) = apply_round([lift], said)
    later = next_round([first_round([lift], V1, "f1"), said], [done], [done], [], V3, "f3")
    assert later.entries[0].status is RoundClass.FIXED and later.entries[0].reason == "fixed in round 2"


def test_a_dismissed_finding_raised_again_in_other_words_from_another_passage_merges_onto_it():
    """Matched by problem, not only by passage: the panel and the round both put it on the dismissed card."""
    from doccritic.core.merge import find_duplicate

    card = dismiss(_card(DELETE, "Legacy invoices are deleted for good", V1, Kind.ONE_WAY_DOOR), "Archive kept")
    text = V1 + "Old invoices are purged once the migration ends.\n"
    elsewhere = _card("Old invoices are purged once the migration ends.", "Legacy invoices are deleted permanently",
                      text, Kind.ONE_WAY_DOOR)
    assert find_duplicate([card], elsewhere) is card
    other_problem = _card("Old invoices are purged once the migration ends.", "Purge job has no owner or alerting",
                          text, Kind.ONE_WAY_DOOR)
    assert find_duplicate([card], other_problem) is None  # another problem on that passage is its own card
    open_card = card.model_copy(update={"status": Status.OPEN, "replies": []})
    assert find_duplicate([open_card], elsewhere) is None  # the looser match is for what the PM dismissed only
    rnd = next_round([first_round([card], V1, "f1")], [card], [card], [elsewhere], text, "f2")
    assert rnd.entries[0].status is RoundClass.SUPPRESSED and "(on another passage)" in rnd.entries[0].reason


def test_an_applied_suggestion_no_critic_raises_again_is_fixed_and_stays_accepted():
    card = _card(ADOPT, "Adoption speed is assumed", V1)
    accepted = card.model_copy(update={"status": Status.ACCEPTED})  # the PM applied the critic's rewrite
    text = V1.replace(ADOPT, "Customers will adopt auto-pay rather quickly.")  # still found: rewritten
    rnd = next_round([first_round([card], V1, "f1")], [accepted], [accepted], [], text, "f2")
    assert rnd.entries[0].status is RoundClass.FIXED
    assert rnd.entries[0].reason == "the PM applied its suggestion and no critic raised it again"
    assert apply_round([accepted], rnd)[0].status is Status.ACCEPTED  # the PM's decision stands
