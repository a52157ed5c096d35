"""Redaction (#20 item 2): listed words and patterns never reach the endpoint; what comes back reads, and
anchors, as the real text. Names, emails, phones, amounts and a custom pattern sit in the title, at the start
and end of lines and inside quotation marks, and the critic quotes them back as placeholders."""

from __future__ import annotations

import json

import pytest
from fakes.messages_api import Reply

from doccritic import cli
from doccritic.core.redaction import RedactionRuleError, load_redactor
from doccritic.core.sendlog import SendLog

DRAFT = """# Globex renewal plan for Dana Whitfield

Dana Whitfield (dana.whitfield@globex.example, +1 415 555 0134) owns the Globex account.

## Pricing

We will charge Globex $1.2M upfront for a 3-year term, with Initech as the fallback at €400,000.

## Risks

"Globex will not churn," says Dana Whitfield. Escalations go to FIN-4821 and ops@initech.example.

Final sign-off: Priya Raman
"""
RULES = r'''
[global]
emails = true
phones = true
amounts = true
names = ["Dana Whitfield", "Priya Raman"]
patterns = [{ label = "TICKET", regex = "FIN-\\d+" }]

[documents."globex-renewal.md"]
customers = ["Globex", "Initech"]
'''
SECRETS = ["globex", "initech", "dana", "whitfield", "priya", "raman", "ops@", "555 0134", "1.2m", "400,000",
           "fin-4821"]
QUOTES = {  # what the critic quotes (placeholders) -> the real passage it must land on
    "We will charge [CUSTOMER-1] [AMOUNT-1] upfront for a 3-year term":
        "We will charge Globex $1.2M upfront for a 3-year term",
    "\"[CUSTOMER-1] will not churn,\" says [PERSON-1]": "\"Globex will not churn,\" says Dana Whitfield",
    "Final sign-off: [PERSON-2]": "Final sign-off: Priya Raman",
}


def answer() -> dict:
    return {"findings": [{"kind": "challenged_assumption", "severity": "major", "title": f"[CUSTOMER-1] risk {i}",
                          "quote": quote, "rationale": "Ask [PERSON-1] at [EMAIL-1] why [CUSTOMER-2] is the fallback."}
                         for i, quote in enumerate(QUOTES)],
            "verdict": "[CUSTOMER-2] as a fallback is untested.", "readiness": 4}


@pytest.fixture
def draft(tmp_path):
    from doccritic import paths

    paths.config_dir().mkdir(parents=True, exist_ok=True)
    (paths.config_dir() / "redaction.toml").write_text(RULES, encoding="utf-8")
    path = tmp_path / "globex-renewal.md"
    path.write_text(DRAFT, encoding="utf-8")
    return path


@pytest.fixture
def api(claude_api, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_BASE_URL", claude_api.base_url)
    return claude_api


def assert_nothing_secret(raw: str) -> None:
    leaked = [s for s in SECRETS if s in raw.lower()]
    assert not leaked, leaked


def test_the_endpoint_never_sees_a_redacted_term_and_findings_land_on_the_real_text(draft, api, capsys):
    api.script(Reply.json(answer()))
    code = cli.main(["review", str(draft), "--personas", "staff-engineer", "--format", "json"])
    captured = capsys.readouterr()
    assert code == 0
    (request,) = api.journal
    sent = json.dumps(request.body, ensure_ascii=False)
    assert_nothing_secret(sent)
    assert "[CUSTOMER-1]" in sent and "[PHONE-1]" in sent and "[TICKET-1]" in sent and "[EMAIL-2]" in sent
    review = json.loads(captured.out)
    findings = sorted(review["findings"], key=lambda f: f["start"])
    assert [f["quote"] for f in findings] == list(QUOTES.values())
    for f in findings:
        assert f["anchor"] == "exact" and DRAFT[f["start"]:f["end"]] == f["quote"]
        assert f["title"].startswith("Globex risk")
        assert "Ask Dana Whitfield at dana.whitfield@globex.example why Initech" in f["rationale"]
    assert "Initech as a fallback is untested." in captured.err


def test_the_send_log_counts_redactions_by_kind(draft, api, capsys):
    api.script(Reply.json(answer()))
    cli.main(["review", str(draft), "--personas", "staff-engineer"])
    (entry,) = SendLog().entries()
    assert entry["redactions"]["CUSTOMER"] >= 5 and entry["redactions"]["PERSON"] >= 3
    assert {"EMAIL", "PHONE", "AMOUNT", "TICKET"} <= set(entry["redactions"])
    assert_nothing_secret(SendLog().file.read_text(encoding="utf-8").replace("globex-renewal.md", ""))


def test_show_request_shows_the_redacted_request(draft, api, capsys):
    assert cli.main(["review", str(draft), "--personas", "staff-engineer", "--show-request"]) == 0
    shown = json.loads(capsys.readouterr().out)
    body = json.dumps(shown["requests"][0]["body"], ensure_ascii=False)
    assert_nothing_secret(body)
    assert "[CUSTOMER-1] renewal plan for [PERSON-1]" in body and api.journal == []


def test_rules_of_another_document_do_not_apply(draft, tmp_path):
    assert load_redactor("other.md").redact("Globex and Dana Whitfield") == "Globex and [PERSON-1]"


@pytest.mark.parametrize(("rules", "named"), [
    ('[global]\npatterns = [{ label = "T", regex = "(" }]', "global.patterns[1]"),
    ('[global]\ncustomers = "Globex"', "global.customers"),
    ('[global]\nemail = true', "global.email"),
    ('[documents."a.md"]\npatterns = [{ label = "lower", regex = "x" }]', 'documents."a.md".patterns[1]'),
])
def test_a_bad_rule_is_named_and_nothing_is_sent(rules, named, draft, api, capsys):
    from doccritic import paths

    (paths.config_dir() / "redaction.toml").write_text(rules, encoding="utf-8")
    with pytest.raises(RedactionRuleError, match=named.replace("[", r"\[").replace(".", r"\.")):
        load_redactor("a.md")
    assert cli.main(["review", str(draft), "--personas", "staff-engineer"]) == 2
    assert named in capsys.readouterr().err and api.journal == []


ENG, EXEC, REFEREE = "You are Staff Engineer. Write turn", "You are Skeptical Exec. Write turn", "You are the referee"
TURN = ("The draft says \"We will charge [CUSTOMER-1] [AMOUNT-1] upfront for a 3-year term\" and [PERSON-2] "
        "signs it off; [CUSTOMER-2] at [AMOUNT-2] is no fallback.")
REAL_TURN = ("The draft says \"We will charge Globex $1.2M upfront for a 3-year term\" and Priya Raman signs it "
             "off; Initech at €400,000 is no fallback.")


def test_debate_turns_are_sent_redacted_and_shown_with_the_real_words(draft, api, capsys):
    api.script(Reply.text(TURN, chunk_chars=3), match=ENG)  # placeholders arrive split across deltas
    api.script(Reply.text(TURN, chunk_chars=7), match=EXEC)
    api.script(Reply.json({"points": [{"category": "strongest", "side": "against", "text": "[CUSTOMER-1] pays first.",
                                       "citations": ["Final sign-off: [PERSON-2]"]}],
                           "verdict": "Ask [PERSON-1]."}), match=REFEREE)
    code = cli.main(["debate", str(draft), "--personas", "staff-engineer,skeptical-exec", "--rounds", "1",
                     "--format", "json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert len(api.journal) == 3
    for request in api.journal:  # the second turn and the referee carry the first turn's (restored) words again
        assert_nothing_secret(json.dumps(request.body, ensure_ascii=False))
    debate = json.loads(captured.out)
    assert [t["text"] for t in debate["turns"]] == [REAL_TURN, REAL_TURN]
    (citation,) = debate["turns"][0]["citations"]
    assert DRAFT[citation["start"]:citation["end"]] == "We will charge Globex $1.2M upfront for a 3-year term"
    point = debate["summary"]["points"][0]
    assert point["text"] == "Globex pays first." and point["citations"][0]["quote"] == "Final sign-off: Priya Raman"
    assert debate["summary"]["verdict"] == "Ask Dana Whitfield."
    assert {e["kind"] for e in SendLog().entries()} == {"debate"}
    assert all(e["redactions"].get("CUSTOMER") for e in SendLog().entries())


def test_window_findings_are_restored_and_highlighted_on_the_real_words(qtbot, draft, api):
    from doccritic.core.findings import Source
    from doccritic.ui.main_window import MainWindow

    win = MainWindow()
    win.settings.update_claude(base_url=api.base_url)
    win.show()
    try:
        with qtbot.waitSignal(win.document_ready, timeout=15_000):
            win.open_path(draft)
        qtbot.waitUntil(lambda: bool(win.critics.personas), timeout=15_000)
        win.critics.confirm = lambda *_: True
        api.script(Reply.json(answer()))
        win.critics.panel.set_checked({"staff-engineer"})
        with qtbot.waitSignal(win.critics.run_finished, timeout=15_000):
            win.critics.run()
        found = [f for f in win.session.findings.findings if f.source is Source.CRITIC]
        assert sorted(win.editor.span_text(f.id) for f in found) == sorted(QUOTES.values())
        assert all(f.title.startswith("Globex risk") for f in found)
        assert_nothing_secret(json.dumps(api.journal[0].body, ensure_ascii=False))
        # a debate in the window goes out redacted too, and its turns read as the real words
        from doccritic.ui.debate_dialog import DebateChoice

        api.script(Reply.text(TURN, chunk_chars=4), match=ENG)
        api.script(Reply.text(TURN, chunk_chars=4), match=EXEC)
        api.script(Reply.json({"points": [], "verdict": "Ask [PERSON-1]."}), match=REFEREE)
        choice = DebateChoice(motion="Charge [nothing] upfront.", pro="staff-engineer", con="skeptical-exec",
                              opener="staff-engineer", rounds=1, turn_words=120, free_positions=False)
        with qtbot.waitSignal(win.debates.debate_idle, timeout=15_000):
            assert win.debates.new_debate(choice=choice)
        (debate,) = win.debates.debates
        assert [t.text for t in debate.turns] == [REAL_TURN, REAL_TURN]
        for request in api.journal[1:]:
            assert_nothing_secret(json.dumps(request.body, ensure_ascii=False))
    finally:
        win.editor.document().setModified(False)
        win.close()
        win.runner.wait(5000)
        win.deleteLater()
