"""Crash-safe file writes, shared by document saves, the journal, personas and every export.

The data goes to a temp file beside the real target, is fsynced, then renamed over it, so a crash
leaves the old file or the new one, never half of each. A symlink is written through (the link stays
a link and its target gets the new content) and the target keeps its permission bits, so a shared
file stays readable by the others after one save; a new file gets the usual ``0666 & ~umask``.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path


def atomic_write_bytes(path: Path | str, data: bytes) -> None:
    """Replace the file at ``path`` (or the file its symlink points to) with ``data``.

    Raises :class:`OSError` as is (callers word it for the user); the temp file never outlives a failure.
    """
    atomic_write_chunks(path, (data,))


def atomic_write_chunks(path: Path | str, chunks: Iterable[bytes]) -> None:
    """:func:`atomic_write_bytes` of the chunks one after the other, each written as it comes (a large text
    need not be encoded in one piece). An exception from ``chunks`` leaves the old file as it was."""
    real = Path(path).resolve()  # through symlinks: the temp file must sit on the target's file system
    try:
        old: os.stat_result | None = real.stat()
    except FileNotFoundError:
        old = None
    tmp = real.with_name(f".{real.name}.{os.urandom(4).hex()}.tmp")
    # 0o666: the kernel applies the umask (or the folder's default ACL), as for any new file; mkstemp's 0600 would not
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        if old is not None:
            if hasattr(os, "chown"):  # root keeps the owner; anyone keeps the group where allowed
                with contextlib.suppress(OSError):
                    os.chown(tmp, old.st_uid if os.geteuid() == 0 else -1, old.st_gid)
            tmp.chmod(stat.S_IMODE(old.st_mode))  # after chown, which may clear set-id bits
        tmp.replace(real)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    with contextlib.suppress(OSError):  # the rename itself survives a power cut; not every OS opens folders
        dir_fd = os.open(real.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def atomic_write_text(path: Path | str, text: str, encoding: str = "utf-8") -> None:
    """:func:`atomic_write_bytes` for text, encoded as given with no newline translation."""
    atomic_write_bytes(path, text.encode(encoding))
