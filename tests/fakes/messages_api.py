"""A loopback server that speaks the Anthropic Messages API wire format, for driving the real SDK in tests.

    with FakeMessagesAPI() as api:
        api.script(Reply.json({"findings": []}))                          # default queue
        api.script(Reply.text("..."), match="persona: staff-engineer")   # requests whose text contains this
        client = AsyncAnthropic(api_key="sk-test", base_url=api.base_url)
        ...
        api.journal                                                       # what the server saw

A script's replies are consumed one per HTTP attempt (SDK retries included); its last reply repeats.
The Message Batches endpoints answer batch items from the same scripts: see ``batches.py`` (``api.batches``).
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .batches import FakeBatches
from .prompt_cache import PromptCache, rendered_text
from .replies import Fault, Reply
from .server import DEFAULT_MODELS, RecordedRequest, Server, model_info

__all__ = ["DEFAULT_MODELS", "FakeMessagesAPI", "Fault", "RecordedRequest", "Reply", "Script", "closed_port_url"]

Match = str | Callable[[dict[str, Any]], bool] | None


def closed_port_url() -> str:
    """A base URL on 127.0.0.1 where nothing listens (connections are refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@dataclass
class Script:
    """A queue of replies for requests that match; consumed in order, the last one repeats."""

    name: str
    match: Match
    replies: list[Reply] = field(default_factory=list)
    served: int = 0

    def matches(self, body: dict[str, Any], text: str) -> bool:
        if self.match is None:
            return True
        if isinstance(self.match, str):
            return self.match in text
        return bool(self.match(body))

    def take(self) -> Reply:
        reply = self.replies[min(self.served, len(self.replies) - 1)]
        self.served += 1
        return reply


class FakeMessagesAPI:
    """The fake API server. Start it with `with` (or start()/close()); point the SDK at `base_url`."""

    def __init__(
        self,
        *,
        caching: bool = True,
        structured_output: bool = True,
        tools: bool = True,
        strict_tools: bool = True,
        count_tokens: bool = True,
        models: list[str | dict[str, Any]] | None = None,
        min_cache_tokens: int = 1024,
        batches: bool = True,
    ) -> None:
        self.structured_output = structured_output
        self.tools = tools  # False: an endpoint that refuses tools and tool_choice (400)
        self.strict_tools = strict_tools  # False: one that refuses "strict" on a tool
        self.count_tokens = count_tokens
        self.cache = PromptCache(min_tokens=min_cache_tokens, enabled=caching)
        catalogue = {m["id"]: m for m in DEFAULT_MODELS}
        chosen = DEFAULT_MODELS if models is None else models
        self.models = [
            m if isinstance(m, dict) else catalogue.get(m) or model_info(m, m, "2026-01-01T00:00:00Z") for m in chosen
        ]
        self.batches = FakeBatches(self, enabled=batches)  # the Message Batches endpoints (see batches.py)
        self.server_errors: list[str] = []  # bugs in the fake itself; re-raised on exit
        self._scripts: list[Script] = []
        self._default: Script | None = None
        self._journal: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._closing = threading.Event()
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    # lifecycle
    def start(self) -> FakeMessagesAPI:
        self._server = Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-messages-api", daemon=True
        )
        self._thread.start()
        return self

    def close(self, timeout: float = 1.0) -> None:
        """Stop serving, drop every open connection (stalled streams too) and join all server threads."""
        server, self._server = self._server, None
        if server is None:
            return
        self._closing.set()
        server.shutdown()
        if self._thread is not None:
            self._thread.join(timeout)
        server.drop_connections(time.monotonic() + timeout)
        server.server_close()

    def __enter__(self) -> FakeMessagesAPI:
        return self.start()

    def __exit__(self, exc_type: object, *_: object) -> None:
        self.close()
        if exc_type is None and self.server_errors:
            raise AssertionError("FakeMessagesAPI failed internally:\n" + "\n".join(self.server_errors))

    @property
    def base_url(self) -> str:
        assert self._server is not None, "FakeMessagesAPI is not running"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # scripting
    def script(self, *replies: Reply, match: Match = None, name: str | None = None) -> Script:
        """Queue replies (for every request, or those whose text contains `match` / for which match(body) is true).

        Calling again with the same `match` extends that queue. Matching scripts are tried in the order they
        were first added; the default (match=None) script answers when none matches.
        """
        if not replies:
            raise ValueError("script() needs at least one Reply")
        with self._lock:
            existing = self._default if match is None else next((s for s in self._scripts if s.match == match), None)
            if existing is not None:
                existing.replies.extend(replies)
                return existing
            label = name or ("default" if match is None else match if isinstance(match, str) else match.__name__)
            created = Script(label, match, list(replies))
            if match is None:
                self._default = created
            else:
                self._scripts.append(created)
            return created

    def _pick(self, body: dict[str, Any]) -> tuple[Script, Reply] | None:
        text = rendered_text(body)
        with self._lock:
            for s in [*self._scripts, self._default]:
                if s is not None and s.matches(body, text):
                    return s, s.take()
        return None

    # journal
    @property
    def journal(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._journal)

    def _record(self, entry: RecordedRequest) -> None:
        with self._changed:
            self._journal.append(entry)
            self._changed.notify_all()

    def _finish(self, entry: RecordedRequest) -> None:
        with self._changed:
            entry.finished_at = time.monotonic()
            self._changed.notify_all()

    def _ready(self, n: int, finished: bool) -> bool:
        return sum(1 for e in self._journal if e.done or not finished) >= n

    def wait_for_requests(self, n: int, timeout: float = 2.0, *, finished: bool = False) -> list[RecordedRequest]:
        """Block until the journal holds `n` requests (finished ones only if `finished`). Not for use on an
        event loop that must keep running; use `await api.await_requests(...)` there."""
        with self._changed:
            if not self._changed.wait_for(lambda: self._ready(n, finished), timeout):
                raise TimeoutError(f"expected {n} requests, journal: {self._journal}")
            return list(self._journal)

    async def await_requests(self, n: int, timeout: float = 2.0, *, finished: bool = False) -> list[RecordedRequest]:
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                if self._ready(n, finished):
                    return list(self._journal)
            if time.monotonic() > deadline:
                raise TimeoutError(f"expected {n} requests, journal: {self.journal}")
            await asyncio.sleep(0.01)


