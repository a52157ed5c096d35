"""Offline checks: they flag what a PM should fix, stay quiet on good writing, and point at exact text."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SAMPLE, corpus_files
from doccritic.core.checks import run_checks
from doccritic.core.findings import Anchor, Kind, Severity, Source
from doccritic.formats.loader import load_document
from doccritic.formats.markdown import parse_markdown


def check(md: str, **kw):
    doc = parse_markdown(md)
    result = run_checks(doc, **kw)
    for f in result.findings:
        if f.start is not None:
            assert doc.text[f.start : f.end] == f.quote  # the highlight covers exactly the quote
    return result.findings


def rules(findings) -> list[str]:
    return [f.rule for f in findings]


# --- one-way doors -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("sentence", "rule"),
    [
        ("After the migration we will delete all legacy customer records.", "owd.data-deletion"),
        ("We will migrate all existing accounts to the new billing engine.", "owd.migration"),
        ("The v1 API is deprecated in March.", "owd.deprecation"),
        ("The webhook payload schema is replaced by a new format.", "owd.breaking-api"),
        ("Reminders move from the free plan to the paid tier.", "owd.pricing"),
        ("We will sign a 3-year exclusive agreement with PayFlow.", "owd.contract"),
        ("The feature launches to 100% of users on day one.", "owd.full-launch"),
        ("Auto-charge is enabled by default for all existing accounts.", "owd.full-launch"),
        ("Marketing will rebrand the product as Nudge.", "owd.rename"),
        ("We plan to hire 6 engineers for the platform team.", "owd.hiring"),
        ("We will standardize on a single vendor for analytics.", "owd.lock-in"),
    ],
)
def test_one_way_doors_are_flagged(sentence: str, rule: str):
    findings = check(f"# Plan\n\n{sentence}\n")
    match = [f for f in findings if f.rule == rule]
    assert match, f"{rule} missed: {rules(findings)}"
    f = match[0]
    assert f.kind is Kind.ONE_WAY_DOOR and f.source is Source.CHECK and f.anchor is Anchor.EXACT
    assert f.quote == sentence  # one-way doors quote the whole sentence that commits
    assert f.reversibility is not None and f.reversibility.exit_ramp
    assert f.rationale and f.suggestion and f.question


@pytest.mark.parametrize(
    "sentence",
    [
        "This change does not introduce breaking changes to the API.",
        "We will not delete any customer data.",
        "If the v1 API is removed later, clients will need to upgrade.",
        "Maybe in the future we could deprecate the old flag.",
        "Users can opt out of marketing emails at any time.",
        "Exclusive dependencies are resolved separately.",
        "It is easier to work out when a version reaches end of life.",
    ],
)
def test_negated_hypothetical_or_unrelated_sentences_are_not_doors(sentence: str):
    findings = check(f"# Notes\n\n{sentence}\n")
    assert not [f for f in findings if f.kind is Kind.ONE_WAY_DOOR], rules(findings)


def test_door_is_worse_when_its_section_has_no_way_back():
    bare = check("# Launch\n\nWe launch to 100% of users on day one.\n")
    hedged = check("# Launch\n\nWe launch to 100% of users on day one.\n\nA kill switch turns it off in a minute.\n")
    assert bare[0].severity is Severity.CRITICAL
    assert "names no rollback" in bare[0].rationale
    assert hedged[0].severity is Severity.MAJOR


def test_staging_only_counts_in_the_same_paragraph():
    other = check(
        "# Rollout\n\n- Payments launch to 100% of users on day one.\n"
        "- The new logo gets a phased rollout to 10% of users.\n"
    )
    same = check("# Rollout\n\nWe launch to 100% of users after a two-week pilot with 5% of users.\n")
    assert [f.severity for f in other if f.rule == "owd.full-launch"] == [Severity.CRITICAL]
    assert [f.severity for f in same if f.rule == "owd.full-launch"] == [Severity.MAJOR]


def test_restatements_of_one_decision_collapse():
    md = (
        "# TL;DR\n\nAuto-charge ships enabled by default for all existing accounts.\n\n"
        "# Details\n\nAuto-charge is enabled by default for all existing accounts at launch.\n"
    )
    doors = [f for f in check(md) if f.rule == "owd.full-launch"]
    assert len(doors) == 1
    other = next(q for q in ("Auto-charge ships", "Auto-charge is enabled") if not doors[0].quote.startswith(q))
    assert "states this 2 times" in doors[0].rationale and other in doors[0].rationale  # every place is named
    doc = parse_markdown(md)
    spans = next(f for f in run_checks(doc).findings if f.rule == "owd.full-launch").restated_at
    assert [doc.text[a:b].split()[:2] for a, b in spans] == [other.split()]  # and highlightable: its exact span


def test_the_cap_keeps_the_strongest_commitments_not_the_first():
    md = (
        "# Notes\n\nThe analytics dashboards were built before we retired Flash.\n\n"
        "Partners retire their plugins on their own schedule.\n\n"
        "Legacy cron jobs get retired by the platform group.\n\n"
        "We will retire the v1 Reminders API for all customers on 2027-03-31.\n"
    )
    capped = run_checks(parse_markdown(md))
    doors = [f for f in capped.findings if f.rule == "owd.deprecation"]
    assert [f.quote for f in doors] == ["We will retire the v1 Reminders API for all customers on 2027-03-31."]
    assert capped.hidden["owd.deprecation"] >= 1  # the others wait for --all, and the summary says so
    every = run_checks(parse_markdown(md), caps=False).findings
    assert any("Partners retire" in f.quote for f in every)


def test_obviously_and_clearly_wait_for_all():
    """An author's "obviously" is as often a habit as a claim without evidence: shown only with --all."""
    md = "# Goals\n\nObviously, customers prefer automation.\n"
    assert not [f for f in check(md) if f.rule == "weak.certainty"]
    assert run_checks(parse_markdown(md)).hidden["weak.certainty"] == 1


def test_the_default_view_keeps_doors_the_author_commits_to():
    """Precision by design: a door word in a sentence that commits nobody (someone else's habit, a "could")
    is held back for --all; the same door stated as the author's decision is shown."""
    md = "# Notes\n\nPartner teams retire their plugins.\n\nWe will retire the v1 API on 2027-03-31.\n"
    shown = [f.quote for f in check(md) if f.kind is Kind.ONE_WAY_DOOR]
    assert shown == ["We will retire the v1 API on 2027-03-31."]
    assert len([f for f in check(md, caps=False) if f.kind is Kind.ONE_WAY_DOOR]) == 2


def test_quotes_rejected_options_and_examples_are_not_the_authors_commitments():
    md = (
        "# Plan\n\n> We will delete all customer records, said the old vendor.\n\n"
        "For example, a deprecation planned for 3.16 would be removed in 3.27.\n\n"
        "# Alternatives considered\n\nWe could migrate all existing accounts at once.\n\n"
        "# Non-goals\n\nTo change the default behaviour (a breaking change).\n"
    )
    assert not [f for f in check(md) if f.kind is Kind.ONE_WAY_DOOR]


# --- weak arguments ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("sentence", "rule", "quote"),
    [
        ("This will significantly reduce late payments.", "weak.unquantified", "significantly"),
        ("Integrating the formatter has very significant benefits.", "weak.unquantified", "significant benefits"),
        ("Obviously, customers prefer automation.", "weak.certainty", "Obviously"),
        ("We must improve retention this year.", "weak.metric-no-target", "improve retention"),
        ("Increase on-time payments by 25%.", "weak.metric-no-baseline", "Increase on-time payments by 25%."),
        ("Adoption will reach XX% by March.", "weak.placeholder", "XX%"),
        ("Owner: TBD", "weak.placeholder", "TBD"),
    ],
)
def test_weak_arguments_are_flagged_on_the_exact_phrase(sentence: str, rule: str, quote: str):
    findings = [f for f in check(f"# Goals\n\n{sentence}\n", caps=False) if f.rule == rule]
    assert findings, rule
    assert findings[0].kind is Kind.WEAK_ARGUMENT
    assert findings[0].quote == quote
    assert quote.split()[0].strip("“”") in findings[0].title or rule == "weak.metric-no-baseline"


@pytest.mark.parametrize(
    "sentence",
    [
        "This reduces late payments significantly, from 38% to 28% within 90 days.",
        "Reduce churn from 4.1% to 3.5% by Q3.",
        "Increase on-time payments from 62% to 70% (baseline: Q3 billing dashboard).",
        "The difference was statistically significant (p < 0.01).",
        "Retention improved by 4 points compared with the control group.",
        "Requirements must be clearly defined before kickoff.",
        "Improve retention from 71% to 78% by June.",
        "Use `TBD` as the sentinel value in the enum.",
    ],
)
def test_specific_or_technical_sentences_are_left_alone(sentence: str):
    findings = check(f"# Goals\n\n{sentence}\n")
    assert not [f for f in findings if f.kind is Kind.WEAK_ARGUMENT], rules(findings)


def test_code_urls_comments_and_front_matter_are_never_checked():
    md = (
        "---\nsummary: we will obviously delete all data\n---\n"
        "# Notes\n\n<!-- TODO: obviously delete all records -->\n\n"
        "```\nwe delete all records and launch to 100% of users\n```\n\n"
        "See https://example.com/significantly-better-TBD and `delete all data`.\n"
    )
    assert check(md) == []


def test_headings_alone_do_not_trigger_phrase_rules():
    assert check("# Seamless onboarding\n\nShort text.\n") == []


# --- gaps ----------------------------------------------------------------------------------------

PRD_SKELETON = (
    "# Problem\n\n{p}\n\n# Goals\n\n{p}\n\n# Non-goals\n\n{p}\n\n# Success metrics\n\n{p}\n\n"
    "# Risks\n\n{p}\n\n# Open questions\n\n{p}\n"
)
FILLER = " ".join(["The team measured the current flow with twelve customers in May."] * 12)


def test_missing_prd_sections_are_document_level_questions():
    findings = check(PRD_SKELETON.format(p=FILLER))
    gaps = {f.rule: f for f in findings if f.anchor is Anchor.DOCUMENT}
    assert set(gaps) == {"gap.rollout", "gap.alternatives"}
    assert all(f.kind is Kind.OPEN_QUESTION and f.start is None and f.quote == "" for f in gaps.values())


def test_missing_rollback_plan_is_major_when_there_are_one_way_doors():
    body = FILLER + " We will delete all legacy records after launch."
    findings = check(PRD_SKELETON.format(p=body))
    rollout = next(f for f in findings if f.rule == "gap.rollout")
    assert rollout.severity is Severity.MAJOR


def test_rfcs_that_name_their_sections_differently_get_no_gap_advice():
    rfc = "# Summary\n\n{p}\n\n# Motivation\n\n{p}\n\n# Drawbacks\n\n{p}\n\n# Rationale and alternatives\n\n{p}\n\n"
    rfc += "# Unresolved questions\n\n{p}\n"
    assert not [f for f in check(rfc.format(p=FILLER)) if f.anchor is Anchor.DOCUMENT]


def test_documents_that_are_not_specs_get_no_gap_advice():
    assert check("# Meeting notes\n\nShort.\n") == []
    adr = "# Status\n\n{p}\n\n# Decision\n\n{p}\n\n# Context\n\n{p}\n\n# Consequences\n\n{p}\n"
    assert not [f for f in check(adr.format(p=FILLER)) if f.anchor is Anchor.DOCUMENT]


# --- noise control --------------------------------------------------------------------------------

def test_caps_keep_the_worst_and_count_the_rest():
    md = "# Notes\n\n" + "\n\n".join(f"Item {i}: TBD" for i in range(10)) + "\n"
    capped = run_checks(parse_markdown(md))
    assert len([f for f in capped.findings if f.rule == "weak.placeholder"]) == 4
    assert capped.hidden["weak.placeholder"] == 6
    everything = run_checks(parse_markdown(md), caps=False)
    assert len(everything.findings) == 10


def test_ids_are_stable_across_runs_and_unrelated_edits():
    a = check("# A\n\nWe will delete all customer records.\n")
    b = check("# A\n\nIntro added later.\n\nWe will delete all customer records.\n")
    assert a[0].id == b[0].id


def test_sample_prd_catches_the_planted_problems():
    doc = load_document(SAMPLE)
    found = run_checks(doc).findings
    by_rule = {f.rule for f in found}
    assert {
        "owd.full-launch", "owd.data-deletion", "owd.contract", "owd.pricing", "owd.deprecation",
        "weak.unquantified", "weak.metric-no-baseline", "ca.forecast", "ca.behaviour",
        "ca.no-risk", "weak.metric-no-target", "weak.placeholder", "gap.alternatives",
    } <= by_rule  # its "Obviously", "is clear" and "definitely" sit in sentences the ca.* cards already flag
    # the webhook's replacement is one decision with the v1 API's retirement: its own card or a listed place
    webhook = doc.text.index("The `reminder.sent` webhook is replaced")
    assert any(f.start == webhook or any(a == webhook for a, _ in f.restated_at) for f in found)
    launch = next(f for f in found if "100% of accounts" in f.quote)
    assert launch.severity is Severity.CRITICAL  # the phased rollout of the logo does not stage it
    assert len(found) <= 30


@pytest.mark.parametrize(
    "path", [p for p in corpus_files() if not p.name.startswith("BROKEN")], ids=lambda p: p.name
)
def test_corpus_output_stays_readable(corpus: Path, path: Path):
    """Every corpus doc: exact quotes, a bounded number of findings, no duplicate spans."""
    doc = load_document(path)
    found = run_checks(doc).findings
    for f in found:
        if f.start is not None:
            assert doc.text[f.start : f.end] == f.quote
    assert len(found) <= 30
    spans = [(f.start, f.end) for f in found if f.start is not None]
    assert len(spans) == len(set(spans))


def test_template_with_placeholders_gets_few_findings(corpus: Path):
    doc = load_document(corpus / "prd-template-useful-docs.md")
    assert len(run_checks(doc).findings) <= 5
