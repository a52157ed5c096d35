"""Eval figures for people: the terminal table and the change against a baseline run.

A figure is named by its path in the results ("recall", "recall_by_kind.one_way_door"), so a baseline from
an older run compares only what both runs measured: a persona or kind one side lacks shows no delta.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from doccritic.core.findings import Kind

RATIOS = ("recall", "recall_severity_weighted", "recall_tuning", "recall_holdout", "kind_mismatch", "checks_catch",
          "panel_adds", "pass_k", "precision_lower_bound", "duplicates", "misquotes", "hits_placed",
          "door_completeness", "cap_fill")
GROUPS = ("recall_by_kind", "recall_by_difficulty", "recall_by_persona")
LABELS = {
    "recall": "Recall (flaws found)", "recall_severity_weighted": "Recall, severity-weighted",
    "recall_tuning": "Recall, tuning cases", "recall_holdout": "Recall, holdout cases",
    "kind_mismatch": "Found with the wrong kind", "checks_catch": "Caught by doccritic check",
    "panel_adds": "Panel adds (flaws check misses)", "pass_k": "Found in every repeat (pass^k)",
    "precision_lower_bound": "Precision, lower bound", "duplicates": "Flaws raised more than once",
    "misquotes": "Misquoted placed findings", "hits_placed": "Hits placed on the text",
    "door_completeness": "Door hits with cost and exit ramp", "cap_fill": "Critics that filled the cap",
    **{f"recall_by_kind.{k.value}": k.label for k in Kind},
}
LOWER_IS_BETTER = frozenset({"kind_mismatch", "duplicates", "misquotes", "cap_fill", "checks_catch"})


def rates(results: Mapping[str, Any]) -> dict[str, float]:
    """Every ratio's rate by its path; figures with nothing to measure (rate None) are left out."""
    out = {}
    for key in RATIOS:
        if isinstance(value := results.get(key), dict) and value.get("rate") is not None:
            out[key] = value["rate"]
    for group in GROUPS:
        for name, value in (results.get(group) or {}).items():
            if value.get("rate") is not None:
                out[f"{group}.{name}"] = value["rate"]
    return out


def deltas(results: Mapping[str, Any], baseline: Mapping[str, Any]) -> dict[str, float]:
    """This run's rate minus the baseline's, for every figure both runs measured."""
    new, old = rates(results), rates(baseline)
    return {key: round(new[key] - old[key], 4) for key in new if key in old}


def label(path: str) -> str:
    group, _, name = path.partition(".")
    return LABELS.get(path) or (name if group in GROUPS else path)


def rows(results: Mapping[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(path, label, ratio) in reading order: headline figures, then each group's members indented."""
    for key in RATIOS:
        if isinstance(value := results.get(key), dict) and value.get("of"):
            yield key, LABELS[key], value
        if key == "recall":
            for group in GROUPS:
                for name, value in (results.get(group) or {}).items():
                    path = f"{group}.{name}"
                    yield path, f"  {group.removeprefix('recall_by_')}: {label(path)}", value


def text_table(results: Mapping[str, Any], changes: Mapping[str, float] | None = None) -> str:
    """The figures as aligned lines; with ``changes``, the change in percentage points after each."""
    lines = []
    for path, name, value in rows(results):
        hits = f"{value['hits']:g}/{value['of']}"
        rate = "–" if value["rate"] is None else f"{value['rate'] * 100:5.1f}%"
        change = ""
        if changes is not None and path in changes:
            change = f"  {changes[path] * 100:+.1f} pts"
        lines.append(f"{name:<44} {hits:>9} {rate:>7}{change}")
    fp = results.get("false_positives") or {}
    for which in ("controls", "twins"):
        if (entry := fp.get(which)) and entry["runs"]:
            lines.append(f"{'False positives per run, ' + which:<44} {entry['findings']:>5} in {entry['runs']} runs"
                         f" = {entry['per_run']:g}")
    if results.get("severity_error") is not None:
        lines.append(f"{'Severity error (mean rank difference)':<44} {results['severity_error']:>17g}")
    cost = results.get("cost_usd") or {}
    if cost.get("runs"):
        lines.append(f"{'Cost':<44} ${cost['total']:.4f} (${cost['per_run']:.4f} per case run)")
    first = results.get("first_finding_s") or {}
    if first.get("mean") is not None:
        lines.append(f"{'Time to first finding (mean)':<44} {first['mean']:.1f} s")
    if judge := results.get("judge"):
        value = judge["precision_with_judge"]
        rate = "–" if value["rate"] is None else f"{value['rate'] * 100:5.1f}%"
        lines.append(f"{'Precision with the judge (' + judge['model'] + ')':<44} {value['hits']:g}/{value['of']:<5}"
                     f" {rate:>7}  ({judge['valid']['hits']}/{judge['valid']['of']} unmatched judged valid)")
    lines += debate_lines(results.get("debates") or {})
    unmatched = results.get("unmatched") or []
    if unmatched:
        lines.append(f"{len(unmatched)} finding(s) match no label: see \"unmatched\" in the results to adjudicate.")
    if results.get("not_run"):
        lines.append(f"Not scored (no review): {', '.join(results['not_run'])}.")
    return "\n".join(lines) + "\n"


def debate_lines(debates: Mapping[str, Any]) -> list[str]:
    """The debate figures (``core.eval_debate``), when debates were held or saved with the reviews."""
    if not debates.get("debates"):
        return []
    per_turn = debates["placed_citations_per_turn"]
    lines = [f"{'Debates':<44} {debates['debates']:>9}"]
    if per_turn["mean"] is not None:
        lines.append(f"{'  placed citations per turn (mean)':<44} {per_turn['mean']:>9g}")
    for key, name in (("citations_placed", "  citations placed in the draft"),
                      ("concessions_on_labelled_flaws", "  concessions on labelled flaws"),
                      ("referee_names_a_planted_door", "  referee names a planted door (changes)")):
        value = debates[key]
        hits = f"{value['hits']:g}/{value['of']}"
        rate = "–" if value["rate"] is None else f"{value['rate'] * 100:5.1f}%"
        lines.append(f"{name:<44} {hits:>9} {rate:>7}")
    return lines
