"""One open document's review: the file, its parsed text and checks, the findings, the store and the journal.

The window and its controllers read this state freely and change it only through these methods, so
"what the review is" lives in one object: a new feature adds a method here instead of another attribute on
the window. The text itself and the highlights' live positions belong to the editor; the session reaches
them through :class:`TextSource` (a protocol), so it imports no widget.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Signal

from doccritic.core.findings import Finding, Review, Source, Status
from doccritic.core.journal import Journal, JournalEntry
from doccritic.core.references import Intent, Reference, ReviewContext, next_id
from doccritic.core.round_records import Round
from doccritic.ui import session as files
from doccritic.ui.findings_model import FindingsModel
from doccritic.ui.textpos import LaterText
from doccritic.ui.timers import timer

if TYPE_CHECKING:
    from pathlib import Path

    from doccritic.core.store import ReviewStore
    from doccritic.ui.runner import Runner

SAVE_DELAY_MS = 800  # decisions and re-checks are stored this long after the last change
RETIRE_DELAY_MS = 50  # a replaced snapshot is freed this long after the new one shows: not in the same stall
JOURNAL_SLICE = 1 << 20  # characters the journal escapes and encodes at a time


class TextSource(Protocol):
    """The editor as the session sees it: the current text and where each highlight is now."""

    def text(self) -> str: ...

    def text_later(self) -> LaterText:
        """The current text, for a worker to read (whole or in slices): the UI thread does not copy it."""
        ...

    def adopt(self, text: str, revision: int) -> None:
        """``text``, read from :meth:`text_later` at ``revision``, is kept if the text has not changed since."""
        ...

    def is_modified(self) -> bool: ...

    def revision(self) -> int:
        """Counts changes to the text: equal revisions, equal text (cheaper than comparing 6 MB)."""
        ...


class ReviewSession(QObject):
    """The open document's review state and the only API that changes it."""

    changed = Signal()  # findings were added, removed or decided: counts and the saved review follow
    checked = Signal(object)  # a re-check of the current text is ready (a Snapshot): the window shows it
    checks_applied = Signal()  # a (re)check's findings are in the model and shown
    journal_written = Signal()  # unsaved text reached the crash-recovery journal
    save_failed = Signal(str)  # the review could not be stored (one sentence)
    rounds_changed = Signal()  # a review round was added, or the document's rounds were loaded or imported
    context_changed = Signal()  # references or the intent changed (added, removed, assigned, edited, opened)
    reference_failed = Signal(str)  # a file could not be attached (one sentence); nothing else changed

    def __init__(self, runner: Runner, store: ReviewStore | None, journal: Journal, parent: QObject | None = None):
        super().__init__(parent)
        self.runner, self.store, self.journal = runner, store, journal
        self.info: files.OpenFile | None = None
        self.snapshot: files.Snapshot | None = None
        self.findings = FindingsModel(self)
        self.text_source: TextSource | None = None  # the editor, once the window has built it
        self._snapshot_revision: int | None = -1  # the text source's revision that the snapshot's text is
        self.saved_debates: Callable[[str], list[dict]] | None = None  # the debates of the open document
        self.attach_register: Callable[[Review], Review] | None = None  # adds the decision register (#16)
        self.rounds: list[Round] = []  # review rounds, oldest first; the newest keeps the text it reviewed
        self._journal_lock = threading.Lock()
        self._journal_seq = itertools.count(1)
        self._journal_written = 0
        self._save_timer = timer(self, SAVE_DELAY_MS, self.save_review)
        self._retired: files.Snapshot | None = None  # the snapshot a re-check replaced, freed soon after
        self._retire_timer = timer(self, RETIRE_DELAY_MS, self._free_retired)
        self.references: list[Reference] = []  # the open document's reference material, R1, R2… in order
        self.intent: Intent | None = None  # the author's note for the open document
        self._attaching = itertools.count(1)

    # what is open ----------------------------------------------------------------------------
    @property
    def path(self) -> Path | None:
        return self.info.path if self.info else None

    @property
    def editable(self) -> bool:
        return self.info is not None and not self.info.read_only

    def text(self) -> str:
        """The text as it is now (the editor's)."""
        return self.text_source.text() if self.text_source else (self.snapshot.text if self.snapshot else "")

    def load(self, info: files.OpenFile, snap: files.Snapshot) -> None:
        """A document was opened: its saved decisions and critic findings come back (checks follow)."""
        self.info = info
        self.findings.update_findings(snap.restored)
        self.set_rounds(snap.rounds)
        self.references, self.intent = list(snap.references), snap.intent
        self.context_changed.emit()

    def close(self) -> None:
        self.info = self.snapshot = None
        self.findings.update_findings([])
        self.set_rounds([])
        self.references, self.intent = [], None
        self.context_changed.emit()
        self.changed.emit()

    # reference material and intent -----------------------------------------------------------
    def review_context(self) -> ReviewContext:
        """What runs send besides the draft: references whose text is at hand, and the intent."""
        return ReviewContext(tuple(r for r in self.references if r.text), self.intent)

    def add_reference(self, path: Path, persona: str | None = None) -> None:
        """Read ``path`` on a worker; it is listed when read, or ``reference_failed`` says why not."""
        if self.snapshot is None:
            return
        from doccritic.formats.references import load_reference

        doc, existing = self.snapshot.doc, list(self.references)
        self.runner.submit(f"reference-{next(self._attaching)}",  # each its own channel: none supersedes another
                           lambda: load_reference(path, persona=persona, draft=doc, existing=existing),
                           self._reference_read, self.reference_failed.emit)

    def _reference_read(self, ref: Reference) -> None:
        from doccritic.core.references import too_much

        twin = next((r for r in self.references if r.fingerprint == ref.fingerprint and r.persona == ref.persona), None)
        if twin is not None:  # two adds of one file in flight
            self.reference_failed.emit(f"Cannot attach {ref.name}: it is already attached as {twin.id}.")
            return
        if (why := too_much(self.references, ref)) is not None:
            self.reference_failed.emit(why)
            return
        ref.id = next_id(self.references)
        self.references.append(ref)
        self._context_edited()

    def remove_reference(self, ref_id: str) -> None:
        self.references = [r for r in self.references if r.id != ref_id]
        self._context_edited()

    def assign_reference(self, ref_id: str, persona: str | None) -> None:
        """Who reads a reference: one persona, or every critic (None)."""
        for ref in self.references:
            if ref.id == ref_id and ref.persona != persona:
                ref.persona = persona
                self._context_edited()

    def set_intent(self, intent: Intent | None) -> None:
        intent = None if intent is None or intent.empty else intent
        if intent != self.intent:
            self.intent = intent
            self._context_edited()

    def import_context(self, references: list[Reference], intent: Intent | None) -> list[str]:
        """An imported review's references and intent join the open document's: a reference already attached
        (same words) or whose id is taken is left out, an intent is taken when there is none. Returns warnings."""
        warnings: list[str] = []
        known = {r.fingerprint for r in self.references}
        taken = {r.id for r in self.references}
        restored, missing = files.reread_references([r for r in references if r.fingerprint not in known])
        for ref in restored:
            if ref.id in taken:
                warnings.append(f"Reference {ref.id} {ref.name} was not imported: {ref.id} is already attached here.")
                continue
            self.references.append(ref)
        self.references.sort(key=lambda r: (len(r.id), r.id))  # R2 before R10
        if missing:
            warnings.append(f"Reference material could not be read and will not be sent: {', '.join(missing)}.")
        if (self.intent is None or self.intent.empty) and intent is not None and not intent.empty:
            self.intent = intent
        self._context_edited()
        return warnings

    def reference(self, ref_id: str) -> Reference | None:
        return next((r for r in self.references if r.id == ref_id), None)

    def _context_edited(self) -> None:
        self.context_changed.emit()
        self.schedule_save()

    # checks ----------------------------------------------------------------------------------
    def recheck(self) -> None:
        """Run the checks on the current text in the background (``checked`` follows, unless typed on)."""
        if self.info is None or self.info.read_only:
            return
        read, fmt, path, revision = self._text_later(), self.info.format, self.info.path, self._revision()
        self.runner.submit_stoppable("checks", lambda stop: files.recheck(read(), fmt, path, should_stop=stop),
                                     lambda snap: self._rechecked(snap, revision))

    def _text_later(self) -> LaterText:
        if self.text_source is None:
            return LaterText.of(self.text())
        return self.text_source.text_later()

    def _revision(self) -> int | None:
        return self.text_source.revision() if self.text_source else None

    def _rechecked(self, snap: files.Snapshot, revision: int | None = None) -> None:
        # Same revision: same text, without comparing megabytes on the UI thread.
        if revision is not None and revision == self._revision():
            if self.text_source is not None:
                self.text_source.adopt(snap.text, revision)  # the worker joined it: one copy for both
            self.checked.emit(snap)
        elif snap.text == self.text():
            self.checked.emit(snap)  # else the user kept typing; the pending re-check brings fresh results

    def apply_checks(self, snap: files.Snapshot, show: Callable[[list[Finding]], None]) -> None:
        """A parsed version's check findings replace the old ones, keeping decisions made on findings that
        remain; critic findings stay where their highlights are. ``show`` puts them all on screen."""
        # The replaced snapshot is freed a moment later, not inside this handler: a 1M-word draft's blocks and
        # sections take 10-20 ms to free, which added to the rest of showing the checks.
        self._retire(self.snapshot)
        self.snapshot, self._snapshot_revision = snap, self._revision()  # snap.text is the current text
        kept = []
        for f in snap.checks.findings:
            old = self.findings.finding(f.id)
            if old is not None and (old.status is not Status.OPEN or old.replies):
                f = f.model_copy(update={"status": old.status, "replies": old.replies})
            kept.append(f)
        others = [f for f in self.findings.findings if f.source is not Source.CHECK]  # offsets current (the model's)
        self.findings.update_findings(kept + others)
        self.findings.set_sections(self.sections_of(kept + others))
        show(self.findings.findings)
        self.changed.emit()
        self.schedule_save()
        self.checks_applied.emit()

    def _retire(self, snap: files.Snapshot | None) -> None:
        if snap is not None:
            self._retired = snap
            self._retire_timer.start()

    def _free_retired(self) -> None:
        self._retired = None

    def merge_cards(self, cards: list[Finding]) -> list[Finding]:
        """New or merged critic cards (offsets into the current text); a decision on a card that another
        critic joined is kept. Returns the cards as stored."""
        by_id = {f.id: f for f in self.findings.findings}
        for card in cards:
            old = by_id.get(card.id)
            if old is not None:  # the PM's decision and thread stand; a critic's re-raise note joins the thread
                extra = [r for r in card.replies if r not in old.replies]
                card = card.model_copy(update={"status": old.status, "replies": [*old.replies, *extra]})
            by_id[card.id] = card
        self.findings.update_findings(list(by_id.values()))
        merged = [by_id[c.id] for c in cards]
        if self.snapshot is not None:
            self.findings.set_sections(self.sections_of(merged), only=True)
        self.changed.emit()
        self.schedule_save()
        return merged

    def set_findings(self, findings: list[Finding]) -> None:
        """Exactly these findings (a Retry replacing a critic's open ones; an imported review)."""
        self.findings.update_findings(findings)
        if self.snapshot is not None:
            self.findings.set_sections(self.sections_of(findings))
        self.changed.emit()
        self.schedule_save()

    def replace(self, findings: Iterable[Finding], *, sections: bool = False) -> None:
        """Store new versions of findings (a decision, an undo, a passage picked, text edited away)."""
        findings = list(findings)
        for finding in findings:
            self.findings.replace_finding(finding)
        if sections and self.snapshot is not None:
            self.findings.set_sections(self.sections_of(findings), only=True)
        self.changed.emit()
        self.schedule_save()

    def sections_of(self, findings: list[Finding]) -> dict[str, str]:
        """The title of the section each finding sits in ("" when it is about the whole document)."""
        assert self.snapshot is not None
        out = {}
        for f in findings:
            section = self.snapshot.doc.section_at(f.start) if f.start is not None else None
            out[f.id] = section.title if section else ""
        return out

    # review rounds ---------------------------------------------------------------------------
    def set_rounds(self, rounds: list[Round]) -> None:
        """The document's rounds as loaded or imported (the newest with the text it reviewed)."""
        self.rounds = list(rounds)
        self.rounds_changed.emit()

    def can_rereview(self) -> bool:
        """A round was run and the text has changed since: there is something for a re-review to judge."""
        return bool(self.rounds) and self.snapshot is not None and self.editable \
            and self.snapshot.doc.fingerprint != self.rounds[-1].fingerprint

    def round_base(self) -> str:
        """The text the last round reviewed: where the next round's changes start."""
        return self.rounds[-1].text if self.rounds else ""

    def add_round(self, rnd: Round, text: str) -> list[Finding]:
        """Keep a finished round (on ``text``) and apply its verdicts to the findings: fixed ones resolved,
        regressed and re-raised ones open again. Returns the findings it changed, for the editor to restyle."""
        from doccritic.core.rounds import apply_round, with_round

        current = self.findings.findings
        updated = apply_round(current, rnd, self.text())
        changed = [new for old, new in zip(current, updated, strict=True) if new is not old]
        for finding in changed:
            self.findings.replace_finding(finding)
        self.rounds = with_round(self.rounds, rnd, text)
        self.rounds_changed.emit()
        self.changed.emit()
        self.schedule_save()
        return changed

    # the saved review ------------------------------------------------------------------------
    def schedule_save(self) -> None:
        self._save_timer.start()

    def current_review(self) -> Review | None:
        """The review as shown, on the last parsed text: live highlight positions, decisions, debates.

        None while a re-check is pending (the findings' offsets would not match ``snapshot.text``).
        """
        if self.snapshot is None or (self._revision() != self._snapshot_revision
                                     and self.text() != self.snapshot.text):
            return None
        from doccritic.formats.review_json import review_for  # not needed to show the first document

        review = review_for(self.snapshot.doc, self.findings.findings)  # the model's offsets: current
        if self.rounds:
            from doccritic.core.rounds import compact

            review.rounds = compact(self.rounds, self.snapshot.text)
        if self.saved_debates is not None:
            review.debates = self.saved_debates(self.snapshot.text)
        review.references, review.intent = [r.stored() for r in self.references], self.intent
        return self.attach_register(review) if self.attach_register is not None else review

    def save_review(self) -> None:
        """Store the review when the findings' offsets match the text (i.e. after a re-check)."""
        if self.store is None or self.path is None:
            return
        review = self.current_review()
        if review is None:
            return  # a re-check is pending; it will save again
        store = self.store
        self.runner.submit("store", lambda: store.save(review), lambda _: None, self.save_failed.emit)

    def shutdown(self) -> None:
        """The window is closing: a pending save happens now; the store closes once the runner is idle."""
        if self._save_timer.isActive():
            self._save_timer.stop()
            self.save_review()

    def close_store(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None

    # the crash-recovery journal --------------------------------------------------------------
    def write_journal(self) -> None:
        """Copy unsaved text to the journal on a worker thread; writes land in order."""
        source = self.text_source
        if self.path is None or source is None or not source.is_modified():
            return
        path, later, seq = self.path, source.text_later(), next(self._journal_seq)

        def write() -> None:
            with self._journal_lock:
                if seq > self._journal_written:
                    # In slices, never joined: one join and one encoding of a 1M-word draft held the GIL, and
                    # so the window, for tens of milliseconds each.
                    self.journal.write(path, later.slices(JOURNAL_SLICE))
                    self._journal_written = seq

        self.runner.submit("journal", write, lambda _: self.journal_written.emit())

    def flush_journal(self) -> None:
        """Write unsaved text to the journal now, on this thread (an unexpected error is being reported)."""
        source = self.text_source
        if self.path is None or source is None or not source.is_modified():
            return
        with self._journal_lock:
            self.journal.write(self.path, source.text())
            self._journal_written = next(self._journal_seq)

    def saved_to(self, path: Path) -> None:
        """The text was written to ``path``: it is the document's file now, with nothing left to recover."""
        assert self.info is not None
        self.info.path = path
        with self._journal_lock:
            self._journal_written = next(self._journal_seq)  # journal writes still in flight are now stale
            self.journal.discard(path)

    def discard_journal(self) -> None:
        if self.path is not None:
            self.journal.discard(self.path)

    def drop_recovered(self, entry: JournalEntry) -> None:
        if self.path is not None:
            self.journal.drop_recovered(self.path, entry)
