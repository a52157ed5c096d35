"""What a debate pays for the document after a critic panel: read from the critics' cache, or written again.

Run from the repository root, in the project's venv:

    python bench/debate_cache.py [--critics 4] [--rounds 3] [--doc PATH]

A panel of ``--critics`` scripted critics reviews the sample PRD, then a ``--rounds`` debate with a referee
runs on it, all through the real engine against the loopback Messages API, whose prompt cache is keyed as
the API's is (a structured-output format before everything; ``tool_choice`` and thinking on the message
blocks only). Twice: "before", the requests as they were until 2026-12-05 (critics ask for JSON through
``output_config.format``, debate requests send neither tools nor a format), and "after", every role sending
the same strict tools list (critics forced to ``record_review``, turns ``tool_choice: none``, the referee
``referee_verdict``). It prints, per side, the debate's input tokens by kind (fresh, cache write, cache read)
and their dollars at the bundled Sonnet prices, and what the critics paid. Only input is counted: the
scripted output is the same on both sides.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))  # the loopback fake lives with the tests
sys.path.insert(0, str(REPO))

from fakes.messages_api import FakeMessagesAPI, Reply  # noqa: E402

from doccritic.claude.client import Connection  # noqa: E402
from doccritic.claude.config import Backend, PanelSettings  # noqa: E402
from doccritic.claude.debate import DebateSession, new_debate  # noqa: E402
from doccritic.claude.panel import Panel  # noqa: E402
from doccritic.claude.pricing import Usage, load_prices  # noqa: E402
from doccritic.core.personas import load_personas  # noqa: E402
from doccritic.formats.loader import load_document  # noqa: E402

MODEL = "claude-sonnet-4-6"
DOOR = "Auto-charge ships enabled by default (opt-out) for all existing accounts."
ANSWER = {"findings": [{"kind": "one_way_door", "severity": "critical", "title": "Opt-out for everyone at once",
                        "about": "text", "quote": DOOR, "rationale": "Charging cannot be taken back.",
                        "reversibility": {"level": "one_way", "closes_when": "the first charge",
                                          "cost_to_reverse": "refunds", "exit_ramp": "opt-in pilot",
                                          "decision_owner": "Head of Payments"}}], "verdict": "Not yet."}
VERDICT = {"clashes": [], "decision_for_author": "Pilot opt-in first.", "points": [], "verdict": "Not as written."}


def input_only(usage: Usage) -> Usage:
    return Usage(input_tokens=usage.input_tokens, cache_creation_input_tokens=usage.cache_creation_input_tokens,
                 cache_read_input_tokens=usage.cache_read_input_tokens)


async def run(api: FakeMessagesAPI, doc_path: Path, tools: bool, critics: int, rounds: int) -> tuple[Usage, Usage]:
    doc = load_document(doc_path)
    personas = load_personas()
    panel_personas = personas.enabled()[:max(2, critics)]  # the first two debate
    pro, con = panel_personas[0], panel_personas[1]
    client = Connection(api_key="sk-test", base_url=api.base_url, read_timeout=10).client()
    try:
        panel = Panel(client, doc, panel_personas, PanelSettings(model=MODEL), backend=Backend(tools=tools))
        async for _ in panel.events():
            pass
        debate = new_debate(f"Ship it as written: “{DOOR}”", pro.id, con.id, model=MODEL, rounds=rounds)
        session = DebateSession(client, doc, debate, {p.id: p for p in panel_personas}, backend=Backend(tools=tools))
        async for _ in session.events():
            pass
    finally:
        await client.close()
    critic_usage = sum((input_only(r.usage) for r in panel.results), Usage())
    return critic_usage, input_only(Usage(**{k: session.debate.usage.get(k, 0) for k in Usage.__dataclass_fields__}))


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--critics", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--doc", type=Path, default=REPO / "resources" / "samples" / "sample-prd.md")
    args = ap.parse_args()
    prices = load_prices()
    words = len(args.doc.read_text(encoding="utf-8").split())
    print(f"{args.doc.name} ({words:,} words), {max(2, args.critics)} critics then a {args.rounds}-round debate and "
          f"its referee, {MODEL} prices; input tokens only")
    print(f"{'':8} {'debate fresh':>12} {'cache write':>12} {'cache read':>11} {'debate $':>9} {'critics $':>10} "
          f"{'both $':>8}")
    for label, tools in (("before", False), ("after", True)):
        with FakeMessagesAPI() as api:
            api.script(Reply.json(ANSWER), match=lambda body: "persona: " in str(body.get("messages")))
            api.script(Reply.json(VERDICT), match="You are the referee")
            api.script(Reply.text(f'The draft says "{DOOR}" and that is the point.'))
            critics, debate = asyncio.run(run(api, args.doc, tools, args.critics, args.rounds))
        both = prices.cost(MODEL, debate) + prices.cost(MODEL, critics)
        print(f"{label:8} {debate.input_tokens:>12,} {debate.cache_creation_input_tokens:>12,} "
              f"{debate.cache_read_input_tokens:>11,} {prices.cost(MODEL, debate):>9.4f} "
              f"{prices.cost(MODEL, critics):>10.4f} {both:>8.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
