"""Screenshots of the critic panel and a debate for the docs, made against the loopback Messages API.

The window is real; the critics' answers are scripted (no API key, no network), so the picture is
reproducible. Run from the repository root:

    QT_QPA_PLATFORM=offscreen python docs/make_screenshots.py [light|dark ...]   # README: workspace, critics, debate
    QT_QPA_PLATFORM=offscreen python docs/make_screenshots.py guide   # docs/user-guide.md's pictures
    QT_QPA_PLATFORM=offscreen python docs/make_screenshots.py decisions   # the Decisions dock, light and dark
    QT_QPA_PLATFORM=offscreen python docs/make_screenshots.py sizes   # the window at 1024x640 and 1920x1080
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from fakes.messages_api import FakeMessagesAPI, Fault, Reply  # noqa: E402

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

    from doccritic import paths

    with FakeMessagesAPI() as api:
        script(api, paths.sample_prd().read_text(encoding="utf-8"))
        window = guide_window(theme_name, base_url=api.base_url, size=(1500, 950))
        window.critics.confirm = lambda *_: True
        loop = QEventLoop()
        window.critics.run_finished.connect(loop.quit)
        window.critics.run()
        loop.exec()
        merged = next(f.id for f in window.session.findings.findings if f.also_raised_by)
        window.panel.select(merged, notify=True)
        QTimer.singleShot(400, loop.quit)
        loop.exec()
        window.grab().save(str(out))
        window.editor.document().setModified(False)
        window.close()
    print(f"wrote {out}")


OPT_OUT = "Auto-charge ships enabled by default (opt-out) for all existing accounts."
DEBATE = [
    ("You are Author's Advocate. Write turn", [
        "I'll defend the decision as written: \"Auto-charge ships enabled by default (opt-out) for all existing "
        "accounts.\" Opt-in billing features get single-digit adoption; if the late-payment numbers are to move, "
        "the default has to do the work, and the draft already promises that \"Payers receive a pre-charge notice "
        "3 days before the due date.\"",
        "I concede the consent point, because the draft itself leaves it open: \"Payer-facing opt-out link for "
        "auto-charge (TODO: confirm with legal whether required in DE/FR)\". But that is a fix to the rollout, not "
        "to the default: the notice and a one-click off keep the door open for every account."]),
    ("You are Skeptical Exec. Write turn", [
        "The default is the problem, not the solution. The PRD's own evidence is one customer quote: \"I'd happily "
        "pay for Ledgerly to just take the money on the due date.\" That is a wish from one studio owner, not a "
        "measured switch rate, and a charge nobody expected becomes a chargeback and a support ticket.",
        "A notice is not consent, and the opt-out link is a P2 with a legal TODO. Once the first charge runs "
        "on \"all existing accounts\" we cannot un-charge them. Run opt-in for new accounts for a quarter, "
        "measure the switch rate, and earn the default with data."]),
]
VERDICT = {
    "clashes": [
        {"question": "Does one customer quote justify charging every existing account by default?",
         "winner": "against", "because": "The draft offers one wish, not a measured opt-in or switch rate.",
         "evidence_to_settle": "Opt-in rate from a 4-week pilot with new accounts", "owner": "PM",
         "citations": ["I'd happily pay for Ledgerly to just take the money on the due date."]},
        {"question": "Can the default be walked back once the first charges run?", "winner": "against",
         "because": "Charged payers cannot be un-charged; the notice only warns them.",
         "evidence_to_settle": "Refund and chargeback cost for 5% of charged accounts", "owner": "Finance",
         "citations": [OPT_OUT]},
        {"question": "Is opt-out consent enough in DE/FR?", "winner": "undecided",
         "because": "Neither side knew; the draft leaves it as a TODO.",
         "evidence_to_settle": "A written opinion on payer consent in DE and FR", "owner": "Legal", "citations": []},
    ],
    "decision_for_author": "Ship auto-charge opt-in for existing accounts and opt-out only for new sign-ups, until "
                           "the pilot's switch rate and Legal's DE/FR opinion are in.",
    "points": [
        {"category": "strongest", "side": "for", "text": "Opt-in billing features rarely move the metric.",
         "citations": [OPT_OUT], "kind": "challenged_assumption", "severity": "major"},
        {"category": "strongest", "side": "against", "text": "Demand rests on one quote, not a measured rate.",
         "citations": ["I'd happily pay for Ledgerly to just take the money on the due date."],
         "kind": "weak_argument", "severity": "major"},
        {"category": "conceded", "side": "for", "text": "Existing accounts never agreed to being charged.",
         "citations": [], "kind": "open_question", "severity": "major"},
        {"category": "change", "side": "both", "text": "Pilot opt-in with new accounts and report the switch rate.",
         "citations": [OPT_OUT], "kind": "one_way_door", "severity": "critical"}],
    "verdict": "Not ready: the default is a one-way door the draft has not earned."}


def run_demo_debate(api: FakeMessagesAPI, window):
    """Script the sample debate on ``api``, run it in ``window`` with one interjection, wait for the end."""
    from PySide6.QtCore import QEventLoop

    from doccritic.ui.debate_dialog import DebateChoice

    for match, turns in DEBATE:
        api.script(*(Reply.text(t) for t in turns), match=match)
    api.script(Reply.json(VERDICT), match="You are the referee")
    loop = QEventLoop()
    window.debates.debate_idle.connect(lambda _reason: loop.quit())
    window.debates.new_debate(choice=DebateChoice(
        motion=f"Commit to this as written: “{OPT_OUT}”", pro="authors-advocate",
        con="skeptical-exec", opener="authors-advocate", rounds=2, turn_words=120, free_positions=False))
    window.debates.view.interject.setText("Assume legal signs off on opt-out. Does that change your view?")
    window.debates.view.send.click()
    loop.exec()
    return window


def shoot_debate(theme_name: str, out: Path) -> None:
    from PySide6.QtCore import QEventLoop, QTimer


    with FakeMessagesAPI() as api:
        window = run_demo_debate(api, guide_window(theme_name, base_url=api.base_url, size=(1500, 950)))
        loop = QEventLoop()
        window.debates.jump("Auto-charge ships enabled by default (opt-out) for all existing accounts.", -1)
        QTimer.singleShot(400, loop.quit)
        loop.exec()
        window.grab().save(str(out))
        window.editor.document().setModified(False)
        window.close()
    print(f"wrote {out}")


# the user guide's pictures ---------------------------------------------------------------------
GUIDE_SIZE = (1280, 800)
MAX_PNG_BYTES = 240_000


def save_png(image, out: Path) -> None:
    """Save a grab; above MAX_PNG_BYTES, map it onto its own 256 most frequent colours (UI pictures have a few
    thousand colours, mostly anti-aliasing, so this is invisible and makes the file 3x smaller)."""
    import array
    from collections import Counter

    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPixmap

    image = image.toImage() if isinstance(image, QPixmap) else image
    if not image.save(str(out)):
        raise SystemExit(f"could not write {out}")
    if out.stat().st_size > MAX_PNG_BYTES:
        rgb = image.convertToFormat(QImage.Format.Format_RGB32)
        pixels = array.array("I")
        pixels.frombytes(bytes(memoryview(rgb.constBits()).cast("B")))
        palette = [color for color, _ in Counter(pixels).most_common(256)]
        rgb.convertToFormat(QImage.Format.Format_Indexed8, palette, Qt.ImageConversionFlag.ThresholdDither).save(
            str(out))
    print(f"wrote {out} ({out.stat().st_size // 1024} KB)")


def settle(ms: int = 300) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for(condition, timeout: float = 20.0, what: str = "the window") -> None:
    import time

    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise SystemExit(f"timed out waiting for {what}")
        QApplication.processEvents()
        time.sleep(0.02)


def guide_window(theme_name: str = "light", *, base_url: str | None = None, hint: bool = False,
                 size: tuple[int, int] = GUIDE_SIZE):
    """A review window on the sample PRD, sized like the guide's pictures, with its checks shown."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from doccritic import paths
    from doccritic.ui import theme
    from doccritic.ui.main_window import MainWindow

    QApplication.instance() or QApplication([])
    window = MainWindow()
    if base_url:
        window.settings.update_claude(base_url=base_url)
    if not hint:
        window.settings.update_ui(hint_dismissed=True, claude_banner_dismissed=True)
    theme.apply(theme_name)
    window.editor.highlighter.set_dark(theme.is_dark_now())
    window.resize(*size)
    window.show()
    loop = QEventLoop()
    window.document_ready.connect(loop.quit)
    window.open_path(paths.sample_prd())
    loop.exec()
    window.critics.ensure_personas()
    wait_for(lambda: window.critics.key_source is not None, what="the key check")
    settle()
    return window


def close(window) -> None:
    window.editor.document().setModified(False)
    window.close()


def grab_dialog(dialog, out: Path, ms: int = 300) -> None:
    dialog.show()
    settle(ms)
    save_png(dialog.grab(), out)


def guide_first_run(out: Path) -> None:
    """What a PM sees on first start without a key: offline checks, the reading hint, the set-up offer."""
    window = guide_window(hint=True)
    settle(300)
    save_png(window.grab(), out)
    close(window)


def guide_card(out: Path) -> None:
    """A one-way door selected: its card opened up, the passage flashed, the decision bar enabled."""
    window = guide_window()
    target = next(f.id for f in window.session.findings.findings if f.rule == "owd.full-launch")
    window.panel.select(target, notify=True)
    settle(500)
    save_png(window.grab(), out)
    close(window)


def guide_settings(out: Path, *, keyring_backend: str) -> None:
    """Claude settings: models listed from the endpoint and a tested connection, then the endpoint field shown
    empty (the default, api.anthropic.com); or, with no keyring backend, the message pointing at the variable."""
    import keyring
    from keyring.backends import fail

    from doccritic.ui.settings_dialog import SettingsDialog

    with FakeMessagesAPI() as api:
        api.script(Reply.text("pong"))  # the connection test's one-token request
        if keyring_backend == "memory":
            from fakes.keyring_backend import MemoryKeyring

            keyring.set_keyring(MemoryKeyring())
            keyring.set_password("doccritic", "anthropic-api-key", "fake-key-for-screenshots")
        else:
            keyring.set_keyring(fail.Keyring())
        window = guide_window(base_url=api.base_url)
        dialog = SettingsDialog(window.settings, window.critics.runner, window)
        dialog.show()
        wait_for(lambda: dialog.model.count() > 0 and "Listing" not in dialog.model_info.text(), what="models")
        if keyring_backend == "memory":
            dialog.test_connection()
            wait_for(lambda: dialog.test_result.text().startswith(("✓", "✗")), what="the connection test")
        dialog.base_url.setText("")
        grab_dialog(dialog, out)
        dialog.reject()
        close(window)


CRITICS = {
    "staff-engineer": [("challenged_assumption", "major", "Root cause asserted, not shown",
                        "The root cause is clear: end customers simply forget to pay", None),
                       ("weak_argument", "major", "One quote stands in for demand",
                        "I'd happily pay for Ledgerly to just take the money on the due date.", None)],
    "target-customer": [("one_way_door", "critical", "Opt-out auto-charge cannot be walked back",
                         "Auto-charge ships enabled by default (opt-out) for all existing accounts.", None)],
    "devils-advocate": [("weak_argument", "minor", "Certainty without evidence",
                         "customers will definitely love not thinking about collections at all", None)],
}


def guide_run(estimate_out: Path, running_out: Path) -> None:
    """The cost estimate before a run, then the window mid-run: one critic writing, one waiting out a
    rate limit, two done, and one not started because the budget cap was reached."""
    import asyncio

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from doccritic import paths
    from doccritic.claude.client import Connection
    from doccritic.claude.config import PanelSettings
    from doccritic.claude.panel import estimate
    from doccritic.core.personas import load_personas
    from doccritic.formats.loader import load_document

    with FakeMessagesAPI() as api:
        staff = json_answer("staff-engineer", "Not yet: the plan rests on an adoption guess.", 4)
        second = staff.index('"question"', staff.index('"question"') + 1)  # inside the second finding
        api.script(Reply.text(staff, fault=Fault.stall(after_events=3 + second // 40, seconds=120)),
                   match="persona: staff-engineer")
        api.script(Reply.error(429, "rate_limit_error", "Number of request tokens has exceeded your per-minute "
                               "rate limit.", {"retry-after": "40"}), match="persona: skeptical-exec")
        api.script(Reply.text(json_answer("target-customer", "I would turn this off on day one.", 3)),
                   match="persona: target-customer")
        api.script(Reply.text(json_answer("devils-advocate", "The strongest case against is consent.", 5)),
                   match="persona: devils-advocate")
        api.script(Reply.json(answer([], "Needs a consent review before launch.", 5)), match="persona: legal-privacy")
        # A cap that lets four of the five default critics start: the fifth shows what the cap does.
        personas = [p for p in load_personas().personas if p.enabled]
        doc = load_document(paths.sample_prd())

        async def costs() -> list[float]:
            client = Connection(api_key="sk-screenshot", base_url=api.base_url).client()
            try:
                est = await estimate(client, doc, personas, PanelSettings())
            finally:
                await client.close()
            return [cost for _, cost in est.per_persona.values()]

        per_critic = asyncio.run(costs())
        window = guide_window(base_url=api.base_url)
        window.settings.update_claude(budget_usd=round(sum(per_critic[:4]) + per_critic[4] / 2, 3))
        shot: dict[str, bool] = {}

        def grab_estimate() -> None:
            box = QApplication.activeModalWidget()
            if not isinstance(box, QMessageBox):
                QTimer.singleShot(100, grab_estimate)
                return
            settle(300)
            save_png(box.grab(), estimate_out)
            shot["estimate"] = True
            box.button(QMessageBox.StandardButton.Ok).click()

        QTimer.singleShot(100, grab_estimate)
        window.critics.run()
        wait_for(lambda: shot.get("estimate") and window.critics.running(), what="the run to start")
        rows = window.critics.panel
        wait_for(lambda: all(want in rows.row(pid).status.full_text() for pid, want in (
            ("staff-engineer", "(1 finding)"), ("skeptical-exec", "rate limited"), ("target-customer", "done ·"),
            ("devils-advocate", "done ·"), ("legal-privacy", "not started"))), timeout=30, what="the critics")
        first = next(f.id for f in window.session.findings.findings if f.persona == "target-customer")
        window.panel.select(first, notify=True)
        settle(500)
        save_png(window.grab(), running_out)
        window.critics.stop()
        wait_for(lambda: not window.critics.running(), what="the run to stop")
        close(window)


def json_answer(persona: str, verdict: str, readiness: int) -> str:
    import json

    return json.dumps(answer(CRITICS[persona], verdict, readiness))


def guide_personas(out: Path) -> None:
    from PySide6.QtWidgets import QLabel

    from doccritic.ui.persona_editor import PersonaEditor

    window = guide_window()
    editor = PersonaEditor(window)
    editor.resize(900, 620)
    editor.list.setCurrentRow(1)
    for field in (editor.f_role, editor.f_tone):
        field.setCursorPosition(0)
    for label in editor.findChildren(QLabel):
        if label.text().startswith("Your personas are saved in"):
            label.setText("Your personas are saved in /home/priya/.config/doccritic/personas")
    grab_dialog(editor, out)
    editor.reject()
    close(window)


def guide_debate_setup(out: Path) -> None:
    """The Start a debate dialog: motions proposed from the review's one-way doors and critical cards."""
    from doccritic.core.motions import suggest_motions
    from doccritic.ui.debate_dialog import DebateDialog

    window = guide_window()
    window.critics.ensure_personas()
    suggestions = suggest_motions(window.session.findings.findings, window.critics.personas)
    dialog = DebateDialog(list(window.critics.personas.values()), "", suggestions=suggestions, parent=window)
    dialog.choose_suggestion(0)
    grab_dialog(dialog, out)
    dialog.reject()
    close(window)


def guide_export(out: Path) -> None:
    from doccritic.ui.exports import ExportDialog

    window = guide_window()
    dialog = ExportDialog(Path("/home/priya/Documents/sample-prd.md"), window)
    grab_dialog(dialog, out)
    dialog.reject()
    close(window)


def guide_debate(out: Path) -> None:
    """A finished debate in the Debate dock, widened, with a quoted passage selected in the draft."""


    with FakeMessagesAPI() as api:
        window = guide_window(base_url=api.base_url)
        run_demo_debate(api, window)
        window.debates.jump("Auto-charge ships enabled by default (opt-out) for all existing accounts.", -1)
        window.debates.view.transcript.scrollToAnchor("summary")  # the decision and the clashes
        settle(400)
        save_png(window.grab(), out)
        close(window)


def guide_local(out: Path) -> None:
    """The Critics dock after a run on a local model whose server rejects structured output: the run goes on
    without it and says so; a prices.toml entry makes the local model free."""
    from PySide6.QtCore import QEventLoop

    from doccritic import paths

    with FakeMessagesAPI(caching=False, structured_output=False, count_tokens=False, models=["qwen3:14b"]) as api:
        api.script(Reply.text(json_answer("staff-engineer", "Not yet: the plan rests on an adoption guess.", 4)),
                   match="persona: staff-engineer")
        api.script(Reply.text(json_answer("target-customer", "I would turn this off on day one.", 3)),
                   match="persona: target-customer")
        config = paths.config_dir()
        config.mkdir(parents=True, exist_ok=True)
        bundled = paths.resource("prices.toml").read_text(encoding="utf-8")
        free = '[[model]]\nprefix = "qwen3"\ninput = 0.0\noutput = 0.0\n\n'  # first: the first match wins
        (config / "prices.toml").write_text(bundled.replace("[[model]]\nprefix", free + "[[model]]\nprefix", 1),
                                            encoding="utf-8")
        window = guide_window(base_url=api.base_url)
        window.settings.update_claude(model="qwen3:14b")
        window.update_claude_status()
        window.critics.panel.set_checked({"staff-engineer", "target-customer"})
        window.critics.confirm = lambda *_: True
        window.resize(1280, 620)
        loop = QEventLoop()
        window.critics.run_finished.connect(loop.quit)
        window.critics.run()
        loop.exec()
        settle(400)
        save_png(window.grab(), out)
        close(window)


def guide_dark_cli(out: Path) -> None:
    """The same window as `doccritic FILE --screenshot OUT --size WxH --theme dark` draws it."""
    import subprocess

    from PySide6.QtGui import QImage

    from doccritic import paths

    subprocess.run([sys.executable, "-m", "doccritic", str(paths.sample_prd()), "--screenshot", str(out),
                    "--size", "x".join(map(str, GUIDE_SIZE)), "--theme", "dark"], check=True)
    save_png(QImage(str(out)), out)


def guide_register(theme_name: str, out: Path) -> None:
    """The Decisions dock at 1440x900: a door settled with an exit ramp and an owner, another selected."""
    from PySide6.QtCore import Qt

    from doccritic.core.register_rows import edit

    window = guide_window(theme_name, size=(1440, 900))
    register = window.register
    deletion = next(d for d in register.decisions if d.reversibility == "one_way")
    register.panel.row_edited.emit("decisions", edit(edit(deletion, "owner", "Tomás Ortega"), "exit_ramp",
                                                     "Keep the legacy tables read-only for 90 days, then delete"))
    pricing = next(d for d in register.decisions if "Growth" in d.decision)
    register.panel.row_edited.emit("decisions", edit(pricing, "owner", "Marcus Webb"))
    register.dock.raise_()
    window.resizeDocks([register.dock], [700], Qt.Orientation.Horizontal)  # the PM widens it to settle doors
    table = register.panel.decisions
    table.view.setCurrentIndex(table.proxy.index(1, 0))
    settle(500)
    save_png(window.grab(), out)
    close(window)


SIZES = ((1024, 640), (1920, 1080))


def guide_size(theme_name: str, size: tuple[int, int], out: Path) -> None:
    """The window as a new user first sees it at ``size`` (default layout, docks fitted to the width) after a
    critics run, a card raised by two critics selected and its passage flashed."""
    from doccritic import paths

    with FakeMessagesAPI() as api:
        script(api, paths.sample_prd().read_text(encoding="utf-8"))
        window = guide_window(theme_name, base_url=api.base_url, size=size)
        window.critics.confirm = lambda *_: True
        wait_for(lambda: window.claude.fit_docks is None, what="the first-run dock widths")
        window.critics.run()
        wait_for(lambda: not window.critics.running() and window.critics.panel.summary.text().startswith("Last run"),
                 timeout=30, what="the critics")
        merged = next(f.id for f in window.session.findings.findings if f.also_raised_by)
        window.panel.select(merged, notify=True)
        settle(300)  # the flash lasts 700 ms: the picture shows it
        save_png(window.grab(), out)
        close(window)


def guide_sizes() -> None:
    """docs/user-guide.md's pictures of the whole window on a small and a large screen, light and dark."""
    os.environ["ANTHROPIC_API_KEY"] = "sk-screenshot"
    for theme_name in ("light", "dark"):
        for size in SIZES:
            with tempfile.TemporaryDirectory() as tmp:  # a first run: the default layout
                os.environ["DOCCRITIC_CONFIG_DIR"], os.environ["DOCCRITIC_DATA_DIR"] = f"{tmp}/c", f"{tmp}/d"
                guide_size(theme_name, size, REPO / "docs" / "screenshots" /
                           f"guide-window-{size[0]}x{size[1]}-{theme_name}.png")


def guide() -> None:
    shots = REPO / "docs" / "screenshots"

    def fresh(make, *args, key: bool = True, **kw) -> None:
        with tempfile.TemporaryDirectory() as tmp:  # each picture starts from a first run
            os.environ["DOCCRITIC_CONFIG_DIR"], os.environ["DOCCRITIC_DATA_DIR"] = f"{tmp}/c", f"{tmp}/d"
            os.environ.pop("ANTHROPIC_BASE_URL", None)
            if key:
                os.environ["ANTHROPIC_API_KEY"] = "sk-screenshot"
            else:
                os.environ.pop("ANTHROPIC_API_KEY", None)
            make(*args, **kw)

    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())  # never the real keychain of the machine making the pictures
    fresh(guide_first_run, shots / "guide-first-run-light.png", key=False)
    fresh(guide_card, shots / "guide-card-light.png")
    fresh(guide_settings, shots / "guide-settings-light.png", keyring_backend="memory", key=False)
    fresh(guide_settings, shots / "guide-settings-no-keyring-light.png", keyring_backend="none", key=False)
    fresh(guide_run, shots / "guide-estimate-light.png", shots / "guide-critics-running-light.png")
    fresh(guide_personas, shots / "guide-personas-light.png")
    fresh(guide_debate_setup, shots / "guide-debate-setup-light.png")
    fresh(guide_export, shots / "guide-export-light.png")
    fresh(guide_debate, shots / "guide-debate-light.png")
    fresh(guide_local, shots / "guide-local-model-light.png", key=False)
    fresh(guide_dark_cli, shots / "guide-window-dark.png")


def main() -> int:
    if sys.argv[1:] == ["guide"]:
        guide()
        return 0
    if sys.argv[1:] == ["sizes"]:  # the whole window at 1024x640 and 1920x1080, light and dark (the guide)
        guide_sizes()
        return 0
    if sys.argv[1:] == ["decisions"]:  # the Decisions dock, light and dark (docs/user-guide.md)
        for name in ("light", "dark"):
            with tempfile.TemporaryDirectory() as tmp:
                os.environ["DOCCRITIC_CONFIG_DIR"], os.environ["DOCCRITIC_DATA_DIR"] = f"{tmp}/c", f"{tmp}/d"
                guide_register(name, REPO / "docs" / "screenshots" / f"guide-decisions-{name}.png")
        return 0
    os.environ["ANTHROPIC_API_KEY"] = "sk-screenshot"
    for name in sys.argv[1:] or ["light", "dark"]:
        with tempfile.TemporaryDirectory() as tmp:  # README's first picture: the sample as it opens
            os.environ["DOCCRITIC_CONFIG_DIR"], os.environ["DOCCRITIC_DATA_DIR"] = f"{tmp}/c", f"{tmp}/d"
            window = guide_window(name, hint=True, size=(1500, 950))
            settle(300)
            save_png(window.grab(), REPO / "docs" / "screenshots" / f"workspace-{name}.png")
            close(window)
        with tempfile.TemporaryDirectory() as tmp:  # each picture starts from a first run
            os.environ["DOCCRITIC_CONFIG_DIR"], os.environ["DOCCRITIC_DATA_DIR"] = f"{tmp}/c", f"{tmp}/d"
            shoot(name, REPO / "docs" / "screenshots" / f"critics-{name}.png")
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["DOCCRITIC_CONFIG_DIR"], os.environ["DOCCRITIC_DATA_DIR"] = f"{tmp}/c", f"{tmp}/d"
            shoot_debate(name, REPO / "docs" / "screenshots" / f"debate-{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
