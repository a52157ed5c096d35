"""The review window's decisions on findings and moving between them (cards, highlights, F8).

A mixin of :class:`~doccritic.ui.main_window.MainWindow` (it uses the window's editor, findings model and
sidebar), kept apart so that the window module stays about building and wiring the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QInputDialog

from doccritic.core.findings import Finding, Source, Status
from doccritic.ui import session
from doccritic.ui.textpos import Utf16Map

if TYPE_CHECKING:
    from doccritic.core.decisions import TextEdit
    from doccritic.ui.main_window import MainWindow


class DecisionActions:
    """Accept, dismiss, defer, resolve, reopen and reply; critic findings arriving; stepping through findings."""

    def _spans_touched(self: MainWindow, ids: list[str]) -> None:
        """A critic finding whose quoted text was edited away is kept, marked outdated."""
        for fid in ids:
            finding = self.findings.finding(fid)
            if finding is None or finding.source is Source.CHECK or finding.status is not Status.OPEN:
                continue  # check findings are recomputed by the next re-check
            if self.editor.span_text(fid) != finding.quote:
                updated = finding.model_copy(update={"status": Status.OUTDATED})
                self.findings.replace_finding(updated)
                self.editor.update_finding(updated)

    def decide(self: MainWindow, action: str, ids: list[str] | None = None, text: str | None = None) -> None:
        """Apply a decision to findings; Accept and Defer edits go in as one undo step."""
        from doccritic.core import decisions  # here, not at the top: not needed to show the first document

        ids = ids or self.panel.selected_ids()
        if not ids or self.snapshot is None:
            return
        if action in ("dismiss", "reply") and text is None:
            text = self._ask_text(action, ids)
            if text is None:
                return
        current = self.editor.toPlainText()
        text_map = Utf16Map(current)
        doc = self.snapshot.doc if current == self.snapshot.text else session.parse(current, self.info.format)
        edits, before, after = [], [], []
        for fid in ids:
            finding = self._with_live_span(self.findings.finding(fid), text_map)
            if finding is None:
                continue
            before.append(finding)
            edit = None
            if action == "accept":
                finding, edit = decisions.accept(finding, current)
            elif action == "defer":
                finding, edit = decisions.defer(finding, doc)
            elif action == "dismiss":
                finding = decisions.dismiss(finding, text or "")
            elif action == "reply":
                finding = decisions.reply(finding, text or "") if (text or "").strip() else finding
            elif action == "resolve":
                finding = decisions.resolve(finding)
            elif action == "reopen":
                finding = decisions.reopen(finding)
            self.findings.replace_finding(finding)
            self.editor.update_finding(finding)
            after.append(finding)
            if edit is not None and not self.editor.isReadOnly():
                edits.append(edit)
        if edits:
            self._apply_edits(edits, text_map, before, [_moved(f, edits) for f in after])
        self._update_status()
        self._save_timer.start()
        self._after_decision(action, ids, bool(edits))

    def _after_decision(self: MainWindow, action: str, ids: list[str], edited: bool) -> None:
        """Say what happened, and when the decided cards left the list, move on to the next open one (as
        Word does after accepting a change) so the decision buttons stay useful."""
        done = {"accept": "Accepted", "dismiss": "Dismissed", "defer": "Deferred", "resolve": "Resolved",
                "reopen": "Reopened", "reply": "Reply added"}.get(action, "Done")
        what = f"{len(ids)} findings" if len(ids) > 1 else "the finding"
        extra = {"accept": " and put its rewrite in the text", "defer": " and added its question to Open questions"}
        undo = " Ctrl+Z undoes it." if edited else ""
        self.statusBar().showMessage(f"{done} {what}{extra.get(action, '') if edited else ''}.{undo}", 6000)
        visible = set(self.panel.visible_ids())
        if self.panel.selected_ids() or not visible or action in ("reply", "reopen"):
            return
        here = min((s[0] for fid in ids if (s := self.editor.span_of(fid))), default=0)
        spans = sorted((span[0], fid) for fid in visible if (span := self.editor.span_of(fid)))
        target = next((fid for start, fid in spans if start >= here), spans[0][1] if spans else None)
        if target is not None:
            self.panel.select(target)

    def place_on(self: MainWindow, finding_id: str, start: int, end: int) -> None:
        """The PM chose which of an ambiguous quote's passages a finding is about: highlight it there."""
        from doccritic.core.findings import Anchor

        finding = self.findings.finding(finding_id)
        if finding is None:
            return
        placed = finding.model_copy(update={"start": start, "end": end, "anchor": Anchor.EXACT, "candidates": []})
        self.findings.replace_finding(placed)
        self.editor.upsert_findings([placed], respan=True)
        if self.snapshot is not None:
            self.findings.set_sections(self._sections_by_finding([placed]), only=True)
        self.panel.select(finding_id)
        self.editor.reveal(finding_id)
        self._save_timer.start()

    def _show_decided(self: MainWindow, findings: list[Finding]) -> None:
        """Put findings back as they were at one end of an undo step: status, card and highlight."""
        text_map = Utf16Map(self.editor.toPlainText())
        for finding in findings:
            self.findings.replace_finding(finding)
        self.editor.upsert_findings(findings, text_map, respan=True)
        self._update_status()
        self._save_timer.start()

    def _with_live_span(self: MainWindow, finding: Finding | None, text_map: Utf16Map) -> Finding | None:
        """The finding with offsets where its highlight is now (the user may have typed since)."""
        span = self.editor.span_of(finding.id) if finding else None
        if finding is None or span is None:
            return finding
        return finding.model_copy(update={"start": text_map.from_qt(span[0]), "end": text_map.from_qt(span[1])})

    def _apply_edits(self: MainWindow, edits: list[TextEdit], text_map: Utf16Map, before: list[Finding],
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
        self._decision_steps.append(_DecisionStep(depth_before, self._undo_depth, before, after))
        self._show_decided(after)

    def _undo_moved(self: MainWindow) -> None:
        """The document's undo stack moved (Ctrl+Z, Ctrl+Shift+Z, an edit): when it crossed a decision's edit,
        put that decision's findings back the way they were on that side of it. PySide6 has no custom undo
        items, so the stack's depth tells which edits were undone or redone."""
        document = self.editor.document()
        depth, last = document.availableUndoSteps(), self._undo_depth
        if depth == last:
            return
        self._undo_depth = depth
        for step in self._decision_steps:
            if last >= step.after_depth and depth <= step.before_depth:
                self._show_decided(step.before)
            elif last <= step.before_depth and depth >= step.after_depth:
                self._show_decided(step.after)
        if document.availableRedoSteps() == 0:  # a new edit dropped the redo stack, or a new document came
            self._decision_steps = [s for s in self._decision_steps if s.after_depth <= depth]

    def _ask_text(self: MainWindow, action: str, ids: list[str]) -> str | None:
        """The reason or note, in a dialog wide enough to see what is typed, naming the finding(s) it is for."""
        found = [f for f in (self.findings.finding(fid) for fid in ids) if f is not None]
        what = f"“{found[0].title}”" if len(found) == 1 else f"{len(found)} findings"
        dialog = QInputDialog(self)
        dialog.setMinimumWidth(460)
        if action == "dismiss":
            dialog.setWindowTitle("Dismiss finding" if len(found) == 1 else "Dismiss findings")
            dialog.setLabelText(f"Dismiss {what}.\nReason (optional, kept with the finding):")
        else:
            dialog.setWindowTitle("Reply")
            dialog.setLabelText(f"Your note on {what}:")
            dialog.setOption(QInputDialog.InputDialogOption.UsePlainTextEditForTextInput)
        dialog.resize(max(460, dialog.sizeHint().width()), dialog.sizeHint().height())
        return dialog.textValue() if dialog.exec() else None

    def add_critic_findings(self: MainWindow, cards: list[Finding], text_map: Utf16Map) -> None:
        """Show new or merged critic cards (offsets into the editor's current text); decisions on a card that
        another critic joined are kept."""
        by_id = {f.id: f for f in self.findings.findings}
        for card in cards:
            old = by_id.get(card.id)
            if old is not None:
                card = card.model_copy(update={"status": old.status, "replies": old.replies})
            by_id[card.id] = card
        self.findings.update_findings(list(by_id.values()))
        if self.snapshot is not None:
            self.findings.set_sections(self._sections_by_finding([by_id[c.id] for c in cards]), only=True)
        self.editor.upsert_findings([by_id[c.id] for c in cards], text_map)
        self._update_status()
        self._save_timer.start()

    def replace_critic_findings(self: MainWindow, keep: list[Finding]) -> None:
        """Keep only ``keep`` (a Retry replaces that critic's open findings)."""
        text_map = Utf16Map(self.editor.toPlainText())
        live = [f for f in (self._with_live_span(f, text_map) for f in keep) if f is not None]
        self.findings.update_findings(live)
        self.editor.set_findings(live, text_map)
        self._update_status()
        self._save_timer.start()

    def _finding_clicked(self: MainWindow, finding_id: str) -> None:
        if not self.panel.select(finding_id):
            self.statusBar().showMessage("That finding is hidden by the sidebar's filters.", 3000)

    def _card_selected(self: MainWindow, finding_id: str) -> None:
        if not self.editor.reveal(finding_id):
            self.editor.set_active(None)

    def _jump_to_offset(self: MainWindow, offset: int) -> None:
        if self.snapshot is None:
            return
        cursor = self.editor.textCursor()
        cursor.setPosition(Utf16Map(self.snapshot.text).to_qt(offset))
        self.editor.setTextCursor(cursor)
        self.editor.centerCursor()
        self.editor.setFocus()

    def step_finding(self: MainWindow, direction: int) -> str | None:
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
