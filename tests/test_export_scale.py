"""Exports at scale: time linear in findings and no crash at any count (#21 item 4).

The figures live in bench/export_speed.py and docs/benchmarks.md; these tests pin the mechanisms.
"""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest

from doccritic.core.findings import Anchor, Finding, Kind, Severity, Source
from doccritic.formats import html_export
from doccritic.formats.docx_export import export_docx
from doccritic.formats.markdown import parse_markdown
from doccritic.formats.review_json import review_for


def _review(n: int):
    text = "# Plan\n\n" + "".join(f"Step {i}: ship to all users in `wave\n{i}`.\n\n" for i in range(n))
    doc = parse_markdown(text, Path("plan.md"))
    findings, at = [], text.find("ship")
    while at >= 0:
        findings.append(Finding(kind=Kind.WEAK_ARGUMENT, source=Source.CRITIC, persona="staff-engineer",
                                severity=Severity.MAJOR, title=f"F{len(findings)}", quote="ship to all users",
                                start=at, end=at + 17, anchor=Anchor.EXACT, id=f"f{len(findings)}"))
        at = text.find("ship", at + 1)
    return review_for(doc, findings), doc


def test_html_marks_every_finding_of_many():
    """Once each boundary took one private-use character: ~65,000 findings ran out (StopIteration); the
    marks are now placed on the export form's runs, with nothing to run out of."""
    review, doc = _review(2000)
    page = html_export.export_html(review, doc)
    marked = re.findall(r'<mark[^>]*data-id="(f\d+)"[^>]*>([^<]*)</mark>', page)
    assert sorted(i for i, _ in marked) == sorted(f"f{n}" for n in range(2000))
    assert {text for _, text in marked} == {"ship to all users"}


@pytest.mark.parametrize("n", [300])
def test_word_export_gives_each_of_many_findings_its_comment(tmp_path, n):
    review, doc = _review(n)
    out = export_docx(review, doc, tmp_path / "plan.docx")
    comments = list(docx.Document(str(out)).comments)
    assert len(comments) == n and len({c.comment_id for c in comments}) == n


def test_a_markdown_table_of_thousands_of_rows_exports_to_word_whole(tmp_path):
    """Each cell was reached through python-docx's table.cell(), which lists the whole table: a 20,000-row
    table took minutes. Every row is written, and a comment lands in its cell."""
    rows = 5000
    text = "# T\n\n| Step | Plan |\n|---|---|\n" + "".join(f"| {i} | ship to all users |\n" for i in range(rows))
    doc = parse_markdown(text, Path("plan.md"))
    at = text.rfind("ship to all users")
    finding = Finding(kind=Kind.ONE_WAY_DOOR, source=Source.CRITIC, persona="staff-engineer", severity=Severity.MAJOR,
                      title="Last row", quote="ship to all users", start=at, end=at + 17, anchor=Anchor.EXACT)
    out = export_docx(review_for(doc, [finding]), doc, tmp_path / "t.docx")
    word = docx.Document(str(out))
    table = word.tables[0]
    assert len(table.rows) == rows + 1
    last = table.rows[-1].cells[1]
    assert last.text == "ship to all users" and last._tc.xpath(".//w:commentRangeStart")
