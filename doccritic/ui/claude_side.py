"""The window's Claude side: the Critics and Debate docks, Export, Claude settings, personas and the send log.

The controllers are built one event-loop turn after the first document is shown (they are a fifth of the
start-up, and the PM reads the draft and its checks first); anything that needs them earlier builds them
on demand through the properties. This object is the host the critics, debates and exports controllers talk to
(:class:`~doccritic.ui.critics.CriticsHost`, :class:`~doccritic.ui.hosts.DebatesHost`,
:class:`~doccritic.ui.exports.ExportsHost`): they get it and the session, never the window.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QDockWidget, QLabel, QMenu, QWidget

from doccritic.core.findings import Finding
from doccritic.ui import gc_guard
from doccritic.ui.textpos import Utf16Map

if TYPE_CHECKING:
    from doccritic.ui.app_settings import AppSettings
    from doccritic.ui.critics import CriticsController
    from doccritic.ui.debates import DebatesController
    from doccritic.ui.decisions import DecisionsController
    from doccritic.ui.exports import ExportsController
    from doccritic.ui.files import Messages
    from doccritic.ui.findings_panel import FindingsPanel
    from doccritic.ui.review_session import ReviewSession
    from doccritic.ui.runner import Runner


class ClaudeSide(QObject):
    """Critics, debates and exports, built late; Claude settings and the persona editor."""

    persona_names_changed = Signal(dict)  # persona id -> name, whenever the personas are (re)loaded
    reference_requested = Signal(object)  # a debate turn's ReferenceCitation: open the reference at the passage

    def __init__(self, *, session: ReviewSession, settings: AppSettings, runner: Runner,
                 decisions: DecisionsController, banner: Messages, sidebar: FindingsPanel, review_menu: QMenu,
                 findings_dock: QDockWidget, critics_dock: QDockWidget, debate_dock: QDockWidget, model_label: QLabel,
                 status: Callable[[str, int], None], parent: QWidget) -> None:
        super().__init__(parent)
        self.session, self.settings, self.runner, self.decisions = session, settings, runner, decisions
        self.banner, self.sidebar, self.review_menu, self.model_label = banner, sidebar, review_menu, model_label
        self.findings_dock, self.critics_dock, self.debate_dock = findings_dock, critics_dock, debate_dock
        self.show_status, self.parent_widget = status, parent
        self._critics: CriticsController | None = None
        self._debates: DebatesController | None = None
        self._exports: ExportsController | None = None
        self._debates_to_show: tuple[list, str] | None = None  # the open document's, until the Debate dock is built
        self._reference_names: dict[str, str] = {}  # reference id -> file name, for debate turns' citations
        self.fit_docks: Callable[[], None] | None = None  # first run, no saved layout: size the docks once built
        session.saved_debates = self._saved_debates

    @property
    def critics(self) -> CriticsController:
        self.build()  # no-op once built
        return self._critics  # type: ignore[return-value]

    @property
    def debates(self) -> DebatesController:
        self.build()
        return self._debates  # type: ignore[return-value]

    @property
    def exports(self) -> ExportsController:
        self.build()
        return self._exports  # type: ignore[return-value]

    @property
    def built(self) -> bool:
        return self._critics is not None

    def build(self) -> None:
        """Critics, debates and exports; see the module's docstring for why this waits."""
        if self._critics is not None:
            return
        from doccritic.ui.critics import CriticsController
        from doccritic.ui.debates import DebatesController
        from doccritic.ui.exports import ExportsController

        self._critics = critics = CriticsController(self.session, self, self.settings, self.runner,
                                                    self.parent_widget)
        critics.panel.settings_requested.connect(self.open_claude_settings)
        critics.panel.edit_personas_requested.connect(self.open_persona_editor)
        critics.panel.debate_requested.connect(lambda: self.debates.new_debate())
        self.critics_dock.setWidget(critics.panel)
        self._debates = DebatesController(self.session, self, critics, self.settings, self.debate_dock,
                                          self.parent_widget)
        self._debates.view.reference_clicked.connect(self.reference_requested)
        self._debates.view.set_reference_names(self._reference_names)
        self._exports = ExportsController(self.session, self, self.runner, self.parent_widget)
        self.model_label.setText(critics.status_text())
        stop = next((a for a in self.review_menu.actions() if a.text() == "&Stop Critics"), None)
        if stop is not None:
            self.review_menu.insertAction(stop, critics.rereview_action)  # after Run Critics…
        else:
            self.review_menu.addAction(critics.rereview_action)
        critics.update_rereview()
        self.review_menu.addSeparator()  # Never Send and Send Log: the menu was built before the critics
        self.review_menu.addAction(critics.never_send_action)
        self.review_menu.addAction("Send &Log…", self.open_send_log)
        if self.session.snapshot is not None:
            self.document_shown()
        if self._debates_to_show is not None:
            self._debates.set_document(*self._debates_to_show)
            self._debates_to_show = None
        if critics.key_source is None:
            QTimer.singleShot(300, critics.refresh_key)  # after the first paint, off the UI thread
        critics.defer_first_load()
        if self.fit_docks is not None:
            QTimer.singleShot(0, self.fit_docks)
            self.fit_docks = None
        gc_guard.settle()

    def build_soon(self) -> None:
        """Two event-loop turns from now: the first one paints the document and its checks."""
        QTimer.singleShot(0, lambda: QTimer.singleShot(0, self.build))

    def set_reference_names(self, names: dict[str, str]) -> None:
        """Reference id -> file name: debate turns name the file they cite (kept until the dock is built)."""
        self._reference_names = dict(names)
        if self._debates is not None:
            self._debates.view.set_reference_names(self._reference_names)

    # the open document -----------------------------------------------------------------------
    def document_opened(self, debates: list, text: str) -> None:
        if self._debates is None:
            self._debates_to_show = (debates, text)
        else:
            self._debates.set_document(debates, text)

    def document_closed(self) -> None:
        self._debates_to_show = None
        if self._debates is not None:
            self._debates.set_document([], "")

    def document_shown(self) -> None:
        """A (re)checked version is on screen: the Critics dock offers its sections, shows its never-send mark."""
        snap = self.session.snapshot
        if self._critics is not None and snap is not None:
            self._critics.panel.set_sections([title for title in snap.headings.titles if title])
            self._critics.privacy.document_shown(snap.doc.path)

    def _saved_debates(self, text: str) -> list[dict]:
        if self._debates is not None:
            return self._debates.saved(text)
        if self._debates_to_show is not None:  # closed before the Debate dock was built: keep them as loaded
            return [d.model_dump(mode="json") for d in self._debates_to_show[0]]
        return []

    def shutdown(self) -> None:
        if self._debates is not None:
            self._debates.stop_all()
        if self._critics is not None:  # first: a run stopped now still hands over its findings to be saved
            self._critics.shutdown()

    # CriticsHost, DebatesHost and ExportsHost ------------------------------------------------
    def add_critic_findings(self, cards: list[Finding], text_map: Utf16Map) -> None:
        self.decisions.add_critic_findings(cards, text_map)

    def replace_critic_findings(self, keep: list[Finding]) -> None:
        self.decisions.replace_critic_findings(keep)

    def show_finding(self, finding_id: str) -> None:
        self.findings_dock.raise_()
        self.sidebar.select(finding_id, notify=True)

    def show_passage(self, start: int, end: int) -> None:
        self.decisions.show_passage(start, end)

    def show_decided(self, findings: list[Finding]) -> None:
        """Findings a review round decided (fixed ones resolved, regressed ones open again): cards and highlights."""
        self.decisions.show_decided(findings)

    def set_persona_names(self, names: dict[str, str]) -> None:
        self.sidebar.set_persona_names(names)
        self.persona_names_changed.emit(dict(names))

    def personas(self) -> dict[str, Any]:
        return self.critics.personas

    def show_imported(self, findings: list[Finding], debates: list[dict]) -> None:
        """Show imported findings (offsets into the current text) and add imported debates."""
        from doccritic.core.debates import Debate

        self.decisions.show_imported(findings)
        known = {d.id for d in self.debates.debates}
        new = [Debate.model_validate(d) for d in debates if d.get("id") not in known]
        if new:
            self.debates.set_document([*self.debates.debates, *new], self.session.text())

    def update_claude_status(self) -> None:
        self.model_label.setText(self.critics.status_text())

    def offer_claude_setup(self) -> None:
        """Once Claude turns out not to be set up: say what it adds, without a modal, until dismissed."""
        if self.settings.ui.claude_banner_dismissed or self.banner.isVisible():
            return
        self.banner.show_message(
            "Offline checks only. Claude critics need an API key or a local endpoint (Ollama, llama.cpp).",
            [("Set up Claude…", self.open_claude_settings)],
            on_dismiss=lambda: self.settings.update_ui(claude_banner_dismissed=True))

    # dialogs ---------------------------------------------------------------------------------
    def open_claude_settings(self) -> None:
        from doccritic.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, self.critics.runner, self.parent_widget)
        if dialog.exec():
            self.critics.refresh_key()
            self.update_claude_status()

    def open_persona_editor(self) -> None:
        from doccritic.ui.persona_editor import PersonaEditor

        PersonaEditor(self.parent_widget).exec()
        self.critics.reload_personas()

    def open_send_log(self) -> None:
        from doccritic.ui.send_log import SendLogDialog

        SendLogDialog(self.parent_widget).exec()

    def debate_finding(self, finding_id: str) -> None:
        from doccritic.core.motions import motion_for, tension_pair

        f = self.session.findings.finding(finding_id)
        if f is not None:  # the card's decision as the motion, its defender against the seat that raised it
            pro, con = tension_pair(f, self.critics.personas) or (None, None)
            self.debates.new_debate(focus=f"{f.title}: “{f.quote}”" if f.quote else f.title, pro=pro, con=con,
                                    motion=motion_for(f))
