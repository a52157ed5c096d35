"""Offline checks on inputs that once made them quadratic (issue #13): long files finish, stay exact."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from doccritic.core.checks import ChecksStoppedError, default_rules, run_checks
from doccritic.core.findings import Kind, Severity
from doccritic.formats.markdown import parse_markdown
from doccritic.formats.text import parse_text

DOOR = "We will delete all legacy records after the cut-over. "


class CountingPattern:
    """A pattern that counts how often it is searched, to see how the work grows with the file."""

    def __init__(self, pattern: object) -> None:
        self.pattern, self.calls = pattern, 0

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        self.calls += 1
        return self.pattern.search(string, pos, endpos)  # type: ignore[attr-defined]


def _searches_for(doc_text: str) -> int:
    from dataclasses import replace

    rules = default_rules()
    counting = CountingPattern(rules.mitigations)
    run_checks(parse_markdown(doc_text), replace(rules, mitigations=counting))
    return counting.calls


def test_way_back_is_looked_up_once_per_section_not_once_per_door():
    few = _searches_for("# Cut-over\n\n" + DOOR * 5)
    many = _searches_for("# Cut-over\n\n" + DOOR * 500)
    assert few == many == 1


@pytest.mark.timeout(30)
def test_headingless_file_of_doors_is_checked_quickly():
    doc = parse_text(DOOR * 6000)  # ~340 KB: took about half a minute when the cost was quadratic
    result = run_checks(doc)
    assert 0 < len(result.findings) <= 30 and result.hidden_total > 1000


@pytest.mark.timeout(30)
def test_a_line_without_full_stops_is_quoted_in_readable_pieces():
    text = "we will delete all legacy records and migrate every account " * 3000
    doc = parse_text(text)
    found = run_checks(doc, caps=False).findings
    assert found
    for f in found:
        assert doc.text[f.start : f.end] == f.quote
        assert len(f.quote) <= 600  # a highlight a PM can read, not the whole 180 KB line


def test_one_backup_in_a_headingless_file_does_not_soften_every_door():
    text = "We will delete all legacy records after the cut-over.\n\nBackups of the logs are kept for a year.\n"
    door = next(f for f in run_checks(parse_text(text)).findings if f.kind is Kind.ONE_WAY_DOOR)
    assert door.severity is Severity.CRITICAL
    assert "This paragraph names no rollback" in door.rationale
    same = "We will delete all legacy records after the cut-over; a backup is restorable for 90 days.\n"
    door = next(f for f in run_checks(parse_text(same)).findings if f.kind is Kind.ONE_WAY_DOOR)
    assert door.severity is Severity.MAJOR


def test_a_run_nobody_wants_any_more_stops_between_rules():
    asked: list[int] = []

    def superseded() -> bool:  # the editor's text changed after the second rule started
        asked.append(1)
        return len(asked) > 2

    with pytest.raises(ChecksStoppedError):
        run_checks(parse_text(DOOR * 2000), should_stop=superseded)
    assert len(asked) == 3  # asked before each rule, stopped at the first "yes"
    assert run_checks(parse_text(DOOR), should_stop=lambda: False).findings


def test_a_sentence_repeated_thousands_of_times_is_one_card_with_every_place_but_a_short_reason():
    doc = parse_text(DOOR * 2000)
    doors = [f for f in run_checks(doc).findings if f.rule == "owd.data-deletion"]
    assert len(doors) == 1 and len(doors[0].restated_at) == 1999
    assert "states this 2000 times" in doors[0].rationale and "and 1994 more" in doors[0].rationale
    assert len(doors[0].rationale) < 2000


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["<", "!--", "-->", "`", "]", "(", ")", "http", "s://", "www", ".", "x", " ", "\n",
                                 "mailto:", ">", "a", "_", "HTTP", "WWW.", "http://x.y", "www.x"]), max_size=30))
def test_prose_is_blanked_exactly_as_by_the_noise_pattern(parts):
    """The scan skips the noise pattern on paragraphs without any of its marks: the same text either way."""
    from doccritic.core.checks import _INLINE_NOISE, _blank, _prose

    text = "".join(parts)
    assert _prose(text) == _INLINE_NOISE.sub(_blank, text)


def test_a_door_stated_in_thousands_of_different_sentences_is_read_up_to_a_bound_and_says_so():
    # every sentence a little different ("tenant 0", "tenant 1", ...): each once cost the full reading and
    # ranking, 53 s for 20 MB; the default view now stops reading a rule after _QUOTES_READ passages
    from doccritic.cli import _summary
    from doccritic.core.checks import _QUOTES_READ

    n = _QUOTES_READ + 500
    doc = parse_text("".join(f"We will delete all legacy records of tenant {i} after the cut-over.\n\n"
                             for i in range(n)))
    result = run_checks(doc)
    door = next(f for f in result.findings if f.rule == "owd.data-deletion")
    assert door.quote == "We will delete all legacy records of tenant 0 after the cut-over."
    assert result.unread == {"owd.data-deletion"}
    assert "states this at least 1000 times" in door.rationale
    assert "At least 999 more finding(s) not shown" in _summary(result)
    # --all still reads every one
    assert sum(f.rule == "owd.data-deletion" for f in run_checks(doc, caps=False).findings) == n


def test_a_door_repeated_word_for_word_thousands_of_times_is_read_to_the_end():
    # repeats of one passage are one card's places, not new passages: they do not count against the bound
    from doccritic.cli import _summary
    from doccritic.core.checks import _QUOTES_READ

    text = DOOR * (_QUOTES_READ + 10) + "\n\nWe will delete all invoices of closed accounts.\n"
    result = run_checks(parse_text(text))
    assert result.unread == frozenset()
    assert "At least" not in _summary(result)
