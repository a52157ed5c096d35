"""The review window's Claude side: the Critics and Debate docks, Export, settings and personas.

A mixin of :class:`~doccritic.ui.main_window.MainWindow`. The controllers are built one event-loop turn
after the first document is shown (they are a fifth of the start-up, and the PM reads the draft and
its checks first); anything that needs them earlier builds them on demand through the properties.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from doccritic.core.findings import Finding
from doccritic.ui import gc_guard, session
from doccritic.ui.textpos import Utf16Map

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMenu

    from doccritic.ui.critics import CriticsController
    from doccritic.ui.debates import DebatesController
    from doccritic.ui.exports import ExportsController
    from doccritic.ui.main_window import MainWindow


class ClaudeActions:
    """Critics, debates and exports, built late; Claude settings and the persona editor."""

    _critics: CriticsController | None
    _debates: DebatesController | None
    _fit_docks: bool
    review_menu: QMenu
    _exports: ExportsController | None

    @property
    def critics(self: MainWindow) -> CriticsController:
        self._build_claude_ui()  # no-op once built
        return self._critics  # type: ignore[return-value]

    @property
    def debates(self: MainWindow) -> DebatesController:
        self._build_claude_ui()
        return self._debates  # type: ignore[return-value]

    @property
    def exports(self: MainWindow) -> ExportsController:
        self._build_claude_ui()
        return self._exports  # type: ignore[return-value]

    @property
    def claude_ui_built(self: MainWindow) -> bool:
        return self._critics is not None

    def _build_claude_ui(self: MainWindow) -> None:
        """Critics, debates and exports: built one event-loop turn after the first document is shown.

        They are a fifth of the start-up (their modules, the persona list, the debate view) and the PM
        reads the draft and its checks first; anything that needs them earlier builds them on demand.
        """
        if self._critics is not None:
            return
        from doccritic.ui.critics import CriticsController
        from doccritic.ui.debates import DebatesController
        from doccritic.ui.exports import ExportsController

        self._critics = critics = CriticsController(self)
        critics.panel.settings_requested.connect(self.open_claude_settings)
        critics.panel.edit_personas_requested.connect(self.open_persona_editor)
        critics.panel.debate_requested.connect(lambda: self.debates.new_debate())
        self.critics_dock.setWidget(critics.panel)
        self._debates = DebatesController(self, self.debate_dock)
        self._exports = ExportsController(self)
        self.model_label.setText(critics.status_text())
        self._privacy_menu(critics)
        if self.snapshot is not None:
            self._sections_to_critics(self.snapshot)
        if self._debates_to_show is not None:
            self._debates.set_document(*self._debates_to_show)
            self._debates_to_show = None
        if critics.key_source is None:
            QTimer.singleShot(300, critics.refresh_key)  # after the first paint, off the UI thread
        critics.defer_first_load()
        if self._fit_docks:  # first run, no saved layout: size the docks now that they hold their widgets
            self._fit_docks = False
            QTimer.singleShot(0, self.fit_docks_to_width)
        gc_guard.settle()

    def _privacy_menu(self: MainWindow, critics: CriticsController) -> None:
        """Never Send and Send Log in the Review menu (built before the critics exist, so added here)."""
        # Not looked up through the menu bar's actions: on PySide6 6.11.0 QAction.menu() hands back a wrapper
        # whose menu counts as deleted, and the Claude side then never finished building (lowest-versions leg).
        review = self.review_menu
        review.addSeparator()
        review.addAction(critics.never_send_action)
        review.addAction("Send &Log…", self.open_send_log)

    def open_send_log(self: MainWindow) -> None:
        from doccritic.ui.send_log import SendLogDialog

        SendLogDialog(self).exec()

    def _sections_to_critics(self: MainWindow, snap: session.Snapshot) -> None:
        if self._critics is not None:
            self._critics.panel.set_sections([s.title for top in snap.doc.sections for s in top.walk() if s.title])
            self._critics.privacy.document_shown(snap.doc.path)

    def _build_claude_ui_soon(self: MainWindow) -> None:
        """Two event-loop turns from now: the first one paints the document and its checks."""
        QTimer.singleShot(0, lambda: QTimer.singleShot(0, self._build_claude_ui))

    def offer_claude_setup(self: MainWindow) -> None:
        """Once Claude turns out not to be set up: say what it adds, without a modal, until dismissed."""
        if self.settings.ui.claude_banner_dismissed or self.banner.isVisible():
            return
        self.banner.show_message(
            "Offline checks only. Claude critics need an API key or a local endpoint (Ollama, llama.cpp).",
            [("Set up Claude…", self.open_claude_settings)],
            on_dismiss=lambda: self.settings.update_ui(claude_banner_dismissed=True))

    def open_claude_settings(self: MainWindow) -> None:
        from doccritic.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, self.critics.runner, self)
        if dialog.exec():
            self.critics.refresh_key()
            self.update_claude_status()

    def open_persona_editor(self: MainWindow) -> None:
        from doccritic.ui.persona_editor import PersonaEditor

        PersonaEditor(self).exec()
        self.critics.reload_personas()

    def update_claude_status(self: MainWindow) -> None:
        self.model_label.setText(self.critics.status_text())

    def _debate_finding(self: MainWindow, finding_id: str) -> None:
        f = self.findings.finding(finding_id)
        if f is not None:
            self.debates.new_debate(focus=f"{f.title}: “{f.quote}”" if f.quote else f.title)

    def import_review(self: MainWindow, findings: list[Finding], debates: list[dict]) -> None:
        """Show imported findings (offsets into the current text) and add imported debates."""
        from doccritic.core.debates import Debate

        text = self.editor.toPlainText()
        text_map = Utf16Map(text)
        self.findings.update_findings(findings)
        if self.snapshot is not None:
            self.findings.set_sections(self._sections_by_finding(findings))
        self.editor.set_findings(findings, text_map)
        known = {d.id for d in self.debates.debates}
        new = [Debate.model_validate(d) for d in debates if d.get("id") not in known]
        if new:
            self.debates.set_document([*self.debates.debates, *new], text)
        self._update_status()
        self._save_timer.start()
