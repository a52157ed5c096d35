"""Run many word-anchored regexes over a long text without scanning it once per pattern.

Check rules are ~100 patterns like ``\\b(?:delet|purg|wip)...``. CPython's ``re`` cannot skip ahead
for a pattern that starts with ``\\b`` and an alternation, so each one walks every character; at
50k words that is most of a second. Instead we read each pattern's possible *leading literals* from
its parse tree, index the text's words by their first letters once, and try the pattern only at word
starts that could begin a match. Patterns we cannot analyse fall back to ``finditer``, so results
are identical either way; only the speed differs.
"""

from __future__ import annotations

import itertools
import operator
import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from doccritic.core.rules import Pattern

try:  # the parser is private API; without it every pattern simply takes the slow path
    from re import _constants as _c  # type: ignore[attr-defined]  # private: typeshed leaves it out
    from re import _parser  # type: ignore[attr-defined]  # private: typeshed leaves it out
except ImportError:  # pragma: no cover - older or alternative Pythons
    _parser = None

_WORD = re.compile(r"\w+")
_KEY = 3  # words are bucketed by their first three (lower-cased) characters
_HEAD = re.compile(r"(\w{1,3})\w*")  # a word, its key captured


@lru_cache(maxsize=1024)
def leading_literals(pattern: Pattern) -> frozenset[str] | None:
    """Lower-cased literal prefixes every match must start with, right after a leading ``\\b``.

    None when the pattern does not start with ``\\b`` or a branch does not start with a literal.
    """
    if _parser is None:
        return None
    try:
        tree = _parser.parse(pattern.pattern, pattern.flags & ~re.UNICODE)
    except Exception:
        return None
    items = list(tree)
    if not items or items[0] != (_c.AT, _c.AT_BOUNDARY):
        return None
    prefixes = _prefixes(items[1:])
    if not prefixes:
        return None
    # Only the part inside the first word can be looked up ("of course" -> "of").
    heads = {_WORD.match(p) for p in prefixes}
    if not all(heads):
        return None
    return frozenset(h.group(0) for h in heads if h)


def _prefixes(items: list) -> set[str] | None:
    """Literal prefixes of a sequence of parse items (stops at the first non-literal)."""
    while items and items[0][0] in (_c.ASSERT, _c.ASSERT_NOT) and items[0][1][0] < 0:
        items = items[1:]  # a lookbehind ("(?<!any )deprecat...") reads before the match and consumes nothing
    if not items:
        return None
    op, av = items[0]
    if op is _c.LITERAL or (op is _c.IN and len(_chars(av) or ()) == 1):
        text = ""
        for op2, av2 in items:
            chars = {chr(av2).lower()} if op2 is _c.LITERAL else _chars(av2) if op2 is _c.IN else None
            if not chars or len(chars) != 1:
                break
            text += next(iter(chars))
        return {text}
    if op is _c.IN:
        return _chars(av)
    if op is _c.SUBPATTERN:
        return _prefixes(list(av[-1]))
    if op is _c.BRANCH:
        out: set[str] = set()
        for branch in av[1]:
            sub = _prefixes(list(branch))
            if not sub:
                return None
            out |= sub
        return out
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        low, _high, item = av
        sub = _prefixes(list(item))
        if sub is None or low > 0:
            return sub
        rest = _prefixes(items[1:])  # optional item: a match may also start with what follows
        return None if rest is None else sub | rest
    return None


@lru_cache(maxsize=1024)
def gap_anchor(pattern: Pattern) -> tuple[int, frozenset[str]] | None:
    """For a pattern ``\\b<word>\\w*\\b<gap>{0,N}\\b<rest>`` (a word, at most N characters, then a word the rest
    starts with): N and the lower-cased literals that word must start with. Every match then has a word start
    with one of them within N characters after the end of its first word, which the word index can look up
    instead of trying the gap after every first word ("remove ... API": "remove" is common, "API" is rarer).
    None for any other shape."""
    if _parser is None or pattern.flags & (re.ASCII | re.LOCALE):
        return None
    try:
        items = list(_parser.parse(pattern.pattern, pattern.flags))
    except Exception:
        return None
    if not items or items[0] != (_c.AT, _c.AT_BOUNDARY):
        return None
    i = 1
    while i < len(items) and _word_literal(items[i]):
        i += 1
    if i == 1 or len(items) < i + 5 or items[i][0] is not _c.MAX_REPEAT or items[i + 1] != (_c.AT, _c.AT_BOUNDARY):
        return None
    low, high, item = items[i][1]
    if (low, high, list(item)) != (0, _c.MAXREPEAT, [(_c.IN, [(_c.CATEGORY, _c.CATEGORY_WORD)])]):
        return None  # not the rest of the word (`\\w*`)
    gap = items[i + 2]
    if gap[0] not in (_c.MAX_REPEAT, _c.MIN_REPEAT) or items[i + 3] != (_c.AT, _c.AT_BOUNDARY):
        return None
    low, high, item = gap[1]
    # one character a repeat (a class, a literal, a dot): the gap spans at most `high` characters
    one_char = len(item) == 1 and item[0][0] in (_c.IN, _c.LITERAL, _c.NOT_LITERAL, _c.ANY)
    if low != 0 or high >= _c.MAXREPEAT or not one_char:
        return None
    rest = _prefixes(items[i + 4:])
    if not rest:
        return None
    heads = {_WORD.match(p) for p in rest}
    if not all(heads):
        return None
    return int(high), frozenset(h.group(0) for h in heads if h)


def _word_literal(item: tuple) -> bool:
    """Whether a parse item matches only word characters, one literal or a branch/group of literal words."""
    op, av = item
    if op is _c.LITERAL:
        return bool(_WORD.fullmatch(chr(av)))
    if op is _c.SUBPATTERN:
        return all(map(_word_literal, av[-1]))
    if op is _c.BRANCH:
        return all(branch and all(map(_word_literal, branch)) for branch in av[1])
    return False


def _chars(av: list) -> set[str] | None:
    """Lower-cased characters a character class can match, when it is a small explicit set."""
    out: set[str] = set()
    for op, val in av:
        if op is _c.LITERAL:
            out.add(chr(val).lower())
        elif op is _c.CATEGORY and val is _c.CATEGORY_DIGIT:
            out.update("0123456789")
        elif op is _c.RANGE and val[1] - val[0] <= 26:
            out.update(chr(c).lower() for c in range(val[0], val[1] + 1))
        else:
            return None
    return out


_WINDOW = 1 << 16  # characters of text whose word starts are merged at a time (`WordIndex._iter_starts`)


_ASTRAL = re.compile(r"[^\x00-\uffff]")  # a character CPython stores in 4 bytes (an emoji)


_CHUNK = 1 << 20  # characters lowered at a time while the index is built (cut at the next line break)
_GROWS = "\u0130"  # the one character whose lower case is longer ("İ" -> "i" and a combining dot)
_SIGMA = "\u03a3"  # the one character whose lower case depends on its neighbours (a final "ς")


def _lower(piece: str, grows: bool) -> str:
    """``piece`` lower-cased with its offsets kept: when the text holds an "İ", each character alone, as before."""
    if grows:
        return "".join(c if len(c.lower()) != 1 else c.lower() for c in piece)
    return piece.lower()


def _lowered_pieces(text: str) -> Iterator[tuple[int, str]]:
    """``text`` lower-cased (as ``text.lower()``, with the same offsets) a piece at a time, each piece with its
    start offset, cut after line breaks: each line that holds an emoji (or another character past U+FFFF), and
    the runs of lines between them, up to ~1M characters each. One emoji makes a whole str 4 bytes a character;
    a 1M-word draft lowered in one string was 24 MB, kept in pieces 13 MB; one piece at a time, freed as the
    index is built, ~2 MB (#18 item 9). Lower case never looks past a line break (a final sigma's context ends
    there), so the pieces are the whole text's lower case."""
    n = len(text)
    grows = _GROWS in text
    cuts = {0}
    m = None if text.isascii() else _ASTRAL.search(text)
    while m is not None:  # the line around it is a piece of its own
        end = text.find("\n", m.end())
        end = n if end < 0 else end + 1
        cuts.update((text.rfind("\n", 0, m.start()) + 1, end))
        m = _ASTRAL.search(text, end)
    cuts.discard(n)
    starts = sorted(cuts)
    for a, b in itertools.pairwise([*starts, n]):
        while b - a > _CHUNK:  # a long run of lines: cut it after a line break (a single long line stays whole)
            cut = text.find("\n", a + _CHUNK, b - 1)
            if cut < 0:
                break
            yield a, _lower(text[a:cut + 1], grows)
            a = cut + 1
        yield a, _lower(text[a:b], grows)


class WordIndex:
    """Word start offsets of a text, bucketed by their first letters (lower-cased).

    Offsets are kept in C arrays (4 bytes each): a 1M-word text has a million of them, 36 MB as Python ints.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._grows = _GROWS in text
        self._sigma = _SIGMA in text
        buckets: dict[str, array[int]] = {}
        get = buckets.get
        for base, piece in _lowered_pieces(text):  # no lower-cased copy is kept: `_long` lowers what it reads
            for m in _HEAD.finditer(piece):  # one C-level match per word; the key is its first group
                key = m[1]
                bucket = get(key)
                if bucket is None:
                    bucket = buckets[key] = array("i")
                bucket.append(base + m.start())
        self._buckets = buckets
        self._short_cache: dict[str, Sequence[int]] = {}
        self._long_cache: dict[str, Sequence[int]] = {}

    def _short(self, prefix: str) -> Sequence[int]:
        """Word starts for a prefix shorter than the bucket key (e.g. a digit), computed once."""
        if prefix not in self._short_cache:
            self._short_cache[prefix] = array("i", sorted(  # in text order, as every bucket is: `search` bisects
                pos for key, positions in self._buckets.items() if key.startswith(prefix) for pos in positions))
        return self._short_cache[prefix]

    def _long(self, prefix: str) -> Sequence[int]:
        """Word starts that begin with ``prefix``, computed once: rules share leading words ("will", "all")."""
        found = self._long_cache.get(prefix)
        if found is None:
            bucket = self._buckets.get(prefix[:_KEY], array("i"))
            k = len(prefix)
            if k == _KEY:
                found = bucket
            elif not (self._grows or self._sigma):  # C calls per word start, no Python frame: a bucket such as
                # "wil" is read again for each longer prefix the rules start with ("will", "willing", ...); a
                # slice's lower case is the text's there, but for a sigma's (its neighbours) and an "İ"'s
                ends = map(operator.add, bucket, itertools.repeat(k))
                heads = map(str.lower, map(self.text.__getitem__, map(slice, bucket, ends)))
                found = array("i", itertools.compress(bucket, map(prefix.__eq__, heads)))
            else:
                found = array("i", (pos for pos in bucket if self._starts_with(prefix, pos)))
            self._long_cache[prefix] = found
        return found

    def _starts_with(self, prefix: str, pos: int) -> bool:
        """Whether the lower-cased text (as `_lowered_pieces` lowers it) has ``prefix`` at ``pos``: the line is
        lowered when the slice holds a sigma, whose lower case depends on the letters around it."""
        text, k = self.text, len(prefix)
        if self._sigma and _SIGMA in text[pos:pos + k] and not self._grows:
            a = text.rfind("\n", 0, pos) + 1
            b = text.find("\n", pos)
            return text[a:len(text) if b < 0 else b].lower().startswith(prefix, pos - a)
        return _lower(text[pos:pos + k], self._grows) == prefix

    def finditer(self, pattern: Pattern) -> Iterator[re.Match[str]]:
        """Same matches as ``pattern.finditer(text)`` for word-anchored patterns, in text order."""
        prefixes = leading_literals(pattern)
        if prefixes is None:
            yield from pattern.finditer(self.text)
            return
        starts = self._iter_starts(prefixes)
        gap = gap_anchor(pattern)
        if gap is not None:
            limit, heads = gap
            seconds = self._starts_of(heads)
            if not seconds:
                return  # no word the rest could start with: no match anywhere
            word, text, n = _WORD.match, self.text, len(seconds)
        last_end, match = 0, None
        for pos in starts:
            if pos < last_end:
                continue  # finditer never reports overlapping matches; a start already tried fails again
            if gap is not None:  # the rest must start within `limit` characters after this word's end
                j = bisect_right(seconds, pos)
                if j == n:
                    return  # no later word for any later start either
                if seconds[j] - pos > limit:
                    w = word(text, pos)
                    end = pos if w is None else w.end()
                    j = bisect_left(seconds, end, j)
                    if j == n:
                        return
                    if seconds[j] - end > limit:
                        continue
            if match is None:  # compiled at its first candidate: a lazy rule pattern whose words are absent never is
                match = getattr(pattern, "compiled", pattern).match
            m = match(self.text, pos)
            if m is not None:
                last_end = max(m.end(), pos + 1)
                yield m
            else:
                last_end = pos + 1

    def _iter_starts(self, prefixes: frozenset[str]) -> Iterable[int]:
        """Word starts with any of ``prefixes``, in text order, merged a window of text at a time: a caller that
        stops early (a rule after its 1,000th passage, the title's words up to a sentence) sorts only what it
        read, not every "will" and "we" of a 20 MB file. A start two prefixes share comes twice, side by side."""
        runs = [self._long(prefix) if len(prefix) >= _KEY else self._short(prefix) for prefix in prefixes]
        if len(runs) == 1:
            return runs[0]
        return self._merged(runs)

    def _merged(self, runs: list[Sequence[int]]) -> Iterator[int]:
        at = [0] * len(runs)
        lo, n = 0, len(self.text)
        while lo < n:
            hi = lo + _WINDOW
            window = array("i")
            for k, run in enumerate(runs):
                j = bisect_left(run, hi, at[k])
                window.extend(run[at[k]:j])
                at[k] = j
            yield from sorted(window)
            lo = hi

    def _starts_of(self, prefixes: frozenset[str]) -> Sequence[int]:
        """Word starts with any of ``prefixes``, in text order."""
        runs = [self._long(prefix) if len(prefix) >= _KEY else self._short(prefix) for prefix in prefixes]
        if len(runs) == 1:
            return runs[0]
        merged = array("i")  # each run is in text order: one sort merges them (5x a set and a sort at 1M starts)
        for run in runs:
            merged.extend(run)
        return sorted(merged)  # a start two prefixes share comes twice, side by side

    def search(self, pattern: Pattern, pos: int, endpos: int) -> re.Match[str] | None:
        """Same match as ``pattern.search(text, pos, endpos)``, tried only at the word starts in ``[pos, endpos)``
        that could begin one: a section without a match costs a lookup per candidate word, not a scan of every
        character (a 20 MB file without headings is one section, or one paragraph)."""
        prefixes = leading_literals(pattern)
        if prefixes is None:
            return pattern.search(self.text, pos, endpos)
        best: re.Match[str] | None = None
        for prefix in prefixes:  # the earliest match over all prefixes' word starts is the first match
            starts = self._long(prefix) if len(prefix) >= _KEY else self._short(prefix)
            stop = endpos if best is None else best.start()
            for i in range(bisect_left(starts, pos), len(starts)):
                at = starts[i]
                if at >= stop:
                    break
                m = pattern.match(self.text, at, endpos)
                if m is not None:
                    best = m
                    break
        return best
