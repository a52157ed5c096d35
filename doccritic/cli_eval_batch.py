"""``doccritic eval`` through the Message Batches API: every (case, repeat, persona) in one batch, at half price.

The default for a live eval when the endpoint offers batches (``--no-batch`` streams instead). Each (case,
repeat) is one document of the batch, so a run is scored exactly as a streamed one; the batch is kept and
resumed like ``review --batch``'s, and Ctrl-C cancels it and scores what arrived. Time to first finding has
no meaning here (a batch answers all at once) and is left out of batched runs.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any, TextIO

from doccritic.core.eval_score import CaseRun, CriticRun

EXIT_API = 3


def run_batched(args: argparse.Namespace, connection: Any, cases: list[Any], personas: list[Any], settings: Any,
                redactors: dict[str, Any], err: TextIO) -> int | tuple[list[CaseRun], dict] | None:
    """The runs and whether a signal stopped them; None when the endpoint has no batches (nothing was sent)."""
    return asyncio.run(_batched(args, connection, cases, personas, settings, redactors, err))


async def _batched(args: argparse.Namespace, connection: Any, cases: list[Any], personas: list[Any], settings: Any,
                   redactors: dict[str, Any], err: TextIO) -> int | tuple[list[CaseRun], dict] | None:
    from doccritic.claude.audit import SendRecorder
    from doccritic.claude.batch import BatchDocument, BatchError, BatchesUnavailableError, BatchRun
    from doccritic.cli_batch import CallRecorder, follow, prune_kept, state_dir
    from doccritic.cli_eval import _check_findings, _save_review
    from doccritic.cli_review import PanelRun

    items, owners = [], []
    for loaded in cases:
        redactor = redactors[loaded.case.id]
        recorder = SendRecorder(connection, loaded.doc, "critic", redactor=redactor)
        for k in range(1, args.repeat + 1):
            items.append(BatchDocument(loaded.doc, personas, redactor, raised=_check_findings(loaded),
                                       on_sent=recorder))
            owners.append((loaded, k))
    runs: dict[int, CaseRun] = {}

    def on_document(i: int, findings: list[Any], results: list[Any]) -> None:
        loaded, k = owners[i]
        if all(r.status.value == "cancelled" and not r.findings for r in results):
            return  # canceled before any of its critics ran: not run, rather than a run that found nothing
        runs[i] = CaseRun(loaded.case.id, findings,
                          [CriticRun(r.persona_id, len(r.findings), r.status.value) for r in results],
                          sum(r.cost for r in results), None)
        if args.reviews:
            _save_review(args.reviews, loaded, k, PanelRun(findings, results), settings, None)

    client = connection.client()
    prune_kept(err)
    run = BatchRun(client, items, settings, state_dir=state_dir(), poll_seconds=args.poll,
                   meta={"eval": [f"{loaded.case.id} run {k}" for loaded, k in owners]},
                   on_call=CallRecorder(connection))
    try:
        stopped = await follow(run, [f"{loaded.case.id} run {k}" for loaded, k in owners], on_document, err,
                               args.poll)
    except BatchesUnavailableError as exc:
        print(f"doccritic: note: {exc}; the eval streams each run instead (full price).", file=err)
        return None
    except BatchError as exc:
        print(f"doccritic: {exc}", file=err)
        return EXIT_API
    finally:
        await client.close()
    if stopped:
        print(f"doccritic: eval: batch canceled by {stopped}; scoring the {len(runs)} run(s) that arrived.", file=err)
    return [runs[i] for i in sorted(runs)], {"stopped": bool(stopped)}
