"""``doccritic eval --debate PRO,CON``: one debate per flawed case after the panel runs, scored by
``core.eval_debate`` (placed citations per turn, concessions on labelled flaws, the referee naming the door).

Opt-in: debates stream turn by turn (each answers the last, so they cannot be batched) and cost extra; the
estimate before the eval includes them. The motion is the one the app proposes for a whole draft ("… is
ready for the review meeting as written"), with PRO defending the draft and CON attacking it.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any, TextIO

from doccritic.core.eval_debate import DebateRun


def debaters(args: argparse.Namespace, err: TextIO) -> list[Any]:
    from doccritic.cli_debate import _pick_two
    from doccritic.core.personas import load_personas

    return _pick_two(load_personas(), args.debate, err)


def flawed(cases: list[Any]) -> list[Any]:
    """The cases worth a debate: a clean control or twin has no planted flaw to argue about."""
    return [c for c in cases if c.case.flaws and not c.case.clean]


def estimate_debates(cases: list[Any], model: str, rounds: int, turn_words: int = 180) -> float:
    """Dollars for one debate per flawed case: every turn and the referee read the whole draft uncached (an
    upper bound: the draft is cached after the first turn) and write about two tokens a word."""
    from doccritic.claude.pricing import Usage, estimate_tokens, load_prices

    prices = load_prices()
    total = 0.0
    for c in flawed(cases):
        draft = estimate_tokens(c.doc.text)
        transcript = rounds * 2 * turn_words * 2
        per_request = Usage(input_tokens=draft + transcript, output_tokens=turn_words * 2)
        total += prices.cost(model, per_request) * (rounds * 2 + 1)
    return total


def run_debates(args: argparse.Namespace, connection: Any, cases: list[Any], pair: list[Any], model: str,
                redactors: dict[str, Any], err: TextIO) -> list[DebateRun]:
    return asyncio.run(_debates(args, connection, flawed(cases), pair, model, redactors, err))


async def _debates(args: argparse.Namespace, connection: Any, cases: list[Any], pair: list[Any], model: str,
                   redactors: dict[str, Any], err: TextIO) -> list[DebateRun]:
    from doccritic.claude.audit import SendRecorder
    from doccritic.claude.debate import DebateSession, new_debate, suggested_motion
    from doccritic.claude.events import DebateIdle, TurnDone, TurnFailed

    pro, con = pair
    runs = []
    client = connection.client()
    try:
        for n, loaded in enumerate(cases, 1):
            print(f"doccritic: eval: debate {n}/{len(cases)} on {loaded.case.id} ({pro.id} for, {con.id} against)",
                  file=err)
            redactor = redactors.get(loaded.case.id)
            debate = new_debate(suggested_motion(title=loaded.doc.title), pro.id, con.id, model=model,
                                rounds=args.debate_rounds)
            session = DebateSession(client, loaded.doc, debate, {pro.id: pro, con.id: con}, summarize=True,
                                    on_sent=SendRecorder(connection, loaded.doc, "debate", redactor=redactor),
                                    redactor=redactor)
            async for event in session.events():
                if isinstance(event, TurnFailed):
                    print(f"doccritic: eval: debate on {loaded.case.id}: turn {event.turn.index}: "
                          f"{event.failure.message}", file=err)
                elif isinstance(event, TurnDone):
                    print(f"doccritic: eval: debate on {loaded.case.id}: turn {event.turn.index} "
                          f"({event.turn.speaker}, {len(event.turn.citations)} quote(s))", file=err)
                elif isinstance(event, DebateIdle):
                    runs.append(DebateRun(loaded.case.id, event.debate))
    finally:
        await client.close()
    return runs
