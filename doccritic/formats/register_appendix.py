"""The decision register and assumptions ledger as an export appendix: one content, four renderings.

:func:`register_appendix` decides what the appendix says (the readiness sentence, then one table per
register with the live rows; nothing when both are empty); the Markdown, HTML and Word renderers here
and the PDF writer (``doccritic.ui.pdf_export``, which needs Qt) only lay it out, so the four formats
cannot drift apart. Cells are plain text; each renderer escapes it for its format.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from doccritic.core.document import Document
from doccritic.core.findings import Review
from doccritic.core.register_rows import (
    ASSUMPTION_STATUS_LABELS,
    DECISION_STATUS_LABELS,
    LEVEL_LABELS,
    Assumption,
    Decision,
)

NONE = "—"
#: Marks where the Markdown appendix starts, so stripping the export gives the document back exactly.
MARKDOWN_MARK = "<!-- doccritic: decision register -->"
DECISION_COLUMNS = ("Decision", "Reversibility", "What closes the door, when", "Cost to reverse", "Exit ramp",
                    "Owner", "Status", "Raised by", "Stated in")
ASSUMPTION_COLUMNS = ("Claim", "Why the plan depends on it", "Evidence needed", "Cheap test", "Status", "Owner",
                      "Due", "Raised by", "Stated in")
INTENT_COLUMNS = ("Part", "In the author's words")
REFERENCE_COLUMNS = ("Id", "File", "Read by", "Size", "Tokens")


#: Share of the width (percent) per column, for the layouts that size columns (Word, PDF): the decision,
#: the claim and the exit ramp get the room, the labels little.
ROUND_COLUMNS = ("Finding", "Now", "Why", "Raised by")
WIDTHS: dict[tuple[str, ...], tuple[int, ...]] = {DECISION_COLUMNS: (15, 9, 10, 12, 14, 8, 9, 9, 14),
                                                   ASSUMPTION_COLUMNS: (16, 14, 12, 13, 10, 8, 7, 9, 11),
                                                   ROUND_COLUMNS: (32, 12, 42, 14),
                                                   INTENT_COLUMNS: (24, 76), REFERENCE_COLUMNS: (7, 45, 24, 12, 12)}


@dataclass(frozen=True)
class AppendixTable:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Appendix:
    """What every export's appendix shows: the readiness sentence and the two tables (empty ones left out)."""

    title: str
    readiness: str
    tables: tuple[AppendixTable, ...]


def export_appendix(review: Review, doc: Document | None = None,
                    names: Mapping[str, str] | None = None) -> Appendix | None:
    """What every export appends: the review round's changes ("Changes since round N", from round 2 on),
    then the decision register and assumptions ledger; None when there is neither."""
    register = register_appendix(review, doc, names)
    changes = rounds_table(review, names or {})
    if changes is None:
        return register
    if register is None:
        return Appendix(f"Appendix: changes since round {review.rounds[-1].number - 1}", "", (changes,))
    return Appendix(register.title, register.readiness, (changes, *register.tables))


def rounds_table(review: Review, names: Mapping[str, str]) -> AppendixTable | None:
    """The latest round's findings shown to the PM (regressed, re-raised, still open, new, fixed), with the
    reason for each; None before round 2 (round 1 has nothing to compare with)."""
    from doccritic.core.round_records import SHOWN

    if not review.rounds or review.rounds[-1].number < 2:
        return None
    rnd = review.rounds[-1]
    rows = tuple((_cell(e.title), e.status.label, _cell(e.reason),
                  _cell(", ".join(names.get(p, p) for p in e.personas)))
                 for cls in SHOWN for e in rnd.entries if e.status is cls)
    return AppendixTable(f"Changes since round {rnd.number - 1} (round {rnd.number}: {rnd.summary()})",
                         ROUND_COLUMNS, rows)


def register_appendix(review: Review, doc: Document | None = None,
                      names: Mapping[str, str] | None = None) -> Appendix | None:
    """The appendix for ``review`` (None when neither register has a live row). ``doc``, when it is the
    reviewed text, names the sections each row is stated in; ``names`` maps persona ids to display names."""
    names = names or {}
    sections = doc if doc is not None and doc.text == review.document.text else None
    decisions = [d for d in review.decisions if d.live]
    assumptions = [a for a in review.assumptions if a.live]
    context = context_tables(review, names)
    if not decisions and not assumptions and not context:
        return None
    tables = []
    if decisions:
        tables.append(AppendixTable("Decision register", DECISION_COLUMNS,
                                    tuple(_decision(d, sections, names) for d in decisions)))
    if assumptions:
        tables.append(AppendixTable("Assumptions ledger", ASSUMPTION_COLUMNS,
                                    tuple(_assumption(a, sections, names) for a in assumptions)))
    tables += context
    sentence = review.readiness.summary if review.readiness is not None and (decisions or assumptions) else ""
    title = "Appendix: decisions and assumptions" if not context else (
        "Appendix: decisions, assumptions and context" if decisions or assumptions else "Appendix: context")
    return Appendix(title, f"Readiness: {sentence}." if sentence else "", tuple(tables))


def context_tables(review: Review, names: Mapping[str, str]) -> list[AppendixTable]:
    """The author's intent and the reference material the critics read (findings cite references by id)."""
    tables = []
    if review.intent is not None and not review.intent.empty:
        parts = [(label, text) for label, text in (
            ("What I want feedback on", review.intent.feedback_on), ("Already decided, and why", review.intent.decided),
            ("Constraints", review.intent.constraints)) if text.strip()]
        tables.append(AppendixTable("Author's intent", INTENT_COLUMNS,
                                    tuple((label, _cell(text)) for label, text in parts)))
    if review.references:
        rows = tuple((r.id, _cell(r.name), names.get(r.persona, r.persona) if r.persona else "Every critic",
                      f"{r.chars:,} characters", f"~{r.tokens:,}") for r in review.references)
        tables.append(AppendixTable("Reference material", REFERENCE_COLUMNS, rows))
    return tables


def _cell(text: str) -> str:
    return " ".join(text.split()) or NONE


def _exit_ramp(d: Decision) -> str:
    if d.exit_ramp:
        return _cell(d.exit_ramp)
    return f"{NONE} (suggested: {_cell(d.suggested_exit_ramp)})" if d.suggested_exit_ramp else NONE


def _who(row: Decision | Assumption, names: Mapping[str, str]) -> str:
    return _cell(", ".join(names.get(p, p) for p in row.raised_by))


def _where(row: Decision | Assumption, doc: Document | None) -> str:
    """The sections the row's passages are in, in document order, and how many passages."""
    n = len(row.passages)
    count = f"{n} passage{'' if n == 1 else 's'}" if n else "the whole document"
    if doc is None or not n:
        return count
    titles = dict.fromkeys(s.title for start, _ in row.passages if (s := doc.section_at(start)) is not None)
    return f"{'; '.join(titles)} ({count})" if titles else count


def _decision(d: Decision, doc: Document | None, names: Mapping[str, str]) -> tuple[str, ...]:
    return (_cell(d.decision), LEVEL_LABELS[d.reversibility], _cell(d.closes), _cell(d.cost_to_reverse),
            _exit_ramp(d), _cell(d.owner), DECISION_STATUS_LABELS[d.status], _who(d, names), _where(d, doc))


def _assumption(a: Assumption, doc: Document | None, names: Mapping[str, str]) -> tuple[str, ...]:
    return (_cell(a.claim), _cell(a.why), _cell(a.evidence), _cell(a.test), ASSUMPTION_STATUS_LABELS[a.status],
            _cell(a.owner), _cell(a.due), _who(a, names), _where(a, doc))


# -- renderers -----------------------------------------------------------------------------------------

def to_markdown(appendix: Appendix, nl: str = "\n") -> str:
    """The appendix as Markdown to append to an export: the marker, a rule, headings and GFM tables."""
    out = [MARKDOWN_MARK, "", "---", "", f"## {appendix.title}", ""]
    if appendix.readiness:
        out += [_md(appendix.readiness), ""]
    for table in appendix.tables:
        out += [f"### {table.title}", "", "| " + " | ".join(table.columns) + " |",
                "|" + "---|" * len(table.columns)]
        out += ["| " + " | ".join(_md(c) for c in row) + " |" for row in table.rows]
        out.append("")
    return nl.join(out)


def _md(text: str) -> str:
    """Plain text safe in a GFM table cell: no pipe ends the cell, no markup or HTML starts."""
    text = text.replace(MARKDOWN_MARK, "")
    for ch in "\\`*_[]<>|{}#":
        text = text.replace(ch, "\\" + ch)
    return text


def strip_markdown(text: str) -> str:
    """The Markdown export without its appendix (the text before the last marker and its blank line)."""
    at = text.rfind(MARKDOWN_MARK)
    if at < 0:
        return text
    head = text[:at]
    for nl in ("\r\n", "\n", "\r"):
        if head.endswith(nl + nl):
            return head[: -2 * len(nl)]
    return text


def to_html(appendix: Appendix) -> str:
    """The appendix as an HTML section (escaped), for the page's end."""
    e = html.escape
    parts = [f'<section class="register" id="register"><h2>{e(appendix.title)}</h2>']
    if appendix.readiness:
        parts.append(f'<p class="readiness">{e(appendix.readiness)}</p>')
    for table in appendix.tables:
        head = "".join(f"<th>{e(c)}</th>" for c in table.columns)
        body = "\n".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in table.rows)
        parts.append(f"<h3>{e(table.title)}</h3>\n<table><thead><tr>{head}</tr></thead><tbody>\n{body}\n"
                     "</tbody></table>")
    return "\n".join(parts) + "</section>"


HTML_STYLE = ("\n/* the decision register appendix (formats/register_appendix.py) */\n"
              ".register{max-width:1180px;margin:0 auto;padding:8px 40px 32px}"
              ".register table{border-collapse:collapse;width:100%;font-size:13px;line-height:1.45;margin:8px 0 24px;"
              "background:var(--paper)}.register th,.register td{border:1px solid var(--line);padding:5px 8px;"
              "vertical-align:top;text-align:left}.register th{background:var(--bg);font-weight:600}"
              ".register .readiness{font-weight:600}\n")


#: The tag of the Word content control holding the appendix: the loader skips it (it is not the author's
#: text) and a new export replaces it, so exporting an export never stacks two appendices.
DOCX_TAG = "doccritic-register"


def add_to_docx(word: Any, appendix: Appendix | None) -> None:
    """The appendix at the end of a python-docx ``Document``, inside one content control: a page break,
    headings, and one real Word table per register (header row repeated on each page, 8 pt text so nine
    columns fit a page). An appendix an earlier export left is removed first; None only removes it."""
    from docx.enum.text import WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Emu, Inches, Pt

    body = word.element.body
    for old in body.findall(qn("w:sdt")):
        tag = old.find(f"{qn('w:sdtPr')}/{qn('w:tag')}")
        if tag is not None and tag.get(qn("w:val")) == DOCX_TAG:
            body.remove(old)
    if appendix is None:
        return
    before = list(body)  # kept alive, so lxml hands back the same proxies below
    section = word.sections[-1]
    usable = (section.page_width or Inches(8.5)) - (section.left_margin or Inches(1)) \
        - (section.right_margin or Inches(1))
    word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _heading(word, appendix.title, 1)
    if appendix.readiness:
        word.add_paragraph(appendix.readiness)
    for table in appendix.tables:
        _heading(word, table.title, 2)
        grid = word.add_table(rows=1, cols=len(table.columns))
        if "Table Grid" in [s.name for s in word.styles]:
            grid.style = word.styles["Table Grid"]
        else:
            _borders(grid)
        grid.autofit = False
        widths = [Emu(round(usable * share / 100)) for share in WIDTHS.get(table.columns, WIDTHS[ASSUMPTION_COLUMNS])]
        for column, width in zip(grid.columns, widths, strict=True):
            column.width = width  # the grid LibreOffice reads; Word reads the cells' widths below
        header = grid.rows[0]
        repeat = OxmlElement("w:tblHeader")  # the header row again on every page the table runs onto
        repeat.set(qn("w:val"), "true")
        header._tr.get_or_add_trPr().append(repeat)
        for cell, text, width in zip(header.cells, table.columns, widths, strict=True):
            _fill(cell, text, Pt(8), width, bold=True)
        for row in table.rows:
            for cell, text, width in zip(grid.add_row().cells, row, widths, strict=True):
                _fill(cell, text, Pt(8), width)
    _wrap(body, before, OxmlElement, qn)


def _heading(word: Any, text: str, level: int) -> None:
    """A heading in the document's own heading style; a document without one (made by another tool, or in a
    language whose styles have other names) gets a bold paragraph instead of a failed export."""
    if f"Heading {level}" in [s.name for s in word.styles]:
        word.add_heading(text, level=level)
    else:
        from docx.shared import Pt

        word.add_paragraph().add_run(text).font.bold = True
        word.paragraphs[-1].runs[0].font.size = Pt(14 if level == 1 else 12)


def _wrap(body: Any, before: list[Any], element: Any, qn: Any) -> None:
    """Move the body's children not in ``before`` into a tagged content control in their place."""
    old = {id(el) for el in before}
    added = [el for el in body if id(el) not in old]
    sdt, props, tag, alias, content = (element(t) for t in ("w:sdt", "w:sdtPr", "w:tag", "w:alias",
                                                              "w:sdtContent"))
    tag.set(qn("w:val"), DOCX_TAG)
    alias.set(qn("w:val"), "doccritic decision register")
    props.extend([alias, tag])
    sdt.extend([props, content])
    added[0].addprevious(sdt)
    content.extend(added)


def _fill(cell: Any, text: str, size: Any, width: int, *, bold: bool = False) -> None:
    cell.width = width  # Word sizes columns by their cells' widths
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.font.size, run.bold = size, bold or None


def _borders(table: Any) -> None:
    """Single borders on every cell, for a document whose template has no "Table Grid" style."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    props = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        for key, value in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", "999999")):
            line.set(qn(f"w:{key}"), value)
        borders.append(line)
    props.append(borders)
