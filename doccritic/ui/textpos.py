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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

Span = tuple[int, int]

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


# What QTextDocument.toPlainText() changes on the way out: block and line separators (and frame marks) become
# line breaks, a no-break space a space. A text without these comes back as it went in.
_QT_PLAIN = str.maketrans({"\u2029": "\n", "\u2028": "\n", "\ufdd0": "\n", "\ufdd1": "\n", "\u00a0": " "})
_QT_CHANGED = re.compile("[\u00a0\u2028\u2029\ufdd0\ufdd1]")


def qt_plain(text: str) -> str | None:
    """``text`` as ``toPlainText()`` gives it back once Qt holds it; None when only Qt can tell (a carriage
    return: Qt splits paragraphs at it)."""
    if text.isascii():
        return None if "\r" in text else text
    if "\r" in text:
        return None
    return text.translate(_QT_PLAIN) if _QT_CHANGED.search(text) else text


class LaterText:
    """A text as it was when asked for, read later by whoever calls it (a worker thread): whole, or in slices
    that are never joined (the journal writes a 1M-word draft 1 MB at a time instead of holding the GIL to
    copy and encode 24 MB in one call). Holds immutable pieces: ``(string, start, end)``."""

    __slots__ = ("_pieces",)

    def __init__(self, *pieces: tuple[str, int, int]) -> None:
        self._pieces = pieces

    @classmethod
    def of(cls, text: str) -> LaterText:
        return cls((text, 0, len(text)))

    def __call__(self) -> str:
        pieces = self._pieces
        if len(pieces) == 1 and pieces[0][1] == 0 and pieces[0][2] == len(pieces[0][0]):
            return pieces[0][0]
        return "".join(text[start:end] for text, start, end in pieces)

    def slices(self, size: int) -> Iterator[str]:
        """The text in consecutive slices of at most ``size`` characters (none for an empty text)."""
        for text, start, end in self._pieces:
            for at in range(start, end, size):
                yield text[at:min(at + size, end)]


class TextMirror:
    """The editor's text as a Python string, kept in step with each edit, so reading it copies nothing out of
    Qt: ``toPlainText()`` of a 1M-word draft held the UI thread 30-140 ms (each re-check, each journal write).

    Edits since the last :meth:`text` are gathered in one window (``base[lo:base_hi]`` is now ``mid``), so a
    keystroke costs the window's length, not the text's; :meth:`text` joins the pieces once.
    """

    __slots__ = ("_base", "_base_hi", "_lo", "_mid")
    WINDOW = 1 << 16  # a window longer than this (edits far apart, a large paste) is joined at once

    def __init__(self, text: str = "") -> None:
        self._base, self._lo, self._base_hi, self._mid = text, 0, 0, ""

    @property
    def length(self) -> int:
        return len(self._base) - (self._base_hi - self._lo) + len(self._mid)

    def replace(self, start: int, removed: int, new_text: str) -> None:
        """``removed`` code points at ``start`` (offsets into the current text) became ``new_text``."""
        base, lo, base_hi, mid = self._base, self._lo, self._base_hi, self._mid
        end = start + removed
        if lo == base_hi and not mid:  # no window yet: the current text is ``base``
            lo, base_hi, segment = start, end, base[start:end]
        else:
            hi = lo + len(mid)  # the window's end in the current text
            new_lo, new_hi = min(lo, start), max(hi, end)
            segment = base[new_lo:lo] + mid + base[base_hi:base_hi + new_hi - hi]
            lo, base_hi = new_lo, base_hi + new_hi - hi
        at = start - lo
        self._lo, self._base_hi, self._mid = lo, base_hi, segment[:at] + new_text + segment[at + removed:]
        if len(self._mid) > self.WINDOW:
            self.text()

    def later(self) -> LaterText:
        """The current text, to be joined by whoever calls the result (a worker thread: joining a 1M-word
        draft's pieces copied 24 MB, 30 ms of the UI thread in each re-check). The pieces are immutable."""
        base, lo, base_hi, mid = self._base, self._lo, self._base_hi, self._mid
        if lo == base_hi and not mid:
            return LaterText.of(base)
        return LaterText((base, 0, lo), (mid, 0, len(mid)), (base, base_hi, len(base)))

    def adopt(self, text: str) -> None:
        """``text`` is the current text (joined elsewhere from :meth:`later`): keep it instead of joining again."""
        if len(text) == self.length:  # else not this text: keep the pieces
            self._base, self._lo, self._base_hi, self._mid = text, 0, 0, ""

    def text(self) -> str:
        """The current text (the same object until the next edit)."""
        if self._lo != self._base_hi or self._mid:
            self._base = self._base[:self._lo] + self._mid + self._base[self._base_hi:]
            self._lo = self._base_hi = 0
            self._mid = ""
        return self._base


def move_span(start: int, end: int, position: int, removed: int, added: int) -> tuple[int, int]:
    """Where ``[start, end)`` goes when ``removed`` characters at ``position`` are replaced by ``added`` ones,
    by the rules of the editor's highlights (a Qt cursor with keep-position-on-insert): the removed part
    closes up; text inserted where the span starts pushes it along, text inserted where it ends stays
    outside, and a span emptied by the edit stays empty after the inserted text."""
    def removal(offset: int) -> int:
        return offset if offset < position else max(position, offset - removed)

    start, end = removal(start), removal(end)
    start += added if start >= position else 0
    end += added if end > position else 0
    return start, max(start, end)


@dataclass
class _Step:
    """The spans one undo step reached (not just shifted): where they were before it and after it."""

    depth: int  # QTextDocument.availableUndoSteps() with this step done
    before: dict[str, Span] = field(default_factory=dict)
    after: dict[str, Span] = field(default_factory=dict)


class SpanHistory:
    """Puts highlights back on their passages when Ctrl+Z / Ctrl+Shift+Z crosses the edit that moved them.

    Qt's cursors cannot: a passage deleted and brought back by an undo comes back *beside* the cursor that
    collapsed on it. ``availableUndoSteps()`` grows with each new step (``undoCommandAdded`` says which growth
    is a new step rather than a redo), stays when typing merges into the newest step, and falls on undo.
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._steps: list[_Step] = []  # ascending depth
        self._depth = 0
        self._new_step = False
        self._step_start: dict[str, Span] = {}  # every span when the newest step began
        self._crossed: list[_Step] = []
        self._undo: bool | None = None  # what the edit being reported is: undo, redo or (None) an edit

    def command_added(self, spans: dict[str, Span]) -> None:
        """Qt made a new undo step; it says so before reporting the change, so ``spans`` are the old ones."""
        self._new_step = True
        self._step_start = spans

    def before_edit(self, spans: Callable[[], dict[str, Span]], depth: int) -> None:
        """An edit is reported at undo depth ``depth`` (``availableUndoSteps()``); ``spans`` gives every span
        before it."""
        last, self._depth = self._depth, depth
        new, self._new_step = self._new_step, False
        if new or depth != last:
            self._finish(spans, last)  # the newest step ends here
        self._undo = None
        if (new and depth > last) or depth == last:  # a new step, or typing merged into the newest one
            while self._steps and self._steps[-1].depth > last:
                self._steps.pop()  # steps that were undone cannot be redone any more
        else:
            self._undo = depth < last
            low, high = min(depth, last), max(depth, last)
            self._crossed = [s for s in self._steps if low < s.depth <= high]
            self._step_start = {}  # belongs to a step no longer the newest

    def after_edit(self, reached: dict[str, tuple[Span, Span]]) -> dict[str, Span]:
        """Record the spans an edit moved; return where an undo or a redo puts spans back."""
        if self._undo is not None:
            steps = reversed(self._crossed) if self._undo else self._crossed  # the outermost step wins
            return {fid: span for step in steps for fid, span in (step.before if self._undo else step.after).items()}
        top = self._steps[-1] if self._steps and self._steps[-1].depth == self._depth else None
        if top is None and self._depth and reached:
            top = _Step(self._depth)
            self._steps.append(top)
        if top is not None:  # even a span the edit left alone: undoing it may not (a collapsed one moves)
            for fid, (before, after) in reached.items():
                top.before.setdefault(fid, self._step_start.get(fid, before))
                top.after[fid] = after
        return {}

    def _finish(self, spans: Callable[[], dict[str, Span]], depth: int) -> None:
        """The step done last, with its spans as its last edit left them (later keys may have shifted them)."""
        top = next((s for s in reversed(self._steps) if s.depth == depth), None)
        if top is not None and top.after:
            now = spans()
            top.after.update((fid, now[fid]) for fid in top.after if fid in now)
