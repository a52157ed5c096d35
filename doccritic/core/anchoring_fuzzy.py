"""Fuzzy placement for :mod:`doccritic.core.anchoring`: where a paraphrased quote most likely came from.

Everything here works on the *normalized* text and quote (casefolded, markup dropped; see
``anchoring_text.normalize_with_map``) and returns normalized offsets. Three steps:

1. shortlist: rapidfuzz's partial ratio in windows around the quote's rarest words, else everywhere;
2. span: align the quote's words (and symbols) with the text's around each spot, so a dropped,
   inserted or changed word moves the span's ends to where the quote's first and last words are
   (partial ratio alone cuts spans mid-word and drops a changed last word);
3. choose: the spot whose alignment costs least wins; spots costing about as much are candidates.
   A match must also *read* alike: ``score`` (characters or whole words) must reach ``min_score``.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

Span = tuple[int, int]
_IDEOGRAPHS = "\u2e80-\u2fff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_WORD = re.compile(rf"[{_IDEOGRAPHS}]|[^\W{_IDEOGRAPHS}]+")  # a word; one ideograph or kana is a word too
_TOKEN = re.compile(rf"[{_IDEOGRAPHS}]|[^\W{_IDEOGRAPHS}]+|[^\w\s-]")  # a word, or a symbol: "✅", ")"
_WHOLE_WORD = re.compile(r"(?<!\w)\w+(?!\w)")
# Alignment costs per token: a word weighs 1000, a symbol 100. Changing a token costs its weight, a
# match earns 1.5 times it. Skipped text is an affine gap: the first token costs its weight, each
# further one half of it, so a phrase the quote dropped is bridged ("have a [`resolver.rust-version]
# = true") while the span does not reach for a stray match several words past its end. Skipping a
# quote token costs one more than changing it, so a changed first or last word stays in the span.
_WORD_WEIGHT, _SYMBOL_WEIGHT = 1000, 100
_FAR = 10**12
_NEAR = 500  # spots whose alignment costs at most this much more than the best one's are as good
_SHORTLIST = 8
_ROUGH = 15.0  # spots this far below the best rough score are not aligned


def _windows(nt: str, nq: str, lo: int, hi: int) -> list[Span]:
    """Cheap candidate filter: a window wherever one of the quote's rarest words occurs."""
    words = sorted({w for w in _WHOLE_WORD.findall(nq) if len(w) >= 3} or set(_WHOLE_WORD.findall(nq)), key=len)[-8:]
    counts = sorted((nt.count(w, lo, hi), w) for w in words)
    slack = len(nq) // 2 + 16
    spans: list[Span] = []
    total = used = 0
    for count, word in counts:
        if count == 0:
            continue
        if used >= 3 or total + count > 64:  # only common words left: the caller scans everything
            break
        total, used = total + count, used + 1
        offset = nq.find(word)
        pos = nt.find(word, lo, hi)
        while pos >= 0:
            spans.append((max(lo, pos - offset - slack), min(hi, pos - offset + len(nq) + slack)))
            pos = nt.find(word, pos + 1, hi)
    return sorted(set(spans))  # not merged: two similar sentences side by side must both be scored


def _weight(token: str) -> int:
    return _WORD_WEIGHT if token[0].isalnum() else _SYMBOL_WEIGHT


def _align(quote: list[str], text: list[str]) -> tuple[int, int, int] | None:
    """Token indices ``[first, last + 1)`` of ``text`` that best align with all of ``quote``, and the cost.

    Semi-global alignment with an affine gap for skipped text (Gotoh): text before and after the span
    is free. Three rows per quote token (ends in a match or change, skipped text, a skipped quote
    token), each cell a cost and the first text token of its alignment; on equal cost a match wins.
    """
    weights = [_weight(t) for t in text]
    n = len(text)
    m, m_from = [0] * (n + 1), list(range(n + 1))  # row 0: the span may start anywhere for free
    x, x_from, y, y_from = [_FAR] * (n + 1), [0] * (n + 1), [_FAR] * (n + 1), [0] * (n + 1)
    for word in quote:
        w = _weight(word)
        reward, skip = -(w + w // 2), w + 1
        rm, rm_from, rx, rx_from = [_FAR], [0], [_FAR], [0]
        ry, ry_from = [min(m[0], y[0]) + skip], [0]
        for j in range(1, n + 1):
            c, f = m[j - 1], m_from[j - 1]  # the diagonal: this quote token on text token j - 1
            if x[j - 1] < c:
                c, f = x[j - 1], x_from[j - 1]
            if y[j - 1] < c:
                c, f = y[j - 1], y_from[j - 1]
            t = weights[j - 1]
            rm.append(c + (reward if text[j - 1] == word else max(w, t)))
            rm_from.append(f)
            c, f = rm[j - 1] + t, rm_from[j - 1]  # skip text token j - 1: open, or extend for half
            if rx[j - 1] + t // 2 < c:
                c, f = rx[j - 1] + t // 2, rx_from[j - 1]
            if ry[j - 1] + t < c:
                c, f = ry[j - 1] + t, ry_from[j - 1]
            rx.append(c)
            rx_from.append(f)
            c, f = m[j], m_from[j]  # skip this quote token
            if x[j] < c:
                c, f = x[j], x_from[j]
            if y[j] < c:
                c, f = y[j], y_from[j]
            ry.append(c + skip)
            ry_from.append(f)
        m, m_from, x, x_from, y, y_from = rm, rm_from, rx, rx_from, ry, ry_from
    cost, end = min((min(m[j], y[j]), j) for j in range(n + 1))
    start = m_from[end] if m[end] <= y[end] else y_from[end]
    return (start, end, cost) if end > start and cost < _FAR else None


def _span(nt: str, nq: str, a: int, b: int, lo: int, hi: int) -> tuple[Span, int] | None:
    """The token-aligned span of the quote around the rough match ``[a, b)``, and its alignment cost."""
    slack = len(nq) // 3 + 24
    tokens = list(_TOKEN.finditer(nt, max(lo, a - slack), min(hi, b + slack)))
    quote = _TOKEN.findall(nq)
    if not tokens or not quote:
        return None
    found = _align(quote, [t.group() for t in tokens])
    if found is None:
        return None
    return (tokens[found[0]].start(), tokens[found[1] - 1].end()), found[2]


@cache
def _rapidfuzz() -> tuple[Any, Any]:
    """rapidfuzz's ``fuzz`` and ``LCSseq``, imported by the first fuzzy match (exact quotes never need them)."""
    from rapidfuzz import fuzz
    from rapidfuzz.distance import LCSseq

    return fuzz, LCSseq


def _shortlist(nt: str, nq: str, lo: int, hi: int, min_score: float) -> list[Span]:
    """Rough spots, best first: rapidfuzz's partial ratio in windows around rare words, else everywhere.

    The cut-off is low: partial ratio scores "as discussed in api section" at 67 against "as discussed
    in kubernetes api section"; only the aligned span's score decides.
    """
    fuzz, _ = _rapidfuzz()
    for windows in (_windows(nt, nq, lo, hi), [(lo, hi)]):
        rough: list[tuple[float, int, int]] = []
        for a, b in windows:
            if b - a < 0.9 * len(nq):  # shorter windows would be scored as substrings *of the quote*
                continue
            r = fuzz.partial_ratio_alignment(nq, nt[a:b], score_cutoff=max(0.0, min_score - 30))
            if r is not None and r.dest_end > r.dest_start:
                rough.append((r.score, a + r.dest_start, a + r.dest_end))
        spots: list[Span] = []
        rough_best = max((r[0] for r in rough), default=0.0)
        for score, a, b in sorted(rough, key=lambda r: (-r[0], r[1])):  # windows overlap: one spot, one entry
            if score >= rough_best - _ROUGH and all(abs(a - x) >= len(nq) // 2 for x, _ in spots):
                spots.append((a, b))
        if spots:
            return spots[:_SHORTLIST]
    return []


def score(nq: str, span: str) -> float:
    """How alike quote and span read, 0..100: by characters, or by words if that is higher.

    Characters alone punish short quotes: one dropped word in "In addition to their version" scores
    85 by characters and 91 by words. Words count only from four matched words on.
    """
    fuzz, LCSseq = _rapidfuzz()  # noqa: N806 - rapidfuzz's name
    chars = fuzz.ratio(nq, span)
    quote, text = _WORD.findall(nq), _WORD.findall(span)
    return max(chars, fuzz.ratio(quote, text)) if LCSseq.similarity(quote, text) >= 4 else chars


def fuzzy(nt: str, nq: str, lo: int, hi: int, hint: int | None, min_score: float) -> tuple[list[Span], float] | None:
    """Spans of ``nt[lo:hi]`` that read like ``nq``, in text order, and their best score.

    The spot whose alignment costs least is the match, unless others cost at most ``_NEAR`` more: then
    all of them are candidates (with ``hint``, the nearest is taken). Some spot must score
    ``min_score``; if only costlier ones do, they and the cheapest are all candidates.
    """
    if len(nq) < 8:  # "data" vs "date" scores 75: too short to tell a typo from another word
        return None
    aligned: dict[Span, int] = {}
    for a, b in _shortlist(nt, nq, lo, hi, min_score):
        if (found := _span(nt, nq, a, b, lo, hi)) is not None:
            aligned[found[0]] = min(found[1], aligned.get(found[0], found[1]))
    scores = {s: score(nq, nt[s[0] : s[1]]) for s in aligned}
    good = [s for s in aligned if scores[s] >= min_score]
    if not good:
        return None
    cheapest = min(aligned.values())
    best = [s for s in aligned if aligned[s] <= cheapest + _NEAR]  # as good as each other, whatever they score
    if not any(scores[s] >= min_score for s in best):  # the best explanation reads too unlike, a worse one
        best += good  # well enough: the reader decides
    kept: list[Span] = []
    for s in sorted(best, key=lambda s: (aligned[s], -scores[s])):  # overlapping spans are one spot
        if all(s[1] <= x or y <= s[0] for x, y in kept):
            kept.append(s)
    kept.sort()
    if hint is not None and len(kept) > 1:
        kept = [min(kept, key=lambda s: abs(s[0] - hint))]
    return kept, max(scores[s] for s in kept)
