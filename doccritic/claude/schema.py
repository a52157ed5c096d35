"""What a critic must return: the model-facing schema, and its conversion into findings.

The schema mirrors the review JSON v1 finding fields, minus what only doccritic knows (ids, offsets,
status). ``findings`` comes first so findings stream before the verdict, which is written last, after
the critic has made up its mind.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, Literal

import anthropic
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from doccritic.claude.config import Backend
from doccritic.core.findings import Finding, Kind, Reversibility, Severity, Source

KindName = Literal["weak_argument", "challenged_assumption", "one_way_door", "open_question"]


class ReversibilityOut(BaseModel):
    """Parsed leniently (a door missing a field is kept and marked incomplete); the schema sent requires all."""

    model_config = ConfigDict(extra="ignore")

    level: Literal["one_way", "costly", "two_way"] = Field(
        description="one_way: cannot be undone; costly: undoable at real cost"
    )
    closes_when: str = Field(default="", description="The step after which the door cannot be undone")
    cost_to_reverse: str = Field(default="", description="What undoing it would cost, concretely")
    exit_ramp: str = Field(default="", description="The cheapest way to keep the door open or get out later")
    decision_owner: str = Field(default="", description="Who signs this decision off")


class ReferenceOut(BaseModel):
    """A passage of attached reference material a finding relies on (anchored in that reference later)."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(description="The reference's id, e.g. R1")
    quote: str = Field(default="", description="A passage of that reference, one sentence or less, verbatim")


class CritiqueFinding(BaseModel):
    model_config = ConfigDict(extra="ignore")

    kind: KindName
    subtype: str | None = Field(default=None, description="Optional finer label, e.g. 'pricing', 'migration'")
    severity: Literal["critical", "major", "minor"]
    confidence: float | None = Field(
        default=None, description="0.0-1.0: the probability that a well-informed reviewer agrees")
    title: str = Field(description="The problem in under 12 words")
    about: Literal["text", "document", "absence"] = Field(
        default="text", description="text: about the quoted passage; document: the whole; absence: what it lacks")
    quote: str = Field(
        default="",
        description="Verbatim passage from the document (one sentence or less), copied exactly; empty only "
        "when about is document or absence",
    )
    section: str | None = Field(default=None, description="Heading of the section the quote is in")
    rationale: str = Field(description="Why it matters, in 1-3 sentences, in your voice")
    suggestion: str | None = Field(
        default=None,
        description="What to change. When you propose new wording, give the full replacement text for the "
        "quote in double quotes, e.g. \"We will ship to 5% of users first.\"",
    )
    question: str | None = Field(default=None, description="The question you would ask in the review meeting")
    reversibility: ReversibilityOut | None = Field(default=None, description="Required for one_way_door")
    assumption: str | None = Field(
        default=None, description="For challenged_assumption: what the plan takes for granted")
    evidence_needed: str | None = Field(
        default=None, description="For challenged_assumption: the evidence that would settle it"
    )
    how_to_test: str | None = Field(default=None, description="For challenged_assumption: the cheapest test")
    reraise: bool = Field(default=False, description="True only when re-raising a dismissed finding for a new reason")
    reference: ReferenceOut | None = Field(
        default=None, description="Only with reference material attached: the reference passage this relies on")
    challenges_decision: bool = Field(
        default=False, description="True only when this re-opens a decision the author's intent calls settled")
    decision: str | None = Field(default=None, description="With challenges_decision: that decision, as stated")


class Critique(BaseModel):
    """The whole answer of one critic."""

    model_config = ConfigDict(extra="ignore")

    findings: list[CritiqueFinding] = Field(description="Most severe first")
    verdict: str = Field(default="", description="One line: would you approve this draft, and why")
    readiness: int | None = Field(default=None, description="0-10: how ready this draft is for the meeting")
    fixed: list[str] = Field(default_factory=list,
                             description="Re-reviews only: ids of still-open findings the revision fixed")


_DEFAULT_NOTE = re.compile(r"\n\n\{default: [^}]*\}$")


def _compact(node: Any) -> Any:
    """A schema without what only costs tokens: pydantic's titles and the "{default: …}" notes the SDK adds to
    descriptions (every request carries the schema, so every token of it is paid for on every call)."""
    if isinstance(node, dict):
        return {k: _DEFAULT_NOTE.sub("", v) if k == "description" and isinstance(v, str) else _compact(v)
                for k, v in node.items() if not (k == "title" and isinstance(v, str))}
    if isinstance(node, list):
        return [_compact(v) for v in node]
    return node


def _bare(node: Any) -> Any:
    """A schema without its field descriptions: the prompts (``critic-system.md``, ``debate-referee.md``) already
    say what each field holds, and a tool's schema is paid for on every request of every role."""
    if isinstance(node, dict):
        return {k: _bare(v) for k, v in node.items() if not (k == "description" and isinstance(v, str))}
    if isinstance(node, list):
        return [_bare(v) for v in node]
    return node


def critique_schema() -> dict[str, Any]:
    """The JSON schema sent as the output format: stricter than parsing. Every finding states what it is
    about and quotes (empty only for the whole or an absence); a door gives every reversibility field and
    is never two-way. Parsing stays lenient, so an answer that skips a field is kept, marked incomplete."""
    schema = _compact(anthropic.transform_schema(Critique))
    defs = schema["$defs"]
    finding = defs["CritiqueFinding"]
    finding["required"] = [*finding["required"], "about", "quote"]
    door = defs["ReversibilityOut"]
    door["required"] = list(door["properties"])
    door["properties"]["level"]["enum"] = ["one_way", "costly"]
    return schema


class ClashOut(BaseModel):
    """One question the debaters disagreed on, and who carried it."""

    model_config = ConfigDict(extra="ignore")

    question: str = Field(description="The question in dispute")
    winner: Literal["for", "against", "undecided"]
    because: str = Field(description="One sentence")
    evidence_to_settle: str = Field(description="What would decide it: a number, a test, a customer conversation")
    owner: str = Field(description="Who gets that evidence or makes the call (a role)")
    citations: list[str] = Field(description="Passages of the document it concerns, verbatim")


class PointOut(BaseModel):
    model_config = ConfigDict(extra="ignore")

    category: Literal["strongest", "conceded", "unresolved", "change"]
    side: Literal["for", "against", "both"]
    text: str = Field(description="One or two sentences")
    citations: list[str] = Field(description="Passages of the document it concerns, verbatim")
    kind: KindName
    severity: Literal["critical", "major", "minor"]


class Verdict(BaseModel):
    """The referee's whole answer: clashes decided first, then the one decision, the points, the verdict."""

    model_config = ConfigDict(extra="ignore")

    clashes: list[ClashOut] = Field(description="The most decisive first")
    decision_for_author: str = Field(description="One or two sentences, starting with a verb")
    points: list[PointOut]
    verdict: str = Field(description="One line: where the debate leaves the draft")


REVIEW_TOOL = "record_review"
VERDICT_TOOL = "referee_verdict"


@cache
def shared_tools(*, strict: bool = True) -> list[dict[str, Any]]:
    """The tools every critic, debate turn and referee request sends, byte for byte the same.

    Why tools rather than ``output_config.format``: the API keys its prompt cache on what comes before a
    breakpoint, tools first, and a structured-output format is part of that key too, so critics asking for
    JSON and debaters writing prose would never share the cached document. With one tools list for all, the
    schema still binds (``strict``) where a tool is called, ``tool_choice`` picks the tool per role, and a
    ``tool_choice`` change only invalidates the message-level cache, not the tools and system blocks. Cached:
    callers must not change the list."""
    tools: list[dict[str, Any]] = [
        {"name": REVIEW_TOOL, "description": "Record your review of the document: every finding, then your verdict. "
         "Call it once, with the whole review; the instructions say what each field holds.",
         "input_schema": _bare(critique_schema())},
        {"name": VERDICT_TOOL, "description": "As the referee of a debate, record who carried each clash, the "
         "decision for the author and the points. Call it once, at the end; the instructions say what each field "
         "holds.", "input_schema": _bare(verdict_schema())},
    ]
    if strict:
        for tool in tools:
            tool["strict"] = True
    return tools


def tool_choice(name: str, *, thinking: bool) -> dict[str, Any]:
    """Force ``name``; with thinking on only ``auto`` is allowed (the API refuses a forced tool with thinking),
    so the prompt asks for the tool and the parser also takes a JSON answer written as text."""
    return {"type": "auto"} if thinking else {"type": "tool", "name": name}


def answer_params(tool: str | None, backend: Backend, *, thinking: bool) -> dict[str, Any]:
    """``tools`` and ``tool_choice`` for one role: ``tool`` (the critics' record_review, the referee's verdict)
    forced, or chosen by the model when thinking is on; ``None`` (a debate turn) allows no tool. Every role sends
    the same tools list, so the tools and the document before the first breakpoint are one cache entry."""
    if not backend.tools:
        return {}
    choice = tool_choice(tool, thinking=thinking) if tool else {"type": "none"}
    return {"tools": shared_tools(strict=backend.strict_tools), "tool_choice": choice}


def verdict_schema() -> dict[str, Any]:
    return _compact(anthropic.transform_schema(Verdict))


def answer_text(content: Any, tool: str = REVIEW_TOOL) -> str:
    """The answer in a finished message's content: ``tool``'s input as JSON when the model called it, else its
    text (a backend without tools, or a thinking model that answered in text)."""
    import json

    for block in content or []:
        if getattr(block, "type", "") == "tool_use" and getattr(block, "name", "") == tool:
            return json.dumps(getattr(block, "input", {}) or {})
    return "".join(getattr(b, "text", "") for b in content or [] if getattr(b, "type", "") == "text")


def parse_finding(raw: object) -> CritiqueFinding | None:
    """One item of the ``findings`` array, or None when it is malformed (it is then skipped and counted)."""
    try:
        item = CritiqueFinding.model_validate(raw)
    except ValidationError:
        return None
    if not item.title.strip():
        return None
    return item


def to_finding(item: CritiqueFinding, persona_id: str) -> Finding:
    """A critic's item as a doccritic finding, not yet anchored (the panel anchors it)."""
    reversibility = None
    if item.reversibility is not None:
        reversibility = Reversibility(**item.reversibility.model_dump())
    confidence = None if item.confidence is None else min(1.0, max(0.0, item.confidence))
    return Finding(
        source=Source.CRITIC,
        persona=persona_id,
        kind=Kind(item.kind),
        subtype=item.subtype or None,
        severity=Severity(item.severity),
        confidence=confidence,
        title=item.title.strip(),
        quote=item.quote.strip(),
        rationale=item.rationale.strip(),
        suggestion=(item.suggestion or "").strip() or None,
        question=(item.question or "").strip() or None,
        reversibility=reversibility,
        assumption=_text(item.assumption),
        evidence_needed=_text(item.evidence_needed),
        how_to_test=_text(item.how_to_test),
        about=item.about,
        challenges_decision=((item.decision or "").strip() or "a stated decision") if item.challenges_decision
        else None,
    )


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None
