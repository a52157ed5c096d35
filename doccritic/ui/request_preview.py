"""Show request…: each critic's request, read-only, exactly as the endpoint will receive it.

Opened from the Run confirmation, so the PM sees what is about to leave before saying yes. The text tab
is for reading (instructions, the fenced draft, the persona message, with token counts); the JSON tab is
the request body itself, for a security review.
"""

from __future__ import annotations

import json

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from doccritic.claude.preview import RequestPreview


class RequestPreviewDialog(QDialog):
    def __init__(self, previews: list[RequestPreview], host: str, parent: QWidget | None = None, *,
                 intro: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("What will be sent")
        self.resize(900, 640)
        self.previews = previews
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(intro or f"Each critic sends one request to {host}. Nothing has been sent yet.",
                                wordWrap=True))
        self.critic = QComboBox()
        for p in previews:
            self.critic.addItem(f"{p.persona_name} · ~{p.tokens:,} tokens", p.persona_id)
        self.critic.currentIndexChanged.connect(self._show)
        layout.addWidget(self.critic)
        self.tabs = QTabWidget()
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.text = QPlainTextEdit(readOnly=True)
        self.json = QPlainTextEdit(readOnly=True)
        self.json.setFont(mono)
        self.tabs.addTab(self.text, "Text")
        self.tabs.addTab(self.json, "JSON body")
        layout.addWidget(self.tabs, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._show()

    def _show(self, *_: object) -> None:
        if not self.previews:
            return
        p = self.previews[max(0, self.critic.currentIndex())]
        self.text.setPlainText(p.readable())
        self.json.setPlainText(json.dumps(p.body, indent=2, ensure_ascii=False))
