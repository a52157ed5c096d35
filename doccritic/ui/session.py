"""What the window knows about the open file, and the background work on it (no Qt here).

The editor works on text with ``\\n`` line endings, so the UI's document is parsed from that text and
all its offsets match the editor; the file's own line endings, encoding and byte-order mark are
remembered and written back on save, so saving an unedited file reproduces it byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from doccritic.core.checks import CheckResult, run_checks
from doccritic.core.debates import Debate, replace_citations
from doccritic.core.document import DocFormat, Document, Section
from doccritic.core.errors import DoccriticError
from doccritic.core.findings import Finding, Source
from doccritic.core.journal import Journal, JournalEntry
from doccritic.core.references import Intent, Reference
from doccritic.core.register_rows import Assumption, Decision
from doccritic.core.round_records import Round
from doccritic.core.store import ReviewStore
from doccritic.formats.loader import load_document
from doccritic.formats.references import reread_references
from doccritic.formats.text import parse_text
from doccritic.formats.textio import atomic_write_text
from doccritic.ui.textpos import Utf16Map

_NEWLINE = re.compile(r"\r\n|\r|\n")


@dataclass
class OpenFile:
    path: Path | None
    format: DocFormat
    newline: str = "\n"
    encoding: str = "utf-8"
    bom: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def read_only(self) -> bool:
        """DOCX is reviewed, not edited: edits belong in Word."""
        return self.format is DocFormat.DOCX


@dataclass(frozen=True)
class Headings:
    """A document's headings in document order (pre-order), for the outline and the Critics dock's sections.
    Built on the worker with the snapshot: walking 10,000 sections on the UI thread in each re-check of a
    1M-word draft took ~10 ms, and comparing them with the last ones a few more."""

    roots: list[Section]
    flat: list[Section]
    signature: tuple[tuple[str, int], ...]  # (id, level) of each heading: the tree's shape
    titles: list[str]
    starts: list[int]  # where each heading's section starts (code points)

    @classmethod
    def of(cls, roots: list[Section]) -> Headings:
        flat = [s for root in roots for s in root.walk()]
        return cls(roots, flat, tuple((s.id, s.level) for s in flat), [s.title for s in flat],
                   [s.start for s in flat])


@dataclass
class Snapshot:
    """A parsed version of the editor's text with its check results (built on a worker thread)."""

    doc: Document
    checks: CheckResult
    text: str
    restored: list[Finding] = field(default_factory=list)  # the saved review's findings, re-anchored
    debates: list[Debate] = field(default_factory=list)  # the saved debates, citations placed on ``text``
    register: tuple[list[Decision], list[Assumption]] | None = None  # the saved register, PM edits included
    recovered: JournalEntry | None = None  # unsaved text from a session that ended without saving
    rounds: list[Round] = field(default_factory=list)  # the saved review rounds, the newest with its text
    references: list[Reference] = field(default_factory=list)  # the saved reference material, texts read again
    intent: Intent | None = None  # the saved note of the author's intent
    text_map: Utf16Map | None = None  # of ``text``, built on the worker for the editor (an opened file only)
    _headings: Headings | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def headings(self) -> Headings:
        """The document's headings flattened (computed once; :func:`recheck` and :func:`prepare` do it on the
        worker)."""
        if self._headings is None or self._headings.roots is not self.doc.sections:
            self._headings = Headings.of(self.doc.sections)
        return self._headings


def restore(store: ReviewStore | None, snap: Snapshot) -> list[str]:
    """Attach the saved review of this document to ``snap``; returns warnings for the user."""
    if store is None or snap.doc.path is None:
        return []
    try:
        stored = store.load(snap.doc.path, snap.doc.fingerprint)  # the window's store opens here, on first use
    except DoccriticError as err:
        return [f"{err} Reviews will not be saved."]
    if stored is None:
        return list(store.warnings)
    old_text = stored.review.document.text
    findings = stored.review.findings
    if not stored.fingerprint_matches:
        from doccritic.core.anchoring import reanchor  # fuzzy anchoring loads only when the text changed

        findings = [f if f.source is Source.CHECK else reanchor(f, old_text, snap.text) for f in findings]
    snap.restored = findings
    snap.register = (stored.review.decisions, stored.review.assumptions)
    if stored.review.rounds:
        from doccritic.core.rounds import with_text

        snap.rounds = with_text(stored.review.rounds, old_text)
    snap.intent = stored.review.intent
    warnings = list(store.warnings)
    snap.references, missing = reread_references(stored.review.references)
    if missing:
        warnings.append(f"Reference material could not be read again and will not be sent until attached anew: "
                        f"{', '.join(missing)}.")
    for raw in stored.review.debates:
        try:
            debate = Debate.model_validate(raw)
        except ValueError:  # pydantic's ValidationError is one
            warnings.append("A saved debate could not be read and was left out.")
            continue
        snap.debates.append(debate if stored.fingerprint_matches else replace_citations(debate, snap.text))
    return warnings


def prepare(path: Path) -> tuple[OpenFile, Snapshot]:
    """Load a file and run the offline checks: the part of opening that needs no store (``ui.preload``)."""
    doc = load_document(path)
    newline = _dominant_newline(doc.text)
    info = OpenFile(path, doc.format, newline, doc.encoding or "utf-8", doc.bom, list(doc.warnings))
    if doc.format is not DocFormat.DOCX and "\r" in doc.text:
        doc = parse(doc.text.replace("\r\n", "\n").replace("\r", "\n"), doc.format, path)
    doc.fingerprint, doc.word_count  # noqa: B018 - computed here (a worker, or the start-up helper), not on the UI thread
    snap = Snapshot(doc, run_checks(doc), doc.text, text_map=Utf16Map(doc.text))
    snap.headings  # noqa: B018 - flattened here, on the worker
    return info, snap


def open_for_editing(
    path: Path,
    store: ReviewStore | None = None,
    journal: Journal | None = None,
    prepared: tuple[OpenFile, Snapshot] | None = None,
) -> tuple[OpenFile, Snapshot]:
    """Load a file (unless ``prepared`` already did), run the offline checks, fetch its saved review and
    any unsaved text; raises LoadError."""
    info, snap = prepared or prepare(path)
    info.warnings.extend(restore(store, snap))
    if journal is not None and not info.read_only:
        entry = journal.read(path)
        if entry is not None and entry.text != snap.text:
            journal.set_aside(path)  # kept until restored or discarded, whatever this session types
        elif entry is not None:
            journal.discard(path)  # the file already holds it
        recovered = journal.recovered(path)
        if recovered is not None and recovered.text != snap.text:
            snap.recovered = recovered
        elif recovered is not None:
            journal.drop_recovered(path, recovered)
    return info, snap


def parse(text: str, fmt: DocFormat, path: Path | None = None) -> Document:
    if fmt is DocFormat.TEXT:
        return parse_text(text, path)
    from doccritic.formats.markdown import parse_markdown  # the start-up helper parsed the first document

    return parse_markdown(text, path)


def recheck(text: str, fmt: DocFormat, path: Path | None,
            should_stop: Callable[[], bool] | None = None) -> Snapshot:
    """The checks again after an edit; ``should_stop`` lets a newer edit end this run early."""
    doc = parse(text, fmt, path)
    doc.fingerprint, doc.word_count  # noqa: B018 - here on the worker: saving and the status bar need them
    snap = Snapshot(doc, run_checks(doc, should_stop=should_stop), text)
    snap.headings  # noqa: B018 - flattened here, on the worker
    return snap


def save(info: OpenFile, text: str, path: Path | None = None) -> Path:
    """Write the editor's text atomically in the file's own encoding, line endings and BOM."""
    target = Path(path or info.path or "")
    body = text.replace("\n", info.newline) if info.newline != "\n" else text
    if info.bom:
        body = "\ufeff" + body
    atomic_write_text(target, body, encoding=info.encoding)
    return target


def _dominant_newline(text: str) -> str:
    counts: dict[str, int] = {}
    for m in _NEWLINE.finditer(text[:200_000]):
        counts[m.group(0)] = counts.get(m.group(0), 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else "\n"
