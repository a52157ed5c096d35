"""Review JSON v1: the file format every export and later feature reads (``docs/review-format.md``)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from doccritic.core.document import Document
from doccritic.core.errors import ErrorKind, LoadError
from doccritic.core.findings import SCHEMA_ID, DocumentInfo, Finding, Review
from doccritic.formats.textio import MAX_TEXT_BYTES, atomic_write_text, read_bytes


def review_for(doc: Document, findings: list[Finding]) -> Review:
    """Wrap findings with the document they belong to, sorted in document order."""
    info = DocumentInfo(
        path=str(doc.path) if doc.path else None,
        format=doc.format.value,
        title=doc.title,
        fingerprint=doc.fingerprint,
        text=doc.text,
    )
    return Review(document=info, findings=sorted(findings, key=Finding.sort_key))


def dumps(review: Review) -> str:
    from pydantic_core import PydanticSerializationError  # here: the window's first paint needs review_for only

    try:
        return review.model_dump_json(indent=2) + "\n"
    except PydanticSerializationError:  # a lone surrogate in the document's text: written as a JSON escape
        return json.dumps(review.model_dump(mode="json"), indent=2, ensure_ascii=True) + "\n"


def save_review(review: Review, path: Path) -> None:
    atomic_write_text(path, dumps(review))


def loads(data: str | bytes, name: str = "review") -> Review:
    """Parse review JSON; any problem becomes one sentence naming the first bad field."""
    try:
        raw = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LoadError(f"Cannot read {name}: it is not valid JSON ({exc}).", ErrorKind.CORRUPT) from None
    except RecursionError:  # a review is a few levels deep; thousands of nested brackets are not one
        raise LoadError(f"Cannot read {name}: it is nested too deeply to be a review.", ErrorKind.INVALID) from None
    if not isinstance(raw, dict) or raw.get("schema") != SCHEMA_ID:
        found = raw.get("schema") if isinstance(raw, dict) else None
        raise LoadError(
            f"Cannot read {name}: expected a {SCHEMA_ID} file, found {found or 'something else'}.",
            ErrorKind.UNSUPPORTED,
        )
    _replace_lone_surrogates(raw, keep=raw.get("document"))
    from pydantic import ValidationError

    try:
        return Review.model_validate(raw)
    except RecursionError:
        raise LoadError(f"Cannot read {name}: it is nested too deeply to be a review.", ErrorKind.INVALID) from None
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise LoadError(f"Cannot read {name}: {where}: {err['msg']}.", ErrorKind.INVALID) from None


_SURROGATE = re.compile("[\ud800-\udfff]")


def _replace_lone_surrogates(raw: dict[str, Any], keep: object = None) -> None:
    """Every lone surrogate (``"\\ud800"`` is valid JSON) in a string value becomes U+FFFD: no file, page or
    XML part can hold one, so a crafted review made the HTML, JSON and Word exports fail. ``json`` joins
    real pairs into one character, so any surrogate left is a lone one. ``keep`` (the document record) is
    left as it is: its text is what the fingerprint was made from, and every writer copes with it."""
    stack: list[dict[str, Any] | list[Any]] = [raw]
    while stack:
        node = stack.pop()
        if node is keep:
            continue
        for key, value in node.items() if isinstance(node, dict) else enumerate(node):
            if isinstance(value, str):
                if _SURROGATE.search(value):
                    node[key] = _SURROGATE.sub("\ufffd", value)  # type: ignore[index]
            elif isinstance(value, dict | list):
                stack.append(value)


def load_review(path: Path) -> Review:
    return loads(read_bytes(path, MAX_TEXT_BYTES * 4), path.name)


def json_schema() -> dict[str, Any]:
    """The published JSON Schema for review v1 (written to ``docs/review.schema.json``)."""
    schema = Review.model_json_schema(mode="serialization")
    finding = schema["$defs"]["Finding"]["properties"]  # bounds Finding.__post_init__ checks
    finding["confidence"]["anyOf"][0].update(minimum=0.0, maximum=1.0)
    for key in ("start", "end"):
        finding[key]["anyOf"][0]["minimum"] = 0
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://doccritic.dev/schema/review-1.json"
    schema["title"] = "doccritic review v1"
    return schema
