"""The "never send" mark: documents the PM has ruled must not go to any endpoint, whatever the settings.

Kept in the data folder next to the reviews (``never-send.json``), keyed like the review store by the
resolved path, so the mark holds for every version of the document (the store keeps one review per
version of the text) and the window, ``doccritic review`` and ``doccritic debate`` all read the same
answer. It is local policy, not part of a review: an exported or shared review JSON does not carry it.

A file that cannot be read is treated as marking nothing only when it does not exist; a damaged one
raises, because quietly forgetting a "never send" would be the one failure that leaks a document.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from doccritic import paths
from doccritic.core.errors import DoccriticError, ErrorKind
from doccritic.core.fileio import atomic_write_text

FILE_NAME = "never-send.json"


def blocked_sentence(name: str) -> str:
    """What Run, Debate and ``doccritic review`` say for a marked document."""
    return (f"“{name}” is marked Never send, so it was not sent to any endpoint. "
            "Clear the mark (Review → Never Send This Document) to run critics or debates on it.")


def _key(path: Path | str) -> str:
    return str(Path(path).expanduser().resolve())


class NeverSendMarks:
    """Read and change the marks; every call reads the file, so a second window or the CLI sees changes."""

    def __init__(self, file: Path | None = None) -> None:
        self.file = file or paths.data_dir() / FILE_NAME

    def _read(self) -> dict[str, dict[str, str]]:
        try:
            raw = json.loads(self.file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise DoccriticError(f"The never-send list {self.file} cannot be read ({type(exc).__name__}); "
                                 "nothing was sent. Fix or delete the file.", ErrorKind.UNREADABLE) from None
        marks = raw.get("documents") if isinstance(raw, dict) else None
        if not isinstance(marks, dict):
            raise DoccriticError(f"The never-send list {self.file} is not in the expected format; nothing was "
                                 "sent. Fix or delete the file.", ErrorKind.CORRUPT)
        return marks

    def is_marked(self, path: Path | str | None) -> bool:
        return path is not None and _key(path) in self._read()

    def set(self, path: Path | str, marked: bool) -> None:
        """Mark or clear ``path``; the file is replaced atomically."""
        marks = self._read()
        key = _key(path)
        if marked:
            marks[key] = {"since": datetime.now(UTC).isoformat(timespec="seconds")}
        else:
            marks.pop(key, None)
        self.file.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.file, json.dumps({"documents": marks}, indent=1, ensure_ascii=False) + "\n")
