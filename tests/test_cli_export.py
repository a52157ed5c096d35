"""`doccritic export`: a saved review becomes a document people can open, in every format."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import docx
import pytest

from conftest import SAMPLE
from doccritic import cli
from doccritic.formats.criticmarkup import strip_criticmarkup


@pytest.fixture
def reviewed(tmp_path, capsys) -> tuple[Path, Path]:
    """A copy of the sample PRD and the review JSON `doccritic check` writes for it."""
    doc = tmp_path / "prd.md"
    shutil.copy(SAMPLE, doc)
    assert cli.main(["check", str(doc), "--format", "json"]) == 0
    review = tmp_path / "prd.review.json"
    review.write_text(capsys.readouterr().out, encoding="utf-8")
    return doc, review


def export(review: Path, out: Path, *extra: str) -> int:
    return cli.main(["export", str(review), "-o", str(out), *extra])


def test_markdown_export_strips_back_to_the_source(reviewed, tmp_path):
    doc, review = reviewed
    out = tmp_path / "prd.annotated.md"
    assert export(review, out) == 0
    text = out.read_text(encoding="utf-8")
    assert "{==" in text and "{>>" in text
    assert strip_criticmarkup(text) == doc.read_text(encoding="utf-8")


def test_html_and_json_exports(reviewed, tmp_path):
    _, review = reviewed
    assert export(review, tmp_path / "r.html") == 0
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<mark" in page and "Content-Security-Policy" in page
    assert export(review, tmp_path / "r.json", "--no-checks") == 0
    assert json.loads((tmp_path / "r.json").read_text())["findings"] == []


def test_word_export_from_markdown_has_one_comment_per_finding(reviewed, tmp_path):
    _, review = reviewed
    out = tmp_path / "prd.docx"
    assert export(review, out) == 0
    findings = json.loads(review.read_text())["findings"]
    comments = list(docx.Document(str(out)).comments)
    assert len(comments) == len(findings)


def test_source_changed_since_the_review_is_re_anchored_when_named_with_source(reviewed, tmp_path, capsys):
    doc, review = reviewed
    doc.write_text("# A new opening line\n\n" + doc.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "moved.md"
    assert export(review, out) == 2  # the review alone may not pick a file that is not the version reviewed
    assert "--source" in capsys.readouterr().err and not out.exists()
    assert export(review, out, "--source", str(doc)) == 0
    assert strip_criticmarkup(out.read_text(encoding="utf-8")) == doc.read_text(encoding="utf-8")
    assert "changed" in capsys.readouterr().err


def test_missing_markdown_source_exports_the_saved_text(reviewed, tmp_path, capsys):
    doc, review = reviewed
    original = doc.read_text(encoding="utf-8")
    doc.unlink()
    out = tmp_path / "again.md"
    assert export(review, out) == 0
    assert strip_criticmarkup(out.read_text(encoding="utf-8")) == original
    assert "missing" in capsys.readouterr().err


def test_missing_word_source_fails_with_one_sentence(corpus, tmp_path, capsys):
    source = corpus / "lab-method-tracked-revisions-tables.docx"
    doc = tmp_path / "lab.docx"
    shutil.copy(source, doc)
    assert cli.main(["check", str(doc), "--format", "json"]) == 0
    review = tmp_path / "lab.json"
    review.write_text(capsys.readouterr().out, encoding="utf-8")
    doc.unlink()
    assert export(review, tmp_path / "out.docx") == 2
    err = capsys.readouterr().err
    assert "missing: pass it with --source" in err and "Traceback" not in err


def test_unknown_output_suffix_needs_to(reviewed, tmp_path, capsys):
    _, review = reviewed
    assert export(review, tmp_path / "out.weird") == 2
    assert "--to" in capsys.readouterr().err


def test_pdf_export_from_the_command_line(reviewed, tmp_path):
    _, review = reviewed
    out = tmp_path / "prd.pdf"
    assert export(review, out) == 0
    assert out.read_bytes().startswith(b"%PDF")
