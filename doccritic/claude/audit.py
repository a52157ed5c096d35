"""Connects the engine's per-request hook to the send log: where each request went, never what it said.

Every front end (window, ``review``, ``debate``, ``eval``) builds its recorder here, so they all write the
same entries to the same log. A log that cannot be written costs the entry, not the run: the request has
already left by then, and the failure is kept in ``errors`` for the front end to mention.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from doccritic.claude.pricing import Usage
from doccritic.core.document import Document
from doccritic.core.redaction import Redactor
from doccritic.core.sendlog import SendLog

Recorder = Callable[[str, str, int, Usage, str], None]


def document_name(doc: Document) -> str:
    """The file name (never its folder: paths can name customers too), else the title."""
    return doc.path.name if doc.path is not None else (doc.title or "untitled")


class SendRecorder:
    """Writes one send-log entry per request; call it as the engine's ``on_sent`` hook."""

    def __init__(self, connection: Any, doc: Document, kind: str, *, log: SendLog | None = None,
                 redactor: Redactor | None = None) -> None:
        self.host, self.document, self.kind = connection.host, document_name(doc), kind
        self.log = log or SendLog()
        self.redactor = redactor or None
        self.errors: list[str] = []

    def __call__(self, who: str, model: str, attempt: int, usage: Usage, outcome: str) -> None:
        entry = {"kind": self.kind, "host": self.host, "document": self.document, "personas": [who],
                 "model": model, "attempt": attempt, "outcome": outcome, **usage.as_dict(),
                 "redactions": dict(self.redactor.request_counts) if self.redactor else {}}
        try:
            self.log.append(entry)
        except OSError as exc:
            self.errors.append(f"The send log {self.log.file} could not be written ({type(exc).__name__}).")


def record_call(connection: Any, kind: str, *, model: str = "", usage: Usage | None = None, outcome: str = "ok",
                log: SendLog | None = None) -> str | None:
    """One entry for a request that carries no document (``test_connection``, ``list_models``): those leave
    the machine too, so an auditor sees every call. Returns why the log could not be written, else None."""
    log = log or SendLog()
    entry = {"kind": kind, "host": connection.host, "document": "", "personas": [], "model": model,
             "attempt": 1, "outcome": outcome, **(usage or Usage()).as_dict(), "redactions": {}}
    try:
        log.append(entry)
    except OSError as exc:
        return f"The send log {log.file} could not be written ({type(exc).__name__})."
    return None
