"""Offline checks read context before pattern (issue #13): assumptions, word sense, modality, language."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import corpus_files
from doccritic.core.checks import run_checks
from doccritic.core.findings import Kind
from doccritic.formats.loader import load_document
from doccritic.formats.markdown import parse_markdown


def kinds(md: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in run_checks(parse_markdown(md)).findings:
        out.setdefault(f.kind.value, []).append(f.quote)
    return out


@pytest.mark.parametrize(
    "sentence",
    [
        "We expect the vast majority of payers already have a card on file.",
        "Customers will definitely love the new checkout.",
        "Most users want reminders to run hands-free.",
        "We already call the compiler, so hopefully this won't have a performance impact.",
        "SCA is not a concern because the processor handles exemptions for us.",
        "Overall the implementation is fairly short and straightforward.",
        "We don't expect a meaningful increase in support volume.",
    ],
)
def test_load_bearing_claims_are_challenged_with_the_evidence_that_settles_them(sentence: str):
    doc = parse_markdown(f"# Plan\n\n{sentence}\n")
    found = [f for f in run_checks(doc).findings if f.kind is Kind.CHALLENGED_ASSUMPTION]
    assert found and found[0].quote == sentence
    assert found[0].suggestion and found[0].question


@pytest.mark.parametrize(
    "sentence",
    [
        "We expect to ship the CLI change last.",  # a plan, not a forecast
        "In the pilot, interviews showed that customers will pay for it.",
        "Is SCA a concern for merchant-initiated charges?",
    ],
)
def test_plans_and_evidenced_claims_are_not_challenged(sentence: str):
    assert "challenged_assumption" not in kinds(f"# Plan\n\n{sentence}\n")


@pytest.mark.parametrize(
    "sentence",
    [
        "The benchmark ran on a single processor with 4 GB of memory.",
        "Contractors must protect proprietary information they receive.",
        "Records may not be destroyed except under the retention schedule.",
        "We cannot guarantee delivery order across regions.",
        "The spec should not (and generally cannot) include instructions to delete records.",
        "PSPs have been deprecated since 1.21 upstream.",
    ],
)
def test_word_sense_negation_and_history_do_not_fire(sentence: str):
    found = kinds(f"# Notes\n\n{sentence}\n")
    assert "one_way_door" not in found and "weak_argument" not in found, found


@pytest.mark.parametrize(
    ("sentence", "rule"),
    [
        ("There will be no Python 3.15 to 3.25 inclusive.", "owd.irreversible"),
        ("At GA the feature gate is locked to true and will no longer be disable-able.", "owd.irreversible"),
        ("The v3 resolver will become the default with the next edition.", "owd.default-change"),
        ("We run the main cluster on EKS. This replaces usage of kOps.", "owd.migration"),
    ],
)
def test_general_cues_for_doors_the_old_rules_missed(sentence: str, rule: str):
    found = run_checks(parse_markdown(f"# Decision\n\n{sentence}\n")).findings
    assert rule in [f.rule for f in found]


def test_a_document_in_another_language_says_the_checks_read_english_only():
    sentence = "このリリースでは、すべての既存アカウントを新しい請求エンジンに移行します。"
    ja = parse_markdown("# 概要\n\n" + sentence * 20 + "\n")
    assert "not look like English" in (run_checks(ja).note or "")
    assert run_checks(parse_markdown("# Plan\n\n" + "We will ship the new reminder engine in May. " * 20)).note is None


def test_cli_prints_the_language_note_and_keeps_it_in_the_json(tmp_path: Path, corpus: Path):
    path = corpus / "chinese-tender-announcement-libreoffice.docx"
    run = subprocess.run(
        [sys.executable, "-m", "doccritic", "check", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "offline checks read English only" in run.stderr
    runs = json.loads(run.stdout)["runs"]
    assert runs and runs[0]["kind"] == "checks" and "English" in runs[0]["note"]


@pytest.mark.parametrize("path", [p for p in corpus_files() if p.suffix == ".md"], ids=lambda p: p.name)
def test_english_corpus_documents_get_no_language_note(corpus: Path, path: Path):
    assert run_checks(load_document(path)).note is None


def test_an_assumption_card_is_not_restated_by_a_certainty_card():
    md = "# Problem\n\nThe root cause is clear: end customers simply forget to pay.\n"
    found = run_checks(parse_markdown(md)).findings
    assert [f.kind for f in found] == [Kind.CHALLENGED_ASSUMPTION]
    assert found[0].quote == "The root cause is clear: end customers simply forget to pay."
