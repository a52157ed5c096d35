"""Offsets survive the trip to Qt: an emoji or CJK character never shifts a highlight."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtGui import QTextCursor, QTextDocument

from doccritic.ui.textpos import Utf16Map

TEXT = "Ship 👩‍💻 to 日本 users 🇩🇪 — launch to 100% of 𠀋 users."


def qt_slice(text: str, start: int, end: int) -> str:
    doc = QTextDocument(text)
    cursor = QTextCursor(doc)
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    return cursor.selectedText()


def test_highlight_covers_exactly_the_phrase_after_emoji_and_cjk(qapp):
    m = Utf16Map(TEXT)
    start = TEXT.index("launch to 100%")
    end = start + len("launch to 100%")
    assert qt_slice(TEXT, *m.span_to_qt(start, end)) == "launch to 100%"
    rare = TEXT.index("𠀋")  # CJK Extension B: outside the BMP, like emoji
    assert qt_slice(TEXT, *m.span_to_qt(rare, rare + 1)) == "𠀋"


@given(st.text(max_size=60), st.data())
def test_round_trip_for_any_text(text: str, data):
    m = Utf16Map(text)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    qs, qe = m.span_to_qt(start, end)
    assert text.encode("utf-16-le")[2 * qs : 2 * qe].decode("utf-16-le") == text[start:end]
    assert m.from_qt(qs) == start and m.from_qt(qe) == end


# Characters that take one, two (astral: emoji, CJK Extension B) and three code units... of UTF-8; in UTF-16
# the astral ones take two, which is what the map is about.
CHARS = st.sampled_from(["a", " ", "\n", "é", "—", "日", "👩", "𠀋", "🇩", "\u200d"])
TEXTS = st.lists(CHARS, max_size=40).map("".join) | st.text(max_size=40)


def naive_astral(text: str) -> list[int]:
    return [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]


@given(TEXTS)
def test_astral_characters_are_found_in_any_text(text: str):
    m = Utf16Map(text)
    assert m.qt_length == len(text.encode("utf-16-le")) // 2
    assert [i for i in range(len(text)) if m.to_qt(i + 1) - m.to_qt(i) == 2] == naive_astral(text)


def test_a_large_text_without_astral_characters_maps_one_to_one():
    text = "Ship it — to 日本 users. " * 50_000 + "👩"  # the emoji sits at the very end
    m = Utf16Map(text)
    assert m.to_qt(len(text)) == len(text) + 1 and m.to_qt(len(text) - 1) == len(text) - 1
    assert Utf16Map(text[:-1]).qt_length == len(text) - 1


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@given(TEXTS, TEXTS, st.data())
def test_an_edit_moves_the_map_as_if_it_were_built_again(text: str, inserted: str, data):
    m = Utf16Map(text)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    position = units(text[:start])
    assert m.replace(position, units(text[start:end]), inserted) == (start, end - start, len(inserted))
    after = text[:start] + inserted + text[end:]
    fresh = Utf16Map(after)
    assert m.length == len(after) and m.qt_length == fresh.qt_length
    assert [m.to_qt(i) for i in range(len(after) + 1)] == [fresh.to_qt(i) for i in range(len(after) + 1)]
