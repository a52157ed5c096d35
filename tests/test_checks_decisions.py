"""Where a document decides, read by structure: imperatives and first-person decisions under a heading that
decides, ranked by how hard they are to walk back (core/decision_cues.py, owd.decision)."""

from __future__ import annotations

from pathlib import Path

import pytest

from doccritic.core.checks import run_checks
from doccritic.core.findings import Kind
from doccritic.core.rules import RuleError, load_rules
from doccritic.formats.markdown import parse_markdown


def doors(md: str) -> list[str]:
    return [f.quote for f in run_checks(parse_markdown(md)).findings if f.kind is Kind.ONE_WAY_DOOR]


@pytest.mark.parametrize(
    ("section", "item", "quote"),
    [
        # any verb, not a fixed list; bold, numbered or bulleted
        ("Design", "1. **Mark the plugin API as supported on Linux only**. Builds elsewhere warn.",
         "**Mark the plugin API as supported on Linux only**."),
        ("Decision", "- Freeze the public schema of the export file at version 2.", None),
        ("Decision", "1. Scale our legacy worker pool down to zero.", None),
        ("Recommendation", "Sunset the desktop client in favour of the web app.", None),
        # the first person present: a decision record's "We use X"
        ("Decision", "We consolidate all billing on one processor.", None),
    ],
)
def test_a_decision_stated_as_an_imperative_or_we_present_is_a_door(section: str, item: str, quote: str | None):
    md = f"# Context\n\nThe team runs many services.\n\n## {section}\n\n{item}\n"
    assert doors(md) == [quote or item.lstrip("-1. ")]


@pytest.mark.parametrize(
    "text",
    [
        "Support for the old format is covered in the appendix.",  # a noun, not the verb "support"
        "Use of the beta endpoint was low last quarter.",
        "Consider a managed queue later.",  # not a verb that decides
        "We need to talk to the platform team first.",
    ],
)
def test_a_noun_or_a_wish_opening_a_decision_sentence_is_not_a_door(text: str):
    assert doors(f"# Context\n\nSome background.\n\n## Decision\n\n{text}\n") == []


def test_imperatives_outside_a_deciding_section_are_steps_not_doors():
    md = "# Setup\n\n1. Install the agent on each host.\n2. Scale the pool down to zero overnight.\n"
    assert doors(md) == []


def test_the_cap_keeps_the_decisions_hardest_to_walk_back():
    md = (
        "# Context\n\nWe run two CPU architectures.\n\n## Decision\n\n"
        "1. Update our build scripts to produce ARM images\n"
        "2. Update our node templates to add ARM machines\n"
        "3. Schedule only ARM images on the cluster\n"
        "4. Scale our Intel node groups down to zero.\n"
    )
    shown = doors(md)
    assert "Scale our Intel node groups down to zero." in shown
    assert "Schedule only ARM images on the cluster" in shown
    assert "Update our node templates to add ARM machines" not in shown


def test_a_madr_outcome_and_a_first_person_proposal_are_decisions():
    madr = '# Context\n\nWe need a queue.\n\n## Decision Outcome\n\nChosen option: "Kafka", because it scales.\n'
    assert doors(madr)
    proposal = "# Title\n\n## Abstract\n\nWe propose to remove the legacy login endpoint in version 4.\n"
    assert doors(proposal) == ["We propose to remove the legacy login endpoint in version 4."]


def test_the_verb_list_is_data_and_a_bad_one_is_named(tmp_path: Path):
    bundled = Path(__file__).resolve().parent.parent / "resources" / "checks" / "rules.toml"
    rules = load_rules(bundled)
    assert {"mark", "scale", "sunset", "use"} <= rules.imperative_verbs
    assert "support" in rules.imperative_verbs and "consider" not in rules.imperative_verbs
    bad = tmp_path / "rules.toml"
    bad.write_text("[settings]\nimperative_verbs = ['use']\n", encoding="utf-8")
    with pytest.raises(RuleError, match="imperative_verbs"):
        load_rules(bad)


def test_a_decision_reported_as_taken_in_a_decision_section_is_a_door():
    md = "# Context\n\nEvents are lost.\n\n## Decision\n\nThe team has decided to adopt Kafka for all event streams.\n"
    assert doors(md) == ["The team has decided to adopt Kafka for all event streams."]


def test_a_state_already_reached_is_history_not_a_door():
    done = "# Plan\n\nSome apps have already been migrated to AWS and use the cluster there.\n"
    assert doors(done) == []
    ahead = "# Plan\n\nAll existing tenants will have been migrated to the new cluster by March 2027.\n"
    assert doors(ahead)


@pytest.mark.parametrize(
    "sentence",
    ["So the default build will not support the legacy runtime out of the box.",
     "From version 5.0 the XML export will not be supported."],
)
def test_withdrawn_support_is_a_door_not_a_negation(sentence: str):
    assert doors(f"# Plan\n\n## Removal\n\n{sentence}\n") == [sentence]


def test_a_negated_door_is_still_not_a_door():
    assert doors("# Plan\n\n## Removal\n\nThis does not introduce breaking changes to the API.\n") == []


@pytest.mark.parametrize(
    ("text", "door"),
    [
        ("Store Gateway masks the series on processing the tombstone files.", False),  # a component, then its verb
        ("Use AWS Graviton instances for every compute node.", True),  # a name, then a plural noun
        ("Use Amazon EKS for running the main cluster.", True),
    ],
)
def test_a_name_that_a_verb_follows_is_a_subject_not_an_imperative(text: str, door: bool):
    assert bool(doors(f"# Context\n\nSome background.\n\n## Proposed approach\n\n{text}\n")) is door


def test_a_first_person_commitment_in_a_sub_section_of_the_proposal_is_a_door():
    md = (
        "# Block insecure HTTP\n\n## Motivation\n\nConnections are inconsistent.\n\n## Proposal\n\n### Objects\n\n"
        "For such objects, we shall introduce a new boolean field `.spec.insecure`, false by default.\n\n"
        "### Mechanism\n\nSetting the flag to false will mean every outgoing call uses HTTPS.\n"
    )
    # the mechanism's plain future is not a commitment
    assert doors(md) == ["For such objects, we shall introduce a new boolean field `.spec.insecure`, false by default."]
