"""The send log: one line per request that left the machine, so a PM or a security team can audit them.

Each entry says when, where (the endpoint's host), which document (its file name), which personas, the
model, the token counts and the redactions applied (how many, by rule): never the key and never the text.
It lives in the data folder as JSON lines (``send-log.jsonl``) that any tool can read.

Retention: entries older than ``MAX_AGE_DAYS`` (90) are dropped and at most ``MAX_ENTRIES`` (10,000, the
newest) kept. Pruning happens on write, so the log cannot grow without bound even if nobody opens it.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from doccritic import paths
from doccritic.core.fileio import atomic_write_text

FILE_NAME = "send-log.jsonl"
MAX_AGE_DAYS = 90
MAX_ENTRIES = 10_000
_FIELDS = ("at", "kind", "host", "document", "personas", "model", "attempt", "outcome", "input_tokens",
           "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens", "redactions")
_lock = threading.Lock()  # the window writes from its engine thread, a test or the CLI from the main one


class SendLog:
    """Append-only audit log with retention; ``entries()`` reads it back, oldest first."""

    def __init__(self, file: Path | None = None, *, max_age_days: int = MAX_AGE_DAYS,
                 max_entries: int = MAX_ENTRIES) -> None:
        self.file = file or paths.data_dir() / FILE_NAME
        self.max_age = timedelta(days=max_age_days)
        self.max_entries = max_entries

    def append(self, entry: dict[str, Any], *, now: datetime | None = None) -> None:
        """Add one entry (only the known fields are kept: nothing else can slip into the log), then prune."""
        now = now or datetime.now(UTC)
        clean = {k: entry[k] for k in _FIELDS if k in entry}
        clean.setdefault("at", now.isoformat(timespec="seconds"))
        line = json.dumps(clean, ensure_ascii=False, sort_keys=False) + "\n"
        with _lock:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            with self.file.open("a", encoding="utf-8") as fh:
                fh.write(line)
            self._prune(now)

    def entries(self) -> list[dict[str, Any]]:
        """Every readable entry, oldest first; a damaged line is skipped, not fatal."""
        try:
            lines = self.file.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        out = []
        for line in lines:
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if isinstance(item, dict):
                out.append(item)
        return out

    def _prune(self, now: datetime) -> None:
        lines = self.file.read_text(encoding="utf-8").splitlines()
        cutoff = now - self.max_age
        kept = [ln for ln in lines if (when := _when(ln)) is None or when >= cutoff][-self.max_entries:]
        if len(kept) != len(lines):
            atomic_write_text(self.file, "".join(ln + "\n" for ln in kept))


def _when(line: str) -> datetime | None:
    """The entry's time; None for a line that is not an entry (kept: it is evidence, not ours to drop)."""
    try:
        at = datetime.fromisoformat(json.loads(line)["at"])
    except (ValueError, KeyError, TypeError):
        return None
    return at if at.tzinfo else at.replace(tzinfo=UTC)
