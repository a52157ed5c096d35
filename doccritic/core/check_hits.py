"""A rule's match before the caps: what ranking, folding and capping read, without a Finding's weight.

The checks keep every match until the caps pick the few shown (folding the others in as restatements),
and a draft can match one rule on every paragraph: a 90 MB-XML Word file with "turned on by default" in
each of its 400,000 paragraphs held 400,000 Findings, ~2.5 KB each (a pydantic model's field dict, a title
and a rationale of its own), to show three. A :class:`Hit` holds the offsets, the quote and what the
finding's wording is made from; :meth:`Hit.finding` makes the Finding, identical to the one made at once
before, only for what is shown. It answers to the attributes the ranking and folding code reads
(``kind``, ``subtype``, ``rule``, ``severity``, ``quote``, ``start``/``end``, ``id``, ``rationale``,
``restated_at``, ``sort_key``), so that code takes either.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from doccritic.core.findings import Anchor, Finding, Kind, Severity, Source

if TYPE_CHECKING:
    from doccritic.core.claims import ClaimTopic
    from doccritic.core.rules import Rule


def stable_id(rule_id: str, quote: str, nth: int) -> str:
    """Same finding, same id across runs and unrelated edits, so decisions on it survive re-checks."""
    digest = hashlib.sha1(f"{rule_id}\0{quote}\0{nth}".encode("utf-8", "surrogatepass")).hexdigest()
    return f"chk-{digest[:12]}"


class Hit:
    """One match of ``source`` (a rule) on ``quote`` at ``[start, end)``; ``where`` names the section a
    one-way door's rationale says has no way back (None when it is mitigated or not a door)."""

    __slots__ = ("_rationale", "end", "id", "match", "quote", "restated_at", "severity", "source", "start",
                 "strength", "topic", "where")

    def __init__(self, source: Rule, quote: str, start: int, end: int, match: str, nth: int, severity: Severity,
                 where: str | None) -> None:
        self.source, self.quote, self.start, self.end, self.match = source, quote, start, end, match
        self.severity, self.where = severity, where
        self.id = stable_id(source.id, quote, nth)
        self.restated_at: list[tuple[int, int]] = []
        self._rationale: str | None = None  # set once folding adds to it
        self.strength: int | None = None  # a claim's (core/claims.py): ranks it, and decides if it is shown
        self.topic: ClaimTopic | None = None  # a claim's topic: names the evidence that would settle it

    @property
    def kind(self) -> Kind:
        return self.source.kind

    @property
    def subtype(self) -> str | None:
        return self.source.subtype

    @property
    def rule(self) -> str:
        return self.source.id

    @property
    def rationale(self) -> str:
        if self._rationale is not None:
            return self._rationale
        extra = f" {self.where} names no rollback or kill switch, and no pilot or phased rollout covers this step."
        return self.source.rationale + (extra if self.where is not None else "")

    @rationale.setter
    def rationale(self, text: str) -> None:
        self._rationale = text

    def sort_key(self) -> tuple[int, int, int]:
        """As :meth:`Finding.sort_key`: document order, worst first at equal positions."""
        return (self.start, -self.severity.rank, self.end)

    def finding(self) -> Finding:
        rule = self.source
        label = " ".join(self.match.split())
        label = label if len(label) <= 60 else label[:57] + "…"
        topic = self.topic
        return Finding(
            id=self.id,
            source=Source.CHECK,
            rule=rule.id,
            kind=rule.kind,
            subtype=rule.subtype,
            severity=self.severity,
            title=rule.title.replace("{match}", label).replace("{topic}", topic.name if topic else "it"),
            quote=self.quote,
            start=self.start,
            end=self.end,
            anchor=Anchor.EXACT,
            rationale=self.rationale,
            suggestion=topic.settle if topic else rule.suggestion,
            question=topic.question if topic else rule.question,
            reversibility=rule.reversibility,
            restated_at=self.restated_at,
        )


def as_finding(f: Hit | Finding) -> Finding:
    """``f`` as the Finding a user is shown."""
    return f.finding() if isinstance(f, Hit) else f
