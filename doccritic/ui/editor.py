"""The document editor: plain-text editing, Markdown highlighting and finding highlights.

Where a finding is belongs to the findings model (code-point offsets into the current text); the editor's
highlights are a view of it. On every ``contentsChange`` the editor moves its code-point map of the text and
tells the model what changed, in code points. Spans the edit reached take their new place from a Qt cursor
that tracks each of them: Qt moves cursors by every primitive step of an edit block or an undo, which the
one merged range ``contentsChange`` reports cannot tell. Undo and redo put such spans back where they were
on that side of the step (``textpos.SpanHistory``), so a passage deleted and brought back is highlighted
again.
A span whose text no longer equals its quote is reported through ``spans_touched`` so the window can mark
the finding outdated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from doccritic.core.findings import Finding
from doccritic.ui import bidi
from doccritic.ui.findings_model import FindingsModel, Span
from doccritic.ui.fold import FrontMatterFold
from doccritic.ui.highlighter import MarkdownHighlighter
from doccritic.ui.style import highlight_format, is_dark
from doccritic.ui.textpos import LaterText, SpanHistory, TextMirror, Utf16Map, qt_plain
from doccritic.ui.timers import timer


@dataclass
class _Load:
    """A long text going into the editor a chunk per event-loop turn (:meth:`DocumentEditor.load_text`)."""

    text: str
    text_map: Utf16Map
    at: int  # how much of ``text`` is in
    done: Callable[[], None]
    read_only: bool  # the editor's state before


class DocumentEditor(QPlainTextEdit):
    """Shows the canonical text; tracks and paints finding spans; reports clicks on them."""

    finding_clicked = Signal(str)
    spans_touched = Signal(list)  # finding ids whose highlighted text was edited
    debate_requested = Signal(str)  # the selected text: "Debate this"

    def __init__(self, parent: QWidget | None = None, model: FindingsModel | None = None) -> None:
        super().__init__(parent)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.document().setDocumentMargin(18)
        self.highlighter = MarkdownHighlighter(self.document())
        self.fold = FrontMatterFold(self)
        self.model = model if model is not None else FindingsModel(self)  # owns the findings' offsets
        self.text_map = Utf16Map()  # of the current text, moved with every edit
        self._incoming: Utf16Map | None = None  # the map of a text setPlainText is putting in
        self._incoming_text: str | None = None  # and that text
        self._mirror: TextMirror | None = TextMirror()  # the current text in Python (None: read it from Qt)
        self._loading: _Load | None = None
        self._load_timer = timer(self, 0, self._load_next)
        self.revision = 0  # counts changes: equal revisions, equal text (cheaper than comparing 6 MB)
        self.texts_set = 0  # counts new texts (setPlainText, clear): undo history before one is gone
        self._findings: dict[str, Finding] = {}  # what each highlight shows (kind, status...), not where
        self._cursors: dict[str, QTextCursor] = {}  # id -> a selection the document moves on every edit
        self._selections: dict[str, QTextEdit.ExtraSelection] = {}
        self._order: list[str] = []  # paint order: wide spans first, so narrow ones stay visible on top
        self._formats: dict[tuple, QTextCharFormat] = {}
        self._active: str | None = None
        self._flash: str | None = None
        self._last_click: tuple[int, list[str]] | None = None
        self._flash_timer = timer(self, 700, self._end_flash)
        self._history = SpanHistory()
        self.document().undoCommandAdded.connect(self._command_added)
        self.document().contentsChange.connect(self._on_contents_change)
        self.document().setModified(False)  # setDocumentMargin() marks the empty document modified

    SLICED_BLOCKS = 3000  # a text with more lines than this is coloured after it shows, in slices
    LOAD_CHUNK = 400_000  # characters: a longer text goes in a chunk per event-loop turn (load_text)

    def load_text(self, text: str, text_map: Utf16Map | None, done: Callable[[], None]) -> None:
        """Show an opened file's text, then call ``done``. A long text goes in a chunk (cut after a line break)
        per event-loop turn: Qt's setPlainText of a 1M-word draft held the window ~150 ms in one call.
        Meanwhile the editor is read-only, :meth:`text` is the whole text, and nothing is coloured; the undo
        history starts after the last chunk. Signals are blocked as for setPlainText: no re-check follows."""
        self.cancel_load()
        cut = _line_end(text, self.LOAD_CHUNK)
        self.blockSignals(True)
        try:
            if cut >= len(text):
                self.setPlainText(text, text_map)
            else:
                full_map = text_map if text_map is not None and text_map.length == len(text) else Utf16Map(text)
                self._loading = _Load(text, full_map, cut, done, self.isReadOnly())
                self.setReadOnly(True)
                self.document().setUndoRedoEnabled(False)
                self.fold.hidden = 0
                self.highlighter.frontier = 0  # colours nothing until the whole text is in
                super().setPlainText(text[:cut])
                self.document().setModified(False)
        finally:
            self.blockSignals(False)
        if self._loading is None:
            done()
        else:
            self._load_timer.start()

    @property
    def loading(self) -> bool:
        """A long text is still going in (:meth:`load_text`)."""
        return self._loading is not None

    def cancel_load(self) -> None:
        """Stop putting a long text in (another text replaces it, or the document closes)."""
        if self._loading is not None:
            self.setReadOnly(self._loading.read_only)
            self._loading = None
            self._load_timer.stop()
            self.document().setUndoRedoEnabled(True)

    def _load_next(self) -> None:
        load = self._loading
        if load is None:
            return
        end = _line_end(load.text, load.at + self.LOAD_CHUNK)
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        self.blockSignals(True)
        try:
            cursor.insertText(load.text[load.at:end])  # Qt's setPlainText is this very insert, in one go
            self.document().setModified(False)  # the file's own text: nothing to save or to ask about
        finally:
            self.blockSignals(False)
        load.at = end
        if end < len(load.text):
            self._load_timer.start()
            return
        self._loading = None
        self.setReadOnly(load.read_only)  # the caller sets the document's own state in ``done``
        self.text_map = load.text_map
        plain = qt_plain(load.text)
        self._mirror = TextMirror(plain) if plain is not None else None
        self._history.reset()
        self.texts_set += 1
        self.document().setUndoRedoEnabled(True)
        self.document().setModified(False)
        self.highlighter.colour_in_slices()
        load.done()

    def setPlainText(self, text: str, text_map: Utf16Map | None = None) -> None:  # noqa: N802 - Qt override
        """Show a new text. Its map is ``text_map`` (an opened file's, built on the worker) or built from ``text``,
        never read back from Qt, and a long text is coloured after it shows, a slice per event-loop turn,
        instead of all at once inside this call."""
        self.cancel_load()
        self._incoming = text_map if text_map is not None and text_map.length == len(text) else Utf16Map(text)
        self._incoming_text = text
        self.fold.hidden = 0  # the new text's blocks are all shown
        sliced = _has_more_lines(text, self.SLICED_BLOCKS)
        self.highlighter.frontier = 0 if sliced else None  # 0: setting the text colours nothing
        try:
            super().setPlainText(text)
        finally:
            self._incoming = self._incoming_text = None
            if sliced:
                self.highlighter.colour_in_slices()

    # findings --------------------------------------------------------------------------------
    def set_findings(self, findings: list[Finding], text_map: Utf16Map | None = None) -> None:
        """Show ``findings`` (the model's, with offsets into the current text). ``text_map`` is not needed:
        the editor keeps its own map of the current text."""
        self._findings = {f.id: f for f in findings if f.placed}
        self._cursors = {fid: self._tracking_cursor(*self._qt_span(f)) for fid, f in self._findings.items()}
        self._order = sorted(self._cursors, key=lambda fid: self._width(fid), reverse=True)
        self._formats.clear()  # the palette (light/dark) may have changed since the last full paint
        self._selections = {fid: self._selection(fid) for fid in self._order}
        self._push_selections()

    def upsert_findings(self, findings: list[Finding], text_map: Utf16Map | None = None, *,
                        respan: bool = True) -> None:
        """Add findings, or restyle and re-place ones already shown, where the model has them: critic findings
        arrive one at a time while thousands of highlights may be on screen, so nothing else is rebuilt.
        (``text_map`` and ``respan`` are kept for callers: the highlight always follows the model.)"""
        dark = is_dark(self.palette())
        for finding in findings:
            fid = finding.id
            if not finding.placed:
                if fid in self._cursors:
                    self._forget(fid)
                continue
            if fid not in self._cursors:
                self._order.append(fid)  # painted last: on top of the wider check highlights
            self._cursors[fid] = self._tracking_cursor(*self._qt_span(finding))
            self._findings[fid] = finding
            self._selections[fid] = self._selection(fid, dark)
        self._push_selections()

    def update_finding(self, finding: Finding) -> None:
        if finding.id in self._findings:
            self._findings[finding.id] = finding
            self._restyle([finding.id])

    def span_of(self, finding_id: str) -> tuple[int, int] | None:
        """A highlight's Qt (UTF-16) span."""
        cursor = self._cursors.get(finding_id)
        return (cursor.selectionStart(), cursor.selectionEnd()) if cursor is not None else None

    def line_of(self, finding_id: str) -> tuple[str, int, int] | None:
        """The line a highlight starts on, and where the highlight is in it (cheap: no copy of the text)."""
        span = self.span_of(finding_id)
        if span is None:
            return None
        block = self.document().findBlock(span[0])
        line = block.text()
        units = line.encode("utf-16-le")  # Qt counts UTF-16 units; an emoji before the word is two

        def chars(qt: int) -> int:
            return len(units[: 2 * max(0, qt)].decode("utf-16-le", errors="ignore"))

        return line, chars(span[0] - block.position()), chars(span[1] - block.position())

    def set_active(self, finding_id: str | None) -> None:
        previous, self._active = self._active, finding_id
        self._restyle([previous, finding_id])

    def reveal(self, finding_id: str, flash: bool = True) -> bool:
        """Scroll to a finding's span, put the cursor there and flash it."""
        span = self.span_of(finding_id)
        if span is None:
            return False
        cursor = self.textCursor()
        cursor.setPosition(span[0])
        self.setTextCursor(cursor)
        self.centerCursor()
        changed = [self._active, self._flash, finding_id]
        self._active = finding_id
        if flash:
            self._flash = finding_id
            self._flash_timer.start()
        self._restyle(changed)
        return True

    def ids_at(self, position: int) -> list[str]:
        """Findings covering a Qt position, innermost (shortest) first."""
        hits = [(c.selectionEnd() - c.selectionStart(), fid) for fid, c in self._cursors.items()
                if c.selectionStart() <= position < c.selectionEnd()]
        return [fid for _, fid in sorted(hits)]

    def _qt_span(self, finding: Finding) -> tuple[int, int]:
        start, end = self.model.span_for(finding.id) or (finding.start or 0, finding.end or 0)
        return self.text_map.span_to_qt(start, end)

    def _width(self, fid: str) -> int:
        cursor = self._cursors[fid]
        return cursor.selectionEnd() - cursor.selectionStart()

    def _forget(self, fid: str) -> None:
        self._cursors.pop(fid, None)
        self._selections.pop(fid, None)
        self._findings.pop(fid, None)
        self._order.remove(fid)

    def _end_flash(self) -> None:
        previous, self._flash = self._flash, None
        self._restyle([previous])

    # painting --------------------------------------------------------------------------------
    # Building 1,000 selections costs ~30 ms in Python, so they are built once per set_findings and then
    # only restyled one by one: the document itself moves their cursors as the user types.
    def _tracking_cursor(self, start: int, end: int) -> QTextCursor:
        cursor = QTextCursor(self.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        # Text typed right after a span stays outside it; Qt applies the flag to the position (the span's
        # end) only, so text typed right before the span still pushes it along. Same rule as anchoring.
        cursor.setKeepPositionOnInsert(True)
        return cursor

    def _format(self, fid: str, dark: bool) -> QTextCharFormat:
        finding = self._findings[fid]
        active, flash = fid in (self._active, self._flash), fid == self._flash
        key = (finding.kind, finding.severity, finding.source, finding.status, active, flash, dark)
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = highlight_format(finding, dark, active=active, flash=flash)
            self._formats[key] = fmt
        return fmt

    def _selection(self, fid: str, dark: bool | None = None) -> QTextEdit.ExtraSelection:
        sel = QTextEdit.ExtraSelection()
        sel.cursor = self._cursors[fid]
        sel.format = self._format(fid, is_dark(self.palette()) if dark is None else dark)
        return sel

    def _restyle(self, ids: list[str | None]) -> None:
        dark = is_dark(self.palette())
        changed = False
        for fid in dict.fromkeys(ids):
            if fid is not None and fid in self._selections:
                self._selections[fid] = self._selection(fid, dark)
                changed = True
        if changed:
            self._push_selections()

    def _push_selections(self) -> None:
        self.setExtraSelections([self._selections[fid] for fid in self._order])

    def restyle_all(self) -> None:
        """Restyle every highlight (after a theme change); positions are left where the edits put them."""
        self._formats.clear()
        dark = is_dark(self.palette())
        self._selections = {fid: self._selection(fid, dark) for fid in self._order}
        self._push_selections()

    # live anchors ----------------------------------------------------------------------------
    def _command_added(self) -> None:
        self._history.command_added(self.model.spans())

    def _on_contents_change(self, position: int, removed: int, added: int) -> None:
        """Move the text map and the model's offsets with an edit; report spans whose text it changed."""
        self.revision += 1
        if self._loading is not None:
            return  # a chunk of a text going in: the map and the offsets are the whole text's already
        document = self.document()
        removed = min(removed, self.text_map.qt_length - position)  # Qt counts the final paragraph mark
        added = min(added, document.characterCount() - 1 - position)
        if (position == 0 and removed >= self.text_map.qt_length and not document.availableUndoSteps()
                and not document.availableRedoSteps()):  # a new text (setPlainText, clear): no edit to follow
            incoming, plain = self._incoming, None
            if incoming is not None and incoming.qt_length == document.characterCount() - 1:
                self.text_map = incoming  # the findings come after it
                plain = qt_plain(self._incoming_text or "")
            else:
                plain = self.toPlainText()
                self.text_map = Utf16Map(plain)
            self._mirror = TextMirror(plain) if plain is not None else None
            self._history.reset()
            self.texts_set += 1
            return
        cursor = QTextCursor(document)
        cursor.setPosition(position)
        cursor.setPosition(position + added, QTextCursor.MoveMode.KeepAnchor)
        added_text = cursor.selectedText()
        start, cp_removed, cp_added = self.text_map.replace(position, removed, added_text)
        self._mirror_edit(start, cp_removed, added_text)
        self._history.before_edit(self.model.spans, document.availableUndoSteps())
        reached = self.model.text_edited(start, cp_removed, cp_added, self._exact)
        restored = self._history.after_edit(reached)
        for fid, (span_start, span_end) in restored.items():
            self.model.set_span(fid, span_start, span_end)
            if fid in self._cursors:
                self._cursors[fid] = self._tracking_cursor(*self.text_map.span_to_qt(span_start, span_end))
                self._selections[fid] = self._selection(fid)
        if restored or any(fid in self._cursors and self._repaired(fid) for fid in reached):
            self._push_selections()
        edit_end = start + cp_removed
        touched = [fid for fid, ((s, e), _) in reached.items()
                   if start < e and edit_end > s and self.model.is_finding_span(fid)]
        if touched:
            self.spans_touched.emit(touched)
        # The widget paints its own copies of the cursors; they moved with the document, except where the
        # copy and ours were detached (a repaired or restored span: repushed above).

    def _mirror_edit(self, start: int, removed: int, added_text: str) -> None:
        if self._mirror is None:
            return
        plain = qt_plain(added_text)
        if plain is not None:
            self._mirror.replace(start, removed, plain)
        if plain is None or self._mirror.length != self.text_map.length:  # never a wrong text: Qt's, next read
            self._mirror = None

    def text(self) -> str:
        """The current text, as ``toPlainText()`` gives it, from the copy kept in step with each edit: reading
        it costs nothing after a keystroke (``toPlainText()`` copies the whole text out of Qt)."""
        if self._loading is not None:
            return self._loading.text
        if self._mirror is None:
            self._mirror = TextMirror(self.toPlainText())
        return self._mirror.text()

    def text_later(self) -> LaterText:
        """:meth:`text` as it is now, joined when the result is called (on a worker: see ``TextMirror.later``)."""
        if self._loading is not None:
            return LaterText.of(self._loading.text)
        if self._mirror is None:
            self._mirror = TextMirror(self.toPlainText())
        return self._mirror.later()

    def adopt_text(self, text: str, revision: int) -> None:
        """``text`` was joined from :meth:`text_later` at ``revision``: when nothing was typed since, it becomes
        the kept copy (one string for the editor and the snapshot, no second join)."""
        if revision == self.revision and self._mirror is not None and self._loading is None:
            self._mirror.adopt(text)

    def _exact(self, fid: str) -> Span | None:
        """Where a tracking cursor put a span, in code points of the current text."""
        cursor = self._cursors.get(fid)
        if cursor is None:
            return None
        if cursor.anchor() > cursor.position():  # typed into a collapsed span: keep it empty
            cursor.setPosition(cursor.anchor())
        return self.text_map.from_qt(cursor.selectionStart()), self.text_map.from_qt(cursor.selectionEnd())

    def _repaired(self, fid: str) -> bool:
        """Re-point a highlight at its cursor when _exact detached the two (a collapsed span)."""
        selection = self._selections.get(fid)
        if selection is None or selection.cursor.position() == self._cursors[fid].position():
            return False
        self._selections[fid] = self._selection(fid)
        return True

    def span_text(self, finding_id: str) -> str | None:
        span = self.span_of(finding_id)
        if span is None:
            return None
        cursor = QTextCursor(self.document())
        cursor.setPosition(span[0])
        cursor.setPosition(span[1], QTextCursor.MoveMode.KeepAnchor)
        return cursor.selectedText().replace("\u2029", "\n")

    def flash_span(self, start: int, end: int) -> None:
        """Select a Qt span and scroll to it (a cited passage clicked in a debate)."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.centerCursor()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 - Qt override
        menu = self.createStandardContextMenu(event.pos())
        selected = self.textCursor().selectedText().replace("\u2029", "\n").strip()
        if selected:
            menu.addSeparator()
            menu.addAction("Debate this…", lambda: self.debate_requested.emit(selected))
        menu.exec(event.globalPos())
        menu.deleteLater()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        bidi.align_visible(self)  # Arabic and Hebrew paragraphs to the right, as in Word
        super().paintEvent(event)
        if self.fold.hidden:
            painter = QPainter(self.viewport())
            self.fold.paint(painter)
            painter.end()

    # clicks ----------------------------------------------------------------------------------
    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton or self.textCursor().hasSelection():
            return
        position = self.cursorForPosition(event.position().toPoint()).position()
        if self.fold.on_first_line(position):
            self.fold.unfold()
            return
        ids = self.ids_at(position)
        if not ids:
            self._last_click = None
            return
        # Clicking the same overlapping spot again cycles to the next finding under it.
        if self._last_click and self._last_click[1] == ids and self._active in ids:
            fid = ids[(ids.index(self._active) + 1) % len(ids)]
        else:
            fid = ids[0]
        self._last_click = (position, ids)
        self.set_active(fid)
        self.finding_clicked.emit(fid)


def _line_end(text: str, at: int) -> int:
    """Where the line holding offset ``at`` ends (after its line break), or the text's length."""
    if at >= len(text):
        return len(text)
    found = text.find("\n", at)
    return len(text) if found < 0 else found + 1


def _has_more_lines(text: str, lines: int) -> bool:
    """Whether ``text`` has more than ``lines`` line breaks, reading only as far as it takes to know
    (counting all of a 1M-word text's was 17 ms on the UI thread)."""
    at = -1
    for _ in range(lines + 1):
        at = text.find("\n", at + 1)
        if at < 0:
            return False
    return True
