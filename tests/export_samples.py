"""The sample PRD's critic findings and debate that the HTML and PDF export tests both render."""

from __future__ import annotations

from doccritic.core.debates import Citation, Debate, Interjection, Summary, SummaryPoint, Turn
from doccritic.core.findings import Anchor, Finding, Kind, Reply, Reversibility, Severity, Source


def placed(text: str, quote: str, kind: Kind = Kind.WEAK_ARGUMENT, nth: int = 0, **fields: object) -> Finding:
    """A critic finding on the ``nth`` occurrence of ``quote`` in ``text`` (fields override the defaults)."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(quote, start + 1)
    base = {"source": Source.CRITIC, "persona": "staff-engineer", "severity": Severity.MAJOR,
            "title": f"About {quote[:20]}", "quote": quote, "start": start, "end": start + len(quote),
            "anchor": Anchor.EXACT}
    return Finding(kind=kind, **(base | fields))  # type: ignore[arg-type]


def sample_critics(text: str) -> list[Finding]:
    """Two critics on the sample PRD: a one-way door with its way out, and a challenged assumption with a reply."""
    return [
        placed(text, "We will sign a 3-year exclusive processing agreement with PayFlow", Kind.ONE_WAY_DOOR,
               id="critic-exclusive", severity=Severity.CRITICAL,
               title="A 3-year exclusive with an unknown minimum volume",
               rationale="Exclusivity plus a TBD minimum commitment locks pricing and routing for three years.",
               suggestion="Negotiate a 12-month term with a termination-for-convenience clause.",
               question="What does it cost us to leave PayFlow in year one?",
               reversibility=Reversibility(level="one_way", cost_to_reverse="Contract penalties, card re-vaulting",
                                           exit_ramp="Keep the second processor warm for 12 months")),
        placed(text, "The root cause is clear: end customers simply forget to pay.", Kind.CHALLENGED_ASSUMPTION,
               id="critic-cause", persona="skeptical-exec", title="“They forget” is asserted, not shown",
               rationale="Late payment is often cash-flow, disputes or approval chains; reminders do not fix those.",
               suggestion="Segment late invoices by reason from the Q3 support tickets before building Nudge.",
               replies=[Reply(author="Priya", text="Pulling the ticket tags this week.")]),
    ]


def sample_debate(text: str, *, stopped_turn: bool = False) -> Debate:
    """A summed-up debate on auto-charge; ``stopped_turn`` adds a second round whose last turn was stopped."""
    quote = "Auto-charge is turned on by default for every existing account on launch day"
    start = text.index(quote)
    cite = Citation(quote=quote, start=start, end=start + len(quote), anchor=Anchor.EXACT)
    opening = "Turning on charges nobody asked for is the fastest way to a chargeback spike."
    closing = "Opt-in for existing accounts, opt-out only for new ones."
    turns = [Turn(index=1, speaker="devils-advocate", side="against", citations=[cite],
                  text=opening + ("\n\n" if stopped_turn else " ") + closing),
             Turn(index=2, speaker="staff-engineer", side="for",
                  text="Opt-in adoption stalls below 10%; the pre-charge notice gives payers three days to object.")]
    if stopped_turn:
        turns.append(Turn(index=3, speaker="devils-advocate", side="against", status="stopped",
                          text="And the support load in the first week would"))
    return Debate(
        motion="Auto-charge should ship enabled by default for existing accounts", pro="staff-engineer",
        con="devils-advocate", opener="devils-advocate", rounds=2 if stopped_turn else 1, turns=turns,
        interjections=[Interjection(after_turn=1, text="Assume Legal says opt-out is fine in DE. Does it change?")],
        summary=Summary(verdict="Ship opt-in for existing accounts; revisit after 60 days of chargeback data.", points=[
            SummaryPoint(category="strongest", side="against", text="Chargebacks and payer trust.", citations=[cite]),
            SummaryPoint(category="conceded", side="for", text="Opt-in adoption will be slow."),
            SummaryPoint(category="change", text="State the chargeback-rate rollback trigger in the rollout plan.")]))
