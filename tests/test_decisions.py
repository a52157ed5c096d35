"""Decisions change the finding, and Accept/Defer change the text exactly as a PM expects."""

from __future__ import annotations

import pytest

from doccritic.core import decisions
from doccritic.core.findings import Anchor, Finding, Kind, Severity, Source, Status
from doccritic.formats.markdown import parse_markdown
from doccritic.formats.text import parse_text

DOC = "# Plan\n\n## Goals\n\nThis will significantly reduce churn.\n\n## Open questions\n\n- Who owns billing?\n"


def finding(quote: str, text: str = DOC, **kw) -> Finding:
    start = text.index(quote)
    return Finding(
        source=kw.pop("source", Source.CRITIC), kind=Kind.WEAK_ARGUMENT, severity=Severity.MINOR, title="Vague",
        quote=quote, start=start, end=start + len(quote), anchor=Anchor.EXACT, **kw,
    )


def test_accepting_a_concrete_rewrite_replaces_exactly_the_quote():
    f = finding("significantly reduce churn", suggestion="“cut 90-day churn from 4.1% to 3.5%”")
    accepted, edit = decisions.accept(f)
    assert accepted.status is Status.ACCEPTED
    assert edit.apply(DOC) == DOC.replace("significantly reduce churn", "cut 90-day churn from 4.1% to 3.5%")


def test_accepting_advice_only_records_the_decision():
    f = finding("significantly", suggestion="Replace it with a measured figure.")
    accepted, edit = decisions.accept(f)
    assert accepted.status is Status.ACCEPTED and edit is None


def test_defer_appends_the_question_to_open_questions():
    f = finding("significantly", question="How much, compared with what?")
    deferred, edit = decisions.defer(f, parse_markdown(DOC))
    assert deferred.status is Status.DEFERRED
    assert edit.apply(DOC).endswith("- Who owns billing?\n- How much, compared with what?\n")


def test_defer_creates_the_section_when_missing():
    text = "# Plan\n\n## Goals\n\nThis will significantly reduce churn.\n"
    f = finding("significantly", text, question="How much?")
    _, edit = decisions.defer(f, parse_markdown(text))
    assert edit.apply(text) == text + "\n## Open questions\n\n- How much?\n"
    plain = "Plan\n====\n\nThis will significantly reduce churn.\n"
    _, edit = decisions.defer(finding("significantly", plain, question="How much?"), parse_text(plain))
    assert edit.apply(plain).endswith("\n\nOpen questions\n==============\n\n- How much?\n")
    reparsed = parse_text(edit.apply(plain))
    assert [h.text for h in reparsed.headings][-1] == "Open questions"


def test_dismiss_with_reason_resolve_reopen_reply():
    f = finding("significantly")
    dismissed = decisions.dismiss(f, "Legal already approved this wording.")
    assert dismissed.status is Status.DISMISSED
    assert dismissed.replies[-1].text == "Dismissed: Legal already approved this wording."
    assert decisions.dismiss(f).replies == []
    assert decisions.resolve(f).status is Status.RESOLVED
    assert decisions.reopen(dismissed).status is Status.OPEN
    replied = decisions.reply(f, "  Checking with finance.  ")
    assert replied.replies[-1].text == "Checking with finance." and replied.status is Status.OPEN


@pytest.mark.parametrize("suggestion", ["'single quotes'", "“unclosed", "Say “this” instead"])
def test_only_fully_quoted_suggestions_are_rewrites(suggestion: str):
    assert decisions.rewrite_text(finding("significantly", suggestion=suggestion)) is None


@pytest.mark.parametrize(("questions", "added"), [
    ("1. Who owns billing?\n2. When do we ship?\n", "3. How much, compared with what?\n"),
    ("* Who owns billing?\n", "* How much, compared with what?\n"),
    ("  - Who owns billing?\n", "  - How much, compared with what?\n"),
])
def test_defer_continues_the_list_as_it_is_written(questions, added):
    text = DOC.replace("- Who owns billing?\n", questions)
    _, edit = decisions.defer(finding("significantly", text, question="How much, compared with what?"),
                              parse_markdown(text))
    assert edit.apply(text).endswith(questions + added)


def test_deferring_a_check_names_the_decision_its_generic_question_is_about():
    f = finding("significantly", source=Source.CHECK, question="Compared with what?")
    _, edit = decisions.defer(f, parse_markdown(DOC))
    assert edit.apply(DOC).endswith("- Compared with what? (about “significantly”)\n")


@pytest.mark.parametrize(("rewrite", "quote", "after", "expected"), [
    ("We expect 40% of accounts to switch", "customers will love it", ".", "we expect 40% of accounts to switch"),
    ("how many accounts switch.", "Nobody knows how many", ". Then", "How many accounts switch"),
    ("API v2 ships in May", "the new api ships soon", "", "API v2 ships in May"),  # an acronym keeps its case
    ("cut churn to 3.5%", "We will cut churn.", " Next", "Cut churn to 3.5%."),  # the full stop it replaced
])
def test_an_accepted_rewrite_fits_the_sentence_it_goes_into(rewrite, quote, after, expected):
    assert decisions.fit_rewrite(rewrite, quote, after) == expected


def test_a_rewrite_starting_with_a_name_keeps_its_capital_mid_sentence():
    text = "Reminders go out and the product will charge cards. PayFlow handles the rest."
    assert decisions.fit_rewrite("PayFlow charges cards", "the product will charge cards", ".", text) == \
        "PayFlow charges cards"
    assert decisions.fit_rewrite("The product charges cards", "the product will charge cards", ".", text) == \
        "the product charges cards"
