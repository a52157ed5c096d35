"""PDF notes say each finding in full and leave out only what repeats the note above; scripts that need
shaping are still shaped; the report's pages line up with Qt's own.

The notes of a large review are most of its report, so a note repeats nothing: the place line is left out
when it is the note above's, a second note on the same passage sits under the first one's quote, and a long
quote is cut to about one line (the passage is in the body, whole and tinted). Title, author, kind,
severity and what the finding says stay complete.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from export_samples import placed
from test_export_pdf import Spy, _review, pages_text, split

from doccritic.core.findings import Kind
from doccritic.formats.markdown import parse_markdown
from doccritic.ui import pdf_export
from doccritic.ui.pdf_export import export_pdf


@pytest.fixture(autouse=True)
def _widgets_app(qapp: object) -> None:
    """The suite's QApplication first (see test_export_pdf)."""


LONG = ("Every existing account is switched to automatic charging on launch day, including the accounts whose "
        "owners opted out of card payments in 2023 and the ones still on manual invoicing, which finance asked "
        "to keep until the audit closes at the end of the second quarter")
TEXT = f"""# Plan

## Rollout

We ship to all users in week one. The pilot is skipped.

{LONG}.

## Costs

Nothing else changes.
"""


def _notes(tmp_path: Path, findings: list) -> str:  # type: ignore[type-arg]
    doc = parse_markdown(TEXT)
    out = export_pdf(_review(doc, findings), doc, tmp_path / "notes.pdf")
    return split(pages_text(out))[1]


def test_a_place_is_said_once_for_the_notes_under_it_and_a_passage_quoted_once(tmp_path: Path) -> None:
    first = placed(TEXT, "We ship to all users", title="No staged rollout", rationale="All at once.")
    second = placed(TEXT, "We ship to all users", Kind.ONE_WAY_DOOR, persona="skeptical-exec", title="No way back",
                    rationale="Nothing can be switched off.")
    third = placed(TEXT, "The pilot is skipped", Kind.OPEN_QUESTION, title="Why no pilot?", rationale="Ask.")
    other = placed(TEXT, "Nothing else changes", title="Costs unstated", rationale="Which costs?")
    notes = _notes(tmp_path, [first, second, third, other])
    assert notes.count("In “Rollout”") == 1 and notes.count("In “Costs”") == 1
    assert notes.count("“We ship to all users”") == 1 and "“The pilot is skipped”" in notes
    for heading in ("1. staff-engineer · Weak argument · major — No staged rollout In “Rollout” · page 1 "
                    "“We ship to all users” All at once.",
                    "2. skeptical-exec · One-way door · major — No way back Nothing can be switched off.",
                    "3. staff-engineer · Open question · major — Why no pilot? “The pilot is skipped” Ask.",
                    "4. staff-engineer · Weak argument · major — Costs unstated In “Costs”"):
        assert heading in notes, heading


def test_a_long_quote_is_cut_to_about_a_line_at_a_word(tmp_path: Path) -> None:
    notes = _notes(tmp_path, [placed(TEXT, LONG, title="Everyone at once", rationale="Too wide.")])
    assert "Every existing account is switched to automatic" in notes
    assert "second quarter" not in notes  # the body has it, tinted
    quote = notes[notes.index("“Every existing") + 1 : notes.index("”", notes.index("“Every existing"))]
    assert quote.endswith("...") and len(quote) <= pdf_export.QUOTE_CHARS + 2  # "…", NFKC-normalised
    assert f"{quote[:-3]} " in f"{LONG} "  # cut after a whole word
    assert "Everyone at once" in notes and "Too wide." in notes


SHAPED = {"arabic": "نطلق الميزة لجميع المستخدمين", "hebrew": "משלוחים לכל המשתמשים", "devanagari": "सभी उपयोगकर्ता",
          "combining": "cafe\u0301 re\u0301sume\u0301"}
WRITING_SYSTEMS = {"arabic": "Arabic", "hebrew": "Hebrew", "devanagari": "Devanagari", "combining": "Latin"}


@pytest.mark.parametrize("script", SHAPED)
def test_text_that_needs_shaping_is_shaped_in_the_body_and_the_notes(script: str, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Latin prose is drawn without HarfBuzz (faster); joined scripts, marks and RTL text still go through it:
    wherever the words are drawn, their glyphs are the ones a shaped layout of them gives."""
    from PySide6.QtGui import QFont, QFontDatabase

    # With no font for the script Qt draws boxes, and QRawFont.familyName() of its box engine segfaults
    if not QFontDatabase.families(getattr(QFontDatabase.WritingSystem, WRITING_SYSTEMS[script])):
        pytest.skip(f"no installed font has {script} letters (e.g. only DejaVu: install fonts-noto-core)")
    words = SHAPED[script]
    text = f"# Plan\n\nThe rollout: {words}.\n"
    doc = parse_markdown(text)
    spy = Spy(monkeypatch)
    export_pdf(_review(doc, [placed(text, words, title=words, rationale=words)]), doc, tmp_path / "shaped.pdf")
    found, block = 0, spy.report.doc.begin()  # type: ignore[union-attr]
    while block.isValid():
        at = block.text().find(words)
        while at >= 0:
            ours = _glyphs(block.layout().glyphRuns(at, len(words)))
            font = next(f.charFormat().font() for f in _fragments(block)
                        if f.position() <= block.position() + at < f.position() + f.length())
            shaped, unshaped = (_glyphs(_layout(words, font, strategy).glyphRuns()) for strategy in
                                (QFont.StyleStrategy.PreferDefault, QFont.StyleStrategy.PreferNoShaping))
            assert ours == shaped, (script, block.text())
            if script in ("arabic", "combining"):  # unshaped, these would be isolated letters and loose accents
                assert ours != unshaped
            found += 1
            at = block.text().find(words, at + 1)
        block = block.next()
    assert found >= 4  # the body, and the note's title, quote and rationale


def _fragments(block):  # type: ignore[no-untyped-def]
    it = block.begin()
    while not it.atEnd():
        yield it.fragment()
        it += 1


def _glyphs(runs) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    return sorted((run.rawFont().familyName(), g) for run in runs for g in run.glyphIndexes())


def _layout(text: str, font, strategy):  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QFont, QTextLayout

    f = QFont(font)
    f.setStyleStrategy(strategy)
    layout = QTextLayout(text, f)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    return layout


@pytest.mark.parametrize("size", sorted(pdf_export.PAGE_SIZES))
def test_pages_are_cut_where_qt_lays_them_out(size: str) -> None:
    """Qt lays pages out in 1/64 pixel; a page height it must round drifted from the one the report clips
    by (14 px by page 2,700: a note's title alone at a page's foot, a line drawn hidden on two pages)."""
    from PySide6.QtCore import QBuffer

    r = pdf_export._Report(pdf_export._writer(QBuffer(), "t", size))
    assert r.page_h * 64 == int(r.page_h * 64)
    assert r.doc.pageSize().height() == r.page_h


def test_no_line_is_drawn_outside_its_page(qapp: object, tmp_path: Path) -> None:
    """Qt draws every line of a paragraph that touches a page, the clip only hides them: a paragraph running
    onto the next page is split there, and no text lies outside a page's text area (where search and copy
    would still find it) — on main, 154 words of the sample were, mostly a note's last line before a break."""
    import html
    import re
    import subprocess

    from PySide6.QtCore import QBuffer
    from test_export_pdf import NAMES, _tool, sample_review

    review, doc = sample_review()
    out = export_pdf(review, doc, tmp_path / "sample.pdf", names=NAMES)
    r = pdf_export._Report(pdf_export._writer(QBuffer(), "t", "A4"))
    top = 16 / 25.4 * 72  # the page layout's top margin, in points
    bottom = top + r.page_h / r.px
    boxes = subprocess.run([_tool("pdftotext"), "-bbox", str(out), "-"], capture_output=True, text=True,
                           check=True).stdout
    outside = []
    for n, page in enumerate(boxes.split("<page ")[1:], 1):
        words = [(float(y0), float(y1), html.unescape(w)) for y0, y1, w in
                 re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', page)]
        footer = max(y0 for y0, _, w in words if w == "Page")
        outside += [(n, w) for y0, y1, w in words if abs(y0 - footer) > 1 and (y0 < top - 1 or y1 > bottom + 1)]
    assert not outside, outside[:10]


def test_runs_name_only_installed_font_families_in_the_reports_order() -> None:
    """Qt walks a run's whole family list each time it lays out or draws the run; the report names only the
    families installed here (the ones Qt would use anyway), in its order of preference."""
    from PySide6.QtGui import QFontDatabase

    installed = set(QFontDatabase.families())
    for mono, wanted in ((False, pdf_export.SANS), (True, pdf_export.MONO)):
        families = pdf_export._families(mono)
        assert list(families) == [f for f in wanted if f in installed] or families == (wanted[0],)
        assert pdf_export._char_format(9.5, False, False, 0xFF000000, mono).fontFamilies() == list(families)


def test_a_body_with_lists_tables_and_code_is_laid_out_for_the_pdf_writer(monkeypatch: pytest.MonkeyPatch,
                                                                           tmp_path: Path) -> None:
    """The header and body are written in edits, each laid out when it closes. Lists and tables make Qt create
    a document's layout early (for the screen's resolution, when no writer is set yet): every block must sit
    where a full layout for the PDF writer puts it (one measured for the screen draws at the wrong size)."""
    from test_export_pdf import Spy

    items = "\n".join(f"- item {i} where we ship to all users" for i in range(40))
    rows = "\n".join(f"| row {i} | ship to all users |" for i in range(40))
    text = f"# Plan\n\n{items}\n\n| A | B |\n|---|---|\n{rows}\n\n```\ncode line\n```\n\n{LONG}.\n"
    doc = parse_markdown(text)
    spy = Spy(monkeypatch)
    export_pdf(_review(doc, [placed(text, "ship to all users")]), doc, tmp_path / "lists.pdf")
    report = spy.report.doc  # type: ignore[union-attr]
    layout = report.documentLayout()

    def tops() -> list[tuple[float, float]]:
        found, block = [], report.begin()
        while block.isValid():
            rect = layout.blockBoundingRect(block)
            found.append((round(rect.top(), 2), round(rect.height(), 2)))
            block = block.next()
        return found

    laid_out = tops()
    assert layout.paintDevice() is not None and len(laid_out) > 80
    report.markContentsDirty(0, report.characterCount())  # everything again, for the writer
    assert tops() == laid_out


def test_every_heading_of_a_long_draft_shares_its_page_with_what_follows(monkeypatch: pytest.MonkeyPatch,
                                                                         tmp_path: Path) -> None:
    """The body is laid out a chunk at a time, each chunk's headings kept with what follows (for the whole body at
    once, each break laid out all the rest again: 7.6 s for a draft of 20,000 paragraphs). No heading ends a
    page, whichever chunk it or the paragraph after it fell in."""
    from test_export_pdf import Spy

    lines = []
    for i in range(900):  # 300 headings, 13 of them where a page would end (on DejaVu Sans)
        if i % 3 == 0:
            lines += [f"## Section {i // 3}", ""]
        lines += [f"Paragraph {i} says what we do in week {i}." + " And why it matters." * (i * 7 % 11), ""]
    doc = parse_markdown("\n".join(lines))
    spy = Spy(monkeypatch)
    export_pdf(_review(doc, []), doc, tmp_path / "headings.pdf")
    report = spy.report  # type: ignore[union-attr]
    layout, block, checked = report.doc.documentLayout(), report.doc.begin(), 0
    while block.isValid() and block.next().isValid():
        if block.text().startswith("Section "):
            top = layout.blockBoundingRect(block).top()
            after = layout.blockBoundingRect(block.next()).top() + block.next().layout().lineAt(0).height()
            assert top // report.page_h == after // report.page_h, block.text()
            checked += 1
        block = block.next()
    assert checked >= 300 and report.doc.pageCount() > 40  # and the title on page 1
