"""The review window as a PM uses it: open, see highlights, click through findings, edit, save."""

from __future__ import annotations

import codecs
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QThread
from PySide6.QtGui import QImage, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from conftest import SAMPLE
from doccritic.core.decisions import Decision
from doccritic.core.findings import Anchor, Finding, Kind, Severity, Source, Status
from doccritic.ui.findings_model import NOT_PLACED, FindingsModel
from doccritic.ui.main_window import MainWindow
from doccritic.ui.textpos import Utf16Map

SIGNAL_TIMEOUT = 15_000


@pytest.fixture
def window(main_window):
    return main_window


def open_doc(qtbot, win: MainWindow, path: Path) -> None:
    with qtbot.waitSignal(win.document_ready, timeout=SIGNAL_TIMEOUT):
        win.open_path(path)


def open_at_start(qtbot, win: MainWindow, path: Path) -> None:
    """Open ``path`` with the caret at the top of the text, as F8 starts from there."""
    open_doc(qtbot, win, path)
    win.editor.setFocus()
    cursor = win.editor.textCursor()
    cursor.setPosition(0)
    win.editor.setTextCursor(cursor)


def placed(win: MainWindow) -> list[Finding]:
    return [f for f in win.session.findings.findings if f.placed]


def assert_highlights_exact(win: MainWindow) -> None:
    for f in placed(win):
        assert win.editor.span_text(f.id) == f.quote, f.title


def test_sample_opens_with_every_highlight_on_its_exact_text(qtbot, window):
    open_doc(qtbot, window, SAMPLE)
    assert window.editor.toPlainText() == SAMPLE.read_text(encoding="utf-8")
    assert len(placed(window)) >= 15
    assert_highlights_exact(window)
    assert len(window.editor.extraSelections()) == len(placed(window))
    assert "sample-prd.md" in window.windowTitle()
    assert "words" in window.words_label.text()
    assert "one-way door" in window.counts_label.text()
    assert window.outline.topLevelItemCount() == 1  # the H1, with the sections under it


def test_emoji_and_cjk_do_not_shift_highlights(qtbot, window, tmp_path):
    doc = tmp_path / "intl.md"
    doc.write_text(
        "# 発売計画 🚀\n\nThe team 👩‍💻👨‍👩‍👧 in 東京 agreed. "
        "We will delete all legacy customer records after launch.\n"
        "\nTBD 🇩🇪 owner.\n",
        encoding="utf-8",
    )
    open_doc(qtbot, window, doc)
    quotes = {f.quote for f in placed(window)}
    assert "We will delete all legacy customer records after launch." in quotes and "TBD" in quotes
    assert_highlights_exact(window)


def click_span(window: MainWindow, finding_id: str) -> None:
    start, end = window.editor.span_of(finding_id)
    cursor = QTextCursor(window.editor.document())
    cursor.setPosition((start + end) // 2)
    rect = window.editor.cursorRect(cursor)
    QTest.mouseClick(window.editor.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_click_highlight_selects_card_and_card_reveals_span(qtbot, window):
    open_doc(qtbot, window, SAMPLE)
    door = next(f for f in placed(window) if f.kind is Kind.ONE_WAY_DOOR)
    window.editor.reveal(door.id, flash=False)
    click_span(window, door.id)
    assert window.panel.current_id() == door.id
    other = next(f for f in placed(window) if f.rule == "weak.metric-no-baseline")
    window.panel.select(other.id, notify=True)
    start, _ = window.editor.span_of(other.id)
    assert window.editor.textCursor().position() == start
    assert window.editor.cursorRect().intersects(window.editor.viewport().rect())  # scrolled into view


def test_f8_steps_through_findings_in_document_order(qtbot, window):
    open_at_start(qtbot, window, SAMPLE)
    seen = []
    for _ in range(4):
        QTest.keyClick(window.editor, Qt.Key.Key_F8)
        seen.append(window.panel.current_id())
    starts = [window.editor.span_of(fid)[0] for fid in seen]
    assert starts == sorted(starts) and len(set(seen)) == 4
    QTest.keyClick(window.editor, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
    assert window.panel.current_id() == seen[2]


def test_filters_hide_and_show_cards_and_counts_follow(qtbot, window):
    open_doc(qtbot, window, SAMPLE)
    panel = window.panel
    total = panel.proxy.rowCount()
    doors = sum(f.kind is Kind.ONE_WAY_DOOR for f in window.session.findings.findings)
    assert panel.kind_buttons[Kind.ONE_WAY_DOOR].text().split()[-1] == str(doors)
    panel.kind_buttons[Kind.ONE_WAY_DOOR].setChecked(False)
    assert panel.proxy.rowCount() == total - doors
    panel.kind_buttons[Kind.ONE_WAY_DOOR].setChecked(True)
    panel.severity.setCurrentText("Critical")
    assert 0 < panel.proxy.rowCount() < total
    panel.severity.setCurrentText("All severities")
    panel.search.setText("PayFlow")
    assert all("PayFlow" in panel.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 1).quote
               for r in range(panel.proxy.rowCount()))
    panel.search.setText("no such words anywhere")
    assert panel.proxy.rowCount() == 0 and not panel.empty.isHidden()


def test_unplaced_findings_have_their_own_group(qtbot, window):
    open_doc(qtbot, window, SAMPLE)
    window.panel.group.setCurrentText("By section")
    proxy = window.panel.proxy
    groups = [proxy.group_of(r) for r in range(proxy.rowCount())]
    assert groups[-1] == NOT_PLACED  # the missing "Alternatives considered" section
    assert "Rollout plan" in groups


def test_findings_model_passes_qt_model_tester(qtmodeltester):
    model = FindingsModel()
    make = lambda i, **kw: Finding(  # noqa: E731
        id=f"f{i}", source=Source.CHECK, kind=Kind.WEAK_ARGUMENT, severity=Severity.MINOR, title=f"t{i}", **kw
    )
    model.update_findings([make(i) for i in range(5)])
    model.update_findings([make(i, status=Status.DISMISSED) if i == 2 else make(i) for i in (0, 2, 4, 7)])
    assert [f.id for f in model.findings] == ["f0", "f2", "f4", "f7"]
    assert model.finding("f2").status is Status.DISMISSED
    qtmodeltester.check(model, force_py=True)


def test_typing_moves_highlights_and_rechecks_without_losing_selection(qtbot, window):
    open_doc(qtbot, window, SAMPLE)
    door = next(f for f in placed(window) if f.rule == "owd.contract")
    window.panel.select(door.id, notify=True)
    cursor = QTextCursor(window.editor.document())
    cursor.setPosition(0)
    window.editor.setTextCursor(cursor)
    with qtbot.waitSignal(window.checks_applied, timeout=SIGNAL_TIMEOUT):
        QTest.keyClicks(window.editor, "Draft 2. ")
        assert window.editor.span_text(door.id) == door.quote  # moved with the text at once
    assert_highlights_exact(window)
    assert window.panel.current_id() == door.id  # the re-check kept the selected card
    assert window.editor.document().isModified() and window.windowTitle().startswith("*")


def painted(win: MainWindow) -> list[tuple[int, int]]:
    """The spans the editor actually paints, to compare with the spans it reports."""
    spans = ((s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in win.editor.extraSelections())
    return sorted((start, end) for start, end in spans if start < end)


def test_highlights_painted_where_the_spans_are_after_every_kind_of_edit(qtbot, window, tmp_path):
    doc = tmp_path / "plan.md"
    text = "# Plan\n\nAlpha beta gamma delta.\n\nEpsilon zeta eta.\n"
    doc.write_text(text, encoding="utf-8")
    open_doc(qtbot, window, doc)

    def critic(quote: str) -> Finding:
        start = text.index(quote)
        return Finding(source=Source.CRITIC, persona="staff-engineer", kind=Kind.WEAK_ARGUMENT,
                       severity=Severity.MAJOR, title=quote, quote=quote, start=start, end=start + len(quote),
                       anchor=Anchor.EXACT)

    bg, zeta = critic("beta gamma"), critic("zeta")
    window.session.findings.update_findings([bg, zeta])
    window.editor.set_findings([bg, zeta], Utf16Map(window.editor.toPlainText()))
    editor = window.editor

    def edit(at: str, insert: str = "", remove: int = 0, offset: int = 0) -> None:
        cursor = QTextCursor(editor.document())
        cursor.setPosition(editor.toPlainText().index(at) + offset)
        cursor.setPosition(cursor.position() + remove, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(insert)
        spans = sorted(s for s in (editor.span_of(bg.id), editor.span_of(zeta.id)) if s and s[0] < s[1])
        assert painted(window) == spans

    edit("gamma", "!", offset=len("gamma"))  # typed right after a span: not part of it
    assert editor.span_text(bg.id) == "beta gamma"
    edit("beta", "so ")  # typed right before: pushes it along
    assert editor.span_text(bg.id) == "beta gamma"
    assert window.session.findings.finding(bg.id).status is Status.OPEN
    edit("gamma", "-", offset=2)  # typed inside: the span grows and no longer matches its quote
    assert editor.span_text(bg.id) == "beta ga-mma"
    assert window.session.findings.finding(bg.id).status is Status.OUTDATED
    edit("ta eta", remove=len("ta eta"))  # cuts the end of "zeta": what survives stays marked
    assert editor.span_text(zeta.id) == "ze"
    edit("ze", remove=2)  # deletes the rest...
    edit(".\n", "new words", offset=0)  # ...and what is typed there later is not highlighted
    assert editor.span_text(zeta.id) == ""
    assert window.session.findings.finding(zeta.id) is not None  # kept, shown as outdated


def test_long_typing_session_with_highlights_keeps_running(qtbot, window):
    """PySide6 6.12.0 lost a reference to None per Qt call and aborted Python 3.11 after ~70 keys."""
    open_doc(qtbot, window, SAMPLE)
    before = window.editor.toPlainText()
    cursor = window.editor.textCursor()
    cursor.setPosition(len(before))
    window.editor.setTextCursor(cursor)
    QTest.keyClicks(window.editor, "abc " * 100)
    assert window.editor.toPlainText() == before + "abc " * 100
    assert_highlights_exact(window)


def test_new_problem_typed_in_is_flagged_after_the_pause(qtbot, window, tmp_path):
    doc = tmp_path / "short.md"
    doc.write_text("# Plan\n\nWe ship in May.\n", encoding="utf-8")
    open_doc(qtbot, window, doc)
    assert placed(window) == []
    cursor = window.editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    window.editor.setTextCursor(cursor)
    with qtbot.waitSignal(window.checks_applied, timeout=SIGNAL_TIMEOUT):
        QTest.keyClick(window.editor, Qt.Key.Key_Return)  # a "\n" inside keyClicks is not a key press
        QTest.keyClicks(window.editor, "Pricing: TBD")
    assert [f.quote for f in placed(window)] == ["TBD"]
    assert_highlights_exact(window)


def test_critic_finding_whose_text_is_edited_away_becomes_outdated_not_lost(qtbot, window, tmp_path):
    doc = tmp_path / "plan.md"
    text = "# Plan\n\nCustomers will adopt auto-charge quickly.\n"
    doc.write_text(text, encoding="utf-8")
    open_doc(qtbot, window, doc)
    quote = "Customers will adopt auto-charge quickly."
    start = text.index(quote)
    critic = Finding(
        source=Source.CRITIC, persona="skeptical-exec", kind=Kind.CHALLENGED_ASSUMPTION, severity=Severity.MAJOR,
        title="Adoption assumed", quote=quote, start=start, end=start + len(quote), anchor=Anchor.EXACT,
    )
    window.session.findings.update_findings([*window.session.findings.findings, critic])
    window.editor.set_findings(window.session.findings.findings, Utf16Map(window.editor.toPlainText()))
    cursor = QTextCursor(window.editor.document())
    cursor.setPosition(start + len("Customers will "))
    cursor.setPosition(start + len("Customers will adopt"), QTextCursor.MoveMode.KeepAnchor)
    cursor.insertText("ignore")
    kept = window.session.findings.finding(critic.id)
    assert kept is not None and kept.status is Status.OUTDATED


def test_undoing_the_edit_that_made_a_finding_outdated_reopens_it(qtbot, window, tmp_path):
    doc = tmp_path / "plan.md"
    text = "# Plan\n\nCustomers will adopt auto-charge quickly.\n"
    doc.write_text(text, encoding="utf-8")
    open_doc(qtbot, window, doc)
    quote = "Customers will adopt auto-charge quickly."
    start = text.index(quote)
    critic = Finding(
        source=Source.CRITIC, persona="skeptical-exec", kind=Kind.CHALLENGED_ASSUMPTION, severity=Severity.MAJOR,
        title="Adoption assumed", quote=quote, start=start, end=start + len(quote), anchor=Anchor.EXACT,
    )
    window.decisions.add_critic_findings([critic], window.editor.text_map)
    cursor = window.editor.textCursor()
    cursor.setPosition(start + len("Customers will "))
    window.editor.setTextCursor(cursor)
    QTest.keyClicks(window.editor, "not ")

    def status() -> Status:
        kept = window.session.findings.finding(critic.id)
        assert kept is not None
        return kept.status

    assert status() is Status.OUTDATED
    window.editor.undo()
    assert window.editor.toPlainText() == text and status() is Status.OPEN
    window.editor.redo()
    assert status() is Status.OUTDATED
    window.editor.undo()
    window.decisions.decide(Decision.DISMISS, [critic.id], text="covered in the appendix")
    window.editor.redo()  # the text changes again, but the PM's decision since stays
    assert status() is Status.DISMISSED


def test_save_is_lossless_and_atomic(qtbot, window, tmp_path):
    doc = tmp_path / "windows.md"
    original = codecs.BOM_UTF8 + b"# Plan\r\n\r\nWe ship in May.\r\n"
    doc.write_bytes(original)
    open_doc(qtbot, window, doc)
    assert "\r" not in window.editor.toPlainText()
    assert window.files.save()
    assert doc.read_bytes() == original  # unedited: byte for byte
    cursor = window.editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    window.editor.setTextCursor(cursor)
    QTest.keyClicks(window.editor, "Owner: Ana.")
    assert window.files.save()
    assert doc.read_bytes() == codecs.BOM_UTF8 + b"# Plan\r\n\r\nWe ship in May.\r\nOwner: Ana."
    assert sorted(p.name for p in tmp_path.iterdir()) == ["windows.md"]
    assert not window.windowTitle().startswith("*")


def test_source_file_untouched_until_saved(qtbot, window, tmp_path):
    doc = tmp_path / "draft.md"
    doc.write_text("# Draft\n\nText.\n", encoding="utf-8")
    open_doc(qtbot, window, doc)
    QTest.keyClicks(window.editor, "edit ")
    assert doc.read_text(encoding="utf-8") == "# Draft\n\nText.\n"


def test_docx_opens_for_review_only(qtbot, window, corpus):
    path = corpus / "word-sample-comment-footnote-endnote-deletions.docx"
    open_doc(qtbot, window, path)
    assert window.editor.isReadOnly()
    assert not window.save_action.isEnabled()
    assert "review only" in window.banner.label.text() and "8 deletions left out" in window.banner.label.text()
    assert window.outline.topLevelItemCount() >= 3
    assert_highlights_exact(window)


def test_bad_file_gets_a_clear_message_and_keeps_the_open_document(qtbot, window, tmp_path):
    open_doc(qtbot, window, SAMPLE)
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with qtbot.waitSignal(window.load_failed, timeout=SIGNAL_TIMEOUT) as blocker:
        window.open_path(bad)
    assert "broken.docx" in blocker.args[0]
    assert window.banner.label.text() == blocker.args[0]
    assert window.session.info.path == SAMPLE  # the sample is still open
    assert window.editor.toPlainText() == SAMPLE.read_text(encoding="utf-8")


def test_change_on_disk_offers_reload(qtbot, window, tmp_path):
    doc = tmp_path / "live.md"
    doc.write_text("# Live\n\nFirst version.\n", encoding="utf-8")
    open_doc(qtbot, window, doc)
    doc.write_text("# Live\n\nSecond version: TBD.\n", encoding="utf-8")
    qtbot.waitUntil(lambda: window.banner.button("Reload") is not None, timeout=SIGNAL_TIMEOUT)
    assert "changed on disk" in window.banner.label.text()
    with qtbot.waitSignal(window.document_ready, timeout=SIGNAL_TIMEOUT):
        window.banner.button("Reload").click()
    assert "Second version" in window.editor.toPlainText()
    assert [f.quote for f in placed(window)] == ["TBD"]


def test_window_geometry_is_restored(qtbot, tmp_path):
    first = MainWindow()
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.resize(770, 540)  # fits the offscreen platform's 800x600 screen (restoreGeometry clamps)
    first.findings_dock.hide()
    qtbot.waitUntil(lambda: first.width() == 770)
    first.close()
    second = MainWindow()
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert (second.width(), second.height()) == (770, 540)
    assert second.findings_dock.isHidden() and not second.outline_dock.isHidden()


def test_screenshot_command_writes_a_png(tmp_path):
    out = tmp_path / "shot.png"
    proc = subprocess.run(
        [sys.executable, "-m", "doccritic", str(SAMPLE), "--screenshot", str(out), "--size", "1000x700"],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1000, 700)


def test_overlapping_findings_are_all_reachable_by_clicking(qtbot, window, tmp_path):
    doc = tmp_path / "contract.md"
    doc.write_text("# Payments\n\nWe will sign a 3-year exclusive agreement with a minimum annual volume "
                   "commitment of TBD.\n", encoding="utf-8")
    open_doc(qtbot, window, doc)
    tbd = next(f for f in placed(window) if f.rule == "weak.placeholder" and "commitment of TBD" in
               window.editor.toPlainText()[f.start - 30 : f.end])
    outer = next(f for f in placed(window) if f.start <= tbd.start and f.end >= tbd.end and f.id != tbd.id)
    window.editor.reveal(tbd.id, flash=False)
    click_span(window, tbd.id)
    assert window.panel.current_id() == tbd.id  # the innermost finding first
    click_span(window, tbd.id)
    assert window.panel.current_id() == outer.id  # the same spot again reaches the one underneath


def test_dropping_a_file_opens_it(qtbot, window, tmp_path):
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    doc = tmp_path / "dropped.md"
    doc.write_text("# Dropped\n\nOwner: TBD\n", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(doc))])
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.document_ready, timeout=SIGNAL_TIMEOUT):
        window.dropEvent(event)
    assert window.session.info.path == doc and [f.quote for f in placed(window)] == ["TBD"]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("notes.txt", "Launch plan\n\nWe will delete all legacy customer records after launch.\n\nOwner: TBD\n"),
        ("design.rst", "Launch plan\n===========\n\nWe will delete all legacy customer records after launch.\n"),
    ],
)
def test_text_and_rst_open_editable_with_exact_highlights(qtbot, window, tmp_path, name, text):
    doc = tmp_path / name
    doc.write_text(text, encoding="utf-8")
    open_doc(qtbot, window, doc)
    assert not window.editor.isReadOnly() and window.editor.toPlainText() == text
    assert any(f.rule == "owd.data-deletion" for f in placed(window))
    assert_highlights_exact(window)
    if name.endswith(".rst"):
        assert window.outline.topLevelItem(0).text(0) == "Launch plan"


def test_garbage_is_collected_on_the_gui_thread_not_by_workers(qtbot, window):
    import gc

    assert not gc.isenabled()  # a collection started by a parsing thread could free Qt objects there
    from doccritic.ui import gc_guard

    collector = gc_guard.install(window)
    gc.collect()
    for _ in range(collector.threshold[0] + 10):
        [].append([])  # make sure generation 0 is past its threshold
        cycle = []
        cycle.append(cycle)
    assert gc.get_count()[0] > collector.threshold[0]
    with qtbot.waitSignal(collector.timer.timeout, timeout=2000):
        pass
    assert gc.get_count()[0] <= collector.threshold[0]


def test_a_runner_deleted_before_its_result_came_back_does_not_hold_off_collections(qtbot, window):
    """A window closed while its re-check ran must not leave the collector waiting in every later window."""
    import gc
    import threading

    from shiboken6 import Shiboken

    from doccritic.ui import gc_guard
    from doccritic.ui.runner import Runner

    collector = gc_guard.install(window)
    release = threading.Event()
    runner = Runner()
    runner.submit("checks", lambda: release.wait(5), lambda _result: None)
    assert runner.busy()
    release.set()
    assert runner.wait(5000)
    Shiboken.delete(runner)  # gone before its queued result reached the UI thread
    gc.collect()
    for _ in range(collector.threshold[0] + 10):
        cycle: list[object] = []
        cycle.append(cycle)
    with qtbot.waitSignal(collector.timer.timeout, timeout=2000):
        pass
    assert gc.get_count()[0] <= collector.threshold[0]


def test_a_full_collection_waits_until_typing_and_background_work_pause(qtbot, window, monkeypatch):
    import gc
    import threading
    import weakref

    from doccritic.ui import gc_guard
    from doccritic.ui.runner import Runner

    class Node:
        pass

    # Runners of earlier tests' windows may still be finishing a job on a loaded machine: they count as work too
    qtbot.waitUntil(lambda: not gc_guard._busy(), timeout=30_000)
    collector, now = gc_guard.install(window), [1000.0]
    monkeypatch.setattr(gc_guard, "_clock", lambda: now[0])
    runner, release = Runner(window), threading.Event()
    for typing in (True, False):
        gc.collect()
        holder = [Node()]
        holder[0].me = holder[0]  # a cycle: only a collection frees it
        gone = weakref.ref(holder[0])
        for _ in range(collector.threshold[2] + 1):
            gc.collect(1)  # the cycle reaches the oldest generation, and a full collection is due
        del holder
        if typing:
            gc_guard.activity()  # the PM types
        else:
            release.clear()
            runner.submit("checks", lambda: release.wait(5), lambda _result: None)  # a re-check starts
        now[0] += 1.0
        collector.check()
        assert gone() is not None  # not now: the full collection would stall the window
        now[0] += gc_guard.IDLE_S * 5
        collector.check()
        assert (gone() is None) is typing  # typing paused; a job still runs
        if not typing:
            with qtbot.waitSignal(runner.job_finished, timeout=5000):
                release.set()
        now[0] += gc_guard.IDLE_S + 0.1
        collector.check()
        assert gone() is None


def test_find_says_when_there_is_no_match_and_replace_all_says_how_many(qtbot, window, tmp_path):
    doc = tmp_path / "plan.md"
    doc.write_text("# Plan\n\nShip it. Ship it again.\n", encoding="utf-8")
    open_doc(qtbot, window, doc)
    bar = window.find_bar
    bar.open(replace=True)
    bar.find_field.setText("unicorn")
    assert not bar.find_next() and bar.result.text() == "No match"
    bar.find_field.setText("Ship")
    assert bar.result.text() == "" and bar.find_next()
    bar.replace.setText("Launch")
    assert bar.replace_all() == 2 and bar.result.text() == "Replaced 2"
    assert window.editor.toPlainText() == "# Plan\n\nLaunch it. Launch it again.\n"


class HandedOver:
    """Stands in for ``ui.preload.Preload`` (whose own tests fork the real helper): the window must show a
    prepared document exactly as one it loaded itself, and load it itself when the helper gives up."""

    def __init__(self, answer: object, path: Path = SAMPLE) -> None:
        self.answer, self.path, self.asked, self.discarded = answer, path, 0, False

    def result(self) -> object:
        self.asked += 1
        return self.answer

    def discard(self) -> None:
        self.discarded = True


def shown_state(win: MainWindow) -> tuple:
    return (win.editor.toPlainText(), [(f.rule, f.start, f.end, f.title) for f in win.session.findings.findings],
            win.words_label.text(), win.counts_label.text(), win.outline.topLevelItemCount())


def test_a_document_prepared_by_the_start_up_helper_shows_as_if_loaded_here(qtbot, tmp_path):
    from doccritic.ui import session

    other = tmp_path / "other.md"
    other.write_text("# Other\n\nOwner: TBD\n", encoding="utf-8")
    wins = []
    for preload in (None, HandedOver(session.prepare(SAMPLE)), HandedOver(None), HandedOver(None, other)):
        win = MainWindow()
        qtbot.addWidget(win)
        with qtbot.waitSignal(win.document_ready, timeout=SIGNAL_TIMEOUT):
            win.open_path(SAMPLE, preload=preload)
        if preload is not None:  # asked once, unless it was preparing another file: then dropped
            assert (preload.asked, preload.discarded) == ((0, True) if preload.path == other else (1, False))
        wins.append(shown_state(win))
    assert wins[0] == wins[1] == wins[2] == wins[3] and wins[0][1]  # with the helper's work, or without it


def test_a_review_store_that_cannot_be_opened_costs_the_saved_reviews_not_the_document(qtbot, tmp_path,
                                                                                       monkeypatch):
    (tmp_path / "blocker").write_text("a file where the data folder should be", encoding="utf-8")
    monkeypatch.setenv("DOCCRITIC_DATA_DIR", str(tmp_path / "blocker" / "data"))
    win = MainWindow()  # the store is opened on a worker by the first load, not here
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.document_ready, timeout=SIGNAL_TIMEOUT):
        win.open_path(SAMPLE)
    assert "Reviews will not be saved" in win.banner.label.text()
    assert win.editor.toPlainText() == SAMPLE.read_text(encoding="utf-8") and placed(win)


def test_the_sidebar_follows_f8_to_every_card_not_only_the_first_screenful(qtbot, window):
    open_at_start(qtbot, window, SAMPLE)
    view = window.panel.list
    off_screen = []
    for press in range(window.panel.proxy.rowCount()):
        QTest.keyClick(window.editor, Qt.Key.Key_F8)
        rect = view.visualRect(view.currentIndex())
        if not rect.isValid() or not rect.intersects(view.viewport().rect()):
            off_screen.append(press + 1)
    assert off_screen == []  # the selected card is on screen after every press
    QApplication.processEvents()  # and stays there once the list's delayed layout has run
    assert view.visualRect(view.currentIndex()).intersects(view.viewport().rect())


def test_the_sidebar_follows_a_click_on_the_last_highlight_of_a_fresh_document(qtbot, window):
    open_at_start(qtbot, window, SAMPLE)
    editor, view = window.editor, window.panel.list
    last = max(placed(window), key=lambda f: f.start or 0)
    start, end = editor.span_of(last.id)
    cursor = editor.textCursor()
    cursor.setPosition((start + end) // 2)
    editor.setTextCursor(cursor)
    editor.ensureCursorVisible()
    QTest.mouseClick(editor.viewport(), Qt.MouseButton.LeftButton, pos=editor.cursorRect().center())
    assert window.panel.selected_ids() == [last.id]
    assert view.visualRect(view.currentIndex()).intersects(view.viewport().rect())


def test_switching_the_theme_does_not_make_the_docks_grow(qtbot, window):
    open_doc(qtbot, window, SAMPLE)
    qtbot.waitUntil(lambda: window.critics.panel.scope.count() > 3, timeout=10_000)  # the sections are offered
    qtbot.waitUntil(lambda: window.claude.fit_docks is None, timeout=10_000)  # the first-run dock widths are set
    # The key check ends with the "Offline checks only" banner, which has its own minimum width: measure after it.
    qtbot.waitUntil(lambda: window.critics.key_source is not None, timeout=10_000)

    def widths() -> tuple[int, ...]:
        QApplication.processEvents()
        return (window.minimumSizeHint().width(), window.outline_dock.width(), window.findings_dock.width(),
                window.editor.width())

    before = widths()
    for name in ("dark", "light", "light"):
        window.set_theme(name)
    after = widths()
    assert after[0] <= before[0] + 2 and after[3] >= before[3] - 2, (before, after)
    assert abs(after[1] - before[1]) <= 2 and abs(after[2] - before[2]) <= 2, (before, after)


def test_a_document_the_checks_cannot_read_says_so_instead_of_looking_clean(qtbot, window, tmp_path):
    doc = tmp_path / "plan-ja.md"
    sentence = "私たちは五月にすべての利用者へ自動課金を有効にします。"
    doc.write_text("# 計画\n\n" + sentence * 20 + "\n", encoding="utf-8")
    open_doc(qtbot, window, doc)
    assert window.banner.isVisible() and "does not look like English" in window.banner.label.text()


def test_a_recheck_superseded_by_a_newer_one_stops_and_only_the_newer_result_lands(qtbot):
    from doccritic.ui.runner import Runner

    runner = Runner()
    saw_superseded, results = [], []

    def slow(superseded) -> str:
        for _ in range(2000):  # about 10 s at most: stops long before when a newer job comes
            if superseded():
                saw_superseded.append(True)
                raise RuntimeError("stopped")
            QThread.msleep(5)
        return "old"

    runner.submit_stoppable("checks", slow, results.append)
    runner.submit_stoppable("checks", lambda _superseded: "new", results.append)
    qtbot.waitUntil(lambda: results == ["new"] and bool(saw_superseded), timeout=5_000)
    assert runner.wait(5_000)
    assert results == ["new"]


def test_a_cancelled_job_that_fails_as_the_app_closes_prints_no_traceback(qtbot, caplog):
    from doccritic.ui.runner import Runner

    runner = Runner()
    started, release = threading.Event(), threading.Event()

    def job() -> None:
        started.set()
        release.wait(5)
        raise RuntimeError("the review store is closed")

    runner.submit("load", job, lambda _: None)
    assert started.wait(5)
    runner.cancel("load")  # the screenshot timed out: nobody waits for this any more
    release.set()
    assert runner.wait(5_000)
    assert "background job failed" not in caplog.text
