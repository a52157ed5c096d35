"""The open document's file: save, save as, reload, outside changes, recent files and recovered text.

Works on the :class:`~doccritic.ui.review_session.ReviewSession` (the file, its journal) and the editor's
text; talks to the PM through the banner, the status line and standard dialogs. Opening itself is the
window's (it shows the document in every dock); this controller asks for it through ``open_path``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from doccritic.core.settings import MAX_RECENT
from doccritic.ui import session as files

if TYPE_CHECKING:
    from doccritic.core.journal import JournalEntry
    from doccritic.ui.app_settings import AppSettings
    from doccritic.ui.editor import DocumentEditor
    from doccritic.ui.review_session import ReviewSession

FILTER = "Documents (*.md *.markdown *.txt *.rst *.docx);;All files (*)"


class Messages(Protocol):
    """The banner above the document: one message with buttons."""

    def show_message(self, text: str, actions: list[tuple[str, Callable[[], object]]] | None = None,
                     on_dismiss: Callable[[], object] | None = None) -> None: ...

    def hide(self) -> None: ...

    def isVisible(self) -> bool: ...  # noqa: N802 - Qt's name


class FilesController(QObject):
    saved = Signal(object)  # the Path written

    def __init__(self, session: ReviewSession, editor: DocumentEditor, banner: Messages, settings: AppSettings,
                 status: Callable[[str, int], None], open_path: Callable[[Path], None], parent: QWidget) -> None:
        super().__init__(parent)
        self.session, self.editor, self.banner, self.settings = session, editor, banner, settings
        self._status, self._open_path, self._parent = status, open_path, parent
        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self._file_changed_on_disk)

    # opening and closing ---------------------------------------------------------------------
    def open_dialog(self) -> None:
        path = self.session.path
        start = str(path.parent) if path else str(Path.home())
        name, _ = QFileDialog.getOpenFileName(self._parent, "Open document", start, FILTER)
        if name:
            self._open_path(Path(name))

    def opened(self, previous: Path | None, info: files.OpenFile) -> None:
        """A document is on screen: watch its file instead of the previous one, list it in Open Recent."""
        self.unwatch(previous)
        if info.path:
            self.watcher.addPath(str(info.path))
            self.remember_recent(info.path)
        notes = list(info.warnings)
        if info.read_only:
            notes.insert(0, "Word documents open for review only: make edits in Word, then Reload (Ctrl+R).")
        if notes:
            self.banner.show_message(" ".join(notes))
        else:
            self.banner.hide()

    def unwatch(self, path: Path | None) -> None:
        if path and str(path) in self.watcher.files():
            self.watcher.removePath(str(path))

    def reload(self) -> None:
        if self.session.path:
            self.editor.document().setModified(False)
            self._open_path(self.session.path)

    def confirm_discard(self) -> bool:
        """True when the open text may go: unmodified, saved now, or the PM chose Discard."""
        if not self.session.editable or not self.editor.document().isModified():
            return True
        answer = QMessageBox.question(
            self._parent,
            "Unsaved changes",
            "This document has unsaved changes. Save them first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self.session.discard_journal()
            return True
        return False

    # saving ----------------------------------------------------------------------------------
    def save(self) -> bool:
        if not self.session.editable:
            return False
        if self.session.path is None:
            return self.save_as()
        return self._write(self.session.path)

    def save_as(self) -> bool:
        if not self.session.editable:
            return False
        path = self.session.path
        start = str(path) if path else str(Path.home() / "untitled.md")
        name, _ = QFileDialog.getSaveFileName(self._parent, "Save document as", start, FILTER)
        return bool(name) and self._write(Path(name))

    def _write(self, path: Path) -> bool:
        assert self.session.info is not None
        self.unwatch(path)  # our own write is not an outside change
        try:
            text = self.editor.text() if self.editor.loading else self.editor.toPlainText()  # Qt's has part of it
            files.save(self.session.info, text, path)
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
        self.session.saved_to(path)
        self.editor.document().setModified(False)
        self.remember_recent(path)
        self._status(f"Saved {path.name}", 3000)
        self.saved.emit(path)
        return True

    def _file_changed_on_disk(self, name: str) -> None:
        if str(self.session.path) != name:
            return
        if not Path(name).exists():
            self.banner.show_message(
                f"{Path(name).name} was moved or deleted on disk. Your text is still here.",
                [("Save As…", self.save_as)],
            )
            return
        self.watcher.addPath(name)  # some editors replace the file, which drops the watch
        self.banner.show_message(f"{Path(name).name} changed on disk.", [("Reload", self.reload)])

    # recovered text --------------------------------------------------------------------------
    def offer_recovery(self, entry: JournalEntry) -> None:
        """Say plainly that the text is not back yet; nothing recovered is lost without a worded discard:
        the banner's Dismiss only hides it (the text stays set aside and is offered again on reopening)."""
        when = entry.at.astimezone().strftime("%Y-%m-%d %H:%M")
        self.banner.show_message(
            f"doccritic did not close normally: unsaved changes to this document from {when} are kept but not "
            "shown. Restore puts them in the editor.",
            [("Restore", lambda: self._restore_journal(entry)),
             ("Delete recovered changes…", lambda: self._delete_recovered(entry))],
            on_dismiss=lambda: self._status(
                "The recovered changes are kept; they are offered again when you reopen this document.", 8000),
        )

    def _restore_journal(self, entry: JournalEntry) -> None:
        cursor = QTextCursor(self.editor.document())
        cursor.beginEditBlock()  # one undo step back to the file's version
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(entry.text)
        cursor.endEditBlock()
        if self.session.path:
            self.session.write_journal()  # the restored text is the live journal now
            self.session.drop_recovered(entry)
        self._status("Recovered text restored; save to keep it.", 5000)

    def _delete_recovered(self, entry: JournalEntry) -> None:
        answer = QMessageBox.question(
            self._parent, "Delete recovered changes",
            "Delete the unsaved changes recovered from the last session? They cannot be brought back.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            QTimer.singleShot(0, lambda: self.offer_recovery(entry))  # still there: the banner comes back
            return
        self.session.drop_recovered(entry)

    # recent files ----------------------------------------------------------------------------
    def remember_recent(self, path: Path) -> None:
        recent = [p for p in self.settings.ui.recent if p != str(path)]
        self.settings.update_ui(recent=(str(path), *recent)[:MAX_RECENT])

    def fill_recent(self, menu: QMenu) -> None:
        menu.clear()
        for name in self.settings.ui.recent:
            menu.addAction(name, functools.partial(self._open_path, Path(name)))
        if menu.isEmpty():
            menu.addAction("No recent documents").setEnabled(False)
