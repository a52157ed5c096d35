"""Review rounds: how often `doccritic review --previous` puts each earlier finding in the class a PM would.

Labelled multi-round cases, each a draft, a scripted critic's answer per round, the PM's decisions between
rounds and the revision, and the class every finding must end in (labelled by the rules of issue #17, not by
running the code). Each case runs through the real CLI and engine against the loopback Messages API; the last
round's classes are compared with the labels. The figure is classification accuracy over findings, with
every miss listed. Run it at two commits for a before/after:

    python bench/rounds.py                      # this checkout
    PYTHONPATH=/path/to/other/checkout python bench/rounds.py   # another commit's code, the same cases

The cases describe the critics' answers, so this measures doccritic's bookkeeping (matching, passage states,
dismissals), not a model's judgement; `doccritic eval` measures that.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))  # the loopback fake and the shared scenario live with the tests

import harness  # noqa: E402 - bench/harness.py, beside this script
import rounds_scenario as sc  # noqa: E402
from fakes.messages_api import FakeMessagesAPI, Reply  # noqa: E402


@dataclass
class Step:
    text: str
    answer: dict
    dismiss: dict[str, str] = field(default_factory=dict)  # title -> the PM's reason, after this round
    resolve: tuple[str, ...] = ()  # titles the PM marks done after this round
    accept: tuple[str, ...] = ()  # titles whose suggestion the PM applies (the next step's text has the edit)


@dataclass
class Case:
    name: str
    steps: list[Step]
    expected: dict[str, str]  # title -> class in the last round


def _it(quote: str, kind: str, title: str, rationale: str = "Because.", **extra) -> dict:
    return sc.item("A", quote, kind, rationale, title=title, **extra)


T = sc.TITLES
CASES = [
    Case("scenario: every class once", [
        Step(sc.V1, sc.ROUND1, dismiss={T[k]: why for k, why in sc.DISMISSED.items()},
             resolve=tuple(T[k] for k in sc.RESOLVED)),
        Step(sc.V2, sc.ROUND2)],
        {T[k]: c for k, c in sc.EXPECTED.items()}),
    Case("silence on an untouched passage and on the whole document", [
        Step(sc.V1, sc.answer(_it(sc.ADOPT, "challenged_assumption", T["B"]),
                              _it("", "open_question", "No rollback plan anywhere in the document", about="document"))),
        Step(sc.V2, sc.answer())],
        {T["B"]: "still_open", "No rollback plan anywhere in the document": "still_open"}),
    Case("a critic vouches for a fix; the PM resolves one nobody raises again", [
        Step(sc.V1, sc.answer(_it(sc.LIFT, "weak_argument", T["E"]), _it(sc.ADOPT, "challenged_assumption", T["B"])),
             resolve=(T["B"],)),
        Step(sc.V2.replace(sc.LIFT, "Today 61% are paid on time. " + sc.LIFT), sc.answer(fixed=("@" + T["E"],)))],
        {T["E"]: "fixed", T["B"]: "fixed"}),
    Case("the PM applied a suggestion, and no critic raises it again", [
        Step(sc.V1, sc.answer(_it(sc.ADOPT, "challenged_assumption", T["B"])), accept=(T["B"],)),
        Step(sc.V1.replace("adopt auto-charge quickly", "adopt auto-charge within a month"), sc.answer())],
        {T["B"]: "fixed"}),
    Case("a lightly edited passage: raised again on the new words, or left unjudged", [
        Step(sc.V1, sc.answer(_it(sc.SUPPORT, "weak_argument", T["F"]),
                              _it(sc.ADOPT, "challenged_assumption", T["B"]))),
        Step(sc.V1.replace("within one hour", "within one business hour")
             .replace("adopt auto-charge quickly", "adopt auto-charge very quickly"),
             sc.answer(_it(sc.SUPPORT.replace("one hour", "one business hour"), "weak_argument", T["F"])))],
        {T["F"]: "still_open", T["B"]: "outdated"}),
    Case("dismissed: not raised, raised with the same reason, raised in other words elsewhere", [
        Step(sc.V1, sc.answer(_it(sc.DELETE, "one_way_door", T["C"], "Deleting invoices cannot be undone."),
                              _it(sc.LOCK, "one_way_door", T["D"], "Lock-in."),
                              _it(sc.ROLLOUT, "one_way_door", T["A"])),
             dismiss={T["C"]: "Archive kept", T["D"]: "Legal approved", T["A"]: "Flag-gated"}),
        Step(sc.V2, sc.answer(
            _it(sc.PURGE, "one_way_door", "Legacy invoices get deleted for good", "Purging cannot be undone."),
            _it(sc.LOCK, "one_way_door", "PayFlow lock-in for three years", "Lock-in.", reraise=True)))],
        {T["C"]: "suppressed", T["D"]: "suppressed", T["A"]: "dismissed"}),
    Case("a deleted passage: fixed, unless its problem is raised from elsewhere", [
        Step(sc.V1, sc.answer(_it(sc.ROLLOUT, "one_way_door", T["A"]), _it(sc.DELETE, "one_way_door", T["C"]))),
        Step(sc.V1.replace(sc.ROLLOUT + "\n", "").replace(sc.DELETE, "Legacy invoices go to cold storage."),
             sc.answer(_it(sc.LOCK, "one_way_door", "Everyone on day one, no staged rollout at all")))],
        {T["A"]: "still_open", T["C"]: "fixed",
         "Everyone on day one, no staged rollout at all": "absent"}),  # merged onto A: no card of its own
    Case("dismissed, and another problem with a like title on another passage", [
        Step(sc.V1, sc.answer(_it(sc.DELETE, "one_way_door", "No rollback plan for the invoice migration")),
             dismiss={"No rollback plan for the invoice migration": "Finance keeps an archive"}),
        Step(sc.V1, sc.answer(_it(sc.ROLLOUT, "one_way_door", "No rollback plan for the launch")))],
        {"No rollback plan for the invoice migration": "dismissed", "No rollback plan for the launch": "new"}),
    Case("fixed by deletion, then pasted back: regressed without a critic saying so", [
        Step(sc.V1, sc.answer(_it(sc.ROLLOUT, "one_way_door", T["A"]))),
        Step(sc.V2, sc.answer()),
        Step(sc.V1, sc.answer())],
        {T["A"]: "regressed"}),
]


def run_case(case: Case, cli, api: FakeMessagesAPI, tmp: Path) -> dict[str, str]:
    """The last round's class per title ("absent" for a title that got no card of its own)."""
    from doccritic.core.decisions import dismiss, resolve
    from doccritic.core.findings import Status
    from doccritic.formats.review_json import dumps, loads

    doc, prev = tmp / "prd.md", None
    for i, step in enumerate(case.steps):
        doc.write_text(step.text, encoding="utf-8")
        answer = dict(step.answer)
        if prev is not None:  # "@title" in fixed: the id of the earlier card with that title
            ids = {f.title: f.id for f in loads(prev.read_text(encoding="utf-8")).findings}
            answer["fixed"] = [ids.get(x[1:], x) if x.startswith("@") else x for x in answer.get("fixed", [])]
        api.script(Reply.json(answer))
        out = tmp / f"r{i + 1}.json"
        args = ["review", str(doc), "--personas", "staff-engineer", "--out", str(out)]
        args += ["--previous", str(prev)] if prev is not None else []
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            code = cli.main(args)
        if code != 0:
            raise RuntimeError(f"{case.name}: round {i + 1} exited {code}")
        review = loads(out.read_text(encoding="utf-8"))
        review.findings = [dismiss(f, step.dismiss[f.title]) if f.title in step.dismiss
                           else resolve(f) if f.title in step.resolve
                           else f.model_copy(update={"status": Status.ACCEPTED}) if f.title in step.accept
                           else f for f in review.findings]
        out.write_text(dumps(review), encoding="utf-8")
        prev = out
    assert prev is not None
    last = json.loads(prev.read_text(encoding="utf-8"))["rounds"][-1]["entries"]
    got = {e["title"]: e["status"] for e in last}
    return {title: got.get(title, "absent") for title in case.expected}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    harness.add_timeout_option(ap, default=300)
    args = ap.parse_args()
    harness.install_timeout(args.timeout, "bench/rounds.py")
    print(harness.load_line("start"))
    import doccritic

    print(f"code: {Path(doccritic.__file__).parent}")
    total = right = 0
    misses = []
    with tempfile.TemporaryDirectory() as tmp, FakeMessagesAPI() as api:
        os.environ.update(DOCCRITIC_CONFIG_DIR=f"{tmp}/c", DOCCRITIC_DATA_DIR=f"{tmp}/d", ANTHROPIC_API_KEY="test-key",
                          ANTHROPIC_BASE_URL=api.base_url)
        from doccritic import cli

        for n, case in enumerate(CASES):
            where = Path(tmp, f"case{n}")
            where.mkdir()
            got = run_case(case, cli, api, where)
            ok = sum(got[t] == want for t, want in case.expected.items())
            total, right = total + len(case.expected), right + ok
            print(f"  {ok}/{len(case.expected)}  {case.name}")
            misses += [f"{case.name}: “{t}” is {got[t]}, labelled {want}" for t, want in case.expected.items()
                       if got[t] != want]
    print(f"round classification accuracy: {right}/{total} = {100 * right / total:.0f}%")
    for miss in misses:
        print(f"  miss: {miss}")
    print(harness.load_line("end"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
