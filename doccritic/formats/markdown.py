"""Markdown reading: CommonMark + GFM tables + YAML front matter, with exact source offsets.

The canonical text is the decoded file itself, so a block's offsets are offsets into the file's text
and saving never rewrites the user's Markdown. markdown-it-py gives each block a line range; this
module narrows that to the exact characters of the block's content.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from markdown_it import MarkdownIt, rules_core
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from doccritic.core.document import Block, BlockKind, DocFormat, Document, SourceRange
from doccritic.formats.textio import MAX_TEXT_BYTES, decode_text, read_bytes

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_QUOTE_MARK = re.compile(r" {0,3}> ?")
_LIST_MARK = re.compile(r" {0,3}(?:[-*+]|\d{1,9}[.)])(?: {1,4}|\t|$)")
_FM_TITLE = re.compile(r"^title:\s*['\"]?(.+?)['\"]?\s*$", re.MULTILINE)


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.core.ruler.at("normalize", normalize)
    return md.use(front_matter_plugin)


def block_tokens(md: MarkdownIt, text: str, env: dict[str, object] | None = None) -> list[Token]:
    """``md.parse(text)``, also on the markdown-it-py releases this project allows that crash on some texts.

    Up to 4.2 (fixed in 4.3), a blockquote whose table is the last thing in a file without a final line break
    (">a | b\\n>--- | ---\\n>") reads one character past the end (IndexError in ``html_block``): a PM's draft
    must still open. Such a text is parsed again with a final line break, which adds no line, so every
    token's line map is the same."""
    try:
        return md.parse(text, env)
    except IndexError:
        if text.endswith("\n"):
            raise
        return md.parse(text + "\n", env)


def normalize(state: StateCore) -> None:
    """markdown-it's first step, without its regex substitution over every line break: on a 1M-word draft
    that one call held the GIL for ~80 ms (the window stalls meanwhile); ``str.replace`` finds nothing to do
    in a text the editor gave (no CR, no NUL) at memory speed."""
    src = state.src
    if "\r" in src:
        src = src.replace("\r\n", "\n").replace("\r", "\n")
    if "\0" in src:
        src = src.replace("\0", "\ufffd")
    state.src = src


class _Lines:
    """Line starts of the canonical text, split the way markdown-it splits (CRLF, CR or LF)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        self.ends: list[int] = []
        for m in _LINE_BREAK.finditer(text):
            self.ends.append(m.start())
            self.starts.append(m.end())
        self.ends.append(len(text))

    def line(self, n: int) -> str:
        return self.text[self.starts[n] : self.ends[n]]

    def __len__(self) -> int:
        return len(self.starts)


def top_level_tokens(md: MarkdownIt, text: str) -> Iterator[list[Token]]:
    """The block tokens of ``text``, one top-level block (a heading, a list, a table ...) at a time.

    What ``md.parse`` makes, for a parser whose core runs only ``normalize`` and ``block`` (inline
    disabled): markdown-it's block loop (``ParserBlock.tokenize``) run here, handing over each top-level
    block's tokens as soon as its rule has made them, instead of keeping every token of the text to the
    end. A top-level rule makes all its tokens in one call, and the rules look back only at the tokens
    of their own call, so the tokens and their line maps are the same. On a 1M-word draft the whole token
    list peaked at ~50 MB over the text (~75 MB with the parse's other lists), held while the text was
    read (#18 item 9). Any other core chain: the whole parse, as before."""
    if md.core.ruler.getRules("") != [normalize, rules_core.block, rules_core.text_join]:  # text_join: inline only
        yield block_tokens(md, text)
        return
    state = StateCore(text, md, {})
    normalize(state)
    if not state.src:
        return
    block = StateBlock(state.src, md, state.env, [])
    rules = md.block.ruler.getRules("")
    line, end = block.line, block.lineMax
    while line < end:
        block.line = line = block.skipEmptyLines(line)
        if line >= end:
            break
        if not any(rule(block, line, end, False) for rule in rules):
            raise RuntimeError("none of the block rules matched")
        if block.line <= line:
            raise RuntimeError("block rule didn't increment state.line")
        tokens, block.tokens = block.tokens, []
        yield tokens
        line = block.line
        if line < end and block.isEmpty(line):
            line += 1


def parse_markdown(text: str, path: Path | None = None) -> Document:
    """Build a :class:`Document` from Markdown text already decoded."""
    # Blocks only: inline content is read as text, so its tokens (a tenth of a long draft's parse) are not made.
    md = _parser().disable("inline")
    try:
        builder = _build(md, text, text)
    except IndexError:  # markdown-it-py up to 4.2 on some texts without a final line break: see block_tokens
        if text.endswith("\n"):
            raise
        builder = _build(md, text + "\n", text)
    title = ""
    if builder.front_matter:
        m = _FM_TITLE.search(builder.front_matter)
        title = m.group(1).strip() if m else ""
    return Document(text=text, format=DocFormat.MARKDOWN, blocks=builder.blocks, path=path, title=title)


def _build(md: MarkdownIt, source: str, text: str) -> _BlockBuilder:
    """Blocks of ``text``, parsed from ``source`` (the same text, or it with a final line break that adds no line)."""
    builder = _BlockBuilder(text, _Lines(text))
    for tokens in top_level_tokens(md, source):
        builder.walk(tokens)  # each block's tokens are freed as soon as its blocks are built
    return builder


def load_markdown(path: Path) -> Document:
    """Read a Markdown file; refuses binary and oversized files, warns on guessed encodings."""
    decoded = decode_text(read_bytes(path, MAX_TEXT_BYTES), path.name)
    doc = parse_markdown(decoded.text, path)
    doc.encoding = decoded.encoding
    doc.bom = decoded.bom
    if decoded.warning:
        doc.warnings.append(decoded.warning)
    return doc


class _BlockBuilder:
    """Walks the token stream keeping a container stack, emitting leaf blocks with exact spans."""

    def __init__(self, text: str, lines: _Lines) -> None:
        self.text = text
        self.lines = lines
        self.blocks: list[Block] = []
        self.front_matter = ""
        self._containers: list[str] = []  # "li" / "bq"
        self._list_depth = 0
        self._quote_depth = 0
        self._row = -1
        self._col = -1
        self._cells: list[tuple[int, int]] = []

    def walk(self, tokens: Sequence[Token]) -> None:
        for i, tok in enumerate(tokens):
            handler = getattr(self, f"_on_{tok.type}", None)
            if handler is not None:
                handler(tok, tokens, i)

    # containers -----------------------------------------------------------------------------
    def _on_bullet_list_open(self, tok: Token, *_: object) -> None:
        self._list_depth += 1

    _on_ordered_list_open = _on_bullet_list_open

    def _on_bullet_list_close(self, tok: Token, *_: object) -> None:
        self._list_depth -= 1

    _on_ordered_list_close = _on_bullet_list_close

    def _on_list_item_open(self, tok: Token, *_: object) -> None:
        self._containers.append("li")

    def _on_blockquote_open(self, tok: Token, *_: object) -> None:
        self._containers.append("bq")
        self._quote_depth += 1

    def _on_list_item_close(self, tok: Token, *_: object) -> None:
        self._containers.pop()

    def _on_blockquote_close(self, tok: Token, *_: object) -> None:
        self._containers.pop()
        self._quote_depth -= 1

    def _on_tr_open(self, tok: Token, *_: object) -> None:
        self._row += 1
        self._col = -1
        self._cells = self._split_row(tok.map[0]) if tok.map else []

    def _on_table_open(self, tok: Token, *_: object) -> None:
        self._row = -1

    # leaves ---------------------------------------------------------------------------------
    def _on_front_matter(self, tok: Token, *_: object) -> None:
        self.front_matter = tok.content
        if tok.map:
            self._add_lines(BlockKind.FRONT_MATTER, tok.map[0], tok.map[1])

    def _on_fence(self, tok: Token, *_: object) -> None:
        if tok.map:
            self._add_lines(BlockKind.CODE, tok.map[0], tok.map[1])

    _on_code_block = _on_fence

    def _on_html_block(self, tok: Token, *_: object) -> None:
        if tok.map:
            self._add_lines(BlockKind.HTML, tok.map[0], tok.map[1])

    def _on_heading_open(self, tok: Token, tokens: Sequence[Token], i: int) -> None:
        inline = tokens[i + 1]
        if tok.map and inline.content:
            span = self._content_span(inline.content, tok.map[0], tok.map[0] + inline.content.count("\n"))
            self._add(BlockKind.HEADING, span, level=int(tok.tag[1:]))

    def _on_paragraph_open(self, tok: Token, tokens: Sequence[Token], i: int) -> None:
        inline = tokens[i + 1]
        if not (tok.map and inline.content):
            return
        span = self._content_span(inline.content, tok.map[0], tok.map[1] - 1)
        container = self._containers[-1] if self._containers else None
        if container == "li":
            self._add(BlockKind.LIST_ITEM, span, level=self._list_depth)
        elif container == "bq":
            self._add(BlockKind.QUOTE, span, level=self._quote_depth)
        else:
            self._add(BlockKind.PARAGRAPH, span)

    def _on_th_open(self, tok: Token, *_: object) -> None:
        self._col += 1
        if 0 <= self._col < len(self._cells):
            start, end = self._cells[self._col]
            if end > start:
                self._add(BlockKind.TABLE_CELL, (start, end), row=self._row, col=self._col)

    _on_td_open = _on_th_open

    # spans ----------------------------------------------------------------------------------
    def _content_span(self, content: str, first: int, last: int) -> tuple[int, int]:
        """Exact [start, end) of inline content whose first/last lines sit on source lines."""
        last = min(max(last, first), len(self.lines) - 1)
        head = content.split("\n", 1)[0].rstrip()
        line = self.lines.line(first)
        pos = line.rstrip().rfind(head) if head else -1
        if pos < 0:
            pos = len(line) - len(line.lstrip())
        start = self.lines.starts[first] + pos
        tail = self.lines.line(last).rstrip()
        end = self.lines.starts[last] + len(tail)
        if first == last and head and line[pos : pos + len(head)] == head:
            end = start + len(head)  # ATX headings may end with a closing "###" that is not content
        return start, max(end, start)

    def _split_row(self, n: int) -> list[tuple[int, int]]:
        line = self.lines.line(n)
        base = self.lines.starts[n]
        skip = self._container_prefix(line)  # "> " or "- " before a table nested in a quote or list
        line, base = line[skip:], base + skip
        bounds = [-1] + [m.start() for m in _CELL_SPLIT.finditer(line)] + [len(line)]
        cells = []
        for a, b in itertools.pairwise(bounds):
            seg = line[a + 1 : b]
            lead = len(seg) - len(seg.lstrip())
            cells.append((base + a + 1 + lead, base + a + 1 + len(seg.rstrip())))
        stripped = line.strip()
        if stripped.startswith("|"):
            cells = cells[1:]
        if stripped.endswith("|") and not stripped.endswith("\\|"):
            cells = cells[:-1]
        return cells

    def _container_prefix(self, line: str) -> int:
        """Length of the quote and list markers that open ``line`` for the current containers."""
        pos = 0
        for container in self._containers:
            m = (_QUOTE_MARK if container == "bq" else _LIST_MARK).match(line, pos)
            if m:
                pos = m.end()
        return pos

    def _add_lines(self, kind: BlockKind, first: int, end_line: int) -> None:
        last = min(end_line, len(self.lines)) - 1
        start, end = self.lines.starts[first], self.lines.ends[max(last, first)]
        self._add(kind, (start, end))

    def _add(self, kind: BlockKind, span: tuple[int, int], level: int = 0, **cell: int) -> None:
        start, end = span
        if end <= start:
            return
        l0, c0 = self._line_col(start)
        l1, c1 = self._line_col(end)
        self.blocks.append(
            Block(
                kind=kind,
                start=start,
                end=end,
                within=self.text,  # the block's text is sliced from it when read: no copy kept
                level=level,
                row=cell.get("row"),
                col=cell.get("col"),
                source=SourceRange(l0, c0, l1, c1),
            )
        )

    def _line_col(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.lines.starts, offset) - 1
        return line, offset - self.lines.starts[line]
