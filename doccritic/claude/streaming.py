"""One streamed reply, read the same way by the critic panel and the debate engine.

What the stream said is kept in a :class:`StreamState` that survives a failure part-way, so the caller
still knows whether the stream opened (a 400 before that means "retry without the rejected feature"),
the usage so far (billed even when the answer is cut), and whether ``message_delta`` ever arrived (a
stream that ends without it was truncated: the SDK does not say so).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from doccritic.claude.pricing import Usage


@dataclass
class StreamState:
    opened: bool = False
    usage: Usage = field(default_factory=Usage)
    stop_seen: bool = False
    stop_reason: str | None = None


async def stream_reply(client: Any, params: dict[str, Any], state: StreamState, *,
                       on_text: Callable[[str], None], on_start: Callable[[], None] | None = None) -> None:
    """Stream ``messages.stream(**params)``, calling ``on_text`` per text delta; raises what the stream raises."""
    async with client.messages.stream(**params) as stream:
        state.opened = True
        async for event in stream:
            if event.type == "message_start":
                state.usage = Usage.of(event.message.usage)
                if on_start is not None:
                    on_start()
            elif event.type == "text":
                on_text(event.text)
            elif event.type == "message_delta":
                # Cumulative counts; fields a backend leaves out keep their message_start values.
                state.usage.output_tokens = int(getattr(event.usage, "output_tokens", 0) or 0)
                for name in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"):
                    value = getattr(event.usage, name, None)
                    if value is not None:
                        setattr(state.usage, name, int(value))
                state.stop_reason, state.stop_seen = event.delta.stop_reason, True
