"""The Message Batches side of the fake API: create, retrieve, results (JSONL), cancel, with scripted progress.

    with FakeMessagesAPI() as api:
        api.script(Reply.json({...}), match="persona: staff-engineer")   # answers batch items like requests
        api.batches.steps = 2                    # retrieves that each process a share of the items
        api.batches.fault("expired", match="persona: legal")              # per item: expired / errored / canceled
        api.batches.end_canceled_after = 1       # someone cancels the batch in the console after one step
        api.batches.hold_after = 1               # stays in progress after one step, until the client cancels

A batch is processed as the client polls it: every retrieve of an ``in_progress`` batch processes the next
share of its items (``steps`` retrieves in all), so a test sees ``processing`` fall without waiting on a clock.
Each processed item is answered by the same scripts, prompt cache and validation as ``POST /v1/messages``
(an error reply becomes an ``errored`` result). ``enabled=False`` is an endpoint without batches (404).
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from .prompt_cache import InvalidRequestError, render_segments, rendered_text
from .replies import Rendition, error_body, new_id
from .tool_use import fit_reply, tool_problem

if TYPE_CHECKING:
    from .messages_api import FakeMessagesAPI, Match

ItemFault = Literal["expired", "errored", "canceled"]
_CUSTOM_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


@dataclass
class _Item:
    custom_id: str
    params: dict[str, Any]
    result: dict[str, Any] | None = None  # set once processed (or canceled / expired at the end)


@dataclass
class FakeBatch:
    """One batch as the server holds it."""

    id: str
    items: list[_Item]
    created_at: str = field(default_factory=_now)
    status: str = "in_progress"  # in_progress / canceling / ended
    polls: int = 0
    ended_at: str | None = None
    cancel_initiated_at: str | None = None

    def counts(self) -> dict[str, int]:
        out = {"processing": 0, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0}
        for item in self.items:
            out[item.result["type"] if item.result else "processing"] += 1
        return out

    def body(self, base_url: str) -> dict[str, Any]:
        created = datetime.fromisoformat(self.created_at.replace("Z", "+00:00"))
        return {
            "id": self.id, "type": "message_batch", "processing_status": self.status,
            "request_counts": self.counts(), "created_at": self.created_at,
            "expires_at": (created + timedelta(hours=24)).isoformat().replace("+00:00", "Z"),
            "ended_at": self.ended_at, "cancel_initiated_at": self.cancel_initiated_at, "archived_at": None,
            "results_url": f"{base_url}/v1/messages/batches/{self.id}/results" if self.status == "ended" else None,
        }


class FakeBatches:
    """The batches the fake holds, how they progress, and which items fail."""

    def __init__(self, api: FakeMessagesAPI, *, enabled: bool = True) -> None:
        self.api = api
        self.enabled = enabled
        self.steps = 1  # retrieves of an in-progress batch until every item is processed
        self.end_canceled_after: int | None = None  # the batch ends canceled after this many retrieves
        self.hold_after: int | None = None  # processing stops after this many retrieves (until a cancel)
        self.held: dict[str, FakeBatch] = {}
        self._faults: list[tuple[Match, ItemFault]] = []
        self._lock = threading.RLock()

    def fault(self, kind: ItemFault, *, match: Match) -> None:
        """Items whose request text contains ``match`` (or for which ``match(params)`` holds) end ``kind``."""
        self._faults.append((match, kind))

    # endpoints ----------------------------------------------------------------------------
    def create(self, body: dict[str, Any]) -> dict[str, Any] | str:
        """The new batch, or why the request is invalid (a 400)."""
        requests = body.get("requests")
        if not isinstance(requests, list) or not requests:
            return "requests: at least one request is required"
        items, seen = [], set()
        for n, request in enumerate(requests):
            custom_id, params = request.get("custom_id"), request.get("params")
            if not isinstance(custom_id, str) or not _CUSTOM_ID.match(custom_id):
                return f"requests.{n}.custom_id: must match ^[a-zA-Z0-9_-]{{1,64}}$"
            if custom_id in seen:
                return f"Duplicate custom_id: {custom_id}"
            if not isinstance(params, dict) or params.get("stream"):
                return f"requests.{n}.params: streaming is not supported in a batch"
            seen.add(custom_id)
            items.append(_Item(custom_id, params))
        batch = FakeBatch(new_id("msgbatch"), items)
        with self._lock:
            self.held[batch.id] = batch
        return batch.body(self.api.base_url)

    def retrieve(self, batch_id: str) -> dict[str, Any] | None:
        with self._lock:
            batch = self.held.get(batch_id)
            if batch is None:
                return None
            if batch.status != "ended":
                batch.polls += 1
                self._advance(batch)
            return batch.body(self.api.base_url)

    def cancel(self, batch_id: str) -> dict[str, Any] | None:
        with self._lock:
            batch = self.held.get(batch_id)
            if batch is None:
                return None
            if batch.status == "in_progress":
                batch.status, batch.cancel_initiated_at = "canceling", _now()
            return batch.body(self.api.base_url)

    def results(self, batch_id: str) -> list[bytes] | None:
        """The JSONL lines of an ended batch (None: no such batch, or not ended)."""
        with self._lock:
            batch = self.held.get(batch_id)
            if batch is None or batch.status != "ended":
                return None
            return [json.dumps({"custom_id": i.custom_id, "result": i.result}).encode() + b"\n"
                    for i in batch.items]

    # processing ---------------------------------------------------------------------------
    def _advance(self, batch: FakeBatch) -> None:
        if batch.status == "canceling" or (self.end_canceled_after is not None
                                           and batch.polls >= self.end_canceled_after):
            return self._end(batch, "canceled")
        if self.hold_after is not None and batch.polls > self.hold_after:
            return None
        waiting = [i for i in batch.items if i.result is None]
        share = -(-len(batch.items) // max(1, self.steps))
        for item in waiting[:share]:
            item.result = self._process(item.params)
        if all(i.result is not None for i in batch.items):
            self._end(batch, "canceled")

    def _end(self, batch: FakeBatch, rest: str) -> None:
        for item in batch.items:
            if item.result is None:
                item.result = {"type": rest}
        batch.status, batch.ended_at = "ended", _now()

    def _process(self, params: dict[str, Any]) -> dict[str, Any]:
        text = rendered_text(params)
        kind = next((k for m, k in self._faults
                     if (m in text if isinstance(m, str) else bool(m(params)))), None)
        if kind == "errored":
            return self._errored("api_error", "Internal server error while processing this request.")
        if kind is not None:
            return {"type": kind}
        try:
            segments = render_segments(params)
        except InvalidRequestError as exc:
            return self._errored("invalid_request_error", str(exc))
        for key in ("model", "max_tokens", "messages"):
            if key not in params:
                return self._errored("invalid_request_error", f"{key}: Field required")
        if problem := tool_problem(self.api, params):
            return self._errored("invalid_request_error", problem)
        picked = self.api._pick(params)
        if picked is None:
            return self._errored("api_error", "FakeMessagesAPI: no scripted reply for this batch item")
        reply = fit_reply(params, picked[1])
        if reply.kind == "error":
            return self._errored(reply.error_type, reply.message)
        plan = self.api.cache.plan(str(params["model"]), segments)
        plan.commit()  # items run one after another here: the first writes the prefix, the others read it
        rendition = Rendition.of(reply, params.get("max_tokens"))
        message = rendition.message(new_id("msg"), str(params["model"]), plan.usage())
        return {"type": "succeeded", "message": message}

    def _errored(self, error_type: str, message: str) -> dict[str, Any]:
        return {"type": "errored", "error": error_body(error_type, message, new_id("req"))}
