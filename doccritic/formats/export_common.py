"""What every export says about a finding: one wording for Word comments, CriticMarkup, HTML and PDF.

Exporters differ in layout, never in content: who raised it (persona names, or "doccritic checks"), the
kind and severity, the title, why, the fix, the question to expect, reversibility, the status and the
replies. Everything here is plain text; each exporter escapes it for its own format.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from doccritic.core.document import DocFormat, Document
from doccritic.core.findings import Finding, ReferenceCitation, Review, Source, Status
from doccritic.core.labels import KIND_LABELS, severity_word, status_word
from doccritic.core.merge import is_tradeoff

CHECKS_AUTHOR = "doccritic checks"


@dataclass(frozen=True)
class Note:
    """A finding as an export shows it."""

    finding: Finding
    author: str  # "Staff Engineer", "Staff Engineer +2", "doccritic checks", "Debate"
    initials: str
    heading: str  # "One-way door · critical: Turns it on for everyone at once"
    lines: tuple[str, ...] = field(default=())  # body paragraphs, in order
    replies: tuple[tuple[str, str], ...] = ()  # (author, text)

    @property
    def text(self) -> str:
        """Heading and body as one plain-text block (a Word comment, a CriticMarkup note)."""
        return "\n".join((self.heading, *self.lines))


@lru_cache(maxsize=256)  # asked once per note: 50,000 notes from a handful of personas
def initials_of(name: str) -> str:
    """"Staff Engineer" -> "SE", "Legal & Privacy Counsel" -> "LPC", "PM" -> "PM", "Priya" -> "P"."""
    words = name.replace("&", " ").split()
    if len(words) == 1 and words[0].isupper() and len(words[0]) <= 3:
        return words[0]  # already an acronym
    letters = "".join(part[0] for part in words if part[:1].isalpha())
    return (letters or name[:2]).upper()[:3]


def note_for(finding: Finding, names: Mapping[str, str] | None = None,
             initials: Mapping[str, str] | None = None) -> Note:
    """``names``/``initials``: persona id -> display name / initials (falls back to the id)."""
    names, initials = names or {}, initials or {}
    if finding.source is Source.CHECK or not finding.persona:
        author, short = (CHECKS_AUTHOR, "DC") if finding.source is Source.CHECK else ("Debate", "DB")
    else:
        first = names.get(finding.persona, finding.persona)
        others = len(finding.personas) - 1
        author = f"{first} +{others}" if others > 0 else first
        short = initials.get(finding.persona) or initials_of(first)
    heading = f"{KIND_LABELS[finding.kind]} · {severity_word(finding.severity)}: {finding.title}"
    lines: list[str] = []
    if finding.misquoted:  # the export marks the document's own words; the critic's differ in a way that matters
        lines.append(f"Misquoted: the critic wrote “{' '.join(finding.quote.split())}”, which differs from the "
                     "document's words here in numbers, negations or names.")
    if finding.confidence is not None:
        lines.append(f"Confidence: {round(finding.confidence * 100)}% that a well-informed reviewer agrees.")
    if finding.rationale:
        lines.append(finding.rationale)
    lines += [f"{label}: {value}" for label, value in (
        ("Assumption", finding.assumption), ("Evidence needed", finding.evidence_needed),
        ("How to test", finding.how_to_test)) if value]
    if finding.suggestion:
        lines.append(f"Suggestion: {finding.suggestion}")
    if finding.question:
        lines.append(f"Question to expect: {finding.question}")
    if finding.reversibility is not None:
        r = finding.reversibility
        parts = [f"Reversibility: {r.level.replace('_', '-')}."]
        for label, value in (("Closes when", r.closes_when), ("Cost to reverse", r.cost_to_reverse),
                             ("Exit ramp", r.exit_ramp), ("Decision owner", r.decision_owner)):
            if value.strip():
                parts.append(f"{label}: {value.strip().rstrip('.')}.")
        lines.append(" ".join(parts))
    if gaps := finding.incomplete:
        lines.append(f"Incomplete: the critic left out {', '.join(gaps)}.")
    for other in finding.also_raised_by:
        who = names.get(other.persona, other.persona)
        fix = f" Suggests: {other.suggestion}" if other.suggestion and not is_tradeoff(finding) else ""
        lines.append(f"Also raised by {who} ({severity_word(other.severity)}): {other.rationale}{fix}".strip())
    if is_tradeoff(finding):
        options = [f"{names.get(finding.persona or '', finding.persona or '')}: {finding.suggestion}"]
        options += [f"{names.get(r.persona, r.persona)}: {r.suggestion}"
                    for r in finding.also_raised_by if r.suggestion]
        lines.append("Trade-off, the critics disagree on the fix: " + " | ".join(options))
    if finding.challenges_decision:
        lines.append(f"Challenges a stated decision: {finding.challenges_decision}")
    lines += [cite_line(c) for c in finding.cites]  # the appendix lists the references, by id and name
    if finding.status is not Status.OPEN:
        lines.append(f"Status: {status_word(finding.status)}.")
    replies = tuple((r.author, r.text) for r in finding.replies)
    return Note(finding, author, short, heading, tuple(lines), replies)


def cite_line(c: ReferenceCitation) -> str:
    """``Cites R1 policy.md: “…”``: a reference passage a finding or a debate turn relies on, as every export
    says it (the appendix lists the references by id and name)."""
    quote = " ".join(c.quote.split())
    return f"Cites {c.label}: “{quote}”" + ("" if c.placed else " (not found in the reference)")


def exported_findings(review: Review, *, include_dismissed: bool = False, include_checks: bool = True
                      ) -> list[Finding]:
    """The findings an export shows, in document order (document-level ones last)."""
    keep: Iterable[Finding] = review.findings
    if not include_dismissed:
        keep = (f for f in keep if f.status is not Status.DISMISSED)
    if not include_checks:
        keep = (f for f in keep if f.source is not Source.CHECK)
    return sorted(keep, key=Finding.sort_key)


#: Longest title a header shows: a heading of megabytes once took the PDF minutes (elided on every page).
MAX_TITLE_CHARS = 300


def shown_title(doc: Document, fallback: str = "") -> str:
    """The document's title as a reader sees it: a Markdown heading's entities, escapes and markup resolved
    ("R&amp;D *plan*" -> "R&D plan"), so headers and PDF metadata never show source syntax; at most
    :data:`MAX_TITLE_CHARS` characters, cut at a word with "…"."""
    title = doc.title or fallback or "Untitled"
    cut = len(title) > 4 * MAX_TITLE_CHARS
    title = title[: 4 * MAX_TITLE_CHARS]  # markup only shortens it: parse no more than could be shown
    if doc.format is DocFormat.MARKDOWN:
        title = rendered_inline(title)
    if not cut and len(title) <= MAX_TITLE_CHARS:
        return title
    head = title[:MAX_TITLE_CHARS]
    return (head.rsplit(" ", 1)[0] if " " in head else head).rstrip() + "…"


def rendered_inline(title: str) -> str:
    """One line of Markdown as a reader sees it, whitespace collapsed ("R&amp;D *plan*" -> "R&D plan")."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parseInline(title)
    children = tokens[0].children if tokens else None
    shown = "".join(t.content for t in children or () if t.type in ("text", "code_inline", "image"))
    return " ".join(shown.split()) or title
