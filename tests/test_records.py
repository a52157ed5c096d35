"""Records are plain dataclasses: reading them back must give what pydantic would, fast path or not."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from doccritic.core.debates import Citation, Debate, Interjection, Summary, SummaryPoint, Turn
from doccritic.core.findings import (
    Anchor,
    DocumentInfo,
    Finding,
    Kind,
    Raise,
    Reply,
    Reversibility,
    Review,
    Severity,
    Source,
    Status,
)
from doccritic.core.records import _decoder, adapter


def rich_review() -> Review:
    door = Finding(
        source=Source.CRITIC, persona="staff-engineer", kind=Kind.ONE_WAY_DOOR, severity=Severity.CRITICAL,
        confidence=0.75, title="Deleting data on downgrade", quote="purge 💾 data", start=10, end=23,
        anchor=Anchor.FUZZY, rationale="Cannot be undone.", suggestion="Keep it 30 days.",
        reversibility=Reversibility(level="one_way", cost_to_reverse="all of it", exit_ramp="soft delete"),
        status=Status.DEFERRED, replies=[Reply(author="PM", text="Agreed — 30 days.")],
        also_raised_by=[Raise(persona="legal", severity=Severity.MAJOR, rationale="GDPR")],
    )
    ambiguous = Finding(source=Source.CHECK, rule="weak.vague", kind=Kind.WEAK_ARGUMENT, severity=Severity.MINOR,
                        title="Vague", quote="soon", anchor=Anchor.AMBIGUOUS, candidates=[(1, 5), (40, 44)])
    debate = Debate(
        motion="Purging on downgrade is fine", pro="staff-engineer", con="legal", opener="legal", cost_usd=0,
        turns=[Turn(index=1, speaker="legal", side="against", text="No.", usage={"input_tokens": 12},
                    citations=[Citation(quote="purge", start=10, end=15, anchor=Anchor.EXACT)])],
        interjections=[Interjection(after_turn=1, text="Think of EU users.")],
        summary=Summary(verdict="Keep data", points=[SummaryPoint(category="change", text="Soft delete",
                                                                  kind=Kind.ONE_WAY_DOOR)]),
    )
    info = DocumentInfo(path=None, format="markdown", title="PRD", fingerprint="f" * 64, text="x" * 50)
    return Review(document=info, findings=[door, ambiguous], debates=[debate.model_dump(mode="json")],
                  runs=[{"model": "claude", "cost": 0.5}])


def test_the_fast_reader_and_pydantic_read_a_stored_review_the_same():
    written = rich_review().model_dump_json()
    fast = _decoder(Review)(json.loads(written))
    assert fast == adapter(Review).validate_json(written) == Review.model_validate_json(written)
    assert isinstance(fast.findings[0].replies[0].at, datetime) and fast.findings[0].replies[0].at.tzinfo == UTC
    assert fast.findings[1].candidates == [(1, 5), (40, 44)]
    debate = Debate.model_validate(fast.debates[0])
    assert debate == adapter(Debate).validate_python(fast.debates[0]) and debate.cost_usd == 0.0
    assert isinstance(debate.cost_usd, float) and debate.summary.points[0].kind is Kind.ONE_WAY_DOOR


def test_data_the_fast_reader_refuses_still_reads_or_fails_as_pydantic_says():
    data = json.loads(rich_review().model_dump_json())
    data["findings"][0]["start"] = "10"  # a string where a number belongs: pydantic (lax) accepts it
    with pytest.raises(TypeError):
        _decoder(Review)(data)
    assert Review.model_validate(data).findings[0].start == 10
    data["findings"][0]["severity"] = "catastrophic"
    with pytest.raises(ValidationError, match="severity"):
        Review.model_validate(data)
    data["findings"][0]["severity"] = "major"
    data["findings"][0]["surprise"] = 1  # unknown keys are refused, as before
    with pytest.raises(ValidationError, match="surprise"):
        Review.model_validate(data)
    del data["findings"][0]["surprise"]
    data["findings"][0]["start"] = -3
    with pytest.raises(ValidationError, match=">= 0"):
        Review.model_validate(data)


def test_building_a_record_in_code_applies_the_same_rules():
    f = Finding(source="critic", kind="open_question", severity="minor", title="Who owns it?")
    assert f.kind is Kind.OPEN_QUESTION and f.status is Status.OPEN and f.anchor is Anchor.UNANCHORED
    with pytest.raises(ValueError, match="confidence"):
        Finding(source="critic", kind="open_question", severity="minor", title="t", confidence=1.5)
    moved = f.model_copy(update={"status": "resolved"})
    assert moved.status is Status.RESOLVED and f.status is Status.OPEN
