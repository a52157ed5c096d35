"""The decision register and assumptions ledger: one row per decision, PM edits that outlast every re-run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SAMPLE
from doccritic.core.checks import rules_from, run_checks
from doccritic.core.debates import Citation, Debate, Summary, SummaryPoint
from doccritic.core.document import Document
from doccritic.core.findings import Anchor, Finding, Kind, Reversibility, Severity, Source, Status
from doccritic.core.register import CHECKS, REFEREE, consolidate, readiness, refresh
from doccritic.core.register_rows import Assumption, Decision, edit
from doccritic.core.store import ReviewStore
from doccritic.formats.loader import load_document
from doccritic.formats.markdown import parse_markdown
from doccritic.formats.review_import import rebase
from doccritic.formats.review_json import dumps, loads, review_for

OPT_OUT_SUMMARY = "Auto-charge ships enabled by default (opt-out) for all existing accounts."
OPT_OUT_SECTION = "Auto-charge is turned on by default for every existing account on launch day"
OPT_OUT_ROLLOUT = "Nudge and auto-charge launch to 100% of accounts in all markets on the same day."
DELETION = "legacy templates are deleted after cut-over"


@pytest.fixture(scope="module")
def sample() -> Document:
    return load_document(SAMPLE)


def checks(doc: Document) -> list[Finding]:
    return run_checks(doc, rules_from(None)).findings


def span(doc: Document, needle: str) -> tuple[int, int]:
    start = doc.text.index(needle)
    return start, start + len(needle)


def row_at(rows: list[Decision], doc: Document, needle: str) -> Decision:
    """The one live row with a passage covering ``needle``."""
    s, e = span(doc, needle)
    hits = [r for r in rows if r.live and any((a <= s and e <= b) or s <= a < e for a, b in r.passages)]
    assert len(hits) == 1, [r.decision for r in hits]
    return hits[0]


def critic(doc: Document, quote: str, title: str, persona: str = "skeptical-exec", **kw) -> Finding:
    s, e = span(doc, quote)
    return Finding(source=Source.CRITIC, persona=persona, kind=kw.pop("kind", Kind.ONE_WAY_DOOR),
                   severity=Severity.CRITICAL, title=title, quote=quote, start=s, end=e, anchor=Anchor.EXACT,
                   rationale=kw.pop("rationale", "No way back."), **kw)


# -- consolidation ------------------------------------------------------------------------------------

def test_a_decision_in_the_summary_its_section_and_the_rollout_is_one_row(sample: Document):
    decisions, _ = consolidate(checks(sample), text=sample.text)
    row = row_at(decisions, sample, OPT_OUT_SUMMARY)
    assert row is row_at(decisions, sample, OPT_OUT_SECTION) is row_at(decisions, sample, OPT_OUT_ROLLOUT)
    assert row.decision == OPT_OUT_SUMMARY  # the document's own words, not the rule's title
    assert row.raised_by == [CHECKS]
    assert "2027-01-11" in row.closes  # the rollout names when the door closes
    assert row.passages == sorted(row.passages)


def test_separate_decisions_stay_separate_rows(sample: Document):
    decisions, _ = consolidate(checks(sample), text=sample.text)
    deletion = row_at(decisions, sample, DELETION)
    assert deletion is not row_at(decisions, sample, OPT_OUT_SUMMARY)
    assert deletion.reversibility == "one_way"
    assert deletion.exit_ramp == "" and deletion.status == "open"  # a rule's idea is a suggestion, not a plan
    assert deletion.suggested_exit_ramp.startswith("Archive read-only")
    # the same deletion restated in its section ("After cut-over on 2027-02-15, the legacy templates … are deleted")
    assert row_at(decisions, sample, "the legacy templates and the old scheduler tables are deleted") is deletion
    assert "2027-02-15" in deletion.closes


def test_critics_and_a_referee_on_the_same_decision_join_its_row(sample: Document):
    door = critic(sample, OPT_OUT_SECTION, "Opt-out auto-charge for every account at once",
                  reversibility=Reversibility(level="one_way", cost_to_reverse="Refunds and trust",
                                              exit_ramp="Opt-in for new accounts first"))
    second = critic(sample, OPT_OUT_SECTION, "Default-on charging cannot be walked back", persona="staff-engineer")
    s, e = span(sample, OPT_OUT_ROLLOUT)
    point = SummaryPoint(category="unresolved", text="Nobody defended switching every account on in one day.",
                         citations=[Citation(quote=OPT_OUT_ROLLOUT, start=s, end=e, anchor=Anchor.EXACT)],
                         kind=Kind.ONE_WAY_DOOR)
    added = SummaryPoint(category="change", text="Already a finding", kind=Kind.ONE_WAY_DOOR, finding_id="f1",
                         citations=[Citation(quote=DELETION, start=0, end=5, anchor=Anchor.EXACT)])
    debate = Debate(motion="Ship auto-charge on by default", pro="a", con="b", opener="a",
                    summary=Summary(points=[point, added]))
    decisions, _ = consolidate([*checks(sample), door, second], [debate], text=sample.text)
    row = row_at(decisions, sample, OPT_OUT_SUMMARY)
    assert row.raised_by == [CHECKS, "skeptical-exec", "staff-engineer", REFEREE]
    assert door.id in row.finding_ids and second.id in row.finding_ids and row.point_ids == [point.id]
    assert row.decision == "Opt-out auto-charge for every account at once"  # a critic names it best
    assert row.reversibility == "one_way"  # the critic's judgement is the most severe
    assert row.cost_to_reverse == "Refunds and trust" and row.suggested_exit_ramp == "Opt-in for new accounts first"
    assert not any(added.id in r.point_ids for r in decisions)  # added as a finding: that finding stands for it


def test_short_quotes_and_dismissed_findings_do_not_make_rows(sample: Document):
    vague = critic(sample, "all existing accounts", "Scope is everyone")  # inside the summary bullet: joins it
    decisions, _ = consolidate([*checks(sample), vague], text=sample.text)
    assert vague.id in row_at(decisions, sample, OPT_OUT_SUMMARY).finding_ids
    before = len(decisions)
    dismissed = [f if f.rule != "owd.data-deletion" else f.model_copy(update={"status": Status.DISMISSED})
                 for f in checks(sample)]
    after, _ = consolidate(dismissed, text=sample.text)
    assert len(after) == before - 1
    assert all(DELETION not in " ".join(r.quotes) for r in after)


def test_assumptions_ledger_reads_evidence_and_test_from_the_critic(sample: Document):
    quote = "We expect the vast majority of payers already have a card on file"
    claim = critic(sample, quote, "Card-on-file share is assumed", kind=Kind.CHALLENGED_ASSUMPTION,
                   rationale="Auto-charge only helps payers with a saved card.\nEvidence that would settle it: "
                             "the share of invoices paid by saved card last quarter",
                   suggestion="Pull last quarter's payment methods from the warehouse")
    _, assumptions = consolidate([*checks(sample), claim], text=sample.text)
    row = next(a for a in assumptions if claim.id in a.finding_ids)
    assert row.claim == "Card-on-file share is assumed"
    assert row.why == "Auto-charge only helps payers with a saved card."
    assert row.evidence == "the share of invoices paid by saved card last quarter"
    assert row.test == "Pull last quarter's payment methods from the warehouse"
    assert row.raised_by == [CHECKS, "skeptical-exec"] and row.status == "untested"


# -- edits --------------------------------------------------------------------------------------------

def test_naming_an_exit_ramp_settles_the_door_unless_the_pm_set_the_status(sample: Document):
    decisions, _ = consolidate(checks(sample), text=sample.text)
    row = row_at(decisions, sample, DELETION)
    named = edit(row, "exit_ramp", "  Keep a read-only copy for 90 days  ")
    assert named.exit_ramp == "Keep a read-only copy for 90 days" and named.status == "exit_ramp_named"
    assert named.edited == ["exit_ramp"]
    accepted = edit(edit(row, "status", "accepted_one_way"), "exit_ramp", "none")
    assert accepted.status == "accepted_one_way"
    with pytest.raises(ValueError, match="status must be one of"):
        edit(row, "status", "done")
    with pytest.raises(ValueError, match="not an editable field"):
        edit(row, "finding_ids", "x")


def edited_register(doc: Document) -> tuple[list[Decision], list[Assumption]]:
    decisions, assumptions = consolidate(checks(doc), text=doc.text)
    decisions = [edit(edit(d, "owner", "Priya Raman"), "exit_ramp", "Pilot with 5% first")
                 if DELETION in " ".join(d.quotes) else d for d in decisions]
    assumptions = [edit(a, "status", "being_tested") if "card on file" in a.claim else a for a in assumptions]
    return decisions, assumptions


def test_edits_survive_rechecking_an_edited_draft(sample: Document):
    decisions, assumptions = edited_register(sample)
    old = row_at(decisions, sample, DELETION)
    # The draft gains a paragraph at the top and the section's restatement is reworded: every offset moves,
    # and the reworded passage comes back from the checks as a new finding with a new id.
    text = "# Intro\n\nA new opening paragraph that moves everything down.\n\n" + sample.text.replace(
        "the legacy templates and the old scheduler tables are deleted",
        "the legacy templates and old scheduler tables are then deleted")
    moved = parse_markdown(text, SAMPLE)
    again, ledger = consolidate(checks(moved), decisions=decisions, assumptions=assumptions, text=moved.text)
    row = row_at(again, moved, DELETION)
    assert row.id == old.id
    assert (row.owner, row.exit_ramp, row.status) == ("Priya Raman", "Pilot with 5% first", "exit_ramp_named")
    assert row.passages[0][0] == moved.text.index("All existing reminder templates") != old.passages[0][0]
    assert any(a.status == "being_tested" and "card on file" in a.claim for a in ledger)


def test_an_edited_row_sleeps_while_its_findings_are_gone_and_wakes_with_its_edits(sample: Document):
    decisions, assumptions = edited_register(sample)
    gone = [f.model_copy(update={"status": Status.DISMISSED}) if f.rule == "owd.data-deletion" else f
            for f in checks(sample)]
    asleep, _ = consolidate(gone, decisions=decisions, assumptions=assumptions, text=sample.text)
    dormant = [d for d in asleep if not d.live]
    assert [d.owner for d in dormant] == ["Priya Raman"]
    assert readiness(asleep, assumptions, gone).without_exit_ramp == 0  # a dormant door is not counted
    awake, _ = consolidate(checks(sample), decisions=asleep, text=sample.text)
    row = row_at(awake, sample, DELETION)
    assert row.owner == "Priya Raman" and row.status == "exit_ramp_named"
    assert all(d.live for d in awake)  # woken, not duplicated


def test_unedited_rows_that_lose_their_findings_are_dropped(sample: Document):
    decisions, _ = consolidate(checks(sample), text=sample.text)
    assert consolidate([], decisions=decisions) == ([], [])


# -- readiness ----------------------------------------------------------------------------------------

def test_readiness_counts_what_the_pm_takes_into_the_room():
    def door(level: str, status: str = "open") -> Decision:
        return Decision(decision="d", reversibility=level, status=status, finding_ids=["x"])  # type: ignore[arg-type]

    decisions = [door("one_way"), door("one_way", "exit_ramp_named"), door("one_way", "accepted_one_way"),
                 door("one_way", "changed"), door("costly"), door("two_way"),
                 door("one_way").model_copy(update={"finding_ids": []})]  # dormant
    assumptions = [Assumption(claim=c, status=s, finding_ids=["y"]) for c, s in  # type: ignore[arg-type]
                   [("a", "untested"), ("b", "untested"), ("c", "validated"), ("d", "invalidated"),
                    ("e", "being_tested")]]
    question = Finding(source=Source.CHECK, kind=Kind.OPEN_QUESTION, severity=Severity.MINOR, title="q")
    findings = [question, question.model_copy(update={"status": Status.DEFERRED}),
                question.model_copy(update={"status": Status.RESOLVED})]
    debate = Debate(motion="m", pro="a", con="b", opener="a", summary=Summary(points=[
        SummaryPoint(category="unresolved", text="who pays?"), SummaryPoint(category="strongest", text="s"),
        SummaryPoint(category="unresolved", text="added", finding_id="f")]))
    r = readiness(decisions, assumptions, findings, [debate])
    assert (r.one_way_doors, r.without_exit_ramp, r.costly, r.assumptions, r.untested, r.invalidated,
            r.open_questions) == (3, 1, 1, 5, 2, 1, 3)
    assert r.summary == ("3 one-way doors, 1 without an exit ramp, 1 costly to reverse; "
                         "5 load-bearing assumptions, 2 untested, 1 invalidated; 3 open questions")


# -- persistence --------------------------------------------------------------------------------------

def test_edits_round_trip_through_review_json_and_the_store(sample: Document, tmp_path: Path):
    decisions, assumptions = edited_register(sample)
    review = refresh(review_for(sample, checks(sample)).model_copy(
        update={"decisions": decisions, "assumptions": assumptions}))
    assert review.readiness is not None and review.readiness.without_exit_ramp == 0
    back = loads(dumps(review))
    assert back.decisions == review.decisions and back.assumptions == review.assumptions
    assert back.readiness == review.readiness
    with ReviewStore(tmp_path / "reviews.sqlite3") as store:
        store.save(review)
        stored = store.load(SAMPLE, sample.fingerprint)
    assert stored is not None and stored.review.decisions == review.decisions


def test_importing_a_review_onto_an_edited_draft_keeps_the_register_edits(sample: Document):
    decisions, assumptions = edited_register(sample)
    review = refresh(review_for(sample, checks(sample)).model_copy(
        update={"decisions": decisions, "assumptions": assumptions}))
    moved = parse_markdown("# Added\n\nSomething new first.\n\n" + sample.text, SAMPLE)
    rebased, _ = rebase(review, moved)
    # the undecided check findings were left out (the checks recompute them): the edited row waits, dormant...
    assert any(d.owner == "Priya Raman" and not d.live for d in rebased.decisions)
    # ...and the checks on the open draft wake it, placed on the new text
    awake = refresh(rebased.model_copy(update={"findings": checks(moved)}))
    row = row_at(awake.decisions, moved, DELETION)
    assert row.owner == "Priya Raman" and row.passages[0][0] == moved.text.index("All existing reminder templates")


def test_older_review_files_without_a_register_still_read(sample: Document):
    data = json.loads(dumps(review_for(sample, checks(sample))))
    for key in ("decisions", "assumptions", "readiness"):
        data.pop(key)
    review = loads(json.dumps(data))
    assert review.decisions == [] and review.readiness is None
    assert refresh(review).readiness is not None


_SPAN = st.tuples(st.integers(0, 300), st.integers(0, 40)).map(lambda t: (t[0], t[0] + t[1]))


@settings(max_examples=300, deadline=None)
@given(st.lists(_SPAN, max_size=40), st.lists(_SPAN, max_size=40))
def test_long_restatement_lists_compare_as_pair_by_pair(a, b):
    """Marks restated hundreds of times are compared through nearby spans only, with the same answer."""
    from doccritic.core import register

    overlaps = any(min(e1, e2) - max(s1, s2) >= register._SAME_PLACE * max(1, min(e1 - s1, e2 - s2))
                   for s1, e1 in a for s2, e2 in b)
    adjacent = any(0 <= s2 - e1 <= register._NEXT_TO or 0 <= s1 - e2 <= register._NEXT_TO
                   for s1, e1 in a for s2, e2 in b)
    assert register._overlaps(a, b) is overlaps
    assert register._adjacent(a, b) is adjacent
