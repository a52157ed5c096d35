"""``doccritic debate``: two personas argue over the draft in a terminal, then a referee sums up.

The transcript streams to stdout as it is written (text or Markdown), or the debate is printed as JSON at
the end; waits, failures and the cost go to stderr. Exit 0 when the debate finished (a failed summary is a
warning); 2 for bad input; 3 when the API could not be used or failed before the debate could finish (the
transcript so far is still printed, the cut turn marked); 130 on Ctrl-C (the partial turn is marked stopped).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from doccritic.claude.endpoint import LOCAL_ONLY_HELP, guard_document, guard_endpoint
from doccritic.core.errors import DoccriticError, ErrorKind
from doccritic.core.findings import Anchor

EXIT_OK, EXIT_BAD_INPUT, EXIT_API, EXIT_INTERRUPTED = 0, 2, 3, 130
MAX_ROUNDS, MIN_WORDS, MAX_WORDS = 20, 40, 2000
CATEGORIES = {"strongest": "Strongest points", "conceded": "Conceded", "unresolved": "Unresolved",
              "change": "Changes the draft needs"}


def add_parser(sub: Any) -> None:
    debate = sub.add_parser(
        "debate",
        help="two critic personas debate the draft, then a referee sums up (needs an API key or endpoint)",
        description="Two personas argue over FILE turn by turn: the first FOR the motion, the second AGAINST "
        "(unless --free). The transcript streams to stdout, progress and cost to stderr. Exit 0 when the "
        "debate finished, 2 on bad input, 3 when the API cannot be used or fails mid-debate, 130 on Ctrl-C.",
    )
    debate.add_argument("file", type=Path, help="Markdown, .docx, .txt or .rst file")
    debate.add_argument("--personas", required=True, metavar="A,B",
                        help="two persona ids: A argues for the motion, B against (see `doccritic personas`)")
    debate.add_argument("--motion", help="what is debated (default: the most pressing one-way door or critical "
                        "finding of the offline checks, as a decision to commit to; else that the draft is ready)")
    debate.add_argument("--rounds", type=int, default=3, metavar="N", help="rounds, one turn each (default 3)")
    debate.add_argument("--opener", metavar="ID", help="persona id who speaks first (default: the first)")
    debate.add_argument("--free", action="store_true", help="no assigned sides: each argues from their own seat")
    debate.add_argument("--words", type=int, default=180, metavar="N", help="words per turn (default 180)")
    debate.add_argument("--model", help="model id (default: claude-sonnet-4-6)")
    debate.add_argument("--format", choices=("text", "md", "json"), default="text", help="output format")
    debate.add_argument("--out", type=Path, help="also write the debate JSON to this file")
    debate.add_argument("--no-summary", action="store_true", help="skip the referee's summary")
    from doccritic.cli_review import add_context_arguments

    add_context_arguments(debate, per_persona=False)
    debate.add_argument("--base-url", help="Anthropic-compatible endpoint (default: ANTHROPIC_BASE_URL or the API)")
    debate.add_argument("--local-only", action="store_true", help=LOCAL_ONLY_HELP)
    debate.add_argument("--show-request", action="store_true",
                        help="print the opening turn's request as the endpoint would receive it (JSON) and exit 0 "
                        "without sending anything")
    debate.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def cmd_debate(args: argparse.Namespace, out: TextIO, err: TextIO | None = None) -> int:
    err = err or sys.stderr  # looked up now, not at import: tests and callers may have replaced it
    from doccritic.claude.client import DEFAULT_MODEL, Connection
    from doccritic.claude.debate import new_debate, suggested_motion
    from doccritic.core.personas import load_personas
    from doccritic.formats.loader import load_document

    if not 1 <= args.rounds <= MAX_ROUNDS:
        raise DoccriticError(f"--rounds must be between 1 and {MAX_ROUNDS}.", ErrorKind.INVALID)
    if not MIN_WORDS <= args.words <= MAX_WORDS:
        raise DoccriticError(f"--words must be between {MIN_WORDS} and {MAX_WORDS}.", ErrorKind.INVALID)
    personas = _pick_two(load_personas(), args.personas, err)
    pro, con = personas
    if args.opener is not None and args.opener not in (pro.id, con.id):
        raise DoccriticError(f"--opener must be one of the two debaters ({pro.id} or {con.id}).", ErrorKind.INVALID)
    doc = load_document(args.file)
    guard_document(args.file)  # the never-send mark, before anything else is decided
    from doccritic.core.redaction import load_redactor

    redactor = load_redactor(args.file.name)  # a bad rule stops here, naming it, before anything is sent
    for warning in doc.warnings:
        print(f"doccritic: warning: {warning}", file=err)
    from doccritic.cli_review import context_for

    context = context_for(args, doc)  # a bad reference stops here, before anything is sent
    motion = (args.motion or "").strip() or _motion_from_checks(doc, personas) or suggested_motion(title=doc.title)
    from doccritic.core import settings as app_settings

    saved = app_settings.load().claude  # the window's Claude settings: flags override them
    connection = Connection.from_environment(args.base_url or saved.base_url or None)
    guard_endpoint(connection, args.local_only, saved)
    model = args.model or saved.model or DEFAULT_MODEL
    debate = new_debate(motion, pro.id, con.id, model=model, opener=args.opener,
                        rounds=args.rounds, turn_words=args.words, free_positions=args.free)
    if args.show_request:
        return _show_request(connection, doc, debate, {p.id: p for p in personas}, redactor, out, context)
    if connection.needs_key:
        print("doccritic: no API key: set ANTHROPIC_API_KEY, store a key in the app's Settings, "
              "or point --base-url at an endpoint that needs none.", file=err)
        return EXIT_API
    printer = _Printer(out, err, doc, debate, {p.id: p for p in personas}, args.format, str(args.file), context)
    outcome = asyncio.run(_run(connection, doc, printer, summarize=not args.no_summary, redactor=redactor,
                               context=context))
    return _finish(args, printer, outcome)


def _show_request(connection: Any, doc: Any, debate: Any, personas: dict[str, Any], redactor: Any,
                  out: TextIO, context: Any = None) -> int:
    """``--show-request``: the opening turn as the engine would send it, printed instead of sent."""
    from doccritic.claude.preview import debate_request_preview
    from doccritic.cli_review import preview_report

    preview = debate_request_preview(doc, debate, personas, redactor=redactor, context=context)
    report = preview_report(connection, {"document": str(doc.path or doc.title), "motion": debate.motion,
                                         "requests": [preview.as_dict()]},
                            "Later turns send the same blocks plus the transcript so far; the referee's summary "
                            "ends the debate with one more request.")
    out.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    out.flush()
    return EXIT_OK


def _motion_from_checks(doc: Any, personas: list[Any]) -> str:
    """Without --motion: the most pressing one-way door or critical finding the offline checks make, as a decision
    to argue (nothing is sent to find it); empty when the checks find none."""
    from doccritic.core.checks import run_checks
    from doccritic.core.motions import suggest_motions

    ids = [p.id for p in personas]
    suggestions = suggest_motions(run_checks(doc).findings, ids, limit=1)
    return suggestions[0].motion if suggestions else ""


def _pick_two(persona_set: Any, wanted: str, err: TextIO) -> list[Any]:
    for problem in persona_set.errors:
        print(f"doccritic: warning: {problem}", file=err)
    ids = [p.strip() for p in wanted.split(",") if p.strip()]
    if len(ids) != 2:
        raise DoccriticError(f"A debate needs exactly two persona ids, e.g. --personas staff-engineer,skeptical-exec "
                             f"(got {len(ids)}).", ErrorKind.INVALID)
    if ids[0] == ids[1]:
        raise DoccriticError(f"A debate needs two different personas (got '{ids[0]}' twice).", ErrorKind.INVALID)
    return [persona_set.require(pid) for pid in ids]


@dataclass
class _Outcome:
    reason: str = "finished"  # "finished", "interrupted", "stopped"
    failure: Any = None  # the Failure of the interrupted turn
    summary_failure: Any = None
    notes: list[str] = field(default_factory=list)


async def _run(connection: Any, doc: Any, printer: _Printer, *, summarize: bool, redactor: Any = None,
               context: Any = None) -> _Outcome:
    from doccritic.claude.audit import SendRecorder
    from doccritic.claude.debate import DebateSession
    from doccritic.claude.events import (
        DebateIdle,
        SummaryDone,
        SummaryFailed,
        SummaryStarted,
        SummaryWaiting,
        TurnDelta,
        TurnDone,
        TurnFailed,
        TurnStarted,
        TurnWaiting,
    )

    outcome = _Outcome()
    client = connection.client()
    recorder = SendRecorder(connection, doc, "debate", redactor=redactor)
    session = DebateSession(client, doc, printer.debate, printer.personas, summarize=summarize, on_sent=recorder,
                            redactor=redactor, **({"context": context} if context is not None else {}))
    stream = session.events()
    try:
        async for event in stream:
            if isinstance(event, TurnStarted):
                printer.started(event.index, event.speaker)
            elif isinstance(event, TurnDelta):
                printer.delta(event.index, event.text)
            elif isinstance(event, TurnDone):
                printer.done(event.turn)
            elif isinstance(event, TurnFailed):
                outcome.failure = event.failure
                printer.failed(event.turn, event.failure.message)
            elif isinstance(event, TurnWaiting):
                print(f"doccritic: turn {event.index}: {event.message}", file=printer.err)
            elif isinstance(event, SummaryStarted):
                print("doccritic: the referee is summing up…", file=printer.err)
            elif isinstance(event, SummaryWaiting):
                print(f"doccritic: the referee: {event.message}", file=printer.err)
            elif isinstance(event, SummaryDone):
                printer.summary(event.summary)
            elif isinstance(event, SummaryFailed):
                outcome.summary_failure = event.failure
            elif isinstance(event, DebateIdle):
                outcome.reason = event.reason
    except (asyncio.CancelledError, KeyboardInterrupt):  # Ctrl-C: asyncio.run cancels this task
        session.stop()
        await stream.aclose()  # the turn being written is kept, marked stopped
        _uncancel()
        outcome.reason = "stopped"
        printer.stopped()
    finally:
        await client.close()
    outcome.notes = list(session.backend.notes)
    return outcome


def _uncancel() -> None:
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        task.uncancel()


def _finish(args: argparse.Namespace, printer: _Printer, outcome: _Outcome) -> int:
    from doccritic.claude.failures import FailureKind
    from doccritic.core.fileio import atomic_write_text

    debate, err = printer.debate, printer.err
    data = json.dumps(debate.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    if args.out:
        atomic_write_text(args.out, data)
    if args.format == "json":
        printer.out.write(data)
        printer.out.flush()
    for note in outcome.notes:
        print(f"doccritic: note: {note}", file=err)
    if outcome.summary_failure is not None:
        print(f"doccritic: warning: no referee summary: {outcome.summary_failure.message}", file=err)
    spoken = [t for t in debate.turns if t.text]
    if debate.usage or spoken:
        print(f"doccritic: {len(debate.turns)} turn{'s' if len(debate.turns) != 1 else ''}, "
              f"${debate.cost_usd:.4f} ({_tokens(debate.usage)})", file=err)
    if outcome.reason == "stopped":
        print("doccritic: stopped.", file=err)
        return EXIT_INTERRUPTED
    if outcome.reason == "interrupted" and outcome.failure is not None:
        failure = outcome.failure
        if spoken:  # the reason is already on stderr, next to the transcript
            print(f"doccritic: the debate stopped at turn {debate.turns[-1].index} of {debate.planned_turns}.",
                  file=err)
        else:
            print(f"doccritic: {failure.message}", file=err)
        return EXIT_BAD_INPUT if failure.kind is FailureKind.TOO_LARGE else EXIT_API
    return EXIT_OK


def _tokens(usage: dict[str, int]) -> str:
    parts = [f"{usage.get('input_tokens', 0):,} input", f"{usage.get('output_tokens', 0):,} output"]
    if usage.get("cache_read_input_tokens"):
        parts.append(f"{usage['cache_read_input_tokens']:,} cache read")
    if usage.get("cache_creation_input_tokens"):
        parts.append(f"{usage['cache_creation_input_tokens']:,} cache write")
    return "tokens: " + ", ".join(parts)


class _Printer:
    """Writes the transcript as events arrive: a turn's heading with its first words, then every delta."""

    def __init__(self, out: TextIO, err: TextIO, doc: Any, debate: Any, personas: dict[str, Any], fmt: str,
                 display: str, context: Any = None) -> None:
        self.out, self.err, self.doc, self.debate, self.personas = out, err, doc, debate, personas
        self.fmt, self.display = fmt, display
        self.context = context  # the references a turn may cite, named in its "cites R1 …" lines
        self.index = 0  # the turn being printed (0: none open)
        self.printed = ""  # what of it is on stdout
        self.headed = False
        self.opened = False  # the motion line is printed with the first turn: a failed start prints nothing
        self.streaming = fmt != "json"
        self.progress = not self.streaming or not _isatty(out)  # stdout shows the turns: no echo on stderr

    # stdout ----------------------------------------------------------------------------------
    def write(self, text: str) -> None:
        if self.streaming and text:
            self.out.write(text)
            self.out.flush()

    def name(self, persona_id: str) -> str:
        return self.personas[persona_id].name

    def header(self) -> None:
        d = self.debate
        if d.free_positions:
            sides = f"{self.name(d.pro)} and {self.name(d.con)}, each from their own seat"
        else:
            sides = f"for: {self.name(d.pro)}, against: {self.name(d.con)}"
        rounds = f"{d.rounds} round{'s' if d.rounds != 1 else ''}"
        if self.fmt == "md":
            self.write(f"# Debate: {d.motion}\n\n*{sides[0].upper()}{sides[1:]} · {rounds} · {d.model}*\n")
        else:
            self.write(f"Motion: {d.motion}\n{sides[0].upper()}{sides[1:]} · {rounds} · {d.model}\n")

    def heading(self, index: int, speaker: str) -> str:
        if not self.opened:
            self.opened = True
            self.header()
        side = self.debate.side_of(speaker)
        who = self.name(speaker) + ("" if side == "free" else f" ({side})")
        return f"\n### Turn {index} — {who}\n\n" if self.fmt == "md" else f"\n--- Turn {index} · {who} ---\n"

    def started(self, index: int, speaker: str) -> None:
        if self.progress and index != self.index:
            print(f"doccritic: turn {index} of {self.debate.planned_turns}: {self.name(speaker)}", file=self.err)
        self.index, self.printed, self.headed = index, "", False  # a retry starts over: nothing was printed

    def delta(self, index: int, text: str) -> None:
        if not self.headed:
            text = text.lstrip()
            if not text:
                return
            self.write(self.heading(index, self.debate.speaker_for(index)))
            self.headed = True
        self.printed += text
        self.write(text)

    def _close_turn(self, turn: Any, marker: str = "") -> None:
        """The rest of the turn's text (deltas not yet shown when it was stopped), its marker, a line end."""
        if turn.index != self.index:
            self.index, self.printed, self.headed = turn.index, "", False
        if not self.headed:
            if not turn.text and not marker:
                return
            self.write(self.heading(turn.index, turn.speaker))
            self.headed = True
        shown = self.printed.strip()
        rest = turn.text[len(shown):] if turn.text.startswith(shown) else ""
        if rest:
            self.write(rest if self.printed else rest.lstrip())
            self.printed += rest
        if marker:
            sep = " " if self.printed and not self.printed.endswith("\n") else ""
            self.write(f"{sep}_{marker}_" if self.fmt == "md" else f"{sep}{marker}")
            self.printed += marker
        self.write("\n")
        self.index = 0
        self.reference_cites(turn)

    def reference_cites(self, turn: Any) -> None:
        """Under a turn: the reference passages it quotes, with the reference's name and line."""
        from doccritic.cli_review import reference_line

        lines = [reference_line(c, self.context) for c in getattr(turn, "cites", ())]
        if lines:
            self.write("\n" + "".join(f"- {x}\n" for x in lines) if self.fmt == "md"
                       else "".join(f"    {x}\n" for x in lines))

    def done(self, turn: Any) -> None:
        from doccritic.core.debates import TURN_FLAGS

        flags = "; ".join(TURN_FLAGS.get(f, f) for f in turn.flags)
        self._close_turn(turn, "[stopped]" if turn.status == "stopped" else f"[flagged: {flags}]" if flags else "")

    def failed(self, turn: Any, reason: str) -> None:
        """A turn cut off: marked in the transcript; when nothing was said at all, only the final sentence."""
        if turn.text or self.debate.turns[:-1]:
            print(f"doccritic: turn {turn.index} interrupted: {reason}", file=self.err)
            self._close_turn(turn, f"[interrupted: {reason}]")

    def stopped(self) -> None:
        """After Ctrl-C: close the turn that was on screen, with whatever the session kept of it."""
        turns = self.debate.turns
        if self.index and turns and turns[-1].index == self.index:
            self._close_turn(turns[-1], "[stopped]")
        elif self.index and self.headed:
            self.write(" [stopped]\n")
            self.index = 0

    # the referee -----------------------------------------------------------------------------
    def summary(self, summary: Any) -> None:
        md = self.fmt == "md"
        self.write("\n## Referee's summary\n" if md else "\n=== Referee's summary ===\n")
        if summary.decision_for_author:
            self.write(f"\n**Your decision:** {summary.decision_for_author}\n" if md
                       else f"\nYour decision: {summary.decision_for_author}\n")
        if summary.clashes:
            self.write("\n### Clashes\n\n" if md else "\nClashes\n")
            for clash in summary.clashes:
                self.clash(clash, md)
        for category, label in CATEGORIES.items():
            points = [p for p in summary.points if p.category == category]
            if not points:
                continue
            self.write(f"\n### {label}\n\n" if md else f"\n{label}\n")
            for point in points:
                text = " ".join(point.text.split())
                self.write(f"- {text} ({self.side(point.side)})\n" if md else f"  - {text} ({self.side(point.side)})\n")
                for citation in point.citations:
                    self.write(("  - " if md else "      ") + self.passage(citation, md) + "\n")
        if summary.verdict:
            self.write(f"\n**Verdict:** {summary.verdict}\n" if md else f"\nVerdict: {summary.verdict}\n")

    def clash(self, clash: Any, md: bool) -> None:
        """One question in dispute: who carried it and why; what would settle it and who owns that."""
        winner = "undecided" if clash.winner == "undecided" else self.side(clash.winner)
        lines = [f"carried by {winner}" + (f": {clash.because}" if clash.because else "")]
        if clash.evidence_to_settle:
            lines.append(f"to settle it: {clash.evidence_to_settle}")
        if clash.owner:
            lines.append(f"owner: {clash.owner}")
        lines += [self.passage(c, md) for c in clash.citations]
        pad = "  - " if md else "      "
        self.write(("- " if md else "  - ") + clash.question + "\n" + "".join(f"{pad}{x}\n" for x in lines))

    def side(self, side: str) -> str:
        if side == "both":
            return "both sides"
        persona = self.debate.pro if side == "for" else self.debate.con
        return f"{side}: {self.name(persona)}"

    def passage(self, citation: Any, md: bool) -> str:
        quote = " ".join(citation.quote.split())
        quote = quote if len(quote) <= 160 else quote[:157] + "…"
        if citation.placed:
            line, col = self.doc.line_col(citation.start)
            where = f"{self.display}:{line + 1}:{col + 1}"
            return f"`{where}` “{quote}”" if md else f"{where}: “{quote}”"
        why = "quoted more than once in the draft" if citation.anchor is Anchor.AMBIGUOUS else "not found in the draft"
        return f"“{quote}” ({why})"


def _isatty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
