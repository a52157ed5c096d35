"""Glue between the debate dock, the engine (through the bridge, ``critic_runner``) and the review window.

While a debate has an engine session, the engine alone changes it: this controller sends commands and shows
(and saves) the copies the engine sends back (``DebateChanged``, ``DebateIdle``), never re-deriving the state
itself. The one thing it adds is its own: which summary points the PM turned into findings. A debate without
a session (saved with an earlier review) is plain data until a command continues it on a fresh session.
Debates are saved with the review and listed per document.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDockWidget, QWidget

from doccritic.claude.commands import DebateCommand
from doccritic.core.debates import Debate, Summary, point_to_finding, replace_citations
from doccritic.ui.debate_view import DebateView
from doccritic.ui.textpos import Utf16Map

if TYPE_CHECKING:
    from doccritic.ui.app_settings import AppSettings
    from doccritic.ui.critic_runner import CriticRunner
    from doccritic.ui.critics import CriticsController
    from doccritic.ui.hosts import DebatesHost
    from doccritic.ui.review_session import ReviewSession


class DebatesController(QObject):
    debate_idle = Signal(str)  # why the running debate stopped: finished, paused, stopped, interrupted
    request_preview_shown = Signal(object)  # the Show request… dialog, just before it runs (tests close it)
    dialog_shown = Signal(object)  # the Start a debate dialog, just before it runs (tests and screenshots use it)

    def __init__(self, session: ReviewSession, host: DebatesHost, critics: CriticsController, settings: AppSettings,
                 dock: QDockWidget, parent: QWidget) -> None:
        super().__init__(parent)
        self.session, self.host, self.critics, self.settings, self._parent = session, host, critics, settings, parent
        self.view = DebateView()
        self.dock = dock
        self.dock.setWidget(self.view)
        self.debates: list[Debate] = []  # this document's debates, oldest first
        self._texts: dict[str, str] = {}  # debate id -> the text its citations are placed on
        self.current: Debate | None = None
        self._run_id: int | None = None
        self._run_text = ""  # the text the running session's citations are placed on
        self._version = -1  # of the engine copy shown: an older one arriving late is dropped
        self._links: dict[str, str] = {}  # summary point id -> the finding made from it (the GUI's own record)
        self.view.command_requested.connect(self.command)
        self.view.add_point_requested.connect(self.add_point)
        self.view.citation_clicked.connect(self.jump)
        self.view.new_requested.connect(lambda: self.new_debate())
        self.view.debate_chosen.connect(self._choose)
        critics.runner.debate_event.connect(self._event)

    @property
    def runner(self) -> CriticRunner:
        return self.critics.runner

    def running(self) -> bool:
        return self._run_id is not None and self.view.running

    # per document ----------------------------------------------------------------------------
    def set_document(self, debates: list[Debate], text: str) -> None:
        """Show the debates saved with a newly opened document (their citations placed on ``text``)."""
        self._end_run()
        self._links.clear()
        self.debates = list(debates)
        self._texts = {d.id: text for d in debates}
        self.current = self.debates[-1] if self.debates else None
        self._show(running=False)

    def saved(self, text: str) -> list[dict]:
        """The debates as review JSON, their citations placed on ``text`` (the text being saved)."""
        out = []
        for i, d in enumerate(self.debates):
            if self._texts.get(d.id) != text:
                d = replace_citations(d, text)
                if not (d.id == getattr(self.current, "id", None) and self.running()):
                    # keep the re-placed copy: the next save (every few edits) need not place them again
                    self.debates[i], self._texts[d.id] = d, text
                    if self.current is not None and self.current.id == d.id:
                        self.current = d
            out.append(d.model_dump(mode="json"))
        return out

    def _show(self, running: bool, reason: str = "") -> None:
        personas = self.critics.personas
        titles = [d.title for d in self.debates]
        index = self.debates.index(self.current) if self.current in self.debates else len(titles) - 1
        self.view.set_history(titles, index)
        self.view.show_debate(self.current, personas, running=running, reason=reason)

    def _choose(self, index: int) -> None:
        if 0 <= index < len(self.debates) and not self.running():
            if self.debates[index] is not self.current:
                self._end_run()  # the session is the other debate's: a command continues this one on its own
            self.current = self.debates[index]
            self._show(running=False)

    # starting --------------------------------------------------------------------------------
    def _debate_for(self, choice: Any, focus: str | None) -> Any:
        from doccritic.claude.debate import new_debate
        from doccritic.ui.critics import panel_settings

        return new_debate(choice.motion, choice.pro, choice.con, model=panel_settings(self.settings).model,
                          opener=choice.opener, rounds=choice.rounds, turn_words=choice.turn_words,
                          free_positions=choice.free_positions, focus=focus or "")

    def show_request(self, choice: Any, focus: str | None, parent: QWidget | None = None) -> None:
        """Show request… in the debate setup: the opening turn exactly as it would be sent, redacted."""
        from doccritic.claude.preview import debate_request_preview
        from doccritic.core.redaction import load_redactor
        from doccritic.ui.critics import connection
        from doccritic.ui.request_preview import RequestPreviewDialog

        snap = self.session.snapshot
        if snap is None:
            return
        redactor = load_redactor(snap.doc.path.name if snap.doc.path else None)
        preview = debate_request_preview(snap.doc, self._debate_for(choice, focus), self.critics.personas,
                                         self.runner.backend, redactor=redactor,
                                         context=self.critics.session.review_context())
        host = connection(self.settings).host
        dialog = RequestPreviewDialog([preview], host, parent or self._parent,
                                      intro=f"The opening turn goes to {host}; each later turn sends the same blocks "
                                      "plus the transcript so far, and the referee one more. Nothing has been "
                                      "sent yet.")
        self.request_preview_shown.emit(dialog)
        dialog.exec()

    def new_debate(self, focus: str | None = None, *, pro: str | None = None, con: str | None = None,
                   choice: Any = None, motion: str | None = None) -> bool:
        """Set up (a dialog, unless ``choice`` is given) and start a debate; False when nothing started. Without
        a focus the dialog opens on the review's most pressing motion, if it has one."""
        from doccritic.claude.debate import suggested_motion
        from doccritic.core.motions import suggest_motions
        from doccritic.ui.critics import connection
        from doccritic.ui.debate_dialog import DebateDialog

        snap, critics = self.session.snapshot, self.critics
        if snap is None or self.running():
            return False
        critics.ensure_personas()
        if (blocked := critics.privacy.debate_problem()) is not None:  # never send, redaction (#20)
            self.host.banner.show_message(blocked)
            return False
        conn = connection(self.settings)
        if (refused := conn.refusal()) is not None:  # local-only mode (#20): say so before any dialog
            self.host.banner.show_message(refused, [("Claude settings…", self.host.open_claude_settings)])
            return False
        if conn.needs_key:
            self.host.banner.show_message(
                "Debates need an Anthropic API key (or an Anthropic-compatible endpoint).",
                [("Claude settings…", self.host.open_claude_settings)])
            return False
        personas = list(critics.personas.values())
        suggestions = suggest_motions(self.session.findings.findings, critics.personas)
        checked = critics.panel.checked_ids()
        pro = pro or (checked[0] if checked else None)
        con = con or (checked[1] if len(checked) > 1 else None)
        if choice is None:
            dialog = DebateDialog(personas, motion or suggested_motion(focus, snap.doc.title), pro=pro, con=con,
                                  preview=lambda c: self.show_request(c, c.focus or focus, dialog),
                                  suggestions=suggestions, parent=self._parent)
            if suggestions and focus is None and motion is None:
                dialog.choose_suggestion(0)
            self.dialog_shown.emit(dialog)
            if not dialog.exec():
                return False
            choice = dialog.choice()
        debate = self._debate_for(choice, choice.focus or focus)
        self.debates.append(debate)
        self._texts[debate.id] = snap.text
        self.current = debate
        self._start(conn, debate, snap)
        self._show(running=True)
        self.view.set_status("Starting…")
        self.dock.show()
        self.dock.raise_()
        return True

    # steering --------------------------------------------------------------------------------
    def command(self, command: DebateCommand, args: tuple = ()) -> None:
        """Send a command to the debate shown; its effect is shown when the engine's copy comes back."""
        d = self.current
        if d is None:
            return
        if self._run_id is None:  # a debate from an earlier session: continue it on a fresh session
            if not (command.runs_turns or command is DebateCommand.INTERJECT):
                return
            self._restart(d)
        assert self._run_id is not None
        self.runner.debate_command(self._run_id, command, *args)
        if command.runs_turns:
            self.view.show_debate(d, running=True)  # the controls say "running" at once

    def _start(self, conn: Any, debate: Debate, snap: Any) -> None:
        self._end_run()  # one session at a time: the last debate's is closed, not left open
        self._run_text, self._version = snap.text, -1
        self._run_id = self.runner.start_debate(conn, snap.doc, debate, self.critics.personas,
                                                self.critics.session.review_context())  # references, intent

    def _restart(self, d: Debate) -> None:
        from doccritic.ui.critics import connection

        snap = self.session.snapshot
        assert snap is not None
        text = self._texts.get(d.id)
        engine_copy = d if text == snap.text else replace_citations(d, snap.text)
        self._texts[d.id] = snap.text
        self._start(connection(self.settings), engine_copy, snap)

    def stop_all(self) -> None:
        if self._run_id is not None:
            self.runner.debate_command(self._run_id, DebateCommand.STOP)

    def _end_run(self) -> None:
        if self._run_id is not None:
            self.runner.end_debate(self._run_id)
            self._run_id = None

    # events ----------------------------------------------------------------------------------
    def _event(self, run_id: int, event: Any) -> None:
        from doccritic.claude import events as ev

        if run_id != self._run_id or self.current is None:
            return
        view = self.view
        if isinstance(event, ev.DebateChanged):
            self._adopt(event.debate, event.version)
        elif isinstance(event, ev.TurnStarted):
            name = self.critics.personas
            who = name[event.speaker].name if event.speaker in name else event.speaker
            view.running = True
            view.turn_started(event.index, event.speaker)
            view.set_status(f"Turn {event.index} of {self.current.planned_turns} · {who} is writing…")
        elif isinstance(event, ev.TurnDelta):
            view.turn_delta(event.text)
        elif isinstance(event, ev.TurnWaiting):
            view.set_status(f"Turn {event.index}: {event.message}")
        elif isinstance(event, ev.TurnDone | ev.TurnFailed):
            view.turn_ended()
            if isinstance(event, ev.TurnFailed):
                more = " Continue finishes it, Retry writes it again." if event.turn.text else " Retry runs it again."
                view.set_status(f"Turn {event.turn.index} interrupted: {event.failure.message} Its text is kept;{more}")
        elif isinstance(event, ev.SummaryStarted):
            view.summary_started()  # points appear one by one as the referee writes them
            view.set_status("The referee is summing up…")
        elif isinstance(event, ev.SummaryWaiting):
            view.set_status(f"The referee: {event.message}")
        elif isinstance(event, ev.SummaryPointFound):
            view.summary_point(self._linked(event.point))
        elif isinstance(event, ev.SummaryDone):
            view.summary_ended()
        elif isinstance(event, ev.SummaryFailed):
            view.summary_ended()
            view.set_status(f"No summary: {event.failure.message} “Sum up” tries again.")
        elif isinstance(event, ev.DebateIdle):
            self._idle(event)

    def _adopt(self, copy: Debate, version: int) -> bool:
        """Show and keep the engine's copy of the running debate, unless a newer one is already shown."""
        if version < self._version:
            return False
        self._version = version
        if copy.summary is not None:
            for point in copy.summary.points:
                self._linked(point)
        index = next((i for i, d in enumerate(self.debates) if d.id == copy.id), -1)
        self.current = copy
        if index >= 0:
            self.debates[index] = copy
        self._texts[copy.id] = self._run_text
        self.view.update_debate(copy)
        self.session.schedule_save()
        return True

    def _linked(self, point: Any) -> Any:
        """``point`` (a copy the GUI owns) with the finding the PM made from it, if any."""
        point.finding_id = self._links.get(point.id, point.finding_id)
        return point

    def _idle(self, event: Any) -> None:
        self._adopt(event.debate, event.version)
        d = self.current
        assert d is not None
        text = {"finished": "Debate finished.", "paused": "Paused after the turn. Resume to go on.",
                "stopped": "Stopped. Another round or Regenerate last to go on.",
                "interrupted": "A turn was interrupted: Retry runs it again."}.get(event.reason, "")
        cost = f" · ${d.cost_usd:.3f}" if d.cost_usd else ""
        self._show(running=False, reason=event.reason)
        self.view.set_status(f"{text} {len(d.turns)} turns{cost}")
        self.debate_idle.emit(event.reason)

    # findings --------------------------------------------------------------------------------
    def add_point(self, point_id: str) -> None:
        d = self.current
        if d is None:
            return
        points = d.summary.points if d.summary is not None else self.view.live_points  # the referee may be writing
        point = next((p for p in points if p.id == point_id), None)
        if point is None or point.finding_id or not point.addable:  # praise and settled points are not findings
            return
        current = self.session.text()
        placed_point = point
        if self._texts.get(d.id) != current:
            placed_point = next(p for p in replace_citations(d.model_copy(update={"summary": Summary(points=[point])}),
                                                             current).summary.points)  # type: ignore[union-attr]
        finding = point_to_finding(placed_point, d)
        self._links[point_id] = point.finding_id = finding.id
        self.host.add_critic_findings([finding], Utf16Map(current))
        self.view.update_debate(d)  # "added as a finding"; what the referee is still writing stays
        self.host.show_finding(finding.id)  # the new card, selected, must not sit behind the Debate tab
        self.host.show_status("Added as a finding; the Debate tab has the rest of the summary.", 5000)

    def jump(self, quote: str, start: int) -> None:
        """A cited passage was clicked: select it in the editor (placed again if the text changed)."""
        from doccritic.core.anchoring import anchor_quote

        where = anchor_quote(self.session.text(), quote, hint=start if start >= 0 else None)
        if where.start is None or where.end is None:
            self.host.show_status("That passage is no longer in the text.", 4000)
            return
        self.host.show_passage(where.start, where.end)
