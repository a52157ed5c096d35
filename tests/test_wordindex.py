"""The word index is only a speed-up: it must find exactly what ``re.finditer`` finds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import SAMPLE, corpus_files
from doccritic.core import wordindex
from doccritic.core.checks import _Scan, default_rules
from doccritic.core.subject import TitleIndex, subject_pattern
from doccritic.core.wordindex import WordIndex, _lowered_pieces, gap_anchor, leading_literals
from doccritic.formats.loader import load_document

RULE_PATTERNS = [p for r in default_rules().rules for p in r.patterns]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\b(?:delet|purg)(?:e|ed)?\b", {"delet", "purg"}),
        (r"\bof course\b", {"of"}),
        (r"\b(?:public |external )?(?:APIs?|webhooks?)\b", {"public", "external", "api", "webhook"}),
        (r"\b\d+\s+hires\b", set("0123456789")),
        (r"\b[Ll]orem ipsum\b", {"lorem"}),
        # a lookbehind reads before the match and consumes nothing: the literal after it still leads
        (r"\b(?<!\bany\s)(?<!\beach\s)deprecat\w*", {"deprecat"}),
        (r"\b(?=x)deprecat", None),  # a lookahead constrains the match itself: not skipped
        (r"[€$]\s?\d", None),  # not word-anchored: plain finditer is already fast for it
        (r"\b(?:a|.b)", None),
    ],
)
def test_leading_literals(pattern: str, expected: set[str] | None):
    got = leading_literals(re.compile(pattern, re.IGNORECASE))
    assert (set(got) if got is not None else None) == expected


def spans(matches) -> list[tuple[int, int]]:
    return [m.span() for m in matches]


@pytest.mark.parametrize(
    "path", [SAMPLE] + [p for p in corpus_files() if not p.name.startswith("BROKEN")], ids=lambda p: p.name
)
def test_index_matches_finditer_for_every_rule_on_real_documents(path: Path):
    scan = _Scan(load_document(path))
    for pattern in RULE_PATTERNS:
        assert spans(scan.words.finditer(pattern)) == spans(pattern.finditer(scan.text)), pattern.pattern


WORDS = st.sampled_from(
    ["delete", "Deleted", "DATA", "of", "course", "İstanbul", "straße", "API", "apis", "TBD", "12", "hires",
     "lorem", "Ipsum", "won't", "100%", "users", "—", "日本", "🚀", "ﬁle", "ǅ"]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(WORDS, st.sampled_from([" ", "\n", ". ", "-", ""])), max_size=40))
def test_index_matches_finditer_on_random_text(parts):
    text = "".join(w + sep for w, sep in parts)
    index = WordIndex(text)
    for pattern in RULE_PATTERNS:
        assert spans(index.finditer(pattern)) == spans(pattern.finditer(text)), (pattern.pattern, text)


# the patterns searched once per section or paragraph (a way back, a staged rollout), and the rules' own
SEARCHED = [getattr(p, "compiled", p) for p in (default_rules().mitigations, default_rules().staging)]


def first(m: re.Match[str] | None) -> tuple[int, int] | None:
    return None if m is None else m.span()


@pytest.mark.parametrize(
    "path", [SAMPLE] + [p for p in corpus_files() if not p.name.startswith("BROKEN")], ids=lambda p: p.name
)
def test_index_search_finds_what_search_finds_in_every_section_of_real_documents(path: Path):
    scan = _Scan(load_document(path))
    ranges = [(s.start, s.end) for s in scan.sections] + [(b.start, b.end) for b in scan.prose]
    for pattern in SEARCHED + RULE_PATTERNS[:20]:
        for lo, hi in ranges:
            assert first(scan.words.search(pattern, lo, hi)) == first(pattern.search(scan.text, lo, hi)), (
                pattern.pattern, lo, hi)


def test_index_search_reads_a_short_prefix_in_text_order():
    # "A/B" is looked up by its first letter, whose word starts come from several buckets ("api", "a")
    text = "api A/B api 10 5% of users"
    staging = SEARCHED[1]
    for lo, hi in [(0, 8), (0, len(text)), (8, len(text))]:
        assert first(WordIndex(text).search(staging, lo, hi)) == first(staging.search(text, lo, hi))
    assert WordIndex(text).search(staging, 0, 8) is not None


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["rollback", "Backups", "pilot", "5 %", "10% of users", "A/B", "a/b",
                                           "beta", "phases", "restore", "undo", "feature-flags", "of", "İ", "🚀",
                                           "api", "all", "users", "7", "42% tenants"]),
                          st.sampled_from([" ", "\n", ". ", "-", ""])), max_size=30),
       st.integers(0, 400), st.integers(0, 400))
def test_index_search_matches_search_on_random_text_and_ranges(parts, a, b):
    text = "".join(w + sep for w, sep in parts)
    lo, hi = sorted((min(a, len(text)), min(b, len(text))))
    index = WordIndex(text)
    for pattern in SEARCHED + RULE_PATTERNS:
        assert first(index.search(pattern, lo, hi)) == first(pattern.search(text, lo, hi)), (pattern.pattern, text)


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from(list("aΣσς ΟΔΟΣ\n.İ👩\u0345'é日")), max_size=80), st.integers(1, 8))
def test_the_lower_cased_pieces_are_the_text_lower_cased(text, chunk):
    """The index lowers the text a piece at a time (an emoji's line alone, the rest in runs of lines up to a
    size); joined, they are what lower-casing it whole gives (cut after line breaks, final sigmas included),
    each starting where it says."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(wordindex, "_CHUNK", chunk)
        starts, pieces = map(list, zip(*_lowered_pieces(text), strict=True)) if text else ([], [])
    whole = text.lower()
    if len(whole) != len(text):
        whole = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    assert "".join(pieces) == whole
    assert starts == [sum(map(len, pieces[:i])) for i in range(len(pieces))]
    assert all(p.endswith("\n") for p in pieces[:-1])


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from(list("aΣσς ΟΔΟΣ\n.İ👩\u0345'é日")), max_size=80),
       st.sampled_from(["aσσ", "aσς", "οδοσ", "οδος", "aaaa", "σσσσ", "ςaa"]), st.integers(1, 8))
@example("aΣΣa", "aσς", 8).via("a sigma inside a word, final in the slice")
@example("ΟΔΟΣ\u0345 ΟΔΟΣa", "οδος", 1).via("final after a case-ignorable mark, then not final")
def test_word_starts_for_a_long_prefix_are_where_the_lowered_text_has_it(text, prefix, chunk):
    """No lower-cased copy is kept: a prefix longer than a bucket key is checked on the text itself, and finds
    the same word starts as the whole text lower-cased would, a final sigma's context included."""
    whole = text.lower()
    if len(whole) != len(text):
        whole = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(wordindex, "_CHUNK", chunk)
        index = WordIndex(text)
    expected = [m.start() for m in re.finditer(r"\w+", whole) if whole.startswith(prefix, m.start())]
    assert list(index._long(prefix)) == expected


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\b(?:remov|chang)\w*\b[^.!?\n]{0,50}?\b(?:public )?(?:APIs?|webhooks?)\b",
         (50, {"public", "api", "webhook"})),
        (r"\b(?:increas|cut)\w*\b.{0,80}\bby\b", (80, {"by"})),
        (r"\bremove\w*\b[^.]{0,50}\b(?:\d+|many)\b", (50, set("0123456789") | {"many"})),
        (r"\b(?:remov|chang)\w*\b[^.]*\bAPI\b", None),  # an unbounded gap
        (r"\b(?:remov|chang)\w+\b[^.]{0,50}\bAPI\b", None),  # not the rest of one word
        (r"\bremov\w*\b[^.]{0,50}API\b", None),  # the second word need not start a word
        (r"\bremov\w*\b[^.]{0,50}\b(?:API|\w+s)\b", None),  # a second word that is not a literal
        (r"\b(?:re move)\w*\b[^.]{0,50}\bAPI\b", None),  # the first part is not one word
        (r"\bremov\w*\b(?:ab){0,50}\bAPI\b", None),  # the gap is not one character a repeat
    ],
)
def test_gap_anchor(pattern: str, expected: tuple[int, set[str]] | None):
    got = gap_anchor(re.compile(pattern, re.IGNORECASE))
    assert (None if got is None else (got[0], set(got[1]))) == expected


def test_the_interface_rule_looks_up_its_noun_not_every_remove():
    """owd.breaking-api's "remove ... API" is tried only where a noun follows within 50 characters: "remove" and
    "change" are in most sentences of a long draft (2.7 s of 11 at 20 MB when each tried the gap)."""
    rule = next(r for r in default_rules().rules if r.id == "owd.breaking-api")
    assert any(gap_anchor(p) is not None and "api" in gap_anchor(p)[1] for p in rule.patterns)


GAP_PATTERNS = [p for p in RULE_PATTERNS if gap_anchor(p) is not None] + [
    re.compile(r"\b(?:remov|chang)\w*\b[^.!?\n]{0,12}?\b(?:v\d )?(?:APIs?|webhooks?)\b", re.IGNORECASE),
    re.compile(r"\b(?:remov|chang)\w*\b.{0,6}\b(?:APIs?|by)\b", re.IGNORECASE),
]
GAP_WORDS = st.sampled_from(
    ["remove", "Removed", "CHANGE", "changes", "removeremoveremoveremoveremove", "the", "legacy", "a", "public",
     "v2", "API", "apis", "webhook", "by", "increase", "reduce", "20%", "İ", "straße", "🚀", "x" * 45, "endpoint"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(GAP_WORDS, st.sampled_from([" ", "\n", ". ", "-", "", "  ", ", "])), max_size=40))
def test_a_gap_pattern_finds_what_finditer_finds(parts):
    text = "".join(w + sep for w, sep in parts)
    index = WordIndex(text)
    for pattern in GAP_PATTERNS:
        assert spans(index.finditer(pattern)) == spans(pattern.finditer(text)), (pattern.pattern, text)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(WORDS | GAP_WORDS, st.sampled_from([" ", "\n", ". ", "-", ""])), max_size=60),
       st.integers(1, 40))
def test_word_starts_merged_a_window_at_a_time_are_in_text_order(parts, window):
    """A pattern with several leading words merges their starts a window of text at a time (so a rule that stops
    early sorts only what it read): windows of any size, cutting through words, give finditer's matches."""
    text = "".join(w + sep for w, sep in parts)
    index = WordIndex(text)
    saved = wordindex._WINDOW
    wordindex._WINDOW = window
    try:
        for pattern in RULE_PATTERNS:
            assert spans(index.finditer(pattern)) == spans(pattern.finditer(text)), (pattern.pattern, text)
    finally:
        wordindex._WINDOW = saved


TITLE_WORDS = st.sampled_from(["legacy", "legacy-change", "changes", "change's", "Remove", "removal", "tenant",
                               "remove-legacy-change", "the", "we", "will", "API.v2", "api"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(TITLE_WORDS, st.sampled_from([" ", "\n\n", ". ", "-", ""])), min_size=5, max_size=50),
       st.lists(st.tuples(st.integers(0, 200), st.integers(0, 120), st.integers(1, 3)), min_size=1, max_size=20))
def test_the_title_words_read_as_far_as_asked_are_those_of_one_full_reading(parts, queries):
    """The places that name the title's words are read from the word index only as far as a lookup needs; in
    any order of lookups, each finds what the places listed in one go would give."""
    text = "".join(w + sep for w, sep in parts)
    lazy = TitleIndex("Remove the legacy change", text, WordIndex(text))
    pattern = subject_pattern(lazy.about)
    names = sorted(lazy.about)
    found = [(m.start(), names[int((m.lastgroup or "t0")[1:])]) for m in pattern.finditer(text)] if pattern else []
    for s0, width, enough in queries:
        s1 = s0 + width
        shared: set[str] = set()
        for at, name in found:
            if s0 <= at < s1 and len(shared) < enough:
                shared.add(name)
        assert lazy.named_in(s0, s1, enough) == frozenset(shared), (text, s0, s1)
