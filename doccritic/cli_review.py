"""``doccritic review``: the critic panel from a terminal, on the same engine as the window.

Progress goes to stderr as it happens, findings to stdout (text like ``check``, or review JSON).
Exit 0 when the panel ran; 1 when ``--fail-on`` trips; 2 for bad input; 3 when no critic could reach
the API (authentication, connection or API failure), with one sentence saying why.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from doccritic.core.errors import DoccriticError
from doccritic.core.findings import Finding, Severity

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_API = 0, 1, 2, 3


def add_parser(sub: Any) -> None:
    review = sub.add_parser(
        "review",
        help="run the Claude critic panel (needs an API key or an Anthropic-compatible endpoint)",
        description="Several critic personas review FILE at once. Progress on stderr, findings on stdout. "
        "Exit 0 when done, 1 when --fail-on trips, 2 on bad input, 3 when the API cannot be used.",
    )
    review.add_argument("file", type=Path, help="Markdown, .docx, .txt or .rst file")
    review.add_argument("--personas", help="comma-separated persona ids (default: the enabled ones)")
    review.add_argument("--model", help="model id (default: claude-sonnet-4-6 or a persona's own)")
    review.add_argument("--effort", choices=("low", "medium", "high", "xhigh", "max"), help="effort level")
    review.add_argument("--section", help="review only the section with this heading")
    review.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    review.add_argument("--out", type=Path, help="also write the review JSON to this file")
    review.add_argument("--max-cost", type=float, metavar="USD", help="do not start critics beyond this budget")
    review.add_argument("--max-concurrent", type=int, metavar="N",
                        help="critics at once (default: the app's setting, else 4)")
    review.add_argument("--base-url", help="Anthropic-compatible endpoint (default: ANTHROPIC_BASE_URL or the API)")
    review.add_argument(
        "--fail-on", choices=[s.value for s in reversed(Severity)], help="exit 1 if any finding is this severe"
    )
    review.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def cmd_review(args: argparse.Namespace, out: TextIO, err: TextIO | None = None) -> int:
    err = err or sys.stderr  # looked up now, not at import: tests and callers may have replaced it
    from doccritic.claude.client import Connection
    from doccritic.claude.config import panel_settings_from, saved_settings
    from doccritic.core.personas import load_personas
    from doccritic.formats.loader import load_document

    doc = load_document(args.file)
    saved = saved_settings()  # the window's Claude settings: flags override them
    wanted = args.personas or (saved.get("panel") or None)
    personas = _pick_personas(load_personas(), wanted, err)
    if args.section:
        from doccritic.claude.panel import section_span

        if section_span(doc, args.section) is None:
            titles = ", ".join(f'"{s.title}"' for top in doc.sections for s in top.walk()) or "none"
            raise DoccriticError(f'No section "{args.section}" in {args.file.name} (sections: {titles}).')
    connection = Connection.from_environment(args.base_url or saved.get("base_url") or None)
    if connection.needs_key:
        print("doccritic: no API key: set ANTHROPIC_API_KEY, store a key in the app's Settings, "
              "or point --base-url at an endpoint that needs none.", file=err)
        return EXIT_API
    settings = panel_settings_from(saved)
    if args.max_concurrent is not None:
        settings.max_concurrent = max(1, args.max_concurrent)
    if args.max_cost is not None:
        settings.budget_usd = args.max_cost
    if args.model:
        settings.model = args.model
    if args.effort:
        settings.effort = args.effort
    findings, results = asyncio.run(_run(connection, doc, personas, settings, args.section, err))
    return _report(args, doc, findings, results, settings, out, err)


def _pick_personas(persona_set: Any, wanted: str | None, err: TextIO) -> list[Any]:
    for problem in persona_set.errors:
        print(f"doccritic: warning: {problem}", file=err)
    if not wanted:
        chosen = persona_set.enabled()
        if not chosen:
            raise DoccriticError("No persona is enabled: pass --personas (see `doccritic personas`).")
        return chosen
    return [persona_set.require(pid) for pid in (p.strip() for p in wanted.split(",")) if pid]


async def _run(connection: Any, doc: Any, personas: list[Any], settings: Any, section: str | None,
               err: TextIO) -> tuple[list[Finding], list[Any]]:
    from doccritic.claude.events import CriticDone, CriticFailed, CriticProgress, FindingFound, FindingMerged
    from doccritic.claude.panel import Panel

    client = connection.client()
    cards: dict[str, Finding] = {}
    last_progress: dict[str, str] = {}
    try:
        panel = Panel(client, doc, personas, settings, section=section)
        async for event in panel.events():
            pid = getattr(event, "persona_id", "")
            if isinstance(event, FindingFound | FindingMerged):
                cards[event.finding.id] = event.finding
            elif isinstance(event, CriticProgress) and last_progress.get(pid) != event.message:
                last_progress[pid] = event.message
                if event.retry_in is not None or event.message != "writing":
                    print(f"doccritic: {pid}: {event.message}", file=err)
            elif isinstance(event, CriticDone):
                r = event.result
                verdict = f" — {r.verdict}" if r.verdict else ""
                print(f"doccritic: {pid}: {len(r.findings)} findings in {r.duration:.1f} s, ${r.cost:.4f}{verdict}",
                      file=err)
            elif isinstance(event, CriticFailed):
                r = event.result
                kept = f" ({len(r.findings)} findings kept)" if r.findings else ""
                why = f": {event.failure.message}" if event.failure.message else ""
                print(f"doccritic: {pid}: {r.status.value}{why}{kept}", file=err)
        for note in panel.backend.notes:
            print(f"doccritic: note: {note}", file=err)
        return sorted(cards.values(), key=Finding.sort_key), panel.results
    finally:
        await client.close()


def _report(args: argparse.Namespace, doc: Any, findings: list[Finding], results: list[Any], settings: Any,
            out: TextIO, err: TextIO) -> int:
    from doccritic.claude.events import CriticStatus
    from doccritic.claude.failures import FailureKind
    from doccritic.claude.pricing import Usage
    from doccritic.core.fileio import atomic_write_text
    from doccritic.formats.review_json import dumps, review_for

    review = review_for(doc, findings)
    usage = sum((r.usage for r in results), Usage())
    review.runs.append({
        "kind": "critics",
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "model": settings.model,
        "section": args.section,
        "usage": usage.as_dict(),
        "cost_usd": round(sum(r.cost for r in results), 6),
        "critics": [
            {"persona": r.persona_id, "model": r.model, "status": r.status.value, "verdict": r.verdict,
             "readiness": r.readiness, "findings": len(r.findings), "skipped_items": r.skipped_items,
             "usage": r.usage.as_dict(), "cost_usd": round(r.cost, 6), "duration_s": round(r.duration, 2),
             "failure": r.failure.message if r.failure else None}
            for r in results
        ],
    })
    if args.out:
        atomic_write_text(args.out, dumps(review))
    if args.format == "json":
        out.write(dumps(review))
    else:
        from doccritic.cli import format_finding

        order = [r.persona_id for r in results]  # panel order, not whichever stream finished first
        for finding in findings:
            who = ", ".join(sorted(finding.personas, key=lambda p: order.index(p) if p in order else len(order)))
            out.write(f"{format_finding(doc, finding, str(args.file))} ({who})\n")
        print(f"doccritic: {len(findings)} findings, ${sum(r.cost for r in results):.4f}", file=err)
    ran = [r for r in results if r.status is not CriticStatus.SKIPPED]
    if ran and all(r.status is CriticStatus.FAILED for r in ran):
        first = ran[0].failure
        api_kinds = {FailureKind.AUTH, FailureKind.PERMISSION, FailureKind.OFFLINE, FailureKind.NO_KEY,
                     FailureKind.MODEL_NOT_FOUND, FailureKind.TIMEOUT, FailureKind.RATE_LIMITED,
                     FailureKind.OVERLOADED, FailureKind.SERVER}
        if first is not None and first.kind in api_kinds:
            print(f"doccritic: {first.message}", file=err)
            return EXIT_API
        if first is not None and first.kind is FailureKind.TOO_LARGE:
            print(f"doccritic: {first.message}", file=err)
            return EXIT_BAD_INPUT
    threshold = Severity(args.fail_on).rank if args.fail_on else None
    if threshold is not None and any(f.severity.rank >= threshold for f in findings):
        return EXIT_FINDINGS
    return EXIT_OK
