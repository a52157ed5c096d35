"""The Decisions dock: one row per decision, edited in place, kept through typing, re-checks and restarts."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QComboBox, QLineEdit

from conftest import SAMPLE
from doccritic.core.findings import Anchor, Finding, Kind, Severity, Source
from doccritic.ui.main_window import MainWindow
from doccritic.ui.register_view import DECISION_COLUMNS, RegisterTable
from doccritic.ui.textpos import Utf16Map

TIMEOUT = 15_000
AUTO_CHARGE = "Auto-charge ships enabled by default (opt-out) for all existing accounts."
ROLLOUT = "Nudge and auto-charge launch to 100% of accounts in all markets on the same day."
DELETION = "legacy templates are deleted after cut-over"


@pytest.fixture
def doc_path(tmp_path: Path) -> Path:
    path = tmp_path / "prd.md"
    path.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def make_window(qtbot, path: Path) -> MainWindow:
    win = MainWindow()
    win.show()
    with qtbot.waitSignal(win.document_ready, timeout=TIMEOUT):
        win.open_path(path)
    qtbot.waitUntil(lambda: bool(win.register.decisions), timeout=TIMEOUT)
    return win


def close_window(win: MainWindow) -> None:
    win.editor.document().setModified(False)
    win.close()
    win.deleteLater()


@pytest.fixture
def window(qtbot, doc_path):
    win = make_window(qtbot, doc_path)
    yield win
    close_window(win)


def table(win: MainWindow) -> RegisterTable:
    """The decision register, its tab in front (it shares the dock area with Findings)."""
    win.register.dock.show()
    win.register.dock.raise_()
    return win.register.panel.decisions


def column(name: str) -> int:
    return next(i for i, c in enumerate(DECISION_COLUMNS) if c.field == name)


def row_of(win: MainWindow, needle: str) -> int:
    """The proxy row of the decision stated by ``needle``."""
    t = table(win)
    for r in range(t.proxy.rowCount()):
        if any(needle in q for q in t.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 1).quotes):
            return r
    raise AssertionError(f"no row states {needle!r}")


def test_models_pass_the_model_tester(qtbot, window):
    for t in (window.register.panel.decisions, window.register.panel.assumptions):
        QAbstractItemModelTester(t.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
        QAbstractItemModelTester(t.proxy, QAbstractItemModelTester.FailureReportingMode.Fatal)


def test_a_restated_decision_and_a_critic_on_it_are_one_row(qtbot, window):
    text = window.editor.toPlainText()
    start = text.index(ROLLOUT)
    door = Finding(source=Source.CRITIC, persona="skeptical-exec", kind=Kind.ONE_WAY_DOOR,
                   severity=Severity.CRITICAL, title="Default-on charging for everyone on one day", quote=ROLLOUT,
                   start=start, end=start + len(ROLLOUT), anchor=Anchor.EXACT)
    with qtbot.waitSignal(window.register.panel.decisions.model.modelReset, timeout=TIMEOUT):
        window.session.findings.update_findings([*window.session.findings.findings, door])
        window.editor.set_findings(window.session.findings.findings, Utf16Map(text))
    rows = [d for d in window.register.decisions if door.id in d.finding_ids]
    assert len(rows) == 1 and AUTO_CHARGE in rows[0].quotes  # the summary, its section and the rollout
    assert rows[0].decision == "Default-on charging for everyone on one day"
    r = row_of(window, AUTO_CHARGE)
    shown = table(window).proxy.index(r, column("raised_by")).data()
    assert shown == "offline checks, Skeptical Exec"  # the persona's name, as the Findings cards show it


def test_editing_a_cell_settles_the_door_and_updates_readiness(qtbot, window):
    assert "1 without an exit ramp" in window.register.panel.readiness.text()
    t = table(window)
    index = t.proxy.index(row_of(window, DELETION), column("exit_ramp"))
    assert index.data().startswith("Suggested: Archive read-only")  # a suggestion, not a plan
    t.view.setCurrentIndex(index)
    t.view.edit(index)
    editor = t.view.findChild(QLineEdit)
    editor.setText("Keep the old tables read-only for 90 days")
    t.view.commitData(editor)  # what Return or Tab does in the editor
    t.view.closeEditor(editor, t.view.itemDelegate().EndEditHint.NoHint)
    assert index.data() == "Keep the old tables read-only for 90 days"
    assert t.proxy.index(index.row(), column("status")).data() == "Exit ramp named"
    assert "0 without an exit ramp" in window.register.panel.readiness.text()
    assert window.register.label.text().startswith("0 open doors")


def test_status_is_chosen_from_a_list(qtbot, window):
    t = table(window)
    index = t.proxy.index(row_of(window, DELETION), column("status"))
    t.view.setCurrentIndex(index)
    t.view.edit(index)
    combo = t.view.findChild(QComboBox)
    assert isinstance(combo, QComboBox)
    assert [combo.itemText(i) for i in range(combo.count())] == ["Open", "Exit ramp named", "Accepted as one-way",
                                                                  "Changed"]
    combo.setCurrentIndex(2)
    t.view.commitData(combo)
    t.view.closeEditor(combo, t.view.itemDelegate().EndEditHint.NoHint)
    row = t.proxy.index(index.row(), 0).data(Qt.ItemDataRole.UserRole + 1)
    assert row.status == "accepted_one_way" and "status" in row.edited


def test_search_and_status_filters(qtbot, window):
    t = table(window)
    total = t.proxy.rowCount()
    t.search.setText("payflow")
    assert 0 < t.proxy.rowCount() < total
    t.search.clear()
    t.status.setCurrentText("Settled")
    assert t.proxy.rowCount() == 0  # nothing settled yet
    t.status.setCurrentText("Open")
    assert t.proxy.rowCount() == total


def test_selecting_a_row_selects_its_passages_and_its_findings_are_one_click_away(qtbot, window):
    t = table(window)
    r = row_of(window, AUTO_CHARGE)
    t.view.setCurrentIndex(t.proxy.index(r, 0))
    assert window.editor.textCursor().selectedText() == AUTO_CHARGE  # the first passage, in the summary
    passages = t.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 1).passages
    t.view.setFocus()
    qtbot.waitUntil(t.view.hasFocus, timeout=TIMEOUT)
    qtbot.keyClick(t.view, Qt.Key.Key_F4)
    cursor = window.editor.textCursor()
    text_map = Utf16Map(window.editor.toPlainText())
    assert (text_map.from_qt(cursor.selectionStart()), text_map.from_qt(cursor.selectionEnd())) == passages[1]
    assert t.view.currentIndex().row() == r  # still on the same decision
    t.show_findings.click()
    row = t.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 1)
    assert window.panel.current_id() == row.finding_ids[0]


def test_edits_survive_typing_a_recheck_and_a_restart(qtbot, doc_path):
    first = make_window(qtbot, doc_path)
    t = table(first)
    t.model.setData(t.model.index(next(i for i, d in enumerate(t.model.rows) if any(DELETION in q for q in d.quotes)),
                                  column("owner")), "Dana Whitfield")
    # Typing a paragraph at the top moves every passage; the re-check brings the same findings back.
    cursor = first.editor.textCursor()
    cursor.setPosition(first.editor.toPlainText().index("## "))
    with qtbot.waitSignal(first.checks_applied, timeout=TIMEOUT):
        cursor.insertText("A new note on top of the draft.\n\n")
    qtbot.waitUntil(lambda: any(d.owner == "Dana Whitfield" and d.passages and
                                first.editor.toPlainText()[d.passages[0][0]:].startswith("All existing reminder")
                                for d in first.register.decisions), timeout=TIMEOUT)
    with qtbot.waitSignal(first.runner.job_finished, timeout=TIMEOUT, check_params_cb=lambda ch, _: ch == "store"):
        first.session._save_timer.setInterval(0)
        first.session._save_timer.start()
    first.editor.document().setModified(False)  # the review is stored; the draft itself is not saved
    close_window(first)

    second = make_window(qtbot, doc_path)  # the file on disk is the old text: the review is re-anchored
    qtbot.waitUntil(lambda: any(d.owner == "Dana Whitfield" and d.live for d in second.register.decisions),
                    timeout=TIMEOUT)
    assert "Dana Whitfield" in [table(second).proxy.index(r, column("owner")).data()
                                for r in range(table(second).proxy.rowCount())]
    close_window(second)


def test_the_register_works_from_the_keyboard(qtbot, window):
    """Arrows move between decisions (and their passages), F2 edits, Enter keeps, Esc drops, Ctrl+Return shows
    the row's findings: the meeting prep needs no mouse."""
    t = table(window)
    t.view.setFocus()
    qtbot.waitUntil(t.view.hasFocus, timeout=TIMEOUT)
    t.view.setCurrentIndex(t.proxy.index(0, column("owner")))
    qtbot.keyClick(t.view, Qt.Key.Key_Down)
    assert t.view.currentIndex().row() == 1
    second = t.proxy.index(1, 0).data(Qt.ItemDataRole.UserRole + 1)
    cursor = window.editor.textCursor()
    text_map = Utf16Map(window.editor.toPlainText())
    assert (text_map.from_qt(cursor.selectionStart()), text_map.from_qt(cursor.selectionEnd())) == second.passages[0]

    # Esc drops what was typed.
    qtbot.keyClick(t.view, Qt.Key.Key_F2)
    editor = t.view.findChild(QLineEdit)
    assert editor is not None and editor.isVisible()
    qtbot.keyClicks(editor, "Nobody")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert t.proxy.index(1, column("owner")).data() in ("", None)
    # F2, type, Enter keeps it, and the edit is the row's.
    t.view.setFocus()
    qtbot.keyClick(t.view, Qt.Key.Key_F2)
    editor = next(e for e in t.view.findChildren(QLineEdit) if e.isVisible())
    editor.selectAll()
    qtbot.keyClicks(editor, "Dana Whitfield")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: t.proxy.index(1, column("owner")).data() == "Dana Whitfield", timeout=TIMEOUT)
    assert "owner" in t.proxy.index(1, 0).data(Qt.ItemDataRole.UserRole + 1).edited

    # Ctrl+Return: the row's first finding selected in Findings, which comes to the front.
    t.view.setFocus()
    qtbot.waitUntil(t.view.hasFocus, timeout=TIMEOUT)
    qtbot.keyClick(t.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.panel.current_id() == second.finding_ids[0], timeout=TIMEOUT)
    assert window.panel.isVisible()
