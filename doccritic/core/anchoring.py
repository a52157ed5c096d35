"""Place a critic's quote on exact text offsets, and keep findings placed while the document changes.

Claude copies quotes loosely: curly quotes come back straight, line breaks collapse, ``**bold**`` and
``[links](url)`` lose their markup, a middle part becomes "…", a word gets paraphrased. Highlights and
exports need exact ``[start, end)`` code-point offsets anyway, so :func:`anchor_quote` tries the most
certain match first and only then looser ones: exact -> normalized (folded text plus an index map
back to the original, :mod:`~doccritic.core.anchoring_text`) -> ellipsis gap -> fuzzy (word alignment,
:mod:`~doccritic.core.anchoring_fuzzy`) -> unanchored. It never raises: a finding that cannot be
placed is still worth showing at document level.

A quote found more than once is never silently put on the first match: ``within`` (the section the
critic named) is searched first, then the quote as written (its markup, link target or edge
punctuation) is looked for around each match, and what is still repeated comes back ``ambiguous``
with every match as a candidate for the reader to pick from.

Speed: an exact quote costs two ``str.find``. Normalizing a 300k-character text takes ~20-40 ms, so it
is cached per text (a review anchors dozens of quotes against one text) and searches near ``hint``
or ``within`` normalize only that stretch; fuzzy scoring first tries windows around the quote's
rarest words, and only then lets rapidfuzz scan the whole range.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

from doccritic.core.anchoring_fuzzy import fuzzy
from doccritic.core.anchoring_text import (
    EDGE,
    Quote,
    balance,
    grow,
    normalize_with_map,
    normalized,
    plain,
    prepare,
    trim,
)
from doccritic.core.findings import Anchor, Finding, Status

__all__ = ["Placement", "anchor_quote", "normalize_with_map", "reanchor"]

_log = logging.getLogger(__name__)

_GAP = re.compile(r"\s*[\[(]?\.{3,}[\])]?\s*")
_GAP_REACH = 600  # how far after the head of an elided quote its tail may start
_MAX_CANDIDATES = 20

Span = tuple[int, int]
_Found = tuple[list[Span], float]  # spans in the normalized text, in order, and their score


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a quote landed: ``start``/``end`` are None exactly when ``anchor`` is ``unanchored``.

    An ``ambiguous`` quote was found in several places, listed in ``candidates`` (document order, at
    most 20); ``start``/``end`` then repeat the first of them and are *not* a placement.
    """

    start: int | None
    end: int | None
    anchor: Anchor
    score: float  # 0..100; 100 for exact and normalized matches
    candidates: tuple[Span, ...] = ()


_NOWHERE = Placement(None, None, Anchor.UNANCHORED, 0.0)


def _occurrences(hay: str, needle: str, lo: int, hi: int, hint: int | None) -> list[int]:
    """Starts of ``needle`` in ``hay[lo:hi]`` in order (at most 20); of several, only the one nearest ``hint``."""
    first = hay.find(needle, lo, hi)
    if first < 0 or hay.find(needle, first + 1, hi) < 0:
        return [] if first < 0 else [first]
    if hint is not None:
        before = hay.rfind(needle, lo, min(hi, hint + len(needle)))
        after = hay.find(needle, max(lo, hint), hi)
        return [min((p for p in (before, after) if p >= 0), key=lambda p: abs(p - hint))]
    found = [first]
    while len(found) < _MAX_CANDIDATES and (pos := hay.find(needle, found[-1] + 1, hi)) >= 0:
        found.append(pos)
    return found


def _reattach(nt: str, a: int, b: int, lead: str, trail: str) -> Span:
    """Grow ``[a, b)`` by the quote's stripped edge characters where the text has them too: "(opt-out)"."""
    while lead and a > 0 and nt[a - 1] == lead[-1]:
        a, lead = a - 1, lead[:-1]
    while trail and b < len(nt) and nt[b] == trail[0]:
        b, trail = b + 1, trail[1:]
    while a < b - 1 and nt[a] == " ":  # never a space at either end: it may stand for a line break
        a += 1
    while b > a + 1 and nt[b - 1] == " ":
        b -= 1
    return a, b


def _by_context(text: str, quote: str, spans: list[Span]) -> list[Span]:
    """Of several equal matches, the one whose surroundings hold the quote as written (markup, link target,
    punctuation), looking no further around each than the quote is longer than it."""
    wanted = plain(quote).strip(EDGE)
    pads = [max(0, len(quote) - (b - a)) + 8 for a, b in spans]
    fits = [(a, b) for (a, b), pad in zip(spans, pads, strict=True) if wanted in plain(text[max(0, a - pad) : b + pad])]
    return fits if len(fits) == 1 else spans


def _placement(spans: list[Span], kind: Anchor, score: float) -> Placement:
    spans = sorted(set(spans))[:_MAX_CANDIDATES]
    if len(spans) == 1:
        return Placement(spans[0][0], spans[0][1], kind, score)
    return Placement(spans[0][0], spans[0][1], Anchor.AMBIGUOUS, score, tuple(spans))


def _gap(nt: str, parts: list[str], lo: int, hi: int, hint: int | None, min_score: float) -> _Found | None:
    """An elided quote: its head, then its tail starting within ``_GAP_REACH`` characters after it.

    A tail is paired with the nearest head before it, so a head that repeats earlier is no second match.
    """
    head, tail = parts[0], parts[-1]
    if not all(len(p) >= 15 or (len(p) >= 8 and len(p.split()) >= 2) for p in (head, tail)):
        return None
    heads = [(a, a + len(head), 100.0) for a in _occurrences(nt, head, lo, hi, None)]
    if not heads and (fz := fuzzy(nt, head, lo, hi, None, min_score)):
        heads = [(a, b, fz[1]) for a, b in fz[0]]
    pairs: dict[int, tuple[int, float]] = {}  # tail end -> nearest head start before it, score
    for a, b, score in heads:
        reach = min(hi, b + _GAP_REACH + len(tail))
        p = nt.find(tail, b, reach)
        t = ([(p, p + len(tail))], 100.0) if p >= 0 else fuzzy(nt, tail, b, reach, None, min_score)
        if t is not None and (t[0][0][1] not in pairs or pairs[t[0][0][1]][0] < a):
            pairs[t[0][0][1]] = (a, min(score, t[1]))
    if not pairs:
        return None
    top = max(score for _, score in pairs.values())  # a verbatim tail beats a fuzzy one elsewhere
    spans = sorted((a, end) for end, (a, score) in pairs.items() if score >= top - 5)
    if hint is not None:
        spans = [min(spans, key=lambda s: abs(s[0] - hint))]
    return spans, min(score for _, score in pairs.values() if score >= top - 5)


def _region(text: str, lo: int, hi: int) -> tuple[str, list[int]]:
    """Normalized ``text[lo:hi]`` (from its line start, for list markers) with a map into ``text``."""
    if (lo, hi) == (0, len(text)):
        return normalized(text)
    start = max(text.rfind("\n", max(0, lo - 200), lo) + 1, lo - 200)
    nt, nm = normalize_with_map(text[start:hi])
    return nt, [i + start for i in nm]


def _exact(text: str, quote: str, lo: int, hi: int, hint: int | None) -> Placement | None:
    """The quote verbatim. Its outer whitespace is no evidence: "foo " is as repeated as "foo"."""
    core, k = quote.strip(), len(quote) - len(quote.lstrip())
    if hint is not None and core != quote:  # near a known place, the quote with its whitespace is the better clue
        whole = _occurrences(text, quote, lo, hi, hint)
        if whole:
            return Placement(whole[0], whole[0] + len(quote), Anchor.EXACT, 100.0)
    starts = _occurrences(text, core, lo, hi, None if hint is None else hint + k)
    if len(starts) != 1:
        return _placement([(s, s + len(core)) for s in starts], Anchor.EXACT, 100.0) if starts else None
    a = starts[0]
    if a >= k and text.startswith(quote, a - k):  # the whitespace is there too: keep the quote as given
        return Placement(a - k, a - k + len(quote), Anchor.EXACT, 100.0)
    return Placement(a, a + len(core), Anchor.EXACT, 100.0)


def _matches(
    nt: str, q: Quote, lo: int, hi: int, hint: int | None, min_score: float
) -> tuple[list[Span], float, Anchor] | None:
    """Normalized spans of the quote in ``nt[lo:hi]``: as folded, else elided, else fuzzy."""
    if starts := _occurrences(nt, q.core, lo, hi, hint):
        if len(starts) > 1 and q.full != q.core and len(wide := _occurrences(nt, q.full, lo, hi, None)) == 1:
            return [_reattach(nt, wide[0], wide[0] + len(q.full), "", "")], 100.0, Anchor.NORMALIZED
        lead, trail = q.full[: q.cut], q.full[q.cut + len(q.core) :]
        return [_reattach(nt, s, s + len(q.core), lead, trail) for s in starts], 100.0, Anchor.NORMALIZED
    parts = [p for p in (x.strip(EDGE) for x in _GAP.split(q.core)) if p]
    found = _gap(nt, parts, lo, hi, hint, min_score) if len(parts) >= 2 else None
    found = found or fuzzy(nt, q.full, lo, hi, hint, min_score)  # edge punctuation is worth aligning too
    if found is None:
        return None
    return found[0], found[1], Anchor.NORMALIZED if found[1] >= 100.0 else Anchor.FUZZY


def _loose(text: str, q: Quote, lo: int, hi: int, hint: int | None, min_score: float) -> Placement | None:
    nt, nm = _region(text, lo, hi)
    nhint = None if hint is None else bisect_left(nm, hint)
    found = _matches(nt, q, bisect_left(nm, lo), bisect_left(nm, hi), nhint, min_score)
    if found is None:
        return None
    spans = [(nm[a], nm[b - 1] + 1) for a, b in found[0]]
    if found[2] is Anchor.FUZZY:
        spans = [trim(text, a, b, q) for a, b in spans]
    spans = [balance(text, *grow(text, a, b, q)) for a, b in spans]
    if len(set(spans)) > 1:
        spans = _by_context(text, q.raw, sorted(set(spans)))
    return _placement(spans, found[2], found[1])


def _anchor(text: str, quote: str, hint: int | None, within: tuple[int, int] | None, min_score: float,
            section: tuple[int, int] | None = None) -> Placement:
    if not isinstance(text, str) or not isinstance(quote, str) or not quote.strip():
        return _NOWHERE
    n = len(text)
    hint = None if hint is None else max(0, min(int(hint), n))
    if not 0.0 <= min_score <= 100.0:
        min_score = 85.0
    if section is None:  # ``within`` and ``hint`` (a finding's own last place) are strong evidence: look there first
        return _near_hint_first(text, quote, hint, within, min_score)
    lo, hi = sorted(max(0, min(int(x), n)) for x in section)
    region = (lo, hi)
    # A section a critic named is weak evidence (critics name sections loosely): the text decides. Verbatim,
    # then normalized/elided matches are looked for in the whole text, and the section (then the hint) only
    # chooses among equal matches, so a wrong section cannot pull a verbatim quote onto a look-alike sentence.
    if (placed := _exact(text, quote, 0, n, None)) is not None:
        return _prefer(placed, Anchor.EXACT, region, hint)
    q = prepare(quote)
    if not q.core:
        return _NOWHERE
    whole = _loose(text, q, 0, n, None, min_score)
    if whole is not None and whole.score >= 100.0:
        return _prefer(whole, Anchor.NORMALIZED, region, hint)
    local = _loose(text, q, lo, hi, hint, min_score)  # fuzzy in the section: never above a better one elsewhere
    if local is not None and (whole is None or local.score >= whole.score):
        return local
    return _prefer(whole, Anchor.FUZZY, region, hint) if whole is not None else _NOWHERE


def _near_hint_first(text: str, quote: str, hint: int | None, within: tuple[int, int] | None,
                     min_score: float) -> Placement:
    n = len(text)
    regions: list[Span] = []  # preferences, not fences: ``within``, then near ``hint``, then the whole text
    if within is not None:
        lo, hi = sorted(max(0, min(int(x), n)) for x in within)
        regions.append((lo, hi))
    if hint is not None:
        reach = max(2000, 4 * len(quote))
        regions.append((max(0, hint - reach), min(n, hint + reach)))
    q: Quote | None = None  # prepared only once a verbatim search has failed
    for lo, hi in dict.fromkeys([*regions, (0, n)]):
        if (placed := _exact(text, quote, lo, hi, hint)) is not None:
            return placed
        q = q or prepare(quote)
        if q.core and (placed := _loose(text, q, lo, hi, hint, min_score)) is not None:
            return placed
    return _NOWHERE


def _prefer(placed: Placement, kind: Anchor, region: Span | None, hint: int | None) -> Placement:
    """Of a quote's equal matches, the one inside ``region`` (the section a critic named), else the one
    nearest ``hint``; otherwise it stays ambiguous."""
    if placed.anchor is not Anchor.AMBIGUOUS or not placed.candidates:
        return placed
    spans = list(placed.candidates)
    if region is not None:
        inside = [s for s in spans if region[0] <= s[0] and s[1] <= region[1]]
        if len(inside) == 1:
            return Placement(inside[0][0], inside[0][1], kind, placed.score)
        spans = inside or spans
    if hint is not None:
        best = min(spans, key=lambda s: abs(s[0] - hint))
        return Placement(best[0], best[1], kind, placed.score)
    if len(spans) < len(placed.candidates):
        return Placement(spans[0][0], spans[0][1], Anchor.AMBIGUOUS, placed.score, tuple(spans))
    return placed


def anchor_quote(
    text: str,
    quote: str,
    *,
    hint: int | None = None,
    within: tuple[int, int] | None = None,
    min_score: float = 85.0,
    section: tuple[int, int] | None = None,
) -> Placement:
    """Place ``quote`` in ``text``: exact, then normalized, elided ("head … tail"), then fuzzy.

    ``within`` is searched first, then the whole text; one match inside it is a placement even if the
    quote repeats elsewhere. ``hint`` (e.g. the finding's previous offset) picks the nearest of
    repeated matches. Otherwise a repeated quote is ``ambiguous``: ``candidates`` lists every match
    (document order, at most 20) and ``start``/``end`` repeat the first one, which is not a placement.

    ``section`` is weaker evidence than ``within`` (the section a critic *named*, often loosely): it only
    chooses among equal matches of the whole text, and fuzzy matching inside it never beats a better match
    elsewhere. Use ``within`` for a span known to hold the passage (a finding's own last place).
    """
    try:
        return _anchor(text, quote, hint, within, min_score, section)
    except Exception:  # a bug here must cost one highlight, never a review
        _log.exception("anchoring failed for quote %.60r", quote)
        return _NOWHERE


def _common_prefix(a: str, b: str, limit: int) -> int:
    lo, hi = 0, limit  # binary search on slice equality: memcmp speed, no per-character Python loop
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if a[lo:mid] == b[lo:mid] else (lo, mid - 1)
    return lo


Edit = tuple[int, int, int]  # common prefix, end of the replaced range in the old text, length change


def _edit(old_text: str, new_text: str) -> Edit:
    """The edit as one replaced range, from the common prefix and suffix of the two texts."""
    shorter = min(len(old_text), len(new_text))
    prefix = _common_prefix(old_text, new_text, shorter)
    suffix = _common_prefix(old_text[::-1], new_text[::-1], shorter - prefix)
    return prefix, len(old_text) - suffix, len(new_text) - len(old_text)


def _shift(spans: list[Span], edit: Edit) -> list[Span]:
    """The spans the edit does not touch, moved with the text around them."""
    prefix, old_end, delta = edit
    return [(a, b) if b <= prefix else (a + delta, b + delta) for a, b in spans if b <= prefix or a >= old_end]


def _lost(finding: Finding) -> Finding:
    """Kept, never dropped: an open or deferred finding turns ``outdated``, a decided one keeps its verdict."""
    status = Status.OUTDATED if finding.status in (Status.OPEN, Status.DEFERRED) else finding.status
    update: dict[str, Any] = {"start": None, "end": None, "anchor": Anchor.UNANCHORED, "status": status,
                              "candidates": []}
    return finding.model_copy(update=update)


def _recandidate(finding: Finding, new_text: str, edit: Edit) -> Finding:
    """An ambiguous finding: its candidates move with the text. If the edit touched one, the quote is
    looked up again: still repeated (new candidates), now unique (placed there), or gone (lost)."""
    moved = _shift(finding.candidates, edit)
    if len(moved) == len(finding.candidates):
        return finding.model_copy(update={"candidates": moved})
    placed = anchor_quote(new_text, finding.quote)
    if placed.anchor is Anchor.AMBIGUOUS:
        return finding.model_copy(update={"candidates": list(placed.candidates)})
    if placed.start is None:
        return _lost(finding)
    update: dict[str, Any] = {"start": placed.start, "end": placed.end, "anchor": placed.anchor, "candidates": []}
    return finding.model_copy(update=update)


def reanchor(finding: Finding, old_text: str, new_text: str) -> Finding:
    """``finding`` placed on ``new_text``, given that its offsets were valid for ``old_text``.

    The edit is modelled as one replaced range (common prefix and suffix): spans wholly outside it just
    shift. A span it touches is searched for again near its mapped position, by the quote and then by
    the old highlighted text; if neither is found the finding is lost (see :func:`_lost`). An
    ambiguous finding's ``candidates`` move the same way (see :func:`_recandidate`).
    """
    if finding.anchor in (Anchor.DOCUMENT, Anchor.UNANCHORED) or old_text == new_text:
        return finding
    edit = _edit(old_text, new_text)
    if finding.start is None or finding.end is None:
        return _recandidate(finding, new_text, edit) if finding.anchor is Anchor.AMBIGUOUS else finding
    placed = _replace(finding, old_text, new_text, edit)
    if finding.candidates and placed.anchor is not Anchor.UNANCHORED:
        placed = placed.model_copy(update={"candidates": _shift(finding.candidates, edit)})
    return placed


def _replace(finding: Finding, old_text: str, new_text: str, edit: Edit) -> Finding:
    start, end = finding.start or 0, finding.end or 0
    prefix, old_edit_end, delta = edit
    if end <= len(old_text):
        if end <= prefix:
            return finding
        if start >= old_edit_end:
            return finding.model_copy(update={"start": start + delta, "end": end + delta})

    def moved(x: int, inside: int) -> int:
        return x if x <= prefix else x + delta if x >= old_edit_end else inside

    hint, near = moved(start, prefix), moved(end, old_edit_end + delta) + 64
    old_span = old_text[start:end] if end <= len(old_text) else ""
    for needle, is_span in ((finding.quote, False), (old_span, True)):
        # The edited span itself first (a typo fix must not send the finding to an identical sentence
        # elsewhere), then the nearest match anywhere; fuzzy only at >= 85, the default min_score.
        placed = anchor_quote(new_text, needle, hint=hint, within=(hint - 64, near))
        if placed.start is None:
            continue
        anchor = placed.anchor
        if is_span and anchor is Anchor.EXACT:  # the old highlighted text survived verbatim
            anchor = finding.anchor
        elif finding.anchor is Anchor.AMBIGUOUS and anchor in (Anchor.EXACT, Anchor.NORMALIZED):
            anchor = Anchor.AMBIGUOUS  # the hint chose for us; the quote itself is still repeated
        return finding.model_copy(update={"start": placed.start, "end": placed.end, "anchor": anchor})
    return _lost(finding)
