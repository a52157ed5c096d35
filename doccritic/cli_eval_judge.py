"""``doccritic eval --judge [MODEL]``: a judge model adjudicates the findings no label matched (``claude.judge``).

Opt-in and priced up front: with a live run its estimate (an upper bound: every critic filling its cap with
unmatched findings) is part of the confirmation; with ``--score-only`` the unmatched findings are known, so the
estimate is close, and it is confirmed on its own (``--yes`` when nobody is there). The verdicts are recorded on
each unmatched finding and give *precision with the judge* beside the labelled lower bound.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any, TextIO

from doccritic.core.eval_score import ratio

EXIT_BAD_INPUT, EXIT_API = 2, 3


def judge_model(args: argparse.Namespace, settings: Any) -> str:
    return args.judge or settings.model


def upper_bound(cases: list[Any], model: str, findings_per_case: int) -> float:
    from doccritic.claude.judge import JudgeCase, estimate

    return estimate([JudgeCase(c.case.id, c.doc, []) for c in cases], model, findings_per_case=findings_per_case)


def apply_judge(args: argparse.Namespace, cases: list[Any], results: dict[str, Any], err: TextIO, *,
                confirmed: bool) -> int | None:
    """Judge ``results['unmatched']`` in place; an exit code when it cannot or may not go ahead."""
    from doccritic.claude.audit import SendRecorder
    from doccritic.claude.endpoint import guard_endpoint
    from doccritic.claude.judge import JudgeCase, estimate
    from doccritic.cli_eval import _confirmed
    from doccritic.cli_review import connection_for, settings_for
    from doccritic.core import settings as app_settings
    from doccritic.core.redaction import load_redactor

    unmatched = results.get("unmatched") or []
    if not unmatched:
        print("doccritic: eval: the judge has nothing to adjudicate: every finding matched a label.", file=err)
        return None
    saved = app_settings.load().claude
    connection = connection_for(args, saved)
    guard_endpoint(connection, args.local_only, saved)
    if connection.needs_key:
        print("doccritic: no API key for the judge: set ANTHROPIC_API_KEY or store a key in the app's Settings.",
              file=err)
        return EXIT_API
    model = judge_model(args, settings_for(args, saved))
    judged = []
    for c in cases:
        items = [u for u in unmatched if u["case"] == c.case.id]
        if items:
            redactor = load_redactor(c.draft.name)
            judged.append(JudgeCase(c.case.id, c.doc, items, redactor,
                                    SendRecorder(connection, c.doc, "judge", redactor=redactor)))
    if not confirmed:
        print(f"doccritic: eval: the judge ({model}) on {len(unmatched)} unmatched finding(s): about "
              f"${estimate(judged, model):.2f}.", file=err)
        if not args.yes and not _confirmed(err):
            return EXIT_BAD_INPUT
    verdicts = asyncio.run(_run(connection, judged, model))
    for problem in verdicts.failures:
        print(f"doccritic: eval: judge: {problem}", file=err)
    _record(results, verdicts, model)
    return None


async def _run(connection: Any, judged: list[Any], model: str) -> Any:
    from doccritic.claude.judge import adjudicate

    client = connection.client()
    try:
        return await adjudicate(client, judged, model)
    finally:
        await client.close()


def _record(results: dict[str, Any], verdicts: Any, model: str) -> None:
    from doccritic.claude.judge import finding_key

    unmatched = results["unmatched"]
    for item in unmatched:
        verdict = verdicts.by_key.get(finding_key(item["case"], item))
        if verdict is not None:
            item["judge"] = verdict
    judged = [u for u in unmatched if "judge" in u]
    valid = [u for u in judged if u["judge"]["valid"]]
    lower = results.get("precision_lower_bound") or {"hits": 0, "of": 0}
    on_flawed = sum(1 for u in valid if not u.get("clean_case"))
    results["judge"] = {
        "model": model,
        "adjudicated": ratio(len(judged), len(unmatched)),
        "valid": ratio(len(valid), len(judged)),
        "valid_on_clean_cases": sum(1 for u in valid if u.get("clean_case")),
        "precision_with_judge": ratio(lower["hits"] + on_flawed, lower["of"]),
        "usage": verdicts.usage.as_dict(),
        "cost_usd": round(verdicts.cost, 6),
    }
