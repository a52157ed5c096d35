"""Motions proposed from the review (#15 item 7): a concrete decision, argued by the draft's defender against
the seat that raised it."""

from __future__ import annotations

from doccritic.core.findings import Finding, Kind, Raise, Reversibility, Severity, Source, Status
from doccritic.core.motions import motion_for, suggest_motions

SEATS = ["authors-advocate", "staff-engineer", "skeptical-exec", "finance", "legal-privacy", "target-customer"]
DOOR = "Auto-charge ships enabled by default (opt-out) for all existing accounts on 1 March."


def card(quote: str, *, kind=Kind.ONE_WAY_DOOR, severity=Severity.MAJOR, persona=None, subtype=None, **kw):
    source = Source.CRITIC if persona else Source.CHECK
    return Finding(source=source, persona=persona, kind=kind, severity=severity, title=kw.pop("title", "A problem"),
                   quote=quote, subtype=subtype, **kw)


def test_a_one_way_door_becomes_a_motion_quoting_the_decision_and_when_its_door_closes():
    door = card(DOOR, persona="finance", reversibility=Reversibility(
        level="one_way", closes_when="when the first charge runs."))
    assert motion_for(door) == f"Commit to this as written: “{DOOR}” (the door closes when the first charge runs)"
    (only,) = suggest_motions([door], SEATS)
    assert (only.pro, only.con) == ("authors-advocate", "finance")  # the draft's defender against who raised it
    assert only.finding_id == door.id and DOOR in only.focus


def test_doors_come_first_then_critical_cards_and_settled_ones_are_left_out():
    critical = card("Churn will fall by 30% in a quarter.", kind=Kind.WEAK_ARGUMENT, severity=Severity.CRITICAL,
                    persona="skeptical-exec")
    minor = card("We will add a banner.", kind=Kind.WEAK_ARGUMENT, severity=Severity.MINOR, persona="staff-engineer")
    dismissed = card("We will delete invoices.", status=Status.DISMISSED, persona="legal-privacy")
    pricing = card("Prices rise 20% for legacy plans.", subtype="pricing")  # a check: nobody raised it
    shared = card(DOOR, persona="staff-engineer",
                  also_raised_by=[Raise(persona="target-customer", severity=Severity.CRITICAL)])
    motions = suggest_motions([critical, minor, dismissed, pricing, shared], SEATS)
    assert [m.finding_id for m in motions] == [shared.id, pricing.id, critical.id]
    assert motions[0].motion.startswith("Commit to this as written") and motions[2].motion.startswith("Sign off")
    assert motions[1].con == "finance"  # a pricing door is argued by the seat that pays for it
    assert motions[2].con == "skeptical-exec"


def test_without_the_authors_advocate_any_other_seat_defends_and_one_seat_is_not_a_debate():
    door = card(DOOR, persona="staff-engineer")
    (m,) = suggest_motions([door], ["staff-engineer", "skeptical-exec"])
    assert (m.pro, m.con) == ("skeptical-exec", "staff-engineer")
    assert suggest_motions([door], ["staff-engineer"]) == []
