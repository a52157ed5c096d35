"""The References dock in the review window: attach, refuse, assign, the intent, citations on cards, reopening.

Against the loopback Messages API (real SDK): what the PM attaches is what the critics are sent.
"""

from __future__ import annotations

import pytest
from fakes.messages_api import Reply
from pdfs import encrypted_pdf, image_only_pdf, text_pdf
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from conftest import SAMPLE
from doccritic.core.findings import Source
from doccritic.ui.main_window import MainWindow

TIMEOUT = 15_000
TEXT = SAMPLE.read_text(encoding="utf-8")
QUOTE = next(ln.strip("-* ").split(". ")[0] for ln in TEXT.splitlines() if len(ln) > 70 and not ln.startswith("#"))
POLICY = ("# Billing policy\n\nCustomers must opt in before any automatic charge.\n"
          "Refunds are issued within five business days of a dispute.\n")
RULE = "Customers must opt in before any automatic charge."


@pytest.fixture
def window(claude_window):
    claude_window.critics.confirm = lambda estimate, chosen, section: True
    return claude_window


def attach(qtbot, win: MainWindow, path, persona=None, count=None) -> None:
    want = (count if count is not None else len(win.session.references) + 1)
    win.references.add_files([path], persona)
    qtbot.waitUntil(lambda: len(win.session.references) == want, timeout=TIMEOUT)


def refused(qtbot, win: MainWindow, path, said: str) -> None:
    before = list(win.session.references)
    win.banner.hide()
    win.references.add_files([path])
    qtbot.waitUntil(lambda: win.banner.isVisible(), timeout=TIMEOUT)
    assert said in win.banner.label.text()
    assert win.session.references == before  # nothing lost


def test_attach_list_refuse_and_assign_references(qtbot, window, tmp_path):
    (tmp_path / "policy.md").write_text(POLICY, encoding="utf-8")
    text_pdf(tmp_path / "dpa.pdf", ["Processors delete data on request only."])
    attach(qtbot, window, tmp_path / "policy.md")
    attach(qtbot, window, tmp_path / "dpa.pdf")
    panel = window.references.panel
    rows = [[panel.list.topLevelItem(i).text(c) for c in range(5)] for i in range(panel.list.topLevelItemCount())]
    assert rows[0][:2] == ["R1", "policy.md"] and rows[0][4] == "Every critic"
    assert rows[1][:2] == ["R2", "dpa.pdf"] and rows[1][3] == "~10"
    assert "2 files" in panel.total.text()
    refused(qtbot, window, SAMPLE, "it is the document under review")
    refused(qtbot, window, encrypted_pdf(tmp_path / "dpa.pdf", tmp_path / "locked.pdf"), "password-protected")
    refused(qtbot, window, tmp_path / "policy.md", "already attached as R1")
    # Read by: one persona
    panel.list.setCurrentItem(panel.list.topLevelItem(1))
    index = panel.reader.findData("legal-privacy")
    assert index > 0 and panel.reader.itemText(index) == "Legal & Privacy Counsel"
    panel.reader.setCurrentIndex(index)
    panel.reader.activated.emit(index)
    assert window.session.reference("R2").persona == "legal-privacy"
    assert panel.list.topLevelItem(1).text(4) == "Legal & Privacy Counsel"
    panel.list.setCurrentItem(panel.list.topLevelItem(0))
    QTest.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    assert [r.id for r in window.session.references] == ["R2"]
    window.references.dock.show()
    window.references.dock.raise_()
    window.references.dock.resize(420, 560)
    qtbot.waitUntil(lambda: panel.isVisible(), timeout=TIMEOUT)
    panel.grab().save(str(tmp_path / "references-panel.png"))


def test_intent_and_references_reach_the_critics_and_citations_open_the_reference(qtbot, window, claude_api, tmp_path):
    (tmp_path / "policy.md").write_text(POLICY, encoding="utf-8")
    attach(qtbot, window, tmp_path / "policy.md")
    panel = window.references.panel
    QTest.keyClicks(panel.decided, "Opt-out by default: legal signed it off.")
    qtbot.waitUntil(lambda: window.session.intent is not None
                    and window.session.intent.decided == "Opt-out by default: legal signed it off.", timeout=TIMEOUT)
    seen = {}

    def confirm(estimate, chosen, section):
        seen["tokens"] = estimate.tokens
        return True

    window.critics.confirm = confirm
    claude_api.script(Reply.json({"findings": [{
        "kind": "one_way_door", "severity": "critical", "title": "Charges without consent", "quote": QUOTE,
        "about": "text", "rationale": "The policy needs opt-in.", "reference": {"id": "R1", "quote": RULE},
        "challenges_decision": True, "decision": "Opt-out by default"}], "verdict": "No.", "readiness": 2}))
    window.critics.panel.set_checked({"legal-privacy"})
    with qtbot.waitSignal(window.critics.run_finished, timeout=TIMEOUT):
        window.critics.run()
    body = next(r.body for r in claude_api.journal if r.path == "/v1/messages")
    assert RULE in body["system"][2]["text"] and "Opt-out by default: legal signed it off." in body["system"][3]["text"]
    assert seen["tokens"] > window.session.references[0].tokens
    (card,) = [f for f in window.session.findings.findings if f.source is Source.CRITIC]
    assert card.challenges_decision == "Opt-out by default" and POLICY[card.cites[0].start:card.cites[0].end] == RULE
    # the card says so, and a click on its citation opens the reference at the passage
    window.panel.select(card.id, notify=True)
    index = window.panel.list.currentIndex()
    delegate = window.panel.delegate
    from doccritic.ui.cards import meta_flags

    assert "challenges a stated decision" in meta_flags(card)
    rect = window.panel.list.visualRect(index)
    (box,) = [b for b, role in delegate.line_rects(card, rect, index, True) if role == "cite:0"]
    qtbot.waitUntil(lambda: window.panel.list.indexAt(box.center()) == index, timeout=TIMEOUT)  # laid out
    with qtbot.waitSignal(window.references.viewer_opened, timeout=TIMEOUT) as opened:
        QTest.mouseClick(window.panel.list.viewport(), Qt.MouseButton.LeftButton, pos=box.center())
    viewer = opened.args[0]
    assert viewer.passage == RULE and viewer.windowTitle() == "R1 · policy.md"
    viewer.close()
    menu = window.panel.card_menu(card.id)
    assert "Open R1 policy.md at the passage" in [a.text() for a in menu.actions()]


def test_references_and_intent_come_back_when_the_document_is_reopened(qtbot, window, tmp_path):
    (tmp_path / "policy.md").write_text(POLICY, encoding="utf-8")
    attach(qtbot, window, tmp_path / "policy.md", persona="legal-privacy")
    QTest.keyClicks(window.references.panel.feedback_on, "Is the rollout safe?")
    window.close()  # stores the review, the pending intent edit included
    again = MainWindow()
    try:
        with qtbot.waitSignal(again.document_ready, timeout=TIMEOUT):
            again.open_path(SAMPLE)
        (ref,) = again.session.references
        assert (ref.id, ref.name, ref.persona, ref.text) == ("R1", "policy.md", "legal-privacy", POLICY)
        assert again.session.intent.feedback_on == "Is the rollout safe?"
        assert again.references.panel.feedback_on.toPlainText() == "Is the rollout safe?"
        assert again.references.panel.list.topLevelItem(0).text(1) == "policy.md"
    finally:
        again.close()


def test_a_viewer_without_a_span_or_with_a_stale_one_still_opens(qtbot, window, tmp_path):
    (tmp_path / "policy.md").write_text(POLICY, encoding="utf-8")
    attach(qtbot, window, tmp_path / "policy.md")
    viewer = window.references.open_reference("R1", (5, 10_000))
    assert viewer is not None and viewer.passage == "" and RULE in viewer.view.toPlainText()
    viewer.close()
    window.banner.hide()
    assert window.references.open_reference("R7") is None and "no longer attached" in window.banner.label.text()


def test_a_debate_turn_citing_a_reference_shows_the_citation_and_opens_the_reference_there(
        qtbot, window, claude_api, tmp_path):
    from PySide6.QtCore import QUrl

    from doccritic.ui.debate_dialog import DebateChoice

    (tmp_path / "policy.md").write_text(POLICY, encoding="utf-8")
    attach(qtbot, window, tmp_path / "policy.md")
    QTest.keyClicks(window.references.panel.decided, "Opt-out by default: legal signed it off.")
    qtbot.waitUntil(lambda: window.session.intent is not None and bool(window.session.intent.decided),
                    timeout=TIMEOUT)
    door = "Auto-charge ships enabled by default (opt-out) for all existing accounts."
    claude_api.script(Reply.text(f'The draft says "{door}" but the policy says "{RULE}" Opt-out breaks it.'),
                      match="You are Staff Engineer. Write turn")
    claude_api.script(Reply.text(f'Legal signed off "{door}" already.'), match="You are Skeptical Exec. Write turn")
    claude_api.script(Reply.json({"points": [], "verdict": "Ask legal again."}), match="You are the referee")
    choice = DebateChoice(motion="Auto-charge should be opt-out.", pro="skeptical-exec", con="staff-engineer",
                          opener="staff-engineer", rounds=1, turn_words=120, free_positions=False)
    with qtbot.waitSignal(window.debates.debate_idle, timeout=TIMEOUT):
        assert window.debates.new_debate(choice=choice)
    # the request journal: the draft and the instructions first (the cached prefix), then the reference, the intent
    calls = [r.body for r in claude_api.journal if r.path == "/v1/messages"]
    assert len(calls) == 3 and all(c["system"] == calls[0]["system"] for c in calls)
    system = calls[0]["system"]
    assert "<document>" in system[0]["text"] and RULE not in system[0]["text"] + system[1]["text"]
    assert RULE in system[2]["text"] and "Opt-out by default: legal signed it off." in system[3]["text"]
    # the turn carries the citation, anchored exactly in the reference, and the dock shows it on the turn
    turn = window.debates.current.turns[0]
    (c,) = turn.cites
    assert c.reference == "R1" and POLICY[c.start:c.end] == RULE
    view = window.debates.view
    assert f"Cites R1 policy.md: “{RULE}” ↗" in view.transcript.toPlainText()
    # a click opens the reference at the passage
    with qtbot.waitSignal(window.references.viewer_opened, timeout=TIMEOUT) as opened:
        view._link(QUrl("ref:1:0"))
    assert opened.args[0].passage == RULE and opened.args[0].windowTitle() == "R1 · policy.md"
    opened.args[0].close()
    # and so does the keyboard: Tab to the link, Enter
    window.debates.dock.show()
    window.debates.dock.raise_()
    view.transcript.setFocus()
    qtbot.waitUntil(view.transcript.hasFocus, timeout=TIMEOUT)
    for _ in range(10):
        if "R1 policy.md" in view.transcript.textCursor().selectedText():
            break
        QTest.keyClick(view.transcript, Qt.Key.Key_Tab)
    assert "R1 policy.md" in view.transcript.textCursor().selectedText()
    view.grab().save(str(tmp_path / "debate-reference.png"))
    with qtbot.waitSignal(window.references.viewer_opened, timeout=TIMEOUT) as opened:
        QTest.keyClick(view.transcript, Qt.Key.Key_Return)
    assert opened.args[0].passage == RULE
    opened.args[0].close()


def test_bad_references_are_refused_in_one_sentence_and_nothing_attached_is_lost(qtbot, window, tmp_path):
    (tmp_path / "policy.md").write_text(POLICY, encoding="utf-8")
    attach(qtbot, window, tmp_path / "policy.md")
    QTest.keyClicks(window.references.panel.decided, "Opt-out by default.")
    qtbot.waitUntil(lambda: window.session.intent is not None and bool(window.session.intent.decided),
                    timeout=TIMEOUT)
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\n garbage")
    refused(qtbot, window, tmp_path / "broken.pdf", "Cannot attach broken.pdf: it is damaged or not a PDF.")
    refused(qtbot, window, image_only_pdf(tmp_path / "scan.pdf"),
            "Cannot attach scan.pdf: it has no text layer (a scan or images only)")
    with (tmp_path / "archive.pdf").open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse: refused on its size, never read
    refused(qtbot, window, tmp_path / "archive.pdf", "Cannot attach archive.pdf: it is 200 MB, over the 50 MB limit")
    text_pdf(tmp_path / "plain.pdf", ["Processors delete data on request only."])
    refused(qtbot, window, encrypted_pdf(tmp_path / "plain.pdf", tmp_path / "locked.pdf"), "password-protected")
    refused(qtbot, window, SAMPLE, "it is the document under review")
    # several at once: each bad one is its own sentence, the good one still comes
    window.references.add_files([tmp_path / "broken.pdf", tmp_path / "plain.pdf"])
    qtbot.waitUntil(lambda: len(window.session.references) == 2, timeout=TIMEOUT)
    assert [r.name for r in window.session.references] == ["policy.md", "plain.pdf"]
    assert window.session.intent.decided == "Opt-out by default."
    assert window.references.panel.decided.toPlainText() == "Opt-out by default."
    assert window.references.panel.list.topLevelItemCount() == 2
