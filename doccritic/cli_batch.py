"""``doccritic review --batch FILE…``: many documents through the Message Batches API, at half price.

Each document's review JSON is written the moment its last critic's result is read (next to the document as
``NAME.review.json``, or in ``--out DIR``). The batch id is kept in the data folder, so after a restart the
same command (or ``--resume`` alone) picks the batch up instead of paying again. Ctrl-C cancels the batch and
keeps what had arrived; a second Ctrl-C quits at once and leaves the batch to be resumed. An endpoint without
batches gets each document streamed instead, and the user is told.

Exit codes: 0 every document has at least one completed critic; 2 bad input; 3 a document has none (or the
batch could not be sent or read; a kept batch is named); 130 canceled by Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from doccritic.claude.endpoint import guard_document, guard_endpoint
from doccritic.core.errors import DoccriticError, ErrorKind

EXIT_OK, EXIT_BAD_INPUT, EXIT_API, EXIT_INTERRUPTED = 0, 2, 3, 130
REVIEW_SUFFIX = ".review.json"


KEEP_DAYS = 29  # the API keeps a batch's results for 29 days after it was created


def state_dir() -> Path:
    from doccritic import paths

    return paths.data_dir() / "batches"


def prune_kept(err: TextIO, *, now: float | None = None) -> None:
    """Forget kept batches older than the API keeps their results (one was never resumed: its documents changed,
    or nobody ran the command again), and say so; a file that cannot be read or removed is left alone."""
    import time

    now = time.time() if now is None else now
    gone = 0
    for state in state_dir().glob("*.json"):
        try:
            if now - state.stat().st_mtime > KEEP_DAYS * 86400:
                state.unlink()
                gone += 1
        except OSError:
            continue
    if gone:
        print(f"doccritic: batch: forgot {gone} kept batch(es) older than {KEEP_DAYS} days (the API no longer "
              "keeps their results).", file=err)


@dataclass
class Job:
    """What one batch command reviews: the documents, as loaded, with their redactors and send-log recorders."""

    files: list[Path]
    docs: list[Any]
    personas: list[Any]
    settings: Any
    connection: Any
    redactors: list[Any]
    contexts: list[Any]  # per document: the references and intent (ReviewContext)
    written: dict[int, Path] = field(default_factory=dict)
    failed_docs: set[int] = field(default_factory=set)


def cmd_review_batch(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from doccritic.cli_review import connection_for, context_for, pick_personas, settings_for
    from doccritic.core import settings as app_settings
    from doccritic.core.personas import load_personas
    from doccritic.core.redaction import load_redactor
    from doccritic.formats.loader import load_document

    if args.section or args.show_request or args.register or getattr(args, "previous", None):
        raise DoccriticError("--batch reviews whole documents: --section, --show-request, --register and --previous "
                             "are for one document.", ErrorKind.INVALID)
    prune_kept(err)
    files = list(args.batch) or _resumable_files(args, err)
    if args.file is not None:
        files.insert(0, args.file)
    if not files:
        raise DoccriticError("--batch needs at least one FILE (or --resume to pick up the last kept batch).",
                             ErrorKind.INVALID)
    files = [f.resolve() for f in files]
    docs = [load_document(f) for f in files]
    for f in files:
        guard_document(f)  # a never-send mark stops the whole batch before anything leaves
    saved = app_settings.load().claude
    personas = pick_personas(load_personas(), args.personas or (",".join(saved.panel) if saved.panel else None), err)
    # the same references and intent for every document; a bad file (or one that is a document of the batch)
    # stops here, before anything is sent
    contexts = [context_for(args, d, [p.id for p in personas]) for d in docs]
    connection = connection_for(args, saved)
    guard_endpoint(connection, args.local_only, saved)
    redactors = [load_redactor(f.name) for f in files]
    if connection.needs_key:
        print("doccritic: no API key: set ANTHROPIC_API_KEY, store a key in the app's Settings, "
              "or point --base-url at an endpoint that needs none.", file=err)
        return EXIT_API
    if args.out is not None and args.out.exists() and not args.out.is_dir():
        raise DoccriticError(f"With --batch, --out names a folder: {args.out} is a file.", ErrorKind.INVALID)
    job = Job(files, docs, personas, settings_for(args, saved), connection, redactors, contexts)
    return asyncio.run(_run(args, job, out, err))


def _resumable_files(args: argparse.Namespace, err: TextIO) -> list[Path]:
    """``--resume`` alone: the documents of the most recent kept batch."""
    if not args.resume:
        return []
    kept = sorted(state_dir().glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for state in kept:
        try:
            meta = json.loads(state.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if meta.get("files"):
            print(f"doccritic: batch: resuming {meta.get('batch_id')} ({len(meta['files'])} document(s))", file=err)
            if not (args.reference or args.reference_for or args.intent):  # the batch's own, so its requests match
                args.reference = [Path(f) for f in meta.get("reference") or []]
                args.reference_for = list(meta.get("reference_for") or [])
                args.intent = Path(meta["intent"]) if meta.get("intent") else None
            return [Path(f) for f in meta["files"]]
    raise DoccriticError("No kept batch to resume (each is forgotten once its results have been read).",
                         ErrorKind.NOT_FOUND)


def review_path(args: argparse.Namespace, file: Path) -> Path:
    """Where a document's review goes: ``--out DIR/NAME.review.json``, else next to the document."""
    folder = args.out if args.out is not None else file.parent
    return folder / (file.name + REVIEW_SUFFIX)


async def _run(args: argparse.Namespace, job: Job, out: TextIO, err: TextIO) -> int:
    from doccritic.claude.audit import SendRecorder
    from doccritic.claude.batch import BatchDocument, BatchError, BatchesUnavailableError, BatchRun
    from doccritic.cli_review import check_findings

    client = job.connection.client()
    recorders = [SendRecorder(job.connection, d, "critic", redactor=r) for d, r in zip(job.docs, job.redactors,
                                                                                      strict=True)]
    items = [BatchDocument(d, job.personas, r, raised=check_findings(d), on_sent=rec, context=c)
             for d, r, rec, c in zip(job.docs, job.redactors, recorders, job.contexts, strict=True)]
    meta = {"files": [str(f) for f in job.files], "documents": {str(f): _sha(f) for f in job.files},
            **_context_meta(args)}
    calls = CallRecorder(job.connection)
    run = BatchRun(client, items, job.settings, state_dir=state_dir(), poll_seconds=args.poll, meta=meta,
                   on_call=calls)
    try:
        if args.resume and not run.state_file.exists():
            raise DoccriticError("No kept batch for these documents and settings (they changed since it was sent, "
                                 "or its results were already read): run without --resume to send a new one.",
                                 ErrorKind.NOT_FOUND)
        if not run.state_file.exists() and (code := await _estimate(args, job, items, client, err)) is not None:
            return code
        try:
            stopped_by = await follow(run, [f.name for f in job.files],
                                      lambda i, found, results: _write_document(args, job, i, found, results, out),
                                      err, args.poll)
        except BatchesUnavailableError as exc:
            print(f"doccritic: note: {exc}; reviewing each document by streaming instead (full price).", file=err)
            return await _stream_each(args, job, out, err)
        except BatchError as exc:
            print(f"doccritic: {exc}", file=err)
            return EXIT_API
        for note in dict.fromkeys([*run.backend.notes, *(e for r in recorders for e in r.errors), *calls.errors]):
            print(f"doccritic: note: {note}", file=err)
        if stopped_by:
            kept = len(job.written)
            print(f"doccritic: batch canceled by {stopped_by}: {kept} of {len(job.files)} document "
                  "review(s) written with what arrived.", file=err)
            return EXIT_INTERRUPTED
        return EXIT_API if job.failed_docs else EXIT_OK
    finally:
        await client.close()


async def _estimate(args: argparse.Namespace, job: Job, items: list[Any], client: Any, err: TextIO) -> int | None:
    """The panel's estimate for every document, at the batch price; refuse beyond --max-cost."""
    from doccritic.claude.panel import estimate
    from doccritic.claude.pricing import load_prices

    prices = load_prices()
    full = sum([(await estimate(client, i.doc, job.personas, job.settings, prices=prices, redactor=i.redactor,
                                raised=i.raised, context=i.context)).total for i in items])
    cost = full * prices.batch
    print(f"doccritic: batch: {len(items)} document(s) x {len(job.personas)} critic(s) on {job.settings.model}: about "
          f"{_dollars(cost)} at the batch price ({prices.batch:.0%} of {_dollars(full)}; results within 24 hours).",
          file=err)
    cap = job.settings.budget_usd  # --max-cost, else the budget cap in the app's Claude settings
    if cap is not None and cost > cap:
        where = "--max-cost" if args.max_cost is not None else "the budget cap in Settings"
        print(f"doccritic: batch: the estimate is over {where} ${cap:.2f}; nothing was sent.", file=err)
        return EXIT_API
    return None


def _dollars(amount: float) -> str:
    """Cents for a real run; four places under a dollar, so a small batch does not read "$0.00"."""
    return f"${amount:.2f}" if amount >= 1 else f"${amount:.4f}"


class CallRecorder:
    """A batch's calls that carry no document (status checks, cancel, results) in the send log."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.errors: list[str] = []

    def __call__(self, kind: str, outcome: str) -> None:
        from doccritic.claude.audit import record_call

        if (problem := record_call(self.connection, kind, outcome=outcome)) is not None:
            self.errors.append(problem)


async def follow(run: Any, names: list[str], on_document: Callable[[int, list[Any], list[Any]], None],
                 err: TextIO, poll: float) -> str | None:
    """Follow a batch to its end with progress on ``err``; each document goes to ``on_document`` as it is read.
    Ctrl-C or SIGTERM cancels the batch (what arrived is kept); returns which signal did, or None."""
    from doccritic.claude.batch import (
        BatchDocumentDone,
        BatchDone,
        BatchItemFailed,
        BatchItemRetried,
        BatchProgress,
        BatchSubmitted,
    )

    loop = asyncio.get_running_loop()
    stopper = _Canceller(run, err)
    stopper.install(loop)
    try:
        async for event in run.events():
            if isinstance(event, BatchSubmitted):
                how = "resuming" if event.resumed else "sent"
                print(f"doccritic: batch {event.batch_id}: {how}, {event.requests} request(s); progress every "
                      f"{poll:g} s (Ctrl-C cancels and keeps what arrived)", file=err)
            elif isinstance(event, BatchProgress):
                detail = ", ".join(f"{n} {k}" for k, n in event.counts.items() if n and k != "processing")
                print(f"doccritic: batch: {event.status.replace('_', ' ')}, {event.done}/{event.total} done"
                      f"{f' ({detail})' if detail else ''}", file=err)
            elif isinstance(event, BatchItemFailed):
                print(f"doccritic: {names[event.index]}: {event.persona_id}: {event.failure.message}", file=err)
            elif isinstance(event, BatchItemRetried):
                print(f"doccritic: {names[event.index]}: {event.persona_id}: {event.message}", file=err)
            elif isinstance(event, BatchDocumentDone):
                on_document(event.index, list(event.findings), list(event.results))
            elif isinstance(event, BatchDone) and event.canceled:
                print(f"doccritic: batch {event.batch_id} ended canceled: requests not processed were not charged.",
                      file=err)
    finally:
        stopper.uninstall(loop)
    return stopper.stopped_by


def _write_document(args: argparse.Namespace, job: Job, index: int, findings: list[Any], results: list[Any],
                    out: TextIO, *, batch: bool = True) -> None:
    from doccritic.claude.events import CriticStatus
    from doccritic.cli_review import critics_run_record
    from doccritic.cli_rounds import first
    from doccritic.core.fileio import atomic_write_text
    from doccritic.core.rounds import compact
    from doccritic.formats.review_json import dumps, review_for

    file, doc = job.files[index], job.docs[index]
    review = review_for(doc, findings)
    if context := job.contexts[index]:  # stored with the review, as a streamed one does
        review.references = [r.stored() for r in context.references]
        review.intent = context.intent
    review.rounds = compact(first(findings, doc), doc.text)  # round 1: the next `review --previous` builds on it
    review.runs.append(critics_run_record(results, job.settings, None, batch=batch))
    target = review_path(args, file)
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(target, dumps(review))
    job.written[index] = target
    done = sum(1 for r in results if r.status is CriticStatus.DONE)
    if not done:
        job.failed_docs.add(index)
    cost = sum(r.cost for r in results)
    out.write(f"{file.name}: {len(findings)} finding(s), {done}/{len(results)} critic(s) completed, ${cost:.4f} "
              f"-> {target}\n")
    out.flush()


async def _stream_each(args: argparse.Namespace, job: Job, out: TextIO, err: TextIO) -> int:
    """The fallback: one streamed panel run per document, written as each ends."""
    from doccritic.cli_review import check_findings, run_panel

    for i, doc in enumerate(job.docs):
        print(f"doccritic: {job.files[i].name}: streaming ({i + 1}/{len(job.docs)})", file=err)
        run = await run_panel(job.connection, doc, job.personas, job.settings, None, err, redactor=job.redactors[i],
                              raised=check_findings(doc), context=job.contexts[i])
        _write_document(args, job, i, run.findings, run.results, out, batch=False)
        if run.stopped_by:
            return EXIT_INTERRUPTED
    return EXIT_API if job.failed_docs else EXIT_OK


def _context_meta(args: argparse.Namespace) -> dict[str, Any]:
    """The reference and intent flags, kept with the batch: ``--resume`` alone sends the same requests again."""
    refs = [str(Path(p).resolve()) for p in getattr(args, "reference", None) or []]
    pairs = []
    for spec in getattr(args, "reference_for", None) or []:
        pid, _, file = spec.partition("=")
        pairs.append(f"{pid.strip()}={Path(file.strip()).resolve()}")
    intent = getattr(args, "intent", None)
    return {"reference": refs, "reference_for": pairs, "intent": str(Path(intent).resolve()) if intent else None}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class _Canceller:
    """Ctrl-C or SIGTERM cancels the batch (what arrived is kept); a second one quits and keeps it for --resume."""

    def __init__(self, run: Any, err: TextIO) -> None:
        self.run, self.err = run, err
        self.stopped_by: str | None = None
        self._installed: list[signal.Signals] = []

    def install(self, loop: asyncio.AbstractEventLoop) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, self.stop, sig)
            except (NotImplementedError, RuntimeError, ValueError):  # Windows, or not the main thread
                continue
            self._installed.append(sig)

    def uninstall(self, loop: asyncio.AbstractEventLoop) -> None:
        for sig in self._installed:
            loop.remove_signal_handler(sig)
        self._installed.clear()

    def stop(self, sig: signal.Signals) -> None:
        if self.stopped_by is not None:
            print(f"doccritic: quitting; batch {self.run.batch_id} is kept: `doccritic review --batch --resume` "
                  "reads its results later.", file=self.err)
            raise KeyboardInterrupt
        self.stopped_by = "Ctrl-C" if sig is signal.SIGINT else "SIGTERM"
        print(f"doccritic: {self.stopped_by}: canceling the batch; results that arrived are kept (press Ctrl-C "
              "again to quit and resume later).", file=self.err)
        self.run.cancel()
