"""The document model every other part of doccritic reads.

A document is one *canonical text* (a Python ``str``) plus blocks that point into it with
``[start, end)`` code-point offsets. Findings, highlights and exports all speak in those offsets, so
they must be exact: for every block ``doc.text[block.start:block.end] == block.text``.

For Markdown and plain text the canonical text *is* the decoded file, so offsets map 1:1 to the file
and saving is lossless. For DOCX it is the accepted text of the body paragraphs, one per line, and
each block carries a :class:`DocxSource` that names the paragraph and the runs behind every character.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import NamedTuple


class DocFormat(StrEnum):
    MARKDOWN = "markdown"
    DOCX = "docx"
    TEXT = "text"


class BlockKind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    TABLE_CELL = "table_cell"
    CODE = "code"
    QUOTE = "quote"
    FRONT_MATTER = "front_matter"
    HTML = "html"

    @property
    def is_prose(self) -> bool:
        """Prose blocks are what reviewers and checks read; code, markup and metadata are not."""
        return self not in (BlockKind.CODE, BlockKind.FRONT_MATTER, BlockKind.HTML)


class SourceRange(NamedTuple):
    """Where a block sits in a text file: 0-based lines, 0-based code-point columns, end exclusive.

    A tuple of ints, which the garbage collector stops tracking: a 1M-word draft has 30,000 of them, and every
    tracked object lengthens each full collection on the UI thread."""

    start_line: int
    start_col: int
    end_line: int
    end_col: int


@dataclass(frozen=True, slots=True)
class RunSpan:
    """One DOCX run's share of the canonical text.

    ``index`` is the run's position in :func:`doccritic.formats.docx.iter_paragraph_runs` order for
    its paragraph, which an exporter walks again to split runs and place comment ranges.
    """

    index: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class DocxSource:
    """Where a block sits in a DOCX body: its paragraph in body order and the runs behind its text."""

    paragraph: int
    runs: tuple[RunSpan, ...] = ()
    table: int | None = None


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Block:
    """A structural unit with exact offsets into the canonical text.

    ``level`` is the heading level for headings, the nesting depth for list items and quotes,
    and 0 otherwise. ``row``/``col`` are set for table cells.

    ``within`` is the canonical text itself (a loader that has it passes it: each block's :attr:`text` is then a
    slice made when read, and a 1M-word draft's 30,000 blocks hold no copy of it, 12.6 MB of strings, #18 item 9),
    or the block's own text (``len(within) == end - start``).
    """

    kind: BlockKind
    start: int
    end: int
    within: str
    level: int = 0
    row: int | None = None
    col: int | None = None
    source: SourceRange | None = None
    docx: DocxSource | None = None

    @property
    def text(self) -> str:
        """The block's characters: ``doc.text[start:end]``."""
        within = self.within
        return within if len(within) == self.end - self.start else within[self.start:self.end]

    def _key(self) -> tuple[object, ...]:
        return (self.kind, self.start, self.end, self.text, self.level, self.row, self.col, self.source, self.docx)

    def __eq__(self, other: object) -> bool:
        return self._key() == other._key() if isinstance(other, Block) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (f"Block(kind={self.kind!r}, start={self.start}, end={self.end}, text={self.text!r}, "
                f"level={self.level}, row={self.row}, col={self.col}, source={self.source!r}, docx={self.docx!r})")


@dataclass(slots=True)
class Section:
    """A heading and everything up to the next heading of the same or a higher level."""

    id: str
    title: str
    level: int
    start: int
    end: int
    heading_index: int
    children: list[Section] = field(default_factory=list)

    def walk(self) -> Iterator[Section]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True, slots=True)
class ExistingComment:
    """A comment already in the source file (DOCX), kept so exports can carry it forward."""

    id: str
    author: str
    text: str
    initials: str = ""
    date: str | None = None
    start: int | None = None
    end: int | None = None
    parent_id: str | None = None


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SLUG_STRIP = re.compile(r"[^\w\- ]+", re.UNICODE)


def slugify(title: str) -> str:
    """GitHub-style heading slug, kept Unicode so CJK and RTL headings get readable ids."""
    slug = _SLUG_STRIP.sub("", title.strip().lower()).replace(" ", "-")
    return slug or "section"


@dataclass
class Document:
    """A loaded document. Build it with a loader from :mod:`doccritic.formats`."""

    text: str
    format: DocFormat
    blocks: list[Block]
    path: Path | None = None
    title: str = ""
    encoding: str | None = None
    bom: bool = False  # the file started with a byte-order mark: saving writes it back
    warnings: list[str] = field(default_factory=list)
    comments: list[ExistingComment] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    _line_starts: list[int] = field(default_factory=list, repr=False)
    _block_starts: list[int] = field(default_factory=list, repr=False)
    _block_ends: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self.blocks.sort(key=lambda b: (b.start, b.end))
        self._block_starts = [b.start for b in self.blocks]
        self._block_ends = [b.end for b in self.blocks]
        self._line_starts = [0] + [m.end() for m in _LINE_BREAK.finditer(self.text)]
        if not self.sections:
            self.sections = build_sections(self.blocks)
        if not self.title:
            self.title = self._default_title()

    @cached_property
    def fingerprint(self) -> str:
        """SHA-256 of the canonical text: identifies a version of the document."""
        return text_sha256(self.text)

    @cached_property
    def word_count(self) -> int:
        """Words as a word processor counts them: runs of letters between spaces, and each Chinese, Japanese or
        Korean character on its own (those scripts put no spaces between words). Cached: the window asks on
        its UI thread, after a worker counted (~80 ms at 200k words)."""
        return sum(count_words(b.text) for b in self.blocks if b.kind.is_prose)

    def line_col(self, offset: int) -> tuple[int, int]:
        """0-based (line, column) of a code-point offset in the canonical text."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line, offset - self._line_starts[line]

    def offset_of(self, line: int, col: int) -> int:
        """Inverse of :meth:`line_col`; clamps to the text."""
        if line >= len(self._line_starts):
            return len(self.text)
        return min(self._line_starts[max(line, 0)] + max(col, 0), len(self.text))

    def block_at(self, offset: int) -> Block | None:
        """The block containing ``offset``, or None between blocks (blocks never overlap)."""
        i = bisect.bisect_right(self._block_starts, offset) - 1
        if i >= 0 and self.blocks[i].start <= offset < self.blocks[i].end:
            return self.blocks[i]
        return None

    def blocks_in(self, start: int, end: int) -> list[Block]:
        """Blocks overlapping ``[start, end)``, in document order."""
        lo = bisect.bisect_right(self._block_ends, start)
        hi = bisect.bisect_left(self._block_starts, end)
        return self.blocks[lo:hi]

    def section_at(self, offset: int) -> Section | None:
        """The deepest section that contains ``offset``."""
        found: Section | None = None
        level = self.sections
        while True:
            nxt = next((s for s in level if s.start <= offset < s.end), None)
            if nxt is None:
                return found
            found, level = nxt, nxt.children

    def iter_sections(self) -> Iterator[Section]:
        for section in self.sections:
            yield from section.walk()

    @property
    def headings(self) -> list[Block]:
        return [b for b in self.blocks if b.kind is BlockKind.HEADING]

    def _default_title(self) -> str:
        first = next((b for b in self.blocks if b.kind is BlockKind.HEADING), None)
        if first is not None and first.text.strip():
            return first.text.strip()
        return self.path.stem if self.path else "Untitled"


def build_sections(blocks: Sequence[Block]) -> list[Section]:
    """Turn heading blocks into a tree with stable, unique ids (slug, then slug-1, slug-2...)."""
    headings = [(i, b) for i, b in enumerate(blocks) if b.kind is BlockKind.HEADING]
    doc_end = max((b.end for b in blocks), default=0)
    seen: dict[str, int] = {}
    used: set[str] = set()
    roots: list[Section] = []
    stack: list[Section] = []
    for n, (index, block) in enumerate(headings):
        base = slugify(block.text)
        count = seen.get(base, 0)
        section_id = base if count == 0 else f"{base}-{count}"
        while section_id in used:  # "a", "a-1", "a" must not give "a-1" twice
            count += 1
            section_id = f"{base}-{count}"
        seen[base] = count + 1
        used.add(section_id)
        level = max(block.level, 1)
        end = doc_end
        for _, later in headings[n + 1 :]:
            if max(later.level, 1) <= level:
                end = later.start
                break
        section = Section(
            id=section_id,
            title=block.text.strip(),
            level=level,
            start=block.start,
            end=end,
            heading_index=index,
        )
        while stack and stack[-1].level >= level:
            stack.pop()
        (stack[-1].children if stack else roots).append(section)
        stack.append(section)
    return roots


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")


def text_sha256(text: str, chunk: int = 1 << 20) -> str:
    """SHA-256 of ``text`` in UTF-8 (lone surrogates as they are), encoded a megabyte of characters at a time:
    CPython encodes a str stored 4 bytes a character (one emoji in it) through a buffer of 4 bytes a character,
    24 MB for a 1M-word draft at once. Each code point's bytes are its own, so the digest is the same."""
    digest = hashlib.sha256()
    for start in range(0, len(text), chunk):
        digest.update(text[start:start + chunk].encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def count_words(text: str) -> int:
    """Space-separated words, with every CJK character counted as one."""
    cjk = len(_CJK.findall(text))
    if not cjk:
        return len(text.split())
    return cjk + sum(1 for token in _CJK.sub(" ", text).split())
