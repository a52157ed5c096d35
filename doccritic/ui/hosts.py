"""What the debates controller uses of the window around it, as a protocol (no window import, no import circle).

The critics and exports controllers have narrow hosts of their own (``critics.CriticsHost``,
``exports.ExportsHost``); the debates controller still reaches these window members, listed here so that
they stay put until it gets its own session-based host.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDockWidget, QStatusBar

    from doccritic.core.findings import Finding
    from doccritic.ui.app_settings import AppSettings
    from doccritic.ui.critics import CriticsController
    from doccritic.ui.editor import DocumentEditor
    from doccritic.ui.files import Messages
    from doccritic.ui.findings_panel import FindingsPanel
    from doccritic.ui.session import Snapshot
    from doccritic.ui.textpos import Utf16Map


class DebatesHost(Protocol):
    """The window, as ``ui.debates.DebatesController`` sees it."""

    banner: Messages
    settings: AppSettings
    editor: DocumentEditor
    panel: FindingsPanel
    findings_dock: QDockWidget

    @property
    def critics(self) -> CriticsController: ...

    @property
    def snapshot(self) -> Snapshot | None: ...

    def open_claude_settings(self) -> None: ...

    def schedule_review_save(self) -> None: ...

    def add_critic_findings(self, cards: list[Finding], text_map: Utf16Map) -> None: ...

    def statusBar(self) -> QStatusBar: ...  # noqa: N802 - Qt's name
