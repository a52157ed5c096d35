"""Property tests: the parsers, the offline checks and text decoding never crash and keep their offsets exact.

Everything downstream (findings, highlights, exports) speaks in code-point offsets into ``doc.text``,
so these tests throw realistic Markdown, arbitrary Unicode and arbitrary bytes at the readers and check
the invariants documented in :mod:`doccritic.core.document`, :mod:`doccritic.core.checks` and
:mod:`doccritic.formats.textio`.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import re

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from doccritic import paths
from doccritic.core.checks import run_checks
from doccritic.core.document import Block, BlockKind, Document, Section
from doccritic.core.errors import ErrorKind, LoadError
from doccritic.core.rules import RuleSet, load_rules
from doccritic.formats.markdown import _parser, block_tokens, parse_markdown, top_level_tokens
from doccritic.formats.text import parse_text
from doccritic.formats.textio import decode_text

# Modest budgets: the whole file must stay well under 30 s on two slow cores.
_FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_SLOW = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_HEX64 = re.compile(r"[0-9a-f]{64}")


@functools.cache
def bundled_rules() -> RuleSet:
    """The shipped rules, never the user's config dir, so the tests are deterministic."""
    return load_rules(paths.resource("checks", "rules.toml"))


# ---------------------------------------------------------------------------------------------
# Invariants
# ---------------------------------------------------------------------------------------------


def assert_blocks(doc: Document) -> None:
    text = doc.text
    prev: Block | None = None
    for block in doc.blocks:
        assert 0 <= block.start < block.end <= len(text), block
        assert text[block.start : block.end] == block.text, block
        if prev is not None:
            assert (prev.start, prev.end) <= (block.start, block.end), "blocks out of order"
            assert prev.end <= block.start, f"blocks overlap: {prev} / {block}"
        prev = block
        assert doc.block_at(block.start) is block
        assert doc.block_at(block.end - 1) is block
        if block.source is not None:
            src = block.source
            assert (src.start_line, src.start_col) == doc.line_col(block.start), block
            assert (src.end_line, src.end_col) == doc.line_col(block.end), block


def assert_sections(doc: Document) -> None:
    headings = [b for b in doc.blocks if b.kind is BlockKind.HEADING]
    seen: list[Section] = []

    def visit(sections: list[Section], lo: int, hi: int, parent_level: int) -> None:
        prev_end = lo
        for section in sections:
            assert 0 <= lo <= section.start < section.end <= hi <= len(doc.text), section
            assert section.start >= prev_end, "sibling sections overlap or are out of order"
            assert section.level > parent_level, "a child section is not deeper than its parent"
            heading = doc.blocks[section.heading_index]
            assert heading.kind is BlockKind.HEADING and heading.start == section.start
            prev_end = section.end
            seen.append(section)
            visit(section.children, section.start, section.end, section.level)

    visit(doc.sections, 0, len(doc.text), 0)
    assert [s.heading_index for s in seen] == [doc.blocks.index(h) for h in headings]
    assert list(doc.iter_sections()) == seen
    for section in seen:
        assert doc.section_at(section.start) is not None


def assert_line_col(doc: Document) -> None:
    text = doc.text
    previous = (-1, -1)
    for offset in range(len(text) + 1):
        line, col = doc.line_col(offset)
        assert line >= 0 and col >= 0
        assert (line, col) > previous, "line_col is not increasing"
        previous = (line, col)
        assert doc.offset_of(line, col) == offset
    assert doc.line_col(len(text))[0] == len(_LINE_BREAK.findall(text))
    for m in _LINE_BREAK.finditer(text):
        assert doc.line_col(m.end())[1] == 0, "a line break does not start a new line"


def assert_fingerprint(doc: Document, parse) -> None:
    assert _HEX64.fullmatch(doc.fingerprint)
    assert parse(doc.text).fingerprint == doc.fingerprint
    assert parse(doc.text + "x").fingerprint != doc.fingerprint


def assert_document(doc: Document, text: str, parse) -> None:
    assert doc.text == text
    assert_blocks(doc)
    assert_sections(doc)
    assert_line_col(doc)
    assert_fingerprint(doc, parse)


def assert_findings(doc: Document, caps: bool = True) -> None:
    result = run_checks(doc, bundled_rules(), caps=caps)
    ids = [f.id for f in result.findings]
    assert len(ids) == len(set(ids)), "two findings share an id"
    assert result.hidden_total >= 0
    for f in result.findings:
        if f.start is None:
            assert f.end is None
            continue
        assert f.end is not None
        assert 0 <= f.start < f.end <= len(doc.text), f
        assert doc.text[f.start : f.end] == f.quote, f
        block = doc.block_at(f.start)
        assert block is not None and block.kind.is_prose, f"finding outside prose: {f}"
        assert f.end <= block.end, f"finding crosses a block boundary: {f}"


# ---------------------------------------------------------------------------------------------
# Realistic Markdown
# ---------------------------------------------------------------------------------------------

EMOJI = ["👩‍💻", "🇩🇪", "🇯🇵", "👍🏽", "👋🏿", "👨‍👩‍👧‍👦", "❤️", "🏳️‍🌈", "😀"]
SCRIPTS = [
    "日本語のテキスト",
    "中文字符",
    "한국어",
    "עברית",
    "שָׁלוֹם",
    "العربية",
    "مرحبا بالعالم",
    "Ελληνικά",
    "кириллица",
    "ไทย",
    "हिन्दी",
]
SPECIAL = [
    "e\u0301",  # e + combining acute
    "a\u0308\u0301",
    "\u200d",  # zero-width joiner
    "\u200b",
    "\u00a0",  # NBSP
    "\u2028",  # line separator
    "\u2029",  # paragraph separator
    "\u202e",  # RTL override
    "\u2066",
    "\ufeff",
    "\u3000",
    "\t",
    "\x0b",
    "\x0c",
    "\x85",
    "\x1c",
    "\x00",
    "\ufffd",
    "\U0010ffff",
    "&amp;",
    "&#x1F600;",
    "&nbsp;",
    "\\*",
    "\\|",
    "\\",
    "  ",
]
WORDS = [
    "the", "data", "We", "will", "delete", "all", "user", "records", "after", "migration", "TBD", "TODO",
    "significantly", "obviously", "increase", "retention", "by", "20%", "rollback", "pilot", "launch",
    "Mr.", "e.g.", "pricing", "deprecate", "API", "?", "???", ".", ",", "!", "-", "1.", "#", "*", "_",
    "<b>", "</b>", "<!--", "-->", "|", "`", "[", "]", "(", ")", ">", "=", "~",
]  # fmt: skip
SENTENCES = [
    "We will delete all user data after the migration.",
    "This will significantly improve retention.",
    "Obviously everyone wants this.",
    "Increase conversion by 20%.",
    "Pricing: TBD.",
    "We will deprecate the v1 API and remove it in March.",
    "[Insert link here]",
    "Reduce churn.",
    "We can roll back with a feature flag.",
    "Is it clear that XXX% of users care?",
    "See https://example.com/a_(b) for details.",
    "Mr. Smith said e.g. this. Then he left!",
]

_plain_char = st.characters(exclude_categories=("Cs",), exclude_characters="\r\n")
word = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(SENTENCES),
    st.sampled_from(EMOJI + SCRIPTS),
    st.sampled_from(SPECIAL),
    st.text(_plain_char, min_size=1, max_size=4),
)
styled = st.one_of(
    word,
    word.map(lambda w: f"*{w}*"),
    word.map(lambda w: f"_{w}_"),
    word.map(lambda w: f"**{w}**"),
    word.map(lambda w: f"~~{w}~~"),
    word.map(lambda w: f"`{w}`"),
    word.map(lambda w: f"``{w} ` {w}``"),
    word.map(lambda w: f"[{w}](http://x)"),
    word.map(lambda w: f'[{w}](http://x/{w} "title")'),
    word.map(lambda w: f"![{w}](img.png)"),
    st.sampled_from(
        ["<http://example.com>", "<mailto:a@b.c>", "https://example.com/path", "www.example.com"]
    ),
    st.sampled_from(["<span>", "</span>", "<!-- TODO: fill in -->", "<br/>", "  ", "\\"]),
)
_sep = st.sampled_from([" ", " ", " ", "", "\u00a0", "\t", "  "])


@st.composite
def inline(draw, max_parts: int = 6) -> str:
    parts = draw(st.lists(st.tuples(styled, _sep), min_size=1, max_size=max_parts))
    return "".join(p + s for p, s in parts).rstrip(" ") or "x"


Lines = list[str]
_indent03 = st.sampled_from(["", "", " ", "  ", "   "])


@st.composite
def atx_heading(draw) -> Lines:
    level = draw(st.integers(1, 7))  # 7 is not a heading: a paragraph starting with #######
    closing = draw(st.sampled_from(["", "", " #", " ###", " #  ", "#", " \\#", " # #"]))
    body = draw(st.one_of(inline(3), st.just("")))
    gap = draw(st.sampled_from([" ", " ", "\t", "  "]))
    return [draw(_indent03) + "#" * level + gap + body + closing]


@st.composite
def setext_heading(draw) -> Lines:
    body = draw(st.lists(inline(3), min_size=1, max_size=2))
    underline = draw(st.sampled_from(["=", "-"])) * draw(st.integers(1, 6))
    return [*body, draw(_indent03) + underline + draw(st.sampled_from(["", " ", "\t"]))]


@st.composite
def paragraph(draw) -> Lines:
    lines = draw(st.lists(inline(), min_size=1, max_size=3))
    hard = draw(st.sampled_from(["", "", "  ", "\\"]))
    return [draw(_indent03) + lines[0] + hard, *lines[1:]]


@st.composite
def fenced_code(draw) -> Lines:
    fence = draw(st.sampled_from(["```", "~~~", "````", "~~~~~"]))
    info = draw(st.sampled_from(["", "python", " js", "mermaid", "日本"]))
    body = draw(
        st.lists(st.one_of(inline(3), st.sampled_from(["# not a heading", "- not a list", "", "\t"])))
    )
    close = draw(st.sampled_from([fence, fence, fence + "  ", ""]))  # "" leaves it unclosed
    indent = draw(_indent03)
    return [indent + fence + info, *body, *([indent + close] if close else [])]


@st.composite
def indented_code(draw) -> Lines:
    body = draw(st.lists(inline(3), min_size=1, max_size=3))
    return [draw(st.sampled_from(["    ", "\t", "  \t", "      "])) + line for line in body]


_cell = st.one_of(
    st.just(""),
    st.just(" "),
    st.just("a \\| b"),
    st.just("`x \\| y`"),
    st.just("**bold**"),
    st.just("👩‍💻 🇩🇪"),
    st.just("עברית"),
    inline(2).map(lambda s: s.replace("|", "\\|")),
    inline(2),  # may contain raw pipes: ragged on purpose
)
_delim = st.sampled_from(["---", ":--", "--:", ":-:", "-", " --- ", ":---:"])


@st.composite
def table(draw) -> Lines:
    ncols = draw(st.integers(1, 4))
    edges = draw(st.sampled_from([(True, True), (False, False), (True, False), (False, True)]))

    def row(cells: list[str]) -> str:
        inner = draw(st.sampled_from([" | ", "|", "  |  ", "\t|\t"])).join(cells)
        return ("| " if edges[0] else "") + inner + (" |" if edges[1] else "")

    header = row([draw(_cell) for _ in range(ncols)])
    delim = row([draw(_delim) for _ in range(ncols)])
    body = [
        row([draw(_cell) for _ in range(draw(st.integers(0, ncols + 2)))])
        for _ in range(draw(st.integers(0, 3)))
    ]
    return [header, delim, *body]


@st.composite
def html_block(draw) -> Lines:
    text = draw(inline(3))
    return draw(
        st.sampled_from(
            [
                [f"<!-- {text} -->"],
                ["<!--", text, "-->"],
                ["<!-- TODO", text],  # unclosed comment swallows the rest
                ["<div>", text, "</div>"],
                ["<details><summary>More</summary>", "", text, "", "</details>"],
                [f"<p align=center>{text}</p>"],
                ["<table><tr><td>", text, "</td></tr></table>"],
            ]
        )
    )


leaf_block = st.one_of(
    paragraph(),
    paragraph(),
    atx_heading(),
    setext_heading(),
    fenced_code(),
    indented_code(),
    table(),
    html_block(),
)


def sequence(blocks: st.SearchStrategy[Lines]) -> st.SearchStrategy[Lines]:
    """Several blocks separated by blank lines (or none, to exercise interruptions)."""

    @st.composite
    def build(draw) -> Lines:
        out: Lines = []
        for i, block in enumerate(draw(st.lists(blocks, min_size=1, max_size=3))):
            if i:
                out.extend(draw(st.sampled_from([[""], [""], [], ["", ""], [" "]])))
            out.extend(block)
        return out

    return build()


@st.composite
def block_quote(draw, inner: st.SearchStrategy[Lines]) -> Lines:
    prefix = draw(st.sampled_from([">", "> ", "> ", ">  ", " > ", ">\t"]))
    out: Lines = []
    for i, line in enumerate(draw(inner)):
        if i and line.strip() and draw(st.integers(0, 4)) == 0:
            out.append(line)  # lazy continuation
        else:
            out.append(prefix + line if line else prefix.rstrip())
    return out


@st.composite
def list_block(draw, inner: st.SearchStrategy[Lines]) -> Lines:
    ordered = draw(st.booleans())
    start = draw(st.sampled_from([1, 1, 0, 7, 123456789, 1234567890]))
    bullet = draw(st.sampled_from("-*+"))
    delim = draw(st.sampled_from(".)"))
    loose = draw(st.booleans())
    out: Lines = []
    for n, item in enumerate(draw(st.lists(inner, min_size=1, max_size=3))):
        marker = f"{start + n}{delim}" if ordered else bullet
        gap = draw(st.sampled_from([" ", " ", "  ", "\t"]))
        indent = " " * (len(marker) + 1)
        if n and loose:
            out.append("")
        for i, line in enumerate(item):
            if i == 0:
                out.append(marker + gap + line)
            elif not line:
                out.append("")
            elif draw(st.integers(0, 5)) == 0:
                out.append(line)  # lazy continuation
            else:
                out.append(indent + line)
    return out


blocks = st.recursive(
    leaf_block,
    lambda inner: st.one_of(block_quote(sequence(inner)), list_block(sequence(inner))),
    max_leaves=6,
)


@st.composite
def front_matter(draw) -> Lines:
    quote = draw(st.sampled_from(["", '"', "'"]))
    return ["---", f"title: {quote}{draw(inline(3))}", "tags: [prd, 🇩🇪]", "---"]


@st.composite
def markdown_documents(draw) -> str:
    lines: Lines = []
    if draw(st.integers(0, 3)) == 0:
        lines.extend(draw(front_matter()))
    lines.extend(draw(sequence(blocks)) if draw(st.integers(0, 9)) else [])
    mode = draw(st.sampled_from(["\n", "\n", "\r\n", "\r", "mixed"]))
    newlines = st.sampled_from(["\n", "\r\n", "\r"])
    text = ""
    for i, line in enumerate(lines):
        if i:
            text += draw(newlines) if mode == "mixed" else mode
        if draw(st.integers(0, 9)) == 0:
            line += draw(st.sampled_from([" ", "  ", "\t", "\u00a0", "\u2028"]))
        text += line
    if lines and draw(st.booleans()):
        text += draw(newlines) if mode == "mixed" else mode
    if draw(st.integers(0, 19)) == 0:
        text = "\ufeff" + text
    return text


# Hand-picked documents hypothesis is unlikely to assemble on its own.
_EXAMPLES = [
    "# Title\r\n\r\nWe will delete all user data.\r\n",
    "Title\r===\r\r> quote\rlazy\r",
    "---\ntitle: 'PRD 👩‍💻'\n---\n# H #\n\n| a \\| b | c |\n|---|---|\n| 1 |\n| 1 | 2 | 3 |\n",
    "- a\n  - b\n    1. c\n       d\n  e\n\n> > x\n> y\nz\n",
    "\t- tab\n\n    code\n\n```\nunclosed",
    "# 🇩🇪 e\u0301 \u2028 \u2029 עברית\n\nالعربية 👍🏽 \u200d\u00a0 TBD\n",
    "<!-- TODO\n# not a heading\n",
    "| a |\n| - |\n> | b |\n",
    "a\n\x00\n===\n",
    "# a\n# a\n# a-1\n",
]


@_SLOW
@given(markdown_documents())
@example("")
def test_markdown_documents_keep_offsets(text: str) -> None:
    doc = parse_markdown(text)
    assert_document(doc, text, parse_markdown)


for _text in _EXAMPLES:
    test_markdown_documents_keep_offsets = example(_text)(test_markdown_documents_keep_offsets)


@_SLOW
@given(markdown_documents())
def test_checks_on_markdown_documents(text: str) -> None:
    doc = parse_markdown(text)
    assert_findings(doc)
    assert_findings(doc, caps=False)


@_SLOW
@given(markdown_documents())
def test_parse_text_on_markdown_documents(text: str) -> None:
    doc = parse_text(text)
    assert_document(doc, text, parse_text)
    assert_findings(doc)


# ---------------------------------------------------------------------------------------------
# Arbitrary text
# ---------------------------------------------------------------------------------------------

_MARKUP = "#*-_+>|`~ \t\n\r=:.\\[]()!<>/1a\u2028\u00a0\x00\x0c\x0b\x85\ufeff"
arbitrary_text = st.one_of(
    st.text(),
    st.text(st.one_of(st.sampled_from(_MARKUP), st.characters(exclude_categories=("Cs",))), max_size=200),
)


@_FAST
@given(arbitrary_text)
@example("\r\n\r")
@example("#\r\n=")
@example("\x00\n===")
@example("> \t- \t`a`")
def test_parse_markdown_arbitrary_text(text: str) -> None:
    assert_document(parse_markdown(text), text, parse_markdown)


def _same_tokens_streamed(text: str) -> None:
    """The Markdown loader's tokens, one top-level block at a time, are markdown-it's whole parse."""
    md = _parser().disable("inline")
    streamed = [t.as_dict() for block in top_level_tokens(md, text) for t in block]
    assert streamed == [t.as_dict() for t in block_tokens(md, text)]


@_SLOW
@given(markdown_documents())
def test_markdown_tokens_streamed_are_the_whole_parse(text: str) -> None:
    _same_tokens_streamed(text)


for _text in _EXAMPLES:
    test_markdown_tokens_streamed_are_the_whole_parse = example(_text)(
        test_markdown_tokens_streamed_are_the_whole_parse)


@_FAST
@given(arbitrary_text)
@example("- a\n\n- b\n\n  c\n\n1. d\n2. e\n\n> f\n\n> g\n")
def test_markdown_tokens_streamed_on_arbitrary_text(text: str) -> None:
    with contextlib.suppress(IndexError):  # markdown-it-py up to 4.2 on a few texts (parse_markdown retries)
        _same_tokens_streamed(text)


@_FAST
@given(arbitrary_text)
@example("Title\n=====\n\n  - a\n    - b\n\n::\n\n    code\n")
@example("====\n Title \n====\r\n")
@example("\u2028\n\x1c")
def test_parse_text_arbitrary_text(text: str) -> None:
    assert_document(parse_text(text), text, parse_text)


@_FAST
@given(arbitrary_text)
@example("We will delete all user data. Obviously TBD???")
@example("\n\nWe will delete all user data\n")
def test_checks_arbitrary_text(text: str) -> None:
    assert_findings(parse_markdown(text))
    assert_findings(parse_text(text))


# ---------------------------------------------------------------------------------------------
# Section ids
# ---------------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@example(["a", "a", "a-1"])  # regression: ids came out as ["a", "a-1", "a-1"]
@given(st.lists(st.sampled_from(["a", "a-1", "A", "a 1", "b", "a-2", "日本", "!"]), min_size=1, max_size=6))
def test_section_ids_are_unique(titles: list[str]) -> None:
    """``build_sections`` promises unique ids (slug, then slug-1, slug-2...)."""
    doc = parse_markdown("\n\n".join(f"## {t}" for t in titles))
    ids = [s.id for s in doc.iter_sections()]
    assert len(ids) == len(titles)
    assert len(set(ids)) == len(ids), ids


# ---------------------------------------------------------------------------------------------
# Decoding bytes
# ---------------------------------------------------------------------------------------------

_BOMS = [
    codecs.BOM_UTF8,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
]
_EXPECTED_KINDS = {ErrorKind.BINARY, ErrorKind.CORRUPT}


@_FAST
@given(
    st.one_of(
        st.binary(max_size=300),
        st.tuples(st.sampled_from(_BOMS), st.binary(max_size=64)).map(b"".join),
        st.text(max_size=60).flatmap(
            lambda s: st.sampled_from(["cp1252", "latin-1", "utf-16-le", "shift_jis", "koi8-r", "utf-8"]).map(
                lambda enc: s.encode(enc, errors="replace")
            )
        ),
    )
)
@example(b"")
@example(b"\xff\xfe\x00\x00\x61")
@example(b"\x00\x00\xfe\xff\x00")
@example(b"\xef\xbb\xbf\xff")
@example("caf\u00e9 na\u00efve".encode("cp1252"))
def test_decode_arbitrary_bytes(data: bytes) -> None:
    try:
        decoded = decode_text(data, "file.md")
    except LoadError as err:
        assert err.kind in _EXPECTED_KINDS, err.kind
        assert "file.md" in str(err)
        return
    assert isinstance(decoded.text, str)
    assert codecs.lookup(decoded.encoding)
    if decoded.warning is None:  # a silent decode must be an exact one
        assert decoded.bom or decoded.text.encode("utf-8") == data
    # The loaders hand this text to the parsers: it must satisfy their invariants too.
    assert_blocks(parse_markdown(decoded.text))


def _binary_looking(s: str) -> bool:
    """Text a careful editor may refuse without a BOM: NULs and C0 control characters."""
    return any(ord(c) < 32 and c not in "\t\n\x0c\r\x1b" for c in s)


@_FAST
@given(st.text())
@example("\x00")
@example("\ufeffBOM-looking text")
@example("👩‍💻 🇩🇪 e\u0301")
def test_decode_plain_utf8(s: str) -> None:
    try:
        decoded = decode_text(s.encode("utf-8"), "f.txt")
    except LoadError as err:
        assert err.kind is ErrorKind.BINARY and _binary_looking(s), (err, s)
        return
    # A leading U+FEFF *is* the UTF-8 byte-order mark, so it is dropped like one.
    assert decoded.text == (s[1:] if s.startswith("\ufeff") else s)
    assert decoded.warning is None
    assert decoded.encoding == "utf-8"


@_FAST
@given(st.text())
@example("\x00\x01\x02")
@example("\ufeff")
def test_decode_utf8_with_bom(s: str) -> None:
    decoded = decode_text(codecs.BOM_UTF8 + s.encode("utf-8"), "f.txt")
    assert decoded.text == s
    assert decoded.warning is None
    assert decoded.bom


_leading_nul_text = st.one_of(st.text(), st.text().map(lambda t: "\x00" + t))


@_FAST
@given(_leading_nul_text, st.sampled_from(["utf-16", "utf-16-be", "utf-32", "utf-32-be"]))
@example("\ufeff", "utf-16")
@example("\x00\x01", "utf-16-be")
@example("\x00a", "utf-16")  # regression: b"\xff\xfe\x00\x00a\x00" was refused as broken UTF-32-LE
def test_decode_utf16_utf32_with_bom(s: str, encoding: str) -> None:
    data = s.encode(encoding)
    if not encoding.endswith("-be"):
        assert data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)  # Python writes a BOM
    else:
        data = (codecs.BOM_UTF16_BE if "16" in encoding else codecs.BOM_UTF32_BE) + data
    acceptable = {s}
    if encoding == "utf-16" and data.startswith(codecs.BOM_UTF32_LE):
        # UTF-16-LE text starting with U+0000 begins with the UTF-32-LE byte-order mark. When the
        # bytes are *also* valid UTF-32-LE the file is genuinely ambiguous and either reading is fair;
        # when they are not, they can only be UTF-16 and must not be refused.
        with contextlib.suppress(UnicodeDecodeError):
            acceptable.add(data[len(codecs.BOM_UTF32_LE) :].decode("utf-32-le"))
    decoded = decode_text(data, "f.txt")
    assert decoded.text in acceptable
    assert decoded.warning is None
    assert decoded.bom


# ---------------------------------------------------------------------------------------------
# Tables inside containers
# ---------------------------------------------------------------------------------------------

_simple_cell = st.text(st.sampled_from("abxyz19 é日👩‍💻"), max_size=5).map(str.strip)


@st.composite
def simple_table(draw) -> Lines:
    ncols = draw(st.integers(1, 4))
    pipes = draw(st.booleans())

    def row(n: int) -> str:
        inner = " | ".join(draw(_simple_cell) for _ in range(n))
        return f"| {inner} |" if pipes else inner

    rows = [row(ncols) for _ in range(draw(st.integers(0, 3)))]
    delim = " | ".join(["---"] * ncols)
    return [row(ncols), f"| {delim} |" if pipes else delim, *rows]


@settings(max_examples=80, deadline=None)
@given(simple_table(), st.sampled_from(["> ", ">", "> > ", "- ", "1. ", "* "]))
@example(["| a | b |", "| --- | --- |", "| 1 | 2 |"], "> ")  # regression: cells became ">", "a" / ">", "1"
@example(["| a | b |", "| --- | --- |"], "- ")  # regression: cells became "-", "a"
def test_table_cells_unchanged_inside_quotes_and_lists(table_lines: Lines, prefix: str) -> None:
    """Putting a table in a block quote or a list item must not change its cells."""
    flat = "\n".join(table_lines) + "\n"
    if prefix.startswith(">"):
        nested = "".join(prefix + line + "\n" for line in table_lines)
    else:
        pad = " " * len(prefix)
        nested = "".join((prefix if i == 0 else pad) + line + "\n" for i, line in enumerate(table_lines))

    def cells(doc: Document) -> list[tuple[int | None, int | None, str]]:
        return [(b.row, b.col, b.text) for b in doc.blocks if b.kind is BlockKind.TABLE_CELL]

    flat_doc, nested_doc = parse_markdown(flat), parse_markdown(nested)
    assert_blocks(nested_doc)
    # Only a real table keeps its cells when nested: "-  | 1" over "  --- | ---" is, per GFM, a
    # top-level table whose first cell is "-", while " | 1" over "--- | ---" is no table at all.
    assume(cells(flat_doc))
    tokens = [t.type for t in _parser().parse(nested)]
    assume("table_open" in tokens and tokens.index("table_open") > 0)  # GFM really nested it
    assert cells(nested_doc) == cells(flat_doc), nested
