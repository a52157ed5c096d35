"""`doccritic eval --judge`: a judge model on the loopback API adjudicates the findings no label matched."""

from __future__ import annotations

import json
import shutil

from fakes.messages_api import Reply
from test_eval_cli import SYNTHETIC, script_critics

from conftest import REPO
from doccritic import cli
from doccritic.core.sendlog import SendLog

CASES = REPO / "resources" / "eval" / "cases"
JUDGE = "You are adjudicating a document review"


def corpus(tmp_path):
    for case in SYNTHETIC:
        shutil.copytree(CASES / case, tmp_path / "cases" / case)
    return tmp_path / "cases"


def saved_reviews(api, tmp_path, judge: Reply) -> list[str]:
    """A live eval's reviews: the critic hits F1 and F3 and adds one unlabelled finding ("Who waits 12 hours?").
    The judge is scripted first: the critics' scripts match the draft, which the judge's request carries too."""
    api.script(judge, match=JUDGE)
    script_critics(api)
    reviews = tmp_path / "reviews"
    assert cli.main(["eval", str(corpus(tmp_path)), "--personas", "staff-engineer", "--yes", "--poll", "0.01",
                     "--reviews", str(reviews)]) == 0
    return [str(p) for p in sorted(reviews.iterdir())]


def test_the_judge_adjudicates_unmatched_findings_with_its_cost_estimated_first(cli_api, tmp_path, capsys):
    files = saved_reviews(cli_api, tmp_path, Reply.json(
        {"verdicts": [{"n": 1, "valid": True, "reason": "Incidents need old logs fast."}]}))
    out_file = tmp_path / "judged.json"
    capsys.readouterr()
    code = cli.main(["eval", "--score-only", *files, "--corpus", str(tmp_path / "cases"), "--judge",
                     "claude-haiku-4-5", "--yes", "--out", str(out_file), "--html", str(tmp_path / "report.html")])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "the judge (claude-haiku-4-5) on 1 unmatched finding(s): about $" in err
    results = json.loads(out_file.read_text(encoding="utf-8"))
    (item,) = results["unmatched"]
    assert item["title"] == "Who waits 12 hours?"
    assert item["judge"] == {"valid": True, "reason": "Incidents need old logs fast."}
    assert results["precision_lower_bound"] == {"hits": 2, "of": 3, "rate": 0.6667}
    assert results["judge"]["precision_with_judge"] == {"hits": 3, "of": 3, "rate": 1.0}
    assert results["judge"]["cost_usd"] > 0 and "Precision with the judge (claude-haiku-4-5)" in out
    (request,) = [r for r in cli_api.journal if r.path == "/v1/messages" and JUDGE in r.text]
    assert request.body["model"] == "claude-haiku-4-5" and "Who waits 12 hours?" in request.text
    assert request.body["system"][0]["cache_control"] == {"type": "ephemeral"}  # the critics' document block
    assert [e["outcome"] for e in SendLog().entries() if e["kind"] == "judge"] == ["answered"]
    assert "valid: Incidents need old logs fast." in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_a_judge_that_answers_badly_is_named_and_the_scores_stand(cli_api, tmp_path, capsys):
    files = saved_reviews(cli_api, tmp_path, Reply.text("I think it is fine."))
    out_file = tmp_path / "judged.json"
    code = cli.main(["eval", "--score-only", *files, "--corpus", str(tmp_path / "cases"), "--judge", "--yes",
                     "--out", str(out_file)])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "judge: syn-log-retention: the judge could not answer (its answer was not the JSON asked for)" in err
    results = json.loads(out_file.read_text(encoding="utf-8"))
    assert "judge" not in results["unmatched"][0] and results["judge"]["adjudicated"]["hits"] == 0
    assert results["precision_lower_bound"] == {"hits": 2, "of": 3, "rate": 0.6667}


def test_a_live_eval_with_the_judge_estimates_it_before_confirming(cli_api, tmp_path, capsys):
    cli_api.script(Reply.json({"verdicts": [{"n": 1, "valid": False, "reason": "Generic."}]}), match=JUDGE)
    script_critics(cli_api)
    out_file = tmp_path / "results.json"
    assert cli.main(["eval", str(corpus(tmp_path)), "--personas", "staff-engineer", "--yes", "--poll", "0.01",
                     "--judge", "--out", str(out_file)]) == 0
    err = capsys.readouterr().err
    assert "plus the judge (claude-sonnet-4-6) on the findings no label matches: at most $" in err
    results = json.loads(out_file.read_text(encoding="utf-8"))
    assert results["judge"]["precision_with_judge"] == {"hits": 2, "of": 3, "rate": 0.6667}
    assert results["unmatched"][0]["judge"]["valid"] is False
