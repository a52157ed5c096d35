"""Place a critic's quote on exact text offsets, and keep findings placed while the document changes.

Claude copies quotes loosely: curly quotes come back straight, line breaks collapse, ``**bold**`` and
``[links](url)`` lose their markup, a middle part becomes "…", a word gets paraphrased. Highlights and
exports need exact ``[start, end)`` code-point offsets anyway, so :func:`anchor_quote` tries the most
certain match first and only then looser ones: exact -> normalized (folded text plus an index map
back to the original) -> ellipsis gap -> fuzzy (rapidfuzz) -> unanchored. It never raises: a finding
that cannot be placed is still worth showing at document level.

Speed: an exact quote costs one ``str.find``. Normalizing a 300k-character text takes ~20-40 ms, so it
is cached per text (a review anchors dozens of quotes against one text) and searches near ``hint``
or ``within`` normalize only that stretch; fuzzy scoring first tries windows around the quote's
rarest words, and only then lets rapidfuzz scan the whole range.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from doccritic.core.findings import Anchor, Finding, Status

_log = logging.getLogger(__name__)

_LIST_OR_HEADING = r"(?:#{1,6}[ \t]+|(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?)"
_MARK = rf"[ \t]*(?:(?:>[ \t]?)+{_LIST_OR_HEADING}?|{_LIST_OR_HEADING})"  # not "3. " of "### 3. Scope"
_FIRST_LINE, _LINE = re.compile(_MARK), re.compile(rf"\n({_MARK})")  # list, quote, heading, task markers
# Markup the quote side usually drops. One simple pattern each: CPython's re only skips ahead quickly
# for a pattern that starts with a fixed character or class, and these scan ~300k characters.
_EMPHASIS = re.compile(r"[*_`~\u200b\u00ad\ufeff][*_`~\u200b\u00ad\ufeff]*")  # also ZWSP, soft hyphen, BOM
_LINK_OPEN = re.compile(r"\[(?=[^\]\n]*\](?:\(|\[))")  # "[" of [text](url) or [text][ref]; "!" of images too
_LINK_CLOSE = re.compile(r"\](?:\([^)\n]*\)|\[[^\]\n]*\])")
_WHITESPACE = re.compile(r"\s\s+")
_FOLD = [(c, "'") for c in "‘’‚‛′‹›"] + [(c, '"') for c in "“”„‟″«»"] + [(c, "-") for c in "‐‑‒–—―−"]
_FOLD += [(c, " ") for c in "\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\u1680\u2028\u2029"]  # NFKC did NBSP & co.
_SPACES = re.compile(r"  +")
_ASCII_RUNS = re.compile(r"[\x00-\x7f]+|[^\x00-\x7f]+")
_GAP = re.compile(r"\s*[\[(]?\.{3,}[\])]?\s*")
_WHOLE_WORD = re.compile(r"(?<!\w)\w+(?!\w)")
_EDGE = " .,;:!?'\"()[]-"  # what a quote may carry at its ends that the highlighted text need not
_GAP_REACH = 600  # how far after the head of an elided quote its tail may start


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a quote landed: ``start``/``end`` are None exactly when ``anchor`` is ``unanchored``."""

    start: int | None
    end: int | None
    anchor: Anchor
    score: float  # 0..100; 100 for exact and normalized matches


_NOWHERE = Placement(None, None, Anchor.UNANCHORED, 0.0)
_Match = tuple[int, int, float, bool]  # normalized start, end, score, unique (False: one of several equals)


def _keep(s: str, m: list[int] | None, drops: list[tuple[int, int]]) -> tuple[str, list[int]]:
    """``s`` without the sorted, possibly overlapping ``drops``, and the map of what is left (None: identity)."""
    parts: list[str] = []
    out: list[int] = []
    pos = 0
    for a, b in [*drops, (len(s), len(s))]:
        if b > pos:
            parts.append(s[pos:a])
            out.extend(range(pos, max(a, pos)) if m is None else m[pos : max(a, pos)])
            pos = b
    return "".join(parts), out


def _fold(s: str, m: list[int]) -> tuple[str, list[int]]:
    """NFKC + casefold. Length-preserving runs keep their map; only runs that grow go char by char."""
    folded = s.casefold()
    if s.isascii() or (len(folded) == len(s) and unicodedata.is_normalized("NFKC", s)):
        return folded, m
    parts: list[str] = []
    out: list[int] = []
    for run in _ASCII_RUNS.finditer(s):
        a, b = run.span()
        chunk = unicodedata.normalize("NFKC", run.group()).casefold()
        if len(chunk) == b - a:
            parts.append(chunk)
            out.extend(m[a:b])
            continue
        for i in range(a, b):  # "…" -> "...", "ﬁ" -> "fi", "ß" -> "ss": every piece maps to its source
            piece = unicodedata.normalize("NFKC", s[i]).casefold()
            parts.append(piece)
            out.extend([m[i]] * len(piece))
    return "".join(parts), out


def _drops(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` to delete: Markdown markup, and all but the first character of whitespace runs."""
    spans = [m.span(1) for m in _LINE.finditer(text)] + [m.span() for m in _EMPHASIS.finditer(text)]
    spans += [m.span() for m in _LINK_CLOSE.finditer(text)] + [
        (m.start() + 1, m.end()) for m in _WHITESPACE.finditer(text)
    ]
    spans += [(a - 1 if text[a - 1 : a] == "!" else a, a + 1) for a in (m.start() for m in _LINK_OPEN.finditer(text))]
    if first := _FIRST_LINE.match(text):
        spans.append(first.span())
    return sorted(spans)


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """Fold ``text`` for comparison; ``map[i]`` is the index in ``text`` of normalized character ``i``.

    Markdown inline markup and line-start markers are dropped, NFKC and casefold applied, curly quotes,
    dashes and all whitespace folded to ASCII, and whitespace runs collapsed to one space. The map is
    non-decreasing, so a normalized span maps back to the original characters it was made from.
    """
    s, m = _fold(*_keep(text, None, _drops(text)))
    for char, repl in _FOLD:  # one character for one, so the map stays valid; str.translate is 20x slower
        if char in s:
            s = s.replace(char, repl)
    if "  " in s:  # spaces that met where markup was
        s, m = _keep(s, m, [(x.start() + 1, x.end()) for x in _SPACES.finditer(s)])
    return s, m


@lru_cache(maxsize=2)  # ~11 MB per 300k-character text; the document, and its edited successor
def _normalized(text: str) -> tuple[str, list[int]]:
    return normalize_with_map(text)  # private cache: callers must not mutate the map


def _reattach(nt: str, a: int, b: int, lead: str, trail: str) -> tuple[int, int]:
    """Grow ``[a, b)`` by the quote's stripped edge characters where the text has them too: "(opt-out)"."""
    while lead and a > 0 and nt[a - 1] == lead[-1]:
        a, lead = a - 1, lead[:-1]
    while trail and b < len(nt) and nt[b] == trail[0]:
        b, trail = b + 1, trail[1:]
    return a, b


def _find(hay: str, needle: str, lo: int, hi: int, hint: int | None) -> tuple[int, bool] | None:
    """A start of ``needle`` in ``hay[lo:hi]`` and whether it is certain (unique, or nearest to ``hint``)."""
    first = hay.find(needle, lo, hi)
    if first < 0 or hay.find(needle, first + 1, hi) < 0:
        return None if first < 0 else (first, True)
    if hint is None:
        return first, False
    before = hay.rfind(needle, lo, min(hi, hint + len(needle)))
    after = hay.find(needle, max(lo, hint), hi)
    return min((p for p in (before, after) if p >= 0), key=lambda p: abs(p - hint)), True


def _snap(nt: str, nq: str, a: int, b: int) -> tuple[int, int, float]:
    """The span with word-aligned ends near ``[a, b)`` that reads most like the quote, and its score.

    The raw ends stay candidates: CJK has no word breaks.
    """
    starts = [m.start() for m in _WHOLE_WORD.finditer(nt, max(0, a - 24), min(b, a + 24))] + [a]
    ends = [m.end() for m in _WHOLE_WORD.finditer(nt, max(a, b - 24), min(len(nt), b + 24))] + [b]
    score, x, y = max((fuzz.ratio(nq, nt[x:y]), x, y) for x in starts for y in ends if x < y)
    while nt[x] == " " and x + 1 < y:
        x += 1
    while nt[y - 1] == " " and y - 1 > x:
        y -= 1
    return x, y, score


def _windows(nt: str, nq: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Cheap candidate filter: windows around the occurrences of the quote's rarest words."""
    words = sorted({w for w in _WHOLE_WORD.findall(nq) if len(w) >= 3} or set(_WHOLE_WORD.findall(nq)), key=len)[-8:]
    counts = sorted((nt.count(w, lo, hi), w) for w in words)
    slack = len(nq) // 2 + 16
    spans: list[tuple[int, int]] = []
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
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):  # overlapping windows become one, so no stretch is scored twice
        if merged and a <= merged[-1][1]:
            a, b = merged[-1][0], max(b, merged.pop()[1])
        merged.append((a, b))
    return merged


def _fuzzy(nt: str, nq: str, lo: int, hi: int, hint: int | None, min_score: float) -> _Match | None:
    """Best fuzzy span in candidate windows, else in the whole range; equal best scores are ambiguous.

    rapidfuzz's partial ratio compares windows exactly as long as the quote, which under-scores text
    that markup removal or a paraphrase made shorter; so it only shortlists (10 points below
    ``min_score``) and the word-aligned span from :func:`_snap` must reach ``min_score``.
    """
    if len(nq) < 8:  # "data" vs "date" scores 75: too short to tell a typo from another word
        return None
    for windows in (_windows(nt, nq, lo, hi), [(lo, hi)]):
        rough: list[tuple[float, int, int]] = []
        for a, b in windows:
            if b - a < 0.9 * len(nq):  # shorter windows would be scored as substrings *of the quote*
                continue
            r = fuzz.partial_ratio_alignment(nq, nt[a:b], score_cutoff=max(0.0, min_score - 10))
            if r is not None and r.dest_end > r.dest_start:
                rough.append((r.score, a + r.dest_start, a + r.dest_end))
        found = [_snap(nt, nq, a, b) for _, a, b in sorted(rough, key=lambda r: (-r[0], r[1]))[:5]]
        found = [f for f in found if f[2] >= min_score]
        if found:
            top = max(f[2] for f in found)
            best = sorted({(a, b) for a, b, score in found if score == top})
            a, b = min(best, key=lambda x: abs(x[0] - hint) if hint is not None else x[0])
            return a, b, top, hint is not None or len(best) == 1
    return None


def _gap(nt: str, parts: list[str], lo: int, hi: int, hint: int | None, min_score: float) -> _Match | None:
    """An elided quote: its head, then its tail starting within ``_GAP_REACH`` characters after it."""
    head, tail = parts[0], parts[-1]
    if not all(len(p) >= 15 or len(p.split()) >= 3 for p in (head, tail)):
        return None
    heads, pos = [], nt.find(head, lo, hi)
    while pos >= 0 and len(heads) < 50:
        heads.append((pos, pos + len(head), 100.0))
        pos = nt.find(head, pos + 1, hi)
    if not heads and (fz := _fuzzy(nt, head, lo, hi, hint, min_score)):
        heads = [fz[:3]]
    found = []
    for a, b, score in sorted(heads, key=lambda h: abs(h[0] - hint) if hint is not None else h[0]):
        reach = min(hi, b + _GAP_REACH + len(tail))
        p = nt.find(tail, b, reach)
        t = (p, p + len(tail), 100.0) if p >= 0 else _fuzzy(nt, tail, b, reach, None, min_score)
        if t is not None:
            found.append((a, t[1], min(score, t[2])))
    return (*found[0], hint is not None or len(found) == 1) if found else None


def _region(text: str, lo: int, hi: int) -> tuple[str, list[int]]:
    """Normalized ``text[lo:hi]`` (from its line start, for list markers) with a map into ``text``."""
    if (lo, hi) == (0, len(text)):
        return _normalized(text)
    start = max(text.rfind("\n", max(0, lo - 200), lo) + 1, lo - 200)
    nt, nm = normalize_with_map(text[start:hi])
    return nt, [i + start for i in nm]


def _anchor(text: str, quote: str, hint: int | None, within: tuple[int, int] | None, min_score: float) -> Placement:
    if not isinstance(text, str) or not isinstance(quote, str) or not quote.strip():
        return _NOWHERE
    n = len(text)
    hint = None if hint is None else max(0, min(int(hint), n))
    if not 0.0 <= min_score <= 100.0:
        min_score = 85.0
    regions = []  # preferences, not fences: ``within``, then near ``hint``, then the whole text
    if within is not None:
        regions.append(tuple(sorted(max(0, min(int(x), n)) for x in within)))
    if hint is not None:
        reach = max(2000, 4 * len(quote))
        regions.append((max(0, hint - reach), min(n, hint + reach)))
    full = normalize_with_map(quote)[0].strip()
    nq = full.strip(_EDGE)  # matched without edge punctuation, which _reattach then adds back if present
    cut = full.find(nq)
    parts = [p for p in (x.strip(_EDGE) for x in _GAP.split(nq)) if p]
    for lo, hi in dict.fromkeys([*regions, (0, n)]):
        for q in dict.fromkeys((quote, quote.strip())):
            hit = _find(text, q, lo, hi, hint)
            if hit is not None:
                return Placement(hit[0], hit[0] + len(q), Anchor.EXACT if hit[1] else Anchor.AMBIGUOUS, 100.0)
        if not nq:
            continue
        nt, nm = _region(text, lo, hi)
        nlo, nhi = bisect_left(nm, lo), bisect_left(nm, hi)
        nhint = None if hint is None else bisect_left(nm, hint)
        found: _Match | None = None
        if (hit := _find(nt, nq, nlo, nhi, nhint)) is not None:
            found = *_reattach(nt, hit[0], hit[0] + len(nq), full[:cut], full[cut + len(nq) :]), 100.0, hit[1]
        elif len(parts) >= 2:
            found = _gap(nt, parts, nlo, nhi, nhint, min_score)
        if found is None:
            found = _fuzzy(nt, nq, nlo, nhi, nhint, min_score)
        if found is not None:
            a, b, score, unique = found
            kind = Anchor.NORMALIZED if score >= 100.0 else Anchor.FUZZY
            return Placement(nm[a], nm[b - 1] + 1, kind if unique else Anchor.AMBIGUOUS, score)
    return _NOWHERE


def anchor_quote(
    text: str,
    quote: str,
    *,
    hint: int | None = None,
    within: tuple[int, int] | None = None,
    min_score: float = 85.0,
) -> Placement:
    """Place ``quote`` in ``text``: exact, then normalized, elided ("head … tail"), then fuzzy.

    ``hint`` (e.g. the finding's previous offset) picks among repeated matches; without it a repeated
    quote is ``ambiguous`` and spans its first occurrence. ``within`` is searched first, then the text.
    """
    try:
        return _anchor(text, quote, hint, within, min_score)
    except Exception:  # a bug here must cost one highlight, never a review
        _log.exception("anchoring failed for quote %.60r", quote)
        return _NOWHERE


def _common_prefix(a: str, b: str, limit: int) -> int:
    lo, hi = 0, limit  # binary search on slice equality: memcmp speed, no per-character Python loop
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if a[lo:mid] == b[lo:mid] else (lo, mid - 1)
    return lo


def reanchor(finding: Finding, old_text: str, new_text: str) -> Finding:
    """``finding`` placed on ``new_text``, given that its offsets were valid for ``old_text``.

    The edit is modelled as one replaced range (common prefix and suffix): spans wholly outside it just
    shift. A span it touches is searched for again near its mapped position, by the quote and then by
    the old highlighted text. If neither is found the finding is kept, never dropped: start/end become
    None, anchor ``unanchored`` and an open or deferred finding turns ``outdated``; an accepted,
    dismissed or resolved one keeps the reader's verdict.
    """
    start, end = finding.start, finding.end
    if finding.anchor in (Anchor.DOCUMENT, Anchor.UNANCHORED) or start is None or end is None or old_text == new_text:
        return finding
    prefix = _common_prefix(old_text, new_text, min(len(old_text), len(new_text)))
    suffix = _common_prefix(old_text[::-1], new_text[::-1], min(len(old_text), len(new_text)) - prefix)
    old_edit_end, delta = len(old_text) - suffix, len(new_text) - len(old_text)
    if end <= len(old_text):
        if end <= prefix:
            return finding
        if start >= old_edit_end:
            return finding.model_copy(update={"start": start + delta, "end": end + delta})

    def moved(x: int, inside: int) -> int:
        return x if x <= prefix else x + delta if x >= old_edit_end else inside

    hint, near = moved(start, prefix), moved(end, len(new_text) - suffix) + 64
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
    status = Status.OUTDATED if finding.status in (Status.OPEN, Status.DEFERRED) else finding.status
    return finding.model_copy(update={"start": None, "end": None, "anchor": Anchor.UNANCHORED, "status": status})
