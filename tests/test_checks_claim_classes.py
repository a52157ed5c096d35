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
