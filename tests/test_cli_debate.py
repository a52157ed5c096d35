"""`doccritic debate` end to end: real SDK, loopback API, the user's view (stdout, stderr, exit code)."""

from __future__ import annotations

import io
import json

import pytest
from fakes.messages_api import FakeMessagesAPI, Fault, Reply

from conftest import SAMPLE
from doccritic import cli, cli_debate
from doccritic.core.debates import Debate

QUOTE = "We consolidate card processing on PayFlow under a 3-year exclusive agreement."
QUOTE_LINE = next(n for n, ln in enumerate(SAMPLE.read_text(encoding="utf-8").splitlines(), 1) if QUOTE in ln)
QUOTE_AT = f"{SAMPLE}:{QUOTE_LINE}:3"  # "- We consolidate …": column 3, after the bullet
ENG, EXEC, REFEREE = "You are Staff Engineer. Write turn", "You are Skeptical Exec. Write turn", "You are the referee"
PAIR = ["--personas", "staff-engineer,skeptical-exec"]


def turn_text(n: int, who: str) -> str:
    return f"{who} turn {n}: the draft says \"{QUOTE}\" and nobody priced the way out of that contract."


def summary() -> dict:
    return {"clashes": [{"question": "Can we leave PayFlow if fees rise?", "winner": "against",
                         "because": "No exit clause is in the draft.",
                         "evidence_to_settle": "The contract's exit terms", "owner": "Finance", "citations": [QUOTE]}],
            "decision_for_author": "Negotiate an exit clause before signing the 3-year term.",
            "points": [
        {"category": "strongest", "side": "against", "text": "A 3-year exclusive is a one-way door.",
         "citations": [QUOTE], "kind": "one_way_door", "severity": "critical"},
        {"category": "conceded", "side": "for", "text": "Card consolidation does cut fees.", "citations": []},
        {"category": "change", "side": "both", "text": "Negotiate an exit clause first.",
         "citations": ["a passage that is nowhere in the draft at all"]}],
        "verdict": "Not ready: the exclusivity needs an exit."}


def script(api: FakeMessagesAPI, rounds: int = 2, **options) -> None:
    api.script(*(Reply.text(turn_text(n, "eng"), **options) for n in range(1, 2 * rounds, 2)), match=ENG)
    api.script(*(Reply.text(turn_text(n, "exec"), **options) for n in range(2, 2 * rounds + 1, 2)), match=EXEC)
    api.script(Reply.json(summary()), match=REFEREE)


def requests(api: FakeMessagesAPI, marker: str) -> list:
    return [r for r in api.journal if r.path == "/v1/messages" and marker in r.text]


@pytest.fixture
def api(cli_api):
    return cli_api


class Recorder:
    """A stdout that records each write, and can stand in for Ctrl-C at a chosen write."""

    def __init__(self, interrupt_on: str | None = None, after: int = 0) -> None:
        self.writes: list[str] = []
        self.flushes = 0
        self.interrupt_on, self.after = interrupt_on, after

    def write(self, text: str) -> int:
        self.writes.append(text)
        if self.interrupt_on and self.interrupt_on in self.text:
            if self.after == 0:
                self.interrupt_on = None
                raise KeyboardInterrupt
            self.after -= 1
        return len(text)

    def flush(self) -> None:
        self.flushes += 1

    def isatty(self) -> bool:
        return False

    @property
    def text(self) -> str:
        return "".join(self.writes)


def run_direct(argv: list[str], out: Recorder) -> tuple[int, str]:
    err = io.StringIO()
    code = cli_debate.cmd_debate(cli.build_parser().parse_args(["debate", *argv]), out, err)
    return code, err.getvalue()


def test_text_streams_turns_in_order_then_the_summary_with_line_numbers(api, capsys):
    script(api)
    code = cli.main(["debate", str(SAMPLE), *PAIR, "--rounds", "2"])
    out, err = capsys.readouterr()
    assert code == 0, err
    heads = ["--- Turn 1 · Staff Engineer (for) ---", "--- Turn 2 · Skeptical Exec (against) ---",
             "--- Turn 3 · Staff Engineer (for) ---", "--- Turn 4 · Skeptical Exec (against) ---"]
    positions = [out.index(h) for h in heads]
    assert positions == sorted(positions)
    assert out.index(turn_text(1, "eng")) < positions[1] < out.index(turn_text(2, "exec")) < positions[2]
    # without --motion: the offline checks' most pressing one-way door, as a decision to commit to
    assert "Motion: Commit to this as written: “Auto-charge ships enabled by default (opt-out)" in out
    summary_at = out.index("=== Referee's summary ===")
    assert summary_at > out.index(turn_text(4, "exec"))
    tail = out[summary_at:]
    assert tail.index("Strongest points") < tail.index("Conceded") < tail.index("Changes the draft needs")
    assert "A 3-year exclusive is a one-way door. (against: Skeptical Exec)" in tail
    assert f"{QUOTE_AT}: “{QUOTE}”" in tail
    assert "Card consolidation does cut fees. (for: Staff Engineer)" in tail
    assert "(not found in the draft)" in tail and "Verdict: Not ready: the exclusivity needs an exit." in tail
    assert "Unresolved" not in tail  # empty categories are left out
    assert tail.index("Your decision: Negotiate an exit clause") < tail.index("Clashes") < tail.index("Strongest")
    assert "  - Can we leave PayFlow if fees rise?\n      carried by against: Skeptical Exec: No exit clause" in tail
    assert "to settle it: The contract's exit terms\n      owner: Finance\n" in tail
    assert "doccritic: 4 turns, $" in err and "tokens:" in err and "Traceback" not in err
    referee = requests(api, REFEREE)[0]
    assert turn_text(4, "exec") in referee.text


def test_a_turn_that_quotes_nothing_is_flagged_in_the_transcript(api, capsys):
    api.script(Reply.text("Exclusivity is fine, trust me."), match=ENG)
    api.script(Reply.text(turn_text(2, "exec")), match=EXEC)
    api.script(Reply.json(summary()), match=REFEREE)
    assert cli.main(["debate", str(SAMPLE), *PAIR, "--rounds", "1", "--motion", "Sign with PayFlow."]) == 0
    out = capsys.readouterr().out
    assert "Exclusivity is fine, trust me. [flagged: no verbatim quote of the document placed]" in out
    assert turn_text(2, "exec") + "\n" in out  # a grounded turn carries no mark


def test_markdown_format(api, capsys):
    script(api, rounds=1)
    assert cli.main(["debate", str(SAMPLE), *PAIR, "--rounds", "1", "--format", "md",
                     "--motion", "PayFlow exclusivity is worth it."]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Debate: PayFlow exclusivity is worth it.\n")
    assert "\n### Turn 1 — Staff Engineer (for)\n\n" + turn_text(1, "eng") in out
    assert "\n### Turn 2 — Skeptical Exec (against)\n\n" in out
    assert "\n## Referee's summary\n" in out and "\n### Strongest points\n" in out
    assert f"`{QUOTE_AT}` “{QUOTE}”" in out and "**Verdict:** Not ready" in out
    assert "PayFlow exclusivity is worth it." in requests(api, ENG)[0].text


def test_json_validates_as_a_debate_and_out_writes_the_same(api, capsys, tmp_path):
    script(api, rounds=1)
    target = tmp_path / "debate.json"
    code = cli.main(["debate", str(SAMPLE), *PAIR, "--rounds", "1", "--opener", "skeptical-exec", "--free",
                     "--words", "90", "--model", "claude-haiku-4-5", "--format", "json", "--out", str(target)])
    out, err = capsys.readouterr()
    assert code == 0, err
    debate = Debate.model_validate(json.loads(out))  # stdout is the JSON and nothing else
    assert json.loads(target.read_text(encoding="utf-8")) == json.loads(out)
    assert [t.speaker for t in debate.turns] == ["skeptical-exec", "staff-engineer"]
    assert {t.side for t in debate.turns} == {"free"} and debate.turn_words == 90
    assert debate.model == "claude-haiku-4-5" and debate.summary and debate.summary.verdict
    assert debate.turns[0].citations[0].quote == QUOTE and debate.cost_usd > 0
    assert "doccritic: turn 1 of 2: Skeptical Exec" in err  # stdout is silent until the end: progress here
    assert requests(api, EXEC)[0].body["model"] == "claude-haiku-4-5"


@pytest.mark.parametrize(("personas", "says"), [
    ("staff-engineer", "exactly two persona ids"),
    ("staff-engineer,skeptical-exec,data-scientist", "exactly two persona ids"),
    ("staff-engineer,staff-engineer", "two different personas"),
    ("staff-engineer,nobody", "Unknown persona 'nobody'"),
])
def test_wrong_personas_are_bad_input(api, capsys, personas, says):
    assert cli.main(["debate", str(SAMPLE), "--personas", personas]) == 2
    out, err = capsys.readouterr()
    assert says in err and out == "" and not api.journal


def test_opener_rounds_and_words_are_checked(api, capsys):
    assert cli.main(["debate", str(SAMPLE), *PAIR, "--opener", "data-scientist"]) == 2
    assert "--opener must be one of the two debaters" in capsys.readouterr().err
    assert cli.main(["debate", str(SAMPLE), *PAIR, "--rounds", "0"]) == 2
    assert cli.main(["debate", str(SAMPLE), *PAIR, "--words", "5"]) == 2
    assert not api.journal


def test_rejected_key_exits_3_with_one_sentence(api, capsys):
    api.script(Reply.error(401, "authentication_error", "invalid x-api-key"))
    code = cli.main(["debate", str(SAMPLE), *PAIR])
    out, err = capsys.readouterr()
    assert code == 3 and out == ""
    assert "The API key was rejected (401)" in err and "Traceback" not in err
    assert len(requests(api, ENG)) == 1 and not requests(api, EXEC)  # no point asking the other side


def test_no_key_exits_3(capsys):
    assert cli.main(["debate", str(SAMPLE), *PAIR]) == 3
    assert "ANTHROPIC_API_KEY" in capsys.readouterr().err


def test_a_disconnect_in_turn_2_prints_the_transcript_so_far_and_exits_3(api, capsys):
    api.script(Reply.text(turn_text(1, "eng")), match=ENG)
    api.script(Reply.text(turn_text(2, "exec"), chunk_chars=10, fault=Fault.disconnect(after_events=6)), match=EXEC)
    api.script(Reply.json(summary()), match=REFEREE)
    code = cli.main(["debate", str(SAMPLE), *PAIR, "--rounds", "2"])
    out, err = capsys.readouterr()
    assert code == 3
    assert turn_text(1, "eng") in out and "--- Turn 2 · Skeptical Exec (against) ---" in out
    partial = out.split("--- Turn 2 · Skeptical Exec (against) ---\n")[1]
    assert partial.startswith("exec turn 2") and "[interrupted: " in partial
    assert turn_text(2, "exec") not in out and "Turn 3" not in out and "Referee" not in out
    assert "turn 2 interrupted: " in err and "the debate stopped at turn 2 of 4." in err
    assert err.count("The connection dropped") == 1
    assert not requests(api, REFEREE) and len(requests(api, ENG)) == 1


def test_no_summary_sends_no_referee_request(api, capsys):
    script(api, rounds=1)
    assert cli.main(["debate", str(SAMPLE), *PAIR, "--rounds", "1", "--no-summary"]) == 0
    out = capsys.readouterr().out
    assert turn_text(2, "exec") in out and "Referee" not in out
    assert not requests(api, REFEREE) and len(requests(api, EXEC)) == 1


def test_a_failed_summary_is_a_warning_not_a_failure(api, capsys):
    api.script(Reply.text(turn_text(1, "eng")), match=ENG)
    api.script(Reply.text(turn_text(2, "exec")), match=EXEC)
    api.script(Reply.text("this is not JSON at all"), match=REFEREE)
    assert cli.main(["debate", str(SAMPLE), *PAIR, "--rounds", "1"]) == 0
    out, err = capsys.readouterr()
    assert turn_text(2, "exec") in out and "Referee" not in out
    assert "warning: no referee summary: " in err


def test_the_transcript_is_written_as_it_streams(api):
    script(api, rounds=1, chunk_chars=8)
    out = Recorder()
    code, err = run_direct([str(SAMPLE), *PAIR, "--rounds", "1"], out)
    assert code == 0, err
    first = next(i for i, w in enumerate(out.writes) if "--- Turn 1 " in w)
    second = next(i for i, w in enumerate(out.writes) if "--- Turn 2 " in w)
    turn_one = out.writes[first + 1:second]
    assert len(turn_one) > 5 and "".join(turn_one).strip() == turn_text(1, "eng")  # chunk by chunk, not whole
    assert len(out.writes) > 2 * 2 and out.flushes == len(out.writes)  # and flushed each time


def test_ctrl_c_marks_the_partial_turn_stopped_and_exits_130(api):
    script(api, rounds=2, chunk_chars=6, tokens_per_second=200)
    out = Recorder(interrupt_on="exec turn 2", after=2)
    code, err = run_direct([str(SAMPLE), *PAIR, "--rounds", "2"], out)
    assert code == 130 and "stopped" in err
    text = out.text
    partial = text.split("--- Turn 2 · Skeptical Exec (against) ---\n")[1]
    assert partial.startswith("exec turn 2") and partial.rstrip().endswith("[stopped]")
    assert turn_text(2, "exec") not in text and "Turn 3" not in text
    assert not requests(api, REFEREE)


def test_an_overloaded_api_is_retried_and_said_on_stderr(api, capsys):
    api.script(Reply.error(529, "overloaded_error", "Overloaded"), Reply.text(turn_text(1, "eng")), match=ENG)
    api.script(Reply.text(turn_text(2, "exec")), match=EXEC)
    assert cli.main(["debate", str(SAMPLE), *PAIR, "--rounds", "1", "--no-summary"]) == 0
    out, err = capsys.readouterr()
    assert "doccritic: turn 1: API overloaded, retrying in" in err
    assert out.count("--- Turn 1 ") == 1 and turn_text(1, "eng") in out


POLICY = "# Payments policy\n\nEvery processor contract needs an exit clause within 90 days.\n"
RULE = "Every processor contract needs an exit clause within 90 days."


@pytest.mark.parametrize("fmt", ["text", "md", "json"])
def test_a_turn_citing_a_reference_lists_the_passage_in_the_transcript(api, capsys, tmp_path, fmt):
    (tmp_path / "policy.md").write_text(POLICY, encoding="utf-8")
    (tmp_path / "intent.txt").write_text("Decided: PayFlow, for the fees.\n", encoding="utf-8")
    api.script(Reply.text(f'The draft says "{QUOTE}" yet our policy says "{RULE}" and the draft has none.'),
               match=ENG)
    api.script(Reply.text(turn_text(2, "exec")), match=EXEC)
    api.script(Reply.json(summary()), match=REFEREE)
    out_file = tmp_path / "debate.json"
    code = cli.main(["debate", str(SAMPLE), *PAIR, "--rounds", "1", "--format", fmt, "--reference",
                     str(tmp_path / "policy.md"), "--intent", str(tmp_path / "intent.txt"), "--out", str(out_file)])
    out, err = capsys.readouterr()
    assert code == 0, err
    line = f'cites R1 policy.md:3: "{RULE}"'
    if fmt == "text":
        assert f"\n    {line}\n" in out and out.index(line) < out.index("--- Turn 2")
    elif fmt == "md":
        assert f"\n\n- {line}\n" in out and out.index(line) < out.index("### Turn 2")
    (c,) = Debate.model_validate(json.loads(out_file.read_text(encoding="utf-8"))).turns[0].cites
    assert (c.reference, c.name) == ("R1", "policy.md") and POLICY[c.start:c.end] == RULE  # the name, for a reader
    system = next(r.body["system"] for r in requests(api, ENG))
    assert RULE not in system[0]["text"] and RULE in system[2]["text"] and "PayFlow, for the fees." in system[3]["text"]
