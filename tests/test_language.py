"""The language guess counts as it did when it made a list of every letter (it now counts in C)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from doccritic.core.language import _ENGLISH, _SAMPLE, MIN_LETTERS, looks_english

_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[A-Za-z']+")


def _by_each_letter(text: str) -> bool | None:
    sample = text[:_SAMPLE]
    letters = _LETTER.findall(sample)
    if len(letters) < MIN_LETTERS:
        return None
    latin = sum(1 for c in letters if c.isascii())
    if latin < 0.5 * len(letters):
        return False
    words = [w.lower() for w in _WORD.findall(sample)]
    return sum(1 for w in words if w in _ENGLISH) >= 0.12 * len(words)


_PIECES = st.sampled_from(["The ", "tHe ", "AND ", "should", " of", "To", "x1_", "é", "ß", "İ", "\u212a", "你好",
                           "مرحبا", "'", " ", "\n", "42", "café ", "naïve", "Which", "wE "])


@given(st.lists(st.one_of(_PIECES, st.text(max_size=5)), max_size=400).map("".join))
def test_the_guess_is_the_one_made_letter_by_letter(text: str) -> None:
    assert looks_english(text) == _by_each_letter(text)
    assert looks_english(text * 3) == _by_each_letter(text * 3)

