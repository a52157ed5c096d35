"""Nothing a PM reads is clipped (#19 cosmetics): the debate set-up's options, the run confirmation's model."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QCheckBox, QMessageBox

from doccritic.claude.config import Estimate
from doccritic.ui.debate_dialog import DebateDialog


def test_the_debate_set_up_needs_no_more_than_its_own_width_at_a_common_font_size(qtbot, claude_window):
    personas = list(claude_window.critics.personas.values())
    dialog = DebateDialog(personas, "The draft is right to ship opt-out.", pro="staff-engineer",
                          con="skeptical-exec")
    qtbot.addWidget(dialog)
    font = dialog.font()
    font.setPointSizeF(11)  # a common desktop default, larger than the tests' 9 pt
    dialog.setFont(font)
    # "Free positions (each argues from their own seat, not an assigned side)" asked for 651 px, and was cut
    # wherever the dialog could not have them; its explanation now wraps under a short checkbox
    assert dialog.minimumSizeHint().width() <= dialog.minimumWidth() == 520
    dialog.show()
    qtbot.waitExposed(dialog)
    for box in dialog.findChildren(QCheckBox):
        assert box.sizeHint().width() <= box.width(), box.text()


def test_the_run_confirmation_puts_the_model_on_a_line_of_its_own(qtbot, claude_window):
    critics = claude_window.critics
    chosen = [critics.personas["staff-engineer"]]
    seen: dict[str, str] = {}

    def look() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen["text"], seen["info"] = box.text(), box.informativeText()
        box.reject()

    QTimer.singleShot(0, look)
    assert not critics._confirm_dialog(Estimate({"staff-engineer": (12_000, 0.05)}, "local estimate"), chosen, None)
    first, _ = seen["info"].split("\n", 1)
    assert first.startswith("Model: claude-") and first.count(" ") == 1
    assert "claude-" not in seen["text"]  # at the end of the question it wrapped at its hyphen: "claude-⏎sonnet"


def test_at_1024_px_a_critics_readiness_and_verdict_show_in_the_default_critics_dock(qtbot, claude_window,
                                                                                      claude_api):
    from fakes.messages_api import Reply

    window = claude_window
    window.resize(1024, 640)
    window.fit_docks_to_width()  # the first-run layout at this width
    claude_api.script(Reply.json({"findings": [], "verdict": "Not yet: the plan rests on an adoption guess.",
                                  "readiness": 4}))
    window.critics.confirm = lambda *_: True
    window.critics.panel.set_checked({"staff-engineer"})
    with qtbot.waitSignal(window.critics.run_finished, timeout=15_000):
        window.critics.run()
    row = window.critics.panel.row("staff-engineer")
    qtbot.waitUntil(lambda: window.critics_dock.width() <= 200)  # the narrow dock a new user gets
    assert row.status.text().startswith("4/10")  # what is drawn, "…" and all: "readiness …" hid the number
    assert row.verdict.isVisibleTo(row) and "adoption guess" in row.verdict.text()
    assert "readiness 4/10" in window.critics.panel.summary.text()
    assert row.name.text() == "Staff Engineer" and not row.badge.isVisible()  # the name whole, not "Staff Engi…"
