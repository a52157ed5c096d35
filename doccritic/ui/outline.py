"""The outline dock: the document's headings as a tree; clicking one jumps the editor there."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from doccritic.core.document import Section
from doccritic.ui.session import Headings

_INDEX = Qt.ItemDataRole.UserRole + 1  # the heading's place in document order: its offset is in _starts


class OutlineView(QTreeWidget):
    heading_activated = Signal(int)  # code-point offset of the heading

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setUniformRowHeights(True)
        self.setExpandsOnDoubleClick(False)
        self.itemClicked.connect(lambda item, _col: self.heading_activated.emit(self._starts[item.data(0, _INDEX)]))
        self._signature: tuple = ()
        self._starts: list[int] = []  # kept apart from the items: setting 3,000 items' data on every re-check
        self._titles: list[str] = []  # after an edit near the top took ~20 ms at 200k words, on the UI thread

    def set_sections(self, sections: list[Section] | Headings) -> None:
        """Rebuild only when the headings changed, so typing in a paragraph does not flicker the tree.
        A snapshot's :class:`Headings` (flattened on the worker) spares the UI thread the walk."""
        headings = sections if isinstance(sections, Headings) else Headings.of(sections)
        flat = headings.flat
        self._starts = headings.starts
        if headings.signature == self._signature:
            self._update_titles(headings)
            return
        self._signature, self._titles = headings.signature, headings.titles
        self.clear()
        count = iter(range(len(flat)))

        def add(parent: QTreeWidget | QTreeWidgetItem, section: Section) -> None:
            item = QTreeWidgetItem(parent, [_shown(section.title)])
            item.setData(0, _INDEX, next(count))
            item.setToolTip(0, section.title)
            for child in section.children:
                add(item, child)

        for root in headings.roots:
            add(self, root)
        self.expandAll()

    def _update_titles(self, headings: Headings) -> None:
        titles, old = headings.titles, self._titles
        self._titles = titles
        if titles == old:  # one comparison in C: a re-check after typing in a paragraph changes no heading
            return
        changed = [i for i, (was, now) in enumerate(zip(old, titles, strict=False)) if was != now]
        items = []
        stack = [self.topLevelItem(i) for i in range(self.topLevelItemCount())][::-1]
        while stack:  # pre-order, as ``flat`` is
            item = stack.pop()
            if item is None:
                continue
            items.append(item)
            stack.extend(item.child(i) for i in range(item.childCount() - 1, -1, -1))
        for i in changed:
            items[i].setText(0, _shown(titles[i]))
            items[i].setToolTip(0, titles[i])


def _shown(title: str) -> str:
    """A heading on one line, its tabs and runs of spaces one space: "1.0<tab>PURPOSE" took half the dock."""
    return " ".join(title.split())
