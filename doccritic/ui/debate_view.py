"""The live debate transcript: streamed turns, clickable quotes, the PM's controls and the referee summary.

The view renders the debate it is given (the engine's latest copy) plus what is being written right now:
the live turn's text and the referee's points so far, which the engine has not made part of the debate yet.
Streaming text is buffered and appended every ``FLUSH_MS``; the transcript is fully re-rendered only when
the debate changes (a few dozen paragraphs), keeping the reader's scroll position. Auto-scroll follows the
newest text only while the reader is at the bottom.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QPalette, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from doccritic.claude.commands import DebateCommand
from doccritic.core.debates import TURN_FLAGS, Clash, Debate, Summary, SummaryPoint, Turn
from doccritic.ui.style import may_slant, readable
from doccritic.ui.widgets import FlowLayout, compact_combo

ALERT = "#c0392b"  # an interrupted or stopped turn's mark

FLUSH_MS = 50
_CATEGORIES = (("strongest", "Strongest points"), ("conceded", "Conceded"), ("unresolved", "Still unresolved"),
               ("change", "Changes the draft needs"))


class DebateView(QWidget):
    command_requested = Signal(object, tuple)  # a DebateCommand and its arguments
    add_point_requested = Signal(str)  # summary point id
    citation_clicked = Signal(str, int)  # quote, its offset in the debate's text (or -1)
    reference_clicked = Signal(object)  # a turn's ReferenceCitation: open the reference at the passage
    new_requested = Signal()
    debate_chosen = Signal(int)  # index into the document's saved debates

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.debate: Debate | None = None
        self.personas: dict[str, Any] = {}
        self.reference_names: dict[str, str] = {}  # reference id -> file name, for a turn's "Cites R1 policy.md"
        self.running = False
        self.idle_reason = ""
        self._live: tuple[int, str] | None = None  # the turn being written and its speaker
        self._live_text = ""  # its text on screen so far
        self._pending = ""  # its text not yet on screen
        self._live_points: list[SummaryPoint] | None = None  # the referee's points while it writes them
        self._flush_timer = QTimer(self, singleShot=True, interval=FLUSH_MS, timeout=self._flush)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addLayout(self._build_top())
        self.motion = QLabel(wordWrap=True)
        self.motion.setObjectName("debateMotion")
        self.motion.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.motion)
        self.transcript = QTextBrowser(openLinks=False, openExternalLinks=False)
        self.transcript.setObjectName("transcript")
        self.transcript.anchorClicked.connect(self._link)
        self.transcript.document().setDefaultStyleSheet(self._link_style())
        layout.addWidget(self.transcript, 1)
        layout.addLayout(self._build_controls())
        layout.addLayout(self._build_interject())
        self.status = QLabel(wordWrap=True)
        self.status.setObjectName("debateStatus")
        layout.addWidget(self.status)
        self.show_debate(None)

    # building --------------------------------------------------------------------------------
    def _build_top(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.history = compact_combo(QComboBox(), 8)  # stretches; 12 held the right docks at 275 px with DejaVu
        self.history.setToolTip("Debates held on this document")
        self.history.activated.connect(self.debate_chosen)
        self.new_button = QPushButton("New debate…")
        self.new_button.clicked.connect(self.new_requested)
        row.addWidget(self.history, 1)
        row.addWidget(self.new_button)
        return row

    def _build_controls(self) -> FlowLayout:
        row = FlowLayout()  # wraps in a narrow dock instead of widening it
        self.buttons: dict[DebateCommand, QToolButton] = {}  # keyed by command (a str: ["stop"] finds it too)
        c = DebateCommand
        for key, text, tip in (
            (c.PAUSE, "Pause", "Stop after the turn being written; Resume carries on"),
            (c.STOP, "Stop", "Stop now; the turn being written is kept, marked as stopped"),
            (c.ANOTHER_ROUND, "Another round", "One more turn each"),
            (c.REGENERATE_LAST, "Regenerate last", "Write the last turn again"),
            (c.CONTINUE_LAST, "Continue", "Finish the interrupted turn from where it stopped"),
            (c.RETRY, "Retry", "Run the interrupted turn again"),
            (c.REQUEST_SUMMARY, "Sum up", "Ask the referee for a summary now"),
        ):
            button = QToolButton(text=text)
            button.setToolTip(tip)
            button.clicked.connect(lambda _=False, k=key: self._control(k))
            row.addWidget(button)
            self.buttons[key] = button
        return row

    def _build_interject(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.interject = QLineEdit(placeholderText="Step in as moderator: both reviewers see it from the next turn")
        self.interject.returnPressed.connect(self._send)
        self.send = QPushButton("Send")
        self.send.clicked.connect(self._send)
        row.addWidget(self.interject, 1)
        row.addWidget(self.send)
        return row

    # state -----------------------------------------------------------------------------------
    def set_history(self, titles: list[str], current: int) -> None:
        self.history.blockSignals(True)
        self.history.clear()
        self.history.addItems(titles or ["No debates yet"])
        self.history.setEnabled(bool(titles))
        self.history.setCurrentIndex(max(0, current))
        self.history.blockSignals(False)

    def show_debate(self, debate: Debate | None, personas: dict[str, Any] | None = None, *,
                    running: bool = False, reason: str = "") -> None:
        self.debate, self.running, self.idle_reason = debate, running, reason
        if personas is not None:
            self.personas = personas
        self._end_live()
        self._live_points = None
        self._render()
        self._update_controls()

    def update_debate(self, debate: Debate) -> None:
        """The engine's newer copy of the debate being shown; what is being written stays on screen."""
        self.debate = debate
        if self._live is not None and any(t.index == self._live[0] for t in debate.turns):
            self._end_live()  # the copy already holds the whole turn: its last streamed pieces are moot
        self._render()
        self._update_controls()

    def _end_live(self) -> None:
        self._flush_timer.stop()
        self._live, self._live_text, self._pending = None, "", ""

    def _name(self, pid: str) -> str:
        p = self.personas.get(pid)
        return p.name if p is not None else pid

    def _color(self, pid: str) -> str:
        """The persona's colour, made to read as text on this theme's background."""
        p = self.personas.get(pid)
        return readable(p.color if p is not None else "#777777", self._base()).name()

    def _base(self) -> QColor:
        return self.transcript.palette().color(QPalette.ColorRole.Base)

    def _muted(self) -> str:
        return readable(self.palette().color(QPalette.ColorRole.PlaceholderText), self._base()).name()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """A theme switch re-renders the transcript: its link and text colours were fixed when it was drawn."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.transcript.document().setDefaultStyleSheet(self._link_style())
            if self.debate is not None and self._live is None:
                self._render()

    def _link_style(self) -> str:
        return f"a {{ color: {readable(self.palette().color(QPalette.ColorRole.Link), self._base()).name()}; }}"

    def set_reference_names(self, names: dict[str, str]) -> None:
        """Reference id -> file name (the References dock changed): a turn's citations name the file."""
        self.reference_names = dict(names)
        if self.debate is not None and self._live is None:
            self._render()

    def _update_controls(self) -> None:
        d = self.debate
        has = d is not None
        turns = d.turns if d is not None else []
        unfinished = bool(turns) and turns[-1].status != "complete"  # stopped or interrupted
        interrupted = unfinished and turns[-1].status == "interrupted"
        paused = self.idle_reason == "paused"
        b, c = self.buttons, DebateCommand
        b[c.PAUSE].setText("Resume" if paused else "Pause")
        b[c.PAUSE].setEnabled(has and (self.running or paused))
        b[c.STOP].setEnabled(self.running)
        b[c.ANOTHER_ROUND].setEnabled(has and not self.running and not interrupted)
        b[c.REGENERATE_LAST].setEnabled(has and not self.running and bool(turns))
        b[c.RETRY].setVisible(unfinished and not self.running)
        b[c.CONTINUE_LAST].setVisible(interrupted and bool(turns[-1].text) and not self.running)
        b[c.REQUEST_SUMMARY].setEnabled(has and not self.running and bool(turns))
        self.interject.setEnabled(has)
        self.send.setEnabled(has)
        if d is None:
            self.motion.setText("No debate on this document yet. Start one from here, from a selection "
                                "(right-click → Debate this) or from a finding's menu.")
            return
        self.motion.setText(f"<b>Motion:</b> {html.escape(d.motion)}")

    def set_status(self, text: str) -> None:
        self.status.setText(text)

    # streaming -------------------------------------------------------------------------------
    def turn_started(self, index: int, speaker: str) -> None:
        """A turn (or another try of it) begins: show its head, its text follows as it streams."""
        self._end_live()
        self._live = (index, speaker)
        self._render()

    def turn_delta(self, text: str) -> None:
        self._pending += text
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def _flush(self) -> None:
        if not self._pending or self._live is None:
            self._pending = ""
            return
        bar = self.transcript.verticalScrollBar()
        at_bottom = bar.value() >= bar.maximum() - 8
        cursor = QTextCursor(self.transcript.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(self._pending)
        self._live_text += self._pending
        self._pending = ""
        if at_bottom:
            bar.setValue(bar.maximum())

    def turn_ended(self) -> None:
        """The debate shown already holds the turn (its copy came first): re-render with citations as links,
        unless that copy's arrival did so already."""
        if self._live is None:
            return
        self._end_live()
        self._render()

    def summary_started(self) -> None:
        self._live_points = []
        self._render()

    def summary_point(self, point: SummaryPoint) -> None:
        if self._live_points is not None:
            self._live_points.append(point)
            self._render()

    def summary_ended(self) -> None:
        """Done (the debate shown holds the summary now) or failed (there is none)."""
        self._live_points = None
        self._render()

    @property
    def live_points(self) -> list[SummaryPoint]:
        return list(self._live_points or ())

    def _shown_summary(self) -> Summary | None:
        d = self.debate
        if d is not None and d.summary is not None:
            return d.summary
        return Summary(points=self._live_points) if self._live_points is not None else None

    # rendering -------------------------------------------------------------------------------
    def _render(self) -> None:
        bar = self.transcript.verticalScrollBar()
        at_bottom = bar.value() >= bar.maximum() - 8
        keep = bar.value()
        self.transcript.setHtml(self._html())
        bar.setValue(bar.maximum() if at_bottom else keep)

    def _html(self) -> str:
        d = self.debate
        if d is None:
            return ""
        parts = [self._vs()]
        notes = sorted(d.interjections, key=lambda n: n.after_turn)
        for turn in d.turns:
            parts += [self._note(n.text) for n in notes if n.after_turn == turn.index - 1]
            parts.append(self._turn(turn))
        parts += [self._note(n.text) for n in notes if n.after_turn >= len(d.turns)]
        if self._live is not None:
            index, speaker = self._live
            so_far = html.escape(self._live_text).replace("\n", "<br>")
            parts.append(self._head(index, speaker, "writing…") + "<p>" + so_far)  # the streamed text follows
        elif (summary := self._shown_summary()) is not None:
            parts.append(self._summary(summary))
        return "".join(parts)

    def _vs(self) -> str:
        d = self.debate
        assert d is not None
        side = (lambda pid: "") if d.free_positions else (lambda pid: " (for)" if pid == d.pro else " (against)")
        left = f"<span style='color:{self._color(d.pro)}'><b>{html.escape(self._name(d.pro))}</b></span>{side(d.pro)}"
        right = f"<span style='color:{self._color(d.con)}'><b>{html.escape(self._name(d.con))}</b></span>{side(d.con)}"
        return f"<p style='color:{self._muted()}'>{left} vs {right} · {d.rounds} exchanges</p>"

    def _head(self, index: int, speaker: str, extra: str = "") -> str:
        d = self.debate
        assert d is not None
        side = "" if d.free_positions else (" · for" if speaker == d.pro else " · against")
        tail = f" · <i>{html.escape(extra)}</i>" if extra else ""
        return (f"<p style='margin-top:12px'><span style='color:{self._color(speaker)}; font-size:large'>●</span> "
                f"<b>{html.escape(self._name(speaker))}</b>"
                f"<span style='color:{self._muted()}'> · turn {index}{side}{tail}</span></p>")

    def _turn(self, turn: Turn) -> str:
        body = html.escape(turn.text)
        for k, c in enumerate(turn.citations):
            quoted = html.escape(c.quote)
            body = body.replace(quoted, f"<a href='cite:{turn.index}:{k}'>{quoted}</a>", 1)
        for k, r in enumerate(turn.cites):  # a reference's words in the turn open the reference, not the draft
            quoted = html.escape(r.quote)
            if r.placed and quoted and "<a " not in body.split(quoted, 1)[0].rsplit("</a>", 1)[-1]:
                body = body.replace(quoted, f"<a href='ref:{turn.index}:{k}'>{quoted}</a>", 1)
        body = body.replace("\n\n", "</p><p>").replace("\n", "<br>")
        marks = {"stopped": "stopped by you", "interrupted": f"interrupted: {turn.failure or 'failed'}"}
        mark = marks.get(turn.status, "")
        alert = readable(ALERT, self._base()).name()
        badge = f"<p style='color:{alert}'><i>[{html.escape(mark)}]</i></p>" if mark else ""
        if turn.flags:  # the discipline the turn broke, said on the turn: the reader weighs it accordingly
            said = "; ".join(TURN_FLAGS.get(f, f) for f in turn.flags)
            badge += f"<p style='color:{alert}'>⚑ {_italic(said)}</p>"
        return f"{self._head(turn.index, turn.speaker)}<p>{body}</p>{self._reference_cites(turn)}{badge}"

    def _reference_cites(self, turn: Turn) -> str:
        """The reference passages the turn quotes, one link each (Tab reaches them, Enter opens the reference
        at the passage, as a card's "Cites R1" line does)."""
        lines = []
        for k, c in enumerate(turn.cites):
            name = self.reference_names.get(c.reference) or c.name
            label = html.escape(f"{c.reference} {name}".strip())
            quote = " ".join(c.quote.split())
            quote = html.escape(quote if len(quote) <= 120 else quote[:117] + "…")
            missing = "" if c.placed else " (not found in the reference)"
            lines.append(f"Cites <a href='ref:{turn.index}:{k}'>{label}: “{quote}” ↗</a>{missing}")
        if not lines:
            return ""
        return f"<p style='margin-left:12px; color:{self._muted()}'>" + "<br>".join(lines) + "</p>"

    def _note(self, text: str) -> str:
        return (f"<p style='margin-left:16px; color:{self._muted()}'><b>You (moderator):</b> "
                f"{_italic(text)}</p>")

    def _summary(self, summary: Summary) -> str:
        parts = ["<hr><a name='summary'></a><p><b>Referee's summary</b></p>"]
        if summary.decision_for_author:
            parts.append(f"<p style='margin-left:8px'><b>Your decision:</b> {html.escape(summary.decision_for_author)}"
                         "</p>")
        if summary.verdict:
            parts.append(f"<p>{_italic(summary.verdict)}</p>")
        if summary.clashes:
            parts.append(self._clashes(summary.clashes))
        for key, title in _CATEGORIES:
            points = [p for p in summary.points if p.category == key]
            if points:
                parts.append(f"<p><b>{title}</b></p><ul>" + "".join(self._point(p) for p in points) + "</ul>")
        return "".join(parts)

    def _clashes(self, clashes: list[Clash]) -> str:
        """The referee's call on each question in dispute, as a table that fits a narrow dock: the question and
        why, who carried it, and what would settle it with who owns that."""
        muted = self._muted()
        head = "".join(f"<th align='left' width='{w}%'>{h}</th>"
                       for h, w in (("Question", 48), ("Carried by", 20), ("To settle it", 32)))
        rows = []
        for k, c in enumerate(clashes):
            cites = " ".join(f"<a href='clash:{k}:{i}'>“{html.escape(q.quote[:50])}”</a>"
                             for i, q in enumerate(c.citations))
            because = f"<br><span style='color:{muted}'>{html.escape(c.because)}</span>" if c.because else ""
            owner = f"<br><span style='color:{muted}'>Owner:</span> {html.escape(c.owner)}" if c.owner else ""
            cells = (f"{html.escape(c.question)} {cites}{because}", self._winner(c.winner),
                     f"{html.escape(c.evidence_to_settle) or '—'}{owner}")
            rows.append("<tr>" + "".join(f"<td valign='top'>{cell}</td>" for cell in cells) + "</tr>")
        return ("<p><b>Clashes</b></p><table cellspacing='0' cellpadding='4' border='1' "
                f"style='border-color:{muted}; border-style:solid' width='100%'><tr>{head}</tr>"
                + "".join(rows) + "</table>")

    def _winner(self, winner: str) -> str:
        d = self.debate
        if winner == "undecided" or d is None:
            return f"<span style='color:{self._muted()}'>undecided</span>"
        pid = d.pro if winner == "for" else d.con
        side = "" if d.free_positions else f" ({winner})"
        return f"<span style='color:{self._color(pid)}'><b>{html.escape(self._name(pid))}</b></span>{side}"

    def _point(self, point: SummaryPoint) -> str:
        side = {"for": " (for)", "against": " (against)"}.get(point.side, "")
        cites = " ".join(f"<a href='point:{point.id}:{k}'>“{html.escape(c.quote[:80])}”</a>"
                         for k, c in enumerate(point.citations))
        if point.finding_id:
            action = f" · <span style='color:{self._muted()}'>added as a finding</span>"
        elif point.addable:  # only what the draft must still change or answer becomes a card
            action = f" · <a href='add:{point.id}'>Add as finding</a>"
        else:
            action = ""
        return f"<li>{html.escape(point.text)}{side} {cites}{action}</li>"

    # interaction -----------------------------------------------------------------------------
    def _control(self, key: DebateCommand) -> None:
        if key is DebateCommand.PAUSE and self.idle_reason == "paused":
            key = DebateCommand.RESUME
        self.command_requested.emit(key, ())

    def _send(self) -> None:
        text = self.interject.text().strip()
        if text and self.debate is not None:
            self.command_requested.emit(DebateCommand.INTERJECT, (text,))
            self.interject.clear()

    def _link(self, url: QUrl) -> None:
        target = url.toString()
        d = self.debate
        if d is None:
            return
        kind, _, rest = target.partition(":")
        if kind == "add":
            self.add_point_requested.emit(rest)
        elif kind == "cite":
            index, k = (int(x) for x in rest.split(":"))
            turn = next((t for t in d.turns if t.index == index), None)
            if turn is not None and k < len(turn.citations):
                c = turn.citations[k]
                self.citation_clicked.emit(c.quote, c.start if c.start is not None else -1)
        elif kind == "ref":
            index, k = (int(x) for x in rest.split(":"))
            turn = next((t for t in d.turns if t.index == index), None)
            if turn is not None and k < len(turn.cites):
                self.reference_clicked.emit(turn.cites[k])
        elif kind == "clash" and (summary := self._shown_summary()) is not None:
            k, i = (int(x) for x in rest.split(":"))
            if k < len(summary.clashes) and i < len(summary.clashes[k].citations):
                c = summary.clashes[k].citations[i]
                self.citation_clicked.emit(c.quote, c.start if c.start is not None else -1)
        elif kind == "point" and (summary := self._shown_summary()) is not None:
            pid, n = rest.rsplit(":", 1)
            point = next((p for p in summary.points if p.id == pid), None)
            if point is not None and int(n) < len(point.citations):
                c = point.citations[int(n)]
                self.citation_clicked.emit(c.quote, c.start if c.start is not None else -1)


def _italic(text: str) -> str:
    """Escaped ``text`` in italic, unless its script has no italic (Arabic, Hebrew, CJK: see ``may_slant``)."""
    return f"<i>{html.escape(text)}</i>" if may_slant(text) else html.escape(text)
