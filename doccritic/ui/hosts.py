"""What the debates controller uses of the window around it, as a protocol (no window import, no import circle).

Like ``critics.CriticsHost`` and ``exports.ExportsHost``, it is implemented by ``ui.claude_side.ClaudeSide``;
the controller also gets the session, the critics controller (personas, the engine bridge) and the settings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from doccritic.core.findings import Finding
    from doccritic.ui.files import Messages
    from doccritic.ui.textpos import Utf16Map


class DebatesHost(Protocol):
    """The window, as ``ui.debates.DebatesController`` sees it."""

    banner: Messages

    def open_claude_settings(self) -> None: ...

    def show_status(self, text: str, timeout_ms: int) -> None: ...

    def add_critic_findings(self, cards: list[Finding], text_map: Utf16Map) -> None: ...

    def show_finding(self, finding_id: str) -> None:
        """Bring the Findings list to the front with this card selected."""
        ...

    def show_passage(self, start: int, end: int) -> None:
        """Select ``[start, end)`` (code points of the current text) in the editor and scroll to it."""
        ...
