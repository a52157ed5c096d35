"""`doccritic eval` through the Message Batches API of the loopback fake: the same scores as streaming, at half
the price, with the batch's failures named per case and persona."""

from __future__ import annotations

import json
import shutil

import pytest
from fakes.messages_api import FakeMessagesAPI
from test_eval_cli import SYNTHETIC, script_critics

from conftest import REPO
from doccritic import cli
from doccritic.core.sendlog import SendLog

CASES = REPO / "resources" / "eval" / "cases"


@pytest.fixture
def corpus(tmp_path):
    for case in SYNTHETIC:
        shutil.copytree(CASES / case, tmp_path / "cases" / case)
    return tmp_path / "cases"


def eval_results(corpus, tmp_path, name: str, *extra: str) -> tuple[int, dict]:
    out = tmp_path / f"{name}.json"
    code = cli.main(["eval", str(corpus), "--personas", "staff-engineer", "--yes", "--poll", "0.01", "--out",
                     str(out), *extra])
    return code, json.loads(out.read_text(encoding="utf-8")) if out.is_file() else {}


def test_a_batched_eval_scores_like_streaming_at_half_the_price(cli_api: FakeMessagesAPI, corpus, tmp_path, capsys):
    script_critics(cli_api)
    code, batched = eval_results(corpus, tmp_path, "batched", "--repeat", "2")
    err = capsys.readouterr().err
    assert code == 0, err
    assert "through the Message Batches API (50% of $" in err and "4 request(s)" in err
    assert not [r for r in cli_api.journal if r.path == "/v1/messages"]  # nothing streamed
    assert batched["recall"] == {"hits": 4, "of": 6, "rate": 0.6667}  # 2 of 3 flaws, in each of 2 repeats
    assert batched["precision_lower_bound"] == {"hits": 4, "of": 6, "rate": 0.6667}
    assert batched["provenance"]["batch"] is True and batched["cost_usd"]["runs"] == 4
    assert batched["first_finding_s"]["runs"] == 0  # a batch answers all at once: no time to first finding
    entries = [e for e in SendLog().entries() if e["outcome"] == "answered (batch)"]
    assert len(entries) == 4 and all(e["output_tokens"] > 0 for e in entries)
    cli_api.cache.clear()
    code, streamed = eval_results(corpus, tmp_path, "streamed", "--repeat", "2", "--no-batch")
    assert code == 0
    assert streamed["recall"] == batched["recall"] and streamed["unmatched"] == batched["unmatched"]
    assert batched["cost_usd"]["total"] == pytest.approx(streamed["cost_usd"]["total"] / 2, rel=1e-3)


def test_an_endpoint_without_batches_streams_the_eval_and_says_so(corpus, tmp_path, capsys):
    with FakeMessagesAPI(batches=False) as api:
        mp = pytest.MonkeyPatch()
        mp.setenv("ANTHROPIC_API_KEY", "sk-test")
        mp.setenv("ANTHROPIC_BASE_URL", api.base_url)
        try:
            script_critics(api)
            code, results = eval_results(corpus, tmp_path, "fallback")
        finally:
            mp.undo()
    err = capsys.readouterr().err
    assert code == 0, err
    assert "does not offer the Message Batches API; the eval streams each run instead (full price)" in err
    assert results["recall"] == {"hits": 2, "of": 3, "rate": 0.6667} and "batch" not in results["provenance"]


def test_a_failed_batch_item_names_its_case_and_persona_and_the_rest_is_scored(cli_api, corpus, tmp_path, capsys):
    script_critics(cli_api)
    cli_api.batches.fault("expired", match="5-year prepaid")
    code, results = eval_results(corpus, tmp_path, "expired")
    err = capsys.readouterr().err
    assert "syn-log-retention run 1: staff-engineer: The batch expired (24 hours)" in err
    assert code == 0, err  # the twin's critic completed
    assert results["recall"]["hits"] == 0 and results["false_positives"]["twins"]["findings"] == 0


def test_a_batched_eval_tells_the_critics_what_the_checks_raised(cli_api: FakeMessagesAPI, corpus, tmp_path, capsys):
    script_critics(cli_api)
    code, _ = eval_results(corpus, tmp_path, "batched")
    assert code == 0, capsys.readouterr().err
    (submitted,) = [r for r in cli_api.journal if r.path == "/v1/messages/batches" and r.method == "POST"]
    params = [item["params"] for item in submitted.body["requests"]]
    assert params and all("[offline check]" in p["system"][2]["text"] for p in params)  # as the app sends them
