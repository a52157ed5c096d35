"""The review window's menus and the small actions only they trigger (theme, zoom, About).

A mixin of :class:`~doccritic.ui.main_window.MainWindow`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from doccritic.core.settings import THEMES
from doccritic.ui import theme

if TYPE_CHECKING:
    from doccritic.ui.main_window import MainWindow


class MenuActions:
    """File, Edit, View, Review and Help, with the shortcuts a desktop user expects."""

    def _action(self: MainWindow, menu, text: str, slot, shortcut=None, **kw) -> QAction:
        action = QAction(text, self, **kw)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self: MainWindow) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self._action(file, "&Open…", self.open_dialog, QKeySequence.StandardKey.Open)
        self.recent_menu = file.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.save_action = self._action(file, "&Save", self.save, QKeySequence.StandardKey.Save)
        self.save_as_action = self._action(file, "Save &As…", self.save_as, QKeySequence.StandardKey.SaveAs)
        self._action(file, "Re&load", self.reload, "Ctrl+R")
        file.addSeparator()
        self._action(file, "&Export…", lambda: self.exports.export_dialog(), "Ctrl+E")
        self._action(file, "&Import Review…", lambda: self.exports.import_dialog())
        self._action(file, "&Close", self.close_document, QKeySequence.StandardKey.Close)
        file.addSeparator()
        self._action(file, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        edit = bar.addMenu("&Edit")
        self._action(edit, "&Undo", self.editor.undo, QKeySequence.StandardKey.Undo)
        self._action(edit, "&Redo", self.editor.redo, QKeySequence.StandardKey.Redo)
        edit.addSeparator()
        self._action(edit, "&Find…", lambda: self.find_bar.open(), QKeySequence.StandardKey.Find)
        self._action(edit, "&Replace…", lambda: self.find_bar.open(replace=True), "Ctrl+H")
        view = bar.addMenu("&View")
        view.addAction(self.outline_dock.toggleViewAction())
        view.addAction(self.findings_dock.toggleViewAction())
        view.addAction(self.critics_dock.toggleViewAction())
        view.addAction(self.debate_dock.toggleViewAction())
        view.addSeparator()
        self._action(view, "Zoom &In", lambda: self.editor.zoomIn(1), QKeySequence.StandardKey.ZoomIn)
        self._action(view, "Zoom &Out", lambda: self.editor.zoomOut(1), QKeySequence.StandardKey.ZoomOut)
        self._action(view, "&Reset Zoom", self._reset_zoom, "Ctrl+0")
        themes = view.addMenu("&Theme")
        self.theme_group = QActionGroup(self)  # one choice, and the current one is ticked
        current = self.settings.ui.theme
        for name in THEMES:
            action = self._action(themes, name.title(), lambda _=False, n=name: self.set_theme(n), checkable=True)
            action.setChecked(name == current)
            self.theme_group.addAction(action)
        review = self.review_menu = bar.addMenu("&Review")  # kept: the Claude side adds to it later
        self._action(review, "&Next Finding", lambda: self.step_finding(1), "F8")
        self._action(review, "&Previous Finding", lambda: self.step_finding(-1), "Shift+F8")
        self._action(review, "Run &Checks Now", self._recheck, "Ctrl+Shift+K")
        review.addSeparator()
        self._action(review, "Run C&ritics…", lambda: self.critics.run(), "Ctrl+Shift+R")
        self._action(review, "&Stop Critics", lambda: self.critics.stop(), "Ctrl+Shift+X")
        self._action(review, "&Debate…", lambda: self.debates.new_debate(), "Ctrl+Shift+D")
        self._action(review, "&Personas…", self.open_persona_editor)
        self._action(review, "Claude &Settings…", self.open_claude_settings)
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&About doccritic", self._about)

    def set_theme(self: MainWindow, name: str) -> None:
        theme.apply(name)
        self.settings.update_ui(theme=name)
        self.editor.highlighter.set_dark(theme.is_dark_now())
        self.editor.restyle_all()  # new colours, same (live) positions

    def _reset_zoom(self: MainWindow) -> None:
        font = self.editor.font()
        font.setPointSizeF(self.font().pointSizeF() + 1)
        self.editor.setFont(font)

    def _about(self: MainWindow) -> None:
        from doccritic.ui.about import AboutDialog

        AboutDialog(self).exec()
