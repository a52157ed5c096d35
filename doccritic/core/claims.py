"""Load-bearing claims stated without evidence: structure, not phrase lists.

Authors phrase an assumption in many ways ("So this change mostly affects Windows users", "This results
in smaller bundle sizes", "we can easily support this"), so a list of phrases finds few of them. A claim
here is a sentence with a *cue* (the rule's patterns: an outcome verb such as "results in", "ensures",
"will reduce"; a generalisation over people or usage such as "mostly affects", "a majority of users";
ease asserted, "easily") about a *topic* a reviewer can check (usage, performance, compatibility, cost,
security ...), with no evidence beside it (a figure, a link, a citation, data, a test, an example, in the
sentence or the next one). Its *strength* says how load-bearing it is: stated where the document argues
for its decision's effects (Rationale, Consequences, Backwards compatibility, Security, Risks, the
Decision itself), drawn as a conclusion ("so", "therefore", "because"), about the change itself, in the
future or conditional; a description of the status quo ("currently", "today") counts against. The
strongest are shown by default; the rest wait for ``--all``. Each topic names the evidence that would
settle the claim. The words are data (``[claims]`` in ``resources/checks/rules.toml``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from doccritic.core.rules import Pattern


@dataclass(frozen=True, slots=True)
class ClaimTopic:
    """What a claim is about, and the evidence that would settle a claim of that kind."""

    name: str
    words: Pattern
    settle: str
    question: str


@dataclass(frozen=True, slots=True)
class ClaimSettings:
    """The ``[claims]`` table: what makes a cue sentence a load-bearing claim, and what counts as evidence."""

    topics: tuple[ClaimTopic, ...] = ()
    sections: Pattern | None = None  # where a document argues for its decision's effects: +2
    connectives: Pattern | None = None  # a conclusion drawn: "so", "therefore", "because": +1
    premise: Pattern | None = None  # the next sentence draws its conclusion from this one ("Thus, we ..."): +2
    general: Pattern | None = None  # a generalisation over people or usage ("most", "typically"): +1
    subjects: Pattern | None = None  # the change itself is the subject ("This change", "Having a single ..."): +1
    modal: Pattern | None = None  # a forecast or a conditional ("will", "would", "should"): +1
    status_quo: Pattern | None = None  # describes what is, not what the plan claims ("currently", "today"): -2
    evidence: Pattern | None = None  # a figure, link, citation, data, a test: not unsupported
    examples: Pattern | None = None  # "for example", "such as": evidence, but not for a generalisation
    openers: Pattern | None = None  # how a paragraph that backs the claim before it opens ("For example, …")
    min_shown: int = 5  # strength a claim needs to be shown by default
    min_found: int = 3  # below this it is not reported at all, even with --all


_CUE = 2  # every claim has a cue (the rule's pattern); the other parts add to it


def _has(pattern: Pattern | None, text: str) -> bool:
    return pattern is not None and pattern.search(text) is not None


def strength(settings: ClaimSettings, sentence: str, section_title: str | None, following: str = "") -> int:
    """How load-bearing a cue sentence is (see the module docstring); higher is shown first. ``following``
    is the next sentence: when it draws a conclusion ("Thus, we believe …"), this one is its premise."""
    score = _CUE + 2 * _has(settings.sections, section_title or "") + 2 * _has(settings.premise, following)
    score += _has(settings.connectives, sentence) + _has(settings.subjects, sentence) + _has(settings.modal, sentence)
    score += _has(settings.general, sentence)
    return score - 2 * _has(settings.status_quo, sentence)


def topic(settings: ClaimSettings, sentence: str) -> ClaimTopic | None:
    """The first topic (in the file's order, most specific first) the sentence is about, or None."""
    return next((t for t in settings.topics if t.words.search(sentence)), None)


def evidenced(settings: ClaimSettings, claim: str, *texts: str) -> bool:
    """Whether any of ``texts`` (the sentence as written, links included, and the one after it) offers
    evidence for ``claim``. An example counts, except for a generalisation: one case does not show that
    "a majority of users" do something."""
    examples = settings.examples if not _has(settings.general, claim) else None
    return any(_has(settings.evidence, t) or _has(examples, t) for t in texts)


_SENTENCE_TAIL = re.compile(r"[:\s]*$")


def leads_on(sentence: str) -> bool:
    """Whether the sentence hands over to what follows ("… a few facts to be aware of:"): its evidence,
    if any, is the next block (a list or a table)."""
    tail = _SENTENCE_TAIL.search(sentence)
    return tail is not None and ":" in tail.group(0)


_RELATIVE = re.compile(r",\s+which\b(?!\s+means\b)[^,;:.()]*$")


def aside(sentence: str, at: int) -> bool:
    """Whether offset ``at`` of the sentence sits inside parentheses or a relative clause after a comma: "(which
    is likely to be useful data)", "…run local caching proxies, which would speed up their downloads too" are
    remarks on the way, not the claim the argument stands on ("…, which means most users …" draws a conclusion)."""
    before = sentence[:at]
    return before.count("(") > before.count(")") or _RELATIVE.search(before) is not None


def backs(settings: ClaimSettings, first_sentence: str, kind: str, claim_kind: str = "paragraph") -> bool:
    """Whether a following paragraph (``kind`` is its block kind) can back the claim before it (in a block of
    ``claim_kind``): a list or a table of details, or a paragraph that opens with its evidence ("For example,
    …", "We measured …"). The next item of the claim's own list is a sibling point, not its details."""
    if kind in ("list_item", "table_cell"):
        return kind != claim_kind
    return settings.openers is not None and settings.openers.match(first_sentence) is not None
