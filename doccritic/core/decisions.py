"""Decisions on findings: accept, dismiss, defer, resolve, reopen, reply — and the text edits they imply.

Pure functions: they return an updated finding and, for Accept and Defer, the edit to apply to the
document, so the UI can apply it as one undoable step and the CLI or tests can apply it to a string.

A suggestion counts as a *concrete rewrite* when it is wholly wrapped in double quotes (“…” or "…"):
the quoted text replaces the finding's span. Any other suggestion is advice, and accepting the
finding only records the decision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from doccritic.core.document import BlockKind, DocFormat, Document
from doccritic.core.findings import Finding, Reply, Source, Status

_REWRITE = re.compile(r'^\s*[“"](?P<text>.+)[”"]\s*$', re.DOTALL)
OPEN_QUESTIONS = re.compile(r"^\s*(?:open|unresolved)\s+questions?\b", re.IGNORECASE)


class Decision(StrEnum):
    """What the PM decided about a finding (the commands of the sidebar's buttons and menus)."""

    ACCEPT = "accept"
    DISMISS = "dismiss"
    DEFER = "defer"
    RESOLVE = "resolve"
    REOPEN = "reopen"
    REPLY = "reply"


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace ``[start, end)`` (code points) with ``text``."""

    start: int
    end: int
    text: str

    def apply(self, text: str) -> str:
        return text[: self.start] + self.text + text[self.end :]


def rewrite_text(finding: Finding) -> str | None:
    """The replacement text when the suggestion is a concrete rewrite, else None."""
    if not finding.suggestion or not finding.placed:
        return None
    m = _REWRITE.match(finding.suggestion)
    return m.group("text") if m else None


def accept(finding: Finding, text: str | None = None) -> tuple[Finding, TextEdit | None]:
    """Accepted; with a concrete rewrite, the edit that puts it in, fitted to ``text`` around the passage."""
    rewrite = rewrite_text(finding)
    edit = None
    if rewrite is not None:
        start, end = finding.start, finding.end
        assert start is not None and end is not None  # rewrite_text needs a placed finding
        edit = TextEdit(start, end, fit_rewrite(rewrite, finding.quote, text[end:] if text is not None else "",
                                                text or ""))
    return finding.model_copy(update={"status": Status.ACCEPTED}), edit


def fit_rewrite(rewrite: str, quote: str, after: str = "", text: str = "") -> str:
    """A critic's rewrite in the passage's place: it keeps the passage's initial case (mid-sentence stays lower
    case, an acronym stays as it is) and does not double the full stop that follows ("… how many..")."""
    rewrite = rewrite.strip()
    if rewrite and quote:
        first, rest = rewrite[0], rewrite[1:2]
        word = re.match(r"\w+", rewrite)
        proper = word is not None and text and not re.search(rf"\b{re.escape(word.group().lower())}\b", text)
        if quote[0].islower() and first.isupper() and not rest.isupper() and not proper:
            rewrite = first.lower() + rewrite[1:]  # (a name the text never writes in lower case keeps its capital)
        elif quote[0].isupper() and first.islower():
            rewrite = first.upper() + rewrite[1:]
    if after[:1] in (".", "!", "?") and rewrite.endswith((".", "!", "?")):
        rewrite = rewrite[:-1]
    elif quote.rstrip().endswith(".") and not rewrite.endswith((".", "!", "?")):
        rewrite += "."  # the passage carried the sentence's full stop: so does its replacement
    return rewrite


def dismiss(finding: Finding, reason: str = "", author: str = "You") -> Finding:
    replies = finding.replies
    if reason.strip():
        replies = [*replies, Reply(author=author, text=f"Dismissed: {reason.strip()}")]
    return finding.model_copy(update={"status": Status.DISMISSED, "replies": replies})


def resolve(finding: Finding) -> Finding:
    return finding.model_copy(update={"status": Status.RESOLVED})


def reopen(finding: Finding) -> Finding:
    return finding.model_copy(update={"status": Status.OPEN})


def reply(finding: Finding, text: str, author: str = "You") -> Finding:
    return finding.model_copy(update={"replies": [*finding.replies, Reply(author=author, text=text.strip())]})


def defer(finding: Finding, doc: Document) -> tuple[Finding, TextEdit | None]:
    """Mark deferred and, for Markdown/text, add its question to the doc's "Open questions" section."""
    deferred = finding.model_copy(update={"status": Status.DEFERRED})
    if doc.format is DocFormat.DOCX:
        return deferred, None
    question = " ".join((finding.question or finding.title).split())
    if finding.source is Source.CHECK and finding.quote:  # a rule's question is generic: name the decision
        quote = " ".join(finding.quote.split())
        quote = quote if len(quote) <= 90 else quote[:87].rstrip() + "…"
        question = f"{question.rstrip()} (about “{quote}”)"
    return deferred, open_question_edit(doc, question)


def open_question_edit(doc: Document, question: str) -> TextEdit:
    """Append ``- question`` to the end of the "Open questions" section, creating the section if missing."""
    item = f"- {question}"
    section = next((s for s in doc.iter_sections() if OPEN_QUESTIONS.match(s.title)), None)
    if section is None:
        level = min((s.level for s in doc.iter_sections()), default=1)
        level = 2 if level == 1 and len(doc.sections) == 1 else level
        hashes = "#" * max(1, level) if doc.format is DocFormat.MARKDOWN else ""
        heading = f"{hashes} Open questions" if hashes else "Open questions\n=============="
        body = doc.text.rstrip("\n")
        return TextEdit(len(body), len(doc.text), f"\n\n{heading}\n\n{item}\n")
    blocks = [b for b in doc.blocks if section.start <= b.start < section.end and b.kind is not BlockKind.HEADING]
    anchor = max((b.end for b in blocks), default=next(b.end for b in doc.blocks if b.start == section.start))
    last = blocks[-1] if blocks else None
    separator = "\n" if last is not None and last.kind is BlockKind.LIST_ITEM else "\n\n"
    if last is not None and last.kind is BlockKind.LIST_ITEM:  # continue the list the way it is written
        line_start = doc.text.rfind("\n", 0, last.start) + 1
        marker = _LIST_MARKER.match(doc.text, line_start)
        if marker is not None:
            number, bullet = marker.group("number"), marker.group("bullet")
            item = f"{marker.group('indent')}{int(number) + 1}{marker.group('dot')} {question}" if number \
                else f"{marker.group('indent')}{bullet} {question}"
    return TextEdit(anchor, anchor, f"{separator}{item}")


_LIST_MARKER = re.compile(r"(?P<indent>[ \t]*)(?:(?P<number>\d{1,9})(?P<dot>[.)])|(?P<bullet>[-*+]))[ \t]")
