"""``doccritic review FILE --previous review.json``: a review round against an earlier review.

The earlier review's findings are moved onto the revised text, the critics get the changes since the last
round and the findings still open (after the cached document), and every earlier finding is printed with
its class (fixed, still open, regressed, ...) and the reason, then the new ones. The review written with
``--out`` carries every round, so it can be the ``--previous`` of the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from doccritic.core.findings import Finding
from doccritic.core.rounds import SHOWN, Round, RoundClass, RoundContext

if TYPE_CHECKING:
    from doccritic.core.document import Document


@dataclass
class Previous:
    """An earlier review, moved onto the revised draft: its rounds, findings and the next round's context."""

    history: list[Round]
    before: list[Finding]
    context: RoundContext


def load_previous(path: Path, doc: Document) -> Previous:
    """Read ``path`` (review JSON) and place its findings on ``doc``; a review without rounds counts as round 1."""
    from doccritic.core.anchoring import reanchor
    from doccritic.core.rounds import context, first_round, round_text
    from doccritic.formats.review_json import load_review

    prev = load_review(path)
    old = prev.document.text
    history = list(prev.rounds) or [first_round(prev.findings, old, prev.document.fingerprint)]
    base = round_text(history, old)
    before = [reanchor(f, old, doc.text) for f in prev.findings]
    return Previous(history, before, context(history, before, base, doc.text))


def first(findings: list[Finding], doc: Document) -> list[Round]:
    """A review without ``--previous`` is round 1 of its own, so that its file can be the next one's previous."""
    from doccritic.core.rounds import first_round

    return [first_round(findings, doc.text, doc.fingerprint)]


def conclude(previous: Previous, cards: list[Finding], results: list[Any], doc: Document) -> tuple[list[Finding],
                                                                                                   list[Round]]:
    """The findings after the round (earlier ones with the critics' merges and the round's verdicts, then the
    new cards) and the rounds to store, the new one last."""
    from doccritic.core.rounds import apply_round, next_round, with_round

    by_id = {f.id: f for f in previous.before}
    by_id.update({c.id: c for c in cards})
    after = list(by_id.values())
    raised = [f for r in results for f in r.findings]
    fixed: dict[str, list[str]] = {}
    for r in results:
        for fid in getattr(r, "fixed", ()):
            fixed.setdefault(fid, []).append(r.persona_id)
    rnd = next_round(previous.history, previous.before, after, raised, doc.text, doc.fingerprint,
                     diff=previous.context.diff, fixed=fixed)
    findings = sorted(apply_round(after, rnd), key=Finding.sort_key)
    return findings, with_round(previous.history, rnd, doc.text)


def write_round(rnd: Round, findings: list[Finding], out: TextIO) -> None:
    """The round for a terminal: its counts, then each finding shown in this round with its class and reason."""
    by_id = {f.id: f for f in findings}
    out.write(f"Round {rnd.number} (changes since round {rnd.number - 1}): {rnd.summary()}\n")
    for cls in SHOWN:
        for e in (e for e in rnd.entries if e.status is cls):
            f = by_id.get(e.finding_id)
            severity = f" ({f.severity.value})" if f is not None else ""
            out.write(f"  {_TAG[cls]:<10} {e.title}{severity}: {e.reason}\n")


_TAG = {RoundClass.REGRESSED: "regressed", RoundClass.RERAISED: "re-raised", RoundClass.STILL_OPEN: "open",
        RoundClass.NEW: "new", RoundClass.FIXED: "fixed"}
