"""Help → About: version, the components doccritic bundles with their licences, and where data lives."""

from __future__ import annotations

import html
import platform
import sys

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

from doccritic import __version__, paths

# Distribution name -> licence, for components whose metadata does not say it plainly.
COMPONENTS = {
    "PySide6-Essentials": "LGPL-3.0-only (Qt for Python; Qt itself: LGPL-3.0)",
    "anthropic": "MIT",
    "httpx2": "BSD-3-Clause",
    "pydantic": "MIT",
    "jiter": "MIT",
    "markdown-it-py": "MIT",
    "mdit-py-plugins": "MIT",
    "python-docx": "MIT",
    "lxml": "BSD-3-Clause",
    "keyring": "MIT",
    "platformdirs": "MIT",
    "rapidfuzz": "MIT",
    "charset-normalizer": "MIT",
    "tomli-w": "MIT",
}


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "not installed"


def about_html() -> str:
    rows = "".join(f"<tr><td>{html.escape(name)}</td><td>{html.escape(_version(name))}</td>"
                   f"<td>{html.escape(licence)}</td></tr>" for name, licence in COMPONENTS.items())
    config, data = paths.config_dir(), paths.data_dir()
    places = [("Settings, your personas, your check rules and prices", config),
              ("Saved reviews (SQLite) and crash-recovery journal", data),
              ("Bundled personas, prompts, rules, sample", paths.resources_dir())]
    where = "".join(f"<tr><td>{html.escape(what)}</td><td><code>{html.escape(str(p))}</code></td></tr>"
                    for what, p in places)
    return (
        f"<h2>doccritic {html.escape(__version__)}</h2>"
        "<p>Pressure-test a draft before the meeting where it would be torn apart: offline checks, a panel of "
        "Claude critics and live debates mark up weak arguments, challenged assumptions and one-way doors.</p>"
        f"<p>Python {html.escape(platform.python_version())} · PySide6 {html.escape(pyside_version)} · Qt "
        f"{html.escape(qVersion())} · {html.escape(sys.platform)}</p>"
        "<p>doccritic is MIT-licensed. The API key is kept in your system keyring (or read from "
        "ANTHROPIC_API_KEY) and never written to these folders.</p>"
        f"<h3>Where your data lives</h3><table cellpadding='3'>{where}</table>"
        f"<h3>Bundled components</h3><table cellpadding='3'><tr><th align='left'>Component</th>"
        f"<th align='left'>Version</th><th align='left'>Licence</th></tr>{rows}</table>"
    )


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About doccritic")
        self.resize(620, 560)
        layout = QVBoxLayout(self)
        self.text = QTextBrowser(openExternalLinks=False)
        self.text.setHtml(about_html())
        layout.addWidget(self.text)
        note = QLabel("Licence texts ship with each component's package metadata.", wordWrap=True)
        note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
