"""Review rounds in exports (#17 item 4): a "Changes since round N" section in Markdown, HTML, Word and PDF,
the rounds in the review JSON and in the review a Word export carries, and import bringing them back."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from doccritic.core.findings import Anchor, Finding, Kind, Severity, Source
from doccritic.core.rounds import apply_round, first_round, next_round, with_round
from doccritic.formats.criticmarkup import export_criticmarkup, strip_criticmarkup
from doccritic.formats.export import ExportOptions, export_review
from doccritic.formats.markdown import parse_markdown
from doccritic.formats.review_import import read_review_file, rebase
from doccritic.formats.review_json import review_for

V1 = "# Plan\n\nWe ship to all users on day one.\nCustomers will adopt auto-charge quickly.\n"
V2 = "# Plan\n\nWe start with 5% of accounts.\nCustomers will adopt auto-charge quickly.\n"
NAMES = {"staff-engineer": "Staff Engineer"}


def _card(text: str, quote: str, title: str) -> Finding:
    at = text.index(quote)
    return Finding(source=Source.CRITIC, persona="staff-engineer", kind=Kind.WEAK_ARGUMENT, severity=Severity.MAJOR,
                   title=title, quote=quote, start=at, end=at + len(quote), anchor=Anchor.EXACT, rationale="r")


def two_rounds():
    """Round 1 on V1, then round 2 on V2: the rollout finding fixed (rewritten), the adoption one still open."""
    rollout = _card(V1, "We ship to all users on day one.", "Everyone on day one | no staged rollout")
    adopt = _card(V1, "Customers will adopt auto-charge quickly.", "Adoption <speed> is assumed")
    history = [first_round([rollout, adopt], V1, "f1")]
    from doccritic.core.anchoring import reanchor

    before = [reanchor(f, V1, V2) for f in (rollout, adopt)]
    again = _card(V2, "Customers will adopt auto-charge quickly.", "Adoption <speed> is assumed")
    rnd = next_round(history, before, before, [again], V2, "f2", diff="-a\n+b", names=NAMES)
    doc = parse_markdown(V2)
    review = review_for(doc, apply_round(before, rnd))
    review.rounds = with_round(history, rnd, V2)
    return review, doc


def test_markdown_html_and_word_carry_the_changes_since_the_last_round(tmp_path: Path):
    review, doc = two_rounds()
    md = export_criticmarkup(review, doc, names=NAMES)
    assert "## Appendix: changes since round 1" in md
    assert "### Changes since round 1 (round 2: 1 fixed, 1 still open, 0 new, 0 regressed)" in md
    assert "| Everyone on day one \\| no staged rollout | Fixed | its passage was removed from the draft and no " \
           "critic raised the problem again | — |" in md  # a pipe in a title does not split the row
    assert "| Adoption \\<speed\\> is assumed | Still open | Staff Engineer raised it again | Staff Engineer |" in md
    assert strip_criticmarkup(md) == doc.text  # the section is not the author's text

    page = export_review(review, doc, "html", tmp_path / "r.html", ExportOptions(names=NAMES)).read_text("utf-8")
    assert "Changes since round 1 (round 2: 1 fixed" in page and "Adoption &lt;speed&gt; is assumed" in page

    out = export_review(review, doc, "docx", tmp_path / "r.docx", ExportOptions(names=NAMES))
    xml = zipfile.ZipFile(out).read("word/document.xml").decode()
    assert "Changes since round 1 (round 2: 1 fixed" in xml and "Staff Engineer raised it again" in xml
    back, _ = rebase(read_review_file(out), doc)  # the review inside the Word file keeps its rounds
    assert [r.number for r in back.rounds] == [1, 2]


def test_json_export_and_import_restore_the_rounds_even_after_the_text_moved_on(tmp_path: Path):
    review, doc = two_rounds()
    out = export_review(review, doc, "json", tmp_path / "r.json")
    later = parse_markdown(V2 + "\nA new paragraph.\n")
    back, _ = rebase(read_review_file(out), later)
    assert [r.number for r in back.rounds] == [1, 2]
    assert back.rounds[-1].text == V2  # the base of the next round's changes is the text round 2 reviewed
    assert [e.status.value for e in back.rounds[-1].entries] == ["fixed", "still_open"]


def test_round_one_alone_adds_no_section(tmp_path: Path):
    review, doc = two_rounds()
    review.rounds = review.rounds[:1]
    assert "Changes since round" not in export_criticmarkup(review, doc)


def test_pdf_has_the_changes_section(tmp_path: Path):
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: apt-get install poppler-utils")
    from doccritic.ui.pdf_export import export_pdf

    review, doc = two_rounds()
    out = export_review(review, doc, "pdf", tmp_path / "r.pdf", ExportOptions(names=NAMES), pdf=export_pdf)
    text = " ".join(subprocess.run([pdftotext, str(out), "-"], capture_output=True, text=True, check=True)
                    .stdout.split())
    assert "Appendix: changes since round 1" in text and "Still open" in text and "raised it again" in text
