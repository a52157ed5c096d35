"""Findings and reviews: the product's core data, shared by checks, critics, debates and exports.

These pydantic models *are* the review JSON v1 (``docs/review-format.md``); the published JSON Schema
is generated from them, so the file format and the code cannot drift apart.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_ID = "doccritic.review/1"


class Kind(StrEnum):
    WEAK_ARGUMENT = "weak_argument"
    CHALLENGED_ASSUMPTION = "challenged_assumption"
    ONE_WAY_DOOR = "one_way_door"
    OPEN_QUESTION = "open_question"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    Kind.WEAK_ARGUMENT: "Weak argument",
    Kind.CHALLENGED_ASSUMPTION: "Challenged assumption",
    Kind.ONE_WAY_DOOR: "One-way door",
    Kind.OPEN_QUESTION: "Open question",
}


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


class Reversibility(BaseModel):
    """How hard a one-way door is to walk back, and the cheapest way out if it goes wrong."""

    model_config = ConfigDict(extra="forbid")

    level: Literal["one_way", "costly", "two_way"]
    cost_to_reverse: str = ""
    exit_ramp: str = ""


class Reply(BaseModel):
    model_config = ConfigDict(extra="forbid")

    author: str
    text: str
    at: datetime = Field(default_factory=lambda: datetime.now(UTC))


class Raise(BaseModel):
    """Another critic who raised the same problem on the same passage, in their own words."""

    model_config = ConfigDict(extra="forbid")

    persona: str
    severity: Severity
    rationale: str = ""
    suggestion: str | None = None


def new_id() -> str:
    return uuid.uuid4().hex[:12]


class Finding(BaseModel):
    """One mark on the document: what is wrong, where, why it matters and what to do."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    id: str = Field(default_factory=new_id)
    source: Source
    persona: str | None = None
    rule: str | None = None
    kind: Kind
    subtype: str | None = None
    severity: Severity
    confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    title: str
    quote: str = ""
    start: int | None = Field(default=None, ge=0)
    end: int | None = Field(default=None, ge=0)
    anchor: Anchor = Anchor.UNANCHORED
    candidates: list[tuple[int, int]] = Field(default_factory=list)  # [start, end) spans of an ambiguous quote
    rationale: str = ""
    suggestion: str | None = None
    question: str | None = None
    reversibility: Reversibility | None = None
    status: Status = Status.OPEN
    replies: list[Reply] = Field(default_factory=list)
    also_raised_by: list[Raise] = Field(default_factory=list)
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    @property
    def placed(self) -> bool:
        return self.anchor.placed and self.start is not None and self.end is not None

    @property
    def personas(self) -> list[str]:
        """Everyone who raised it, the first critic first ("raised by 3")."""
        first = [self.persona] if self.persona else []
        return first + [r.persona for r in self.also_raised_by if r.persona not in first]

    def sort_key(self) -> tuple[int, int, int]:
        """Document order, document-level findings last, worst first at equal positions."""
        pos = self.start if self.start is not None else 1 << 62
        return (pos, -self.severity.rank, self.end or 0)


class DocumentInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str | None = None
    format: Literal["markdown", "docx", "text"]
    title: str = ""
    fingerprint: str
    text: str


class Review(BaseModel):
    """A document's findings, debates and runs: what ``doccritic check --format json`` prints."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    schema_: Literal["doccritic.review/1"] = Field(default=SCHEMA_ID, alias="schema")
    document: DocumentInfo
    findings: list[Finding] = Field(default_factory=list)
    debates: list[dict[str, Any]] = Field(default_factory=list)
    runs: list[dict[str, Any]] = Field(default_factory=list)

    def counts_by_kind(self) -> dict[Kind, int]:
        counts = dict.fromkeys(Kind, 0)
        for finding in self.findings:
            counts[finding.kind] += 1
        return counts
