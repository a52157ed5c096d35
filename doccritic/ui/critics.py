"""Glue between the critics dock, the engine runner and the open document's review session.

Engine events arrive as queued signals; they are buffered and applied every ``FLUSH_MS`` in one batch
(one model update, one highlight push), so six critics writing at once never stall typing. Findings
carry offsets into the text the critics were sent; if the user typed since, they are re-anchored onto
the current text before they are shown.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from doccritic.claude.client import Connection
from doccritic.claude.config import Estimate, PanelSettings, connection_for, panel_settings_from
from doccritic.claude.events import (
    CriticDone,
    CriticFailed,
    CriticProgress,
    CriticStarted,
    CriticStatus,
    FindingFound,
    FindingMerged,
    PanelDone,
)
from doccritic.claude.failures import Failure, FailureKind
from doccritic.core.errors import DoccriticError
from doccritic.core.findings import Finding, Status
from doccritic.core.redaction import Redactor
from doccritic.core.references import NO_CONTEXT, ReviewContext
from doccritic.ui.critic_runner import CriticRunner
from doccritic.ui.persona_panel import PersonaPanel
from doccritic.ui.privacy import DocumentPrivacy
from doccritic.ui.textpos import Utf16Map
from doccritic.ui.timers import timer

if TYPE_CHECKING:
    from doccritic.core.personas import Persona, PersonaSet
    from doccritic.core.rounds import RoundContext
    from doccritic.ui.app_settings import AppSettings
    from doccritic.ui.files import Messages
    from doccritic.ui.review_session import ReviewSession
    from doccritic.ui.runner import Runner

FLUSH_MS = 50


@dataclass(frozen=True)
class _RoundRun:
    """What a review round started from: its request context (None for round 1), the findings then, the text."""

    context: RoundContext | None
    before: list[Finding]
    text: str
    fingerprint: str


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def context_note(context: ReviewContext) -> str:
    """" Includes 2 references (~3,400 tokens) and your intent." for the Run confirmation, or ""."""
    parts = []
    if context.references:
        n = len(context.references)
        tokens = sum(r.tokens for r in context.references)
        parts.append(f"{n} reference{'' if n == 1 else 's'} (~{tokens:,} tokens)")
    if context.has_intent:
        parts.append("your intent")
    return f" Includes {' and '.join(parts)}." if parts else ""


def _load_personas() -> PersonaSet:
    from doccritic.core.personas import load_personas

    return load_personas()


def panel_settings(settings: AppSettings) -> PanelSettings:
    """The engine's run settings from the app's (never the key: that lives in the keyring)."""
    return panel_settings_from(settings.claude)


def connection(settings: AppSettings) -> Connection:
    """The endpoint, key and local-only rule from the app's settings."""
    return connection_for(settings.claude)


def destination(settings: AppSettings) -> str:
    """Where reviews go, for the status bar: "this machine", a host, or "refused (local only)"."""
    from doccritic.claude.endpoint import is_local

    conn = connection(settings)
    if conn.refusal() is not None:
        return f"{conn.host}, refused (local only)"
    where = "this machine" if is_local(conn.host) else conn.host
    return f"{where} (local only)" if conn.local_only else where


class CriticsHost(Protocol):
    """What the critics controller needs from the window around it (``ui.claude_side.ClaudeSide``)."""

    banner: Messages

    def open_claude_settings(self) -> None: ...

    def update_claude_status(self) -> None: ...

    def offer_claude_setup(self) -> None: ...

    def set_persona_names(self, names: dict[str, str]) -> None: ...

    def add_critic_findings(self, cards: list[Finding], text_map: Utf16Map) -> None: ...

    def replace_critic_findings(self, keep: list[Finding]) -> None: ...

    def show_decided(self, findings: list[Finding]) -> None: ...


class CriticsController(QObject):
    run_started = Signal(int)
    run_finished = Signal(int)  # run id; the findings of that run are all shown
    round_added = Signal(object)  # a review round was classified and kept (a core Round)
    personas_loaded = Signal()  # the panel lists the personas (first load or reload)
    request_preview_shown = Signal(object)  # the Show request… dialog, about to open (tests close it)

    def __init__(self, session: ReviewSession, host: CriticsHost, settings: AppSettings, worker: Runner,
                 parent: QWidget) -> None:
        super().__init__(parent)
        self.session, self.host, self.settings, self.worker, self._parent_widget = (
            session, host, settings, worker, parent)
        self.runner = CriticRunner(self)
        self.panel = PersonaPanel()
        self.personas: dict[str, Persona] = {}
        self.session_cost = 0.0
        self.key_source: str | None = None  # None until the runner has looked (keyring is slow to load)
        self._run_id: int | None = None
        self._run_text = ""
        self._pending: list[tuple[int, Any]] = []
        self._estimate_id: int | None = None
        self._request: tuple[list[Persona], str | None] | None = None
        self._round: RoundContext | None = None  # the re-review being estimated or run
        self._round_run: _RoundRun | None = None  # what the running round started from
        self._panel_run = False  # the run asked for is the checked critics' (not a Retry): it can be round 1
        # The connection and run settings of the run being estimated, confirmed or started: read once per run.
        self._run_with: tuple[Connection, PanelSettings] | None = None
        self._flush_timer = timer(self, FLUSH_MS, self._flush)
        self.confirm: Callable[[Estimate, list[Persona], str | None], bool] = self._confirm_dialog
        self.runner.panel_event.connect(self._queue)
        self.runner.estimate_ready.connect(self._estimated)
        self.runner.task_failed.connect(self._task_failed)
        self.runner.key_checked.connect(self._key_checked)
        self.panel.run_requested.connect(self.run)
        self.panel.stop_requested.connect(self.stop)
        self.panel.retry_requested.connect(self.retry)
        self.panel.stop_one_requested.connect(self.stop_one)
        self.panel.selection_changed.connect(self._remember_selection)
        self.panel.set_summary("Loading critics…")
        self._redactor: Redactor | None = None  # the run's rules: the preview shows what they make of the draft
        self._context: ReviewContext = NO_CONTEXT  # the run's references and intent, as when Run was pressed
        self.privacy = DocumentPrivacy(self, host.banner, self)  # the never-send mark and the redaction rules (#20)
        self.never_send_action = self.privacy.never_send_action
        self.rereview_action = QAction("Re-re&view…", self, shortcut=QKeySequence("Ctrl+Shift+E"), enabled=False,
                                       toolTip="Send the critics the changes since the last round and the findings "
                                       "still open; each earlier finding comes back fixed, still open or regressed")
        self.rereview_action.triggered.connect(self.rereview)
        self.panel.rereview_requested.connect(self.rereview)
        session.rounds_changed.connect(self.update_rereview)
        session.checks_applied.connect(self.update_rereview)
        self.panel.manage.menu().addAction(self.never_send_action)
        # Persona files load once the first document is on screen (or after 300 ms without one): they
        # are not needed to read the draft, and validating them is start-up time the PM would wait for.
        self._personas_timer = timer(self, 300, self._first_load)
        self._personas_timer.start()

    def ensure_personas(self) -> None:
        """Load the personas now if the deferred first load has not run yet."""
        if not self.personas:
            self._personas_timer.stop()
            self.reload_personas()

    def defer_first_load(self) -> None:
        """A document is being shown: load the personas right after it is on screen."""
        if not self.personas:
            self._personas_timer.start(50)

    def _first_load(self) -> None:
        """Read and validate the persona files on a worker (pydantic is imported there, off the UI thread)."""
        if not self.personas:
            self.worker.submit("personas", _load_personas, self._first_loaded, self._first_load_failed)

    def _first_loaded(self, loaded: PersonaSet) -> None:
        if not self.personas:  # ensure_personas() may have loaded them already
            self._show_personas(loaded)

    def _first_load_failed(self, message: str) -> None:
        self.panel.set_summary(f"Could not load the personas: {message}")
        self.personas_loaded.emit()

    # personas --------------------------------------------------------------------------------
    def reload_personas(self) -> None:
        self._show_personas(_load_personas())

    def _show_personas(self, loaded: PersonaSet) -> None:
        if not self.personas:
            self.panel.set_summary("")  # "Loading critics…" is done; a later reload keeps "Last run: …"
        self.personas = {p.id: p for p in loaded.personas}
        saved = self.settings.claude.panel
        checked = set(saved) if saved else None  # None: each persona's own default
        self.panel.set_personas(loaded.personas, checked)
        self.host.set_persona_names({p.id: p.name for p in loaded.personas})
        if loaded.errors:
            self.host.banner.show_message("Some persona files were skipped: " + " ".join(loaded.errors))
        self.personas_loaded.emit()

    def _remember_selection(self) -> None:
        self.settings.update_claude(panel=tuple(self.panel.checked_ids()))

    # running ---------------------------------------------------------------------------------
    def _key_source(self) -> str | None:
        return "environment" if os.environ.get("ANTHROPIC_API_KEY", "").strip() else self.key_source

    def set_up(self) -> bool:
        """Claude can be reached: a key (environment or keyring) or an endpoint of the PM's own."""
        custom = bool(self.settings.claude.base_url or os.environ.get("ANTHROPIC_BASE_URL"))
        source = self._key_source()
        return source is not None and (source != "none" or custom)

    def status_text(self) -> str:
        """The status bar's Claude part; never touches the keyring (see ``refresh_key``)."""
        model = panel_settings(self.settings).model
        source = self._key_source()
        if source is None:
            return f"Claude: {model} · checking for a key…"
        if not self.set_up():
            return "Offline checks · Claude not set up"
        where = f" → {destination(self.settings)}"
        cost = f" · ${self.session_cost:.3f} this session" if self.session_cost else ""
        key = {"environment": "key from ANTHROPIC_API_KEY", "keyring": "key in keyring"}.get(source, "no key")
        return f"Claude: {model}{where} · {key}{cost}"

    def refresh_key(self) -> None:
        self.runner.check_key()

    def _key_checked(self, source: str) -> None:
        self.key_source = source
        self.host.update_claude_status()
        if self.set_up():  # Claude is usable: load the SDK before the first run
            QTimer.singleShot(1500, self.runner.warm_up)
        else:
            self.host.offer_claude_setup()

    def run(self, personas: list[Persona] | None = None, section: str | None = None) -> None:
        """Estimate, confirm, then start the checked critics (or ``personas``)."""
        snap = self.session.snapshot
        if snap is None or self.running():
            return
        self.ensure_personas()
        chosen = personas if personas is not None else [self.personas[p] for p in self.panel.checked_ids()
                                                        if p in self.personas]
        if not chosen:
            self.panel.set_summary("Check at least one critic to run.")
            return
        if (blocked := self.privacy.never_send_problem()) is not None:
            self.host.banner.show_message(blocked)
            return
        conn, settings = connection(self.settings), panel_settings(self.settings)  # read once for this run
        if (refused := conn.refusal()) is not None:
            self.panel.set_summary("Not run: local-only mode refused the endpoint.")
            self.host.banner.show_message(refused, [("Claude settings…", self.host.open_claude_settings)])
            return
        if conn.needs_key:
            self.host.banner.show_message(
                "Critics need an Anthropic API key (or an Anthropic-compatible endpoint).",
                [("Set up Claude…", self.host.open_claude_settings)])
            return
        try:
            self._redactor = self.privacy.redactor()  # a bad rule stops the run here, naming it
        except DoccriticError as err:
            self.panel.set_summary("Not run: a redaction rule needs fixing.")
            self.host.banner.show_message(str(err))
            return
        section = section if personas is not None else self.panel.section()
        if self._round is not None:
            section = None  # a round reviews the whole draft
        self._panel_run = personas is None or self._round is not None  # not a Retry of one critic
        self._request = (chosen, section)
        self._run_with = (conn, settings)
        self._context = self.session.review_context()  # estimated, confirmed and sent alike
        self.panel.set_summary("Estimating cost…")
        self.panel.run_button.setEnabled(False)
        self._estimate_id = self.runner.estimate(conn, snap.doc, chosen, settings, section=section,
                                                 redactor=self._redactor, round_context=self._round,
                                                 context=self._context)

    def rereview(self) -> None:
        """Re-review: the checked critics get the changes since the last round and the findings still open,
        and every earlier finding comes back fixed, still open, regressed (``round_added``). Before any round,
        the first full run is round 1."""
        session = self.session
        if not session.rounds:
            return self.run()
        if not session.can_rereview() or self.running():
            self.panel.set_summary("Nothing to re-review: the text has not changed since the last round.")
            return None
        from doccritic.core.rounds import context

        self._round = context(session.rounds, session.findings.findings, session.round_base(), session.text())
        self.run()
        if self._request is None:  # not run after all (no critic checked, never-send, no key...)
            self._round = None
        return None

    def update_rereview(self) -> None:
        """Re-review is offered once there is a round and the text changed since."""
        can = self.session.can_rereview() and not self.running()
        self.panel.rereview_button.setVisible(bool(self.session.rounds))
        self.panel.rereview_button.setEnabled(can)
        self.rereview_action.setEnabled(can)

    def _estimated(self, request_id: int, estimate: Estimate) -> None:
        if request_id != self._estimate_id or self._request is None:
            return
        chosen, section = self._request
        self._request = None
        self.panel.run_button.setEnabled(True)
        if not self.confirm(estimate, chosen, section):
            self.panel.set_summary(f"Not run. Estimate was ${estimate.total:.3f}.")
            self._round = None
            self.update_rereview()
            return
        self._start(chosen, section)

    def _start(self, chosen: list[Persona], section: str | None) -> None:
        snap = self.session.snapshot
        assert snap is not None
        existing = list(self.session.findings.findings)  # critics merge onto cards, and are told checks and dismissals
        self._run_text = snap.text
        conn, settings = self._with()
        round_context, self._round = self._round, None
        first = self._panel_run and section is None and not self.session.rounds  # round 1: the first full review
        self._round_run = _RoundRun(round_context, existing, snap.text, snap.doc.fingerprint) \
            if round_context is not None or first else None
        self._run_id = self.runner.start_panel(conn, snap.doc, chosen, settings, section=section, existing=existing,
                                               redactor=self._redactor, round_context=round_context,
                                               context=self._context)
        for persona in chosen:
            self.panel.set_status(persona.id, "queued", stop=True)
        self.panel.set_running(True)
        where = f"section “{section}”" if section else "the whole document"
        self.panel.set_summary(f"{len(chosen)} critics reading {where}…")
        self.run_started.emit(self._run_id)

    def retry(self, persona_id: str) -> None:
        """Run one critic again; its open findings from before are replaced, decided ones stay."""
        persona = self.personas.get(persona_id)
        if persona is None or self.running():
            return
        keep = [f for f in self.session.findings.findings
                if not (f.persona == persona_id and f.status is Status.OPEN and not f.also_raised_by)]
        self.host.replace_critic_findings(keep)
        self.run([persona], self.panel.section())

    def stop_one(self, persona_id: str) -> None:
        if self._run_id is not None:
            self.runner.cancel(self._run_id, persona_id)

    def stop(self) -> None:
        if self._run_id is not None:
            self.runner.cancel(self._run_id)
            self.panel.set_summary("Stopping…")

    def running(self) -> bool:
        return self._run_id is not None

    def shutdown(self) -> None:
        """Stop every run and keep what was paid for: findings the engine already sent, still queued for this
        thread or waiting for the next batch, land in the model before the window saves the review."""
        self.runner.shutdown()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.MetaCall)
        self._flush_timer.stop()
        self._flush()

    def _task_failed(self, request_id: int, message: str) -> None:
        """An estimate or a run could not even start (e.g. a broken price table): say why, unlock Run."""
        if request_id == self._estimate_id:
            self._request = None
            self.panel.run_button.setEnabled(True)
        if request_id == self._run_id:
            self._run_id = None
            self.panel.set_running(False)
        self.panel.set_summary(message)
        self.host.banner.show_message(message)

    # events ----------------------------------------------------------------------------------
    def _queue(self, run_id: int, event: Any) -> None:
        self._pending.append((run_id, event))
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def _flush(self) -> None:
        batch, self._pending = self._pending, []
        cards: dict[str, Finding] = {}
        for run_id, event in batch:
            if run_id != self._run_id:
                continue
            if isinstance(event, FindingFound | FindingMerged):
                cards[event.finding.id] = event.finding
            else:
                self._status(event)
        if cards:
            self._show(list(cards.values()))
        for run_id, event in batch:
            if run_id == self._run_id and isinstance(event, PanelDone):
                self._done(event)

    def _show(self, cards: list[Finding]) -> None:
        current = self.session.text()
        if current != self._run_text:  # the user typed while the critics were reading
            from doccritic.core.anchoring import reanchor

            cards = [reanchor(f, self._run_text, current) if f.placed else f for f in cards]
        self.host.add_critic_findings(cards, Utf16Map(current))

    def _status(self, event: Any) -> None:
        if isinstance(event, CriticStarted):
            again = "starting…" if event.attempt == 1 else f"trying again ({event.attempt})"
            self.panel.set_status(event.persona_id, again, stop=True)
        elif isinstance(event, CriticProgress):
            count = f" ({event.findings} finding{'s' if event.findings != 1 else ''})" if event.findings else ""
            self.panel.set_status(event.persona_id, f"{event.message}{count}", stop=True)
        elif isinstance(event, CriticDone):
            r = event.result
            scored = r.readiness is not None
            ready = f"{r.readiness}/10 ready · " if scored else ""  # first: a 220 px dock cuts what follows
            skipped = f" · {r.skipped_items} malformed skipped" if r.skipped_items else ""
            facts = f"{_n(len(r.findings), 'finding')} · {r.duration:.0f} s · ${r.cost:.3f}{skipped}"
            said = f"readiness {r.readiness}/10 (how ready this critic thinks the draft is) · " if scored else ""
            self.panel.set_status(event.persona_id, f"{ready}done · {facts}", verdict=r.verdict,
                                  tooltip=f"{said}done in {r.duration:.0f} s · {facts}\n\n{r.verdict}".strip())
        elif isinstance(event, CriticFailed):
            r = event.result
            word = {CriticStatus.PARTIAL: "partial", CriticStatus.CANCELLED: "stopped",
                    CriticStatus.SKIPPED: "not started"}.get(r.status, "failed")
            kept = f" · {_n(len(r.findings), 'finding')} kept" if r.findings else ""
            why = f": {event.failure.message}" if event.failure.message else ""
            self.panel.set_status(event.persona_id, f"{word}{why}{kept}", retry=event.failure.retryable)
            self._explain(event.failure)

    def _explain(self, failure: Failure) -> None:
        """Failures the PM fixes outside the row get a banner that goes straight to the fix."""
        settings = ("Claude settings…", self.host.open_claude_settings)
        if failure.kind in (FailureKind.AUTH, FailureKind.NO_KEY, FailureKind.PERMISSION):
            self.host.banner.show_message(failure.message, [settings])
        elif failure.kind is FailureKind.MODEL_NOT_FOUND:
            self.host.banner.show_message(failure.message, [("Choose a model…", self.host.open_claude_settings)])
        elif failure.kind is FailureKind.TOO_LARGE:
            self.host.banner.show_message(failure.message, [("Pick a section", self.panel.scope.showPopup)])
        elif failure.kind is FailureKind.OFFLINE:
            self.host.banner.show_message(failure.message + " Offline checks still work.", [settings])

    def _done(self, event: PanelDone) -> None:
        run_id, self._run_id = self._run_id, None
        self.session_cost += event.cost
        results = event.results
        found = sum(len(r.findings) for r in results)
        trouble = [r for r in results if r.status is not CriticStatus.DONE]
        extra = f" · {len(trouble)} did not finish" if trouble else ""
        budget = " · budget cap reached" if event.budget_stopped else ""
        ready = sorted(r.readiness for r in results if r.readiness is not None)
        readiness = ("" if not ready else f" · readiness {ready[0]}/10" if ready[0] == ready[-1]
                     else f" · readiness {ready[0]}–{ready[-1]}/10 (median {ready[len(ready) // 2]})")
        self.panel.set_summary(f"Last run: {_n(len(results), 'critic')} · {_n(found, 'finding')} · ${event.cost:.3f} · "
                               f"{event.duration:.0f} s{readiness}{extra}{budget}")
        for note in self.runner.backend.notes:
            self.panel.set_summary(self.panel.summary.text() + f"\n{note}")
        self.panel.set_running(False)
        self.host.update_claude_status()
        self._close_round(event)
        if run_id is not None:
            self.run_finished.emit(run_id)

    def _close_round(self, event: PanelDone) -> None:
        """Classify the round that just ran (or keep round 1) once its findings are all shown."""
        started, self._round_run = self._round_run, None
        self.update_rereview()
        if started is None or not any(r.status is CriticStatus.DONE for r in event.results):
            return  # no critic finished: nothing to judge the earlier findings by
        from doccritic.core.rounds import first_round, next_round

        after = self.session.findings.findings
        if started.context is None:
            rnd = first_round(after, started.text, started.fingerprint)
        else:
            fixed: dict[str, list[str]] = {}
            for r in event.results:
                for fid in r.fixed:
                    fixed.setdefault(fid, []).append(r.persona_id)
            raised = [f for r in event.results for f in r.findings]
            rnd = next_round(self.session.rounds, started.before, after, raised, started.text, started.fingerprint,
                             diff=started.context.diff, fixed=fixed,
                             names={pid: p.name for pid, p in self.personas.items()})
        changed = self.session.add_round(rnd, started.text)
        if changed:
            self.host.show_decided(changed)
        self.update_rereview()
        if rnd.number > 1:
            short = rnd.summary(extras=False)
            more = " (more in the Rounds tab)" if short != rnd.summary() else ""
            self.panel.set_summary(self.panel.summary.text() + f"\nRound {rnd.number}: {short}{more}")
            self.panel.summary.setToolTip(f"Round {rnd.number}: {rnd.summary()}")
        self.round_added.emit(rnd)

    # dialogs ---------------------------------------------------------------------------------
    def _confirm_dialog(self, estimate: Estimate, chosen: list[Persona], section: str | None) -> bool:
        settings = self._with()[1]
        cap = f"\nBudget cap for this run: ${settings.budget_usd:.2f}." if settings.budget_usd else ""
        where = f"the section “{section}”" if section else "the whole document"
        lines = "\n".join(f"  {self.personas[pid].name}: ~{tokens:,} tokens, ${cost:.3f}"
                          for pid, (tokens, cost) in estimate.per_persona.items() if pid in self.personas)
        box = QMessageBox(QMessageBox.Icon.Question, "Run critics",
                          f"Run {len(chosen)} critics on {where}?", parent=self._parent())
        # The model on a line of its own: at the end of the question it wrapped at its hyphen ("claude-⏎sonnet")
        box.setInformativeText(f"Model: {settings.model}\nEstimated cost about ${estimate.total:.3f} "
                               f"({estimate.method}; the first critic caches the document, the others read it)."
                               f"{context_note(self._context)}{cap}")
        box.setDetailedText(lines)
        box.setStandardButtons(QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Ok).setText("Run")
        show = box.addButton("Show request…", QMessageBox.ButtonRole.ActionRole)
        show.setToolTip("The exact text each critic will send, with token counts; nothing is sent yet")
        while True:  # a message box closes on any button: come back to it after the preview
            box.exec()
            if box.clickedButton() is not show:
                return box.clickedButton() is box.button(QMessageBox.StandardButton.Ok)
            self.show_requests(chosen, section)

    def show_requests(self, chosen: list[Persona], section: str | None) -> None:
        """The read-only preview of every chosen critic's request, built by the engine itself."""
        from doccritic.claude.preview import request_previews
        from doccritic.ui.request_preview import RequestPreviewDialog

        snap = self.session.snapshot
        if snap is None:
            return
        conn, settings = self._with()
        previews = request_previews(snap.doc, chosen, settings, self.runner.backend, section=section,
                                    redactor=self._redactor, raised=self.session.findings.findings,
                                    round_context=self._round, context=self._context)
        dialog = RequestPreviewDialog(previews, conn.host, self._parent())
        self.request_preview_shown.emit(dialog)
        dialog.exec()

    def _with(self) -> tuple[Connection, PanelSettings]:
        """This run's connection and settings, as read when Run was pressed."""
        return self._run_with or (connection(self.settings), panel_settings(self.settings))

    def _parent(self) -> QWidget:
        return self._parent_widget
