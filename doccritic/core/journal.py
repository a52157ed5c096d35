"""The edit journal: unsaved text kept on disk so a crash or a kill loses at most a moment of typing.

One small JSON file per document under ``<data dir>/journal``, replaced atomically on each write. The
window writes it while the document has unsaved edits, deletes it on save or on a deliberate discard,
and on reopening offers the journaled text when it differs from the file. Text offered for recovery is
first *set aside* (its own file, never overwritten by the new session's writes): it stays until the PM
restores it or discards it in so many words, and is offered again on every reopening until then.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from doccritic import paths
from doccritic.core.fileio import atomic_write_chunks


@dataclass(frozen=True, slots=True)
class JournalEntry:
    path: str
    text: str
    at: datetime


def _entry(path: str, slices: Iterable[str], at: str) -> Iterator[bytes]:
    """``json.dumps({"path": path, "text": "".join(slices), "at": at}, ensure_ascii=False)`` in UTF-8, a slice at
    a time. JSON escapes each character on its own, so escaping slices and joining them is escaping the whole."""
    yield f'{{"path": {json.dumps(path, ensure_ascii=False)}, "text": "'.encode()
    for piece in slices:
        yield json.dumps(piece, ensure_ascii=False)[1:-1].encode()
    yield f'", "at": {json.dumps(at)}}}'.encode()


class Journal:
    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or paths.data_dir() / "journal"

    def _file(self, document: Path | str) -> Path:
        key = str(Path(document).expanduser().resolve())
        return self.directory / f"{hashlib.sha256(key.encode('utf-8', 'surrogatepass')).hexdigest()[:24]}.json"

    def write(self, document: Path | str, text: str | Iterable[str]) -> None:
        """Record unsaved text atomically (a crash mid-write leaves the previous entry intact). ``text`` may
        come in slices, which are escaped and written one by one: the same file as for the joined text."""
        self.directory.mkdir(parents=True, exist_ok=True)
        slices = (text,) if isinstance(text, str) else text
        atomic_write_chunks(self._file(document), _entry(str(document), slices, datetime.now(UTC).isoformat()))

    def read(self, document: Path | str) -> JournalEntry | None:
        """The journaled text for a document, or None (a damaged entry is ignored, never fatal)."""
        try:
            raw = json.loads(self._file(document).read_text(encoding="utf-8"))
            return JournalEntry(raw["path"], raw["text"], datetime.fromisoformat(raw["at"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def discard(self, document: Path | str) -> None:
        self._file(document).unlink(missing_ok=True)

    def set_aside(self, document: Path | str) -> JournalEntry | None:
        """Move the document's journaled text to a recovery file of its own (the newest one wins the offer,
        older ones stay on disk) so that typing in the new session cannot overwrite it."""
        entry = self.read(document)
        if entry is None:
            return None
        stamp = entry.at.strftime("%Y%m%dT%H%M%S%f")
        self._file(document).replace(self._file(document).with_suffix(f".recovered-{stamp}.json"))
        return entry

    def recovered(self, document: Path | str) -> JournalEntry | None:
        """The newest text set aside for recovery, or None."""
        for file in sorted(self._aside(document), reverse=True):
            try:
                raw = json.loads(file.read_text(encoding="utf-8"))
                return JournalEntry(raw["path"], raw["text"], datetime.fromisoformat(raw["at"]))
            except (OSError, ValueError, KeyError, TypeError):
                continue
        return None

    def drop_recovered(self, document: Path | str, entry: JournalEntry) -> None:
        """Forget one recovered text: restored into the editor, or discarded by the PM."""
        stamp = entry.at.strftime("%Y%m%dT%H%M%S%f")
        self._file(document).with_suffix(f".recovered-{stamp}.json").unlink(missing_ok=True)

    def _aside(self, document: Path | str) -> list[Path]:
        base = self._file(document)
        return list(base.parent.glob(f"{base.stem}.recovered-*.json")) if base.parent.is_dir() else []
