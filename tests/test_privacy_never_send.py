"""The "never send" mark (#20 item 4): a marked document reaches no endpoint, from the window or the CLI."""

from __future__ import annotations

import shutil

import pytest
from fakes.messages_api import Reply

from conftest import SAMPLE
from doccritic import cli
from doccritic.core.errors import DoccriticError
from doccritic.core.never_send import NeverSendMarks

TIMEOUT = 15_000


@pytest.fixture
def draft(tmp_path):
    path = tmp_path / "confidential-prd.md"
    shutil.copy(SAMPLE, path)
    return path


def test_the_mark_holds_for_every_spelling_of_the_path_and_can_be_cleared(draft, monkeypatch):
    marks = NeverSendMarks()
    marks.set(draft, True)
    monkeypatch.chdir(draft.parent)
    assert NeverSendMarks().is_marked("confidential-prd.md") and NeverSendMarks().is_marked(draft)
    marks.set(draft, False)
    assert not NeverSendMarks().is_marked(draft)


def test_a_damaged_list_refuses_rather_than_forgetting_the_marks(draft):
    marks = NeverSendMarks()
    marks.set(draft, True)
    marks.file.write_text("{not json", encoding="utf-8")
    with pytest.raises(DoccriticError, match="never-send list"):
        marks.is_marked(draft)


@pytest.mark.parametrize("command", [["review", "--personas", "staff-engineer"],
                                     ["debate", "--personas", "staff-engineer,skeptical-exec"]])
def test_cli_refuses_a_marked_document_with_exit_2_and_sends_nothing(command, draft, claude_api, capsys,
                                                                     monkeypatch):
    monkeypatch.setenv("ANTHROPIC_BASE_URL", claude_api.base_url)
    NeverSendMarks().set(draft, True)
    code = cli.main([command[0], str(draft), *command[1:]])
    err = capsys.readouterr().err
    assert code == 2
    assert "“confidential-prd.md” is marked Never send, so it was not sent to any endpoint" in err
    assert claude_api.journal == []


def test_cli_reviews_the_document_again_once_the_mark_is_cleared(draft, claude_api, capsys, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_BASE_URL", claude_api.base_url)
    claude_api.script(Reply.json({"findings": [], "verdict": "Fine.", "readiness": 8}))
    NeverSendMarks().set(draft, True)
    NeverSendMarks().set(draft, False)
    assert cli.main(["review", str(draft), "--personas", "staff-engineer"]) == 0
    assert len(claude_api.journal) == 1


def test_window_mark_blocks_run_and_debate_and_survives_reopening(qtbot, claude_api, draft):
    from doccritic.ui.main_window import MainWindow

    win = MainWindow()
    win.settings.update_claude(base_url=claude_api.base_url)
    win.show()
    try:
        with qtbot.waitSignal(win.document_ready, timeout=TIMEOUT):
            win.open_path(draft)
        qtbot.waitUntil(lambda: bool(win.critics.personas), timeout=TIMEOUT)
        win.critics.confirm = lambda *_: pytest.fail("a marked document got as far as the cost confirmation")
        toggle = win.critics.never_send_action
        assert not toggle.isChecked()
        toggle.trigger()  # Review → Never Send This Document (the same action is in the Critics dock's menu)
        assert NeverSendMarks().is_marked(draft)
        assert "Never send" in win.critics.panel.summary.text()
        assert not win.critics.panel.run_button.isEnabled()
        win.critics.panel.set_checked({"staff-engineer"})
        win.critics.run()
        assert "is marked Never send" in win.banner.label.text()
        win.banner.hide()
        assert win.debates.new_debate(choice=object()) is False
        assert "is marked Never send" in win.banner.label.text()
        assert claude_api.journal == []
    finally:
        win.editor.document().setModified(False)
        win.close()
        win.runner.wait(5000)
        win.deleteLater()
    again = MainWindow()
    again.show()
    try:
        with qtbot.waitSignal(again.document_ready, timeout=TIMEOUT):
            again.open_path(draft)
        qtbot.waitUntil(lambda: again.claude_ui_built, timeout=TIMEOUT)
        assert again.critics.never_send_action.isChecked()
        again.critics.never_send_action.trigger()
        assert not NeverSendMarks().is_marked(draft) and again.critics.panel.run_button.isEnabled()
    finally:
        again.close()
        again.runner.wait(5000)
        again.deleteLater()
