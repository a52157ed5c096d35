"""Pull complete findings out of a critic's JSON while it is still being written.

The answer is one JSON object whose first key is ``findings``. Each text delta is appended and the
buffer re-parsed leniently (jiter's partial mode); an item of the array is complete once the next
item has begun or the object has moved on to its later keys, so it can be shown immediately instead
of at the end of the stream. Local models often wrap JSON in prose or a Markdown fence: everything
before the first ``{`` is ignored, and a closing fence is trimmed.
"""

from __future__ import annotations

import json
from typing import Any

import jiter


class FindingStream:
    """Feed text deltas; get each raw item of the ``key`` array (``findings``) once, as soon as it is complete."""

    def __init__(self, key: str = "findings") -> None:
        self.key = key
        self._text = ""
        self._emitted = 0
        self.snapshot: dict[str, Any] = {}

    @property
    def text(self) -> str:
        return self._text

    def feed(self, delta: str) -> list[Any]:
        self._text += delta
        snapshot = self._parse(partial=True)
        if snapshot is None:
            return []
        self.snapshot = snapshot
        items = snapshot.get(self.key)
        if not isinstance(items, list):
            return []
        keys = list(snapshot)  # in the order written: only a key *after* the array proves it closed
        later_keys = keys.index(self.key) < len(keys) - 1
        complete = len(items) if later_keys else len(items) - 1
        return self._take(items, complete)

    def finish(self) -> tuple[list[Any], dict[str, Any] | None]:
        """Items not yet returned, and the whole answer (None when the JSON is incomplete or invalid)."""
        whole = self._parse(partial=False)
        if whole is None:
            return [], None
        self.snapshot = whole
        items = whole.get(self.key)
        rest = self._take(items, len(items)) if isinstance(items, list) else []
        return rest, whole

    def _take(self, items: list[Any], complete: int) -> list[Any]:
        if complete <= self._emitted:
            return []
        out = items[self._emitted : complete]
        self._emitted = complete
        return out

    def _parse(self, *, partial: bool) -> dict[str, Any] | None:
        start = self._text.find("{")
        if start < 0:
            return None
        body = self._text[start:]
        if not partial:
            body = body.rstrip()
            if body.endswith("```"):
                body = body[:-3].rstrip()
        try:
            value = jiter.from_json(body.encode(), partial_mode="trailing-strings" if partial else False)
        except ValueError:
            if partial:
                return None
            try:  # jiter rejects trailing prose after the object; json's raw_decode stops at the object
                value, _ = json.JSONDecoder().raw_decode(body)
            except ValueError:
                return None
        return value if isinstance(value, dict) else None
