"""The eval scorer on synthetic reviews of the synthetic case syn-log-retention: every figure exact."""

from __future__ import annotations

import pytest

from conftest import REPO
from doccritic.core.eval_labels import Case, LabelError, parse_labels, problems
from doccritic.core.eval_score import CaseRun, CriticRun, score
from doccritic.core.findings import Anchor, Finding, Reversibility
from doccritic.formats.loader import load_document

CASES = REPO / "resources" / "eval" / "cases"
CONTRACT = "We will sign a 5-year prepaid ColdVault contract"
REFUND = "The prepayment buys the lowest tier price and cannot be refunded."
DELETE = "Delete the hot copies on the day the migration finishes"
ASKED = "Every team we asked said they never search logs older than a week"
NOISE = "Retrieval from ColdVault takes up to 12 hours."


def load(case_id: str) -> tuple[Case, str]:
    folder = CASES / case_id
    return parse_labels((folder / "labels.toml").read_text(encoding="utf-8"), case_id), load_document(
        folder / "draft.md").text


FLAWED, TWIN = load("syn-log-retention"), load("syn-log-retention-fixed")
TEXT = FLAWED[1]


def placed(quote: str, kind: str = "one_way_door", severity: str = "critical", persona: str = "staff-engineer",
           *, anchor: Anchor = Anchor.EXACT, text: str = TEXT, at: str | None = None, **extra) -> Finding:
    """A critic finding placed where ``at`` (default: the quote itself) occurs in the draft."""
    start = text.index(at or quote)
    return Finding(source="critic", persona=persona, kind=kind, severity=severity, title=f"About {quote[:20]}",
                   quote=quote, start=start, end=start + len(at or quote), anchor=anchor, **extra)


def run(*findings: Finding, case: str = "syn-log-retention", personas=("staff-engineer",), **extra) -> CaseRun:
    critics = [CriticRun(p, sum(p in f.personas for f in findings)) for p in personas]
    return CaseRun(case, list(findings), critics, **extra)


def figures(*runs: CaseRun, **options):
    return score([FLAWED, TWIN], list(runs), **options)


def test_the_synthetic_cases_validate_against_the_drafts_as_loaded():
    assert problems(FLAWED[0], TEXT, case_ids=frozenset({"syn-log-retention"})) == []
    assert problems(TWIN[0], TWIN[1], case_ids=frozenset({"syn-log-retention"})) == []
    assert [f.id for f in FLAWED[0].flaws] == ["F1", "F2", "F3"] and TWIN[0].clean


def test_a_passage_not_in_the_loaded_text_is_named_with_the_likely_reason():
    labels = (CASES / "syn-log-retention" / "labels.toml").read_text(encoding="utf-8")
    case = parse_labels(labels.replace(CONTRACT, "We will sign a **5-year** prepaid ColdVault contract"),
                        "syn-log-retention")
    assert problems(case, TEXT) == [
        "syn-log-retention F1: passage not found verbatim in the draft: 'We will sign a **5-year** prepaid "
        "ColdVault contract' (drop the Markdown markup: passages are matched against the loaded text)."]


@pytest.mark.parametrize(("edit", "message"), [
    (('kinds = ["one_way_door"]', 'kinds = ["door"]'), "flaw F1: kinds ['door']: use weak_argument |"),
    (('id = "syn-log-retention"', 'id = "other"'), 'id "other" must equal the folder name "syn-log-retention"'),
    (('severity = "major"', 'severity = "high"'), "flaw F3: severity 'high': use critical | major | minor."),
    (('gist = ["older', 'gists = ["older'), "flaw F3: unknown key(s): gists."),
    (('id = "F2"', 'id = "F1"'), "flaw ids used twice: F1."),
])
def test_label_mistakes_are_one_sentence_naming_the_case_and_flaw(edit, message):
    labels = (CASES / "syn-log-retention" / "labels.toml").read_text(encoding="utf-8")
    with pytest.raises(LabelError) as caught:
        parse_labels(labels.replace(*edit, 1), "syn-log-retention")
    assert message in str(caught.value) and str(caught.value).startswith("syn-log-retention/labels.toml: ")


def test_two_hits_and_one_noise_finding_score_two_thirds_recall_and_precision():
    door = placed(CONTRACT, persona="skeptical-exec",
                  reversibility=Reversibility(level="one_way", cost_to_reverse="the prepayment",
                                              exit_ramp="a 12-month term with an exit clause"))
    assumption = placed(ASKED, "weak_argument", "major", "data-scientist")  # the second accepted kind: full hit
    noise = placed(NOISE, "open_question", "minor")
    got = figures(run(door, assumption, noise, personas=("skeptical-exec", "data-scientist", "staff-engineer")))
    assert got["recall"] == {"hits": 2, "of": 3, "rate": 0.6667}
    assert got["precision_lower_bound"] == {"hits": 2, "of": 3, "rate": 0.6667}
    assert got["recall_by_kind"] == {"one_way_door": {"hits": 1, "of": 2, "rate": 0.5},
                                     "challenged_assumption": {"hits": 1, "of": 1, "rate": 1.0}}
    assert {d: r["rate"] for d, r in got["recall_by_difficulty"].items()} == {"blatant": 1.0, "subtle": 0.5}
    assert got["recall_severity_weighted"] == {"hits": 5, "of": 8, "rate": 0.625}  # critical 3 + major 2 of 3+3+2
    assert got["recall_by_persona"] == {  # legal-privacy did not run: it is judged on nothing
        "data-scientist": {"hits": 1, "of": 1, "rate": 1.0},
        "skeptical-exec": {"hits": 1, "of": 1, "rate": 1.0},
        "staff-engineer": {"hits": 0, "of": 2, "rate": 0.0},
    }
    assert got["door_completeness"] == {"hits": 1, "of": 1, "rate": 1.0}
    assert got["severity_error"] == 0.0 and got["misquotes"]["hits"] == 0 and got["duplicates"]["hits"] == 0
    assert [(u["title"], u["kind"]) for u in got["unmatched"]] == [(noise.title, "open_question")]
    assert got["checks_catch"] is None and got["not_run"] == ["syn-log-retention-fixed"]


def test_a_hit_of_the_wrong_kind_points_at_the_flaw_but_is_not_recall():
    question = placed(DELETE, "open_question", "major")
    got = figures(run(question))
    assert got["recall"]["hits"] == 0 and got["kind_mismatch"] == {"hits": 1, "of": 3, "rate": 0.3333}
    assert got["precision_lower_bound"]["hits"] == 1 and got["unmatched"] == []
    assert got["flaws"][1] == {"case": "syn-log-retention", "flaw": "F2", "kind": "one_way_door",
                               "difficulty": "subtle", "found": 0, "runs": 1, "kind_mismatch": 1}


def test_unplaced_findings_match_by_gist_and_restated_passages_all_count():
    loose = Finding(source="critic", persona="skeptical-exec", kind="one_way_door", severity="major",
                    title="A 5 year lock-in", rationale="Prepaid for five years.", anchor=Anchor.DOCUMENT)
    restated = placed(REFUND)  # F1's second passage
    lowercase = placed("delete the hot copies", at="delete the hot copies on the day")  # F2 in the Decision
    got = figures(run(loose, lowercase))
    assert got["recall"]["hits"] == 2 and got["severity_error"] == 0.5  # major for a critical door, then exact
    assert got["hits_placed"] == {"hits": 1, "of": 2, "rate": 0.5}
    assert figures(run(restated))["recall"]["hits"] == 1


def test_an_unplaced_finding_needs_two_gist_keywords_when_the_labels_give_several():
    labels = (CASES / "syn-log-retention" / "labels.toml").read_text(encoding="utf-8")
    case = parse_labels(labels.replace('gist = ["hot copies", "delete"]',
                                       'gist = ["hot copies", "delete", "restore", "rollback"]'), "syn-log-retention")

    def unplaced(rationale: str) -> Finding:
        return Finding(source="critic", persona="staff-engineer", kind="one_way_door", severity="critical",
                       title="Deleting too early", rationale=rationale, anchor=Anchor.UNANCHORED)

    one, two = unplaced("No rollback once they are gone."), unplaced("No rollback once the hot copies are gone.")
    got = score([(case, TEXT)], [run(one), run(two)])
    assert got["recall"] == {"hits": 1, "of": 6, "rate": 0.1667}  # "rollback" alone is one keyword: not enough


def test_several_cards_on_one_flaw_are_duplicates():
    got = figures(run(placed(CONTRACT), placed(REFUND), placed(ASKED, "challenged_assumption", "major")))
    assert got["duplicates"] == {"hits": 1, "of": 2, "rate": 0.5}
    assert got["door_completeness"] == {"hits": 0, "of": 2, "rate": 0.0}  # no cost to reverse, no exit ramp


def test_a_placed_quote_with_other_numbers_or_negations_is_a_misquote():
    wrong_number = placed("application log older than 30 days", anchor=Anchor.FUZZY,
                          at="application log older than 7 days")
    negated = placed("We will not sign a 5-year prepaid ColdVault contract", anchor=Anchor.FUZZY, at=CONTRACT)
    faithful = placed("delete the hot copies the day the migration finishes", anchor=Anchor.FUZZY,
                      at="delete the hot copies on the day the migration finishes")
    got = figures(run(wrong_number, negated, faithful))
    assert got["misquotes"] == {"hits": 2, "of": 3, "rate": 0.6667}


def test_repeats_give_pass_k_and_the_checks_leave_the_panel_adds_denominator():
    first = run(placed(CONTRACT), placed(ASKED, "challenged_assumption", "major"), cost=0.25, first_finding_s=2.0)
    second = run(placed(CONTRACT), cost=0.75, first_finding_s=4.0)
    check = Finding(source="check", rule="irreversible", kind="one_way_door", severity="major", title="Prepaid",
                    quote=CONTRACT, start=TEXT.index(CONTRACT), end=TEXT.index(CONTRACT) + 10, anchor=Anchor.EXACT)
    got = figures(first, second, checks={"syn-log-retention": [check]})
    assert got["recall"] == {"hits": 3, "of": 6, "rate": 0.5} and got["repeats"] == 2
    assert got["pass_k"] == {"hits": 1, "of": 3, "rate": 0.3333}  # F1 in both runs; F3 in one
    assert got["checks_catch"] == {"hits": 2, "of": 6, "rate": 0.3333}  # F1, in each of the two runs
    assert got["panel_adds"] == {"hits": 1, "of": 4, "rate": 0.25}  # F2 and F3 twice: F3 once
    assert got["cost_usd"] == {"total": 1.0, "per_run": 0.5, "runs": 2}
    assert got["first_finding_s"] == {"mean": 3.0, "runs": 2}


def test_findings_on_a_fixed_twin_are_false_positives_not_precision():
    twin_text = TWIN[1]
    quiet = run(case="syn-log-retention-fixed")
    noisy = run(placed("keep the hot copies for 30 days", text=twin_text), case="syn-log-retention-fixed")
    got = figures(run(placed(CONTRACT)), quiet, noisy)
    assert got["false_positives"]["twins"] == {"findings": 1, "runs": 2, "per_run": 0.5}
    assert got["false_positives"]["controls"] == {"findings": 0, "runs": 0, "per_run": None}
    assert got["precision_lower_bound"] == {"hits": 1, "of": 1, "rate": 1.0}
    assert [u["case"] for u in got["unmatched"]] == ["syn-log-retention-fixed"]


def test_cap_fill_counts_critics_that_returned_exactly_the_cap():
    full = CaseRun("syn-log-retention", [], [CriticRun("staff-engineer", 2), CriticRun("skeptical-exec", 1)])
    assert figures(full, max_findings=2)["cap_fill"] == {"hits": 1, "of": 2, "rate": 0.5}


def test_runs_for_a_case_not_in_the_corpus_are_refused():
    with pytest.raises(ValueError, match="unknown cases: nope"):
        figures(run(case="nope"))
