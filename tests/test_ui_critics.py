"""Critics in the review window, against the loopback Messages API (real SDK, real socket)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes.messages_api import Fault, Reply
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from conftest import SAMPLE
from doccritic.claude.client import get_api_key
from doccritic.core.findings import Source
from doccritic.ui.main_window import MainWindow

TIMEOUT = 15_000
TEXT = SAMPLE.read_text(encoding="utf-8")
QUOTES = [ln.strip("-* ").split(". ")[0] for ln in TEXT.splitlines() if len(ln) > 70 and not ln.startswith("#")][:4]


def answer(*quotes: str, kind: str = "challenged_assumption") -> dict:
    return {"findings": [{"kind": kind, "severity": "major", "title": f"Doubt {i}", "quote": q,
                          "rationale": "Needs evidence."} for i, q in enumerate(quotes)],
            "verdict": "Needs work.", "readiness": 5}


@pytest.fixture
def api(claude_api):
    return claude_api


@pytest.fixture
def window(claude_window):
    claude_window.critics.confirm = lambda estimate, chosen, section: True  # the cost dialog has its own test
    return claude_window


def critic_findings(win: MainWindow):
    return [f for f in win.session.findings.findings if f.source is Source.CRITIC]


def run(qtbot, win: MainWindow, personas: set[str]) -> None:
    win.critics.panel.set_checked(personas)
    with qtbot.waitSignal(win.critics.run_finished, timeout=TIMEOUT):
        QTest.mouseClick(win.critics.panel.run_button, Qt.MouseButton.LeftButton)


def test_critic_findings_are_highlighted_on_their_passage_and_listed(qtbot, window, api):
    api.script(Reply.json(answer(QUOTES[0], QUOTES[1])), match="persona: staff-engineer")
    api.script(Reply.json(answer(QUOTES[2], kind="one_way_door")), match="persona: skeptical-exec")
    run(qtbot, window, {"staff-engineer", "skeptical-exec"})
    found = critic_findings(window)
    assert sorted(window.editor.span_text(f.id) for f in found) == sorted(QUOTES[:3])
    assert {f.persona for f in found} == {"staff-engineer", "skeptical-exec"}
    assert set(window.panel.visible_ids()) >= {f.id for f in found}
    row = window.critics.panel.row("staff-engineer")
    status = row.status.full_text()
    assert status.startswith("5/10 ready · done") and "2 findings" in status
    # the verdict is shown whole under the status, in the default-width dock, not only in a tooltip
    assert row.verdict.isVisibleTo(row) and row.verdict.text() == "“Needs work.”"
    assert row.verdict.geometry().bottom() <= row.height()
    assert "Last run: 2 critics · 3 findings" in window.critics.panel.summary.text()
    assert window.critics.panel.summary.text().endswith("· readiness 5/10")  # both critics said 5
    assert "this session" in window.model_label.text()


def test_findings_appear_while_critics_are_still_writing(qtbot, window, api):
    slow = answer(*QUOTES[:3])
    api.script(Reply.json(slow, chunk_chars=15, tokens_per_second=300))
    window.critics.panel.set_checked({"staff-engineer"})
    window.critics.run()
    qtbot.waitUntil(lambda: len(critic_findings(window)) >= 1, timeout=TIMEOUT)
    assert window.critics.running()  # a card is on screen and the critic is still writing
    assert window.critics.panel.stop_button.isEnabled()
    with qtbot.waitSignal(window.critics.run_finished, timeout=TIMEOUT):
        pass


def test_stop_keeps_what_arrived_and_offers_retry(qtbot, window, api):
    api.script(Reply.json(answer(*QUOTES[:4]), chunk_chars=10, tokens_per_second=60))
    window.critics.panel.set_checked({"staff-engineer"})
    window.critics.run()
    qtbot.waitUntil(lambda: len(critic_findings(window)) >= 1, timeout=TIMEOUT)
    with qtbot.waitSignal(window.critics.run_finished, timeout=3000):
        window.critics.panel.stop_button.click()
    row = window.critics.panel.row("staff-engineer")
    assert row.status.full_text().startswith("stopped") and row.retry.isVisibleTo(row)
    assert critic_findings(window)  # nothing that arrived is lost


def test_a_failed_critic_shows_why_and_retry_brings_its_findings(qtbot, window, api):
    # cut after the first finding: before any output the engine would retry by itself
    api.script(Reply.json(answer(*QUOTES[:3]), chunk_chars=20, fault=Fault.disconnect(after_events=14)),
               Reply.json(answer(*QUOTES[:3])), match="persona: staff-engineer")
    run(qtbot, window, {"staff-engineer"})
    row = window.critics.panel.row("staff-engineer")
    assert row.status.full_text().startswith("partial: The connection dropped") and row.retry.isVisibleTo(row)
    assert 1 <= len(critic_findings(window)) < 3
    with qtbot.waitSignal(window.critics.run_finished, timeout=TIMEOUT):
        row.retry.click()
    found = critic_findings(window)
    assert sorted(window.editor.span_text(f.id) for f in found) == sorted(QUOTES[:3])  # no duplicates
    assert "done ·" in row.status.full_text()


def test_typing_during_a_run_still_places_findings_on_their_text(qtbot, window, api):
    api.script(Reply.json(answer(QUOTES[3]), ttft=0.3))
    window.critics.panel.set_checked({"staff-engineer"})
    window.critics.run()
    cursor = window.editor.textCursor()
    cursor.setPosition(0)
    window.editor.setTextCursor(cursor)
    QTest.keyClicks(window.editor, "DRAFT 3 ")
    with qtbot.waitSignal(window.critics.run_finished, timeout=TIMEOUT):
        pass
    (finding,) = critic_findings(window)
    assert window.editor.span_text(finding.id) == QUOTES[3]


def test_critic_findings_survive_a_recheck_and_stay_on_their_text(qtbot, window, api):
    api.script(Reply.json(answer(QUOTES[2])))
    run(qtbot, window, {"staff-engineer"})
    (finding,) = critic_findings(window)
    cursor = window.editor.textCursor()
    cursor.setPosition(0)
    window.editor.setTextCursor(cursor)
    with qtbot.waitSignal(window.checks_applied, timeout=TIMEOUT):
        QTest.keyClicks(window.editor, "Edited. ")
    assert window.editor.span_text(finding.id) == QUOTES[2]


def test_without_a_key_run_explains_and_offers_settings(qtbot, window, monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    window.settings.update_claude(base_url="")
    window.critics.run()
    assert window.banner.isVisible() and "API key" in window.banner.label.text()
    assert window.banner.button("Set up Claude…") is not None


def test_settings_dialog_puts_the_key_in_the_keyring_and_nothing_in_settings(qtbot, window, api, monkeypatch,
                                                                              _no_real_keyring):
    from doccritic.core.settings import load as load_settings
    from doccritic.ui.critics import panel_settings
    from doccritic.ui.settings_dialog import SettingsDialog

    monkeypatch.delenv("ANTHROPIC_API_KEY")
    dialog = SettingsDialog(window.settings, window.critics.runner, window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model.count() > 1, timeout=TIMEOUT)  # listed from the endpoint
    dialog.key.setText("fake-key-typed")
    api.script(Reply.text("pong"))
    with qtbot.waitSignal(window.critics.runner.connection_tested, timeout=TIMEOUT) as tested:
        dialog.test_connection()
    assert tested.args[0] is True and "answered" in dialog.test_result.text()
    dialog.budget.setValue(1.5)
    assert not dialog.exact_estimate.isChecked()  # off unless asked: counting sends the document
    dialog.exact_estimate.setChecked(True)
    dialog.accept()
    assert get_api_key().value == "fake-key-typed" and get_api_key().source == "keyring"
    settings_file = window.settings.file_name()
    assert "fake-key-typed" not in Path(settings_file).read_text(encoding="utf-8")
    assert panel_settings(window.settings).exact_estimate
    saved = load_settings(Path(settings_file)).claude  # what the command line reads: the same values
    assert saved.budget_usd == 1.5 and saved.exact_estimate


def test_wait_for_data_is_a_setting_the_next_run_uses(qtbot, window):
    from doccritic.ui.critics import connection
    from doccritic.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(window.settings, window.critics.runner, window)
    qtbot.addWidget(dialog)
    assert dialog.read_timeout.value() == 90  # the default, in seconds
    dialog.read_timeout.setValue(30)
    dialog.accept()
    assert connection(window.settings).read_timeout == 30.0
    again = SettingsDialog(window.settings, window.critics.runner, window)
    qtbot.addWidget(again)
    assert again.read_timeout.value() == 30


def test_persona_editor_creates_edits_and_deletes_personas(qtbot, window):
    from doccritic.core.personas import load_personas
    from doccritic.ui.persona_editor import PersonaEditor

    editor = PersonaEditor(window)
    qtbot.addWidget(editor)
    editor.new_button.click()
    editor.f_id.setText("cfo")
    editor.f_name.setText("CFO")
    editor._set_color("blue")
    assert not editor.save()
    assert "field 'color'" in editor.note.text()  # the loader's own sentence, naming the field
    editor._set_color("#aa5500")
    assert editor.save()
    assert load_personas().get("cfo").name == "CFO"
    editor.delete_button.click()
    assert load_personas().get("cfo") is None
    window.critics.reload_personas()
    assert window.critics.panel.row("cfo") is None


def test_cost_is_estimated_and_confirmed_before_anything_is_sent(qtbot, window, api):
    seen = {}

    def confirm(estimate, chosen, section):
        seen["total"], seen["requests"] = estimate.total, [r.path for r in api.journal]
        return False

    window.critics.confirm = confirm
    window.critics.panel.set_checked({"staff-engineer", "skeptical-exec"})
    window.critics.run()
    qtbot.waitUntil(lambda: "total" in seen, timeout=TIMEOUT)
    assert seen["total"] > 0
    assert not [r for r in seen["requests"] if r.startswith("/v1/messages")]  # not even to count tokens
    assert "Not run" in window.critics.panel.summary.text()
    assert not [r for r in api.journal if r.path.startswith("/v1/messages")]


def test_an_exact_estimate_is_counted_by_the_endpoint_when_the_pm_asks_for_it(qtbot, window, api):
    window.settings.update_claude(exact_estimate=True)
    seen = {}

    def confirm(estimate, chosen, section):
        seen["method"], seen["requests"] = estimate.method, [r.path for r in api.journal]
        return False

    window.critics.confirm = confirm
    window.critics.panel.set_checked({"staff-engineer"})
    window.critics.run()
    qtbot.waitUntil(lambda: "method" in seen, timeout=TIMEOUT)
    assert seen["method"] == "counted by the API"
    assert "/v1/messages/count_tokens" in seen["requests"] and "/v1/messages" not in seen["requests"]


def test_critic_findings_come_back_when_the_document_is_reopened(qtbot, window, api):
    api.script(Reply.json(answer(QUOTES[0])))
    run(qtbot, window, {"staff-engineer"})
    window.close()  # stores the review
    again = MainWindow()
    try:
        with qtbot.waitSignal(again.document_ready, timeout=TIMEOUT):
            again.open_path(SAMPLE)
        (finding,) = critic_findings(again)
        assert finding.persona == "staff-engineer" and again.editor.span_text(finding.id) == QUOTES[0]
    finally:
        again.close()
        again.runner.wait(5000)


def test_stopping_one_critic_leaves_the_others_running(qtbot, window, api):
    api.script(Reply.json(answer(*QUOTES[:4]), chunk_chars=8, tokens_per_second=40), match="persona: staff-engineer")
    api.script(Reply.json(answer(QUOTES[0])), match="persona: skeptical-exec")
    window.critics.panel.set_checked({"staff-engineer", "skeptical-exec"})
    window.critics.run()
    row = window.critics.panel.row("staff-engineer")
    qtbot.waitUntil(lambda: row.stop.isVisibleTo(row) and row.status.full_text().startswith("writing"),
                    timeout=TIMEOUT)
    with qtbot.waitSignal(window.critics.run_finished, timeout=TIMEOUT):
        row.stop.click()
    assert row.status.full_text().startswith("stopped") and row.retry.isVisibleTo(row)
    other = window.critics.panel.row("skeptical-exec").status.full_text()
    assert "done ·" in other


def test_a_rejected_key_points_to_the_settings(qtbot, window, api):
    api.script(Reply.error(401, "authentication_error", "invalid x-api-key"))
    run(qtbot, window, {"staff-engineer"})
    # the key came from the environment (the fixture sets it): the banner says so, not just "check Settings"
    assert "The API key in ANTHROPIC_API_KEY was rejected (401)" in window.banner.label.text()
    assert window.banner.button("Claude settings…") is not None


def test_a_document_too_long_for_the_model_suggests_a_section(qtbot, window, api):
    api.script(Reply.error(413, "request_too_large", "Request exceeds the maximum size"))
    run(qtbot, window, {"staff-engineer"})
    assert "one section at a time" in window.banner.label.text()
    assert window.banner.button("Pick a section") is not None
    assert window.critics.panel.scope.count() > 3  # the document's sections are offered


def test_model_choice_shows_capabilities_and_flags_deprecated_models(qtbot, window):
    from doccritic.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(window.settings, window.critics.runner, window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model.count() > 1, timeout=TIMEOUT)
    labels = [dialog.model.itemText(i) for i in range(dialog.model.count())]
    assert labels[-1] == "Claude Sonnet 4.5 (deprecated, effort)"  # listed last, flagged
    dialog.model.setCurrentIndex(labels.index("Claude Haiku 4.5"))
    assert "effort: not supported" in dialog.model_info.text()
    offered = [dialog.effort.model().item(i).isEnabled() for i in range(dialog.effort.count())]
    assert offered == [True] + [False] * (dialog.effort.count() - 1)  # only "model default"
    dialog.model.setCurrentIndex(labels.index("Claude Sonnet 4.5 (deprecated, effort)"))
    assert "Deprecated" in dialog.model_info.text()


def test_status_bar_learns_where_the_key_is_without_blocking_start_up(qtbot, monkeypatch, _no_real_keyring):
    from doccritic.claude.client import set_api_key

    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    set_api_key("fake-key-in-keyring")
    win = MainWindow()
    try:
        assert not win.claude_ui_built and win.model_label.text() == ""  # nothing of Claude's slowed the start
        with qtbot.waitSignal(win.document_ready, timeout=TIMEOUT):
            win.open_path(SAMPLE)
        qtbot.waitUntil(lambda: win.claude_ui_built, timeout=TIMEOUT)  # right after the document is shown
        assert "checking for a key" in win.model_label.text()  # the keyring is asked off the UI thread
        qtbot.waitUntil(lambda: "key in keyring" in win.model_label.text(), timeout=TIMEOUT)
        assert "fake-key" not in win.model_label.text()
    finally:
        win.close()
        win.runner.wait(5000)


def test_a_broken_price_table_is_explained_and_run_stays_usable(qtbot, window, api):
    from doccritic import paths

    (paths.config_dir() / "prices.toml").write_text("[default\ninput = 3", encoding="utf-8")
    window.critics.panel.set_checked({"staff-engineer"})
    window.critics.run()
    qtbot.waitUntil(lambda: "price table" in window.critics.panel.summary.text(), timeout=TIMEOUT)
    assert "fix or delete it" in window.banner.label.text()
    assert window.critics.panel.run_button.isEnabled() and not window.critics.running()


def test_persona_editor_asks_before_dropping_unsaved_changes(qtbot, window):
    from doccritic.core.personas import load_personas
    from doccritic.ui.persona_editor import PersonaEditor

    editor = PersonaEditor(window)
    qtbot.addWidget(editor)
    assert not editor.unsaved()  # just opened: nothing to lose
    editor.f_tone.setText("Short and sharp.")
    answers = iter(["cancel", "save"])
    editor.ask_about_unsaved = lambda: next(answers)
    editor.done_editing()
    assert not editor.result()  # cancelled: still open, edits kept
    editor.done_editing()
    assert editor.result() and load_personas().get(editor.f_id.text()).tone == "Short and sharp."


def test_closing_the_window_mid_run_keeps_the_findings_already_written(qtbot, window, api):
    from doccritic.claude.events import FindingFound

    api.script(Reply.json(answer(QUOTES[0], QUOTES[1], QUOTES[2]), chunk_chars=20, tokens_per_second=60))
    closed = []

    def close_on_first_finding(_run_id, event):  # connected after the window's own handler: its batch is unsent
        if isinstance(event, FindingFound) and not closed:
            closed.append(event.finding.quote)
            window.close()

    window.critics.runner.panel_event.connect(close_on_first_finding)
    window.critics.panel.set_checked({"staff-engineer"})
    QTest.mouseClick(window.critics.panel.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(closed) and not window.isVisible(), timeout=TIMEOUT)
    again = MainWindow()
    try:
        with qtbot.waitSignal(again.document_ready, timeout=TIMEOUT):
            again.open_path(SAMPLE)
        assert closed[0] in [again.editor.span_text(f.id) for f in critic_findings(again)]
    finally:
        again.close()
        again.runner.wait(5000)


def test_closing_the_persona_editor_keeps_the_last_run_on_screen(qtbot, window, api):
    api.script(Reply.json(answer(QUOTES[0])))
    run(qtbot, window, {"staff-engineer"})
    row = window.critics.panel.row("staff-engineer")
    status, summary = row.status.full_text(), window.critics.panel.summary.text()
    window.critics.reload_personas()  # what closing Personas… does
    row = window.critics.panel.row("staff-engineer")
    assert row.status.full_text() == status and row.verdict.text() == "“Needs work.”"
    assert window.critics.panel.summary.text() == summary


def test_persona_editor_shows_long_role_and_tone_from_their_beginning(qtbot, window):
    from doccritic.ui.persona_editor import PersonaEditor

    editor = PersonaEditor(window)
    qtbot.addWidget(editor)
    editor.show()
    for row in range(editor.list.count()):
        editor.list.setCurrentRow(row)
        assert editor.f_role.cursorPosition() == 0 and editor.f_tone.cursorPosition() == 0
