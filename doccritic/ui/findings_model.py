"""The findings list model and the filter/sort proxy the sidebar shows.

One model holds the review's findings; views never keep their own copies. Updates are diffed by
finding id (insert, change, remove) instead of a reset, so a live re-check while the user types keeps
the sidebar's selection and scroll position.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from doccritic.core.findings import Finding, Kind, Severity, Status

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


class FindingsModel(QAbstractListModel):
    """All findings of the open document, in no particular order (the proxy sorts)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._findings: list[Finding] = []
        self._sections: dict[str, str] = {}

    # Qt API ----------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt override
        return 0 if parent.isValid() else len(self._findings)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._findings):
            return None
        f = self._findings[index.row()]
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

    def roleNames(self) -> dict[int, bytes]:  # noqa: N802 - Qt override
        return {**super().roleNames(), **{r.value: r.name.lower().encode() for r in Role}}

    # our API ---------------------------------------------------------------------------------
    @property
    def findings(self) -> list[Finding]:
        return list(self._findings)

    def finding(self, finding_id: str) -> Finding | None:
        row = self.row_of(finding_id)
        return None if row is None else self._findings[row]

    def row_of(self, finding_id: str) -> int | None:
        return next((i for i, f in enumerate(self._findings) if f.id == finding_id), None)

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
        # One signal per contiguous run of rows, not per row: views and counts react to each signal, and
        # a re-check that shifts 1,000 findings must not cost 1,000 relayouts.
        gone = [row for row, old in enumerate(self._findings)
                if old.id not in new and (scope is None or old.source.value in scope)]
        for first, last in reversed(_runs(gone)):
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._findings[first:last + 1]
            self.endRemoveRows()
        changed = []
        for row, old in enumerate(self._findings):
            fresh = new.pop(old.id, None)
            if fresh is not None and fresh != old:
                self._findings[row] = fresh
                changed.append(row)
        for first, last in _runs(changed):
            self.dataChanged.emit(self.index(first), self.index(last))
        if new:
            first = len(self._findings)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            self._findings.extend(new.values())
            self.endInsertRows()

    def replace_finding(self, finding: Finding) -> None:
        row = self.row_of(finding.id)
        if row is not None:
            self._findings[row] = finding
            self.dataChanged.emit(self.index(row), self.index(row))


class FindingsFilterProxy(QSortFilterProxyModel):
    """Filters by kind, severity, persona, status and text; sorts in document order, unplaced last."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.kinds: set[Kind] = set(Kind)
        self.min_severity = Severity.MINOR
        self.statuses: set[Status] | None = None  # None: all
        self.personas: set[str] | None = None
        self.text = ""
        self.group_by = "none"  # none | section | kind
        self.setDynamicSortFilter(True)
        self.sort(0)

    def set_filter(self, **changes) -> None:
        for key, value in changes.items():
            if not hasattr(self, key):
                raise AttributeError(key)
            setattr(self, key, value)
        self.invalidate()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802 - Qt override
        f: Finding = self.sourceModel().index(source_row, 0, source_parent).data(Role.FINDING)
        if f is None or f.kind not in self.kinds or f.severity.rank < self.min_severity.rank:
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
