"""Markdown export: CriticMarkup and footnotes that strip back to the document byte for byte."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from conftest import corpus_files
from doccritic.core.checks import run_checks
from doccritic.core.document import BlockKind, Document
from doccritic.core.findings import (
    Anchor,
    DocumentInfo,
    Finding,
    Kind,
    Reply,
    Reversibility,
    Review,
    Severity,
    Source,
    Status,
)
from doccritic.formats.criticmarkup import export_criticmarkup, strip_criticmarkup, strip_footnotes
from doccritic.formats.markdown import _parser, load_markdown, parse_markdown

NAMES = {"staff": "Staff Engineer", "sec": "Security", "pm": "PM"}
HIGHLIGHT = re.compile(r"\{==((?:(?!\{==(?!=*\}\{>>)|\{>>).)*?)==\}((?:\{>>[^\r\n]*?<<\})+)", re.S)

GOLDEN_DOC = """---
title: Smart reminders
---
# Smart reminders

We will charge every account automatically. Users love it.

```sh
rm -rf /data
```

- Roll out to 100% on day one
"""

GOLDEN_CRITIC = """---
title: Smart reminders
---

{>>doccritic, whole document: doccritic checks · Open question · major: No success metrics<<}

# Smart reminders

We will {==charge every account automatically==}{>>Staff Engineer · One-way door · critical: Charges \
everyone at once — No opt-in. Costly to undo. Suggestion: Ask first. Incomplete: the critic left out \
reversibility.<<}. {==Users love it.==}{>>doccritic checks · Weak argument · minor: Unsupported claim — Says \
who?<<}

```sh
rm -rf /data
```

{>>In the code block above (“rm -rf /data”): Security · One-way door · critical: Deletes data — \
Irreversible \\<\\< } really }. Incomplete: the critic left out reversibility.<<}


- Roll out to {==100% on day one==}{>>PM · Open question · major: Why \\| all? — Question to expect: Can \
we pilot? Status: accepted. Reply from Ana: Pilot first.<<}
"""

GOLDEN_FOOTNOTES = """---
title: Smart reminders
---

[^dc-1]

# Smart reminders

We will charge every account automatically.[^dc-2] Users love it.[^dc-3]

```sh
rm -rf /data
```

[^dc-4]


- Roll out to 100% on day one[^dc-5]


[^dc-1]: doccritic, whole document: doccritic checks · Open question · major: No success metrics
[^dc-2]: Staff Engineer · One-way door · critical: Charges everyone at once — No opt-in. Costly to undo. \
Suggestion: Ask first. Incomplete: the critic left out reversibility.
[^dc-3]: doccritic checks · Weak argument · minor: Unsupported claim — Says who?
[^dc-4]: In the code block above (“rm -rf /data”): Security · One-way door · critical: Deletes data — \
Irreversible \\<\\< } really }. Incomplete: the critic left out reversibility.
[^dc-5]: PM · Open question · major: Why \\| all? — Question to expect: Can we pilot? Status: accepted. \
Reply from Ana: Pilot first.
"""


def critic(text: str, quote: str, persona: str = "staff", *, nth: int = 0, **kw: object) -> Finding:
    start = -1
    for _ in range(nth + 1):
        start = text.index(quote, start + 1)
    return span_finding(text, start, start + len(quote), persona, **kw)


def span_finding(text: str, start: int, end: int, persona: str = "staff", **kw: object) -> Finding:
    fields: dict[str, object] = {"kind": Kind.WEAK_ARGUMENT, "severity": Severity.MAJOR, "title": "Critic says"}
    fields.update(kw)
    return Finding(source=Source.CRITIC, persona=persona, quote=text[start:end], start=start, end=end,
                   anchor=Anchor.EXACT, **fields)  # type: ignore[arg-type]


def review_of(text: str, findings: list[Finding], fmt: str = "markdown") -> Review:
    return Review(document=DocumentInfo(format=fmt, fingerprint="0" * 64, text=text),  # type: ignore[arg-type]
                  findings=findings)


def golden_findings() -> list[Finding]:
    d = GOLDEN_DOC
    return [
        critic(d, "charge every account automatically", kind=Kind.ONE_WAY_DOOR, severity=Severity.CRITICAL,
               title="Charges everyone at once", rationale="No opt-in.\nCostly to undo", suggestion="Ask first."),
        Finding(source=Source.CHECK, rule="weak.x", kind=Kind.WEAK_ARGUMENT, severity=Severity.MINOR,
                title="Unsupported claim", rationale="Says who?", quote="Users love it.",
                start=d.index("Users love it."), end=d.index("Users love it.") + 14, anchor=Anchor.EXACT),
        critic(d, "rm -rf /data", "sec", kind=Kind.ONE_WAY_DOOR, severity=Severity.CRITICAL,
               title="Deletes data", rationale="Irreversible <<} really }"),
        Finding(source=Source.CHECK, rule="gap.metrics", kind=Kind.OPEN_QUESTION, severity=Severity.MAJOR,
                title="No success metrics", anchor=Anchor.DOCUMENT),
        critic(d, "100% on day one", "pm", kind=Kind.OPEN_QUESTION, title="Why | all?", question="Can we pilot?",
               status=Status.ACCEPTED, replies=[Reply(author="Ana", text="Pilot first.")]),
    ]


def test_golden_critic_and_footnotes() -> None:
    review = review_of(GOLDEN_DOC, golden_findings())
    out = export_criticmarkup(review, names=NAMES)
    assert out == GOLDEN_CRITIC
    assert strip_criticmarkup(out) == GOLDEN_DOC
    notes = export_criticmarkup(review, names=NAMES, style="footnotes")
    assert notes == GOLDEN_FOOTNOTES
    assert strip_footnotes(notes) == GOLDEN_DOC


def test_overlapping_spans_merge_into_one_highlight_with_every_note() -> None:
    text = "Intro.\n\nWe charge every account automatically and users love it.\n"
    a = critic(text, "charge every account", title="First")
    b = critic(text, "account automatically and users", "pm", title="Second")
    c = critic(text, "users love it", "sec", title="Third")
    inner = critic(text, "every", "sec", title="Inside")
    out = export_criticmarkup(review_of(text, [c, a, inner, b]), names=NAMES)
    [(passage, notes)] = HIGHLIGHT.findall(out)
    assert passage == "charge every account automatically and users love it"
    titles = re.findall(r": (First|Second|Third|Inside)", notes)
    assert titles == ["First", "Inside", "Second", "Third"]  # document order of the findings
    touching = [critic(text, "We cha", title="A"), critic(text, "rge every", title="B")]
    out = export_criticmarkup(review_of(text, touching))
    assert "{==We cha==}{>>staff · Weak argument · major: A<<}{==rge every==}{>>" in out
    assert strip_criticmarkup(out) == text


def test_dismissed_and_checks_filters() -> None:
    text = "One claim here.\n"
    kept = critic(text, "One claim", title="Kept")
    dismissed = critic(text, "claim here", title="Dropped", status=Status.DISMISSED)
    check = kept.model_copy(update={"source": Source.CHECK, "persona": None, "title": "Check"})
    review = review_of(text, [kept, dismissed, check])
    out = export_criticmarkup(review)
    assert "Kept" in out and "Check" in out and "Dropped" not in out
    out = export_criticmarkup(review, include_dismissed=True, include_checks=False)
    assert "Dropped" in out and "Status: dismissed." in out and "Check" not in out
    assert export_criticmarkup(review_of(text, [dismissed])) == text


def test_code_front_matter_and_html_get_notes_after_the_block() -> None:
    text = ("---\nowner: Ana\n---\nIntro.\n\n- Item:\n\n  ```\n  drop table users;\n  ```\n\n"
            "> quoted\n>\n>     indented code\n\n<!--\nhidden <b>note</b>\n-->\n\nText <!-- inline --> end.\n")
    findings = [critic(text, "Ana", title="FM"), critic(text, "drop table", title="Fence"),
                critic(text, "indented code", title="Indented"), critic(text, "hidden", title="Comment"),
                critic(text, "inline", title="Inline comment")]
    out = export_criticmarkup(review_of(text, findings))
    assert HIGHLIGHT.findall(out)[0][0] == "<!-- inline -->"  # wrapped whole, never entered
    assert out.count("{==") == 1
    assert out.startswith("---\nowner: Ana\n---\n\n{>>In the front matter above (“Ana”): ")
    assert "  ```\n\n  {>>In the code block above (“drop table”): " in out  # stays in the list item
    assert ">     indented code\n>\n> {>>In the code block above (“indented code”)" in out  # in the quote
    assert "-->\n\n{>>In the HTML above (“hidden”)" in out
    assert strip_criticmarkup(out) == text
    assert_renders(text, out)
    unclosed = "Intro.\n\n```\ncode never closed\n"
    out = export_criticmarkup(review_of(unclosed, [critic(unclosed, "never", title="Open fence")]))
    assert out.startswith("{>>doccritic, in the code block at line 4 (“never”): ")
    assert strip_criticmarkup(out) == unclosed


def test_multi_block_span_is_split_and_never_crosses_a_blank_line() -> None:
    text = "# Title\n\nFirst paragraph ends.\n\n| a | b |\n|---|---|\n| one | two |\n\nLast words here.\n"
    finding = span_finding(text, text.index("paragraph"), text.index("words"), title="Long")
    out = export_criticmarkup(review_of(text, [finding]))
    pieces = HIGHLIGHT.findall(out)
    assert [p for p, _ in pieces] == ["paragraph ends.", "a", "b", "one", "two", "Last"]
    assert all("(continues below)" in n for _, n in pieces[:-1]) and ": Long" in pieces[-1][1]
    assert "| {==one==}{>>(continues below)" in out
    assert strip_criticmarkup(out) == text
    assert_renders(text, out)


def test_highlights_widen_over_inline_code_links_and_escapes() -> None:
    text = "Run `make all` then see [the docs](https://x.test/a_b) or <https://y.test> \\* now.\n"
    findings = [critic(text, "make", title="Code"), critic(text, "docs](https", title="Link"),
                critic(text, "y.test", title="Auto"), critic(text, "* now", title="Escape")]
    out = export_criticmarkup(review_of(text, findings))
    assert [p for p, _ in HIGHLIGHT.findall(out)] == [
        "`make all`", "[the docs](https://x.test/a_b)", "<https://y.test>", "\\* now"]
    assert strip_criticmarkup(out) == text


def test_documents_with_their_own_criticmarkup_strip_exactly() -> None:
    text = ("# Notes {==on==}{>>this<<}\n\nProse {==x==}{>>y<<} and {\\==z==} and ==} <<} {{>> }}\n\n"
            "```\n{==code==}{>>kept?<<}\n\n{>>alone<<}\n\n{\\\\>>z\n```\n\nUse `{==a==}` inline.\n")
    findings = [critic(text, "Prose {==x", title="P"), critic(text, "code", title="C"),
                critic(text, "{{>> }}", title="Braces"), critic(text, "inline", title="I")]
    out = export_criticmarkup(review_of(text, findings))
    assert strip_criticmarkup(out) == text
    assert "# Notes {\\==on==}{\\>>this<<}" in out  # the document's own markup is escaped in prose
    assert "{==Prose {\\==x==}{>>staff · Weak argument · major: P<<}==}{\\>>y<<} and {\\\\==z==}" in out
    assert "{\\==code==}{\\>>kept?<<}" in out  # and, since it would strip wrongly, in this code block too
    code_only = "Say hi.\n\n```\nx = {==\n```\n"
    out = export_criticmarkup(review_of(code_only, [critic(code_only, "hi", title="T")]))
    assert "```\nx = {==\n```" in out  # harmless in code: left untouched
    assert strip_criticmarkup(out) == code_only


def test_notes_cannot_break_the_markup_or_a_table() -> None:
    text = "| Area | Plan |\n|---|---|\n| Pay | Ship 🚀 it |\n"
    nasty = "ends <<} early }\nnew line {==x==} {>>y<<} a|b `tick [link](u) <b>"
    finding = critic(text, "Ship 🚀 it", title="Bad | title <<}", rationale=nasty, suggestion="}}")
    out = export_criticmarkup(review_of(text, [finding]))
    [(passage, notes)] = HIGHLIGHT.findall(out)
    assert passage == "Ship 🚀 it" and "\n" not in notes and notes.count("<<}") == 1
    cells = [t.content for t in _parser().parse(out) if t.type == "inline"]
    assert len(cells) == 4 and "{==Ship 🚀 it==}" in cells[-1]  # still a 2-column table
    assert strip_criticmarkup(out) == text


def test_emoji_cjk_and_crlf() -> None:
    text = "# 計画 👩‍💻\r\n\r\n我们将在第一天为所有人启用 🚀 功能。\r\n\r\n```\r\n代码\r\n```\r\n"
    doc = parse_markdown(text)
    findings = [critic(text, "所有人启用 🚀", title="CJK"), critic(text, "👩‍💻", title="Emoji"),
                critic(text, "代码", title="Code"), Finding(source=Source.CHECK, kind=Kind.OPEN_QUESTION,
                severity=Severity.MINOR, title="Doc", anchor=Anchor.DOCUMENT)]
    for style, strip in (("critic", strip_criticmarkup), ("footnotes", strip_footnotes)):
        out = export_criticmarkup(review_of(text, findings), doc, style=style)  # type: ignore[arg-type]
        assert "\n" not in out.replace("\r\n", "")  # every line break written is the document's CRLF
        assert strip(out) == text
    out = export_criticmarkup(review_of(text, findings), doc)
    assert "{==所有人启用 🚀==}" in out and "{==👩‍💻==}" in out
    lf = text.replace("\r\n", "\n")
    lf_findings = [critic(lf, f.quote, title=f.title) if f.placed else f for f in findings]
    out = export_criticmarkup(review_of(lf, lf_findings)).replace("\n", "\r\n")
    assert strip_criticmarkup(out) == text  # an LF export converted to CRLF still strips


def test_footnote_labels_avoid_the_documents_own() -> None:
    text = "Claim one.[^dc-1] Claim two.[^dc1-2]\n\n[^dc-1]: Theirs.\n[^dc1-2]: Also theirs.\n"
    out = export_criticmarkup(review_of(text, [critic(text, "Claim two", title="T")]), style="footnotes")
    assert "Claim two.[^dc2-1][^dc1-2]" in out and out.endswith("\n\n[^dc2-1]: staff · Weak argument · major: T\n")
    assert strip_footnotes(out) == text
    assert strip_footnotes(text) == text
    shout = "Ship it! Now.\n"
    out = export_criticmarkup(review_of(shout, [critic(shout, "Ship it!", title="T")]), style="footnotes")
    assert out.startswith("Ship it[^dc-1]! Now.")  # never "![^…]", which would read as an image
    word = "We don't (really) know.\n"
    findings = [critic(word, "don", title="A"), critic(word, "really", title="B"), critic(word, "know", title="C")]
    out = export_criticmarkup(review_of(word, findings), style="footnotes")
    assert out.startswith("We don[^dc-1]'t (really)[^dc-2] know.[^dc-3]\n\n\n[^dc-1]: ")
    assert strip_footnotes(out) == word


def test_unplaced_findings_go_to_the_top() -> None:
    text = "# Plan\n\nThe the plan.\n"
    findings = [
        Finding(source=Source.CRITIC, persona="pm", kind=Kind.OPEN_QUESTION, severity=Severity.MINOR,
                title="Lost", quote="not in the text", anchor=Anchor.UNANCHORED),
        Finding(source=Source.CRITIC, persona="pm", kind=Kind.OPEN_QUESTION, severity=Severity.MINOR,
                title="Twice", quote="the", anchor=Anchor.AMBIGUOUS, candidates=[(9, 12), (13, 16)]),
    ]
    out = export_criticmarkup(review_of(text, findings), names=NAMES)
    assert out == (
        "{>>doccritic, quote not found (“not in the text”): PM · Open question · minor: Lost<<}\n"
        "{>>doccritic, quote found 2 times (“the”): PM · Open question · minor: Twice<<}\n\n" + text
    )
    assert strip_criticmarkup(out) == text
    assert export_criticmarkup(review_of("", findings)).endswith("Twice<<}\n\n")
    assert strip_criticmarkup(export_criticmarkup(review_of("", findings))) == ""


def test_document_mismatch_and_unknown_style() -> None:
    review = review_of("a\n", [])
    with pytest.raises(ValueError, match="differs"):
        export_criticmarkup(review, parse_markdown("b\n"))
    with pytest.raises(ValueError, match="style"):
        export_criticmarkup(review, style="html")  # type: ignore[arg-type]
    assert export_criticmarkup(review) == "a\n"


# corpus -------------------------------------------------------------------------------------------


def synthetic(doc: Document, seed: str) -> list[Finding]:
    """Critic findings meant to stress the exporter: random spans, blocks, overlaps, nasty notes."""
    text, rng = doc.text, random.Random(seed)
    notes = ["ends <<} early", "brace } and {>>x<<}", "two\nlines\r\nhere", "pipe | and `tick", "好 🚀"]
    out: list[Finding] = []

    def add(start: int, end: int) -> None:
        n = len(out)
        out.append(span_finding(text, start, end, ("staff", "sec", "pm", "new")[n % 4],
                                kind=list(Kind)[n % 4], severity=list(Severity)[n % 3], title=f"Synthetic {n}",
                                rationale=notes[n % len(notes)], suggestion=notes[(n + 1) % len(notes)],
                                reversibility=Reversibility(level="costly") if n % 5 == 0 else None))

    for _ in range(120):
        start = rng.randrange(len(text))
        add(start, min(len(text), start + rng.choice((1, 5, 40, 300, 2000))))
    for block in doc.blocks[:: max(1, len(doc.blocks) // 60)]:
        add(block.start, block.end)
        add(block.start + (block.end - block.start) // 2, block.end)
    for block in (b for b in doc.blocks if not b.kind.is_prose):
        add(block.start + 1, min(block.end, block.start + 12))
    out += [Finding(source=Source.CRITIC, persona="pm", kind=Kind.OPEN_QUESTION, severity=Severity.MINOR,
                    title="Unplaced", quote="nowhere <<}", anchor=Anchor.UNANCHORED),
            Finding(source=Source.CRITIC, persona="pm", kind=Kind.OPEN_QUESTION, severity=Severity.MINOR,
                    title="Twice", quote="the", anchor=Anchor.AMBIGUOUS, candidates=[(0, 3), (9, 12)])]
    return out


def corpus_review(path: Path) -> tuple[Document, Review]:
    doc = load_markdown(path)
    findings = run_checks(doc, caps=False).findings + synthetic(doc, path.name)
    return doc, review_of(doc.text, findings)


@pytest.mark.parametrize("path", corpus_files("*.md"), ids=lambda p: p.name)
def test_corpus_round_trip(corpus: Path, path: Path) -> None:
    doc, review = corpus_review(path)
    checks_only = review_of(doc.text, run_checks(doc, caps=False).findings)
    for rv in (checks_only, review):
        out = export_criticmarkup(rv, doc, names=NAMES)
        assert strip_criticmarkup(out) == doc.text
        assert out.count("{>>") - out.count("{>>(continues below)") == len(rv.findings)  # each said once
        for passage, _ in HIGHLIGHT.findall(out):
            assert passage.strip() and not re.search(r"\n[ \t>]*\n", passage)
        notes = export_criticmarkup(rv, doc, names=NAMES, style="footnotes")
        assert strip_footnotes(notes) == doc.text
    crlf = doc.text.replace("\n", "\r\n")
    crlf_doc = parse_markdown(crlf)
    out = export_criticmarkup(review_of(crlf, run_checks(crlf_doc, caps=False).findings + synthetic(crlf_doc, "x")))
    assert strip_criticmarkup(out) == crlf


@pytest.mark.parametrize("path", corpus_files("*.md"), ids=lambda p: p.name)
def test_corpus_output_still_renders(corpus: Path, path: Path) -> None:
    doc, review = corpus_review(path)
    out = export_criticmarkup(review, doc, names=NAMES)
    assert_renders(doc.text, out)
    notes = export_criticmarkup(review, doc, names=NAMES, style="footnotes")
    assert_renders(doc.text, notes, footnotes=len(review.findings))


def assert_renders(original: str, output: str, footnotes: int | None = None) -> None:
    """Same blocks (only note paragraphs added); headings keep their text, code/HTML/front matter their bytes."""
    parser = _parser().use(footnote_plugin) if footnotes is not None else _parser()
    before, after = structure(_parser().parse(original)), structure(parser.parse(output))
    assert block_types(parser.parse(output)) == block_types(_parser().parse(original))
    label = re.compile(r"\[\^dc\d*-\d+\]")
    strip = (lambda s: label.sub("", s)) if footnotes is not None else strip_criticmarkup
    assert [(kind, strip(body) if kind == "heading" else body) for kind, body in after] == before
    if footnotes is not None:
        tokens = parser.parse(output)
        refs = [c for t in tokens if t.children for c in t.children if c.type == "footnote_ref"]
        assert len(refs) == footnotes


def block_types(tokens: list[Token]) -> list[str]:
    skip = ("paragraph_open", "paragraph_close", "inline")
    return [t.type for t in tokens if t.type not in skip and not t.type.startswith("footnote_")]


def structure(tokens: list[Token]) -> list[tuple[str, str]]:
    out = []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            out.append(("heading", tokens[i + 1].content))
        elif tok.type in ("fence", "code_block", "html_block", "front_matter"):
            out.append((tok.type, tok.content))
    return out


def test_every_prose_kind_can_carry_a_highlight() -> None:
    doc = parse_markdown(GOLDEN_DOC + "\n> quote line\n\n| a |\n|---|\n| cell |\n\nSetext\n======\n")
    kinds = {b.kind for b in doc.blocks}
    assert {BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.QUOTE,
            BlockKind.TABLE_CELL} <= kinds
    findings = [span_finding(doc.text, b.start, b.end, title=b.kind.value) for b in doc.blocks if b.kind.is_prose]
    out = export_criticmarkup(review_of(doc.text, findings), doc)
    assert len(HIGHLIGHT.findall(out)) == len(findings)
    assert strip_criticmarkup(out) == doc.text
    assert_renders(doc.text, out)


PIECES = ["{==", "==}", "{>>", "<<}", "{\\", "\\", "`", "```\n", "~~~\n", "\n", "\n\n", "\r\n", "> ", "- ",
          "1. ", "# ", "|", "---\n", "<!--", "-->", "<div>", "[^dc-1]", "[x](y)", "!", "a", "word ", "好", "🚀",
          " ", "    ", "\t", "=", "}", "{"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(st.sampled_from(PIECES), max_size=40),
       spans=st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1)), max_size=8), doc_level=st.booleans())
def test_any_text_strips_back_exactly(parts: list[str], spans: list[tuple[float, float]], doc_level: bool) -> None:
    text = "".join(parts)
    findings = [span_finding(text, *sorted((int(a * len(text)), int(b * len(text)))), title="}<<} x\n{==")
                for a, b in spans]
    if doc_level:
        findings.append(Finding(source=Source.CHECK, kind=Kind.OPEN_QUESTION, severity=Severity.MINOR,
                                title="Doc", anchor=Anchor.DOCUMENT))
    review = review_of(text, findings)
    assert strip_criticmarkup(export_criticmarkup(review)) == text
    assert strip_footnotes(export_criticmarkup(review, style="footnotes")) == text


BLOCKS = ["word ", "a", "\n", "\n\n", "> ", "- ", "  ", "1. ", "# ", "```\n", "~~~\n", "    code\n", "---\n",
          "| a | b |\n|---|---|\n| c | d |\n", "<!-- c -->", "<div>\n", "Title\n===\n", "`x`", "[l](u)", "*em*",
          "好", "🚀", "\\", "[r]: http://x\n"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(st.sampled_from(BLOCKS), max_size=30),
       spans=st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1)), max_size=6), footnotes=st.booleans())
def test_any_markdown_keeps_its_blocks(parts: list[str], spans: list[tuple[float, float]], footnotes: bool) -> None:
    text = "".join(parts)
    findings = [span_finding(text, *sorted((int(a * len(text)), int(b * len(text)))), title="T") for a, b in spans]
    out = export_criticmarkup(review_of(text, findings), style="footnotes" if footnotes else "critic")
    parser = _parser().use(footnote_plugin) if footnotes else _parser()
    assert block_types(parser.parse(out)) == block_types(_parser().parse(text))
