"""The engine bridge (ui/critic_runner.py): sessions registered before start returns, commands routed to the
engine's loop, events handed over as copies. Real SDK against the loopback Messages API, real loop thread."""

from __future__ import annotations

import pytest
from fakes.messages_api import FakeMessagesAPI, Reply
from PySide6.QtCore import Qt
from test_debate import DOC, ENG_TURN, EXEC_TURN, PERSONAS, REFEREE, script_debate, summary, turn_text
from test_panel import DOC_TEXT, EXEC, STAFF, answer, item

from doccritic.claude.client import Connection
from doccritic.claude.commands import CommandError, DebateCommand, PanelCommand
from doccritic.claude.config import PanelSettings
from doccritic.claude.debate import new_debate
from doccritic.claude.events import CriticStatus, DebateIdle, PanelDone, TurnDone
from doccritic.formats.markdown import parse_markdown

TIMEOUT = 10_000


@pytest.fixture
def api():
    with FakeMessagesAPI() as server:
        yield server


@pytest.fixture
def bridge(qtbot):
    from doccritic.ui.critic_runner import CriticRunner

    runner = CriticRunner()
    yield runner
    runner.shutdown()


def connect(api: FakeMessagesAPI) -> Connection:
    return Connection(api_key="sk-test", base_url=api.base_url, read_timeout=5)


def debate(rounds: int = 1):
    return new_debate("Auto-charge should be on by default.", "staff-engineer", "skeptical-exec",
                      model="claude-sonnet-4-6", rounds=rounds)


def collect(signal, kind):
    seen: list = []
    signal.connect(lambda _id, e: seen.append(e) if isinstance(e, kind) else None)
    return seen


def requests(api: FakeMessagesAPI) -> list:
    return [r for r in api.journal if r.path == "/v1/messages"]


def test_a_cancel_sent_the_moment_a_run_starts_stops_every_critic(qtbot, bridge, api):
    api.script(Reply.json(answer(item("We ship to all users on day one.")), chunk_chars=4, tokens_per_second=40))
    done = collect(bridge.panel_event, PanelDone)
    run_id = bridge.start_panel(connect(api), parse_markdown(DOC_TEXT), [STAFF, EXEC], PanelSettings())
    bridge.cancel(run_id)  # before the loop has taken its first step: the command waits, it is not lost
    qtbot.waitUntil(lambda: bool(done), timeout=TIMEOUT)
    assert [r.status for r in done[0].results] == [CriticStatus.CANCELLED] * 2
    assert not done[0].results[0].findings and not bridge.running()


def test_a_command_sent_the_moment_a_debate_starts_reaches_its_first_turn(qtbot, bridge, api):
    script_debate(api, rounds=1)
    idle = collect(bridge.debate_event, DebateIdle)
    debate_id = bridge.start_debate(connect(api), DOC, debate(), PERSONAS)
    bridge.debate_command(debate_id, DebateCommand.INTERJECT, "Only new accounts, please.")  # before the session
    qtbot.waitUntil(lambda: bool(idle), timeout=TIMEOUT)
    assert idle[0].reason == "finished" and idle[0].debate.interjections[0].after_turn == 0
    assert "Only new accounts, please." in requests(api)[0].text  # the opening turn already heard it


def test_an_event_keeps_the_debate_as_it_was_when_it_was_sent(qtbot, bridge, api):
    script_debate(api, rounds=2)
    api.script(Reply.json(summary()), match=REFEREE)
    idle = collect(bridge.debate_event, DebateIdle)
    done = collect(bridge.debate_event, TurnDone)
    debate_id = bridge.start_debate(connect(api), DOC, debate(rounds=1), PERSONAS)
    qtbot.waitUntil(lambda: bool(idle), timeout=TIMEOUT)
    first, second_turn = idle[0].debate, done[1].turn
    bridge.debate_command(debate_id, DebateCommand.INTERJECT, "Say more about refunds.")
    bridge.debate_command(debate_id, DebateCommand.REGENERATE_LAST)
    qtbot.waitUntil(lambda: len(idle) == 2, timeout=TIMEOUT)
    assert [len(i.debate.turns) for i in idle] == [2, 2] and idle[1].debate.interjections  # the engine went on
    assert first.interjections == [] and first.summary is not None  # the copy handed over before did not
    assert second_turn.text == turn_text(2, "exec") and first.turns[1].text == turn_text(2, "exec")


def test_an_unknown_command_is_refused_where_it_is_sent_and_the_debate_goes_on(qtbot, bridge, api):
    api.script(Reply.text(turn_text(1, "eng"), chunk_chars=4, tokens_per_second=40), match=ENG_TURN)
    api.script(Reply.text(turn_text(2, "exec")), match=EXEC_TURN)
    idle = collect(bridge.debate_event, DebateIdle)
    debate_id = bridge.start_debate(connect(api), DOC, debate(), PERSONAS)
    with pytest.raises(CommandError, match=r"Unknown DebateCommand 'shout': expected one of pause, resume, stop"):
        bridge.debate_command(debate_id, "shout")  # type: ignore[arg-type]
    with pytest.raises(CommandError, match=r"Unknown DebateCommand PanelCommand\.CANCEL"):
        bridge.debate_command(debate_id, PanelCommand.CANCEL)  # type: ignore[arg-type]
    with pytest.raises(CommandError, match="'interject' takes 1 argument"):
        bridge.debate_command(debate_id, DebateCommand.INTERJECT)
    bridge.debate_command(debate_id, DebateCommand.STOP)
    qtbot.waitUntil(lambda: bool(idle), timeout=TIMEOUT)
    assert idle[0].reason == "stopped"  # what was refused did not take the debate down with it


def test_a_command_sent_the_instant_a_debate_goes_idle_runs_the_turn_it_asks_for(qtbot, bridge, api):
    """The PM can press Regenerate the moment the debate stops: the command reaches the engine while the pass
    that just ended is still closing, and must start another pass, not be swallowed by the one closing."""
    script_debate(api, rounds=2)
    api.script(Reply.json(summary()), match=REFEREE)
    idle: list = []
    debate_id = bridge.start_debate(connect(api), DOC, debate(rounds=1), PERSONAS)

    def on_event(_id, event):  # called on the engine's thread: the command lands inside the closing pass
        if isinstance(event, DebateIdle):
            idle.append(event)
            if len(idle) == 1:
                bridge.debate_command(debate_id, DebateCommand.REGENERATE_LAST)

    bridge.debate_event.connect(on_event, Qt.ConnectionType.DirectConnection)
    qtbot.waitUntil(lambda: len(idle) == 2, timeout=TIMEOUT)
    assert idle[1].reason == "finished" and idle[1].debate.turns[1].text == turn_text(4, "exec")
