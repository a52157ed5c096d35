"""The first minute: the sample opens with its checks, a hint on the sidebar, and an offer to set up Claude."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from conftest import SAMPLE
from doccritic import paths
from doccritic.ui.about import AboutDialog
from doccritic.ui.main_window import MainWindow

TIMEOUT = 15_000


def open_window(qtbot) -> MainWindow:
    win = MainWindow()
    win.show()
    with qtbot.waitSignal(win.document_ready, timeout=TIMEOUT):
        win.open_path(SAMPLE)
    return win


def close(win: MainWindow) -> None:
    win.close()
    win.runner.wait(5000)
    win.deleteLater()


def test_first_run_explains_the_sidebar_and_offers_claude_without_a_modal(qtbot):
    win = open_window(qtbot)
    try:
        assert win.panel.hint.isVisible() and "How to read this" in win.panel.hint.label.text()
        qtbot.waitUntil(lambda: win.banner.isVisible(), timeout=TIMEOUT)  # once the key lookup says "none"
        assert "Claude critics need an API key" in win.banner.label.text()
        assert win.banner.button("Set up Claude…") is not None
        win.banner.button("Dismiss").click()
        got_it = next(b for b in win.panel.hint.findChildren(QPushButton) if b.text() == "Got it")
        got_it.click()
        assert not win.panel.hint.isVisible()
    finally:
        close(win)
    again = open_window(qtbot)
    try:
        # the offer is decided in the same slot that records the key source
        qtbot.waitUntil(lambda: again.critics.key_source is not None, timeout=TIMEOUT)
        assert not again.banner.isVisible(), again.banner.label.text()
        assert not again.panel.hint.isVisible()  # both remembered
    finally:
        close(again)


def test_with_a_key_there_is_no_offer(qtbot, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
    win = open_window(qtbot)
    try:
        qtbot.waitUntil(lambda: win.critics.key_source is not None, timeout=TIMEOUT)
        assert not win.banner.isVisible()
    finally:
        close(win)


def test_about_lists_components_licences_and_where_data_lives(qtbot):
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    text = dialog.text.toPlainText()
    assert "doccritic 0.1.0" in text and "PySide6-Essentials" in text and "LGPL-3.0" in text
    assert "anthropic" in text and "MIT" in text
    assert "Saved reviews" in text and str(paths.data_dir()) in text and str(paths.config_dir()) in text


def test_a_new_user_on_a_small_screen_gets_most_of_the_width_for_the_document(qtbot):
    win = MainWindow()
    win.resize(1024, 640)
    win.show()
    try:
        with qtbot.waitSignal(win.document_ready, timeout=TIMEOUT):
            win.open_path(SAMPLE)
        qtbot.waitUntil(lambda: win.banner.isVisible(), timeout=TIMEOUT)
        qtbot.waitUntil(lambda: win.editor.width() >= 0.55 * win.width(), timeout=TIMEOUT)  # docks fitted
        lines = win.banner.label.height() / win.banner.label.fontMetrics().lineSpacing()
        assert lines < 2.6, win.banner.label.height()  # the set-up offer reads in one or two lines
        assert win.panel.minimumSizeHint().width() <= 280  # the sidebar can be narrow
        assert all(b.isVisible() for b in win.panel.decision_buttons.values())  # its buttons wrap, none lost
        bar = win.statusBar()
        taken = sum(w.width() for w in (win.counts_label, win.words_label, win.model_label))
        assert taken <= 0.7 * bar.width()  # the left of the status bar is left to messages
        assert win.counts_label.toolTip() == win.counts_label.text() and "one-way door" in win.counts_label.text()
    finally:
        close(win)
