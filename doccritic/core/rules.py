"""Loading the offline check rules (``resources/checks/rules.toml``) into compiled, validated objects.

Rules are data so a PM or team can tune them; a mistake in the file must name the rule and the field,
never crash the check run with a regex traceback.
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from doccritic.core.claims import ClaimSettings, ClaimTopic
from doccritic.core.errors import DoccriticError, ErrorKind
from doccritic.core.findings import Kind, Reversibility, Severity


class RuleError(DoccriticError):
    """The rules file is malformed; the message names the file, the rule and the field."""


class LazyPattern:
    """A regular expression compiled on first use, for the bundled rules only.

    Compiling the ~140 bundled patterns takes ~20 ms, on the path to the first checks shown, and a given
    document triggers few of them: the word index (``core.wordindex``) reads a pattern's source, not its
    compiled form, to know where it could match. The bundled file is compiled in full by the tests; a
    user's rules file is compiled eagerly, so its mistakes are reported when it loads.
    """

    __slots__ = ("_compiled", "flags", "pattern")

    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern, self.flags = pattern, flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return self._compiled

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.search(string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.match(string, pos, endpos)

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(string, pos, endpos)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r}, {self.flags})"


Pattern = re.Pattern[str] | LazyPattern


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    kind: Kind
    title: str
    severity: Severity
    patterns: tuple[Pattern, ...]
    rationale: str = ""
    suggestion: str | None = None
    question: str | None = None
    subtype: str | None = None
    openings: tuple[Pattern, ...] = ()  # count only where they open the sentence (an imperative: "Use X")
    sections: tuple[Pattern, ...] = ()  # when given, the hit's section title must match one of these
    requires: tuple[Pattern, ...] = ()
    unless: tuple[Pattern, ...] = ()
    unless_number: bool = False
    quote: str = "match"
    mitigated_severity: Severity | None = None
    cap: int | None = None
    reversibility: Reversibility | None = None
    by_default: bool = True  # False: its findings are shown only with --all (a cue too weak to trust alone)
    # True: in its sections, a sentence that opens with a verb of settings.imperative_verbs ("Mark the assembly
    # as Windows-only") or with "We" and one ("We use X") is read as a decision (core/decision_cues.py)
    imperatives: bool = False
    claim: bool = False  # True: a hit is a load-bearing claim only when `[claims]` says so (core/claims.py)
    # True: a hit counts only where its sentence states the document's own subject, the change its title names
    # ("Remove the Gauge instrument" -> "The Gauge instrument will be removed"; core/subject.py `states_subject`)
    subject: bool = False
    nested: bool = False  # True: `sections` also covers their sub-sections ("Proposal" > "Objects")
    # True: an "if" or "unless" counts only in the hit's own clause, as for a claim: a risk is judged under its
    # condition ("if we don't have drafts in time, we're comfortable that the risks are low")
    main_clause: bool = False
    # True (a weak-argument rule): not read where the authors weigh what they do not choose (settings.not_commitments:
    # a rejected option's "Cons", alternatives, history); the assumption and door rules skip those sections anyway
    skip_asides: bool = False


@dataclass(frozen=True, slots=True)
class GapRule:
    id: str
    section: str
    title: str
    severity: Severity
    headings: tuple[Pattern, ...]
    rationale: str = ""
    suggestion: str | None = None
    question: str | None = None
    mentions: tuple[Pattern, ...] = ()
    escalate_with_one_way_doors: Severity | None = None


@dataclass(frozen=True, slots=True)
class RuleSet:
    rules: tuple[Rule, ...]
    gaps: tuple[GapRule, ...]
    mitigations: Pattern
    staging: Pattern
    not_commitments: Pattern = field(default_factory=lambda: _never())
    # of those, the sections that still carry the authors' own argument ("Background", "FAQ"): read by the
    # assumption rules, not by the door rules
    claims_read_in: Pattern = field(default_factory=lambda: _never())
    not_decided_here: tuple[Pattern, ...] = ()  # each looked up through the word index, once per document
    max_per_rule: int = 3
    max_total: int = 30
    gap_min_headings: int = 4
    gap_min_words: int = 300
    gap_min_present: int = 3
    # a one-way door whose sentence commits less than this (salience: first-person future, an imperative,
    # "This PEP removes", a date, scope, a decision section; tentative modals count against) waits for --all
    door_min_commitment: int = 1
    imperative_verbs: frozenset[str] = frozenset()  # base forms: "mark", "scale", "use" (see `Rule.imperatives`)
    # what closes the way back, one named group per kind of cue (k0, k1, ...); ranks doors within a rule
    irreversibility: Pattern = field(default_factory=lambda: _never())
    claims: ClaimSettings = field(default_factory=ClaimSettings)  # the `[claims]` table (core/claims.py)
    source: Path | None = field(default=None, compare=False)


def load_rules(path: Path, *, lazy: bool = False) -> RuleSet:
    """Read and compile a rules file, or raise :class:`RuleError` naming what is wrong.

    ``lazy`` defers compiling each pattern to its first use (see :class:`LazyPattern`): only for a file
    whose patterns are known to be valid, such as the bundled one.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RuleError(f"Cannot read check rules {path}: {exc.strerror or exc}.", ErrorKind.UNREADABLE) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RuleError(f"Check rules {path.name} are not valid TOML: {exc}.", ErrorKind.INVALID) from None
    ctx = _Ctx(path, lazy)
    settings = data.get("settings", {})
    rules = tuple(_rule(ctx, raw) for raw in data.get("rule", []))
    gaps = tuple(_gap(ctx, raw) for raw in data.get("gap", []))
    mitigations = ctx.union("settings", settings, "mitigations")
    staging = ctx.union("settings", settings, "staging")
    return RuleSet(
        rules=rules,
        gaps=gaps,
        mitigations=mitigations,
        staging=staging,
        not_commitments=ctx.union("settings", settings, "not_commitments"),
        claims_read_in=ctx.union("settings", settings, "claims_read_in"),
        not_decided_here=ctx.patterns("settings", settings, "not_decided_here"),
        max_per_rule=int(settings.get("max_per_rule", 3)),
        max_total=int(settings.get("max_total", 30)),
        gap_min_headings=int(settings.get("gap_min_headings", 4)),
        gap_min_words=int(settings.get("gap_min_words", 300)),
        gap_min_present=int(settings.get("gap_min_present", 3)),
        door_min_commitment=int(settings.get("door_min_commitment", 1)),
        imperative_verbs=_words(ctx, settings, "imperative_verbs"),
        irreversibility=ctx.union("settings", settings, "irreversibility", named=True),
        claims=_claims(ctx, data.get("claims", {})),
        source=path,
    )


class _Ctx:
    def __init__(self, path: Path, lazy: bool = False) -> None:
        self.path, self.lazy = path, lazy

    def fail(self, where: str, key: str, problem: str) -> RuleError:
        return RuleError(f"Check rules {self.path.name}: {where}, field '{key}': {problem}.", ErrorKind.INVALID)

    def text(self, where: str, raw: dict[str, Any], key: str, default: str | None = None) -> str:
        value = raw.get(key, default)
        if not isinstance(value, str) or (default is None and not value):
            raise self.fail(where, key, "a non-empty string is required")
        return value

    def enum(self, where: str, raw: dict[str, Any], key: str, enum: type[Enum], default: Any = None) -> Any:
        value = raw.get(key, default)
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(e.value for e in enum)
            raise self.fail(where, key, f"'{value}' is not one of {allowed}") from None

    def union(self, where: str, raw: dict[str, Any], key: str, *, named: bool = False) -> Pattern:
        """One pattern for a list, read in one pass; ``named``: each part is a group k0, k1, ... so a match
        says which part it is."""
        parts = self.patterns(where, raw, key)
        if not parts:
            return _never()
        union = "|".join(f"(?P<k{i}>{p.pattern})" if named else f"(?:{p.pattern})" for i, p in enumerate(parts))
        return LazyPattern(union, re.IGNORECASE) if self.lazy else re.compile(union, re.IGNORECASE)

    def patterns(self, where: str, raw: dict[str, Any], key: str, flags: int = re.IGNORECASE) -> tuple[Pattern, ...]:
        values = raw.get(key, [])
        if isinstance(values, str) or not isinstance(values, list):
            raise self.fail(where, key, "a list of regular expressions is required")
        out: list[Pattern] = []
        for value in values:
            source = soft_spaces(value) if isinstance(value, str) else value
            if self.lazy and isinstance(source, str):
                out.append(LazyPattern(source, flags))
                continue
            try:
                out.append(re.compile(source, flags))
            except (re.error, TypeError) as exc:
                raise self.fail(where, key, f"bad regular expression {value!r} ({exc})") from None
        return tuple(out)


# A space in a rule matches the white space of hard-wrapped prose too: "little extra\n   work" in a PEP or
# an RFC wrapped at 72 columns is the phrase "little extra work". One line break at most, never a blank
# line, so a phrase never spans two paragraphs.
_SOFT_SPACE = r"(?:[ \t]+\n?[ \t]*|\n[ \t]*)"


def soft_spaces(pattern: str) -> str:
    """``pattern`` with each literal space outside a character class matching a space or a line wrap."""
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = c != "]" or bool(out and out[-1] in ("[", "[^"))
        elif c == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "^":
                out.append("[^")
                i += 2
                continue
        elif c == " ":
            out.append(_SOFT_SPACE)
            i += 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _never() -> re.Pattern[str]:
    return re.compile(r"(?!)")


def _rule(ctx: _Ctx, raw: dict[str, Any]) -> Rule:
    rid = ctx.text("a [[rule]]", raw, "id")
    where = f"rule '{rid}'"
    flags = 0 if raw.get("case_sensitive") else re.IGNORECASE
    patterns = ctx.patterns(where, raw, "patterns", flags)
    openings = ctx.patterns(where, raw, "openings", flags)
    if not patterns and not openings and not raw.get("imperatives"):
        raise ctx.fail(where, "patterns", "at least one pattern (or opening, or imperatives = true) is required")
    quote = raw.get("quote", "match")
    if quote not in ("match", "sentence"):
        raise ctx.fail(where, "quote", "use 'match' or 'sentence'")
    rev = raw.get("reversibility")
    mitigated = raw.get("mitigated_severity")
    return Rule(
        id=rid,
        kind=ctx.enum(where, raw, "kind", Kind),
        title=ctx.text(where, raw, "title"),
        severity=ctx.enum(where, raw, "severity", Severity),
        patterns=patterns,
        rationale=ctx.text(where, raw, "rationale", ""),
        suggestion=raw.get("suggestion"),
        question=raw.get("question"),
        subtype=raw.get("subtype"),
        openings=openings,
        sections=ctx.patterns(where, raw, "sections"),
        requires=ctx.patterns(where, raw, "requires"),
        unless=ctx.patterns(where, raw, "unless"),
        unless_number=bool(raw.get("unless_number", False)),
        quote=quote,
        mitigated_severity=ctx.enum(where, raw, "mitigated_severity", Severity) if mitigated else None,
        cap=int(raw["cap"]) if "cap" in raw else None,
        reversibility=Reversibility(**rev) if isinstance(rev, dict) else None,
        by_default=bool(raw.get("by_default", True)),
        imperatives=bool(raw.get("imperatives", False)),
        claim=bool(raw.get("claim", False)),
        subject=bool(raw.get("subject", False)),
        nested=bool(raw.get("nested", False)),
        main_clause=bool(raw.get("main_clause", False)),
        skip_asides=bool(raw.get("skip_asides", False)),
    )


def _claims(ctx: _Ctx, raw: dict[str, Any]) -> ClaimSettings:
    """The `[claims]` table: topics with the evidence that settles them, and what makes a claim load-bearing."""
    if not isinstance(raw, dict):
        raise ctx.fail("[claims]", "claims", "a table is required")
    topics = []
    for item in raw.get("topic", []):
        name = ctx.text("a [[claims.topic]]", item, "name")
        where = f"claims topic '{name}'"
        topics.append(ClaimTopic(name, ctx.union(where, item, "words"), ctx.text(where, item, "settle"),
                                 ctx.text(where, item, "question")))

    def union(key: str) -> Pattern | None:
        return ctx.union("[claims]", raw, key) if raw.get(key) else None

    return ClaimSettings(
        topics=tuple(topics),
        sections=union("sections"),
        connectives=union("connectives"),
        premise=union("premise"),
        general=union("general"),
        subjects=union("subjects"),
        modal=union("modal"),
        status_quo=union("status_quo"),
        evidence=union("evidence"),
        examples=union("examples"),
        openers=union("openers"),
        min_shown=int(raw.get("min_shown", 5)),
        min_found=int(raw.get("min_found", 3)),
    )


def _words(ctx: _Ctx, settings: dict[str, Any], key: str) -> frozenset[str]:
    """A word list written as one string, words separated by white space (lower-cased)."""
    value = settings.get(key, "")
    if not isinstance(value, str):
        raise ctx.fail("settings", key, "a string of words separated by spaces is required")
    return frozenset(value.lower().split())


def _gap(ctx: _Ctx, raw: dict[str, Any]) -> GapRule:
    gid = ctx.text("a [[gap]]", raw, "id")
    where = f"gap '{gid}'"
    escalate = raw.get("escalate_with_one_way_doors")
    return GapRule(
        id=gid,
        section=ctx.text(where, raw, "section"),
        title=ctx.text(where, raw, "title"),
        severity=ctx.enum(where, raw, "severity", Severity),
        headings=ctx.patterns(where, raw, "headings"),
        rationale=ctx.text(where, raw, "rationale", ""),
        suggestion=raw.get("suggestion"),
        question=raw.get("question"),
        mentions=ctx.patterns(where, raw, "mentions"),
        escalate_with_one_way_doors=(
            ctx.enum(where, raw, "escalate_with_one_way_doors", Severity) if escalate else None
        ),
    )
