"""Context before pattern: whether a hit is the author's own commitment or claim.

A rule's pattern finds a phrase; these helpers then read around it. Other people's words (a blockquote,
quoted speech), options weighed under a run-in label, history, examples, conditions, tentative modals
and negations are not the author committing to anything, so a door or an assumption there is noise.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from doccritic.core.document import Block, BlockKind
from doccritic.core.findings import Kind

if TYPE_CHECKING:
    from doccritic.core.checks import _Scan
    from doccritic.core.rules import RuleSet

_NEGATION = re.compile(
    r"(?:\b(?:not|no|never|cannot|without|avoid\w*|prevent\w*|nor)\b|\wn[\'’]t\b)[^.;:,]*$", re.IGNORECASE
)
_INNER_NEGATION = re.compile(r"\b(?:not|no(?! longer\b)|never|without|nor)\b", re.IGNORECASE)  # "no longer" commits
_CONDITIONAL = re.compile(r"\s*(?:if|whether|should)\b", re.IGNORECASE)
_SPECULATIVE = re.compile(r"\b(?:could|might|may|maybe|perhaps|possibly)\b", re.IGNORECASE)
# Before the phrase, in its sentence: a condition ("if X is removed, ...") or a worked example.
_CONDITION_BEFORE = re.compile(r"\b(?:if|unless|whether|suppose|imagine)\b", re.IGNORECASE)
_EXAMPLE = re.compile(r"\s*(?:for (?:example|instance)|e\.g\.|say,|imagine)\b", re.IGNORECASE)
_OUT_OF_SCOPE = re.compile(r"\b(?:out of (?:the )?scope|non-goals?|not in scope)\b", re.IGNORECASE)
RUN_IN_LABEL = re.compile(r"[\s*_-]*(?:\*\*|__)([^*_\n]{1,80})(?:\*\*|__)")
_QUOTE_SCOPE = 3000  # a paragraph longer than this is searched for quotation marks sentence by sentence


def not_a_commitment(
    scan: _Scan, rules: RuleSet, kind: Kind, block: Block, s0: int, m: re.Match[str], sentence: str
) -> bool:
    """Context before pattern: other people's words (a blockquote), options turned down, history and
    examples, conditions and negations are not the author committing to anything."""
    if block.kind is BlockKind.QUOTE or scan.aside(rules, s0) or _EXAMPLE.match(sentence):
        return True
    if scan.labelled_aside(rules, block) or _OUT_OF_SCOPE.search(sentence):
        return True
    if _CONDITION_BEFORE.search(scan.text, s0, m.start()):
        return True
    # An assumption is often a negative claim ("is not a concern", "won't have an impact"): only a door
    # is undone by a negation.
    return kind is Kind.ONE_WAY_DOOR and hedged(scan.text, s0, m, sentence)


def quoted(text: str, block: Block, s0: int, m: re.Match[str]) -> bool:
    """Whether the hit sits inside quoted speech of four words or more (someone else's words, not the
    author's claim); a scare-quoted term ("features") is still the author's. Reads the paragraph, or
    only the sentence in a paragraph too long to read per hit."""
    lo = block.start if block.end - block.start <= _QUOTE_SCOPE else s0
    before = text[lo : m.start()]
    opened = before.rfind("“")
    if opened > before.rfind("”"):
        close = text.find("”", m.end(), m.end() + _QUOTE_SCOPE)
    elif before.count('"') % 2:
        opened = before.rfind('"')
        close = text.find('"', m.end(), m.end() + _QUOTE_SCOPE)
    else:
        return False
    return close != -1 and len(text[lo + opened : close].split()) >= 4


def hedged(text: str, sentence_start: int, match: re.Match[str], sentence: str) -> bool:
    """A door that is negated ("does not introduce breaking changes") or hypothetical ("If X is
    removed, ...") is not a commitment. The negation may sit inside a long match, too."""
    before = text[max(sentence_start, match.start() - 60) : match.start()]
    inside = match.group(0)[:-1]
    return bool(
        _NEGATION.search(before)
        or _INNER_NEGATION.search(inside)
        or _CONDITIONAL.match(sentence)
        or _SPECULATIVE.search(before)
    )
