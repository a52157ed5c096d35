"""Export edges a user meets (#21 item 5): the Word summary, exit codes, decoded titles, byte-exact Markdown."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import docx
import pytest

from doccritic import cli
from doccritic.core.findings import Anchor, Finding, Kind, Severity, Source
from doccritic.formats.criticmarkup import strip_criticmarkup
from doccritic.formats.docx import load_docx
from doccritic.formats.docx_export import export_docx
from doccritic.formats.html_export import export_html
from doccritic.formats.markdown import parse_markdown
from doccritic.formats.review_json import review_for

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _unplaced(n: int) -> list[Finding]:
    return [Finding(kind=Kind.OPEN_QUESTION, source=Source.CRITIC, persona="staff-engineer", id=f"u{i}",
                    severity=Severity.MINOR, title=f"Question {i} about the whole plan", quote="",
                    anchor=Anchor.UNANCHORED) for i in range(n)]


def test_summary_has_one_paragraph_per_finding_without_a_list_paragraph_style(tmp_path):
    source = tmp_path / "plain.docx"
    word = docx.Document()
    word.add_heading("Plan", 1)
    word.add_paragraph("We ship in May.")
    styles = word.styles.element
    for style in styles.findall(f"{W}style"):
        if style.find(f"{W}name").get(f"{W}val") == "List Paragraph":
            styles.remove(style)
    word.save(str(source))
    doc = load_docx(source)
    out = export_docx(review_for(doc, _unplaced(5)), doc, tmp_path / "out.docx", source=source,
                      unplaced="summary")
    body = [p.text for p in docx.Document(str(out)).paragraphs]
    summary = body[body.index("Document-wide findings") + 1 :]
    assert len(summary) == 5 and all("Question" in t for t in summary)
    assert len(list(docx.Document(str(out)).comments)) == 5


def _review_file(tmp_path: Path) -> Path:
    doc = parse_markdown("# Plan\n\nWe ship in May.\n")
    path = tmp_path / "r.json"
    path.write_text(review_for(doc, []).model_dump_json(), encoding="utf-8")
    return path


def test_a_review_nested_a_thousand_deep_is_bad_input(tmp_path, capsys):
    path = tmp_path / "deep.json"
    path.write_text('{"schema": "doccritic.review/1", "document": ' + "[" * 1000 + "]" * 1000 + "}")
    assert cli.main(["export", str(path), "-o", str(tmp_path / "x.md")]) == 2
    err = capsys.readouterr().err
    assert "nested too deeply" in err and "internal error" not in err


def test_an_output_folder_that_does_not_exist_is_bad_input(tmp_path, capsys):
    out = tmp_path / "missing" / "dir" / "x.md"
    assert cli.main(["export", str(_review_file(tmp_path)), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and "missing" in err and "internal error" not in err


def test_html_title_shows_entities_decoded():
    text = "# R&amp;D plan &mdash; *2027*\n\nBody.\n"
    doc = parse_markdown(text)
    page = export_html(review_for(doc, []), doc)
    assert "<title>R&amp;D plan — 2027 · doccritic review</title>" in page
    assert "<h1>R&amp;D plan — 2027</h1>" in page and "&amp;amp;" not in page


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le", "utf-16-be"])
def test_markdown_with_a_bom_strips_back_byte_for_byte(tmp_path, encoding, capsys):
    bom = {"utf-8": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}[encoding]
    source = tmp_path / "plan.md"
    text = "# Plan\r\n\r\nWe ship to all users in May — café.\r\n"
    source.write_bytes(bom + text.encode(encoding))
    assert cli.main(["check", str(source), "--format", "json"]) == 0
    review = json.loads(capsys.readouterr().out)
    start = text.index("ship to all users")
    review["findings"] = [Finding(kind=Kind.WEAK_ARGUMENT, source=Source.CRITIC, persona="pm", id="c1",
                                  severity=Severity.MAJOR, title="Who? “all”", quote="ship to all users",
                                  start=start, end=start + 17, anchor=Anchor.EXACT).model_dump(mode="json")]
    path = tmp_path / "r.json"
    path.write_text(json.dumps(review), encoding="utf-8")
    out = tmp_path / "annotated.md"
    assert cli.main(["export", str(path), "-o", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith(bom)
    annotated = data[len(bom) :].decode(encoding)
    assert "{==ship to all users==}" in annotated
    assert bom + strip_criticmarkup(annotated).encode(encoding) == source.read_bytes()


def test_re_export_onto_an_exported_word_file_replaces_doccritic_comments_and_keeps_others(tmp_path, capsys):
    source = tmp_path / "plan.md"
    source.write_text("# Plan\n\nWe ship to all users in May.\n\nThe root cause is clear: users forget.\n",
                      encoding="utf-8")
    assert cli.main(["check", str(source), "--format", "json"]) == 0
    review = json.loads(capsys.readouterr().out)
    text = review["document"]["text"]
    review["findings"] = [
        Finding(kind=Kind.WEAK_ARGUMENT, source=Source.CRITIC, persona="pm", id=f"c{i}", severity=Severity.MAJOR,
                title=f"About {quote}", quote=quote, start=text.index(quote), end=text.index(quote) + len(quote),
                anchor=Anchor.EXACT).model_dump(mode="json")
        for i, quote in enumerate(["ship to all users", "root cause is clear"])]
    path = tmp_path / "r.json"
    path.write_text(json.dumps(review), encoding="utf-8")
    first = tmp_path / "first.docx"
    assert cli.main(["export", str(path), "-o", str(first)]) == 0
    word = docx.Document(str(first))
    colleague = next(p for p in word.paragraphs if "May" in p.text)
    word.add_comment(colleague.runs, text="Legal wants a pilot first.", author="Priya", initials="PR")
    word.save(str(first))
    second = tmp_path / "second.docx"
    assert cli.main(["export", str(first), "-o", str(second), "--source", str(first)]) == 0
    comments = list(docx.Document(str(second)).comments)
    authors = sorted(c.author for c in comments)
    assert len(comments) == 3 and authors.count("Priya") == 1
    assert sorted(c.text for c in comments if c.author != "Priya") == sorted(
        c.text for c in docx.Document(str(first)).comments if c.author != "Priya")


def test_a_huge_heading_is_cut_in_the_page_title_with_an_ellipsis():
    text = "# " + " ".join(["rollout"] * 100_000) + "\n\nBody.\n"
    doc = parse_markdown(text)
    page = export_html(review_for(doc, []), doc)
    title = page[page.index("<title>") + 7 : page.index("</title>")]
    assert title.endswith("… · doccritic review") and len(title) < 400
