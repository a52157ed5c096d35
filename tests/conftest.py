"""Shared test setup: Qt offscreen, per-test config/data dirs, and the test corpus (tests/data/corpus)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "data" / "corpus"  # public documents, copied verbatim: see SOURCES.md there
CORPUS_NOTES = frozenset({"SOURCES.md", "LICENSES.md"})  # about the corpus, not documents in it
SAMPLE = REPO / "resources" / "samples" / "sample-prd.md"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the developer's real settings, rules or reviews."""
    base = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("DOCCRITIC_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("DOCCRITIC_DATA_DIR", str(base / "data"))
    for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL", "ANTHROPIC_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ANTHROPIC_CONFIG_DIR", str(base / "anthropic"))  # never the developer's SDK profile


@pytest.fixture(autouse=True)
def _no_real_keyring() -> object:
    """Every test gets an empty in-memory keyring (or none, when a test sets the fail backend)."""
    import keyring
    from fakes.keyring_backend import MemoryKeyring

    previous = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    yield memory
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def _collect_on_the_main_thread():
    """The app collects garbage on the GUI thread only (doccritic/ui/gc_guard.py), from a timer; between tests
    no event loop runs, so do the same threshold check here (a full collection per test costs minutes)."""
    yield
    import sys

    guard = sys.modules.get("doccritic.ui.gc_guard")
    if guard is not None and guard._installed is not None:
        guard._installed.check()


@pytest.fixture
def corpus() -> Path:
    """The test corpus. It is part of the repository, so a missing folder is a broken checkout: fail, never skip."""
    if not CORPUS.is_dir():
        pytest.fail(f"test corpus missing: {CORPUS} is part of the repository", pytrace=False)
    return CORPUS


def corpus_files(pattern: str = "*") -> list[Path]:
    """Corpus documents matching ``pattern``, for parametrize. None matching is an error at collection (the
    corpus is part of the repository), not an empty parameter set that pytest would quietly skip."""
    files = sorted(p for p in CORPUS.glob(pattern) if p.name not in CORPUS_NOTES)
    if not files:
        raise FileNotFoundError(f"no test corpus documents match {pattern!r} in {CORPUS}")
    return files


@pytest.fixture
def claude_api(monkeypatch: pytest.MonkeyPatch):
    """The loopback Messages API, with a key in the environment (scripts are up to the test)."""
    from fakes.messages_api import FakeMessagesAPI

    with FakeMessagesAPI() as server:
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
        yield server


@pytest.fixture
def cli_api(claude_api, monkeypatch: pytest.MonkeyPatch):
    """The loopback Messages API as the command line finds it: key and base URL in the environment."""
    monkeypatch.setenv("ANTHROPIC_BASE_URL", claude_api.base_url)
    return claude_api


@pytest.fixture
def claude_window(qtbot, claude_api):
    """The review window pointed at ``claude_api``, the sample PRD open and the personas loaded."""
    from doccritic.ui.main_window import MainWindow

    win = MainWindow()
    win.settings.update_claude(base_url=claude_api.base_url)
    win.resize(1300, 850)
    win.show()
    with qtbot.waitSignal(win.document_ready, timeout=15_000):
        win.open_path(SAMPLE)
    qtbot.waitUntil(lambda: bool(win.critics.personas), timeout=15_000)  # loaded just after the first paint
    yield win
    close_window(win)


def close_window(win) -> None:
    """Close a test's window. Not qtbot.addWidget: pytest-qt closes those before fixture teardown, and closing
    a window with unsaved edits asks the user (a modal dialog); so the edits are cleared first."""
    win.editor.document().setModified(False)
    win.close()
    win.runner.wait(5000)
    win.deleteLater()


@pytest.fixture
def main_window(qtbot):
    """A new review window at a desktop size, shown, with nothing open; closed after the test."""
    from doccritic.ui.main_window import MainWindow

    win = MainWindow()
    win.resize(1300, 850)
    win.show()
    yield win
    close_window(win)


@pytest.fixture(autouse=True)
def _item_models_tested(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every item model a test builds (each QAbstractItemModel subclass in doccritic.ui) is watched by Qt's
    QAbstractItemModelTester from its first moment; a rule it finds broken (an index, a row count, signals out
    of order) is a "qt.modeltest" warning, which pytest-qt turns into a failure of the test."""
    import inspect
    import sys

    loaded = [m for name, m in list(sys.modules.items()) if name.startswith("doccritic.ui.") and m is not None]
    if "doccritic.ui.findings_model" not in sys.modules:  # imported at collection by every test that uses models
        return
    from PySide6.QtCore import QAbstractItemModel
    from PySide6.QtTest import QAbstractItemModelTester

    mode = QAbstractItemModelTester.FailureReportingMode.Warning

    def watched(cls: type) -> None:
        original = cls.__init__

        def init(self, *args, **kwargs) -> None:
            original(self, *args, **kwargs)
            QAbstractItemModelTester(self, mode, self)  # a child of the model: lives and dies with it

        monkeypatch.setattr(cls, "__init__", init)

    for module in loaded:
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and issubclass(cls, QAbstractItemModel):
                watched(cls)
