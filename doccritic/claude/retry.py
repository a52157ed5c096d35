"""One bounded retry loop around a streamed reply, shared by critics, debate turns and the referee.

Every path is bounded: automatic tries while nothing useful has arrived (``RetryPolicy.attempts``), the
longest server-requested wait sat through, and a total time per critic or turn. Dropping a feature the
backend rejected (structured output, effort, thinking, caching) is not a try, but only when it changes the
request: a 400 that names a feature already dropped ends the run with one sentence instead of looping.
While a stream is open and silent, the caller hears "no data for N s, still waiting (attempt k of n)".
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from doccritic.claude.config import Backend
from doccritic.claude.failures import (
    Failure,
    FailureKind,
    auth_message,
    classify,
    retry_delay,
    unsupported_parameters,
    waiting_text,
)
from doccritic.claude.policy import RetryPolicy
from doccritic.claude.pricing import Usage
from doccritic.claude.streaming import StreamState, stream_reply


@dataclass
class Hooks:
    """What the caller hears while the loop runs; each is optional."""

    on_text: Callable[[str], None]
    on_start: Callable[[], None] | None = None  # message_start of an attempt
    on_phase: Callable[[str], None] | None = None  # "thinking" / "writing"
    on_tool: Callable[[str], None] | None = None  # a tool call began (its name): the answer starts there
    on_attempt: Callable[[int], None] | None = None  # before each try (1-based)
    on_wait: Callable[[str, float | None], None] | None = None  # status text, seconds until the next try
    produced: Callable[[], bool] = field(default=lambda: False)  # has output worth keeping arrived?
    # After each request, however it ended: try number, that try's usage, "answered" / "failed" / "stopped".
    # The send log hears of every request that may have left the machine, retries included.
    on_sent: Callable[[int, Usage, str], None] | None = None


class Attempts:
    """Run ``build()``'s request until it completes, fails for good, or the policy's bounds are reached.

    ``usage`` counts every try, including the one in flight, so a cancelled run still reports what was paid.
    """

    def __init__(self, client: Any, build: Callable[[], dict[str, Any]], backend: Backend, policy: RetryPolicy,
                 hooks: Hooks, *, model: str, optional: tuple[str, ...] = (), key_source: str | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client, self.build, self.backend, self.policy, self.hooks = client, build, backend, policy, hooks
        self.model, self.optional, self.clock, self.key_source = model, optional, clock, key_source
        self.attempt = 0
        self.state = StreamState()
        self._banked = Usage()

    @property
    def usage(self) -> Usage:
        return self._banked + self.state.usage

    def live_usage(self) -> Usage:
        """What the tries have cost so far, counting output still being written (its count comes at the end)."""
        usage = self.usage
        if not self.state.stop_seen:
            usage.output_tokens = max(usage.output_tokens, self._banked.output_tokens + self.state.chars // 4)
        return usage

    async def run(self) -> Failure | None:
        """None when a stream ended (inspect ``state`` for how); else the failure that ended the tries."""
        deadline = self.clock() + self.policy.total_seconds
        while True:
            params = self.build()
            self.attempt += 1
            self._bank()
            if self.hooks.on_attempt:
                self.hooks.on_attempt(self.attempt)
            try:
                async with asyncio.timeout(max(0.0, deadline - self.clock())):
                    await self._stream(params)
            except TimeoutError as exc:
                if self.clock() < deadline - 0.01:  # the SDK's own read timeout, not our total bound
                    failure = classify(exc, model=self.model, response_began=self.state.opened)
                else:
                    return self._gave_up()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if not self.state.opened and self._drop_rejected_feature(exc, params):
                    self.attempt -= 1  # the same try, without the feature: not a retry
                    continue
                failure = classify(exc, model=self.model, response_began=self.state.opened)
                if failure.kind is FailureKind.AUTH:
                    failure = replace(failure, message=auth_message(self.key_source))
            else:
                if self.state.stop_seen or self.hooks.produced():
                    return None
                failure = Failure(FailureKind.TRUNCATED, "The answer stopped before anything usable arrived.")
            wait = self._wait_for(failure)
            if wait is None:
                return _with_wait_note(failure, self.policy.max_wait)
            if self.clock() + wait >= deadline:
                return self._gave_up(failure)
            if self.hooks.on_wait:
                self.hooks.on_wait(f"{waiting_text(failure, wait)} (attempt {self.attempt + 1} of "
                                   f"{self.policy.attempts})", wait)
            await asyncio.sleep(wait)

    def _bank(self) -> None:
        self._banked = self._banked + self.state.usage
        self.state = StreamState()

    async def _stream(self, params: dict[str, Any]) -> None:
        state = self.state
        state.last_event = self.clock()
        watchdog = asyncio.create_task(self._watch(state))
        outcome = "stopped"
        try:
            await stream_reply(self.client, params, state, on_text=self.hooks.on_text, on_start=self.hooks.on_start,
                               on_phase=self.hooks.on_phase, on_tool=self.hooks.on_tool, clock=self.clock)
            outcome = "answered"
        except Exception:
            outcome = "failed"
            raise
        finally:
            watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watchdog
            if self.hooks.on_sent:
                self.hooks.on_sent(self.attempt, state.usage, outcome)

    async def _watch(self, state: StreamState) -> None:
        """Say so when an open stream (or the wait for it) has been silent for ``notice_after`` seconds."""
        notice = self.policy.notice_after
        said = 0.0
        while True:
            await asyncio.sleep(max(0.05, notice / 4))
            silent = self.clock() - state.last_event
            if silent < notice:
                said = 0.0
            elif silent - said >= notice and self.hooks.on_wait:
                said = silent
                self.hooks.on_wait(f"no data for {silent:.0f} s, still waiting (attempt {self.attempt} of "
                                   f"{self.policy.attempts})", None)

    def _drop_rejected_feature(self, exc: BaseException, params: dict[str, Any]) -> bool:
        """Drop the optional feature a 400 named, if that changes the request; a no-op drop is not a retry."""
        for name in unsupported_parameters(exc, self.optional):
            if self.backend.drop(name) and self.build() != params:
                return True
        return False

    def _wait_for(self, failure: Failure) -> float | None:
        if self.hooks.produced() or self.attempt >= self.policy.attempts:
            return None  # after output the PM decides (Retry); the tries are used up
        return retry_delay(failure, self.attempt, max_wait=self.policy.max_wait)

    def _gave_up(self, last: Failure | None = None) -> Failure:
        why = f" ({last.message.rstrip('.')})" if last else ""
        return Failure(FailureKind.TIMEOUT,
                       f"No complete answer within {self.policy.total_seconds:.0f} s{why}; gave up.",
                       status=last.status if last else None)


def _with_wait_note(failure: Failure, max_wait: float) -> Failure:
    """Say why we did not wait, and for how long the API asked."""
    if failure.retry_after is None or failure.retry_after <= max_wait:
        return failure
    return replace(failure, message=f"{failure.message} The API asked to wait {failure.retry_after:.0f} s; "
                   "try again later.")

