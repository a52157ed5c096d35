"""The ``doccritic`` command: the app by default, and the same features headless.

Errors reach the user as one sentence on stderr with exit code 2; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from doccritic import __version__
from doccritic.core.errors import DoccriticError

if TYPE_CHECKING:  # the commands' modules load when one runs: opening the window needs none of them
    import argparse

    from doccritic.core.checks import CheckResult
    from doccritic.core.document import Document
    from doccritic.core.findings import Finding, Review
    from doccritic.core.personas import Persona, PersonaSet

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
COMMANDS = ("check", "review", "debate", "export", "eval", "personas")


def build_parser() -> argparse.ArgumentParser:
    import argparse

    from doccritic import cli_debate, cli_eval, cli_export, cli_review
    from doccritic.core.findings import Severity

    parser = argparse.ArgumentParser(
        prog="doccritic",
        description="Pressure-test a PRD before the meeting: offline checks and Claude critics mark up "
        "weak arguments, challenged assumptions and one-way doors.",
        epilog="With no command, doccritic opens FILE (or the bundled sample PRD) in the review window:\n"
        "  doccritic [FILE] [--screenshot OUT.png] [--size WxH] [--theme {system,light,dark}]\n"
        "(doccritic FILE --help describes these options).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"doccritic {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser(
        "check",
        help="run the offline checks (no API key needed)",
        description="Flag likely one-way doors, weak arguments, placeholders and missing sections, and sum "
        "them up as a decision register and an assumptions ledger (the readiness line). "
        "Exit 0 when done, 1 when --fail-on or --fail-on-open-doors trips, 2 on bad input.",
    )
    check.add_argument("file", type=Path, help="Markdown, .docx, .txt or .rst file")
    check.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    check.add_argument(
        "--fail-on",
        choices=[s.value for s in reversed(Severity)],
        help="exit 1 if any finding is at least this severe",
    )
    add_register_arguments(check)
    check.add_argument("--all", action="store_true", help="show every finding (no per-rule caps)")
    check.add_argument("--rules", type=Path, help="use this rules file instead of the default")
    # SUPPRESS keeps "doccritic --debug check" working: a False default here would override it.
    check.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    cli_review.add_parser(sub)
    cli_debate.add_parser(sub)
    cli_export.add_parser(sub)
    cli_eval.add_parser(sub)

    personas = sub.add_parser(
        "personas",
        help="list the critic personas, built-in and yours",
        description="List the critic personas: which are on, which are built in and which come from your "
        "personas folder (printed at the end). Problems in your persona files are warnings on stderr.",
    )
    personas.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    personas.add_argument(
        "--all", action="store_true", help="print each persona in full: lens, questions, tone, file"
    )
    personas.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return parser


def add_register_arguments(parser: argparse.ArgumentParser) -> None:
    """The decision-register options ``check`` and ``review`` share."""
    parser.add_argument(
        "--fail-on-open-doors", action="store_true",
        help="exit 1 if a one-way door has no exit ramp named and was not accepted as one-way",
    )
    parser.add_argument(
        "--register", type=Path, metavar="REVIEW.json",
        help="take the PM's decision register and assumptions ledger (owners, exit ramps, statuses) from this "
        "review JSON, e.g. one exported by the app",
    )


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not any(a in COMMANDS for a in argv):
        helps = any(a in ("-h", "--help") for a in argv)
        window_words = [a for a in argv if a not in ("-h", "--help", "--debug")]
        if not helps and "--version" not in argv:
            return _open(argv)
        if helps and window_words:  # `doccritic FILE --help`, `doccritic --theme dark -h`: the window's options
            _gui_parser().parse_args(argv)
    args = build_parser().parse_args(argv)
    from doccritic import cli_debate, cli_eval, cli_export, cli_review

    command = {"check": cmd_check, "review": cli_review.cmd_review, "debate": cli_debate.cmd_debate,
               "export": cli_export.cmd_export, "eval": cli_eval.cmd_eval,
               "personas": cmd_personas}[args.command]
    try:
        return command(args, sys.stdout)
    except KeyboardInterrupt:
        return 130
    except Exception as err:
        return _fail(err, args.debug)


def _fail(err: Exception, debug: bool) -> int:
    """One sentence on stderr instead of a traceback; --debug re-raises for the full story."""
    if debug:
        raise err
    if isinstance(err, DoccriticError):
        print(f"doccritic: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(
        f"doccritic: internal error ({type(err).__name__}); nothing was changed. "
        "Run again with --debug and report the traceback.",
        file=sys.stderr,
    )
    return EXIT_INTERNAL


def _gui_parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(prog="doccritic", description="Open the review window.")
    parser.add_argument("file", nargs="?", type=Path, help="document to open (default: the sample PRD)")
    parser.add_argument("--screenshot", type=Path, metavar="OUT.png", help="save a PNG of the window and exit")
    parser.add_argument("--size", type=_size, metavar="WxH", help="window size, e.g. 1400x900")
    parser.add_argument("--theme", choices=("system", "light", "dark"), help="colour theme")
    parser.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    return parser


def _size(text: str) -> tuple[int, int]:
    import argparse

    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError("use WIDTHxHEIGHT, e.g. 1400x900") from None
    if not (200 <= width <= 10_000 and 200 <= height <= 10_000):
        raise argparse.ArgumentTypeError("width and height must be between 200 and 10000")
    return width, height


def _open(argv: list[str]) -> int:
    """Default command: the review window with FILE (or the bundled sample PRD) open."""
    if len(argv) <= 1 and not any(a.startswith("-") for a in argv):  # `doccritic [FILE]`: no argparse to load
        file, options, debug = (Path(argv[0]) if argv else None), {}, False
    else:
        args = _gui_parser().parse_args(argv)
        file, debug = args.file, args.debug
        options = {"screenshot": args.screenshot, "size": args.size, "theme_name": args.theme}
    from doccritic import paths
    from doccritic.app import run_gui

    try:
        return run_gui(file if file is not None else paths.sample_prd(), **options)
    except Exception as err:
        return _fail(err, debug)


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    from doccritic.core.checks import rules_from, run_checks
    from doccritic.core.findings import Severity
    from doccritic.formats.loader import load_document
    from doccritic.formats.review_json import dumps, review_for

    doc = load_document(args.file)
    result = run_checks(doc, rules_from(args.rules), caps=not args.all)
    for warning in doc.warnings:
        print(f"doccritic: warning: {warning}", file=sys.stderr)
    if result.note:  # e.g. not English: zero findings must not read as "nothing to fix"
        print(f"doccritic: note: {result.note}", file=sys.stderr)
    review = with_register(review_for(doc, result.findings), args.register)
    if args.format == "json":
        if result.note:
            review.runs.append({"kind": "checks", "note": result.note})
        out.write(dumps(review))
    else:
        write_text_report(doc, result, out, display=str(args.file))
        write_readiness(review, out)
    threshold = Severity(args.fail_on).rank if args.fail_on else None
    if threshold is not None and any(f.severity.rank >= threshold for f in result.findings):
        return EXIT_FINDINGS
    return EXIT_FINDINGS if open_doors_trip(args, review) else EXIT_OK


def with_register(review: Review, register: Path | None) -> Review:
    """The review with its register, ledger and readiness, keeping the PM's edits from ``register``."""
    from doccritic.core.register import refresh

    if register is not None:
        from doccritic.formats.review_json import load_review

        edits = load_review(register)
        review = review.model_copy(update={"decisions": edits.decisions, "assumptions": edits.assumptions})
    return refresh(review)


def write_readiness(review: Review, out: TextIO) -> None:
    """"Readiness: 3 one-way doors, 1 without an exit ramp; …" when the register has anything to say."""
    r = review.readiness
    if r is not None and (review.decisions or review.assumptions or r.open_questions):
        out.write(f"Readiness: {r.summary}.\n")


def open_doors_trip(args: argparse.Namespace, review: Review) -> bool:
    """``--fail-on-open-doors``: a one-way door without an exit ramp, not accepted as one-way, not changed."""
    return bool(args.fail_on_open_doors and review.readiness and review.readiness.without_exit_ramp)


def cmd_personas(args: argparse.Namespace, out: TextIO) -> int:
    """List the panel. Bad persona files are warnings, not failures: the rest of the panel still works."""
    from doccritic.core.personas import load_personas

    found = load_personas()
    for problem in found.errors:
        print(f"doccritic: warning: {problem}", file=sys.stderr)
    if args.format == "json":
        rows = [
            {**p.model_dump(mode="json"), "builtin": p.builtin, "path": str(p.path) if p.path else None}
            for p in found.personas
        ]
        import json

        out.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    else:
        write_personas_report(found, out, full=args.all)
    return EXIT_OK


def write_personas_report(found: PersonaSet, out: TextIO, *, full: bool = False) -> None:
    """One line per persona (on/off, id, name, origin, role), or with ``full`` every field; then the folder."""

    def origin(p: Persona) -> str:
        if p.builtin:
            return "built-in"
        return "yours, replaces built-in" if found.is_override(p.id) else "yours"

    ids = max((len(p.id) for p in found.personas), default=0)
    names = max((len(p.name) for p in found.personas), default=0)
    for p in found.personas:
        state = "on " if p.enabled else "off"
        if not full:
            out.write(f"{state}  {p.id:<{ids}}  {p.name:<{names}}  {origin(p):<24}  {p.role}\n")
            continue
        out.write(f"{state}  {p.id}: {p.name} ({origin(p)}, {p.initials}, {p.color})\n")
        out.write(f"     role: {p.role}\n")
        if p.tone:
            out.write(f"     tone: {p.tone}\n")
        if p.model or p.effort:
            out.write(f"     model: {p.model or 'default'}, effort: {p.effort or 'default'}\n")
        if p.path:
            out.write(f"     file: {p.path}\n")
        out.write("     lens:\n")
        for line in p.lens.splitlines():
            hang = "  " if line.startswith("- ") else ""
            import textwrap

            wrapped = textwrap.fill(
                line, 100, initial_indent=" " * 7, subsequent_indent=" " * 7 + hang, break_on_hyphens=False
            )
            out.write(wrapped + "\n")
        out.write("     questions:\n" + "".join(f"       - {q}\n" for q in p.questions) + "\n")
    on = len(found.enabled())
    folder = found.user_dir
    note = "" if folder is None or folder.is_dir() else " (not created yet)"
    if found.personas and not full:
        out.write("\n")
    out.write(f"{on} of {len(found.personas)} personas on. Your personas folder{note}: {folder}\n")
    out.write("Add a persona there as <id>.toml; a file named after a built-in's id replaces that built-in.\n")


def format_finding(doc: Document, finding: Finding, display: str) -> str:
    """``path:line:col: severity kind [rule] title``, like a compiler or Vale (1-based positions)."""
    rule = f" [{finding.rule}]" if finding.rule else ""
    head = f"{finding.severity.value} {finding.kind.value}{rule} {finding.title}"
    if finding.start is None:
        return f"{display}: {head}"
    line, col = doc.line_col(finding.start)
    return f"{display}:{line + 1}:{col + 1}: {head}"


def finding_details(doc: Document, finding: Finding) -> list[str]:
    """A critic's judgement fields, one indented ``name: value`` line each, for the lines under a finding: its
    confidence, a misquote (the critic's words beside the document's), a door's closing point, cost, exit ramp
    and owner, an assumption's evidence and test. Only what the finding has; checks have none of these."""
    lines = []
    if finding.confidence is not None:
        lines.append(f"confidence: {round(finding.confidence * 100)}%")
    if finding.misquoted and finding.start is not None and finding.end is not None:
        said = " ".join(doc.text[finding.start:finding.end].split())
        lines.append(f"misquoted: the critic wrote “{' '.join(finding.quote.split())}”; the document says “{said}”")
    r = finding.reversibility
    fields = [("assumption", finding.assumption), ("evidence needed", finding.evidence_needed),
              ("how to test", finding.how_to_test)]
    if r is not None:
        fields += [("closes when", r.closes_when), ("cost to reverse", r.cost_to_reverse), ("exit ramp", r.exit_ramp),
                   ("decision owner", r.decision_owner)]
    lines += [f"{name}: {' '.join(value.split())}" for name, value in fields if value and value.strip()]
    if gaps := finding.incomplete:
        lines.append(f"incomplete: no {', no '.join(gaps)}")
    return [f"    {line}" for line in lines]


def write_text_report(doc: Document, result: CheckResult, out: TextIO, display: str) -> None:
    for finding in result.findings:
        out.write(format_finding(doc, finding, display) + "\n")
    out.write(_summary(result) + "\n")


def _summary(result: CheckResult) -> str:
    from doccritic.core.findings import Kind, Severity

    findings = result.findings
    if not findings:
        return "No findings."
    by_sev = ", ".join(
        f"{n} {s.value}" for s in Severity if (n := sum(f.severity is s for f in findings))
    )
    by_kind = ", ".join(
        f"{n} {k.label.lower()}{'s' if n > 1 else ''}" for k in Kind if (n := sum(f.kind is k for f in findings))
    )
    line = f"{len(findings)} finding{'s' if len(findings) != 1 else ''} ({by_sev}): {by_kind}."
    if result.hidden_total:
        least = "At least " if result.unread else ""  # a rule stopped reading (a file stating a door everywhere)
        line += f" {least}{result.hidden_total} more finding(s) not shown (weaker, or repeats); use --all to see them."
    return line
