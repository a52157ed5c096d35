"""Markdown and plain text drawn as a clean Word document, remembering which characters each run shows.

Comments are placed by canonical-text offsets. A Markdown file's canonical text is its source, markup
included, while Word shows the rendered text; so every run written here records the source span it
shows as a :class:`Piece`. An *exact* piece's text is that very slice (a comment may start or end
anywhere inside it: the exporter splits the run); an *opaque* one stands for it (a soft line break
shown as a space, text with an escape or entity decoded). Markup that is not shown (``**``, link
targets, list markers, fences) has no run: a comment starting on it starts at the next run shown.

Rendering: headings use Heading 1-6; lists are real Word lists (bullets, or numbers restarting per
list, nine levels); block quotes a "Block Quote" style with a rule on the left; code blocks a monospace
"Code Block" style with the line breaks kept; inline code an "Inline Code" character style; links are
real hyperlinks (in-page ``#anchor`` links keep the link look only); images show as ``[image: alt]``;
``---`` rules a bottom border. YAML front matter becomes a small two-column table (key, value) at the
top, so the owner, status and reviewers stay visible. HTML comments (template guidance) are left out;
other raw HTML is shown as code. Plain text and reStructuredText: section titles become headings, list
items real lists, literal blocks code; the lines of a paragraph are joined with spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Inches, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml.etree import _Element
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from doccritic.core.document import BlockKind, DocFormat, Document

CODE_FONT = "Courier New"
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_BREAK = re.compile(r"\r\n|\r|\n")
_PLAIN = re.compile(r"[^\t\n\r]+")
_TEXT_LIST_MARK = re.compile(r"\s*(?:([-*+•])|(\d+|[a-zA-Z])[.)]|\((\w+)\))\s+")
_FM_KEY = re.compile(r"([A-Za-z0-9_][\w.-]*)[ \t]*:[ \t]*(.*?)\s*$")
_FM_ITEM = re.compile(r"\s*-\s+(.*?)\s*$")
_HTML_COMMENT = re.compile(r"\s*<!--.*?-->\s*", re.DOTALL)
_BR_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
_BULLETS = ("•", "◦", "▪")
#: w:pPr children that must follow w:pBdr / w:shd (OOXML sequence order).
_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
               "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
               "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
               "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
               "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


@dataclass(slots=True)
class Piece:
    """One run and the canonical-text span ``[start, end)`` it shows."""

    start: int
    end: int
    run: _Element
    exact: bool = True


@dataclass(slots=True)
class _Fmt:
    bold: int = 0
    italic: int = 0
    strike: int = 0


def render_document(doc: Document) -> tuple[Any, list[Piece]]:
    """A new python-docx document showing ``doc``, and the pieces that map its runs to ``doc.text``."""
    renderer = _Renderer(doc.text)
    if doc.format is DocFormat.MARKDOWN:
        renderer.markdown()
    else:
        renderer.plain(doc)
    renderer.word.core_properties.title = doc.title
    return renderer.word, [p for p in renderer.pieces if p.end > p.start]


class _Renderer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.word = docx.Document()
        self.pieces: list[Piece] = []
        self.style_ids: dict[str, str] = {}
        self.sect_pr = self.word.element.body.find(qn("w:sectPr"))
        self.cursor = 0  # source offset: everything before it has been shown (or skipped)
        self.line_starts = [0] + [m.end() for m in _BREAK.finditer(text)]  # markdown-it's line numbering
        _add_styles(self.word)
        self.numbering = _Numbering(self.word)

    # ---- runs -------------------------------------------------------------------------------------

    def run(self, para: Paragraph, text: str, start: int, end: int, *, exact: bool | None = None,
            fmt: _Fmt | None = None, style: str | None = None, link: _StyledLink | None = None) -> None:
        run = self._plain_run(para, text) if _PLAIN.fullmatch(text) else para.add_run(text)
        if style is not None:  # by id: python-docx looks a style name up among all styles on every run
            run._r.get_or_add_rPr().style = self.style_id(style)
        if fmt is not None and fmt.bold:
            run.bold = True
        if fmt is not None and fmt.italic:
            run.italic = True
        if fmt is not None and fmt.strike:
            run.font.strike = True
        if link is not None:
            link.append(run._r)
        if exact is None:
            exact = self.text[start:end] == text
        self.pieces.append(Piece(start, end, run._r, exact))

    @staticmethod
    def _plain_run(para: Paragraph, text: str) -> Run:
        """``para.add_run(text)`` for text without tabs or breaks, without python-docx's per-character walk."""
        r = OxmlElement("w:r")
        t = OxmlElement("w:t")
        t.text = text
        if text[:1].isspace() or text[-1:].isspace():
            t.set(qn("xml:space"), "preserve")
        r.append(t)
        para._p.append(r)
        return Run(r, para)

    def located(self, para: Paragraph, text: str, hi: int, **kw: Any) -> None:
        """Show ``text`` and map it to where it sits in the source after the cursor (before ``hi``)."""
        if not text:
            return
        pos = self.text.find(text, self.cursor, hi)
        if pos >= 0:
            self.run(para, text, pos, pos + len(text), exact=True, **kw)
            self.cursor = pos + len(text)
            return
        # Escapes and entities: align character by character, one run per stretch that matches.
        segments: list[list[Any]] = []  # [text, start, end]
        for n, ch in enumerate(text):
            pos = self.text.find(ch, self.cursor, hi if n == 0 else min(hi, self.cursor + 10))
            if pos >= 0 and segments and segments[-1][2] == pos and segments[-1][1] < segments[-1][2]:
                segments[-1][0] += ch
                segments[-1][2] = pos + 1
            elif pos >= 0:
                segments.append([ch, pos, pos + 1])
            elif segments and segments[-1][1] == segments[-1][2]:
                segments[-1][0] += ch
            else:
                segments.append([ch, self.cursor, self.cursor])
            if pos >= 0:
                self.cursor = pos + 1
        for seg_text, start, end in segments:
            self.run(para, seg_text, start, end, **kw)

    def code_span(self, para: Paragraph, tok: Token, hi: int, **kw: Any) -> None:
        """Inline code mapped through its source: a line break inside it is shown as a space (CommonMark).

        Searching for the shown content would fail on that space and misalign every run after it.
        """
        tick = tok.markup or "`"
        opening = self.text.find(tick, self.cursor, hi)
        spans = _code_span_lines(self.text, opening + len(tick), hi, tick, tok.content) if opening >= 0 else None
        if spans is None:  # inside a quote or list the source lines carry markers: best effort
            self.located(para, tok.content, hi, style="Inline Code", **kw)
            return
        for start, end, shown in spans:
            self.run(para, shown, start, end, style="Inline Code", **kw)
        self.cursor = spans[-1][1] + len(tick) if spans else opening + 2 * len(tick)

    def skip_past(self, target: str, hi: int, slack: int = 4) -> None:
        """Move the cursor over ``target`` (a link's URL) when it follows within ``slack`` characters."""
        if target:
            pos = self.text.find(target, self.cursor, hi)
            if 0 <= pos <= self.cursor + slack:
                self.cursor = pos + len(target)

    def newline_piece(self, para: Paragraph, hi: int, shown: str, **kw: Any) -> None:
        """A source line break shown as ``shown`` (a space or a line break), opaque unless identical."""
        pos = self.text.find("\n", self.cursor, hi)
        if pos < 0:
            para.add_run(shown)
            return
        start = pos - 1 if pos > 0 and self.text[pos - 1] == "\r" else pos
        self.run(para, shown, start, pos + 1, **kw)
        self.cursor = pos + 1

    # ---- paragraphs --------------------------------------------------------------------------------

    def paragraph(self, style: str | None = None) -> Paragraph:
        """A new body paragraph, placed before the final w:sectPr found once (python-docx looks it up among
        all body children for every paragraph: quadratic on long documents)."""
        p = OxmlElement("w:p")
        if self.sect_pr is None:
            self.word.element.body.append(p)
        else:
            self.sect_pr.addprevious(p)
        para = Paragraph(p, self.word._body)
        if style is not None:
            p.get_or_add_pPr().style = self.style_id(style)
        return para

    def style_id(self, name: str) -> str:
        if name not in self.style_ids:
            self.style_ids[name] = self.word.styles[name].style_id
        return self.style_ids[name]

    def list_paragraph(self, num_id: int | None, level: int) -> Paragraph:
        para = self.paragraph("List Paragraph")
        ppr = para._p.get_or_add_pPr()
        if num_id is None:  # a later paragraph of the same item: indented, no number
            para.paragraph_format.left_indent = Inches(0.25 * (level + 2))  # the numbered text's indent
            return para
        numpr = ppr.get_or_add_numPr()
        numpr.get_or_add_ilvl().val = min(level, 8)
        numpr.get_or_add_numId().val = num_id
        return para

    def code(self, para: Paragraph, content: str, lo: int, hi: int) -> None:
        """Code lines in one paragraph, line breaks kept as w:br."""
        self.cursor = max(self.cursor, lo)
        lines = content[:-1].split("\n") if content.endswith("\n") else content.split("\n")
        for n, line in enumerate(lines):
            if n:
                self.newline_piece(para, hi, "\n")
            self.located(para, line, hi)

    def rule(self) -> None:
        para = self.paragraph()
        border = parse_xml(f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" w:space="1" '
                           'w:color="BFBFBF"/></w:pBdr>')
        para._p.get_or_add_pPr().insert_element_before(border, *_AFTER_PBDR)

    # ---- Markdown ----------------------------------------------------------------------------------

    def markdown(self) -> None:
        md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).use(front_matter_plugin)
        tokens = md.parse(self.text)
        lists: list[tuple[int, str]] = []  # (level, "bullet"/"ordered") stack
        nums: list[int] = []
        quote = 0
        fresh_item = False
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            kind = tok.type
            if kind == "front_matter":
                self.front_matter(tok)
            elif kind == "heading_open":
                level = min(max(int(tok.tag[1:]), 1), 6)
                self.inline(self.paragraph(f"Heading {level}"), tokens[i + 1])
                i += 2
            elif kind == "paragraph_open":
                if lists:
                    para = self.list_paragraph(nums[-1] if fresh_item else None, len(lists) - 1)
                else:
                    para = self.paragraph("Block Quote" if quote else None)
                    if quote > 1:
                        para.paragraph_format.left_indent = Inches(0.3 * quote)
                fresh_item = False
                self.inline(para, tokens[i + 1])
                i += 2
            elif kind in ("bullet_list_open", "ordered_list_open"):
                level = len(lists)
                if kind == "bullet_list_open":
                    nums.append(self.numbering.bullets)
                else:
                    nums.append(self.numbering.ordered(level, int(tok.attrGet("start") or 1)))
                lists.append((level, kind))
            elif kind in ("bullet_list_close", "ordered_list_close"):
                lists.pop()
                nums.pop()
            elif kind == "list_item_open":
                fresh_item = True
            elif kind == "blockquote_open":
                quote += 1
            elif kind == "blockquote_close":
                quote -= 1
            elif kind in ("fence", "code_block") or (kind == "html_block" and not _HTML_COMMENT.fullmatch(tok.content)):
                para = self.paragraph("Code Block")
                if lists:
                    para.paragraph_format.left_indent = Inches(0.25 * (len(lists) + 1))
                lo, hi = self.window(tok)
                self.code(para, tok.content, lo, hi)
            elif kind == "table_open":
                i = self.table(tokens, i)
            elif kind == "hr":
                self.rule()
            i += 1

    def window(self, tok: Token) -> tuple[int, int]:
        """Source offsets of a token's lines, or the rest of the text when markdown-it gave none."""
        if not tok.map:
            return self.cursor, len(self.text)
        first, last = tok.map
        lo = self.line_starts[first] if first < len(self.line_starts) else len(self.text)
        hi = self.line_starts[last] if last < len(self.line_starts) else len(self.text)
        return lo, hi

    def inline(self, para: Paragraph, tok: Token, base: _Fmt | None = None) -> None:
        lo, hi = self.window(tok)
        self.cursor = max(self.cursor, lo)
        fmt = _Fmt(base.bold, base.italic, base.strike) if base else _Fmt()
        link: _StyledLink | None = None
        href = ""
        for child in tok.children or ():
            kind = child.type
            if kind == "text":
                self.located(para, child.content, hi, fmt=fmt, link=link)
            elif kind == "code_inline":
                self.code_span(para, child, hi, fmt=fmt, link=link)
            elif kind in ("softbreak", "hardbreak"):  # inside a link too, or the break lands after the link
                self.newline_piece(para, hi, " " if kind == "softbreak" else "\n", fmt=fmt, link=link)
            elif kind in ("strong_open", "strong_close"):
                fmt.bold += 1 if kind.endswith("open") else -1
            elif kind in ("em_open", "em_close"):
                fmt.italic += 1 if kind.endswith("open") else -1
            elif kind in ("s_open", "s_close"):
                fmt.strike += 1 if kind.endswith("open") else -1
            elif kind == "link_open":
                href = str(child.attrGet("href") or "")
                link = self.hyperlink(para, href)
            elif kind == "link_close":
                link = None
                if child.markup not in ("autolink", "linkify"):
                    self.skip_past(href, hi)
            elif kind == "image":
                alt = child.content or "image"
                run = para.add_run(f"[image: {alt}]")
                run.italic = True
                self.skip_past(alt, hi, slack=2)
                self.skip_past(str(child.attrGet("src") or ""), hi)
            elif kind == "html_inline" and _BR_TAG.fullmatch(child.content.strip()):
                para.add_run("\n")

    def hyperlink(self, para: Paragraph, href: str) -> _StyledLink:
        link = OxmlElement("w:hyperlink")
        if href and not href.startswith("#"):
            link.set(qn("r:id"), self.word.part.relate_to(href, RT.HYPERLINK, is_external=True))
            link.set(qn("w:history"), "1")
        para._p.append(link)
        # runs added to the paragraph are moved into the link; they carry the Hyperlink character style
        return _StyledLink(link)

    def table(self, tokens: list[Token], i: int) -> int:
        rows: list[list[tuple[Token, str | None]]] = []
        header_rows = 0
        in_head = False
        while i < len(tokens) and tokens[i].type != "table_close":
            tok = tokens[i]
            if tok.type == "thead_open":
                in_head = True
            elif tok.type == "thead_close":
                in_head = False
            elif tok.type == "tr_open":
                rows.append([])
                header_rows += in_head
            elif tok.type in ("th_open", "td_open"):
                style = str(tok.attrGet("style") or "")
                align = "right" if "right" in style else "center" if "center" in style else None
                rows[-1].append((tokens[i + 1], align))
            i += 1
        cols = max((len(r) for r in rows), default=0)
        if not rows or not cols:
            return i
        table = self.word.add_table(rows=len(rows), cols=cols)
        table.style = "Table Grid"
        for r, row in enumerate(rows):
            for c, (inline, align) in enumerate(row):
                para = table.cell(r, c).paragraphs[0]
                if align:
                    para.alignment = WD_ALIGN_PARAGRAPH.RIGHT if align == "right" else WD_ALIGN_PARAGRAPH.CENTER
                self.inline(para, inline, _Fmt(bold=1) if r < header_rows else None)
        self.paragraph()  # Word needs a paragraph between two tables, and it reads better
        return i

    def front_matter(self, tok: Token) -> None:
        lo, hi = self.window(tok)
        lines = [(m.start(), m.group().rstrip("\r\n")) for m in _LINE.finditer(self.text, lo, hi) if m.group()]
        rows: list[tuple[tuple[int, str], list[tuple[int, str]]]] = []
        for start, line in lines[1:-1]:
            key = _FM_KEY.fullmatch(line)
            item = _FM_ITEM.fullmatch(line)
            if key and not line[:1].isspace():
                value = [(start + key.start(2), key.group(2))] if key.group(2) else []
                rows.append(((start + key.start(1), key.group(1)), value))
            elif rows and line.strip():
                body = item.group(1) if item else line.strip()
                offset = start + (item.start(1) if item else len(line) - len(line.lstrip()))
                rows[-1][1].append((offset, body))
        self.cursor = hi
        if not rows:
            return
        table = self.word.add_table(rows=len(rows), cols=2)
        table.style = "Table Grid"
        table.autofit = False
        for column, width in zip(table.columns, (Inches(1.3), Inches(5.2)), strict=True):
            column.width = width
        for r, ((key_at, key), values) in enumerate(rows):
            key_cell, value_cell = table.cell(r, 0), table.cell(r, 1)
            key_cell.width, value_cell.width = Inches(1.3), Inches(5.2)
            para = key_cell.paragraphs[0]
            self.run(para, key, key_at, key_at + len(key), fmt=_Fmt(bold=1), style="Front Matter")
            for n, (at, value) in enumerate(values):
                if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                    at, value = at + 1, value[1:-1]
                para = value_cell.paragraphs[0] if n == 0 else value_cell.add_paragraph()
                self.run(para, value, at, at + len(value), style="Front Matter")
        self.paragraph()

    # ---- plain text / reStructuredText -------------------------------------------------------------

    def plain(self, doc: Document) -> None:
        list_num: int | None = None
        for block in doc.blocks:
            start, end = block.start, block.end
            self.cursor = start
            if block.kind is BlockKind.HEADING:
                self.lines(self.paragraph(f"Heading {min(max(block.level, 1), 6)}"), start, end)
            elif block.kind in (BlockKind.CODE, BlockKind.HTML, BlockKind.FRONT_MATTER):
                self.code(self.paragraph("Code Block"), self.text[start:end], start, end)
            elif block.kind is BlockKind.LIST_ITEM:
                mark = _TEXT_LIST_MARK.match(block.text)
                level = max(block.level, 1) - 1
                if mark and not mark.group(1):
                    first = mark.group(2) or mark.group(3) or "1"
                    if list_num is None or first in ("1", "a", "A", "i"):
                        list_num = self.numbering.ordered(level, int(first) if first.isdigit() else 1)
                    num = list_num
                else:
                    num = self.numbering.bullets
                self.lines(self.list_paragraph(num, level), start + (mark.end() if mark else 0), end)
                continue
            else:
                self.lines(self.paragraph("Block Quote" if block.kind is BlockKind.QUOTE else None), start, end)
            list_num = None

    def lines(self, para: Paragraph, start: int, end: int) -> None:
        """A block's lines as one paragraph: indentation dropped, line breaks shown as spaces."""
        self.cursor = start
        for n, m in enumerate(_LINE.finditer(self.text, start, end)):
            line = m.group().rstrip("\r\n")
            if not m.group():
                break
            if n:
                self.newline_piece(para, end + 1, " ")
            body = line.lstrip()
            at = m.start() + len(line) - len(body)
            if body:
                self.run(para, body, at, at + len(body), exact=True)
            self.cursor = m.start() + len(line)


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


class _StyledLink:
    """A w:hyperlink that gives each run appended to it the Hyperlink character style."""

    def __init__(self, element: _Element) -> None:
        self.element = element

    def append(self, r: _Element) -> None:
        rpr = r.get_or_add_rPr()
        rpr.style = "Hyperlink"
        self.element.append(r)


class _Numbering:
    """Two list definitions of our own (bullets, decimal), nine levels each; one w:num per numbered list."""

    def __init__(self, word: Any) -> None:
        self.root = word.part.numbering_part.element
        used = [int(x) for x in self.root.xpath("./w:abstractNum/@w:abstractNumId")]
        self.bullet_def, self.decimal_def = max(used, default=-1) + 1, max(used, default=-1) + 2
        first_num = self.root.find(qn("w:num"))
        for definition in (self._abstract(self.bullet_def, True), self._abstract(self.decimal_def, False)):
            if first_num is not None:
                first_num.addprevious(definition)
            else:
                self.root.append(definition)
        self.bullets = self.root.add_num(self.bullet_def).numId

    def ordered(self, level: int, start: int) -> int:
        num = self.root.add_num(self.decimal_def)
        num.add_lvlOverride(ilvl=min(level, 8)).add_startOverride(max(start, 0))
        return num.numId

    @staticmethod
    def _abstract(def_id: int, bullet: bool) -> _Element:
        levels = []
        for lvl in range(9):
            fmt, text = ("bullet", _BULLETS[lvl % 3]) if bullet else ("decimal", f"%{lvl + 1}.")
            levels.append(f'<w:lvl w:ilvl="{lvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                          f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                          f'<w:pPr><w:ind w:left="{360 * (lvl + 1) + 360}" w:hanging="360"/></w:pPr></w:lvl>')
        return parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{def_id}">'
                         f'<w:multiLevelType w:val="hybridMultilevel"/>{"".join(levels)}</w:abstractNum>')


def _add_styles(word: Any) -> None:
    styles = word.styles
    code = styles.add_style("Code Block", WD_STYLE_TYPE.PARAGRAPH)
    code.base_style = styles["Normal"]
    code.font.name, code.font.size = CODE_FONT, Pt(9)
    fmt = code.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(4), Pt(8), 1.0
    fmt.left_indent = Inches(0.1)
    code.element.get_or_add_pPr().insert_element_before(
        parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="F3F3F3"/>'), *_AFTER_PBDR[1:])
    inline = styles.add_style("Inline Code", WD_STYLE_TYPE.CHARACTER)
    inline.font.name, inline.font.size = CODE_FONT, Pt(9.5)
    inline.font.color.rgb = RGBColor(0x80, 0x20, 0x20)
    link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
    link.font.underline = True
    quote = styles.add_style("Block Quote", WD_STYLE_TYPE.PARAGRAPH)
    quote.base_style = styles["Normal"]
    quote.font.italic = True
    quote.font.color.rgb = RGBColor(0x40, 0x40, 0x40)
    quote.paragraph_format.left_indent = Inches(0.3)
    quote.element.get_or_add_pPr().insert_element_before(
        parse_xml(f'<w:pBdr {nsdecls("w")}><w:left w:val="single" w:sz="18" w:space="8" w:color="C8C8C8"/>'
                  "</w:pBdr>"), *_AFTER_PBDR)
    front = styles.add_style("Front Matter", WD_STYLE_TYPE.CHARACTER)
    front.font.size = Pt(9)
    front.font.color.rgb = RGBColor(0x40, 0x40, 0x40)
