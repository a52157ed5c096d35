"""The export form drawn as a clean Word document, remembering which characters each run shows.

Comments are placed by canonical-text offsets. A Markdown file's canonical text is its source, markup
included, while Word shows the rendered text; the export form (:mod:`doccritic.formats.export_form`)
already knows the source span of everything shown, so every run written here records it as a
:class:`Piece`. An *exact* piece's text is that very slice (a comment may start or end anywhere inside it:
the exporter splits the run); an *opaque* one stands for it. Markup that is not shown has no run.

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
from typing import Any, cast

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.text.paragraph import CT_P
from docx.shared import Inches, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from lxml import etree
from lxml.etree import _Element

from doccritic.core.document import Document
from doccritic.formats.export_form import BOLD, CODE, ITALIC, STRIKE, ExportForm, FormBlock, FormList, Link, export_form
from doccritic.formats.export_form import Run as FormRun

CODE_FONT = "Courier New"
_PLAIN = re.compile(r"[^\t\n\r]+")
_W_R, _W_RPR, _W_RSTYLE, _W_T, _W_VAL = qn("w:r"), qn("w:rPr"), qn("w:rStyle"), qn("w:t"), qn("w:val")
_XML_SPACE = qn("xml:space")
_TOGGLES = ((BOLD, qn("w:b")), (ITALIC, qn("w:i")), (STRIKE, qn("w:strike")))  # in w:rPr's schema order
_BULLETS = ("•", "◦", "▪")
#: w:pPr children that must follow w:pBdr / w:shd (OOXML sequence order).
_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
               "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
               "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
               "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
               "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_text(text: str) -> str:
    """``text`` with each character XML cannot hold (a form feed, an escape code in a pasted log) replaced by
    one that it can, so the Word file is written and every offset after it still matches: a vertical tab or
    form feed by a space, the others by U+FFFD."""
    if not _XML_ILLEGAL.search(text):
        return text
    return _XML_ILLEGAL.sub(lambda m: " " if m.group() in "\x0b\x0c" else "\ufffd", text)


@dataclass(slots=True)
class Piece:
    """One run and the canonical-text span ``[start, end)`` it shows."""

    start: int
    end: int
    run: _Element
    exact: bool = True


def render_document(doc: Document, form: ExportForm | None = None) -> tuple[Any, list[Piece]]:
    """A new python-docx document showing ``doc``, and the pieces that map its runs to ``doc.text``."""
    renderer = _Renderer(doc.text)
    for block in (form or export_form(doc)).blocks:
        renderer.block(block)
    renderer.word.core_properties.title = _xml_text(doc.title)
    return renderer.word, [p for p in renderer.pieces if p.end > p.start]


class _Renderer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.word = docx.Document()
        self.pieces: list[Piece] = []
        self.style_ids: dict[str, str] = {}
        self.sect_pr = self.word.element.body.find(qn("w:sectPr"))
        _add_styles(self.word)
        self.numbering = _Numbering(self.word)
        self.nums: dict[int, int] = {}  # id(FormList) -> w:numId
        self.link: tuple[Link, _Element] | None = None  # the link being written and its w:hyperlink

    # ---- runs -------------------------------------------------------------------------------------

    def runs(self, para: Paragraph, runs: list[FormRun], style: str | None = None) -> None:
        for r in runs:
            self.run(para, r, style)

    def run(self, para: Paragraph, r: FormRun, style: str | None = None) -> None:
        """One Word run for ``r``, written as elements directly: python-docx's run, font and style
        setters cost ~50 µs each, a third of a 50,000-finding export."""
        name = "Inline Code" if r.style & CODE else style
        style_id = "Hyperlink" if r.link is not None else self.style_id(name) if name else None
        target: _Element = self.hyperlink(para, r.link) if r.link is not None else para._p
        text = _xml_text(r.text)
        if _PLAIN.fullmatch(text):
            run = etree.SubElement(target, _W_R)
            if style_id or r.style & (BOLD | ITALIC | STRIKE):
                rpr = etree.SubElement(run, _W_RPR)
                if style_id:
                    etree.SubElement(rpr, _W_RSTYLE).set(_W_VAL, style_id)
                for bit, tag in _TOGGLES:
                    if r.style & bit:
                        etree.SubElement(rpr, tag)
            t = etree.SubElement(run, _W_T)
            t.text = text
            if text[:1].isspace() or text[-1:].isspace():
                t.set(_XML_SPACE, "preserve")
        else:  # tabs and line breaks: python-docx writes them as w:tab and w:br
            word_run = para.add_run(text)
            if style_id:
                word_run._r.get_or_add_rPr().style = style_id
            if r.style & BOLD:
                word_run.bold = True
            if r.style & ITALIC:
                word_run.italic = True
            if r.style & STRIKE:
                word_run.font.strike = True
            run = word_run._r
            if r.link is not None:
                target.append(run)
        self.pieces.append(Piece(r.start, r.end, run, r.exact))

    def hyperlink(self, para: Paragraph, link: Link) -> _Element:
        """The w:hyperlink of ``link``, made on its first run; later runs of the same link join it (each run
        carries the Hyperlink character style)."""
        if self.link is not None and self.link[0] is link:
            return self.link[1]
        element = OxmlElement("w:hyperlink")
        if link.href and not link.href.startswith("#"):
            element.set(qn("r:id"), self.word.part.relate_to(link.href, RT.HYPERLINK, is_external=True))
            element.set(qn("w:history"), "1")
        body: _Element = para._p  # lxml's stubs take only children of the parent's own class
        body.append(element)
        self.link = (link, element)
        return element

    # ---- paragraphs --------------------------------------------------------------------------------

    def paragraph(self, style: str | None = None) -> Paragraph:
        """A new body paragraph, placed before the final w:sectPr found once (python-docx looks it up among
        all body children for every paragraph: quadratic on long documents)."""
        p = cast(CT_P, OxmlElement("w:p"))  # python-docx makes each tag's own element class
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

    def list_paragraph(self, item: FormList | None, level: int) -> Paragraph:
        para = self.paragraph("List Paragraph")
        ppr = para._p.get_or_add_pPr()
        if item is None:  # a later paragraph of the same item: indented, no number
            para.paragraph_format.left_indent = Inches(0.25 * (level + 2))  # the numbered text's indent
            return para
        if id(item) not in self.nums:
            self.nums[id(item)] = self.numbering.ordered(item.level, item.start) if item.ordered \
                else self.numbering.bullets
        numpr = ppr.get_or_add_numPr()  # type: ignore[attr-defined]  # python-docx declares only some of its made-up methods
        numpr.get_or_add_ilvl().val = min(level, 8)
        numpr.get_or_add_numId().val = self.nums[id(item)]
        return para

    def block(self, block: FormBlock) -> None:
        """One block of the form as Word paragraphs (or a table)."""
        kind = block.kind
        if kind == "heading":
            self.runs(self.paragraph(f"Heading {block.level}"), block.runs)
        elif kind == "paragraph" and block.depth:
            self.runs(self.list_paragraph(block.item, block.depth - 1), block.runs)
        elif kind == "paragraph":
            para = self.paragraph("Block Quote" if block.quote else None)
            if block.quote > 1:
                para.paragraph_format.left_indent = Inches(0.3 * block.quote)
            self.runs(para, block.runs)
        elif kind == "code":
            para = self.paragraph("Code Block")
            if block.depth:
                para.paragraph_format.left_indent = Inches(0.25 * (block.depth + 1))
            self.runs(para, block.runs)
        elif kind == "table":
            self.table(block)
        elif kind == "front_matter":
            self.front_matter(block)
        elif kind == "rule":
            self.rule()

    def rule(self) -> None:
        para = self.paragraph()
        border = parse_xml(f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" w:space="1" '
                           'w:color="BFBFBF"/></w:pBdr>')
        para._p.get_or_add_pPr().insert_element_before(border, *_AFTER_PBDR)

    def table(self, block: FormBlock) -> None:
        table = self.word.add_table(rows=len(block.rows), cols=max(len(r) for r in block.rows))
        table.style = "Table Grid"
        # Cells reached through the XML: python-docx's table.cell() lists every cell of the table on each call
        # (a 20,000-row table took minutes).
        for tr, row in zip(table._tbl.tr_lst, block.rows, strict=False):
            for tc, cell in zip(tr.tc_lst, row, strict=False):
                para = Paragraph(tc.p_lst[0], _Cell(tc, table))
                if cell.align:
                    para.alignment = WD_ALIGN_PARAGRAPH.RIGHT if cell.align == "right" else WD_ALIGN_PARAGRAPH.CENTER
                self.runs(para, cell.runs)
        self.paragraph()  # Word needs a paragraph between two tables, and it reads better

    def front_matter(self, block: FormBlock) -> None:
        table = self.word.add_table(rows=len(block.fields), cols=2)
        table.style = "Table Grid"
        table.autofit = False
        for column, width in zip(table.columns, (Inches(1.3), Inches(5.2)), strict=True):
            column.width = width
        for r, (key, values) in enumerate(block.fields):
            key_cell, value_cell = table.cell(r, 0), table.cell(r, 1)
            key_cell.width, value_cell.width = Inches(1.3), Inches(5.2)
            self.run(key_cell.paragraphs[0], key, "Front Matter")
            for n, value in enumerate(values):
                self.run(value_cell.paragraphs[0] if n == 0 else value_cell.add_paragraph(), value, "Front Matter")
        self.paragraph()


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
