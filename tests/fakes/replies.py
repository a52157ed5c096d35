"""Scripted replies and stream faults for the fake Messages API, and the wire events they become."""

from __future__ import annotations

import json
import math
import secrets
from dataclasses import dataclass, field
from typing import Any, Literal

FaultKind = Literal["disconnect", "stall", "malformed", "error_event", "truncate"]


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


@dataclass(frozen=True)
class Fault:
    """Something going wrong part-way through a streamed reply, after `after_events` SSE events were sent.

    On a non-streamed request: disconnect closes without a response, stall delays it, malformed sends a
    broken JSON body; error_event and truncate are ignored.
    """

    kind: FaultKind
    after_events: int = 4  # message_start, content_block_start, ping, first delta
    seconds: float = 0.0
    reset: bool = False
    error_type: str = "overloaded_error"
    message: str = "Overloaded"

    @classmethod
    def disconnect(cls, after_events: int = 4, *, reset: bool = False) -> Fault:
        """Close the socket mid-stream: a FIN (client: RemoteProtocolError), or an RST with reset=True (ReadError)."""
        return cls("disconnect", after_events, reset=reset)

    @classmethod
    def stall(cls, after_events: int = 4, seconds: float = 30.0) -> Fault:
        """Send nothing for `seconds`, then carry on (a client read timeout should fire first)."""
        return cls("stall", after_events, seconds=seconds)

    @classmethod
    def malformed(cls, after_events: int = 4) -> Fault:
        """Send an `event: content_block_delta` whose data is invalid JSON, then end the stream."""
        return cls("malformed", after_events)

    @classmethod
    def error_event(
        cls, after_events: int = 4, error_type: str = "overloaded_error", message: str = "Overloaded"
    ) -> Fault:
        """Send an SSE `event: error` (as the API does when it overloads mid-stream), then end the stream."""
        return cls("error_event", after_events, error_type=error_type, message=message)

    @classmethod
    def truncate(cls, after_events: int = 4) -> Fault:
        """End the stream cleanly, but never send message_delta/message_stop."""
        return cls("truncate", after_events)


@dataclass(frozen=True)
class Reply:
    """One scripted response. Build with Reply.text / Reply.json / Reply.tool_use / Reply.error."""

    kind: Literal["text", "tool_use", "error"]
    content: str = ""  # the text, or the tool input as JSON
    tool_name: str = ""
    stop_reason: str | None = "end_turn"
    chunk_chars: int = 40
    ttft: float = 0.0
    tokens_per_second: float | None = None
    output_tokens: int | None = None
    fault: Fault | None = None
    status: int = 200
    error_type: str = ""
    message: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    thinking: str = ""  # streamed as a thinking block before the text (adaptive thinking)

    @classmethod
    def text(
        cls,
        text: str,
        *,
        stop_reason: str | None = "end_turn",
        chunk_chars: int = 40,
        ttft: float = 0.0,
        tokens_per_second: float | None = None,
        output_tokens: int | None = None,
        fault: Fault | None = None,
        thinking: str = "",
    ) -> Reply:
        """A text block streamed as text_delta chunks of `chunk_chars` (after a thinking block when `thinking`).

        Latency: `ttft` seconds pass before message_start (and so before the first content delta), then each
        chunk takes len(chunk)/4/tokens_per_second seconds before it is sent (None: no delay). The prompt is
        cached when message_start goes out, so a request arriving during another's ttft also writes the cache.
        A reply longer than the request's max_tokens is cut there with stop_reason "max_tokens".
        """
        if chunk_chars < 1:
            raise ValueError("chunk_chars must be >= 1")
        return cls("text", text, "", stop_reason, chunk_chars, ttft, tokens_per_second, output_tokens, fault,
                   thinking=thinking)

    @classmethod
    def json(cls, obj: Any, **options: Any) -> Reply:
        """A text reply whose text is json.dumps(obj)."""
        return cls.text(json.dumps(obj), **options)

    @classmethod
    def tool_use(
        cls,
        name: str,
        input_obj: Any,
        *,
        chunk_chars: int = 40,
        ttft: float = 0.0,
        tokens_per_second: float | None = None,
        output_tokens: int | None = None,
        fault: Fault | None = None,
    ) -> Reply:
        """A tool_use block whose input streams as input_json_delta chunks; stop_reason "tool_use"."""
        if chunk_chars < 1:
            raise ValueError("chunk_chars must be >= 1")
        text = json.dumps(input_obj)
        return cls("tool_use", text, name, "tool_use", chunk_chars, ttft, tokens_per_second, output_tokens, fault)

    @classmethod
    def error(cls, status: int, error_type: str, message: str, headers: dict[str, str] | None = None) -> Reply:
        """An HTTP error exactly as the API sends it (headers may hold retry-after, retry-after-ms, x-should-retry)."""
        return cls("error", status=status, error_type=error_type, message=message, headers=dict(headers or {}))


def error_body(error_type: str, message: str, request_id: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": error_type, "message": message}, "request_id": request_id}


@dataclass(frozen=True)
class Event:
    name: str
    data: dict[str, Any]
    delay: float = 0.0  # seconds to wait before sending

    def encode(self) -> bytes:
        return f"event: {self.name}\ndata: {json.dumps(self.data)}\n\n".encode()


@dataclass(frozen=True)
class Rendition:
    """A reply fitted to one request: the chunks, stop reason and output token count it will report."""

    reply: Reply
    chunks: list[str]
    stop_reason: str | None
    output_tokens: int
    tool_use_id: str = field(default_factory=lambda: new_id("toolu"))

    @classmethod
    def of(cls, reply: Reply, max_tokens: Any) -> Rendition:
        text, stop_reason = reply.content, reply.stop_reason
        estimate = math.ceil(len(text.encode("utf-8")) / 4)
        if isinstance(max_tokens, int) and max_tokens > 0 and estimate > max_tokens:
            text, stop_reason = text[: max_tokens * 4], "max_tokens"  # the model ran out of room
            estimate = max_tokens
        chunks = [text[i : i + reply.chunk_chars] for i in range(0, len(text), reply.chunk_chars)]
        output_tokens = reply.output_tokens if reply.output_tokens is not None else max(1, estimate)
        return cls(reply, chunks, stop_reason, output_tokens)

    @property
    def full_text(self) -> str:
        return "".join(self.chunks)

    def chunk_delay(self, chunk: str) -> float:
        tps = self.reply.tokens_per_second
        return len(chunk) / 4 / tps if tps else 0.0

    def generation_seconds(self) -> float:
        return sum(self.chunk_delay(c) for c in self.chunks)

    def content_block(self, *, final: bool) -> dict[str, Any]:
        if self.reply.kind == "tool_use":
            tool_input: Any = {}
            if final:
                try:
                    tool_input = json.loads(self.full_text)
                except ValueError:
                    tool_input = {}
            return {"type": "tool_use", "id": self.tool_use_id, "name": self.reply.tool_name, "input": tool_input}
        return {"type": "text", "text": self.full_text if final else "", "citations": None}

    def stop_details(self) -> dict[str, Any] | None:
        if self.stop_reason == "refusal":
            return {"type": "refusal", "category": None, "explanation": None}
        return None

    def message(self, message_id: str, model: str, usage: dict[str, Any]) -> dict[str, Any]:
        """The whole reply as one non-streamed Message."""
        return {
            "id": message_id,
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [self.content_block(final=True)],
            "stop_reason": self.stop_reason,
            "stop_sequence": None,
            "stop_details": self.stop_details(),
            "usage": {**usage, "output_tokens": self.output_tokens, "service_tier": "standard"},
        }

    def events(self, message_id: str, model: str, usage: dict[str, Any]) -> list[Event]:
        """The SSE events of the streamed reply, in the API's order."""
        start = {
            "id": message_id,
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {**usage, "output_tokens": 1, "service_tier": "standard"},
        }
        events = [Event("message_start", {"type": "message_start", "message": start}, delay=self.reply.ttft)]
        index = 0
        if self.reply.thinking:
            thought = self.reply.thinking
            events += [
                Event("content_block_start", {"type": "content_block_start", "index": 0,
                                              "content_block": {"type": "thinking", "thinking": "", "signature": ""}}),
                *(Event("content_block_delta", {"type": "content_block_delta", "index": 0,
                                                "delta": {"type": "thinking_delta", "thinking": thought[i:i + 40]}},
                        delay=self.chunk_delay(thought[i:i + 40]))
                  for i in range(0, len(thought), 40)),
                Event("content_block_delta", {"type": "content_block_delta", "index": 0,
                                              "delta": {"type": "signature_delta", "signature": "c2ln"}}),
                Event("content_block_stop", {"type": "content_block_stop", "index": 0}),
            ]
            index = 1
        events += [
            Event(
                "content_block_start",
                {"type": "content_block_start", "index": index, "content_block": self.content_block(final=False)},
            ),
            Event("ping", {"type": "ping"}),
        ]
        for chunk in self.chunks:
            if self.reply.kind == "tool_use":
                delta = {"type": "input_json_delta", "partial_json": chunk}
            else:
                delta = {"type": "text_delta", "text": chunk}
            data = {"type": "content_block_delta", "index": index, "delta": delta}
            events.append(Event("content_block_delta", data, delay=self.chunk_delay(chunk)))
        final_usage = {k: v for k, v in usage.items() if k != "cache_creation"}
        events += [
            Event("content_block_stop", {"type": "content_block_stop", "index": index}),
            Event(
                "message_delta",
                {
                    "type": "message_delta",
                    "delta": {
                        "stop_reason": self.stop_reason,
                        "stop_sequence": None,
                        "stop_details": self.stop_details(),
                    },
                    "usage": {**final_usage, "output_tokens": self.output_tokens},
                },
            ),
            Event("message_stop", {"type": "message_stop"}),
        ]
        return events
