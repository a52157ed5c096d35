"""Challenged assumptions in the authors' own voice (issue #13, 2026-12-06, second night session): each test is a
short passage written for the test, and the card (or no card) a PM gets for it by default."""

from __future__ import annotations

import pytest

from doccritic.core.checks import run_checks
from doccritic.core.findings import Finding, Kind
from doccritic.formats.markdown import parse_markdown


def cards(md: str, caps: bool = True) -> list[Finding]:
    return [f for f in run_checks(parse_markdown(md), caps=caps).findings
            if f.kind in (Kind.CHALLENGED_ASSUMPTION, Kind.WEAK_ARGUMENT)]


# --- a Background or FAQ section states the premises: the assumption rules read it, the door rules do not -------

@pytest.mark.parametrize("heading", ["Background", "FAQ"])
def test_a_forecast_in_the_background_or_faq_is_challenged(heading: str):
    md = (f"# Pin the toolchain\n\n## Summary\n\nWe pin the toolchain per module.\n\n## {heading}\n\n"
          "I expect most large projects have similar upgrade pain.\n")
    found = cards(md)
    assert [f.rule for f in found] == ["ca.forecast"]
    assert found[0].quote == "I expect most large projects have similar upgrade pain."


def test_a_door_in_the_background_is_still_history_not_a_commitment():
    md = ("# Pin the toolchain\n\n## Summary\n\nWe pin the toolchain per module.\n\n## Background\n\n"
          "We will remove the old release branch for all users.\n")
    doors = [f for f in run_checks(parse_markdown(md), caps=False).findings if f.kind is Kind.ONE_WAY_DOOR]
    assert not [f for f in doors if "release branch" in f.quote]


def test_rejected_alternatives_stay_unread_by_the_assumption_rules():
    md = ("# Pin the toolchain\n\n## Summary\n\nWe pin the toolchain per module.\n\n## Alternatives\n\n"
          "I expect most large projects have similar upgrade pain.\n")
    assert not cards(md, caps=False)


# --- whose expectation: the authors', not what others believe ----------------------------------------------------

@pytest.mark.parametrize(
    "sentence",
    [
        "We (the platform team) believe the hosted UI will meet most needs with few workarounds.",
        "In most cases we do not anticipate bad query results from the old escaping.",
    ],
)
def test_the_authors_expectation_is_a_forecast(sentence: str):
    found = cards(f"# Design\n\n{sentence}\n")
    assert [f.rule for f in found] == ["ca.forecast"]
    assert "evidence behind it" in (found[0].suggestion or "")


@pytest.mark.parametrize(
    "sentence",
    [
        "We can also take the build plugin as evidence that people expect that line to select the toolchain.",
        "Many people believe the version line selects the toolchain, so we make it do so.",
    ],
)
def test_what_others_expect_is_not_the_authors_forecast(sentence: str):
    assert not [f for f in cards(f"# Design\n\n{sentence}\n", caps=False) if f.rule == "ca.forecast"]


# --- a cost to others conceded where the document weighs its costs, without its size -------------------------------

@pytest.mark.parametrize(
    "sentence",
    [
        "Users will need to change their deployment patterns.",
        "This may require some code changes in some instances.",
        "The number of affected users may be large.",
        "There will be some initial confusion with stable users as to why the 21.03 release was delayed.",
    ],
)
def test_a_cost_to_others_without_its_size_is_a_weak_argument(sentence: str):
    found = cards(f"# Move images to one registry\n\n## Consequences\n\n{sentence}\n")
    assert [f.rule for f in found] == ["weak.unsized-cost"]
    assert found[0].quote == sentence
    assert "how many" in (found[0].suggestion or "").lower()


@pytest.mark.parametrize(
    "md",
    [
        # sized: a count of those affected
        "# Move images\n\n## Consequences\n\nAbout 40 teams will need to change their deployment patterns.\n",
        "# Move images\n\n## Consequences\n\nThis may require some code changes in 12 services.\n",
        # not where costs are weighed: a README's note describes, it does not weigh
        "# Install\n\n## Building\n\nOther compilers may require some code changes.\n",
    ],
)
def test_a_sized_cost_or_one_outside_the_costs_is_not_flagged(md: str):
    assert not [f for f in cards(md, caps=False) if f.rule == "weak.unsized-cost"]


# --- acceptable, or safe, on a premise given as settled -------------------------------------------------------------

@pytest.mark.parametrize(
    "sentence",
    [
        "As the compactor is an offline component, it is acceptable to read from object storage on every pass.",
        "Since regex queries on metric names are relatively rare, we feel this is an acceptable approach.",
        "Most of these uploads are unused and can be safely removed.",
    ],
)
def test_a_verdict_resting_on_an_unchecked_premise_is_challenged(sentence: str):
    found = cards(f"# Design\n\nWe read blocks lazily. {sentence}\n")
    assert [f.rule for f in found] == ["ca.acceptable"]
    assert found[0].quote == sentence
    assert "premise" in (found[0].suggestion or "")


@pytest.mark.parametrize(
    "sentence",
    [
        "We keep the old importer for a month, which is an acceptable risk for a trial.",  # accepted, no premise
        "If an administrator knows no metric uses the old prefix, it can be safely skipped.",  # a condition
        "We feel this is an acceptable size since the minified stylesheet is 200kb.",  # the premise measured
        "As mentioned in the timer's documentation, it is acceptable to end the timer early.",  # a reference
        "Since the keys leak, plain text storage is not acceptable.",  # rejected, not accepted
    ],
)
def test_an_accepted_trade_off_a_condition_or_a_measured_premise_is_not_challenged(sentence: str):
    assert not [f for f in cards(f"# Design\n\n{sentence}\n", caps=False) if f.rule == "ca.acceptable"]


def test_ample_time_is_asserted_like_plenty_of_time():
    found = cards("# Release schedule\n\nBoth desktops release in September, which allows ample time to package.\n")
    assert [f.rule for f in found] == ["ca.no-risk"]


def test_the_cons_of_an_option_turned_down_are_not_this_decisions_costs():
    md = ("# Move images to one registry\n\n## Alternatives\n\n### Option B: run our own registry\n\n#### Cons\n\n"
          "Users will need to change their deployment patterns.\n")
    assert not [f for f in cards(md, caps=False) if f.rule == "weak.unsized-cost"]


def test_what_others_expect_is_not_a_forecast_across_a_line_break():
    md = "# Design\n\nWe can take the build plugin as evidence that people\nexpect that line to pick the toolchain.\n"
    assert not [f for f in cards(md, caps=False) if f.rule == "ca.forecast"]


def test_work_on_the_authors_own_system_is_not_a_cost_to_others():
    md = "# Move images\n\n## Consequences\n\nThis will require some changes to our build pipeline.\n"
    assert not [f for f in cards(md, caps=False) if f.rule == "weak.unsized-cost"]
