"""The fake Messages API, driven through the real anthropic SDK (never mocked) over loopback."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import anthropic
import httpx2
import pydantic
import pytest
from anthropic import AsyncAnthropic
from fakes.messages_api import DEFAULT_MODELS, FakeMessagesAPI, Fault, Reply, closed_port_url

pytestmark = pytest.mark.timeout(10)

MODEL = "claude-sonnet-4-6"
SECRET = "sk-test-do-not-log-0123456789"
DOCUMENT = "The launch plan assumes every region migrates in one weekend. " * 80  # ~1,240 tokens
USER = [{"role": "user", "content": "Critique the document."}]


@pytest.fixture
def api() -> Iterator[FakeMessagesAPI]:
    with FakeMessagesAPI() as server:
        yield server


def run(factory: Callable[[], Awaitable[Any]]) -> Any:
    return asyncio.run(factory())  # pytest-asyncio is not installed


def client(api: FakeMessagesAPI, **options: Any) -> AsyncAnthropic:
    options.setdefault("max_retries", 0)
    return AsyncAnthropic(api_key=SECRET, base_url=api.base_url, **options)


def cached_system(persona: str, ttl: str | None = None) -> list[dict[str, Any]]:
    control = {"type": "ephemeral", **({"ttl": ttl} if ttl else {})}
    return [
        {"type": "text", "text": DOCUMENT, "cache_control": control},
        {"type": "text", "text": f"persona: {persona}"},
    ]


async def stream_once(c: AsyncAnthropic, **params: Any) -> anthropic.types.Message:
    params = {"model": MODEL, "max_tokens": 1000, "messages": USER, **params}
    async with c.messages.stream(**params) as s:
        return await s.get_final_message()


# streaming and plain replies


def test_streamed_text_arrives_in_pieces(api: FakeMessagesAPI) -> None:
    text = "Section 3 promises a one-weekend migration without a rollback plan."
    api.script(Reply.text(text, chunk_chars=10))

    async def go() -> tuple[list[str], anthropic.types.Message, str | None]:
        async with client(api) as c, c.messages.stream(model=MODEL, max_tokens=500, messages=USER) as s:
            pieces = [t async for t in s.text_stream]
            return pieces, await s.get_final_message(), s.request_id

    pieces, message, request_id = run(go)
    assert len(pieces) == 7 and "".join(pieces) == text
    assert message.content[0].text == text and message.stop_reason == "end_turn"
    assert message.model == MODEL and message.id.startswith("msg_")
    assert message.usage.output_tokens == (len(text) + 3) // 4 and message.usage.input_tokens > 0
    assert request_id == api.journal[0].request_id and request_id.startswith("req_")


def test_non_streamed_create_gets_one_message(api: FakeMessagesAPI) -> None:
    api.script(Reply.json({"findings": [{"quote": "one weekend"}]}))

    async def go() -> anthropic.types.Message:
        async with client(api) as c:
            return await c.messages.create(model=MODEL, max_tokens=500, messages=USER)

    message = run(go)
    assert json.loads(message.content[0].text) == {"findings": [{"quote": "one weekend"}]}
    assert message.stop_reason == "end_turn" and not api.journal[0].stream


def test_tool_use_streams_input_json(api: FakeMessagesAPI) -> None:
    findings = {"findings": [{"severity": "high", "quote": "one weekend"}]}
    api.script(Reply.tool_use("report", findings, chunk_chars=8))

    async def go() -> tuple[int, anthropic.types.Message]:
        async with client(api) as c, c.messages.stream(model=MODEL, max_tokens=500, messages=USER) as s:
            partials = [e async for e in s if e.type == "input_json"]
            return len(partials), await s.get_final_message()

    partial_count, message = run(go)
    assert partial_count > 3
    block = message.content[0]
    assert block.type == "tool_use" and block.name == "report" and block.input == findings
    assert block.id.startswith("toolu_") and message.stop_reason == "tool_use"


def test_max_tokens_and_refusal_stop_reasons(api: FakeMessagesAPI) -> None:
    api.script(Reply.text("cut short", stop_reason="max_tokens"), match="first")
    api.script(Reply.text("I can't help with that.", stop_reason="refusal"), match="second")
    api.script(Reply.json({"issues": ["a long issue " * 20]}), match="third")

    async def go() -> list[anthropic.types.Message]:
        async with client(api) as c:
            return [
                await stream_once(c, messages=[{"role": "user", "content": "first"}]),
                await stream_once(c, messages=[{"role": "user", "content": "second"}]),
                await stream_once(c, messages=[{"role": "user", "content": "third"}], max_tokens=5),
            ]

    capped, refused, overflowed = run(go)
    assert capped.stop_reason == "max_tokens"
    assert refused.stop_reason == "refusal" and refused.stop_details and refused.stop_details.type == "refusal"
    assert overflowed.stop_reason == "max_tokens" and overflowed.usage.output_tokens == 5  # request max_tokens wins
    assert len(overflowed.content[0].text) == 20


def test_latency_model(api: FakeMessagesAPI) -> None:
    api.script(Reply.text("x" * 80, chunk_chars=40, ttft=0.2, tokens_per_second=100))  # 0.1 s per chunk

    async def go() -> list[float]:
        start = time.monotonic()
        async with client(api) as c, c.messages.stream(model=MODEL, max_tokens=500, messages=USER) as s:
            return [time.monotonic() - start async for _ in s.text_stream]

    first, second = run(go)
    assert 0.28 <= first < 0.6 and 0.08 <= second - first < 0.3


def test_scripts_match_by_text_or_callable_and_last_reply_repeats(api: FakeMessagesAPI) -> None:
    api.script(Reply.text("default"))
    api.script(Reply.text("staff 1"), Reply.text("staff again"), match="persona: staff-engineer")
    api.script(Reply.text("tools"), match=lambda body: bool(body.get("tools")), name="tooling")
    tool = {"name": "report", "description": "d", "input_schema": {"type": "object"}}

    async def go() -> list[str]:
        async with client(api) as c:
            out = []
            for params in [{}, {"system": "persona: staff-engineer"}, {"system": "persona: staff-engineer"},
                           {"system": "persona: staff-engineer"}, {"tools": [tool]}]:
                out.append((await stream_once(c, **params)).content[0].text)
            return out

    assert run(go) == ["default", "staff 1", "staff again", "staff again", "tools"]
    assert [e.script for e in api.journal] == ["default", *["persona: staff-engineer"] * 3, "tooling"]


def test_unscripted_request_is_a_clear_unretried_500() -> None:
    with FakeMessagesAPI() as api:

        async def go() -> None:
            async with client(api, max_retries=2) as c:
                await c.messages.create(model=MODEL, max_tokens=10, messages=USER)

        with pytest.raises(anthropic.InternalServerError, match="no scripted reply"):
            run(go)
        assert len(api.journal) == 1


# prompt-cache emulation


def test_cache_write_then_read(api: FakeMessagesAPI) -> None:
    api.script(Reply.text("ok"))

    async def go() -> list[anthropic.types.Message]:
        async with client(api) as c:
            return [await stream_once(c, system=cached_system(p)) for p in ("skeptic", "staff-engineer")]

    first, second = run(go)
    assert first.usage.cache_creation_input_tokens > 1024 and first.usage.cache_read_input_tokens == 0
    assert second.usage.cache_read_input_tokens == first.usage.cache_creation_input_tokens
    assert second.usage.cache_creation_input_tokens == 0
    assert second.usage.input_tokens < first.usage.input_tokens + first.usage.cache_creation_input_tokens
    assert first.usage.cache_creation.ephemeral_5m_input_tokens == first.usage.cache_creation_input_tokens
    assert api.journal[1].usage["cache_read_input_tokens"] == second.usage.cache_read_input_tokens


def test_concurrent_requests_both_write_until_message_start(api: FakeMessagesAPI) -> None:
    api.script(Reply.text("ok", ttft=0.3))

    async def go() -> list[anthropic.types.Message]:
        async with client(api) as c:
            together = await asyncio.gather(*(stream_once(c, system=cached_system(p)) for p in ("a", "b")))
            return [*together, await stream_once(c, system=cached_system("c"))]

    a, b, later = run(go)
    assert a.usage.cache_creation_input_tokens > 0 and b.usage.cache_creation_input_tokens > 0
    assert later.usage.cache_read_input_tokens > 0 and later.usage.cache_creation_input_tokens == 0


def test_a_request_sent_once_message_start_is_read_finds_the_prompt_cached(
        api: FakeMessagesAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the panel's stagger relies on: the second critic starts when the first one's message_start
    arrives, and reads the cache. The fake once committed the cache after sending message_start, so a server
    thread descheduled right after the write (a loaded machine) left the next request a miss."""
    from fakes import server

    send = server._Handler._chunk

    def slow(self: Any, data: bytes) -> None:
        send(self, data)
        if data.startswith(b"event: message_start"):
            time.sleep(0.3)  # the OS runs the next request's thread first

    monkeypatch.setattr(server._Handler, "_chunk", slow)
    api.script(Reply.text("ok"))

    async def go() -> anthropic.types.Message:
        async with client(api) as c:
            params = {"model": MODEL, "max_tokens": 1000, "messages": USER, "system": cached_system("a")}
            async with c.messages.stream(**params) as first:
                async for _ in first:
                    break  # message_start read
                return await stream_once(c, system=cached_system("b"))

    assert run(go).usage.cache_read_input_tokens > 0


def test_caching_disabled_backend_reports_zeros() -> None:
    with FakeMessagesAPI(caching=False) as api:
        api.script(Reply.text("ok"))

        async def go() -> list[anthropic.types.Message]:
            async with client(api) as c:
                return [await stream_once(c, system=cached_system("x")) for _ in range(2)]

        for message in run(go):
            assert message.usage.cache_creation_input_tokens == 0 and message.usage.cache_read_input_tokens == 0
            assert message.usage.input_tokens > 1024


def test_short_prefixes_are_not_cached_and_the_minimum_is_configurable() -> None:
    short = [{"type": "text", "text": "tiny " * 100, "cache_control": {"type": "ephemeral"}}]
    for minimum, cached in ((1024, False), (64, True)):
        with FakeMessagesAPI(min_cache_tokens=minimum) as api:
            api.script(Reply.text("ok"))

            async def go(server: FakeMessagesAPI = api) -> list[anthropic.types.Message]:
                async with client(server) as c:
                    return [await stream_once(c, system=short) for _ in range(2)]

            _, second = run(go)
            assert (second.usage.cache_read_input_tokens > 0) is cached


def test_top_level_cache_control_and_lookback_serve_a_growing_conversation(api: FakeMessagesAPI) -> None:
    api.script(Reply.text("ok"))
    turn1 = [{"role": "user", "content": DOCUMENT}]
    turn2 = [*turn1, {"role": "assistant", "content": "Noted."}, {"role": "user", "content": "And the risks?"}]

    async def go() -> list[anthropic.types.Message]:
        async with client(api) as c:
            auto = {"cache_control": {"type": "ephemeral"}}
            return [await stream_once(c, messages=turn1, **auto), await stream_once(c, messages=turn2, **auto)]

    first, second = run(go)
    assert first.usage.cache_creation_input_tokens > 1024 and first.usage.input_tokens == 0
    assert second.usage.cache_read_input_tokens == first.usage.cache_creation_input_tokens
    assert second.usage.cache_creation_input_tokens > 0  # the new turn is written at the moved breakpoint


def test_cache_entries_expire_after_their_ttl(api: FakeMessagesAPI) -> None:
    api.script(Reply.text("ok"))

    async def go(ttl: str) -> int:
        async with client(api) as c:
            await stream_once(c, system=cached_system("p", ttl))
            api.cache.advance(301)
            return (await stream_once(c, system=cached_system("p", ttl))).usage.cache_read_input_tokens

    assert run(lambda: go("5m")) == 0
    api.cache.clear()
    assert run(lambda: go("1h")) > 0


def test_more_than_four_breakpoints_is_a_400(api: FakeMessagesAPI) -> None:
    api.script(Reply.text("ok"))
    blocks = [{"type": "text", "text": f"b{i}", "cache_control": {"type": "ephemeral"}} for i in range(5)]

    async def go() -> None:
        async with client(api) as c:
            await stream_once(c, system=blocks)

    with pytest.raises(anthropic.BadRequestError, match="maximum of 4 blocks"):
        run(go)


# other endpoints and backend options


def test_count_tokens_matches_the_usage_of_the_same_prompt(api: FakeMessagesAPI) -> None:
    api.script(Reply.text("ok"))

    async def go() -> tuple[int, anthropic.types.Message]:
        async with client(api) as c:
            counted = await c.messages.count_tokens(model=MODEL, messages=USER, system=cached_system("p"))
            return counted.input_tokens, await stream_once(c, system=cached_system("p"))

    counted, message = run(go)
    usage = message.usage
    assert counted == usage.input_tokens + usage.cache_creation_input_tokens + usage.cache_read_input_tokens


def test_count_tokens_can_be_missing() -> None:
    with FakeMessagesAPI(count_tokens=False) as api:

        async def go() -> None:
            async with client(api) as c:
                await c.messages.count_tokens(model=MODEL, messages=USER)

        with pytest.raises(anthropic.NotFoundError):
            run(go)


def test_structured_output_accepted_or_rejected() -> None:
    class Verdict(pydantic.BaseModel):
        score: int

    async def go(api: FakeMessagesAPI) -> Any:
        async with client(api) as c, c.messages.stream(
            model=MODEL, max_tokens=100, messages=USER, output_format=Verdict
        ) as s:
            return (await s.get_final_message()).parsed_output

    with FakeMessagesAPI() as api:
        api.script(Reply.json({"score": 7}))
        assert run(lambda: go(api)) == Verdict(score=7)
        assert api.journal[0].body["output_config"]["format"]["type"] == "json_schema"
    with FakeMessagesAPI(structured_output=False) as api:
        api.script(Reply.json({"score": 7}))
        with pytest.raises(anthropic.BadRequestError, match="output_config: Extra inputs are not permitted"):
            run(lambda: go(api))


def test_models_list_and_retrieve() -> None:
    with FakeMessagesAPI() as api:

        async def go() -> tuple[list[anthropic.types.ModelInfo], anthropic.types.ModelInfo]:
            async with client(api) as c:
                listed = [m async for m in c.models.list(limit=2)]  # pages through all of them
                return listed, await c.models.retrieve("claude-haiku-4-5")

        listed, haiku = run(go)
        assert [m.id for m in listed] == [m["id"] for m in DEFAULT_MODELS]
        assert listed[0].id == "claude-opus-4-8" and listed[3].id == "claude-sonnet-4-5"
        assert listed[3].lifecycle == "deprecated" and listed[3].retires_at is not None
        assert listed[0].capabilities and listed[0].capabilities.structured_outputs.supported
        assert haiku.display_name == "Claude Haiku 4.5" and haiku.line == "haiku"
        assert [e.query.get("after_id") for e in api.journal[:2]] == [None, ["claude-sonnet-4-6"]]
    with FakeMessagesAPI(models=["claude-opus-4-8", "my-model"]) as api:

        async def ids() -> list[str]:
            async with client(api) as c:
                return [m.id async for m in c.models.list()]

        assert run(ids) == ["claude-opus-4-8", "my-model"]


def test_unknown_path_is_404_not_found_error(api: FakeMessagesAPI) -> None:
    async def go() -> None:
        async with client(api) as c:
            await c.get("/v1/nowhere", cast_to=object)

    with pytest.raises(anthropic.NotFoundError) as caught:
        run(go)
    assert caught.value.type == "not_found_error"


# errors and retries


def test_rate_limit_is_retried_after_retry_after(api: FakeMessagesAPI) -> None:
    api.script(
        Reply.error(429, "rate_limit_error", "slow down", headers={"retry-after": "1"}),
        Reply.json({"findings": []}),
        match="Critique",
    )

    async def go() -> anthropic.types.Message:
        async with client(api, max_retries=2) as c:
            return await stream_once(c)

    assert run(go).content[0].text == '{"findings": []}'
    first, second = api.journal
    assert (first.status, first.retry_count, second.status, second.retry_count) == (429, 0, 200, 1)
    assert 0.9 <= second.started_at - first.finished_at < 1.5


def test_bad_request_is_not_retried(api: FakeMessagesAPI) -> None:
    api.script(Reply.error(400, "invalid_request_error", "messages: bad"))

    async def go() -> None:
        async with client(api, max_retries=3) as c:
            await stream_once(c)

    with pytest.raises(anthropic.BadRequestError) as caught:
        run(go)
    assert caught.value.type == "invalid_request_error" and caught.value.request_id == api.journal[0].request_id
    assert len(api.journal) == 1


def test_x_should_retry_false_stops_retries_of_a_529(api: FakeMessagesAPI) -> None:
    api.script(Reply.error(529, "overloaded_error", "Overloaded", headers={"x-should-retry": "false"}))

    async def go() -> None:
        async with client(api, max_retries=3) as c:
            await c.messages.create(model=MODEL, max_tokens=10, messages=USER)

    with pytest.raises(anthropic.OverloadedError):
        run(go)
    assert len(api.journal) == 1


def test_a_dropped_non_streamed_request_is_retried_by_the_sdk(api: FakeMessagesAPI) -> None:
    api.script(Reply.text("lost", fault=Fault.disconnect()), Reply.text("ok"))

    async def go() -> anthropic.types.Message:
        async with client(api, max_retries=1) as c:
            return await c.messages.create(model=MODEL, max_tokens=10, messages=USER)

    assert run(go).content[0].text == "ok"
    assert [(e.status, e.retry_count, e.fault) for e in api.journal] == [(None, 0, "disconnect"), (200, 1, None)]


def test_connection_refused_is_an_api_connection_error() -> None:
    async def go() -> None:
        async with AsyncAnthropic(api_key=SECRET, base_url=closed_port_url(), max_retries=0) as c:
            await c.messages.create(model=MODEL, max_tokens=10, messages=USER)

    with pytest.raises(anthropic.APIConnectionError):
        run(go)


# faults part-way through a stream


def caught_in_chain(exc: BaseException | None, kind: type[BaseException]) -> bool:
    """Whether ``exc`` or anything it was raised from is a ``kind``."""
    while exc is not None:
        if isinstance(exc, kind):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (Fault.disconnect(), httpx2.RemoteProtocolError),
        (Fault.disconnect(reset=True), httpx2.ReadError),
        (Fault.malformed(), json.JSONDecodeError),
        (Fault.error_event(message="Overloaded mid-stream"), anthropic.APIStatusError),
    ],
    ids=["disconnect", "reset", "malformed", "error_event"],
)
def test_stream_faults_raise_what_the_notes_predict(
    api: FakeMessagesAPI, fault: Fault, expected: type[BaseException]
) -> None:
    api.script(Reply.text("a" * 200, chunk_chars=20, fault=fault))
    seen: list[str] = []

    async def go() -> None:
        async with client(api, max_retries=3) as c, c.messages.stream(model=MODEL, max_tokens=500, messages=USER) as s:
            async for text in s.text_stream:
                seen.append(text)

    with pytest.raises(Exception) as caught:
        run(go)
    # anthropic <= 2.16 raises the transport error itself; 2.17 wraps it in APIConnectionError: either way it is
    # in the chain (the app classifies by what happened, see doccritic.claude.failures.classify)
    assert caught_in_chain(caught.value, expected)
    assert seen == ["a" * 20]  # after_events=4: message_start, content_block_start, ping, one delta
    assert len(api.journal) == 1  # failures after the stream opened are never retried
    if fault.kind == "error_event":
        assert isinstance(caught.value, anthropic.APIStatusError)
        assert caught.value.type == "overloaded_error" and caught.value.status_code == 200
        assert not isinstance(caught.value, anthropic.OverloadedError)


def test_stall_trips_the_client_read_timeout_and_counts_as_cancelled(api: FakeMessagesAPI) -> None:
    api.script(Reply.text("a" * 100, fault=Fault.stall(seconds=30)))

    async def go() -> None:
        async with client(api, timeout=httpx2.Timeout(5, read=0.5)) as c:
            await stream_once(c)

    start = time.monotonic()
    with pytest.raises(Exception) as caught:
        run(go)
    assert caught_in_chain(caught.value, httpx2.ReadTimeout)  # 2.17: an APITimeoutError raised from it
    assert time.monotonic() - start < 1.5
    (entry,) = api.wait_for_requests(1, finished=True)
    assert entry.cancelled and entry.fault == "stall"


def test_truncated_stream_ends_silently_without_a_stop_reason(api: FakeMessagesAPI) -> None:
    api.script(Reply.text("partial answer", chunk_chars=4, fault=Fault.truncate(after_events=99)))

    async def go() -> anthropic.types.Message:
        async with client(api) as c:
            return await stream_once(c)

    message = run(go)
    assert message.stop_reason is None and message.content[0].text == "partial answer"


# hygiene: secrets, cancellation, shutdown


def test_journal_redacts_the_api_key(api: FakeMessagesAPI) -> None:
    api.script(Reply.text("ok"))

    async def go() -> None:
        async with client(api) as c:
            await stream_once(c)
            await c.messages.create(model=MODEL, max_tokens=10, messages=USER, extra_headers={"x-api-key": SECRET})

    run(go)
    assert [e.headers["authorization"] for e in api.journal] == ["Bearer REDACTED"] * 2
    assert api.journal[1].headers["x-api-key"] == "REDACTED"
    assert SECRET not in repr(api.journal)


def test_cancelling_the_task_mid_stream_marks_the_request_cancelled(api: FakeMessagesAPI) -> None:
    api.script(Reply.text("word " * 100, chunk_chars=10, tokens_per_second=50))  # ~2.5 s of streaming

    async def go() -> float:
        got_text = asyncio.Event()

        async def consume(c: AsyncAnthropic) -> None:
            async with c.messages.stream(model=MODEL, max_tokens=500, messages=USER) as s:
                async for _ in s.text_stream:
                    got_text.set()

        async with client(api) as c:
            task = asyncio.create_task(consume(c))
            await got_text.wait()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            cancelled_at = time.monotonic()
            (entry,) = await api.await_requests(1, finished=True)
            return entry.finished_at - cancelled_at

    lag = run(go)
    assert lag < 0.3
    assert api.journal[0].cancelled and api.journal[0].status == 200


def test_close_is_quick_with_a_stalled_stream_and_leaves_no_threads() -> None:
    api = FakeMessagesAPI().start()
    api.script(Reply.text("a" * 100, fault=Fault.stall(seconds=60)))
    outcome: list[BaseException] = []

    async def go() -> float:
        async with client(api) as c:
            task = asyncio.create_task(stream_once(c))
            await asyncio.sleep(0.2)
            start = time.monotonic()
            await asyncio.to_thread(api.close)
            took = time.monotonic() - start
            try:
                await task
            except Exception as exc:
                if caught_in_chain(exc, httpx2.TransportError):
                    outcome.append(exc)
            return took

    assert run(go) < 1.0
    assert len(outcome) == 1  # the client sees the connection drop
    assert not [t for t in threading.enumerate() if t.name.startswith("fake-messages-api")]


def test_the_cache_is_keyed_on_the_output_format_and_tools_but_tool_choice_and_thinking_only_key_messages():
    """As the API documents it: a structured-output format or tools change misses the whole cache; a tool_choice
    or thinking change misses only the message blocks (tools and system are still read)."""
    system = [{"type": "text", "text": "doc " * 2000, "cache_control": {"type": "ephemeral"}}]
    tool = {"name": "t", "description": "d", "input_schema": {"type": "object", "properties": {}}}
    base = {"model": "claude-sonnet-4-6", "max_tokens": 10, "system": system, "tools": [tool],
            "messages": [{"role": "user", "content": [{"type": "text", "text": "go"}]}]}
    fmt = {"format": {"type": "json_schema", "schema": {"type": "object", "properties": {}}}}

    def reads(api, **change):
        client = anthropic.Anthropic(api_key="sk-test", base_url=api.base_url, max_retries=0)
        return client.messages.create(**{**base, **change}).usage.cache_read_input_tokens

    with FakeMessagesAPI() as api:
        api.script(Reply.text("ok"))
        assert reads(api) == 0  # writes tools + system
        assert reads(api, tool_choice={"type": "none"}) > 0
        assert reads(api, thinking={"type": "adaptive"}, max_tokens=2000) > 0
        assert reads(api, output_config=fmt) == 0  # a format keys everything: nothing before it is shared
        assert reads(api, tools=[{**tool, "description": "other"}]) == 0


def test_a_forced_tool_turns_a_json_reply_into_its_call_and_thinking_cannot_force_one():
    tool = {"name": "record_review", "description": "d", "input_schema": {"type": "object", "properties": {}}}
    base = {"model": "claude-sonnet-4-6", "max_tokens": 100, "tools": [tool],
            "messages": [{"role": "user", "content": "go"}]}
    with FakeMessagesAPI() as api:
        api.script(Reply.json({"findings": []}))
        client = anthropic.Anthropic(api_key="sk-test", base_url=api.base_url, max_retries=0)
        forced = client.messages.create(**base, tool_choice={"type": "tool", "name": "record_review"})
        assert forced.stop_reason == "tool_use" and forced.content[0].input == {"findings": []}
        auto = client.messages.create(**base, tool_choice={"type": "auto"})
        assert auto.content[0].type == "text"
        with pytest.raises(anthropic.BadRequestError, match="Thinking may not be enabled"):
            client.messages.create(**{**base, "max_tokens": 2000}, thinking={"type": "adaptive"},
                                   tool_choice={"type": "tool", "name": "record_review"})
