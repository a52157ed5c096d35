"""``doccritic eval``: how much of what was planted in labelled drafts the critics find (docs/eval.md).

Four ways in, one scorer (``core.eval_score``):

- ``doccritic eval [CORPUS]`` runs the panel on every case (streaming, the engine ``doccritic review`` uses),
  after a cost estimate the user confirms (``--yes`` when nobody is there to ask).
- ``--score-only REVIEW.json…`` scores saved reviews, no API: each is matched to its case by document text,
  then by the case folder or file name.
- ``--checks`` scores ``doccritic check`` on the corpus the same way, so CI can track the checks too.
- ``--validate`` checks the labels: every passage verbatim in the draft as doccritic loads it.

Exit codes: 0 done; 1 ``--validate`` found problems; 2 bad input (or a run nobody confirmed); 3 no API key,
or no critic completed in any run; 130 stopped by Ctrl-C or SIGTERM (the runs done are still scored).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO, cast

from doccritic.claude.endpoint import LOCAL_ONLY_HELP
from doccritic.core.errors import DoccriticError, ErrorKind
from doccritic.core.eval_labels import Case, LabelError, parse_labels, problems
from doccritic.core.eval_score import CaseRun, CriticRun, score

EXIT_OK, EXIT_PROBLEMS, EXIT_BAD_INPUT, EXIT_API, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
DRAFT_NAMES = ("draft.md", "draft.docx", "draft.txt")


def add_parser(sub: Any) -> None:
    ev = sub.add_parser(
        "eval",
        help="measure the critics on labelled drafts with planted flaws (recall, precision, cost)",
        description="Run the critic panel on a corpus of labelled drafts and score what it finds: recall by "
        "kind, difficulty and persona, precision (a lower bound), misquotes, one-way-door completeness, "
        "stability over repeats, cost. --score-only and --checks need no API key. See docs/eval.md.",
    )
    ev.add_argument("corpus", nargs="?", type=Path, help="folder of cases (default: resources/eval/cases)")
    ev.add_argument("--corpus", dest="corpus_opt", type=Path, metavar="DIR", help="the same, as an option")
    what = ev.add_mutually_exclusive_group()
    what.add_argument("--validate", action="store_true", help="check the labels against the drafts and stop")
    what.add_argument("--score-only", nargs="+", type=Path, metavar="REVIEW.json",
                      help="score saved review JSON files instead of running the panel (no API)")
    what.add_argument("--checks", action="store_true", help="score `doccritic check` on the corpus (no API)")
    ev.add_argument("--case", action="append", metavar="ID", help="only this case (repeatable)")
    ev.add_argument("--personas", help="comma-separated persona ids (default: the enabled ones)")
    ev.add_argument("--model", help="model id (default: the app's setting or claude-sonnet-4-6)")
    ev.add_argument("--effort", choices=("low", "medium", "high", "xhigh", "max"), help="effort level")
    ev.add_argument("--repeat", type=int, default=1, metavar="K", help="run each case K times (pass^k)")
    ev.add_argument("--max-findings", type=int, metavar="N", help="findings per critic (default: the app's, else 6)")
    ev.add_argument("--out", type=Path, metavar="RESULTS.json", help="write the figures and provenance here")
    ev.add_argument("--baseline", type=Path, metavar="OLD.json", help="show changes against an earlier --out")
    ev.add_argument("--html", type=Path, metavar="REPORT.html", help="write a self-contained HTML report")
    ev.add_argument("--reviews", type=Path, metavar="DIR", help="also save each run's review JSON here")
    ev.add_argument("--yes", action="store_true", help="run without asking to confirm the estimated cost")
    ev.add_argument("--no-batch", action="store_true",
                    help="stream every run instead of sending them through the Message Batches API (full price, "
                    "first findings within seconds; the default batch costs half and answers within 24 hours)")
    ev.add_argument("--debate", metavar="PRO,CON",
                    help="also hold one debate per flawed case between these two personas (PRO defends the draft) "
                    "and score it: placed citations per turn, concessions on labelled flaws, the referee naming "
                    "the planted door (streamed; adds to the cost)")
    ev.add_argument("--debate-rounds", type=int, default=2, metavar="N", help="exchanges per debate (default 2)")
    ev.add_argument("--judge", nargs="?", const="", metavar="MODEL",
                    help="have a judge model (default: the critics' model) adjudicate the findings that match no "
                    "label: its verdicts go next to each, and precision with the judge beside the lower bound "
                    "(costs extra; estimated first)")
    ev.add_argument("--poll", type=float, default=30.0, metavar="SECONDS",
                    help="how often to ask how the batch is doing (default 30)")
    ev.add_argument("--max-cost", type=float, metavar="USD", help="budget cap per panel run")
    ev.add_argument("--max-concurrent", type=int, metavar="N", help="critics at once (default: the app's, else 4)")
    ev.add_argument("--read-timeout", type=float, metavar="SECONDS", help="silence allowed inside a stream")
    ev.add_argument("--base-url", help="Anthropic-compatible endpoint (default: ANTHROPIC_BASE_URL or the API)")
    ev.add_argument("--local-only", action="store_true", help=LOCAL_ONLY_HELP)
    ev.add_argument("--show-request", action="store_true",
                    help="print every case's critic requests as the endpoint would receive them (JSON) and exit 0 "
                    "without sending anything")
    ev.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


@dataclass(frozen=True)
class Loaded:
    """One case as scored: its labels, its draft as doccritic loads it, and where they came from."""

    case: Case
    doc: Any  # core.document.Document
    folder: Path
    draft: Path


def cmd_eval(args: argparse.Namespace, out: TextIO, err: TextIO | None = None) -> int:
    err = err or sys.stderr
    corpus = args.corpus_opt or args.corpus or _default_corpus()
    if args.repeat < 1:
        raise DoccriticError("--repeat must be 1 or more.", ErrorKind.INVALID)
    cases, found = load_corpus(corpus, args.case)
    if args.validate:
        return _validate(cases, found, corpus, out)
    if found:
        print(f"doccritic: warning: skipping case(s) with label problems ({', '.join(sorted(found))}); "
              f"run `doccritic eval --validate {corpus}` for details.", file=err)
        cases = [c for c in cases if c.case.id not in found]
    if not cases:
        raise DoccriticError(f"No usable case in {corpus} (a case is a folder with labels.toml and a draft).")
    checks = {c.case.id: _check_findings(c) for c in cases}
    debate_runs: list[Any] = []
    if args.score_only:
        runs, debate_runs = _saved_runs(args.score_only, cases)
        prov = _provenance_from_reviews(args.score_only)
    elif args.checks:
        runs, prov = [CaseRun(c.case.id, checks[c.case.id]) for c in cases], {"source": "checks"}
    else:
        live = run_live(args, cases, err, out)
        if isinstance(live, int):
            return live
        runs, prov = live
        debate_runs = prov.pop("debate_runs", [])
    max_findings = args.max_findings or prov.get("max_findings") or _saved_max_findings()
    results = score([(c.case, c.doc.text) for c in cases], runs, checks=None if args.checks else checks,
                    max_findings=max_findings)  # scoring the checks against themselves would say nothing
    results = {"provenance": {**_provenance(cases, corpus, max_findings), **prov}, **results}
    if args.judge is not None:
        from doccritic.cli_eval_judge import apply_judge

        if (code := apply_judge(args, cases, results, err, confirmed=prov.get("source") == "live")) is not None:
            return code
    if debate_runs:
        from doccritic.core.eval_debate import score_debates

        results["debates"] = score_debates([(c.case, c.doc.text) for c in cases], debate_runs)
    _write(args, results, out)
    if prov.get("stopped"):
        return EXIT_INTERRUPTED
    if prov.get("source") == "live" and not any(c.status == "done" for r in runs for c in r.critics):
        print("doccritic: no critic completed in any run; the figures above measure nothing.", file=err)
        return EXIT_API
    return EXIT_OK


def _validate(cases: list[Loaded], found: dict[str, list[str]], corpus: Path, out: TextIO) -> int:
    problems_found = [p for ps in found.values() for p in ps]
    for problem in problems_found:
        out.write(problem + "\n")
    checked = len({c.case.id for c in cases} | set(found))
    if problems_found:
        out.write(f"{checked} case(s) checked in {corpus}: {len(problems_found)} problem(s) in {len(found)}.\n")
        return EXIT_PROBLEMS
    out.write(f"{checked} case(s) in {corpus}: labels valid.\n")
    return EXIT_OK


def _default_corpus() -> Path:
    from doccritic import paths

    return paths.resource("eval", "cases")


def load_corpus(corpus: Path, only: list[str] | None = None) -> tuple[list[Loaded], dict[str, list[str]]]:
    """Every case folder under ``corpus`` that parses, and the problems found, one sentence each, by case."""
    from doccritic.core.personas import load_personas
    from doccritic.formats.loader import load_document

    if not corpus.is_dir():
        raise DoccriticError(f"No corpus folder {corpus}.", ErrorKind.NOT_FOUND)
    folders = sorted(p for p in corpus.iterdir() if (p / "labels.toml").is_file())
    if only:
        if missing := sorted(set(only) - {f.name for f in folders}):
            raise DoccriticError(f"No case {', '.join(missing)} in {corpus}.", ErrorKind.NOT_FOUND)
        folders = [f for f in folders if f.name in only]
    cases: list[Loaded] = []
    found: dict[str, list[str]] = {}
    for folder in folders:
        draft = next((folder / n for n in DRAFT_NAMES if (folder / n).is_file()), None)
        try:
            case = parse_labels((folder / "labels.toml").read_text(encoding="utf-8"), folder.name)
            if draft is None:
                raise LabelError(f"{folder.name}: no draft ({' or '.join(DRAFT_NAMES)}) next to labels.toml.")
            cases.append(Loaded(case, load_document(draft), folder, draft))
        except (DoccriticError, OSError, UnicodeDecodeError) as exc:
            why = str(exc) if isinstance(exc, DoccriticError) else f"{folder.name}: cannot read ({exc})."
            found.setdefault(folder.name, []).append(why)
    ids = frozenset(c.case.id for c in cases)
    persona_ids = frozenset(p.id for p in load_personas().personas)
    for c in cases:
        if wrong := problems(c.case, c.doc.text, case_ids=ids, persona_ids=persona_ids):
            found.setdefault(c.case.id, []).extend(wrong)
    return cases, found


def _check_findings(case: Loaded) -> list[Any]:
    """The offline checks' findings on a case: scored beside the critics, and given to the critics as already
    raised, as the app gives them, so the eval measures the panel a user gets."""
    from doccritic.core.checks import run_checks

    return run_checks(case.doc).findings


def _saved_runs(files: list[Path], cases: list[Loaded]) -> tuple[list[CaseRun], list[Any]]:
    """Each review matched to its case by document text, else by case folder name, else by file name; with the
    debates saved in it."""
    from doccritic.core.debates import Debate
    from doccritic.core.eval_debate import DebateRun
    from doccritic.formats.review_json import load_review

    by_text = {c.doc.text: c.case.id for c in cases}
    ids = {c.case.id for c in cases}
    runs, debates = [], []
    for file in files:
        review = load_review(file)
        folder = Path(review.document.path).parent.name if review.document.path else ""
        stem = next((i for i in sorted(ids, key=len, reverse=True) if file.name.startswith(i)), None)
        case_id = by_text.get(review.document.text) or (folder if folder in ids else stem)
        if case_id is None:
            raise DoccriticError(f"{file.name}: no case in the corpus has this document (match by its text, its "
                                 "case folder, or a file name starting with the case id).", ErrorKind.INVALID)
        runs.append(review_run(case_id, review))
        debates += [DebateRun(case_id, Debate.model_validate(d)) for d in review.debates]
    return runs, debates


def review_run(case_id: str, review: Any) -> CaseRun:
    """A saved review as a scored run: its findings, and its critics, cost and timing when it recorded them."""
    critic_runs = [r for r in review.runs if r.get("kind") == "critics"]
    critics = [CriticRun(str(c.get("persona")), int(c.get("findings") or 0), str(c.get("status") or ""))
               for r in critic_runs for c in r.get("critics", [])]
    costs = [float(r["cost_usd"]) for r in critic_runs if isinstance(r.get("cost_usd"), int | float)]
    firsts = [float(r["first_finding_s"]) for r in critic_runs if isinstance(r.get("first_finding_s"), int | float)]
    return CaseRun(case_id, review.findings, critics, sum(costs) if costs else None, min(firsts, default=None))


def _provenance_from_reviews(files: list[Path]) -> dict[str, Any]:
    from doccritic.formats.review_json import load_review

    runs = [r for f in files for r in load_review(f).runs if r.get("kind") == "critics"]
    models = sorted({str(r["model"]) for r in runs if r.get("model")})
    caps = sorted({int(r["max_findings"]) for r in runs if isinstance(r.get("max_findings"), int)})
    return {"source": "score-only", "model": ", ".join(models) or None, "reviews": [f.name for f in files],
            **({"max_findings": caps[0]} if len(caps) == 1 else {})}


def _saved_max_findings() -> int:
    from doccritic.core import settings as app_settings

    return app_settings.load().claude.max_findings


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _provenance(cases: list[Loaded], corpus: Path, max_findings: int) -> dict[str, Any]:
    """What an A/B needs to be traceable: the version, prompts, rules and the exact cases scored."""
    from doccritic import __version__, paths

    prompts = paths.resource("prompts")
    return {
        "doccritic": __version__,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "corpus": str(corpus),
        "max_findings": max_findings,
        "prompts": {p.name: sha256(p) for p in sorted(prompts.glob("*.md"))},
        "check_rules": sha256(paths.resource("checks", "rules.toml")),
        "cases": {c.case.id: {"labels": sha256(c.folder / "labels.toml"), "draft": sha256(c.draft)} for c in cases},
    }


def _write(args: argparse.Namespace, results: dict[str, Any], out: TextIO) -> None:
    from doccritic.core.eval_report import deltas, text_table
    from doccritic.core.fileio import atomic_write_text

    baseline = changes = None
    if args.baseline:
        try:
            baseline = json.loads(args.baseline.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DoccriticError(f"Cannot read the baseline {args.baseline.name} ({exc}).", ErrorKind.INVALID) from None
        changes = deltas(results, baseline)
        results["baseline"] = {"file": str(args.baseline), "changes": changes}
    out.write(text_table(results, changes))
    out.flush()
    if args.out:
        atomic_write_text(args.out, json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    if args.html:
        from doccritic.core.eval_html import render

        atomic_write_text(args.html, render(results, changes, baseline))


class FirstFinding(io.TextIOBase):
    """Progress passes through to ``err``; the moment the first finding is announced is kept (time to first)."""

    def __init__(self, err: TextIO) -> None:
        self.err, self.started, self.first = err, time.monotonic(), None

    def write(self, s: str) -> int:
        if self.first is None and ": finding 1 (" in s:
            self.first = time.monotonic() - self.started
        return self.err.write(s)

    def flush(self) -> None:
        self.err.flush()


def run_live(args: argparse.Namespace, cases: list[Loaded], err: TextIO,
             out: TextIO | None = None) -> int | tuple[list[CaseRun], dict]:
    """Estimate, confirm, then one panel run per case and repeat; an exit code when it does not go ahead.

    A Ctrl-C ends the current panel run with what its critics wrote and stops the eval there: the runs so
    far are scored (they were paid for).
    """
    import asyncio

    from doccritic.claude.endpoint import guard_document, guard_endpoint
    from doccritic.cli_review import connection_for, pick_personas, settings_for
    from doccritic.core import settings as app_settings
    from doccritic.core.personas import load_personas
    from doccritic.core.redaction import load_redactor

    saved = app_settings.load().claude
    personas = pick_personas(load_personas(), args.personas or (",".join(saved.panel) if saved.panel else None), err)
    connection = connection_for(args, saved)
    guard_endpoint(connection, args.local_only, saved)
    redactors = {}
    for loaded in cases:  # a marked draft or a bad rule stops the eval here, before anything is sent
        guard_document(loaded.draft)
        redactors[loaded.case.id] = load_redactor(loaded.draft.name)
    settings = settings_for(args, saved)
    if args.max_findings:
        settings.max_findings = max(1, args.max_findings)
    if args.show_request:
        return _show_requests(connection, cases, personas, settings, redactors, out or sys.stdout)
    if connection.needs_key:
        print("doccritic: no API key: set ANTHROPIC_API_KEY, store a key in the app's Settings, or point "
              "--base-url at an endpoint that needs none. --score-only and --checks need no key.", file=err)
        return EXIT_API
    cost, method = asyncio.run(_estimate(connection, cases, personas, settings, redactors))
    total = cost * args.repeat
    what = f"{len(cases)} case(s) x {args.repeat} run(s) x {len(personas)} critic(s) on {settings.model}"
    pair = None
    if args.debate:
        from doccritic.cli_eval_debate import debaters, estimate_debates, flawed, run_debates

        pair = debaters(args, err)
        extra = estimate_debates(cases, settings.model, args.debate_rounds)
        print(f"doccritic: eval: plus {len(flawed(cases))} debate(s) of {args.debate_rounds} round(s) "
              f"({pair[0].id} for, {pair[1].id} against): at most ${extra:.2f} more, streamed.", file=err)
    if args.judge is not None:
        from doccritic.cli_eval_judge import judge_model, upper_bound

        cap = len(personas) * settings.max_findings * args.repeat
        print(f"doccritic: eval: plus the judge ({judge_model(args, settings)}) on the findings no label matches: "
              f"at most ${upper_bound(cases, judge_model(args, settings), cap):.2f} more.", file=err)
    live = _run_panels(args, connection, cases, personas, settings, redactors, total, method, what, err)
    if isinstance(live, int) or pair is None or live[1].get("stopped"):
        return live
    runs, prov = live
    prov["debate_runs"] = run_debates(args, connection, cases, pair, settings.model, redactors, err)
    prov["debaters"] = [p.id for p in pair]
    return runs, prov


def _run_panels(args: argparse.Namespace, connection: Any, cases: list[Loaded], personas: list[Any], settings: Any,
                redactors: dict[str, Any], total: float, method: str, what: str,
                err: TextIO) -> int | tuple[list[CaseRun], dict]:
    """Confirm the estimate, then the panel runs: in one batch, or streamed (``--no-batch``, or no batches)."""
    import asyncio

    from doccritic.cli_review import run_panel

    if not args.no_batch:
        from doccritic.claude.pricing import load_prices
        from doccritic.cli_eval_batch import run_batched

        share = load_prices().batch
        print(f"doccritic: eval: {what}: about ${total * share:.2f} through the Message Batches API ({share:.0%} of "
              f"${total:.2f} streamed; {method}; results within 24 hours, --no-batch to stream).", file=err)
        if settings.budget_usd is not None:
            print(f"doccritic: eval: note: the budget cap of ${settings.budget_usd:.2f} per run cannot stop a batch "
                  "(answers arrive whole); use --no-batch to enforce it.", file=err)
        if not args.yes and not _confirmed(err):
            return EXIT_BAD_INPUT
        batched = run_batched(args, connection, cases, personas, settings, redactors, err)
        if batched is not None:
            if isinstance(batched, int):
                return batched
            batch_runs, how = batched
            provenance = _live_provenance(settings, personas, args.repeat, stopped=how["stopped"])
            return batch_runs, {**provenance, "batch": True}
        print(f"doccritic: eval: streaming costs about ${total:.2f}.", file=err)
        if not args.yes and not _confirmed(err):
            return EXIT_BAD_INPUT
    else:
        print(f"doccritic: eval: {what}: about ${total:.2f} ({method}).", file=err)
        if not args.yes and not _confirmed(err):
            return EXIT_BAD_INPUT
    runs: list[CaseRun] = []
    for n, loaded in enumerate(cases, 1):
        for k in range(1, args.repeat + 1):
            print(f"doccritic: eval: case {n}/{len(cases)} {loaded.case.id}, run {k}/{args.repeat}", file=err)
            timer = FirstFinding(err)
            run = asyncio.run(run_panel(connection, loaded.doc, personas, settings, None, cast(TextIO, timer),
                                        redactor=redactors[loaded.case.id], raised=_check_findings(loaded)))
            runs.append(CaseRun(loaded.case.id, run.findings,
                                [CriticRun(r.persona_id, len(r.findings), r.status.value) for r in run.results],
                                sum(r.cost for r in run.results), timer.first))
            if args.reviews:
                _save_review(args.reviews, loaded, k, run, settings, timer.first)
            if run.stopped_by:
                print(f"doccritic: eval: stopped by {run.stopped_by}; scoring the {len(runs)} run(s) done.", file=err)
                return runs, _live_provenance(settings, personas, args.repeat, stopped=True)
    return runs, _live_provenance(settings, personas, args.repeat)


async def _estimate(connection: Any, cases: list[Loaded], personas: list[Any], settings: Any,
                    redactors: dict[str, Any]) -> tuple[float, str]:
    """The panel's own estimate for every case (local unless the user turned on Exact cost estimate)."""
    from doccritic.claude.panel import estimate

    client = connection.client()
    try:
        estimates = [await estimate(client, c.doc, personas, settings, redactor=redactors[c.case.id],
                                    raised=_check_findings(c)) for c in cases]
    finally:
        await client.close()
    return sum(e.total for e in estimates), estimates[0].method


def _show_requests(connection: Any, cases: list[Loaded], personas: list[Any], settings: Any,
                   redactors: dict[str, Any], out: TextIO) -> int:
    """``--show-request``: every case's critic requests, built and redacted by the engine, printed not sent."""
    from doccritic.claude.preview import request_previews
    from doccritic.cli_review import preview_report

    shown = [{"case": c.case.id, "document": str(c.draft),
              "requests": [p.as_dict() for p in request_previews(c.doc, personas, settings,
                                                                 redactor=redactors[c.case.id],
                                                                 raised=_check_findings(c))]}
             for c in cases]
    report = preview_report(connection, {"cases": shown},
                            "--repeat sends the same requests again; nothing else is sent.")
    out.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    out.flush()
    return EXIT_OK


def _confirmed(err: TextIO) -> bool:
    """Ask on the terminal; with nobody there (CI, a pipe) refuse rather than spend unasked."""
    stdin = sys.stdin
    if stdin is None or not stdin.isatty():
        print("doccritic: eval spends money on the API and nobody is here to confirm: pass --yes to run it.",
              file=err)
        return False
    print("Run it? [y/N] ", end="", file=err, flush=True)
    if stdin.readline().strip().lower() in ("y", "yes"):
        return True
    print("doccritic: eval: not run.", file=err)
    return False


def _live_provenance(settings: Any, personas: list[Any], repeats: int, *, stopped: bool = False) -> dict[str, Any]:
    return {
        "source": "live", "model": settings.model, "effort": settings.effort, "thinking": settings.adaptive_thinking,
        "max_findings": settings.max_findings, "repeats": repeats, "stopped": stopped,
        "personas": [p.id for p in personas],
        "persona_files": {p.id: sha256(p.path) if p.path else hashlib.sha256(
            p.model_dump_json().encode()).hexdigest() for p in personas},
        "persona_models": {p.id: p.model for p in personas if getattr(p, "model", None)},
    }


def _save_review(folder: Path, loaded: Loaded, k: int, run: Any, settings: Any, first: float | None) -> None:
    """The run as review JSON (``doccritic review --out``'s format), so ``--score-only`` can score it again."""
    from doccritic.core.fileio import atomic_write_text
    from doccritic.formats.review_json import dumps, review_for

    review = review_for(loaded.doc, run.findings)
    review.runs.append({
        "kind": "critics", "at": datetime.now(UTC).isoformat(timespec="seconds"), "model": settings.model,
        "cost_usd": round(sum(r.cost for r in run.results), 6), "max_findings": settings.max_findings,
        "first_finding_s": None if first is None else round(first, 3),
        "critics": [{"persona": r.persona_id, "model": r.model, "status": r.status.value,
                     "findings": len(r.findings), "cost_usd": round(r.cost, 6), "duration_s": round(r.duration, 2)}
                    for r in run.results],
    })
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_text(folder / f"{loaded.case.id}.run{k}.json", dumps(review))
