"""Debate figures on synthetic transcripts over syn-log-retention (three flaws: F1 and F2 doors, F3 an
assumption), whose true values are known by construction."""

from __future__ import annotations

from conftest import REPO
from doccritic.core.debates import Citation, Debate, Summary, SummaryPoint, Turn
from doccritic.core.eval_debate import DebateRun, concessions, score_debates
from doccritic.core.eval_labels import parse_labels
from doccritic.core.findings import Anchor
from doccritic.formats.loader import load_document

CASES = REPO / "resources" / "eval" / "cases"
CASE = parse_labels((CASES / "syn-log-retention" / "labels.toml").read_text(encoding="utf-8"), "syn-log-retention")
TEXT = load_document(CASES / "syn-log-retention" / "draft.md").text
CONTRACT = "We will sign a 5-year prepaid ColdVault contract"
ASKED = "Every team we asked said they never search logs older than a week"
NOISE = "Retrieval from ColdVault takes up to 12 hours."


def cite(quote: str, *, placed: bool = True) -> Citation:
    if not placed:
        return Citation(quote=quote)
    start = TEXT.index(quote)
    return Citation(quote=quote, start=start, end=start + len(quote), anchor=Anchor.EXACT)


def turn(index: int, side: str, text: str, *citations: Citation) -> Turn:
    return Turn(index=index, speaker="staff-engineer" if side == "against" else "skeptical-exec", side=side,
                text=text, citations=list(citations))


def debate(*turns: Turn, changes: list[SummaryPoint] | None = None) -> Debate:
    summary = None if changes is None else Summary(verdict="Not yet.", points=changes)
    return Debate(motion="Ready to sign.", pro="skeptical-exec", con="staff-engineer", opener="skeptical-exec",
                  turns=list(turns), summary=summary)


def change(text: str, *citations: Citation, category: str = "change") -> SummaryPoint:
    return SummaryPoint(category=category, text=text, citations=list(citations))


def test_concessions_are_the_sentences_that_say_i_concede():
    assert concessions("Fine. I concede the contract is long. But the price is right! i concede nothing else") == [
        "I concede the contract is long.", "i concede nothing else"]


def test_placed_citations_per_turn_count_quotes_found_in_the_draft():
    d = debate(turn(1, "for", f"“{CONTRACT}” saves money.", cite(CONTRACT)),
               turn(2, "against", "It says “a ten-year deal”, which is worse.", cite("a ten-year deal", placed=False),
                    cite(NOISE)),
               turn(3, "for", "   "))  # an empty (failed) turn is not a turn that argued
    figures = score_debates([(CASE, TEXT)], [DebateRun("syn-log-retention", d)])
    assert figures["placed_citations_per_turn"] == {"placed": 2, "turns": 2, "mean": 1.0}
    assert figures["citations_placed"] == {"hits": 2, "of": 3, "rate": 0.6667}


def test_a_concession_counts_on_a_labelled_flaw_by_its_quote_or_its_gist():
    d = debate(
        turn(1, "for", f"I concede that “{CONTRACT}” locks us in. Still cheaper.", cite(CONTRACT)),  # F1 by place
        turn(2, "against", "I concede the survey of teams asked about logs older than a week is thin."),  # F3, gist
        turn(3, "for", f"I concede “{NOISE}” is slow.", cite(NOISE)),  # not a labelled flaw
    )
    figures = score_debates([(CASE, TEXT)], [DebateRun("syn-log-retention", d)])
    assert [(c["turn"], c["side"], c["flaws"]) for c in figures["concessions"]] == [
        (1, "for", ["F1"]), (2, "against", ["F3"]), (3, "for", [])]
    assert figures["concessions_on_labelled_flaws"] == {"hits": 2, "of": 3, "rate": 0.6667}


def test_the_referee_names_the_planted_door_only_among_changes():
    named = debate(changes=[change("Keep the hot copies until a restore test passes.",
                                   cite("delete the hot copies on the day the migration finishes")),
                            change(f"Strongest: “{CONTRACT}”.", cite(CONTRACT), category="strongest")])
    missed = debate(changes=[change("Measure how often old logs are searched.", cite(ASKED))])
    unsummarised = debate(turn(1, "for", "No summary was asked for."))
    figures = score_debates([(CASE, TEXT)], [DebateRun("syn-log-retention", d) for d in (named, missed, unsummarised)])
    assert figures["referee_names_a_planted_door"] == {"hits": 1, "of": 2, "rate": 0.5}  # F2 named; F1 was "strongest"
    assert figures["planted_doors_named_among_changes"] == {"hits": 1, "of": 4, "rate": 0.25}
    assert figures["debates"] == 3


def test_a_clean_case_has_no_door_to_name_and_an_unknown_case_is_left_out():
    twin = parse_labels((CASES / "syn-log-retention-fixed" / "labels.toml").read_text(encoding="utf-8"),
                        "syn-log-retention-fixed")
    d = debate(changes=[change("Nothing to change.")])
    figures = score_debates([(twin, TEXT)], [DebateRun("syn-log-retention-fixed", d), DebateRun("other", d)])
    assert figures["debates"] == 1 and figures["referee_names_a_planted_door"] == {"hits": 0, "of": 0, "rate": None}


def test_eval_holds_one_debate_per_flawed_case_and_scores_it(cli_api, tmp_path, capsys):
    """End to end on the loopback API: the exec (for) concedes the labelled contract door, the engineer quotes the
    draft, the referee names the deletion door among changes; the fixed twin gets no debate."""
    import json
    import shutil

    from fakes.messages_api import Reply
    from test_eval_cli import SYNTHETIC, script_critics

    from doccritic import cli

    corpus = tmp_path / "cases"
    for case in SYNTHETIC:
        shutil.copytree(CASES / case, corpus / case)
    eng, exc = "You are Staff Engineer. Write turn", "You are Skeptical Exec. Write turn"
    referee = "You are the referee"
    cli_api.script(Reply.text(f"I concede that “{CONTRACT}” is hard to undo."), match=exc)
    cli_api.script(Reply.text(f"“{ASKED}” is a memory, not a measurement."), match=eng)
    cli_api.script(Reply.json({"verdict": "Not yet.", "points": [
        {"category": "change", "side": "both", "text": "Keep the hot copies until a restore works.",
         "citations": ["delete the hot copies on the day the migration finishes"]}]}), match=referee)
    script_critics(cli_api)  # after the debate's scripts: the critics' match the draft, which debates carry too
    out_file = tmp_path / "results.json"
    code = cli.main(["eval", str(corpus), "--personas", "staff-engineer", "--yes", "--poll", "0.01", "--out",
                     str(out_file), "--debate", "skeptical-exec,staff-engineer", "--debate-rounds", "1",
                     "--html", str(tmp_path / "report.html")])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "plus 1 debate(s) of 1 round(s) (skeptical-exec for, staff-engineer against): at most $" in err
    debates = json.loads(out_file.read_text(encoding="utf-8"))["debates"]
    assert debates["debates"] == 1
    assert debates["placed_citations_per_turn"] == {"placed": 2, "turns": 2, "mean": 1.0}
    assert debates["concessions_on_labelled_flaws"] == {"hits": 1, "of": 1, "rate": 1.0}
    assert debates["concessions"][0]["flaws"] == ["F1"] and debates["concessions"][0]["side"] == "for"
    assert debates["referee_names_a_planted_door"] == {"hits": 1, "of": 1, "rate": 1.0}
    assert "concessions on labelled flaws" in out
    assert "referee names a planted door" in (tmp_path / "report.html").read_text(encoding="utf-8")
