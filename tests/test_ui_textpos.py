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
