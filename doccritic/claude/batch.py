"""Critic panels through the Message Batches API: one request per (document, persona), at half price.

Why a batch, and how it stays safe to leave running:

- **Same requests as a live run.** Each item is ``panel.request_params`` (redacted, with the document's cached
  prefix first, then its references and intent), so the personas of one document share the prefix in the
  prompt cache as they do live, and a batch review reads like a streamed one: answers go through
  ``Panel.absorb`` (parse, place, merge, judge, anchor reference citations).
- **Resumable.** The batch id is kept in ``<data>/batches/<key>.json`` as soon as the batch exists, keyed by
  a hash of every request; a later run with the same inputs picks that batch up instead of paying again.
  The file goes once every result has been read.
- **Results as they are read.** The results file streams one line per item; a document is handed back
  (``BatchDocumentDone``) the moment its last persona's line arrives.
- **Cancel keeps what arrived.** ``cancel()`` asks the endpoint to cancel; polling goes on until the batch
  has ended, and the items that finished before it are read like any others.
- **Degrade, don't die.** An endpoint without batches (404, 405) raises ``BatchesUnavailableError`` before anything
  was sent, so the caller can stream instead and say so. An item refused for a feature the endpoint lacks
  (tools, thinking, effort …) is streamed again without it once the results are read (``BatchItemRetried``
  says so), within what is left of the run's budget cap.
- **Every call is heard.** ``on_call`` hears each status check, cancel and results download (none carries the
  document), so the send log shows every request the run made, not only the items.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import re
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from doccritic.claude.config import Backend, PanelSettings, feature_words
from doccritic.claude.events import CriticResult
from doccritic.claude.failures import Failure, FailureKind, classify
from doccritic.claude.panel import Panel, request_params
from doccritic.claude.pricing import PriceTable, Usage, load_prices
from doccritic.claude.schema import answer_text
from doccritic.core.document import Document
from doccritic.core.findings import Finding
from doccritic.core.redaction import Redactor
from doccritic.core.references import NO_CONTEXT, ReviewContext

SentHook = Callable[[str, str, int, Usage, str], None]  # persona id, model, try, usage, outcome (send log)
CallHook = Callable[[str, str], None]  # a call that carries no document: kind ("batch_status" …), outcome
_ERROR_KINDS = {
    "invalid_request_error": FailureKind.BAD_REQUEST, "authentication_error": FailureKind.AUTH,
    "permission_error": FailureKind.PERMISSION, "not_found_error": FailureKind.MODEL_NOT_FOUND,
    "request_too_large": FailureKind.TOO_LARGE, "rate_limit_error": FailureKind.RATE_LIMITED,
    "overloaded_error": FailureKind.OVERLOADED, "api_error": FailureKind.SERVER,
}
CANCEL_POLL_SECONDS = 5.0  # status checks while a canceled batch winds down
POLL_TRIES = 5  # failed status checks in a row before the run gives up (the batch itself keeps going)


@dataclass
class BatchDocument:
    """One document of a batch and what its critics are given."""

    doc: Document
    personas: Sequence[Any]
    redactor: Redactor | None = None
    raised: Sequence[Finding] = ()
    on_sent: SentHook | None = None  # this document's send-log recorder
    context: ReviewContext = NO_CONTEXT  # references and intent, after the document's shared cached prefix


@dataclass(frozen=True)
class BatchSubmitted:
    batch_id: str
    requests: int
    resumed: bool  # picked up from an earlier run: nothing was sent again


@dataclass(frozen=True)
class BatchProgress:
    batch_id: str
    status: str  # in_progress / canceling / ended
    counts: dict[str, int]  # processing, succeeded, errored, canceled, expired

    @property
    def done(self) -> int:
        return sum(n for k, n in self.counts.items() if k != "processing")

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class BatchItemFailed:
    """One (document, persona) that produced no answer, and why in a sentence."""

    index: int
    persona_id: str
    failure: Failure


@dataclass(frozen=True)
class BatchItemRetried:
    """One (document, persona) the batch refused for a feature the endpoint lacks, now streamed without it."""

    index: int
    persona_id: str
    message: str  # the sentence for the user: what was refused, what is dropped, that it is full price


@dataclass(frozen=True)
class BatchDocumentDone:
    index: int
    findings: tuple[Finding, ...]
    results: tuple[CriticResult, ...]


@dataclass(frozen=True)
class BatchDone:
    batch_id: str
    canceled: bool  # the batch was canceled (by us or elsewhere) before every item ran


BatchEvent = BatchSubmitted | BatchProgress | BatchItemFailed | BatchItemRetried | BatchDocumentDone | BatchDone


class BatchesUnavailableError(Exception):
    """The endpoint has no Message Batches API; nothing was sent."""


class BatchError(Exception):
    """The batch could not be sent, followed or read; ``resumable`` when it is still kept for a later run."""

    def __init__(self, message: str, *, resumable: bool = False) -> None:
        super().__init__(message)
        self.resumable = resumable


def custom_ids(docs: Sequence[BatchDocument]) -> dict[str, tuple[int, str]]:
    """A unique id per (document index, persona id), within the API's 64 characters of [A-Za-z0-9_-]."""
    out: dict[str, tuple[int, str]] = {}
    for i, item in enumerate(docs):
        for persona in item.personas:
            base = f"d{i}-" + re.sub(r"[^A-Za-z0-9_-]", "_", persona.id)[:50]
            cid, n = base, 1
            while cid in out:
                n += 1
                cid = f"{base}-{n}"
            out[cid] = (i, persona.id)
    return out


class BatchRun:
    """One batch of panel reviews: submit (or resume), poll, read results per document, cancel on request."""

    def __init__(self, client: Any, docs: Sequence[BatchDocument], settings: PanelSettings | None = None, *,
                 state_dir: Path, prices: PriceTable | None = None, backend: Backend | None = None,
                 poll_seconds: float = 30.0, meta: dict[str, Any] | None = None,
                 on_call: CallHook | None = None) -> None:
        self.client, self.docs = client, list(docs)
        self.on_call = on_call
        self.settings = settings or PanelSettings()
        self.prices = prices or load_prices()
        self.backend = backend or Backend()
        self.poll_seconds, self.meta = poll_seconds, meta or {}
        self.ids = custom_ids(self.docs)
        self._requests, self._redactions = self._build()
        where = str(getattr(client, "base_url", ""))  # the same requests to another endpoint are another batch
        self.key = hashlib.sha256(json.dumps([where, self._requests], sort_keys=True).encode()).hexdigest()
        self.state_file = state_dir / f"{self.key[:32]}.json"
        self.batch_id: str | None = None
        self._cancel = asyncio.Event()
        self._cancel_sent = False
        self._panels: dict[int, Panel] = {}
        self._seen: dict[int, set[str]] = {}
        self._retry: list[tuple[int, str, Failure, list[str]]] = []  # refused for missing features: streamed later

    def cancel(self) -> None:
        """Cancel the batch: items already processed are still read and kept."""
        self._cancel.set()

    @property
    def canceling(self) -> bool:
        return self._cancel.is_set()

    @property
    def results(self) -> dict[int, list[CriticResult]]:
        """Each document's critic outcomes so far."""
        return {i: p.results for i, p in self._panels.items()}

    def _build(self) -> tuple[list[dict[str, Any]], dict[str, dict[str, int]]]:
        requests, redactions = [], {}
        for cid, (i, pid) in self.ids.items():
            item = self.docs[i]
            persona = next(p for p in item.personas if p.id == pid)
            params = request_params(item.doc, persona, self.settings, self.backend,
                                    model=getattr(persona, "model", None) or self.settings.model,
                                    effort=getattr(persona, "effort", None) or self.settings.effort,
                                    redactor=item.redactor, raised=item.raised, context=item.context)
            redactions[cid] = dict(item.redactor.request_counts) if item.redactor else {}
            requests.append({"custom_id": cid, "params": params})
        return requests, redactions

    # the run ------------------------------------------------------------------------------------
    async def events(self) -> AsyncIterator[BatchEvent]:
        """Submit or resume, then progress, failures and documents as they come; ends with ``BatchDone``."""
        resumed = self._load_state()
        if not resumed:
            await self._create()
        assert self.batch_id is not None
        yield BatchSubmitted(self.batch_id, len(self._requests), resumed)
        ended: list[Any] = []
        async for progress in self._poll(ended):
            yield progress
        async for event in self._read():
            yield event
        self.state_file.unlink(missing_ok=True)
        yield BatchDone(self.batch_id, bool(_counts(ended[0]).get("canceled")) or self._cancel_sent)

    def _load_state(self) -> bool:
        try:
            state = json.loads(self.state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        batch_id = state.get("batch_id") if isinstance(state, dict) else None
        if not isinstance(batch_id, str) or not batch_id:
            return False
        self.batch_id = batch_id
        return True

    async def _create(self) -> None:
        import anthropic

        from doccritic.core.fileio import atomic_write_text

        try:
            batch = await self.client.messages.batches.create(requests=self._requests)
        except anthropic.APIStatusError as exc:
            if exc.status_code in (404, 405) or "not found" in str(exc).lower():
                raise BatchesUnavailableError("this endpoint does not offer the Message Batches API") from None
            raise BatchError(f"The batch was not accepted: {classify(exc).message}") from None
        except Exception as exc:
            raise BatchError(f"The batch could not be sent: {classify(exc).message}") from None
        self.batch_id = batch.id
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.state_file, json.dumps({
            "batch_id": batch.id, "created_at": str(batch.created_at), "requests": len(self._requests),
            **self.meta}, indent=2) + "\n")
        for cid, (i, pid) in self.ids.items():  # the documents have left: the send log says so now
            self._log(cid, i, pid, Usage(), "sent in a batch")

    async def _poll(self, ended: list[Any]) -> AsyncIterator[BatchProgress]:
        """Status checks every ``poll_seconds`` (at once after a cancel) until the batch has ended."""
        assert self.batch_id is not None  # submitted or resumed before polling
        batch_id: str = self.batch_id
        batch, fails, last = None, 0, None
        while True:
            if self._cancel.is_set() and not self._cancel_sent:
                self._cancel_sent = True
                try:
                    await self.client.messages.batches.cancel(self.batch_id)
                except Exception as exc:
                    self._call("batch_cancel", "failed")
                    raise BatchError(f"The batch could not be canceled ({classify(exc).message}); it is kept: "
                                     "run the same command again to pick it up.", resumable=True) from None
                self._call("batch_cancel", "ok")
            try:
                batch = await self.client.messages.batches.retrieve(self.batch_id)
                fails = 0
                counts = _counts(batch)
                self._call("batch_status", f"{batch.processing_status}, "
                           f"{sum(n for k, n in counts.items() if k != 'processing')}/{sum(counts.values())} done")
            except Exception as exc:
                self._call("batch_status", "failed")
                fails += 1
                if _gone(exc):
                    self.state_file.unlink(missing_ok=True)
                    raise BatchError(f"The endpoint no longer knows batch {self.batch_id}; it is forgotten here "
                                     "too: run the command again to send a new one.") from None
                if fails >= POLL_TRIES:
                    raise BatchError(f"Cannot follow batch {self.batch_id} ({classify(exc).message}); it keeps "
                                     "running and is kept: run the same command again to pick it up.",
                                     resumable=True) from None
            if batch is not None:
                progress = BatchProgress(batch_id, batch.processing_status, _counts(batch))
                if (progress.status, progress.counts) != last:
                    last = (progress.status, progress.counts)
                    yield progress
                if batch.processing_status == "ended":
                    ended.append(batch)
                    return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._cancel_wait(), self.poll_seconds)

    async def _cancel_wait(self) -> None:
        if self._cancel_sent:  # canceling takes the endpoint a moment: ask again sooner than usual
            await asyncio.sleep(min(self.poll_seconds, CANCEL_POLL_SECONDS))
        else:
            await self._cancel.wait()

    async def _read(self) -> AsyncIterator[BatchEvent]:
        try:
            lines = await self.client.messages.batches.results(self.batch_id)
            async for line in lines:
                for event in self._absorb(line):
                    yield event
        except Exception as exc:
            self._call("batch_results", "failed")
            raise BatchError(f"The results of batch {self.batch_id} could not be read ({classify(exc).message}); "
                             "it is kept: run the same command again to read them.", resumable=True) from None
        self._call("batch_results", "ok")
        async for event in self._retry_streamed():
            yield event
        for i, item in enumerate(self.docs):  # a line the results never had: say so rather than drop the critic
            missing = [p.id for p in item.personas if p.id not in self._seen.get(i, set())]
            for pid in missing:
                failure = Failure(FailureKind.MALFORMED, "The batch returned no result for this critic.")
                self._panel(i).give_up(pid, failure)
                yield BatchItemFailed(i, pid, failure)
            if missing:
                yield self._document(i)

    async def _retry_streamed(self) -> AsyncIterator[BatchEvent]:
        """Stream each item the batch refused for a feature the endpoint lacks (already dropped from
        ``backend``), at full price and within what is left of the budget cap; its document follows."""
        retry, self._retry = self._retry, []
        for i, pid, refused, names in retry:
            panel = self._panel(i)
            if not await self._affordable(i, pid):
                cap = self.settings.budget_usd or 0.0
                failure = Failure(FailureKind.BUDGET, f"{refused.message} Not streamed instead: the budget cap "
                                  f"of ${cap:.2f} for this run would be exceeded.")
                panel.give_up(pid, failure)
                yield BatchItemFailed(i, pid, failure)
            else:
                dropped = " or ".join(dict.fromkeys(feature_words(n) for n in names))
                yield BatchItemRetried(i, pid, f"{refused.message} Streaming it instead, without {dropped} "
                                       "(full price).")
                panel.price_factor = 1.0  # streamed: the listed price (the batch's answers were priced already)
                done = await panel.run_one(pid)
                if done.failure is not None:
                    yield BatchItemFailed(i, pid, done.failure)
            if self._complete(i):
                yield self._document(i)

    async def _affordable(self, i: int, pid: str) -> bool:
        """Streaming ``pid`` for document ``i`` fits the run's cap: what the run has cost so far (every
        document's critics) plus this critic's estimate at the full price."""
        cap = self.settings.budget_usd
        if cap is None:
            return True
        from doccritic.claude.panel import estimate

        item = self.docs[i]
        persona = next(p for p in item.personas if p.id == pid)
        spent = sum(r.cost for p in self._panels.values() for r in p.results)
        est = await estimate(self.client, item.doc, [persona], self.settings, prices=self.prices,
                             backend=self.backend, redactor=item.redactor, raised=item.raised)
        return spent + est.total <= cap + 1e-9

    def _complete(self, i: int) -> bool:
        return (self._seen.get(i, set()) >= {p.id for p in self.docs[i].personas}
                and not any(j == i for j, *_ in self._retry))

    def _call(self, kind: str, outcome: str) -> None:
        if self.on_call is not None:
            self.on_call(kind, outcome)

    def _panel(self, i: int) -> Panel:
        if i not in self._panels:
            item = self.docs[i]
            panel = Panel(self.client, item.doc, item.personas, self.settings, prices=self.prices,
                          backend=self.backend, existing=item.raised, redactor=item.redactor, on_sent=item.on_sent,
                          context=item.context)
            panel.price_factor = self.prices.batch
            self._panels[i] = panel
        return self._panels[i]

    def _absorb(self, line: Any) -> list[BatchEvent]:
        where = self.ids.get(line.custom_id)
        if where is None:
            return []
        i, pid = where
        if pid in self._seen.setdefault(i, set()):
            return []
        self._seen[i].add(pid)
        panel, result = self._panel(i), line.result
        events: list[BatchEvent] = []
        if result.type == "succeeded":
            message = result.message
            usage = Usage.of(message.usage)
            done = panel.absorb(pid, answer_text(message.content), usage, message.stop_reason)
            if done.failure is not None:
                events.append(BatchItemFailed(i, pid, done.failure))
            self._log(line.custom_id, i, pid, usage, "answered (batch)")
        else:
            failure = item_failure(result)
            self._log(line.custom_id, i, pid, Usage(), f"{result.type} (batch)")
            if names := self._drop_refused(result):
                self._retry.append((i, pid, failure, names))  # streamed without it once every line is read
                return events
            panel.give_up(pid, failure)
            events.append(BatchItemFailed(i, pid, failure))
        if self._complete(i):
            events.append(self._document(i))
        return events

    def _drop_refused(self, result: Any) -> list[str]:
        """An item refused (400) for optional features the endpoint lacks: drop them, as a live run would; their
        names (none: not such a refusal)."""
        from doccritic.claude.failures import unsupported_in
        from doccritic.claude.panel import OPTIONAL_PARAMS

        error = getattr(getattr(result, "error", None), "error", None)
        if result.type != "errored" or getattr(error, "type", "") != "invalid_request_error":
            return []
        names = unsupported_in(getattr(error, "message", "") or "", OPTIONAL_PARAMS)
        for name in names:
            self.backend.drop(name)
        return names

    def _document(self, i: int) -> BatchDocumentDone:
        panel = self._panel(i)
        return BatchDocumentDone(i, tuple(panel.cards), tuple(panel.results))

    def _log(self, cid: str, i: int, pid: str, usage: Usage, outcome: str) -> None:
        item = self.docs[i]
        if item.on_sent is None:
            return
        if item.redactor is not None:
            item.redactor.request_counts = self._redactions.get(cid, {})
        model = next((getattr(p, "model", None) for p in item.personas if p.id == pid), None) or self.settings.model
        item.on_sent(pid, model, 1, usage, outcome)


def item_failure(result: Any) -> Failure:
    """Why one batch item produced no answer, in a sentence for the user."""
    if result.type == "expired":
        return Failure(FailureKind.TIMEOUT, "The batch expired (24 hours) before this request was processed; "
                       "it was not charged.")
    if result.type == "canceled":
        return Failure(FailureKind.CANCELLED, "The batch was canceled before this request was processed; "
                       "it was not charged.")
    error = getattr(getattr(result, "error", None), "error", None)
    kind_name, message = getattr(error, "type", "") or "api_error", getattr(error, "message", "") or "no reason given"
    return Failure(_ERROR_KINDS.get(kind_name, FailureKind.SERVER),
                   f"The batch could not process this request ({kind_name}: {message.rstrip('.')}).")


def _counts(batch: Any) -> dict[str, int]:
    counts = batch.request_counts
    return {k: int(getattr(counts, k, 0) or 0) for k in ("processing", "succeeded", "errored", "canceled", "expired")}


def _gone(exc: BaseException) -> bool:
    """The endpoint no longer knows the batch (deleted, or another account): resuming cannot help."""
    import anthropic

    return isinstance(exc, anthropic.NotFoundError)


__all__ = ["BatchDocument", "BatchDocumentDone", "BatchDone", "BatchError", "BatchEvent", "BatchItemFailed",
           "BatchProgress", "BatchRun", "BatchSubmitted", "BatchesUnavailableError"]
