"""``doccritic review``: the critic panel from a terminal, on the same engine as the window.

Progress goes to stderr as it happens, findings to stdout (text like ``check``, or review JSON). Exit codes:

- 0: at least one critic completed (status done); partial and failed critics are named on stderr.
- 1: ``--fail-on`` or ``--fail-on-open-doors`` tripped (only ever when a critic completed).
- 2: bad input: an unreadable file, an unknown persona or section, a bad flag, or a document too long for
  the model (only when *every* critic failed for that reason: the fix is ``--section``).
- 3: no critic completed, whatever the reasons (key, connection, a refused request, an unreadable, cut or
  refused answer, the budget): a partial critic does not count. A closing sentence on stderr names each
  critic and why, and ``--fail-on`` cannot pass such a run.
- 130: stopped by Ctrl-C or SIGTERM. What the critics wrote so far (finished and partial) is still printed
  and written to ``--out``: it was paid for. A second signal quits at once without them.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from doccritic.claude.endpoint import LOCAL_ONLY_HELP, guard_document, guard_endpoint
from doccritic.core.errors import DoccriticError, ErrorKind
from doccritic.core.findings import Finding, Severity

if TYPE_CHECKING:
    from doccritic.core.settings import ClaudeSettings

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_API, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
SIGNAL_NAMES = {"SIGINT": "Ctrl-C", "SIGTERM": "SIGTERM"}


def add_parser(sub: Any) -> None:
    review = sub.add_parser(
        "review",
        help="run the Claude critic panel (needs an API key or an Anthropic-compatible endpoint)",
        description="Several critic personas review FILE at once. Progress on stderr, findings on stdout. "
        "Exit 0 when at least one critic completed, 1 when --fail-on or --fail-on-open-doors trips, 2 on bad "
        "input (or a document too long for every critic), 3 when no critic completed (API or model failures; a "
        "closing sentence says why), 130 when stopped by Ctrl-C or SIGTERM (the findings so far are still printed "
        "and written to --out).",
    )
    review.add_argument("file", type=Path, nargs="?", help="Markdown, .docx, .txt or .rst file")
    review.add_argument("--batch", nargs="*", type=Path, metavar="FILE",
                        help="review these documents through the Message Batches API at half price (results "
                        "within 24 hours): each review JSON is written next to its document as NAME.review.json, "
                        "or in --out DIR; Ctrl-C cancels the batch and keeps what arrived")
    review.add_argument("--resume", action="store_true",
                        help="with --batch: pick up the kept batch (with no FILE: the last one) instead of sending")
    review.add_argument("--poll", type=_seconds, default=30.0, metavar="SECONDS",
                        help="with --batch: how often to ask how the batch is doing (default 30)")
    review.add_argument("--personas", help="comma-separated persona ids (default: the enabled ones)")
    review.add_argument("--model", help="model id (default: claude-sonnet-4-6 or a persona's own)")
    review.add_argument("--effort", choices=("low", "medium", "high", "xhigh", "max"), help="effort level")
    review.add_argument("--section", help="review only the section with this heading")
    add_context_arguments(review)
    review.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    review.add_argument("--out", type=Path, help="also write the review JSON to this file")
    review.add_argument("--previous", type=Path, metavar="REVIEW_JSON",
                        help="a review round: the critics get the changes since this earlier review (e.g. an "
                        "earlier --out) and its open findings; every earlier finding is printed as fixed, still "
                        "open or regressed, with the reason, then the new ones")
    review.add_argument("--max-cost", type=float, metavar="USD", help="do not start critics beyond this budget")
    review.add_argument("--max-concurrent", type=int, metavar="N",
                        help="critics at once (default: the app's setting, else 4)")
    review.add_argument("--read-timeout", type=_seconds, metavar="SECONDS",
                        help="silence allowed inside a stream before the try is given up and retried "
                        "(default: the app's setting, else 90)")
    review.add_argument("--base-url", help="Anthropic-compatible endpoint (default: ANTHROPIC_BASE_URL or the API)")
    review.add_argument("--local-only", action="store_true", help=LOCAL_ONLY_HELP)
    review.add_argument("--show-request", action="store_true",
                        help="print each critic's request as the endpoint would receive it (JSON) and exit 0 "
                        "without sending anything")
    review.add_argument(
        "--fail-on", choices=[s.value for s in reversed(Severity)], help="exit 1 if any finding is this severe"
    )
    from doccritic.cli import add_register_arguments

    add_register_arguments(review)
    review.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def add_context_arguments(parser: Any, *, per_persona: bool = True) -> None:
    """``--reference``, ``--reference-for`` and ``--intent``: what critics (and debaters) read besides the draft."""
    parser.add_argument("--reference", action="append", type=Path, default=[], metavar="FILE",
                        help="reference material every critic reads after the draft (Markdown, .txt, .docx or "
                        ".pdf); repeat for several")
    if per_persona:
        parser.add_argument("--reference-for", action="append", default=[], metavar="PERSONA=FILE",
                            help="reference material only this persona reads (e.g. legal=policy.pdf); repeatable")
    parser.add_argument("--intent", type=Path, metavar="FILE",
                        help="the author's intent: what you want feedback on, what is already decided and why, "
                        "constraints (TOML with feedback_on/decided/constraints, or a plain-text note)")


def context_for(args: argparse.Namespace, doc: Any, persona_ids: list[str] | None = None) -> Any:
    """The review context from the flags; any bad file stops here with one sentence, before anything is sent."""
    from doccritic.core.references import ReviewContext
    from doccritic.formats.references import load_intent, load_reference

    wanted: list[tuple[Path, str | None]] = [(p, None) for p in args.reference]
    for spec in getattr(args, "reference_for", []) or []:
        pid, eq, file = spec.partition("=")
        if not eq or not pid.strip() or not file.strip():
            raise DoccriticError(f"--reference-for {spec}: use PERSONA=FILE, e.g. legal=policy.pdf.",
                                 ErrorKind.INVALID)
        if persona_ids is not None and pid.strip() not in persona_ids:
            raise DoccriticError(f"--reference-for {spec}: {pid.strip()} is not on this panel "
                                 f"({', '.join(persona_ids)}).", ErrorKind.INVALID)
        wanted.append((Path(file.strip()), pid.strip()))
    refs: list[Any] = []
    for path, persona in wanted:
        refs.append(load_reference(path, ref_id=f"R{len(refs) + 1}", persona=persona, draft=doc, existing=refs))
    intent = load_intent(args.intent) if args.intent else None
    return ReviewContext(tuple(refs), intent)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError("use a number of seconds between 0 and 3600, e.g. 30")
    return value


def cmd_review(args: argparse.Namespace, out: TextIO, err: TextIO | None = None) -> int:
    err = err or sys.stderr  # looked up now, not at import: tests and callers may have replaced it
    if args.batch is not None:
        from doccritic.cli_batch import cmd_review_batch

        return cmd_review_batch(args, out, err)
    if args.file is None:
        raise DoccriticError("review needs a FILE (or --batch FILE…).", ErrorKind.INVALID)
    if args.resume:
        raise DoccriticError("--resume is for --batch.", ErrorKind.INVALID)
    from doccritic.core import settings as app_settings
    from doccritic.core.personas import load_personas
    from doccritic.core.redaction import load_redactor
    from doccritic.formats.loader import load_document

    doc = load_document(args.file)
    guard_document(args.file)  # the never-send mark, before anything else is decided
    saved = app_settings.load().claude  # the window's Claude settings: flags override them
    wanted = args.personas or (",".join(saved.panel) if saved.panel else None)
    persona_set = load_personas()
    personas = pick_personas(persona_set, wanted, err)
    if args.section:
        from doccritic.claude.panel import section_span

        if section_span(doc, args.section) is None:
            titles = ", ".join(f'"{s.title}"' for top in doc.sections for s in top.walk()) or "none"
            raise DoccriticError(f'No section "{args.section}" in {args.file.name} (sections: {titles}).')
    previous = None
    if getattr(args, "previous", None) is not None:
        from doccritic.cli_rounds import load_previous

        previous = load_previous(args.previous, doc, {p.id: p.name for p in persona_set.personas})
        # a bad file stopped there, before anything is sent
    connection = connection_for(args, saved)
    guard_endpoint(connection, args.local_only, saved)
    settings = settings_for(args, saved)
    redactor = load_redactor(args.file.name)  # a bad rule stops here, naming it, before anything is sent
    context = context_for(args, doc, [p.id for p in personas])
    raised = previous.before if previous else check_findings(doc, args.section)
    if previous is not None:
        from doccritic.cli_rounds import carried_context, check_same_document

        context = carried_context(previous, context, args, err)  # the earlier round's, unless flags override
        check_same_document(previous, previous.base, doc, args.file.name, err)
    if args.show_request:
        return show_requests(connection, doc, personas, settings, args.section, out, redactor, previous, context,
                             raised)
    if connection.needs_key:
        print("doccritic: no API key: set ANTHROPIC_API_KEY, store a key in the app's Settings, "
              "or point --base-url at an endpoint that needs none.", file=err)
        return EXIT_API
    run = asyncio.run(run_panel(connection, doc, personas, settings, args.section, err, redactor=redactor,
                                previous=previous, raised=raised, context=context))
    return _report(args, doc, run, settings, out, err, previous, context)


def check_findings(doc: Any, section: str | None = None) -> list[Finding]:
    """The offline checks' findings, which the critics are told are already raised (as the app and the eval tell
    them), so a paid critic does not spend its findings repeating what ``doccritic check`` finds for free. A
    section review gets those inside the section."""
    from doccritic.claude.panel import section_span
    from doccritic.core.checks import run_checks

    found = run_checks(doc).findings
    span = section_span(doc, section) if section else None
    if span is None:
        return found
    return [f for f in found if f.start is None or span[0] <= f.start < span[1]]


def show_requests(connection: Any, doc: Any, personas: list[Any], settings: Any, section: str | None,
                  out: TextIO, redactor: Any = None, previous: Any = None, context: Any = None,
                  raised: Any = ()) -> int:
    """``--show-request``: the requests a run would send, built by the engine, printed instead of sent."""
    import json

    from doccritic.claude.preview import request_previews

    previews = request_previews(doc, personas, settings, section=section, redactor=redactor,
                                raised=previous.before if previous else raised,
                                round_context=previous.context if previous else None, context=context)
    report = preview_report(connection, {"document": str(doc.path or doc.title),
                                         "requests": [p.as_dict() for p in previews]})
    out.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    out.flush()
    return EXIT_OK


def preview_report(connection: Any, body: dict[str, Any], note: str = "") -> dict[str, Any]:
    """The envelope every ``--show-request`` prints: where the requests would go and that nothing went."""
    from doccritic.claude.endpoint import ANTHROPIC_URL

    url = f"{(connection.base_url or ANTHROPIC_URL).rstrip('/')}/v1/messages"
    return {"endpoint": url, "host": connection.host,
            "note": "Nothing was sent. Each body is POSTed to the endpoint as is; the key goes in a header and is "
                    "not shown." + (f" {note}" if note else ""),
            **body}


def connection_for(args: argparse.Namespace, saved: ClaudeSettings) -> Any:
    """The endpoint and key to use: ``--base-url`` and ``--read-timeout`` over the app's settings. The app's
    local-only setting comes along, so every command that sends (``eval`` too) is held to it."""
    from doccritic.claude.config import connection_for as from_settings

    return from_settings(saved, base_url=args.base_url, read_timeout=args.read_timeout,
                         local_only=bool(getattr(args, "local_only", False)))


def settings_for(args: argparse.Namespace, saved: ClaudeSettings) -> Any:
    """The app's run settings with the command's flags (model, effort, budget, concurrency) on top."""
    from doccritic.claude.config import panel_settings_from

    settings = panel_settings_from(saved)
    if args.max_concurrent is not None:
        settings.max_concurrent = max(1, args.max_concurrent)
    if args.max_cost is not None:
        settings.budget_usd = args.max_cost
    if args.model:
        settings.model = args.model
    if args.effort:
        settings.effort = args.effort
    return settings


def pick_personas(persona_set: Any, wanted: str | None, err: TextIO) -> list[Any]:
    """The ``--personas`` ids in order, or the enabled personas; problems in persona files are warnings."""
    for problem in persona_set.errors:
        print(f"doccritic: warning: {problem}", file=err)
    if not wanted:
        chosen = persona_set.enabled()
        if not chosen:
            raise DoccriticError("No persona is enabled: pass --personas (see `doccritic personas`).")
        return chosen
    ids = [pid for pid in (p.strip() for p in wanted.split(",")) if pid]
    if not ids:
        raise DoccriticError("--personas names no persona (see `doccritic personas`).", ErrorKind.INVALID)
    return [persona_set.require(pid) for pid in ids]


@dataclass
class PanelRun:
    """What a panel run left: the finding cards and every critic's result, even when a signal cut it short."""

    findings: list[Finding]
    results: list[Any]
    stopped_by: str | None = None  # "Ctrl-C" or "SIGTERM"


async def run_panel(connection: Any, doc: Any, personas: list[Any], settings: Any, section: str | None,
                    err: TextIO, *, redactor: Any = None, previous: Any = None, raised: Any = (),
                    context: Any = None) -> PanelRun:
    """One panel run with progress on ``err`` (shared by ``review`` and ``eval``); Ctrl-C keeps the findings.
    ``raised``: findings the critics are told are already raised (the eval passes the checks, as the app does)."""
    from doccritic.claude.audit import SendRecorder
    from doccritic.claude.panel import Panel
    from doccritic.core.references import NO_CONTEXT

    loop = asyncio.get_running_loop()
    client = connection.client()
    recorder = SendRecorder(connection, doc, "critic", redactor=redactor)
    try:
        panel = Panel(client, doc, personas, settings, section=section, key_source=connection.key_source,
                      on_sent=recorder, redactor=redactor, existing=previous.before if previous else raised,
                      round_context=previous.context if previous else None, context=context or NO_CONTEXT)
        stopper = _Stopper(panel, err)
        stopper.install(loop)
        progress = _Progress(panel, stopper, err)
        consumer = asyncio.create_task(progress.consume())
        try:
            await asyncio.shield(consumer)
        except asyncio.CancelledError:  # Ctrl-C where there are no signal handlers (Windows): asyncio.run cancels us
            if stopper.stopped_by is not None:
                raise  # torn down after a second signal
            _uncancel()
            stopper.stop("SIGINT")
            await consumer  # the panel ends its critics and says so (PanelDone): nothing is lost
        finally:
            stopper.uninstall(loop)
        for note in [*panel.backend.notes, *dict.fromkeys(recorder.errors)]:
            print(f"doccritic: note: {note}", file=err)
        return PanelRun(sorted(progress.cards.values(), key=Finding.sort_key), panel.results, stopper.stopped_by)
    finally:
        await client.close()


def _uncancel() -> None:
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        task.uncancel()


class _Stopper:
    """Ctrl-C and SIGTERM stop the critics instead of the process, so what they wrote is still reported.

    POSIX only (``loop.add_signal_handler``); on Windows Ctrl-C reaches ``_run`` as a cancellation instead.
    """

    def __init__(self, panel: Any, err: TextIO) -> None:
        self.panel, self.err = panel, err
        self.stopped_by: str | None = None
        self._previous: dict[signal.Signals, Any] = {}

    def install(self, loop: asyncio.AbstractEventLoop) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous = signal.getsignal(sig)
            try:
                loop.add_signal_handler(sig, self.stop, sig.name)
            except (NotImplementedError, RuntimeError, ValueError):  # Windows, or not the main thread
                continue
            self._previous[sig] = previous

    def uninstall(self, loop: asyncio.AbstractEventLoop) -> None:
        for sig, previous in self._previous.items():
            loop.remove_signal_handler(sig)
            if previous is not None:
                signal.signal(sig, previous)
        self._previous.clear()

    def stop(self, name: str) -> None:
        if self.stopped_by is not None:
            raise KeyboardInterrupt  # the second signal: the user would rather not wait for the report
        self.stopped_by = SIGNAL_NAMES.get(name, name)
        print(f"doccritic: {self.stopped_by}: stopping the critics; what they wrote is kept "
              "(press Ctrl-C again to quit without it).", file=self.err)
        self.panel.cancel()


@dataclass
class _Progress:
    """Prints the panel's events on stderr as they arrive and collects the finding cards."""

    panel: Any
    stopper: _Stopper
    err: TextIO
    cards: dict[str, Finding] = field(default_factory=dict)
    _last: dict[str, str] = field(default_factory=dict)
    _shown: dict[str, int] = field(default_factory=dict)  # findings announced per critic
    _thought: set[str] = field(default_factory=set)  # critics whose thinking was announced

    async def consume(self) -> None:
        async for event in self.panel.events():
            self.show(event)

    def say(self, pid: str, text: str) -> None:
        print(f"doccritic: {pid}: {text}", file=self.err)

    def show(self, event: Any) -> None:
        from doccritic.claude.events import (
            CriticDone,
            CriticFailed,
            CriticProgress,
            CriticStatus,
            FindingFound,
            FindingMerged,
        )

        pid = getattr(event, "persona_id", "")
        if isinstance(event, FindingFound | FindingMerged):
            self.cards[event.finding.id] = event.finding
        elif isinstance(event, CriticProgress):
            self.progress(pid, event)
        elif isinstance(event, CriticDone):
            r = event.result
            verdict = f" — {r.verdict}" if r.verdict else ""
            self.say(pid, f"{_count(len(r.findings))} in {r.duration:.1f} s, ${r.cost:.4f}{verdict}")
        elif isinstance(event, CriticFailed):
            r = event.result
            if r.status is CriticStatus.CANCELLED and self.stopper.stopped_by:
                return  # the closing sentence names every critic the signal stopped
            kept = f" ({_count(len(r.findings))} kept)" if r.findings else ""
            why = f": {event.failure.message}" if event.failure.message else ""
            self.say(pid, f"{r.status.value}{why}{kept}")

    def progress(self, pid: str, event: Any) -> None:
        """Each new finding's title, waits and retries, silences; "thinking…" once per critic, no repeats."""
        if event.message == "writing":
            if event.findings > self._shown.get(pid, 0):
                self._shown[pid] = event.findings
                result = next(r for r in self.panel.results if r.persona_id == pid)
                finding = result.findings[event.findings - 1]
                self.say(pid, f"finding {event.findings} ({finding.severity.value}): {finding.title}")
            return
        if event.message == "thinking…":
            if pid in self._thought:
                return
            self._thought.add(pid)
        elif self._last.get(pid) == event.message:
            return
        self._last[pid] = event.message
        self.say(pid, event.message)


def _count(n: int) -> str:
    return f"{n} finding{'' if n == 1 else 's'}"


def _report(args: argparse.Namespace, doc: Any, run: PanelRun, settings: Any, out: TextIO, err: TextIO,
            previous: Any = None, context: Any = None) -> int:
    """Findings to stdout first, then ``--out``, then the closing sentence and the exit code."""
    from doccritic import cli_rounds
    from doccritic.core.fileio import atomic_write_text
    from doccritic.core.rounds import compact
    from doccritic.formats.review_json import dumps, review_for

    findings, results = run.findings, run.results
    if previous is not None:
        findings, rounds = cli_rounds.conclude(previous, findings, results, doc)
    else:
        rounds = cli_rounds.first(findings, doc)
    review = review_for(doc, findings)
    review.rounds = compact(rounds, doc.text)
    if context is not None:
        kept = list(previous.unread) if previous is not None else []  # not sent this round, still listed
        review.references = sorted([r.stored() for r in context.references] + kept, key=lambda r: (len(r.id), r.id))
        review.intent = context.intent
    review.runs.append(critics_run_record(results, settings, args.section))
    from doccritic.cli import with_register, write_readiness

    review = with_register(review, args.register)
    if args.format == "json":
        out.write(dumps(review))
    else:
        from doccritic.cli import finding_details, format_finding

        order = [r.persona_id for r in results]  # panel order, not whichever stream finished first
        from doccritic.core.findings import Status

        shown = findings if previous is None else [f for f in findings if f.status not in (
            Status.DISMISSED, Status.RESOLVED)]  # a round lists what is still on the table; the round says the rest
        for finding in shown:
            who = ", ".join(sorted(finding.personas, key=lambda p: order.index(p) if p in order else len(order)))
            out.write(f"{format_finding(doc, finding, str(args.file))} ({who})\n")
            out.writelines(f"{line}\n" for line in finding_details(doc, finding))
            for line in context_lines(finding, context):
                out.write(f"    {line}\n")
        write_readiness(review, out)
        if previous is not None:
            cli_rounds.write_round(rounds[-1], findings, out)
        print(f"doccritic: {_count(len(findings))}, ${sum(r.cost for r in results):.4f}", file=err)
    out.flush()
    if args.out:
        atomic_write_text(args.out, dumps(review))
    return _exit(args, run, err, review)


def critics_run_record(results: list[Any], settings: Any, section: str | None, *, batch: bool = False) -> dict:
    """The review JSON ``runs`` entry of one panel run (``batch``: sent through the Message Batches API)."""
    from doccritic.claude.pricing import Usage

    usage = sum((r.usage for r in results), Usage())
    return {
        "kind": "critics",
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "model": settings.model,
        "section": section,
        **({"batch": True} if batch else {}),
        "usage": usage.as_dict(),
        "cost_usd": round(sum(r.cost for r in results), 6),
        "critics": [
            {"persona": r.persona_id, "model": r.model, "status": r.status.value, "verdict": r.verdict,
             "readiness": r.readiness, "findings": len(r.findings), "skipped_items": r.skipped_items,
             "usage": r.usage.as_dict(), "cost_usd": round(r.cost, 6), "duration_s": round(r.duration, 2),
             "failure": r.failure.message if r.failure else None}
            for r in results
        ],
    }


def context_lines(finding: Finding, context: Any) -> list[str]:
    """Under a finding in text output: the reference passages it cites and the decision it challenges."""
    lines = []
    if finding.challenges_decision:
        lines.append(f"challenges a stated decision: {finding.challenges_decision}")
    lines += [reference_line(c, context) for c in finding.cites]
    return lines


def reference_line(c: Any, context: Any) -> str:
    """``cites R1 policy.md:12: "…"``: a reference passage a finding or a debate turn relies on, by line."""
    ref = context.get(c.reference) if context is not None else None
    name = f"{c.reference} {ref.name}" if ref is not None else c.label
    where = ""
    if ref is not None and ref.text and c.placed and c.start is not None:
        where = f":{ref.text.count(chr(10), 0, c.start) + 1}"
    quote = " ".join(c.quote.split())
    return f"cites {name}{where}: \"{quote}\"" + ("" if c.placed else " (not found in the reference)")


def _exit(args: argparse.Namespace, run: PanelRun, err: TextIO, review: Any = None) -> int:
    from doccritic.claude.events import CriticStatus
    from doccritic.claude.failures import FailureKind

    if run.stopped_by is not None:
        print(_stopped_sentence(run), file=err)
        return EXIT_INTERRUPTED
    if not any(r.status is CriticStatus.DONE for r in run.results):
        print(_not_completed_sentence(run.results), file=err)
        too_large = all(r.failure is not None and r.failure.kind is FailureKind.TOO_LARGE for r in run.results)
        return EXIT_BAD_INPUT if too_large else EXIT_API
    threshold = Severity(args.fail_on).rank if args.fail_on else None
    if threshold is not None and any(f.severity.rank >= threshold for f in run.findings):
        return EXIT_FINDINGS
    from doccritic.cli import open_doors_trip

    return EXIT_FINDINGS if review is not None and open_doors_trip(args, review) else EXIT_OK


def _stopped_sentence(run: PanelRun) -> str:
    """Which critics the signal stopped and what each had written; finished ones were reported as they ended."""
    from doccritic.claude.events import CriticStatus

    stopped = []
    for r in run.results:
        if r.status is CriticStatus.CANCELLED or r.status is CriticStatus.QUEUED:
            if r.findings:
                stopped.append(f"{r.persona_id} ({_count(len(r.findings))} kept)")
            else:
                stopped.append(f"{r.persona_id} ({'no findings yet' if r.attempts else 'not started'})")
    if not stopped:
        return f"doccritic: stopped by {run.stopped_by} after every critic had ended."
    return f"doccritic: stopped by {run.stopped_by}: {', '.join(stopped)}."


def _not_completed_sentence(results: list[Any]) -> str:
    """One clause per way of failing, in panel order: "a, b failed (why); c partial (why); d skipped (same reason)".

    Critics that ended the same way share a clause, with the first one's reason. A critic skipped for a reason
    already given (a rejected key or unknown model stops the rest before they start) says only that.
    """
    from doccritic.claude.events import CriticStatus

    groups: dict[tuple[Any, Any], list[Any]] = {}
    for r in results:
        groups.setdefault((r.status, r.failure.kind if r.failure else None), []).append(r)
    clauses, given = [], set()
    for (status, kind), members in groups.items():
        failure = members[0].failure
        if status is CriticStatus.SKIPPED and kind in given:
            why = " (same reason)"
        else:
            why = f" ({failure.message.rstrip('.')})" if failure is not None and failure.message else ""
        given.add(kind)
        clauses.append(f"{', '.join(r.persona_id for r in members)} {status.value}{why}")
    return f"doccritic: no critic completed: {'; '.join(clauses)}."
