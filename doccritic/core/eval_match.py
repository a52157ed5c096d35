"""Which planted flaw a finding is about: by where it points, else by what it says.

A finding placed on the draft hits a flaw when its span overlaps one of the flaw's labelled passages (labels
give every passage that states a flaw, because a decision is restated and a critic may quote any of them).
A finding with no place (document-level, or a quote that could not be placed) hits a flaw when its words
contain two of the flaw's gist keywords (the one, when only one is given): one shared word ("renewal") is
too weak a sign, and labels list several ways of naming the flaw, not words that must all appear. A hit
whose kind is not among the flaw's accepted kinds still points at the flaw, but is a *kind-mismatch* hit,
counted apart from full hits.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from doccritic.core.eval_labels import Case, Flaw, passage_spans
from doccritic.core.findings import Finding
from doccritic.core.quotes import differences

_NON_WORD = re.compile(r"[\W_]+")

Span = tuple[int, int]
GIST_NEEDED = 2  # gist keywords an unplaced finding must contain


@dataclass(frozen=True)
class Hit:
    """A finding that points at a flaw; ``full`` when its kind is one the labels accept."""

    flaw: Flaw
    full: bool


class Matcher:
    """The flaws of one case with their passages located once in the draft text."""

    def __init__(self, case: Case, text: str) -> None:
        self.case, self.text = case, text
        self._spans = [(flaw, passage_spans(flaw, text)) for flaw in case.flaws]
        self._gist = [(flaw, [fold(k).rstrip() for k in flaw.gist]) for flaw in case.flaws if flaw.gist]

    def match(self, finding: Finding) -> Hit | None:
        """The flaw this finding is about, preferring an accepted kind, then the largest overlap (or most gist)."""
        spans = _finding_spans(finding)
        best: tuple[tuple[bool, int], Flaw] | None = None
        for flaw, flaw_spans in self._spans:
            overlap = max((min(e, fe) - max(s, fs) for s, e in spans for fs, fe in flaw_spans), default=0)
            key = (finding.kind in flaw.kinds, overlap)
            if overlap > 0 and (best is None or key > best[0]):
                best = (key, flaw)
        if best is None and not finding.placed:
            blob = fold(" ".join(filter(None, (finding.title, finding.quote, finding.rationale, finding.suggestion,
                                               finding.question))))
            for flaw, words in self._gist:
                found = sum(w in blob for w in words)
                key = (finding.kind in flaw.kinds, found)
                if found >= min(GIST_NEEDED, len(words)) and (best is None or key > best[0]):
                    best = (key, flaw)
        return None if best is None else Hit(best[1], best[0][0])

    def flaws_at(self, spans: Sequence[Span], words: str) -> list[Flaw]:
        """Every flaw a passage of argument is about, whatever its kind: the flaws whose passages overlap one of
        ``spans``, else those whose gist ``words`` contain (as for an unplaced finding). For debates."""
        found = [flaw for flaw, flaw_spans in self._spans
                 if any(min(e, fe) > max(s, fs) for s, e in spans for fs, fe in flaw_spans)]
        if found or not words:
            return found
        blob = fold(words)
        return [flaw for flaw, keys in self._gist if sum(k in blob for k in keys) >= min(GIST_NEEDED, len(keys))]


def _finding_spans(finding: Finding) -> list[Span]:
    if finding.placed:
        assert finding.start is not None and finding.end is not None
        return [(finding.start, finding.end)]
    return list(finding.candidates)  # an ambiguous quote: any of its places may be the flaw's


def fold(text: str) -> str:
    """Lower case, any run of punctuation or spaces as one space, padded: a keyword folded and right-stripped
    matches at a word start ("Opt-out" finds "opt outs", not "coopt out")."""
    return f" {_NON_WORD.sub(' ', unicodedata.normalize('NFKC', text).casefold()).strip()} "


def contains_keyword(text: str, keywords: Sequence[str]) -> bool:
    """True when ``text`` contains any keyword (or when there are none to look for)."""
    folded = fold(text)
    return not keywords or any(fold(k).rstrip() in folded for k in keywords)


def misquoted(finding: Finding, text: str) -> bool:
    """A placed quote that says something else than the draft where it is placed: other numbers, negations or
    names (``core.quotes``). Loose placement forgives wording, never these."""
    if not finding.placed or not finding.quote:
        return False
    assert finding.start is not None and finding.end is not None
    return bool(differences(finding.quote, text[finding.start:finding.end]))
