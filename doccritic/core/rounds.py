"""Review rounds with memory: after the PM edits and asks again, what became of every earlier finding.

A *round* is one review of the whole draft. Round 1 is the first; each Re-review (``doccritic review
--previous``, the window's Re-review) sends the critics the changes since the last round, the findings still
open (those whose passage changed too, so a critic judges them on the new words) and those fixed earlier, and
then sorts every earlier finding into one class, with a reason a PM can check that names critics by name:

- **fixed**: a critic said the changes fixed it; or its passage left the draft and no critic raised the
  problem again; or the PM had resolved it, or applied its suggestion, and no critic raised it again; it
  stays fixed in later rounds;
- **still open**: a critic raised the same problem again (matched by problem as the panel merges cards:
  passage, kind and title or quote similarity), or its passage is unchanged and no critic said it is fixed;
- **outdated**: its passage was rewritten (still found, but not as it was) and no critic judged it again,
  neither raising it again nor saying it is fixed. It is not called fixed on the strength of an edit alone,
  nor still open on words that are no longer there: the PM checks it;
- **regressed**: fixed in an earlier round (or resolved by the PM) and raised again now, or fixed because its
  passage left the draft and that passage is back;
- **new**: first raised in this round.

Dismissed findings (with the PM's reason) are never shown again unless a critic gives a *new* reason: the
same problem raised again, on its passage or another, is **suppressed** (counted, not shown); raised with a
reason the card does not already hold is **raised again with a new reason** and comes back open.

Pure functions over core records, shared by the CLI and the window, so both classify alike.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from doccritic.core.anchoring import anchor_quote
from doccritic.core.findings import Anchor, Finding, Reply, Source, Status
from doccritic.core.merge import find_duplicate
from doccritic.core.round_records import SHOWN, Round, RoundClass, RoundEntry

MAX_DIFF_CHARS = 8000  # the changes sent and kept: enough for a revision, short next to the document
RERAISED_PREFIX = "Re-raised with a new reason:"  # the reply the panel adds (core.merge.reraised)
SAME_REASON = 85.0  # token-set similarity at or above which a "new" reason says what the card already says
AUTHOR = "doccritic"
__all__ = ["SHOWN", "Round", "RoundClass", "RoundContext", "RoundEntry", "apply_round", "context", "first_round",
           "next_round", "text_diff"]


@dataclass(frozen=True)
class RoundContext:
    """What a re-review sends after the cached prefix: the round's number, the changes, what is still open."""

    number: int
    previous: int
    diff: str
    still_open: tuple[Finding, ...]
    fixed_before: tuple[Finding, ...] = ()  # fixed in an earlier round or resolved: raised again if they came back


def tracked(f: Finding) -> bool:
    """Rounds follow critic and debate findings; the offline checks re-run on every edit by themselves."""
    return f.source is not Source.CHECK


def text_diff(old: str, new: str, limit: int = MAX_DIFF_CHARS) -> str:
    """A compact unified diff of the canonical text (one line of context, no file header), capped at
    ``limit`` characters with a note of what was left out."""
    lines = list(difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=1))[2:]
    out, size = [], 0
    for i, line in enumerate(lines):
        if size + len(line) + 1 > limit:
            out.append(f"… ({len(lines) - i} more diff lines not shown)")
            break
        out.append(line)
        size += len(line) + 1
    return "\n".join(out)


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def passage_of(f: Finding, text: str) -> str:
    return text[f.start:f.end] if f.placed and f.end is not None and f.end <= len(text) else f.quote


def first_round(findings: Iterable[Finding], text: str, fingerprint: str, *, at: datetime | None = None) -> Round:
    """Round 1: every tracked finding is new."""
    entries = [RoundEntry(finding_id=f.id, title=f.title, status=RoundClass.NEW, reason="raised in the first review",
                          passage=passage_of(f, text), personas=f.personas)
               for f in findings if tracked(f)]
    return Round(number=1, at=at or _now(), fingerprint=fingerprint, entries=entries)


OPEN_STATES = (Status.OPEN, Status.ACCEPTED, Status.DEFERRED, Status.OUTDATED)


def context(history: Sequence[Round], findings: Iterable[Finding], old_text: str, new_text: str) -> RoundContext:
    """The next round's request context: the changes since the last round, the findings still open (an
    outdated one too: its passage changed, and the critic is asked to judge it on the new words) and the
    findings fixed or resolved before (so a critic can say one came back)."""
    last = history[-1].number if history else 0
    mine = [f for f in findings if tracked(f)]
    still = tuple(f for f in mine if f.status in OPEN_STATES)
    fixed = tuple(f for f in mine if f.status is Status.RESOLVED)
    return RoundContext(number=last + 1, previous=last, diff=text_diff(old_text, new_text), still_open=still,
                        fixed_before=fixed)


def _who(findings: Iterable[Finding], names: Mapping[str, str]) -> list[str]:
    return list(dict.fromkeys(names.get(f.persona or "", f.persona or "a critic") for f in findings))


def _passage_state(then: str, f: Finding, text: str) -> str:
    """"unchanged", "rewritten" (found, not as it was), "removed" (not found), or "document" (a finding
    about the whole draft)."""
    if not then.strip():
        return "document"
    if f.status is not Status.OUTDATED and f.placed and " ".join(passage_of(f, text).split()) == " ".join(then.split()):
        return "unchanged"
    found = anchor_quote(text, then)
    if found.anchor in (Anchor.EXACT, Anchor.NORMALIZED, Anchor.AMBIGUOUS):
        return "unchanged"
    return "rewritten" if found.anchor.placed else "removed"


def _last_fixed(history: Sequence[Round], finding_id: str) -> RoundEntry | None:
    """The entry of the round in which the finding was last classified fixed (its number is
    ``_fixed_in``), unless a later round reopened it."""
    for r in reversed(history):
        e = r.entry(finding_id)
        if e is not None and e.status is not RoundClass.DISMISSED:
            return e if e.status is RoundClass.FIXED else None
    return None


def _fixed_in(history: Sequence[Round], entry: RoundEntry) -> int:
    """The round that first said ``entry``'s finding was fixed (a fixed one is carried forward as such)."""
    number = 0
    for r in history:
        e = r.entry(entry.finding_id)
        fixed = e is not None and e.status is RoundClass.FIXED
        number = (number or r.number) if fixed else 0
    return number


def _new_reason(card: Finding, hits: Sequence[Finding]) -> Finding | None:
    """The re-raise among ``hits`` whose reason the card does not already hold (its rationale, another
    critic's, or the PM's dismissal), or None."""
    from rapidfuzz import fuzz

    known = [card.rationale, *(r.rationale for r in card.also_raised_by), *(r.text for r in card.replies)]
    for hit in hits:
        if not any(r.text.startswith(RERAISED_PREFIX) for r in hit.replies) or not hit.rationale.strip():
            continue
        if all(fuzz.token_set_ratio(hit.rationale.lower(), k.lower()) < SAME_REASON for k in known if k.strip()):
            return hit
    return None


def _dismissal(card: Finding) -> str:
    reasons = [r.text.removeprefix("Dismissed:").strip() for r in card.replies if r.text.startswith("Dismissed:")]
    return f"dismissed by the PM: {reasons[-1]}" if reasons else "dismissed by the PM"


@dataclass(frozen=True)
class _Verdict:
    status: RoundClass
    reason: str
    gone: bool = False  # fixed because its passage left the draft


def _dismissed(f: Finding, hits: list[Finding], names: Mapping[str, str]) -> _Verdict:
    if not hits:
        return _Verdict(RoundClass.DISMISSED, _dismissal(f))
    new = _new_reason(f, hits)
    if new is not None:
        who = names.get(new.persona or "", new.persona or "a critic")
        return _Verdict(RoundClass.RERAISED, f"{who} raised it again with a new reason: {new.rationale}")
    where = "" if any(_overlaps(f, h) for h in hits) else " (on another passage)"
    return _Verdict(RoundClass.SUPPRESSED, f"{', '.join(_who(hits, names))} raised it again{where} with no new "
                                           f"reason; {_dismissal(f)}")


def _overlaps(a: Finding, b: Finding) -> bool:
    return bool(a.placed and b.placed and a.start is not None and a.end is not None and b.start is not None
                and b.end is not None and min(a.end, b.end) > max(a.start, b.start))


def _earlier(f: Finding, hits: list[Finding], then: str, text: str, history: Sequence[Round],
             fixed_by: Sequence[str], names: Mapping[str, str]) -> _Verdict:
    if f.status is Status.DISMISSED:
        return _dismissed(f, hits, names)
    who = ", ".join(_who(hits, names))
    last_fix = _last_fixed(history, f.id)
    fixed_in = _fixed_in(history, last_fix) if last_fix is not None else None
    state = _passage_state(then, f, text)
    if hits:
        if fixed_in is not None or f.status is Status.RESOLVED:
            when = f"fixed in round {fixed_in}" if fixed_in is not None else "resolved by the PM"
            return _Verdict(RoundClass.REGRESSED, f"{when}, raised again by {who}")
        where = " on its rewritten passage" if state in ("rewritten", "removed") else ""
        return _Verdict(RoundClass.STILL_OPEN, f"{who} raised it again{where}")
    if last_fix is not None:
        if last_fix.gone and state == "unchanged":
            return _Verdict(RoundClass.REGRESSED, f"fixed in round {fixed_in} when its passage left the draft; "
                                                  f"that passage is back: “{_short(then)}”")
        return _Verdict(RoundClass.FIXED, f"fixed in round {fixed_in}", gone=last_fix.gone)
    if fixed_by:
        return _Verdict(RoundClass.FIXED, f"{_and(fixed_by)} said the changes fixed it", gone=state == "removed")
    if state == "removed":
        return _Verdict(RoundClass.FIXED, "its passage was removed from the draft and no critic raised the problem "
                                          "again", gone=True)
    if f.status is Status.RESOLVED:
        return _Verdict(RoundClass.FIXED, "resolved by the PM and no critic raised it again")
    if f.status is Status.ACCEPTED and state == "rewritten":  # the edit is the critic's own suggestion
        return _Verdict(RoundClass.FIXED, "the PM applied its suggestion and no critic raised it again")
    if state == "rewritten":
        return _Verdict(RoundClass.OUTDATED, "its passage was rewritten and no critic judged it again: check it "
                                             "against the new words")
    if state == "unchanged":
        return _Verdict(RoundClass.STILL_OPEN, "its passage is unchanged and no critic said the changes fixed it")
    return _Verdict(RoundClass.STILL_OPEN, "it is about the whole document and no critic said the changes fixed it")


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _and(names: Sequence[str]) -> str:
    names = list(dict.fromkeys(names))
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def next_round(history: Sequence[Round], before: Sequence[Finding], after: Sequence[Finding],
               raised: Sequence[Finding], text: str, fingerprint: str, *, diff: str = "",
               fixed: Mapping[str, Sequence[str]] | None = None, names: Mapping[str, str] | None = None,
               at: datetime | None = None) -> Round:
    """Classify a re-review. ``before``: the findings when it started (offsets into ``text``, the revised
    draft); ``after``: the cards once the critics were merged in; ``raised``: every finding the critics
    returned this round, before merging; ``fixed``: finding id -> personas who said the changes fixed it;
    ``names``: persona id -> display name, for the reasons."""
    fixed, names = fixed or {}, names or {}
    last = history[-1] if history else None
    number = (last.number if last else 0) + 1
    cards = [f for f in before if tracked(f)]
    matched: dict[str, list[Finding]] = {}
    for raw in raised:  # the panel's own rule: the first earlier card about the same problem
        card = find_duplicate([c if c.source is Source.CRITIC else _as_critic(c) for c in cards], raw)
        if card is not None:
            matched.setdefault(card.id, []).append(raw)
    entries = []
    for f in cards:
        prev = last.entry(f.id) if last else None
        then = prev.passage if prev is not None and prev.passage else f.quote
        hits = matched.get(f.id, [])
        v = _earlier(f, hits, then, text, history, [names.get(p, p) for p in fixed.get(f.id, ())], names)
        passage = then if v.gone else passage_of(f, text)  # a passage that left: kept, to see it come back
        entries.append(RoundEntry(finding_id=f.id, title=f.title, status=v.status, reason=v.reason,
                                  passage=passage, personas=list(dict.fromkeys(h.persona or "critic" for h in hits)),
                                  gone=v.gone))
    known = {f.id for f in cards}
    for card in after:
        if tracked(card) and card.id not in known:
            who = _and([names.get(p, p) for p in card.personas]) if card.personas else "a critic"
            entries.append(RoundEntry(finding_id=card.id, title=card.title, status=RoundClass.NEW,
                                      reason=f"first raised in round {number} by {who}",
                                      passage=passage_of(card, text), personas=card.personas))
    return Round(number=number, at=at or _now(), fingerprint=fingerprint, diff=diff, entries=entries)


def _as_critic(f: Finding) -> Finding:
    return f.model_copy(update={"source": Source.CRITIC})


def apply_round(findings: Sequence[Finding], rnd: Round, text: str | None = None) -> list[Finding]:
    """The findings with the round's verdicts applied: fixed ones resolved, regressed and re-raised ones open
    again, each with a note in its thread saying why. Anything else is left as the PM decided it. With
    ``text`` (the findings' text), a regressed finding that lost its place is put back on its passage."""
    out = []
    for f in findings:
        e = rnd.entry(f.id)
        note, status = None, None
        if e is not None and e.status is RoundClass.FIXED and f.status in (Status.OPEN, Status.OUTDATED):
            status, note = Status.RESOLVED, f"Fixed in round {rnd.number}: {e.reason}."
        elif e is not None and e.status is RoundClass.REGRESSED and f.status is not Status.OPEN:
            status, note = Status.OPEN, f"Regressed in round {rnd.number}: {e.reason}."
        elif e is not None and e.status is RoundClass.RERAISED:
            status = Status.OPEN
            note = f"Raised again in round {rnd.number} with a new reason; it had been {_dismissal(f)}."
        if status is not None:
            f = f.model_copy(update={"status": status, "replies": [*f.replies, Reply(author=AUTHOR, text=note or "")]})
        if e is not None and e.status is RoundClass.REGRESSED and text is not None and not f.placed and e.passage:
            f = _placed_again(f, e.passage, text)
        out.append(f)
    return out


def _placed_again(f: Finding, passage: str, text: str) -> Finding:
    found = anchor_quote(text, passage)
    if found.anchor not in (Anchor.EXACT, Anchor.NORMALIZED) or found.start is None:
        return f
    return f.model_copy(update={"start": found.start, "end": found.end, "anchor": found.anchor})


def with_round(history: Sequence[Round], rnd: Round, text: str) -> list[Round]:
    """The history with ``rnd`` appended: only the newest round keeps its text (the next diff's base)."""
    older = [r.model_copy(update={"text": ""}) for r in history]
    return [*older, rnd.model_copy(update={"text": text})]


def compact(rounds: Sequence[Round], document_text: str) -> list[Round]:
    """Rounds as stored in a review: the newest round's text is left out while it is the document's own."""
    return [r.model_copy(update={"text": ""}) if r.text == document_text else r for r in rounds]


def with_text(rounds: Sequence[Round], document_text: str) -> list[Round]:
    """Rounds read from a review with the newest one's text filled in (a review leaves it out while it is its
    own ``document_text``), so the next round's diff keeps its base whatever the text becomes."""
    if not rounds or rounds[-1].text:
        return list(rounds)
    return [*rounds[:-1], rounds[-1].model_copy(update={"text": document_text})]


def round_text(rounds: Sequence[Round], document_text: str) -> str:
    """The text the latest round reviewed (the base of the next round's diff)."""
    return rounds[-1].text or document_text if rounds else document_text


def status_of(rounds: Sequence[Round], finding_id: str) -> RoundEntry | None:
    """The finding's entry in the latest round, for its card's badge."""
    return rounds[-1].entry(finding_id) if rounds else None


def compare(a: Round, b: Round) -> list[tuple[str, RoundClass | None, RoundClass | None]]:
    """Findings whose class differs between rounds ``a`` and ``b``: (title, class in a, class in b)."""
    ids = dict.fromkeys([e.finding_id for e in a.entries] + [e.finding_id for e in b.entries])
    out = []
    for fid in ids:
        ea, eb = a.entry(fid), b.entry(fid)
        ca, cb = (ea.status if ea else None), (eb.status if eb else None)
        if ca != cb:
            out.append(((eb or ea).title, ca, cb))  # type: ignore[union-attr]
    return out
