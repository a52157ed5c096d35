"""Prompt rendering, token estimates and prompt-cache emulation for the fake Messages API.

Tokens are estimated deterministically: a block costs ceil(len(utf-8 bytes of its canonical JSON) / 4).
The request is rendered in the API's cache order (tools, then system, then messages); each block is
serialized as ``json.dumps(block without cache_control, sort_keys=True)`` (message blocks also carry
their role), so the same text in the same place always gives the same cache key.

What else the real API keys its cache on, modelled here: a structured-output format
(``output_config.format``) comes before everything, so changing it (or sending one or not) misses the whole
cache, tools and system included; ``tool_choice`` and the ``thinking`` setting key only the message blocks,
so a change there still reads the tools and system blocks from the cache (the API's prompt-caching docs:
they "invalidate message blocks"). Neither adds tokens of its own.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MAX_BREAKPOINTS = 4
LOOKBACK_BLOCKS = 20  # the API also finds hits at block boundaries up to 20 blocks before a breakpoint
TTL_SECONDS = {"5m": 300.0, "1h": 3600.0}


class InvalidRequestError(ValueError):
    """A request the real API would reject with 400 invalid_request_error."""


def estimate_tokens(text: str) -> int:
    return math.ceil(len(text.encode("utf-8")) / 4)


@dataclass(frozen=True)
class Segment:
    """One block of the prompt, in cache order."""

    data: bytes
    tokens: int
    ttl: str | None  # "5m" or "1h" when this block is a cache breakpoint


def _segment(block: Any, cache_control: Any = None, *, key: Any = None) -> Segment:
    """``key``: what else this block's cache key depends on (adds no tokens)."""
    data = json.dumps(block, sort_keys=True, ensure_ascii=False).encode("utf-8")
    tokens = math.ceil(len(data) / 4)
    if key is not None:
        data += b"\0" + json.dumps(key, sort_keys=True).encode("utf-8")
    ttl = None
    if isinstance(cache_control, dict):
        ttl = cache_control.get("ttl") or "5m"
        if ttl not in TTL_SECONDS:
            raise InvalidRequestError(f"cache_control.ttl: Input should be '5m' or '1h', got {ttl!r}")
    return Segment(data, tokens, ttl)


def _split(block: Any) -> tuple[Any, Any]:
    if isinstance(block, dict):
        return {k: v for k, v in block.items() if k != "cache_control"}, block.get("cache_control")
    return block, None


def render_segments(body: dict[str, Any]) -> list[Segment]:
    """The request's blocks in cache order: tools, system, messages. Raises InvalidRequestError on >4 breakpoints."""
    segments: list[Segment] = []
    output_config = body.get("output_config")
    output_format = output_config.get("format") if isinstance(output_config, dict) else None
    if output_format is not None:  # a key-only segment before all others: a new format misses the whole cache
        segments.append(Segment(b"output_config.format\0" + json.dumps(output_format, sort_keys=True).encode(), 0,
                                None))
    for tool in body.get("tools") or []:
        segments.append(_segment(*_split(tool)))
    system = body.get("system")
    if isinstance(system, str):
        segments.append(_segment({"type": "text", "text": system}))
    elif isinstance(system, list):
        segments.extend(_segment(*_split(block)) for block in system)
    message_key = {k: body[k] for k in ("tool_choice", "thinking") if body.get(k) is not None} or None
    for message in body.get("messages") or []:
        role = message.get("role")
        content = message.get("content")
        blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content or []
        for block in blocks:
            plain, cache_control = _split(block)
            segments.append(_segment({"role": role, "block": plain}, cache_control, key=message_key))
    top = body.get("cache_control")
    if isinstance(top, dict) and segments and segments[-1].ttl is None:  # "applies to the last cacheable block"
        last = segments[-1]
        segments[-1] = Segment(last.data, last.tokens, _segment(None, top).ttl)
    found = sum(1 for s in segments if s.ttl)
    if found > MAX_BREAKPOINTS:
        message = f"A maximum of {MAX_BREAKPOINTS} blocks with cache_control may be provided. Found {found}."
        raise InvalidRequestError(message)
    return segments


def count_input_tokens(body: dict[str, Any]) -> int:
    return sum(s.tokens for s in render_segments(body))


def _block_text(block: Any) -> str:
    if isinstance(block, str):
        return block
    if not isinstance(block, dict):
        return ""
    kind = block.get("type")
    if kind == "text":
        return str(block.get("text", ""))
    if kind == "tool_result":
        content = block.get("content")
        return content if isinstance(content, str) else "\n".join(_block_text(b) for b in content or [])
    if kind == "document":
        source = block.get("source") or {}
        if source.get("type") == "text":
            return str(source.get("data", ""))
        if source.get("type") == "content":
            return "\n".join(_block_text(b) for b in source.get("content") or [])
    return ""


def rendered_text(body: dict[str, Any]) -> str:
    """System and message text joined by newlines: what string `match=` scripts search."""
    parts: list[str] = []
    system = body.get("system")
    parts.extend([system] if isinstance(system, str) else [_block_text(b) for b in system or []])
    for message in body.get("messages") or []:
        content = message.get("content")
        parts.extend([content] if isinstance(content, str) else [_block_text(b) for b in content or []])
    return "\n".join(p for p in parts if p)


@dataclass
class CachePlan:
    """Usage for one request, decided when it arrives; `commit()` runs when its message_start is sent."""

    input_tokens: int
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    ephemeral_5m_input_tokens: int = 0
    ephemeral_1h_input_tokens: int = 0
    writes: list[tuple[str, str]] = field(default_factory=list)  # (key, ttl)
    cache: PromptCache | None = None

    def commit(self) -> None:
        if self.cache is not None:
            self.cache.store(self.writes)
            self.cache = None

    def usage(self) -> dict[str, Any]:
        return {
            "input_tokens": self.input_tokens,
            "cache_creation_input_tokens": self.cache_creation_input_tokens,
            "cache_read_input_tokens": self.cache_read_input_tokens,
            "cache_creation": {
                "ephemeral_5m_input_tokens": self.ephemeral_5m_input_tokens,
                "ephemeral_1h_input_tokens": self.ephemeral_1h_input_tokens,
            },
        }


class PromptCache:
    """Prefix cache keyed by sha256(model + rendered prefix). Thread-safe; `advance()` moves its clock."""

    def __init__(self, *, min_tokens: int = 1024, enabled: bool = True, clock: Callable[[], float] = time.monotonic):
        self.min_tokens = min_tokens
        self.enabled = enabled
        self._clock = clock
        self._offset = 0.0
        self._entries: dict[str, tuple[float, float]] = {}  # key -> (expires_at, ttl seconds)
        self._lock = threading.Lock()

    def now(self) -> float:
        return self._clock() + self._offset

    def advance(self, seconds: float) -> None:
        """Pretend `seconds` have passed (for TTL tests)."""
        with self._lock:
            self._offset += seconds

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        now = self.now()
        with self._lock:
            return sum(1 for expires, _ in self._entries.values() if expires > now)

    def store(self, writes: list[tuple[str, str]]) -> None:
        now = self.now()
        with self._lock:
            for key, ttl in writes:
                seconds = TTL_SECONDS[ttl]
                expires, old_ttl = self._entries.get(key, (0.0, 0.0))
                self._entries[key] = (max(expires, now + seconds), max(old_ttl, seconds))

    def plan(self, model: str, segments: list[Segment]) -> CachePlan:
        total = sum(s.tokens for s in segments)
        if not self.enabled:
            return CachePlan(input_tokens=total)
        keys: list[str] = []
        ends: list[int] = []  # cumulative tokens through block i
        digest = hashlib.sha256(model.encode("utf-8") + b"\0")
        running = 0
        for seg in segments:
            digest.update(seg.data + b"\0")
            keys.append(digest.copy().hexdigest())
            running += seg.tokens
            ends.append(running)
        breakpoints = [i for i, s in enumerate(segments) if s.ttl and ends[i] >= self.min_tokens]
        candidates = {j for bp in breakpoints for j in range(max(0, bp - LOOKBACK_BLOCKS + 1), bp + 1)}
        now = self.now()
        read = 0
        with self._lock:
            hits = [j for j in candidates if ends[j] >= self.min_tokens and self._live(keys[j], now)]
            if hits:
                best = max(hits)
                read = ends[best]
                expires, ttl = self._entries[keys[best]]
                self._entries[keys[best]] = (max(expires, now + ttl), ttl)  # a read refreshes the entry
        plan = CachePlan(input_tokens=0, cache_read_input_tokens=read, cache=self)
        covered = read
        for bp in breakpoints:
            plan.writes.append((keys[bp], segments[bp].ttl or "5m"))
            if ends[bp] > covered:
                if segments[bp].ttl == "1h":
                    plan.ephemeral_1h_input_tokens += ends[bp] - covered
                else:
                    plan.ephemeral_5m_input_tokens += ends[bp] - covered
                covered = ends[bp]
        plan.cache_creation_input_tokens = covered - read
        plan.input_tokens = total - covered
        return plan

    def _live(self, key: str, now: float) -> bool:
        entry = self._entries.get(key)
        return entry is not None and entry[0] > now
