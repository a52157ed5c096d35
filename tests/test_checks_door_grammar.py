"""One-way doors read by the grammar of the sentence that states them (issue #13): a product or a tool stating the
title's change in the future ("The asset garbage collection CLI will ... delete unused CDK assets") decides as
firmly as "we will"; "we first propose" is the authors' proposal as "we propose" is; and the change as the subject
of its own benefit ("Removing X will simplify ...") argues for a door without being one; and a plan step in a
sub-section of the design is a door only when it closes a way back. Each case is what a user
sees by default in ``doccritic check`` (the same ``run_checks``)."""

from __future__ import annotations

import re

from doccritic.core.checks import run_checks
from doccritic.core.findings import Finding, Kind
from doccritic.core.salience import future_change
from doccritic.formats.markdown import parse_markdown


def doors(md: str, *, caps: bool = True) -> list[Finding]:
    return [f for f in run_checks(parse_markdown(md), caps=caps).findings if f.kind is Kind.ONE_WAY_DOOR]


_GC = "# Garbage Collection for Assets\n\n## Summary\n\n{}\n\n## Motivation\n\nBuckets grow without bound.\n"


def test_a_tool_stating_the_titles_change_in_the_future_is_shown_by_default():
    sentence = "The asset garbage collection CLI will identify and/or delete unused CDK assets, resulting in less cost."
    shown = doors(_GC.format(sentence))
    assert [(f.rule, f.quote) for f in shown] == [("owd.subject", sentence)]


def test_a_verb_of_change_coordinated_with_the_future_counts_too():
    sentence = "The garbage collection command will trace every asset in use and delete the unused assets."
    assert [f.quote for f in doors(_GC.format(sentence))] == [sentence]


def test_the_change_named_as_a_noun_in_the_future_is_not_the_decision():
    sentence = "In practice asset garbage collection will take less time than the deletion by hand."  # a forecast
    assert doors(_GC.format(sentence)) == []
    assert "owd.subject" in {f.rule for f in doors(_GC.format(sentence), caps=False)}  # still with --all
    assert doors(_GC.format("The asset garbage collection CLI could delete unused assets.")) == []  # tentative


def test_future_change_reads_the_futures_own_clause():
    changes = [re.compile(r"\bdelet\w*", re.IGNORECASE)]
    assert future_change("The CLI will delete unused assets.", changes)
    assert future_change("The CLI will list and delete unused assets.", changes)
    assert not future_change("The CLI will list unused assets, which a user may delete.", changes)  # another clause
    assert not future_change("The CLI will speed up deletion.", changes)  # the change as a noun
    assert not future_change("The CLI will not delete assets.", changes)


def test_an_adverb_between_we_and_propose_keeps_it_the_authors_proposal():
    md = (
        "# Smooth migration of names\n\n## Why\n\nOld blocks hold escaped names.\n\n## How\n\n### Proposed Solution\n\n"
        "To tell the cases apart we first propose to bump the version number in the block's meta.json file.\n"
    )
    shown = doors(md)
    assert [f.quote for f in shown] == [
        "To tell the cases apart we first propose to bump the version number in the block's meta.json file."
    ]
    assert doors(md.replace("we first propose", "we might propose")) == []  # tentative: not shown by default


def test_the_change_as_the_subject_of_its_own_benefit_argues_for_a_door_and_is_not_one():
    md = "# Retire the legacy exporter\n\n## Motivation\n\n{}\n"
    for sentence in (
        "Deprecation and removal will make it obvious that issues should be fixed in the new exporter.",
        "Removing the legacy exporter will simplify the build and the release process.",
    ):
        assert doors(md.format(sentence), caps=False) == [], sentence
    # what the change leaves behind is still the door
    sentence = "The deprecation and removal will leave the bridge supporting only the new exporter."
    assert [f.quote for f in doors(md.format(sentence))] == [sentence]


def test_a_plan_step_inside_the_design_is_a_door_only_when_it_closes_a_way_back():
    md = (
        "# Block series deletion\n\n## Why\n\nDeleted series stay in object storage.\n\n## Proposal\n\n"
        "### Tombstone file\n\nSo we propose our solution with option 2.\n\n"
        "{}\n"
    )
    door = "We propose a new field in the `meta.json` file called `tombstone_applied`."
    assert [f.quote for f in doors(md.format(door))] == [door]
    steps_only = md.format("")
    assert doors(steps_only) == []
    assert "owd.plan" in {f.rule for f in doors(steps_only, caps=False)}  # still listed with --all
    # under the deciding heading itself the authors' plan needs no such cue
    own = "# Series deletion\n\n## Why\n\nDeleted series stay.\n\n## 7 How\n\nWe will use DynamoDB for the index.\n"
    assert [f.quote for f in doors(own)] == ["We will use DynamoDB for the index."]
