"""Findings and reviews: the product's core data, shared by checks, critics, debates and exports.

These records *are* the review JSON v1 (``docs/review-format.md``); the published JSON Schema is
generated from them, so the file format and the code cannot drift apart. They are plain dataclasses
(``core.records``): pydantic validates them only at the JSON edges, so it stays off the cold start.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final, Literal

from doccritic.core.records import Record
from doccritic.core.references import Intent, Reference
from doccritic.core.register_rows import Assumption, Decision, Readiness
from doccritic.core.round_records import Round

SCHEMA_ID: Final = "doccritic.review/1"


class Kind(StrEnum):
    WEAK_ARGUMENT = "weak_argument"
    CHALLENGED_ASSUMPTION = "challenged_assumption"
    ONE_WAY_DOOR = "one_way_door"
    OPEN_QUESTION = "open_question"

    @property
    def label(self) -> str:
        """The kind's name as shown ("One-way door"), from the one table in :mod:`doccritic.core.labels`."""
        from doccritic.core.labels import KIND_LABELS  # the table imports this module

        return KIND_LABELS[self]


class Severity(StrEnum):
    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"

    @property
    def rank(self) -> int:
        """Higher is worse, for sorting and ``--fail-on`` thresholds."""
        return {"minor": 1, "major": 2, "critical": 3}[self.value]


class Source(StrEnum):
    CHECK = "check"
    CRITIC = "critic"
    DEBATE = "debate"


class Anchor(StrEnum):
    EXACT = "exact"
    NORMALIZED = "normalized"
    FUZZY = "fuzzy"
    CITATION = "citation"
    AMBIGUOUS = "ambiguous"
    UNANCHORED = "unanchored"
    DOCUMENT = "document"

    @property
    def placed(self) -> bool:
        """True when the finding covers a span of the text."""
        return self in (Anchor.EXACT, Anchor.NORMALIZED, Anchor.FUZZY, Anchor.CITATION)


class Status(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"
    DEFERRED = "deferred"
    RESOLVED = "resolved"
    OUTDATED = "outdated"


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True, kw_only=True)
class Reversibility(Record):
    """How hard a one-way door is to walk back, and the cheapest way out if it goes wrong."""

    level: Literal["one_way", "costly", "two_way"]
    cost_to_reverse: str = ""
    exit_ramp: str = ""
    closes_when: str = ""  # the step after which it cannot be undone
    decision_owner: str = ""  # who signs the door off

    def missing(self) -> list[str]:
        """What a reviewer needs to decide on the door and this one does not say, in reading order."""
        gaps = [name.replace("_", " ") for name in ("closes_when", "cost_to_reverse", "exit_ramp", "decision_owner")
                if not getattr(self, name).strip()]
        return (["a one-way level (it says two-way)"] if self.level == "two_way" else []) + gaps


@dataclass(slots=True, kw_only=True)
class Reply(Record):
    author: str
    text: str
    at: datetime = field(default_factory=_now)


@dataclass(slots=True, kw_only=True)
class Raise(Record):
    """Another critic who raised the same problem, in their own words, and the passage they quoted."""

    persona: str
    severity: Severity
    rationale: str = ""
    suggestion: str | None = None
    quote: str = ""  # their passage, when it differs from the card's (the same decision stated elsewhere)
    start: int | None = None
    end: int | None = None

    def __post_init__(self) -> None:
        self.severity = Severity(self.severity)


@dataclass(slots=True, kw_only=True)
class Citation(Record):
    """A passage of the document a debate turn or a summary point quotes, placed like a finding's quote."""

    quote: str
    start: int | None = None
    end: int | None = None
    anchor: Anchor = Anchor.UNANCHORED

    def __post_init__(self) -> None:
        self.anchor = Anchor(self.anchor)

    @property
    def placed(self) -> bool:
        return self.anchor.placed and self.start is not None and self.end is not None


@dataclass(slots=True, kw_only=True)
class ReferenceCitation(Citation):
    """A passage of a reference (:mod:`doccritic.core.references`) a finding or debate turn relies on;
    ``start``/``end`` index the reference's text, so the citation opens the reference at the passage."""

    reference: str  # the Reference id, e.g. "R1": what a program follows to ``references[]``
    name: str = ""  # that reference's file name when cited, what a reader knows it by ("" in older files)

    @property
    def label(self) -> str:
        """``R1 policy.md``: how every view and export names the reference (the id alone in older files)."""
        return f"{self.reference} {self.name}".strip()


def new_id() -> str:
    return os.urandom(6).hex()  # 48 random bits, as uuid4().hex[:12] gave, without importing uuid at start-up


@dataclass(slots=True, kw_only=True)
class Finding(Record):
    """One mark on the document: what is wrong, where, why it matters and what to do."""

    id: str = field(default_factory=new_id)
    source: Source
    persona: str | None = None
    rule: str | None = None
    kind: Kind
    subtype: str | None = None
    severity: Severity
    confidence: float | None = None  # 0..1
    title: str
    quote: str = ""
    start: int | None = None  # code points into the document's canonical text, >= 0
    end: int | None = None
    anchor: Anchor = Anchor.UNANCHORED
    candidates: list[tuple[int, int]] = field(default_factory=list)  # [start, end) spans of an ambiguous quote
    restated_at: list[tuple[int, int]] = field(default_factory=list)  # other [start, end) stating the same decision
    # (for checks, where the text restates it; for critic cards, other passages critics quoted for it)
    rationale: str = ""
    suggestion: str | None = None
    question: str | None = None
    reversibility: Reversibility | None = None
    assumption: str | None = None  # challenged assumptions: what the plan takes for granted,
    evidence_needed: str | None = None  # what would settle it,
    how_to_test: str | None = None  # and the cheapest test
    about: Literal["text", "document", "absence"] | None = None  # a critic's: a passage, the whole, or a gap
    misquoted: bool = False  # placed, but the quote's numbers, negations or names differ from the text there
    cites: list[ReferenceCitation] = field(default_factory=list)  # reference passages it relies on
    challenges_decision: str | None = None  # the decision the author's intent calls settled that this re-opens
    status: Status = Status.OPEN
    replies: list[Reply] = field(default_factory=list)
    also_raised_by: list[Raise] = field(default_factory=list)
    created_at: datetime = field(default_factory=_now)

    def __post_init__(self) -> None:
        """The checks and coercions pydantic applied on construction, kept for code that builds findings."""
        self.source, self.kind, self.severity = Source(self.source), Kind(self.kind), Severity(self.severity)
        self.anchor, self.status = Anchor(self.anchor), Status(self.status)
        if self.confidence is not None and not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence must be between 0 and 1, not {self.confidence}")
        if (self.start is not None and self.start < 0) or (self.end is not None and self.end < 0):
            raise ValueError("start and end must be >= 0")

    @property
    def placed(self) -> bool:
        return self.anchor.placed and self.start is not None and self.end is not None

    @property
    def incomplete(self) -> list[str]:
        """What a critic's door or assumption leaves out: kept and shown as incomplete, never dropped."""
        if self.source is not Source.CRITIC:
            return []
        if self.kind is Kind.ONE_WAY_DOOR:
            return self.reversibility.missing() if self.reversibility else ["reversibility"]
        if self.kind is Kind.CHALLENGED_ASSUMPTION:
            return [name.replace("_", " ") for name in ("assumption", "evidence_needed", "how_to_test")
                    if not (getattr(self, name) or "").strip()]
        return []

    @property
    def personas(self) -> list[str]:
        """Everyone who raised it, the first critic first ("raised by 3")."""
        first = [self.persona] if self.persona else []
        return first + [r.persona for r in self.also_raised_by if r.persona not in first]

    def sort_key(self) -> tuple[int, int, int]:
        """Document order, document-level findings last, worst first at equal positions."""
        pos = self.start if self.start is not None else 1 << 62
        return (pos, -self.severity.rank, self.end or 0)


@dataclass(slots=True, kw_only=True)
class DocumentInfo(Record):
    path: str | None = None
    format: Literal["markdown", "docx", "text"]
    title: str = ""
    fingerprint: str
    text: str


@dataclass(slots=True, kw_only=True)
class Review(Record):
    """A document's findings, debates and runs: what ``doccritic check --format json`` prints."""

    schema: Literal["doccritic.review/1"] = SCHEMA_ID
    document: DocumentInfo
    findings: list[Finding] = field(default_factory=list)
    debates: list[dict[str, Any]] = field(default_factory=list)
    runs: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)  # the decision register, PM edits included
    assumptions: list[Assumption] = field(default_factory=list)  # the assumptions ledger
    readiness: Readiness | None = None  # counts over both, as of the last save
    rounds: list[Round] = field(default_factory=list)  # review rounds, oldest first (core.rounds)
    references: list[Reference] = field(default_factory=list)  # attached material (text only when small)
    intent: Intent | None = None  # the author's note: feedback wanted, decided, constraints


    def __post_init__(self) -> None:
        if self.references:
            self._name_citations()

    def _name_citations(self) -> None:
        """Older files cite references by id only: give each citation the name ``references[]`` has for it,
        so every view and export says "R1 policy.md" rather than a bare "R1"."""
        names = {r.id: r.name for r in self.references}
        for c in (c for f in self.findings for c in f.cites):
            c.name = c.name or names.get(c.reference, "")
        turns = [t for d in self.debates for t in d.get("turns") or [] if isinstance(t, dict)]  # kept as dumped
        for raw in (c for t in turns for c in t.get("cites") or [] if isinstance(c, dict)):
            if not raw.get("name") and raw.get("reference") in names:
                raw["name"] = names[raw["reference"]]
