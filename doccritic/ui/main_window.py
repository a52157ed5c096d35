"""The review workspace: editor in the middle, outline and findings docks, menus and status bar."""

from __future__ import annotations

import itertools
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QFileSystemWatcher, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from doccritic import paths
from doccritic.core.errors import DoccriticError
from doccritic.core.findings import Finding, Kind, Review, Source, Status
from doccritic.core.journal import Journal
from doccritic.core.store import ReviewStore
from doccritic.formats.loader import SUPPORTED_SUFFIXES
from doccritic.ui import gc_guard, session
from doccritic.ui.app_settings import AppSettings
from doccritic.ui.editor import DocumentEditor
from doccritic.ui.findings_model import FindingsModel
from doccritic.ui.findings_panel import FindingsPanel
from doccritic.ui.outline import OutlineView
from doccritic.ui.runner import Runner
from doccritic.ui.style import KIND_STYLES
from doccritic.ui.textpos import Utf16Map
from doccritic.ui.widgets import Banner, FindBar, StatusLabel
from doccritic.ui.window_claude import ClaudeActions
from doccritic.ui.window_decisions import DecisionActions
from doccritic.ui.window_files import FileActions
from doccritic.ui.window_menus import MenuActions

if TYPE_CHECKING:
    from doccritic.ui.critics import CriticsController
    from doccritic.ui.debates import DebatesController
    from doccritic.ui.exports import ExportsController
    from doccritic.ui.preload import Preload

JOURNAL_INTERVAL_MS = 1500  # unsaved edits reach the journal within this (the issue asks for <= 2 s)
SAVE_DELAY_MS = 800  # decisions and re-checks are stored this long after the last change
RECHECK_DELAY_MS = 400  # typing pause before offline checks re-run (the issue asks for <= 500 ms)


class MainWindow(FileActions, DecisionActions, ClaudeActions, MenuActions, QMainWindow):
    document_ready = Signal()  # a document is shown with its checks (first time after each open)
    checks_applied = Signal()  # a (re)check result reached the editor and the sidebar
    load_failed = Signal(str)  # one sentence saying why a document could not be opened
    journal_written = Signal()  # unsaved text reached the crash-recovery journal

    def __init__(self, runner: Runner | None = None) -> None:
        super().__init__()
        gc_guard.install(QApplication.instance())  # garbage is collected on this thread, never on a worker
        self.runner = runner or Runner(self)
        self.info: session.OpenFile | None = None
        self.snapshot: session.Snapshot | None = None
        self.findings = FindingsModel(self)
        self._critics: CriticsController | None = None
        self._debates: DebatesController | None = None
        self._exports: ExportsController | None = None
        self._debates_to_show: tuple[list, str] | None = None  # the open document's, until the Debate dock is built
        self._pending_ready = False
        self._recheck_timer = QTimer(self, singleShot=True, interval=RECHECK_DELAY_MS, timeout=self._recheck)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self._file_changed_on_disk)
        self.settings = AppSettings(paths.config_dir() / "settings.ini")
        self.window_state = QSettings(str(paths.config_dir() / "window.ini"), QSettings.Format.IniFormat)
        self._save_timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS, timeout=self._save_review)
        self.store = self._open_store()
        self.journal = Journal()
        self._journal_timer = QTimer(self, singleShot=True, interval=JOURNAL_INTERVAL_MS, timeout=self._write_journal)
        self._journal_lock = threading.Lock()
        self._journal_seq = itertools.count(1)
        self._decision_steps: list = []  # decisions that edited the text, for Ctrl+Z (window_decisions)
        self._undo_depth = 0
        self._journal_written = 0
        self._build_central()
        self._build_docks()
        self._build_menus()
        self._build_status_bar()
        self.setAcceptDrops(True)
        self.resize(1280, 820)
        self._restore_window()
        self._update_title()

    # construction ----------------------------------------------------------------------------
    def _build_central(self) -> None:
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.banner = Banner()
        self.editor = DocumentEditor()
        self.editor.setPlaceholderText("Open a PRD (Markdown, Word or text) with Ctrl+O, or drop it here.")
        self.find_bar = FindBar(self.editor)
        for widget in (self.banner, self.find_bar, self.editor):
            layout.addWidget(widget, 1 if widget is self.editor else 0)
        self.setCentralWidget(central)
        self.editor.textChanged.connect(self._text_changed)
        self.editor.finding_clicked.connect(self._finding_clicked)
        self.editor.spans_touched.connect(self._spans_touched)
        self.editor.document().modificationChanged.connect(lambda _: self._update_title())
        self.editor.document().contentsChanged.connect(self._undo_moved)

    def _build_docks(self) -> None:
        self.panel = FindingsPanel(self.findings)
        self.panel.finding_selected.connect(self._card_selected)
        self.panel.decision_requested.connect(lambda action, ids: self.decide(action, ids))
        self.panel.place_requested.connect(self.place_on)
        self.panel.text_source = lambda: self.editor.toPlainText()
        self.findings_dock = QDockWidget("Findings", self, objectName="findings")
        self.findings_dock.setWidget(self.panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.findings_dock)
        self.outline = OutlineView()
        self.outline.heading_activated.connect(self._jump_to_offset)
        self.outline_dock = QDockWidget("Outline", self, objectName="outline")
        self.outline_dock.setWidget(self.outline)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.outline_dock)
        # The Claude docks are placed now (the saved layout restores them) and filled once the first
        # document is on screen: see _build_claude_ui.
        self.critics_dock = QDockWidget("Critics", self, objectName="critics")
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.critics_dock)
        self.debate_dock = QDockWidget("Debate", self, objectName="debate")
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.debate_dock)
        self.tabifyDockWidget(self.findings_dock, self.debate_dock)
        self.findings_dock.raise_()
        self.editor.debate_requested.connect(lambda text: self.debates.new_debate(focus=text))
        self.panel.debate_requested.connect(self._debate_finding)
        self.panel.hint.dismissed.connect(self._hint_dismissed)
        self.resizeDocks([self.outline_dock, self.findings_dock], [220, 420], Qt.Orientation.Horizontal)

    def _build_status_bar(self) -> None:
        self.words_label = QLabel()
        self.counts_label = StatusLabel()
        self.model_label = StatusLabel()  # filled by _build_claude_ui
        for label in (self.counts_label, self.words_label, self.model_label):
            self.statusBar().addPermanentWidget(label)  # transient messages must not hide them

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        width = event.size().width()  # leave the left third of the status bar to messages
        self.counts_label.setMaximumWidth(round(width * 0.36))
        self.model_label.setMaximumWidth(round(width * 0.28))

    # opening and saving ----------------------------------------------------------------------
    def open_path(self, path: Path | str, preload: Preload | None = None) -> None:
        """Open a file in the background; the window stays responsive while it loads. ``preload`` is the
        same file already being read and checked by a helper process (see ``ui.preload``)."""
        path = Path(path).expanduser()
        if not self._confirm_discard():
            if preload is not None:
                preload.discard()
            return
        self.statusBar().showMessage(f"Opening {path.name}…")
        self._pending_ready = True
        store, journal = self.store, self.journal

        if preload is not None and preload.path != path:  # not this file after all
            preload.discard()
            preload = None

        def load() -> tuple[session.OpenFile, session.Snapshot]:
            prepared = preload.result() if preload is not None else None
            return session.open_for_editing(path, store, journal, prepared)

        self.runner.submit(
            "load",
            load,
            self._opened,
            lambda message: self._open_failed(path, message),
        )

    def _opened(self, result: tuple[session.OpenFile, session.Snapshot]) -> None:
        info, snap = result
        if self.info and self.info.path and str(self.info.path) in self.watcher.files():
            self.watcher.removePath(str(self.info.path))
        self.info = info
        self.runner.cancel("checks")
        self._recheck_timer.stop()
        self.findings.update_findings(snap.restored)  # saved decisions and critic findings come back
        # How to colour it first, so that setPlainText colours each line once.
        self.editor.highlighter.configure(markdown=info.format.value == "markdown",
                                          structure=_line_structure(snap) if info.read_only else {})
        self.editor.blockSignals(True)
        self.editor.setPlainText(snap.text)
        self.editor.blockSignals(False)
        self.editor.document().setModified(False)
        self.editor.setReadOnly(info.read_only)
        self._apply_snapshot(snap)
        if self._debates is None:
            self._debates_to_show = (snap.debates, snap.text)
        else:
            self.debates.set_document(snap.debates, snap.text)
        if info.path:
            self.watcher.addPath(str(info.path))
            self._remember_recent(info.path)
        self._show_open_notes(info)
        if snap.checks.note and not self.banner.isVisible():  # e.g. not English: few findings ≠ nothing to fix
            self.banner.show_message(snap.checks.note)
        if snap.recovered is not None:
            self._offer_recovery(snap.recovered)
        self.statusBar().showMessage(f"Opened {info.path.name if info.path else 'document'}", 3000)
        self._update_title()

    def _open_failed(self, path: Path, message: str) -> None:
        self._pending_ready = False
        self._build_claude_ui_soon()
        self.statusBar().clearMessage()
        self.banner.show_message(message)
        self.load_failed.emit(message)

    # checks ----------------------------------------------------------------------------------
    def _text_changed(self) -> None:
        if self.info is not None and not self.info.read_only:
            self._recheck_timer.start()
            if not self._journal_timer.isActive():
                self._journal_timer.start()  # not restarted on each key: a write at least every interval

    def _recheck(self) -> None:
        if self.info is None or self.info.read_only:
            return
        text, fmt, path = self.editor.toPlainText(), self.info.format, self.info.path
        self.runner.submit_stoppable("checks", lambda stop: session.recheck(text, fmt, path, should_stop=stop),
                                     self._rechecked)

    def _rechecked(self, snap: session.Snapshot) -> None:
        if snap.text != self.editor.toPlainText():
            return  # the user kept typing; the pending re-check will bring fresh results
        self._apply_snapshot(snap)

    def _apply_snapshot(self, snap: session.Snapshot) -> None:
        """Show a parsed version's check findings, keeping decisions made on findings that remain."""
        self.snapshot = snap
        kept = []
        for f in snap.checks.findings:
            old = self.findings.finding(f.id)
            if old is not None and (old.status is not Status.OPEN or old.replies):
                f = f.model_copy(update={"status": old.status, "replies": old.replies})
            kept.append(f)
        text_map = Utf16Map(snap.text)  # == the editor's text: typed-on results never get here
        others = [self._with_live_span(f, text_map) for f in self.findings.findings if f.source is not Source.CHECK]
        others = [f for f in others if f is not None]
        self.findings.update_findings(kept + others)
        self.findings.set_sections(self._sections_by_finding(kept + others))
        self.editor.set_findings(self.findings.findings, text_map)
        current = self.panel.current_id()
        if current:
            self.editor.set_active(current)
        self.outline.set_sections(snap.doc.sections)
        self._sections_to_critics(snap)
        self._update_status()
        self._save_timer.start()
        self.checks_applied.emit()
        if self._pending_ready:
            self._pending_ready = False
            self._first_run_hints()
            self._build_claude_ui_soon()
            self.document_ready.emit()

    # critic findings -------------------------------------------------------------------------
    def _first_run_hints(self) -> None:
        """The sidebar's "how to read this", until the PM says "Got it"."""
        if not self.settings.ui.hint_dismissed:
            self.panel.hint.show()

    def _hint_dismissed(self) -> None:
        self.settings.update_ui(hint_dismissed=True)

    def schedule_review_save(self) -> None:
        self._save_timer.start()

    def _sections_by_finding(self, findings: list[Finding]) -> dict[str, str]:
        assert self.snapshot is not None
        out = {}
        for f in findings:
            section = self.snapshot.doc.section_at(f.start) if f.start is not None else None
            out[f.id] = section.title if section else ""
        return out

    # decisions -------------------------------------------------------------------------------
    # saved reviews ---------------------------------------------------------------------------
    def _open_store(self) -> ReviewStore | None:
        """The store opens on a worker when the first document loads; a problem with it is shown then."""
        try:
            return ReviewStore(lazy=True)
        except DoccriticError as err:  # only a bad data folder location fails this early
            message = f"{err} Reviews will not be saved."  # `err` is unbound once the except block ends
            QTimer.singleShot(0, lambda: self.banner.show_message(message))
            return None

    def recheck_now(self) -> None:
        """Re-check the current text without waiting for the typing pause (``checks_applied`` follows)."""
        self._recheck_timer.stop()
        self._recheck()

    def current_review(self) -> Review | None:
        """The review as shown, on the last parsed text: live highlight positions, decisions, debates.

        None while a re-check is pending (the findings' offsets would not match ``snapshot.text``).
        """
        if self.snapshot is None or self.editor.toPlainText() != self.snapshot.text:
            return None
        from doccritic.formats.review_json import review_for  # not needed to show the first document

        text_map = Utf16Map(self.snapshot.text)
        findings = [self._with_live_span(f, text_map) for f in self.findings.findings]
        review = review_for(self.snapshot.doc, [f for f in findings if f is not None])
        if self._debates is not None:
            review.debates = self._debates.saved(self.snapshot.text)
        elif self._debates_to_show is not None:  # closed before the Debate dock was built: keep them as loaded
            review.debates = [d.model_dump(mode="json") for d in self._debates_to_show[0]]
        return review

    def _save_review(self) -> None:
        """Store the review when the findings' offsets match the text (i.e. after a re-check)."""
        if self.store is None or self.info is None or self.info.path is None:
            return
        review = self.current_review()
        if review is None:
            return  # a re-check is pending; it will save again
        store = self.store
        self.runner.submit(
            "store", lambda: store.save(review), lambda _: None,
            lambda message: self.statusBar().showMessage(f"Could not save the review: {message}", 5000),
        )

    # navigation ------------------------------------------------------------------------------
    # window chrome ---------------------------------------------------------------------------
    def _update_status(self) -> None:
        doc = self.snapshot.doc if self.snapshot else None
        self.words_label.setText(f"{doc.word_count:,} words" if doc else "")
        counts = dict.fromkeys(Kind, 0)
        for f in self.findings.findings:
            if f.status in (Status.OPEN, Status.OUTDATED):
                counts[f.kind] += 1
        parts = [f"{n} {KIND_STYLES[k].label.lower()}{'s' if n != 1 else ''}" for k, n in counts.items() if n]
        self.counts_label.setText(" · ".join(parts) if parts else ("No open findings" if doc else ""))

    def _update_title(self) -> None:
        name = self.info.path.name if self.info and self.info.path else "doccritic"
        modified = "*" if self.editor.document().isModified() else ""
        suffix = " (review only)" if self.info and self.info.read_only else ""
        self.setWindowTitle(f"{modified}{name}{suffix} — doccritic" if self.info else "doccritic")
        self.save_action.setEnabled(bool(self.info and not self.info.read_only))
        self.save_as_action.setEnabled(bool(self.info and not self.info.read_only))

    def fit_docks_to_width(self) -> None:
        """Share the width so the document keeps most of it: at 1024 px the docks take ~42% (164 + 266 px),
        growing to 240 + 420 px at 1440 px and no wider after, so the editor gets the rest."""
        share = min(1.0, max(0.0, (self.width() - 1024) / (1440 - 1024)))
        left, right = round(164 + share * (240 - 164)), round(266 + share * (420 - 266))
        self.panel.arrange_for(right)  # two rows of filters below ~400 px: they no longer hold the dock wide
        for dock in (self.findings_dock, self.debate_dock, self.critics_dock):
            dock.layout().activate()  # docks just given their widgets: their new minimum widths count now
        self.layout().activate()
        self.resizeDocks([self.outline_dock, self.findings_dock], [left, right], Qt.Orientation.Horizontal)

    def _restore_window(self) -> None:
        # Dock state first: restoring it after the geometry lets hidden docks shrink the window.
        state = self.window_state.value("state")
        self._fit_docks = state is None  # done once the Claude docks are filled (window_claude)
        if state is not None:
            self.restoreState(state)
        else:  # the Critics dock is filled after the first paint: give it its room now
            self.resizeDocks([self.outline_dock, self.critics_dock], [330, 480], Qt.Orientation.Vertical)
        geometry = self.window_state.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if any(Path(u.toLocalFile()).suffix.lower() in SUPPORTED_SUFFIXES for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        files = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            self.open_path(files[0])
            event.acceptProposedAction()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._critics is None and not self._pending_ready:  # no document on its way: nothing to wait for
            self._build_claude_ui_soon()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self._confirm_discard():
            event.ignore()
            return
        self.window_state.setValue("geometry", self.saveGeometry())
        self.window_state.setValue("state", self.saveState())
        self.window_state.sync()
        self.settings.sync()
        self.runner.cancel("load")
        self.runner.cancel("checks")
        if self._debates is not None:
            self._debates.stop_all()
        if self._critics is not None:  # first: a run stopped now still hands over its findings to be saved
            self._critics.shutdown()
        if self._save_timer.isActive():
            self._save_timer.stop()
            self._save_review()
        self.runner.wait(3000)
        if self.store is not None:
            self.store.close()
            self.store = None
        event.accept()


def _line_structure(snap: session.Snapshot) -> dict[int, tuple[str, int]]:
    """Block kind per line of a DOCX document's text (one paragraph per line)."""
    doc = snap.doc
    return {doc.line_col(b.start)[0]: (b.kind.value, b.level) for b in doc.blocks}
