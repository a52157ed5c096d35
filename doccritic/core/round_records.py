"""Round records: the review rounds kept in a review (``Review.rounds``); the logic is in ``core.rounds``.

Apart from :mod:`doccritic.core.rounds` so that ``core.findings`` can hold them without importing the
anchoring and merging code the classification needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from doccritic.core.records import Record


class RoundClass(StrEnum):
    NEW = "new"
    STILL_OPEN = "still_open"
    FIXED = "fixed"
    REGRESSED = "regressed"
    OUTDATED = "outdated"  # its passage was rewritten and no critic judged it again: neither fixed nor confirmed
    RERAISED = "reraised"  # dismissed, raised again with a new reason: shown again
    SUPPRESSED = "suppressed"  # dismissed, the same problem raised again: counted, not shown
    DISMISSED = "dismissed"  # dismissed, not raised again

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {RoundClass.NEW: "New", RoundClass.STILL_OPEN: "Still open", RoundClass.FIXED: "Fixed",
           RoundClass.REGRESSED: "Regressed", RoundClass.OUTDATED: "Outdated",
           RoundClass.RERAISED: "Raised again with a new reason",
           RoundClass.SUPPRESSED: "Suppressed (dismissed)", RoundClass.DISMISSED: "Dismissed"}
#: The classes a PM sees in the round's list, in the order shown; suppressed and dismissed are counted only.
SHOWN = (RoundClass.REGRESSED, RoundClass.RERAISED, RoundClass.STILL_OPEN, RoundClass.OUTDATED, RoundClass.NEW,
         RoundClass.FIXED)


@dataclass(slots=True, kw_only=True)
class RoundEntry(Record):
    """One finding's class in one round, and why."""

    finding_id: str
    title: str
    status: RoundClass
    reason: str = ""
    passage: str = ""  # the text it was about in this round (what the next round compares against)
    personas: list[str] = field(default_factory=list)  # who raised it (again) in this round
    gone: bool = False  # fixed because its passage left the draft: that passage coming back is a regression

    def __post_init__(self) -> None:
        self.status = RoundClass(self.status)


@dataclass(slots=True, kw_only=True)
class Round(Record):
    """One review of the whole draft: when, on which text, what changed since the last, and every class."""

    number: int
    at: datetime
    fingerprint: str  # SHA-256 of the text reviewed
    diff: str = ""  # the changes since the previous round (compact unified diff, capped)
    text: str = ""  # the text reviewed, kept on the latest round only and only when the document moved on
    entries: list[RoundEntry] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Entries per class, every class present (zeros included)."""
        out = {c.value: 0 for c in RoundClass}
        for e in self.entries:
            out[e.status.value] += 1
        return out

    def entry(self, finding_id: str) -> RoundEntry | None:
        return next((e for e in self.entries if e.finding_id == finding_id), None)

    def summary(self, *, extras: bool = True) -> str:
        """"2 fixed, 1 still open, 1 new, 0 regressed; 1 suppressed" (outdated, re-raised and suppressed only
        when any)."""
        c = self.counts()
        main = ", ".join(f"{c[k.value]} {k.label.lower()}" for k in (
            RoundClass.FIXED, RoundClass.STILL_OPEN, RoundClass.NEW, RoundClass.REGRESSED))
        extra = [f"{c[k.value]} {word}" for k, word in ((RoundClass.OUTDATED, "outdated (not re-judged)"),
                                                       (RoundClass.RERAISED, "raised again with a new reason"),
                                                       (RoundClass.SUPPRESSED, "suppressed")) if c[k.value]]
        return main + (f"; {', '.join(extra)}" if extra and extras else "")
