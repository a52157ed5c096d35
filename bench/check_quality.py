"""How right the offline checks are on hand-labelled documents (a measurement, not a test).

Run from the repository root:

    python bench/check_quality.py [--labels DIR] [--show-false] [--show-missed] [--split tune,held_out,...] [--verify]
    python bench/check_quality.py --split tune,held_out,fresh --before /path/to/other/checkout

Each ``bench/check_labels/*.toml`` names a document and lists what a senior reviewer would flag in it
(``[[issue]]``: a kind, an importance 1-3 and the verbatim passages that state it, several when the
document restates the decision), plus passages and gap rules where a finding is defensible but not
required (``[debatable]``). The checks run in-process exactly as ``doccritic check`` does (default
caps, and ``--all``). A finding is *true* when its span overlaps a passage of an issue of its kind,
*debatable* when it overlaps another issue or a debatable passage, *false* otherwise; a document-level
gap finding is judged by its rule id. Restatements are shown findings that land on an issue an
earlier shown finding already covers. Documents marked ``split = "held_out"`` were labelled but not
looked at while tuning; ``split = "fresh"`` marks a third batch labelled later and kept unseen until a
round's final measurement (only ``--split fresh`` runs it), and ``split = "sealed"`` a fourth batch
labelled before the checks ever ran on it and measured exactly once (``--split sealed``; likewise
``sealed2`` to ``sealed7``; ``sealed6`` and ``sealed7`` are kept unseen for a later session). Each set
is reported separately. ``--verify`` only checks that every labelled passage is in its document, without running the
checks (so labels can be written and verified before anyone sees the output). ``--before DIR`` also runs
the same labels against the doccritic of another checkout (a worktree of main, say: its code and its
bundled rules) in a subprocess, and prints one before/after table per split, default caps, from one run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import harness  # bench/harness.py, beside this script

from doccritic.core.checks import run_checks
from doccritic.core.findings import Finding, Kind
from doccritic.formats.loader import load_document

ROOT = Path(__file__).resolve().parent.parent
SPLITS = ("tune", "held_out", "fresh", "sealed", "sealed2", "sealed3", "sealed4", "sealed5", "sealed6", "sealed7")
# run only when named with --split
UNSEEN = ("fresh", "sealed", "sealed2", "sealed3", "sealed4", "sealed5", "sealed6", "sealed7")
STILL_UNSEEN: tuple[str, ...] = ()  # not yet measured: --show-missed never lists its misses


@dataclass
class Issue:
    kind: Kind
    importance: int
    spans: list[tuple[int, int]]
    note: str = ""


@dataclass
class Labels:
    name: str
    split: str
    language: str
    issues: list[Issue]
    debatable: list[tuple[int, int]]
    gaps: set[str]
    missing: list[str] = field(default_factory=list)  # passages not found verbatim: a labelling error


def _spans(text: str, passage: str) -> list[tuple[int, int]]:
    """Every occurrence of ``passage`` in ``text``, white space matched loosely (line wraps differ)."""
    words = passage.split()
    pattern = r"\s+".join(re.escape(w) for w in words)
    return [(m.start(), m.end()) for m in re.finditer(pattern, text)]


def load_labels(path: Path, text: str) -> Labels:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    missing: list[str] = []

    def find(passages: list[str], required: bool = True) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        for p in passages:
            found = _spans(text, p)
            if required and not found:
                missing.append(p)
            out.extend(found)
        return out

    issues = [
        Issue(Kind(raw["kind"]), int(raw.get("importance", 1)), find(raw["passages"]), raw.get("note", ""))
        for raw in data.get("issue", [])
    ]
    deb = data.get("debatable", {})
    debatable = find(deb.get("passages", []), required=False)  # may be generic, e.g. "Lorem ipsum"
    return Labels(path.stem, data.get("split", "tune"), data.get("language", "en"), issues, debatable,
                  set(deb.get("gaps", [])), missing)


def _overlaps(f: Finding, spans: list[tuple[int, int]]) -> bool:
    assert f.start is not None and f.end is not None
    return any(f.start < b and a < f.end for a, b in spans)


def judge(f: Finding, labels: Labels) -> tuple[str, int | None]:
    """("true" | "debatable" | "false", index of the issue it lands on)."""
    if f.start is None:
        return ("debatable" if f.rule in labels.gaps else "false"), None
    for i, issue in enumerate(labels.issues):
        if issue.kind is f.kind and _overlaps(f, issue.spans):
            return "true", i
    for i, issue in enumerate(labels.issues):
        if _overlaps(f, issue.spans):
            return "debatable", i
    return ("debatable" if _overlaps(f, labels.debatable) else "false"), None


@dataclass
class Score:
    verdicts: Counter[str] = field(default_factory=Counter)
    restated: int = 0
    issues: Counter[str] = field(default_factory=Counter)  # labelled, by kind
    recalled: Counter[str] = field(default_factory=Counter)  # found by a finding of the same kind
    by_rule: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    top_docs: int = 0
    top_shown: int = 0
    top_rank: int | None = None  # 1-based place of the top door among the findings, most severe first
    ca_docs: int = 0
    ca_hit: int = 0
    false: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)  # labelled issues no finding of their kind reached

    def add(self, other: Score) -> None:
        self.verdicts += other.verdicts
        self.restated += other.restated
        self.issues += other.issues
        self.recalled += other.recalled
        for rule, c in other.by_rule.items():
            self.by_rule[rule] += c
        self.top_docs += other.top_docs
        self.top_shown += other.top_shown
        self.ca_docs += other.ca_docs
        self.ca_hit += other.ca_hit
        self.false += other.false
        self.missed += other.missed


def score(findings: list[Finding], labels: Labels, text: str) -> Score:
    s = Score()
    covered: set[int] = set()
    tops = [i for i, issue in enumerate(labels.issues) if issue.kind is Kind.ONE_WAY_DOOR and issue.importance == 3]
    for place, f in enumerate(sorted(findings, key=lambda f: (-f.severity.rank, f.sort_key())), start=1):
        verdict, issue = judge(f, labels)
        if issue in tops and f.kind is Kind.ONE_WAY_DOOR and s.top_rank is None:
            s.top_rank = place
        s.verdicts[verdict] += 1
        s.by_rule[f.rule or "?"][verdict] += 1
        if issue is not None:
            if issue in covered:
                s.restated += 1
            covered.add(issue)
        if verdict == "false":
            where = f"“{text[f.start:f.end][:110]}”" if f.start is not None else "(document)"
            s.false.append(f"{labels.name}: {f.rule}: {where}".replace("\n", " "))
    hit = {i for f in findings for i in [judge(f, labels)[1]] if i is not None
           and labels.issues[i].kind is f.kind}
    for i, issue in enumerate(labels.issues):
        s.issues[issue.kind.value] += 1
        s.recalled[issue.kind.value] += i in hit
        if i not in hit:
            a, b = issue.spans[0] if issue.spans else (0, 0)
            line = f"{labels.name}: {issue.kind.value} ({issue.importance}): “{text[a:b][:110]}”"
            s.missed.append(line.replace("\n", " "))
    if tops:
        s.top_docs, s.top_shown = 1, int(any(i in hit for i in tops))
    if any(issue.kind is Kind.CHALLENGED_ASSUMPTION for issue in labels.issues):
        s.ca_docs = 1
        s.ca_hit = int(any(labels.issues[i].kind is Kind.CHALLENGED_ASSUMPTION for i in hit))
    return s


def _rank(place: int | None, shown: int, has_top: int) -> str:
    """Where the document's most important door sits among the default findings, most severe first."""
    if not has_top:
        return "-"
    return f"{place} of {shown}" if place is not None else "not shown"


def _pct(n: int, d: int) -> str:
    return f"{100 * n / d:.0f}% ({n}/{d})" if d else "n/a"


def report(title: str, s: Score) -> None:
    v = s.verdicts
    total = sum(v.values())
    print(f"\n{title}: {total} findings, {v['true']} true, {v['debatable']} debatable, {v['false']} false")
    print(f"  precision strict {_pct(v['true'], total)}, lenient {_pct(v['true'] + v['debatable'], total)}")
    print(f"  restatement rate {_pct(s.restated, total)}")
    for kind in Kind:
        if s.issues[kind.value]:
            print(f"  recall {kind.value}: {_pct(s.recalled[kind.value], s.issues[kind.value])}")
    print(f"  most important one-way door found: {_pct(s.top_shown, s.top_docs)} of documents that have one")
    print(f"  >=1 true challenged assumption: {_pct(s.ca_hit, s.ca_docs)} of documents that have one")
    rules = ", ".join(f"{r} {c['true']}/{c['debatable']}/{c['false']}" for r, c in sorted(s.by_rule.items()))
    print(f"  by rule (true/debatable/false): {rules}")


def _row(s: Score) -> dict[str, str]:
    """The figures of one set and mode, as the before/after table prints them."""
    v = s.verdicts
    total = sum(v.values())
    return {
        "findings": str(total),
        "precision strict / lenient": f"{_pct(v['true'], total).split()[0]} / "
                                      f"{_pct(v['true'] + v['debatable'], total).split()[0]}",
        "door recall": _pct(s.recalled["one_way_door"], s.issues["one_way_door"]),
        "top door shown": _pct(s.top_shown, s.top_docs),
        "assumption found": _pct(s.ca_hit, s.ca_docs),
        "assumption recall": _pct(s.recalled["challenged_assumption"], s.issues["challenged_assumption"]),
        "restated": _pct(s.restated, total).split()[0],
    }


def _compare(before_dir: Path, args: argparse.Namespace, after: dict[str, dict[str, str]]) -> None:
    """Run this script against ``before_dir``'s doccritic and print before/after rows per split."""
    env = dict(os.environ, PYTHONPATH=str(before_dir))
    cmd = [sys.executable, str(Path(__file__).resolve()), "--json", "--labels", str(args.labels)]
    if args.split:
        cmd += ["--split", args.split]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    before = json.loads(out.strip().splitlines()[-1])
    cols = list(next(iter(after.values())).keys()) if after else []
    print(f"\nBefore ({before_dir}) and after (this checkout), default caps:\n")
    print("| set | code | " + " | ".join(cols) + " |")
    print("|---|---|" + "---|" * len(cols))
    for split in SPLITS:
        for name, rows in (("before", before), ("after", after)):
            if split in rows:
                print(f"| {split} | {name} | " + " | ".join(rows[split][c] for c in cols) + " |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--labels", type=Path, default=ROOT / "bench" / "check_labels")
    ap.add_argument("--split", help=f"only these sets, comma-separated ({', '.join(SPLITS)})")
    ap.add_argument("--before", type=Path, help="also score another checkout's doccritic and print both")
    ap.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # --before's subprocess
    ap.add_argument("--verify", action="store_true", help="only check that every labelled passage is found")
    ap.add_argument("--show-false", action="store_true", help="list every false finding, for review")
    ap.add_argument("--show-missed", action="store_true",
                    help="list the labelled issues of the spent sets that no default finding reached")
    harness.add_timeout_option(ap, default=300)
    args = ap.parse_args(argv)
    wanted = set(args.split.split(",")) if args.split else set()
    if wanted - set(SPLITS):
        ap.error(f"--split: unknown set(s) {', '.join(sorted(wanted - set(SPLITS)))}; use {', '.join(SPLITS)}")
    harness.install_timeout(args.timeout, "bench/check_quality.py")
    if args.json:
        sys.stdout = Path(os.devnull).open("w")  # noqa: SIM115 - only the JSON line below is read
    print(harness.load_line("start"))
    totals: dict[tuple[str, str], Score] = defaultdict(Score)
    print("\n| document | set | default: shown / true / deb / false | --all: shown / true | doors found | top door |")
    print("|---|---|---|---|---|---|")
    for path in sorted(args.labels.glob("*.toml")):
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        split = raw.get("split", "tune")
        if (wanted and split not in wanted) or (not args.split and not args.verify and split in UNSEEN):
            continue  # the fresh and sealed sets only when asked for by name: they stay unseen while tuning
        doc = load_document(ROOT / raw["document"])  # a set not asked for is not even read
        labels = load_labels(path, doc.text)
        for p in labels.missing:
            print(f"WARNING {path.name}: passage not in the document: {p[:80]!r}", file=sys.stderr)
        if args.verify:
            issues, missing = len(labels.issues), len(labels.missing)
            print(f"| {labels.name[:44]} | {labels.split} | {issues} issues | {missing} missing |")
            continue
        shown = score(run_checks(doc).findings, labels, doc.text)
        every = score(run_checks(doc, caps=False).findings, labels, doc.text)
        totals[(labels.split, "default")].add(shown)
        totals[(labels.split, "all")].add(every)
        doors = labels.issues and sum(1 for i in labels.issues if i.kind is Kind.ONE_WAY_DOOR)
        print(f"| {labels.name[:44]} | {labels.split} | {sum(shown.verdicts.values())} / {shown.verdicts['true']} / "
              f"{shown.verdicts['debatable']} / {shown.verdicts['false']} | {sum(every.verdicts.values())} / "
              f"{every.verdicts['true']} | {shown.recalled['one_way_door']}/{doors or 0} | "
              f"{_rank(shown.top_rank, sum(shown.verdicts.values()), shown.top_docs)} |")
    rows = {split: _row(totals[(split, "default")]) for split in SPLITS if (split, "default") in totals}
    if args.json:
        sys.stdout = sys.__stdout__
        print(json.dumps(rows))
        return 0
    for split in SPLITS:
        for mode in ("default", "all"):
            if (split, mode) in totals:
                report(f"{split} set, {'default caps' if mode == 'default' else '--all'}", totals[(split, mode)])
    if args.show_false:
        print("\nFalse findings shown by default:")
        for split in SPLITS:
            for line in totals[(split, "default")].false:
                print(f"  [{split}] {line}")
    if args.show_missed:  # the spent sets only: reading an unseen set's misses would be tuning on it
        print("\nLabelled issues of the spent sets missed by default:")
        for split in SPLITS:
            if split in STILL_UNSEEN:
                continue
            for line in totals[(split, "default")].missed:
                print(f"  [{split}] {line}")
    if args.before:
        _compare(args.before, args, rows)
    print(harness.load_line("end"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
