"""A cheap guess at whether a document is English: the offline checks read English only.

Japanese, Arabic or Chinese documents used to get zero findings and no word about why, which reads as
"nothing to fix". No language library is loaded for this: the share of Latin letters and of the
commonest English function words is enough to tell the checks' blind spot from a clean document.
"""

from __future__ import annotations

import re

_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[A-Za-z']+")
_ENGLISH = frozenset(re.findall(r"\w+", "the and of to a in is that for it with as be on are this by not or"))
_ENGLISH |= frozenset(re.findall(r"\w+", "we will an can from if at you which have has should"))
_SAMPLE = 200_000  # characters read: enough for a verdict, bounded on a 20 MB file
MIN_LETTERS = 200  # below this there is too little prose to judge


def looks_english(text: str) -> bool | None:
    """True or False, or None when there is too little prose to say."""
    sample = text[:_SAMPLE]
    letters = _LETTER.findall(sample)
    if len(letters) < MIN_LETTERS:
        return None
    latin = sum(1 for c in letters if c.isascii())
    if latin < 0.5 * len(letters):
        return False
    words = [w.lower() for w in _WORD.findall(sample)]
    common = sum(1 for w in words if w in _ENGLISH)
    return common >= 0.12 * len(words)


NOT_ENGLISH = (
    "This document does not look like English. The offline checks read English only, so they found "
    "little or nothing here; that does not mean there is nothing to fix. The Claude critics read any language."
)
