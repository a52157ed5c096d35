"""The typed events a critic panel yields. Plain data: the CLI prints them, the GUI re-emits them as signals."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from doccritic.claude.failures import Failure
from doccritic.claude.pricing import Usage
from doccritic.core.findings import Finding


class CriticStatus(StrEnum):
    QUEUED = "queued"
    WRITING = "writing"
    DONE = "done"
    PARTIAL = "partial"  # failed after some findings arrived: they are kept
    FAILED = "failed"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"  # not launched: the budget cap was reached


@dataclass
class CriticResult:
    persona_id: str
    model: str
    status: CriticStatus = CriticStatus.QUEUED
    findings: list[Finding] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    cost: float = 0.0
    duration: float = 0.0
    verdict: str = ""
    readiness: int | None = None
    skipped_items: int = 0  # malformed findings dropped from otherwise good output
    failure: Failure | None = None
    attempts: int = 0


@dataclass(frozen=True)
class CriticStarted:
    persona_id: str
    model: str
    attempt: int = 1


@dataclass(frozen=True)
class CriticProgress:
    """Status text for the persona row: "writing (3 findings)", "rate limited, retrying in 12 s"."""

    persona_id: str
    message: str
    findings: int = 0
    retry_in: float | None = None


@dataclass(frozen=True)
class FindingFound:
    persona_id: str
    finding: Finding


@dataclass(frozen=True)
class FindingMerged:
    """Another critic raised a problem already on the page: ``finding`` is the updated card."""

    persona_id: str
    finding: Finding


@dataclass(frozen=True)
class CriticDone:
    persona_id: str
    result: CriticResult


@dataclass(frozen=True)
class CriticFailed:
    persona_id: str
    result: CriticResult

    @property
    def failure(self) -> Failure:
        assert self.result.failure is not None
        return self.result.failure


@dataclass(frozen=True)
class PanelDone:
    results: list[CriticResult]
    usage: Usage
    cost: float
    duration: float
    budget_stopped: bool = False


PanelEvent = CriticStarted | CriticProgress | FindingFound | FindingMerged | CriticDone | CriticFailed | PanelDone
