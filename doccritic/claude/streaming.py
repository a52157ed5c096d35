"""One streamed reply, read the same way by the critic panel and the debate engine.

What the stream said is kept in a :class:`StreamState` that survives a failure part-way, so the caller
still knows whether the stream opened (a 400 before that means "retry without the rejected feature"),
the usage so far (billed even when the answer is cut), and whether ``message_delta`` ever arrived (a
stream that ends without it was truncated: the SDK does not say so).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from doccritic.claude.pricing import Usage


@dataclass
class StreamState:
    opened: bool = False  # the response began (headers arrived): a failure now is a dropped stream
    usage: Usage = field(default_factory=Usage)
    stop_seen: bool = False
    stop_reason: str | None = None
    last_event: float = 0.0  # clock() when the stream last said anything
    chars: int = 0  # text and thinking characters received: output is billed before its count arrives


async def stream_reply(client: Any, params: dict[str, Any], state: StreamState, *,
                       on_text: Callable[[str], None], on_start: Callable[[], None] | None = None,
                       on_phase: Callable[[str], None] | None = None,
                       on_tool: Callable[[str], None] | None = None,
                       clock: Callable[[], float] = time.monotonic) -> None:
    """Stream ``messages.stream(**params)``, calling ``on_text`` per text delta and per delta of a tool call's
    input JSON (a critic's or the referee's answer arrives as one: see ``schema.shared_tools``); raises what the
    stream raises.

    ``on_phase`` hears "thinking" when a thinking block starts and "writing" when a text or tool block starts;
    ``on_tool`` hears the tool's name when a tool call starts (text before it was a preamble, not the answer).
    """
    async with client.messages.stream(**params) as stream:
        state.opened = True
        state.last_event = clock()
        async for event in stream:
            state.last_event = clock()
            kind = event.type
            if kind == "message_start":
                state.usage = Usage.of(event.message.usage)
                if on_start is not None:
                    on_start()
            elif kind == "text":
                state.chars += len(event.text)
                on_text(event.text)
            elif kind == "input_json":
                state.chars += len(event.partial_json)
                on_text(event.partial_json)
            elif kind == "thinking":
                state.chars += len(getattr(event, "thinking", "") or "")
            elif kind == "content_block_start":
                block = getattr(event.content_block, "type", "")
                if block == "tool_use" and on_tool is not None:
                    on_tool(str(getattr(event.content_block, "name", "")))
                if on_phase is None:
                    continue
                if block in ("thinking", "redacted_thinking"):
                    on_phase("thinking")
                elif block in ("text", "tool_use"):
                    on_phase("writing")
            elif kind == "message_delta":
                # Cumulative counts; fields a backend leaves out keep their message_start values.
                state.usage.output_tokens = int(getattr(event.usage, "output_tokens", 0) or 0)
                for name in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"):
                    value = getattr(event.usage, name, None)
                    if value is not None:
                        setattr(state.usage, name, int(value))
                state.stop_reason, state.stop_seen = event.delta.stop_reason, True
