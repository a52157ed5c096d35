"""Screenshots of the critic panel and a debate for the docs, made against the loopback Messages API.

The window is real; the critics' answers are scripted (no API key, no network), so the picture is
reproducible. Run from the repository root:

    QT_QPA_PLATFORM=offscreen python docs/make_screenshots.py [light|dark ...]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from fakes.messages_api import FakeMessagesAPI, Reply  # noqa: E402

WHY = ("The draft states this as settled, but the only evidence is one survey of existing customers; the "
       "meeting will ask how many would switch and what happens to the ones who do not.")


def answer(items: list[tuple[str, str, str, str, str | None]], verdict: str, readiness: int) -> dict:
    return {"findings": [{"kind": kind, "severity": sev, "title": title, "quote": quote, "rationale": WHY,
                          "suggestion": suggestion, "question": "What is the baseline, and who measured it?",
                          **({"reversibility": {"level": "one_way", "cost_to_reverse": "Re-consenting every "
                              "account and refunding disputed charges.", "exit_ramp": "Opt-in for new accounts "
                              "first; flip the default after 60 days of data."}} if kind == "one_way_door" else {})}
                         for kind, sev, title, quote, suggestion in items],
            "verdict": verdict, "readiness": readiness}


def script(api: FakeMessagesAPI, text: str) -> None:
    root = "The root cause is clear: end customers simply forget to pay"
    love = "customers will definitely love not thinking about collections at all"
    opt_out = "Auto-charge ships enabled by default (opt-out) for all existing accounts."
    quote = "I'd happily pay for Ledgerly to just take the money on the due date."
    assert all(q in text for q in (root, love, opt_out, quote)), "the sample PRD changed: update the quotes"
    api.script(Reply.json(answer([
        ("challenged_assumption", "major", "Root cause asserted, not shown", root, None),
        ("weak_argument", "major", "One quote stands in for demand", quote, None)],
        "Not yet: the plan rests on an adoption guess.", 4)), match="persona: staff-engineer")
    api.script(Reply.json(answer([
        ("challenged_assumption", "critical", "Forgetting is one cause among several", root,
         '"Late payment has several causes; our Q3 support tickets suggest forgetting is the largest."')],
        "Fund a pilot, not the launch.", 5)), match="persona: skeptical-exec")
    api.script(Reply.json(answer([
        ("one_way_door", "critical", "Opt-out auto-charge cannot be walked back", opt_out, None)],
        "I would turn this off on day one.", 3)), match="persona: target-customer")
    api.script(Reply.json(answer([
        ("open_question", "major", "Who consented to being charged?", opt_out, None),
        ("weak_argument", "minor", "Certainty without evidence", love,
         '"We expect most users to want reminders to run hands-free; the pilot will tell us how many."')],
        "Needs a consent review before launch.", 5)), match="persona: legal-privacy")
    api.script(Reply.json(answer([], "Nothing new beyond the others.", 6)), match="persona: devils-advocate")


def shoot(theme_name: str, out: Path) -> None:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from doccritic import paths
    from doccritic.ui import theme
    from doccritic.ui.main_window import MainWindow

    QApplication.instance() or QApplication([])
    with FakeMessagesAPI() as api:
        script(api, paths.sample_prd().read_text(encoding="utf-8"))
        window = MainWindow()
        window.settings.setValue("claude/base_url", api.base_url)
        theme.apply(theme_name)
        window.editor.highlighter.set_dark(theme.is_dark_now())
        window.critics.confirm = lambda *_: True
        window.resize(1500, 950)
        window.show()
        loop = QEventLoop()
        window.document_ready.connect(loop.quit)
        window.open_path(paths.sample_prd())
        loop.exec()
        window.critics.run_finished.connect(loop.quit)
        window.critics.run()
        loop.exec()
        merged = next(f.id for f in window.findings.findings if f.also_raised_by)
        window.panel.select(merged, notify=True)
        QTimer.singleShot(400, loop.quit)
        loop.exec()
        window.grab().save(str(out))
        window.editor.document().setModified(False)
        window.close()
    print(f"wrote {out}")


DEBATE = [
    ("You are Staff Engineer. Write turn", [
        "I'll defend the draft. The key decision is clear: \"Auto-charge ships enabled by default (opt-out) for "
        "all existing accounts.\" Opt-in features in billing get single-digit adoption; if we want the late-payment "
        "numbers to move, the default has to do the work. Payers already saved their cards with us.",
        "I concede that existing accounts never agreed to this. But the fix is a notice period, not opt-in: two "
        "emails and an in-app banner before the switch, and a one-click off. The reversibility you want is there: "
        "anyone can turn it off on day one."]),
    ("You are Skeptical Exec. Write turn", [
        "The default is the problem, not the solution. The PRD's own evidence is one customer quote: \"I'd happily "
        "pay for Ledgerly to just take the money on the due date.\" That is a wish from one studio owner, not a "
        "measured switch rate, and a charge nobody expected becomes a chargeback and a support ticket.",
        "A banner is not consent, and the cost of being wrong lands on our customers' customers. Run opt-in for new "
        "accounts for a quarter, measure the switch rate, and earn the default with data."]),
]
VERDICT = {"points": [
    {"category": "strongest", "side": "for", "text": "Opt-in billing features rarely move the metric.",
     "citations": ["Auto-charge ships enabled by default (opt-out) for all existing accounts."],
     "kind": "challenged_assumption", "severity": "major"},
    {"category": "strongest", "side": "against", "text": "Demand rests on one quote, not a measured rate.",
     "citations": ["I'd happily pay for Ledgerly to just take the money on the due date."],
     "kind": "weak_argument", "severity": "major"},
    {"category": "conceded", "side": "for", "text": "Existing accounts never agreed to being charged.",
     "citations": [], "kind": "open_question", "severity": "major"},
    {"category": "change", "side": "both", "text": "Pilot opt-in with new accounts and report the switch rate.",
     "citations": ["Auto-charge ships enabled by default (opt-out) for all existing accounts."],
     "kind": "one_way_door", "severity": "critical"}],
    "verdict": "Not ready: the default is a one-way door the draft has not earned."}


def shoot_debate(theme_name: str, out: Path) -> None:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from doccritic import paths
    from doccritic.ui import theme
    from doccritic.ui.debate_dialog import DebateChoice
    from doccritic.ui.main_window import MainWindow

    QApplication.instance() or QApplication([])
    with FakeMessagesAPI() as api:
        for match, turns in DEBATE:
            api.script(*(Reply.text(t) for t in turns), match=match)
        api.script(Reply.json(VERDICT), match="You are the referee")
        window = MainWindow()
        window.settings.setValue("claude/base_url", api.base_url)
        theme.apply(theme_name)
        window.editor.highlighter.set_dark(theme.is_dark_now())
        window.resize(1500, 950)
        window.show()
        loop = QEventLoop()
        window.document_ready.connect(loop.quit)
        window.open_path(paths.sample_prd())
        loop.exec()
        window.critics.ensure_personas()
        window.debates.debate_idle.connect(lambda _reason: loop.quit())
        window.debates.new_debate(choice=DebateChoice(
            motion="Auto-charge should ship on by default (opt-out) for existing accounts.", pro="staff-engineer",
            con="skeptical-exec", opener="staff-engineer", rounds=2, turn_words=120, free_positions=False))
        window.debates.view.interject.setText("Assume legal signs off on opt-out. Does that change your view?")
        window.debates.view.send.click()
        loop.exec()
        window.debates.jump("Auto-charge ships enabled by default (opt-out) for all existing accounts.", -1)
        QTimer.singleShot(400, loop.quit)
        loop.exec()
        window.grab().save(str(out))
        window.editor.document().setModified(False)
        window.close()
    print(f"wrote {out}")


def main() -> int:
    os.environ["ANTHROPIC_API_KEY"] = "sk-screenshot"
    for name in sys.argv[1:] or ["light", "dark"]:
        with tempfile.TemporaryDirectory() as tmp:  # each picture starts from a first run
            os.environ["DOCCRITIC_CONFIG_DIR"], os.environ["DOCCRITIC_DATA_DIR"] = f"{tmp}/c", f"{tmp}/d"
            shoot(name, REPO / "docs" / "screenshots" / f"critics-{name}.png")
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["DOCCRITIC_CONFIG_DIR"], os.environ["DOCCRITIC_DATA_DIR"] = f"{tmp}/c", f"{tmp}/d"
            shoot_debate(name, REPO / "docs" / "screenshots" / f"debate-{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
