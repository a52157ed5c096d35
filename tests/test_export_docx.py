"""DOCX export: one Word comment per finding, on exactly its characters, with the original kept whole.

Every check reopens the export the way a reviewer's Word would (python-docx, plus doccritic's own
loader) and compares the text between each comment's range marks with the finding's span.

LibreOffice (``soffice``) renders an export to PDF when it is installed; the screenshot in
``docs/screenshots/export-docx.png`` is rewritten only with ``DOCCRITIC_UPDATE_SCREENSHOTS=1``.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import os
import random
import re
import shutil
import subprocess
import zipfile
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from conftest import REPO, SAMPLE, corpus_files
from doccritic.core.checks import run_checks
from doccritic.core.document import BlockKind, Document
from doccritic.core.errors import DoccriticError
from doccritic.core.findings import Anchor, Finding, Kind, Reply, Reversibility, Severity, Source, Status
from doccritic.formats.docx import iter_body_paragraphs, iter_paragraph_runs, load_docx, run_text
from doccritic.formats.docx_export import export_docx
from doccritic.formats.export_common import note_for
from doccritic.formats.loader import load_document
from doccritic.formats.markdown import parse_markdown
from doccritic.formats.review_json import review_for
from doccritic.formats.text import parse_text

NAMES = {"staff-eng": "Staff Engineer", "cfo": "Skeptical CFO"}
W_P, W_R = qn("w:p"), qn("w:r")
RANGE_START, RANGE_END = qn("w:commentRangeStart"), qn("w:commentRangeEnd")
HEBREW = re.compile(r"[\u0590-\u05FF]{2,}(?: [\u0590-\u05FF]{2,})?")
CJK = re.compile(r"[\u4e00-\u9fff]{4,8}")
SCREENSHOT = REPO / "docs" / "screenshots" / "export-docx.png"


# ---- helpers ---------------------------------------------------------------------------------------


def finding(start: int, end: int, text: str, title: str = "Synthetic span", **kw: object) -> Finding:
    fields: dict[str, object] = {
        "source": Source.CRITIC, "persona": "staff-eng", "kind": Kind.WEAK_ARGUMENT, "severity": Severity.MAJOR,
        "title": title, "quote": text[start:end], "start": start, "end": end, "anchor": Anchor.EXACT,
        "rationale": "Why it matters.",
    }
    fields.update(kw)
    return Finding.model_validate(fields)


def anchored_texts(word: object) -> dict[str, str]:
    """Comment id -> the accepted text between its range marks, paragraphs joined like the loader does."""
    body = word.element.body  # type: ignore[attr-defined]
    cells = dict(iter_body_paragraphs(body))
    paragraphs = list(cells)
    known = set(paragraphs)
    accepted = {r for p in paragraphs for r, _ in iter_paragraph_runs(p)}
    with_text = {p for p in paragraphs if "".join(t for _, t in iter_paragraph_runs(p)).strip()}
    fragments: dict[str, list[list[object]]] = defaultdict(list)
    opened: set[str] = set()
    current = None
    for el in body.iter(W_P, W_R, RANGE_START, RANGE_END):
        if el.tag == W_P and el in known:
            current = el
            for cid in opened:
                fragments[cid].append([el, ""])
        elif el.tag == RANGE_START:
            opened.add(el.get(qn("w:id")))
            fragments[el.get(qn("w:id"))].append([current, ""])
        elif el.tag == RANGE_END:
            opened.discard(el.get(qn("w:id")))
        elif el.tag == W_R and el in accepted:
            for cid in opened:
                fragments[cid][-1][1] += run_text(el)
    def joined(parts: list[list[object]]) -> str:  # a new line per paragraph, a tab per column along a table row
        kept = [(cells[p], str(t)) for p, t in parts if p in with_text]
        out = kept[0][1] if kept else ""
        for (last, _), (cell, text) in itertools.pairwise(kept):
            same_row = cell is not None and last is not None and cell[:2] == last[:2] and cell.col > last.col
            out += ("\t" * (cell.col - last.col) if same_row else "\n") + text
        return out

    return {cid: joined(parts) for cid, parts in fragments.items()}


def comments_of(path: Path) -> dict[str, dict[str, object]]:
    word = docx.Document(str(path))
    anchored = anchored_texts(word)
    return {
        str(c.comment_id): {"author": c.author, "initials": c.initials, "text": c.text,
                            "anchored": anchored.get(str(c.comment_id))}
        for c in word.comments
    }


def check_export(doc: Document, findings: list[Finding], out: Path, *, exact: bool = True,
                 **kw: object) -> dict[str, dict[str, object]]:
    """Export, then find every finding's comment: author, initials, heading, and the anchored text."""
    review = review_for(doc, findings)
    source = kw.pop("source", None)
    existing = {c.id for c in doc.comments}
    result = export_docx(review, doc, out, source=source, names=NAMES, **kw)  # type: ignore[arg-type]
    assert result == out and out.is_file()
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]
    comments = comments_of(out)
    pool = {cid: c for cid, c in comments.items() if cid not in existing}
    for f in findings:
        note = note_for(f, NAMES)
        want = doc.text[f.start : f.end] if f.placed and f.start is not None else None
        match = next((cid for cid, c in pool.items()
                      if c["author"] == note.author and c["initials"] == note.initials
                      and note.heading in str(c["text"])
                      and (want is None or same(str(c["anchored"]), want, exact))), None)
        assert match is not None, f"no comment for {f.title!r} on {want!r}"
        pool.pop(match)
    replies = {r.text for f in findings for r in f.replies}
    assert all(c["text"] in replies for c in pool.values()), "comments nobody asked for"
    return comments


def same(anchored: str, span: str, exact: bool) -> bool:
    return anchored == span if exact else plain(anchored) == plain(span)


def plain(markdown: str) -> str:
    """Markdown span text as Word shows it: link targets, emphasis marks and line breaks dropped."""
    text = re.sub(r"\]\([^)]*\)", "", markdown).replace("![", "").replace("[", "")
    text = re.sub(r"(\*\*|__|~~|`|\|)", "", text)
    text = re.sub(r"(?<![\w*])[*_](?=\S)|(?<=\S)[*_](?![\w*])", "", text)
    text = re.sub(r"^\s*(?:>\s*)+|^\s*(?:[-*+]|\d+[.)])\s+", "", text, flags=re.MULTILINE)
    return " ".join(text.split())


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def package_facts(path: Path) -> dict[str, object]:
    """What must survive an export: tracked changes, tables, images, headers/footers, notes, styles."""
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        xml = z.read("word/document.xml").decode("utf-8")
        styles = z.read("word/styles.xml").decode("utf-8") if "word/styles.xml" in names else ""
    word = docx.Document(str(path))
    rels = word.part.rels.values()
    return {
        "ins": xml.count("<w:ins "), "del": xml.count("<w:del "), "delText": xml.count("<w:delText"),
        "tables": xml.count("<w:tbl>"), "blips": xml.count("<a:blip "),
        "image_rels": sum(1 for r in rels if r.reltype == RT.IMAGE),
        "parts": sorted(n for n in names if re.search(r"(header|footer|footnotes|endnotes|media/)", n)),
        "style_ids": set(re.findall(r'w:styleId="([^"]+)"', styles)),
        "sections": len(word.sections),
    }


def synthetic(doc: Document) -> list[Finding]:
    """Mid-run starts and ends, spans across runs and paragraphs, a table cell, RTL, CJK, overlaps."""
    text, out = doc.text, []
    blocks = [b for b in doc.blocks if len(b.text.strip()) >= 12]
    for b in blocks:
        runs = b.docx.runs if b.docx else ()
        long = next((r for r in runs if r.end - r.start >= 8), None)
        if long:
            out.append(finding(long.start + 2, long.end - 2, text, "Mid-run"))
            break
    for b in blocks:
        runs = [r for r in (b.docx.runs if b.docx else ()) if r.end - r.start >= 2]
        if len(runs) >= 3:
            out.append(finding(runs[0].start + 1, runs[2].start + 1, text, "Across runs"))
            break
    pairs = [(a, c) for a, c in itertools.pairwise(blocks) if a.kind is c.kind is BlockKind.PARAGRAPH]
    if pairs:
        a, c = pairs[len(pairs) // 2]
        out.append(finding(a.start + len(a.text) // 2, c.start + len(c.text) // 2, text, "Across paragraphs"))
    cell = next((b for b in blocks if b.kind is BlockKind.TABLE_CELL), None)
    if cell:
        out.append(finding(cell.start + 1, cell.end - 1, text, "In a table cell"))
    for script, pattern in (("Hebrew", HEBREW), ("CJK", CJK)):
        m = pattern.search(text)
        if m:
            out.append(finding(m.start(), m.end(), text, f"{script} words"))
    if blocks:
        b = blocks[-1]
        third = len(b.text) // 3
        out.append(finding(b.start, b.start + 2 * third, text, "Overlap A", persona="cfo"))
        out.append(finding(b.start + third, b.end, text, "Overlap B"))
        out.append(finding(b.start + third, b.start + 2 * third, text, "Overlap nested", kind=Kind.OPEN_QUESTION))
    return [f for f in out if f.end and f.end > (f.start or 0) and text[f.start : f.end].strip()]


# ---- corpus ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", [p for p in corpus_files("*.docx") if not p.name.startswith("BROKEN-")], ids=lambda p: p.name
)
def test_corpus_docx_keeps_everything_and_comments_every_span(corpus: Path, path: Path, tmp_path: Path) -> None:
    doc = load_docx(path)
    before = digest(path)
    findings = run_checks(doc).findings + synthetic(doc)
    out = tmp_path / f"{path.stem}.reviewed.docx"
    comments = check_export(doc, findings, out)
    assert digest(path) == before, "the source file was changed"
    # the original's comments: same ids, authors, text and anchors
    original = comments_of(path)
    for cid, c in original.items():
        assert comments[cid] == c
    assert len(comments) == len(original) + len(findings)
    new_ids = set(comments) - set(original)
    assert not new_ids & set(original)
    # tracked changes, tables, images, headers/footers, notes and styles are all still there
    was, now = package_facts(path), package_facts(out)
    assert now.pop("style_ids") >= was.pop("style_ids")  # type: ignore[operator]
    assert now == was
    # doccritic's own loader reads the same canonical text back, and the new comments on the same spans
    again = load_docx(out)
    assert again.text == doc.text
    spans = {(c.start, c.end) for c in again.comments if c.id in new_ids}
    assert {(f.start, f.end) for f in findings if f.placed} <= spans


def test_lab_tracked_changes_span_inside_an_insertion(corpus: Path, tmp_path: Path) -> None:
    path = corpus / "lab-method-tracked-revisions-tables.docx"
    doc = load_docx(path)
    word = docx.Document(str(path))
    paragraphs = [p for p, _ in iter_body_paragraphs(word.element.body)]
    picks = []
    for block in doc.blocks:
        runs = list(iter_paragraph_runs(paragraphs[block.docx.paragraph]))  # type: ignore[union-attr]
        for span in block.docx.runs:  # type: ignore[union-attr]
            r = runs[span.index][0]
            if r.getparent().tag == qn("w:ins") and span.end - span.start >= 6:
                picks.append(span)
    assert picks, "the lab file has insertions"
    a, b = picks[0], picks[len(picks) // 2]
    findings = [finding(a.start + 1, a.end - 1, doc.text, "Inside an insertion"),
                finding(a.start + 2, b.end - 2, doc.text, "From one insertion to another")]
    out = tmp_path / "lab.docx"
    check_export(doc, findings, out)
    assert package_facts(out)["ins"] == package_facts(path)["ins"]


def test_a_bold_run_split_by_a_span_stays_bold_on_both_sides(corpus: Path, tmp_path: Path) -> None:
    path = corpus / "lab-method-tracked-revisions-tables.docx"
    doc = load_docx(path)
    word = docx.Document(str(path))
    paragraphs = [p for p, _ in iter_body_paragraphs(word.element.body)]
    target = None
    for block in doc.blocks:
        runs = list(iter_paragraph_runs(paragraphs[block.docx.paragraph]))  # type: ignore[union-attr]
        for span in block.docx.runs:  # type: ignore[union-attr]
            r = runs[span.index][0]
            if r.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None and span.end - span.start >= 10:
                target = span
                break
        if target:
            break
    assert target is not None
    cut = target.start + 4
    f = finding(cut, target.end + 5, doc.text, "Starts inside bold text")
    out = tmp_path / "bold.docx"
    check_export(doc, [f], out)
    body = docx.Document(str(out)).element.body
    start = next(el for el in body.iter(RANGE_START) if el.get(qn("w:id")) not in {c.id for c in doc.comments})
    before, after = start.getprevious(), start.getnext()
    assert before.tag == after.tag == W_R
    for run in (before, after):
        assert run.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None
    assert run_text(before) + run_text(after) == doc.text[target.start : target.end]
    assert run_text(after) == doc.text[cut : target.end]


@pytest.mark.parametrize("path", [p for p in corpus_files() if not p.name.startswith("BROKEN-")], ids=lambda p: p.name)
def test_random_spans_land_on_their_characters(corpus: Path, path: Path, tmp_path: Path) -> None:
    """Seeded random spans, inside one block or across several. DOCX: the anchored text is the span
    (a span can only lose a line break, or a tab between cells, at its very edge). Markdown/text: what Word
    shows of the span is the span without its markup, so it must be a subsequence of it."""
    doc = load_document(path)
    rng = random.Random(path.name)
    findings = []
    for n in range(60):
        a = rng.choice(doc.blocks)
        b = a if rng.random() < 0.6 else rng.choice(doc.blocks)
        a, b = (a, b) if a.start <= b.start else (b, a)
        s = rng.randrange(a.start, a.end)
        e = rng.randrange(max(s + 1, b.start), max(s + 2, b.end + 1))
        findings.append(finding(s, min(e, len(doc.text)), doc.text, f"Random {n}"))
    out = tmp_path / "random.docx"
    export_docx(review_for(doc, findings), doc, out, names=NAMES)
    anchored = {str(c["text"]).split("\n")[0]: str(c["anchored"]) for c in comments_of(out).values()}
    for f in findings:
        got, want = anchored[f"Weak argument · major: {f.title}"], doc.text[f.start : f.end]
        if path.suffix == ".docx":
            assert got == want.strip("\n\t") or got == want, (f.start, f.end)
        else:
            rest = iter("".join(want.split()))
            assert all(ch in rest for ch in "".join(got.split())), (f.start, f.end, got)


# ---- a hand-made DOCX with every awkward place a span can start or end ------------------------------


def awkward_docx(path: Path) -> None:
    word = docx.Document()
    p = word.add_paragraph("Plain start, ")
    p.add_run("bold 👍🏽 emoji run").bold = True
    p.add_run(" then italic ").italic = True
    p._p.append(parse_xml(
        f'<w:hyperlink {nsdecls("w", "r")} r:id="{word.part.relate_to("https://example.com", RT.HYPERLINK, True)}">'
        '<w:r><w:rPr><w:u w:val="single"/></w:rPr><w:t>a link</w:t></w:r></w:hyperlink>'))
    p._p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="901" w:author="A" w:date="2024-01-01T00:00:00Z">'
                          '<w:r><w:t xml:space="preserve"> inserted words</w:t></w:r></w:ins>'))
    p._p.append(parse_xml(f'<w:del {nsdecls("w")} w:id="902" w:author="A" w:date="2024-01-01T00:00:00Z">'
                          '<w:r><w:delText>deleted words</w:delText></w:r></w:del>'))
    p._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" DATE "><w:r><w:t> field</w:t></w:r></w:fldSimple>'))
    p.add_run(" end.")
    rtl = word.add_paragraph()
    rtl.add_run("טיול לישראל עם משפחה")._r.get_or_add_rPr().append(parse_xml(f'<w:rtl {nsdecls("w")}/>'))
    word.add_paragraph("中文招标公告：项目编号与预算金额。")
    table = word.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Cell one text"
    table.cell(0, 1).text = "Cell two 🚀 text"
    word.add_paragraph("Last paragraph with text.")
    word.save(str(path))


def test_awkward_spans_land_on_exactly_their_characters(tmp_path: Path) -> None:
    src = tmp_path / "awkward.docx"
    awkward_docx(src)
    doc = load_docx(src)
    text = doc.text

    def at(s: str, a: int = 0, b: int | None = None) -> tuple[int, int]:
        i = text.index(s)
        return i + a, i + (len(s) if b is None else b)

    spans = {
        "mid-run start and end": at("Plain start", 2, 8),
        "across bold and italic": at("start, bold 👍🏽 emoji run then ital"),
        "emoji only": at("👍🏽"),
        "half of an emoji sequence": at("👍🏽", 0, 1),
        "into the link": at("italic a li"),
        "the whole link": at("a link"),
        "link into the insertion": at("link inserted"),
        "inside the insertion": at("inserted word", 1),
        "across the deletion and the field": at("words field"),
        "RTL Hebrew word": at("לישראל"),
        "RTL across words": at("ל עם מש"),
        "CJK": at("招标公告"),
        "across two paragraphs": (text.index("field") + 2, text.index("משפחה") + 3),
        "table cell": at("two 🚀"),
        "across table cells": (text.index("one text") + 4, text.index("Cell two") + 4),
        "into the last paragraph": (text.index("🚀"), text.index("Last") + 4),
    }
    findings = [finding(s, e, text, name) for name, (s, e) in spans.items()]
    findings += [finding(*at("italic a link inser"), text, "overlap 1"), finding(*at("a li"), text, "overlap 2")]
    out = tmp_path / "awkward.reviewed.docx"
    before = digest(src)
    check_export(doc, findings, out, source=src)
    assert digest(src) == before
    again = load_docx(out)
    assert again.text == text
    xml = zipfile.ZipFile(out).read("word/document.xml").decode()
    assert xml.count("<w:delText>deleted words</w:delText>") == 1 and xml.count("<w:ins ") == 1
    assert "<w:rtl/>" in xml and xml.count("<w:hyperlink ") == 1 and xml.count("<w:fldSimple ") == 1
    # no comment reference inside a tracked insertion or a field (rejecting or updating would drop it)
    body = docx.Document(str(out)).element.body
    for ref in body.iter(qn("w:commentReference")):
        assert not any(a.tag in (qn("w:ins"), qn("w:fldSimple")) for a in ref.iterancestors())


# ---- Markdown and text ---------------------------------------------------------------------------------


def test_sample_prd_renders_with_every_finding_on_its_span(tmp_path: Path) -> None:
    doc = load_document(SAMPLE)
    findings = run_checks(doc).findings
    assert findings
    out = tmp_path / "sample.docx"
    check_export(doc, findings, out, exact=False)
    word = docx.Document(str(out))
    styles = [p.style.name for p in word.paragraphs]
    assert "Heading 1" in styles and "Heading 2" in styles and "List Paragraph" in styles
    assert len(word.tables) >= 2  # front matter and the PRD's tables
    assert word.tables[0].cell(0, 0).text == "title"
    xml = zipfile.ZipFile(out).read("word/document.xml").decode()
    assert "<w:numPr>" in xml and "<w:b/>" in xml and 'w:val="BlockQuote"' in xml
    assert word.core_properties.title == doc.title


def test_markdown_features_and_scripts(tmp_path: Path) -> None:
    md = (
        "# Plan 🚀 v1\n\n"
        "Intro with **bold words** and *italic* and `code()` and [a link](https://example.com/x) end.\n"
        "Second line of the same paragraph.\n\n"
        "- item one with עברית בטקסט\n"
        "  - nested 中文内容很重要\n"
        "1. first\n2. second\n\n"
        "> quoted claim\n\n"
        "| Col A | Col B |\n|---|---|\n| cell a1 | cell **b1** |\n\n"
        "```python\nprint('hi')\nx = 1\n```\n\n"
        "Last paragraph.\n"
    )
    doc = parse_markdown(md, tmp_path / "plan.md")
    text = doc.text

    def at(s: str) -> tuple[int, int]:
        i = text.index(s)
        return i, i + len(s)

    spans = {
        "heading emoji": at("🚀"), "mid-word": at("ntro wi"), "into bold": at("with **bold"),
        "across bold, italic, code, link": at("words** and *italic* and `code()` and [a link"),
        "inside the link": at("lin"), "soft break": at("end.\nSecond"), "Hebrew": at("עברית"),
        "CJK": at("中文内容"), "nested item": at("nested"), "numbered": at("second"), "quote": at("quoted"),
        "cell": at("a1"), "bold cell": at("b1"), "code": at("print('hi')\nx"),
        "two blocks": (text.index("quoted"), text.index("Col A") + 3),
        "overlap": at("Intro with **bold"),
    }
    findings = [finding(s, e, text, name) for name, (s, e) in spans.items()]
    out = tmp_path / "plan.docx"
    comments = check_export(doc, findings, out, exact=False)
    by_title = {c["text"].split("\n")[0]: c["anchored"] for c in comments.values()}
    assert by_title["Weak argument · major: Hebrew"] == "עברית"
    assert by_title["Weak argument · major: CJK"] == "中文内容"
    assert by_title["Weak argument · major: heading emoji"] == "🚀"
    assert by_title["Weak argument · major: inside the link"] == "lin"
    assert by_title["Weak argument · major: code"] == "print('hi')\nx"
    word = docx.Document(str(out))
    links = word.element.body.findall(f".//{qn('w:hyperlink')}")
    assert len(links) == 1 and word.part.rels[links[0].get(qn("r:id"))].target_ref == "https://example.com/x"
    assert any(r.bold and r.text.startswith("bold") for p in word.paragraphs for r in p.runs)
    assert any(r.style.name == "Inline Code" for p in word.paragraphs for r in p.runs)
    assert any(p.style.name == "Code Block" for p in word.paragraphs)


def test_text_file_renders(corpus: Path, tmp_path: Path) -> None:
    path = corpus / "pep-2026-calendar-versioning-rejected.rst"
    doc = load_document(path)
    findings = run_checks(doc).findings + synthetic(doc)
    check_export(doc, findings, tmp_path / "pep.docx", exact=False)
    small = parse_text("Title\n=====\n\nFirst para line one\nline two 😀 here.\n\n- bullet א\n- 中文\n",
                       tmp_path / "t.txt")
    t = small.text
    spans = [(t.index("line one"), t.index("two 😀") + 5), (t.index("א"), t.index("א") + 1),
             (t.index("中文"), t.index("中文") + 2), (t.index("Title"), t.index("Title") + 5)]
    check_export(small, [finding(s, e, t, f"span {n}") for n, (s, e) in enumerate(spans)],
                 tmp_path / "t.docx", exact=False)


# ---- document-level findings, replies, options ------------------------------------------------------


def sample_review(tmp_path: Path) -> tuple[Document, list[Finding]]:
    doc = load_document(SAMPLE)
    i = doc.text.index("significantly")
    placed = finding(i, i + len("significantly"), doc.text, "Vague", suggestion="Give a number.",
                     question="By how much?", replies=[Reply(author="pm", text="Fair, will add the target.",
                                                             at=datetime(2026, 1, 2, tzinfo=UTC))])
    door = finding(i, i + 4, doc.text, "Door", kind=Kind.ONE_WAY_DOOR, severity=Severity.CRITICAL,
                   reversibility=Reversibility(level="one_way", cost_to_reverse="weeks", exit_ramp="flag"),
                   status=Status.RESOLVED)
    whole = Finding(source=Source.CHECK, rule="no-rollback", kind=Kind.OPEN_QUESTION, severity=Severity.MINOR,
                    title="No rollback plan", anchor=Anchor.DOCUMENT, rationale="Nothing says how to undo.")
    lost = Finding(source=Source.CRITIC, persona="cfo", kind=Kind.CHALLENGED_ASSUMPTION, severity=Severity.MAJOR,
                   title="Churn", quote="a sentence that is not there", anchor=Anchor.UNANCHORED)
    dismissed = finding(i, i + 3, doc.text, "Dismissed", status=Status.DISMISSED)
    return doc, [placed, door, whole, lost, dismissed]


def test_document_level_findings_go_on_the_title_and_replies_thread(tmp_path: Path) -> None:
    doc, findings = sample_review(tmp_path)
    out = tmp_path / "title.docx"
    review = review_for(doc, findings)
    export_docx(review, doc, out, names=NAMES)
    comments = comments_of(out)
    title = doc.headings[0].text
    texts = {c["text"].split("\n")[0]: c for c in comments.values()}
    assert texts["Open question · minor: No rollback plan"]["anchored"] == title
    assert texts["Open question · minor: No rollback plan"]["author"] == "doccritic checks"
    assert "About the whole document." in texts["Open question · minor: No rollback plan"]["text"]
    assert "not found" in texts["Challenged assumption · major: Churn"]["text"]
    assert texts["Challenged assumption · major: Churn"]["author"] == "Skeptical CFO"
    assert not any("Dismissed" in k for k in texts)  # left out unless asked for
    door = texts["One-way door · critical: Door"]["text"]
    assert "Reversibility: one-way. Cost to reverse: weeks. Exit ramp: flag." in door and "Status: resolved." in door
    vague = texts["Weak argument · major: Vague"]
    assert "Suggestion: Give a number." in vague["text"] and "Question to expect: By how much?" in vague["text"]
    reply = next(cid for cid, c in comments.items() if c["text"] == "Fair, will add the target.")
    assert comments[reply]["anchored"] == "significantly" and comments[reply]["author"] == "pm"
    # threaded: the loader reads the reply's parent from commentsExtended
    parent = next(cid for cid, c in comments.items() if c is vague)
    assert {c.id: c.parent_id for c in load_docx(out).comments}[reply] == parent
    ext = zipfile.ZipFile(out).read("word/commentsExtended.xml").decode()
    assert ext.count("w15:paraIdParent=") == 1 and 'w15:done="1"' in ext
    date = docx.Document(str(out)).comments.get(int(reply)).timestamp
    assert date == datetime(2026, 1, 2, tzinfo=UTC)


def test_summary_option_and_filters(tmp_path: Path) -> None:
    doc, findings = sample_review(tmp_path)
    out = tmp_path / "summary.docx"
    export_docx(review_for(doc, findings), doc, out, unplaced="summary", include_dismissed=True,
                include_checks=False)
    comments = comments_of(out)
    word = docx.Document(str(out))
    texts = [p.text for p in word.paragraphs]
    assert texts[-2] == "Document-wide findings"
    churn = next(c for c in comments.values() if "Churn" in str(c["text"]))
    assert churn["anchored"] == texts[-1] == "Challenged assumption · major: Churn"
    assert any("Dismissed" in str(c["text"]) for c in comments.values())
    assert not any("No rollback plan" in str(c["text"]) for c in comments.values())  # a check, left out


def test_existing_comment_ids_never_collide(corpus: Path, tmp_path: Path) -> None:
    path = corpus / "threaded-comments-12-with-replies.docx"
    doc = load_docx(path)
    i = doc.blocks[1].start
    f = finding(i, i + 5, doc.text, "x", replies=[Reply(author="pm", text="ok")])
    out = tmp_path / "t.docx"
    check_export(doc, [f], out)
    again = load_docx(out)
    old = {c.id: c for c in doc.comments}
    assert all(old[c.id] == c for c in again.comments if c.id in old)  # parents and anchors intact
    assert len(again.comments) == len(old) + 2
    ext = zipfile.ZipFile(out).read("word/commentsExtended.xml").decode()
    assert ext.count("<w15:commentEx ") == zipfile.ZipFile(path).read("word/commentsExtended.xml").decode().count(
        "<w15:commentEx ") + 2


# ---- refusals and safety ---------------------------------------------------------------------------------


def test_a_changed_source_or_review_is_refused(corpus: Path, tmp_path: Path) -> None:
    path = corpus / "hebrew-travel-itinerary-rtl-table.docx"
    doc = load_docx(path)
    review = review_for(doc, [finding(0, 3, doc.text)])
    other = corpus / "lab-method-tracked-revisions-tables.docx"
    with pytest.raises(DoccriticError, match="has changed since it was reviewed"):
        export_docx(review, doc, tmp_path / "x.docx", source=other)
    stale = review.model_copy(deep=True)
    stale.document.fingerprint = "0" * 64
    with pytest.raises(DoccriticError, match="different version"):
        export_docx(stale, doc, tmp_path / "x.docx")
    copy = tmp_path / "copy.docx"
    shutil.copyfile(path, copy)
    with pytest.raises(DoccriticError, match="over the original"):
        export_docx(review, doc, copy, source=copy)
    edited = tmp_path / "edited.docx"
    word = docx.Document(str(path))
    word.paragraphs[3].add_run(" extra")
    word.save(str(edited))
    with pytest.raises(DoccriticError, match="changed"):
        export_docx(review, doc, tmp_path / "x.docx", source=edited)
    assert not (tmp_path / "x.docx").exists()


def test_write_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = parse_markdown("# T\n\nSome text here.\n", tmp_path / "t.md")
    review = review_for(doc, [finding(5, 9, doc.text)])
    out = tmp_path / "out.docx"
    out.write_bytes(b"previous export")

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(DoccriticError, match="No space left"):
        export_docx(review, doc, out)
    assert out.read_bytes() == b"previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.docx"]
    monkeypatch.undo()
    export_docx(review, doc, out)
    assert zipfile.is_zipfile(io.BytesIO(out.read_bytes()))


# ---- LibreOffice --------------------------------------------------------------------------------------


def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer")
    return exe


def render(exe: str, docx_path: Path, workdir: Path) -> Path:
    """Print to PDF with comments in the margin (LibreOffice 7.4's PDF export cannot place them there)."""
    profile = workdir / "profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        '<item oor:path="/org.openoffice.Office.Writer/Print/Content"><prop oor:name="Note" oor:op="fuse">'
        "<value>4</value></prop></item></oor:items>", encoding="utf-8")
    outdir = workdir / "pdf"
    outdir.mkdir(exist_ok=True)  # --print-to-file does not create it
    subprocess.run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--print-to-file",
                    "--outdir", str(outdir), str(docx_path)], check=True, capture_output=True, timeout=100)
    pdf = outdir / f"{docx_path.stem}.pdf"
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
    return pdf


def test_libreoffice_converts_an_export(corpus: Path, tmp_path: Path) -> None:
    exe = soffice()
    path = corpus / "hebrew-travel-itinerary-rtl-table.docx"
    doc = load_docx(path)
    out = tmp_path / "hebrew.docx"
    export_docx(review_for(doc, synthetic(doc)), doc, out)
    profile = (tmp_path / "profile").as_uri()
    subprocess.run([exe, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
                    str(tmp_path), str(out)], check=True, capture_output=True, timeout=100)
    assert (tmp_path / "hebrew.pdf").read_bytes().startswith(b"%PDF")


def test_libreoffice_renders_the_sample_with_comments_in_the_margin(tmp_path: Path) -> None:
    exe = soffice()
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed: apt-get install poppler-utils")
    doc = load_document(SAMPLE)
    out = tmp_path / "sample-prd.docx"
    export_docx(review_for(doc, run_checks(doc).findings), doc, out)
    pdf = render(exe, out, tmp_path)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=60)
    png = next(tmp_path.glob("page*.png"))
    assert png.stat().st_size > 20_000
    if os.environ.get("DOCCRITIC_UPDATE_SCREENSHOTS") == "1":
        shutil.copyfile(png, SCREENSHOT)
