"""`doccritic eval` end to end: real SDK, loopback API with scripted critics whose true scores are known."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys

import pytest
from fakes.messages_api import FakeMessagesAPI, Fault, Reply

from conftest import REPO
from doccritic import cli

CASES = REPO / "resources" / "eval" / "cases"
SYNTHETIC = ("syn-log-retention", "syn-log-retention-fixed")
CONTRACT = "We will sign a 5-year prepaid ColdVault contract"
ASKED = "Every team we asked said they never search logs older than a week"
NOISE = "Retrieval from ColdVault takes up to 12 hours."


@pytest.fixture
def corpus(tmp_path):
    """The synthetic cases alone: drafts other people are writing in resources/eval/cases stay out of it."""
    for case in SYNTHETIC:
        shutil.copytree(CASES / case, tmp_path / "cases" / case)
    return tmp_path / "cases"


@pytest.fixture
def api(cli_api):
    return cli_api


def two_hits_and_noise() -> dict:
    """F1 (a door, complete) and F3 (an assumption) of syn-log-retention's three flaws, and one unlabelled point."""
    return {"verdict": "Not yet.", "readiness": 4, "findings": [
        {"kind": "one_way_door", "severity": "critical", "title": "Five years prepaid", "quote": CONTRACT,
         "rationale": "Non-refundable.", "reversibility": {"level": "one_way", "cost_to_reverse": "the prepayment",
                                                           "exit_ramp": "a 12-month term with an exit clause"}},
        {"kind": "challenged_assumption", "severity": "major", "title": "Remembered, not measured", "quote": ASKED,
         "rationale": "Query logs would say."},
        {"kind": "open_question", "severity": "minor", "title": "Who waits 12 hours?", "quote": NOISE,
         "rationale": "Incidents."},
    ]}


def script_critics(api: FakeMessagesAPI) -> None:
    api.script(Reply.json(two_hits_and_noise()), match="5-year prepaid")  # the flawed draft
    api.script(Reply.json({"findings": [], "verdict": "Fine.", "readiness": 8}))  # its fixed twin: quiet


def critic_requests(api: FakeMessagesAPI) -> list:
    return [r for r in api.journal if r.path == "/v1/messages"]


def test_a_live_eval_scores_the_scripted_critic_exactly_and_records_provenance(api, corpus, tmp_path, capsys):
    script_critics(api)
    out_file, html, reviews = tmp_path / "results.json", tmp_path / "report.html", tmp_path / "reviews"
    code = cli.main(["eval", str(corpus), "--personas", "staff-engineer", "--yes", "--out", str(out_file),
                     "--html", str(html), "--reviews", str(reviews), "--model", "claude-sonnet-4-6", "--no-batch"])
    out, err = capsys.readouterr()
    assert code == 0, err
    results = json.loads(out_file.read_text(encoding="utf-8"))
    assert results["recall"] == {"hits": 2, "of": 3, "rate": 0.6667}
    assert results["precision_lower_bound"] == {"hits": 2, "of": 3, "rate": 0.6667}
    assert results["recall_by_persona"] == {"staff-engineer": {"hits": 1, "of": 2, "rate": 0.5}}  # F2, F3 are its
    assert results["door_completeness"]["rate"] == 1.0 and results["false_positives"]["twins"]["findings"] == 0
    assert results["cap_fill"] == {"hits": 0, "of": 2, "rate": 0.0}
    assert [u["title"] for u in results["unmatched"]] == ["Who waits 12 hours?"]
    assert results["cost_usd"]["runs"] == 2 and results["cost_usd"]["total"] > 0
    assert results["first_finding_s"]["runs"] == 1  # the quiet twin never shows a finding
    prov = results["provenance"]
    assert prov["model"] == "claude-sonnet-4-6" and prov["source"] == "live" and prov["personas"] == ["staff-engineer"]
    assert set(prov["prompts"]) >= {"critic-system.md", "critic-persona.md"}
    assert re.fullmatch(r"[0-9a-f]{64}", prov["persona_files"]["staff-engineer"])
    assert set(prov["cases"]) == set(SYNTHETIC)
    assert re.search(r"Recall \(flaws found\) +2/3 +66\.7%", out)
    assert "eval: 2 case(s) x 1 run(s) x 1 critic(s) on claude-sonnet-4-6: about $" in err
    assert "eval: case 1/2 syn-log-retention, run 1/1" in err and "staff-engineer: finding 1 (critical)" in err
    assert len(critic_requests(api)) == 2
    report = html.read_text(encoding="utf-8")
    assert "<svg" in report and "Recall by kind" in report and "Who waits 12 hours?" in report
    assert not re.search(r"""(src|href)=["']?https?:""", report) and "<script" not in report  # offline

    # the saved reviews score the same with no API; matched to their cases by the document text
    capsys.readouterr()
    files = sorted(str(p) for p in reviews.iterdir())
    assert cli.main(["eval", "--score-only", *files, "--corpus", str(corpus), "--out", str(tmp_path / "again.json"),
                     "--baseline", str(out_file)]) == 0
    again = json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))
    assert again["recall"] == results["recall"] and again["precision_lower_bound"] == results["precision_lower_bound"]
    assert again["first_finding_s"]["runs"] == 1 and again["provenance"]["max_findings"] == 6
    assert again["baseline"]["changes"]["recall"] == 0.0 and len(critic_requests(api)) == 2
    assert "+0.0 pts" in capsys.readouterr().out


def test_repeats_measure_stability(api, corpus, tmp_path, capsys):
    api.script(Reply.json(two_hits_and_noise()), Reply.json({"findings": [], "verdict": "ok", "readiness": 9}),
               match="5-year prepaid")  # found in the first run, missed in the second
    out_file = tmp_path / "results.json"
    assert cli.main(["eval", str(corpus), "--case", "syn-log-retention", "--personas", "staff-engineer",
                     "--repeat", "2", "--yes", "--out", str(out_file)]) == 0
    results = json.loads(out_file.read_text(encoding="utf-8"))
    assert results["recall"] == {"hits": 2, "of": 6, "rate": 0.3333} and results["repeats"] == 2
    assert results["pass_k"] == {"hits": 0, "of": 3, "rate": 0.0}


def test_without_yes_and_nobody_to_ask_nothing_is_sent(api, corpus, capsys):
    script_critics(api)
    assert cli.main(["eval", str(corpus), "--personas", "staff-engineer"]) == 2
    err = capsys.readouterr().err
    assert "nobody is here to confirm: pass --yes to run it" in err and "about $" in err
    assert critic_requests(api) == []


def test_no_key_says_which_modes_need_none(corpus, capsys):
    assert cli.main(["eval", str(corpus), "--personas", "staff-engineer", "--yes"]) == 3
    assert "--score-only and --checks need no key" in capsys.readouterr().err


def test_validate_names_each_problem_and_exits_1(corpus, capsys):
    assert cli.main(["eval", "--validate", str(corpus)]) == 0
    assert capsys.readouterr().out == f"2 case(s) in {corpus}: labels valid.\n"
    labels = corpus / "syn-log-retention" / "labels.toml"
    labels.write_text(labels.read_text(encoding="utf-8").replace(
        '"Every team we asked', '"Every single team we asked'), encoding="utf-8")
    assert cli.main(["eval", "--validate", str(corpus)]) == 1
    out = capsys.readouterr().out
    assert "syn-log-retention F3: passage not found verbatim in the draft: 'Every single team we asked" in out
    assert out.endswith("2 case(s) checked in " + str(corpus) + ": 1 problem(s) in 1.\n")


def test_scoring_the_checks_needs_no_key_and_skips_broken_cases(corpus, tmp_path, capsys):
    (corpus / "syn-log-retention-fixed" / "labels.toml").write_text("[case]\nid = 'wrong'\n", encoding="utf-8")
    out_file = tmp_path / "checks.json"
    assert cli.main(["eval", "--checks", str(corpus), "--out", str(out_file)]) == 0
    out, err = capsys.readouterr()
    assert "skipping case(s) with label problems (syn-log-retention-fixed)" in err
    results = json.loads(out_file.read_text(encoding="utf-8"))
    assert results["provenance"]["source"] == "checks" and results["panel_adds"] is None
    assert results["recall"]["of"] == 3 and "Recall (flaws found)" in out


def test_a_review_of_some_other_document_is_refused(corpus, tmp_path, capsys):
    other = tmp_path / "other.json"
    assert cli.main(["check", str(REPO / "resources" / "samples" / "sample-prd.md"), "--format", "json"]) == 0
    other.write_text(capsys.readouterr().out, encoding="utf-8")
    assert cli.main(["eval", "--score-only", str(other), "--corpus", str(corpus)]) == 2
    assert "other.json: no case in the corpus has this document" in capsys.readouterr().err


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_scores_the_runs_done_with_what_the_critic_wrote_and_exits_130(api, corpus, tmp_path):
    text = json.dumps(two_hits_and_noise())  # silent once the second finding has begun: the first is whole
    api.script(Reply.text(text, fault=Fault.stall(after_events=4 + text.index("Remembered") // 40, seconds=60)),
               match="5-year prepaid")
    out_file = tmp_path / "results.json"
    child = subprocess.Popen([sys.executable, "-m", "doccritic", "eval", str(corpus), "--personas", "staff-engineer",
                              "--yes", "--no-batch", "--out", str(out_file)], cwd=REPO, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert child.stderr is not None
        for line in child.stderr:  # progress as it comes, until the first finding is on screen
            if "staff-engineer: finding 1 (critical)" in line:
                break
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 130, err
    assert "eval: stopped by Ctrl-C; scoring the 1 run(s) done." in err
    results = json.loads(out_file.read_text(encoding="utf-8"))
    assert results["recall"] == {"hits": 1, "of": 3, "rate": 0.3333} and results["provenance"]["stopped"] is True
    assert results["not_run"] == ["syn-log-retention-fixed"] and "Recall (flaws found)" in out


class Terminal:
    """Standard input as a person at a terminal: it is a TTY and answers once."""

    def __init__(self, answer: str) -> None:
        self.answer = answer

    def isatty(self) -> bool:
        return True

    def readline(self) -> str:
        return self.answer + "\n"


@pytest.mark.parametrize(("answer", "code", "requests"), [("n", 2, 0), ("y", 0, 2)])
def test_at_a_terminal_the_estimate_is_confirmed_first(api, corpus, monkeypatch, capsys, answer, code, requests):
    script_critics(api)
    monkeypatch.setattr("sys.stdin", Terminal(answer))
    assert cli.main(["eval", str(corpus), "--personas", "staff-engineer", "--no-batch"]) == code
    err = capsys.readouterr().err
    assert "about $" in err and "Run it? [y/N] " in err
    assert len(critic_requests(api)) == requests


def test_a_doccritic_review_out_file_scores_like_the_live_run(api, corpus, tmp_path, capsys):
    script_critics(api)
    saved = tmp_path / "some-name.json"  # matched by the document's text, whatever the file is called
    assert cli.main(["review", str(corpus / "syn-log-retention" / "draft.md"), "--personas", "staff-engineer",
                     "--out", str(saved)]) == 0
    out_file = tmp_path / "results.json"
    assert cli.main(["eval", "--score-only", str(saved), "--corpus", str(corpus), "--out", str(out_file)]) == 0
    results = json.loads(out_file.read_text(encoding="utf-8"))
    assert results["recall"] == {"hits": 2, "of": 3, "rate": 0.6667}
    assert results["precision_lower_bound"] == {"hits": 2, "of": 3, "rate": 0.6667}
    assert results["recall_by_persona"] == {"staff-engineer": {"hits": 1, "of": 2, "rate": 0.5}}
    assert results["cost_usd"]["runs"] == 1 and results["first_finding_s"]["runs"] == 0  # review does not record it
    assert results["provenance"]["model"] == "claude-sonnet-4-6" and results["not_run"] == ["syn-log-retention-fixed"]


def test_the_eval_tells_the_critics_what_the_checks_raised_as_the_app_does(api, corpus, tmp_path, capsys):
    from doccritic.core.checks import run_checks
    from doccritic.formats.loader import load_document

    script_critics(api)
    assert cli.main(["eval", str(corpus), "--personas", "staff-engineer", "--yes", "--no-batch",
                     "--out", str(tmp_path / "r.json")]) == 0
    for request in critic_requests(api):
        blocks = [b["text"] for b in request.body["system"]]
        raised = next(b for b in blocks if "<already_raised>" in b)  # after the document and the rules
        assert blocks.index(raised) == 2 and "[offline check]" in raised
    flawed = next(r for r in critic_requests(api) if "5-year prepaid" in r.text)
    case = next(p for p in corpus.iterdir() if (p / "labels.toml").is_file() and "5-year prepaid" in
                load_document(next(p.glob("draft.*"))).text)
    checks = run_checks(load_document(next(case.glob("draft.*")))).findings
    assert checks and all(f.title in flawed.text for f in checks[:3])  # the checks a user would see first
