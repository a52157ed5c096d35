"""DOCX loading: what a reviewer would notice (missing or extra text, wrong anchors, bad errors)."""

from __future__ import annotations

import itertools
import random
import re
import time
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from conftest import CORPUS, corpus_files
from doccritic.core.document import BlockKind, Document
from doccritic.core.errors import ErrorKind, LoadError
from doccritic.formats import docx as docx_format
from doccritic.formats import ooxml
from doccritic.formats.docx import iter_body_paragraphs, iter_paragraph_runs, load_docx

LAB = "lab-method-tracked-revisions-tables.docx"
THREADED = "threaded-comments-12-with-replies.docx"
SAMPLER = "word-sample-comment-footnote-endnote-deletions.docx"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def corpus_file(name: str) -> Path:
    path = CORPUS / name
    if not path.is_file():
        pytest.fail(f"test corpus file missing: {path} is part of the repository", pytrace=False)
    return path


def corpus_docx() -> list[Path]:
    return [p for p in corpus_files("*.docx") if not p.name.startswith("BROKEN-")]


def check_offsets_and_runs(doc: Document, path: Path) -> None:
    """Every block is exactly its slice of the text, and re-walking the file's runs rebuilds it."""
    paragraphs = [p for p, _ in iter_body_paragraphs(docx.Document(str(path)).element.body)]
    for block in doc.blocks:
        assert doc.text[block.start : block.end] == block.text
        assert block.docx is not None
        runs = list(iter_paragraph_runs(paragraphs[block.docx.paragraph]))
        assert "".join(text for _, text in runs) == block.text
        assert [s.index for s in block.docx.runs] == [i for i, (_, text) in enumerate(runs) if text]
        position = block.start
        for span in block.docx.runs:
            assert span.start == position and block.start <= span.start < span.end <= block.end
            assert doc.text[span.start : span.end] == runs[span.index][1]
            position = span.end
        assert position == block.end


@pytest.mark.parametrize("path", corpus_docx(), ids=lambda p: p.name)
def test_every_corpus_docx_loads_with_exact_offsets(path: Path) -> None:
    doc = load_docx(path)
    assert doc.blocks and doc.text
    assert doc.blocks[0].start == 0 and doc.blocks[-1].end == len(doc.text)
    for a, b in itertools.pairwise(doc.blocks):  # a new line per paragraph, a table row on one
        same_row = a.docx and b.docx and a.docx.table is not None and (a.docx.table, a.row) == (b.docx.table, b.row)
        assert doc.text[a.end : b.start] == ("\t" * (b.col - a.col) if same_row and b.col > a.col else "\n")
    check_offsets_and_runs(doc, path)


def test_a_table_row_reads_on_one_line_with_its_cells_a_tab_apart() -> None:
    lines = load_docx(corpus_file(LAB)).text.splitlines()
    assert "Name of the preparations\tNo. of  injections\tPurpose" in lines
    assert "Blank\t1\tBlank" in lines


def test_corpus_has_the_expected_docx_files() -> None:
    assert len(corpus_docx()) == 6


def test_tracked_revisions_are_shown_accepted() -> None:
    doc = load_docx(corpus_file(LAB))
    # Inserted with tracked changes (python-docx's paragraph.text drops these).
    assert (
        "Consider stage IV  in the below chromatogram as stage III, stage-IV dimer as Insitu dimer"
        in doc.text
    )
    assert "Reference Chromatograms:" in doc.text
    # A deleted typo that the insertion replaced.
    assert "Chromatpgrams" not in doc.text
    assert any("138 insertions included, 111 deletions left out" in w for w in doc.warnings)
    # Of the 4 tables, 1 and 2 hold only moved-then-deleted rows, so they contribute no text.
    cells = [b for b in doc.blocks if b.kind is BlockKind.TABLE_CELL]
    assert {b.docx.table for b in cells if b.docx} == {0, 3}
    assert "Standard solution" in [b.text for b in cells]  # an inserted table cell


def test_threaded_comments_have_authors_text_replies_and_anchors() -> None:
    doc = load_docx(corpus_file(THREADED))
    assert len(doc.comments) == 12
    by_text = {c.text.split("\n")[0]: c for c in doc.comments}
    assert all(c.author == "Randy Bartels" and c.initials == "RB" and c.date for c in doc.comments)
    assert by_text["With a response"].parent_id == by_text["Comment 5"].id
    replies = [c for c in doc.comments if c.parent_id is not None]
    assert {c.text.split()[0] for c in replies} == {"With", "Long"}
    long_reply = next(c for c in replies if c.text.startswith("Long response"))
    assert long_reply.parent_id == by_text["Comment 7 with a long response"].id
    # A two-paragraph comment keeps both paragraphs.
    assert by_text["Comment 6 with a long comment."].text.endswith("malesuada bibendum")
    # Anchors cover exactly the commented words.
    in_table = by_text["Comment in a table"]
    assert doc.text[in_table.start : in_table.end] == "R1C1"
    assert doc.text[by_text["Comment 3"].start : by_text["Comment 3"].end] == "Bibendum"
    assert all(c.start is not None and c.end is not None for c in doc.comments)


def test_feature_sampler_comment_deletions_tables_and_notes() -> None:
    doc = load_docx(corpus_file(SAMPLER))
    assert len(doc.comments) == 1
    comment = doc.comments[0]
    assert (comment.author, comment.text) == ("Eric White", "This is a comment.")
    assert doc.text[comment.start : comment.end] == "you click Online Video"
    # " in the embed code for the video you want to add" is a tracked deletion in this paragraph.
    assert "When you click Online Video, you can paste. You can also type a keyword" in doc.text
    cells = [b for b in doc.blocks if b.kind is BlockKind.TABLE_CELL]
    first = [(b.row, b.col, b.text) for b in cells if b.docx and b.docx.table == 0]
    assert first[0] == (0, 0, "Lorem ipsum dolor sit amet")
    assert (2, 2, "600") in first
    assert not any(text == "200" for _, _, text in first)  # row 1 of table 0 is a tracked deletion
    # Two top-level tables plus one inside a content control that python-docx does not list.
    assert {b.docx.table for b in cells if b.docx} == {0, 1, 2}
    assert any("Footnotes and endnotes (2)" in w for w in doc.warnings)
    assert any("8 deletions left out" in w for w in doc.warnings)
    # Inline content control text is kept (python-docx's paragraph.text drops it).
    assert "To make your document look professionally produced" in doc.text
    assert "To  produced" not in doc.text


def test_headings_and_title_in_long_template() -> None:
    doc = load_docx(corpus_file("team-operating-agreement-template-large.docx"))
    assert doc.title == "Team Operating Agreement"
    headings = [(b.level, b.text) for b in doc.headings]
    assert headings[0] == (1, "Team Operating Agreement")
    assert (2, "Purpose of the Team Operating Agreement (TOA)") in headings
    assert any(b.kind is BlockKind.LIST_ITEM for b in doc.blocks)
    assert doc.word_count > 10_000


def test_cjk_and_hebrew_text_is_present() -> None:
    chinese = load_docx(corpus_file("chinese-tender-announcement-libreoffice.docx"))
    assert "竞争性谈判采购公告" in chinese.text
    assert sum("\u4e00" <= ch <= "\u9fff" for ch in chinese.text) > 10_000
    hebrew = load_docx(corpus_file("hebrew-travel-itinerary-rtl-table.docx"))
    assert "מזוודה" in hebrew.text
    assert '20 ק"ג' in hebrew.text  # inside a smart tag, which python-docx's paragraph.text drops
    assert any(b.kind is BlockKind.TABLE_CELL for b in hebrew.blocks)


# ---- a document built here, so exact text and kinds can be asserted ----------------------------------


def _xml(fragment: str) -> Any:
    """Parse a WordprocessingML fragment, declaring the namespaces on its root element."""
    return parse_xml(re.sub(r"^<([\w:]+)", rf"<\1 {nsdecls('w', 'r')}", fragment, count=1))


def _build_sample(path: Path) -> None:
    d = docx.Document()
    d.add_heading("Launch plan", level=1)
    p = d.add_paragraph("We ship to ")
    commented = p.add_run("all users")
    p.add_run(" on day one.")
    d.add_comment(commented, text="Is this true?", author="PM", initials="P")
    d.add_paragraph("")  # empty: no block, but it still counts as a paragraph
    d.add_heading("Risks", level=2)
    d.add_paragraph("First risk", style="List Bullet")
    d.add_paragraph("Second step", style="List Number")
    p = d.add_paragraph("See ")
    rel = d.part.relate_to("https://example.com/spec", docx.opc.constants.RELATIONSHIP_TYPE.HYPERLINK, True)
    p._p.append(_xml(f'<w:hyperlink r:id="{rel}"><w:r><w:t>the spec</w:t></w:r></w:hyperlink>'))
    p.add_run(" on page ")
    p._p.append(_xml('<w:fldSimple w:instr=" PAGE "><w:r><w:t>3</w:t></w:r></w:fldSimple>'))
    p.add_run(", total ")
    for run in (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
        '<w:r><w:instrText xml:space="preserve"> NUMPAGES </w:instrText></w:r>',
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
        "<w:r><w:t>9</w:t></w:r>",
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
    ):
        p._p.append(_xml(run))
    p.add_run(".")
    p = d.add_paragraph("Budget is ")
    p._p.append(_xml('<w:ins w:id="91" w:author="A"><w:r><w:t>ten</w:t></w:r></w:ins>'))
    p._p.append(_xml('<w:del w:id="92" w:author="A"><w:r><w:delText>five</w:delText></w:r></w:del>'))
    p._p.append(_xml('<w:moveFrom w:id="93" w:author="A"><w:r><w:t>old</w:t></w:r></w:moveFrom>'))
    p.add_run(" dollars")
    p._p.append(_xml("<w:sdt><w:sdtContent><w:r><w:t> (approved)</w:t></w:r></w:sdtContent></w:sdt>"))
    p.add_run(".")
    p = d.add_paragraph()
    p._p.append(
        _xml(
            "<w:r><w:t>Tab</w:t><w:tab/><w:t>here</w:t><w:br/><w:t>line</w:t><w:noBreakHyphen/>"
            '<w:t>two</w:t><w:softHyphen/><w:instrText>X</w:instrText><w:br w:type="page"/>'
            '<w:sym w:font="Wingdings" w:char="F04A"/><w:cr/><w:t>end</w:t></w:r>'
        )
    )
    d.add_paragraph("Deep dive")._p.get_or_add_pPr().append(_xml('<w:outlineLvl w:val="2"/>'))
    table = d.add_table(rows=2, cols=2)
    for cell, text in zip(table._cells, ("a1", "b1", "c1", "d1"), strict=True):
        cell.text = text
    table.cell(1, 1).add_table(rows=1, cols=1).cell(0, 0).text = "nested"
    sdt = _xml(
        "<w:sdt><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>In a control</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    )
    d.element.body.sectPr.addprevious(sdt)
    d.save(str(path))


def test_built_document_text_kinds_and_structure(tmp_path: Path) -> None:
    path = tmp_path / "sample.docx"
    _build_sample(path)
    doc = load_docx(path)
    assert doc.text == (
        "Launch plan\nWe ship to all users on day one.\nRisks\nFirst risk\nSecond step\n"
        "See the spec on page 3, total 9.\nBudget is ten dollars (approved).\nTab\there\nline-two\nend\n"
        "Deep dive\n"
        "a1\tb1\nc1\td1\nnested\nIn a control"  # a table row on one line
    )
    kinds = [(b.kind, b.level, b.row, b.col) for b in doc.blocks]
    hd, pa, li, tc = BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.TABLE_CELL
    assert kinds == [
        (hd, 1, None, None), (pa, 0, None, None), (hd, 2, None, None), (li, 1, None, None),
        (li, 1, None, None), (pa, 0, None, None), (pa, 0, None, None), (pa, 0, None, None),
        (hd, 3, None, None), (tc, 0, 0, 0), (tc, 0, 0, 1), (tc, 0, 1, 0), (tc, 0, 1, 1),
        (tc, 0, 0, 0), (pa, 0, None, None),
    ]  # fmt: skip
    tables = [b.docx.table for b in doc.blocks if b.docx]
    assert tables[-3:] == [0, 1, None]  # the nested table gets its own index
    assert [b.docx.paragraph for b in doc.blocks if b.docx][:3] == [0, 1, 3]  # the empty one counts
    assert doc.title == "Launch plan"
    assert doc.warnings == [
        "Tracked changes are shown as accepted: 1 insertion included, 1 deletion left out. "
        "Moved text is shown in its new place."
    ]
    (comment,) = doc.comments
    assert (comment.author, comment.initials, comment.text) == ("PM", "P", "Is this true?")
    assert doc.text[comment.start : comment.end] == "all users"
    check_offsets_and_runs(doc, path)


def test_localized_heading_style_without_outline_level(tmp_path: Path) -> None:
    d = docx.Document()
    d.styles.element.append(
        _xml('<w:style w:type="paragraph" w:styleId="berschrift2"><w:name w:val="Überschrift 2"/></w:style>')
    )
    p = d.add_paragraph("Ziele")
    p._p.get_or_add_pPr().append(_xml('<w:pStyle w:val="berschrift2"/>'))
    d.add_paragraph("Text")
    d.save(str(tmp_path / "de.docx"))
    doc = load_docx(tmp_path / "de.docx")
    assert [(b.kind, b.level) for b in doc.blocks] == [(BlockKind.HEADING, 2), (BlockKind.PARAGRAPH, 0)]


def test_comment_anchors_outside_text_move_to_the_nearest_text(tmp_path: Path) -> None:
    d = docx.Document()
    before = d.add_paragraph()
    first = d.add_comment(before.add_run("Before."), text="between paragraphs", author="A")
    empty = d.add_paragraph()
    after = d.add_paragraph()
    second = d.add_comment(after.add_run("After"), text="in an empty paragraph", author="A")
    start, end = before._p.find(f"{{{W}}}commentRangeStart"), before._p.find(f"{{{W}}}commentRangeEnd")
    before._p.addprevious(start)  # range markers at body level, around the paragraph
    before._p.addnext(end)
    empty._p.append(after._p.find(f"{{{W}}}commentRangeStart"))  # range start in an empty paragraph
    d.save(str(tmp_path / "c.docx"))
    doc = load_docx(tmp_path / "c.docx")
    covered = {c.id: doc.text[c.start : c.end] for c in doc.comments if c.start is not None}
    assert covered == {str(first.comment_id): "Before.", str(second.comment_id): "After"}


def test_fifty_thousand_words_load_fast(tmp_path: Path) -> None:
    rng = random.Random(7)
    words = ["ship", "users", "metric", "launch", "plan", "risk", "budget", "scope", "owner", "date"]
    d = docx.Document()
    for i in range(2500):
        if i % 50 == 0:
            d.add_heading(f"Section {i // 50}", level=1 + i // 50 % 3)
        p = d.add_paragraph()
        for _ in range(4):
            p.add_run(" ".join(rng.choice(words) for _ in range(5)) + " ")
    path = tmp_path / "big.docx"
    d.save(str(path))
    best = min(_timed(path) for _ in range(2))
    assert load_docx(path).word_count >= 50_000
    assert best < 1.0, f"50k-word DOCX took {best:.2f} s"


def _timed(path: Path) -> float:
    started = time.perf_counter()
    load_docx(path)
    return time.perf_counter() - started


# ---- bad input: one clear sentence naming the file, never a traceback --------------------------------


def _expect_error(path: Path, kind: ErrorKind, *phrases: str) -> LoadError:
    with pytest.raises(LoadError) as info:
        load_docx(path)
    assert info.value.kind is kind
    assert path.name in str(info.value)
    for phrase in phrases:
        assert phrase in str(info.value)
    return info.value


def test_truncated_real_world_file_is_corrupt() -> None:
    _expect_error(
        corpus_file("BROKEN-truncated-real-world-bug62886.docx"), ErrorKind.CORRUPT, "damaged or incomplete"
    )


def test_random_bytes_empty_file_and_missing_file(tmp_path: Path) -> None:
    junk = tmp_path / "x.docx"
    junk.write_bytes(random.Random(1).randbytes(5000))
    _expect_error(junk, ErrorKind.CORRUPT, "not a Word")
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    _expect_error(empty, ErrorKind.CORRUPT, "empty")
    _expect_error(tmp_path / "missing.docx", ErrorKind.NOT_FOUND)


def test_old_binary_doc_or_encrypted_docx_is_unsupported_with_advice(tmp_path: Path) -> None:
    for name in ("legacy.doc", "protected.docx"):  # both are OLE compound files, not zips
        path = tmp_path / name
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000)
        _expect_error(path, ErrorKind.UNSUPPORTED, "save it as an unprotected .docx")


def test_zip_that_is_not_a_word_document(tmp_path: Path) -> None:
    path = tmp_path / "photos.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("holiday.txt", "not word")
    _expect_error(path, ErrorKind.UNSUPPORTED, "not a Word document")
    sheet = tmp_path / "sheet.docx"
    with zipfile.ZipFile(sheet, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    _expect_error(sheet, ErrorKind.UNSUPPORTED, "Excel")


def test_malformed_xml_is_corrupt(tmp_path: Path) -> None:
    good = tmp_path / "good.docx"
    docx.Document().save(str(good))
    bad = tmp_path / "bad.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, b"<w:document><w:body><w:p>" if item.filename == "word/document.xml" else data)
    _expect_error(bad, ErrorKind.CORRUPT, "damaged")


def test_zip_bomb_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(25):  # 25 MB of zeros packs to ~25 KB: ratio ~1000
                member.write(chunk)
    assert path.stat().st_size < 1 << 20
    _expect_error(path, ErrorKind.TOO_LARGE, "unpack")


def test_total_unpacked_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ok.docx"
    docx.Document().save(str(path))
    assert load_docx(path).blocks == []
    monkeypatch.setattr(ooxml, "MAX_UNCOMPRESSED_BYTES", 1000)
    _expect_error(path, ErrorKind.TOO_LARGE)


def test_unexpected_failure_inside_the_walk_becomes_load_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ok.docx"
    d = docx.Document()
    d.add_paragraph("text")
    d.save(str(path))

    def boom(*_args: object) -> None:
        raise IndexError("unexpected structure")

    monkeypatch.setattr(docx_format, "_style_map", boom)
    _expect_error(path, ErrorKind.CORRUPT)
