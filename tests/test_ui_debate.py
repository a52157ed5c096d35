"""Debates in the review window, against the loopback Messages API (real SDK, real socket)."""

from __future__ import annotations

import json

import pytest
from fakes.messages_api import Fault, Reply
from PySide6.QtCore import QTimer, QUrl

from conftest import SAMPLE
from doccritic.core.findings import Kind, Source
from doccritic.ui.debate_dialog import DebateChoice, DebateDialog
from doccritic.ui.main_window import MainWindow

TIMEOUT = 15_000
DOOR = "Auto-charge ships enabled by default (opt-out) for all existing accounts."
ENG_TURN, EXEC_TURN, REFEREE = "You are Staff Engineer. Write turn", "You are Skeptical Exec. Write turn", \
    "You are the referee"
CHOICE = DebateChoice(motion="Auto-charge should be opt-out.", pro="staff-engineer", con="skeptical-exec",
                      opener="staff-engineer", rounds=2, turn_words=120, free_positions=False)


def turn(n: int) -> str:
    return f"Turn {n} text. The draft says \"{DOOR}\" and I hold that this is {'right' if n % 2 else 'wrong'}."


SUMMARY = {"clashes": [{"question": "Can opt-out charging be walked back after the first charge?",
                        "winner": "against", "because": "No refund path was shown.",
                        "evidence_to_settle": "A refund runbook priced for the pilot", "owner": "Finance",
                        "citations": [DOOR]}],
           "decision_for_author": "Make auto-charge opt-in for existing accounts before the meeting.",
           "points": [{"category": "change", "side": "against", "text": "Opt-out cannot be quietly undone.",
                       "citations": [DOOR], "kind": "one_way_door", "severity": "critical"},
                      {"category": "strongest", "side": "for", "text": "Auto-charge cuts late payments.",
                       "citations": [], "kind": "weak_argument", "severity": "minor"}],
           "verdict": "Make it opt-in for the pilot."}


@pytest.fixture
def api(claude_api):
    return claude_api


@pytest.fixture
def window(claude_window):
    return claude_window


def script(api, *, eng=None, exe=None, **options) -> None:
    api.script(*(eng or [Reply.text(turn(1), **options), Reply.text(turn(3), **options)]), match=ENG_TURN)
    api.script(*(exe or [Reply.text(turn(2), **options), Reply.text(turn(4), **options)]), match=EXEC_TURN)
    api.script(Reply.json(SUMMARY), match=REFEREE)


def start(qtbot, win: MainWindow, reason: str = "finished") -> None:
    with qtbot.waitSignal(win.debates.debate_idle, timeout=TIMEOUT, check_params_cb=lambda r: r == reason):
        assert win.debates.new_debate(choice=CHOICE)


def transcript(win: MainWindow) -> str:
    return win.debates.view.transcript.toPlainText()


def test_debate_streams_turns_then_a_summary_whose_points_become_findings(qtbot, window, api):
    script(api)
    start(qtbot, window)
    text = transcript(window)
    assert text.index("Staff Engineer") < text.index("Skeptical Exec")
    assert all(turn(n) in text for n in range(1, 5))
    assert "Referee's summary" in text and "Make it opt-in for the pilot." in text
    assert window.debates.dock.isVisible() and "Debate finished" in window.debates.view.status.text()
    assert "Your decision: Make auto-charge opt-in for existing accounts" in text
    assert "Can opt-out charging be walked back" in text and "Finance" in text and "A refund runbook" in text
    point, praise = window.debates.current.summary.points
    assert text.count("Add as finding") == 1  # the change can become a card; the other side's praise cannot
    window.debates.view._link(QUrl(f"add:{praise.id}"))
    assert not any(f.source is Source.DEBATE for f in window.session.findings.findings)
    window.debates.view._link(QUrl(f"add:{point.id}"))
    finding = next(f for f in window.session.findings.findings if f.source is Source.DEBATE)
    assert finding.kind is Kind.ONE_WAY_DOOR and window.editor.span_text(finding.id) == DOOR
    assert "added as a finding" in transcript(window)
    assert window.findings_dock.isVisible() and not window.debates.dock.visibleRegion().boundingRect().width()
    assert window.panel.current_id() == finding.id  # the new card is selected where the PM can see it


def test_clicking_a_quoted_passage_selects_it_in_the_document(qtbot, window, api):
    script(api)
    start(qtbot, window)
    window.debates.view._link(QUrl("cite:2:0"))
    assert window.editor.textCursor().selectedText() == DOOR


def test_turns_are_shown_while_they_are_written(qtbot, window, api):
    script(api, chunk_chars=6, tokens_per_second=80)
    assert window.debates.new_debate(choice=CHOICE)
    # part of turn 1 is on screen before the whole of it is: streamed, not delivered at the end
    qtbot.waitUntil(lambda: "Turn 1 text." in transcript(window) and turn(1) not in transcript(window),
                    timeout=TIMEOUT)
    assert "Staff Engineer" in transcript(window) and "writing…" in transcript(window)
    with qtbot.waitSignal(window.debates.debate_idle, timeout=TIMEOUT):
        pass


def test_interjection_reaches_the_next_turn_and_is_shown(qtbot, window, api):
    script(api, chunk_chars=8, tokens_per_second=120)
    assert window.debates.new_debate(choice=CHOICE)
    qtbot.waitUntil(lambda: "Turn 1 text." in transcript(window), timeout=TIMEOUT)
    window.debates.view.interject.setText("What if only new accounts get it?")
    window.debates.view.send.click()
    with qtbot.waitSignal(window.debates.debate_idle, timeout=TIMEOUT):
        pass
    assert "You (moderator): What if only new accounts get it?" in transcript(window)
    later = [r for r in api.journal if r.path == "/v1/messages" and "Write turn 2" in r.text]
    assert "What if only new accounts get it?" in later[0].text


def test_an_interjection_mid_turn_shows_at_once_and_the_turn_being_written_stays_on_screen(qtbot, window, api):
    script(api, chunk_chars=4, tokens_per_second=15)
    assert window.debates.new_debate(choice=CHOICE)
    qtbot.waitUntil(lambda: "Turn 1 text." in transcript(window), timeout=TIMEOUT)
    window.debates.view.interject.setText("Only new accounts?")
    window.debates.view.send.click()
    # shown from the engine's copy of the debate, while turn 1 is still being written
    qtbot.waitUntil(lambda: "You (moderator): Only new accounts?" in transcript(window), timeout=TIMEOUT)
    assert "Turn 1 text." in transcript(window) and "writing…" in transcript(window)
    assert window.debates.current.interjections[0].text == "Only new accounts?"
    with qtbot.waitSignal(window.debates.debate_idle, timeout=TIMEOUT):
        window.debates.stop_all()


def test_stop_keeps_the_partial_turn_marked(qtbot, window, api):
    script(api, chunk_chars=4, tokens_per_second=30)
    assert window.debates.new_debate(choice=CHOICE)
    qtbot.waitUntil(lambda: "Turn 1 text." in transcript(window), timeout=TIMEOUT)
    with qtbot.waitSignal(window.debates.debate_idle, timeout=TIMEOUT):
        window.debates.view.buttons["stop"].click()
    assert "[stopped by you]" in transcript(window)
    assert window.debates.current.turns[-1].status == "stopped"
    assert window.debates.view.buttons["another_round"].isEnabled()


def test_a_failed_turn_is_kept_and_retry_finishes_the_debate(qtbot, window, api):
    script(api, eng=[Reply.text(turn(1)), Reply.text(turn(3), chunk_chars=10, fault=Fault.disconnect(after_events=8)),
                     Reply.text(turn(3))])
    start(qtbot, window, reason="interrupted")
    view = window.debates.view
    assert "interrupted: The connection dropped" in transcript(window)
    assert turn(1) in transcript(window) and turn(2) in transcript(window)
    assert view.buttons["retry"].isVisibleTo(view)
    with qtbot.waitSignal(window.debates.debate_idle, timeout=TIMEOUT, check_params_cb=lambda r: r == "finished"):
        view.buttons["retry"].click()
    assert [t.status for t in window.debates.current.turns] == ["complete"] * 4
    assert "interrupted" not in transcript(window)


def test_debates_are_saved_with_the_review_and_listed_on_reopening(qtbot, window, api):
    script(api)
    start(qtbot, window)
    window.close()  # stores the review
    again = MainWindow()
    try:
        with qtbot.waitSignal(again.document_ready, timeout=TIMEOUT):
            again.open_path(SAMPLE)
        qtbot.waitUntil(lambda: bool(again.critics.personas), timeout=TIMEOUT)
        assert again.debates.view.history.itemText(0) == "Auto-charge should be opt-out."
        assert turn(4) in again.debates.view.transcript.toPlainText()
        saved = again.debates.saved(again.editor.toPlainText())
        assert json.loads(json.dumps(saved))[0]["turns"][0]["citations"][0]["quote"] == DOOR
    finally:
        again.close()
        again.runner.wait(5000)


def test_another_round_on_an_earlier_debate_continues_that_debate_not_the_last_one(qtbot, window, api):
    script(api, eng=[Reply.text(turn(1)), Reply.text(turn(1)), Reply.text(turn(3))],
           exe=[Reply.text(turn(2)), Reply.text(turn(2)), Reply.text(turn(4))])
    api.script(Reply.json(SUMMARY), Reply.json(SUMMARY), match=REFEREE)
    one = DebateChoice(**{**CHOICE.__dict__, "rounds": 1})
    for motion in ("First motion.", "Second motion."):
        with qtbot.waitSignal(window.debates.debate_idle, timeout=TIMEOUT):
            assert window.debates.new_debate(choice=DebateChoice(**{**one.__dict__, "motion": motion}))
    window.debates.view.history.activated.emit(0)  # back to the first debate
    with qtbot.waitSignal(window.debates.debate_idle, timeout=TIMEOUT, check_params_cb=lambda r: r == "finished"):
        window.debates.view.buttons["another_round"].click()
    first, second = window.debates.debates
    assert (first.motion, len(first.turns), first.rounds) == ("First motion.", 4, 2)
    assert (second.motion, len(second.turns), second.rounds) == ("Second motion.", 2, 1)
    assert turn(4) in transcript(window)


def test_setup_dialog_proposes_a_motion_from_the_selection_and_needs_two_people(qtbot, window):
    from doccritic.claude.debate import suggested_motion

    personas = list(window.critics.personas.values())
    dialog = DebateDialog(personas, suggested_motion(DOOR), pro="staff-engineer", con="staff-engineer")
    qtbot.addWidget(dialog)
    assert DOOR in dialog.motion.toPlainText()
    dialog.accept()
    assert "two different reviewers" in dialog.problem.text() and not dialog.result()


def test_the_dialog_opens_on_the_reviews_most_pressing_motion_argued_by_its_natural_pair(qtbot, window):
    doors = [f for f in window.session.findings.findings if f.kind is Kind.ONE_WAY_DOOR]
    assert doors  # the sample's checks found its one-way doors
    shown = []
    window.debates.dialog_shown.connect(lambda d: (shown.append(d), QTimer.singleShot(0, d.reject)))
    assert not window.debates.new_debate()
    dialog = shown[0]
    assert dialog.suggested.count() > 1 and dialog.suggested.currentIndex() == 1
    choice = dialog.choice()
    assert choice.motion.startswith("Commit to this as written: “") and choice.pro == "authors-advocate"
    assert choice.con != "authors-advocate" and choice.focus
    dialog.choose_suggestion(dialog.suggested.count() - 2)  # the last suggestion: its motion replaces the first
    assert dialog.choice().motion != choice.motion


def test_the_referee_summary_appears_point_by_point(qtbot, window, api):
    long = {"points": [{**SUMMARY["points"][0], "text": f"Point {n}: " + "why it matters " * 12}
                       for n in range(1, 4)], "verdict": "Done."}
    api.script(Reply.text(turn(1)), match=ENG_TURN)
    api.script(Reply.text(turn(2)), match=EXEC_TURN)
    api.script(Reply.json(long, chunk_chars=10, tokens_per_second=100), match=REFEREE)
    one = DebateChoice(**{**CHOICE.__dict__, "rounds": 1})
    assert window.debates.new_debate(choice=one)
    qtbot.waitUntil(lambda: "Point 1:" in transcript(window) and "Point 3:" not in transcript(window),
                    timeout=TIMEOUT)
    with qtbot.waitSignal(window.debates.debate_idle, timeout=TIMEOUT):
        pass
    assert "Point 3:" in transcript(window)


def test_auto_scroll_follows_new_text_until_the_reader_scrolls_up(qtbot, window, api):
    long_turn = (turn(1) + " ") * 12
    api.script(Reply.text(long_turn, chunk_chars=12, tokens_per_second=150), match=ENG_TURN)
    api.script(Reply.text((turn(2) + " ") * 12, chunk_chars=12, tokens_per_second=150), match=EXEC_TURN)
    api.script(Reply.json(SUMMARY), match=REFEREE)
    window.debates.dock.setFloating(True)  # a short transcript pane, so the text overflows it
    window.debates.dock.resize(420, 300)
    bar = window.debates.view.transcript.verticalScrollBar()
    assert window.debates.new_debate(choice=DebateChoice(**{**CHOICE.__dict__, "rounds": 1}))
    # following the new text (well past the 8 px that still count as "at the bottom")
    qtbot.waitUntil(lambda: bar.maximum() > 60 and bar.value() == bar.maximum(), timeout=TIMEOUT)
    bar.setValue(0)  # the reader goes back up to re-read turn 1
    grown = bar.maximum()
    qtbot.waitUntil(lambda: bar.maximum() > grown + 40, timeout=TIMEOUT)  # more text arrived below...
    assert bar.value() == 0  # ...and the view stayed where the reader is
    with qtbot.waitSignal(window.debates.debate_idle, timeout=TIMEOUT):
        pass


def test_a_turn_cut_at_the_length_limit_offers_continue_which_finishes_it(qtbot, window, api):
    script(api, eng=[Reply.text(turn(1)), Reply.text("The notice does not ma", stop_reason="max_tokens"),
                     Reply.text("tter unless customers can opt out.")])
    start(qtbot, window, reason="interrupted")
    view = window.debates.view
    assert "interrupted: The turn was cut at the length limit" in transcript(window)
    assert view.buttons["continue_last"].isVisibleTo(view) and view.buttons["retry"].isVisibleTo(view)
    with qtbot.waitSignal(window.debates.debate_idle, timeout=TIMEOUT, check_params_cb=lambda r: r == "finished"):
        view.buttons["continue_last"].click()
    third = window.debates.current.turns[2]
    assert third.status == "complete" and third.text == "The notice does not ma tter unless customers can opt out."
    assert any("Your turn so far:\nThe notice does not ma" in r.text for r in api.journal)  # asked to carry on


def test_a_flagged_turn_says_why_on_the_turn(qtbot):
    from doccritic.core.debates import Debate, Turn
    from doccritic.ui.debate_view import DebateView

    view = DebateView()
    qtbot.addWidget(view)
    debate = Debate(motion="Ship it.", pro="a", con="b", opener="a", turns=[
        Turn(index=1, speaker="a", side="for", text="Nobody will mind.", flags=["no_quote", "conceded_motion_early"])])
    view.show_debate(debate, {})
    text = view.transcript.toPlainText()
    assert "⚑ no verbatim quote of the document placed; conceded the motion before the last round" in text
