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
        "Currently the proxy mostly affects Windows users.",  # the status quo
        "We would revert it if the change mostly affects Windows users.",  # a condition in the same clause
    ],
)
def test_purposes_asides_and_conditions_are_not_claims(sentence: str):
    assert not [f for f in claims(f"# Rationale\n\n{sentence}\n", caps=False) if f.rule == "ca.claim"]


def test_a_claim_after_its_condition_is_still_a_claim():
    md = "# Consequences\n\nIf we need x86 again, we can easily support this side by side with the new workloads.\n"
    assert [f.rule for f in claims(md, caps=False)] == ["ca.claim"]


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
