"""A scripted two-round review in which every round class occurs once (#17 Verify), shared by the CLI and the
window's end-to-end tests and by ``bench/rounds.py``.

Round 1: a critic raises six findings on V1. The PM then dismisses two with reasons (C, D), resolves one as
done (E), and revises the draft to V2: the rollout sentence is rewritten beyond recognition (A), the support
promise gets one word more (F), and a second sentence about purging invoices is added (where C comes back).
Round 2: the critic raises B again, C's gist in other words from the new passage, D with a new reason, E
again, and one new question (G); it says nothing of A or F. What each must become is ``EXPECTED``.
"""

from __future__ import annotations

ROLLOUT = "We ship to all users on day one."
ADOPT = "Customers will adopt auto-charge quickly."
DELETE = "We will delete legacy invoices after the migration."
LOCK = "We lock in PayFlow under a 3-year exclusive agreement."
LIFT = "Success means a 20% lift in on-time payments."
SUPPORT = "Support answers every billing ticket within one hour."
PURGE = "Old invoices are purged once the migration ends."

V1 = f"""# Billing PRD

## Plan
{ROLLOUT}
{ADOPT}
{DELETE}
{LOCK}
{LIFT}
{SUPPORT}

## Data
Invoices stay in the primary database.
"""
V2 = (V1.replace(ROLLOUT, "We start with 5% of accounts, then widen weekly.")
      .replace("within one hour", "within one business hour")
      .replace("primary database.", f"primary database. {PURGE}"))

TITLES = {
    "A": "Everyone on day one with no staged rollout",
    "B": "Adoption speed is assumed, not shown",
    "C": "Legacy invoices are deleted for good",
    "D": "Three-year exclusive lock-in with PayFlow",
    "E": "No baseline for the 20% lift",
    "F": "A one-hour answer for every ticket is not staffed",
    "G": "Who decides each weekly widening step?",
}
DISMISSED = {"C": "Finance keeps a seven-year archive", "D": "Legal approved the exclusivity"}
RESOLVED = ("E",)
NEW_REASON = "The exclusivity clause blocks the EU launch planned for Q3."

#: Each finding's class in round 2 (RoundClass values; plain strings so the bench can run older code on it).
EXPECTED = {"A": "fixed", "B": "still_open", "C": "suppressed", "D": "reraised", "E": "regressed", "F": "outdated",
            "G": "new"}
#: The round's summary line, as the CLI prints it and the critics dock and the export heading show it.
SUMMARY = ("1 fixed, 1 still open, 1 new, 1 regressed; 1 outdated (not re-judged), 1 raised again with a new "
           "reason, 1 suppressed")


def item(key: str, quote: str, kind: str, rationale: str = "Because.", title: str | None = None, **extra) -> dict:
    out = {"kind": kind, "severity": "major", "title": title or TITLES[key], "quote": quote, "rationale": rationale,
           **extra}
    if kind == "one_way_door":
        out["reversibility"] = {"level": "one_way", "closes_when": "launch", "cost_to_reverse": "weeks",
                                "exit_ramp": "pilot", "decision_owner": "PM"}
    if kind == "challenged_assumption":
        out.update(assumption="a", evidence_needed="b", how_to_test="c")
    return out


def answer(*items: dict, fixed: tuple[str, ...] = ()) -> dict:
    return {"findings": list(items), "verdict": "Not yet.", "readiness": 5, "fixed": list(fixed)}


ROUND1 = answer(
    item("A", ROLLOUT, "one_way_door"),
    item("B", ADOPT, "challenged_assumption"),
    item("C", DELETE, "one_way_door", "Deleting invoices cannot be undone."),
    item("D", LOCK, "one_way_door", "Lock-in."),
    item("E", LIFT, "weak_argument"),
    item("F", SUPPORT, "weak_argument"),
)
ROUND2 = answer(
    item("B", ADOPT, "challenged_assumption"),  # still a problem
    item("C", PURGE, "one_way_door", "Purging invoices cannot be undone.",
         title="Legacy invoices are deleted permanently"),  # the dismissed gist, other words, another passage
    item("D", LOCK, "one_way_door", NEW_REASON, title="Exclusive deal blocks the EU launch", reraise=True),
    item("E", LIFT, "weak_argument"),  # resolved by the PM, and back
    item("G", "then widen weekly", "open_question"),
)


def key_of(title: str) -> str | None:
    """The scenario's letter for a card or round entry title (C comes back under another title)."""
    for key, want in TITLES.items():
        if title == want:
            return key
    return None
