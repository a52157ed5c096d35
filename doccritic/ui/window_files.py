"""The review window's file work: open, save, reload, close, outside changes and the crash journal.

A mixin of :class:`~doccritic.ui.main_window.MainWindow` (it uses the window's editor, banner, watcher,
runner and journal), kept apart so that the window module stays about building and wiring the window.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QFileDialog, QMessageBox

from doccritic.core.settings import MAX_RECENT
from doccritic.ui import session

if TYPE_CHECKING:
    from doccritic.ui.main_window import MainWindow

FILTER = "Documents (*.md *.markdown *.txt *.rst *.docx);;All files (*)"


class FileActions:
    """Open, save, reload and close; outside changes to the file; unsaved text in the journal."""

    def open_dialog(self: MainWindow) -> None:
        start = str(self.info.path.parent) if self.info and self.info.path else str(Path.home())
        name, _ = QFileDialog.getOpenFileName(self, "Open document", start, FILTER)
        if name:
            self.open_path(name)

    def save(self: MainWindow) -> bool:
        if self.info is None or self.info.read_only:
            return False
        if self.info.path is None:
            return self.save_as()
        return self._write(self.info.path)

    def save_as(self: MainWindow) -> bool:
        if self.info is None or self.info.read_only:
            return False
        start = str(self.info.path) if self.info.path else str(Path.home() / "untitled.md")
        name, _ = QFileDialog.getSaveFileName(self, "Save document as", start, FILTER)
        return bool(name) and self._write(Path(name))

    def _write(self: MainWindow, path: Path) -> bool:
        assert self.info is not None
        watched = str(path) in self.watcher.files()
        if watched:
            self.watcher.removePath(str(path))  # our own write is not an outside change
        try:
            session.save(self.info, self.editor.toPlainText(), path)
        except OSError as err:
            reason = (err.strerror or type(err).__name__).lower()
            self.banner.show_message(
                f"Could not save {path.name}: {reason}. Your text is still here; use Save As to save it elsewhere.",
                [("Save As…", self.save_as)],
            )
            return False
        finally:
            if path.exists():
                self.watcher.addPath(str(path))
        self.info.path = path
        self.editor.document().setModified(False)
        self._journal_timer.stop()
        with self._journal_lock:
            self._journal_written = next(self._journal_seq)  # journal writes still in flight are now stale
            self.journal.discard(path)
        self._remember_recent(path)
        self.statusBar().showMessage(f"Saved {path.name}", 3000)
        self._update_title()
        return True

    def reload(self: MainWindow) -> None:
        if self.info and self.info.path:
            self.editor.document().setModified(False)
            self.open_path(self.info.path)

    def close_document(self: MainWindow) -> None:
        if not self._confirm_discard():
            return
        if self.info and self.info.path:
            self.watcher.removePath(str(self.info.path))
        self.info = self.snapshot = None
        self._debates_to_show = None
        if self._debates is not None:
            self._debates.set_document([], "")
        self.findings.update_findings([])
        self.editor.set_findings([])
        self.editor.blockSignals(True)
        self.editor.clear()
        self.editor.blockSignals(False)
        self.editor.document().setModified(False)
        self.outline.set_sections([])
        self.banner.hide()
        self._update_status()
        self._update_title()

    def _confirm_discard(self: MainWindow) -> bool:
        if self.info is None or self.info.read_only or not self.editor.document().isModified():
            return True
        answer = QMessageBox.question(
            self,
            "Unsaved changes",
            "This document has unsaved changes. Save them first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self._discard_journal()
            return True
        return False

    def _file_changed_on_disk(self: MainWindow, name: str) -> None:
        if self.info is None or str(self.info.path) != name:
            return
        if not Path(name).exists():
            self.banner.show_message(
                f"{Path(name).name} was moved or deleted on disk. Your text is still here.",
                [("Save As…", self.save_as)],
            )
            return
        self.watcher.addPath(name)  # some editors replace the file, which drops the watch
        self.banner.show_message(
            f"{Path(name).name} changed on disk.", [("Reload", self.reload)]
        )

    def _show_open_notes(self: MainWindow, info: session.OpenFile) -> None:
        notes = list(info.warnings)
        if info.read_only:
            notes.insert(0, "Word documents open for review only: make edits in Word, then Reload (Ctrl+R).")
        if notes:
            self.banner.show_message(" ".join(notes))
        else:
            self.banner.hide()

    def _offer_recovery(self: MainWindow, entry) -> None:
        """Say plainly that the text is not back yet; nothing recovered is lost without a worded discard:
        the banner's Dismiss only hides it (the text stays set aside and is offered again on reopening)."""
        when = entry.at.astimezone().strftime("%Y-%m-%d %H:%M")
        self.banner.show_message(
            f"doccritic did not close normally: unsaved changes to this document from {when} are kept but not "
            "shown. Restore puts them in the editor.",
            [("Restore", lambda: self._restore_journal(entry)),
             ("Delete recovered changes…", lambda: self._delete_recovered(entry))],
            on_dismiss=lambda: self.statusBar().showMessage(
                "The recovered changes are kept; they are offered again when you reopen this document.", 8000),
        )

    def _restore_journal(self: MainWindow, entry) -> None:
        cursor = QTextCursor(self.editor.document())
        cursor.beginEditBlock()  # one undo step back to the file's version
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(entry.text)
        cursor.endEditBlock()
        if self.info and self.info.path:
            self._write_journal()  # the restored text is the live journal now
            self.journal.drop_recovered(self.info.path, entry)
        self.statusBar().showMessage("Recovered text restored; save to keep it.", 5000)

    def _delete_recovered(self: MainWindow, entry) -> None:
        answer = QMessageBox.question(
            self, "Delete recovered changes",
            "Delete the unsaved changes recovered from the last session? They cannot be brought back.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            QTimer.singleShot(0, lambda: self._offer_recovery(entry))  # still there: the banner comes back
            return
        if self.info and self.info.path:
            self.journal.drop_recovered(self.info.path, entry)

    def _discard_journal(self: MainWindow) -> None:
        if self.info and self.info.path:
            self.journal.discard(self.info.path)

    def _write_journal(self: MainWindow) -> None:
        """Copy unsaved text to the journal on a worker thread; writes land in order."""
        if self.info is None or self.info.path is None or not self.editor.document().isModified():
            return
        path, text, seq = self.info.path, self.editor.toPlainText(), next(self._journal_seq)

        def write() -> None:
            with self._journal_lock:
                if seq > self._journal_written:
                    self.journal.write(path, text)
                    self._journal_written = seq

        self.runner.submit("journal", write, lambda _: self.journal_written.emit())

    def flush_journal(self: MainWindow) -> None:
        """Write unsaved text to the journal now, on this thread: an unexpected error is being reported
        (``ui.crash``), and what happens next may not go well."""
        if self.info is None or self.info.path is None or not self.editor.document().isModified():
            return
        with self._journal_lock:
            self.journal.write(self.info.path, self.editor.toPlainText())
            self._journal_written = next(self._journal_seq)

    def _remember_recent(self: MainWindow, path: Path) -> None:
        recent = [p for p in self.settings.ui.recent if p != str(path)]
        self.settings.update_ui(recent=(str(path), *recent)[:MAX_RECENT])

    def _fill_recent(self: MainWindow) -> None:
        self.recent_menu.clear()
        for name in self.settings.ui.recent:
            self._action(self.recent_menu, name, lambda _=False, n=name: self.open_path(n))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("No recent documents").setEnabled(False)
