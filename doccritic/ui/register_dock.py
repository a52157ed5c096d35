"""The Decisions dock's controller: keeps the open document's register and ledger, and wires the panel.

It reads the window's public pieces (the ReviewSession's findings and ``current_review``, the editor,
the Findings panel, ``schedule_review_save``) and hooks into the session once: ``attach_register`` adds
its rows to every review the session builds (saved, exported). The stored rows of a document just opened
come with its snapshot (``Snapshot.register``, read on ``document_ready``).

The register is worked out again (``core.register.refresh``, which keeps the PM's edits) a moment after
anything that can change it: a re-check, a critic's findings, a decision on a finding, a debate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDockWidget

from doccritic.core.findings import Review
from doccritic.core.register import refresh
from doccritic.core.register_rows import Assumption, Decision, Readiness
from doccritic.ui.register_view import RegisterPanel
from doccritic.ui.textpos import Utf16Map
from doccritic.ui.timers import timer
from doccritic.ui.widgets import StatusLabel

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QMainWindow

    from doccritic.ui.editor import DocumentEditor
    from doccritic.ui.findings_panel import FindingsPanel
    from doccritic.ui.review_session import ReviewSession
    from doccritic.ui.session import Snapshot


class RegisterHost(Protocol):
    """What the controller needs of the window (the composition root) besides a place for its dock."""

    session: ReviewSession  # findings, current_review, attach_register
    editor: DocumentEditor  # flash_span
    panel: FindingsPanel  # select, delegate.persona_names
    findings_dock: QDockWidget
    checks_applied: SignalInstance
    document_ready: SignalInstance

    @property
    def snapshot(self) -> Snapshot | None: ...

    def schedule_review_save(self) -> None: ...

REFRESH_DELAY_MS = 150  # findings arrive in bursts (a re-check, a critic streaming): work it out once


class RegisterController(QObject):
    """The register of the open document, its dock and its readiness label in the status bar."""

    def __init__(self, host: RegisterHost, window: QMainWindow) -> None:
        """``host`` is what the controller uses; ``window`` (the same object) is where its dock goes."""
        super().__init__(window)
        self.window, self.main = host, window
        self.decisions: list[Decision] = []
        self.assumptions: list[Assumption] = []
        self.readiness: Readiness | None = None
        self._passage = 0  # which of the selected row's passages is selected (F4 steps)
        self._passages: list[tuple[int, int]] = []
        self.panel = RegisterPanel()
        self.dock = QDockWidget("Decisions", window)
        self.dock.setObjectName("decisions")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        window.tabifyDockWidget(host.findings_dock, self.dock)
        host.findings_dock.raise_()
        self.label = StatusLabel()  # the readiness, always in sight
        window.statusBar().addPermanentWidget(self.label)
        self._timer = timer(self, REFRESH_DELAY_MS, self.refresh_now)
        model = host.session.findings
        host.session.attach_register = self.attach  # every review the session builds (saved, exported) has it
        for signal in (model.rowsInserted, model.rowsRemoved, model.dataChanged, model.modelReset):
            signal.connect(self._timer.start)
        host.checks_applied.connect(self._timer.start)
        host.document_ready.connect(self._document_opened)
        self.panel.row_edited.connect(self._edited)
        self.panel.passages_selected.connect(self._select_passages)
        self.panel.findings_requested.connect(self._show_findings)
        # F4 / Shift+F4 step through the places the selected decision is stated (F8 steps through findings)
        for keys, direction in (("F4", 1), ("Shift+F4", -1)):
            shortcut = QShortcut(QKeySequence(keys), self.panel, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda d=direction: self._step_passage(d))

    # the window's hooks ---------------------------------------------------------------------------------
    def attach(self, review: Review) -> Review:
        """``review`` carrying this register (dormant rows too, so their edits are saved)."""
        review.decisions, review.assumptions, review.readiness = \
            list(self.decisions), list(self.assumptions), self.readiness
        return review

    def _document_opened(self) -> None:
        """A document was opened: its stored rows (or none) replace the last document's."""
        snap = self.window.snapshot
        stored = getattr(snap, "register", None)
        self.decisions, self.assumptions = (list(stored[0]), list(stored[1])) if stored else ([], [])
        self.refresh_now()

    # working it out --------------------------------------------------------------------------------------
    def refresh_now(self) -> None:
        """Work the register out from the review as shown; skipped while a re-check is pending (its
        ``checks_applied`` brings us back)."""
        review = self.window.session.current_review()
        if review is None:
            return
        fresh = refresh(review)
        self.decisions, self.assumptions, self.readiness = fresh.decisions, fresh.assumptions, fresh.readiness
        self._show()

    def _show(self) -> None:
        self.panel.set_persona_names(self.window.panel.delegate.persona_names)  # as the Findings cards name them
        self.panel.set_register(self.decisions, self.assumptions, self.readiness)
        r = self.readiness
        if r is None or not (r.one_way_doors or r.costly or r.assumptions):
            self.label.setText("")
            return
        self.label.setText(f"{r.without_exit_ramp} open door{'' if r.without_exit_ramp == 1 else 's'} · "
                           f"{r.untested} untested")
        self.label.setToolTip(f"Readiness: {r.summary}")  # after setText, which puts the text there

    def _edited(self, kind: str, row: Decision | Assumption) -> None:
        if isinstance(row, Decision):
            self.decisions = [row if r.id == row.id else r for r in self.decisions]
        else:
            self.assumptions = [row if r.id == row.id else r for r in self.assumptions]
        self.refresh_now()  # readiness follows the edit at once
        self.window.schedule_review_save()

    # navigation -----------------------------------------------------------------------------------------
    def _select_passages(self, passages: list[tuple[int, int]]) -> None:
        self._passages, self._passage = sorted(passages), 0
        self._select_passage()

    def _step_passage(self, direction: int) -> None:
        if self._passages:
            self._passage = (self._passage + direction) % len(self._passages)
            self._select_passage()

    def _select_passage(self) -> None:
        """Select the current passage in the editor; the status bar says which of how many."""
        snap = self.window.snapshot
        if not self._passages or snap is None:
            return
        start, end = self._passages[self._passage]
        text_map = Utf16Map(snap.text)
        self.window.editor.flash_span(text_map.to_qt(start), text_map.to_qt(end))
        if len(self._passages) > 1:
            self.main.statusBar().showMessage(
                f"Passage {self._passage + 1} of {len(self._passages)} stating this (F4 for the next)", 4000)

    def _show_findings(self, finding_ids: list[str]) -> None:
        """The row's first finding selected in the Findings list, the list in front."""
        self.window.findings_dock.show()
        self.window.findings_dock.raise_()
        if not any(self.window.panel.select(fid, notify=True) for fid in finding_ids):
            self.main.statusBar().showMessage("This row's findings are hidden by the sidebar's filters.", 3000)
