"""One settings schema for the window and the command line: defaults, validation, the same file read alike."""

from __future__ import annotations

import pytest

from doccritic import paths
from doccritic.core import settings
from doccritic.core.settings import Settings, SettingsError


def _write(text: str) -> None:
    paths.config_dir().mkdir(parents=True, exist_ok=True)
    (paths.config_dir() / "settings.ini").write_text(text, encoding="utf-8")


def test_no_file_means_the_defaults():
    loaded = settings.load()
    assert loaded == Settings()
    assert loaded.claude.max_concurrent == 4 and loaded.claude.max_findings == 6 and loaded.ui.theme == "system"


def test_a_bad_or_out_of_range_value_falls_back_to_its_default_and_the_rest_is_kept():
    _write("[General]\ntheme=purple\n[claude]\nmax_concurrent=0\nmax_findings=lots\nbudget_usd=2.5\n"
           "effort=turbo\nlocal_only=true\nmodel=claude-opus-4-8\n")
    c = settings.load().claude
    assert (c.max_concurrent, c.max_findings, c.effort) == (4, 6, "")
    assert (c.budget_usd, c.local_only, c.model) == (2.5, True, "claude-opus-4-8")
    assert settings.load().ui.theme == "system"


def test_a_change_out_of_range_is_refused_naming_the_setting():
    with pytest.raises(SettingsError, match="claude/max_findings"):
        Settings().with_claude(max_findings=50)
    with pytest.raises(SettingsError, match="theme"):
        Settings().with_ui(theme="purple")


def test_what_the_window_writes_the_command_line_reads_back(qapp):
    from doccritic.ui.app_settings import AppSettings

    window_side = AppSettings(paths.config_dir() / "settings.ini")
    window_side.update_claude(base_url="http://127.0.0.1:9/x", panel=("staff-engineer", "legal"), budget_usd=1.25,
                              read_timeout=30.0, adaptive_thinking=True)
    window_side.update_ui(recent=("/docs/a, b.md", "/docs/c.md"), theme="dark", hint_dismissed=True)
    assert settings.load() == window_side.current
    again = AppSettings(paths.config_dir() / "settings.ini")  # the next start of the app
    assert again.current == window_side.current


def test_the_api_key_is_no_setting():
    names = {f for group in (settings.ClaudeSettings, settings.UiSettings) for f in group.__dataclass_fields__}
    assert not any("key" in name for name in names)
