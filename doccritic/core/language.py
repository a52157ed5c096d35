"""A cheap guess at whether a document is English: the offline checks read English only.

Japanese, Arabic or Chinese documents used to get zero findings and no word about why, which reads as
"nothing to fix". No language library is loaded for this: the share of Latin letters and of the
commonest English function words is enough to tell the checks' blind spot from a clean document.
"""

from __future__ import annotations

import itertools
import re

_NOT_LETTERS = re.compile(r"[\W\d_]+")  # what is left is the letters, [^\W\d_]
_ASCII = re.compile(r"[\x00-\x7f]+")
_ASCII_NOT_LETTERS = bytes(c for c in range(128) if not chr(c).isalpha())
_WORD = re.compile(r"[A-Za-z']+")
_ENGLISH = frozenset(re.findall(r"\w+", "the and of to a in is that for it with as be on are this by not or"))
_ENGLISH |= frozenset(re.findall(r"\w+", "we will an can from if at you which have has should"))
# Each of them in every mix of cases ("The", "THE", ...): an ASCII word is counted by a set lookup, not lower()
_ANY_CASE = frozenset("".join(cs) for w in _ENGLISH for cs in itertools.product(*({c, c.upper()} for c in w)))
_SAMPLE = 200_000  # characters read: enough for a verdict, bounded on a 20 MB file
MIN_LETTERS = 200  # below this there is too little prose to judge


def looks_english(text: str) -> bool | None:
    """True or False, or None when there is too little prose to say."""
    sample = text[:_SAMPLE]
    # In C, not a list of each letter and a loop over it: on a long draft this ran on the checks' worker,
    # 11-15 ms (up to 45 under load) the window's thread waited for the GIL (#18 item 9).
    ascii_chars = sample.encode("ascii", "ignore")
    latin = len(ascii_chars.translate(None, _ASCII_NOT_LETTERS))  # [^\W\d_] in ASCII is [A-Za-z]
    letters = latin + (len(_NOT_LETTERS.sub("", _ASCII.sub("", sample))) if len(ascii_chars) < len(sample) else 0)
    if letters < MIN_LETTERS:
        return None
    if latin < 0.5 * letters:
        return False
    words = _WORD.findall(sample)
    common = sum(map(_ANY_CASE.__contains__, words))
    return common >= 0.12 * len(words)


NOT_ENGLISH = (
    "This document does not look like English. The offline checks read English only, so they found "
    "little or nothing here; that does not mean there is nothing to fix. The Claude critics read any language."
)
