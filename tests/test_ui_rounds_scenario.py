"""The scripted two-round review (#17 Verify) in the window: Run, the PM's decisions, edits, Re-review
(real SDK against the loopback Messages API). What the PM sees: each card's round badge and reason, the
Rounds dock's counts and comparison, the critics' summary, and "Changes since round 1" in an export; the
round sends the same reference and intent as round 1."""

from __future__ import annotations

import pytest
from fakes.messages_api import Reply
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtTest import QTest
from rounds_scenario import (
    DISMISSED,
    EXPECTED,
    PURGE,
    RESOLVED,
    ROUND1,
    ROUND2,
    SUMMARY,
    TITLES,
    V1,
    V2,
    key_of,
)
from ui_rounds import TIMEOUT, ready_for_critics, type_over

from doccritic.core.decisions import Decision
from doccritic.core.findings import Source, Status
from doccritic.core.round_records import RoundClass
from doccritic.formats.export import ExportOptions
from doccritic.ui.main_window import MainWindow

POLICY = "# Billing policy\n\nInvoices are kept for seven years in the finance archive.\n"


@pytest.fixture
def window(claude_window, tmp_path, qtbot):
    doc = tmp_path / "prd.md"
    doc.write_text(V1, encoding="utf-8")
    return ready_for_critics(claude_window, doc, qtbot)


def revise(win: MainWindow) -> None:
    """Type V2 over V1 the way a PM would: one edit per changed passage."""
    import difflib

    old = win.editor.toPlainText()
    for tag, i1, i2, j1, j2 in reversed(difflib.SequenceMatcher(None, old, V2, autojunk=False).get_opcodes()):
        if tag != "equal":
            type_over(win, i1, i2, V2[j1:j2])
    assert win.editor.toPlainText() == V2


def test_a_scripted_two_round_review_in_the_window(qtbot, window, claude_api, tmp_path):
    api = claude_api
    (tmp_path / "policy.md").write_text(POLICY, encoding="utf-8")
    window.references.add_files([tmp_path / "policy.md"])
    qtbot.waitUntil(lambda: len(window.session.references) == 1, timeout=TIMEOUT)
    QTest.keyClicks(window.references.panel.decided, "PayFlow is our processor: legal signed the contract.")
    qtbot.waitUntil(lambda: window.session.intent is not None, timeout=TIMEOUT)
    api.script(Reply.json(ROUND1), Reply.json(ROUND2), match="persona: staff-engineer")
    critics = window.critics
    with qtbot.waitSignal(critics.round_added, timeout=TIMEOUT):
        QTest.mouseClick(critics.panel.run_button, Qt.MouseButton.LeftButton)

    cards = {key_of(f.title): f for f in window.session.findings.findings if f.source is Source.CRITIC}
    ids = {k: f.id for k, f in cards.items()}
    for key, why in DISMISSED.items():
        window.decisions.decide(Decision.DISMISS, [ids[key]], why)
    for key in RESOLVED:
        window.decisions.decide(Decision.RESOLVE, [ids[key]])
    revise(window)
    qtbot.waitUntil(critics.panel.rereview_button.isEnabled, timeout=TIMEOUT)
    with qtbot.waitSignal(critics.round_added, timeout=TIMEOUT) as added:
        QTest.mouseClick(critics.panel.rereview_button, Qt.MouseButton.LeftButton)
    rnd = added.args[0]

    got = {e.finding_id: e for e in rnd.entries}
    new = [e for e in rnd.entries if e.finding_id not in ids.values()]
    assert {k: got[fid].status for k, fid in ids.items()} | {"G": new[0].status} == EXPECTED
    assert got[ids["B"]].reason == "Staff Engineer raised it again"  # by name, as the cards name critics

    # the cards: a badge per class, the reason under it; the dismissed one stays dismissed, and no new card
    # was made for its gist raised again from another passage
    now = {f.id: f for f in window.session.findings.findings}
    delegate = window.panel.delegate
    badges = {k: delegate.badge(now[fid]) for k, fid in ids.items()}
    assert badges == {"A": "Fixed", "B": "Still open", "C": "", "D": "New reason", "E": "Regressed",
                      "F": "Outdated"}
    assert delegate.badge(now[new[0].finding_id]) == "New" and new[0].title == TITLES["G"]
    assert now[ids["C"]].status is Status.DISMISSED and now[ids["D"]].status is Status.OPEN
    assert not [f for f in now.values() if f.title == "Legacy invoices are deleted permanently"]
    assert "Round 2: 1 fixed, 1 still open, 1 new, 1 regressed (more in the Rounds tab)" in critics.panel.summary.text()
    assert critics.panel.summary.toolTip() == f"Round 2: {SUMMARY}"

    # the same reference and intent as round 1, after the cached draft
    bodies = [r.body for r in api.journal if r.path == "/v1/messages"]
    assert len(bodies) == 2 and PURGE in bodies[1]["system"][0]["text"]  # the revised draft first
    for body in bodies:
        text = " ".join(b["text"] for b in body["system"])
        assert "seven years in the finance archive" in text and "legal signed the contract" in text

    # the Rounds dock: a row per round with its counts; comparing round 1 with round 2
    panel = window.rounds_view.panel
    window.resize(1024, 640)
    window.rounds_view.dock.show()
    window.rounds_view.dock.raise_()
    qtbot.waitUntil(panel.isVisible, timeout=TIMEOUT)
    window.grab().save(str(tmp_path / "rounds-1024.png"))  # looked at: docs/screenshots/rounds-light.png
    counts = {panel.table.verticalHeaderItem(r).text(): panel.table.item(r, 1).text()
              for r in range(panel.table.rowCount())}
    assert counts == {"Fixed": "1", "Still open": "1", "Outdated": "1", "New": "1", "Regressed": "1",
                      "New reason": "1", "Suppressed": "1"}
    assert [panel.table.item(r, 0).text() for r in range(panel.table.rowCount())] == ["—"] * 3 + ["6"] + ["—"] * 3
    listed = panel.entries.toPlainText()
    assert [ln.split(" · ")[0] for ln in listed.splitlines() if " · " in ln] == [
        "Regressed", "New reason", "Still open", "Outdated", "New", "Fixed", "Suppressed"]
    assert "Staff Engineer raised it again with a new reason" in listed
    header = panel.table.horizontalHeader()
    at = QPoint(header.sectionViewportPosition(0) + header.sectionSize(0) // 2, header.height() // 2)
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=at)  # a round's column head lists it
    assert panel.heading.text().startswith("<b>Round 1</b>") and len(panel.entry_ids) == 6
    QTest.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.table.visualItemRect(panel.table.item(3, 1)).center())  # so does any of its counts
    assert panel.heading.text().startswith("<b>Round 2</b>") and len(panel.entry_ids) == 7
    assert panel.compare_note.text() == "7 findings changed class between round 1 and round 2:"
    assert f"{TITLES['A']}: New → Fixed" in panel.changes.toPlainText()
    window.grab().save(str(tmp_path / "rounds-1024.png"))

    # a fixed finding listed in the round opens its card, though the "Open" filter hid it
    window.panel.status.setCurrentText("Open")
    panel.entries.anchorClicked.emit(QUrl(f"finding:{ids['A']}"))
    assert window.panel.current_id() == ids["A"] and window.panel.status.currentText() == "All statuses"
    window.panel.select(ids["F"], notify=True)
    QTest.qWait(50)  # let the cards lay out before the picture
    window.grab().save(str(tmp_path / "cards-1024.png"))

    # the export: "Changes since round 1" with every shown class
    from doccritic.ui.exports import ExportChoice

    out = tmp_path / "review.md"
    with qtbot.waitSignal(window.exports.exported, timeout=TIMEOUT):
        window.exports.export(ExportChoice("md", out, ExportOptions(), False))
    section = out.read_text(encoding="utf-8").split("### Changes since round 1")[1].split("\n#")[0]
    assert section.startswith(f" (round 2: {SUMMARY})")
    assert "| Outdated |" in section and "| Regressed |" in section and "Staff Engineer" in section
    assert RoundClass.SUPPRESSED.label not in section
