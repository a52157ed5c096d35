"""One-way doors stated as *what changes*, not as a decision (issue #13, owd.costly-object): a change to an object
others build on or pay for, costly to undo once shipped: a field of a stored model, a standard library's
annotations, a default, a support policy. Drawn from misses in five documents by different authors (Kubernetes,
Wagtail, Kotlin, PyTorch, Jupyter/NixOS); each case is what a user sees by default in ``doccritic check``."""

from __future__ import annotations

from doccritic.core.checks import run_checks
from doccritic.core.findings import Finding, Kind
from doccritic.formats.markdown import parse_markdown


def doors(md: str, *, caps: bool = True) -> list[Finding]:
    return [f for f in run_checks(parse_markdown(md), caps=caps).findings if f.kind is Kind.ONE_WAY_DOOR]


def _doc(section: str, body: str) -> str:
    return f"# Image descriptions\n\n## Motivation\n\nAlt text is often missing.\n\n## {section}\n\n{body}\n"


def test_a_field_added_to_a_model_is_shown_as_a_door():
    sentence = "Addition of a `description` field to the `AbstractImage` model."
    shown = doors(_doc("Decision", f"- {sentence}\n- Better documentation for editors."))
    assert [(f.rule, f.quote) for f in shown] == [("owd.costly-object", sentence)]


def test_annotations_added_to_a_standard_library_and_a_default_reversed_are_doors():
    added = "In the scope of this proposal, two annotations will be added to the Kotlin standard library."
    reversed_ = "For an ergonomic and clean developer experience, the default in Kotlin has to be reversed."
    quotes = {f.quote for f in doors(_doc("Proposal", f"{reversed_}\n\n{added}"))}
    assert {added, reversed_} <= quotes


def test_a_support_policy_stated_as_a_rule_is_a_door():
    sentence = "PyTorch supports all CPython versions that are fully released and have not reached end of life."
    assert [f.quote for f in doors(_doc("Proposal", sentence))] == [sentence]
    until = "The current 20.09 release will be supported until June 2021."
    assert until in {f.quote for f in doors(_doc("Detailed design", until))}


def test_a_reason_an_answer_or_a_way_to_turn_it_off_is_not_a_door():
    for sentence in (
        "Because every release is supported for three years, a user has two releases to respond.",
        "No. Just introducing new API fields in Pod spec which does NOT change the default behavior.",
        "A `.cargo/config.toml` field will be added to disable this, e.g. for CI.",
    ):
        assert "owd.costly-object" not in {f.rule for f in doors(_doc("Proposal", sentence), caps=False)}, sentence


def test_a_field_in_a_rejected_alternative_is_not_the_authors_door():
    md = _doc("Alternatives", "Addition of a `caption` field to the `AbstractImage` model.")
    assert "owd.costly-object" not in {f.rule for f in doors(md, caps=False)}
