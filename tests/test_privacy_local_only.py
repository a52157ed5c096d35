"""Local-only mode (#20 item 3): an endpoint off this machine is refused before any connection is attempted.

No test here dials an address off this machine: a refused host appears only as a string handed to the
check, and where a client is built the HTTP transport is one that fails the test if it is ever called.
"""

from __future__ import annotations

import asyncio

import httpx2
import pytest
from fakes.messages_api import Reply

from conftest import SAMPLE
from doccritic import cli
from doccritic.claude.client import Connection
from doccritic.claude.endpoint import EndpointRefusedError, host_of, refusal

OFF_MACHINE = "https://llm.example.invalid/v1"  # never dialled: a reserved name, only ever refused
TIMEOUT = 15_000


class TripwireTransport(httpx2.AsyncBaseTransport):
    """An HTTP transport that records every request and fails the test, instead of connecting anywhere."""

    def __init__(self) -> None:
        self.requests: list[httpx2.Request] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        pytest.fail(f"a request was attempted to {request.url.host}")


@pytest.mark.parametrize("url", ["http://localhost:11434", "http://127.0.0.1:8080", "http://127.3.4.5",
                                 "http://[::1]:8080/v1", "localhost:11434", "http://ollama.localhost:11434"])
def test_endpoints_on_this_machine_are_accepted(url):
    assert refusal(url) is None


@pytest.mark.parametrize("url", [OFF_MACHINE, None, "http://10.0.0.5:11434", "http://0.0.0.0:8080",
                                 "http://localhost.example.invalid", "http://127.0.0.1.example.invalid"])
def test_endpoints_off_this_machine_are_refused_with_a_sentence(url):
    problem = refusal(url)
    assert problem is not None and "nothing was sent" in problem and problem.startswith("Local-only mode")


def test_the_default_endpoint_is_named_as_the_anthropic_api():
    assert "the Anthropic API" in (refusal(None) or "") and host_of(None) == "api.anthropic.com"


def test_an_allow_listed_host_is_accepted_whatever_its_case_or_port():
    assert refusal("https://Gateway.Corp.invalid:8443/anthropic", ["gateway.corp.invalid"]) is None
    assert refusal("https://other.corp.invalid", ["gateway.corp.invalid"]) is not None


def test_client_is_refused_before_any_request_reaches_the_transport():
    tripwire = TripwireTransport()
    conn = Connection(api_key="sk-secret-test", base_url=OFF_MACHINE, local_only=True)

    async def attempt() -> None:
        http = httpx2.AsyncClient(transport=tripwire)
        try:
            with pytest.raises(EndpointRefusedError, match=r"llm\.example\.invalid is not on this machine"):
                conn.client(http_client=http)
        finally:
            await http.aclose()

    asyncio.run(attempt())
    assert tripwire.requests == []


def test_allow_listed_endpoint_is_used_through_the_same_client():
    """The control: with the host allowed, the very same request does reach the (recording) transport."""
    seen: list[str] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request.url.host)
        return httpx2.Response(200, json={"data": [], "has_more": False, "first_id": None, "last_id": None})

    conn = Connection(api_key="sk-secret-test", base_url=OFF_MACHINE, local_only=True,
                      allowed_hosts=("llm.example.invalid",))

    async def attempt() -> None:
        client = conn.client(http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(handler)))
        try:
            await client.models.list()
        finally:
            await client.close()

    asyncio.run(attempt())
    assert seen == ["llm.example.invalid"]


@pytest.mark.parametrize("command", [["review", "--personas", "staff-engineer"],
                                     ["debate", "--personas", "staff-engineer,skeptical-exec"]])
def test_cli_local_only_refuses_an_off_machine_endpoint_with_exit_2(command, capsys, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-secret-test")
    code = cli.main([command[0], str(SAMPLE), *command[1:], "--local-only", "--base-url", OFF_MACHINE])
    err = capsys.readouterr().err
    assert code == 2
    assert "Local-only mode is on and llm.example.invalid is not on this machine" in err
    assert "sk-secret-test" not in err and "Traceback" not in err


def test_cli_local_only_from_the_apps_setting_refuses_the_anthropic_api(capsys, monkeypatch):
    from doccritic import paths

    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-secret-test")
    paths.config_dir().mkdir(parents=True, exist_ok=True)
    (paths.config_dir() / "settings.ini").write_text("[claude]\nlocal_only=true\n", encoding="utf-8")
    code = cli.main(["review", str(SAMPLE), "--personas", "staff-engineer"])
    assert code == 2 and "the Anthropic API (no local endpoint is set)" in capsys.readouterr().err


def test_cli_local_only_runs_against_a_server_on_this_machine(claude_api, capsys):
    claude_api.script(Reply.json({"findings": [], "verdict": "Fine.", "readiness": 8}))
    code = cli.main(["review", str(SAMPLE), "--personas", "staff-engineer", "--local-only",
                     "--base-url", claude_api.base_url])
    assert code == 0 and len(claude_api.journal) == 1


def test_window_refuses_to_run_critics_and_says_why(qtbot, claude_window, claude_api):
    win = claude_window
    win.critics.confirm = lambda *_: pytest.fail("the cost was confirmed for a refused endpoint")
    win.settings.update_claude(base_url=OFF_MACHINE)
    win.settings.update_claude(local_only=True)
    win.update_claude_status()
    assert "llm.example.invalid, refused (local only)" in win.model_label.text()
    win.critics.panel.set_checked({"staff-engineer"})
    win.critics.run()
    assert "Local-only mode is on" in win.banner.label.text()
    assert "Not run" in win.critics.panel.summary.text()
    assert win.debates.new_debate(choice=object()) is False  # a debate is refused the same way
    assert claude_api.journal == []


def test_status_bar_says_reviews_stay_on_this_machine(claude_window, claude_api):
    claude_window.settings.update_claude(local_only=True)
    claude_window.update_claude_status()
    assert "→ this machine (local only)" in claude_window.model_label.text()


def test_settings_dialog_presets_and_local_only_are_saved(qtbot, claude_window):
    from doccritic.ui.critics import connection
    from doccritic.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(claude_window.settings, claude_window.critics.runner, claude_window)
    qtbot.addWidget(dialog)
    ollama = next(b for b in dialog.findChildren(type(dialog.clear_key)) if b.text() == "Ollama")
    ollama.click()
    assert dialog.base_url.text() == "http://localhost:11434"
    dialog.local_only.setChecked(True)
    dialog.allowed_hosts.setText("https://gateway.corp.invalid/v1, other.corp.invalid")
    dialog.accept()
    conn = connection(claude_window.settings)
    assert conn.local_only and conn.allowed_hosts == ("gateway.corp.invalid", "other.corp.invalid")
    assert conn.base_url == "http://localhost:11434" and conn.refusal() is None


def test_settings_dialog_test_connection_is_refused_without_sending(qtbot, claude_window, claude_api):
    from doccritic.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(claude_window.settings, claude_window.critics.runner, claude_window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model.count() > 1, timeout=TIMEOUT)
    before = len(claude_api.journal)
    dialog.base_url.setText(OFF_MACHINE)
    dialog.local_only.setChecked(True)
    dialog.test_connection()
    assert "✗ Local-only mode is on" in dialog.test_result.text()
    assert len(claude_api.journal) == before
