"""Light, dark and system themes (Fusion style with our palettes, so both look the same everywhere)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from doccritic import paths

_DARK = {
    QPalette.ColorRole.Window: "#1f2227",
    QPalette.ColorRole.WindowText: "#e6e8eb",
    QPalette.ColorRole.Base: "#16181c",
    QPalette.ColorRole.AlternateBase: "#22262c",
    QPalette.ColorRole.Text: "#e6e8eb",
    QPalette.ColorRole.Button: "#2a2e35",
    QPalette.ColorRole.ButtonText: "#e6e8eb",
    QPalette.ColorRole.Highlight: "#3d6fb6",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.PlaceholderText: "#9aa3ad",
    QPalette.ColorRole.Mid: "#3a3f47",
    QPalette.ColorRole.ToolTipBase: "#2a2e35",
    QPalette.ColorRole.ToolTipText: "#e6e8eb",
    QPalette.ColorRole.Link: "#7fb4ff",
}
_LIGHT = {
    QPalette.ColorRole.Window: "#f3f4f6",
    QPalette.ColorRole.WindowText: "#1d2127",
    QPalette.ColorRole.Base: "#ffffff",
    QPalette.ColorRole.AlternateBase: "#f7f8fa",
    QPalette.ColorRole.Text: "#1d2127",
    QPalette.ColorRole.Button: "#eceef1",
    QPalette.ColorRole.ButtonText: "#1d2127",
    QPalette.ColorRole.Highlight: "#2f6fd0",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.PlaceholderText: "#636a76",  # 4.5:1 on the window colour too
    QPalette.ColorRole.Mid: "#d5d9df",
    QPalette.ColorRole.ToolTipBase: "#ffffff",
    QPalette.ColorRole.ToolTipText: "#1d2127",
    QPalette.ColorRole.Link: "#1f5fbf",
}
_STYLESHEET = """
QFrame#banner { background: palette(alternate-base); border: 1px solid palette(mid); border-radius: 4px; }
QFrame#hint { background: palette(alternate-base); border: 1px solid palette(mid); border-radius: 4px; }
QLabel#emptyState { color: palette(placeholder-text); padding: 24px; }
QLabel#hintText { color: palette(placeholder-text); }
QDockWidget::title { padding: 6px 8px; font-weight: bold; }
QCheckBox::indicator { width: 14px; height: 14px; border: 1px solid palette(placeholder-text); border-radius: 3px;
                       background: palette(base); }
QCheckBox::indicator:checked { background: palette(highlight); border-color: palette(highlight);
                               image: url(CHECK_ICON); }
QCheckBox::indicator:disabled { border-color: palette(mid); background: palette(window); }
QCheckBox::indicator:checked:disabled { background: palette(mid); border-color: palette(mid); }
"""


def system_is_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def apply(name: str) -> None:
    """Apply a theme to the running application."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):  # none yet, or a QCoreApplication (no widgets to style)
        return
    app.setStyle("Fusion")
    dark = name == "dark" or (name == "system" and system_is_dark())
    palette = QPalette()
    for role, color in (_DARK if dark else _LIGHT).items():
        palette.setColor(role, QColor(color))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#7d848e"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#7d848e"))
    app.setPalette(palette)
    # Fusion draws checkbox outlines from the window colour, which vanishes on the dark palette.
    app.setStyleSheet(_STYLESHEET.replace("CHECK_ICON", paths.resource("icons", "check.svg").as_posix()))


def is_dark_now() -> bool:
    return QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128
