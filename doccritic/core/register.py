"""The decision register and the assumptions ledger: one row per decision or load-bearing claim.

Checks, critics and debate referees each mark the same decision in their own words and places: the
TL;DR, its section and the rollout plan all say "auto-charge on for every account". ``consolidate``
folds every mark of one decision into one row that links all of them, so the PM settles it once.

A row's fields start out derived from its findings; the PM edits any of them, and the names of the
fields the PM set are kept in ``edited``. Consolidation runs again whenever findings change (a check
re-run, a critic, a re-anchor after an edit) and a new row takes over the id and the edited fields of
the old row it matches (a shared finding id, else a passage saying the same thing), so edits survive.
An edited row whose findings are gone (dismissed, or the text no longer says it) is kept *dormant*:
stored, not shown or counted, and revived with its edits when its findings come back.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from doccritic.core.debates import Debate
from doccritic.core.findings import Finding, Kind, Review, Source, Status
from doccritic.core.register_rows import Assumption, Decision, Level, R, Readiness

CHECKS = "offline checks"  # "raised by" for a check finding
REFEREE = "debate referee"  # for a referee's point or a finding added from one
_IGNORED = (Status.DISMISSED, Status.OUTDATED)  # the PM said it is not a problem, or the text is gone

# -- consolidation ------------------------------------------------------------------------------------

@dataclass
class _Mark:
    """One finding or referee point, as consolidation sees it."""

    finding: Finding | None
    point_id: str | None
    raised_by: list[str]
    title: str
    quote: str
    spans: list[tuple[int, int]]
    rule: str | None
    pos: int
    stems: frozenset[str] = frozenset()
    restated: list[str] = field(default_factory=list)  # the words of the other places it is stated


_WORD = re.compile(r"[A-Za-z][A-Za-z']{2,}")
_STOP = frozenset(re.findall(r"\w+", "the and for are with this that will from into its our their them they have has"
                             " had been was were which when then than all any can not but also only each per via"
                             " after before over under new what who"))
_SAME_TEXT = 75  # token-set similarity (0-100) above which two passages state the same thing
_SHARED = 0.6  # or: this share of the shorter passage's content words (at least 3) appear in the other
_SAME_RULE = 0.5  # the share when one check rule marked both
_NEXT_TO = 2  # characters between two spans of consecutive sentences (". ")
_SAME_PLACE = 0.5  # spans overlapping by this share of the shorter one mark the same passage


def _stems(text: str) -> frozenset[str]:
    return frozenset(w[:5] for w in (m.group(0).lower() for m in _WORD.finditer(text)) if w not in _STOP)


def _similar(a: str, b: str, sa: frozenset[str], sb: frozenset[str], share: float = _SHARED) -> bool:
    if min(len(sa), len(sb)) < 3:  # "all users" says too little to be the same decision as anything
        return False
    shared = len(sa & sb)
    if shared >= 3 and shared >= share * min(len(sa), len(sb)):
        return True
    from rapidfuzz import fuzz

    return fuzz.token_set_ratio(a.lower(), b.lower()) >= _SAME_TEXT


_PAIRS = 64  # span pairs tried one by one; past this (a check restated 800 times) only the nearby ones


def _overlaps(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> bool:
    for s1, e1, s2, e2 in _near(a, b, 0):
        shorter = max(1, min(e1 - s1, e2 - s2))
        if min(e1, e2) - max(s1, s2) >= _SAME_PLACE * shorter:
            return True
    return False


def _adjacent(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> bool:
    """Two passages with at most a space between them: consecutive sentences of one paragraph or item."""
    return any(0 <= s2 - e1 <= _NEXT_TO or 0 <= s1 - e2 <= _NEXT_TO for s1, e1, s2, e2 in _near(a, b, _NEXT_TO))


def _near(a: list[tuple[int, int]], b: list[tuple[int, int]], gap: int) -> Iterator[tuple[int, int, int, int]]:
    """Pairs of spans, one from each list, that overlap or lie within ``gap`` of each other (and, for short
    lists, all pairs): two marks restated hundreds of times were compared pair by pair, 0.3 s at 1M words."""
    if len(a) * len(b) <= _PAIRS:
        yield from ((s1, e1, s2, e2) for s1, e1 in a for s2, e2 in b)
        return
    if len(a) > len(b):
        yield from ((s1, e1, s2, e2) for s2, e2, s1, e1 in _near(b, a, gap))
        return
    spans = sorted(b)
    starts = [s for s, _ in spans]
    reach = max(e - s for s, e in spans) + gap
    for s1, e1 in a:  # a span of b within the gap starts after s1 - reach and before e1 + gap
        for s2, e2 in spans[bisect_right(starts, s1 - reach - 1) : bisect_right(starts, e1 + gap)]:
            yield s1, e1, s2, e2


def _same(a: _Mark, b: _Mark) -> bool:
    if _overlaps(a.spans, b.spans):
        return True
    if a.rule and b.rule and a.rule != b.rule:  # two rules on two passages: two decisions (delete vs migrate)
        return False
    if a.rule and a.rule == b.rule and _adjacent(a.spans, b.spans):  # one rule, one item, two sentences
        return True
    # One rule on two passages sharing the words that matter ("legacy templates ... deleted") is one decision
    # said twice, in the summary and in its section, even when the rest of the sentences differ.
    if _similar(a.quote, b.quote, a.stems, b.stems, _SAME_RULE if a.rule else _SHARED):
        return True
    critics = a.finding is not None and a.finding.source is not Source.CHECK and b.finding is not None \
        and b.finding.source is not Source.CHECK
    return critics and _similar(a.title, b.title, _stems(a.title), _stems(b.title))


def _marks(findings: Iterable[Finding], debates: Iterable[Any], kind: Kind, text: str = "") -> list[_Mark]:
    """The findings and points of ``kind``; with the document's ``text``, a check's restatements (offsets
    only) get their words, for "what closes the door" and for finding the row again later."""
    marks = []
    for f in findings:
        if f.kind is not kind or f.status in _IGNORED:
            continue
        spans = [(f.start, f.end)] if f.placed and f.start is not None and f.end is not None else []
        spans += [tuple(s) for s in f.restated_at]  # type: ignore[misc]
        who = [CHECKS] if f.source is Source.CHECK else [REFEREE] if f.source is Source.DEBATE else f.personas
        restated = [text[s:e] for s, e in f.restated_at if 0 <= s < e <= len(text)]
        marks.append(_Mark(f, None, who or ["critic"], f.title, f.quote, spans, f.rule,
                           f.start if f.start is not None else 1 << 62, restated=restated))
    for debate in debates:
        summary = getattr(debate, "summary", None)
        for point in (summary.points if summary is not None else []):
            if point.kind is not kind or point.finding_id:  # added as a finding: that finding stands for it
                continue
            spans = [(c.start, c.end) for c in point.citations if c.placed]
            quote = next((c.quote for c in point.citations if c.quote), "")
            marks.append(_Mark(None, point.id, [REFEREE], " ".join(point.text.split()), quote or point.text, spans,
                               None, min((s for s, _ in spans), default=1 << 62)))
    for m in marks:
        m.stems = _stems(m.quote)
    return sorted(marks, key=lambda m: m.pos)


def _clusters(marks: list[_Mark]) -> list[list[_Mark]]:
    """Marks of one decision together (transitively), clusters in document order of their first mark."""
    parent = list(range(len(marks)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(marks)):
        for j in range(i):
            if root(i) != root(j) and _same(marks[i], marks[j]):
                parent[root(i)] = root(j)
    groups: dict[int, list[_Mark]] = {}
    for i, m in enumerate(marks):
        groups.setdefault(root(i), []).append(m)
    return list(groups.values())


def _linked(group: list[_Mark], prefix: str) -> dict[str, Any]:
    """The fields every row has: who raised it, what it links, where it is stated."""
    who: dict[str, None] = {}
    for m in group:
        who.update(dict.fromkeys(m.raised_by))
    spans = sorted({s for m in group for s in m.spans})
    quotes = list(dict.fromkeys(" ".join(q.split()) for m in group for q in (m.quote, *m.restated) if q.strip()))
    first = group[0].finding.id if group[0].finding is not None else group[0].point_id
    return {"id": f"{prefix}-{hashlib.sha1(str(first).encode()).hexdigest()[:10]}",  # same run, same ids
            "raised_by": list(who), "finding_ids": [m.finding.id for m in group if m.finding is not None],
            "point_ids": [m.point_id for m in group if m.point_id], "passages": spans, "quotes": quotes}


def _headline(group: list[_Mark]) -> str:
    """A critic's or referee's title names the decision; a check's title is its rule's, so its quote does."""
    spoken = next((m.title for m in group if m.finding is None or m.finding.source is not Source.CHECK), None)
    return _short(spoken or group[0].quote or group[0].title, 160)


_LINK = re.compile(r"!?\[([^\]\n]+)\]\([^)\s]*\)")  # a Markdown link or image: its text is what a reader sees


def _short(text: str, limit: int) -> str:
    text = _LINK.sub(r"\1", text)
    text = " ".join(text.replace("**", "").replace("__", "").split()).lstrip("-*+:— ").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_RANK = {"one_way": 3, "costly": 2, "two_way": 1}
_DATE = re.compile(
    r"\b(?:19|20)\d{2}-\d{2}(?:-\d{2})?\b|\bQ[1-4]\s+(?:19|20)\d{2}\b"
    r"|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}(?:,\s+(?:19|20)\d{2})?\b"
    r"|\b(?:launch day|at launch|on launch|cut-?over|go-?live|on signing|general availability|GA)\b",
)


def _decision(group: list[_Mark]) -> Decision:
    revs = [m.finding.reversibility for m in group if m.finding is not None and m.finding.reversibility]
    spoken = [r for m in group if m.finding is not None and m.finding.source is not Source.CHECK
              and (r := m.finding.reversibility)]
    level: Level = max((r.level for r in revs), key=_RANK.__getitem__) if revs else "one_way"
    cost = next((r.cost_to_reverse for r in [*spoken, *revs] if r.cost_to_reverse), "")
    ramp = next((r.exit_ramp for r in [*spoken, *revs] if r.exit_ramp), "")
    whens = dict.fromkeys([*(r.closes_when.strip() for r in revs if r.closes_when.strip()),
                           *(w.group(0) for m in group for q in (m.quote, *m.restated) for w in _DATE.finditer(q))])
    return Decision(decision=_headline(group), reversibility=level, closes=", ".join(whens), cost_to_reverse=cost,
                    suggested_exit_ramp=ramp, **_linked(group, "dec"))


_EVIDENCE = re.compile(r"\n?Evidence that would settle it:\s*(.+)$", re.DOTALL)


def _assumption(group: list[_Mark]) -> Assumption:
    findings = [m.finding for m in group if m.finding is not None]
    spoken = [f for f in findings if f.source is not Source.CHECK] + [f for f in findings if f.source is Source.CHECK]
    why = evidence = test = ""
    for f in spoken:
        found = _EVIDENCE.search(f.rationale)
        evidence = (evidence or (f.evidence_needed or "").strip() or (found.group(1).strip() if found else "")
                    or (f.question or ""))
        test = test or (f.how_to_test or "").strip()
        why = why or _short(_EVIDENCE.sub("", f.rationale), 400)
        if f.suggestion and not f.suggestion.strip().startswith(("“", '"')):  # a rewrite is not a test
            test = test or _short(f.suggestion, 400)
    if not why:
        why = next((m.title for m in group if m.finding is None), "")
    # The claim is what the plan takes for granted, in the critic's words when it gave them; the title (a
    # finding's headline) only when it did not: the rationale argues about the claim, it is not the claim.
    claim = next((_short(f.assumption or "", 160) for f in spoken if (f.assumption or "").strip()), "")
    return Assumption(claim=claim or _headline(group), why=why, evidence=_short(evidence, 400), test=test,
                      **_linked(group, "asm"))


def consolidate(findings: Iterable[Finding], debates: Iterable[Any] = (), *, decisions: Iterable[Decision] = (),
                assumptions: Iterable[Assumption] = (), text: str = "") -> tuple[list[Decision], list[Assumption]]:
    """The register and the ledger for these findings and debates, keeping the PM's edits to the previous
    ``decisions`` and ``assumptions``: live rows in document order, then dormant edited rows."""
    findings, debates = list(findings), list(debates)
    fresh_d = [_decision(g) for g in _clusters(_marks(findings, debates, Kind.ONE_WAY_DOOR, text))]
    fresh_a = [_assumption(g) for g in _clusters(_marks(findings, debates, Kind.CHALLENGED_ASSUMPTION, text))]
    return _carry(fresh_d, list(decisions)), _carry(fresh_a, list(assumptions))


def _carry(fresh: list[R], old: list[R]) -> list[R]:
    """Each fresh row takes the id and the edits of the old row it matches; unmatched edited rows go dormant.

    Rows sharing a finding or a point are paired first, so a passage that merely resembles another row's
    cannot take that row away from the row that really continues it."""
    unclaimed = list(old)
    matches: dict[int, R] = {}
    for by_text in (False, True):
        for i, row in enumerate(fresh):
            if i not in matches and (match := _match(row, unclaimed, by_text)) is not None:
                unclaimed.remove(match)
                matches[i] = match
    rows = []
    for i, row in enumerate(fresh):
        if (match := matches.get(i)) is not None:
            row = row.model_copy(update={"id": match.id, "edited": list(match.edited),
                                         **{f: getattr(match, f) for f in match.edited}})
            if isinstance(row, Decision) and "exit_ramp" in row.edited and "status" not in row.edited:
                row.status = "exit_ramp_named" if row.exit_ramp else "open"
        rows.append(row)
    dormant = [r.model_copy(update={"finding_ids": [], "point_ids": [], "passages": []})
               for r in unclaimed if r.edited]
    return rows + dormant


def _match(row: R, old: list[R], by_text: bool) -> R | None:
    """The old row sharing most findings or points with ``row``; ``by_text``, the one whose passages say
    the same thing most closely."""
    if not by_text:
        ids = {*row.finding_ids, *row.point_ids}

        def overlap(o: R) -> int:
            return len(ids & {*o.finding_ids, *o.point_ids})

        shared = max(old, key=overlap, default=None)
        return shared if shared is not None and overlap(shared) else None
    from rapidfuzz import fuzz

    def score(o: R) -> float:
        pairs = [(q, oq) for q in row.quotes for oq in o.quotes]
        return max((101.0 if q == oq else fuzz.token_set_ratio(q.lower(), oq.lower())
                    for q, oq in pairs if q == oq or _similar(q, oq, _stems(q), _stems(oq))), default=0.0)

    best = max(old, key=score, default=None)
    return best if best is not None and score(best) > 0 else None


# -- readiness ------------------------------------------------------------------------------------------

def _n(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def readiness(decisions: Iterable[Decision], assumptions: Iterable[Assumption], findings: Iterable[Finding],
              debates: Iterable[Any] = ()) -> Readiness:
    """Counts over live rows. A door that was changed is no longer a door; open questions are open-question
    findings still open or deferred, and points a debate's referee left unresolved."""
    doors = [d for d in decisions if d.live and d.status != "changed"]
    one_way = [d for d in doors if d.reversibility == "one_way"]
    claims = [a for a in assumptions if a.live]
    questions = sum(f.kind is Kind.OPEN_QUESTION and f.status in (Status.OPEN, Status.DEFERRED) for f in findings)
    for debate in debates:
        summary = getattr(debate, "summary", None)
        questions += sum(p.category == "unresolved" and not p.finding_id for p in (summary.points if summary else []))
    counts = {"one_way_doors": len(one_way), "without_exit_ramp": sum(d.status == "open" for d in one_way),
              "costly": sum(d.reversibility == "costly" for d in doors), "assumptions": len(claims),
              "untested": sum(a.status == "untested" for a in claims),
              "invalidated": sum(a.status == "invalidated" for a in claims), "open_questions": questions}
    return Readiness(**counts, summary=_sentence(**counts))


def _sentence(*, one_way_doors: int, without_exit_ramp: int, costly: int, assumptions: int, untested: int,
              invalidated: int, open_questions: int) -> str:
    """"3 one-way doors, 1 without an exit ramp; 5 load-bearing assumptions, 2 untested; 4 open questions"."""
    doors = _n(one_way_doors, "one-way door")
    if one_way_doors:
        doors += f", {without_exit_ramp} without an exit ramp"
    if costly:
        doors += f", {costly} costly to reverse"
    claims = _n(assumptions, "load-bearing assumption")
    if assumptions:
        claims += f", {untested} untested" + (f", {invalidated} invalidated" if invalidated else "")
    return f"{doors}; {claims}; {_n(open_questions, 'open question')}"


def refresh(review: Review) -> Review:
    """``review`` with its register, ledger and readiness worked out again from its findings and debates,
    keeping the PM's edits (the review's own rows, or ``review.decisions`` passed in from elsewhere)."""
    debates = _debates(review.debates)
    decisions, assumptions = consolidate(review.findings, debates, text=review.document.text,
                                         decisions=review.decisions,
                                         assumptions=review.assumptions)
    return review.model_copy(update={"decisions": decisions, "assumptions": assumptions,
                                     "readiness": readiness(decisions, assumptions, review.findings, debates)})


def _debates(raw: Iterable[Any]) -> list[Debate]:
    """The review's debates as records; one that does not read as a debate has no points to offer."""
    found = []
    for d in raw:
        try:
            found.append(d if isinstance(d, Debate) else Debate.model_validate(d))
        except (TypeError, ValueError):
            continue
    return found
