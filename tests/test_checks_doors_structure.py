"""Where a document decides, read by its structure (issue #13, one-way doors on unseen documents): the document's
own title is never an aside, the option a record proposes is its choice, the first-person future counts when
contracted, and a numbered "How" section is a design's own section."""

from __future__ import annotations

from doccritic.core.checks import run_checks
from doccritic.core.findings import Finding, Kind
from doccritic.formats.markdown import parse_markdown


def doors(md: str, *, caps: bool = True) -> list[Finding]:
    return [f for f in run_checks(parse_markdown(md), caps=caps).findings if f.kind is Kind.ONE_WAY_DOOR]


def test_a_title_naming_an_alternative_does_not_make_the_whole_document_an_aside():
    body = "\n\n## Proposal\n\nReplace the nightly batch export with a streaming feed for all tenants.\n"
    assert [f.quote for f in doors("# RFC-12 Alternative Export Path" + body)] == [
        "Replace the nightly batch export with a streaming feed for all tenants."
    ]
    # a part of the document named so is still an aside
    assert doors("# RFC-12 Export Path\n\n## Alternatives" + body.replace("## Proposal", "### Proposal")) == []


def test_the_proposed_option_is_the_authors_choice_not_an_option_weighed():
    md = (
        "# Ledger storage\n\n## Design\n\nThe ledger keeps its current layout for now.\n\n"
        "### Proposed Option: one table per tenant\n\nWe will migrate all existing ledgers to one table per tenant.\n\n"
        "### Option 2: a shared table\n\nWe will migrate all existing ledgers to one shared table.\n"
    )
    quotes = [f.quote for f in doors(md, caps=False)]
    assert "We will migrate all existing ledgers to one table per tenant." in quotes
    assert "We will migrate all existing ledgers to one shared table." not in quotes
    weighed = md.replace("### Proposed Option: one table per tenant", "### Proposed Options")
    assert doors(weighed, caps=False) == []  # options still being weighed, plural, are not a choice


def test_a_table_cell_is_not_an_imperative_decision():
    md = (
        "# Common features\n\n## Decision\n\nWe will provide the features needed for six forms in the private beta.\n\n"
        "| Feature | At start | Later |\n|---|---|---|\n| Save and return | No | Yes |\n| Take payments | No | Yes |\n"
    )
    assert [f.quote for f in doors(md, caps=False)] == [
        "We will provide the features needed for six forms in the private beta."
    ]


def test_a_contracted_first_person_future_decides():
    for opening in ("We're going to", "We’ll", "We'll"):
        md = f"# Build our own editor\n\n## Decision\n\n{opening} build our own form editor for the private beta.\n"
        assert [f.rule for f in doors(md)] == ["owd.decision"], opening
    md = "# Editors\n\n## Decision\n\nWe’ll decide on the editor after the alpha.\n"
    assert doors(md, caps=False) == []  # a decision put off, contracted or not


def test_a_numbered_how_section_holds_the_authors_commitment():
    md = (
        "---\ntitle: Per-queue retry limits\n---\n\n## 1 Why\n\nRetries are global today.\n\n"
        "## 2 How\n\nWe’ll add a new `retry_limit` field in the queue config.\n"
    )
    assert [(f.rule, f.quote) for f in doors(md)] == [
        ("owd.plan", "We’ll add a new `retry_limit` field in the queue config.")
    ]


def test_external_names_an_outside_party_not_any_thing_called_external():
    # "external labels" is the feature's name: it must not rank a plan step above the field the plan adds
    md = (
        "---\ntitle: Tenant external labels\n---\n\n## How\n\n"
        "We’ll add a new `labels` field in the hashring config.\n\n"
        "Once tenants’ external labels are implemented, we’ll handle changes in tenants’ external labels.\n"
    )
    assert [f.quote for f in doors(md)] == ["We’ll add a new `labels` field in the hashring config."]


def test_the_title_fallback_needs_a_sentence_that_decides_not_a_date_in_an_abstract():
    # history in the summary: scope words and a year reach the old salience bar without deciding anything
    md = (
        "# Remove the Legacy Codec modules\n\n## Abstract\n\n"
        "The 2009 *Cleanup* proposal removed all legacy codec modules from the toolkit in version 2.0.\n"
    )
    assert doors(md) == []
    decided = md.replace("The 2009 *Cleanup* proposal removed all", "All").replace("from", "will be removed from")
    assert [f.rule for f in doors(decided)] == ["owd.subject"]  # the same change, decided, is still read


def test_changes_as_a_noun_or_a_possessives_move_are_not_the_titles_change():
    md = (
        "# Tenant retry labels\n\n## Test plan\n\n"
        "* We will handle changes in all tenant retry labels correctly.\n"
        "* The service's move to tenant retry labels is tested separately.\n"
    )
    assert [f for f in doors(md, caps=False) if f.rule == "owd.subject"] == []


def test_a_deprecation_in_general_is_a_policy_not_a_removal():
    md = (
        "# Release support\n\n## Support window\n\n"
        "Because every release is supported for three years, users have two releases to respond to any deprecation.\n"
    )
    assert [f for f in doors(md, caps=False) if f.rule == "owd.deprecation"] == []
    md = md.replace("to respond to any deprecation", "before we deprecate the old client library")
    assert [f.rule for f in doors(md, caps=False) if f.rule == "owd.deprecation"] == ["owd.deprecation"]


def test_a_change_the_document_proposes_in_the_passive_is_its_door():
    md = (
        "# Widget numbering\n\n## Rationale\n\n### Year-based numbers\n\n"
        "Year-based numbering is proposed in the form YYYY.N for every widget release.\n\n"
        "### History\n\nA similar scheme is proposed in RFC 12, and one was proposed by the vendor in 2019.\n"
    )
    assert [(f.rule, f.quote) for f in doors(md)] == [
        ("owd.proposed", "Year-based numbering is proposed in the form YYYY.N for every widget release.")
    ]
    # another party's proposal, or one from the past, is not this document's
    md = "# Widget numbering\n\n## Notes\n\nYear-based numbering is proposed in RFC 12 for every widget release.\n"
    assert doors(md, caps=False) == []


def test_a_default_set_in_the_future_is_a_default_change():
    md = (
        "# Client expiry\n\n## Internal details\n\n"
        "A new expiry setting will be set by default to the release date plus four weeks.\n"
    )
    assert [f.rule for f in doors(md)] == ["owd.default-change"]


def test_a_document_restating_its_titles_change_everywhere_reads_a_bounded_number_of_them():
    # "# Remove the legacy change" then the change in every sentence: the fallback reads the first few hundred,
    # so its cost no longer grows with every restatement (3 MB of them took twice as long as without the rule)
    from doccritic.core.checks import _SUBJECT_SENTENCES

    body = "".join(f"We will rewrite all of the billing engine for tenant {i}.\n\n" for i in range(300))
    listed = [f for f in doors("# Rewrite the billing engine\n\n" + body, caps=False) if f.rule == "owd.subject"]
    assert len(listed) == _SUBJECT_SENTENCES
    assert listed[0].quote == "We will rewrite all of the billing engine for tenant 0."


def test_an_option_added_to_an_interface_ranks_above_a_step_of_the_plan():
    md = (
        "# Faster queries\n\n## How\n\n### Solution\n\n"
        "For the first step, we propose a logic in the proxy Store API implementation that sorts locally.\n\n"
        "As the second step we propose adding `without_replica_labels` field to the Store API request.\n"
    )
    assert [f.quote for f in doors(md)] == [
        "As the second step we propose adding `without_replica_labels` field to the Store API request."
    ]
