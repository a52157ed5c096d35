"""What a document is about, read from its title, and which of its doors state that change.

A proposal or a decision record whose title is the decision ("Remove the Metric API Gauge instrument", "Block
Series Deletion with Compactor") states its central one-way door wherever the body says how the change will
happen, in any tense and under any heading ("The Gauge instrument will be removed from the specification" under
"Internal details"). A door that shares two of the title's content words, closes a way back and is not
tentative is that change (core/checks.py ranks it first, shows it by default, folds its restatements, and
`owd.subject` reads it anywhere as a fallback). Where the text names the title's words is found once through
the word index, so a long file's sentences are tested by a lookup, not by reading each one.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from doccritic.core.decision_cues import irreversibility
from doccritic.core.salience import STOP_WORDS, TENTATIVE

if TYPE_CHECKING:
    from collections.abc import Iterator

    from doccritic.core.rules import Pattern
    from doccritic.core.wordindex import WordIndex


# A word, or a dotted or underscored name kept whole ("System.Drawing.Common" is one thing, not three words)
_TERM = re.compile(r"[A-Za-z][\w'-]*(?:[._][A-Za-z][\w'-]*)+|[A-Za-z][\w'-]{2,}")


@lru_cache(maxsize=4096)
def _terms(text: str) -> frozenset[str]:
    """Content words as 5-letter stems, a name with dots or underscores whole: what two passages share."""
    return frozenset(t for t in map(_term, _TERM.findall(text)) if t)


def _term(word: str) -> str:
    """A word's stem as :func:`_terms` compares it ("" for a stop word): a plural's "s" dropped first, so
    "forms" and "form", "files" and "file" are one word; a dotted or underscored name whole."""
    w = word.lower()
    if "." in w or "_" in w:
        return w
    if w in STOP_WORDS:
        return ""
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    return w[:5]


# A first heading that names a part, not the document ("Abstract", "Summary"): a PEP's or an RFC's title is
# then in its header ("Title: Deprecate distutils module").
GENERIC_TITLE = re.compile(
    r"^\W*(?:abstract|summary|introduction|overview|context|motivation|background|title|untitled|heading\s*\d*)\W*$",
    re.IGNORECASE,
)
_TITLE_FIELD = re.compile(r"^:?[Tt]itle:\s*(\S[^\n]*)$", re.MULTILINE)
# Words a title shares with nearly every sentence of its kind of document: the document type, and the
# verbs of a decision record's "Use X" / "Make Y" titles (the object says what is decided, not the verb).
_NOT_SUBJECT = frozenset(re.findall(r"\S+", (  # whole words: "design" is the document's kind, "designer" is not
    "pep eip erc rfc kep adr dep otep proposal proposals design decision record document enhancement spec "
    "specification use using make making support supports add adding new"
)))


def subject(title: str, text: str = "") -> frozenset[str]:
    """The content words (5-letter stems) of what the document is about, read from its title: "Remove the
    Metric API Gauge instrument" -> remov, metri, api, gauge, instr. When the first heading is a part's name
    ("Abstract"), the header's "Title:" field of ``text`` is read instead; empty when there is neither."""
    if not title or GENERIC_TITLE.match(title):
        m = _TITLE_FIELD.search(text, 0, 3000)
        title = m.group(1) if m else ""
    words = (w for w in _TERM.findall(title) if w.lower() not in _NOT_SUBJECT and not any(c.isdigit() for c in w))
    return frozenset(t for t in map(_term, words) if t)


def central(quote: str, about: frozenset[str]) -> frozenset[str]:
    """The title's content words a door's sentence states when it states the document's own subject (two of
    them, or the only one of a one-word title), else nothing: "The Gauge instrument will be removed from the
    specification" is the central change of "Remove the Metric API Gauge instrument", and a plan step that
    names none of them ("We will add endpoints to forms-admin") is not. A header that repeats the title
    ("Title: Deprecate distutils module") is metadata, not a decision."""
    if not about or (":" in quote and _TITLE_FIELD.search(quote)):
        return frozenset()
    shared = _terms(quote) & about
    return shared if len(shared) >= min(2, len(about)) else frozenset()


def states_subject(quote: str, about: frozenset[str], cues: Pattern, shared: frozenset[str] | None = None
                   ) -> frozenset[str]:
    """The title's words a door states when it is the document's central change: it names the subject
    (:func:`central`), closes a way back (``cues``: removal, breaking, migration, "only", ...) and is not
    tentative ("We can remove this overhead too" is an aside, not the change). Empty otherwise. ``shared``:
    the title's words already found in the sentence (through the word index, see :func:`subject_pattern`)."""
    if not about:
        return frozenset()
    if shared is not None and len(shared) < min(2, len(about)):
        return frozenset()  # the cheap test first: most sentences name no title word at all
    if TENTATIVE.search(quote) or not irreversibility(quote, cues):
        return frozenset()
    return central(quote, about)


@lru_cache(maxsize=64)  # one per title: the word index then reads its leading words once too
def subject_pattern(about: frozenset[str]) -> re.Pattern[str] | None:
    """One pattern that finds every word of ``about`` in a text (a 5-letter stem as a prefix, a shorter word or
    a dotted name whole), each match's lastgroup naming which: a long file's sentences are then tested with a
    lookup of these places rather than by reading each one (:class:`TitleIndex`)."""
    if not about:
        return None
    parts = []
    for i, term in enumerate(sorted(about)):
        name = "." in term or "_" in term
        body = re.escape(term) + (r"\b" if name else r"[\w'-]*" if len(term) == 5 else r"s?\b")
        parts.append(f"(?P<t{i}>{body})")
    return re.compile(r"\b(?:" + "|".join(parts) + ")", re.IGNORECASE)


class TitleIndex:
    """The title's words of one document and every place its text names one, found once (``words``: the
    document's word index over ``text``, the scan copy whose offsets are the document's)."""

    def __init__(self, title: str, text: str, words: WordIndex) -> None:
        self.about = subject(title, text)
        pattern = subject_pattern(self.about)
        self._names = sorted(self.about)
        # where the text names one of the title's words, in order, read from the word index only as far as a
        # lookup needs: a rule stops after a few hundred sentences, and a 20 MB file restating its title in
        # every paragraph names them a million times (1.4 s to list them all)
        self._found: Iterator[re.Match[str]] | None = words.finditer(pattern) if pattern is not None else None
        self.named_at: list[int] = []
        self._named: list[str] = []
        self._states: dict[tuple[int, int], frozenset[str]] = {}

    def _read_to(self, end: int) -> None:
        """List every place that names a title word and starts before ``end`` (and the next one after)."""
        while self._found is not None and (not self.named_at or self.named_at[-1] < end):
            m = next(self._found, None)
            if m is None:
                self._found = None
                break
            self.named_at.append(m.start())
            self._named.append(self._names[int((m.lastgroup or "t0")[1:])])

    def named_in(self, s0: int, s1: int, enough: int) -> frozenset[str]:
        """The title's words named in ``[s0, s1)``, looked up (stops at ``enough``)."""
        self._read_to(s1)
        i, shared = bisect.bisect_left(self.named_at, s0), set[str]()
        while i < len(self.named_at) and self.named_at[i] < s1 and len(shared) < enough:
            shared.add(self._named[i])
            i += 1
        return frozenset(shared)

    def states(self, quote: str, s0: int, s1: int, cues: Pattern) -> frozenset[str]:
        """The title's words the sentence ``quote`` at ``[s0, s1)`` states when it is the document's central
        change (:func:`states_subject`), read once per sentence."""
        verdict = self._states.get((s0, s1))
        if verdict is None:
            verdict = self._states[(s0, s1)] = states_subject(quote, self.about, cues, self.named_in(s0, s1, 2))
        return verdict
