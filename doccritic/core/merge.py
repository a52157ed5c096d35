"""One card per problem: merge findings that several critics raised on the same passage.

Two critic findings are the same problem when their spans overlap for most of the shorter one and
they say the same thing (same kind, or titles that share most of their words). The first finding
stays the card; later ones are kept on it as ``also_raised_by`` with their own rationale, so nothing
a critic said is lost, and differing suggestions read as a trade-off rather than two cards.
"""

from __future__ import annotations

from doccritic.core.findings import Finding, Raise, Reply, Source

MIN_OVERLAP = 0.5  # of the shorter span
SAME_GIST = 55.0  # token-set similarity of titles when the kinds differ


def _overlap(a: Finding, b: Finding) -> float:
    if not (a.placed and b.placed):
        return 0.0
    assert a.start is not None and a.end is not None and b.start is not None and b.end is not None
    inter = min(a.end, b.end) - max(a.start, b.start)
    shorter = max(1, min(a.end - a.start, b.end - b.start))
    return max(0.0, inter / shorter)


def same_problem(a: Finding, b: Finding) -> bool:
    if a.source is not Source.CRITIC or b.source is not Source.CRITIC:
        return False
    if _overlap(a, b) < MIN_OVERLAP:
        return False
    if a.kind is b.kind:
        return True
    from rapidfuzz import fuzz  # here: the window imports this module for is_tradeoff, at start-up

    return fuzz.token_set_ratio(a.title.lower(), b.title.lower()) >= SAME_GIST


def find_duplicate(existing: list[Finding], new: Finding) -> Finding | None:
    """The card ``new`` belongs on: a finding about the same problem, by another critic or by the same
    one in an earlier run (a re-run must not repeat itself, nor resurrect what the PM dismissed)."""
    for f in existing:
        if same_problem(f, new):
            return f
    return None


def merge(card: Finding, new: Finding) -> Finding:
    """``card`` now also raised by ``new``'s persona; the worse severity wins. A critic already on the card
    changes nothing: the card, and any decision on it, stays as it is."""
    if new.persona in card.personas:
        return card
    raised = Raise(persona=new.persona or "critic", severity=new.severity, rationale=new.rationale,
                   suggestion=new.suggestion)
    severity = max(card.severity, new.severity, key=lambda s: s.rank)
    return card.model_copy(update={"also_raised_by": [*card.also_raised_by, raised], "severity": severity})


def is_tradeoff(card: Finding) -> bool:
    """True when critics on one card propose different changes."""
    suggestions = {s.strip().lower() for s in [card.suggestion, *(r.suggestion for r in card.also_raised_by)] if s}
    return len(suggestions) > 1


def reraised(card: Finding, new: Finding) -> Finding:
    """A critic re-raised ``card`` (dismissed, or new) with a reason the PM has not answered: the reason joins
    the card's thread, and the PM's decision stands until the PM changes it."""
    note = Reply(author=new.persona or "critic", text=f"Re-raised with a new reason: {new.rationale}".strip())
    return card.model_copy(update={"replies": [*card.replies, note]})
