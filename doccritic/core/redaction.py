"""Redaction: chosen words never leave the machine; placeholders go instead and come back as the words.

Rules are data in the config folder, ``redaction.toml``: a ``[global]`` table for every document and a
``[documents."<file name>"]`` table per document, each with any of::

    emails = true                 # alice@example.com          -> [EMAIL-1]
    phones = true                 # +44 20 7946 0958            -> [PHONE-1]
    amounts = true                # $1.2M, €40,000, 300 USD     -> [AMOUNT-1]
    names = ["Dana Whitfield"]    # people                      -> [PERSON-1]
    customers = ["Globex"]        # customer names              -> [CUSTOMER-1]
    terms = ["Project Falcon"]    # anything else, exact words  -> [TERM-1]
    patterns = [{ label = "TICKET", regex = "FIN-\\d+" }]       -> [TICKET-1]

Listed words match whole words, any case. The same text always gets the same placeholder within a run
(numbered in order of first appearance), so the critic can still tell two customers apart, and
:meth:`Redactor.restore` turns placeholders in what comes back into the exact original words, so
findings anchor on the real text. A bad rule is an error that names it, never a rule quietly skipped.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from doccritic import paths
from doccritic.core.errors import DoccriticError, ErrorKind

FILE_NAME = "redaction.toml"
BUILT_IN = {
    "emails": ("EMAIL", r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    "phones": ("PHONE", r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?)?"
                        r"\d{2,4}[\s.-]\d{3,4}[\s.-]\d{3,4}(?!\w)"),
    "amounts": ("AMOUNT", r"(?:[$€£¥]\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:[kKmMbB]n?|million|billion|thousand)\b)?)"
                          r"|(?:\b\d[\d,]*(?:\.\d+)?\s?(?:USD|EUR|GBP|dollars|euros)\b)"),
}
LISTS = {"names": "PERSON", "customers": "CUSTOMER", "terms": "TERM"}
_LABEL = re.compile(r"^[A-Z][A-Z0-9_]{0,30}$")
_PLACEHOLDER = re.compile(r"\[([A-Z][A-Z0-9_]{0,30})-(\d+)\]")


class RedactionRuleError(DoccriticError):
    """A rule in redaction.toml is wrong; the message names it. Nothing is sent until it is fixed."""


@dataclass(frozen=True)
class Rule:
    label: str  # the placeholder's word: CUSTOMER, EMAIL, …
    pattern: re.Pattern[str]
    where: str  # how the rule is named in an error: global.customers, documents."x.md".patterns[1]


@dataclass
class Redactor:
    """Replaces rule matches with stable placeholders and puts the originals back."""

    rules: list[Rule]
    _forward: dict[str, str] = field(default_factory=dict)  # original text -> placeholder
    _back: dict[str, str] = field(default_factory=dict)  # placeholder -> original text
    _numbers: Counter[str] = field(default_factory=Counter)
    last_counts: dict[str, int] = field(default_factory=dict)  # label -> replacements in the last redact()
    request_counts: dict[str, int] = field(default_factory=dict)  # the same for the last whole request

    def __bool__(self) -> bool:
        return bool(self.rules)

    def redact(self, text: str) -> str:
        matches = sorted(((m.start(), -m.end(), rule.label, m.group()) for rule in self.rules
                          for m in rule.pattern.finditer(text) if m.group()), key=lambda t: (t[0], t[1]))
        out, pos, counts = [], 0, Counter[str]()
        for start, neg_end, label, found in matches:
            if start < pos:
                continue  # inside a longer match already replaced
            out.append(text[pos:start])
            out.append(self._placeholder(label, found))
            counts[label] += 1
            pos = -neg_end
        out.append(text[pos:])
        self.last_counts = dict(counts)
        return "".join(out)

    def _placeholder(self, label: str, found: str) -> str:
        if found not in self._forward:
            self._numbers[label] += 1
            placeholder = f"[{label}-{self._numbers[label]}]"
            self._forward[found], self._back[placeholder] = placeholder, found
        return self._forward[found]

    def restore(self, text: str) -> str:
        """Placeholders back to the words they stand for; ones this run never made are left as they are."""
        return _PLACEHOLDER.sub(lambda m: self._back.get(m.group(), m.group()), text)

    def restore_all(self, value: Any) -> Any:
        """:meth:`restore` on every string in a JSON-shaped value (a critic's finding, a verdict)."""
        if isinstance(value, str):
            return self.restore(value)
        if isinstance(value, list):
            return [self.restore_all(v) for v in value]
        if isinstance(value, dict):
            return {k: self.restore_all(v) for k, v in value.items()}
        return value


def load_redactor(document_name: str | None, file: Path | None = None) -> Redactor:
    """The global rules plus the rules for ``document_name`` (a file name); empty when there is no file."""
    file = file or paths.config_dir() / FILE_NAME
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Redactor([])
    except (OSError, UnicodeDecodeError) as exc:
        raise RedactionRuleError(f"{file} cannot be read ({type(exc).__name__}); nothing was sent.",
                                 ErrorKind.UNREADABLE) from None
    except tomllib.TOMLDecodeError as exc:
        raise RedactionRuleError(f"{file} is not valid TOML ({exc}); nothing was sent.", ErrorKind.CORRUPT) from None
    unknown = set(data) - {"global", "documents"}
    if unknown:
        raise RedactionRuleError(f"{file}: unknown table “{sorted(unknown)[0]}” (use [global] or "
                                 "[documents.\"name\"]); nothing was sent.")
    rules = _table(data.get("global", {}), "global", file)
    documents = data.get("documents", {})
    if not isinstance(documents, dict):
        raise RedactionRuleError(f"{file}: “documents” must be a table of file names; nothing was sent.")
    for name, table in documents.items():  # every table is checked: a bad rule is never found only when it bites
        own = _table(table, f'documents."{name}"', file)
        if name == document_name:
            rules += own
    return Redactor(rules)


def _table(table: Any, where: str, file: Path) -> list[Rule]:
    def bad(rule: str, why: str) -> RedactionRuleError:
        return RedactionRuleError(f"{file}: the rule {where}.{rule} {why}; nothing was sent.")

    if not isinstance(table, dict):
        raise bad("", "is not a table")
    rules: list[Rule] = []
    for key, value in table.items():
        if key in BUILT_IN:
            if not isinstance(value, bool):
                raise bad(key, "must be true or false")
            if value:
                label, regex = BUILT_IN[key]
                rules.append(Rule(label, re.compile(regex), f"{where}.{key}"))
        elif key in LISTS:
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise bad(key, "must be a list of non-empty strings")
            rules += _words(LISTS[key], value, f"{where}.{key}")
        elif key == "patterns":
            rules += _patterns(value, where, bad)
        else:
            raise bad(key, f"is not a known rule (use {', '.join([*BUILT_IN, *LISTS, 'patterns'])})")
    return rules


def _words(label: str, words: Iterable[str], where: str) -> list[Rule]:
    # longest first, so "Acme Holdings" is one placeholder, not "[CUSTOMER-1] Holdings"
    alternatives = "|".join(re.escape(w.strip()) for w in sorted(words, key=len, reverse=True))
    return [Rule(label, re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE), where)] if alternatives else []


def _patterns(value: Any, where: str, bad: Any) -> list[Rule]:
    if not isinstance(value, list):
        raise bad("patterns", "must be a list of { label = \"…\", regex = \"…\" }")
    rules = []
    for i, item in enumerate(value, 1):
        name = f"patterns[{i}]"
        if not isinstance(item, dict) or set(item) != {"label", "regex"}:
            raise bad(name, "must have exactly a label and a regex")
        label, regex = str(item["label"]), str(item["regex"])
        if not _LABEL.match(label):
            raise bad(name, f"has the label “{label}”: use capital letters, digits and _ (e.g. TICKET)")
        try:
            pattern = re.compile(regex)
        except re.error as exc:
            raise bad(name, f"has the regex “{regex}”, which is not valid ({exc})") from None
        if pattern.search(""):
            raise bad(name, f"has the regex “{regex}”, which matches empty text")
        rules.append(Rule(label, pattern, f"{where}.{name}"))
    return rules

