"""Plain text and reStructuredText, read as text with light structure.

The canonical text is the file's text. Blocks are paragraphs separated by blank lines; RST section
titles (a line underlined, optionally overlined, with punctuation) become headings, so the outline and
the section-aware checks work on PEPs and other ``.rst`` design docs too. ``::`` literal blocks and
``.. code-block::`` directives are code; bullet and numbered lines are list items.
"""

from __future__ import annotations

import re
from pathlib import Path

from doccritic.core.document import Block, BlockKind, DocFormat, Document
from doccritic.formats.textio import MAX_TEXT_BYTES, decode_text, read_bytes

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_ADORNMENT = re.compile(r"^([=\-~^\"'`#*+:._])\1{2,}\s*$")
_LIST_ITEM = re.compile(r"^(\s*)(?:[-*+•]|\d+[.)]|[a-zA-Z][.)]|\(\w+\))\s+\S")
_DIRECTIVE = re.compile(r"^\.\.\s")


def parse_text(text: str, path: Path | None = None) -> Document:
    """Build a :class:`Document` from plain or RST text already decoded."""
    lines = _split_lines(text)
    blocks: list[Block] = []
    styles: list[tuple[str, bool]] = []  # RST heading adornments in order of first use
    literal_next = False
    for para in _paragraphs(lines):
        heading = _heading(para, styles)
        if heading is not None:
            blocks.append(heading)
            literal_next = False
            continue
        first_line = para[0][2]
        indented = all(line[:1] in (" ", "\t") for _, _, line in para)
        if (literal_next and indented) or _DIRECTIVE.match(first_line):
            blocks.append(_block(text, BlockKind.CODE, para[0][0], para[-1][1]))
            literal_next = first_line.rstrip().endswith("::") or (literal_next and indented)
            continue
        literal_next = para[-1][2].rstrip().endswith("::")
        blocks.extend(_prose_blocks(text, para))
    return Document(text=text, format=DocFormat.TEXT, blocks=blocks, path=path)


def load_text(path: Path) -> Document:
    """Read a ``.txt``/``.rst`` file; refuses binary and oversized files, warns on guessed encodings."""
    decoded = decode_text(read_bytes(path, MAX_TEXT_BYTES), path.name)
    doc = parse_text(decoded.text, path)
    doc.encoding = decoded.encoding
    doc.bom = decoded.bom
    if decoded.warning:
        doc.warnings.append(decoded.warning)
    return doc


Line = tuple[int, int, str]  # start offset, end offset (before the line break), text


def _split_lines(text: str) -> list[Line]:
    out: list[Line] = []
    for m in _LINE.finditer(text):
        if m.start() == m.end():
            break
        raw = m.group(0)
        body = raw.rstrip("\r\n")
        out.append((m.start(), m.start() + len(body), body))
    return out


def _paragraphs(lines: list[Line]) -> list[list[Line]]:
    paras: list[list[Line]] = []
    current: list[Line] = []
    for line in lines:
        if line[2].strip():
            current.append(line)
        elif current:
            paras.append(current)
            current = []
    if current:
        paras.append(current)
    return paras


def _heading(para: list[Line], styles: list[tuple[str, bool]]) -> Block | None:
    """An RST section title: ``Title`` over ``=====`` (or between two such lines)."""
    texts = [p[2] for p in para]
    if len(para) == 2 and _ADORNMENT.match(texts[1]) and not _ADORNMENT.match(texts[0]):
        title_line, style = para[0], (texts[1].strip()[0], False)
        if len(texts[1].strip()) < len(texts[0].strip()) * 0.6:
            return None
    elif len(para) == 3 and _ADORNMENT.match(texts[0]) and _ADORNMENT.match(texts[2]):
        title_line, style = para[1], (texts[0].strip()[0], True)
    else:
        return None
    if style not in styles:
        styles.append(style)
    title = title_line[2]
    lead = len(title) - len(title.lstrip())
    start, end = title_line[0] + lead, title_line[0] + len(title.rstrip())
    if end <= start:
        return None
    return Block(BlockKind.HEADING, start, end, title.strip(), level=styles.index(style) + 1)


def _prose_blocks(text: str, para: list[Line]) -> list[Block]:
    """A paragraph, or one list-item block per item when the paragraph is a list."""
    if not _LIST_ITEM.match(para[0][2]):
        return [_block(text, BlockKind.PARAGRAPH, para[0][0], para[-1][1])]
    items: list[list[Line]] = []
    for line in para:
        if _LIST_ITEM.match(line[2]) or not items:
            items.append([line])
        else:
            items[-1].append(line)
    base = len(para[0][2]) - len(para[0][2].lstrip())
    blocks = []
    for item in items:
        indent = len(item[0][2]) - len(item[0][2].lstrip())
        level = 1 + max(0, indent - base) // 2
        blocks.append(_block(text, BlockKind.LIST_ITEM, item[0][0], item[-1][1], level))
    return blocks


def _block(text: str, kind: BlockKind, start: int, end: int, level: int = 0) -> Block:
    chunk = text[start:end]
    lead = len(chunk) - len(chunk.lstrip())
    start, end = start + lead, start + len(chunk.rstrip())
    return Block(kind, start, end, text, level=level)  # sliced from the text when read
