"""Reference material and the author's intent: the context critics need beyond the draft itself.

A PM pressure-tests a draft with its sources at hand (a policy, last quarter's research, the contract) and
knows what is already settled. Without that, critics re-litigate decided choices and cannot check a claim
against its source. These records are pure data: reading files is :mod:`doccritic.formats.references`,
sending them is :mod:`doccritic.claude.prompts`.

- :class:`Reference`: one attached file as text, ``R1``, ``R2``… in the order attached; ``persona`` set when
  it is for one critic only (a privacy policy for Legal).
- :class:`Intent`: what the author wants feedback on, what is decided and why, the constraints.
- :func:`cite`: a quote from a reference, anchored in its text with the same code that places a critic's
  quote in the draft (a :class:`~doccritic.core.findings.ReferenceCitation`), so "open the reference at the
  passage" lands on exact offsets.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from doccritic.core.errors import DoccriticError, ErrorKind
from doccritic.core.records import Record

if TYPE_CHECKING:  # findings holds these records' fields: it imports this module, so not the other way at load
    from doccritic.core.findings import ReferenceCitation

#: A reference file larger than this on disk is refused before it is read.
MAX_REFERENCE_BYTES = 50 * 1024 * 1024
#: All references of one review together, in estimated tokens: more would crowd the draft out of the context.
MAX_REFERENCE_TOKENS = 150_000
#: A reference up to this many characters keeps its text in the review JSON (restored without the file).
INLINE_TEXT_CHARS = 50_000


def estimate_tokens(text: str) -> int:
    """About four UTF-8 bytes per token, as the cost estimate counts the draft."""
    return -(-len(text.encode("utf-8")) // 4)


def fingerprint(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:16]


@dataclass(slots=True, kw_only=True)
class Reference(Record):
    """One attached file as the critics read it; ``text`` is omitted from the review JSON when large."""

    id: str  # "R1", stable within a review
    name: str  # the file name shown and sent
    path: str | None = None
    format: str = "text"  # markdown, docx, text, pdf
    chars: int = 0
    tokens: int = 0
    fingerprint: str = ""
    persona: str | None = None  # only this critic reads it; None: every critic
    text: str | None = None

    @classmethod
    def of(cls, ref_id: str, name: str, text: str, *, path: str | None = None, fmt: str = "text",
           persona: str | None = None) -> Reference:
        return cls(id=ref_id, name=name, path=path, format=fmt, chars=len(text), tokens=estimate_tokens(text),
                   fingerprint=fingerprint(text), persona=persona, text=text)

    def stored(self) -> Reference:
        """The copy written to the review: metadata, and the text only when it is small."""
        keep = self.text if self.text is not None and len(self.text) <= INLINE_TEXT_CHARS else None
        return Reference(id=self.id, name=self.name, path=self.path, format=self.format, chars=self.chars,
                         tokens=self.tokens, fingerprint=self.fingerprint, persona=self.persona, text=keep)


@dataclass(slots=True, kw_only=True)
class Intent(Record):
    """The author's note for this document, sent to critics and debaters after the draft."""

    feedback_on: str = ""  # what I want feedback on
    decided: str = ""  # what is already decided, and why
    constraints: str = ""

    @property
    def empty(self) -> bool:
        return not (self.feedback_on.strip() or self.decided.strip() or self.constraints.strip())

    def render(self) -> str:
        """The note as the critics read it (and exports print it): one labelled paragraph per part given."""
        parts = [(label, text.strip()) for label, text in (
            ("What I want feedback on", self.feedback_on), ("Already decided, and why", self.decided),
            ("Constraints", self.constraints)) if text.strip()]
        return "\n\n".join(f"{label}:\n{text}" for label, text in parts)


@dataclass(frozen=True, slots=True)
class ReviewContext:
    """What a run sends besides the draft: references (shared and per persona) and the intent."""

    references: tuple[Reference, ...] = ()
    intent: Intent | None = None

    @property
    def shared(self) -> list[Reference]:
        return [r for r in self.references if r.persona is None]

    def for_persona(self, persona_id: str) -> list[Reference]:
        return [r for r in self.references if r.persona == persona_id]

    def get(self, ref_id: str) -> Reference | None:
        want = ref_id.strip().upper()
        return next((r for r in self.references if r.id.upper() == want), None)

    @property
    def has_intent(self) -> bool:
        return self.intent is not None and not self.intent.empty

    def __bool__(self) -> bool:
        return bool(self.references) or self.has_intent


NO_CONTEXT = ReviewContext()


def next_id(existing: Iterable[Reference]) -> str:
    """``R<n>`` one past the highest in use: ids never change meaning once a citation points at them."""
    taken = [int(r.id[1:]) for r in existing if r.id[:1] == "R" and r.id[1:].isdigit()]
    return f"R{max(taken, default=0) + 1}"


def cite(ref: Reference, quote: str) -> ReferenceCitation:
    """Anchor ``quote`` in the reference's text (exact, normalized, elided, fuzzy): the citation opens there."""
    from doccritic.core.anchoring import anchor_quote
    from doccritic.core.findings import Anchor, ReferenceCitation

    quote = quote.strip()
    unplaced = ReferenceCitation(reference=ref.id, name=ref.name, quote=quote)
    if not quote or not ref.text:
        return unplaced
    where = anchor_quote(ref.text, quote)
    start: int | None
    end: int | None
    if where.anchor is Anchor.AMBIGUOUS and where.candidates:
        # a repeated passage still opens the reference at its first occurrence: the text is the same there
        (start, end), anchor = where.candidates[0], Anchor.EXACT
    elif where.anchor.placed and where.anchor is not Anchor.AMBIGUOUS:
        start, end, anchor = where.start, where.end, where.anchor
    else:
        return unplaced
    return ReferenceCitation(reference=ref.id, name=ref.name, quote=quote, start=start, end=end, anchor=anchor)


def same_text(a: str, b: str) -> bool:
    """True when two texts are the same words (whitespace aside): a "reference" that is the draft itself."""
    return fingerprint(a) == fingerprint(b)


def too_much(references: Sequence[Reference], adding: Reference | None = None,
             limit: int = MAX_REFERENCE_TOKENS) -> str | None:
    """Why adding ``adding`` would pass the cap on reference tokens, or None when it fits."""
    total = sum(r.tokens for r in references) + (adding.tokens if adding else 0)
    if total <= limit:
        return None
    what = f"{adding.name} (~{adding.tokens:,} tokens)" if adding else "the references"
    return (f"Cannot attach {what}: the references would come to ~{total:,} tokens, over the {limit:,}-token "
            "limit; attach the relevant chapter instead.")


_WORD = re.compile(r"[A-Za-z][A-Za-z']{2,}")
_STOP = frozenset(re.findall(r"\w+", "the and for are with this that will from into its our their them they have has"
                             " had been was were which when then than all any can not but also only each per via"
                             " after before over under new what who should must would could we us because since"))
_REASON = re.compile(r":|\s[-–—]\s|\b(?:because|since)\b", re.IGNORECASE)  # "decision: why", "… — why"


def _stems(text: str) -> set[str]:
    """Content words cut to five letters, plurals folded: "logs"/"log", "prepayment"/"prepaid" meet."""
    words = (m.group(0).lower() for m in _WORD.finditer(text))
    return {(w[:-1] if w.endswith("s") and len(w) > 3 else w)[:5] for w in words if w not in _STOP}


def stated_decisions(intent: Intent | None) -> list[tuple[str, str]]:
    """Each decision the intent calls settled, as (the decision, why): one per line or bullet of ``decided``."""
    if intent is None:
        return []
    out = []
    for line in intent.decided.splitlines():
        line = line.strip().lstrip("-*•").strip()
        line = re.sub(r"^\d+[.)]\s*", "", line)
        if not line:
            continue
        m = _REASON.search(line)
        head, why = (line[:m.start()], line[m.end():]) if m else (line, "")
        if head.strip():
            out.append((head.strip().rstrip("."), why.strip()))
    return out


def reopened_decision(intent: Intent | None, text: str) -> str | None:
    """The stated decision a finding (its title and quote, ``text``) is about, when its critic did not say so.

    A finding re-opens a decision when it names at least two of the decision's own words and either most of
    them (60%) or, with the reason the author gave, four in all: "Prepaid contract cannot be refunded" on
    "The prepayment buys the lowest tier price" re-opens "Five-year prepaid ColdVault contract: procurement
    negotiated the lowest tier price"; a finding that shares one word ("ColdVault") with it does not.
    """
    words = _stems(text)
    best: tuple[float, str] | None = None
    for head, why in stated_decisions(intent):
        own = _stems(head)
        shared = len(own & words)
        if len(own) < 2 or shared < 2:
            continue
        share = shared / len(own)
        enough = share >= 0.6 or shared + len((_stems(why) - own) & words) >= 4
        if enough and (best is None or share > best[0]):
            best = (share, head)
    return best[1] if best else None


_INTENT_KEYS = {"feedback_on": "feedback_on", "feedback": "feedback_on", "decided": "decided",
                "constraints": "constraints"}
_HEADERS = {"feedback on": "feedback_on", "what i want feedback on": "feedback_on", "feedback": "feedback_on",
            "decided": "decided", "already decided": "decided", "already decided, and why": "decided",
            "constraints": "constraints"}


def intent_from_toml(data: str, name: str = "intent") -> Intent:
    """An intent file: ``feedback_on``, ``decided`` and ``constraints`` as strings or lists of strings."""
    try:
        raw = tomllib.loads(data)
    except tomllib.TOMLDecodeError as exc:
        raise DoccriticError(f"Cannot read {name}: it is not valid TOML ({exc}).", ErrorKind.INVALID) from None
    fields: dict[str, str] = {}
    for key, value in raw.items():
        if key not in _INTENT_KEYS:
            raise DoccriticError(f"Cannot read {name}: unknown key {key!r} (use feedback_on, decided, constraints).",
                                 ErrorKind.INVALID)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = "\n".join(f"- {v}" for v in value)
        if not isinstance(value, str):
            raise DoccriticError(f"Cannot read {name}: {key} must be text or a list of texts.", ErrorKind.INVALID)
        fields[_INTENT_KEYS[key]] = value.strip()
    return Intent(**fields)


def intent_from_text(data: str) -> Intent:
    """A plain-text note; lines like ``Decided:`` or ``Constraints:`` start a part, the rest is feedback_on."""
    parts: dict[str, list[str]] = {"feedback_on": [], "decided": [], "constraints": []}
    current = "feedback_on"
    for line in data.splitlines():
        head, colon, rest = line.partition(":")
        key = _HEADERS.get(head.strip().strip("#*").strip().casefold()) if colon else None
        if key is not None:
            current = key
            if rest.strip():
                parts[current].append(rest.strip())
            continue
        parts[current].append(line)
    return Intent(**{k: "\n".join(v).strip() for k, v in parts.items()})


def intent_from_file_text(data: str, name: str) -> Intent:
    """TOML for ``*.toml`` files, a plain note for anything else."""
    return intent_from_toml(data, name) if name.lower().endswith(".toml") else intent_from_text(data)


@dataclass(slots=True)
class References:
    """A review's reference list being edited (GUI panel, CLI flags): ids stay stable, totals checked."""

    items: list[Reference] = field(default_factory=list)

    def add(self, ref: Reference) -> Reference:
        if (why := too_much(self.items, ref)) is not None:
            raise DoccriticError(why, ErrorKind.TOO_LARGE)
        ref.id = next_id(self.items)
        self.items.append(ref)
        return ref

    def remove(self, ref_id: str) -> None:
        self.items = [r for r in self.items if r.id != ref_id]
