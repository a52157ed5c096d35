"""Every export puts a finding's comment on exactly its words (#21 item 2).

Generated Markdown mixes inline code (with line wraps inside it, or a backtick), links (with brackets in
their text, a title, or by reference), emphasis and soft line wraps; a finding covers a run of whole inline
pieces, and the Word comment, the HTML highlight, the PDF's tint and the CriticMarkup highlight must each
cover exactly that quote. A wrapped code span once shifted every Word comment after it onto the wrong
letters; a link whose text held brackets once got its CriticMarkup inside the link. All four place on the
export form's one parse (Markdown: its code spans and links are what a highlight widens over).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from doccritic.core.findings import Anchor, Finding, Kind, Severity, Source
from doccritic.formats.criticmarkup import export_criticmarkup, strip_criticmarkup
from doccritic.formats.docx_export import export_docx
from doccritic.formats.html_export import export_html
from doccritic.formats.markdown import parse_markdown
from doccritic.formats.review_json import review_for

_WORDS = st.sampled_from(["go", "test", "race", "now", "works", "ship", "users", "rollout", "owner", "data"])
_GAP = st.sampled_from([" ", " ", "\n"])  # a soft wrap is shown as a space


def _words(draw: st.DrawFn, lo: int = 1, hi: int = 3) -> tuple[str, str]:
    words = draw(st.lists(_WORDS, min_size=lo, max_size=hi))
    gaps = [draw(_GAP) for _ in words[1:]]
    source = words[0] + "".join(g + w for g, w in zip(gaps, words[1:], strict=True))
    return source, " ".join(words)


@st.composite
def _piece(draw: st.DrawFn) -> tuple[str, str]:
    """One inline piece as (Markdown source, text a reader sees)."""
    kind = draw(st.sampled_from(["word", "word", "code", "em", "strong", "link", "code2", "nested", "titled", "ref"]))
    source, shown = _words(draw, 1, 1 if kind == "word" else 3)
    if kind == "code":
        return f"`{source}`", shown
    if kind == "code2":  # a backtick inside: two of them around
        return f"``{source} ` x``", f"{shown} ` x"
    if kind == "nested":  # brackets in a link's text
        return f"[{source} [x]](https://example.com/n)", f"{shown} [x]"
    if kind == "titled":  # a title with parentheses
        return f'[{source}](https://example.com/t "a (b) c")', shown
    if kind == "ref":  # a reference link, defined after the paragraph
        return f"[{source}][r]", shown
    if kind == "em":
        return f"*{source}*", shown
    if kind == "strong":
        return f"**{source}**", shown
    if kind == "link":
        return f"[{source}](https://example.com/{shown.split()[0]})", shown
    return source, shown


@st.composite
def _paragraph_and_quote(draw: st.DrawFn) -> tuple[str, int, int, str]:
    """Markdown (a heading and one paragraph), a quote's [start, end) in it, and the quote as shown."""
    pieces = draw(st.lists(_piece(), min_size=2, max_size=8))
    gaps = [draw(_GAP) for _ in pieces[1:]]
    head = "# Notes\n\n"
    bounds, source, shown = [], head, []
    for n, (src, text) in enumerate(pieces):
        if n:
            source += gaps[n - 1]
        bounds.append((len(source), len(source) + len(src)))
        source += src
        shown.append(text)
    i = draw(st.integers(0, len(pieces) - 1))
    j = draw(st.integers(i, len(pieces) - 1))
    return source + "\n\n[r]: https://example.com/r\n", bounds[i][0], bounds[j][1], " ".join(shown[i : j + 1])


class _Marks(HTMLParser):
    """Text inside the <mark> elements of one finding."""

    def __init__(self, finding_id: str) -> None:
        super().__init__()
        self.id, self.depth, self.text = finding_id, 0, ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.depth += 1
        elif tag == "mark" and ("data-id", self.id) in attrs:
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        self.depth = max(self.depth - 1, 0)

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text += data


def _word_comment_text(path: Path) -> str:
    """The text the first Word comment is anchored on, in document order."""
    body = docx.Document(str(path)).element.body
    inside, text = False, ""
    for el in body.iter(qn("w:commentRangeStart"), qn("w:commentRangeEnd"), qn("w:t")):
        if el.tag == qn("w:commentRangeStart"):
            inside = True
        elif el.tag == qn("w:commentRangeEnd"):
            break
        elif inside:
            text += el.text or ""
    return text


_ISSUE = "# Notes\n\nRun `go test\n-race` now. Of course it works.\n"
_NESTED = "# Notes\n\nSee [the [draft] plan](https://example.com/a) now.\n"
_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                             HealthCheck.function_scoped_fixture])


@_SETTINGS
@given(case=_paragraph_and_quote())
@example(case=(_ISSUE, _ISSUE.index("now"), _ISSUE.index("now") + 3, "now"))
@example(case=(_ISSUE, _ISSUE.index("works"), _ISSUE.index("works") + 5, "works"))
@example(case=(_NESTED, _NESTED.index("[the"), _NESTED.index(" now"), "the [draft] plan"))
def test_each_export_highlights_exactly_the_quote(case, tmp_path):
    source, start, end, shown = case
    doc = parse_markdown(source, Path("notes.md"))
    finding = Finding(kind=Kind.WEAK_ARGUMENT, source=Source.CRITIC, persona="staff-engineer", id="f1",
                      severity=Severity.MAJOR, title="t", quote=source[start:end], start=start, end=end,
                      anchor=Anchor.EXACT)
    review = review_for(doc, [finding])

    out = export_docx(review, doc, tmp_path / "notes.docx")
    assert _word_comment_text(out) == shown

    marks = _Marks("f1")
    marks.feed(export_html(review, doc))
    assert " ".join(marks.text.split()) == shown

    annotated = export_criticmarkup(review, doc)
    assert strip_criticmarkup(annotated) == source
    assert re.findall(r"\{==(.*?)==\}", annotated, re.S) == [source[start:end]]


def _pdf_tinted_text(report: object) -> str:
    """The body's characters drawn with a highlight tint (markers and untinted code left out)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QTextCharFormat

    from doccritic.ui.pdf_export import PAPER_2

    blocks, block = [], report.doc.begin()  # type: ignore[attr-defined]
    while block.isValid():
        blocks.append(block)
        block = block.next()
    notes = max(i for i, b in enumerate(blocks) if b.text() == "Notes")  # the report's, after the document's
    text = ""
    for block in blocks[:notes]:
        it = block.begin()
        while not it.atEnd():
            fmt, piece = it.fragment().charFormat(), it.fragment().text()
            it += 1
            brush = fmt.background()
            if fmt.verticalAlignment() != QTextCharFormat.VerticalAlignment.AlignSuperScript \
                    and brush.style() != Qt.BrushStyle.NoBrush and brush.color() != PAPER_2:
                text += piece
        text += " "
    return " ".join(text.split())


@_SETTINGS
@given(case=_paragraph_and_quote())
@example(case=(_ISSUE, _ISSUE.index("now"), _ISSUE.index("now") + 3, "now"))
@example(case=(_ISSUE, _ISSUE.index("works"), _ISSUE.index("works") + 5, "works"))
def test_the_pdf_tints_exactly_the_quote(case, tmp_path, qapp, monkeypatch):
    from doccritic.ui import pdf_export

    source, start, end, shown = case
    doc = parse_markdown(source, Path("notes.md"))
    finding = Finding(kind=Kind.WEAK_ARGUMENT, source=Source.CRITIC, persona="staff-engineer", id="f1",
                      severity=Severity.MAJOR, title="t", quote=source[start:end], start=start, end=end,
                      anchor=Anchor.EXACT)
    drawn: list[object] = []
    real = pdf_export._render
    monkeypatch.setattr(pdf_export, "_render", lambda r, w, t: (drawn.append(r), real(r, w, t)))
    pdf_export.export_pdf(review_for(doc, [finding]), doc, tmp_path / "notes.pdf")
    assert _pdf_tinted_text(drawn[-1]) == shown


_INSIDE = [  # (Markdown, the quote: words inside a link or code span, the construct the Markdown note wraps)
    ("See [the [draft] plan](https://example.com/a) now.\n", "plan", "[the [draft] plan](https://example.com/a)"),
    ('See [the plan](https://example.com/a "t (x)") now.\n', "plan", '[the plan](https://example.com/a "t (x)")'),
    ("See [the plan][r] now.\n\n[r]: https://example.com/r\n", "plan", "[the plan][r]"),
    ("Run ``go ` test`` now.\n", "test", "``go ` test``"),
    ("See ![a plan](https://example.com/p.png) and [the\nplan](https://example.com/b) now.\n", "the", None),
]


@pytest.mark.parametrize(("body", "quote", "wrapped"), _INSIDE)
def test_a_quote_inside_a_link_or_code_span(body, quote, wrapped, tmp_path, qapp, monkeypatch):
    """Word, HTML and the PDF mark exactly the quoted words inside a link or code span; Markdown cannot put
    CriticMarkup inside them (it would show in the link's text, or literally in code), so its highlight
    covers the whole construct as markdown-it reads it: the same parse every other writer places on."""
    from doccritic.ui import pdf_export

    source = "# Notes\n\n" + body
    start = source.index(quote, source.index("[") if "[" in source else source.index("`"))
    if wrapped is None:  # the quote in the second link, after an image whose alt holds the same word
        start = source.index(quote, source.index("and"))
        wrapped = source[source.index("[", start - 2) : source.index(")", start) + 1]
    doc = parse_markdown(source, Path("notes.md"))
    finding = Finding(kind=Kind.WEAK_ARGUMENT, source=Source.CRITIC, persona="staff-engineer", id="f1",
                      severity=Severity.MAJOR, title="t", quote=quote, start=start, end=start + len(quote),
                      anchor=Anchor.EXACT)
    review = review_for(doc, [finding])
    assert _word_comment_text(export_docx(review, doc, tmp_path / "notes.docx")) == quote
    marks = _Marks("f1")
    marks.feed(export_html(review, doc))
    assert " ".join(marks.text.split()) == quote
    drawn: list[object] = []
    real = pdf_export._render
    monkeypatch.setattr(pdf_export, "_render", lambda r, w, t: (drawn.append(r), real(r, w, t)))
    pdf_export.export_pdf(review, doc, tmp_path / "notes.pdf")
    assert _pdf_tinted_text(drawn[-1]) == quote
    annotated = export_criticmarkup(review, doc)
    assert strip_criticmarkup(annotated) == source
    assert re.findall(r"\{==(.*?)==\}", annotated, re.S) == [wrapped]
