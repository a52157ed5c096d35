"""Review store: reopening a document restores its review, and a damaged store never crashes the app."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from doccritic.core.errors import DoccriticError, ErrorKind
from doccritic.core.findings import DocumentInfo, Finding, Kind, Reply, Review, Severity, Status
from doccritic.core.store import DB_NAME, SCHEMA_VERSION, ReviewStore, StoredReview, canonical_path


def make_review(path: Path | str | None, text: str = "Ship it to everyone on day one.", **finding_kw) -> Review:
    fingerprint = hashlib.sha256(text.encode("utf-8")).hexdigest()
    finding = Finding(
        source="check",
        rule="owd.full-launch",
        kind=Kind.ONE_WAY_DOOR,
        severity=Severity.CRITICAL,
        title="Turns it on for everyone at once",
        quote=text[:7],
        start=0,
        end=7,
        anchor="exact",
        **finding_kw,
    )
    info = DocumentInfo(
        path=None if path is None else str(path), format="markdown", title="PRD", fingerprint=fingerprint, text=text
    )
    return Review(document=info, findings=[finding])


def dump(review: Review) -> str:
    return review.model_dump_json()


@pytest.fixture
def store(tmp_path: Path):
    with ReviewStore(tmp_path / "data" / DB_NAME) as s:
        yield s


def test_default_location_is_the_data_dir_and_schema_is_versioned():
    with ReviewStore() as s:
        assert s.db_path == Path(os.environ["DOCCRITIC_DATA_DIR"]) / DB_NAME
        assert s.db_path.is_file()
    conn = sqlite3.connect(s.db_path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


def test_round_trip_keeps_statuses_replies_and_unicode_byte_identical(store: ReviewStore, tmp_path: Path):
    text = "目标：提醒用户 🎯 — «launch» for all accounts. مرحبا"
    review = make_review(tmp_path / "prd.md", text, status=Status.DEFERRED)
    review.findings[0].replies.append(
        Reply(author="PM 👩‍💻", text="同意, later ✅", at=datetime(2026, 1, 2, tzinfo=UTC))
    )
    review.findings.append(review.findings[0].model_copy(update={"id": "f2", "status": Status.DISMISSED}))
    review.debates.append({"topic": "rollout", "turns": [{"who": "skeptic", "text": "なぜ？"}]})
    store.save(review)

    got = store.load(tmp_path / "prd.md", review.document.fingerprint)
    assert isinstance(got, StoredReview)
    assert got.fingerprint_matches
    assert dump(got.review) == dump(review)
    assert [f.status for f in got.review.findings] == [Status.DEFERRED, Status.DISMISSED]
    assert got.review.findings[0].replies[0].text == "同意, later ✅"
    assert got.updated_at.tzinfo is not None


def test_unsaved_documents_are_not_stored(store: ReviewStore):
    store.save(make_review(None))
    assert store.documents() == []


def test_nothing_stored_returns_none(store: ReviewStore, tmp_path: Path):
    assert store.load(tmp_path / "never.md") is None
    assert store.history(tmp_path / "never.md") == []


def test_edited_text_returns_newest_old_review_unmatched(store: ReviewStore, tmp_path: Path):
    path = tmp_path / "prd.md"
    first, second = make_review(path, "version one"), make_review(path, "version two", status=Status.ACCEPTED)
    store.save(first)
    store.save(second)
    got = store.load(path, make_review(path, "version three").document.fingerprint)
    assert got is not None
    assert not got.fingerprint_matches
    assert dump(got.review) == dump(second)


def test_exact_fingerprint_is_preferred_over_newer_version(store: ReviewStore, tmp_path: Path):
    path = tmp_path / "prd.md"
    old, new = make_review(path, "old text"), make_review(path, "new text")
    store.save(old)
    store.save(new)
    got = store.load(path, old.document.fingerprint)
    assert got is not None and got.fingerprint_matches
    assert got.review.document.text == "old text"
    unconfirmed = store.load(path)
    assert unconfirmed is not None and not unconfirmed.fingerprint_matches
    assert unconfirmed.review.document.text == "new text"


def test_saving_same_version_again_updates_it_in_place(store: ReviewStore, tmp_path: Path):
    path = tmp_path / "prd.md"
    store.save(make_review(path, "same"))
    store.save(make_review(path, "other"))
    store.save(make_review(path, "same", status=Status.RESOLVED))
    fingerprints = [fp for fp, _ in store.history(path)]
    assert fingerprints == [make_review(path, t).document.fingerprint for t in ("same", "other")]
    got = store.load(path)
    assert got is not None and got.review.findings[0].status is Status.RESOLVED


def test_prunes_to_max_versions_keeping_newest(tmp_path: Path):
    path = tmp_path / "prd.md"
    with ReviewStore(tmp_path / DB_NAME, max_versions=3) as s:
        reviews = [make_review(path, f"version {i}") for i in range(5)]
        for r in reviews:
            s.save(r)
        s.save(make_review(tmp_path / "other.md", "unrelated"))
        assert [fp for fp, _ in s.history(path)] == [r.document.fingerprint for r in reversed(reviews[2:])]
        assert len(s.history(tmp_path / "other.md")) == 1
        assert s.load(path, reviews[0].document.fingerprint).fingerprint_matches is False


def test_forget_deletes_all_versions_of_one_document(store: ReviewStore, tmp_path: Path):
    path = tmp_path / "prd.md"
    store.save(make_review(path, "a"))
    store.save(make_review(path, "b"))
    store.save(make_review(tmp_path / "keep.md", "c"))
    assert store.forget(path) == 2
    assert store.load(path) is None
    assert store.load(tmp_path / "keep.md") is not None
    assert store.forget(path) == 0


def test_paths_are_normalized(store: ReviewStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path)
    store.save(make_review("docs/prd.md"))
    assert store.load(tmp_path / "docs" / "prd.md") is not None
    assert store.load(tmp_path / "docs" / ".." / "docs" / "prd.md") is not None
    assert store.load("./docs/../docs/prd.md") is not None
    assert canonical_path("docs/prd.md") == str((tmp_path / "docs" / "prd.md").resolve())
    [entry] = store.documents()
    assert entry.path == (tmp_path / "docs" / "prd.md").resolve()
    assert (entry.title, entry.format) == ("PRD", "markdown")


def test_corrupt_database_is_moved_aside_and_a_new_one_works(tmp_path: Path):
    db = tmp_path / DB_NAME
    junk = os.urandom(8192)
    db.write_bytes(junk)
    with ReviewStore(db) as s:
        [warning] = s.warnings
        assert "moved it aside" in warning
        [aside] = tmp_path.glob(f"{DB_NAME}.corrupt-*")
        assert aside.name in warning
        assert aside.read_bytes() == junk  # nothing lost: the damaged file is kept as it was
        review = make_review(tmp_path / "prd.md")
        s.save(review)
        assert dump(s.load(tmp_path / "prd.md").review) == dump(review)


def test_corruption_found_while_running_is_recovered(tmp_path: Path):
    db = tmp_path / DB_NAME
    s = ReviewStore(db)
    s._conn.close()  # damage the file under an open store (white box: no portable way from outside)
    for leftover in tmp_path.glob(f"{DB_NAME}*"):
        leftover.unlink()
    db.write_bytes(b"\x00garbage" * 1000)
    s._conn = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    review = make_review(tmp_path / "prd.md")
    s.save(review)  # fails on the damaged file, sets it aside, retries on a fresh one
    assert len(s.warnings) == 1
    assert len(list(tmp_path.glob(f"{DB_NAME}.corrupt-*"))) == 1
    assert dump(s.load(tmp_path / "prd.md").review) == dump(review)
    s.close()


def test_invalid_json_row_is_skipped_with_warning(store: ReviewStore, tmp_path: Path):
    path = tmp_path / "prd.md"
    good, bad = make_review(path, "good version"), make_review(path, "bad version")
    store.save(good)
    store.save(bad)
    conn = sqlite3.connect(store.db_path)
    with conn:
        conn.execute(
            "UPDATE reviews SET review_json = ? WHERE fingerprint = ?",
            ('{"schema": "doccritic.review/1", "document": 42}', bad.document.fingerprint),
        )
    conn.close()
    got = store.load(path, bad.document.fingerprint)
    assert got is not None
    assert not got.fingerprint_matches
    assert dump(got.review) == dump(good)
    [warning] = store.warnings
    assert "prd.md" in warning and "could not be read" in warning
    store.load(path)
    assert len(store.warnings) == 1  # the same problem is reported once


def test_unwritable_folder_raises_clear_error(tmp_path: Path):
    if os.geteuid() == 0:
        pytest.skip("running as root: chmod cannot make a folder unwritable (see the parent-is-a-file test)")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(DoccriticError) as info:
            ReviewStore(folder / DB_NAME)
    finally:
        folder.chmod(0o700)
    assert info.value.kind is ErrorKind.UNREADABLE
    assert "not writable" in str(info.value)


def test_folder_that_is_a_file_raises_clear_error(tmp_path: Path):
    blocker = tmp_path / "data"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(DoccriticError) as info:
        ReviewStore(blocker / DB_NAME)
    assert info.value.kind is ErrorKind.UNREADABLE
    assert str(blocker) in str(info.value) and "not writable" in str(info.value)
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_database_from_newer_version_is_refused_and_left_alone(tmp_path: Path):
    db = tmp_path / DB_NAME
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = db.read_bytes()
    with pytest.raises(DoccriticError) as info:
        ReviewStore(db)
    assert info.value.kind is ErrorKind.UNSUPPORTED
    assert "newer doccritic" in str(info.value)
    assert db.read_bytes() == before
    assert not list(tmp_path.glob("*.corrupt-*"))


@pytest.mark.parametrize("shared", [True, False], ids=["one-store", "store-per-thread"])
def test_concurrent_saves_from_four_threads(tmp_path: Path, shared: bool):
    db = tmp_path / DB_NAME
    main = ReviewStore(db)
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def work(n: int) -> None:
        s = main if shared else ReviewStore(db)
        try:
            barrier.wait()
            for i in range(15):
                s.save(make_review(tmp_path / f"doc{n}.md", f"doc {n} version {i}"))
                s.save(make_review(tmp_path / "shared.md", f"thread {n} version {i}"))
                s.load(tmp_path / f"doc{n}.md")
        except BaseException as exc:  # collected so the test fails with the thread's error
            errors.append(exc)
        finally:
            if not shared:
                s.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for n in range(4):
        assert len(main.history(tmp_path / f"doc{n}.md")) == 15
        assert main.load(tmp_path / f"doc{n}.md").review.document.text == f"doc {n} version 14"
    assert len(main.history(tmp_path / "shared.md")) == 20  # 60 saves, pruned to the default 20
    main.close()


def test_reopened_store_sees_data_from_another_instance(tmp_path: Path):
    db = tmp_path / DB_NAME
    review = make_review(tmp_path / "prd.md", status=Status.ACCEPTED)
    writer = ReviewStore(db)
    writer.save(review)
    reader = ReviewStore(db)  # open while the writer is still open, like a second window
    assert dump(reader.load(tmp_path / "prd.md").review) == dump(review)
    writer.close()
    reader.close()
    with ReviewStore(db) as restarted:
        got = restarted.load(tmp_path / "prd.md", review.document.fingerprint)
        assert got is not None and got.fingerprint_matches
        assert dump(got.review) == dump(review)
        assert restarted.warnings == []


def test_closed_store_refuses_work(tmp_path: Path):
    s = ReviewStore(tmp_path / DB_NAME)
    s.close()
    s.close()
    with pytest.raises(RuntimeError, match="closed"):
        s.load(tmp_path / "prd.md")
