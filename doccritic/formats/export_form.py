"""The export form: a document parsed once into blocks of styled runs, each run knowing the source it shows.

Every writer needs the same two things from a document: what a reader sees (headings, lists, quotes,
code, tables, bold, links…) and, for each character shown, where it sits in the canonical text, so a
comment or highlight covers exactly a finding's quote. Before this module each writer parsed Markdown
its own way (python-docx rendering, a regex parser in the PDF writer) and placed spans its own way; a
bug fixed in one (a wrapped inline code span, #21) stayed in the others. Here the Markdown is parsed
once with markdown-it-py and walked into :class:`FormBlock` objects (as novelWriter's tokenizer does);
plain text, reStructuredText and Word documents are formed from ``doc.blocks``.

A :class:`Run` is *exact* when its text is the very slice ``doc.text[start:end]`` (a span may begin or
end anywhere inside it); otherwise it is *opaque*: it stands for that slice as a whole (a soft line
break shown as a space, an escape or entity decoded). Markup that is not shown (``**``, link targets,
list markers, fences) has no run: a span starting there starts at the next run shown. Runs that show
something with no source (an image's ``[image: alt]``, a ``<br>``) have ``start == end``.

Pure Python: no Qt, no python-docx; :mod:`doccritic.formats.docx_render` and the PDF writer render it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.helpers import parseLinkDestination, parseLinkTitle
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from doccritic.core.document import Block, BlockKind, DocFormat, Document
from doccritic.formats.markdown import block_tokens, normalize

BOLD, ITALIC, CODE, LINK, STRIKE, IMAGE = 1, 2, 4, 8, 16, 32
FormKind = Literal["heading", "paragraph", "code", "table", "front_matter", "rule"]

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_BREAK = re.compile(r"\r\n|\r|\n")
_TEXT_LIST_MARK = re.compile(r"\s*(?:([-*+•])|(\d+|[a-zA-Z])[.)]|\((\w+)\))\s+")
_FM_KEY = re.compile(r"([A-Za-z0-9_][\w.-]*)[ \t]*:[ \t]*(.*?)\s*$")
_FM_ITEM = re.compile(r"\s*-\s+(.*?)\s*$")
_HTML_COMMENT = re.compile(r"\s*<!--.*?-->\s*", re.DOTALL)
_BR_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)


@dataclass(slots=True, eq=False)
class Link:
    """One link: the runs that share it are one hyperlink."""

    href: str


@dataclass(slots=True)
class Run:
    """Text shown with one style, and the canonical-text span ``[start, end)`` it shows."""

    text: str
    start: int
    end: int
    exact: bool = True
    style: int = 0  # BOLD | ITALIC | CODE | LINK | STRIKE | IMAGE
    link: Link | None = None


@dataclass(slots=True, eq=False)
class FormList:
    """One list: bullets, or numbers from ``start``; ``level`` is its nesting depth from 0. ``tight``: its
    items' paragraphs are shown without paragraph spacing (no blank line between them in the source)."""

    ordered: bool
    start: int
    level: int
    tight: bool = False


@dataclass(slots=True, eq=False)
class Container:
    """A block quote, a list or one list item that blocks sit in; compared by identity, so a writer that
    nests elements (HTML) opens one where a block's ``path`` starts to differ from the previous block's."""

    kind: Literal["quote", "list", "item"]
    list: FormList | None = None


@dataclass(slots=True)
class Cell:
    runs: list[Run]
    align: Literal["left", "center", "right"] | None = None


@dataclass(slots=True)
class FormBlock:
    """One block as shown. ``depth`` is the list nesting (0: not in a list); ``item`` the list whose new
    item this paragraph starts (None for a later paragraph of an item); ``quote`` the block-quote depth."""

    kind: FormKind
    start: int
    end: int
    runs: list[Run] = field(default_factory=list)
    level: int = 0
    depth: int = 0
    item: FormList | None = None
    quote: int = 0
    rows: list[list[Cell]] = field(default_factory=list)  # tables: rows of cells
    header_rows: int = 0
    fields: list[tuple[Run, list[Run]]] = field(default_factory=list)  # front matter: key, values
    path: tuple[Container, ...] = ()  # the quotes, lists and items it sits in, outermost first
    info: str = ""  # a fenced code block's language


@dataclass
class ExportForm:
    """The document as every writer shows it: blocks in reading order."""

    doc: Document
    blocks: list[FormBlock]
    #: Source spans of the inline syntax markup must not cut, as markdown-it read it: each code span from its
    #: opening backticks to its closing ones, each link or image from ``[`` (``![``) to the end of its target
    #: or reference label. The Markdown writer widens a highlight over them (CriticMarkup inside a link would
    #: show in the link's text; inside a code span, literally). In source order; nested ones both listed.
    atoms: list[tuple[int, int]] = field(default_factory=list)
    _runs: list[Run] | None = None
    _starts: list[int] | None = None

    def runs(self) -> list[Run]:
        """Every run with a source, in source order (tables and front matter included)."""
        if self._runs is None:
            runs = [r for b in self.blocks for r in _block_runs(b)]
            self._runs = sorted(runs, key=lambda r: r.start)
            self._starts = [r.start for r in self._runs]
        return self._runs

    def runs_in(self, start: int, end: int) -> list[Run]:
        """The runs that start in ``[start, end)``, in source order."""
        runs = self.runs()
        assert self._starts is not None
        return runs[bisect.bisect_left(self._starts, start) : bisect.bisect_left(self._starts, end)]

    def shown(self, start: int, end: int) -> str:
        """What a reader sees of ``doc.text[start:end]`` (markup dropped, entities decoded)."""
        runs = self.runs()
        assert self._starts is not None
        out = []
        for i in range(max(bisect.bisect_right(self._starts, start) - 1, 0), len(runs)):
            r = runs[i]
            if r.start >= end:
                break
            if r.exact and r.end > start:
                out.append(r.text[max(start - r.start, 0) : end - r.start])
            elif not r.exact and r.start >= start:
                out.append(r.text)
        return "".join(out)


def _block_runs(block: FormBlock) -> list[Run]:
    if block.kind == "table":
        return [r for row in block.rows for cell in row for r in cell.runs]
    if block.kind == "front_matter":
        return [r for key, values in block.fields for r in (key, *values)]
    return block.runs


def export_form(doc: Document) -> ExportForm:
    """``doc`` parsed once into the form every writer renders."""
    builder = _Builder(doc.text)
    if doc.format is DocFormat.MARKDOWN:
        builder.markdown()
    else:
        builder.plain(doc)
    for block in builder.blocks:
        block.runs = [r for r in block.runs if r.text]
    return ExportForm(doc, builder.blocks, sorted(builder.atoms))


@cache
def _parser() -> MarkdownIt:
    """Blocks only: each inline token is parsed when it is walked, and only if it has inline syntax."""
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.core.ruler.at("normalize", normalize)  # the reader's: no regex over every line break
    return md.use(front_matter_plugin).disable("inline")


#: Characters that start inline syntax (escapes, code, emphasis, strikethrough, links, images, autolinks and
#: HTML, entities) or a line break: inline content without any of them is one text token.
_INLINE_SYNTAX = re.compile(r"[\\`*_~\[\]!<&\r\n]")


#: Inline syntax other than backticks: content without it holds only text and code spans.
_OTHER_SYNTAX = re.compile(r"[\\*_~\[\]!<&\r\n]")


def _code_spans(content: str) -> list[Token]:
    """The tokens markdown-it's inline parse gives for content whose only syntax is backticks (CommonMark
    code spans: a run of backticks closes at the next run of the same length, else it is text; one space
    is stripped from each end of code that has something else), without running the whole inline parser."""
    out: list[Token] = []
    text, pos, n = "", 0, len(content)
    while (start := content.find("`", pos)) >= 0:
        end = start + 1
        while end < n and content[end] == "`":
            end += 1
        close, probe = -1, end
        while (at := content.find("`", probe)) >= 0:
            probe = at + 1
            while probe < n and content[probe] == "`":
                probe += 1
            if probe - at == end - start:
                close = at
                break
        if close < 0:  # no closer: the backticks are text
            text += content[pos:end]
            pos = end
            continue
        text += content[pos:start]
        if text:
            out.append(Token("text", "", 0, content=text))
            text = ""
        code = content[end:close]
        if code.startswith(" ") and code.endswith(" ") and code.strip(" "):
            code = code[1:-1]
        out.append(Token("code_inline", "code", 0, content=code, markup=content[start:end]))
        pos = close + end - start
    text += content[pos:]
    if text:
        out.append(Token("text", "", 0, content=text))
    return out


def _inline_children(tok: Token, env: dict[str, object]) -> list[Token]:
    """markdown-it's inline tokens of ``tok``, text pieces joined as its ``text_join`` rule does.

    Most paragraphs of a long draft are plain prose: for those markdown-it's inline parse (two thirds of
    the export form's time) gives one text token, so it is skipped."""
    if tok.children:  # block rules give inline tokens an empty list until the inline rule fills it
        return tok.children
    if not _INLINE_SYNTAX.search(tok.content):
        return [Token("text", "", 0, content=tok.content)]
    if not _OTHER_SYNTAX.search(tok.content):  # code spans only: common in technical drafts
        return _code_spans(tok.content)
    md = _parser()
    children: list[Token] = []
    md.inline.parse(tok.content, md, env, children)
    joined: list[Token] = []
    for child in children:
        if child.type in ("text", "text_special") and joined and joined[-1].type == "text":
            joined[-1].content += child.content
        else:
            if child.type == "text_special":
                child.type = "text"
            joined.append(child)
    return joined


class _Builder:
    """Walks markdown-it's tokens (or ``doc.blocks``) with a source cursor, mapping every run shown."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.blocks: list[FormBlock] = []
        self.cursor = 0  # source offset: everything before it has been shown (or skipped)
        self.line_starts = [0] + [m.end() for m in _BREAK.finditer(text)]  # markdown-it's line numbering
        self.path: list[Container] = []  # quotes, lists and items open at the cursor
        self.env: dict[str, object] = {}  # markdown-it's: the link reference definitions inline parsing reads
        self.atoms: list[tuple[int, int]] = []  # see ExportForm.atoms

    # ---- runs -------------------------------------------------------------------------------------

    def located(self, out: list[Run], text: str, hi: int, style: int = 0, link: Link | None = None) -> None:
        """Show ``text`` and map it to where it sits in the source after the cursor (before ``hi``)."""
        if not text:
            return
        pos = self.text.find(text, self.cursor, hi)
        if pos >= 0:
            out.append(Run(text, pos, pos + len(text), True, style, link))
            self.cursor = pos + len(text)
            return
        # Escapes and entities: align character by character, one run per stretch that matches.
        segments: list[list[object]] = []  # [text, start, end]
        for n, ch in enumerate(text):
            pos = self.text.find(ch, self.cursor, hi if n == 0 else min(hi, self.cursor + 10))
            if pos >= 0 and segments and segments[-1][2] == pos and segments[-1][1] < segments[-1][2]:  # type: ignore[operator]
                segments[-1][0] += ch  # type: ignore[operator]
                segments[-1][2] = pos + 1
            elif pos >= 0:
                segments.append([ch, pos, pos + 1])
            elif segments and segments[-1][1] == segments[-1][2]:
                segments[-1][0] += ch  # type: ignore[operator]
            else:
                segments.append([ch, self.cursor, self.cursor])
            if pos >= 0:
                self.cursor = pos + 1
        for seg_text, start, end in segments:
            exact = self.text[start:end] == seg_text  # type: ignore[index]
            out.append(Run(seg_text, start, end, exact, style, link))  # type: ignore[arg-type]

    def code_span(self, out: list[Run], tok: Token, hi: int, style: int, link: Link | None) -> None:
        """Inline code mapped through its source: a line break inside it is shown as a space (CommonMark).

        Searching for the shown content would fail on that space and misalign every run after it (#21).
        """
        tick = tok.markup or "`"
        opening = self.text.find(tick, self.cursor, hi)
        spans = _code_span_lines(self.text, opening + len(tick), hi, tick, tok.content) if opening >= 0 else None
        if spans is None:  # inside a quote or list the source lines carry markers: best effort
            self.located(out, tok.content, hi, style | CODE, link)
            return
        for start, end, shown in spans:
            out.append(Run(shown, start, end, self.text[start:end] == shown, style | CODE, link))
        self.cursor = spans[-1][1] + len(tick) if spans else opening + 2 * len(tick)
        self.atoms.append((opening, self.cursor))

    def skip_past(self, target: str, hi: int, slack: int = 4) -> None:
        """Move the cursor over ``target`` (a link's URL) when it follows within ``slack`` characters."""
        if target:
            pos = self.text.find(target, self.cursor, hi)
            if 0 <= pos <= self.cursor + slack:
                self.cursor = pos + len(target)

    def link_syntax(self, opened: int, opener: str, hi: int, target: str) -> None:
        """Move the cursor past a link's (or image's) closing syntax and note the link's whole source span.

        The label closes at the first ``]`` after what was shown of it; then comes an inline target
        ``(destination "title")``, a reference label ``[ref]``, or nothing (a shortcut reference). Where the
        source does not read so (a link inside a quote's continued lines), only the target is skipped."""
        start, close = self.text.find(opener, opened, hi), self.text.find("]", self.cursor, hi)
        end = _link_end(self.text, close + 1, hi) if 0 <= start < close else None
        if end is None:
            self.skip_past(target, hi)
            return
        self.atoms.append((start, end))
        self.cursor = end

    def newline(self, out: list[Run], hi: int, shown: str, style: int = 0, link: Link | None = None) -> None:
        """A source line break shown as ``shown`` (a space or a line break), opaque unless identical."""
        pos = self.text.find("\n", self.cursor, hi)
        if pos < 0:
            out.append(Run(shown, self.cursor, self.cursor, False))
            return
        start = pos - 1 if pos > 0 and self.text[pos - 1] == "\r" else pos
        out.append(Run(shown, start, pos + 1, self.text[start : pos + 1] == shown, style, link))
        self.cursor = pos + 1

    def code(self, block: FormBlock, content: str, lo: int, hi: int) -> None:
        """Code lines in one block, line breaks kept."""
        self.cursor = max(self.cursor, lo)
        lines = content[:-1].split("\n") if content.endswith("\n") else content.split("\n")
        for n, line in enumerate(lines):
            if n:
                self.newline(block.runs, hi, "\n")
            self.located(block.runs, line, hi)

    def add(self, kind: FormKind, lo: int, hi: int, **kw: object) -> FormBlock:
        block = FormBlock(kind, lo, hi, path=tuple(self.path), **kw)  # type: ignore[arg-type]
        self.blocks.append(block)
        return block

    # ---- Markdown ----------------------------------------------------------------------------------

    def markdown(self) -> None:
        tokens = block_tokens(_parser(), self.text, self.env)
        lists: list[FormList] = []
        quote, fresh_item, i = 0, False, 0
        while i < len(tokens):
            tok = tokens[i]
            kind = tok.type
            if kind == "front_matter":
                self.front_matter(tok)
            elif kind == "heading_open":
                self.inline(self.add("heading", *self.window(tokens[i + 1]), level=min(max(int(tok.tag[1:]), 1), 6)),
                            tokens[i + 1])
                i += 2
            elif kind == "paragraph_open":
                item = lists[-1] if lists and fresh_item else None
                if lists and tok.hidden:  # markdown-it hides the paragraphs of a tight list's items
                    lists[-1].tight = True
                para = self.add("paragraph", *self.window(tokens[i + 1]), depth=len(lists), item=item,
                                quote=0 if lists else quote)
                fresh_item = False
                self.inline(para, tokens[i + 1])
                i += 2
            elif kind in ("bullet_list_open", "ordered_list_open"):
                lists.append(FormList(kind == "ordered_list_open", int(tok.attrGet("start") or 1), len(lists)))
                self.path.append(Container("list", lists[-1]))
            elif kind in ("bullet_list_close", "ordered_list_close"):
                lists.pop()
                self.path.pop()
            elif kind == "list_item_open":
                fresh_item = True
                self.path.append(Container("item", lists[-1] if lists else None))
            elif kind == "list_item_close":
                self.path.pop()
            elif kind in ("blockquote_open", "blockquote_close"):
                quote += 1 if kind == "blockquote_open" else -1
                self.path.append(Container("quote")) if kind == "blockquote_open" else self.path.pop()
            elif kind in ("fence", "code_block") or (kind == "html_block" and not _HTML_COMMENT.fullmatch(tok.content)):
                lo, hi = self.window(tok)
                info = tok.info.strip().split(maxsplit=1)[0] if kind == "fence" and tok.info.strip() else ""
                self.code(self.add("code", lo, hi, depth=len(lists), info=info), tok.content, lo, hi)
            elif kind == "table_open":
                i = self.table(tokens, i)
            elif kind == "hr":
                self.add("rule", *self.window(tok))
            i += 1

    def window(self, tok: Token) -> tuple[int, int]:
        """Source offsets of a token's lines, or the rest of the text when markdown-it gave none."""
        if not tok.map:
            return self.cursor, len(self.text)
        first, last = tok.map
        lo = self.line_starts[first] if first < len(self.line_starts) else len(self.text)
        hi = self.line_starts[last] if last < len(self.line_starts) else len(self.text)
        return lo, hi

    def inline(self, block: FormBlock, tok: Token, base: int = 0, out: list[Run] | None = None) -> None:
        """The runs of one inline token (a paragraph, heading or cell), with their styles and links."""
        out = block.runs if out is None else out
        lo, hi = self.window(tok)
        self.cursor = max(self.cursor, lo)
        depth = {BOLD: 0, ITALIC: 0, STRIKE: 0}
        link: Link | None = None
        emphasis, opened = 0, self.cursor  # where the source cursor was when the open link began
        for child in _inline_children(tok, self.env):
            kind = child.type
            style = base | emphasis | (LINK if link else 0)
            if kind == "text":
                self.located(out, child.content, hi, style, link)
            elif kind == "code_inline":
                self.code_span(out, child, hi, style, link)
            elif kind in ("softbreak", "hardbreak"):  # inside a link too, or the break lands after the link
                self.newline(out, hi, " " if kind == "softbreak" else "\n", style, link)
            elif kind in _EMPHASIS:
                bit, step = _EMPHASIS[kind]
                depth[bit] += step
                emphasis = (BOLD if depth[BOLD] > 0 else 0) | (ITALIC if depth[ITALIC] > 0 else 0) | (
                    STRIKE if depth[STRIKE] > 0 else 0)
            elif kind == "link_open":
                link, opened = Link(str(child.attrGet("href") or "")), self.cursor
            elif kind == "link_close":
                if child.markup not in ("autolink", "linkify") and link is not None:
                    self.link_syntax(opened, "[", hi, link.href)
                link = None
            elif kind == "image":
                alt, opened = child.content or "image", self.cursor
                out.append(Run(f"[image: {alt}]", self.cursor, self.cursor, False, ITALIC | IMAGE))
                self.skip_past(alt, hi, slack=2)
                self.link_syntax(opened, "![", hi, str(child.attrGet("src") or ""))
            elif kind == "html_inline" and _BR_TAG.fullmatch(child.content.strip()):
                out.append(Run("\n", self.cursor, self.cursor, False))

    def table(self, tokens: list[Token], i: int) -> int:
        block = self.add("table", *self.window(tokens[i]))
        in_head = False
        while i < len(tokens) and tokens[i].type != "table_close":
            tok = tokens[i]
            if tok.type in ("thead_open", "thead_close"):
                in_head = tok.type == "thead_open"
            elif tok.type == "tr_open":
                block.rows.append([])
                block.header_rows += in_head
            elif tok.type in ("th_open", "td_open"):
                style = str(tok.attrGet("style") or "")
                align = "right" if "right" in style else "center" if "center" in style else None
                cell = Cell([], align)  # type: ignore[arg-type]
                self.inline(block, tokens[i + 1], BOLD if in_head else 0, cell.runs)
                cell.runs = [r for r in cell.runs if r.text]
                block.rows[-1].append(cell)
            i += 1
        if not block.rows or not max(len(r) for r in block.rows):
            self.blocks.pop()
        return i

    def front_matter(self, tok: Token) -> None:
        lo, hi = self.window(tok)
        lines = [(m.start(), m.group().rstrip("\r\n")) for m in _LINE.finditer(self.text, lo, hi) if m.group()]
        fields: list[tuple[Run, list[Run]]] = []
        for start, line in lines[1:-1]:
            key = _FM_KEY.fullmatch(line)
            item = _FM_ITEM.fullmatch(line)
            if key and not line[:1].isspace():
                at = start + key.start(2)
                fields.append((self._slice(start + key.start(1), key.group(1), BOLD), []))
                if key.group(2):
                    fields[-1][1].append(self._slice(at, key.group(2)))
            elif fields and line.strip():
                body = item.group(1) if item else line.strip()
                fields[-1][1].append(self._slice(start + (item.start(1) if item else len(line) - len(line.lstrip())),
                                                 body))
        self.cursor = hi
        if fields:
            self.add("front_matter", lo, hi, fields=fields)

    def _slice(self, at: int, value: str, style: int = 0) -> Run:
        """A front-matter value, its quotes dropped."""
        if not style and len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            at, value = at + 1, value[1:-1]
        return Run(value, at, at + len(value), True, style)

    # ---- plain text / reStructuredText / Word ------------------------------------------------------

    def plain(self, doc: Document) -> None:
        ordered: FormList | None = None
        bullets = FormList(False, 1, 0, tight=True)
        table: tuple[FormBlock, object, int | None] | None = None  # the table being filled, its id, its row
        for block in doc.blocks:
            start, end = block.start, block.end
            self.cursor = start
            if block.kind is not BlockKind.LIST_ITEM:
                self.path = []
            if block.kind is BlockKind.TABLE_CELL:  # Word tables: cells in reading order, rows by number
                table = self.cell(table, block)
                continue
            table = None
            if block.kind is BlockKind.HEADING:
                self.lines(self.add("heading", start, end, level=min(max(block.level, 1), 6)), start, end)
            elif block.kind in (BlockKind.CODE, BlockKind.HTML, BlockKind.FRONT_MATTER):
                self.code(self.add("code", start, end), self.text[start:end], start, end)
            elif block.kind is BlockKind.LIST_ITEM:
                mark = _TEXT_LIST_MARK.match(block.text)
                level = max(block.level, 1) - 1
                item = bullets
                if mark and not mark.group(1):
                    first = mark.group(2) or mark.group(3) or "1"
                    if ordered is None or first in ("1", "a", "A", "i"):
                        ordered = FormList(True, int(first) if first.isdigit() else 1, level, tight=True)
                    item = ordered
                self.list_path(item, level)
                para = self.add("paragraph", start, end, depth=level + 1, item=item)
                self.lines(para, start + (mark.end() if mark else 0), end)
                continue
            else:
                quoted = block.kind is BlockKind.QUOTE
                self.path = [Container("quote")] if quoted else []
                self.lines(self.add("paragraph", start, end, quote=int(quoted)), start, end)
            ordered = None

    def list_path(self, items: FormList, level: int) -> None:
        """Open a new item of ``items`` at nesting ``level``: lists deeper than it close, one opens if needed."""
        keep = 2 * level  # (list, item) pairs of the levels above
        self.path = self.path[:keep + 1] if len(self.path) > keep and self.path[keep].list is items else \
            self.path[:keep]
        while len(self.path) < keep + 1:  # a missing outer level, or this level's list, opens here
            self.path += [Container("list", items)] if len(self.path) % 2 == 0 else [Container("item", items)]
        self.path.append(Container("item", items))

    def cell(self, table: tuple[FormBlock, object, int | None] | None, block: Block) -> tuple[FormBlock, object,
                                                                                              int | None]:
        """One Word table cell into the current table (a new one when the cell is in another table)."""
        here = block.docx.table if block.docx else None
        if table is None or table[1] != here:
            table = (self.add("table", block.start, block.end), here, None)
        form = table[0]
        if table[2] != block.row or not form.rows:
            form.rows.append([])
        cell = Cell([])
        self.lines_into(cell.runs, block.start, block.end)
        cell.runs = [r for r in cell.runs if r.text]
        form.rows[-1].append(cell)
        form.end = block.end
        return form, here, block.row

    def lines(self, block: FormBlock, start: int, end: int) -> None:
        """A block's lines as one paragraph: indentation dropped, line breaks shown as spaces."""
        self.lines_into(block.runs, start, end)

    def lines_into(self, out: list[Run], start: int, end: int) -> None:
        self.cursor = start
        for n, m in enumerate(_LINE.finditer(self.text, start, end)):
            line = m.group().rstrip("\r\n")
            if not m.group():
                break
            if n:
                self.newline(out, end + 1, " ")
            body = line.lstrip()
            at = m.start() + len(line) - len(body)
            if body:
                out.append(Run(body, at, at + len(body)))
            self.cursor = m.start() + len(line)


_EMPHASIS = {"strong_open": (BOLD, 1), "strong_close": (BOLD, -1), "em_open": (ITALIC, 1),
             "em_close": (ITALIC, -1), "s_open": (STRIKE, 1), "s_close": (STRIKE, -1)}


def _link_end(text: str, pos: int, hi: int) -> int | None:
    """Where a link's syntax after its label's ``]`` (at ``pos - 1``) ends, or None if it does not parse."""
    if text.startswith("(", pos):
        at = _skip_space(text, pos + 1, hi)
        if at < hi and text[at] != ")":
            dest = parseLinkDestination(text, at, hi)
            if not dest.ok:
                return None
            at = _skip_space(text, dest.pos, hi)
            if at < hi and text[at] in "\"'(":
                title = parseLinkTitle(text, at, hi)
                if not title.ok:
                    return None
                at = _skip_space(text, title.pos, hi)
        return at + 1 if at < hi and text[at] == ")" else None
    if text.startswith("[", pos):
        close = text.find("]", pos, hi)
        return close + 1 if close >= 0 else None
    return pos


def _skip_space(text: str, pos: int, hi: int) -> int:
    while pos < hi and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _code_span_lines(text: str, lo: int, hi: int, tick: str, content: str) -> list[tuple[int, int, str]] | None:
    """The source pieces ``(start, end, shown)`` of a code span's ``content`` that starts at ``lo``.

    Lines are exact; each line ending is one opaque piece shown as a space; the one space CommonMark strips
    from each end is not shown. None when the source between the backticks does not give ``content``.
    """
    close = text.find(tick, lo, hi)
    while close >= 0 and (text.startswith("`", close + len(tick)) or (close > lo and text[close - 1] == "`")):
        close = text.find(tick, close + len(tick) + 1, hi)  # a longer backtick run does not close it
    if close < 0:
        return None
    pieces: list[tuple[int, int, str]] = []
    pos = lo
    for m in _BREAK.finditer(text, lo, close):
        pieces += [(pos, m.start(), text[pos : m.start()]), (m.start(), m.end(), " ")]
        pos = m.end()
    pieces.append((pos, close, text[pos:close]))
    shown = "".join(p[2] for p in pieces)
    if len(shown) > 2 and shown[0] == " " == shown[-1] and shown.strip(" "):
        pieces = _drop_edge_space(pieces)
        shown = shown[1:-1]
    if shown != content:
        return None
    return [p for p in pieces if p[2]]


def _drop_edge_space(pieces: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """``pieces`` without the first and the last shown space (a line ending there goes whole)."""
    s0, e0, t0 = pieces[0]
    pieces[0] = (s0 + 1 if t0 and e0 - s0 == len(t0) else e0, e0, t0[1:])
    s1, e1, t1 = pieces[-1]
    pieces[-1] = (s1, e1 - 1 if t1 and e1 - s1 == len(t1) else s1, t1[:-1])
    return pieces
