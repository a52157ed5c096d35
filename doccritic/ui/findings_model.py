"""The findings list model and the filter/sort proxy the sidebar shows.

One model holds the review's findings; views never keep their own copies. Updates are diffed by
finding id (insert, change, remove) instead of a reset, so a live re-check while the user types keeps
the sidebar's selection and scroll position.

The model is also the one owner of where each finding is: its ``start``/``end`` are code-point offsets
into the editor's *current* text, moved on every edit (:meth:`FindingsModel.text_edited`, fed by the
editor from ``QTextDocument.contentsChange``). Saving and exporting read them here; the editor's
highlights are a view of them. A finding's other passages move the same way: the places an ambiguous quote
was found (``candidates``, offered by "Place on passage") and the places a decision is restated
(``restated_at``). Offsets move in place, and a finding object is rebuilt with its new offsets only when
someone reads it, so a keystroke costs one pass over the offsets, not 1,000 copies.
"""

from __future__ import annotations

import dataclasses
from array import array
from collections.abc import Callable, Iterable, Iterator
from enum import IntEnum

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from doccritic.core.findings import Finding, Kind, Severity, Status
from doccritic.ui.textpos import Span, move_span

Index = QModelIndex | QPersistentModelIndex


class Role(IntEnum):
    FINDING = Qt.ItemDataRole.UserRole + 1
    ID = Qt.ItemDataRole.UserRole + 2
    KIND = Qt.ItemDataRole.UserRole + 3
    SEVERITY = Qt.ItemDataRole.UserRole + 4
    STATUS = Qt.ItemDataRole.UserRole + 5
    PERSONA = Qt.ItemDataRole.UserRole + 6
    SECTION = Qt.ItemDataRole.UserRole + 7
    PLACED = Qt.ItemDataRole.UserRole + 8


NOT_PLACED = "Not placed in the text"
_SEP = "\x00"  # joins a finding id and one of its other passages into a span key (no id holds it)


class FindingsModel(QAbstractListModel):
    """All findings of the open document, in no particular order (the proxy sorts)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._findings: list[Finding] = []  # a row's offsets may be older than its entry in _spans
        self._rows: dict[str, int] = {}  # id -> row
        self._spans: dict[str, list[int]] = {}  # id -> [start, end]: the current offsets of placed findings
        # id -> (candidates, restated_at), each [start, end] current; only findings that have any
        self._others: dict[str, tuple[_Passages, _Passages]] = {}
        self._moved: set[str] = set()  # ids whose other passages moved since their finding was rebuilt
        self._sections: dict[str, str] = {}

    # Qt API ----------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt override
        return 0 if parent.isValid() else len(self._findings)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._findings):
            return None
        f = self._at(index.row())
        match role:
            case Qt.ItemDataRole.DisplayRole:
                return f.title
            case Qt.ItemDataRole.ToolTipRole:
                return f.rationale
            case Role.FINDING:
                return f
            case Role.ID:
                return f.id
            case Role.KIND:
                return f.kind.value
            case Role.SEVERITY:
                return f.severity.rank
            case Role.STATUS:
                return f.status.value
            case Role.PERSONA:
                return f.persona or "check"
            case Role.SECTION:
                return self._sections.get(f.id, NOT_PLACED if not f.placed else "")
            case Role.PLACED:
                return f.placed
        return None

    def roleNames(self) -> dict[int, QByteArray]:  # noqa: N802 - Qt override
        return {**super().roleNames(), **{r.value: QByteArray(r.name.lower().encode()) for r in Role}}

    # our API ---------------------------------------------------------------------------------
    @property
    def findings(self) -> list[Finding]:
        """Every finding, with its offsets into the current text."""
        return [self._at(row) for row in range(len(self._findings))]

    def finding(self, finding_id: str) -> Finding | None:
        row = self._rows.get(finding_id)
        return None if row is None else self._at(row)

    def row_of(self, finding_id: str) -> int | None:
        return self._rows.get(finding_id)

    @staticmethod
    def is_finding_span(key: str) -> bool:
        """Whether a key of :meth:`spans` is a finding's own passage (else one of its other passages)."""
        return _SEP not in key

    def span_for(self, finding_id: str) -> Span | None:
        """A finding's current ``(start, end)`` in code points, or None when it is not in the text."""
        span = self._spans.get(finding_id)
        return (span[0], span[1]) if span else None

    def spans(self) -> dict[str, Span]:
        """Every placed finding's current span, by id, and its other passages (keys that are not ids, see
        :meth:`is_finding_span`)."""
        out = {fid: (span[0], span[1]) for fid, span in self._spans.items()}
        for key, span in self._other_spans():
            out[key] = (span[0], span[1])
        return out

    def set_span(self, key: str, start: int, end: int) -> None:
        """Put a finding (or one of its other passages: a key of :meth:`spans`) on other offsets of the current
        text (an undo brought its passage back)."""
        if key in self._spans:
            self._spans[key] = [start, end]
            return
        fid, _, which = key.partition(_SEP)
        others = self._others.get(fid)
        if others is not None and which:
            passages, index = others[0 if which[0] == "c" else 1], int(which[1:])
            if index < len(passages.starts):
                passages.starts[index], passages.ends[index] = start, end
                self._moved.add(fid)

    def _other_spans(self) -> Iterator[tuple[str, Span]]:
        for fid, (candidates, restated) in self._others.items():
            for tag, passages in (("c", candidates), ("r", restated)):
                for i, span in enumerate(zip(passages.starts, passages.ends, strict=True)):
                    yield f"{fid}{_SEP}{tag}{i}", span

    def text_edited(self, position: int, removed: int, added: int,
                    exact: Callable[[str], Span | None] | None = None) -> dict[str, tuple[Span, Span]]:
        """Follow an edit of the current text, in code points: ``removed`` characters at ``position`` became
        ``added`` new ones. Offsets after the edit shift; a span the edit reached takes its place from
        ``exact`` (the editor's tracking cursor, which followed every step of an edit block or undo step: a
        block reports one merged range, and arithmetic on it would collapse a passage between two edits),
        or, without one, from :func:`~doccritic.ui.textpos.move_span`. Returns, for each span the edit
        reached, its ``(before, after)``."""
        edit_end, delta = position + removed, added - removed
        reached: dict[str, tuple[Span, Span]] = {}
        for fid, span in self._spans.items():
            start, end = span
            if end < position:
                continue
            if start > edit_end:
                span[0], span[1] = start + delta, end + delta
                continue
            new = (exact(fid) if exact else None) or move_span(start, end, position, removed, added)
            span[0], span[1] = new
            reached[fid] = ((start, end), new)
        for fid, (candidates, restated) in self._others.items():
            moved = candidates.edited(position, removed, added, f"{fid}{_SEP}c", reached)
            if restated.edited(position, removed, added, f"{fid}{_SEP}r", reached) or moved:
                self._moved.add(fid)
        return reached

    def _at(self, row: int) -> Finding:
        """The finding at ``row`` with its current offsets (rebuilt once after they moved)."""
        f = self._findings[row]
        span = self._spans.get(f.id)
        if span is not None and (f.start != span[0] or f.end != span[1]):
            f = self._findings[row] = dataclasses.replace(f, start=span[0], end=span[1])
        if f.id in self._moved:
            self._moved.discard(f.id)
            candidates, restated = self._others[f.id]
            f = self._findings[row] = dataclasses.replace(f, candidates=candidates.spans(),
                                                          restated_at=restated.spans())
        return f

    def _reindex(self) -> None:
        self._rows = {f.id: row for row, f in enumerate(self._findings)}
        self._spans = {fid: span for fid, span in self._spans.items() if fid in self._rows}
        self._others = {fid: others for fid, others in self._others.items() if fid in self._rows}
        self._moved &= self._others.keys()

    def _track(self, finding: Finding) -> None:
        if finding.start is not None and finding.end is not None:
            self._spans[finding.id] = [finding.start, finding.end]
        else:
            self._spans.pop(finding.id, None)
        self._moved.discard(finding.id)
        if finding.candidates or finding.restated_at:
            self._others[finding.id] = (_Passages(finding.candidates), _Passages(finding.restated_at))
        else:
            self._others.pop(finding.id, None)

    def set_sections(self, sections: dict[str, str], *, only: bool = False) -> None:
        """Section title per finding id, for grouping; unplaced findings get their own group.

        With ``only``, ``sections`` updates just those findings (critic cards arriving one by one) and only
        their rows are announced, instead of every row being re-laid out.
        """
        if not only:
            self._sections = dict(sections)
            if self._findings:
                self.dataChanged.emit(self.index(0), self.index(len(self._findings) - 1), [Role.SECTION])
            return
        changed = sorted(row for fid, title in sections.items()
                         if self._sections.get(fid) != title and (row := self.row_of(fid)) is not None)
        self._sections.update(sections)
        for first, last in _runs(changed):
            self.dataChanged.emit(self.index(first), self.index(last), [Role.SECTION])

    def update_findings(self, findings: Iterable[Finding], *, replace: Iterable[str] | None = None) -> None:
        """Make the model hold ``findings``, diffed by id.

        ``replace`` limits removal to findings whose source is in it (e.g. ``{"check"}`` when a re-check
        must not touch critic findings); by default everything not in ``findings`` is removed.
        """
        new = {f.id: f for f in findings}
        scope = set(replace) if replace is not None else None
        for row in range(len(self._findings)):
            self._at(row)  # compare with current offsets, not those of when a finding came in
        # One signal per contiguous run of rows, not per row: views and counts react to each signal, and
        # a re-check that shifts 1,000 findings must not cost 1,000 relayouts.
        gone = [row for row, old in enumerate(self._findings)
                if old.id not in new and (scope is None or old.source.value in scope)]
        for first, last in reversed(_runs(gone)):
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._findings[first:last + 1]
            self._reindex()
            self.endRemoveRows()
        changed = []
        for row, old in enumerate(self._findings):
            fresh = new.pop(old.id, None)
            if fresh is not None and fresh != old:
                self._findings[row] = fresh
                self._track(fresh)
                changed.append(row)
        for first, last in _runs(changed):
            self.dataChanged.emit(self.index(first), self.index(last))
        if new:
            first = len(self._findings)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            self._findings.extend(new.values())
            for f in new.values():
                self._rows[f.id] = len(self._rows)
                self._track(f)
            self.endInsertRows()

    def replace_finding(self, finding: Finding) -> None:
        """Replace a finding, offsets included (they must be offsets into the current text)."""
        row = self.row_of(finding.id)
        if row is not None:
            self._findings[row] = finding
            self._track(finding)
            self.dataChanged.emit(self.index(row), self.index(row))


class _Passages:
    """A finding's other passages, as two C arrays of offsets: one check can be restated a thousand times in
    a long draft, and each keystroke moves them all."""

    __slots__ = ("ends", "starts")

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        spans = list(spans)
        self.starts, self.ends = array("q", (s for s, _ in spans)), array("q", (e for _, e in spans))

    def spans(self) -> list[tuple[int, int]]:
        return list(zip(self.starts, self.ends, strict=True))

    def edited(self, position: int, removed: int, added: int, key: str,
               reached: dict[str, tuple[Span, Span]]) -> bool:
        """Move with an edit (the rules of :meth:`FindingsModel.text_edited`); the passages it reached go into
        ``reached`` under ``key`` + their index. True when any moved."""
        if not self.ends or max(self.ends) < position:
            return False
        edit_end, delta = position + removed, added - removed
        if min(self.starts) > edit_end:  # all after the edit: shifted in C
            if delta:
                self.starts = array("q", map(delta.__add__, self.starts))
                self.ends = array("q", map(delta.__add__, self.ends))
            return bool(delta)
        starts, ends = self.starts, self.ends
        for i, (start, end) in enumerate(zip(starts, ends, strict=True)):
            if end < position:
                continue
            if start > edit_end:
                starts[i], ends[i] = start + delta, end + delta
                continue
            new = move_span(start, end, position, removed, added)
            starts[i], ends[i] = new
            reached[f"{key}{i}"] = ((start, end), new)
        return True


class FindingsFilterProxy(QSortFilterProxyModel):
    """Filters by kind, severity, persona, status and text; sorts in document order, unplaced last."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.kinds: set[Kind] = set(Kind)
        self.min_severity = Severity.MINOR
        self.min_confidence = 0.0  # a critic's; findings without one (checks) always pass
        self.statuses: set[Status] | None = None  # None: all
        self.personas: set[str] | None = None
        self.text = ""
        self.group_by = "none"  # none | section | kind
        self.setDynamicSortFilter(True)
        self.sort(0)

    def set_filter(self, **changes: object) -> None:
        for key, value in changes.items():
            if not hasattr(self, key):
                raise AttributeError(key)
            setattr(self, key, value)
        self.invalidate()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802 - Qt override
        f: Finding = self.sourceModel().index(source_row, 0, source_parent).data(Role.FINDING)
        if f is None or f.kind not in self.kinds or f.severity.rank < self.min_severity.rank:
            return False
        if f.confidence is not None and f.confidence < self.min_confidence:
            return False
        if self.statuses is not None and f.status not in self.statuses:
            return False
        if self.personas is not None and not self.personas.intersection(f.personas or ["check"]):
            return False
        if self.text:
            needle = self.text.casefold()
            haystack = " ".join(filter(None, (f.title, f.quote, f.rationale, f.suggestion, f.question)))
            return needle in haystack.casefold()
        return True

    def lessThan(self, left: Index, right: Index) -> bool:  # noqa: N802 - Qt override
        a: Finding = left.data(Role.FINDING)
        b: Finding = right.data(Role.FINDING)
        return self._key(a) < self._key(b)

    def _key(self, f: Finding) -> tuple:
        unplaced = not f.placed
        if self.group_by == "kind":
            return (unplaced, list(Kind).index(f.kind), f.sort_key())
        return (unplaced, *f.sort_key())

    def group_of(self, row: int) -> str:
        """The group header a row belongs to, for the card delegate's section headers."""
        index = self.index(row, 0)
        f: Finding = index.data(Role.FINDING)
        if f is None:
            return ""
        if not f.placed:
            return NOT_PLACED
        if self.group_by == "kind":
            return f.kind.label
        if self.group_by == "section":
            return index.data(Role.SECTION) or "Before the first heading"
        return ""


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Ascending rows as (first, last) runs of consecutive numbers."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs
