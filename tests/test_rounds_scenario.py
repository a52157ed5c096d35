"""The scripted two-round review (#17 Verify), from a terminal: `doccritic review --previous` against the
loopback Messages API classifies every earlier finding as the scenario says (fixed, still open, outdated,
regressed, dismissed and suppressed even from another passage, dismissed and raised again with a new reason,
new), prints it with reasons naming the critic, sends round 1's references and intent again, and the review
it writes exports "Changes since round 1".
"""

from __future__ import annotations

import json

import pytest
from fakes.messages_api import Reply
from rounds_scenario import DISMISSED, EXPECTED, NEW_REASON, RESOLVED, ROUND1, ROUND2, SUMMARY, TITLES, V1, V2, key_of
from rounds_scenario import answer as sc_answer

from doccritic import cli
from doccritic.core.decisions import dismiss, resolve
from doccritic.core.findings import Status
from doccritic.core.round_records import RoundClass
from doccritic.formats.review_json import dumps, loads

POLICY = "# Billing policy\n\nInvoices are kept for seven years in the finance archive.\n"
INTENT = 'feedback_on = "The rollout"\ndecided = "PayFlow is our processor: legal signed the contract."\n'


@pytest.fixture
def api(cli_api):
    return cli_api


def run(api, capsys, args: list[str], reply: dict) -> tuple[str, str]:
    api.script(Reply.json(reply))
    code = cli.main(args)
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out, out.err


def first_round(api, tmp_path, capsys):
    """Round 1 with a reference and an intent, then the PM's decisions and the revision."""
    doc, policy, intent = tmp_path / "prd.md", tmp_path / "policy.md", tmp_path / "intent.toml"
    doc.write_text(V1, encoding="utf-8")
    policy.write_text(POLICY, encoding="utf-8")
    intent.write_text(INTENT, encoding="utf-8")
    run(api, capsys, ["review", str(doc), "--personas", "staff-engineer", "--reference", str(policy),
                      "--intent", str(intent), "--out", str(tmp_path / "r1.json")], ROUND1)
    first = loads((tmp_path / "r1.json").read_text(encoding="utf-8"))
    by_key = {key_of(f.title): f for f in first.findings}
    decided = {by_key[k].id: dismiss(by_key[k], why) for k, why in DISMISSED.items()}
    decided |= {by_key[k].id: resolve(by_key[k]) for k in RESOLVED}
    first.findings = [decided.get(f.id, f) for f in first.findings]
    (tmp_path / "r1.json").write_text(dumps(first), encoding="utf-8")
    doc.write_text(V2, encoding="utf-8")
    return doc, {k: f.id for k, f in by_key.items()}


def test_a_scripted_two_round_review_classifies_every_finding_from_the_terminal(api, tmp_path, capsys):
    doc, ids = first_round(api, tmp_path, capsys)
    printed, err = run(api, capsys, ["review", str(doc), "--personas", "staff-engineer", "--previous",
                                     str(tmp_path / "r1.json"), "--out", str(tmp_path / "r2.json")], ROUND2)
    second = loads((tmp_path / "r2.json").read_text(encoding="utf-8"))
    rnd = second.rounds[-1]
    got = {e.finding_id: e for e in rnd.entries}
    new = [e for e in rnd.entries if e.finding_id not in ids.values()]
    assert {k: got[fid].status for k, fid in ids.items()} | {"G": new[0].status} == EXPECTED
    assert [e.title for e in new] == [TITLES["G"]]  # C's re-raise from another passage is no new card

    # every class carries a reason a PM can read, naming the critic by name
    reasons = {k: got[fid].reason for k, fid in ids.items()}
    assert reasons["A"] == "its passage was removed from the draft and no critic raised the problem again"
    assert reasons["B"] == "Staff Engineer raised it again"
    assert reasons["C"] == ("Staff Engineer raised it again (on another passage) with no new reason; dismissed by "
                            f"the PM: {DISMISSED['C']}")
    assert reasons["D"] == f"Staff Engineer raised it again with a new reason: {NEW_REASON}"
    assert reasons["E"] == "resolved by the PM, raised again by Staff Engineer"
    assert reasons["F"].startswith("its passage was rewritten and no critic judged it again")
    assert new[0].reason == "first raised in round 2 by Staff Engineer"
    assert "staff-engineer" not in " ".join(e.reason for e in rnd.entries)

    # what the findings became: the PM's dismissal stands unless a new reason came
    cards = {f.id: f for f in second.findings}
    assert cards[ids["A"]].status is Status.RESOLVED and cards[ids["C"]].status is Status.DISMISSED
    assert cards[ids["D"]].status is Status.OPEN and cards[ids["E"]].status is Status.OPEN
    assert cards[ids["F"]].status is not Status.RESOLVED  # an edit alone fixes nothing

    # what the terminal shows: the counts, then each shown finding with its class and reason
    tail = printed.split("Round 2 (changes since round 1): ")[1]
    assert tail.startswith(SUMMARY)
    lines = tail.splitlines()[1:]
    assert [ln.split()[0] for ln in lines] == ["regressed", "re-raised", "open", "outdated", "new", "fixed"]
    assert TITLES["C"] not in tail and "Legacy invoices" not in tail  # suppressed: counted, not shown

    # round 2 sends round 1's reference and intent again, and says so
    bodies = [r.body for r in api.journal if r.path == "/v1/messages"]
    assert len(bodies) == 2
    sent = [" ".join(b["text"] for b in body["system"]) for body in bodies]
    for text in sent:
        assert "seven years in the finance archive" in text and "legal signed the contract" in text
    assert "round 2 sends references R1 policy.md and the author's intent from r1.json" in err
    assert [r.name for r in second.references] == ["policy.md"] and second.intent.decided.startswith("PayFlow")
    # ... and the round block: the changes, A and F still open (F on its old words), E among the fixed
    block = bodies[1]["system"][-1]["text"]
    still, fixed_before = block.split("<still_open>")[1], block.split("<fixed_before>")[1].split("</fixed_before>")[0]
    assert f"[{ids['F']}]" in still and f"[{ids['E']}]" in fixed_before and f"[{ids['C']}]" not in block

    # the export's "Changes since round 1" section
    out = tmp_path / "r2.md"
    assert cli.main(["export", str(tmp_path / "r2.json"), "--to", "md", "-o", str(out), "--source", str(doc)]) == 0
    md = out.read_text(encoding="utf-8")
    section = md.split("### Changes since round 1")[1].split("\n#")[0]
    assert section.startswith(f" (round 2: {SUMMARY})")
    rows = [ln for ln in section.splitlines() if ln.startswith("| ") and "---" not in ln][1:]
    assert [r.split(" | ")[1] for r in rows] == ["Regressed", "Raised again with a new reason", "Still open",
                                                 "Outdated", "New", "Fixed"]
    assert "| Staff Engineer |" in section


def test_flags_on_the_command_line_replace_the_earlier_rounds_references_and_intent(api, tmp_path, capsys):
    doc, _ = first_round(api, tmp_path, capsys)
    other = tmp_path / "note.txt"
    other.write_text("Decided: we bill monthly only.", encoding="utf-8")
    sent = len(api.journal)
    code = cli.main(["review", str(doc), "--personas", "staff-engineer", "--previous", str(tmp_path / "r1.json"),
                     "--intent", str(other), "--show-request"])
    captured = capsys.readouterr()
    text = " ".join(b["text"] for b in json.loads(captured.out)["requests"][0]["body"]["system"])
    assert code == 0 and len(api.journal) == sent
    assert "we bill monthly only" in text and "legal signed the contract" not in text  # --intent replaces it
    assert "seven years in the finance archive" in text  # the reference is carried
    assert "sends references R1 policy.md from r1.json" in captured.err

    code = cli.main(["review", str(doc), "--personas", "staff-engineer", "--previous", str(tmp_path / "r1.json"),
                     "--reference", str(other), "--show-request"])
    captured = capsys.readouterr()
    text = " ".join(b["text"] for b in json.loads(captured.out)["requests"][0]["body"]["system"])
    assert "we bill monthly only" in text and "seven years" not in text  # --reference replaces the list


def test_a_carried_reference_that_cannot_be_read_again_is_named_and_kept(api, tmp_path, capsys):
    doc, _ = first_round(api, tmp_path, capsys)
    review = loads((tmp_path / "r1.json").read_text(encoding="utf-8"))
    review.references[0].text = None  # as a large reference is stored: by path only
    (tmp_path / "r1.json").write_text(dumps(review), encoding="utf-8")
    (tmp_path / "policy.md").unlink()
    _, err = run(api, capsys, ["review", str(doc), "--personas", "staff-engineer", "--previous",
                               str(tmp_path / "r1.json"), "--out", str(tmp_path / "r2.json")], ROUND2)
    assert "R1 policy.md from r1.json could not be read again" in err
    body = [r.body for r in api.journal if r.path == "/v1/messages"][-1]
    assert "seven years" not in " ".join(b["text"] for b in body["system"])
    again = loads((tmp_path / "r2.json").read_text(encoding="utf-8"))
    assert [r.id for r in again.references] == ["R1"]  # still listed for the next round
    assert again.rounds[-1].counts()[RoundClass.SUPPRESSED.value] == 1


def test_a_previous_review_of_another_document_is_named_before_the_round(api, tmp_path, capsys):
    """A wrong --previous would call every finding fixed: the run says so (it still runs: a heavy rewrite is
    a real use)."""
    first_round(api, tmp_path, capsys)
    other = tmp_path / "other.md"
    other.write_text("# Hiring plan\n\nWe hire two engineers in Q1.\nInterviews start in January.\n", encoding="utf-8")
    _, err = run(api, capsys, ["review", str(other), "--personas", "staff-engineer", "--previous",
                               str(tmp_path / "r1.json")], sc_answer())
    assert "other.md keeps 0% of the lines of the draft r1.json reviewed" in err and "check --previous" in err
    _, err = run(api, capsys, ["review", str(tmp_path / "prd.md"), "--personas", "staff-engineer", "--previous",
                               str(tmp_path / "r1.json")], sc_answer())
    assert "check --previous" not in err  # a revision keeps most of its lines
