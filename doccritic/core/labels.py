"""The one table of how kinds, severities and statuses are named and coloured, for the window and every export.

Kept here (pure Python) so the Qt window, the Word, HTML, PDF and Markdown exports and the CLI all read
the same words and colours: a label or a colour fixed once (the weak-argument colour was darkened for
4.5:1 contrast) changes everywhere. Labels are sentence case ("Critical"); running text such as a
comment heading uses :func:`severity_word` / :func:`status_word` for the lower-case form.
"""

from __future__ import annotations

from dataclasses import dataclass

from doccritic.core.findings import Kind, Severity, Status


@dataclass(frozen=True)
class KindLook:
    """A kind's name, its colour on a light and on a dark background, and its icon's file stem."""

    label: str
    light: str
    dark: str
    icon: str


KINDS: dict[Kind, KindLook] = {
    Kind.ONE_WAY_DOOR: KindLook("One-way door", "#c62828", "#ff6b6b", "one_way_door"),
    Kind.WEAK_ARGUMENT: KindLook("Weak argument", "#975a00", "#ffb74d", "weak_argument"),
    Kind.CHALLENGED_ASSUMPTION: KindLook("Challenged assumption", "#6a1b9a", "#ce93d8", "challenged_assumption"),
    Kind.OPEN_QUESTION: KindLook("Open question", "#1565c0", "#64b5f6", "open_question"),
}
KIND_LABELS: dict[Kind, str] = {kind: look.label for kind, look in KINDS.items()}
SEVERITY_LABELS: dict[Severity, str] = {Severity.CRITICAL: "Critical", Severity.MAJOR: "Major",
                                        Severity.MINOR: "Minor"}
STATUS_LABELS: dict[Status, str] = {
    Status.OPEN: "Open", Status.ACCEPTED: "Accepted", Status.DISMISSED: "Dismissed",
    Status.DEFERRED: "Deferred", Status.RESOLVED: "Resolved", Status.OUTDATED: "Outdated",
}


def severity_word(severity: Severity) -> str:
    """The severity inside a sentence: "major"."""
    return SEVERITY_LABELS[severity].lower()


def status_word(status: Status) -> str:
    """The status inside a sentence: "dismissed"."""
    return STATUS_LABELS[status].lower()
