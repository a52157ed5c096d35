"""What a user sees on the classes of claim and non-claim named on the spent sets (issue #13, 2026-12-05
evening): each test is a passage and the card, or no card, a PM gets for it by default."""

from __future__ import annotations

import pytest

from doccritic.core.checks import run_checks
from doccritic.core.findings import Finding, Kind
from doccritic.formats.markdown import parse_markdown


def cards(md: str, caps: bool = True) -> list[Finding]:
    return [f for f in run_checks(parse_markdown(md), caps=caps).findings
            if f.kind in (Kind.CHALLENGED_ASSUMPTION, Kind.WEAK_ARGUMENT)]


# --- an author's motive and verdict are the position argued, not a forecast ----------------------------------

@pytest.mark.parametrize(
    "sentence",
    [
        "I'm writing this DEP because, based on my experience with other projects, I believe that adopting the "
        "formatter would be a worthwhile improvement for the project.",
        "Thus, we believe it is not worth investing in making the library work on other platforms.",
    ],
)
def test_an_authors_motive_or_verdict_on_the_proposal_is_not_a_forecast(sentence: str):
    assert not cards(f"# Foreword\n\n{sentence}\n", caps=False)


def test_a_belief_about_the_world_is_still_a_forecast():
    md = "# Context\n\nWe believe that users have been moved to browsers that support modern TLS versions.\n"
    assert [f.rule for f in cards(md)] == ["ca.forecast"]


# --- a vague quantifier is a weak argument where it grades a change, a comparison or a gain --------------------

@pytest.mark.parametrize(
    ("sentence", "quote"),
    [
        ("Integrating the formatter in the process has very significant benefits.", "significant benefits"),
        ("Self hosted stacks cost significantly more than the hosted service.", "significantly"),
        ("These changes will dramatically reduce late payments.", "dramatically"),
    ],
)
def test_an_unquantified_change_or_gain_is_a_weak_argument(sentence: str, quote: str):
    assert [f.quote for f in cards(f"# Rationale\n\n{sentence}\n") if f.rule == "weak.unquantified"] == [quote]


@pytest.mark.parametrize(
    "sentence",
    [
        "At the same time, many people express a desire to get involved and yet don't.",  # the world described
        "That commit will be easy to identify as non-significant in the future.",
        "Instead of huge raw tables of nonsense, we'll provide a summary of what we observed.",
        "Most users open the app on a phone.",  # a generalisation: an assumption rule's, with its evidence
    ],
)
def test_colour_and_counts_of_people_are_not_unquantified_claims(sentence: str):
    assert not [f for f in cards(f"# Motivation\n\n{sentence}\n", caps=False) if f.rule == "weak.unquantified"]


# --- classes of unsupported claim read by structure ----------------------------------------------------------

@pytest.mark.parametrize(
    ("section", "sentence"),
    [
        ("ABI compatibility / Implications on adoption",
         "This feature does not affect ABI compatibility and has no implications on adoption."),
        ("Security", "The new header will not affect existing clients."),
    ],
)
def test_no_impact_asserted_on_what_a_reviewer_checks_is_challenged(section: str, sentence: str):
    found = cards(f"# {section}\n\n{sentence}\n")
    assert [f.rule for f in found] == ["ca.no-impact"]
    assert "compatibility test" in (found[0].suggestion or "") and found[0].question


def test_a_templates_no_impact_answers_are_one_card_by_default():
    md = ("# Source compatibility\n\nThis is an additive change with no impact on source compatibility.\n\n"
          "# Effect on ABI stability\n\nThe feature lives in the type checker and has no effect on ABI stability.\n")
    assert [f.rule for f in cards(md)] == ["ca.no-impact"]
    assert len(cards(md, caps=False)) == 2


def test_no_impact_on_a_named_command_is_not_a_dismissed_risk():
    assert not cards("# Design\n\nThis does not affect `cargo install`.\n", caps=False)


def test_ease_forecast_as_the_conclusion_of_a_comparison_is_challenged():
    md = "# Results\n\nWhat the formatter produces is close to our style. That should make its adoption painless.\n"
    assert [f.quote for f in cards(md)] == ["That should make its adoption painless."]


def test_how_common_a_behaviour_is_among_people_is_a_claim_and_anecdote_is_not_evidence():
    sentence = ("This will make it harder for developers to debug the production system, but we have found that "
                "it is not common for developers to make API requests directly.")
    found = cards(f"# Consequences\n\n{sentence}\n")
    assert [f.rule for f in found] == ["ca.claim"]
    assert "usage data" in (found[0].suggestion or "").lower()


@pytest.mark.parametrize(
    "sentence",
    [
        "Since code is read more often than written, it makes sense to make it easier to read later.",  # a purpose
        "That makes it difficult for large projects to update in a timely fashion.",  # the problem, conceded
        "Less common for infra automation in this repo, which can slow support.",  # not about people
    ],
)
def test_purposes_problems_and_rarity_of_things_are_not_ease_or_usage_claims(sentence: str):
    assert not [f for f in cards(f"# Rationale\n\n{sentence}\n", caps=False) if f.rule == "ca.claim"]


def test_the_next_item_of_the_claims_own_list_does_not_back_it():
    items = ("- Having one library will reduce bundle sizes for every page.\n"
             "- Allow references that contain an `@` already (e.g. `package@v1.0.0`).\n")
    assert [f.rule for f in cards(f"# Consequences\n\n{items}", caps=False)] == ["ca.claim"]
    lead = "# Consequences\n\nHaving one library will reduce bundle sizes:\n\n- e.g. the login page, 410 to 290 KB.\n"
    assert not cards(lead, caps=False)


def test_absence_of_a_problem_is_offered_as_evidence_but_absence_of_news_is_history():
    assert [f.rule for f in cards("# Security\n\nThe authors are not aware of any impact on security.\n")] == [
        "ca.no-risk"]
    assert not cards("# ossaudiodev\n\nThe module hasn't seen any improvements or new features since 2003.\n",
                     caps=False)


def test_a_goal_is_a_verb_still_to_act_not_data_described():
    assert [f.quote for f in cards("# Goals\n\nImprove retention among new accounts.\n")] == ["Improve retention"]
    assert not cards("# Usage data\n\nThe bulk of the other types like point and size have reduced usage.\n",
                     caps=False)


def test_uncertainty_admitted_is_not_a_forecast():
    md = ("# Costs\n\nIt is difficult to predict what the right number of instances would be, so we will "
          "over-provision at first.\n")
    assert not [f for f in cards(md, caps=False) if f.rule == "ca.forecast"]
    assert [f.rule for f in cards("# Costs\n\nWe predict that most teams will move within a month.\n")] == [
        "ca.forecast"]


def test_a_claim_in_a_relative_clause_is_a_remark_on_the_way():
    remark = "The best solution is for CI systems to run local proxies, which would speed up their downloads too."
    assert not [f for f in cards(f"# Rationale\n\n{remark}\n", caps=False) if f.rule == "ca.claim"]
    conclusion = "Windows uses a legacy encoding, which means this change mostly affects Windows users."
    assert [f.rule for f in cards(f"# Rationale\n\n{conclusion}\n")] == ["ca.claim"]
