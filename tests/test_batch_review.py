"""`doccritic review --batch`: many documents through the Message Batches API of the loopback fake (real SDK).

What a user notices: one review JSON per document written as its results are read, progress on stderr, half
the price, a failed (document, persona) named with its reason while the others' findings are kept, a batch
picked up after a restart without paying again, Ctrl-C cancelling the batch, and streaming when the endpoint
has no batches.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import pytest
from fakes.messages_api import FakeMessagesAPI, Reply

from conftest import REPO
from doccritic import cli
from doccritic.cli_batch import state_dir

DRAFT_A = "# Pricing\n\nWe will move every customer to annual prepaid plans on 1 March, with no monthly option.\n"
DRAFT_B = "# Retention\n\nWe will delete raw event logs after 7 days to cut storage costs in half.\n"


def finding(quote: str, title: str) -> dict:
    return {"kind": "one_way_door", "severity": "major", "title": title, "quote": quote, "rationale": "Hard to undo.",
            "reversibility": {"level": "one_way", "cost_to_reverse": "customers lost",
                              "exit_ramp": "keep monthly for a quarter"}}


@pytest.fixture
def drafts(tmp_path):
    a, b = tmp_path / "pricing.md", tmp_path / "retention.md"
    a.write_text(DRAFT_A, encoding="utf-8")
    b.write_text(DRAFT_B, encoding="utf-8")
    return a, b


@pytest.fixture
def api(cli_api: FakeMessagesAPI) -> FakeMessagesAPI:
    """Each document's critics answer with one finding on it; the skeptical exec adds nothing."""
    cli_api.script(Reply.json({"findings": [finding("annual prepaid plans", "No monthly option")],
                               "verdict": "Risky."}),
                   match=lambda body: "annual prepaid" in json.dumps(body) and "staff-engineer" in json.dumps(body))
    cli_api.script(Reply.json({"findings": [finding("delete raw event logs after 7 days", "Logs gone")],
                               "verdict": "Risky."}),
                   match=lambda body: "raw event logs" in json.dumps(body) and "staff-engineer" in json.dumps(body))
    cli_api.script(Reply.json({"findings": [], "verdict": "Fine."}))
    return cli_api


def review_batch(*args: str) -> int:
    return cli.main(["review", "--personas", "staff-engineer,skeptical-exec", "--poll", "0.01", "--batch", *args])


def load(path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def batch_requests(api: FakeMessagesAPI) -> list:
    return [r for r in api.journal if r.path.startswith("/v1/messages/batches")]


def test_a_batch_writes_one_review_per_document_at_half_price_with_progress(api, drafts, capsys):
    api.batches.steps = 2
    a, b = drafts
    code = review_batch(str(a), str(b))
    out, err = capsys.readouterr()
    assert code == 0, err
    first, second = load(a.with_name("pricing.md.review.json")), load(b.with_name("retention.md.review.json"))
    assert [f["title"] for f in first["findings"]] == ["No monthly option"]
    assert [f["title"] for f in second["findings"]] == ["Logs gone"]
    span = first["findings"][0]
    assert DRAFT_A[span["start"]:span["end"]] == "annual prepaid plans"  # placed like a live review
    run = first["runs"][-1]
    assert run["batch"] is True and [c["status"] for c in run["critics"]] == ["done", "done"]
    assert "at the batch price (50% of" in err
    assert "in progress, 2/4 done (2 succeeded)" in err and "ended, 4/4 done (4 succeeded)" in err
    assert "pricing.md: 1 finding(s), 2/2 critic(s) completed" in out
    create = next(r for r in batch_requests(api) if r.method == "POST")
    items = create.body["requests"]
    assert [i["custom_id"] for i in items] == ["d0-staff-engineer", "d0-skeptical-exec", "d1-staff-engineer",
                                              "d1-skeptical-exec"]
    assert not any(r.path == "/v1/messages" for r in api.journal)  # nothing streamed
    # the personas of a document share its cached prefix: the second reads what the first wrote
    usage = [c["usage"] for c in run["critics"]]
    assert usage[0]["cache_creation_input_tokens"] > 0 and usage[1]["cache_read_input_tokens"] > 0
    assert not list(state_dir().glob("*.json"))  # every result read: the kept batch id is forgotten


def test_the_batch_price_is_half_the_streamed_price(api, drafts, tmp_path):
    a, _ = drafts
    assert review_batch(str(a), "--out", str(tmp_path / "batch")) == 0
    batched = load(tmp_path / "batch" / "pricing.md.review.json")["runs"][-1]
    api.cache.clear()
    assert cli.main(["review", str(a), "--personas", "staff-engineer,skeptical-exec", "--out",
                     str(tmp_path / "live.json")]) == 0
    live = load(tmp_path / "live.json")["runs"][-1]
    assert batched["usage"] == live["usage"]
    assert batched["cost_usd"] == pytest.approx(live["cost_usd"] / 2, rel=1e-6)


@pytest.mark.parametrize(("fault", "status", "why"), [
    ("errored", "failed", "The batch could not process this request (api_error: Internal server error"),
    ("expired", "failed", "The batch expired (24 hours) before this request was processed"),
    ("canceled", "cancelled", "The batch was canceled before this request was processed"),
])
def test_a_failed_item_is_named_with_its_reason_and_the_others_are_kept(api, drafts, capsys, fault, status, why):
    api.batches.fault(fault, match=lambda body: "raw event logs" in json.dumps(body)
                      and "skeptical-exec" in json.dumps(body))
    a, b = drafts
    code = review_batch(str(a), str(b))
    _out, err = capsys.readouterr()
    assert code == 0, err  # every document still has a completed critic
    assert f"retention.md: skeptical-exec: {why}" in err
    second = load(b.with_name("retention.md.review.json"))
    assert [f["title"] for f in second["findings"]] == ["Logs gone"]  # the staff engineer's finding is kept
    critics = {c["persona"]: c for c in second["runs"][-1]["critics"]}
    assert critics["skeptical-exec"]["status"] == status and why in critics["skeptical-exec"]["failure"]
    assert critics["staff-engineer"]["status"] == "done"
    assert [c["status"] for c in load(a.with_name("pricing.md.review.json"))["runs"][-1]["critics"]] == ["done"] * 2


def test_a_batch_canceled_elsewhere_keeps_what_was_processed(api, drafts, capsys):
    api.batches.steps, api.batches.end_canceled_after = 2, 2  # half processed, then canceled in the console
    a, b = drafts
    code = review_batch(str(a), str(b))
    _out, err = capsys.readouterr()
    assert code == 3, err  # the second document has no completed critic
    assert "ended canceled: requests not processed were not charged" in err
    assert [f["title"] for f in load(a.with_name("pricing.md.review.json"))["findings"]] == ["No monthly option"]
    second = load(b.with_name("retention.md.review.json"))
    assert second["findings"] == [] and {c["status"] for c in second["runs"][-1]["critics"]} == {"cancelled"}
    assert "retention.md: staff-engineer: The batch was canceled before this request was processed" in err


def start(*args: str) -> subprocess.Popen:
    """The command in a process of its own, as a user runs it (signals reach it like a terminal's)."""
    return subprocess.Popen([sys.executable, "-m", "doccritic", "review", "--personas", "staff-engineer,skeptical-exec",
                             "--batch", *args], cwd=REPO, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for(child: subprocess.Popen, text: str) -> str:
    assert child.stderr is not None
    seen = ""
    for line in child.stderr:
        seen += line
        if text in line:
            return seen
    raise AssertionError(f"never printed {text!r}: {seen}")


def test_a_kept_batch_is_resumed_after_a_restart_without_sending_again(api, drafts, capsys):
    a, b = drafts
    api.batches.hold_after = 1  # still running when the process dies
    child = start(str(a), str(b), "--poll", "60")
    try:
        wait_for(child, "sent, 4 request(s)")
        child.kill()  # no chance to clean up: the batch id must already be on disk
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    kept = list(state_dir().glob("*.json"))
    assert len(kept) == 1 and load(kept[0])["files"] == [str(a.resolve()), str(b.resolve())]
    api.batches.hold_after = None
    code = cli.main(["review", "--personas", "staff-engineer,skeptical-exec", "--poll", "0.01", "--batch", "--resume"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "resuming, 4 request(s)" in err and "pricing.md: 1 finding(s)" in out
    assert [f["title"] for f in load(b.with_name("retention.md.review.json"))["findings"]] == ["Logs gone"]
    assert len([r for r in batch_requests(api) if r.method == "POST" and r.path == "/v1/messages/batches"]) == 1
    assert not list(state_dir().glob("*.json"))


def test_resume_with_nothing_kept_says_so(api, drafts, capsys):
    assert review_batch("--resume") == 2
    assert "No kept batch to resume" in capsys.readouterr().err


def test_ctrl_c_cancels_the_batch_and_keeps_what_arrived(api, drafts):
    api.batches.steps, api.batches.hold_after = 2, 1  # half processed, then nothing more until canceled
    a, b = drafts
    child = start(str(a), str(b), "--poll", "0.05")
    try:
        wait_for(child, "2/4 done")
        child.send_signal(signal.SIGINT)
        _out, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 130, err
    assert "Ctrl-C: canceling the batch" in err and "2 of 2 document review(s) written" in err
    assert any(r.path.endswith("/cancel") for r in batch_requests(api))
    assert [f["title"] for f in load(a.with_name("pricing.md.review.json"))["findings"]] == ["No monthly option"]
    assert {c["status"] for c in load(b.with_name("retention.md.review.json"))["runs"][-1]["critics"]} == {"cancelled"}


def test_an_endpoint_without_batches_streams_each_document_and_says_so(cli_api, drafts, capsys):
    cli_api.batches.enabled = False
    cli_api.script(Reply.json({"findings": [], "verdict": "Fine."}))
    a, b = drafts
    code = review_batch(str(a), str(b))
    _out, err = capsys.readouterr()
    assert code == 0, err
    assert "does not offer the Message Batches API; reviewing each document by streaming instead" in err
    assert len([r for r in cli_api.journal if r.path == "/v1/messages"]) == 4
    assert load(b.with_name("retention.md.review.json"))["runs"][-1].get("batch") is None


def test_send_log_records_the_batch_items_with_their_usage_and_every_call_of_the_run(api, drafts):
    from doccritic.core.sendlog import SendLog

    api.batches.steps = 2  # two status checks while it runs
    a, _ = drafts
    assert review_batch(str(a)) == 0
    entries = SendLog().entries()
    items = [e for e in entries if e["kind"] == "critic"]
    assert [(e["personas"], e["outcome"]) for e in items] == [
        (["staff-engineer"], "sent in a batch"), (["skeptical-exec"], "sent in a batch"),
        (["staff-engineer"], "answered (batch)"), (["skeptical-exec"], "answered (batch)")]
    assert items[2]["document"] == "pricing.md" and items[2]["output_tokens"] > 0
    calls = [(e["kind"], e["outcome"]) for e in entries if e["kind"] != "critic"]
    assert calls == [("batch_status", "in_progress, 1/2 done"), ("batch_status", "ended, 2/2 done"),
                     ("batch_results", "ok")]  # each carries no document, and each left the machine
    assert all(e["document"] == "" for e in entries if e["kind"] != "critic")


def test_items_refused_for_a_feature_the_endpoint_lacks_are_streamed_without_it(api, drafts, capsys):
    """A batch endpoint that refuses tools fails every item with a 400; each is streamed again without tools,
    at the full price, and the user is told which item and why."""
    api.tools = False
    a, b = drafts
    code = review_batch(str(a), str(b))
    _out, err = capsys.readouterr()
    assert code == 0, err
    assert ("pricing.md: staff-engineer: The batch could not process this request (invalid_request_error: tools: "
            "Extra inputs are not permitted). Streaming it instead, without tools (full price).") in err
    assert "This endpoint does not support tools; doccritic carries on without it." in err
    streamed = [r for r in api.journal if r.path == "/v1/messages"]
    assert len(streamed) == 4 and all("tools" not in r.body for r in streamed)
    assert all(r.body["output_config"]["format"]["type"] == "json_schema" for r in streamed)  # still schema-bound
    first = load(a.with_name("pricing.md.review.json"))
    assert [f["title"] for f in first["findings"]] == ["No monthly option"]
    critics = first["runs"][-1]["critics"]
    assert [c["status"] for c in critics] == ["done", "done"]


def test_a_streamed_retry_starts_only_while_the_budget_cap_holds_it(cli_api, drafts, capsys):
    """Streaming refused items costs the full price: each starts only while what the run has cost so far and
    its own estimate fit the cap (as a live panel launches its critics)."""
    import asyncio

    from doccritic.claude.config import Backend, PanelSettings
    from doccritic.claude.panel import estimate
    from doccritic.cli_review import check_findings
    from doccritic.core.personas import load_personas
    from doccritic.formats.loader import load_document

    cli_api.tools = False
    cli_api.script(Reply.json({"findings": [], "verdict": "Fine."}, output_tokens=1320))  # what the estimate expects
    a, b = drafts
    doc = load_document(a.resolve())
    first = [load_personas().require("staff-engineer")]
    each = asyncio.run(estimate(None, doc, first, PanelSettings(), backend=Backend(tools=False),
                                raised=check_findings(doc))).total
    cap = each * 2.2  # the batch's estimate (4 critics at half price) fits; four streamed critics do not
    code = review_batch(str(a), str(b), "--max-cost", f"{cap:.6f}")
    _out, err = capsys.readouterr()
    assert err.count("Streaming it instead") == 2, err
    assert err.count(f"Not streamed instead: the budget cap of ${cap:.2f} for this run would be exceeded.") == 2
    assert len([r for r in cli_api.journal if r.path == "/v1/messages"]) == 2
    runs = [load(f.with_name(f.name + ".review.json"))["runs"][-1] for f in (a, b)]
    spent = sum(c["cost_usd"] for run in runs for c in run["critics"])
    assert 0 < spent <= cap
    assert code == 3  # the second document has no completed critic


def test_the_budget_cap_in_settings_holds_a_batch_too(api, drafts, capsys):
    from doccritic import paths

    paths.config_dir().mkdir(parents=True, exist_ok=True)
    (paths.config_dir() / "settings.ini").write_text("[claude]\nbudget_usd=0.0001\n", encoding="utf-8")
    a, b = drafts
    assert review_batch(str(a), str(b)) == 3
    err = capsys.readouterr().err
    assert "the estimate is over the budget cap in Settings $0.00; nothing was sent." in err
    assert not batch_requests(api) and not list(state_dir().glob("*.json"))


def test_kept_batches_older_than_the_api_keeps_results_are_forgotten(api, drafts, capsys):
    import os
    import time

    folder = state_dir()
    folder.mkdir(parents=True, exist_ok=True)
    old, recent = folder / ("a" * 32 + ".json"), folder / ("b" * 32 + ".json")
    for f in (old, recent):
        f.write_text(json.dumps({"batch_id": "msgbatch_gone", "files": ["/nowhere.md"]}), encoding="utf-8")
    month = time.time() - 30 * 86400
    os.utime(old, (month, month))
    a, _ = drafts
    assert review_batch(str(a)) == 0
    assert "forgot 1 kept batch(es) older than 29 days" in capsys.readouterr().err
    assert not old.exists() and recent.exists()  # a recent one may still be resumed


def test_a_batch_review_is_round_one_for_the_next_review(api, drafts, tmp_path):
    a, _ = drafts
    assert review_batch(str(a)) == 0
    review = a.with_name("pricing.md.review.json")
    assert len(load(review)["rounds"]) == 1
    assert cli.main(["review", str(a), "--personas", "staff-engineer", "--previous", str(review), "--out",
                     str(tmp_path / "round2.json")]) == 0
    assert len(load(tmp_path / "round2.json")["rounds"]) == 2


def test_a_batch_is_redacted_before_it_leaves_and_the_review_has_the_real_words(api, drafts):
    from doccritic import paths

    a, _ = drafts
    paths.config_dir().mkdir(parents=True, exist_ok=True)
    (paths.config_dir() / "redaction.toml").write_text('[global]\nterms = ["annual prepaid"]\n', encoding="utf-8")
    api.script(Reply.json({"findings": [finding("[TERM-1] plans", "No monthly option")], "verdict": "Risky."}),
               match="[TERM-1]")
    assert review_batch(str(a)) == 0
    create = next(r for r in batch_requests(api) if r.method == "POST")
    assert "annual prepaid" not in json.dumps(create.body) and "[TERM-1]" in json.dumps(create.body)
    (found,) = load(a.with_name("pricing.md.review.json"))["findings"]
    assert found["quote"] == "annual prepaid plans" and DRAFT_A[found["start"]:found["end"]] == "annual prepaid plans"


POLICY = "# Pricing policy\n\nCustomers keep a monthly plan for at least one renewal after any price change.\n"
RULE = "Customers keep a monthly plan for at least one renewal after any price change."


def with_context(drafts, tmp_path) -> list[str]:
    (tmp_path / "refs").mkdir()
    (tmp_path / "refs" / "policy.md").write_text(POLICY, encoding="utf-8")
    (tmp_path / "refs" / "dpa.txt").write_text("Processors delete data on request only.\n", encoding="utf-8")
    (tmp_path / "refs" / "intent.toml").write_text('decided = "Annual plans only: finance needs the cash."\n',
                                                   encoding="utf-8")
    return ["--reference", str(tmp_path / "refs" / "policy.md"), "--reference-for",
            f"skeptical-exec={tmp_path / 'refs' / 'dpa.txt'}", "--intent", str(tmp_path / "refs" / "intent.toml")]


def test_a_batch_carries_references_and_intent_after_each_documents_cached_prefix(cli_api, drafts, tmp_path, capsys):
    a, b = drafts
    api = cli_api  # scripted here: the pricing critic cites the policy and re-opens the stated decision
    api.script(Reply.json({"findings": [finding("annual prepaid plans", "No monthly option") | {
        "reference": {"id": "R1", "quote": RULE}, "challenges_decision": True, "decision": "Annual plans only"}],
        "verdict": "Risky."}),
        match=lambda body: "annual prepaid" in json.dumps(body) and "staff-engineer" in json.dumps(body))
    api.script(Reply.json({"findings": [], "verdict": "Fine."}))
    code = review_batch(str(a), str(b), *with_context(drafts, tmp_path))
    _out, err = capsys.readouterr()
    assert code == 0, err
    create = next(r for r in batch_requests(api) if r.method == "POST")
    items = {i["custom_id"]: i["params"] for i in create.body["requests"]}
    for doc in ("d0", "d1"):
        staff, exec_ = items[f"{doc}-staff-engineer"], items[f"{doc}-skeptical-exec"]
        assert staff["system"] == exec_["system"]  # the shared prefix, references and intent: byte-identical
        draft, _instructions, refs, intent = staff["system"][:4]  # then what the checks raised
        assert "<document>" in draft["text"] and RULE not in draft["text"]
        assert RULE in refs["text"] and refs["cache_control"] == {"type": "ephemeral"}
        assert "Annual plans only: finance needs the cash." in intent["text"]
        assert "Processors delete" in exec_["messages"][0]["content"][0]["text"]  # the exec's own, in its message
        assert "Processors delete" not in json.dumps(staff)
    assert items["d0-staff-engineer"]["system"][1:3] == items["d1-staff-engineer"]["system"][1:3]  # same references
    review = load(a.with_name("pricing.md.review.json"))
    assert [(r["id"], r["name"], r["persona"]) for r in review["references"]] == [
        ("R1", "policy.md", None), ("R2", "dpa.txt", "skeptical-exec")]
    assert review["intent"]["decided"] == "Annual plans only: finance needs the cash."
    (found,) = review["findings"]
    (c,) = found["cites"]
    assert POLICY[c["start"]:c["end"]] == RULE and found["challenges_decision"] == "Annual plans only"
    assert load(b.with_name("retention.md.review.json"))["references"][0]["name"] == "policy.md"


def test_a_batch_reference_that_is_one_of_its_documents_is_refused_before_sending(api, drafts, capsys):
    a, b = drafts
    assert review_batch(str(a), str(b), "--reference", str(b)) == 2
    assert "Cannot attach retention.md: it is the document under review" in capsys.readouterr().err
    assert not batch_requests(api)


def test_resume_alone_sends_nothing_again_with_the_kept_batchs_references(api, drafts, tmp_path, capsys):
    a, b = drafts
    api.batches.hold_after = 1
    child = start(str(a), str(b), "--poll", "60", *with_context(drafts, tmp_path))
    try:
        wait_for(child, "sent, 4 request(s)")
        child.kill()
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    api.batches.hold_after = None
    code = cli.main(["review", "--personas", "staff-engineer,skeptical-exec", "--poll", "0.01", "--batch", "--resume"])
    _out, err = capsys.readouterr()
    assert code == 0, err
    assert "resuming, 4 request(s)" in err
    assert len([r for r in batch_requests(api) if r.method == "POST" and r.path == "/v1/messages/batches"]) == 1
    assert load(a.with_name("pricing.md.review.json"))["intent"]["decided"].startswith("Annual plans only")
