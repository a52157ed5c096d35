"""Deciding on findings in the window, and finding those decisions again after a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QMenu

from doccritic.core.decisions import Decision
from doccritic.core.findings import Anchor, Finding, Kind, Severity, Source, Status
from doccritic.ui.main_window import MainWindow
from doccritic.ui.textpos import Utf16Map

TIMEOUT = 15_000
DOC = (
    "# Reminders\n\n## Goals\n\nAuto-charge will definitely delight most users.\n\n"
    "We will delete all legacy reminder templates after cut-over.\n\nPricing: TBD\n"
)


@pytest.fixture
def doc_path(tmp_path: Path) -> Path:
    path = tmp_path / "prd.md"
    path.write_text(DOC, encoding="utf-8")
    return path


def make_window(qtbot, path: Path) -> MainWindow:
    win = MainWindow()
    win.show()
    with qtbot.waitSignal(win.document_ready, timeout=TIMEOUT):
        win.open_path(path)
    qtbot.waitUntil(lambda: bool(win.critics.personas), timeout=TIMEOUT)  # persona names, just after the paint
    return win


def close_window(qtbot, win: MainWindow) -> None:
    win.editor.document().setModified(False)
    win.close()
    win.deleteLater()


@pytest.fixture
def window(qtbot, doc_path):
    win = make_window(qtbot, doc_path)
    yield win
    close_window(qtbot, win)


def add_critic(win: MainWindow, quote: str, **kw) -> Finding:
    start = win.editor.toPlainText().index(quote)
    finding = Finding(
        source=Source.CRITIC, persona="skeptical-exec", kind=kw.pop("kind", Kind.CHALLENGED_ASSUMPTION),
        severity=Severity.MAJOR, title=kw.pop("title", "Delight is assumed"), quote=quote, start=start,
        end=start + len(quote), anchor=Anchor.EXACT, **kw,
    )
    win.session.findings.update_findings([*win.session.findings.findings, finding])
    win.editor.set_findings(win.session.findings.findings, Utf16Map(win.editor.toPlainText()))
    return finding


def by_rule(win: MainWindow, rule: str) -> Finding:
    return next(f for f in win.session.findings.findings if f.rule == rule)


def test_accepting_a_rewrite_changes_the_text_in_one_undo_step(qtbot, window):
    f = add_critic(window, "definitely delight most users", suggestion="“reduce late payments for 60% of accounts”")
    window.decisions.decide(Decision.ACCEPT, [f.id])
    assert "Auto-charge will reduce late payments for 60% of accounts." in window.editor.toPlainText()
    assert window.session.findings.finding(f.id).status is Status.ACCEPTED
    window.editor.undo()
    assert window.editor.toPlainText() == DOC
    # the same undo step brings back the decision and the highlight, as with a tracked change in Word
    assert window.session.findings.finding(f.id).status is Status.OPEN
    assert window.editor.span_text(f.id) == "definitely delight most users"
    assert f.id in window.panel.visible_ids()
    window.editor.redo()
    assert window.session.findings.finding(f.id).status is Status.ACCEPTED
    assert window.editor.span_text(f.id) == "reduce late payments for 60% of accounts"


def test_bulk_dismiss_with_reason_hides_cards_from_the_open_view(qtbot, window):
    ids = [by_rule(window, "owd.data-deletion").id, by_rule(window, "weak.placeholder").id]
    shown = window.panel.proxy.rowCount()
    window.decisions.decide(Decision.DISMISS, ids, text="Known; tracked in LED-2231")
    for fid in ids:
        finding = window.session.findings.finding(fid)
        assert finding.status is Status.DISMISSED
        assert finding.replies[-1].text == "Dismissed: Known; tracked in LED-2231"
    assert window.panel.proxy.rowCount() == shown - 2
    window.panel.status.setCurrentText("Decided")
    assert sorted(window.panel.visible_ids()) == sorted(ids)


def test_defer_adds_the_question_to_open_questions(qtbot, window):
    door = by_rule(window, "owd.data-deletion")
    window.decisions.decide(Decision.DEFER, [door.id])
    added = f"- {door.question} (about “{door.quote}”)\n"  # a check's generic question names its decision
    assert window.editor.toPlainText().endswith(f"## Open questions\n\n{added}")
    assert window.session.findings.finding(door.id).status is Status.DEFERRED


def test_decision_buttons_follow_the_selection(qtbot, window):
    assert not window.panel.decision_buttons["accept"].isEnabled()
    window.panel.select(by_rule(window, "weak.placeholder").id)
    assert window.panel.decision_buttons["accept"].isEnabled()
    window.panel.decision_buttons["resolve"].click()
    assert by_rule(window, "weak.placeholder").status is Status.RESOLVED


def wait_saved(qtbot, win: MainWindow) -> None:
    with qtbot.waitSignal(win.runner.job_finished, timeout=TIMEOUT, check_params_cb=lambda ch, _: ch == "store"):
        win.session.save_review()


def test_review_survives_a_restart(qtbot, doc_path):
    first = make_window(qtbot, doc_path)
    placeholder = by_rule(first, "weak.placeholder")
    first.decisions.decide(Decision.DISMISS, [placeholder.id], text="Finance owns pricing")
    critic = add_critic(first, "definitely delight most users")
    first.decisions.decide(Decision.REPLY, [critic.id], text="Asked research for data.")
    wait_saved(qtbot, first)
    close_window(qtbot, first)

    second = make_window(qtbot, doc_path)
    restored = second.session.findings.finding(placeholder.id)
    assert restored.status is Status.DISMISSED and restored.replies[-1].text == "Dismissed: Finance owns pricing"
    again = second.session.findings.finding(critic.id)
    assert again is not None and again.replies[-1].text == "Asked research for data."
    assert second.editor.span_text(critic.id) == critic.quote
    close_window(qtbot, second)


def test_review_is_reanchored_when_the_file_changed_while_closed(qtbot, doc_path):
    first = make_window(qtbot, doc_path)
    critic = add_critic(first, "definitely delight most users")
    wait_saved(qtbot, first)
    close_window(qtbot, first)
    edited = "# Reminders\n\nNew intro paragraph added elsewhere.\n\n" + DOC.split("\n\n", 1)[1]
    doc_path.write_text(edited, encoding="utf-8")

    second = make_window(qtbot, doc_path)
    moved = second.session.findings.finding(critic.id)
    assert moved.status is Status.OPEN
    assert second.editor.span_text(critic.id) == critic.quote  # same words, new offsets
    assert moved.start != critic.start
    close_window(qtbot, second)


def test_accept_after_typing_uses_where_the_text_is_now(qtbot, window):
    f = add_critic(window, "definitely delight most users", suggestion="“help 60% of accounts”")
    cursor = QTextCursor(window.editor.document())
    cursor.setPosition(0)
    cursor.insertText("Draft 3. ")
    window.decisions.decide(Decision.ACCEPT, [f.id])
    assert window.editor.toPlainText().startswith("Draft 3. # Reminders")
    assert "Auto-charge will help 60% of accounts." in window.editor.toPlainText()


def test_reviewer_filter_lists_present_reviewers_and_filters(qtbot, window):
    critic = add_critic(window, "definitely delight most users")
    combo = window.panel.persona
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert labels == ["All reviewers", "Offline checks", "Skeptical Exec"]  # the persona's name, not its id
    combo.setCurrentIndex(labels.index("Skeptical Exec"))
    assert window.panel.visible_ids() == [critic.id]
    combo.setCurrentIndex(labels.index("Offline checks"))
    assert critic.id not in window.panel.visible_ids() and window.panel.visible_ids()


def test_decision_buttons_turn_off_when_a_filter_hides_the_selected_card(qtbot, window):
    window.panel.select(by_rule(window, "weak.placeholder").id)
    assert window.panel.decision_buttons["accept"].isEnabled()
    window.panel.status.setCurrentText("Decided")  # nothing is decided yet: the list is empty
    assert window.panel.selected_ids() == []
    assert not any(b.isEnabled() for b in window.panel.decision_buttons.values())


def test_after_accepting_the_next_open_card_is_selected_and_the_status_bar_says_what_happened(qtbot, window):
    f = add_critic(window, "definitely delight most users", suggestion="“reduce late payments for 60% of accounts”")
    window.panel.select(f.id)
    window.decisions.decide(Decision.ACCEPT)
    assert "Accepted the finding and put its rewrite in the text. Ctrl+Z undoes it." in \
        window.statusBar().currentMessage()
    assert window.panel.selected_ids() and window.panel.selected_ids() != [f.id]  # moved on to the next one
    assert window.panel.decision_buttons["accept"].isEnabled()


def test_an_ambiguous_finding_can_be_placed_on_the_passage_the_pm_chooses(qtbot, window):
    text = window.editor.toPlainText()
    first, second = text.index("will definitely"), text.index("will delete")  # "will" twice: ambiguous
    places = [(first, first + 4), (second, second + 4)]
    finding = Finding(source=Source.CRITIC, persona="staff-engineer", kind=Kind.WEAK_ARGUMENT,
                      severity=Severity.MINOR, title="Which will?", quote="will", anchor=Anchor.AMBIGUOUS,
                      candidates=[list(p) for p in places])
    window.add_critic_findings([finding], Utf16Map(text))
    assert window.editor.span_of(finding.id) is None  # not highlighted on a guess
    menu = window.panel.card_menu(finding.id)  # what right-clicking the card opens
    submenu = menu.findChild(QMenu, "placeOnPassage")  # not QAction.menu(): a dead wrapper on PySide6 6.11.0
    assert submenu.title() == "Place on passage"
    labels = [a.text() for a in submenu.actions()]
    assert len(labels) == 2 and labels[1].startswith("Line 7: …") and "[will] delete" in labels[1]
    submenu.actions()[1].trigger()  # the PM picks the second passage
    placed = window.session.findings.finding(finding.id)
    assert placed.anchor is Anchor.EXACT and placed.candidates == []
    assert window.editor.span_of(finding.id) is not None
    assert window.editor.span_text(finding.id) == "will" and window.editor.span_of(finding.id)[0] == second


def test_the_dismiss_dialog_names_the_finding_and_keeps_the_reason(qtbot, window):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QInputDialog

    door = by_rule(window, "owd.data-deletion")
    seen = {}

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QInputDialog):
            QTimer.singleShot(20, answer)
            return
        seen["label"], seen["width"], seen["ok"] = dialog.labelText(), dialog.width(), dialog.okButtonText()
        dialog.setTextValue("Legal signed off on the deletion")
        dialog.accept()

    QTimer.singleShot(20, answer)
    window.decisions.decide(Decision.DISMISS, [door.id])
    assert f"“{door.title}”" in seen["label"] and seen["width"] >= 460 and seen["ok"] == "Dismiss"
    assert window.session.findings.finding(door.id).replies[-1].text == "Dismissed: Legal signed off on the deletion"
