"""Claude settings: the key (keyring only), the endpoint, the model and how critics run.

The key field writes to the OS keyring and nowhere else; the settings file gets the endpoint, model
and limits. With no keyring backend the dialog says so and points at ANTHROPIC_API_KEY.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from doccritic.claude.client import (
    DEFAULT_MODEL,
    DEFAULT_READ_TIMEOUT,
    Connection,
    KeyStoreError,
    ModelChoice,
    clear_api_key,
    get_api_key,
    keyring_available,
    set_api_key,
)
from doccritic.claude.config import panel_settings_from
from doccritic.claude.endpoint import PRESETS, parse_hosts
from doccritic.core.settings import EFFORTS
from doccritic.ui.app_settings import AppSettings
from doccritic.ui.critic_runner import CriticRunner


class SettingsDialog(QDialog):
    def __init__(self, settings: AppSettings, runner: CriticRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Claude settings")
        self.setMinimumWidth(520)
        self.settings, self.runner = settings, runner
        self._models: dict[str, ModelChoice] = {}
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        self._build_key(form)
        self._build_endpoint(form)
        self._build_run(form)
        self.test_result = QLabel(wordWrap=True)
        self.test_result.setObjectName("testResult")
        layout.addWidget(self.test_result)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        runner.models_listed.connect(self._models_listed)
        runner.connection_tested.connect(self._tested)
        self._load()
        self.refresh_models()

    # building --------------------------------------------------------------------------------
    def _build_key(self, form: QFormLayout) -> None:
        self.key = QLineEdit(echoMode=QLineEdit.EchoMode.Password, placeholderText="sk-ant-…")
        self.key.setToolTip("Stored in your system keyring, never in a file")
        self.key_state = QLabel(wordWrap=True)
        self.clear_key = QPushButton("Remove stored key")
        self.clear_key.clicked.connect(self._clear_key)
        row = QHBoxLayout()
        row.addWidget(self.key, 1)
        row.addWidget(self.clear_key)
        form.addRow("API key", row)
        form.addRow("", self.key_state)

    def _build_endpoint(self, form: QFormLayout) -> None:
        self.base_url = QLineEdit(placeholderText="https://api.anthropic.com (default)")
        self.base_url.setToolTip("Any Anthropic-compatible endpoint: a gateway, or Ollama / llama.cpp for local review")
        presets = QHBoxLayout()
        presets.addWidget(self.base_url, 1)
        for label, url in PRESETS:
            button = QPushButton(label)
            button.setToolTip(f"A local {label} server at {url}: the draft stays on this machine")
            button.clicked.connect(lambda _=False, u=url: self.base_url.setText(u))
            presets.addWidget(button)
        form.addRow("Endpoint", presets)
        self._build_privacy(form)
        self.model = QComboBox(editable=True)
        self.model.currentTextChanged.connect(self._model_changed)
        refresh = QPushButton("Refresh")
        refresh.clicked.connect(self.refresh_models)
        row = QHBoxLayout()
        row.addWidget(self.model, 1)
        row.addWidget(refresh)
        form.addRow("Model", row)
        self.model_info = QLabel(wordWrap=True)
        form.addRow("", self.model_info)
        test = QPushButton("Test connection")
        test.clicked.connect(self.test_connection)
        form.addRow("", test)

    def _build_privacy(self, form: QFormLayout) -> None:
        self.local_only = QCheckBox("Local only: refuse any endpoint that is not on this machine or allowed below")
        self.local_only.setToolTip("Checked before anything is sent, so a mistyped endpoint cannot send a draft "
                                   "to the wrong place")
        form.addRow("", self.local_only)
        self.allowed_hosts = QLineEdit(placeholderText="gateway.example.internal, …")
        self.allowed_hosts.setToolTip("Hosts besides this machine that local-only mode accepts, comma-separated")
        form.addRow("Allowed hosts", self.allowed_hosts)

    def _build_run(self, form: QFormLayout) -> None:
        self.effort = QComboBox()
        for name in EFFORTS:
            self.effort.addItem(name or "model default", name)
        form.addRow("Effort", self.effort)
        self.thinking = QCheckBox("Adaptive thinking (when the model supports it)")
        form.addRow("", self.thinking)
        self.concurrent = QSpinBox(minimum=1, maximum=12)
        form.addRow("Critics at once", self.concurrent)
        self.max_findings = QSpinBox(minimum=1, maximum=20)
        self.max_findings.setToolTip("Most severe first: fewer, decidable findings beat twenty polite ones")
        form.addRow("Findings per critic", self.max_findings)
        self.budget = QDoubleSpinBox(minimum=0.0, maximum=1000.0, decimals=2, singleStep=0.25, prefix="$ ")
        self.budget.setSpecialValueText("no cap")
        self.budget.setToolTip("Critics are not started past this estimate, and are stopped (their findings kept) "
                               "once what the run has actually spent reaches it")
        form.addRow("Budget per run", self.budget)
        self.read_timeout = QSpinBox(minimum=10, maximum=900, suffix=" s", singleStep=15)
        self.read_timeout.setToolTip("How long an answer may go silent before the try is given up and retried; "
                                     "after 15 s of silence the critic's row says it is still waiting")
        form.addRow("Wait for data", self.read_timeout)
        self.exact_estimate = QCheckBox("Exact cost estimate (sends the document to count its tokens)")
        self.exact_estimate.setToolTip("Before you confirm a run, the endpoint counts the prompt's tokens. Off: "
                                       "doccritic estimates them itself and nothing is sent until you confirm.")
        form.addRow("", self.exact_estimate)

    # state -----------------------------------------------------------------------------------
    def _load(self) -> None:
        saved = self.settings.claude
        s = panel_settings_from(saved)
        self.base_url.setText(saved.base_url)
        self.local_only.setChecked(saved.local_only)
        self.allowed_hosts.setText(saved.allowed_hosts)
        self.model.setEditText(s.model)
        self.effort.setCurrentIndex(max(0, self.effort.findData(s.effort or "")))
        self.thinking.setChecked(s.adaptive_thinking)
        self.concurrent.setValue(s.max_concurrent)
        self.max_findings.setValue(s.max_findings)
        self.budget.setValue(s.budget_usd or 0.0)
        self.read_timeout.setValue(round(saved.read_timeout or DEFAULT_READ_TIMEOUT))
        self.exact_estimate.setChecked(s.exact_estimate)
        self._show_key_state()

    def _show_key_state(self) -> None:
        key = get_api_key()
        if key.source == "environment":
            text = "Using the key in ANTHROPIC_API_KEY (it wins over a stored key)."
        elif key.source == "keyring":
            text = "A key is stored in your system keyring. Type a new one to replace it."
        else:
            text = "No key yet. Type one above; it goes to your system keyring."
        if not keyring_available():
            text = ("No system keyring is available on this machine, so a key cannot be stored: set "
                    "ANTHROPIC_API_KEY in your environment instead (or use an endpoint that needs no key).")
            self.key.setEnabled(False)
        self.clear_key.setEnabled(key.source == "keyring")
        self.key_state.setText(text)

    def connection(self) -> Connection:
        conn = Connection.from_environment(self.base_url.text().strip() or None)
        conn.local_only = self.local_only.isChecked()
        conn.allowed_hosts = parse_hosts(self.allowed_hosts.text())
        typed = self.key.text().strip()
        if typed:
            conn.api_key = typed
        return conn

    def refresh_models(self) -> None:
        if (refused := self.connection().refusal()) is not None:
            self.model_info.setText(refused)
            return
        self.model_info.setText("Listing models…")
        self.runner.list_models(self.connection())

    def _models_listed(self, models: list[ModelChoice], why: str) -> None:
        current = self.model.currentText() or DEFAULT_MODEL
        self._models = {m.id: m for m in models}
        self.model.blockSignals(True)
        self.model.clear()
        for m in models:
            self.model.addItem(m.label, m.id)
        index = self.model.findData(current)
        if index >= 0:
            self.model.setCurrentIndex(index)
        else:
            self.model.setEditText(current)
        self.model.blockSignals(False)
        self._model_changed()
        if why:
            self.model_info.setText(f"Could not list this endpoint's models ({why}); showing common ones.")

    def model_id(self) -> str:
        data = self.model.currentData()
        text = self.model.currentText().strip()
        if data and self.model.itemText(self.model.currentIndex()) == text:
            return str(data)
        return text or DEFAULT_MODEL

    def _model_changed(self, *_: object) -> None:
        m = self._models.get(self.model_id())
        self._offer_efforts(m)
        if m is None:
            self.model_info.setText("")
            return
        parts = []
        if m.deprecated:
            parts.append("Deprecated: it will be retired, pick a newer model.")
        parts.append("effort: " + (", ".join(m.efforts) if m.efforts else "not supported"))
        parts.append("adaptive thinking" if m.adaptive_thinking else "no adaptive thinking")
        if m.max_input_tokens:
            parts.append(f"context {m.max_input_tokens:,} tokens")
        self.model_info.setText(" · ".join(parts))

    def _offer_efforts(self, m: ModelChoice | None) -> None:
        """Only the effort levels the model reports (all of them for a model the endpoint did not describe)."""
        items = self.effort.model()
        for row in range(self.effort.count()):
            level = self.effort.itemData(row)
            ok = not level or m is None or level in m.efforts
            items.item(row).setEnabled(ok)  # type: ignore[attr-defined]
        if not items.item(self.effort.currentIndex()).isEnabled():  # type: ignore[attr-defined]
            self.effort.setCurrentIndex(0)
        self.thinking.setEnabled(m is None or m.adaptive_thinking)

    def test_connection(self) -> None:
        conn = self.connection()
        if (refused := conn.refusal()) is not None:
            self.test_result.setText("✗ " + refused)
            return
        if conn.needs_key:
            self.test_result.setText("Type an API key first (or set an endpoint that needs none).")
            return
        self.test_result.setText("Testing…")
        self.runner.test_connection(conn, self.model_id())

    def _tested(self, ok: bool, message: str) -> None:
        self.test_result.setText(("✓ " if ok else "✗ ") + message)

    def _clear_key(self) -> None:
        clear_api_key()
        self._show_key_state()

    def accept(self) -> None:
        typed = self.key.text().strip()
        if typed:
            try:
                set_api_key(typed)
            except KeyStoreError as exc:
                self.test_result.setText(str(exc))
                return
            self.key.clear()
        self.settings.update_claude(
            base_url=self.base_url.text().strip(), local_only=self.local_only.isChecked(),
            allowed_hosts=", ".join(parse_hosts(self.allowed_hosts.text())), model=self.model_id(),
            effort=self.effort.currentData() or "", adaptive_thinking=self.thinking.isChecked(),
            max_concurrent=self.concurrent.value(), max_findings=self.max_findings.value(),
            budget_usd=round(self.budget.value(), 2), read_timeout=float(self.read_timeout.value()),
            exact_estimate=self.exact_estimate.isChecked())
        super().accept()
