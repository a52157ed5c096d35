"""The document's own subject: the change its title names is its central one-way door, wherever the document
states it (core/subject.py; owd.subject), and a proposal speaking of itself under
any process's name ("This DEP proposes ...") states its change."""

from __future__ import annotations

from doccritic.core.checks import run_checks
from doccritic.core.findings import Finding, Kind
from doccritic.core.subject import central, subject
from doccritic.formats.markdown import parse_markdown


def doors(md: str, *, caps: bool = True) -> list[Finding]:
    return [f for f in run_checks(parse_markdown(md), caps=caps).findings if f.kind is Kind.ONE_WAY_DOOR]


def test_the_change_a_title_names_is_shown_where_the_body_states_it():
    md = (
        "# Remove the Widget Batch instrument\n\nThe Stream instrument does what Batch did, via a callback.\n\n"
        "## Motivation\n\nStream instruments report a snapshot per period.\n\n"
        "## Internal details\n\nThe Batch instrument will be removed from the specification when Stream ships.\n"
    )
    shown = doors(md)
    assert [f.quote for f in shown] == [
        "The Batch instrument will be removed from the specification when Stream ships."
    ]
    assert shown[0].rule == "owd.subject"


def test_the_title_fallback_waits_when_another_door_is_shown():
    md = (
        "# Remove the Widget Batch instrument\n\n## Decision\n\nWe will delete all customer records after export.\n\n"
        "## Internal details\n\nThe Batch instrument will be removed from the specification when Stream ships.\n"
    )
    shown = doors(md)
    assert [f.rule for f in shown] == ["owd.data-deletion"]
    assert "owd.subject" in {f.rule for f in doors(md, caps=False)}  # still listed with --all


def test_a_sentence_that_names_the_title_but_decides_nothing_is_not_a_door():
    md = (
        "# Remove the Widget Batch instrument\n\n## Trade-offs\n\n"
        "The pros of removing the Batch instrument are straightforward:\n\n- less state\n"
    )
    assert doors(md) == []


def test_a_present_tense_door_is_shown_when_it_states_the_titles_change():
    body = "\n\n## How\n\nThe compactor performs the job of deleting the series and cleans up tombstone files.\n"
    assert [f.rule for f in doors("# Series Deletion with Compactor" + body)] == ["owd.data-deletion"]
    assert doors("# Tombstone storage notes" + body) == []  # the same sentence, not the document's subject


def test_passages_restating_the_central_change_fold_into_one_card():
    md = (
        "# Removing the shim from the agent\n\n## Summary\n\n"
        "This proposal deprecates and then removes the shim from the agent in release 30.\n\n"
        "## Proposal\n\n### Plan\n\n"
        "Step 1: Deprecate the in-tree shim and decouple the shim from the agent.\n\n"
        "Step 2: Deprecate the legacy features of the shim in the agent with a timeline.\n"
    )
    shown = doors(md)
    assert [f.quote for f in shown] == [
        "This proposal deprecates and then removes the shim from the agent in release 30."
    ]
    assert len(shown[0].restated_at) == 2


def test_a_pep_header_names_the_subject_when_the_first_heading_is_a_part():
    text = "PEP: 9999\nTitle: Deprecate the frobnicate module\nAuthor: A. Person\n"
    assert subject("Abstract", text) == frozenset({"depre", "frobn", "modul"})
    assert not central("Title: Deprecate the frobnicate module", subject("Abstract", text))  # the header itself


def test_a_dotted_name_in_the_title_is_one_word():
    about = subject("Make `System.Drawing.Common` only supported on Windows")
    assert not central("Any types in `System.Drawing.Common` will be moved to `System.Drawing.Primitives`.", about)
    assert central("The `System.Drawing.Common` package will throw on anything but Windows.", about)


def test_any_process_names_itself_in_its_summary():
    md = "# DEP 0042: Formatting code with Pretty\n\n## Abstract\n\nThis DEP proposes to enforce formatting with Pretty"
    assert [f.quote for f in doors(md)] == ["This DEP proposes to enforce formatting with Pretty"]


def test_breaking_source_compatibility_is_a_door_shown_by_default():
    md = (
        "# Static key paths\n\n## Effect on source compatibility\n\n"
        "This feature breaks source compatibility for key path expressions after subscript overloads.\n"
    )
    assert [f.rule for f in doors(md)] == ["owd.breaking-api"]


def test_references_are_other_documents_not_decisions():
    md = (
        "# Remove the frobnicate module\n\n## Abstract\n\nNothing here decides yet.\n\n## References\n\n"
        "- Draft: Remove the frobnicate module, removing the old frobnicate API\n"
    )
    assert doors(md, caps=False) == []


def test_a_behaviour_fixed_for_good_is_a_door():
    md = "# Optional authors\n\n## Detailed design\n\nThe registry index will always return an empty authors list.\n"
    assert [f.rule for f in doors(md)] == ["owd.irreversible"]


def test_a_proposed_solution_stated_in_the_first_person_is_the_proposal():
    md = (
        "# Static key paths\n\n## Motivation\n\nUsers ask for it.\n\n## Proposed solution\n\n"
        "We propose to allow key path expressions to refer to static properties.\n"
    )
    assert [f.quote for f in doors(md)] == ["We propose to allow key path expressions to refer to static properties."]


def test_an_option_turned_down_or_a_decision_put_off_is_not_the_decision():
    md = (
        "# One database\n\n## Decision\n\n"
        "We considered one instance per app, but we decided against this due to cost.\n\n"
        "As part of this, we will decide whether to standardise the sync jobs on one language.\n"
    )
    assert doors(md) == []


def test_a_plural_and_a_word_that_only_starts_like_the_documents_kind_are_the_subject():
    about = subject("DR004: Build our own form designer")
    assert {"form", "desig"} <= about  # "designer" is the subject; "design" alone would be the document's kind
    assert central("All forms will be built in the new designer from March.", about)


def test_a_further_step_of_a_decision_is_shown_only_when_it_closes_a_way_back():
    md = (
        "# Terraform state\n\n## Decision\n\n"
        "- **Adopt S3 as the canonical Terraform backend** for all workspaces.\n"
        "- Provision **one bucket per environment**:\n"
    )
    assert [f.quote for f in doors(md)] == ["**Adopt S3 as the canonical Terraform backend** for all workspaces."]


def test_an_outcome_section_decides():
    md = "# Queue\n\n## Context\n\nWe need a queue.\n\n## Outcome\n\nWe will run every job through Kafka.\n"
    assert [f.quote for f in doors(md)] == ["We will run every job through Kafka."]


def test_the_paragraph_under_the_title_is_the_documents_summary():
    md = (
        "# Remove SpanData\n\nRemove and replace SpanData by adding span start and end options.\n\n"
        "## Motivation\n\nSpanData makes the tracing API large.\n"
    )
    assert [f.quote for f in doors(md)] == ["Remove and replace SpanData by adding span start and end options."]
    flat = "# Notes\n\nRemove and replace SpanData by adding span start and end options.\n"  # no sub-headings
    assert doors(flat) == []


def test_a_move_the_title_names_is_the_central_change():
    md = (
        "# Annual release cycle\n\n## Motivation\n\nReleases are hard to plan.\n\n"
        "## Details\n\nThe project will move to an annual release cycle for every package.\n"
    )
    assert [f.rule for f in doors(md)] == ["owd.subject"]


def test_the_same_frame_with_another_object_is_a_second_decision_not_a_restatement():
    md = (
        "# Use GitHub Actions\n\n## Decision\n\n"
        "We will decommission our Concourse pipelines once the move to the new platform has been completed.\n\n"
        "We will decommission our management cluster once the move to the new platform has been completed.\n"
    )
    assert len(doors(md)) == 2


def test_a_use_case_in_the_motivation_names_the_subject_without_deciding_it():
    md = (
        "# Delete series for object storage\n\n## Motivation\n\n"
        "The user expects their request to accelerate an immediate deletion of the series in object storage.\n"
    )
    assert doors(md) == []


def test_a_design_document_naming_itself_in_its_summary_states_its_proposal():
    md = (
        "# Delete series for object storage\n\n## Summary\n\n"
        "This design document proposes deletion of series for object storage.\n\n"
        "## Proposed Approach\n\nWe propose to implement deletions with tombstone files.\n"
    )
    assert [f.quote for f in doors(md)] == ["This design document proposes deletion of series for object storage."]
    alone = "# Tombstones\n\n## Proposed Approach\n\nWe propose to implement deletions with tombstone files.\n"
    assert [f.quote for f in doors(alone)] == ["We propose to implement deletions with tombstone files."]


def test_a_deprecation_period_is_the_way_out_and_support_ceasing_is_the_door():
    md = (
        "# Disabling egg uploads\n\n## Removal process\n\n"
        "During the deprecation period, users will continue to be allowed to upload eggs to new projects.\n\n"
        "After the deprecation period, support for uploading eggs will cease to exist on the index.\n"
    )
    assert [f.quote for f in doors(md)] == [
        "After the deprecation period, support for uploading eggs will cease to exist on the index."
    ]


def test_a_blockquote_that_opens_its_section_is_the_authors_template_answer():
    template = (
        "# DR009: Who can access the service\n\n## Context\n\nWe serve central government.\n\n## Decision\n\n"
        "> We will only let local government users make an account with trial permission.\n"
    )
    assert [f.quote for f in doors(template)] == [
        "We will only let local government users make an account with trial permission."
    ]
    quoting = (
        "# DR010: Who can access the service\n\n## Decision\n\nOn the mailing list, a maintainer wrote:\n\n"
        "> We will only let local government users make an account with trial permission.\n"
    )
    assert doors(quoting) == []  # someone else's words, introduced by the author
