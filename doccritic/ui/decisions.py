"""Decisions on findings and moving between them: the editor's highlights, the sidebar and the session together.

Accept, dismiss, defer, resolve, reopen and reply (one undo step each when they edit the text); critic
findings arriving; a passage picked for an ambiguous finding; F8 through the findings. The review state
changes only through :class:`~doccritic.ui.review_session.ReviewSession`; this controller keeps the
editor and the sidebar showing it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QInputDialog, QWidget

from doccritic.core.decisions import Decision
from doccritic.core.findings import Finding, Source, Status
from doccritic.ui import session as files
from doccritic.ui.textpos import LaterText, Utf16Map

if TYPE_CHECKING:
    from doccritic.core.decisions import TextEdit
    from doccritic.ui.editor import DocumentEditor
    from doccritic.ui.findings_panel import FindingsPanel
    from doccritic.ui.review_session import ReviewSession

_DONE = {Decision.ACCEPT: "Accepted", Decision.DISMISS: "Dismissed", Decision.DEFER: "Deferred",
         Decision.RESOLVE: "Resolved", Decision.REOPEN: "Reopened", Decision.REPLY: "Reply added"}
_EDITED = {Decision.ACCEPT: " and put its rewrite in the text",
           Decision.DEFER: " and added its question to Open questions"}


class EditorText:
    """The editor as the session's :class:`~doccritic.ui.review_session.TextSource`."""

    def __init__(self, editor: DocumentEditor) -> None:
        self.editor = editor

    def text(self) -> str:
        return self.editor.text()

    def text_later(self) -> LaterText:
        return self.editor.text_later()

    def adopt(self, text: str, revision: int) -> None:
        self.editor.adopt_text(text, revision)

    def is_modified(self) -> bool:
        return self.editor.document().isModified()

    def revision(self) -> int:
        return self.editor.revision


class DecisionsController(QObject):
    """Decisions, critic cards and navigation, for one window's editor and sidebar."""

    def __init__(self, session: ReviewSession, editor: DocumentEditor, panel: FindingsPanel,
                 status: Callable[[str, int], None], parent: QWidget) -> None:
        super().__init__(parent)
        self.session, self.editor, self.panel, self._status, self._parent = session, editor, panel, status, parent
        self._steps: list[_DecisionStep] = []  # decisions that edited the text, for Ctrl+Z
        self._status_steps: list[_StatusStep] = []  # findings an edit marked outdated, for Ctrl+Z
        self._texts_set = editor.texts_set  # the text the steps belong to
        self._undo_depth = 0
        editor.spans_touched.connect(self._spans_touched)
        editor.finding_clicked.connect(self._finding_clicked)
        editor.document().contentsChanged.connect(self._undo_moved)
        panel.finding_selected.connect(self._card_selected)
        panel.decision_requested.connect(lambda action, ids: self.decide(Decision(action), ids))
        panel.place_requested.connect(self.place_on)

    # showing findings ------------------------------------------------------------------------
    def show_checked(self, snap: files.Snapshot) -> None:
        """A (re)check arrived: the session merges it, the highlights and the selection follow."""
        self.session.apply_checks(snap, lambda shown: self.editor.set_findings(shown))
        current = self.panel.current_id()
        if current:
            self.editor.set_active(current)

    def add_critic_findings(self, cards: list[Finding], text_map: Utf16Map) -> None:
        """Show new or merged critic cards (offsets into the editor's current text)."""
        self.editor.upsert_findings(self.session.merge_cards(cards), text_map)

    def replace_critic_findings(self, keep: list[Finding]) -> None:
        """Keep only ``keep`` (a Retry replaces that critic's open findings)."""
        text_map = self.editor.text_map  # of the current text
        self.session.set_findings(keep)
        self.editor.set_findings(keep, text_map)

    def show_imported(self, findings: list[Finding]) -> None:
        """Imported findings (offsets into the current text) replace what is shown."""
        self.session.set_findings(findings)
        self.editor.set_findings(findings)

    def _spans_touched(self, ids: list[str]) -> None:
        """A critic finding whose quoted text was edited away is kept, marked outdated; undoing the edit
        makes it open again (the status is part of the undo step, like the passage)."""
        outdated = []
        for fid in ids:
            finding = self.session.findings.finding(fid)
            if finding is None or finding.source is Source.CHECK or finding.status is not Status.OPEN:
                continue  # check findings are recomputed by the next re-check
            if self.editor.span_text(fid) != finding.quote:
                outdated.append(finding.model_copy(update={"status": Status.OUTDATED}))
        if not outdated:
            return
        self.session.replace(outdated)
        for finding in outdated:
            self.editor.update_finding(finding)
        # This runs inside the edit, before _undo_moved: the depth Qt reports is the edit's, ours the one before.
        depth, last = self.editor.document().availableUndoSteps(), self._undo_depth
        was = dict.fromkeys((f.id for f in outdated), Status.OPEN)
        now = dict.fromkeys(was, Status.OUTDATED)
        if depth < last:  # an undo changed the passage: the step is above, where the findings were open
            self._status_steps.append(_StatusStep(depth, last, below=now, above=was))
        else:  # an edit (a new step, or typing merged into the newest one) or a redo
            self._status_steps.append(_StatusStep(min(last, depth - 1), depth, below=was, above=now))

    def _set_statuses(self, want: dict[str, Status], unless: dict[str, Status]) -> None:
        """Give findings the status they had on one side of an undo step, if they still have the other side's
        (a decision taken since stays)."""
        changed = [f.model_copy(update={"status": want[fid]}) for fid in want
                   if (f := self.session.findings.finding(fid)) is not None and f.status is unless[fid]]
        if changed:
            self.session.replace(changed)
            for finding in changed:
                self.editor.update_finding(finding)

    # decisions -------------------------------------------------------------------------------
    def decide(self, decision: Decision, ids: list[str] | None = None, text: str | None = None) -> None:
        """Apply a decision to findings; Accept and Defer edits go in as one undo step."""
        from doccritic.core import decisions  # here, not at the top: not needed to show the first document

        session = self.session
        ids = ids or self.panel.selected_ids()
        if not ids or session.snapshot is None or session.info is None:
            return
        if decision in (Decision.DISMISS, Decision.REPLY) and text is None:
            text = self._ask_text(decision, ids)
            if text is None:
                return
        current = self.editor.text()
        text_map = self.editor.text_map  # of the current text
        doc = session.snapshot.doc if current == session.snapshot.text else files.parse(current, session.info.format)
        edits, before, after = [], [], []
        for finding in filter(None, (session.findings.finding(fid) for fid in ids)):
            before.append(finding)
            edit = None
            if decision is Decision.ACCEPT:
                finding, edit = decisions.accept(finding, current)
            elif decision is Decision.DEFER:
                finding, edit = decisions.defer(finding, doc)
            elif decision is Decision.DISMISS:
                finding = decisions.dismiss(finding, text or "")
            elif decision is Decision.REPLY:
                finding = decisions.reply(finding, text or "") if (text or "").strip() else finding
            elif decision is Decision.RESOLVE:
                finding = decisions.resolve(finding)
            elif decision is Decision.REOPEN:
                finding = decisions.reopen(finding)
            after.append(finding)
            if edit is not None and not self.editor.isReadOnly():
                edits.append(edit)
        session.replace(after)
        for finding in after:
            self.editor.update_finding(finding)
        if edits:
            self._apply_edits(edits, text_map, before, [_moved(f, edits) for f in after])
        self._after_decision(decision, ids, bool(edits))

    def _after_decision(self, decision: Decision, ids: list[str], edited: bool) -> None:
        """Say what happened, and when the decided cards left the list, move on to the next open one (as
        Word does after accepting a change) so the decision buttons stay useful."""
        what = f"{len(ids)} findings" if len(ids) > 1 else "the finding"
        undo = " Ctrl+Z undoes it." if edited else ""
        self._status(f"{_DONE[decision]} {what}{_EDITED.get(decision, '') if edited else ''}.{undo}", 6000)
        visible = set(self.panel.visible_ids())
        if self.panel.selected_ids() or not visible or decision in (Decision.REPLY, Decision.REOPEN):
            return
        here = min((s[0] for fid in ids if (s := self.editor.span_of(fid))), default=0)
        spans = sorted((span[0], fid) for fid in visible if (span := self.editor.span_of(fid)))
        target = next((fid for start, fid in spans if start >= here), spans[0][1] if spans else None)
        if target is not None:
            self.panel.select(target)

    def place_on(self, finding_id: str, start: int, end: int) -> None:
        """The PM chose which of an ambiguous quote's passages a finding is about: highlight it there."""
        from doccritic.core.findings import Anchor

        finding = self.session.findings.finding(finding_id)
        if finding is None:
            return
        placed = finding.model_copy(update={"start": start, "end": end, "anchor": Anchor.EXACT, "candidates": []})
        self.session.replace([placed], sections=True)
        self.editor.upsert_findings([placed], respan=True)
        self.panel.select(finding_id)
        self.editor.reveal(finding_id)

    def _show_decided(self, findings: list[Finding]) -> None:
        """Put findings back as they were at one end of an undo step: status, card and highlight."""
        self.session.replace(findings)
        self.editor.upsert_findings(findings)

    def show_decided(self, findings: list[Finding]) -> None:
        """Findings whose status changed outside a decision (a review round): cards and highlights follow."""
        self._show_decided(findings)

    def _apply_edits(self, edits: list[TextEdit], text_map: Utf16Map, before: list[Finding],
                     after: list[Finding]) -> None:
        """The text edits and the decisions behind them as one undo step, like a tracked change in Word:
        Ctrl+Z brings back the text, the findings' status and their highlights; Ctrl+Shift+Z redoes all."""
        document = self.editor.document()
        depth_before = document.availableUndoSteps()
        cursor = QTextCursor(document)
        cursor.beginEditBlock()
        for edit in sorted(reversed(edits), key=lambda e: e.start, reverse=True):
            cursor.setPosition(text_map.to_qt(edit.start))
            cursor.setPosition(text_map.to_qt(edit.end), QTextCursor.MoveMode.KeepAnchor)
            cursor.insertText(edit.text)
        cursor.endEditBlock()
        self._undo_depth = document.availableUndoSteps()
        self._steps.append(_DecisionStep(depth_before, self._undo_depth, before, after))
        self._show_decided(after)

    def _undo_moved(self) -> None:
        """The document's undo stack moved (Ctrl+Z, Ctrl+Shift+Z, an edit): when it crossed a decision's edit,
        put that decision's findings back the way they were on that side of it. PySide6 has no custom undo
        items, so the stack's depth tells which edits were undone or redone."""
        document = self.editor.document()
        depth, last = document.availableUndoSteps(), self._undo_depth
        if self.editor.texts_set != self._texts_set:  # a new text: nothing to undo into
            self._steps, self._status_steps, self._texts_set, self._undo_depth = [], [], self.editor.texts_set, depth
            return
        if depth == last:
            return
        self._undo_depth = depth
        for step in self._steps:
            if last >= step.after_depth and depth <= step.before_depth:
                self._show_decided(step.before)
            elif last <= step.before_depth and depth >= step.after_depth:
                self._show_decided(step.after)
        for status in reversed(self._status_steps) if depth < last else self._status_steps:
            if last >= status.upper and depth <= status.lower:
                self._set_statuses(status.below, status.above)
            elif last <= status.lower and depth >= status.upper:
                self._set_statuses(status.above, status.below)
        if document.availableRedoSteps() == 0:  # a new edit dropped the redo stack, or a new document came
            self._steps = [s for s in self._steps if s.after_depth <= depth]
        if depth > last and not document.availableRedoSteps():  # (during an undo Qt still reports none)
            self._status_steps = [s for s in self._status_steps if s.upper <= depth]

    def _ask_text(self, decision: Decision, ids: list[str]) -> str | None:
        """The reason or note, in a dialog wide enough to see what is typed, naming the finding(s) it is for."""
        found = [f for f in (self.session.findings.finding(fid) for fid in ids) if f is not None]
        what = f"“{found[0].title}”" if len(found) == 1 else f"{len(found)} findings"
        dialog = QInputDialog(self._parent)
        dialog.setMinimumWidth(460)
        if decision is Decision.DISMISS:
            dialog.setWindowTitle("Dismiss finding" if len(found) == 1 else "Dismiss findings")
            dialog.setLabelText(f"Dismiss {what}.\nReason (optional, kept with the finding):")
            dialog.setOkButtonText("Dismiss")  # the button says what it does
        else:
            dialog.setWindowTitle("Reply")
            dialog.setLabelText(f"Your note on {what}:")
            dialog.setOption(QInputDialog.InputDialogOption.UsePlainTextEditForTextInput)
        dialog.resize(max(460, dialog.sizeHint().width()), dialog.sizeHint().height())
        return dialog.textValue() if dialog.exec() else None

    # navigation ------------------------------------------------------------------------------
    def _finding_clicked(self, finding_id: str) -> None:
        if not self.panel.select(finding_id):
            self._status("That finding is hidden by the sidebar's filters.", 3000)

    def _card_selected(self, finding_id: str) -> None:
        if not self.editor.reveal(finding_id):
            self.editor.set_active(None)

    def jump_to_offset(self, offset: int) -> None:
        if self.session.snapshot is None:
            return
        cursor = self.editor.textCursor()
        cursor.setPosition(Utf16Map(self.session.snapshot.text).to_qt(offset))
        self.editor.setTextCursor(cursor)
        self.editor.centerCursor()
        self.editor.setFocus()

    def show_passage(self, start: int, end: int) -> None:
        """Select ``[start, end)`` (code points of the current text) and scroll to it (a cited passage)."""
        self.editor.flash_span(*self.editor.text_map.span_to_qt(start, end))
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def step_finding(self, direction: int) -> str | None:
        """F8 / Shift+F8: the next (previous) visible finding in document order, wrapping around."""
        spans = sorted((span, fid) for fid in self.panel.visible_ids() if (span := self.editor.span_of(fid)))
        if not spans:
            return None
        order = [fid for _, fid in spans]
        current = self.panel.current_id()
        if current in order:
            target = order[(order.index(current) + direction) % len(order)]
        else:
            here = self.editor.textCursor().position()
            after = [fid for (start, _), fid in spans if (start >= here if direction > 0 else start < here)]
            target = (after[0] if direction > 0 else after[-1]) if after else order[0 if direction > 0 else -1]
        self.panel.select(target)
        self.editor.reveal(target)
        return target


@dataclass(frozen=True)
class _DecisionStep:
    """A decision that edited the text, by the undo depth before and after its edit block."""

    before_depth: int
    after_depth: int
    before: list[Finding]
    after: list[Finding]


@dataclass(frozen=True)
class _StatusStep:
    """Findings an edit (or an undo or redo) marked outdated: their status below and above its undo step."""

    lower: int  # undo depths
    upper: int
    below: dict[str, Status]
    above: dict[str, Status]


def _moved(finding: Finding, edits: list[TextEdit]) -> Finding:
    """Where a decided finding sits once ``edits`` are made: on its rewrite when one replaced its passage."""
    if finding.start is None or finding.end is None:
        return finding

    def shift(offset: int) -> int:
        return offset + sum(len(e.text) - (e.end - e.start) for e in edits if e.end <= offset and e.start < offset)

    own = next((e for e in edits if e.start == finding.start and e.end == finding.end), None)
    if own is not None:
        start = shift(own.start)
        return finding.model_copy(update={"start": start, "end": start + len(own.text)})
    return finding.model_copy(update={"start": shift(finding.start), "end": shift(finding.end)})
