"""What a card tells the PM about a critic's judgement: its confidence, what a door or assumption leaves out."""

from __future__ import annotations

import pytest

from doccritic.core.findings import Anchor, Finding, Kind, Reversibility, Severity, Source
from doccritic.ui.cards import meta_flags
from doccritic.ui.findings_model import FindingsModel, Role
from doccritic.ui.findings_panel import FindingsPanel


def critic(title: str, confidence: float | None, **kw) -> Finding:
    return Finding(**{"source": Source.CRITIC, "persona": "staff-engineer", "kind": Kind.WEAK_ARGUMENT,
                      "severity": Severity.MAJOR, "confidence": confidence, "title": title,
                      "anchor": Anchor.DOCUMENT, "about": "document", **kw})


@pytest.fixture
def panel(qtbot):
    model = FindingsModel()
    model.update_findings([
        critic("Sure", 0.9), critic("Doubtful", 0.4), critic("Unrated", None),
        Finding(source=Source.CHECK, rule="gap.metrics", kind=Kind.OPEN_QUESTION, severity=Severity.MAJOR,
                title="No metrics", anchor=Anchor.DOCUMENT)])
    panel = FindingsPanel(model)
    qtbot.addWidget(panel)
    return panel


def shown(panel: FindingsPanel) -> set[str]:
    return {panel.proxy.index(r, 0).data(Role.FINDING).title for r in range(panel.proxy.rowCount())}


def test_the_confidence_filter_hides_doubtful_critic_findings_and_never_checks(panel):
    assert shown(panel) == {"Sure", "Doubtful", "Unrated", "No metrics"}
    panel.confidence.setCurrentText("Confidence 50%+")
    assert shown(panel) == {"Sure", "Unrated", "No metrics"}
    panel.confidence.setCurrentText("Confidence 80%+")
    assert shown(panel) == {"Sure", "Unrated", "No metrics"}
    panel.confidence.setCurrentText("Any confidence")
    assert len(shown(panel)) == 4


def test_cards_show_confidence_and_name_what_a_door_or_assumption_leaves_out(panel):
    door = critic("Door", 0.72, kind=Kind.ONE_WAY_DOOR,
                  reversibility=Reversibility(level="one_way", cost_to_reverse="refunds", decision_owner="CFO"))
    assert meta_flags(door) == " · 72% confidence · incomplete"
    assert meta_flags(critic("Plain", None)) == ""
    lines = [text for text, _, _ in panel.delegate._lines(door, expanded=True)]
    assert "Reversibility: one-way. Cost to reverse: refunds Owner: CFO" in lines
    assert "Incomplete: the critic did not give closes when, exit ramp." in lines
    bet = critic("Bet", 0.5, kind=Kind.CHALLENGED_ASSUMPTION, assumption="Users want it",
                 evidence_needed="Beta opt-in rate")
    lines = [text for text, _, _ in panel.delegate._lines(bet, expanded=True)]
    assert "Assumption: Users want it" in lines and "Evidence that would settle it: Beta opt-in rate" in lines
    assert "Incomplete: the critic did not give how to test." in lines
    forgot = critic("Forgot", 0.5, anchor=Anchor.UNANCHORED)
    assert "The critic quoted no passage, so this is not placed on the text." in [
        text for text, _, _ in panel.delegate._lines(forgot, expanded=True)]


def test_a_misquoted_card_shows_the_documents_words_as_the_passage_and_the_critics_apart(panel):
    text = "Auto-charge ships enabled by default (opt-out) for all existing accounts."
    panel.text_source = lambda: text
    wrong = critic("Opt-in is fine", 0.6, quote="Auto-charge ships disabled by default (opt-in) for all existing "
                   "accounts.", anchor=Anchor.FUZZY, start=0, end=len(text), misquoted=True, about="text")
    lines = [(t, role) for t, _, role in panel.delegate._lines(wrong, expanded=False)]
    assert lines[1] == (f"“{text}”", "quote")  # the highlighted words, not the critic's
    assert lines[2] == ("Misquoted: the critic wrote “Auto-charge ships disabled by default (opt-in) for all "
                        "existing accounts.”", "misquote")
    assert "disabled" not in " ".join(t for t, role in lines if role == "quote")
    assert meta_flags(wrong) == " · 60% confidence · misquoted"
