"""Where a document decides, read by its structure rather than by a phrase list.

A decision record, a design or a proposal states its decision as a list of imperatives ("Mark the assembly
as only being supported on Windows", "Scale our x86_64 node groups down to zero") or in the first person
present ("We use GitHub Actions"), under a heading that says it decides. Which verb opens the sentence is
open-ended, so the test is structural: the first word (after list markers and emphasis) is a base-form
verb from a word list shipped as data (``settings.imperative_verbs``), and the word after it does not make
it a noun ("Support for TLS 1.0 is removed", "Use of X is ..."). No part-of-speech tagger: measured against
the labelled documents, the word list and this one look-ahead were enough, at no start-up cost.

Among the decisions found, the ones that are hard to walk back come first: removal, deprecation, breaking
changes, migration, public formats and APIs, contracts, prices, deletion, "all", "only", "zero", dates
(``settings.irreversibility``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from doccritic.core.rules import Pattern

# List bullets and numbers, emphasis, brackets and white space before the first word of a decision.
_LEAD = re.compile(r"[\s*_>#+\-.\d)(\[\]]*")
_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)?")
# The word after a sentence-opening "verb" that shows it is a noun or an adjective: "Support for X is ...",
# "Use of Y was ...", "Release notes will ...", "Change is hard".
_NOUN_NEXT = frozenset((
    "of", "is", "are", "was", "were", "will", "would", "can", "could", "should", "may", "might", "must", "has",
    "have", "had", "does", "did", "do", "for",
))
_FIRST_PERSON = frozenset(("we", "i"))


def opening_verb(text: str, s0: int, s1: int, verbs: frozenset[str]) -> re.Match[str] | None:
    """The verb that opens the sentence ``text[s0:s1]`` as a decision: an imperative ("**Mark** the assembly
    as only being supported on Windows", "4. **Scale** our x86_64 node groups down to zero") or the first
    person present ("We **use** GitHub Actions"). None when the sentence opens otherwise."""
    lead = _LEAD.match(text, s0, s1)
    first = _WORD.match(text, lead.end() if lead else s0, s1)
    if first is None or not first.group(0)[0].isupper():
        return None
    word: re.Match[str] | None = first
    if first.group(0).lower() in _FIRST_PERSON:  # "We use X", "We consolidate card processing on PayFlow"
        word = _WORD.match(text, _skip_space(text, first.end(), s1), s1)
    if word is None:
        return None
    if word.group(0).lower() not in verbs:
        return None
    after = word.end()
    if after < s1 and text[after] in ":'’":  # "Update: ...", "Use's ..."
        return None
    following = _WORD.match(text, _skip_space(text, after, s1), s1)
    if following is not None and following.group(0).lower() in _NOUN_NEXT:
        return None
    if following is not None and following.group(0)[0].isupper() and _names_a_subject(text, following, s1):
        return None
    return word


_THIRD_PERSON = re.compile(r"[a-z]+[^s\W]s\b")  # "masks", "uploads", "runs": a verb after its subject
_DETERMINERS = frozenset(re.findall(r"\w+", "the a an its their our all each every any this that these those"))


def _names_a_subject(text: str, name: re.Match[str], end: int) -> bool:
    """Whether the capitalised words after a sentence's first word are a name that a verb then follows: "Store
    Gateway masks the series" is a component doing something, not the imperative "store"; "Use Amazon EKS for
    the cluster", "Use AWS Graviton instances for compute" and "Adopt S3 as the backend" stay imperatives."""
    pos = name.end()
    while True:
        nxt = _WORD.match(text, _skip_space(text, pos, end), end)
        if nxt is None:
            return False
        if not nxt.group(0)[0].isupper():  # "masks the series": a verb and its object; "instances for ...": a noun
            obj = _WORD.match(text, _skip_space(text, nxt.end(), end), end)
            return bool(_THIRD_PERSON.fullmatch(nxt.group(0)) and obj and obj.group(0).lower() in _DETERMINERS)
        pos = nxt.end()


def _skip_space(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos] in " \t\n*_":
        pos += 1
    return pos


@lru_cache(maxsize=4096)  # a long file repeats its sentences: read each distinct one once
def irreversibility(quote: str, cues: Pattern) -> int:
    """How many kinds of way-back-closing cue the sentence carries (at most 2): "remove ... all", "only
    supported on Windows", "down to zero", "the public API". ``cues`` has one named group per kind, so one
    pass over the sentence answers (ten separate searches cost twice as much on a long file of doors)."""
    kinds: set[str | None] = set()
    for m in cues.finditer(quote):
        kinds.add(m.lastgroup)
        if len(kinds) == 2:
            break
    return len(kinds)
