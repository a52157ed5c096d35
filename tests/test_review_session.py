"""The review session on its own, without a window: decisions survive a re-check, are stored, and come back."""

from __future__ import annotations

import shutil

from conftest import SAMPLE
from doccritic.core import decisions
from doccritic.core.findings import Kind, Status
from doccritic.core.journal import Journal
from doccritic.core.store import ReviewStore
from doccritic.ui import session as files
from doccritic.ui.review_session import ReviewSession
from doccritic.ui.runner import Runner


def test_a_decision_survives_a_recheck_is_stored_and_comes_back_on_reopening(qtbot, tmp_path):
    doc = tmp_path / "draft.md"
    shutil.copy(SAMPLE, doc)
    store, journal, runner = ReviewStore(), Journal(), Runner()
    session = ReviewSession(runner, store, journal)
    info, snap = files.open_for_editing(doc, store, journal)
    session.load(info, snap)
    shown = []
    session.apply_checks(snap, shown.append)
    assert shown and shown[0] == session.findings.findings  # what is shown is what the session holds
    door = next(f for f in session.findings.findings if f.kind is Kind.ONE_WAY_DOOR)

    session.replace([decisions.dismiss(door, "Legal signed off")])
    session.apply_checks(files.recheck(snap.text, info.format, info.path), lambda findings: None)
    assert session.findings.finding(door.id).status is Status.DISMISSED  # the re-check keeps the decision

    with qtbot.waitSignal(runner.job_finished, timeout=10_000, check_params_cb=lambda channel, _: channel == "store"):
        session.save_review()
    runner.wait(5000)
    _, reopened = files.open_for_editing(doc, store, journal)
    restored = {f.id: f for f in reopened.restored}
    assert restored[door.id].status is Status.DISMISSED
    assert restored[door.id].replies[-1].text == "Dismissed: Legal signed off"
    store.close()


def test_a_replaced_snapshot_is_freed_soon_after_not_while_the_new_one_is_shown(qtbot, tmp_path):
    import gc
    import weakref

    doc = tmp_path / "draft.md"
    shutil.copy(SAMPLE, doc)
    session = ReviewSession(Runner(), None, Journal(tmp_path / "journal"))
    info, snap = files.open_for_editing(doc)
    session.load(info, snap)
    session.apply_checks(snap, lambda findings: None)
    old = weakref.ref(snap)
    fresh = files.recheck(snap.text, info.format, info.path)
    del snap
    gc.collect()
    session.apply_checks(fresh, lambda findings: None)
    assert session.snapshot is fresh and old() is not None  # still held: freeing it is not part of this stall
    qtbot.waitUntil(lambda: old() is None, timeout=2_000)  # and gone a moment later, with no collection needed


def test_a_snapshots_headings_are_its_sections_in_document_order():
    snap = files.recheck("# A\n\n## B\n\ntext\n\n### C\n\n## D\n\n# E\n", files.DocFormat.MARKDOWN, None)
    headings = snap.headings
    assert headings.titles == ["A", "B", "C", "D", "E"] and headings is snap.headings
    assert [s.level for s in headings.flat] == [1, 2, 3, 2, 1]
    assert headings.starts == [s.start for s in headings.flat] and headings.roots is snap.doc.sections
