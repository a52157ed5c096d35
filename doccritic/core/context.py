"""Context before pattern: whether a hit is the author's own commitment or claim.

A rule's pattern finds a phrase; these helpers then read around it. Other people's words (a blockquote,
quoted speech), options weighed under a run-in label, history, examples, conditions, tentative modals
and negations are not the author committing to anything, so a door or an assumption there is noise.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from doccritic.core.document import Block
from doccritic.core.findings import Kind

if TYPE_CHECKING:
    from doccritic.core.checks import _Scan
    from doccritic.core.rules import RuleSet

_NEGATION = re.compile(
    r"(?:\b(?:not|no|never|cannot|without|avoid\w*|prevent\w*|nor)\b|\wn[\'’]t\b)[^.;:,]*$", re.IGNORECASE
)
# "no longer" commits, and so does withdrawn support ("will not support docker", "will not be supported"); read
# on the match without its last character, hence "suppor"
_INNER_NEGATION = re.compile(
    r"\b(?:not(?!\s+(?:be\s+)?suppor)|no(?! longer\b)|never|without|nor)\b", re.IGNORECASE
)
_CONDITIONAL = re.compile(r"\s*(?:if|whether|should)\b", re.IGNORECASE)
_SPECULATIVE = re.compile(r"\b(?:could|might|may|maybe|perhaps|possibly)\b", re.IGNORECASE)
# Before the phrase, in its sentence: a condition ("if X is removed, ...") or a worked example.
_CONDITION_BEFORE = re.compile(r"\b(?:if|unless|whether|suppose|imagine)\b", re.IGNORECASE)
_EXAMPLE = re.compile(r"\s*(?:for (?:example|instance)|e\.g\.|say,|imagine)\b", re.IGNORECASE)
_OUT_OF_SCOPE = re.compile(r"\b(?:out of (?:the )?scope|non-goals?|not in scope)\b", re.IGNORECASE)
# A sentence that asks ("Is the rollout accompanied by any deprecations?") commits to nothing; markup and
# closing quotes may follow the question mark.
# The change as the subject of its own benefit: "Deprecation and removal will make it obvious that issues should be
# fixed in the setuptools project", "Removing unsupported TLS versions will improve security". The reason for a door
# is not the door: the decision is stated elsewhere, and this sentence argues for it.
_BENEFIT = re.compile(
    r"\W*(?:the\s+)?(?:(?:deprecation|removal|deletion|migration|retirement|replacement)(?:\s+and\s+\w+)?"
    r"|(?:removing|deprecating|deleting|dropping|retiring|replacing|migrating|switching|moving)\b[^.!?]{0,60}?"
    r"|this(?:\s+change)?|these\s+changes|doing\s+so)"
    r"\s+(?:will|should|would)\s+(?:\w+ly\s+)?(?:also\s+)?(?:improve|simplify|ease|help|benefit"
    r"|make\s+(?:\w+\s+){0,3}?(?:easier|simpler|clearer|obvious|faster|cheaper|safer))\b",
    re.IGNORECASE,
)
_QUESTION = re.compile(r"\?[\s*_\"'”’)\]]*$")
# "Go 1.17 removed support for that setting": a past-tense act by someone, with nothing in the sentence
# that is still to happen, is history. "All modules deprecated by this PEP are removed" is not ("are").
_PAST_ACT = re.compile(r"[A-Za-z]+ed\b")
# "see the `spwd` deprecation": a pointer to another passage, not a statement of the door
_XREF = re.compile(r"\b(?:see|cf\.|refer to)\s+(?:the\s+|also\s+)?(?:\S+\s+){0,3}$", re.IGNORECASE)
_OBJECT = re.compile(
    r"\s+(?:the|a|an|some|these|those|its|their|his|her|support|all|several|many|any|most)\b", re.IGNORECASE
)
_PAST = re.compile(r"\b(?:was|were|had|did)\b", re.IGNORECASE)
_STILL_TO_HAPPEN = re.compile(
    r"\b(?:will|shall|would|going to|is|are|be|must|should|can|plan\w*|propos\w*|now|starting|from|until)\b|'ll\b",
    re.IGNORECASE,
)
_AUXILIARY = re.compile(
    r"\b(?:is|are|was|were|be|been|being|will|shall|get|gets|got|become|becomes|we|I|they|you)\s+(?:\w+ly\s+)?$",
    re.IGNORECASE,
)
# "the deprecated modules", "its removed fields": a participle used as an adjective names a state, not an act.
_ATTRIBUTIVE = re.compile(
    r"\b(?:the|these|those|this|that|its|their|his|her|our|any|a|an|such|all|already|previously|now)\s+$",
    re.IGNORECASE,
)
# "some apps have already been migrated", "the data has been deleted": a state reached, not a step still to
# take ("will have been migrated by Q3" is still a commitment)
_DONE = re.compile(r"(?<!\bwill\s)\b(?:has|have|had)\s+(?:already\s+)?been\s+(?:\w+ly\s+)?$", re.IGNORECASE)
from doccritic.core.rules import soft_spaces  # noqa: E402 - "for\nexample" in hard-wrapped prose

_EXAMPLE, _OUT_OF_SCOPE = (re.compile(soft_spaces(p.pattern), p.flags) for p in (_EXAMPLE, _OUT_OF_SCOPE))
RUN_IN_LABEL = re.compile(r"[\s*_-]*(?:\*\*|__)([^*_\n]{1,80})(?:\*\*|__)")
_QUOTE_SCOPE = 3000  # a paragraph longer than this is searched for quotation marks sentence by sentence


def not_a_commitment(
    scan: _Scan, rules: RuleSet, kind: Kind, block: Block, s0: int, m: re.Match[str], sentence: str,
    *, main_clause: bool = False,
) -> bool:
    """Context before pattern: other people's words (a blockquote), options turned down, history and
    examples, conditions and negations are not the author committing to anything. With ``main_clause``
    a condition counts only in the phrase's own clause: "If we need x86 again, we can easily support
    this" still claims the ease."""
    claims = kind is Kind.CHALLENGED_ASSUMPTION
    if scan.quotes_others(block) or scan.aside(rules, s0, claims=claims) or scan.labelled_aside(rules, block):
        return True
    lo = s0
    if main_clause:
        comma = scan.text.rfind(",", s0, m.start())
        lo = comma + 1 if comma != -1 else s0
    if _CONDITION_BEFORE.search(scan.text, lo, m.start()) or scan.reported(rules, s0, sentence):
        return True
    # An assumption is often a negative claim ("is not a concern", "won't have an impact"): only a door
    # is undone by a negation.
    return kind is Kind.ONE_WAY_DOOR and (
        hedged(scan.text, s0, m, sentence) or described(scan, s0, m, sentence) or _BENEFIT.match(sentence) is not None
    )


def conditional(text: str, sentence_start: int, match: re.Match[str]) -> bool:
    """Whether the phrase sits after an "if", "unless" or "whether" in its sentence: a claim made under
    a condition ("If a dependency supports a dramatically different MSRV, ...") is not asserted."""
    return _CONDITION_BEFORE.search(text, sentence_start, match.start()) is not None


def example_or_out_of_scope(sentence: str) -> bool:
    """A worked example ("For example, ...") or something the sentence puts out of scope."""
    return bool(_EXAMPLE.match(sentence) or _OUT_OF_SCOPE.search(sentence))


def is_question(sentence: str) -> bool:
    """A question ("Will enabling this result in an increase of resource usage?") claims nothing."""
    return _QUESTION.search(sentence) is not None


def only_past(sentence: str) -> bool:
    """Whether the sentence speaks only of the past: "was", "were", "had" or "did", and nothing still to happen."""
    return _PAST.search(sentence) is not None and not _STILL_TO_HAPPEN.search(sentence)


def described(scan: _Scan, sentence_start: int, match: re.Match[str], sentence: str) -> bool:
    """A door word that describes a state or a past act rather than committing to one: "the deprecated
    modules" (a participle as adjective), or "Go 1.17 removed support" in a sentence with nothing still
    to happen."""
    text = scan.text
    if _XREF.search(text, max(sentence_start, match.start() - 60), match.start()):
        return True
    if _PAST_ACT.match(match.group(0)) is None:  # a noun ("The deprecation message was added in 3.4.7")
        return scan.only_past(sentence_start, sentence)
    before = text[max(sentence_start, match.start() - 40) : match.start()]
    if _ATTRIBUTIVE.search(before) or _DONE.search(before):
        return True
    # an active past tense takes its object next ("removed support", "deprecated some APIs"); "enabled by
    # default" and "deprecated in 3.12" are passives or adjectives, and say nothing about the tense
    first = _PAST_ACT.match(match.group(0))
    assert first is not None
    if not _OBJECT.match(text, match.start() + first.end()):
        return False
    return not _AUXILIARY.search(before) and not _STILL_TO_HAPPEN.search(sentence)  # rare: read per hit


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
