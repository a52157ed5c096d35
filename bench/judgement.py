"""Judgement figures that scripted critics can show: duplicate cards and unmarked misquotes (issue #15).

Four scripted critics review the synthetic log-retention case through the real engine (`doccritic eval`,
live, against the loopback Messages API). Between them they raise the same two decisions from different
passages, the same assumption twice without a quote, and two quotes that change the draft's numbers or
negations. The saved reviews are then scored with `doccritic eval --score-only`, and the bench counts how
many misquoted cards carry doccritic's "misquoted" mark. Run it at two commits for a before/after:

    python bench/judgement.py            # prints the figures
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))  # the loopback fake lives with the tests

import harness  # noqa: E402 - bench/harness.py, beside this script
from fakes.messages_api import FakeMessagesAPI, Reply  # noqa: E402

CASE = "syn-log-retention"


def door(quote: str, title: str, **kw) -> dict:
    return {"kind": "one_way_door", "severity": "critical", "title": title, "quote": quote, "rationale": "Cannot undo.",
            "reversibility": {"level": "one_way", "cost_to_reverse": "the prepayment", "exit_ramp": "a pilot"}, **kw}


def unplaced(title: str, rationale: str) -> dict:
    return {"kind": "challenged_assumption", "severity": "major", "title": title, "quote": "", "about": "document",
            "rationale": rationale}


ANSWERS = {  # persona id -> findings; the same decision from other passages, in other words
    "skeptical-exec": [
        door("We will sign a 5-year prepaid ColdVault contract", "Five-year prepaid ColdVault contract"),
        door("Delete the hot copies on the day the migration finishes.", "Hot copies deleted on migration day"),
    ],
    "legal-privacy": [
        door("The prepayment buys the lowest tier price and cannot be refunded.",
             "Prepaid ColdVault contract for five years"),
        unplaced("Old-log searches were never measured", "Teams remembered, nobody measured old-log searches."),
    ],
    "staff-engineer": [
        door("delete the hot copies on the day the migration finishes", "Hot copies deleted the day migration ends"),
        {"kind": "weak_argument", "severity": "major", "title": "Checksums are not a restore test",
         "quote": "Verify a sample of 10,000 log files by checksum.", "rationale": "A sample proves little."},
    ],
    "data-scientist": [
        unplaced("Old-log searches never measured", "Nobody measured how often old logs are searched: query them."),
        {"kind": "open_question", "severity": "minor", "title": "Who can wait for retrieval?",
         "quote": "Retrieval from ColdVault does not take up to 12 hours.", "rationale": "Incidents."},
    ],
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    harness.add_timeout_option(ap, default=300)
    args = ap.parse_args()
    harness.install_timeout(args.timeout, "bench/judgement.py")
    print(harness.load_line("start"))
    with tempfile.TemporaryDirectory() as tmp, FakeMessagesAPI() as api:
        os.environ.update(DOCCRITIC_CONFIG_DIR=f"{tmp}/c", DOCCRITIC_DATA_DIR=f"{tmp}/d", ANTHROPIC_API_KEY="test-key",
                          ANTHROPIC_BASE_URL=api.base_url)
        from doccritic import cli

        corpus = Path(tmp, "cases")
        shutil.copytree(REPO / "resources" / "eval" / "cases" / CASE, corpus / CASE)
        for persona, findings in ANSWERS.items():
            api.script(Reply.json({"findings": findings, "verdict": "Not yet.", "readiness": 4}),
                       match=f"persona: {persona}")
        reviews, out = Path(tmp, "reviews"), Path(tmp, "results.json")
        real = sys.stdout, sys.stderr
        with Path(os.devnull).open("w") as quiet:  # the eval's own table and progress are not the figures
            sys.stdout = sys.stderr = quiet
            try:
                live = cli.main(["eval", str(corpus), "--personas", ",".join(ANSWERS), "--yes", "--no-batch",
                                 "--reviews", str(reviews)])
                scored = cli.main(["eval", "--score-only", *map(str, reviews.iterdir()), "--corpus", str(corpus),
                                   "--out", str(out)])
            finally:
                sys.stdout, sys.stderr = real
        if live or scored:
            print(f"eval failed: live exit {live}, score-only exit {scored}")
            return 1
        results = json.loads(out.read_text(encoding="utf-8"))
        review = json.loads(next(reviews.iterdir()).read_text(encoding="utf-8"))
    cards = [f for f in review["findings"] if f["source"] == "critic"]
    text = review["document"]["text"]
    wrong = [f for f in cards if f["start"] is not None and _differs(f, text)]
    marked = sum(bool(f.get("misquoted")) for f in wrong)
    dup, mis = results["duplicates"], results["misquotes"]
    print(f"findings raised by the critics: {sum(len(v) for v in ANSWERS.values())}; cards after merging: {len(cards)}")
    print(f"flaws raised more than once (eval duplicates): {dup['hits']}/{dup['of']} = {_pct(dup['rate'])}")
    print(f"recall: {results['recall']['hits']}/{results['recall']['of']}")
    print(f"misquoted placed findings (eval misquotes): {mis['hits']}/{mis['of']} = {_pct(mis['rate'])}")
    print(f"misquoted cards carrying the 'misquoted' mark: {marked}/{len(wrong)}")
    print(harness.load_line("end"))
    return 0


def _differs(finding: dict, text: str) -> bool:
    from doccritic.core.eval_match import misquoted
    from doccritic.core.findings import Finding

    return misquoted(Finding.model_validate(finding), text)


def _pct(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate:.0%}"


if __name__ == "__main__":
    sys.exit(main())
