"""Engine pieces that need no server: streaming JSON extraction, merging, pricing, failure messages."""

from __future__ import annotations

import json

import anthropic
import httpx2

from doccritic.claude.failures import FailureKind, classify, unsupported_parameters
from doccritic.claude.pricing import Usage, load_prices
from doccritic.claude.streamparse import FindingStream
from doccritic.core.findings import Anchor, Finding, Kind, Severity, Source
from doccritic.core.merge import find_duplicate, is_tradeoff, merge

ANSWER = {
    "findings": [
        {"kind": "one_way_door", "severity": "critical", "title": "Deletes data", "quote": "purge", "rationale": "r"},
        {"kind": "weak_argument", "severity": "major", "title": "No baseline", "quote": "20%", "rationale": "r"},
    ],
    "verdict": "Not yet.",
    "readiness": 4,
}


def feed_in_pieces(text: str, size: int) -> tuple[list[tuple[int, str]], FindingStream]:
    stream, seen = FindingStream(), []
    for i in range(0, len(text), size):
        seen += [(i, item["title"]) for item in stream.feed(text[i : i + size])]
    return seen, stream


def test_each_finding_is_released_while_the_answer_is_still_streaming():
    text = json.dumps(ANSWER)
    seen, stream = feed_in_pieces(text, 7)
    second_item_starts = text.index('{"kind": "weak_argument"')
    verdict_written = text.index('"Not yet."')
    assert [title for _, title in seen] == ["Deletes data", "No baseline"]
    assert seen[0][0] <= second_item_starts  # the first was out before the second was written
    assert seen[1][0] < verdict_written  # the last was out as soon as the array moved on
    rest, whole = stream.finish()
    assert rest == [] and whole is not None and whole["readiness"] == 4


def test_prose_and_code_fences_around_the_json_are_tolerated():
    text = "Sure, here is my review:\n```json\n" + json.dumps(ANSWER) + "\n```\nHope it helps."
    seen, stream = feed_in_pieces(text, 11)
    rest, whole = stream.finish()
    assert len(seen) + len(rest) == 2 and whole is not None and whole["verdict"] == "Not yet."


def test_truncated_answer_keeps_finished_findings_and_reports_no_whole():
    text = json.dumps(ANSWER)
    cut = text.index('"title": "No baseline"') + 10
    seen, stream = feed_in_pieces(text[:cut], 5)
    rest, whole = stream.finish()
    assert [t for _, t in seen] == ["Deletes data"] and rest == [] and whole is None


def critic(persona: str, kind: Kind, start: int, end: int, title: str, suggestion: str | None = None) -> Finding:
    return Finding(source=Source.CRITIC, persona=persona, kind=kind, severity=Severity.MAJOR, title=title,
                   quote="x" * (end - start), start=start, end=end, anchor=Anchor.EXACT, rationale=f"{persona} says",
                   suggestion=suggestion)


def test_same_problem_from_two_critics_becomes_one_card_raised_by_both():
    first = critic("staff-engineer", Kind.ONE_WAY_DOOR, 100, 140, "Schema change is irreversible", '"Use v2"')
    second = critic("legal-privacy", Kind.ONE_WAY_DOOR, 105, 150, "Irreversible data migration", '"Keep v1"')
    elsewhere = critic("skeptical-exec", Kind.ONE_WAY_DOOR, 400, 420, "Pricing lock-in")
    assert find_duplicate([first], elsewhere) is None
    card = find_duplicate([first], second)
    assert card is first
    merged = merge(first, second)
    assert merged.personas == ["staff-engineer", "legal-privacy"]
    assert merged.also_raised_by[0].rationale == "legal-privacy says"
    assert is_tradeoff(merged)  # opposing rewrites: shown as a trade-off, not two cards


def test_prices_count_cache_reads_and_writes():
    prices = load_prices()
    fresh = prices.cost("claude-sonnet-4-6", Usage(input_tokens=1_000_000))
    read = prices.cost("claude-sonnet-4-6", Usage(cache_read_input_tokens=1_000_000))
    write = prices.cost("claude-sonnet-4-6", Usage(cache_creation_input_tokens=1_000_000))
    assert fresh == 3.0 and abs(read - 0.3) < 1e-9 and abs(write - 3.75) < 1e-9


def status_error(status: int, etype: str, message: str, headers: dict | None = None) -> anthropic.APIStatusError:
    request = httpx2.Request("POST", "http://127.0.0.1/v1/messages")
    body = {"type": "error", "error": {"type": etype, "message": message}}
    response = httpx2.Response(status, json=body, headers=headers or {}, request=request)
    client = anthropic.Anthropic(api_key="sk-secret-key", base_url="http://127.0.0.1")
    return client._make_status_error(message, body=body, response=response)


def test_failures_read_as_sentences_that_say_what_to_do_and_never_hold_the_key():
    cases = {
        (401, "authentication_error"): (FailureKind.AUTH, "Settings"),
        (404, "not_found_error"): (FailureKind.MODEL_NOT_FOUND, "choose another model"),
        (413, "request_too_large"): (FailureKind.TOO_LARGE, "one section"),
        (429, "rate_limit_error"): (FailureKind.RATE_LIMITED, "Rate limited"),
        (529, "overloaded_error"): (FailureKind.OVERLOADED, "overloaded"),
    }
    for (status, etype), (kind, words) in cases.items():
        failure = classify(status_error(status, etype, "nope", {"retry-after": "7"}), model="claude-x")
        assert failure.kind is kind and words in failure.message
        assert "sk-secret" not in failure.message
    assert classify(status_error(429, "rate_limit_error", "slow", {"retry-after": "7"})).retry_after == 7.0
    too_long = status_error(400, "invalid_request_error", "prompt is too long: 250000 tokens > 200000 maximum")
    assert classify(too_long).kind is FailureKind.TOO_LARGE


def test_a_backend_rejecting_an_optional_parameter_is_recognised_most_specific_first():
    names = ("output_config", "cache_control", "thinking", "effort")
    exc = status_error(400, "invalid_request_error", "output_config: Extra inputs are not permitted")
    assert unsupported_parameters(exc, names) == ["output_config", "effort"]  # effort travels in output_config
    effort = status_error(400, "invalid_request_error", "output_config.effort: Extra inputs are not permitted")
    assert unsupported_parameters(effort, names) == ["effort", "output_config"]
    other = status_error(400, "invalid_request_error", "messages: at least one message is required")
    assert unsupported_parameters(other, names) == []
    tooling = (*names, "strict", "tool_choice", "tools")
    strict = status_error(400, "invalid_request_error", "tools.0.strict: Extra inputs are not permitted")
    assert unsupported_parameters(strict, tooling) == ["strict", "tools"]  # unstrict tools first, then none
    local = status_error(400, "invalid_request_error", "registry.local/gemma:2b does not support tools")
    assert unsupported_parameters(local, tooling) == ["tools"]


def test_a_verdict_written_before_the_findings_does_not_release_a_half_written_one():
    text = '{"verdict": "No.", "findings": [{"kind": "weak_argument", "severity": "major", "title": "Half wri'
    seen, _ = feed_in_pieces(text, 9)
    assert seen == []


def test_local_models_cost_nothing_unless_priced():
    prices = load_prices()
    assert prices.cost("llama3.1:70b", Usage(input_tokens=1_000_000, output_tokens=1_000_000)) == 0
    assert prices.cost("claude-some-future-model", Usage(input_tokens=1_000_000)) == 3.0  # [default]
