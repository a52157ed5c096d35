"""Debate figures for ``doccritic eval``: are the arguments grounded, are concessions real, does the referee
see the door?

Three questions from issue #14, each on a debate over a labelled draft:

- **Placed citations per turn.** Quotes in a turn that were found in the draft (``Citation.placed``): a
  debate that quotes nothing, or quotes what the draft does not say, argues from the air.
- **Concessions on labelled flaws.** A sentence starting "I concede" (the debaters are told to say it so) is
  about a labelled flaw when a passage it quotes overlaps one of the flaw's passages, or its words carry the
  flaw's gist. Conceding a real flaw is a debate working; conceding nothing labelled may be politeness.
- **The referee names the planted door.** A "change" point of the referee's summary that is about a flaw
  labelled a one-way door (same test): the debate's practical output is whether the draft gets fixed there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from doccritic.core.debates import Citation, Debate
from doccritic.core.eval_labels import Case, Flaw
from doccritic.core.eval_match import Matcher
from doccritic.core.eval_score import ratio
from doccritic.core.findings import Kind

_CONCESSION = re.compile(r"\bI concede\b[^.!?\n]*[.!?]?", re.IGNORECASE)


@dataclass(frozen=True)
class DebateRun:
    """One debate held over a case's draft."""

    case_id: str
    debate: Debate


def concessions(text: str) -> list[str]:
    """The sentences of a turn that concede something ("I concede …"), in order."""
    return [m.group(0).strip() for m in _CONCESSION.finditer(text)]


def score_debates(cases: Sequence[tuple[Case, str]], runs: Sequence[DebateRun]) -> dict[str, Any]:
    """The debate figures over every run whose case is given (case, draft text as loaded)."""
    by_id: Mapping[str, tuple[Case, Matcher]] = {c.id: (c, Matcher(c, text)) for c, text in cases}
    turns = placed = cited = 0
    conceded: list[dict[str, Any]] = []
    door_debates = door_named_debates = doors = doors_named = 0
    for run in runs:
        if run.case_id not in by_id:
            continue
        case, matcher = by_id[run.case_id]
        for turn in run.debate.turns:
            if not turn.text.strip():
                continue
            turns += 1
            cited += len(turn.citations)
            placed += sum(1 for c in turn.citations if c.anchor.placed)
            for sentence in concessions(turn.text):
                flaws = matcher.flaws_at(_spans([c for c in turn.citations if c.quote in sentence]), sentence)
                conceded.append({"case": case.id, "turn": turn.index, "speaker": turn.speaker, "side": turn.side,
                                 "text": sentence[:240], "flaws": [f.id for f in flaws]})
        planted = [f for f in case.flaws if Kind.ONE_WAY_DOOR in f.kinds]
        if planted and run.debate.summary is not None:
            named = _doors_named(matcher, planted, run.debate)
            door_debates += 1
            door_named_debates += bool(named)
            doors += len(planted)
            doors_named += len(named)
    return {
        "debates": len([r for r in runs if r.case_id in by_id]),
        "placed_citations_per_turn": {"placed": placed, "turns": turns,
                                      "mean": round(placed / turns, 2) if turns else None},
        "citations_placed": ratio(placed, cited),
        "concessions_on_labelled_flaws": ratio(sum(1 for c in conceded if c["flaws"]), len(conceded)),
        "concessions": conceded,
        "referee_names_a_planted_door": ratio(door_named_debates, door_debates),
        "planted_doors_named_among_changes": ratio(doors_named, doors),
    }


def _doors_named(matcher: Matcher, doors: list[Flaw], debate: Debate) -> set[str]:
    assert debate.summary is not None
    named: set[str] = set()
    for point in debate.summary.points:
        if point.category == "change":
            named |= {f.id for f in matcher.flaws_at(_spans(point.citations), point.text)}
    return named & {f.id for f in doors}


def _spans(citations: Sequence[Citation]) -> list[tuple[int, int]]:
    return [(c.start, c.end) for c in citations if c.anchor.placed and c.start is not None and c.end is not None]
