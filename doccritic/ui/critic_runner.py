"""The engine bridge: the one place where Qt meets asyncio, and the one place that starts engine sessions.

The engine (``doccritic.claude``) knows nothing of Qt; this bridge drives it on a private event loop on one
thread and hands each event back to the GUI thread as a signal tagged with a session id (a cross-thread emit
is queued by Qt), so the UI thread never waits on the network and events of a stopped run can be told apart.

Every session (a critic panel run, a debate with its referee) is registered on the caller's thread before
``start_*`` returns, so a command sent at any moment after is honoured: one that arrives before the engine
object exists on the loop waits in the session's queue. Commands are typed (``claude.commands``), checked
where they are sent, and applied on the loop thread only. What crosses to the GUI is a copy: the engine's
events carry copies, the inputs handed to the engine are copied here, and after a command changes a debate
the bridge sends the debate as the engine now holds it (``DebateChanged``), which is all the GUI renders.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import threading
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from doccritic.claude.audit import SendRecorder
from doccritic.claude.client import Connection
from doccritic.claude.commands import DebateCommand, PanelCommand
from doccritic.claude.config import Backend, PanelSettings
from doccritic.claude.events import DebateIdle, frozen_copy
from doccritic.claude.failures import classify
from doccritic.core.document import Document
from doccritic.core.findings import Finding
from doccritic.core.redaction import Redactor
from doccritic.core.references import NO_CONTEXT, ReviewContext

if TYPE_CHECKING:
    from concurrent.futures import Future

    from doccritic.core.debates import Debate
    from doccritic.core.rounds import RoundContext

Command = DebateCommand | PanelCommand


@dataclass
class _Session:
    """One engine session as the bridge knows it. Made on the caller's thread; ``engine``, ``client``,
    ``pending`` and ``task`` are touched on the loop thread only."""

    commands: type[DebateCommand] | type[PanelCommand]
    engine: Any = None  # doccritic.claude.panel.Panel or doccritic.claude.debate.DebateSession, once made
    client: Any = None
    pending: list[tuple[Command, tuple[Any, ...]]] = field(default_factory=list)  # sent before ``engine`` existed
    task: Any = None  # the asyncio task running the panel, or the debate's current pass


class CriticRunner(QObject):
    panel_event = Signal(int, object)  # run id, a doccritic.claude.events event (PanelDone ends the run)
    estimate_ready = Signal(int, object)  # request id, Estimate
    models_listed = Signal(list, str)  # [ModelChoice], why listing failed ("" when it worked)
    connection_tested = Signal(bool, str)  # ok, one sentence
    task_failed = Signal(int, str)  # request id, one sentence (estimate or panel setup failed)
    key_checked = Signal(str)  # where the API key comes from: "environment", "keyring" or "none"
    warmed_up = Signal()  # the SDK and the engines are imported: the next run starts at once
    debate_event = Signal(int, object)  # debate id, a doccritic.claude.events debate event (DebateIdle ends a pass)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._loop: Any = None  # the asyncio loop and its thread start with the first job, not with the window
        self._thread: threading.Thread | None = None
        self._sessions: dict[int, _Session] = {}  # session id -> session, from start until it ends
        self._lock = threading.Lock()  # the registry is read on both threads
        self._futures: dict[int, Future[Any]] = {}
        self.backend = Backend()  # what the endpoint supports, learnt once per session
        self._closed = False
        self._warm = False

    # public API (GUI thread) -----------------------------------------------------------------
    def start_panel(self, connection: Connection, doc: Document, personas: list[Any], settings: PanelSettings,
                    *, section: str | None = None, existing: list[Finding] | None = None,
                    redactor: Redactor | None = None, round_context: RoundContext | None = None,
                    context: ReviewContext = NO_CONTEXT) -> int:
        """Run the critics over ``doc`` (a re-review with ``round_context``); returns the run id its events carry
        (``PanelDone`` ends it)."""
        run_id = self._register(PanelCommand)
        existing = frozen_copy(existing or [])  # the window goes on editing its own findings meanwhile
        self._submit(run_id, self._drive(run_id, connection, doc, personas, settings, section, existing, redactor,
                                         frozen_copy(round_context), context))
        return run_id

    def cancel(self, run_id: int, persona_id: str | None = None) -> None:
        """Stop one critic of a run, or the whole run; returns at once, the run reports its end."""
        self.send(run_id, PanelCommand.CANCEL, *(() if persona_id is None else (persona_id,)))

    def running(self) -> bool:
        """Whether a critic panel run is under way."""
        with self._lock:
            return any(s.commands is PanelCommand for s in self._sessions.values())

    def send(self, session_id: int, command: Command, *args: Any) -> None:
        """Route ``command`` to a session's engine on the loop thread. Checked here, on the caller's thread: a
        command the session does not take raises :class:`~doccritic.claude.commands.CommandError` at once.
        Honoured at any moment after ``start_*`` returned; a session that has ended ignores it."""
        with self._lock:
            session = self._sessions.get(session_id)
        if session is None:
            return
        command = session.commands.parse(command, args)
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._route, session_id, session, command, args)

    def _register(self, commands: type[DebateCommand] | type[PanelCommand]) -> int:
        session_id = next(self._ids)
        with self._lock:
            self._sessions[session_id] = _Session(commands)
        return session_id

    def _current(self, session_id: int, session: _Session) -> bool:
        with self._lock:
            return self._sessions.get(session_id) is session

    def estimate(self, connection: Connection, doc: Document, personas: list[Any], settings: PanelSettings,
                 *, section: str | None = None, redactor: Redactor | None = None,
                 round_context: RoundContext | None = None, context: ReviewContext = NO_CONTEXT) -> int:
        request_id = next(self._ids)

        async def job() -> None:
            from doccritic.claude.panel import estimate  # on the loop thread: the SDK import never blocks the UI

            client = connection.client()
            try:
                result = await estimate(client, doc, personas, settings, backend=self.backend, section=section,
                                        redactor=redactor, round_context=round_context, context=context,
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
    def start_debate(self, connection: Connection, doc: Document, debate: Debate, personas: dict[str, Any],
                     context: ReviewContext = NO_CONTEXT) -> int:
        """Run a debate (new, or continued from where ``debate`` stands) until it is idle; returns its id. The
        engine gets its own copy: from here on, the GUI learns the debate's state from events only."""
        debate_id = self._register(DebateCommand)
        debate = frozen_copy(debate)

        async def job() -> None:
            from doccritic.claude.debate import DebateSession
            from doccritic.core.redaction import load_redactor

            with self._lock:
                session = self._sessions.get(debate_id)
            if session is None:
                return  # ended before it began
            redactor = load_redactor(doc.path.name if doc.path else None)  # the critics' rules, checked first
            session.client = connection.client()
            engine = DebateSession(session.client, doc, debate, personas, backend=self.backend,
                                   key_source=connection.key_source, redactor=redactor, context=context,
                                   on_sent=SendRecorder(connection, doc, "debate", redactor=redactor))
            self._attach(debate_id, session, engine)
            if session.task is None:
                await self._debate_pass(debate_id, session)

        self._submit(debate_id, job())
        return debate_id

    def debate_command(self, debate_id: int, command: DebateCommand, *args: Any) -> None:
        """Send a :class:`DebateCommand`; the ones that need more turns start another pass when it was idle."""
        self.send(debate_id, DebateCommand.parse(command, args), *args)

    def end_debate(self, debate_id: int) -> None:
        """Stop a debate and forget it: its later events, and commands sent to it, are dropped."""
        with self._lock:
            session = self._sessions.pop(debate_id, None)
        if session is not None and self._loop is not None:

            async def close() -> None:
                if session.engine is not None:
                    session.engine.apply(DebateCommand.STOP)
                if session.client is not None:
                    await session.client.close()

            self._submit(next(self._ids), close())

    # loop side: sessions -------------------------------------------------------------------------
    def _attach(self, session_id: int, session: _Session, engine: Any) -> None:
        """The engine object exists: run what was sent before it did, in order."""
        session.engine = engine
        pending, session.pending = session.pending, []
        for command, args in pending:
            self._route(session_id, session, command, args)

    def _route(self, session_id: int, session: _Session, command: Command, args: tuple[Any, ...]) -> None:
        if session.engine is None:
            session.pending.append((command, args))
            return
        session.engine.apply(command, *args)
        if isinstance(command, DebateCommand) and self._current(session_id, session):
            self.debate_event.emit(session_id, session.engine.snapshot())  # the debate as the command left it
            if command.runs_turns and session.task is None:
                session.task = self._loop.create_task(self._debate_pass(session_id, session))

    async def _debate_pass(self, debate_id: int, session: _Session) -> None:
        import asyncio

        this = session.task = asyncio.current_task()
        try:
            async for event in session.engine.events():
                if isinstance(event, DebateIdle):
                    # The pass is over once it says so, though its generator is still closing: a command that
                    # arrives from here on (the PM pressing Regenerate at once) must start the next pass.
                    session.task = None
                if self._current(debate_id, session):
                    self.debate_event.emit(debate_id, event)
        finally:
            if session.task is this:
                session.task = None

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
            with self._lock:
                sessions = list(self._sessions.values())
            for session in sessions:
                if session.engine is not None:
                    session.engine.apply(PanelCommand.CANCEL if session.commands is PanelCommand
                                         else DebateCommand.STOP)
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
        future.add_done_callback(functools.partial(self._forget, request_id))

    def _forget(self, request_id: int, _future: object) -> None:
        self._futures.pop(request_id, None)

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
                     redactor: Redactor | None = None, round_context: RoundContext | None = None,
                     context: ReviewContext = NO_CONTEXT) -> None:
        import asyncio

        from doccritic.claude.panel import Panel

        with self._lock:
            session = self._sessions.get(run_id)
        if session is None:
            return
        session.task = asyncio.current_task()
        try:
            session.client = connection.client()
            panel = Panel(session.client, doc, personas, settings, backend=self.backend, section=section,
                          existing=existing, key_source=connection.key_source, redactor=redactor,
                          round_context=round_context, context=context,
                          on_sent=SendRecorder(connection, doc, "critic", redactor=redactor))
            self._attach(run_id, session, panel)
            async for event in panel.events():
                self.panel_event.emit(run_id, event)
        finally:
            with self._lock:
                self._sessions.pop(run_id, None)
            if session.client is not None:
                await session.client.close()
