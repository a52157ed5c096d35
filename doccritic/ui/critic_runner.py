"""The one place where Qt meets asyncio: a private event loop on one thread runs every Claude call.

The engine (``doccritic.claude``) knows nothing of Qt; this runner drives it on its own loop and hands
each event back to the GUI thread as a signal tagged with a run id (a cross-thread emit is queued by
Qt), so the UI thread never waits on the network and results of a stopped run can be told apart.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from doccritic.claude.audit import SendRecorder
from doccritic.claude.client import Connection
from doccritic.claude.commands import DebateCommand, PanelCommand
from doccritic.claude.config import Backend, PanelSettings
from doccritic.claude.failures import classify
from doccritic.core.document import Document
from doccritic.core.findings import Finding
from doccritic.core.redaction import Redactor

if TYPE_CHECKING:
    from concurrent.futures import Future


@dataclass
class _DebateEntry:
    """Registered on the GUI thread when the debate starts, so a command sent at any moment after is honoured:
    commands that arrive before the engine session exists wait in ``pending`` (touched on the loop thread only)."""

    session: Any = None
    client: Any = None
    pending: list[tuple[DebateCommand, tuple[Any, ...]]] = field(default_factory=list)


class CriticRunner(QObject):
    panel_event = Signal(int, object)  # run id, a doccritic.claude.events event (PanelDone ends the run)
    estimate_ready = Signal(int, object)  # request id, Estimate
    models_listed = Signal(list, str)  # [ModelChoice], why listing failed ("" when it worked)
    connection_tested = Signal(bool, str)  # ok, one sentence
    task_failed = Signal(int, str)  # request id, one sentence (estimate or panel setup failed)
    key_checked = Signal(str)  # where the API key comes from: "environment", "keyring" or "none"
    warmed_up = Signal()  # the SDK and the engines are imported: the next run starts at once
    debate_event = Signal(int, object)  # debate id, a doccritic.claude.debate event (DebateIdle ends a pass)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._loop: Any = None  # the asyncio loop and its thread start with the first job, not with the window
        self._thread: threading.Thread | None = None
        self._panels: dict[int, Any] = {}  # run id -> doccritic.claude.panel.Panel (loop thread)
        self._runs: set[int] = set()  # runs started and not yet ended (GUI thread)
        self._early_cancels: dict[int, list[str | None]] = {}  # cancels that came before the panel existed
        self._debates: dict[int, _DebateEntry] = {}  # debate id -> its engine session, once started
        self._debate_passes: dict[int, Any] = {}  # debate id -> the task running its current pass
        self._futures: dict[int, Future[Any]] = {}
        self.backend = Backend()  # what the endpoint supports, learnt once per session
        self._closed = False
        self._warm = False

    # public API (GUI thread) -----------------------------------------------------------------
    def start_panel(self, connection: Connection, doc: Document, personas: list[Any], settings: PanelSettings,
                    *, section: str | None = None, existing: list[Finding] | None = None,
                    redactor: Redactor | None = None) -> int:
        run_id = next(self._ids)
        self._runs.add(run_id)
        self._submit(run_id, self._drive(run_id, connection, doc, personas, settings, section, existing or [],
                                         redactor))
        return run_id

    def cancel(self, run_id: int, persona_id: str | None = None) -> None:
        """Stop one critic of a run, or the whole run; returns at once, the run reports its end. Honoured at
        any moment after ``start_panel``, even before the run's first step on the loop."""
        if run_id not in self._runs or self._loop is None:
            return

        def apply() -> None:
            panel = self._panels.get(run_id)
            if panel is not None:
                panel.apply(PanelCommand.CANCEL, persona_id)
            else:
                self._early_cancels.setdefault(run_id, []).append(persona_id)

        self._loop.call_soon_threadsafe(apply)

    def cancel_all(self) -> None:
        for run_id in list(self._runs):
            self.cancel(run_id)

    def running(self) -> bool:
        return bool(self._runs)

    def estimate(self, connection: Connection, doc: Document, personas: list[Any], settings: PanelSettings,
                 *, section: str | None = None, redactor: Redactor | None = None) -> int:
        request_id = next(self._ids)

        async def job() -> None:
            from doccritic.claude.panel import estimate  # on the loop thread: the SDK import never blocks the UI

            client = connection.client()
            try:
                result = await estimate(client, doc, personas, settings, backend=self.backend, section=section,
                                        redactor=redactor,
                                        on_sent=SendRecorder(connection, doc, "count_tokens", redactor=redactor))
                self.estimate_ready.emit(request_id, result)
            finally:
                await client.close()

        self._submit(request_id, job())
        return request_id

    def list_models(self, connection: Connection) -> None:
        async def job() -> None:
            from doccritic.claude.client import fetch_models

            models, why = await fetch_models(connection)
            self.models_listed.emit(models, why or "")

        self._submit(next(self._ids), job())

    def test_connection(self, connection: Connection, model: str) -> None:
        """One tiny request: proves the key, the endpoint and the model together."""

        async def job() -> None:
            from doccritic.claude.client import test_connection

            self.connection_tested.emit(*await test_connection(connection, model))

        self._submit(next(self._ids), job())

    # debates ---------------------------------------------------------------------------------
    def start_debate(self, connection: Connection, doc: Document, debate: Any, personas: dict[str, Any]) -> int:
        """Run a debate (a doccritic.core.debates.Debate, new or continued) until it is idle; returns its id."""
        debate_id = next(self._ids)
        entry = self._debates[debate_id] = _DebateEntry()

        async def job() -> None:
            from doccritic.claude.debate import DebateSession

            if self._debates.get(debate_id) is not entry:
                return  # ended before it began
            from doccritic.core.redaction import load_redactor

            redactor = load_redactor(doc.path.name if doc.path else None)  # the critics' rules, checked first
            entry.client = connection.client()
            entry.session = DebateSession(entry.client, doc, debate, personas, backend=self.backend,
                                          key_source=connection.key_source, redactor=redactor,
                                          on_sent=SendRecorder(connection, doc, "debate", redactor=redactor))
            pending, entry.pending = entry.pending, []
            for command, args in pending:
                self._apply(debate_id, entry, command, args)
            if debate_id not in self._debate_passes:
                await self._debate_pass(debate_id)

        self._submit(debate_id, job())
        return debate_id

    def debate_command(self, debate_id: int, command: DebateCommand, *args: Any) -> None:
        """Send ``command`` (see :class:`DebateCommand`) to a debate; the ones that need more turns start another
        pass when the debate was idle. A command a debate does not take raises :class:`CommandError` here, on
        the caller's thread, instead of failing later on the loop."""
        command = DebateCommand.parse(command, args)
        entry = self._debates.get(debate_id)
        if entry is None or self._loop is None:
            return

        def apply() -> None:
            if entry.session is None:
                entry.pending.append((command, args))
            else:
                self._apply(debate_id, entry, command, args)

        self._loop.call_soon_threadsafe(apply)

    def _apply(self, debate_id: int, entry: _DebateEntry, command: DebateCommand, args: tuple[Any, ...]) -> None:
        entry.session.apply(command, *args)
        if command.runs_turns and debate_id not in self._debate_passes and self._debates.get(debate_id) is entry:
            self._debate_passes[debate_id] = self._loop.create_task(self._debate_pass(debate_id))

    def end_debate(self, debate_id: int) -> None:
        entry = self._debates.pop(debate_id, None)
        if entry is not None and self._loop is not None:

            async def close() -> None:
                if entry.session is not None:
                    entry.session.stop()
                if entry.client is not None:
                    await entry.client.close()

            self._submit(next(self._ids), close())

    async def _debate_pass(self, debate_id: int) -> None:
        import asyncio

        entry = self._debates.get(debate_id)
        if entry is None:
            return
        self._debate_passes[debate_id] = asyncio.current_task()
        try:
            async for event in entry.session.events():
                self.debate_event.emit(debate_id, event)
        finally:
            self._debate_passes.pop(debate_id, None)

    def warm_up(self) -> None:
        """Import the SDK on the engine thread while the PM is reading, not when they press Run: importing
        anthropic takes ~1 s here, and one of its modules holds the GIL for ~0.1 s (a one-off UI hiccup that
        is better spent now than in the middle of a streaming debate)."""

        if self._warm:
            return
        self._warm = True

        async def job() -> None:
            import anthropic  # noqa: F401

            import doccritic.claude.debate
            import doccritic.claude.panel  # noqa: F401

            self.warmed_up.emit()

        self._submit(next(self._ids), job())

    def check_key(self) -> None:
        """Find out where the key comes from off the UI thread (importing keyring and finding its backend
        takes ~0.2 s); the key itself never leaves this module's callers."""

        async def job() -> None:
            from doccritic.claude.client import get_api_key

            self.key_checked.emit(get_api_key().source)

        self._submit(next(self._ids), job())

    def shutdown(self, timeout: float = 2.0) -> None:
        """Cancel everything and stop the loop thread (window closing)."""
        self._closed = True
        if self._thread is None or not self._thread.is_alive():
            return
        import asyncio

        async def stop() -> None:
            for panel in list(self._panels.values()):
                panel.cancel()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        with contextlib.suppress(Exception):  # a task that will not die must not keep the window open
            asyncio.run_coroutine_threadsafe(stop(), self._loop).result(timeout)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout)

    # loop side -------------------------------------------------------------------------------
    def _submit(self, request_id: int, coro: Coroutine[Any, Any, None]) -> None:
        if self._closed:  # the window is closing: nothing new starts
            coro.close()
            return
        import asyncio  # ~40 ms, paid by the first Claude job instead of by every start of the window

        if self._thread is None:
            self._loop = asyncio.new_event_loop()
            self._thread = threading.Thread(target=self._loop.run_forever, name="doccritic-claude", daemon=True)
            self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._guard(request_id, coro), self._loop)
        self._futures[request_id] = future
        future.add_done_callback(lambda _f, rid=request_id: self._futures.pop(rid, None))

    async def _guard(self, request_id: int, coro: Coroutine[Any, Any, None]) -> None:
        import asyncio

        try:
            await coro
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # never a silent failure: the GUI says what went wrong
            from doccritic.core.errors import DoccriticError

            message = str(exc) if isinstance(exc, DoccriticError) else classify(exc).message
            self.task_failed.emit(request_id, message)

    async def _drive(self, run_id: int, connection: Connection, doc: Document, personas: list[Any],
                     settings: PanelSettings, section: str | None, existing: list[Finding],
                     redactor: Redactor | None = None) -> None:
        from doccritic.claude.panel import Panel

        client = connection.client()
        panel = Panel(client, doc, personas, settings, backend=self.backend, section=section, existing=existing,
                      key_source=connection.key_source, redactor=redactor,
                      on_sent=SendRecorder(connection, doc, "critic", redactor=redactor))
        self._panels[run_id] = panel
        for persona_id in self._early_cancels.pop(run_id, []):
            panel.cancel(persona_id)
        emit: Callable[[int, object], None] = self.panel_event.emit
        try:
            async for event in panel.events():
                emit(run_id, event)
        finally:
            self._panels.pop(run_id, None)
            self._runs.discard(run_id)  # set from the loop thread: a set's discard is atomic
            await client.close()
