"""A judge model adjudicates the findings the eval's labels did not match (opt-in: ``doccritic eval --judge``).

Precision in the eval is a lower bound: labels list what was planted, not all a draft gets wrong. Rather than
leave every unmatched finding to a person, a judge model from the user's own endpoint reads the draft (the
critics' cached document block, so it is byte-identical to what they saw) and says for each finding whether a
well-informed reviewer would agree it is a real problem. One request per case, every unmatched finding of
that case numbered in it; identical findings from repeats are judged once. The verdicts are advice: they are
recorded next to each finding and give a second precision figure, never change the labelled ones.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from doccritic.claude import prompts
from doccritic.claude.config import Backend
from doccritic.claude.failures import classify
from doccritic.claude.pricing import PriceTable, Usage, estimate_tokens, load_prices
from doccritic.core.document import Document
from doccritic.core.redaction import Redactor

OUTPUT_TOKENS_PER_VERDICT = 60
_SCHEMA = {"type": "object", "additionalProperties": False, "required": ["verdicts"], "properties": {
    "verdicts": {"type": "array", "items": {
        "type": "object", "additionalProperties": False, "required": ["n", "valid", "reason"],
        "properties": {"n": {"type": "integer"}, "valid": {"type": "boolean"}, "reason": {"type": "string"}}}}}}


@dataclass
class JudgeCase:
    """One case's draft and its unmatched findings (the eval's ``unmatched`` entries)."""

    case_id: str
    doc: Document
    findings: list[dict[str, Any]]
    redactor: Redactor | None = None
    on_sent: Callable[[str, str, int, Usage, str], None] | None = None


@dataclass
class Verdicts:
    """What the judge said: per finding key (see ``finding_key``), and what it cost."""

    by_key: dict[tuple[str, str, str, str], dict[str, Any]] = field(default_factory=dict)
    usage: Usage = field(default_factory=Usage)
    cost: float = 0.0
    failures: list[str] = field(default_factory=list)  # one sentence per case the judge could not answer


def finding_key(case_id: str, item: dict[str, Any]) -> tuple[str, str, str, str]:
    return case_id, str(item.get("kind")), str(item.get("title")), str(item.get("quote"))


def _distinct(case: JudgeCase) -> list[dict[str, Any]]:
    seen: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for item in case.findings:
        seen.setdefault(finding_key(case.case_id, item), item)
    return list(seen.values())


def request_params(case: JudgeCase, model: str, backend: Backend) -> dict[str, Any]:
    """The judge's request for one case: the critics' document block (cached), the instructions, the findings."""
    listed = [{"n": n, "kind": f.get("kind"), "severity": f.get("severity"), "title": f.get("title"),
               "quote": f.get("quote"), "rationale": f.get("rationale")} for n, f in enumerate(_distinct(case), 1)]
    params: dict[str, Any] = {
        "model": model, "max_tokens": 1024 + OUTPUT_TOKENS_PER_VERDICT * len(listed),
        "system": [prompts.document_block(case.doc, cache=backend.caching),
                   {"type": "text", "text": prompts.template("judge").substitute()}],
        "messages": [{"role": "user", "content": [{"type": "text", "text": "Findings to judge (JSON):\n"
                                                   + prompts.fence_safe(json.dumps(listed, ensure_ascii=False))}]}],
    }
    if backend.structured_output:
        params["output_config"] = {"format": {"type": "json_schema", "schema": _SCHEMA}}
    if case.redactor:
        from doccritic.claude.panel import redact_params

        params = redact_params(params, case.redactor)
    return params


def estimate(cases: Sequence[JudgeCase], model: str, prices: PriceTable | None = None,
             findings_per_case: int | None = None) -> float:
    """Dollars for judging; ``findings_per_case`` stands in for findings not known yet (before a live run)."""
    prices = prices or load_prices()
    total = 0.0
    for case in cases:
        n = findings_per_case if findings_per_case is not None else len(_distinct(case))
        if not n:
            continue
        tokens = estimate_tokens(case.doc.text) + 400 + 120 * n
        total += prices.cost(model, Usage(input_tokens=tokens, output_tokens=OUTPUT_TOKENS_PER_VERDICT * n))
    return total


async def adjudicate(client: Any, cases: Sequence[JudgeCase], model: str, *, backend: Backend | None = None,
                     prices: PriceTable | None = None) -> Verdicts:
    """Every case's unmatched findings judged, one request per case; a case that fails is named, not fatal."""
    backend, prices = backend or Backend(), prices or load_prices()
    out = Verdicts()
    for case in cases:
        distinct = _distinct(case)
        if not distinct:
            continue
        usage, outcome = Usage(), "failed"
        try:
            reply = await client.messages.create(**request_params(case, model, backend))
            usage, outcome = Usage.of(reply.usage), "answered"
            text = "".join(getattr(b, "text", "") for b in reply.content if getattr(b, "type", "") == "text")
            if case.redactor:
                text = case.redactor.restore_all(text)
            verdicts = _parse(text)
            for n, item in enumerate(distinct, 1):
                if n in verdicts:
                    out.by_key[finding_key(case.case_id, item)] = verdicts[n]
            if len(verdicts) < len(distinct):
                out.failures.append(f"{case.case_id}: the judge answered {len(verdicts)} of {len(distinct)} findings.")
        except Exception as exc:
            why = "its answer was not the JSON asked for" if isinstance(exc, ValueError) else classify(exc).message
            out.failures.append(f"{case.case_id}: the judge could not answer ({why.rstrip('.')}).")
        finally:
            if case.on_sent is not None:
                case.on_sent("judge", model, 1, usage, outcome)
        out.usage = out.usage + usage
        out.cost += prices.cost(model, usage)
    return out


def _parse(text: str) -> dict[int, dict[str, Any]]:
    start = text.find("{")
    value, _ = json.JSONDecoder().raw_decode(text[start:]) if start >= 0 else (None, 0)
    if not isinstance(value, dict) or not isinstance(value.get("verdicts"), list):
        raise ValueError("no verdicts")
    return {int(v["n"]): {"valid": bool(v.get("valid")), "reason": str(v.get("reason") or "").strip()}
            for v in value["verdicts"] if isinstance(v, dict) and isinstance(v.get("n"), int)}
