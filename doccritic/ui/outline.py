"""The outline dock: the document's headings as a tree; clicking one jumps the editor there."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from doccritic.core.document import Section

_OFFSET = Qt.ItemDataRole.UserRole + 1


class OutlineView(QTreeWidget):
    heading_activated = Signal(int)  # code-point offset of the heading

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setUniformRowHeights(True)
        self.setExpandsOnDoubleClick(False)
        self.itemClicked.connect(lambda item, _col: self.heading_activated.emit(item.data(0, _OFFSET)))
        self._signature: tuple = ()

    def set_sections(self, sections: list[Section]) -> None:
        """Rebuild only when the headings changed, so typing in a paragraph does not flicker the tree."""
        signature = tuple((s.id, s.level) for root in sections for s in root.walk())
        if signature == self._signature:
            self._update_offsets(sections)
            return
        self._signature = signature
        self.clear()

        def add(parent, section: Section) -> None:
            item = QTreeWidgetItem(parent, [section.title])
            item.setData(0, _OFFSET, section.start)
            item.setToolTip(0, section.title)
            for child in section.children:
                add(item, child)

        for root in sections:
            add(self, root)
        self.expandAll()

    def _update_offsets(self, sections: list[Section]) -> None:
        flat = [s for root in sections for s in root.walk()]
        items = []
        stack = [self.topLevelItem(i) for i in range(self.topLevelItemCount())][::-1]
        while stack:
            item = stack.pop()
            items.append(item)
            stack.extend(item.child(i) for i in range(item.childCount() - 1, -1, -1))
        for item, section in zip(items, flat, strict=False):
            item.setData(0, _OFFSET, section.start)
            item.setText(0, section.title)
