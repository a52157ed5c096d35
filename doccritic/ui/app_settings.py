"""The window's settings: the typed schema of ``core.settings``, kept in ``settings.ini`` through QSettings.

Read once when the window starts; every change goes through :meth:`AppSettings.update_claude` or
:meth:`AppSettings.update_ui`, which validate it and write only what changed, so the command line
(reading the same file with configparser) sees it at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

from doccritic.core import settings as schema
from doccritic.core.settings import ClaudeSettings, Settings, UiSettings


class _QSource:
    def __init__(self, store: QSettings) -> None:
        self._store = store

    def value(self, key: str) -> object | None:
        return self._store.value(key)


class AppSettings:
    """Typed settings for the window, backed by QSettings (INI, in the config folder)."""

    def __init__(self, path: Path) -> None:
        self._store = QSettings(str(path), QSettings.Format.IniFormat)
        self.current: Settings = schema.read(_QSource(self._store))

    @property
    def claude(self) -> ClaudeSettings:
        return self.current.claude

    @property
    def ui(self) -> UiSettings:
        return self.current.ui

    def update_claude(self, **changes: Any) -> None:
        """Change Claude settings (raises ``SettingsError`` for a value out of range) and store them."""
        self._store_changes(self.current.with_claude(**changes))

    def update_ui(self, **changes: Any) -> None:
        self._store_changes(self.current.with_ui(**changes))

    def _store_changes(self, new: Settings) -> None:
        for key, value in schema.stored_values(self.current, new).items():
            self._store.setValue(key, value)
        self.current = new
        self._store.sync()

    def file_name(self) -> str:
        return self._store.fileName()

    def sync(self) -> None:
        self._store.sync()
