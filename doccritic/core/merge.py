"""One card per problem: merge findings that several critics raised on the same passage or decision.

Two critic findings are the same problem when their spans overlap for most of the shorter one and
they say the same thing (same kind, or titles that share most of their words). A decision is often
stated twice (the summary, then the rollout), and a critic may quote either or none: findings of the
same kind on *other* passages, or unplaced, are the same problem when their titles, or their quotes, say
nearly the same thing. The first finding stays the card; later ones are kept on it as ``also_raised_by``
with their own rationale and passage (a new passage also joins ``restated_at``), so nothing a critic
said is lost, and differing suggestions read as a trade-off rather than two cards.
"""

from __future__ import annotations

from types import ModuleType

from doccritic.core.findings import Finding, Raise, Reply, Source, Status

MIN_OVERLAP = 0.5  # of the shorter span
SAME_GIST = 55.0  # token-set similarity of titles when the kinds differ
SAME_DECISION = 80.0  # similarity of titles (or of quotes) of same-kind findings on other passages
SAME_GIST_DISMISSED = 85.0  # token-set similarity of titles that re-raise a dismissed card in other words
SAME_GIST_PASSAGE = 55.0  # ... and of their quotes, when both have one (unrelated sentences score about 40)
_SHORT = 4  # words: a shorter title or quote says too little to merge on ("No rollback plan")


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
    from rapidfuzz import fuzz  # here: the window imports this module for is_tradeoff, at start-up

    if _overlap(a, b) >= MIN_OVERLAP:
        return a.kind is b.kind or fuzz.token_set_ratio(a.title.lower(), b.title.lower()) >= SAME_GIST
    return a.kind is b.kind and _same_decision(a, b, fuzz)


def _same_decision(a: Finding, b: Finding, fuzz: ModuleType) -> bool:
    """Same kind, other passages (or none): titles alike in most words, or quotes that state the same thing
    ("Delete the hot copies…" in the rollout, "…delete the hot copies…" in the decision)."""
    def alike(x: str, y: str) -> bool:
        x, y = x.lower(), y.lower()
        return min(len(x.split()), len(y.split())) >= _SHORT and fuzz.token_sort_ratio(x, y) >= SAME_DECISION

    return alike(a.title, b.title) or (bool(a.quote and b.quote) and alike(a.quote, b.quote))


def find_duplicate(existing: list[Finding], new: Finding) -> Finding | None:
    """The card ``new`` belongs on: a finding about the same problem, by another critic or by the same
    one in an earlier run (a re-run must not repeat itself, nor resurrect what the PM dismissed: a dismissed
    card also takes the same gist in other words from another passage, see :func:`same_gist`)."""
    for f in existing:
        if same_problem(f, new):
            return f
    for f in existing:
        if f.status is Status.DISMISSED and same_gist(f, new):
            return f
    return None


def same_gist(dismissed: Finding, new: Finding) -> bool:
    """``new`` says what a dismissed card said, in other words and maybe from another passage: the same kind,
    titles that share most of their words (token set, so "deleted permanently" matches "deleted for good"),
    and, when both quote the draft, passages about the same thing ("delete legacy invoices after the
    migration", "old invoices are purged once the migration ends"), so "No rollback plan for the launch" does
    not vanish into a dismissed "No rollback plan for the invoice migration". Looser than
    :func:`same_problem`, because the PM has answered this problem already: a match is counted as suppressed
    in a round, not thrown away, and a critic with a new reason re-raises it."""
    if dismissed.source is not Source.CRITIC or new.source is not Source.CRITIC or dismissed.kind is not new.kind:
        return False
    from rapidfuzz import fuzz

    a, b = dismissed.title.lower(), new.title.lower()
    if min(len(a.split()), len(b.split())) < _SHORT or fuzz.token_set_ratio(a, b) < SAME_GIST_DISMISSED:
        return False
    quotes = dismissed.quote.strip().lower(), new.quote.strip().lower()
    return not all(quotes) or fuzz.token_set_ratio(*quotes) >= SAME_GIST_PASSAGE


def merge(card: Finding, new: Finding) -> Finding:
    """``card`` now also raised by ``new``'s persona; the worse severity wins. A critic already on the card
    changes nothing: the card, and any decision on it, stays as it is."""
    passage = _new_passage(card, new)
    restated = [*card.restated_at, passage] if passage else card.restated_at
    context = _context(card, new)
    if new.persona in card.personas:  # the same critic on another passage adds the passage, nothing else
        update = {**context, **({"restated_at": restated} if passage else {})}
        return card.model_copy(update=update) if update else card
    raised = Raise(persona=new.persona or "critic", severity=new.severity, rationale=new.rationale,
                   suggestion=new.suggestion, quote=new.quote,
                   start=new.start if new.placed else None, end=new.end if new.placed else None)
    severity = max(card.severity, new.severity, key=lambda s: s.rank)
    return card.model_copy(update={"also_raised_by": [*card.also_raised_by, raised], "severity": severity,
                                   "restated_at": restated, **context})


def _context(card: Finding, new: Finding) -> dict[str, object]:
    """Reference passages and a challenged decision ``new`` brings that the card lacks (nothing else changes)."""
    update: dict[str, object] = {}
    have = {(c.reference, c.start, c.end, c.quote) for c in card.cites}
    extra = [c for c in new.cites if (c.reference, c.start, c.end, c.quote) not in have]
    if extra:
        update["cites"] = [*card.cites, *extra]
    if new.challenges_decision and not card.challenges_decision:
        update["challenges_decision"] = new.challenges_decision
    return update


def _new_passage(card: Finding, new: Finding) -> tuple[int, int] | None:
    """``new``'s span when the card does not cover it yet (not its own span, nor one already restated)."""
    if not new.placed or _overlap(card, new) >= MIN_OVERLAP:
        return None
    span = (new.start or 0, new.end or 0)
    return None if span in card.restated_at else span


def is_tradeoff(card: Finding) -> bool:
    """True when critics on one card propose different changes."""
    suggestions = {s.strip().lower() for s in [card.suggestion, *(r.suggestion for r in card.also_raised_by)] if s}
    return len(suggestions) > 1


def reraised(card: Finding, new: Finding) -> Finding:
    """A critic re-raised ``card`` (dismissed, or new) with a reason the PM has not answered: the reason joins
    the card's thread, and the PM's decision stands until the PM changes it."""
    note = Reply(author=new.persona or "critic", text=f"Re-raised with a new reason: {new.rationale}".strip())
    return card.model_copy(update={"replies": [*card.replies, note]})
