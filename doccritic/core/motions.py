"""Motions worth debating, proposed from the review: its one-way doors and critical cards.

A debate decides something only when its motion is a concrete decision the draft makes ("commit to
this, as written"), not "the draft is ready": so each suggestion quotes the decision, and pairs the
draft's defender (the Author's Advocate, FOR) with the seat that raised the problem, or the seat whose
job the decision hurts most (AGAINST). That pairing is where the natural tension is; two seats with the
same worry agree with each other and the debate ends in the first exchange.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from doccritic.core.findings import Finding, Kind, Severity, Status

DEFENDER = "authors-advocate"  # the default side FOR: the draft's owner, defending it with its own evidence
# The seat that pays for a decision of this subtype (check rules and critics name subtypes), when nobody
# on the card is a persona that can take part.
AGAINST_BY_SUBTYPE = {
    "pricing": "finance", "contract": "finance", "hiring": "finance", "forecast": "finance",
    "data_loss": "legal-privacy", "irreversible": "staff-engineer", "migration": "staff-engineer",
    "public_interface": "staff-engineer", "vendor_lock_in": "staff-engineer", "launch": "support-operations",
    "default_change": "target-customer", "deprecation": "target-customer", "rename": "go-to-market",
}
FALLBACK_AGAINST = ("skeptical-exec", "devils-advocate", "staff-engineer")
_QUOTE_CHARS = 200
_OPEN = (Status.OPEN, Status.DEFERRED)


@dataclass(frozen=True)
class MotionSuggestion:
    """One motion the review supports, with who should argue it and the card it came from."""

    motion: str
    focus: str  # the passage (or the card's title) the debate is about
    pro: str
    con: str
    finding_id: str
    label: str  # for a list: "One-way door · critical · Commit to …"


def motion_for(finding: Finding) -> str:
    """The decision the card is about, put as a motion the side FOR can defend from the draft."""
    quote = " ".join(finding.quote.split())
    if len(quote) > _QUOTE_CHARS:
        quote = quote[:_QUOTE_CHARS - 1] + "…"
    if not quote:
        return f"The draft can be signed off as written, without answering: {' '.join(finding.title.split())}"
    if finding.kind is Kind.ONE_WAY_DOOR:
        rev = finding.reversibility
        closes = f" (the door closes {rev.closes_when.strip().rstrip('.')})" if rev and rev.closes_when.strip() else ""
        return f"Commit to this as written: “{quote}”{closes}"
    return f"Sign off on this as written: “{quote}”"


def suggest_motions(findings: Sequence[Finding], personas: Collection[str], *,
                    limit: int = 5) -> list[MotionSuggestion]:
    """Up to ``limit`` motions from the open one-way doors and critical cards, most pressing first (doors, then
    severity, then how many seats raised it). ``personas`` are the ids that can debate; a card with no seat
    that can argue against it is skipped."""
    pressing = [f for f in findings if f.status in _OPEN
                and (f.kind is Kind.ONE_WAY_DOOR or f.severity is Severity.CRITICAL)]
    pressing.sort(key=lambda f: (f.kind is not Kind.ONE_WAY_DOOR, -f.severity.rank, -len(f.personas), f.sort_key()))
    out: list[MotionSuggestion] = []
    seen: set[str] = set()
    for f in pressing:
        motion = motion_for(f)
        pair = tension_pair(f, personas)
        if pair is None or motion in seen:
            continue
        seen.add(motion)
        kind = f.kind.label
        focus = f"{f.title}: “{f.quote}”" if f.quote else f.title
        out.append(MotionSuggestion(motion, focus, *pair, f.id, f"{kind} · {f.severity} · {f.title}"))
        if len(out) >= limit:
            break
    return out


def tension_pair(finding: Finding, personas: Collection[str]) -> tuple[str, str] | None:
    """(FOR, AGAINST): the draft's defender against the seat that raised the card, else the seat the decision's
    subtype hurts, else a sceptic; None when fewer than two seats are available."""
    available = list(personas)
    pro = DEFENDER if DEFENDER in available else None
    against = [p for p in finding.personas if p in available and p != pro]
    by_subtype = AGAINST_BY_SUBTYPE.get(finding.subtype or "")
    if by_subtype in available and by_subtype != pro:
        against.append(by_subtype)
    against += [p for p in FALLBACK_AGAINST if p in available and p != pro]
    against += [p for p in available if p != pro]
    if not against:
        return None
    con = against[0]
    if pro is None:
        pro = next((p for p in available if p != con), None)
    return (pro, con) if pro is not None else None
