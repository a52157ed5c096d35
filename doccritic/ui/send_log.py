"""Review → Send Log…: every request that left the machine, newest first, read-only.

It shows what the log holds and nothing more (no text, no key: the log never had them), and where the file
is, so a security team can audit it with their own tools.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from doccritic.core.sendlog import MAX_AGE_DAYS, MAX_ENTRIES, SendLog

COLUMNS = ("When (UTC)", "Kind", "Endpoint host", "Document", "Personas", "Model", "Prompt tokens",
           "Output tokens", "Redactions", "Outcome")


def _cells(entry: dict) -> list[str]:
    prompt = sum(int(entry.get(k) or 0) for k in ("input_tokens", "cache_creation_input_tokens",
                                                  "cache_read_input_tokens"))
    redactions = entry.get("redactions") or {}
    redacted = ", ".join(f"{k} {v}" for k, v in redactions.items()) if isinstance(redactions, dict) else ""
    attempt = int(entry.get("attempt") or 1)
    outcome = str(entry.get("outcome") or "") + (f" (try {attempt})" if attempt > 1 else "")
    return [str(entry.get("at") or "").replace("T", " ").replace("+00:00", ""), str(entry.get("kind") or ""),
            str(entry.get("host") or ""), str(entry.get("document") or ""), ", ".join(entry.get("personas") or []),
            str(entry.get("model") or ""), f"{prompt:,}", f"{int(entry.get('output_tokens') or 0):,}",
            redacted or "none", outcome]


class SendLogDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, log: SendLog | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Send log")
        self.resize(1000, 480)
        log = log or SendLog()
        entries = list(reversed(log.entries()))
        layout = QVBoxLayout(self)
        self.about = QLabel(
            f"{len(entries):,} requests. Each line says when, where, which document and personas, and how many "
            f"tokens: never the text or the key. Kept {MAX_AGE_DAYS} days, at most {MAX_ENTRIES:,} entries, in "
            f"{log.file}", wordWrap=True)
        self.about.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.about)
        self.table = QTableWidget(len(entries), len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        for row, entry in enumerate(entries):
            for col, text in enumerate(_cells(entry)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
