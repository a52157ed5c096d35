"""Judgement figures that scripted critics and debaters can show: duplicate cards, unmarked misquotes, what the
critics are told, a debate's discipline and decision (issue #15), and the author's intent and references (#17).

Four scripted critics review the synthetic log-retention case through the real engine (`doccritic eval`, live,
against the loopback Messages API). Between them they raise the same two decisions from different passages,
the same assumption twice without a quote, and two quotes that change the draft's numbers or negations. The
saved reviews are then scored with `doccritic eval --score-only`, and the bench counts how many misquoted
cards carry doccritic's "misquoted" mark and how many critic requests carried the offline checks' findings as
already raised (as the app sends them). Then `doccritic debate` runs on the same draft with scripted turns,
two of which break the debate's discipline (one quotes nothing and concedes the motion in round 1 without
evidence, one concedes two points), and a referee whose summary has praise, a settled point, a change and
three clashes: the bench counts the turns flagged, the summary points offered as findings that only praise or
settle, the clashes ruled with an owner, and what the debate's first turn read from the critics' cache. Last,
`doccritic review` runs with a reference and an intent naming two decisions as settled: three cards re-open
them (one marked by its critic, two not), four do not, and two cite the reference with loosely quoted words
(case, spacing, an ellipsis); the bench counts the re-openings marked, the false marks, and the citations that
land exactly on the passage. Run it at two commits for a before/after:

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
        critics = [r for r in api.journal if r.path == "/v1/messages"]
        told = sum("<already_raised>" in r.text and "[offline check]" in r.text for r in critics)
        debate = _debate(api, cli, corpus / CASE, Path(tmp, "debate.json"))
        intent = _intent(api, cli, corpus / CASE, Path(tmp))
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
    print(f"critic requests told the offline checks' findings (already raised): {told}/{len(critics)}")
    for line in debate:
        print(line)
    for line in intent:
        print(line)
    print(harness.load_line("end"))
    return 0


LOG_QUOTE = "Delete the hot copies on the day the migration finishes."
TURNS = {  # speaker -> turns; turn 2 quotes nothing and concedes the motion in round 1 without evidence, turn 3
    # concedes two points, the second without evidence
    "You are Skeptical Exec. Write turn": [
        f'The draft says "{LOG_QUOTE}" and names no restore test before it.',
        f'I concede one point, because "{LOG_QUOTE}" is at least explicit. I concede the cost point too.'],
    "You are Staff Engineer. Write turn": [
        "I concede the motion. It will probably be fine.",
        f'The plan is "{LOG_QUOTE}" with checksums only; I hold that this is not enough.'],
}
REFEREE = {
    "clashes": [
        {"question": "Is a checksum sample a restore test?", "winner": "against", "because": "Nobody restored a file.",
         "evidence_to_settle": "One full restore from ColdVault, timed", "owner": "Staff Engineer",
         "citations": [LOG_QUOTE]},
        {"question": "Is deleting hot copies on day one needed?", "winner": "against", "because": "No cost given.",
         "evidence_to_settle": "Storage cost of 30 more days", "owner": "Finance", "citations": []},
        {"question": "Will teams wait 12 hours?", "winner": "undecided", "because": "Neither side knew.",
         "evidence_to_settle": "Old-log query counts", "owner": "PM", "citations": []}],
    "decision_for_author": "Keep the hot copies for 30 days after migration and run one timed restore first.",
    "points": [
        {"category": "strongest", "side": "for", "text": "The cost saving is real.", "citations": [],
         "kind": "weak_argument", "severity": "minor"},
        {"category": "conceded", "side": "against", "text": "The deletion is at least explicit.", "citations": [],
         "kind": "open_question", "severity": "minor"},
        {"category": "change", "side": "both", "text": "Add a timed restore before deletion.", "citations": [LOG_QUOTE],
         "kind": "one_way_door", "severity": "critical"},
        {"category": "unresolved", "side": "both", "text": "Who waits 12 hours in an incident?", "citations": [],
         "kind": "open_question", "severity": "major"}],
    "verdict": "Not as written."}


def _debate(api: FakeMessagesAPI, cli, case: Path, out: Path) -> list[str]:
    """A scripted two-round debate on the case's draft, after the critics: its discipline and decision figures."""
    for match, turns in TURNS.items():
        api.script(*(Reply.text(t) for t in turns), match=match)
    api.script(Reply.json(REFEREE), match="You are the referee")
    draft = next(case.glob("draft.*"))
    before = len(api.journal)
    real = sys.stdout, sys.stderr
    with Path(os.devnull).open("w") as quiet:
        sys.stdout = sys.stderr = quiet
        try:
            code = cli.main(["debate", str(draft), "--personas", "skeptical-exec,staff-engineer", "--rounds", "2",
                             "--motion", f"Commit to this as written: “{LOG_QUOTE}”", "--format", "json",
                             "--out", str(out)])
        finally:
            sys.stdout, sys.stderr = real
    if code:
        return [f"debate failed: exit {code}"]
    from doccritic.core.debates import Debate

    debate = Debate.model_validate(json.loads(out.read_text(encoding="utf-8")))
    summary = debate.summary
    flagged = sum(bool(getattr(t, "flags", None)) for t in debate.turns)
    points = summary.points if summary else []
    offered = [p for p in points if getattr(p, "addable", True)]  # before #15 item 7: every point had the link
    settling = sum(p.category in ("strongest", "conceded") for p in offered)
    clashes = getattr(summary, "clashes", []) if summary else []
    ruled = sum(bool(c.owner and c.evidence_to_settle) for c in clashes)
    decision = bool(getattr(summary, "decision_for_author", "")) if summary else False
    first = next(r for r in api.journal[before:] if r.path == "/v1/messages")
    from fakes.prompt_cache import render_segments

    prefix = len(first.body.get("tools") or []) + 1  # the tools every role sends, then the document block
    doc_tokens = sum(s.tokens for s in render_segments(first.body)[:prefix])
    return [f"debate turns flagged for breaking discipline: {flagged}/2 planted ({len(debate.turns)} turns)",
            f"summary points offered as findings that only praise or settle: {settling}/{len(points)}"
            f" (offered: {len(offered)})",
            f"clashes ruled with evidence and an owner: {ruled}/{len(clashes)}; decision for the author: "
            f"{'yes' if decision else 'no'}",
            f"debate turn 1 read from the critics' cache: {first.usage['cache_read_input_tokens']} tokens "
            f"(tools and document block {doc_tokens}"
            f"{'' if doc_tokens >= 1024 else ', under the 1,024 the API caches'})"]


POLICY = ("# Log retention policy\n\nLogs needed for an open investigation or a legal hold must stay searchable "
          "for 90 days.\n\nRestores from any archive must be tested quarterly, end to end, before data is deleted.\n")
HOLD = "Logs needed for an open investigation or a legal hold must stay searchable for 90 days."
RESTORE = "Restores from any archive must be tested quarterly, end to end, before data is deleted."
DECIDED = ["Five-year prepaid ColdVault contract: procurement negotiated the lowest tier price.",
           "Move logs older than 7 days to ColdVault: the hot cluster costs $41,000 a month."]
REOPENS = {  # card title -> the stated decision it re-opens (ground truth); the other cards re-open none
    "Five-year prepaid ColdVault contract": DECIDED[0], "Prepaid contract cannot be refunded": DECIDED[0],
    "Week-old logs leave the search cluster": DECIDED[1]}
CITED = {"Checksums are not a restore test": RESTORE, "Logs under legal hold deleted on day one": HOLD}
INTENT_ANSWERS = {  # persona id -> findings: one re-opening marked by its critic, two not; citations quoted loosely
    "skeptical-exec": [door("We will sign a 5-year prepaid ColdVault contract", "Five-year prepaid ColdVault contract",
                            challenges_decision=True, decision="Five-year prepaid ColdVault contract")],
    "legal-privacy": [
        door("The prepayment buys the lowest tier price and cannot be refunded.",
             "Prepaid contract cannot be refunded"),
        door("Delete the hot copies on the day the migration finishes.", "Logs under legal hold deleted on day one",
             reference={"id": "R1", "quote": "logs needed for an open investigation or a legal hold must stay "
                        "searchable  for 90 days"})],
    "staff-engineer": [
        {"kind": "challenged_assumption", "severity": "major", "title": "Week-old logs leave the search cluster",
         "quote": "move every application log older than 7 days to ColdVault", "rationale": "Incidents need them."},
        {"kind": "weak_argument", "severity": "major", "title": "Checksums are not a restore test",
         "quote": "Verify a sample of 1,000 log files by checksum.", "rationale": "A sample proves little.",
         "reference": {"id": "R1", "quote": "Restores from any archive must be tested … before data is deleted."}}],
    "data-scientist": [
        unplaced("Old-log searches never measured", "Nobody measured how often old logs are searched: query them."),
        {"kind": "open_question", "severity": "minor", "title": "Who can wait 12 hours for ColdVault?",
         "quote": "Retrieval from ColdVault takes up to 12 hours.", "rationale": "Incidents.",
         "reference": {"id": "R9", "quote": "No such reference."}}],
}


def _intent(api: FakeMessagesAPI, cli, case: Path, tmp: Path) -> list[str]:
    """A scripted review with a reference and the author's intent (issue #17): are the cards that re-open a
    stated decision marked, are the others left alone, and do citations into the reference land on the passage."""
    for persona, findings in INTENT_ANSWERS.items():
        api.script(Reply.json({"findings": findings, "verdict": "Not yet.", "readiness": 4}),
                   match=f"persona: {persona}")
    (tmp / "policy.md").write_text(POLICY, encoding="utf-8")
    (tmp / "intent.txt").write_text("Decided:\n" + "\n".join(f"- {d}" for d in DECIDED) + "\n", encoding="utf-8")
    out = tmp / "intent-review.json"
    before = len(api.journal)
    real = sys.stdout, sys.stderr
    with Path(os.devnull).open("w") as quiet:
        sys.stdout = sys.stderr = quiet
        try:
            code = cli.main(["review", str(next(case.glob("draft.*"))), "--personas", ",".join(INTENT_ANSWERS),
                             "--reference", str(tmp / "policy.md"), "--intent", str(tmp / "intent.txt"),
                             "--out", str(out)])
        except SystemExit as exc:  # an engine without --reference or --intent (before #17)
            code = exc.code
        finally:
            sys.stdout, sys.stderr = real
    if code:
        return [f"intent review failed: exit {code} (no --reference/--intent before #17: count 0 marked, 0 cited)"]
    review = json.loads(out.read_text(encoding="utf-8"))
    cards = [f for f in review["findings"] if f["source"] == "critic"]
    reopening = [f for f in cards if f["title"] in REOPENS]
    others = [f for f in cards if f["title"] not in REOPENS]
    marked = sum(bool(f.get("challenges_decision")) for f in reopening)
    wrong = sum(bool(f.get("challenges_decision")) for f in others)
    planted = [(f, CITED[f["title"]]) for f in cards if f["title"] in CITED]
    exact = sum(any(POLICY[c["start"]:c["end"]] == want.rstrip(".")  # the words, not the full stop
                    for c in f.get("cites", []) if c.get("start") is not None)
                for f, want in planted)
    bogus = sum(len(f.get("cites", [])) for f in cards if f["title"] not in CITED)
    sent = [r.body for r in api.journal[before:] if r.path == "/v1/messages"]
    after = sum(HOLD in json.dumps(b["system"][2:]) and HOLD not in json.dumps(b["system"][:2]) for b in sent)
    same = len({json.dumps(b["system"][:2]) for b in sent}) == 1
    return [f"cards re-opening a stated decision marked 'challenges a stated decision': {marked}/{len(reopening)}",
            f"cards re-opening no stated decision marked anyway: {wrong}/{len(others)}",
            f"reference citations anchored exactly on the cited passage: {exact}/{len(planted)}; "
            f"citations kept to a reference that does not exist: {bogus}",
            f"critic requests with the reference after the cached draft prefix: {after}/{len(sent)} "
            f"(prefix byte-identical across critics: {'yes' if same else 'no'})"]


def _differs(finding: dict, text: str) -> bool:
    from doccritic.core.eval_match import misquoted
    from doccritic.core.findings import Finding

    return misquoted(Finding.model_validate(finding), text)


def _pct(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate:.0%}"


if __name__ == "__main__":
    sys.exit(main())
