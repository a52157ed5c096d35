"""Code-point offsets (the core's) <-> UTF-16 positions (Qt's), in one place.

Python counts an emoji like "👩" as one character; QTextDocument counts two UTF-16 units. Every
highlight, click and cursor in the UI goes through this map, so emoji and rare CJK characters never
shift a highlight onto the wrong letters.
"""

from __future__ import annotations

import bisect


class Utf16Map:
    """Converts offsets for one text in O(log n); build a new map when the text changes."""

    __slots__ = ("_astral", "_length")

    def __init__(self, text: str) -> None:
        # Code-point offsets of characters outside the BMP: each takes two UTF-16 units.
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF] if not text.isascii() else []
        self._length = len(text)

    def to_qt(self, offset: int) -> int:
        """UTF-16 position of a code-point offset."""
        offset = max(0, min(offset, self._length))
        return offset + bisect.bisect_left(self._astral, offset)

    def from_qt(self, position: int) -> int:
        """Code-point offset of a UTF-16 position (a position inside a surrogate pair rounds down)."""
        lo, hi = 0, len(self._astral)
        while lo < hi:  # count astral characters whose second unit lies before `position`
            mid = (lo + hi) // 2
            if self._astral[mid] + mid + 1 < position:
                lo = mid + 1
            else:
                hi = mid
        return max(0, min(position - lo, self._length))

    def span_to_qt(self, start: int, end: int) -> tuple[int, int]:
        return self.to_qt(start), self.to_qt(end)
