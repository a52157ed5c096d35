"""File → Export… and File → Import Review…: the window's side of ``doccritic.formats.export``.

Exports run on the worker pool (PDF on the UI thread: it paints with Qt), from a snapshot of the
review taken when the PM clicks, so typing on meanwhile changes nothing in the file being written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from doccritic.formats.export import ExportFormat, ExportOptions

if TYPE_CHECKING:
    from doccritic.core.findings import Finding
    from doccritic.ui.files import Messages
    from doccritic.ui.review_session import ReviewSession
    from doccritic.ui.runner import Runner


class ExportsHost(Protocol):
    """What exporting and importing need from the window around them (``ui.claude_side.ClaudeSide``)."""

    banner: Messages

    def show_status(self, text: str, timeout_ms: int) -> None: ...

    def personas(self) -> dict[str, Any]: ...

    def show_imported(self, findings: list[Finding], debates: list[dict]) -> None: ...


@dataclass
class ExportChoice:
    fmt: ExportFormat
    path: Path
    options: ExportOptions
    open_when_done: bool

    def __post_init__(self) -> None:
        self.fmt = ExportFormat.named(self.fmt)  # a plain "pdf" too: PDF is painted on the UI thread


class ExportDialog(QDialog):
    def __init__(self, default: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export review")
        self.setMinimumWidth(540)
        self._source = default
        self._stem = default.with_suffix("")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.format = QComboBox()
        for fmt in ExportFormat:
            self.format.addItem(fmt.label, fmt.value)
        self.format.currentIndexChanged.connect(self._format_changed)
        form.addRow("Format", self.format)
        self.path = QLineEdit()
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow("Save as", row)
        self.dismissed = QCheckBox("Include dismissed findings")
        self.checks = QCheckBox("Include offline-check findings")
        self.debates = QCheckBox("Include debates")
        self.footnotes = QCheckBox("Markdown: footnotes instead of CriticMarkup")
        self.summary = QCheckBox("Word: findings not tied to a passage in a summary at the end")
        self.open_after = QCheckBox("Open the file when done")
        for box in (self.checks, self.debates, self.open_after):
            box.setChecked(True)
        for box in (self.dismissed, self.checks, self.debates, self.footnotes, self.summary, self.open_after):
            form.addRow("", box)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._format_changed()

    def fmt(self) -> ExportFormat:
        return ExportFormat(self.format.currentData())

    def _format_changed(self, *_: object) -> None:
        fmt = self.fmt()
        suffix = fmt.suffix
        if self._source.suffix.lower() in (suffix, ".markdown") or fmt is ExportFormat.DOCX:
            suffix = ".review" + suffix  # never propose the draft's own file
        self.path.setText(str(self._stem) + suffix)
        self._offer(self.footnotes, fmt is ExportFormat.MARKDOWN, "Footnotes are a Markdown option")
        self._offer(self.summary, fmt is ExportFormat.DOCX, "The summary of unplaced findings is a Word option")
        self._offer(self.debates, fmt.has_debates, "Word and Markdown exports hold no debates")

    def _offer(self, box: QCheckBox, available: bool, why: str) -> None:
        """An option the format lacks is shown off and unticked (its tooltip says why), not ticked and greyed:
        the PM's own choice comes back when they pick a format that has it."""
        if available == box.isEnabled():
            return
        if available:
            box.setChecked(bool(box.property("chosen")))
            box.setToolTip("")
        else:
            box.setProperty("chosen", box.isChecked())
            box.setChecked(False)
            box.setToolTip(why)
        box.setEnabled(available)

    def _browse(self) -> None:
        suffix = self.fmt().suffix
        chosen, _ = QFileDialog.getSaveFileName(self, "Export review", self.path.text(), f"*{suffix}")
        if chosen:
            self.path.setText(chosen if chosen.endswith(suffix) else chosen + suffix)

    def choice(self) -> ExportChoice:
        options = ExportOptions(include_dismissed=self.dismissed.isChecked(), include_checks=self.checks.isChecked(),
                                include_debates=self.debates.isChecked(),
                                markdown_style="footnotes" if self.footnotes.isChecked() else "critic",
                                unplaced="summary" if self.summary.isChecked() else "title")
        return ExportChoice(self.fmt(), Path(self.path.text()).expanduser(), options,
                            self.open_after.isChecked())


class ExportsController(QObject):
    exported = Signal(str)  # the written path
    failed = Signal(str)  # one sentence
    imported = Signal(int)  # findings restored

    def __init__(self, session: ReviewSession, host: ExportsHost, worker: Runner, parent: QWidget) -> None:
        super().__init__(parent)
        self.session, self.host, self.worker, self._parent = session, host, worker, parent

    def export_dialog(self) -> None:
        s = self.session
        if s.snapshot is None or s.info is None:
            return
        base = s.path or Path.home() / "review"
        dialog = ExportDialog(base, self._parent)
        if dialog.exec():
            self.export(dialog.choice())

    def export(self, choice: ExportChoice) -> None:
        """Write the current review (as shown, decisions included) in the background."""
        s = self.session
        if s.snapshot is None:
            return
        review = s.current_review()
        if review is None:  # the text changed since the last check: check it now, then export that
            s.checks_applied.connect(lambda: self.export(choice), Qt.ConnectionType.SingleShotConnection)
            s.recheck()
            return
        personas = self.host.personas()
        choice.options.names.update({p.id: p.name for p in personas.values()})
        choice.options.initials.update({p.id: p.initials for p in personas.values()})
        choice.options.colors.update({p.id: p.color for p in personas.values()})
        doc, source = s.snapshot.doc, s.path
        from doccritic.formats.export import export_review

        if choice.fmt is ExportFormat.PDF:  # painted with Qt: on this thread
            from doccritic.ui.pdf_export import export_pdf

            try:
                export_review(review, doc, ExportFormat.PDF, choice.path, choice.options, pdf=export_pdf)
            except Exception as exc:
                self._failed(str(exc) if hasattr(exc, "kind") else f"Export failed ({type(exc).__name__}).")
                return
            self._done(choice, choice.path)
            return
        self.host.show_status(f"Exporting {choice.path.name}…", 0)
        self.worker.submit("export", lambda: export_review(review, doc, choice.fmt, choice.path, choice.options,
                                                           source=source),
                           lambda path: self._done(choice, path), self._failed)

    def _done(self, choice: ExportChoice, path: Path) -> None:
        self.host.show_status(f"Exported to {path}", 6000)
        if choice.open_when_done:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        self.exported.emit(str(path))

    def _failed(self, message: str) -> None:
        self.host.banner.show_message(f"Could not export: {message}")
        self.failed.emit(message)

    # import ----------------------------------------------------------------------------------
    def import_dialog(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self._parent, "Import a review", "",
                                                "Reviews (*.json *.docx);;All files (*)")
        if chosen:
            self.import_file(Path(chosen))

    def import_file(self, path: Path) -> None:
        """Restore a review (JSON, or a .docx doccritic exported) onto the open document."""
        from doccritic.core.errors import DoccriticError
        from doccritic.formats.review_import import merge_into, read_review_file, rebase

        s = self.session
        if s.snapshot is None:
            return
        try:
            review, warnings = rebase(read_review_file(path), s.snapshot.doc)
        except DoccriticError as exc:
            self.host.banner.show_message(str(exc))
            return
        self.host.show_imported(merge_into(s.findings.findings, review.findings), review.debates)
        if review.rounds:  # the review's rounds come with it: the next Re-review continues from them
            from doccritic.core.rounds import with_text

            s.set_rounds(with_text(review.rounds, review.document.text))
        warnings += s.import_context(review.references, review.intent)
        found, held = len(review.findings), len(review.debates)
        note = (f"Imported {found} finding{'' if found == 1 else 's'} and {held} debate{'' if held == 1 else 's'} "
                f"from {path.name}.")
        self.host.banner.show_message(" ".join([note, *warnings]))
        self.imported.emit(len(review.findings))
