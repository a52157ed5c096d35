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


def kinds(md: str, caps: bool = True) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in run_checks(parse_markdown(md), caps=caps).findings:
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


@pytest.mark.parametrize(
    ("section", "sentence"),
    [
        ("Decision", "We will decommission the CLI Tool."),
        ("Decision", "After weighing both approaches we went with one cluster, using namespaces."),
        ("Proposal", "Use a managed Prometheus service for monitoring, instead of our own instance."),
        ("Decision", "- Replace our self hosted search stack with the managed one"),
        ("Decision", "All user images will be hosted in the central registry."),
    ],
)
def test_a_decision_record_s_own_decision_is_a_door(section: str, sentence: str):
    found = run_checks(parse_markdown(f"# Context\n\nWe host many services.\n\n# {section}\n\n{sentence}\n")).findings
    doors = [f for f in found if f.kind is Kind.ONE_WAY_DOOR]
    assert doors and doors[0].quote == sentence.lstrip("- ")
    assert doors[0].question


def test_decision_language_outside_a_decision_section_is_not_the_decision():
    md = "# Context\n\nUse the staging cluster for experiments. We will meet on Mondays.\n"
    assert "one_way_door" not in kinds(md)


@pytest.mark.parametrize(
    "sentence",
    [
        "Code that imports distutils will no longer work from Python 3.12.",
        "In Python 3.12, distutils will no longer be installed by make install.",
    ],
)
def test_no_longer_is_a_commitment_not_a_negation(sentence: str):
    assert kinds(f"# Specification\n\n{sentence}\n").get("one_way_door") == [sentence]


@pytest.mark.parametrize(
    "md",
    [
        # someone else's words, in quotation marks
        '# HA\n\nThe operator docs say "we are figuring out the best approach, but it is definitely on the roadmap!"\n',
        # an option weighed under a bold run-in label, not a decision
        "# Context\n\n**Commercial options**: moving to a vendor would mean migrating all existing dashboards.\n",
        # history: someone else deprecated something, long ago
        "# Rationale\n\nPEP 393 deprecated some unicode APIs in 2012.\n",
        # a tentative "may"
        "# Plan\n\nDuring 3.10, uses within the library may change to use alternative APIs.\n",
        # out of scope, said in the sentence
        "# Abstract\n\nDeprecated APIs that do not use the members are out of scope.\n",
        # a comparison describing another project, not this plan's promise
        "# Motivation\n\nsetuptools is much better able to support users on earlier releases.\n",
    ],
)
def test_quoted_weighed_historical_and_tentative_text_is_not_flagged(md: str):
    found = kinds(md)
    assert "one_way_door" not in found and "weak_argument" not in found, found


def test_scare_quotes_keep_the_author_s_own_claim():
    md = '# Plan\n\nWe will deprecate the "legacy" reminders API in May.\n'
    assert "one_way_door" in kinds(md)


def test_standards_proposals_get_no_missing_prd_section_advice():
    filler = " ".join(["The working group measured the current flow in May with twelve vendors."] * 12)
    body = "".join(f"# {h}\n\n{filler}\n\n" for h in ("Abstract", "Goals", "Non-goals", "Risks", "Metrics", "FAQ"))
    plain = run_checks(parse_markdown(body)).findings
    pep = run_checks(parse_markdown("PEP: 9999\nTitle: A proposal\n\n" + body)).findings
    assert [f for f in plain if f.start is None] and not [f for f in pep if f.start is None]


@pytest.mark.parametrize(
    "md",
    [
        # a question asks; it commits to nothing (a KEP questionnaire line)
        "# Rollout\n\n* **Is the rollout accompanied by any deprecations and/or removals of features or APIs?**\n",
        # the decision belongs to another document or party
        "# Scope\n\nDeprecation of the distutils package will be handled by\n   another PEP.\n",
        "# Spec\n\nThe opcode remains deprecated as specified in EIP-6049.\n",
        "# Related\n\nTwisted is also `planning <https://example.org/t/9405>`_ to deprecate NNTP support.\n",
        # what stays as it is
        "# Spec\n\n- The frame halts.\n- The opcode deletes data as previously specified.\n",
        # a participle used as an adjective names a state; an active past tense is history
        "# Timeline\n\nThis is the last version of Python with the deprecated modules, with an EOL of October 2028.\n",
        "# Timeline\n\nGo 1.17 removed support for that setting.\n",
        "# Timeline\n\nThe deprecation message was added in releases 3.4.7, 3.5.4 and 3.6.1.\n",
        "# Modules\n\nSome modules were originally proposed for deprecation but are no longer listed.\n",
        # a pointer to another passage
        "# crypt\n\nAll authentication must go through PAM; see the `spwd`_ deprecation.\n",
        # a capability offered to users, not data the plan destroys
        "# Rationale\n\nBy allowing the `SELFDESTRUCT` to delete the account at creation, no stubs are left.\n",
        # a template answer
        "# Upgrade\n\nI do not believe this is applicable.\n",
        # word sense: a property of a system, not a promise; a negated adverb
        "# crypt\n\nOnly DES encryption is guaranteed to be available.\n",
        "# Motivation\n\nEach account key will not be obviously connected to the root account.\n",
    ],
)
def test_reported_described_and_asked_text_is_not_the_author_s_commitment(md: str):
    found = kinds(md)
    assert not found, found


@pytest.mark.parametrize(
    "md",
    [
        "# Plan\n\nWe will deprecate the v1 API in May; it stays readable until then.\n",
        "# Summary\n\nAll modules deprecated by this PEP are removed from the main branch.\n",
        "# Plan\n\nWe are planning to delete all inactive accounts in March.\n",
        "# Plan\n\nWe guarantee success for every merchant who upgrades.\n",
    ],
)
def test_the_author_s_own_commitments_still_count(md: str):
    assert kinds(md, caps=False), md  # "We guarantee success" is a weak.certainty card: --all only


def test_tracked_changes_in_a_docx_are_checked_as_accepted(tmp_path: Path):
    """A decision a reviewer struck out in Word is no longer the plan; the one they inserted is."""
    import re

    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    def xml(fragment: str):
        return parse_xml(re.sub(r"^<([\w:]+)", rf"<\1 {nsdecls('w')}", fragment, count=1))

    d = docx.Document()
    d.add_heading("Decision", level=1)
    p = d.add_paragraph()
    p._p.append(xml(
        '<w:del w:id="1" w:author="Legal"><w:r><w:delText>'
        "We will delete all customer records on 1 March.</w:delText></w:r></w:del>"
    ))
    p._p.append(xml(
        '<w:ins w:id="2" w:author="Legal"><w:r><w:t>'
        "We will migrate all existing customers to the new billing engine on 1 March.</w:t></w:r></w:ins>"
    ))
    path = tmp_path / "tracked.docx"
    d.save(str(path))
    doc = load_document(path)
    found = run_checks(doc).findings
    assert "delete all customer records" not in doc.text
    assert [f.rule for f in found if f.rule == "owd.migration"] == ["owd.migration"]
    assert all("delete" not in f.quote for f in found)
    assert all(doc.text[f.start:f.end] == f.quote for f in found if f.start is not None)


def test_missing_section_advice_accepts_the_sections_under_other_names():
    """A PRD whose sections are all there under its team's own names is told nothing is missing; one
    that lacks risks and a rollout plan is told exactly that."""
    para = "The team explains this part of the plan in a few sentences for reviewers to read. " * 4
    named = ["Why now", "Objectives", "Exclusions", "How we will know", "What could go wrong",
             "Launch timeline", "Options we weighed", "Unknowns"]
    md = "# Nudge\n\n" + "".join(f"## {h}\n\n{para}\n\n" for h in named)
    assert [f.rule for f in run_checks(parse_markdown(md)).findings if f.start is None] == []
    lacking = "# Nudge\n\n" + "".join(f"## {h}\n\n{para}\n\n" for h in named if h not in (
        "What could go wrong", "Launch timeline"))
    gaps = {f.rule for f in run_checks(parse_markdown(lacking)).findings if f.start is None}
    assert gaps == {"gap.risks", "gap.rollout"}


def test_a_claim_under_a_condition_is_not_asserted():
    """"If a dependency supports a dramatically different MSRV, ..." states no claim; the same words as
    the author's own claim are still a weak argument."""
    assert "weak_argument" not in kinds(
        "# Plan\n\nIf a dependency supports a dramatically different MSRV, we will warn.\n", caps=False
    )
    assert kinds("# Plan\n\nThe new resolver will be dramatically faster for us.\n", caps=False)["weak_argument"]


def test_a_phrase_wrapped_across_lines_is_one_phrase():
    """PEPs and RFCs are wrapped at 72 columns: "little extra\\n   work" is the phrase "little extra work"."""
    wrapped = "# Plan\n\nThe byteswap operation can be substituted with little extra\nwork by callers.\n"
    assert kinds(wrapped)["challenged_assumption"]
    two_paragraphs = "# Plan\n\nThe byteswap operation needs little extra\n\nwork by callers.\n"
    assert "challenged_assumption" not in kinds(two_paragraphs)


def test_absence_of_evidence_is_a_challenged_assumption():
    md = ("# Security\n\nWe have tested the proxy and have not discovered any degradation of service.\n\n"
          "At this time our traffic is low enough that we can share one database.\n")
    assert len(kinds(md)["challenged_assumption"]) == 2
