"""The eval figures as a reader sees them: the terminal table, baseline changes, the offline HTML report."""

from __future__ import annotations

import re

from doccritic.core.eval_html import render
from doccritic.core.eval_report import deltas, text_table
from doccritic.core.eval_score import ratio


def results(recall: tuple[int, int], door: tuple[int, int], duplicates: tuple[int, int], **extra) -> dict:
    return {"recall": ratio(*recall), "recall_by_kind": {"one_way_door": ratio(*door)},
            "duplicates": ratio(*duplicates), "recall_by_persona": {}, **extra}


OLD = results((1, 4), (1, 2), (1, 4))
NEW = results((3, 4), (2, 2), (2, 4), recall_by_persona={"legal-privacy": ratio(1, 2)},
              flaws=[{"case": "c", "flaw": "F1", "kind": "one_way_door", "difficulty": "subtle", "found": 2,
                      "runs": 2, "kind_mismatch": 0},
                     {"case": "c", "flaw": "F2", "kind": "weak_argument", "difficulty": "blatant", "found": 0,
                      "runs": 2, "kind_mismatch": 1}],
              unmatched=[{"case": "c", "run": 0, "personas": ["legal-privacy"], "kind": "weak_argument",
                          "severity": "minor", "title": "<b>Vague</b>", "quote": "q"}])


def test_changes_cover_only_what_both_runs_measured():
    assert deltas(NEW, OLD) == {"recall": 0.5, "recall_by_kind.one_way_door": 0.5, "duplicates": 0.25}


def test_the_table_shows_counts_rates_and_changes_in_points():
    table = text_table(NEW, deltas(NEW, OLD))
    assert re.search(r"Recall \(flaws found\) +3/4 +75\.0%  \+50\.0 pts", table)
    assert re.search(r"  kind: One-way door +2/2 +100\.0%  \+50\.0 pts", table)
    assert re.search(r"  persona: legal-privacy +1/2 +50\.0%\n", table)  # no baseline figure: no change shown
    assert "1 finding(s) match no label" in table


def test_the_html_report_charts_the_baseline_and_colours_changes_by_what_is_better():
    page = render(NEW, deltas(NEW, OLD), OLD)
    assert "<title>baseline 50.0%</title>" in page  # the old door recall as a ghost bar
    assert "<span class='up'>+50.0 pts</span>" in page  # recall up: better
    assert "<span class='down'>+25.0 pts</span>" in page  # more duplicates: worse
    assert "&lt;b&gt;Vague&lt;/b&gt;" in page and "<b>Vague" not in page  # a critic's words are text, not markup
    assert not re.search(r"""(src|href)=["']?https?:""", page) and "<script" not in page
    missed, found = page.index("<td>F2<td>weak_argument<td>blatant<td class=n>0 of 2"), page.index("<td>F1<td>")
    assert missed < found  # the misses first: what to work on next
