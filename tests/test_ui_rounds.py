"""Review rounds in the window (#17 item 3): Re-review after an edit, round badges on the cards, the Rounds
dock (counts, comparing two rounds), and rounds coming back when the document is reopened. Real SDK
against the loopback Messages API."""

from __future__ import annotations

import shutil

import pytest
from fakes.messages_api import Reply
from PySide6.QtCore import Qt, QUrl
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from ui_rounds import TIMEOUT, ready_for_critics, replace_in_editor

from conftest import SAMPLE
from doccritic.core.findings import Source, Status
from doccritic.core.round_records import RoundClass
from doccritic.ui.main_window import MainWindow

TEXT = SAMPLE.read_text(encoding="utf-8")
QUOTES = [ln.strip("-* ").split(". ")[0] for ln in TEXT.splitlines() if len(ln) > 70 and not ln.startswith("#")][:4]


def item(quote: str, title: str) -> dict:
    return {"kind": "challenged_assumption", "severity": "major", "title": title, "quote": quote,
            "rationale": "Needs evidence.", "assumption": "a", "evidence_needed": "b", "how_to_test": "c"}


def answer(*items, fixed=()) -> dict:
    return {"findings": list(items), "verdict": "Needs work.", "readiness": 5, "fixed": list(fixed)}


@pytest.fixture
def window(claude_window, tmp_path, qtbot):
    doc = tmp_path / "prd.md"
    shutil.copyfile(SAMPLE, doc)
    return ready_for_critics(claude_window, doc, qtbot)


def by_title(win: MainWindow) -> dict:
    return {f.title: f for f in win.session.findings.findings if f.source is Source.CRITIC}


def test_rereview_classifies_the_earlier_findings_shows_badges_and_the_rounds_view(qtbot, window, claude_api):
    api = claude_api
    api.script(Reply.json(answer(item(QUOTES[0], "Uptake is assumed, not shown by any data"),
                                 item(QUOTES[1], "Second claim has no evidence behind it"))),
               Reply.json(answer(item(QUOTES[1], "Second claim has no evidence behind it"),
                                 item(QUOTES[2], "Third claim is a guess about customers"))),
               match="persona: staff-engineer")
    critics = window.critics
    with qtbot.waitSignal(critics.round_added, timeout=TIMEOUT):
        QTest.mouseClick(critics.panel.run_button, Qt.MouseButton.LeftButton)
    assert [r.number for r in window.session.rounds] == [1]
    assert not critics.panel.rereview_button.isEnabled()  # nothing changed since round 1

    replace_in_editor(window, QUOTES[0], "Half of the pilot accounts turned auto-charge on within a week")
    qtbot.waitUntil(critics.panel.rereview_button.isEnabled, timeout=TIMEOUT)  # after the re-check
    assert critics.rereview_action.isEnabled()
    with qtbot.waitSignal(critics.round_added, timeout=TIMEOUT) as added:
        QTest.mouseClick(critics.panel.rereview_button, Qt.MouseButton.LeftButton)
    rnd = added.args[0]
    cards = by_title(window)
    got = {e.title: e for e in rnd.entries}
    first, second, third = ("Uptake is assumed, not shown by any data", "Second claim has no evidence behind it",
                            "Third claim is a guess about customers")
    assert got[first].status is RoundClass.FIXED and "no critic raised the problem again" in got[first].reason
    assert got[second].status is RoundClass.STILL_OPEN and got[third].status is RoundClass.NEW
    assert cards[first].status is Status.RESOLVED and cards[first].replies[-1].text.startswith("Fixed in round 2")
    delegate = window.panel.delegate
    assert [delegate.badge(cards[t]) for t in (first, second, third)] == ["Fixed", "Still open", "New"]
    assert "Round 2: 1 fixed, 1 still open, 1 new, 0 regressed" in critics.panel.summary.text()
    assert not critics.panel.rereview_button.isEnabled()

    # the request: the changes and the still-open findings after the cached document
    bodies = [r.body for r in api.journal if r.path == "/v1/messages"]
    assert bodies[1]["system"][1] == bodies[0]["system"][1]  # the instructions, as in round 1
    assert "Half of the pilot accounts" in bodies[1]["system"][0]["text"]  # the revised draft comes first
    block = bodies[1]["system"][-1]["text"]
    assert f"-{QUOTES[0]}" in block and f"[{cards[second].id}]" in block

    # the Rounds dock: a row per round, the round's findings, and what changed class between rounds 1 and 2
    view = window.rounds_view
    view.dock.show()
    view.dock.raise_()
    panel = view.panel
    assert panel.table.columnCount() == 2  # a column per round, its counts down the classes
    counts = {panel.table.verticalHeaderItem(r).text(): panel.table.item(r, 1).text() for r in range(4)}
    assert counts == {"Fixed": "1", "Still open": "1", "Outdated": "0", "New": "1"}
    assert panel.first.currentText() == "Round 1" and panel.second.currentText() == "Round 2"
    assert panel.changed == [(first, RoundClass.NEW, RoundClass.FIXED), (second, RoundClass.NEW, RoundClass.STILL_OPEN),
                             (third, None, RoundClass.NEW)]
    assert f"{third}: not yet raised → New" in panel.changes.toPlainText()
    assert "3 findings changed class between round 1 and round 2" in panel.compare_note.text()
    panel.first.setCurrentIndex(1)
    assert not panel.changes.toPlainText() and panel.compare_note.text() == "Pick two rounds."
    panel.first.setCurrentIndex(0)
    QApplication.processEvents()
    window.grab().save("/tmp/rounds-dock.png")
    panel.first.setCurrentIndex(1)
    window.findings_dock.raise_()
    window.panel.status.setCurrentText("All statuses")
    qtbot.wait(50)
    window.grab().save("/tmp/rounds-cards.png")
    panel.entries.anchorClicked.emit(QUrl(f"finding:{panel.entry_ids[0]}"))  # a round's finding opens its card
    assert window.panel.current_id() == panel.entry_ids[0]
    window.grab().save("/tmp/rounds-window.png")  # looked at by hand

    # stored with the review: saved and reopened, both rounds and the badges come back
    assert window.files.save()
    path = window.session.path
    window.close()
    again = MainWindow()
    try:
        with qtbot.waitSignal(again.document_ready, timeout=TIMEOUT):
            again.open_path(path)
        assert [r.number for r in again.session.rounds] == [1, 2]
        assert again.rounds_view.panel.table.columnCount() == 2
        reopened = by_title(again)
        assert again.panel.delegate.badge(reopened[second]) == "Still open"
    finally:
        again.close()
        again.runner.wait(5000)


def test_import_review_brings_its_rounds_and_the_next_rereview_starts_from_them(qtbot, window, tmp_path):
    from doccritic.core.findings import Anchor, Finding, Kind, Severity
    from doccritic.core.rounds import first_round
    from doccritic.formats.review_json import dumps, review_for

    text = window.session.text()
    at = text.index(QUOTES[0])
    card = Finding(source=Source.CRITIC, persona="staff-engineer", kind=Kind.WEAK_ARGUMENT, severity=Severity.MAJOR,
                   title="Uptake is assumed, not shown by any data", quote=QUOTES[0], start=at,
                   end=at + len(QUOTES[0]), anchor=Anchor.EXACT)
    review = review_for(window.session.snapshot.doc, [card])
    review.rounds = [first_round([card], text, window.session.snapshot.doc.fingerprint)]
    path = tmp_path / "earlier.review.json"
    path.write_text(dumps(review), encoding="utf-8")
    window.exports.import_file(path)
    assert [r.number for r in window.session.rounds] == [1] and window.session.round_base() == text
    assert window.rounds_view.panel.table.columnCount() == 1
    assert window.critics.panel.rereview_button.isVisible() and not window.critics.panel.rereview_button.isEnabled()
    replace_in_editor(window, QUOTES[0], "Half of the pilot accounts turned auto-charge on within a week")
    qtbot.waitUntil(window.critics.panel.rereview_button.isEnabled, timeout=TIMEOUT)


def test_many_rounds_scroll_sideways_and_every_class_stays_visible(qtbot):
    """Seven rounds in a narrow dock: the newest round is in view and the counts table is as tall as its rows
    plus the scroll bar, so the last class (Suppressed) is never hidden under it."""
    from datetime import UTC, datetime

    from doccritic.core.round_records import Round, RoundEntry
    from doccritic.ui.rounds_view import RoundsPanel

    rounds = [Round(number=n, at=datetime(2026, 12, 5, 9, n, tzinfo=UTC), fingerprint="x", entries=[
        RoundEntry(finding_id="f1", title="Rollout", status=RoundClass.NEW if n == 1 else RoundClass.SUPPRESSED)])
        for n in range(1, 8)]
    panel = RoundsPanel()
    qtbot.addWidget(panel)
    panel.resize(340, 520)
    panel.set_rounds(rounds)
    panel.show()
    qtbot.waitExposed(panel)
    table = panel.table
    qtbot.waitUntil(lambda: table.horizontalScrollBar().isVisible(), timeout=TIMEOUT)
    last = table.rowCount() - 1
    qtbot.waitUntil(lambda: table.visualRect(table.model().index(last, 0)).bottom() <= table.viewport().height(),
                    timeout=TIMEOUT)
    assert table.visualItemRect(table.item(0, 6)).right() <= table.viewport().width()  # the newest round shows
    assert panel.heading.text().startswith("<b>Round 7</b>")
