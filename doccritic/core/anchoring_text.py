"""Quote text against document text for :mod:`doccritic.core.anchoring`: folding, and markup at span ends.

``normalize_with_map`` folds a text (or a quote) for comparison and keeps a map from every folded
character back to its source, so a match in folded text becomes exact offsets in the original. The
other helpers adjust such a span in the original text: taking in the markup the quote itself has at
its ends, balancing half-enclosed markup ("**", "[...](url)"), and dropping a stray fuzzy edge word.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

Span = tuple[int, int]
EDGE = " .,;:!?'\"()[]-"  # what a quote may carry at its ends that the highlighted text need not
_BOX = r"\[[ xX]\][ \t]+"  # a task-list box, also without its list marker: a quote often starts with it
_LIST_OR_HEADING = rf"(?:#{{1,6}}[ \t]+|(?:[-*+]|\d{{1,9}}[.)])[ \t]+(?:{_BOX})?|{_BOX})"
_MARK = rf"[ \t]*(?:(?:>[ \t]?)+{_LIST_OR_HEADING}?|{_LIST_OR_HEADING})"  # not "3. " of "### 3. Scope"
_FIRST_LINE = re.compile(rf"\s*(?:{_MARK}|\[[ xX]\]\s+)")  # a quote's own markers; its box may end a line
_LINE = re.compile(rf"\n({_MARK})")  # list, quote, heading and task markers
_ORDERED = re.compile(r"[ \t]*(?:>[ \t]?)*(\d+)[.)]")
# Markup the quote side usually drops. One simple pattern each: CPython's re only skips ahead quickly
# for a pattern that starts with a fixed character or class, and these scan ~300k characters.
_EMPHASIS = re.compile(r"[*_`~\u200b\u00ad\ufeff][*_`~\u200b\u00ad\ufeff]*")  # also ZWSP, soft hyphen, BOM
_LINK_OPEN = re.compile(r"\[(?=[^\]\n]*(?:\n[^\]\n]*)?\](?:\(|\[))")  # "[" of [text](url), [text][ref]; "!" too
_LINK_CLOSE = re.compile(r"\](?:\([^)\n]*\)|\[[^\]\n]*\])")
_RST_TARGET = re.compile(r"<[^<>`\n]+>(?=`_)")  # the "<url>" of reStructuredText's `text <url>`_
_TAG = re.compile(  # inline HTML: <code>, </em>, <br/>; not placeholders such as <version> or <T>
    r"<(?i:/?(?:a|abbr|b|br|cite|code|del|em|i|ins|kbd|mark|q|s|samp|small|span|strong|sub|sup|tt|u|var)"
    r"(?:\s[^<>\n]*)?/?)>"
)
_WHITESPACE = re.compile(r"\s\s+")
_FOLD = [(c, "'") for c in "‘’‚‛′‹›"] + [(c, '"') for c in "“”„‟″«»"] + [(c, "-") for c in "‐‑‒–—―−"]
_FOLD += [(c, " ") for c in "\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\u1680\u2028\u2029"]  # NFKC did NBSP & co.
_SPACES = re.compile(r"  +")
_DASHES = re.compile(r"-+")  # "--", " - " and "-" are one dash: "a — b" comes back as "a--b" or "a-b"
_NON_ASCII = re.compile(r"[\x00-\x7f]?[^\x00-\x7f]+")  # with the ASCII letter a mark after it may go with
# Starters that compose with the character before them (canonical pairs whose second half is not a mark);
# tests/test_anchoring.py rebuilds this set from unicodedata. Hangul jamo are ranges in _starts_cluster.
_JOINS_PREVIOUS = frozenset(
    "\u09be\u09d7\u0b3e\u0b56\u0b57\u0bbe\u0bd7\u0cc2\u0cd5\u0cd6\u0d3e\u0d57\u0dcf\u0ddf\u0fb5\u0fb7\u102e\u1b35"
    "\U00011127\U0001133e\U00011357\U000114b0\U000114ba\U000114bd\U000115af\U00011930"
)
_EDGE_LINE, _LINE_EDGE = re.compile(r"(\S+)[ \t]*\n\s*"), re.compile(r"\s*\n[ \t]*(\S+)$")
_MARKUP_RUN = re.compile(r"(?:\s*<[^<>`\n]+>(?=`_))?[*_`~]+")  # closing markup, with an RST link's target


@dataclass(frozen=True, slots=True)
class Quote:
    """A quote prepared once for every region it is searched in."""

    raw: str
    full: str  # normalized, outer spaces stripped
    core: str  # ``full`` without edge punctuation: what is searched for
    cut: int  # where ``core`` starts in ``full``
    lead: str  # markup characters the raw quote has before ``core``: "**" of "**Status:**"
    trail: str  # and after it


def _keep(s: str, m: list[int] | None, drops: list[Span]) -> tuple[str, list[int]]:
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
    """NFKC + casefold, the same for canonically equivalent texts ("e" + U+0301 and "é" fold alike).

    Runs already in NFKC whose casefold keeps their length keep their map; any other run is folded one
    cluster (a character with the marks that compose or reorder with it) at a time, each piece mapping to
    its cluster's first character. Folding such a run whole and keeping its map by position lied: marks
    reorder (U+0345 after U+0300 becomes an "ι" where the U+0300 was) and compositions can balance
    expansions ("ᄀ" + "ᅡ" + "ß" is three characters before and after).
    """
    folded = s.casefold()
    if s.isascii() or (len(folded) == len(s) and unicodedata.is_normalized("NFKC", s)):
        return folded, m
    parts: list[str] = []
    out: list[int] = []
    pos = 0
    for run in _NON_ASCII.finditer(s):
        a, b = run.span()
        parts.append(s[pos:a].lower())  # ASCII: casefold is lower
        out.extend(m[pos:a])
        chunk = run.group().casefold()
        if len(chunk) == b - a and unicodedata.is_normalized("NFKC", run.group()):
            parts.append(chunk)
            out.extend(m[a:b])
        else:  # "…" -> "...", "ﬁ" -> "fi", "e" + U+0301 -> "é": every piece maps to its cluster's start
            _fold_clusters(s[a:b], m[a:b], parts, out)
        pos = b
    parts.append(s[pos:].lower())
    out.extend(m[pos:])
    return "".join(parts), out


def _fold_clusters(run: str, m: list[int], parts: list[str], out: list[int]) -> None:
    """Append ``run`` folded one cluster at a time, and the map: every piece to its cluster's first character."""
    i, n = 0, len(run)
    while i < n:
        j = i + 1
        while j < n and not _starts_cluster(run[j]):
            j += 1
        piece = _fold_char(run[i]) if j == i + 1 else unicodedata.normalize("NFKC", run[i:j]).casefold()
        parts.append(piece)
        out.extend([m[i]] * len(piece))
        i = j


@lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    return unicodedata.normalize("NFKC", c).casefold()


@lru_cache(maxsize=4096)
def _starts_cluster(c: str) -> bool:
    """False for a mark, a character NFKC makes a mark (halfwidth "ﾞ"), a Hangul vowel or final
    consonant, and the second half of the few other canonical pairs (Indic two-part vowels)."""
    if unicodedata.combining(c) or c in _JOINS_PREVIOUS or "\u1161" <= c <= "\u1175" or "\u11a8" <= c <= "\u11c2":
        return False
    return not unicodedata.combining(unicodedata.normalize("NFKC", c)[:1] or " ")


def _is_marker(text: str, line: re.Match[str]) -> bool:
    """False for "2031. " that only wraps onto a new line: as in CommonMark, an ordered list other than
    "1." starts no list inside a paragraph, so it is a marker only after a blank, list or indented line."""
    number = _ORDERED.match(line.group(1))
    if number is None or number.group(1) == "1":
        return True
    prev = text[text.rfind("\n", 0, line.start()) + 1 : line.start()]
    return not prev.strip() or prev[0] in " \t" or _FIRST_LINE.match(prev) is not None


def _drops(text: str) -> list[Span]:
    """Spans of ``text`` to delete: Markdown/RST/HTML markup, and all but one character of whitespace runs."""
    spans = [m.span(1) for m in _LINE.finditer(text) if _is_marker(text, m)]
    spans += [m.span() for m in _EMPHASIS.finditer(text)]
    spans += [m.span() for m in _LINK_CLOSE.finditer(text)] + [m.span() for m in _TAG.finditer(text)]
    spans += [(m.start() + 1, m.end()) for m in _WHITESPACE.finditer(text)]
    spans += [(a - 1 if text[a - 1 : a] == "!" else a, a + 1) for a in (m.start() for m in _LINK_OPEN.finditer(text))]
    for m in _RST_TARGET.finditer(text):  # with the space before it: "text\n<url>`_" -> "text"
        a = m.start()
        while a > 0 and text[a - 1].isspace():
            a -= 1
        spans.append((a, m.end()))
    if first := _FIRST_LINE.match(text):
        spans.append(first.span())
    return sorted(spans)


def _dash_drops(s: str) -> list[Span]:
    """All but one dash of each run and the spaces around it; all but one space of each run."""
    drops = [(x.start() + 1, x.end()) for x in _SPACES.finditer(s)]
    for m in _DASHES.finditer(s):
        a, b = m.span()
        drops += [(a - (s[a - 1 : a] == " "), a), (a + 1, b + (s[b : b + 1] == " "))]
    return sorted(d for d in drops if d[1] > d[0])


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """Fold ``text`` for comparison; ``map[i]`` is the index in ``text`` of normalized character ``i``.

    Markdown inline markup and line-start markers, reStructuredText link targets and inline HTML tags
    are dropped, NFKC and casefold applied, curly quotes, dashes and all whitespace folded to ASCII,
    dash runs and the spaces around them folded to one "-", and whitespace runs collapsed to one
    space. The map is non-decreasing, so a normalized span maps back to the characters it was made from.
    """
    s, m = _fold(*_keep(text, None, _drops(text)))
    for char, repl in _FOLD:  # one character for one, so the map stays valid; str.translate is 20x slower
        if char in s:
            s = s.replace(char, repl)
    if "-" in s or "  " in s:  # spaces that met where markup was, and spaced dashes
        s, m = _keep(s, m, _dash_drops(s))
    return s, m


@lru_cache(maxsize=2)  # ~11 MB per 300k-character text; the document, and its edited successor
def normalized(text: str) -> tuple[str, list[int]]:
    """:func:`normalize_with_map`, cached: callers must not mutate the map."""
    return normalize_with_map(text)


def plain(s: str) -> str:
    """Case, quotes, dashes and whitespace folded, markup kept: what tells repeated passages apart."""
    s = unicodedata.normalize("NFKC", s).casefold()
    for char, repl in _FOLD:
        s = s.replace(char, repl)
    s = " ".join(s.split())
    return _DASHES.sub("-", s.replace(" -", "-").replace("- ", "-"))


def prepare(quote: str) -> Quote:
    """Normalize a quote once, for every region it is searched in."""
    s, m = normalize_with_map(quote)
    i, j = len(s) - len(s.lstrip(" ")), len(s.rstrip(" "))
    full = s[i:j]
    core = full.strip(EDGE)
    cut = len(full) - len(full.lstrip(EDGE)) if core else 0
    lead = "".join(c for c in quote[: m[i + cut]] if c in "*_`~[") if full else ""
    trail = "".join(c for c in quote[m[j - 1] + 1 :] if c in "*_`~") if full else ""
    return Quote(quote, full, core, cut, lead, trail)


def grow(text: str, a: int, b: int, q: Quote) -> Span:
    """Take in the markup the quote has at its ends where the text has it too: "**Status:**", "__ name"."""
    i, j = len(q.lead), a
    while i and j > 0:
        if text[j - 1] == q.lead[i - 1]:
            i, j, a = i - 1, j - 1, j - 1
        elif text[j - 1] in " \t":
            j -= 1
        else:
            break
    i, j = 0, b
    while i < len(q.trail) and j < len(text):
        if text[j] == q.trail[i]:
            i, j, b = i + 1, j + 1, j + 1
        elif text[j] in " \t":
            j += 1
        else:
            break
    return a, b


def balance(text: str, a: int, b: int) -> Span:
    """Widen ``[a, b)`` over markup it half-contains: the "](url)" or "**" closing what it opened, or the reverse."""
    if text.count("[", a, b) > text.count("]", a, b) and (link := _LINK_CLOSE.match(text, b)):
        b = link.end()
    elif text.count("]", a, b) > text.count("[", a, b) and text[a - 1 : a] == "[":
        a -= 2 if text[a - 2 : a - 1] == "!" else 1
    if (run := _MARKUP_RUN.match(text, b)) and any(text.count(c, a, b) % 2 for c in set(run.group())):
        b = run.end()
    r = a
    while r > 0 and text[r - 1] in "*_`~":
        r -= 1
    if r < a and any(text.count(c, a, b) % 2 for c in set(text[r:a])):
        a = r
    return a, b


def trim(text: str, a: int, b: int, q: Quote) -> Span:
    """Drop a fuzzy span's first or last word if the quote has nothing like it there and a line break
    parts it from the rest: "The the config" must not reach back to "questions\n\nThe config"."""
    words = q.full.split()
    if (m := _EDGE_LINE.match(text, a, b)) and m.end() < b and _unlike(m.group(1), words[0]):
        a = m.end()
    if (m := _LINE_EDGE.search(text, a, b)) and m.start() > a and _unlike(m.group(1), words[-1]):
        b = m.start()
    return a, b


def _unlike(word: str, other: str) -> bool:
    from rapidfuzz import fuzz  # only fuzzy spans get here: exact quotes never load rapidfuzz

    return fuzz.ratio(normalize_with_map(word)[0].strip(EDGE), other.strip(EDGE)) < 50
