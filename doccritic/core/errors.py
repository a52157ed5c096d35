"""Typed errors whose message is written for the user.

Core and formats raise these; only the edges (CLI, UI) decide how to show them. The message is one
plain sentence that never contains secrets or a traceback.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorKind(StrEnum):
    """Why something failed, so the edge can pick an exit code or an icon."""

    NOT_FOUND = "not_found"
    UNREADABLE = "unreadable"
    TOO_LARGE = "too_large"
    BINARY = "binary"
    CORRUPT = "corrupt"
    UNSUPPORTED = "unsupported"
    INVALID = "invalid"


class DoccriticError(Exception):
    """Base error: ``str(err)`` is the user-facing sentence."""

    def __init__(self, message: str, kind: ErrorKind = ErrorKind.INVALID) -> None:
        super().__init__(message)
        self.kind = kind

    @property
    def message(self) -> str:
        return str(self)


class LoadError(DoccriticError):
    """A document could not be opened; nothing was changed on disk."""
