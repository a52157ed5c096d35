"""Score reviews of labelled drafts: how much of what was planted the critics found, and at what noise.

The unit of recall is a (flaw, run) pair, so k repeats of a case weigh k times and the mean over repeats is
exact. Every ratio is reported as hits, of and rate, so a figure can be checked by hand and a test can assert
it exactly. Precision is a *lower bound*: a finding that matches no label may still be right (labels list
what was planted, not everything a draft gets wrong), so the unmatched findings are listed for a person to
adjudicate. Figures are plain JSON-ready dicts: the CLI writes them, the report and baseline read them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from doccritic.core.eval_labels import DIFFICULTIES, Case, Flaw
from doccritic.core.eval_match import Hit, Matcher, contains_keyword, misquoted
from doccritic.core.findings import Kind

SCORE_SCHEMA = "doccritic.eval/1"


@dataclass(frozen=True)
class CriticRun:
    """What one critic did in a run: enough for cap-fill and for knowing which personas took part."""

    persona: str
    findings: int
    status: str = "done"


@dataclass(frozen=True)
class CaseRun:
    """One review of one case (a saved review JSON, one live panel run, or ``doccritic check`` output)."""

    case_id: str
    findings: Sequence[Any]  # core.findings.Finding
    critics: Sequence[CriticRun] = ()
    cost: float | None = None
    first_finding_s: float | None = None

    def personas(self) -> set[str]:
        """Who took part: the critics listed, else whoever signed a finding."""
        if self.critics:
            return {c.persona for c in self.critics}
        return {p for f in self.findings for p in f.personas}


def ratio(hits: float, of: int) -> dict[str, Any]:
    return {"hits": hits, "of": of, "rate": round(hits / of, 4) if of else None}


@dataclass
class _Tally:
    """Running counts over every run of every case; ``figures`` turns them into ratios."""

    pairs: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    per_flaw: dict[tuple[str, str], list[bool]] = field(default_factory=lambda: defaultdict(list))
    mismatch_flaws: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    counts: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    unmatched: list[dict[str, Any]] = field(default_factory=list)
    cases: dict[str, dict[str, Any]] = field(default_factory=dict)
    costs: list[float] = field(default_factory=list)
    first: list[float] = field(default_factory=list)

    def add(self, key: str, hit: bool, weight: int = 1) -> None:
        self.pairs[key][0] += weight if hit else 0
        self.pairs[key][1] += weight

    def get(self, key: str) -> dict[str, Any]:
        hits, of = self.pairs.get(key, [0, 0])
        return ratio(hits, of)


def score(
    cases: Sequence[tuple[Case, str]],
    runs: Sequence[CaseRun],
    *,
    checks: Mapping[str, Sequence[Any]] | None = None,
    max_findings: int = 6,
) -> dict[str, Any]:
    """Figures for ``runs`` of the labelled ``cases`` (each with its draft's loaded text).

    ``checks`` holds ``doccritic check``'s findings per case id: the flaws they already catch leave the
    denominator of ``panel_adds``. ``max_findings`` is the per-critic cap, for the cap-fill rate.
    """
    by_id = {case.id: (case, Matcher(case, text)) for case, text in cases}
    if stray := sorted({r.case_id for r in runs} - set(by_id)):
        raise ValueError(f"runs for unknown cases: {', '.join(stray)}")
    caught = _caught_by_checks(by_id, checks or {})
    tally = _Tally()
    for index, run in enumerate(runs):
        case, matcher = by_id[run.case_id]
        _score_run(tally, case, matcher, run, index, caught, max_findings)
    return _figures(tally, by_id, runs, checks is not None)


def _caught_by_checks(by_id: Mapping[str, tuple[Case, Matcher]], checks: Mapping[str, Sequence[Any]]) -> set[str]:
    caught = set()
    for case_id, findings in checks.items():
        if case_id in by_id:
            matcher = by_id[case_id][1]
            caught |= {f"{case_id}/{h.flaw.id}" for f in findings if (h := matcher.match(f)) and h.full}
    return caught


def _score_run(tally: _Tally, case: Case, matcher: Matcher, run: CaseRun, index: int, caught: set[str],
               max_findings: int) -> None:
    hits: list[tuple[Any, Hit | None]] = [(f, matcher.match(f)) for f in run.findings]
    full = {h.flaw.id for _, h in hits if h and h.full}
    by_flaw: dict[str, int] = defaultdict(int)
    for _, h in hits:
        if h:
            by_flaw[h.flaw.id] += 1
    ran = run.personas()
    for flaw in case.flaws:
        found = flaw.id in full
        _count_flaw(tally, case, flaw, found, f"{case.id}/{flaw.id}" in caught)
        tally.per_flaw[(case.id, flaw.id)].append(found)
        if not found and by_flaw.get(flaw.id):
            tally.mismatch_flaws[(case.id, flaw.id)] += 1
            tally.add("kind_mismatch", True)
        else:
            tally.add("kind_mismatch", False)
        for persona in flaw.personas:
            if persona in ran:
                raised = any(h and h.full and h.flaw is flaw and persona in f.personas for f, h in hits)
                tally.add(f"persona:{persona}", raised)
    _count_findings(tally, case, matcher, run, index, hits, by_flaw)
    c = tally.counts
    for critic in run.critics:
        c["critics"] += 1
        c["cap_filled"] += critic.findings >= max_findings
    if run.cost is not None:
        tally.costs.append(run.cost)
    if run.first_finding_s is not None:
        tally.first.append(run.first_finding_s)
    row = tally.cases.setdefault(case.id, {"case": case.id, "flaws": len(case.flaws), "runs": 0, "found": 0,
                                           "findings": 0, "unmatched": 0, "clean": case.clean})
    row["runs"] += 1
    row["found"] += len(full)
    row["findings"] += len(run.findings)
    row["unmatched"] += sum(h is None for _, h in hits)


def _count_flaw(tally: _Tally, case: Case, flaw: Flaw, found: bool, caught: bool) -> None:
    tally.add("recall", found)
    tally.add(f"kind:{flaw.kind.value}", found)
    tally.add(f"difficulty:{flaw.difficulty}", found)
    tally.add("severity_weighted", found, flaw.severity.rank)
    tally.add("holdout" if case.holdout else "tuning", found)
    tally.add("checks_catch", caught)
    if not caught:
        tally.add("panel_adds", found)


def _count_findings(tally: _Tally, case: Case, matcher: Matcher, run: CaseRun, index: int,
                    hits: list[tuple[Any, Hit | None]], by_flaw: dict[str, int]) -> None:
    c = tally.counts
    for finding, hit in hits:
        if finding.placed and finding.quote:
            c["quoted"] += 1
            c["misquoted"] += misquoted(finding, matcher.text)
        if hit is None:
            tally.unmatched.append(_unmatched(case, run, index, finding))
        if case.clean:
            c["fp_twin" if case.twin_of else "fp_control"] += hit is None
            continue
        c["findings"] += 1
        c["matched"] += hit is not None
        if hit and hit.full:
            c["full_hits"] += 1
            c["hits_placed"] += finding.placed
            c["severity_error"] += abs(finding.severity.rank - hit.flaw.severity.rank)
            if finding.kind is Kind.ONE_WAY_DOOR:
                c["doors"] += 1
                c["doors_complete"] += _door_complete(finding, hit.flaw)
    if case.clean:
        c["runs_twin" if case.twin_of else "runs_control"] += 1
    c["flaws_raised"] += len(by_flaw)
    c["flaws_duplicated"] += sum(n > 1 for n in by_flaw.values())


def _door_complete(finding: Any, flaw: Flaw) -> bool:
    """A door finding that says what reversing costs and offers an exit ramp of the kind the labels accept."""
    rev = finding.reversibility
    if rev is None or not rev.cost_to_reverse.strip() or not rev.exit_ramp.strip():
        return False
    return contains_keyword(rev.exit_ramp, flaw.exit_ramp)


def _unmatched(case: Case, run: CaseRun, index: int, finding: Any) -> dict[str, Any]:
    return {"case": case.id, "run": index, "personas": finding.personas or ([finding.rule] if finding.rule else []),
            "kind": finding.kind.value, "severity": finding.severity.value, "title": finding.title,
            "quote": finding.quote, "rationale": finding.rationale[:400], "clean_case": case.clean}


def _figures(tally: _Tally, by_id: Mapping[str, tuple[Case, Matcher]], runs: Sequence[CaseRun],
             with_checks: bool) -> dict[str, Any]:
    c = tally.counts
    kinds = {f.kind.value for case, _ in by_id.values() for f in case.flaws}
    personas = sorted(k.split(":", 1)[1] for k in tally.pairs if k.startswith("persona:"))
    repeats: defaultdict[str, int] = defaultdict(int)
    for run in runs:
        repeats[run.case_id] += 1
    flaws = [{"case": cid, "flaw": fid, "kind": flaw.kind.value, "difficulty": flaw.difficulty,
              "found": sum(found), "runs": len(found), "kind_mismatch": tally.mismatch_flaws.get((cid, fid), 0)}
             for (cid, fid), found in tally.per_flaw.items() if (flaw := _flaw(by_id[cid][0], fid))]
    return {
        "schema": SCORE_SCHEMA,
        "cases": len(tally.cases),
        "not_run": sorted(set(by_id) - set(repeats)),
        "runs": len(runs),
        "repeats": max(repeats.values(), default=0),
        "recall": tally.get("recall"),
        "recall_by_kind": {k.value: tally.get(f"kind:{k.value}") for k in Kind if k.value in kinds},
        "recall_by_difficulty": {d: tally.get(f"difficulty:{d}") for d in DIFFICULTIES
                                 if tally.pairs.get(f"difficulty:{d}")},
        "recall_severity_weighted": tally.get("severity_weighted"),
        "recall_tuning": tally.get("tuning"),
        "recall_holdout": tally.get("holdout"),
        "kind_mismatch": tally.get("kind_mismatch"),
        "checks_catch": tally.get("checks_catch") if with_checks else None,
        "panel_adds": tally.get("panel_adds") if with_checks else None,
        "recall_by_persona": {p: tally.get(f"persona:{p}") for p in personas},
        "pass_k": ratio(sum(all(f) for f in tally.per_flaw.values()), len(tally.per_flaw)),
        "precision_lower_bound": ratio(int(c["matched"]), int(c["findings"])),
        "duplicates": ratio(int(c["flaws_duplicated"]), int(c["flaws_raised"])),
        "misquotes": ratio(int(c["misquoted"]), int(c["quoted"])),
        "hits_placed": ratio(int(c["hits_placed"]), int(c["full_hits"])),
        "door_completeness": ratio(int(c["doors_complete"]), int(c["doors"])),
        "severity_error": round(c["severity_error"] / c["full_hits"], 4) if c["full_hits"] else None,
        "cap_fill": ratio(int(c["cap_filled"]), int(c["critics"])),
        "false_positives": {
            "controls": _per_run(c["fp_control"], c["runs_control"]),
            "twins": _per_run(c["fp_twin"], c["runs_twin"]),
        },
        "cost_usd": {"total": round(sum(tally.costs), 6), "per_run": _mean(tally.costs), "runs": len(tally.costs)},
        "first_finding_s": {"mean": _mean(tally.first), "runs": len(tally.first)},
        "per_case": list(tally.cases.values()),
        "flaws": flaws,
        "unmatched": tally.unmatched,
    }


def _flaw(case: Case, flaw_id: str) -> Flaw:
    return next(f for f in case.flaws if f.id == flaw_id)


def _per_run(findings: float, runs: float) -> dict[str, Any]:
    return {"findings": int(findings), "runs": int(runs), "per_run": round(findings / runs, 4) if runs else None}


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None

