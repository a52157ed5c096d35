"""Golden-file tests: every export format of a fixed review on real documents, compared with files in git.

For the bundled sample PRD and three corpus documents (a Markdown design doc, a Hebrew right-to-left
Word file with a table, a Word file with tracked revisions) a deterministic review is built: the real
offline checks plus three fixed critic findings (one with a reply and a second critic, one dismissed
one-way door spanning two blocks, one accepted document-level question), all with fixed ids and times.
It is exported to Markdown (CriticMarkup), HTML, review JSON and Word, and each export, normalized, is
compared with ``tests/golden/<case>.<ext>``:

- ``.md``: the CriticMarkup export as written.
- ``.html``: the page without its inline CSS and script assets (kept: header, document body with the
  highlights, finding cards, the JSON data block), a line break before each card and each finding of
  the data block, for readable diffs.
- ``.json``: the review JSON with ``document.text`` replaced by its length and SHA-256 (the text is
  the document's own; the loader tests cover it).
- ``.docx.txt``: a text rendering of ``word/document.xml`` (one line per non-empty body paragraph,
  ``| `` for table cells, ``[[c:ID]]``/``[[/c:ID]]`` comment ranges, ``[[ref:ID]]`` reference runs,
  ``[[-deleted-]]`` tracked deletions) and of ``word/comments.xml`` (id, author, initials, thread parent
  and done flag from ``commentsExtended.xml``, then the comment's paragraphs). Not the raw zip.

Volatile parts are ignored: the HTML "Exported <date>" stamp and any ISO timestamp become placeholders;
the Word rendering leaves out rsids, ``w:date``, ``w14:paraId``/``durableId`` and all formatting.

When an export changes on purpose, regenerate the golden files, review the diff and commit them::

    DOCCRITIC_UPDATE_GOLDEN=1 QT_QPA_PLATFORM=offscreen python -m pytest tests/test_export_golden.py

The corpus documents are in the repository (tests/data/corpus), so every case always runs.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from conftest import CORPUS, SAMPLE
from doccritic import paths
from doccritic.core.checks import run_checks
from doccritic.core.document import Block, BlockKind, Document
from doccritic.core.findings import (
    Anchor,
    Finding,
    Kind,
    Raise,
    Reply,
    Reversibility,
    Review,
    Severity,
    Source,
    Status,
)
from doccritic.core.rules import load_rules
from doccritic.formats.export import ExportOptions, export_review
from doccritic.formats.loader import load_document
from doccritic.formats.review_json import review_for

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("DOCCRITIC_UPDATE_GOLDEN", "") not in ("", "0")
REGENERATE = "DOCCRITIC_UPDATE_GOLDEN=1 QT_QPA_PLATFORM=offscreen python -m pytest tests/test_export_golden.py"

CREATED = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
REPLIED = datetime(2026, 1, 16, 14, 5, tzinfo=UTC)
NAMES = {"staff-engineer": "Staff Engineer", "finance-lead": "Finance Lead", "skeptical-exec": "Skeptical Exec"}
INITIALS = {"staff-engineer": "SE", "finance-lead": "FL", "skeptical-exec": "SX"}
COLORS = {"staff-engineer": "#1565c0", "finance-lead": "#2e7d32", "skeptical-exec": "#ad1457"}


@dataclass(frozen=True)
class Case:
    name: str
    path: Path
    in_corpus: bool


CASES = [
    Case("sample-prd", SAMPLE, in_corpus=False),
    Case("adr-022-eks", CORPUS / "adr-022-use-amazon-eks.md", in_corpus=True),
    Case("hebrew-rtl-table", CORPUS / "hebrew-travel-itinerary-rtl-table.docx", in_corpus=True),
    Case("lab-tracked-revisions", CORPUS / "lab-method-tracked-revisions-tables.docx", in_corpus=True),
]
SUFFIXES = {"md": ".md", "html": ".html", "json": ".json", "docx": ".docx.txt"}


# ---- the review ----------------------------------------------------------------------------------------


def _words(doc: Document, block: Block) -> list[tuple[int, int]]:
    """``[start, end)`` of each word of ``block`` in ``doc.text``."""
    return [(block.start + m.start(), block.start + m.end())
            for m in re.finditer(r"\S+", doc.text[block.start:block.end])]


def _placed(doc: Document, start: int, end: int) -> dict[str, object]:
    return {"quote": doc.text[start:end], "start": start, "end": end, "anchor": Anchor.EXACT}


def _synthetic(doc: Document) -> list[Finding]:
    """Four critic findings on passages picked by rule, so every document gets the same shapes (the fourth a
    misquoted assumption, so every export shows the critic's judgement fields)."""
    prose = [b for b in doc.blocks if b.kind is BlockKind.PARAGRAPH and len(_words(doc, b)) >= 6]
    assert len(prose) >= 4, "the document needs four paragraphs of six words or more"
    first = _words(doc, prose[1])
    a_span = (first[0][0], first[min(7, len(first) - 1)][1])  # the paragraph's first eight words
    block = prose[3]
    following = doc.blocks[doc.blocks.index(block) + 1]
    tail, head = _words(doc, block)[-4:], _words(doc, following)[:3]
    b_span = (tail[0][0], (head[-1] if head else tail[-1])[1])  # end of one block into the next
    third = _words(doc, prose[2])
    c_span = (third[0][0], third[min(5, len(third) - 1)][1])  # its first six words, quoted with "not" added
    c_misquote = "not " + doc.text[c_span[0]:c_span[1]]
    return [
        Finding(id="gold-a-reply", source=Source.CRITIC, persona="staff-engineer", kind=Kind.WEAK_ARGUMENT,
                severity=Severity.MAJOR, confidence=0.8, title="The claim rests on a single anecdote",
                **_placed(doc, *a_span), rationale="Nothing here shows the effect beyond one case.",
                suggestion="Cite the data behind it, or say it is a hypothesis.",
                also_raised_by=[Raise(persona="finance-lead", severity=Severity.MINOR,
                                      rationale="The numbers are not sourced.")],
                replies=[Reply(author="PM", text="Fair: the survey results go in the appendix.", at=REPLIED)],
                created_at=CREATED),
        Finding(id="gold-b-dismissed", source=Source.CRITIC, persona="skeptical-exec", kind=Kind.ONE_WAY_DOOR,
                severity=Severity.CRITICAL, title="Hard to walk back once it ships",
                **_placed(doc, *b_span), rationale="Undoing this later costs a migration.",
                question="What do we do if it goes wrong in week one?",
                reversibility=Reversibility(level="costly", cost_to_reverse="A quarter of rework.",
                                            exit_ramp="Keep the old path behind a flag.",
                                            closes_when="the first customer is migrated",
                                            decision_owner="Head of Platform"),
                status=Status.DISMISSED, created_at=CREATED),
        Finding(id="gold-d-misquoted", source=Source.CRITIC, persona="staff-engineer",
                kind=Kind.CHALLENGED_ASSUMPTION, severity=Severity.MAJOR, confidence=0.6,
                title="The plan takes adoption for granted", **{**_placed(doc, *c_span), "quote": c_misquote},
                misquoted=True, rationale="Nothing shows anyone will switch.", about="text",
                assumption="Users switch on their own.", evidence_needed="A measured switch rate.",
                how_to_test="A four-week pilot with one team.", created_at=CREATED),
        Finding(id="gold-c-document", source=Source.CRITIC, persona="finance-lead", kind=Kind.OPEN_QUESTION,
                severity=Severity.MINOR, title="Who pays for this after launch?", anchor=Anchor.DOCUMENT,
                rationale="The running cost is never named.", status=Status.ACCEPTED, created_at=CREATED),
    ]


def _review(case: Case) -> tuple[Review, Document]:
    doc = load_document(case.path)
    rules = load_rules(paths.resource("checks", "rules.toml"))  # the bundled rules, whatever the user's are
    checks = [f.model_copy(update={"created_at": CREATED}) for f in run_checks(doc, rules).findings]
    review = review_for(doc, checks + _synthetic(doc))
    review.document.path = f"{'corpus' if case.in_corpus else 'samples'}/{case.path.name}"  # not the machine's
    return review, doc


# ---- normalization -------------------------------------------------------------------------------------

_TIMESTAMP = re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")
_EXPORTED = re.compile(r"Exported \d{4}-\d{2}-\d{2} \d{2}:\d{2}")
_STYLE = re.compile(r"<style>.*?</style>", re.S)
_SCRIPT = re.compile(r"<script>.*?</script>", re.S)  # the app script; the JSON block has a type attribute


def _scrub(text: str) -> str:
    return _TIMESTAMP.sub("<TIMESTAMP>", text)


def _normalize_html(text: str) -> str:
    text = _EXPORTED.sub("Exported <DATE>", text)
    text = _STYLE.sub("<style><!-- CSS asset omitted --></style>", text)
    text = _SCRIPT.sub("<script><!-- script asset omitted --></script>", text)
    text = re.sub(r'(?=<article class="card |<section class="group")', "\n", text)
    text = re.sub(r'(?<=id="dc-data">)(.*?)(?=</script>)',
                  lambda m: re.sub(r'(?=\{"id": ")', "\n", m.group(1)), text, flags=re.S)  # a line a finding
    return _scrub(text)


def _normalize_json(text: str) -> str:
    data = json.loads(text)
    body = data["document"]["text"]
    digest = hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()
    data["document"]["text"] = f"<{len(body)} characters, sha256 {digest}>"
    return _scrub(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
_W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


def _paragraph_text(p: etree._Element) -> str:
    """The paragraph's own text (not that of paragraphs nested in it) with comment and deletion marks."""
    out: list[str] = []
    for el in p.iter():
        if el is not p and next(el.iterancestors(_w("p")), None) is not p:
            continue  # inside a text box paragraph: rendered on its own line
        if any(a.tag == f"{{{_MC}}}Fallback" for a in el.iterancestors()):
            continue
        tag, cid = el.tag, el.get(_w("id"))
        if tag == _w("t"):
            out.append(el.text or "")
        elif tag == _w("delText"):
            out.append(f"[[-{el.text or ''}-]]")
        elif tag == _w("tab"):
            out.append("\t")
        elif tag in (_w("br"), _w("cr")):
            out.append("↵")
        elif tag == _w("noBreakHyphen"):
            out.append("-")
        elif tag == _w("commentRangeStart"):
            out.append(f"[[c:{cid}]]")
        elif tag == _w("commentRangeEnd"):
            out.append(f"[[/c:{cid}]]")
        elif tag == _w("commentReference"):
            out.append(f"[[ref:{cid}]]")
    return "".join(out).replace("-]][[-", "")


def _render_docx(path: Path) -> str:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        body = etree.fromstring(z.read("word/document.xml"), parser).find(_w("body"))
        comments = (etree.fromstring(z.read("word/comments.xml"), parser)
                    if "word/comments.xml" in names else None)
        extended = (etree.fromstring(z.read("word/commentsExtended.xml"), parser)
                    if "word/commentsExtended.xml" in names else None)
    lines = ["== word/document.xml"]
    for p in body.iter(_w("p")):
        if any(a.tag == f"{{{_MC}}}Fallback" for a in p.iterancestors()):
            continue
        text = _paragraph_text(p)
        if text.strip():
            in_table = next(p.iterancestors(_w("tc")), None) is not None
            lines.append(("| " if in_table else "") + text)
    lines.append("")
    lines.append("== word/comments.xml")
    threads: dict[str, tuple[str | None, bool]] = {}  # last paragraph's paraId -> (parent paraId, done)
    for entry in extended if extended is not None else ():
        threads[entry.get(f"{{{_W15}}}paraId") or ""] = (entry.get(f"{{{_W15}}}paraIdParent"),
                                                         entry.get(f"{{{_W15}}}done") == "1")
    by_para: dict[str, str] = {}
    for comment in comments if comments is not None else ():
        paras = comment.findall(_w("p"))
        if paras:
            by_para[paras[-1].get(f"{{{_W14}}}paraId") or ""] = comment.get(_w("id")) or "?"
    for comment in comments if comments is not None else ():
        paras = comment.findall(_w("p"))
        parent, done = threads.get(paras[-1].get(f"{{{_W14}}}paraId") or "", (None, False)) if paras else (None, False)
        head = f"[c:{comment.get(_w('id'))}] {comment.get(_w('author'))} ({comment.get(_w('initials'))})"
        head += f" reply-to c:{by_para.get(parent, '?')}" if parent else ""
        head += " done" if done else ""
        lines.append(head)
        lines.extend(f"    {_paragraph_text(para)}" for para in paras)
    return _scrub("\n".join(lines) + "\n")


def _export(case: Case, fmt: str, tmp_path: Path) -> str:
    review, doc = _review(case)
    options = ExportOptions(include_dismissed=True, names=dict(NAMES), initials=dict(INITIALS), colors=dict(COLORS))
    out = export_review(review, doc, fmt, tmp_path / f"{case.name}.{fmt}", options, source=case.path)
    if fmt == "docx":
        return _render_docx(out)
    text = out.read_bytes().decode("utf-8")
    normalize: dict[str, Callable[[str], str]] = {"md": str, "html": _normalize_html, "json": _normalize_json}
    return normalize[fmt](text)


# ---- the comparison ------------------------------------------------------------------------------------


def _compare(actual: str, golden: Path) -> None:
    shown = golden.relative_to(GOLDEN.parent.parent)
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(actual.encode("utf-8"))
        return
    if not golden.is_file():
        pytest.fail(f"golden file {shown} is missing: create it with `{REGENERATE}`, review it and commit it",
                    pytrace=False)
    expected = golden.read_bytes().decode("utf-8")
    if actual != expected:
        diff = list(difflib.unified_diff(expected.splitlines(), actual.splitlines(), f"{shown} (golden)",
                                         "export now", lineterm="", n=2))
        more = f"\n… {len(diff) - 80} more diff lines" if len(diff) > 80 else ""
        pytest.fail(f"export differs from {shown}; if the change is intended, regenerate with `{REGENERATE}` "
                    f"and review the diff:\n" + "\n".join(diff[:80]) + more, pytrace=False)


@pytest.mark.parametrize("fmt", list(SUFFIXES))
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_export_matches_golden(case: Case, fmt: str, tmp_path: Path) -> None:
    _compare(_export(case, fmt, tmp_path), GOLDEN / f"{case.name}{SUFFIXES[fmt]}")


def test_normalization_hides_only_volatile_parts() -> None:
    page = '<p class="meta">Exported 2031-12-24 23:59 · 2 findings</p><style>a{}</style><script>x()</script>'
    assert _normalize_html(page) == ('<p class="meta">Exported <DATE> · 2 findings</p>'
                                     "<style><!-- CSS asset omitted --></style>"
                                     "<script><!-- script asset omitted --></script>")
    assert _scrub("at 2026-01-15T09:30:00.123456Z, due 2027-01-11") == "at <TIMESTAMP>, due 2027-01-11"
