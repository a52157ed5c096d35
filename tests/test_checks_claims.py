"""Load-bearing claims without evidence, read by structure (issue #13 item 4; core/claims.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from doccritic.core.checks import run_checks
from doccritic.core.findings import Finding, Kind
from doccritic.core.rules import RuleError, load_rules
from doccritic.formats.markdown import parse_markdown
from doccritic.paths import resource


def claims(md: str, caps: bool = True) -> list[Finding]:
    return [f for f in run_checks(parse_markdown(md), caps=caps).findings if f.kind is Kind.CHALLENGED_ASSUMPTION]


@pytest.mark.parametrize(
    ("section", "sentence", "evidence"),
    [
        ("Backwards compatibility", "So this change mostly affects Windows users.", "usage data"),
        ("Consequences", "Having a single date library will reduce bundle sizes.", "benchmark"),
        ("Security implications", "The new warning will help programmers avoid hard bugs, so it will have a security "
                                  "benefit.", "security review"),
        ("Decision", "Moving every service to one architecture would ensure that staging matches production "
                     "workloads.", "compatibility test"),
        ("Rationale", "Dropping the old module increases the chances of a community fork becoming widely used.",
         "usage data"),
    ],
)
def test_a_load_bearing_claim_is_challenged_with_the_evidence_for_its_topic(section: str, sentence: str,
                                                                             evidence: str):
    found = claims(f"# {section}\n\n{sentence}\n")
    assert [f.quote for f in found] == [sentence]
    assert evidence in (found[0].suggestion or "").lower() and found[0].question
    assert "without evidence" in found[0].title


@pytest.mark.parametrize(
    "text",
    [
        "Having a single date library will reduce bundle sizes. Our build shrank from 410 KB to 290 KB.",
        "Having a single date library will reduce bundle sizes (measured on the main app).",
        "Having a single date library will reduce bundle sizes, as [the size report](https://example.com) shows.",
        "So this change mostly affects Windows users, according to the download statistics.",
    ],
)
def test_a_claim_with_evidence_beside_it_is_not_challenged(text: str):
    assert not claims(f"# Consequences\n\n{text}\n", caps=False)


def test_a_claim_outside_the_argument_waits_for_all():
    """In a context section the same words describe rather than argue: only --all lists them."""
    md = "# Context\n\nThis will reduce running costs for the platform teams.\n"
    assert not claims(md)
    assert [f.rule for f in claims(md, caps=False)] == ["ca.claim"]


@pytest.mark.parametrize(
    "sentence",
    [
        "We will need to NAT cluster IPs to ensure we have enough address space.",  # a purpose, not an outcome
        "There will be a refund for data that has been read (which is likely to be useful data).",  # an aside
        "We would revert it if the change mostly affects Windows users.",  # a condition in the same clause
    ],
)
def test_purposes_asides_and_conditions_are_not_claims(sentence: str):
    assert not [f for f in claims(f"# Rationale\n\n{sentence}\n", caps=False) if f.rule == "ca.claim"]


def test_the_status_quo_is_not_shown_as_a_claim():
    assert not claims("# Rationale\n\nCurrently the proxy mostly affects Windows users.\n")


def test_a_claim_after_its_condition_is_still_a_claim():
    md = "# Consequences\n\nIf we need more capacity, one cluster will reduce the maintenance burden for every team.\n"
    assert [f.rule for f in claims(md, caps=False)] == ["ca.claim"]
    # a way back claimed under its condition is its own class of assumption (tests/test_checks_assumption_grammar.py)
    md = "# Consequences\n\nIf we need x86 again, we can easily support this side by side with the new workloads.\n"
    assert [f.rule for f in claims(md, caps=False)] == ["ca.way-back"]


def test_only_the_strongest_claim_is_shown_by_default():
    md = ("# Rationale\n\nSo this change mostly affects Windows users.\n\n"
          "# Consequences\n\nHaving a single date library will reduce bundle sizes, so it will help users.\n")
    assert len([f for f in claims(md) if f.rule == "ca.claim"]) == 1
    assert len([f for f in claims(md, caps=False) if f.rule == "ca.claim"]) == 2


def test_a_bad_claims_topic_names_the_field(tmp_path: Path):
    text = resource("checks", "rules.toml").read_text(encoding="utf-8")
    bad = text.replace("name = \"performance\"\nwords = ['", "name = \"performance\"\nwords = ['(unclosed", 1)
    assert bad != text
    path = tmp_path / "rules.toml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(RuleError, match="claims topic 'performance', field 'words'"):
        load_rules(path)


def test_a_list_introduced_by_its_evidence_is_backed_item_by_item():
    """"A recent analysis of real code shows that:" backs each item of the list it introduces."""
    items = "- Most of the usages are incorrect, so they will introduce bugs.\n- Most owners will fix them easily.\n"
    backed = f"# Rationale\n\nA recent analysis of real world code shows that:\n\n{items}"
    assert not [f for f in claims(backed, caps=False) if f.rule == "ca.claim"]
    bare = f"# Rationale\n\nThis is undesirable for several reasons:\n\n{items}"
    assert [f for f in claims(bare, caps=False) if f.rule == "ca.claim"]


def test_an_example_does_not_back_a_claim_about_most_users():
    general = "# Rationale\n\nMost developers only switch libraries when they must, e.g. lxml instead of xml.\n"
    assert [f.rule for f in claims(general)] == ["ca.claim"]
    specific = "# Rationale\n\nThe new module will reduce bundle sizes, e.g. for the login page.\n"
    assert not claims(specific, caps=False)


def test_the_premise_of_a_conclusion_is_load_bearing():
    """A generalisation the next sentence concludes from ("Thus, we believe …") is shown by default."""
    md = ("# Design\n\nThe usages we see on other platforms are typically well supported by other libraries.\n\n"
          "Thus, we believe it is not worth porting the library.\n")
    assert [f.rule for f in claims(md) if f.quote.startswith("The usages")] == ["ca.claim"]
    alone = "# Design\n\nThe usages we see on other platforms are typically well supported by other libraries.\n"
    assert not claims(alone)


def test_a_claim_too_weak_to_show_does_not_hide_the_weak_argument_in_its_sentence():
    found = run_checks(parse_markdown("# Goals\n\nThis will significantly reduce bundle sizes.\n")).findings
    assert [f.rule for f in found] == ["weak.unquantified"]
    assert [f.rule for f in claims("# Goals\n\nThis will significantly reduce bundle sizes.\n", caps=False)] == [
        "ca.claim"]


def test_the_next_paragraph_backs_a_claim_only_when_it_opens_with_its_evidence():
    claim = "# Consequences\n\nHaving a single date library will reduce bundle sizes.\n\n"
    unrelated = claim + "Graviton instances (e.g. M7g) are cheaper than others.\n"
    assert [f.rule for f in claims(unrelated, caps=False)] == ["ca.claim"]
    backed = claim + "For example, the login page shrank from 410 KB to 290 KB.\n"
    assert not claims(backed, caps=False)


def test_an_estimate_without_its_inputs_is_a_forecast():
    found = claims("# Consequences\n\nWe estimate an annual cost of under £100, a 99% saving.\n")
    assert [f.rule for f in found] == ["ca.forecast"]
    assert not claims("# Consequences\n\nWe estimate a cost of £4,000 a year (see the table of licences).\n")
