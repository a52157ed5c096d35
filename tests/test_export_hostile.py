"""Exports of hostile input (#21): characters no XML part can hold, crafted review strings, giant fields.

Each case once ended in "internal error" (exit 3) or ran for minutes; a user gets the file, with what could
not be written replaced and said nowhere else than in the file itself.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest

from doccritic import cli
from doccritic.core.findings import Anchor, Finding, Kind, Severity, Source
from doccritic.formats.docx_export import export_docx
from doccritic.formats.markdown import parse_markdown
from doccritic.formats.review_json import review_for

CONTROL = ("# Build log\x0b notes\n\nThe job printed \x1b[31mFAILED\x1b[0m and a form feed \x0c here. "
           "We ship to all users.\n")


def _finding(text: str, quote: str, **kw: object) -> Finding:
    at = text.index(quote)
    fields: dict[str, object] = {"kind": Kind.ONE_WAY_DOOR, "source": Source.CRITIC, "persona": "staff-engineer",
                                 "severity": Severity.MAJOR, "title": "Everyone at once", "quote": quote,
                                 "start": at, "end": at + len(quote), "anchor": Anchor.EXACT}
    return Finding(**(fields | kw))  # type: ignore[arg-type]


def test_control_characters_in_a_markdown_draft_do_not_stop_the_word_export(tmp_path: Path) -> None:
    doc = parse_markdown(CONTROL)
    out = export_docx(review_for(doc, [_finding(CONTROL, "ship to all users")]), doc, tmp_path / "log.docx")
    word = docx.Document(str(out))
    shown = "\n".join(p.text for p in word.paragraphs)
    assert "\ufffd[31mFAILED\ufffd[0m" in shown and "form feed   here" in shown and "Build log  notes" in shown
    ranged = word.element.body.xpath(".//w:commentRangeStart/following-sibling::w:r[1]//w:t/text()")
    assert ranged == ["ship to all users"]  # every offset after the replaced characters still matches


def _review_json(tmp_path: Path, text: str, findings: list[Finding]) -> Path:
    (tmp_path / "plan.md").write_text(text, encoding="utf-8")
    doc = parse_markdown(text, tmp_path / "plan.md")
    path = tmp_path / "r.json"
    path.write_text(review_for(doc, findings).model_dump_json(), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["html", "json", "docx", "md"])
def test_a_lone_surrogate_in_a_review_is_replaced_not_fatal(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                             fmt: str) -> None:
    text = "# Plan\n\nWe ship to all users.\n"
    path = _review_json(tmp_path, text, [_finding(text, "ship to all users")])
    data = json.loads(path.read_text(encoding="utf-8"))
    evil = "<script>alert(1)</script>\ud800 and \udfff"  # valid JSON ("\ud800"), but no file can hold it
    data["findings"][0].update(title=evil, rationale=evil, replies=[{"author": evil, "text": evil}])
    path.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / f"out.{fmt}"
    assert cli.main(["export", str(path), "-o", str(out)]) == 0, capsys.readouterr().err
    written = out.read_bytes() if fmt != "docx" else b"".join(
        (p.text or "").encode() for p in docx.Document(str(out)).comments)
    assert "\ufffd and \ufffd".encode() in written or b"\\ufffd and \\ufffd" in written
    if fmt == "html":
        page = written.decode("utf-8")
        assert "<script>alert" not in page.split('<script type="application/json"')[0]


def test_a_lone_surrogate_in_the_documents_text_exports_to_every_format(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """The document's own text keeps it (its fingerprint was made from it): each writer copes."""
    text = "# Plan\n\nA lone \ud800 here. We ship to all users.\n"
    doc = parse_markdown(text, tmp_path / "gone.md")
    path = tmp_path / "r.json"
    path.write_bytes(json.dumps(review_for(doc, [_finding(text, "ship to all users")]).model_dump(mode="json"))
                     .encode())
    for fmt in ("html", "json", "docx", "md"):
        assert cli.main(["export", str(path), "-o", str(tmp_path / f"out.{fmt}")]) == 0, capsys.readouterr().err
    assert "\\ud800" in (tmp_path / "out.json").read_text(encoding="utf-8")  # the JSON keeps it, escaped


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_a_megabyte_finding_title_is_cut_in_the_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A 5 MB title once kept the PDF export busy for minutes (Qt lays a paragraph out superlinearly)."""
    text = "# Plan\n\nWe ship to all users.\n"
    path = _review_json(tmp_path, text, [_finding(text, "ship to all users", title="word " * 200_000)])
    out = tmp_path / "out.pdf"
    assert cli.main(["export", str(path), "-o", str(out)]) == 0, capsys.readouterr().err
    shown = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert 3000 < shown.count("word") < 5000 and "…" in shown


@pytest.mark.parametrize("prefix", ["# ", "", "- ", "```\n"])
def test_a_huge_paragraph_is_drawn_whole_in_paragraphs_qt_lays_out_quickly(tmp_path, qapp, monkeypatch, prefix):
    """A 5 MB heading took the PDF minutes: Qt lays a paragraph out in more than linear time. The body now
    draws a long heading, paragraph, list item or code block as several paragraphs, losing no word."""
    from doccritic.ui import pdf_export

    words = [f"w{i}" for i in range(30_000)]  # ~180 KB in one paragraph
    text = prefix + " ".join(words) + ("\n```" if prefix.startswith("```") else "") + "\n\nAfter.\n"
    doc = parse_markdown(text)
    drawn: list[object] = []
    monkeypatch.setattr(pdf_export, "_render", lambda r, w, t: drawn.append(r))
    pdf_export.export_pdf(review_for(doc, [_finding(text, "w100 w101")]), doc, tmp_path / "long.pdf")
    blocks, block = [], drawn[0].doc.begin()  # type: ignore[attr-defined]
    while block.isValid():
        blocks.append(block.text())
        block = block.next()
    assert max(len(b) for b in blocks) <= pdf_export.MAX_PARAGRAPH
    body = " ".join(blocks[2 : blocks.index("Notes")])  # after the eyebrow and the title
    body = body.replace("\u2060[1]", "").replace("\u2028", " ")
    assert [w for w in body.split() if re.fullmatch(r"w\d+", w)] == words
