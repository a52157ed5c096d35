"""HTML export: exact highlights on the rendered Markdown, inert model and document text, no network.

Run as a script to refresh ``docs/screenshots/export-html.png`` (needs Chromium):
``python tests/test_export_html.py``.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest
from export_samples import placed, sample_critics, sample_debate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doccritic.core.checks import run_checks
from doccritic.core.debates import Citation, Debate, Interjection, Summary, SummaryPoint, Turn
from doccritic.core.document import Document
from doccritic.core.findings import (
    Anchor,
    DocumentInfo,
    Finding,
    Kind,
    Reply,
    Review,
    Severity,
    Source,
    Status,
)
from doccritic.formats.html_export import export_html
from doccritic.formats.markdown import parse_markdown
from doccritic.formats.text import parse_text

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "resources" / "samples" / "sample-prd.md"
SCREENSHOT = REPO / "docs" / "screenshots" / "export-html.png"
NAMES = {"staff-engineer": "Staff Engineer", "skeptical-exec": "Skeptical Exec", "devils-advocate": "Devil's Advocate"}
COLORS = {"staff-engineer": "#2f6fed", "skeptical-exec": "#64748b", "devils-advocate": "#dc2626"}
EVIL = '<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) "\u2028</script>'


class Page(HTMLParser):
    """The parsed export: text per highlight, scripts, attributes, and whether tags nest properly."""

    VOID: ClassVar[set[str]] = {"meta", "br", "hr", "img", "input", "link", "wbr"}

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.marks: dict[str, list[str]] = {}
        self.cites: dict[str, list[str]] = {}
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.errors: list[str] = []
        self.ids: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs += [(tag, k, v) for k, v in attrs]
        self.ids += [v for k, v in attrs if k == "id" and v]
        if tag == "script":
            self.scripts.append((dict(attrs), ""))
        if tag not in self.VOID:
            self.stack.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1][0] if self.stack else 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1][0] == "script":
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)
        open_ids = {a["data-id"] for t, a in self.stack if t == "mark" and a.get("data-id")}
        for i in open_ids:
            self.marks.setdefault(i, []).append(data)
        for n in {a["data-cite"] for t, a in self.stack if t == "mark" and a.get("data-cite")}:
            self.cites.setdefault(n, []).append(data)

    def text_of(self, finding_id: str) -> str:
        return "".join(self.marks.get(finding_id, []))


def _review(text: str, findings: list[Finding], fmt: str = "markdown", debates: list[Debate] = ()) -> Review:
    return Review(document=DocumentInfo(format=fmt, fingerprint="0" * 64, text=text), findings=findings,
                  debates=[d.model_dump(mode="json") for d in debates])


def _export(text: str, quotes: list[str], **kw: object) -> tuple[Page, list[Finding], str]:
    doc = parse_markdown(text)
    findings = [placed(text, q) for q in quotes]
    out = export_html(_review(text, findings), doc, **kw)  # type: ignore[arg-type]
    page = Page(out)
    assert not page.errors, page.errors
    return page, findings, out


# ------------------------------------------------------------------------------------------------
# Highlights
MD = """# Launch plan 🚀

Some **bold** text and _emphasis_ here. 我们将在所有市场同时上线，不做灰度。 Emoji 👩🏽‍💻 inside.

- First item is short.
- Second item has `code` and a [link](https://example.com/a) in it.

Para one ends here.

Para two starts here. The end.

| Name | Value |
|------|-------|
| Alpha | 12 |
"""


@pytest.mark.parametrize(("quote", "rendered"), [
    ("**bold** text", "bold text"),
    ("bold** text and _emphasis", "bold text and emphasis"),
    ("我们将在所有市场同时上线", "我们将在所有市场同时上线"),
    ("👩🏽‍💻 inside.", "👩🏽‍💻 inside."),
    ("Launch plan 🚀", "Launch plan 🚀"),
    ("`code` and a [link](https://example.com/a) in", "code and a link in"),
    ("Alpha", "Alpha"),
])
def test_highlight_is_exactly_the_rendered_quote(quote: str, rendered: str) -> None:
    page, (f,), _ = _export(MD, [quote])
    assert page.text_of(f.id) == rendered


def test_spans_crossing_blocks_cover_both_sides() -> None:
    page, (items, paras, cells), _ = _export(MD, ["is short.\n- Second item", "here.\n\nPara two", "Value |\n|---"])
    assert page.text_of(items.id) == "is short.Second item"  # block boundaries carry no mark
    assert page.text_of(paras.id) == "here.Para two"
    assert page.ids.count(f"f-{items.id}") == 1
    assert page.text_of(cells.id).strip() == "Value"  # the delimiter row is not content


def test_overlapping_and_nested_spans() -> None:
    quotes = ["Some **bold** text", "text and _emphasis_ here", "bold", "Some **bold** text"]
    page, fs, _ = _export(MD, quotes)
    assert [page.text_of(f.id) for f in fs] == ["Some bold text", "text and emphasis here", "bold", "Some bold text"]
    for f in fs:  # each finding's first segment is the scroll target, once
        assert page.ids.count(f"f-{f.id}") == 1


def test_check_findings_on_the_sample_land_on_their_rendered_quotes() -> None:
    from markdown_it import MarkdownIt

    text = SAMPLE.read_text(encoding="utf-8")
    doc = parse_markdown(text)
    findings = run_checks(doc).findings
    page = Page(export_html(_review(text, findings), doc))
    assert not page.errors
    placed = [f for f in findings if f.placed]
    assert len(placed) >= 5
    for f in placed:
        rendered = html.unescape(re.sub(r"<[^>]+>", "", MarkdownIt("commonmark").renderInline(f.quote)))
        assert page.text_of(f.id) == rendered, f.rule


TRICKY = """# T

AT&amp;T and \\*not em\\* and [a link](https://example.com/path_x) here.

> quoted line one
> quoted line two

1. first
   continued
2. second

```python
x = '<b>'
```

snake_case_name and __dunder__ end.
"""
TRICKY_QUOTES = ["amp;T and", "*not em", "example.com/path_x) here", "one\n> quoted", "first\n   continued",
                 "x = '<b>'", "case_name", "```python\nx", "__dunder__ end", "T\n\nAT"]


def _unmarked(text: str) -> str:
    """The document as the page shows it with no highlight at all."""
    out = export_html(_review(text, []), parse_markdown(text))
    return out[out.index("<article>") + 9 : out.index("</article>")]


def test_marks_never_change_the_rendering() -> None:
    page, fs, out = _export(TRICKY, TRICKY_QUOTES)
    article = out[out.index("<article>") + 9 : out.index("</article>")]
    assert re.sub(r"<mark[^>]*>|</mark>", "", article) == _unmarked(TRICKY)
    marked = {f.quote: page.text_of(f.id) for f in fs}  # what is shown of the quote, as in Word and the PDF
    assert marked == {"amp;T and": "T and", "*not em": "*not em", "example.com/path_x) here": " here",
                      "one\n> quoted": "one\nquoted", "first\n   continued": "first\ncontinued",
                      "x = '<b>'": "x = '<b>'", "case_name": "case_name", "```python\nx": "x",
                      "__dunder__ end": "dunder end", "T\n\nAT": "TAT"}


SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8")
SAMPLE_DOC = parse_markdown(SAMPLE_TEXT)
UNMARKED_SAMPLE = _unmarked(SAMPLE_TEXT)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(SAMPLE_TEXT) - 1), st.integers(1, 400)), min_size=1, max_size=8))
def test_any_spans_keep_the_page_well_formed_and_the_rendering_intact(spans: list[tuple[int, int]]) -> None:
    findings = [Finding(source=Source.CRITIC, kind=list(Kind)[i % 4], severity=Severity.MAJOR, title="t",
                        quote=SAMPLE_TEXT[a : a + n], start=a, end=min(a + n, len(SAMPLE_TEXT)), anchor=Anchor.EXACT)
                for i, (a, n) in enumerate(spans)]
    out = export_html(_review(SAMPLE_TEXT, findings), SAMPLE_DOC)
    page = Page(out)
    assert not page.errors
    article = out[out.index("<article>") + 9 : out.index("</article>")]
    assert re.sub(r"<mark[^>]*>|</mark>", "", article) == UNMARKED_SAMPLE
    for f in findings:
        assert out.count(f'id="card-{f.id}"') == 1
        assert page.ids.count(f"f-{f.id}") == (1 if f.id in page.marks else 0)


def test_unplaced_and_code_findings_are_listed_with_a_reason() -> None:
    text = "# T\n\nPlain text.\n\n```\nx = 1\n```\n"
    doc = parse_markdown(text)
    lost = Finding(source=Source.CRITIC, kind=Kind.OPEN_QUESTION, severity=Severity.MINOR, title="Lost",
                   quote="never there", anchor=Anchor.UNANCHORED)
    whole = Finding(source=Source.CHECK, kind=Kind.OPEN_QUESTION, severity=Severity.MAJOR, title="No metrics",
                    anchor=Anchor.DOCUMENT)
    code = placed(text, "x = 1")
    out = export_html(_review(text, [lost, whole, code]), doc)
    page = Page(out)
    assert page.text_of(code.id) == "x = 1" and "In code" in out
    assert "Quote not found in the text" in out and "About the whole document" in out
    other = out[out.index('data-group="other"'):]
    assert f'data-id="{lost.id}"' in other and f'data-id="{whole.id}"' in other


def test_plain_text_documents_render_blocks_with_the_same_highlights() -> None:
    text = "Title\n=====\n\nA *plain* paragraph that\nwraps.\n\n- bullet one\n- bullet two\n"
    doc = parse_text(text)
    f = placed(text, "paragraph that\nwraps.\n\n- bullet one")
    out = export_html(_review(text, [f], fmt="text"), doc)
    page = Page(out)
    assert not page.errors
    assert page.text_of(f.id) == "paragraph that\nwraps.bullet one"  # the list marker is drawn by the list
    assert "A *plain* " in out and "<h1>" in out and "<ul>\n<li>" in out  # no Markdown parsing for text files


def test_docx_documents_render_headings_paragraphs_and_tables(tmp_path: Path) -> None:
    import docx

    from doccritic.formats.docx import load_docx

    d = docx.Document()
    d.add_heading("Rollout 🚀", level=1)
    d.add_paragraph("We launch to everyone at once <script>alert(1)</script>.")
    table = d.add_table(rows=2, cols=2)
    for r, row in enumerate([("Risk", "Owner"), ("Chargebacks", "Marcus")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    d.add_paragraph("After the table.")
    d.save(tmp_path / "prd.docx")
    doc = load_docx(tmp_path / "prd.docx")
    findings = [placed(doc.text, "everyone at once"), placed(doc.text, "Chargebacks"),
                placed(doc.text, "Marcus\nAfter the")]
    out = export_html(_review(doc.text, findings, fmt="docx"), doc)
    page = Page(out)
    assert not page.errors and "<h1>" in out and out.count("<td>") == 4
    assert [page.text_of(f.id) for f in findings] == ["everyone at once", "Chargebacks", "MarcusAfter the"]
    assert [a.get("type") for a, _ in page.scripts] == ["application/json", None]


def test_dismissed_and_check_findings_follow_the_options() -> None:
    text = "# T\n\nOne two three.\n"
    doc = parse_markdown(text)
    gone = placed(text, "One", status=Status.DISMISSED)
    check = placed(text, "three", source=Source.CHECK, persona=None)
    assert f'data-id="{gone.id}"' not in export_html(_review(text, [gone, check]), doc)
    assert f'data-id="{gone.id}"' in export_html(_review(text, [gone, check]), doc, include_dismissed=True)
    assert f'data-id="{check.id}"' not in export_html(_review(text, [gone, check]), doc, include_checks=False)


def test_changed_document_highlights_nothing() -> None:
    text = "# T\n\nOne two three.\n"
    f = placed(text, "two")
    out = export_html(_review(text, [f]), parse_markdown(text + "More.\n"))
    assert "<mark" not in out and "document changed" in out


# ------------------------------------------------------------------------------------------------
# Safety
def _evil_debate(text: str) -> Debate:
    quote = "alert(1)"
    start = text.index(quote)
    cite = Citation(quote=quote, start=start, end=start + len(quote), anchor=Anchor.EXACT)
    return Debate(motion=EVIL, pro="<b onmouseover=x>", con="devils-advocate", opener="devils-advocate",
                  focus=EVIL,
                  turns=[Turn(index=1, speaker="<b onmouseover=x>", side="for", text=EVIL, citations=[cite])],
                  interjections=[Interjection(after_turn=1, text=EVIL)],
                  summary=Summary(verdict=EVIL, points=[SummaryPoint(category="change", text=EVIL, citations=[cite])]))


def test_script_and_handlers_in_the_draft_and_the_models_stay_inert() -> None:
    text = f"# Title {EVIL}\n\nBody {EVIL}\n\n<div onclick=alert(1)>raw block</div>\n\n![pic](http://evil.example/x.png)\n"
    doc = parse_markdown(text)
    f = placed(text, "alert(1)", title=EVIL, rationale=EVIL, suggestion=EVIL, question=EVIL, persona=EVIL,
                 replies=[Reply(author=EVIL, text=EVIL)])
    out = export_html(_review(text, [f], debates=[_evil_debate(text)]), doc, names={EVIL: EVIL},
                      colors={"devils-advocate": "red;background:url(http://x)"}, title=EVIL)
    page = Page(out)
    assert not page.errors
    assert [a.get("type") for a, _ in page.scripts] == ["application/json", None]  # only ours
    assert page.scripts[1][1].lstrip().startswith("// doccritic HTML export")
    assert not [(t, k) for t, k, _ in page.attrs if k.lower().startswith("on")]
    hrefs = [v or "" for t, k, v in page.attrs if k == "href"]
    assert hrefs and all(re.match(r"(#|https?:|mailto:)", h) for h in hrefs), hrefs
    assert not [v for t, k, v in page.attrs if k == "src"]
    assert "url(http" not in out and "<img" not in out
    data = json.loads(page.scripts[0][1])  # the JSON block round-trips despite </script> and U+2028
    assert data["findings"][0]["search"].count("</script>") >= 1
    assert "</script>" not in page.scripts[0][1] and "\u2028" not in page.scripts[0][1]
    assert page.text_of(f.id) == "alert(1)"


def test_no_network_and_a_strict_policy() -> None:
    text = "# T\n\nSee [docs](https://example.com) and ![logo](https://example.com/logo.png) and <https://a.example>.\n"
    out = export_html(_review(text, []), parse_markdown(text))
    page = Page(out)
    csp = [v for t, k, v in page.attrs if t == "meta" and k == "content" and v and "default-src" in v]
    assert len(csp) == 1 and "default-src 'none'" in csp[0] and "img-src data:" in csp[0]
    assert "script-src 'sha256-" in csp[0] and "'unsafe-inline'" not in csp[0].split("script-src")[1].split(";")[0]
    assert not [v for t, k, v in page.attrs if k == "src"]
    assert not re.search(r"<link\b|@import|url\(\s*['\"]?https?:", out)
    links = [dict(a) for t, a in _anchors(out)]
    assert links and all(a.get("rel") == "noopener noreferrer" for a in links if a["href"].startswith("http"))
    assert "[image: logo]" in out


def _anchors(markup: str) -> list[tuple[str, list[tuple[str, str]]]]:
    return [("a", re.findall(r'(\w+)="([^"]*)"', m)) for m in re.findall(r"<a\b[^>]*>", markup)]


# ------------------------------------------------------------------------------------------------
# Sample review and the browser
def sample_review() -> tuple[Review, Document]:
    """The sample PRD with its check findings, two critics' findings and one debate."""
    text = SAMPLE.read_text(encoding="utf-8")
    doc = parse_markdown(text)
    critics, debate = sample_critics(text), sample_debate(text)
    review = _review(text, run_checks(doc).findings + critics, debates=[debate])
    return review, doc


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return path


def _browser(chromium: str, page: Path, *args: str, fragment: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--no-first-run", "--disable-extensions", "--virtual-time-budget=3000", *args,
                           page.as_uri() + fragment], capture_output=True, text=True, timeout=90)


def screenshot(chromium: str, target: Path, size: str = "1400,1000", fragment: str = "") -> Path:
    """The sample export as Chromium shows it; ``fragment`` (``#finding=<id>``) selects a finding first."""
    review, doc = sample_review()
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "export.html"
        page.write_text(export_html(review, doc, names=NAMES, colors=COLORS), encoding="utf-8")
        _browser(chromium, page, f"--screenshot={target}", f"--window-size={size}", fragment=fragment)
    return target


def test_the_page_runs_in_headless_chromium(tmp_path: Path) -> None:
    chromium = _chromium()
    review, doc = sample_review()
    page = tmp_path / "export.html"
    page.write_text(export_html(review, doc, names=NAMES, colors=COLORS), encoding="utf-8")
    dom = _browser(chromium, page, "--dump-dom").stdout
    assert 'data-ready="1"' in dom, dom[-2000:]
    total = len([f for f in review.findings if f.status is not Status.DISMISSED])
    assert re.search(rf'id="dc-shown">{total} findings<', dom)
    linked = _browser(chromium, page, "--dump-dom", fragment="#finding=critic-cause").stdout
    assert re.search(r'<article class="card [^"]*selected" id="card-critic-cause"', linked)
    assert re.search(r'<mark id="f-critic-cause" class="[^"]*\bselected\b', linked)
    for hostile in ("#finding=__proto__", "#finding=constructor", "#finding=%E0%A4%A"):  # the script runs on
        assert 'data-ready="1"' in _browser(chromium, page, "--dump-dom", fragment=hostile).stdout, hostile
    shot = screenshot(chromium, tmp_path / "shot.png")
    assert shot.is_file() and shot.stat().st_size > 10_000


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else SCREENSHOT
    target.parent.mkdir(parents=True, exist_ok=True)
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        sys.exit("chromium is not installed")
    print(screenshot(found, target, fragment="#finding=critic-cause"))


def test_kind_colours_are_the_windows_and_the_counts_read_on_the_page() -> None:
    from doccritic.ui.style import KIND_STYLES, contrast

    _, _, out = _export(MD, [])
    light_css, dark_css = out.split("@media (prefers-color-scheme: dark)", 1)
    light = dict(re.findall(r"--k-(\w+):(#[0-9a-fA-F]{6});", light_css))
    dark = dict(re.findall(r"--k-(\w+):(#[0-9a-fA-F]{6});", dark_css.split("}}", 1)[0]))
    for kind, style in KIND_STYLES.items():
        assert (light[kind.value], dark[kind.value]) == (style.light, style.dark), kind
        assert contrast(light[kind.value], "#ffffff") >= 4.5, kind  # the chip counts are kind-coloured text
