"""Every event the engine yields, critic panel and debate alike. Plain frozen data: the CLI prints them, the
GUI re-emits them as signals across threads.

An event never shares mutable state with the engine: what it carries is a copy taken when it was made
(tuples, frozen dataclasses, or deep copies of the core's records), so the engine can go on changing its
own state on its thread while the UI thread reads an event it was handed earlier.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TypeVar

from doccritic.claude.failures import Failure
from doccritic.claude.pricing import Usage
from doccritic.core.debates import Debate, Summary, SummaryPoint, Turn
from doccritic.core.findings import Finding


class CriticStatus(StrEnum):
    QUEUED = "queued"
    WRITING = "writing"
    DONE = "done"
    PARTIAL = "partial"  # failed after some findings arrived: they are kept
    FAILED = "failed"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"  # not launched: the budget cap was reached


@dataclass(frozen=True)
class CriticResult:
    """One critic's outcome as it stood when the event was made."""

    persona_id: str
    model: str
    status: CriticStatus = CriticStatus.QUEUED
    findings: tuple[Finding, ...] = ()
    usage: Usage = field(default_factory=Usage)
    cost: float = 0.0
    duration: float = 0.0
    verdict: str = ""
    readiness: int | None = None
    skipped_items: int = 0  # malformed findings dropped from otherwise good output
    failure: Failure | None = None
    attempts: int = 0
    fixed: tuple[str, ...] = ()  # a re-review: ids of still-open findings this critic said the changes fixed


# the critic panel ------------------------------------------------------------------------------
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
    results: tuple[CriticResult, ...]
    usage: Usage
    cost: float
    duration: float
    budget_stopped: bool = False


PanelEvent = CriticStarted | CriticProgress | FindingFound | FindingMerged | CriticDone | CriticFailed | PanelDone


# debates ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TurnStarted:
    index: int
    speaker: str


@dataclass(frozen=True)
class TurnDelta:
    index: int
    text: str


@dataclass(frozen=True)
class TurnDone:
    turn: Turn  # complete, or stopped by the PM (status "stopped")


@dataclass(frozen=True)
class TurnFailed:
    turn: Turn  # status "interrupted": its text so far is kept; retry() runs it again
    failure: Failure


@dataclass(frozen=True)
class TurnWaiting:
    index: int
    message: str  # "rate limited, retrying in 4 s"


@dataclass(frozen=True)
class SummaryStarted:
    pass


@dataclass(frozen=True)
class SummaryWaiting:
    message: str  # "API overloaded, retrying in 2 s (attempt 2 of 3)", as a turn or a critic says it


@dataclass(frozen=True)
class SummaryPointFound:
    point: SummaryPoint


@dataclass(frozen=True)
class SummaryDone:
    summary: Summary


@dataclass(frozen=True)
class SummaryFailed:
    failure: Failure


@dataclass(frozen=True)
class DebateChanged:
    """The debate as the engine now holds it, after a turn ended, a point arrived or a command changed it.

    ``version`` grows with every change of one session, so a reader handed snapshots by two routes (the
    event stream, and the bridge after a command) keeps the newest."""

    debate: Debate
    version: int


@dataclass(frozen=True)
class DebateIdle:
    """Nothing more to do until the PM asks (finished, paused, stopped or waiting for a retry)."""

    debate: Debate
    reason: str  # "finished", "paused", "stopped", "interrupted"
    version: int = 0


DebateEvent = (TurnStarted | TurnDelta | TurnDone | TurnFailed | TurnWaiting | SummaryStarted | SummaryWaiting
               | SummaryPointFound | SummaryDone | SummaryFailed | DebateChanged | DebateIdle)


_R = TypeVar("_R")


def frozen_copy(record: _R) -> _R:
    """A copy of a core record for an event: later changes by the engine do not reach it."""
    return copy.deepcopy(record)


def usage_copy(usage: Usage) -> Usage:
    return replace(usage)
