"""Which check hits to show first, and which ones restate a decision already shown.

A per-rule cap that keeps hits in document order shows a blockquote or a history note and hides the
decision itself. Here hits are ranked by how much the sentence commits the author (first-person
future or decided language, "all" and "no longer", dates and versions, customers in scope, a summary
or decision section), and a decision stated in the TL;DR, its section and the requirements table
becomes one finding that names every place.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from doccritic.core.decision_cues import opening_verb
from doccritic.core.findings import Finding, Kind
from doccritic.core.rules import soft_spaces  # hard-wrapped prose: "This PEP\nproposes" is one phrase

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from doccritic.core.rules import Pattern

_COMMITS = re.compile(
    r"\b(?:we|I)\s+(?:will|shall|are going to|have decided|decided|must|plan to|intend to)\b"
    r"|\b(?:we|I)(?:['’]ll|['’](?:re|m)\s+going\s+to)\b"  # "We're going to develop", "We’ll add"
    # the authors' own proposal: "We propose a new field in meta.json", "we first propose to bump the version"
    r"|\bwe\s+(?:(?:also|first|then|now|therefore|thus|hence|hereby|further|instead|\w+ly)\s+)?(?:propose|are\s+proposing)\b"
    # ... and in the passive ("Calendar Versioning is proposed in the form YYYY.N"), not another party's
    r"|\b(?:is|are)\s+(?:hereby\s+|now\s+|also\s+|therefore\s+)?proposed\b(?!\s+by\b)"
    r"(?!\s+in\s+(?:(?-i:[A-Z]{2,5})\b|:pep:|\[|another\b|other\b|a\s+separate\b))"
    r"|\b(?:will|shall)\s+(?:be|become|no longer)\b"
    r"|\b(?:is|are)\s+(?:deprecated|removed|deleted|replaced|retired|dropped|turned on|enabled)\b"
    # a plan's decided present: "Reminders move from the free plan to Growth", "Existing cards move to the vault"
    r"|\b(?:move|moves|switch|switches|ship|ships|launch|launches|migrate|migrates)\s+(?:\w+\s+){0,3}?(?:to|from|onto|into)\b",
    re.IGNORECASE,
)
_SCOPE = re.compile(
    r"\b(?:all|every|entire|100\s?%|no longer|always|never|existing|default|public|production|mainnet)\b",
    re.IGNORECASE,
)
_WHEN = re.compile(
    r"\b(?:19|20)\d{2}(?:-\d{2}){0,2}\b|\bQ[1-4]\b|\bv?\d+\.\d+\b"
    r"|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d|[€$£]\s?\d",  # a date, a version, a price
)
# The document speaking of itself: "This EIP deprecates Proof-of-Work", "This PEP is planning removal of ..."
_SELF = re.compile(
    r"\bthis (?:(?-i:[A-Z]{2,5})|proposal|change|document|design|specification|record|feature|enhancement)\s+"
    r"(?:\w+ly\s+)?(?:is\s+planning|aims|proposes|introduces|deprecates|removes|replaces|changes|makes|adds|requires"
    r"|supersedes|modifies|moves|drops|disables|enables|retires|enforces|adopts|forbids|disallows|breaks|will)\b",
    re.IGNORECASE,
)
# An imperative that opens the sentence ("Remove support for TLS 1.0", "Retire the v1 API"): a decision when
# it stands in a decision, summary or requirements section; a step in a how-to elsewhere.
_IMPERATIVE = re.compile(
    r"[\W\d]*(?:step\s+\d+\W+)?(?:use|replace|remove|adopt|switch|move|migrate|retire|decommission|deprecate|"
    r"delete|drop|stop|disable|enable|commit|guarantee|introduce|consolidate|standardi[sz]e|sign|launch|ship|"
    r"make|set|reduce|change)\b",
    re.IGNORECASE,
)
_COMMITS, _SCOPE, _SELF = (re.compile(soft_spaces(p.pattern), p.flags) for p in (_COMMITS, _SCOPE, _SELF))
TENTATIVE = re.compile(r"\b(?:may|might|could|would|can|perhaps|maybe)\b|\?", re.IGNORECASE)
_KEY_SECTION = re.compile(
    r"\b(?:tl;?dr|summary|abstract|overview|decisions?|proposals?|proposed|specification|rollout|requirements"
    r"|design|recommendations?|what we(?:\x27ll|’ll| will) do)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][\w'-]{2,}")
STOP_WORDS = frozenset(re.findall(r"\w+", "the and for are with this that will from into its our their them they"))
STOP_WORDS |= frozenset(re.findall(r"\w+", "have has had been was were which when then than all any can not but"))
STOP_WORDS |= frozenset(re.findall(r"\w+", "also only each per via after before over under new"))
_LISTED = 5  # restatements quoted in a card's rationale; every place stays in `restated_at`
_RESTATEMENT = 75  # token-set similarity (0-100) above which two quotes state the same decision
_SHARED = 0.6  # or: this share of the shorter quote's content words appear in the other
_SHARED_DOOR = 0.6  # a decision is restated with its subject and few other words kept ("distutils … 3.12")


@lru_cache(maxsize=4096)  # a long file repeats its sentences: score each distinct one once
def salience(quote: str, section_title: str | None, verbs: frozenset[str] = frozenset()) -> int:
    """How strongly a sentence commits its author; higher is shown first within a severity. ``verbs``:
    base forms that make an opening imperative a decision in a key section (``settings.imperative_verbs``)."""
    key = bool(section_title and _KEY_SECTION.search(section_title))
    score = 2 * _decides(quote, key, verbs) + bool(_SCOPE.search(quote)) + bool(_WHEN.search(quote)) + key
    return score - bool(TENTATIVE.search(quote))


def _decides(quote: str, key: bool, verbs: frozenset[str]) -> bool:
    return bool(_COMMITS.search(quote) or _SELF.search(quote) or (
        key and (_IMPERATIVE.match(quote) or opening_verb(quote, 0, len(quote), verbs))
    ))


def decides(quote: str, section_title: str | None, verbs: frozenset[str] = frozenset()) -> bool:
    """Whether the sentence itself takes a decision: a first-person or decided future, a decided present ("are
    removed"), the document speaking of itself, an imperative in a key section; not tentative. Scope words, dates
    and a summary's heading add to :func:`salience` but decide nothing: "The *Standard Library Reorganization*
    proposal removed a bunch of modules from Python 3.0" in an Abstract is history."""
    key = bool(section_title and _KEY_SECTION.search(section_title))
    return _decides(quote, key, verbs) and not TENTATIVE.search(quote)


_FUTURE = re.compile(
    r"\b(?:will|shall)\s+(?:\w+ly\s+)?(?!not\b|never\b|likely\b|probably\b)[a-z]{2,}\b|\w['’]ll\b", re.IGNORECASE
)


def committed(quote: str, section_title: str | None, minimum: int, verbs: frozenset[str] = frozenset()) -> bool:
    """Whether a door's sentence commits its author enough to be shown by default: salience at least
    ``minimum``, or a plain future ("Marketing will rebrand the product") with no tentative modal. Ranking
    among the shown doors stays with :func:`salience`."""
    if salience(quote, section_title, verbs) >= minimum:
        return True
    return bool(_FUTURE.search(quote)) and not TENTATIVE.search(quote)


# Where a future's own clause ends: "will identify and/or delete unused CDK assets, resulting in smaller buckets"
_CLAUSE_END = re.compile(r"[,;:()]|\s(?:because|since|so that|which|resulting|while|whereas|than)\b", re.IGNORECASE)
# A verb the future governs: the one after "will" (or "will" and an adverb), or one coordinated with it
_GOVERNED = re.compile(r"(?:\b(?:will|shall)\s+(?:\w+ly\s+)?|\b(?:and|or|and/or)\s+)([a-z]{3,})\b", re.IGNORECASE)
_NOT_BASE = re.compile(r"(?:ion|ions|al|als|ment|ments|ed|ing|s)$")  # a noun or another form: "migrations", "removal"


def future_change(quote: str, changes: Sequence[Pattern]) -> bool:
    """Whether the sentence states a change as a plain future, a verb of change governed by the future in its
    own clause: "The asset garbage collection CLI will identify and/or delete unused CDK assets", "`cdk gc` will
    trace all assets ... and delete the assets that were not reached". A product or a tool as the subject decides
    as firmly as "we will". Not the change named as a noun ("in-place store migrations will take less time than
    JSON migrations", "the compactor will apply the deletion"), a benefit ("Removing unsupported TLS versions
    will improve security"), nor anything tentative. ``changes``: the verbs of change (`owd.subject`'s
    patterns)."""
    m = _FUTURE.search(quote)
    if m is None or TENTATIVE.search(quote):
        return False
    clause = _CLAUSE_END.split(quote[m.start():], maxsplit=1)[0]
    for verb in _GOVERNED.finditer(clause):
        word = verb.group(1)
        if not _NOT_BASE.search(word.lower()) and any(p.search(word) for p in changes):
            return True
    return False


def _stems(text: str) -> frozenset[str]:
    return frozenset(w[:5] for w in (m.group(0).lower() for m in _WORD.finditer(text)) if w not in STOP_WORDS)


# a card kept by `collapse`: the finding, its quote lower-cased, its stems, its restatements, its subject words
_Kept = tuple[Finding, str, frozenset[str], list[Finding], frozenset[str]]


def collapse(group: list[Finding], limit: int,
             subject_of: Callable[[Finding], frozenset[str]] | None = None, *, partial: bool = False) -> list[Finding]:
    """Up to ``limit`` findings of one rule, best first, each restatement folded into the finding it
    repeats (whose rationale then quotes every other place). ``group`` is sorted best first. For doors,
    ``subject_of`` (the title's words a door states, core/subject.py) folds a passage that states the
    document's central change with no title word beyond a stronger one's ("Step 1: Deprecate in-tree
    dockershim" after "a deprecation and subsequent removal of dockershim from kubelet").

    Each hit is compared with the kept ones only (at most ``limit``), so a long file stays linear. ``partial``: the
    rule stopped reading before the end of the document, so a card counts its places as "at least"."""
    if len(group) < 2 or group[0].subtype == "placeholder":
        return group  # every placeholder is its own to-do
    from rapidfuzz import fuzz  # here, not at the top: a rule with one finding needs none of it

    door = group[0].kind is Kind.ONE_WAY_DOOR
    share = _SHARED_DOOR if door else _SHARED
    def same(text: str, stems: frozenset[str], subj: frozenset[str], k: _Kept) -> bool:
        shared = len(stems & k[2])
        if door and len(stems - k[2]) >= 2 and len(k[2] - stems) == len(stems - k[2]) and shared >= 4:
            return False  # the same frame with another object: "decommission our Concourse pipelines once …"
            # and "decommission our management cluster once …" are two decisions
        return fuzz.token_set_ratio(text, k[1]) >= _RESTATEMENT or (
            shared >= 3 and shared >= share * min(len(stems), len(k[2]))
        ) or bool(subj and k[4] and subj <= k[4])

    kept: list[_Kept] = []
    seen: dict[str, int | None] = {}  # quote -> the kept card it restates (None: dropped past the cap)
    for f in group:
        if f.quote in seen:  # the same sentence again: same verdict, no comparison
            at = seen[f.quote]
            if at is not None:
                kept[at][3].append(f)
            continue
        text, stems = f.quote.lower(), _stems(f.quote)
        subj = subject_of(f) if door and subject_of is not None else frozenset()
        at = next((i for i, k in enumerate(kept) if same(text, stems, subj, k)), None)
        if at is not None:
            kept[at][3].append(f)
        elif len(kept) < limit:
            at = len(kept)
            kept.append((f, text, stems, [], subj))
        seen[f.quote] = at
    for f, _, _, also, _ in kept:
        if also:
            places = "; ".join(f"“{_short(a.quote)}”" for a in also[:_LISTED])
            more = f" and {len(also) - _LISTED} more" if len(also) > _LISTED else ""
            times = f"at least {len(also) + 1}" if partial else f"{len(also) + 1}"
            f.rationale += f" The document states this {times} times; also: {places}{more}."
            f.restated_at = sorted((a.start, a.end) for a in also if a.start is not None and a.end is not None)
    return [k[0] for k in kept]


# A name that picks out one thing in a document: a version ("v1", "3.12"), an identifier in code quotes or
# with a dot or underscore ("reminder.sent", "SSTORE_CLEARS"). Dates are not names: one cut-over date
# often carries several separate decisions.
_NAME = re.compile(r"`[^`\n]{2,40}`|\bv\d+\b|\b\d+\.\d+(?:\.\d+)?\b|\b\w+[._]\w+\b")
_DATE = re.compile(r"^\d{4}[-./]\d")


def _names(quote: str) -> frozenset[str]:
    return frozenset(n.strip("`").lower() for n in _NAME.findall(quote) if not _DATE.match(n.strip("`")))


def fold_across_rules(findings: list[Finding]) -> list[Finding]:
    """One decision caught by two rules ("the v1 API is deprecated" and "removal of the v1 API"; "distutils
    will no longer be installed in 3.12" and "imports of distutils no longer work from 3.12") becomes one
    card: a one-way door that names the same thing (a version, an identifier) as a stronger door shown
    before it, and shares another content word with it, is folded into that door, which then lists it.
    ``findings`` are sorted best first; at most a cap's worth of doors, so the pairwise pass stays small."""
    kept: list[tuple[Finding, frozenset[str], frozenset[str]]] = []
    out: list[Finding] = []
    for f in findings:
        if f.kind is not Kind.ONE_WAY_DOOR or f.start is None or f.end is None:
            out.append(f)
            continue
        names, stems = _names(f.quote), _stems(f.quote)
        into = next((k for k, kn, ks in kept if k.rule != f.rule and names & kn and len((stems & ks) - kn) >= 1
                     and (names & kn) != (stems & ks)), None) if names else None
        if into is None:
            kept.append((f, names, stems))
            out.append(f)
            continue
        into.rationale += f" The same decision is also stated as “{_short(f.quote)}”."
        into.restated_at = sorted({*into.restated_at, (f.start, f.end), *f.restated_at})
    return out


def _short(quote: str) -> str:
    quote = " ".join(quote.split())
    return quote if len(quote) <= 90 else quote[:87] + "…"
