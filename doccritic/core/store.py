"""The review store: every document's reviews, kept in SQLite so reopening a file restores them.

The app saves a review whenever findings, statuses, replies or debates change, and on reopening a file
asks for the review of that path. If the text changed since (another fingerprint), the newest review is
still returned with ``fingerprint_matches=False`` and the caller re-anchors it; the store never edits one.

API::

    store = ReviewStore()              # paths.data_dir() / "reviews.sqlite3", or ReviewStore(db_path)
    store.save(review)                 # upsert by (canonical path, fingerprint); unsaved text is skipped
    store.load(path, fingerprint)      # StoredReview | None: that exact version, else the newest readable
    store.history(path)                # [(fingerprint, updated_at)], newest first
    store.documents()                  # [StoredDocument]: path, title, format, most recent first
    store.forget(path)                 # delete every version of a document -> count
    store.warnings                     # user-facing sentences: files set aside, rows skipped

Schema (``PRAGMA user_version`` = 1): table ``reviews`` (canonical path, fingerprint, title, format,
review JSON exactly as ``model_dump_json()`` wrote it, ISO 8601 UTC ``created_at`` and
``updated_at``, and ``seq``, a store-wide save counter). "Newest" is the highest ``seq``, not the clock,
so order holds when two saves share a clock tick or the clock jumps back. At most ``max_versions``
(default 20) fingerprints are kept per path.

Why it is built this way:

* Keys are ``Path(p).expanduser().resolve()`` so ``./a.md``, ``x/../a.md`` and symlinks meet. Unsaved
  text (``document.path`` None) has nothing to reopen, so ``save`` skips it quietly.
* One connection (``check_same_thread=False``) behind a ``threading.Lock``: the GUI saves from a worker
  thread a few times a minute, so serialising costs nothing, and one connection keeps ``close()`` and
  corruption recovery simple (per-thread connections would outlive their threads). Other processes (a
  second window) are handled by WAL, ``BEGIN IMMEDIATE`` and a busy timeout.
* Nothing is lost: a damaged file is renamed ``reviews.sqlite3.corrupt-<UTC stamp>`` (with its -wal and
  -shm) and a fresh one started, at open or when a later query finds the damage; a row whose JSON no
  longer validates is left in place and skipped for the next newest.
* Failures are one sentence (:class:`DoccriticError`): an unwritable folder ``UNREADABLE`` from the
  constructor, so the app learns at startup and not at the first save; a database from a newer
  doccritic ``UNSUPPORTED``, left untouched; other SQLite errors (disk full, locked) ``UNREADABLE``.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Self, TypeVar

from doccritic import paths
from doccritic.core.errors import DoccriticError, ErrorKind
from doccritic.core.findings import Review
from doccritic.core.records import adapter

DB_NAME = "reviews.sqlite3"
SCHEMA_VERSION = 1
DEFAULT_MAX_VERSIONS = 20
BUSY_TIMEOUT_S = 5.0

# Migration hook: _MIGRATIONS[v] moves a database from user_version v to v + 1. To change the schema,
# add an entry and bump SCHEMA_VERSION; all steps run in one transaction with the version bump.
_MIGRATIONS: dict[int, tuple[str, ...]] = {
    0: (
        "CREATE TABLE reviews (id INTEGER PRIMARY KEY, path TEXT NOT NULL, fingerprint TEXT NOT NULL,"
        " title TEXT NOT NULL, format TEXT NOT NULL, review_json TEXT NOT NULL, created_at TEXT NOT NULL,"
        " updated_at TEXT NOT NULL, seq INTEGER NOT NULL, UNIQUE (path, fingerprint))",
        "CREATE INDEX reviews_by_path ON reviews (path, seq)",
        "CREATE UNIQUE INDEX reviews_by_seq ON reviews (seq)",
    ),
}
_CORRUPT_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})
_UNWRITABLE_CODES = frozenset({sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM})

T = TypeVar("T")


@dataclass(frozen=True)
class StoredReview:
    """A review from the store; ``fingerprint_matches`` is False when the caller must re-anchor it."""

    review: Review
    fingerprint_matches: bool
    updated_at: datetime


@dataclass(frozen=True)
class StoredDocument:
    """One document with a stored review, for "recent reviews" listings."""

    path: Path
    title: str
    format: str
    updated_at: datetime


def canonical_path(path: Path | str) -> str:
    """The key a document is stored under: absolute, ``~`` expanded, ``..`` and symlinks resolved."""
    return str(Path(path).expanduser().resolve())


def _code(exc: sqlite3.Error) -> int | None:
    """SQLite's primary result code (3.11+ exceptions carry the extended one)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def _is_corrupt(exc: sqlite3.Error) -> bool:
    return _code(exc) in _CORRUPT_CODES


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """``BEGIN IMMEDIATE`` takes the write lock up front, so two processes never deadlock upgrading."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    finally:  # SQLite may already have rolled back (e.g. on corruption); a second ROLLBACK would mask why
        if conn.in_transaction:
            conn.execute("ROLLBACK")


class ReviewStore:
    """Reviews by document path and fingerprint in one SQLite file; safe to share between threads."""

    def __init__(
        self, db_path: Path | None = None, *, max_versions: int = DEFAULT_MAX_VERSIONS, lazy: bool = False
    ) -> None:
        """Open (and if needed create or migrate) the store; with ``lazy``, on first use instead, so that
        a window can create it without touching the disk on its UI thread. Problems raise DoccriticError
        then: from here, or with ``lazy`` from the first call that needs the file."""
        if max_versions < 1:
            raise ValueError("max_versions must be at least 1")
        self.db_path = Path(db_path) if db_path is not None else paths.data_dir() / DB_NAME
        self.max_versions = max_versions
        self.warnings: list[str] = []
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._closed = False
        if not lazy:
            with self._lock:
                self._conn = self._first_open()

    # -- public API ---------------------------------------------------------------------------------

    def save(self, review: Review) -> None:
        """Store ``review`` as the newest version of its document, atomically; no-op for unsaved text."""
        doc = review.document
        if doc.path is None:
            return
        # UTF-8 bytes, stored as TEXT by SQLite: a str of a 1M-word review would be another 25 MB in memory
        key, data, now = canonical_path(doc.path), adapter(Review).dump_json(review), _now()

        def op(conn: sqlite3.Connection) -> None:
            with _transaction(conn):
                (seq,) = conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM reviews").fetchone()
                conn.execute(
                    "INSERT INTO reviews (path, fingerprint, title, format, review_json, created_at, updated_at, seq)"
                    " VALUES (?, ?, ?, ?, CAST(? AS TEXT), ?, ?, ?) ON CONFLICT (path, fingerprint) DO UPDATE SET"
                    " title = excluded.title, format = excluded.format, review_json = excluded.review_json,"
                    " updated_at = excluded.updated_at, seq = excluded.seq",
                    (key, doc.fingerprint, doc.title, doc.format, data, now, now, seq),
                )
                conn.execute(
                    "DELETE FROM reviews WHERE path = ? AND seq NOT IN"
                    " (SELECT seq FROM reviews WHERE path = ? ORDER BY seq DESC LIMIT ?)",
                    (key, key, self.max_versions),
                )

        self._run(f"save the review of {Path(doc.path).name}", op)

    def load(self, path: Path | str, fingerprint: str | None = None) -> StoredReview | None:
        """The review of exactly this version if stored, else the newest readable one, else None.

        ``fingerprint_matches`` is True only when ``fingerprint`` was given and found; with no
        fingerprint the newest review is returned unconfirmed, so the caller re-anchors it.
        """
        key = canonical_path(path)

        def op(conn: sqlite3.Connection) -> StoredReview | None:
            rows = conn.execute(
                "SELECT fingerprint, review_json, updated_at FROM reviews WHERE path = ?"
                " ORDER BY fingerprint IS ? DESC, seq DESC",
                (key, fingerprint),
            )
            for fp, data, updated in rows:
                try:
                    review, when = Review.model_validate_json(data), datetime.fromisoformat(updated)
                except (ValueError, TypeError):
                    stamp = str(updated)[:16].replace("T", " ")
                    name = Path(key).name
                    self._warn(f"A saved review of {name} from {stamp} UTC could not be read, so doccritic skipped it.")
                    continue
                return StoredReview(review, fingerprint is not None and fp == fingerprint, when)
            return None

        return self._run(f"read the saved review of {Path(key).name}", op)

    def history(self, path: Path | str) -> list[tuple[str, datetime]]:
        """Stored versions of a document as (fingerprint, updated_at), newest first."""
        key = canonical_path(path)
        rows = self._run(
            f"read the review history of {Path(key).name}",
            lambda conn: conn.execute(
                "SELECT fingerprint, updated_at FROM reviews WHERE path = ? ORDER BY seq DESC", (key,)
            ).fetchall(),
        )
        return [(fp, datetime.fromisoformat(updated)) for fp, updated in rows]

    def documents(self, limit: int = 100) -> list[StoredDocument]:
        """Documents with stored reviews, most recently saved first (title/format of their newest save)."""
        rows = self._run(
            "list the saved reviews",
            lambda conn: conn.execute(  # SQLite takes bare columns from the MAX(seq) row of each group
                "SELECT path, title, format, updated_at, MAX(seq) AS last FROM reviews"
                " GROUP BY path ORDER BY last DESC LIMIT ?",
                (limit,),
            ).fetchall(),
        )
        return [StoredDocument(Path(p), t, f, datetime.fromisoformat(u)) for p, t, f, u, _ in rows]

    def forget(self, path: Path | str) -> int:
        """Delete every stored version of a document; returns how many were deleted."""
        key = canonical_path(path)

        def op(conn: sqlite3.Connection) -> int:
            with _transaction(conn):
                return conn.execute("DELETE FROM reviews WHERE path = ?", (key,)).rowcount

        return self._run(f"forget the reviews of {Path(key).name}", op)

    def close(self) -> None:
        """Close the database; safe to call twice. Later calls raise RuntimeError."""
        with self._lock:
            self._closed = True
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- internals ----------------------------------------------------------------------------------

    def _run(self, what: str, op: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``op`` under the lock; on corruption set the file aside and retry once on a fresh one."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the review store is closed")
            if self._conn is None:  # lazy: the first use opens it
                self._conn = self._first_open()
            try:
                return op(self._conn)
            except sqlite3.Error as exc:
                if not _is_corrupt(exc):
                    raise _failed(what, exc) from None
            self._conn.close()
            self._conn = None
            self._set_aside()
            self._conn = self._open(recover=False)
            try:
                return op(self._conn)
            except sqlite3.Error as exc:
                raise _failed(what, exc) from None

    def _first_open(self) -> sqlite3.Connection:
        try:
            self.db_path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise self._unwritable(exc.strerror or str(exc)) from None
        return self._open()

    def _open(self, recover: bool = True) -> sqlite3.Connection:
        """Connect, migrate and prove the file is writable; set a damaged file aside if ``recover``."""
        try:
            return self._connect()
        except sqlite3.Error as exc:
            if _code(exc) in _UNWRITABLE_CODES:
                raise self._unwritable(str(exc)) from None
            if not (recover and _is_corrupt(exc)):
                raise _failed(f"open the saved reviews in {self.db_path}", exc) from None
        self._set_aside()
        return self._open(recover=False)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.db_path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        try:
            self._schema_version(conn)  # first read: a damaged file fails here, a newer one is refused untouched
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            with _transaction(conn):  # re-read under the write lock: another process may have migrated first
                for step in range(self._schema_version(conn), SCHEMA_VERSION):
                    for statement in _MIGRATIONS[step]:
                        conn.execute(statement)
                # Always written: SQLite opens an unwritable file read-only without a word, and this write
                # makes that fail now, at startup, instead of at the user's first save.
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException:
            conn.close()
            raise
        return conn

    def _schema_version(self, conn: sqlite3.Connection) -> int:
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        if version > SCHEMA_VERSION:
            raise DoccriticError(
                f"{self.db_path} was written by a newer doccritic (format {version}); update doccritic"
                " to open your saved reviews.",
                ErrorKind.UNSUPPORTED,
            )
        return version

    def _set_aside(self) -> None:
        """Rename the damaged database (and its WAL files) so nothing in it is lost, and say so once."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = self.db_path.with_name(f"{self.db_path.name}.corrupt-{stamp}")
        n = 1
        while target.exists():
            target, n = self.db_path.with_name(f"{self.db_path.name}.corrupt-{stamp}-{n}"), n + 1
        try:
            for suffix in ("-wal", "-shm", ""):
                source = self.db_path.with_name(self.db_path.name + suffix)
                if source.exists():
                    source.rename(target.with_name(target.name + suffix))
        except OSError as exc:
            raise self._unwritable(exc.strerror or str(exc)) from None
        self._warn(
            f"The saved reviews file was damaged, so doccritic moved it aside as {target.name} and started a new one."
        )

    def _unwritable(self, reason: str) -> DoccriticError:
        return DoccriticError(
            f"Cannot keep saved reviews in {self.db_path.parent}: the folder is not writable ({reason}).",
            ErrorKind.UNREADABLE,
        )

    def _warn(self, sentence: str) -> None:
        if sentence not in self.warnings:
            self.warnings.append(sentence)


def _failed(what: str, exc: sqlite3.Error) -> DoccriticError:
    return DoccriticError(f"Could not {what}: {exc}.", ErrorKind.UNREADABLE)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")
