"""Code-point offsets (the core's) <-> UTF-16 positions (Qt's), in one place.

Python counts an emoji like "👩" as one character; QTextDocument counts two UTF-16 units. Every
highlight, click and cursor in the UI goes through this map, so emoji and rare CJK characters never
shift a highlight onto the wrong letters.

Building a map is on the UI thread's path (every re-check, every batch of critic findings), so it never
walks the text in Python: a regular expression finds the astral characters in C, and a text that cannot
hold any (ASCII, or stored with two bytes a character) is recognised without reading it. The editor keeps
one map and moves it with each edit (:meth:`Utf16Map.replace`) instead of rebuilding it.
"""

from __future__ import annotations

import bisect
import re
import sys

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
# CPython stores a str with 1, 2 or 4 bytes a character, by its widest one: only the 4-byte kind can hold an
# astral character, and sys.getsizeof tells the kind without reading the text (header + kind * (len + 1)).
# Only an exact 1- or 2-byte size skips the search; any other size (another Python) searches.
_HEADER = sys.getsizeof("\u0100") - 4


def _may_hold_astral(text: str) -> bool:
    if text.isascii():  # a flag CPython keeps: no reading either
        return False
    size = sys.getsizeof(text) - _HEADER
    return size not in (len(text) + 1, 2 * (len(text) + 1))


def astral_offsets(text: str) -> list[int]:
    """Code-point offsets of the characters outside the BMP (each takes two UTF-16 units)."""
    return [m.start() for m in _ASTRAL.finditer(text)] if _may_hold_astral(text) else []


class Utf16Map:
    """Converts offsets for one text in O(log n); :meth:`replace` keeps it in step with an edit."""

    __slots__ = ("_astral", "_length")

    def __init__(self, text: str = "") -> None:
        self._astral = astral_offsets(text)  # sorted code-point offsets of astral characters
        self._length = len(text)

    @property
    def length(self) -> int:
        """Length of the text in code points."""
        return self._length

    @property
    def qt_length(self) -> int:
        """Length of the text in UTF-16 units."""
        return self._length + len(self._astral)

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

    def replace(self, position: int, removed: int, new_text: str) -> tuple[int, int, int]:
        """Follow an edit given in UTF-16 units (as ``QTextDocument.contentsChange`` reports it): ``removed``
        units from ``position`` became ``new_text``. Returns the same edit in code points:
        ``(offset, removed, added)``. Costs the edit's length plus one step per astral character after it."""
        start = self.from_qt(position)
        end = self.from_qt(min(position + removed, self.qt_length))
        added = len(new_text)
        lo, hi = bisect.bisect_left(self._astral, start), bisect.bisect_left(self._astral, end)
        delta = added - (end - start)
        tail = self._astral[hi:]
        self._astral[lo:] = [start + i for i in astral_offsets(new_text)]
        self._astral.extend(i + delta for i in tail) if delta else self._astral.extend(tail)
        self._length += delta
        return start, end - start, added
