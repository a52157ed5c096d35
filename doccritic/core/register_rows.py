"""The rows of the decision register and the assumptions ledger, as stored in the review JSON.

Kept apart from the consolidation (``core.register``) because ``Review`` holds them: this module needs
nothing but ``Record``, so the review's records import without rapidfuzz or the findings' module.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from doccritic.core.records import Record


def _new_id() -> str:
    return os.urandom(6).hex()  # as findings.new_id: 48 random bits


Level = Literal["one_way", "costly", "two_way"]
DecisionStatus = Literal["open", "exit_ramp_named", "accepted_one_way", "changed"]
AssumptionStatus = Literal["untested", "being_tested", "validated", "invalidated"]

LEVEL_LABELS = {"one_way": "One-way", "costly": "Costly", "two_way": "Two-way"}
DECISION_STATUS_LABELS = {"open": "Open", "exit_ramp_named": "Exit ramp named",
                          "accepted_one_way": "Accepted as one-way", "changed": "Changed"}
ASSUMPTION_STATUS_LABELS = {"untested": "Untested", "being_tested": "Being tested", "validated": "Validated",
                            "invalidated": "Invalidated"}


@dataclass(slots=True, kw_only=True)
class Decision(Record):
    """A row of the decision register: one decision, every passage and finding that marks it."""

    id: str = field(default_factory=_new_id)
    decision: str
    reversibility: Level = "one_way"
    closes: str = ""  # what closes the door, and when
    cost_to_reverse: str = ""
    exit_ramp: str = ""  # the way back the plan names (the PM's words): empty until named
    suggested_exit_ramp: str = ""  # a rule's or a critic's proposal, shown until the PM names one
    owner: str = ""
    status: DecisionStatus = "open"
    raised_by: list[str] = field(default_factory=list)
    finding_ids: list[str] = field(default_factory=list)
    point_ids: list[str] = field(default_factory=list)  # debate referee points not added as findings
    passages: list[tuple[int, int]] = field(default_factory=list)  # [start, end) code points, document order
    quotes: list[str] = field(default_factory=list)  # the passages' words: how the row finds its findings again
    edited: list[str] = field(default_factory=list)  # fields the PM set: consolidation never overwrites them

    @property
    def live(self) -> bool:
        """False for a dormant row: PM edits kept for findings that are gone for now."""
        return bool(self.finding_ids or self.point_ids)


@dataclass(slots=True, kw_only=True)
class Assumption(Record):
    """A row of the assumptions ledger: a claim the plan stands on, and how to find out if it holds."""

    id: str = field(default_factory=_new_id)
    claim: str
    why: str = ""  # why the plan depends on it
    evidence: str = ""  # the evidence that would settle it
    test: str = ""  # the cheapest way to test it
    status: AssumptionStatus = "untested"
    owner: str = ""
    due: str = ""  # a date or a milestone, as the PM writes it
    raised_by: list[str] = field(default_factory=list)
    finding_ids: list[str] = field(default_factory=list)
    point_ids: list[str] = field(default_factory=list)
    passages: list[tuple[int, int]] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)

    @property
    def live(self) -> bool:
        return bool(self.finding_ids or self.point_ids)


R = TypeVar("R", "Decision", "Assumption")

DECISION_FIELDS = ("decision", "reversibility", "closes", "cost_to_reverse", "exit_ramp", "owner", "status")
ASSUMPTION_FIELDS = ("claim", "why", "evidence", "test", "status", "owner", "due")


def edit(row: R, name: str, value: str) -> R:
    """``row`` with the PM's ``value`` for field ``name``, remembered as an edit. Naming an exit ramp
    on an open door marks it "exit ramp named" unless the PM set the status themselves."""
    allowed = DECISION_FIELDS if isinstance(row, Decision) else ASSUMPTION_FIELDS
    if name not in allowed:
        raise ValueError(f"{name!r} is not an editable field of a {type(row).__name__.lower()}")
    choices = {"reversibility": LEVEL_LABELS, "status": DECISION_STATUS_LABELS if isinstance(row, Decision)
               else ASSUMPTION_STATUS_LABELS}.get(name)
    value = value.strip()
    if choices is not None and value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    update: dict[str, Any] = {name: value, "edited": sorted({*row.edited, name})}
    if isinstance(row, Decision) and name == "exit_ramp" and "status" not in row.edited:
        update["status"] = "exit_ramp_named" if value else "open"
    return row.model_copy(update=update)


@dataclass(slots=True, kw_only=True)
class Readiness(Record):
    """What the PM takes into the room, counted over the live rows (``core.register.readiness``)."""

    one_way_doors: int = 0  # decisions one-way to reverse and not changed since
    without_exit_ramp: int = 0  # of those, still "open": no exit ramp named, not accepted as one-way
    costly: int = 0  # decisions costly (not impossible) to reverse
    assumptions: int = 0  # load-bearing assumptions
    untested: int = 0
    invalidated: int = 0
    open_questions: int = 0  # open-question findings open or deferred, points a referee left unresolved
    summary: str = ""  # the counts as one sentence
