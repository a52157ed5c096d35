"""The decision register appendix in every export: golden PDF text, a real Word table, exact Markdown undo.

The Markdown, HTML and Word appendices are covered by the golden files of ``test_export_golden.py``
(the same reviews); here is the PDF's (its appendix pages as ``pdftotext`` reads them) and what a
golden file cannot show: the Word table is a table, an exported file reopens without the appendix as
text, exporting an export keeps one appendix, and stripping the Markdown export gives the draft back.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from test_export_golden import CASES, GOLDEN, NAMES, _compare, _review

from conftest import CORPUS
from doccritic.core.checks import rules_from, run_checks
from doccritic.core.findings import Anchor, Finding, Kind, Severity, Source
from doccritic.core.register import refresh
from doccritic.core.register_rows import edit
from doccritic.formats.criticmarkup import export_criticmarkup, strip_criticmarkup, strip_footnotes
from doccritic.formats.export import ExportOptions, export_review
from doccritic.formats.loader import load_document
from doccritic.formats.register_appendix import export_appendix
from doccritic.formats.review_json import review_for

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SAMPLE_CASE = CASES[0]


def _edited_sample():
    review, doc = _review(SAMPLE_CASE)
    review = refresh(review)
    door = next(d for d in review.decisions if d.reversibility == "one_way")
    door = edit(edit(door, "owner", "Dana Whitfield"), "exit_ramp",
                "Keep the legacy tables read-only for 90 days | then delete")
    review.decisions = [door if d.id == door.id else d for d in review.decisions]
    return refresh(review), doc


def test_pdf_appendix_matches_golden(tmp_path: Path):
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: apt-get install poppler-utils")
    from doccritic.ui.pdf_export import export_pdf

    review, doc = _edited_sample()
    out = export_review(review, doc, "pdf", tmp_path / "sample.pdf", ExportOptions(names=dict(NAMES)),
                        pdf=export_pdf)
    raw = subprocess.run([pdftotext, str(out), "-"], capture_output=True, text=True, check=True).stdout
    pages = [unicodedata.normalize("NFKC", p) for p in raw.split("\f")]
    first = next(i for i, p in enumerate(pages) if "Appendix: decisions and assumptions" in p)
    text = "\n".join(line.rstrip() for p in pages[first:] for line in p.splitlines() if line.strip())
    text = re.sub(r"Page \d+ of \d+", "Page <N> of <M>", text)
    assert "Readiness: 1 one-way door, 0 without an exit ramp" in text
    assert "Whitfield" in text and "Decision register" in text and "Assumptions ledger" in text
    appendix = export_appendix(review, doc, dict(NAMES))
    assert appendix is not None
    words = {w.strip(".,;:()—") for t in appendix.tables for row in (t.columns, *t.rows) for cell in row
             for w in cell.split()}
    broken = sorted(w for w in words if w.isalpha() and not re.search(rf"\b{w}\b", text))
    assert not broken  # a column narrower than its longest word breaks it mid-way: "Reversib" "ility"
    from PySide6.QtGui import QFontDatabase

    if "Noto Sans" in QFontDatabase.families():  # the golden's line breaks are Noto Sans's (CI installs it)
        _compare(text + "\n", GOLDEN / "sample-prd.register-pdf.txt")


def test_word_appendix_is_a_real_table_that_reopening_and_reexporting_leave_alone(tmp_path: Path):
    review, doc = _edited_sample()
    first = export_review(review, doc, "docx", tmp_path / "first.docx", ExportOptions(names=dict(NAMES)))
    body = etree.fromstring(zipfile.ZipFile(first).read("word/document.xml"))
    controls = [s for s in body.iter(f"{W}sdt") if s.find(f"{W}sdtPr/{W}tag").get(f"{W}val") == "doccritic-register"]
    assert len(controls) == 1
    tables = controls[0].findall(f"{W}sdtContent/{W}tbl")
    assert len(tables) == 2  # the register and the ledger, as Word tables
    rows = tables[0].findall(f"{W}tr")
    assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None  # the header row repeats on each page
    live = [d for d in review.decisions if d.live]
    assert len(rows) == len(live) + 1
    cells = ["".join(t.text or "" for t in tc.iter(f"{W}t")) for tc in rows[1 + live.index(
        next(d for d in live if d.owner))].findall(f"{W}tc")]
    assert cells[4] == "Keep the legacy tables read-only for 90 days | then delete" and cells[5] == "Dana Whitfield"
    assert cells[6] == "Exit ramp named"
    # Opened as a document, the export is the draft: the appendix is not the author's text.
    reopened = load_document(first)
    assert "Decision register" not in reopened.text and "Dana Whitfield" not in reopened.text
    # Exporting that Word file again (its own review on it) replaces the appendix instead of adding one.
    checks = run_checks(reopened, rules_from(None)).findings
    again = refresh(review_for(reopened, checks).model_copy(update={"decisions": review.decisions,
                                                                "assumptions": review.assumptions}))
    second = export_review(again, reopened, "docx", tmp_path / "second.docx", source=first)
    xml = zipfile.ZipFile(second).read("word/document.xml").decode()
    assert xml.count("doccritic-register") == 1 and xml.count("Dana Whitfield") == 1


@pytest.mark.parametrize("style", ["critic", "footnotes"])
def test_markdown_export_with_the_appendix_strips_back_to_the_draft(style: str):
    review, doc = _edited_sample()
    out = export_criticmarkup(review, doc, style=style)
    assert "## Appendix: decisions and assumptions" in out
    assert "read-only for 90 days \\| then delete" in out  # a pipe in a cell does not split the row
    strip = strip_criticmarkup if style == "critic" else strip_footnotes
    assert strip(out) == doc.text


def test_crlf_markdown_with_the_appendix_strips_back_exactly(tmp_path: Path):
    draft = tmp_path / "draft.md"
    draft.write_bytes(b"# Plan\r\n\r\nWe will delete all customer records after the migration.\r\n")
    doc = load_document(draft)
    s = doc.text.index("We will")
    door = Finding(source=Source.CRITIC, persona="staff-engineer", kind=Kind.ONE_WAY_DOOR, severity=Severity.MAJOR,
                   title="Deletes every record", quote=doc.text[s:s + 20], start=s, end=s + 20, anchor=Anchor.EXACT)
    review = refresh(review_for(doc, [door]))
    out = export_criticmarkup(review, doc)
    assert "\r\n| Deletes every record |" in out and "\n\n" not in out.replace("\r\n", "")
    assert strip_criticmarkup(out) == doc.text


def test_html_appendix_is_escaped_tables(tmp_path: Path):
    review, doc = _edited_sample()
    review.assumptions = [edit(review.assumptions[0], "owner", "<script>alert(1)</script>"), *review.assumptions[1:]]
    page = export_review(review, doc, "html", tmp_path / "s.html").read_text(encoding="utf-8")
    section = page[page.index('<section class="register"'):]
    assert section.count("<table>") == 2 and "&lt;script&gt;alert(1)&lt;/script&gt;" in section
    assert "<script>alert" not in section


def test_no_register_no_appendix(tmp_path: Path):
    doc = load_document(CORPUS / "hebrew-travel-itinerary-rtl-table.docx")
    review = review_for(doc, [])
    assert "Appendix" not in export_criticmarkup(refresh(review), doc)


def test_the_assumptions_ledger_shows_what_the_plan_takes_for_granted_not_the_rationale(tmp_path: Path):
    """An assumption finding's row reads as a claim: the critic's ``assumption`` text, with its rationale under
    "Why the plan depends on it" and its evidence and test beside it (before, the title stood in for the claim)."""
    draft = tmp_path / "draft.md"
    draft.write_text("# Plan\n\nMost payers already keep a card on file, so auto-charge will lift on-time payment.\n",
                     encoding="utf-8")
    doc = load_document(draft)
    quote = "Most payers already keep a card on file"
    s = doc.text.index(quote)
    claim = Finding(source=Source.CRITIC, persona="skeptical-exec", kind=Kind.CHALLENGED_ASSUMPTION,
                    severity=Severity.MAJOR, title="Card-on-file share is unproven", quote=quote, start=s,
                    end=s + len(quote), anchor=Anchor.EXACT,
                    rationale="Auto-charge only helps payers with a saved card; without one nothing changes.",
                    assumption="Most payers have a saved card", evidence_needed="last quarter's payment methods",
                    how_to_test="Query the warehouse for saved-card share")
    out = export_criticmarkup(refresh(review_for(doc, [claim])), doc, style="critic")
    row = next(line for line in out.splitlines() if line.startswith("| Most payers have a saved card |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[:4] == ["Most payers have a saved card",
                         "Auto-charge only helps payers with a saved card; without one nothing changes.",
                         "last quarter's payment methods", "Query the warehouse for saved-card share"]
    assert "Card-on-file share is unproven |" not in out  # the title is the card's, not the ledger's claim
