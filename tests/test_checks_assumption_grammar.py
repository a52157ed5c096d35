"""Challenged assumptions read by their grammar (issue #13, 2026-12-06): each test is a short passage written
for the test, and the card (or no card) a PM gets for it by default, with the evidence that would settle it."""

from __future__ import annotations

import pytest

from doccritic.core.checks import run_checks
from doccritic.core.findings import Finding, Kind
from doccritic.formats.markdown import parse_markdown


def cards(md: str, caps: bool = True) -> list[Finding]:
    return [f for f in run_checks(parse_markdown(md), caps=caps).findings
            if f.kind in (Kind.CHALLENGED_ASSUMPTION, Kind.WEAK_ARGUMENT)]


# --- no harm done to what exists, whatever the noun ---------------------------------------------------------

@pytest.mark.parametrize(
    "sentence",
    [
        "The new label would not violate the current schema.",
        "Turning the cache on will not change any existing dashboards.",
        "Backward compatibility is preserved.",
        "Backward compatibility (for example with older agents) is assured.",
    ],
)
def test_no_harm_to_what_exists_is_challenged_with_the_test_that_would_settle_it(sentence: str):
    found = cards(f"# Design\n\nWe add a second header to each request. {sentence}\n")
    assert [f.rule for f in found] == ["ca.no-impact"]
    assert found[0].quote == sentence
    assert "compatibility test" in (found[0].suggestion or "")


@pytest.mark.parametrize(
    "sentence",
    [
        "Old fields are filled with zeros to ensure the wire format remains backwards compatible.",  # a purpose
        "The parser does not change the current directory.",  # not "any/the current <what users rely on>"
    ],
)
def test_a_purpose_or_a_plain_fact_is_not_no_impact_asserted(sentence: str):
    assert not [f for f in cards(f"# Design\n\n{sentence}\n", caps=False) if f.rule == "ca.no-impact"]


# --- a risk judged small, even under a condition --------------------------------------------------------------

@pytest.mark.parametrize(
    "sentence",
    [
        "If the import is late for the first customer, we think the associated risks are low enough.",
        "The risk of losing a draft is minimal, since editors save often.",
    ],
)
def test_a_risk_judged_small_is_challenged_even_under_a_condition(sentence: str):
    found = cards(f"# Consequences\n\n{sentence}\n")
    assert [f.rule for f in found] == ["ca.no-risk"]
    assert "Who checked this" in (found[0].question or "")


@pytest.mark.parametrize(
    "sentence",
    [
        "We keep the old importer for a month, which is an acceptable risk for a trial.",  # a risk accepted: a decision
        "If the import is late the risks are low.",  # the condition governs the claim's own clause
    ],
)
def test_a_risk_accepted_or_conditional_in_its_own_clause_is_not_dismissed(sentence: str):
    assert not [f for f in cards(f"# Consequences\n\n{sentence}\n", caps=False) if f.rule == "ca.no-risk"]


# --- what most people want, what a community believes, a count estimated ---------------------------------------

@pytest.mark.parametrize(
    "sentence",
    [
        "The bulk of our merchant base is not asking for weekly payouts.",
        "Most of the plugin authors want a stable hook API.",
        "The community believes that nightly builds are not worth the noise.",
        "It is widely accepted that tabs confuse new contributors.",
    ],
)
def test_what_a_population_wants_or_believes_is_challenged_with_usage_evidence(sentence: str):
    found = cards(f"# Rationale\n\n{sentence}\n")
    assert [f.rule for f in found] == ["ca.behaviour"]
    assert "research, usage data or experiment" in (found[0].suggestion or "")


def test_a_count_of_a_population_is_not_what_it_wants():
    md = "# Context\n\nThe majority of engineers here are using laptops with ARM processors.\n"
    assert not [f for f in cards(md, caps=False) if f.rule == "ca.behaviour"]


def test_a_count_estimated_without_its_method_is_a_forecast():
    found = cards("# Consequences\n\nWe estimate there to be 300 paper forms that a simple builder could replace.\n")
    assert [f.rule for f in found] == ["ca.forecast"]
    assert "a model with its inputs" in (found[0].suggestion or "")


# --- a way back claimed as available ------------------------------------------------------------------------

@pytest.mark.parametrize(
    "sentence",
    [
        "If the new queue misbehaves, we can simply switch the workers back to polling.",
        "We will keep the ability to run the old renderer for customers who need it.",
    ],
)
def test_a_way_back_claimed_by_the_authors_is_challenged(sentence: str):
    found = cards(f"# Consequences\n\nWe move every worker to the new queue in May. {sentence}\n")
    assert [f.rule for f in found] == ["ca.way-back"]
    assert found[0].quote == sentence
    assert "rehearsal" in (found[0].suggestion or "")


@pytest.mark.parametrize(
    "sentence",
    [
        "Customers won't always have the option to export their data first.",  # others, not the authors
        "We can simply switch the workers back to polling, as tested in the March rehearsal.",  # shown
    ],
)
def test_others_options_and_a_rehearsed_way_back_are_not_challenged(sentence: str):
    assert not [f for f in cards(f"# Consequences\n\n{sentence}\n", caps=False) if f.rule == "ca.way-back"]


# --- weak arguments: a comparison graded without a number, a step with no date -----------------------------

def test_a_comparison_of_value_graded_without_a_number_is_unquantified():
    found = cards("# Motivation\n\nA short changelog is much more useful than the full commit history.\n")
    assert [f.quote for f in found if f.rule == "weak.unquantified"] == ["much more useful"]


def test_a_step_put_off_until_there_is_time_has_no_date():
    md = "# Decision\n\nWe ship the export first, then add scheduled exports when we have time.\n"
    found = [f for f in cards(md) if f.rule == "weak.no-date"]
    assert [f.quote for f in found] == ["when we have time"]
    assert "date or a trigger" in (found[0].suggestion or "")
    assert not [f for f in cards("# Decision\n\nWe add scheduled exports in the May release.\n", caps=False)
                if f.rule == "weak.no-date"]


def test_evidence_alluded_to_but_not_shown_is_challenged():
    md = "# Motivation\n\nThere are reports of customers exporting every invoice by hand each month.\n"
    found = cards(md)
    assert [f.rule for f in found] == ["ca.behaviour"]
    assert "with its sample" in (found[0].suggestion or "")


# --- a user story speaks for a persona, not the authors ---------------------------------------------------------

@pytest.mark.parametrize(
    "story",
    [
        "- As a user, when I open the editor, I can easily switch back to the old layout from the menu.",
        "- As an admin, I will retain the ability to export every project.",
        "As a reviewer, I want every comment to show who wrote it, and most reviewers will want this.",
        "- As a user, when I am in the editor, I can easily move back and forth within the UI using the menu.",
    ],
)
def test_a_user_story_is_not_the_authors_claim(story: str):
    md = f"# Decision\n\nWe will ship the new layout to every workspace in May.\n\n## User stories\n\n{story}\n"
    assert not cards(md, caps=False)


def test_the_authors_own_way_back_is_still_challenged():
    md = "# Decision\n\nWe will ship the new layout in May. If it fails, we can easily switch back to the old one.\n"
    assert [f.rule for f in cards(md)] == ["ca.way-back"]
