"""The journal written a slice at a time (never joining or encoding a long draft in one go) keeps the text exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from doccritic.core.journal import Journal
from doccritic.ui.textpos import LaterText, TextMirror

ODD = 'Ship 👩‍💻 to 日本 "users"\\ \n\r\t\x00\x1f\u2028\u2029 — 𠀋 done'


def slices(text: str, size: int) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=80) | st.just(ODD), st.integers(1, 9))
def test_a_journal_written_in_slices_is_the_file_of_the_whole_text(tmp_path_factory, text: str, size: int):
    folder = tmp_path_factory.mktemp("j")
    if any(0xD800 <= ord(c) <= 0xDFFF for c in text):  # a lone surrogate cannot be written either way
        return
    whole, sliced = Journal(folder / "whole"), Journal(folder / "sliced")
    whole.write("/docs/prd 👩.md", text)
    sliced.write("/docs/prd 👩.md", slices(text, size))
    entry = sliced.read("/docs/prd 👩.md")
    assert entry is not None and entry.text == text and entry.path == "/docs/prd 👩.md"
    raw = json.loads(next((folder / "sliced").glob("*.json")).read_text("utf-8"))
    assert raw == {"path": "/docs/prd 👩.md", "text": text, "at": raw["at"]}


def test_an_empty_text_is_journaled_as_empty(tmp_path: Path):
    journal = Journal(tmp_path)
    journal.write(tmp_path / "a.md", iter(()))
    entry = journal.read(tmp_path / "a.md")
    assert entry is not None and entry.text == ""


def test_a_failing_slice_leaves_the_previous_entry(tmp_path: Path):
    journal = Journal(tmp_path)
    journal.write(tmp_path / "a.md", "kept")

    def broken():
        yield "new text"
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        journal.write(tmp_path / "a.md", broken())
    entry = journal.read(tmp_path / "a.md")
    assert entry is not None and entry.text == "kept"
    assert [p.name for p in tmp_path.iterdir()] == [next(tmp_path.glob("*.json")).name]  # no temp file left


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=60), st.data())
def test_the_editors_text_read_later_in_slices_is_the_current_text(text: str, data):
    mirror, current = TextMirror(text), text
    for _ in range(data.draw(st.integers(0, 4))):
        start = data.draw(st.integers(0, len(current)))
        removed = data.draw(st.integers(0, len(current) - start))
        added = data.draw(st.text(max_size=8))
        mirror.replace(start, removed, added)
        current = current[:start] + added + current[start + removed:]
    later = mirror.later()
    size = data.draw(st.integers(1, 7))
    parts = list(later.slices(size))
    assert "".join(parts) == current == later()
    assert all(0 < len(p) <= size for p in parts)


def test_later_text_of_a_whole_string_is_that_string():
    text = "one string"
    assert LaterText.of(text)() is text
