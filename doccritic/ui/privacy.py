"""The open document's privacy state for Run and Debate: its never-send mark and its redaction rules.

Owned by the critics controller; the debates controller asks it too (``debate_problem``), so both
refuse a marked document with the same sentence. The mark and the rules are files (core.never_send,
core.redaction) read on every question, so a change made by the command line or an editor counts at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from doccritic.core.errors import DoccriticError
from doccritic.core.redaction import Redactor

if TYPE_CHECKING:
    from doccritic.ui.files import Messages
    from doccritic.ui.persona_panel import PersonaPanel


class RunState(Protocol):
    """The critics' side as the privacy state sees it: their dock and whether a run is on."""

    panel: PersonaPanel

    def running(self) -> bool: ...


class DocumentPrivacy(QObject):
    """Never Send This Document (a checkable action for menus) and the document's redaction rules."""

    def __init__(self, critics: RunState, banner: Messages, parent: QObject) -> None:
        super().__init__(parent)
        self.critics, self.banner = critics, banner
        self.path: Path | None = None
        self.never_send_action = QAction("Never Send This Document", self, checkable=True)
        self.never_send_action.setToolTip("Block Run and Debate for this document, whatever the endpoint")
        self.never_send_action.triggered.connect(self._set_never_send)

    def document_shown(self, path: Path | None) -> None:
        """A document (or a new version of it) is on screen: show its never-send mark."""
        if path == self.path and path is not None:
            return
        self.path = path
        self._show_never_send()

    def never_send_problem(self) -> str | None:
        """Why this document must not be sent (its mark, or an unreadable mark list), or None."""
        from doccritic.core.never_send import NeverSendMarks, blocked_sentence

        try:
            marked = NeverSendMarks().is_marked(self.path)
        except DoccriticError as err:
            return str(err)
        return blocked_sentence(self.path.name) if marked and self.path else None

    def redactor(self) -> Redactor:
        """This document's redaction rules (global and its own); raises ``RedactionRuleError`` naming a bad one."""
        from doccritic.core.redaction import load_redactor

        return load_redactor(self.path.name if self.path else None)

    def debate_problem(self) -> str | None:
        """Why a debate on this document is refused: its never-send mark, or a redaction rule to fix."""
        if (blocked := self.never_send_problem()) is not None:
            return blocked
        try:
            self.redactor()
        except DoccriticError as err:
            return str(err)
        return None

    def _set_never_send(self, marked: bool) -> None:
        from doccritic.core.never_send import NeverSendMarks

        if self.path is None:
            self.banner.show_message("Save the document first: the never-send mark is kept by file.")
        else:
            try:
                NeverSendMarks().set(self.path, marked)
            except (DoccriticError, OSError) as err:
                self.banner.show_message(f"The never-send mark could not be saved: {err}")
        self._show_never_send()

    def _show_never_send(self) -> None:
        problem = self.never_send_problem()
        self.never_send_action.setChecked(problem is not None)
        panel = self.critics.panel
        if not self.critics.running():
            panel.run_button.setEnabled(problem is None)
        if problem is not None:
            panel.set_summary("Never send: Run and Debate are off for this document.")
        elif panel.summary.text().startswith("Never send"):
            panel.set_summary("")
