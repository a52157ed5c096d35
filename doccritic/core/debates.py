"""Debates: two personas argue over the draft, turn by turn; the transcript is part of the review.

A debate is saved with its review (review JSON ``debates[]``) exactly as these records dump: the
motion, who argued which side, every turn with the passages it quoted, the PM's interjections, the
referee's summary, and what it cost. A turn that failed or was stopped is kept and marked, never lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, get_args

from doccritic.core.findings import Anchor, Citation, Finding, Kind, ReferenceCitation, Severity, Source, new_id
from doccritic.core.records import Record

Side = Literal["for", "against", "free"]
TurnStatus = Literal["complete", "interrupted", "stopped"]
PointCategory = Literal["strongest", "conceded", "unresolved", "change"]
PointSide = Literal["for", "against", "both"]
POINT_CATEGORIES: tuple[PointCategory, ...] = get_args(PointCategory)
POINT_SIDES: tuple[PointSide, ...] = get_args(PointSide)
Winner = Literal["for", "against", "undecided"]
WINNERS: tuple[Winner, ...] = get_args(Winner)
# What the engine checks on a finished turn; each flag is shown on the turn (see ``TURN_FLAGS``).
TurnFlag = Literal["no_quote", "concessions", "conceded_motion_early", "concession_no_evidence"]
TURN_FLAGS: dict[str, str] = {
    "no_quote": "no verbatim quote of the document placed",
    "concessions": "conceded more than one point in one turn",
    "conceded_motion_early": "conceded the motion before the last round",
    "concession_no_evidence": "conceded without naming the evidence",
}
ADDABLE = ("change", "unresolved")  # summary points that say what the draft still has to do


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True, kw_only=True)
class Turn(Record):
    index: int  # 1-based, in speaking order
    speaker: str  # persona id
    side: Side
    text: str = ""
    citations: list[Citation] = field(default_factory=list)
    cites: list[ReferenceCitation] = field(default_factory=list)  # reference passages it quotes
    status: TurnStatus = "complete"
    failure: str | None = None  # why an interrupted turn stopped, for the user
    usage: dict[str, int] = field(default_factory=dict)
    at: datetime = field(default_factory=_now)
    flags: list[TurnFlag] = field(default_factory=list)  # discipline the turn broke (set when it is whole)


@dataclass(slots=True, kw_only=True)
class Interjection(Record):
    """A moderator message from the PM; both personas see it from the next turn on."""

    after_turn: int  # the number of turns spoken when it was made
    text: str
    at: datetime = field(default_factory=_now)


@dataclass(slots=True, kw_only=True)
class SummaryPoint(Record):
    id: str = field(default_factory=new_id)
    category: PointCategory
    side: PointSide = "both"
    text: str
    citations: list[Citation] = field(default_factory=list)
    kind: Kind = Kind.CHALLENGED_ASSUMPTION  # what it becomes with "Add as finding"
    severity: Severity = Severity.MAJOR
    finding_id: str | None = None  # set once it was added as a finding

    def __post_init__(self) -> None:
        self.kind, self.severity = Kind(self.kind), Severity(self.severity)

    @property
    def addable(self) -> bool:
        """Only what the draft must still change or answer becomes a finding; praise and settled points do not."""
        return self.category in ADDABLE


@dataclass(slots=True, kw_only=True)
class Clash(Record):
    """One question the two sides disagreed on, and the referee's call on it."""

    question: str
    winner: Winner = "undecided"
    because: str = ""  # why that side carried it, or why nobody did
    evidence_to_settle: str = ""  # what would decide it when the debate could not
    owner: str = ""  # who must get that evidence or make the call
    citations: list[Citation] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class Summary(Record):
    verdict: str = ""
    points: list[SummaryPoint] = field(default_factory=list)
    clashes: list[Clash] = field(default_factory=list)
    decision_for_author: str = ""  # the one thing the author should decide or do before the meeting


@dataclass(slots=True, kw_only=True)
class Debate(Record):
    id: str = field(default_factory=new_id)
    motion: str
    pro: str  # persona id arguing for the motion (or first speaker's side when positions are free)
    con: str
    free_positions: bool = False
    opener: str  # persona id who speaks first
    rounds: int = 3  # exchanges: one turn each
    turn_words: int = 180
    focus: str = ""  # the passage or finding the debate is about, if any
    model: str = ""
    turns: list[Turn] = field(default_factory=list)
    interjections: list[Interjection] = field(default_factory=list)
    summary: Summary | None = None
    usage: dict[str, int] = field(default_factory=dict)
    cost_usd: float = 0.0
    created_at: datetime = field(default_factory=_now)

    def side_of(self, persona_id: str) -> Side:
        if self.free_positions:
            return "free"
        return "for" if persona_id == self.pro else "against"

    def speaker_for(self, index: int) -> str:
        """Who speaks turn ``index`` (1-based): the opener, then alternating."""
        other = self.con if self.opener == self.pro else self.pro
        return self.opener if index % 2 == 1 else other

    def round_of(self, index: int) -> int:
        """The exchange turn ``index`` (1-based) belongs to."""
        return (index + 1) // 2

    @property
    def planned_turns(self) -> int:
        return 2 * self.rounds

    @property
    def title(self) -> str:
        motion = " ".join(self.motion.split())
        return motion if len(motion) <= 80 else motion[:77] + "…"


def point_to_finding(point: SummaryPoint, debate: Debate) -> Finding:
    """A referee's point as a finding on the passage it concerns (source ``debate``)."""
    placed = next((c for c in point.citations if c.placed), None)
    quote = placed.quote if placed else (point.citations[0].quote if point.citations else "")
    anchor = placed.anchor if placed else (Anchor.UNANCHORED if quote else Anchor.DOCUMENT)
    label = {"strongest": "Strongest point", "conceded": "Conceded", "unresolved": "Unresolved",
             "change": "Change needed"}[point.category]
    title = " ".join(point.text.split())
    title = title if len(title) <= 90 else title[:87] + "…"
    return Finding(
        source=Source.DEBATE,
        persona=debate.pro if point.side == "for" else debate.con if point.side == "against" else None,
        kind=point.kind,
        severity=point.severity,
        title=title,
        quote=quote,
        start=placed.start if placed else None,
        end=placed.end if placed else None,
        anchor=anchor,
        rationale=f"{label} in the debate “{debate.title}”: {point.text}",
    )


def place_citation(text: str, quote: str, hint: int | None = None) -> Citation:
    """``quote`` placed on the document ``text``; a passage found more than once is not placed."""
    from doccritic.core.anchoring import anchor_quote

    where = anchor_quote(text, quote, hint=hint)
    if where.anchor is Anchor.AMBIGUOUS or not where.anchor.placed:
        return Citation(quote=quote, anchor=where.anchor)
    return Citation(quote=quote, start=where.start, end=where.end, anchor=where.anchor)


def replace_citations(debate: Debate, text: str) -> Debate:
    """The debate with every cited passage placed again on ``text`` (the document changed since)."""

    def again(c: Citation) -> Citation:
        return place_citation(text, c.quote, hint=c.start)

    copy = debate.model_copy(deep=True)
    for turn in copy.turns:
        turn.citations = [again(c) for c in turn.citations]
    if copy.summary is not None:
        for point in copy.summary.points:
            point.citations = [again(c) for c in point.citations]
        for clash in copy.summary.clashes:
            clash.citations = [again(c) for c in clash.citations]
    return copy
