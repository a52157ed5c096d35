"""The app's settings: one typed schema with defaults and validation, for the window and the command line.

Stored in ``settings.ini`` in the config folder. The window reads and writes it through QSettings
(``ui/app_settings.py``), the command line reads it here with configparser; both go through
:func:`read`, so a key is spelled once (in a field's ``key``) and a value that cannot be read, or is out
of range, falls back to its default instead of stopping the app. The API key is never a setting: it lives
in the OS keyring or ``ANTHROPIC_API_KEY``.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

THEMES = ("system", "light", "dark")
EFFORTS = ("", "low", "medium", "high", "xhigh", "max")
MAX_RECENT = 10
_T = TypeVar("_T")


class SettingsSource(Protocol):
    """Raw stored values by key (``group/name``): a string, a list of strings, or None when unset."""

    def value(self, key: str) -> object | None: ...


def _key(name: str, default: Any, check: Callable[[Any], bool] | None = None, *, split: bool = False) -> Any:
    """A setting: its stored key, default and range check (``split``: a comma-separated list in one value)."""
    return field(default=default, metadata={"key": name, "check": check, "split": split})


@dataclass(frozen=True)
class ClaudeSettings:
    """How critics and debates reach Claude and how they run (never the key)."""

    base_url: str = _key("claude/base_url", "")  # "" = ANTHROPIC_BASE_URL or Anthropic's API
    local_only: bool = _key("claude/local_only", False)
    allowed_hosts: str = _key("claude/allowed_hosts", "")  # comma-separated, besides this machine
    model: str = _key("claude/model", "")  # "" = the engine's default model
    effort: str = _key("claude/effort", "", lambda v: v in EFFORTS)  # "" = the model's default
    adaptive_thinking: bool = _key("claude/adaptive_thinking", False)
    max_concurrent: int = _key("claude/max_concurrent", 4, lambda v: 1 <= v <= 12)
    max_findings: int = _key("claude/max_findings", 6, lambda v: 1 <= v <= 20)
    budget_usd: float = _key("claude/budget_usd", 0.0, lambda v: 0 <= v <= 10_000)  # 0 = no cap
    read_timeout: float = _key("claude/read_timeout", 0.0, lambda v: 0 <= v <= 3600)  # 0 = the engine's default
    exact_estimate: bool = _key("claude/exact_estimate", False)
    # The checked personas; None = each persona's own default.
    panel: tuple[str, ...] | None = _key("claude/panel", None, split=True)


@dataclass(frozen=True)
class UiSettings:
    """The window's own choices (its geometry and dock layout are kept apart, in window.ini)."""

    theme: str = _key("theme", "system", lambda v: v in THEMES)
    recent: tuple[str, ...] = _key("recent", ())
    hint_dismissed: bool = _key("ui/hint_dismissed", False)
    claude_banner_dismissed: bool = _key("ui/claude_banner_dismissed", False)


@dataclass(frozen=True)
class Settings:
    """Every setting, typed. A changed copy: :meth:`with_claude` / :meth:`with_ui` (validated)."""

    claude: ClaudeSettings = field(default_factory=ClaudeSettings)
    ui: UiSettings = field(default_factory=UiSettings)

    def with_claude(self, **changes: Any) -> Settings:
        return replace(self, claude=validated(replace(self.claude, **changes)))

    def with_ui(self, **changes: Any) -> Settings:
        return replace(self, ui=validated(replace(self.ui, **changes)))


class SettingsError(ValueError):
    """A setting given a value its schema refuses (a programming error: stored values fall back instead)."""


def validated(group: _T) -> _T:
    """``group`` itself when every value is of its type and in range; raises SettingsError naming the field."""
    hints = typing.get_type_hints(type(group))
    for f in fields(group):  # type: ignore[arg-type]
        value = getattr(group, f.name)
        try:
            ok = _convert(value, hints[f.name], f.metadata["split"]) == value and (
                f.metadata["check"] is None or f.metadata["check"](value))
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise SettingsError(f"Setting {f.metadata['key']} cannot be {value!r}.")
    return group


def read(source: SettingsSource) -> Settings:
    """Typed settings from stored values; a value that cannot be read or is out of range gets its default."""
    return Settings(claude=_read_group(ClaudeSettings, source), ui=_read_group(UiSettings, source))


def _read_group(cls: type[_T], source: SettingsSource) -> _T:
    values: dict[str, Any] = {}
    hints = typing.get_type_hints(cls)
    for f in fields(cls):  # type: ignore[arg-type]
        raw = source.value(f.metadata["key"])
        if raw is None:
            continue
        try:
            value = _convert(raw, hints[f.name], f.metadata["split"])
        except (TypeError, ValueError):
            continue
        check = f.metadata["check"]
        if check is None or check(value):
            values[f.name] = value
    return cls(**values)


def stored_values(old: Settings, new: Settings) -> dict[str, str | list[str]]:
    """What to write for the settings that differ: key -> value as the store keeps it."""
    out: dict[str, str | list[str]] = {}
    for group in ("claude", "ui"):
        before, after = getattr(old, group), getattr(new, group)
        for f in fields(after):
            value = getattr(after, f.name)
            if value != getattr(before, f.name):
                out[f.metadata["key"]] = _encode(f.name, value)
    return out


def _encode(name: str, value: object) -> str | list[str]:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, tuple):
        return ",".join(value) if name == "panel" else list(value)  # panel: ids, never a comma inside
    return str(value)


def _convert(raw: object, hint: object, split: bool = False) -> Any:
    """``raw`` (as a store hands it back: text, a number or a list) as the type ``hint`` names."""
    if hint is bool:
        text = str(raw).strip().lower()
        if text in ("true", "1", "yes", "on"):
            return True
        if text in ("false", "0", "no", "off", ""):
            return False
        raise ValueError(raw)
    if hint is int:
        number = float(str(raw))
        if not number.is_integer():
            raise ValueError(raw)
        return int(number)
    if hint is float:
        return float(str(raw)) if str(raw).strip() else 0.0
    if hint is str:
        if not isinstance(raw, str):
            raise TypeError(raw)
        return raw.strip()
    if raw is None:
        return None
    # One stored string is a list of one (a path may hold a comma), or ids joined by commas.
    items = list(raw) if isinstance(raw, list | tuple) else str(raw).split(",") if split else [str(raw)]
    names = tuple(s for s in (str(i).strip() for i in items) if s)
    return (names or None) if split else names


class IniFile:
    """``settings.ini`` read with configparser (the command line), understanding what QSettings wrote."""

    def __init__(self, path: Path | None = None) -> None:
        if path is None:
            from doccritic import paths

            path = paths.config_dir() / "settings.ini"
        import configparser  # the window reads this file through QSettings: only the command line needs it

        self._parser = configparser.ConfigParser(interpolation=None, strict=False)
        self._parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
        try:
            self._parser.read(path, encoding="utf-8")
        except (configparser.Error, OSError, UnicodeDecodeError):
            self._parser = configparser.ConfigParser(interpolation=None)

    def value(self, key: str) -> object | None:
        group, _, name = key.rpartition("/")
        raw = self._parser.get(group or "General", name, fallback=None)
        return None if raw is None else _qsettings_value(raw)


def load(path: Path | None = None) -> Settings:
    """The saved settings, for the command line: it runs critics the way the app would."""
    return read(IniFile(path))


def _qsettings_value(raw: str) -> str | list[str] | None:
    """An INI value as QSettings writes it: ``"quoted, text"``, a list ``a, "b, c"``, ``\\\\`` escapes."""
    raw = raw.strip()
    if raw.startswith("@Invalid"):
        return None
    items: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for ch in raw:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            items.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    items.append("".join(current).strip())
    return items[0] if len(items) == 1 else items
