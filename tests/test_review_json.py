"""Review JSON v1: round-trips, matches its published schema, and rejects bad files clearly."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import REPO, SAMPLE
from doccritic.core.checks import run_checks
from doccritic.core.errors import LoadError
from doccritic.core.findings import Reply, Status
from doccritic.formats.loader import load_document
from doccritic.formats.review_json import dumps, json_schema, load_review, loads, review_for, save_review

SCHEMA_FILE = REPO / "docs" / "review.schema.json"


def sample_review():
    doc = load_document(SAMPLE)
    return doc, review_for(doc, run_checks(doc).findings)


def test_published_schema_is_the_one_the_code_writes():
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == json_schema(), (
        "docs/review.schema.json is stale: regenerate it from doccritic.formats.review_json.json_schema()"
    )


def test_review_validates_against_schema_and_quotes_match_text():
    doc, review = sample_review()
    data = json.loads(dumps(review))
    jsonschema.validate(data, json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    assert data["schema"] == "doccritic.review/1"
    assert data["document"]["fingerprint"] == doc.fingerprint
    text = data["document"]["text"]
    for f in data["findings"]:
        if f["start"] is not None:
            assert text[f["start"] : f["end"]] == f["quote"]
    positions = [f["start"] for f in data["findings"] if f["start"] is not None]
    assert positions == sorted(positions)
    assert data["findings"][-1]["anchor"] == "document"  # document-level findings come last


def test_round_trip_keeps_decisions_and_replies(tmp_path: Path):
    _, review = sample_review()
    review.findings[0].status = Status.DISMISSED
    review.findings[0].replies.append(Reply(author="PM", text="Legal already approved this."))
    path = tmp_path / "prd.review.json"
    save_review(review, path)
    again = load_review(path)
    assert again == review
    assert again.findings[0].replies[0].text == "Legal already approved this."


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("{not json", "not valid JSON"),
        ('{"schema": "other/2"}', "expected a doccritic.review/1 file, found other/2"),
        ("[1, 2]", "expected a doccritic.review/1 file"),
    ],
)
def test_bad_files_get_one_clear_sentence(data: str, expected: str):
    with pytest.raises(LoadError) as info:
        loads(data, "x.json")
    assert expected in str(info.value)


def test_invalid_field_is_named():
    _, review = sample_review()
    data = json.loads(dumps(review))
    data["findings"][0]["severity"] = "catastrophic"
    with pytest.raises(LoadError) as info:
        loads(json.dumps(data), "x.json")
    assert "findings.0.severity" in str(info.value)
