"""Eval cases: a draft with planted flaws and the labels that say where they are (``resources/eval/README.md``).

A label file is TOML written by hand, so every problem becomes one sentence naming the case and the flaw, and
the validator checks what a scorer silently depends on: every passage occurs verbatim in the draft text as
doccritic loads it (a passage that is not there could never be hit, and recall would look worse than it is).
Pure: the caller reads the files and passes the draft's loaded text in.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from doccritic.core.errors import DoccriticError, ErrorKind
from doccritic.core.findings import Kind, Severity

DIFFICULTIES = ("blatant", "subtle")
CASE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_CASE_KEYS = {"id", "title", "kind", "control", "twin_of", "holdout", "notes"}
_FLAW_KEYS = {"id", "kinds", "severity", "difficulty", "personas", "passages", "gist", "closes_when", "exit_ramp",
              "evidence", "description"}


class LabelError(DoccriticError):
    """A labels.toml that cannot be used; the message names the case and the field."""


@dataclass(frozen=True)
class Flaw:
    """One planted flaw: what it is, how bad, and where the draft states it (every restatement)."""

    id: str
    kinds: tuple[Kind, ...]
    severity: Severity
    difficulty: str
    personas: tuple[str, ...] = ()
    passages: tuple[str, ...] = ()
    gist: tuple[str, ...] = ()
    closes_when: str = ""
    exit_ramp: tuple[str, ...] = ()
    evidence: str = ""
    description: str = ""

    @property
    def kind(self) -> Kind:
        """The first accepted kind: the one ``recall by kind`` files the flaw under."""
        return self.kinds[0]


@dataclass(frozen=True)
class Case:
    """One labelled draft. ``control`` and ``twin_of`` mark clean drafts, where every finding is a false positive."""

    id: str
    title: str = ""
    kind: str = ""
    control: bool = False
    twin_of: str = ""
    holdout: bool = False
    notes: str = ""
    flaws: tuple[Flaw, ...] = field(default=())

    @property
    def clean(self) -> bool:
        return self.control or bool(self.twin_of)


def parse_labels(text: str, folder: str) -> Case:
    """A case from the text of its labels.toml; ``folder`` is the case folder's name, which the id must equal."""
    where = f"{folder}/labels.toml"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LabelError(f"{where}: not valid TOML ({exc}).", ErrorKind.CORRUPT) from None
    head = _table(data.get("case"), f"{where}: [case]")
    _no_extra(head, _CASE_KEYS, f"{where}: [case]")
    case_id = _text(head, "id", f"{where}: [case]", required=True)
    if case_id != folder:
        raise LabelError(f'{where}: [case] id "{case_id}" must equal the folder name "{folder}".', ErrorKind.INVALID)
    if not CASE_ID.match(case_id):
        raise LabelError(f"{where}: case id {case_id!r}: use lower-case letters, digits and dashes.", ErrorKind.INVALID)
    raw_flaws = data.get("flaw", [])
    if not isinstance(raw_flaws, list):
        raise LabelError(f"{where}: flaws are [[flaw]] tables.", ErrorKind.INVALID)
    flaws = tuple(_flaw(_table(f, f"{where}: flaw {i + 1}"), f"{where}: flaw", i) for i, f in enumerate(raw_flaws))
    ids = [f.id for f in flaws]
    if dupes := sorted({i for i in ids if ids.count(i) > 1}):
        raise LabelError(f"{where}: flaw ids used twice: {', '.join(dupes)}.", ErrorKind.INVALID)
    extra = set(data) - {"case", "flaw"}
    if extra:
        raise LabelError(f"{where}: unknown table(s): {', '.join(sorted(extra))}.", ErrorKind.INVALID)
    return Case(
        id=case_id, title=_text(head, "title", where), kind=_text(head, "kind", where),
        control=_flag(head, "control", where), twin_of=_text(head, "twin_of", where),
        holdout=_flag(head, "holdout", where), notes=_text(head, "notes", where), flaws=flaws,
    )


def problems(case: Case, draft_text: str, *, case_ids: frozenset[str] = frozenset(),
             persona_ids: frozenset[str] = frozenset()) -> list[str]:
    """What is wrong with a parsed case against its draft: passages not verbatim in the text, a control with
    flaws, a twin of an unknown case, personas nobody has (checked only when the sets are given)."""
    out = []
    if case.control and case.flaws:
        out.append(f"{case.id}: a control (control = true) has no flaws, but {len(case.flaws)} are labelled.")
    if not case.clean and not case.flaws:
        out.append(f"{case.id}: no [[flaw]] labelled; mark a clean draft with control = true.")
    if case.twin_of and case_ids and case.twin_of not in case_ids:
        out.append(f'{case.id}: twin_of "{case.twin_of}" is not a case in this corpus.')
    for flaw in case.flaws:
        for passage in flaw.passages:
            if passage not in draft_text:
                out.append(f"{case.id} {flaw.id}: passage not found verbatim in the draft: {_short(passage)!r}"
                           f"{_hint(passage, draft_text)}.")
        if unknown := [p for p in flaw.personas if persona_ids and p not in persona_ids]:
            out.append(f"{case.id} {flaw.id}: unknown persona(s): {', '.join(unknown)}.")
    return out


def passage_spans(flaw: Flaw, text: str) -> list[tuple[int, int]]:
    """Every ``[start, end)`` where one of the flaw's passages occurs in ``text`` (a passage may repeat)."""
    spans = []
    for passage in flaw.passages:
        at = text.find(passage)
        while at >= 0 and passage:
            spans.append((at, at + len(passage)))
            at = text.find(passage, at + 1)
    return sorted(spans)


def _flaw(raw: dict[str, Any], where: str, index: int) -> Flaw:
    fid = _text(raw, "id", f"{where} {index + 1}", required=True)
    where = f"{where} {fid}"
    _no_extra(raw, _FLAW_KEYS, where)
    kinds = _strings(raw, "kinds", where)
    try:
        parsed = tuple(Kind(k) for k in kinds)
    except ValueError:
        raise LabelError(f"{where}: kinds {kinds}: use {' | '.join(k.value for k in Kind)}.",
                         ErrorKind.INVALID) from None
    if not parsed:
        raise LabelError(f"{where}: kinds is empty: name at least one accepted kind.", ErrorKind.INVALID)
    severity = _text(raw, "severity", where, required=True)
    if severity not in {s.value for s in Severity}:
        raise LabelError(f"{where}: severity {severity!r}: use critical | major | minor.", ErrorKind.INVALID)
    difficulty = _text(raw, "difficulty", where, required=True)
    if difficulty not in DIFFICULTIES:
        raise LabelError(f"{where}: difficulty {difficulty!r}: use blatant | subtle.", ErrorKind.INVALID)
    passages = _strings(raw, "passages", where)
    gist = _strings(raw, "gist", where)
    if not passages and not gist:
        raise LabelError(f"{where}: give passages (where the draft states it) or gist keywords.", ErrorKind.INVALID)
    if any(not p.strip() for p in passages + gist):
        raise LabelError(f"{where}: an empty passage or gist keyword matches everything.", ErrorKind.INVALID)
    return Flaw(
        id=fid, kinds=parsed, severity=Severity(severity), difficulty=difficulty,
        personas=tuple(_strings(raw, "personas", where)), passages=tuple(passages), gist=tuple(gist),
        closes_when=_text(raw, "closes_when", where), exit_ramp=tuple(_strings(raw, "exit_ramp", where)),
        evidence=_text(raw, "evidence", where), description=_text(raw, "description", where),
    )


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise LabelError(f"{where} is missing or not a table.", ErrorKind.INVALID)
    return value


def _no_extra(raw: dict[str, Any], known: set[str], where: str) -> None:
    if extra := set(raw) - known:  # a typo ("pasages") would otherwise drop a label without a word
        raise LabelError(f"{where}: unknown key(s): {', '.join(sorted(extra))}.", ErrorKind.INVALID)


def _text(raw: dict[str, Any], key: str, where: str, *, required: bool = False) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise LabelError(f"{where}: {key} must be {'a non-empty' if required else 'a'} string.", ErrorKind.INVALID)
    return value.strip()


def _flag(raw: dict[str, Any], key: str, where: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise LabelError(f"{where}: {key} must be true or false.", ErrorKind.INVALID)
    return value


def _strings(raw: dict[str, Any], key: str, where: str) -> list[str]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LabelError(f"{where}: {key} must be a list of strings.", ErrorKind.INVALID)
    return list(value)


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _hint(passage: str, text: str) -> str:
    """Why a passage labelled from the source file is missing from the loaded text: markup, quotes, spaces."""
    folded = " ".join(passage.split())
    if folded != passage and folded in text:
        return " (its spacing or line breaks differ from the loaded text)"
    plain = re.sub(r"[*_`]", "", passage)
    if plain != passage and plain in text:
        return " (drop the Markdown markup: passages are matched against the loaded text)"
    return ""
