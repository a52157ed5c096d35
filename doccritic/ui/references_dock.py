"""The References dock's controller: attaches files, assigns them, edits the intent, opens citations.

State lives in the ReviewSession (``references``, ``intent``; stored with the review, restored when the
document is opened again); this object turns the panel's requests into session calls and shows what the
session then says (``context_changed``, ``reference_failed``). A citation on a finding card opens
:class:`~doccritic.ui.references_panel.ReferenceViewer` at the cited passage.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol, cast

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDockWidget, QFileDialog, QFrame, QScrollArea, QWidget

from doccritic.core.errors import DoccriticError
from doccritic.core.findings import ReferenceCitation
from doccritic.ui.references_panel import ReferencesPanel, ReferenceViewer


class ReferencesHost(Protocol):
    """What the controller needs of the window."""

    session: Any  # ReviewSession
    banner: Any  # Messages: show_message
    critics_dock: QDockWidget

    def addDockWidget(self, area: Any, dock: Any) -> None: ...  # noqa: N802 - Qt's name

    def tabifyDockWidget(self, first: Any, second: Any) -> None: ...  # noqa: N802 - Qt's name


class ReferencesController(QObject):
    viewer_opened = Signal(object)  # the ReferenceViewer, before it is shown (tests look at it)

    def __init__(self, window: ReferencesHost) -> None:
        super().__init__(cast(QObject, window))  # the window is a QObject
        self.window, self.session = window, window.session
        self.panel = ReferencesPanel()
        self.dock = QDockWidget("References", cast(QWidget, window))
        self.dock.setObjectName("references")  # the saved layout finds it by name
        scroll = QScrollArea()  # scrolls rather than holding the left dock wide or the window tall
        scroll.setWidget(self.panel)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.dock.setWidget(scroll)
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.dock)
        window.tabifyDockWidget(window.critics_dock, self.dock)
        window.critics_dock.raise_()
        self.session.context_changed.connect(self._show)
        self.session.reference_failed.connect(lambda message: window.banner.show_message(message))
        self.panel.add_requested.connect(self.add_dialog)
        self.panel.remove_requested.connect(self.session.remove_reference)
        self.panel.assign_requested.connect(self.session.assign_reference)
        self.panel.intent_edited.connect(self.session.set_intent)
        self.panel.open_requested.connect(lambda ref_id: self.open_reference(ref_id))

    def _show(self) -> None:
        self.panel.show_references(self.session.references)
        self.panel.show_intent(self.session.intent)
        names = {r.id: r.name for r in self.session.references}
        if (cards := getattr(self.window, "panel", None)) is not None:  # the Findings sidebar's "Cites R1 name"
            cards.set_reference_names(names)
        if (claude := getattr(self.window, "claude", None)) is not None:  # debate turns' "Cites R1 name"
            claude.set_reference_names(names)

    def set_persona_names(self, names: dict[str, str]) -> None:
        self.panel.set_persona_names(names)

    def add_dialog(self) -> None:
        from doccritic.formats.references import REFERENCE_FILTER

        if self.session.snapshot is None:
            self.window.banner.show_message("Open a document before attaching reference material.")
            return
        paths, _ = QFileDialog.getOpenFileNames(self.panel, "Attach reference material", "", REFERENCE_FILTER)
        self.add_files(Path(p) for p in paths)

    def add_files(self, paths: Iterable[Path], persona: str | None = None) -> None:
        """Attach each file (read on a worker); a file that cannot be used is one message, the rest still come."""
        for path in paths:
            self.session.add_reference(path, persona)

    def open_citation(self, citation: ReferenceCitation) -> ReferenceViewer | None:
        span = (citation.start, citation.end) if citation.placed else None
        return self.open_reference(citation.reference, span)  # type: ignore[arg-type]

    def open_reference(self, ref_id: str, span: tuple[int, int] | None = None) -> ReferenceViewer | None:
        """Show a reference's text, at ``span`` when given; its file is read again if the review kept no text."""
        ref = self.session.reference(ref_id)
        if ref is None:
            self.window.banner.show_message(f"Reference {ref_id} is no longer attached to this review.")
            return None
        text = ref.text
        if text is None and ref.path:
            from doccritic.formats.references import load_reference

            try:
                fresh = load_reference(ref.path)
                text = fresh.text if fresh.fingerprint == ref.fingerprint else None
            except DoccriticError:
                text = None
        if text is None:
            self.window.banner.show_message(f"Cannot open {ref.id} {ref.name}: its file is gone or has changed; "
                                            "attach it again.")
            return None
        if span is not None and not (0 <= span[0] <= span[1] <= len(text)):
            span = None  # an edited file: open it, without pointing at the wrong words
        viewer = ReferenceViewer(ref, text, span, self.panel)
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.viewer_opened.emit(viewer)
        viewer.show()
        return viewer

    def shutdown(self) -> None:
        self.panel.flush_intent()
