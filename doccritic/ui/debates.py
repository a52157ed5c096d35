"""Glue between the debate dock, the engine on the runner's loop, and the review window.

The engine owns the live ``Debate`` while a pass runs; the GUI keeps a mirror updated from events (and
replaced by the engine's copy whenever the debate goes idle), so the transcript is never read across
threads. Debates are saved with the review and listed per document.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDockWidget, QWidget

from doccritic.claude.commands import DebateCommand
from doccritic.core.debates import Debate, point_to_finding, replace_citations
from doccritic.ui.debate_view import DebateView
from doccritic.ui.textpos import Utf16Map

if TYPE_CHECKING:
    from doccritic.ui.hosts import DebatesHost


class DebatesController(QObject):
    debate_idle = Signal(str)  # why the running debate stopped: finished, paused, stopped, interrupted
    request_preview_shown = Signal(object)  # the Show request… dialog, just before it runs (tests close it)

    def __init__(self, window: DebatesHost, dock: QDockWidget) -> None:
        super().__init__(window)
        self.window = window
        self.view = DebateView()
        self.dock = dock
        self.dock.setWidget(self.view)
        self.debates: list[Debate] = []  # this document's debates, oldest first
        self._texts: dict[str, str] = {}  # debate id -> the text its citations are placed on
        self.current: Debate | None = None
        self._run_id: int | None = None
        self._live_turn_index = 0
        self.view.command_requested.connect(self.command)
        self.view.add_point_requested.connect(self.add_point)
        self.view.citation_clicked.connect(self.jump)
        self.view.new_requested.connect(lambda: self.new_debate())
        self.view.debate_chosen.connect(self._choose)
        window.critics.runner.debate_event.connect(self._event)

    @property
    def runner(self) -> Any:
        return self.window.critics.runner

    def running(self) -> bool:
        return self._run_id is not None and self.view.running

    # per document ----------------------------------------------------------------------------
    def set_document(self, debates: list[Debate], text: str) -> None:
        """Show the debates saved with a newly opened document (their citations placed on ``text``)."""
        self._end_run()
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
        personas = self.window.critics.personas
        titles = [d.title for d in self.debates]
        index = self.debates.index(self.current) if self.current in self.debates else len(titles) - 1
        self.view.set_history(titles, index)
        self.view.show_debate(self.current, personas, running=running, reason=reason)

    def _choose(self, index: int) -> None:
        if 0 <= index < len(self.debates) and not self.running():
            self.current = self.debates[index]
            self._show(running=False)

    # starting --------------------------------------------------------------------------------
    def _debate_for(self, choice: Any, focus: str | None) -> Any:
        from doccritic.claude.debate import new_debate
        from doccritic.ui.critics import panel_settings

        return new_debate(choice.motion, choice.pro, choice.con, model=panel_settings(self.window.settings).model,
                          opener=choice.opener, rounds=choice.rounds, turn_words=choice.turn_words,
                          free_positions=choice.free_positions, focus=focus or "")

    def show_request(self, choice: Any, focus: str | None, parent: QWidget | None = None) -> None:
        """Show request… in the debate setup: the opening turn exactly as it would be sent, redacted."""
        from doccritic.claude.preview import debate_request_preview
        from doccritic.core.redaction import load_redactor
        from doccritic.ui.critics import connection
        from doccritic.ui.request_preview import RequestPreviewDialog

        snap = self.window.snapshot
        if snap is None:
            return
        redactor = load_redactor(snap.doc.path.name if snap.doc.path else None)
        preview = debate_request_preview(snap.doc, self._debate_for(choice, focus), self.window.critics.personas,
                                         self.runner.backend, redactor=redactor)
        host = connection(self.window.settings).host
        dialog = RequestPreviewDialog([preview], host, parent or self.window,
                                      intro=f"The opening turn goes to {host}; each later turn sends the same blocks "
                                      "plus the transcript so far, and the referee one more. Nothing has been "
                                      "sent yet.")
        self.request_preview_shown.emit(dialog)
        dialog.exec()

    def new_debate(self, focus: str | None = None, *, pro: str | None = None, con: str | None = None,
                   choice: Any = None) -> bool:
        """Set up (a dialog, unless ``choice`` is given) and start a debate; False when nothing started."""
        from doccritic.claude.debate import suggested_motion
        from doccritic.ui.critics import connection
        from doccritic.ui.debate_dialog import DebateDialog

        snap, critics = self.window.snapshot, self.window.critics
        if snap is None or self.running():
            return False
        critics.ensure_personas()
        if (blocked := critics.privacy.debate_problem()) is not None:  # never send, redaction (#20)
            self.window.banner.show_message(blocked)
            return False
        conn = connection(self.window.settings)
        if (refused := conn.refusal()) is not None:  # local-only mode (#20): say so before any dialog
            self.window.banner.show_message(refused, [("Claude settings…", self.window.open_claude_settings)])
            return False
        if conn.needs_key:
            self.window.banner.show_message(
                "Debates need an Anthropic API key (or an Anthropic-compatible endpoint).",
                [("Claude settings…", self.window.open_claude_settings)])
            return False
        personas = list(critics.personas.values())
        checked = critics.panel.checked_ids()
        pro = pro or (checked[0] if checked else None)
        con = con or (checked[1] if len(checked) > 1 else None)
        if choice is None:
            dialog = DebateDialog(personas, suggested_motion(focus, snap.doc.title), pro=pro, con=con,
                                  preview=lambda c: self.show_request(c, focus, dialog), parent=self.window)
            if not dialog.exec():
                return False
            choice = dialog.choice()
        debate = self._debate_for(choice, focus)
        self.debates.append(debate)
        self._texts[debate.id] = snap.text
        self.current = debate
        self._run_id = self.runner.start_debate(conn, snap.doc, debate.model_copy(deep=True), critics.personas)
        self._show(running=True)
        self.view.set_status("Starting…")
        self.dock.show()
        self.dock.raise_()
        return True

    # steering --------------------------------------------------------------------------------
    def command(self, command: DebateCommand, args: tuple = ()) -> None:
        d = self.current
        if d is None:
            return
        if self._run_id is None:  # a debate from an earlier session: continue it on a fresh session
            if not (command.runs_turns or command is DebateCommand.INTERJECT):
                return
            self._restart(d)
        if command is DebateCommand.INTERJECT:
            from doccritic.core.debates import Interjection

            d.interjections.append(Interjection(after_turn=len(d.turns), text=args[0]))
        elif command is DebateCommand.REGENERATE_LAST and d.turns:
            d.turns.pop()
            d.summary = None
        elif command is DebateCommand.RETRY and d.turns and d.turns[-1].status != "complete":
            d.turns.pop()
        elif command is DebateCommand.ANOTHER_ROUND:
            d.rounds += 1
            d.summary = None
        if command.runs_turns:
            self.view.show_debate(d, running=True)
        assert self._run_id is not None
        self.runner.debate_command(self._run_id, command, *args)
        if command is DebateCommand.INTERJECT:
            self.view.show_debate(d, running=self.view.running, reason=self.view.idle_reason)
        self.window.schedule_review_save()

    def _restart(self, d: Debate) -> None:
        from doccritic.ui.critics import connection

        snap = self.window.snapshot
        assert snap is not None
        text = self._texts.get(d.id)
        engine_copy = d if text == snap.text else replace_citations(d, snap.text)
        self._texts[d.id] = snap.text
        self._run_id = self.runner.start_debate(connection(self.window.settings), snap.doc,
                                                engine_copy.model_copy(deep=True), self.window.critics.personas)

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
        d = self.current
        name = self.window.critics.personas
        if isinstance(event, ev.TurnStarted):
            who = name[event.speaker].name if event.speaker in name else event.speaker
            self.view.running = True
            self.view.turn_started(event.index, event.speaker)
            self.view.set_status(f"Turn {event.index} of {d.planned_turns} · {who} is writing…")
        elif isinstance(event, ev.TurnDelta):
            self.view.turn_delta(event.text)
        elif isinstance(event, ev.TurnWaiting):
            self.view.set_status(f"Turn {event.index}: {event.message}")
        elif isinstance(event, ev.TurnDone | ev.TurnFailed):
            turn = event.turn.model_copy(deep=True)
            d.turns = [t for t in d.turns if t.index != turn.index] + [turn]
            self.view.turn_ended(turn)
            if isinstance(event, ev.TurnFailed):
                more = " Continue finishes it, Retry writes it again." if turn.text else " Retry runs it again."
                self.view.set_status(f"Turn {turn.index} interrupted: {event.failure.message} Its text is kept;{more}")
        elif isinstance(event, ev.SummaryStarted):
            from doccritic.core.debates import Summary

            d.summary = Summary()  # points appear one by one as the referee writes them
            self.view.show_debate(d, running=True)
            self.view.set_status("The referee is summing up…")
        elif isinstance(event, ev.SummaryPointFound):
            if d.summary is not None:
                d.summary.points.append(event.point.model_copy(deep=True))
                self.view.show_debate(d, running=True)
        elif isinstance(event, ev.SummaryFailed):
            d.summary = None
            self.view.set_status(f"No summary: {event.failure.message} “Sum up” tries again.")
        elif isinstance(event, ev.DebateIdle):
            self._idle(event)

    def _idle(self, event: Any) -> None:
        mirror = event.debate.model_copy(deep=True)
        index = self.debates.index(self.current) if self.current in self.debates else -1
        old = self.current
        if old is not None and old.summary is not None and mirror.summary is not None:
            for point in mirror.summary.points:  # keep "added as a finding" marks made meanwhile
                known = next((p for p in old.summary.points if p.id == point.id), None)
                point.finding_id = known.finding_id if known else None
        self.current = mirror
        if index >= 0:
            self.debates[index] = mirror
        text = {"finished": "Debate finished.", "paused": "Paused after the turn. Resume to go on.",
                "stopped": "Stopped. Another round or Regenerate last to go on.",
                "interrupted": "A turn was interrupted: Retry runs it again."}.get(event.reason, "")
        cost = f" · ${mirror.cost_usd:.3f}" if mirror.cost_usd else ""
        self._show(running=False, reason=event.reason)
        self.view.set_status(f"{text} {len(mirror.turns)} turns{cost}")
        self.window.schedule_review_save()
        self.debate_idle.emit(event.reason)

    # findings --------------------------------------------------------------------------------
    def add_point(self, point_id: str) -> None:
        d = self.current
        if d is None or d.summary is None:
            return
        point = next((p for p in d.summary.points if p.id == point_id), None)
        if point is None or point.finding_id:
            return
        current = self.window.editor.toPlainText()
        placed = d if self._texts.get(d.id) == current else replace_citations(d, current)
        placed_point = next(p for p in placed.summary.points if p.id == point_id)  # type: ignore[union-attr]
        finding = point_to_finding(placed_point, d)
        point.finding_id = finding.id
        self.window.add_critic_findings([finding], Utf16Map(current))
        self.view.show_debate(d, running=self.view.running, reason=self.view.idle_reason)
        self.window.findings_dock.raise_()  # the new card, selected, must not sit behind the Debate tab
        self.window.panel.select(finding.id, notify=True)
        self.window.statusBar().showMessage("Added as a finding; the Debate tab has the rest of the summary.", 5000)

    def jump(self, quote: str, start: int) -> None:
        """A cited passage was clicked: select it in the editor (placed again if the text changed)."""
        from doccritic.core.anchoring import anchor_quote

        current = self.window.editor.toPlainText()
        where = anchor_quote(current, quote, hint=start if start >= 0 else None)
        if where.start is None or where.end is None:
            self.window.statusBar().showMessage("That passage is no longer in the text.", 4000)
            return
        text_map = Utf16Map(current)
        self.window.editor.flash_span(text_map.to_qt(where.start), text_map.to_qt(where.end))
        self.window.editor.setFocus(Qt.FocusReason.OtherFocusReason)
