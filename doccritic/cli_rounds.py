"""``doccritic review FILE --previous review.json``: a review round against an earlier review.

The earlier review's findings are moved onto the revised text, the critics get the changes since the last
round and the findings still open (after the cached document), and every earlier finding is printed with
its class (fixed, still open, regressed, ...) and the reason, then the new ones. The review written with
``--out`` carries every round, so it can be the ``--previous`` of the next.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from doccritic.core.findings import Finding
from doccritic.core.references import Intent, Reference, ReviewContext
from doccritic.core.rounds import SHOWN, Round, RoundClass, RoundContext

if TYPE_CHECKING:
    from doccritic.core.document import Document


@dataclass
class Previous:
    """An earlier review, moved onto the revised draft: its rounds, findings and the next round's context,
    its references and intent (sent again unless flags replace them), and persona names for the reasons."""

    history: list[Round]
    before: list[Finding]
    context: RoundContext
    path: Path
    references: list[Reference] = field(default_factory=list)
    intent: Intent | None = None
    names: dict[str, str] = field(default_factory=dict)
    unread: list[Reference] = field(default_factory=list)  # carried references whose text could not be had
    base: str = ""  # the text the last round reviewed


def load_previous(path: Path, doc: Document, names: dict[str, str] | None = None) -> Previous:
    """Read ``path`` (review JSON) and place its findings on ``doc``; a review without rounds counts as round 1."""
    from doccritic.core.anchoring import reanchor
    from doccritic.core.rounds import context, first_round, round_text
    from doccritic.formats.review_json import load_review

    prev = load_review(path)
    old = prev.document.text
    history = list(prev.rounds) or [first_round(prev.findings, old, prev.document.fingerprint)]
    base = round_text(history, old)
    before = [reanchor(f, old, doc.text) for f in prev.findings]
    return Previous(history, before, context(history, before, base, doc.text), path, list(prev.references),
                    prev.intent, dict(names or {}), base=base)


OTHER_DOCUMENT = 0.25  # the share of the earlier draft's lines still in the new one, below which it is named


def shared_lines(old: str, new: str) -> float:
    """The share of ``old``'s non-blank lines (whitespace aside) that are still in ``new``: 1.0 for a light
    revision, near 0 for another document (a wrong ``--previous``, which would call every finding fixed)."""
    def lines(text: str) -> list[str]:
        return [" ".join(ln.split()) for ln in text.splitlines() if ln.strip()]

    before, after = lines(old), set(lines(new))
    return sum(ln in after for ln in before) / len(before) if before else 1.0


def check_same_document(previous: Previous, old_text: str, doc: Document, name: str, err: TextIO) -> None:
    """Say so when the draft shares little with the one the earlier review read: a wrong ``--previous`` file
    (every finding would come back fixed), or a rewrite the round's classes cannot follow line by line."""
    share = shared_lines(old_text, doc.text)
    if share < OTHER_DOCUMENT:
        print(f"doccritic: note: {name} keeps {share:.0%} of the lines of the draft {previous.path.name} reviewed; "
              "if that is another document, its findings will all read as fixed: check --previous.", file=err)


def carried_context(previous: Previous, given: ReviewContext, args: Any, err: TextIO) -> ReviewContext:
    """A round sends what the earlier one did: its references unless ``--reference``/``--reference-for`` name
    others, its intent unless ``--intent`` does. A carried reference too large to have been kept in the review
    is read again from its file when that still holds the same words; one that cannot be is named on ``err``,
    stays listed in the review written, and is not sent."""
    refs, intent = given.references, given.intent
    carried = []
    if not (args.reference or getattr(args, "reference_for", None)) and previous.references:
        from doccritic.formats.references import reread_references

        read, missing = reread_references(previous.references)
        refs = tuple(r for r in read if r.text)
        previous.unread = [r for r in read if not r.text]
        carried.append(f"references {', '.join(f'{r.id} {r.name}' for r in refs)}" if refs else "")
        for name in missing:
            print(f"doccritic: note: {name} from {previous.path.name} could not be read again (moved or changed): "
                  "not sent this round; attach it with --reference to send it.", file=err)
    if args.intent is None and previous.intent is not None and not previous.intent.empty:
        intent = previous.intent
        carried.append("the author's intent")
    if said := [c for c in carried if c]:
        print(f"doccritic: round {previous.context.number} sends {' and '.join(said)} from {previous.path.name} "
              "(--reference or --intent to change them).", file=err)
    return ReviewContext(tuple(refs), intent)


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
                     diff=previous.context.diff, fixed=fixed, names=previous.names)
    findings = sorted(apply_round(after, rnd, doc.text), key=Finding.sort_key)
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
        RoundClass.OUTDATED: "outdated", RoundClass.NEW: "new", RoundClass.FIXED: "fixed"}
