"""Critic personas: the reviewers on the panel, as data the user can read, copy and edit.

A persona is one TOML file. Built-ins ship in ``resources/personas``; the user's own live in
``<config dir>/personas`` (:func:`user_personas_dir`). A user file whose id is a built-in's replaces
that built-in, which is how a user tunes or turns off a shipped persona without touching the install.

Why it is built this way:

* The file name is the identity on disk: ``<id>.toml`` must hold ``id = "<id>"``. Saving writes that
  name and deleting removes it, so two files can never claim one id, and a copied file with a stale id
  is reported (with the fix) rather than silently shadowing another persona.
* One bad file never costs the user the panel: it is skipped and described in ``PersonaSet.errors``
  (one sentence naming the file and every bad field), and the rest load. A broken user override of a
  built-in leaves the built-in in place.
* ``builtin`` and ``path`` say where a persona came from; they are never written to or read from a file.
* Saving re-validates and writes with tomli-w, so whatever ``save_persona`` writes, ``load_personas``
  reads back equal.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from doccritic import paths
from doccritic.core.errors import DoccriticError, ErrorKind
from doccritic.core.fileio import atomic_write_text

Effort = Literal["low", "medium", "high", "xhigh", "max"]
EFFORTS: tuple[str, ...] = ("low", "medium", "high", "xhigh", "max")

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
_COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
_COPY_ID_RE = re.compile(r"-copy(?:-\d+)?$")
_COPY_NAME_RE = re.compile(r" \(copy(?: \d+)?\)$")

# The keys a persona file may hold, in the order save_persona writes them (short fields first, lens last).
FILE_FIELDS: tuple[str, ...] = (
    "id", "name", "role", "initials", "color", "enabled", "model", "effort", "thinking", "tone", "questions", "lens",
)  # fmt: skip

# Panel order for the shipped personas: the default-on panel first. Built-ins not listed follow by id.
BUILTIN_ORDER: tuple[str, ...] = (
    "staff-engineer", "skeptical-exec", "target-customer", "devils-advocate", "legal-privacy",
    "product-designer", "data-scientist", "go-to-market", "security-engineer", "support-operations", "finance",
    "authors-advocate",
)  # fmt: skip

MAX_FILE_BYTES = 256 * 1024  # a persona is a few paragraphs; anything bigger is the wrong file
_MAX_PROBLEMS = 4
_FILE_HEADER = (
    "# A doccritic critic persona, read each time the panel starts. The file name must be <id>.toml.\n"
    '# Optional: model = "<model id>", effort = "low" | "medium" | "high" | "xhigh" | "max", and\n'
    "# thinking = true | false (adaptive thinking for this reviewer, whatever the app's setting).\n\n"
)


class PersonaError(DoccriticError):
    """A persona cannot be read, saved or deleted; the message names the file or id and the field."""


def _custom(message: str, **ctx: Any) -> PydanticCustomError:
    return PydanticCustomError("persona", message, ctx)


class Persona(BaseModel):
    """One critic on the panel: who they are, what they look for and how they write."""

    # strict: TOML already has types, so `enabled = "yes"` or `initials = 12` is a mistake to report,
    # not something to coerce.
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True, validate_assignment=True)

    id: str
    name: str
    role: str
    lens: str
    questions: list[str]
    tone: str = ""
    color: str
    initials: str
    enabled: bool = True
    model: str | None = None
    effort: Effort | None = None
    thinking: bool | None = None  # adaptive thinking for this reviewer; None: the app's setting
    builtin: bool = Field(default=False, exclude=True)
    path: Path | None = Field(default=None, exclude=True)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not ID_RE.match(value):
            raise _custom(
                "'{value}' is not a valid id: use 2-40 lowercase letters, digits and hyphens, "
                "starting with a letter or digit",
                value=_short(value),
            )
        return value

    @field_validator("name", "role")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if not value:
            raise _custom("must not be empty")
        if "\n" in value or "\r" in value:
            raise _custom("must be a single line")
        return value

    @field_validator("lens", "tone")
    @classmethod
    def _text(cls, value: str, info: ValidationInfo) -> str:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        if info.field_name == "lens" and not value:
            raise _custom("must not be empty: describe what this reviewer looks for")
        return value

    @field_validator("questions")
    @classmethod
    def _questions(cls, value: list[str]) -> list[str]:
        if not value:
            raise _custom("needs at least one question")
        for number, question in enumerate(value, 1):
            if not question:
                raise _custom("question {number} is empty", number=number)
        return value

    @field_validator("color")
    @classmethod
    def _color(cls, value: str) -> str:
        if not _COLOR_RE.match(value):
            raise _custom("'{value}' is not a #rrggbb colour", value=_short(value))
        return value.lower()

    @field_validator("initials")
    @classmethod
    def _initials(cls, value: str) -> str:
        if not 1 <= len(value) <= 3 or any(ch.isspace() for ch in value):
            raise _custom("'{value}' must be 1 to 3 characters without spaces", value=_short(value))
        return value

    @field_validator("model", mode="before")
    @classmethod
    def _model(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None  # an emptied field in the editor means "use the default model"
            if any(ch.isspace() for ch in value):
                raise _custom("'{value}' is not a model id (no spaces)", value=_short(value))
        return value

    def brief(self) -> str:
        """The persona as plain text for a critic prompt: who, what they look for, what they ask, how."""
        parts = [f"Reviewer: {self.name} — {self.role}", self.lens]
        parts.append("Questions you typically ask:\n" + "\n".join(f"- {q}" for q in self.questions))
        if self.tone:
            parts.append(f"How you write: {self.tone}")
        return "\n\n".join(parts) + "\n"

    def file_data(self) -> dict[str, Any]:
        """The fields a persona file holds, in file order, unset optional fields left out."""
        dumped = self.model_dump()
        return {key: dumped[key] for key in FILE_FIELDS if dumped.get(key) is not None}


@dataclass
class PersonaSet:
    """Every persona that loaded, built-ins first, and a sentence for each file that did not."""

    personas: list[Persona] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    user_dir: Path | None = None
    builtin_ids: frozenset[str] = frozenset()

    def get(self, persona_id: str) -> Persona | None:
        return next((p for p in self.personas if p.id == persona_id), None)

    def require(self, persona_id: str) -> Persona:
        """The persona with this id, or a PersonaError that lists the ids there are."""
        persona = self.get(persona_id)
        if persona is None:
            known = ", ".join(p.id for p in self.personas)
            raise PersonaError(f"Unknown persona '{persona_id}' (known: {known}).", ErrorKind.NOT_FOUND)
        return persona

    def enabled(self) -> list[Persona]:
        return [p for p in self.personas if p.enabled]

    def ids(self) -> list[str]:
        return [p.id for p in self.personas]

    def is_override(self, persona_id: str) -> bool:
        """True when the user's file replaces a built-in (so the UI can offer "restore the built-in")."""
        persona = self.get(persona_id)
        return persona is not None and not persona.builtin and persona_id in self.builtin_ids


def user_personas_dir() -> Path:
    return paths.config_dir() / "personas"


def builtin_personas_dir() -> Path:
    return paths.resource("personas")


def parse_persona(data: Mapping[str, Any], *, source: str, builtin: bool = False, path: Path | None = None) -> Persona:
    """Validate persona fields (a parsed file, or an editor's form) or raise :class:`PersonaError`.

    ``source`` starts the message, e.g. "Persona file my-pm.toml"; the rest names each bad field.
    """
    problems = []
    for key in data:
        if key not in FILE_FIELDS:
            close = difflib.get_close_matches(str(key), FILE_FIELDS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f" (known fields: {', '.join(FILE_FIELDS)})"
            problems.append(f"field '{key}': not a persona field{hint}")
    known = {key: value for key, value in data.items() if key in FILE_FIELDS}
    persona = None
    try:
        persona = Persona.model_validate({**known, "builtin": builtin, "path": path})
    except ValidationError as exc:
        problems.extend(_describe(err) for err in exc.errors())
    if problems:
        shown = problems[:_MAX_PROBLEMS]
        more = len(problems) - len(shown)
        tail = f"; and {more} more problem{'s' if more > 1 else ''}" if more else ""
        raise PersonaError(f"{source}: {'; '.join(shown)}{tail}.", ErrorKind.INVALID)
    assert persona is not None
    return persona


def load_persona_file(path: Path, *, builtin: bool = False) -> Persona:
    """Read one persona file; its name must be ``<id>.toml``. Raises :class:`PersonaError`."""
    label = f"{'Built-in persona' if builtin else 'Persona'} file {path.name}"
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise PersonaError(
                f"{label} is larger than {MAX_FILE_BYTES // 1024} KB; a persona is a few paragraphs of text.",
                ErrorKind.TOO_LARGE,
            )
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PersonaError(f"{label} cannot be read: {exc.strerror or exc}.", ErrorKind.UNREADABLE) from None
    except UnicodeDecodeError:
        raise PersonaError(f"{label} is not UTF-8 text; save it as UTF-8.", ErrorKind.INVALID) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PersonaError(f"{label} is not valid TOML: {exc}.", ErrorKind.INVALID) from None
    persona = parse_persona(data, source=label, builtin=builtin, path=path)
    if persona.id != path.stem:
        fix = f"rename the file to {persona.id}.toml"
        if ID_RE.match(path.stem):
            fix += f' or set id = "{path.stem}"'
        raise PersonaError(
            f"{label}: field 'id': '{persona.id}' does not match the file name (each persona file is named after "
            f"its id); {fix}.",
            ErrorKind.INVALID,
        )
    return persona


def load_personas(user_dir: Path | None = None) -> PersonaSet:
    """Built-ins (in panel order) then the user's personas; a user file with a built-in's id replaces it.

    Never raises for a bad file: each is skipped and described in ``.errors``. A missing user folder is
    simply empty.
    """
    user_dir = user_personas_dir() if user_dir is None else Path(user_dir)
    result = PersonaSet(user_dir=user_dir)
    builtins: dict[str, Persona] = {}
    builtin_files = _toml_files(builtin_personas_dir(), result.errors, "doccritic's built-in personas folder")
    for path in builtin_files:
        try:
            persona = load_persona_file(path, builtin=True)
        except PersonaError as err:
            result.errors.append(str(err))
        else:
            builtins[persona.id] = persona
    result.builtin_ids = frozenset(path.stem for path in builtin_files)
    order = {pid: n for n, pid in enumerate(BUILTIN_ORDER)}
    ordered = sorted(builtins.values(), key=lambda p: (order.get(p.id, len(order)), p.id))

    users: dict[str, Persona] = {}
    for path in _toml_files(user_dir, result.errors, "Your personas folder") if user_dir.exists() else []:
        try:
            users[path.stem] = load_persona_file(path)
        except PersonaError as err:
            message = str(err)
            if path.stem in builtins:
                message = f"{message.rstrip('.')}; the built-in {builtins[path.stem].name} is used instead."
            result.errors.append(message)
    result.personas = [users.pop(p.id, p) for p in ordered] + sorted(users.values(), key=lambda p: p.id)
    return result


def save_persona(persona: Persona, user_dir: Path | None = None) -> Path:
    """Write ``<user_dir>/<id>.toml`` atomically (creating the folder) and return its path.

    Saving a built-in's id creates a user override; :func:`delete_persona` removes it again.
    """
    import tomli_w  # only needed when the user edits a persona

    user_dir = user_personas_dir() if user_dir is None else Path(user_dir)
    checked = parse_persona(persona.file_data(), source=f"Persona '{persona.id}'")
    target = user_dir / f"{checked.id}.toml"
    try:
        user_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_text(target, _FILE_HEADER + tomli_w.dumps(checked.file_data(), multiline_strings=True))
    except OSError as exc:
        raise PersonaError(
            f"Cannot save persona '{checked.id}' to {target}: {exc.strerror or exc}.", ErrorKind.UNREADABLE
        ) from None
    return target


def delete_persona(persona_id: str, user_dir: Path | None = None) -> Path:
    """Delete the user's ``<id>.toml`` and return its path; a built-in it overrode comes back.

    Built-ins cannot be deleted (they live in the install); turning them off is the way to drop one.
    """
    user_dir = user_personas_dir() if user_dir is None else Path(user_dir)
    if not ID_RE.match(persona_id):
        raise PersonaError(f"'{_short(persona_id)}' is not a persona id.", ErrorKind.NOT_FOUND)
    target = user_dir / f"{persona_id}.toml"
    if target.is_file():
        try:
            target.unlink()
        except OSError as exc:
            raise PersonaError(
                f"Cannot delete persona file {target}: {exc.strerror or exc}.", ErrorKind.UNREADABLE
            ) from None
        return target
    if (builtin_personas_dir() / f"{persona_id}.toml").is_file():
        raise PersonaError(
            f"'{persona_id}' is a built-in persona and cannot be deleted; turn it off instead.", ErrorKind.INVALID
        )
    raise PersonaError(f"There is no persona '{persona_id}' in {user_dir}.", ErrorKind.NOT_FOUND)


def duplicate_persona(persona: Persona, existing_ids: Iterable[str]) -> Persona:
    """A user copy to edit: a free id like ``staff-engineer-copy``, "… (copy)" name, turned off.

    The copy starts off so duplicating never silently doubles the panel (and the API bill); the editor
    turns it on once it differs from the original.
    """
    taken = set(existing_ids)
    base = _COPY_ID_RE.sub("", persona.id)
    name = _COPY_NAME_RE.sub("", persona.name)
    for number in count(1):
        suffix = "-copy" if number == 1 else f"-copy-{number}"
        candidate = base[: 40 - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            label = " (copy)" if number == 1 else f" (copy {number})"
            data = {**persona.file_data(), "id": candidate, "name": name + label, "enabled": False}
            return parse_persona(data, source=f"Persona '{candidate}'")
    raise AssertionError("unreachable")  # count() never ends


def _toml_files(folder: Path, errors: list[str], what: str) -> list[Path]:
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        errors.append(f"{what} {folder} cannot be read: {exc.strerror or exc}.")
        return []
    return [p for p in entries if p.suffix == ".toml" and not p.name.startswith(".") and p.is_file()]


_EXPECTED = {
    "string_type": "text in quotes",
    "bool_type": "true or false",
    "list_type": 'a list of questions, like ["…", "…"]',
}


def _describe(err: Mapping[str, Any]) -> str:
    """One pydantic error as "field 'x': problem", in words a person editing a TOML file understands."""
    loc = err.get("loc", ())
    where = f"field '{loc[0]}'" if loc else "the file"
    if len(loc) > 1 and isinstance(loc[1], int):
        where += f" item {loc[1] + 1}"
    kind = err.get("type", "")
    value = err.get("input")
    if kind == "missing":
        return f"{where}: is required"
    if kind == "literal_error":
        return f"{where}: '{_short(value)}' is not one of {', '.join(EFFORTS)}"
    if kind in _EXPECTED:
        return f"{where}: must be {_EXPECTED[kind]}, not {_kind_of(value)}"
    if kind == "persona":
        return f"{where}: {err.get('msg', '')}"
    return f"{where}: {str(err.get('msg', 'is not valid')).lower()}"


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"'{_short(value)}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _short(value: Any, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
