"""Offline checks: instant, deterministic findings that need no API key.

The checks read only prose. Code, front matter, HTML and URLs are blanked out of a *scan copy* of the
canonical text that keeps every offset, so a match's offsets are the document's offsets and
``doc.text[f.start:f.end] == f.quote`` holds for every finding. Noise is the first complaint about
tools like this, so results are de-duplicated per sentence, capped per rule and ranked by severity.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from doccritic.core.check_hits import Hit, as_finding, stable_id
from doccritic.core.context import (
    RUN_IN_LABEL,
    conditional,
    example_or_out_of_scope,
    is_question,
    not_a_commitment,
    only_past,
    quoted,
)
from doccritic.core.decision_cues import opening_verb
from doccritic.core.document import Block, BlockKind, Document, Section
from doccritic.core.errors import DoccriticError
from doccritic.core.findings import Anchor, Finding, Kind, Severity, Source
from doccritic.core.language import NOT_ENGLISH, looks_english

if TYPE_CHECKING:  # loaded by the first check run: a window whose first document was checked by the
    from doccritic.core.claims import ClaimTopic
    from doccritic.core.rules import GapRule, Rule, RuleSet  # start-up helper needs them only later
    from doccritic.core.subject import TitleIndex

_INLINE_NOISE = re.compile(
    r"<!--.*?(?:-->|\Z)"  # HTML comments (template guidance left in)
    r"|`[^`<\n]+<[^>\n]*>`_{1,2}"  # reStructuredText links: their words stay (see _blank)
    r"|`[^`\n]+`"  # inline code
    r"|\]\([^)\s]*\)"  # Markdown link destinations
    r"|<(?:https?|mailto):[^>\s]+>"  # autolinks
    r"|\bhttps?://[^\s<>)\]]+"  # bare URLs
    r"|\bwww\.[^\s<>)\]]+"
    r"|</?[A-Za-z][^>\n]{0,200}>",  # inline HTML tags
    re.DOTALL,
)
_RST_LINK = re.compile(r"`([^`<\n]+?)\s*<[^>\n]*>`_{1,2}")  # `planning <https://...>`_: the words are prose


def _prose(text: str) -> str:
    """``text`` with its non-prose blanked (see ``_INLINE_NOISE``). Every alternative of the pattern needs one of
    these marks, and most paragraphs have none: the check is a few C scans, where the pattern tries all eight
    alternatives at every character (0.6 s for the 58,000 paragraphs of a 3 MB file, 0.2 us a character)."""
    if "<" in text or "`" in text or "](" in text or "http" in text or "www." in text:
        return _INLINE_NOISE.sub(_blank, text)
    return text


def _blank(m: re.Match[str]) -> str:
    """Spaces for non-prose, keeping offsets; a reStructuredText link keeps its words in place."""
    link = _RST_LINK.fullmatch(m.group(0))
    if link is None:
        return " " * len(m.group(0))
    return " " + link.group(1) + " " * (len(m.group(0)) - 1 - len(link.group(1)))


_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
    r"hundred|thousand|million|billion|half|double|twice|triple|percent|dozen)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)\]*_]*\s+(?=[\"“(\[*_]*[A-Z0-9])|\n\s*\n|\n(?=\s*(?:[-*+]|\d+[.)])\s)")
_COMMITMENT_KINDS = (Kind.ONE_WAY_DOOR, Kind.CHALLENGED_ASSUMPTION)
_SAID_BY_ASSUMPTION = ("unsupported_certainty", "unquantified")  # weak-argument subtypes an assumption covers
_ABBREVIATIONS = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|approx|cf|Mr|Ms|Dr|No|Fig|Inc|Ltd|Corp|St|U\.S)\.)$")
# A "sentence" longer than this (a line without full stops, a pasted log) is cut into pieces at clause
# or word breaks: every per-hit lookup then reads a bounded span, so checks stay linear in the file.
_MAX_SENTENCE = 600
_PROCESS_TEMPLATE = re.compile(
    r"^\W*(?:PEP|EIP|ERC|KEP|RFC)[-: ]+\d+\b|^\W*(?:eip|kep-number|Feature Name|Start Date|RFC PR):", re.MULTILINE
)
_MARKUP = " \t*_->#+.0123456789)"  # list bullets, numbers and emphasis before an imperative opening
_CLAUSE_BREAK = re.compile(r"[;:,]\s|\s")
# Sections that state the problem, not the change: a use case there ("the user expects ... an immediate deletion
# of the series") names the title's subject without deciding it
_MOTIVE = re.compile(r"^\W*(?:\d+(?:\.\d+)*[.)]?\s+)?(?:motivation|problem|use cases?|user stor|why\b)", re.IGNORECASE)
# The parts of a decision record whose template prompts in blockquotes ("## Decision" then "> what the team has
# decided to do"): a blockquote opening one of them is the author's answer
_RECORD_PART = re.compile(r"\W*(?:status|context|decisions?|consequences?|outcome)\W*$", re.IGNORECASE)
# A quotation's source named ("said the old vendor", "— Jane", "according to"): someone else's words, wherever
_ATTRIBUTED = re.compile(r"\b(?:said|says|wrote|writes|asked|replied|according to)\b|[—―]\s*[A-Z]|^\s*--\s*[A-Z]",
                         re.MULTILINE)
_NUMBERED = re.compile(r"^\s*\d+(?:\.\d+)*[.)]?\s+")  # a section's number before its name
_SUBJECT_SENTENCES = 256  # owd.subject reads at most this many sentences that name the title's words (see below)
_IRREVERSIBLE_HEAD = 64  # per rule, the strongest door hits whose irreversibility is read to rank them
# With caps on, a rule stops reading once it has hits quoting this many different passages: the default view
# shows a few per rule and a real document has at most a dozen hits of one rule (12, in the 85 documents of the
# corpus and the labelled sets), but a file that states a door in every sentence, each a little differently
# (3 MB, 58,000 "We will remove the legacy change for tenant N."), paid the full reading and ranking of each
# (~95 us), 53 s at 20 MB. Repeats of one passage do not count: they are one card's places, and cheap. --all
# (caps off) reads every hit.
_QUOTES_READ = 1000


@dataclass(slots=True)
class CheckResult:
    """Findings to show, and how many more each rule found but held back to keep noise low."""

    findings: list[Finding]
    hidden: Counter[str] = field(default_factory=Counter)
    note: str | None = None  # shown beside the findings, e.g. that the document is not in English
    # rules that stopped reading at `_QUOTES_READ` passages (caps on): they may have more than `hidden` counts
    unread: frozenset[str] = frozenset()

    @property
    def hidden_total(self) -> int:
        return sum(self.hidden.values())


class ChecksStoppedError(DoccriticError):
    """``run_checks`` gave up because its caller no longer wants the result (the text changed again): a
    DoccriticError, so a background runner drops it quietly with the stale result instead of logging a bug."""


_default_rules: RuleSet | None = None


def default_rules() -> RuleSet:
    """The rules in the user's config dir if they customised them, else the bundled ones."""
    global _default_rules
    if _default_rules is None:
        from doccritic import paths
        from doccritic.core.rules import load_rules

        user = paths.config_dir() / "checks" / "rules.toml"
        if user.is_file():
            _default_rules = load_rules(user)
        else:  # tests compile every bundled pattern, so they may compile on first use
            _default_rules = load_rules(paths.resource("checks", "rules.toml"), lazy=True)
    return _default_rules


def run_checks(
    doc: Document,
    rules: RuleSet | None = None,
    *,
    caps: bool = True,
    should_stop: Callable[[], bool] | None = None,
) -> CheckResult:
    """All offline findings for ``doc``, most severe first within each rule, capped unless ``caps=False``.

    ``should_stop`` is asked before each rule; when it answers True the run raises
    :class:`ChecksStoppedError`, so a worker thread whose result is no longer wanted ends within one rule's
    time (well under a second on a 20 MB file) instead of finishing a run nobody will see."""
    rules = rules or default_rules()
    scan = _Scan(doc)
    hits: list[Hit] = []  # light until the caps pick what is shown (core/check_hits.py)
    budget = _QUOTES_READ if caps else None
    unread: set[str] = set()
    for rule in rules.rules:
        if should_stop is not None and should_stop():
            raise ChecksStoppedError("The checks were stopped: the text changed again.")
        hits.extend(_apply_rule(rule, scan, rules, budget, unread))
    hits = _dedupe_sentences(hits, scan, rules.claims.min_shown)
    raw: list[Hit | Finding] = [*hits]
    raw.extend(_gaps(doc, rules, has_one_way_doors=any(f.kind is Kind.ONE_WAY_DOOR for f in hits)))
    result = (CheckResult(sorted(map(as_finding, raw), key=Finding.sort_key)) if not caps
              else _cap(raw, rules, scan, unread))
    if looks_english(scan.text) is False:
        result.note = NOT_ENGLISH
    result.unread = frozenset(unread)
    return result


class _Scan:
    """The canonical text with non-prose blanked, plus sentence boundaries per block."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.prose: list[Block] = [b for b in doc.blocks if b.kind.is_prose]
        self._prose_starts = [b.start for b in self.prose]
        self._lead_in: dict[int, str] = {}  # prose index of a list item -> its list's lead-in sentence
        parts: list[str] = []
        pos = 0
        for block in self.prose:  # between prose blocks: hard breaks no pattern crosses
            parts.append("\n" * (block.start - pos))
            parts.append(_prose(block.text))
            pos = block.end
        parts.append("\n" * (len(doc.text) - pos))
        self.text = "".join(parts)
        del parts  # before the word index is built: on a 1M-word draft ~10 MB of block texts (#18 item 9)
        from doccritic.core.wordindex import WordIndex

        self.words = WordIndex(self.text)
        self._sentences: dict[int, tuple[list[int], list[tuple[int, int]]]] = {}
        flat = sorted(doc.iter_sections(), key=lambda s: s.start)
        self.sections, self._section_starts = flat, [s.start for s in flat]
        self._parent = {c.start: s for s in flat for c in s.children}
        self._aside: dict[int, bool] = {}  # section start -> not the author's commitments (see `aside`)
        self._aside_claims: dict[int, bool] = {}  # the same, as the assumption rules read it
        self._escape: dict[int, bool] = {}  # section start (or block start when headingless) -> has a way back
        self._staged: dict[int, bool] = {}
        self._labelled: dict[int, bool] = {}  # paragraph start -> opens with a bold "Option ...:" label
        self._past: dict[str, bool] = {}  # sentence -> speaks only of the past (see `only_past`)
        self._reported: dict[int, bool] = {}  # sentence start -> reports rather than commits (see `reported`)
        self._elsewhere: list[tuple[int, int]] | None = None  # spans of `not_decided_here` cues, found once
        self._elsewhere_starts: list[int] = []
        self._titled: TitleIndex | None = None  # the title's words and where they are (core/subject.py)

    def sentences(self, block: Block) -> list[tuple[int, int]]:
        """The block's sentences, each [start, end) trimmed of surrounding white space (split once)."""
        split = self._sentences.get(block.start)
        if split is None:
            spans = self._split(block)
            split = self._sentences[block.start] = ([a for a, _ in spans], spans)
        return split[1]

    def sentence(self, block: Block, offset: int) -> tuple[int, int]:
        """[start, end) of the sentence around ``offset``, trimmed of surrounding white space."""
        spans = self.sentences(block)
        starts = self._sentences[block.start][0]
        i = bisect.bisect_right(starts, offset) - 1
        if i >= 0 and spans[i][0] <= offset < spans[i][1]:
            return spans[i]
        return block.start, block.end

    def section(self, offset: int) -> Section | None:
        """The deepest section around ``offset``: the one under the last heading before it."""
        i = bisect.bisect_right(self._section_starts, offset) - 1
        if i >= 0 and self.sections[i].start <= offset < self.sections[i].end:
            return self.sections[i]
        return None

    def role(self, offset: int) -> str | None:
        """The title of the section around ``offset`` as a rule reads it: the paragraphs between the document's
        title and its first sub-heading are its summary ("# Remove SpanData" then "Remove and replace SpanData
        by adding span start and end options."), whatever the title says; None outside any section."""
        section = self.section(offset)
        if section is None:
            return None
        if section is self.sections[0] and section.children and section.level <= 1:
            return "Summary"  # a top-level heading with sub-headings: the text before them introduces the document
        return section.title

    def aside(self, rules: RuleSet, offset: int, *, claims: bool = False) -> bool:
        """Whether ``offset`` sits in a section (or under a parent) that holds no commitments of the
        author's: rejected alternatives, non-goals, history, examples (``settings.not_commitments``). With
        ``claims`` (an assumption rule asking), a section whose title matches ``settings.claims_read_in``
        ("Background", "FAQ") is read: it commits to nothing, but it states the premises the decision rests on."""
        section = self.section(offset)
        if section is None:
            return False
        memo = self._aside_claims if claims else self._aside
        if section.start not in memo:
            parent = self._parent.get(section.start)
            # the document's own title names what it proposes ("RFC-0006 Alternative Suspend Control"), not an
            # option weighed beside it: only a part's heading makes its text an aside
            own = not self._is_title(section) and bool(rules.not_commitments.search(section.title))
            if own and claims and rules.claims_read_in.search(section.title):
                own = False
            memo[section.start] = own or (parent is not None and self.aside(rules, parent.start, claims=claims))
        return memo[section.start]

    def _is_title(self, section: Section) -> bool:
        """Whether ``section`` is the document's title: its first heading, at the top level, naming the document
        rather than a part of it ("Background", "Abstract")."""
        from doccritic.core.subject import GENERIC_TITLE

        return section is self.sections[0] and section.level <= 1 and not GENERIC_TITLE.match(section.title)

    def quotes_others(self, block: Block) -> bool:
        """Whether the block is a blockquote of someone else's words. A blockquote that opens a decision record's
        Decision, Context, Status or Consequences is the author's own answer to a template that prompts in
        quotes ("## Decision" then "> it was decided that users from local government will only be able to
        make an account with trial permission"), unless it names its source ("said the old vendor")."""
        if block.kind is not BlockKind.QUOTE:
            return False
        i = bisect.bisect_left(self._prose_starts, block.start)
        heading = self.prose[i - 1] if i > 0 and self.prose[i - 1].kind is BlockKind.HEADING else None
        if heading is None or not _RECORD_PART.match(heading.text):
            return True  # a quote inside a section, or opening a user story or an example: someone's words
        return _ATTRIBUTED.search(self.text, block.start, block.end) is not None

    def labelled_aside(self, rules: RuleSet, block: Block) -> bool:
        """Whether the paragraph opens with a bold run-in label such as "**Option B:**" or "**Rejected
        alternative**": an inline heading for an option weighed, not a decision (once per paragraph)."""
        if block.start not in self._labelled:
            m = RUN_IN_LABEL.match(self.text, block.start, min(block.end, block.start + 120))
            self._labelled[block.start] = bool(m and rules.not_commitments.search(m.group(1)))
        return self._labelled[block.start]

    def reported(self, rules: RuleSet, s0: int, sentence: str) -> bool:
        """Whether the sentence reports rather than commits: a worked example, something out of scope, or
        a cue of ``settings.not_decided_here`` (a decision handed to another document or party, the status
        quo, history, "not applicable"). Those cues are found once per document through the word index,
        not searched for in every sentence: a 10 MB line cut into thousands of pieces stays linear."""
        verdict = self._reported.get(s0)
        if verdict is None:
            if self._elsewhere is None:
                found = {(m.start(), m.end()) for p in rules.not_decided_here
                         for m in self.words.finditer(p)}
                self._elsewhere = sorted(found)
                self._elsewhere_starts = [a for a, _ in self._elsewhere]
            s1 = s0 + len(sentence)
            i = bisect.bisect_left(self._elsewhere_starts, s0)
            cue = False
            while i < len(self._elsewhere) and self._elsewhere[i][0] < s1:
                if self._elsewhere[i][1] <= s1:
                    cue = True
                    break
                i += 1
            verdict = self._reported[s0] = cue or example_or_out_of_scope(sentence)
        return verdict

    def titled(self) -> TitleIndex:
        """The title's words and where the text names them (core/subject.py), found on first use."""
        if self._titled is None:
            from doccritic.core.subject import TitleIndex

            self._titled = TitleIndex(self.doc.title, self.doc.text, self.words)
        return self._titled

    def states_subject(self, rules: RuleSet, s0: int, s1: int) -> frozenset[str]:
        """The title's words the sentence ``[s0, s1)`` states when it states the change the title names."""
        return self.titled().states(self.doc.text[s0:s1], s0, s1, rules.irreversibility)

    def only_past(self, s0: int, sentence: str) -> bool:
        """Whether the sentence speaks only of the past (read once per distinct sentence)."""
        verdict = self._past.get(sentence)
        if verdict is None:
            verdict = self._past[sentence] = only_past(sentence)
        return verdict

    def has_escape(self, rules: RuleSet, section: Section | None, block: Block) -> bool:
        """Whether a rollback, flag or backup is named near a door: in its section, or, in a document
        without headings, in its own paragraph (one "backup" in a long file must not soften every door).
        Searched once per section or paragraph, however many doors it holds."""
        lo, hi = (section.start, section.end) if section else (block.start, block.end)
        if lo not in self._escape:
            self._escape[lo] = self.words.search(getattr(rules.mitigations, "compiled", rules.mitigations),
                                                 lo, hi) is not None
        return self._escape[lo]

    def is_staged(self, rules: RuleSet, block: Block) -> bool:
        """Whether the door's own paragraph or list item names a pilot or phased rollout (once per block)."""
        if block.start not in self._staged:
            staging = getattr(rules.staging, "compiled", rules.staging)
            self._staged[block.start] = self.words.search(staging, block.start, block.end) is not None
        return self._staged[block.start]

    def following(self, block: Block, end: int) -> tuple[str, Block | None]:
        """The sentence after the one ending at ``end``, as written, and the block it opens when it is in
        the next prose block (None when it is in the same block; "" after a heading or at the end)."""
        nxt = end
        while nxt < block.end and self.text[nxt].isspace():
            nxt += 1
        if nxt < block.end:
            a, b = self.sentence(block, nxt)
            return self.doc.text[a:b], None
        i = bisect.bisect_right(self._prose_starts, block.start)
        if i < len(self.prose) and self.prose[i].kind is not BlockKind.HEADING:
            after = self.prose[i]
            a, b = self.sentence(after, after.start)
            return self.doc.text[a:b], after
        return "", None

    def lead_in(self, block: Block) -> str:
        """For a list item, the last sentence of the paragraph that introduces its list ("A recent analysis
        of real world code shows that:"), as written; "" for other blocks. Found once per list."""
        if block.kind is not BlockKind.LIST_ITEM:
            return ""
        i = bisect.bisect_left(self._prose_starts, block.start)
        walked = []
        while i > 0 and i not in self._lead_in and self.prose[i].kind is BlockKind.LIST_ITEM:
            walked.append(i)
            i -= 1
        if i in self._lead_in:
            text = self._lead_in[i]
        elif self.prose[i].kind is BlockKind.LIST_ITEM or self.prose[i].kind is BlockKind.HEADING:
            text = ""
        else:
            a, b = self.sentence(self.prose[i], self.prose[i].end - 1)
            text = self.doc.text[a:b]
        for j in walked:
            self._lead_in[j] = text
        return text

    def _split(self, block: Block) -> list[tuple[int, int]]:
        text = self.text[block.start : block.end]
        spans, start = [], 0
        for m in _SENTENCE_END.finditer(text):
            if _ABBREVIATIONS.search(text[max(0, m.start() - 6) : m.start()]):
                continue
            spans.append((start, m.start()))
            start = m.end()
        spans.append((start, len(text)))
        out = []
        base = block.start
        for a, b in spans:  # trimmed of white space in place: no copy of each sentence
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if a == b:
                continue
            if b - a <= _MAX_SENTENCE:
                out.append((base + a, base + b))
            else:
                out.extend((base + p, base + q) for p, q in _pieces(text, a, b))
        return out


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` cut into spans of at most ``_MAX_SENTENCE`` characters, at the last clause
    break (or else word break) before each limit; a normal sentence comes back whole."""
    out: list[tuple[int, int]] = []
    while end - start > _MAX_SENTENCE:
        limit = start + _MAX_SENTENCE
        clause = word = None
        for m in _CLAUSE_BREAK.finditer(text, limit - _MAX_SENTENCE // 3, limit):
            if m.group(0)[0] in ";:,":
                clause = m.end()
            else:
                word = m.end()
        cut = clause or word
        cut = cut if cut is not None and cut > start else limit
        piece = text[start:cut].rstrip()
        if piece:
            out.append((start, start + len(piece)))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        out.append((start, end))
    return out


def _apply_rule(
    rule: Rule, scan: _Scan, rules: RuleSet, budget: int | None = None, unread: set[str] | None = None
) -> list[Hit]:
    """The rule's hits in document order. With a ``budget``, it stops after the hit that quotes the budget-th
    different passage and adds its id to ``unread``."""
    found: list[Hit] = []
    seen: set[tuple[int, int]] = set()
    verdicts: dict[str, bool] = {}  # sentence -> passes unless/requires: read once per distinct sentence
    occurrences: Counter[str] = Counter()
    in_section: dict[int, bool] = {}  # section start -> its title passes the rule's `sections`
    if rule.sections and not any(_in_sections(rule, scan, s.start, in_section) for s in scan.sections):
        return found  # no section it reads (a file without headings): skip every pattern search
    if rule.subject and not scan.titled().about:
        return found  # no title to read the document's subject from
    for m, opening in _candidates(rule, scan, rules, in_section):
        block = scan.doc.block_at(m.start())
        if block is None or block.kind is BlockKind.HEADING or m.end() > block.end:
            continue
        if rule.sections and not _in_sections(rule, scan, m.start(), in_section):
            continue
        s0, s1 = scan.sentence(block, m.start())
        if opening and scan.text[s0 : m.start()].strip(_MARKUP):
            continue
        start, end = (s0, s1) if rule.quote == "sentence" else (m.start(), m.end())
        if (start, end) in seen:
            continue
        if rule.subject and not scan.states_subject(rules, s0, s1):  # a lookup, and most hits fail it: first
            continue
        sentence = scan.text[s0:s1]
        verdict = verdicts.get(sentence)
        if verdict is None:
            # a question ("Will this increase resource usage?") claims nothing; a placeholder is still a to-do
            verdict = verdicts[sentence] = _sentence_passes(rule, sentence) and (
                rule.subtype == "placeholder" or not is_question(sentence)
            )
        if not verdict:
            continue
        if rule.kind in _COMMITMENT_KINDS and not_a_commitment(scan, rules, rule.kind, block, s0, m, sentence,
                                                               main_clause=rule.claim or rule.main_clause):
            continue
        if rule.kind is Kind.WEAK_ARGUMENT and rule.subtype != "placeholder" and conditional(scan.text, s0, m):
            continue
        if rule.skip_asides and (scan.aside(rules, s0, claims=True) or scan.labelled_aside(rules, block)):
            continue
        if rule.subtype != "placeholder" and quoted(scan.text, block, s0, m):
            continue
        claim = _claim(scan, rules, block, s0, s1, m.start()) if rule.claim else None
        if rule.claim and claim is None:
            continue
        seen.add((start, end))
        quote = scan.doc.text[start:end]
        occurrences[quote] += 1
        hit = _finding(rule, scan, quote, start, end, m.group(0), occurrences[quote], rules)
        if claim is not None:
            hit.strength, hit.topic = claim
        found.append(hit)
        if occurrences[quote] == 1 and len(occurrences) == budget:
            if unread is not None:
                unread.add(rule.id)
            break
    return found


def _claim(scan: _Scan, rules: RuleSet, block: Block, s0: int, s1: int, cue: int) -> tuple[int, ClaimTopic] | None:
    """A cue sentence's strength and topic when it is a load-bearing claim with no evidence beside it (in
    the sentence as written, links included, or the next one); None otherwise (core/claims.py)."""
    from doccritic.core.claims import aside, backs, evidenced, leads_on, strength, topic

    settings, sentence = rules.claims, scan.text[s0:s1]
    about = topic(settings, sentence)
    if about is None or aside(sentence, cue - s0):
        return None
    section, (after, beyond) = scan.section(s0), scan.following(block, s1)
    score = strength(settings, sentence, section.title if section else None, after)
    # a new paragraph starts a new point: it backs this claim only when the claim leads on to it (":"), it
    # is a list or table of details (not the next item of its own list), or it opens with its evidence
    backs_it = beyond is None or leads_on(sentence) or backs(settings, after, beyond.kind.value, block.kind.value)
    backing = after if backs_it else ""
    if score < settings.min_found or evidenced(settings, sentence, scan.doc.text[s0:s1], backing):
        return None
    lead = scan.lead_in(block)  # "A recent analysis … shows that:" backs every item of its list
    if lead.rstrip().endswith(":") and evidenced(settings, sentence, lead):
        return None
    return score, about


def _candidates(
    rule: Rule, scan: _Scan, rules: RuleSet, in_section: dict[int, bool]
) -> Iterator[tuple[re.Match[str], bool]]:
    """Where the rule could fire: each pattern's and opening's matches (True: must open its sentence),
    then, for a rule that reads imperatives, the verb opening each sentence of its sections. A rule that reads
    the title's subject tries its patterns only in sentences that name two of the title's words (found once
    through the word index): its verbs ("change", "become") are too common to look up everywhere."""
    if rule.subject:
        yield from _subject_candidates(rule, scan)
        return
    for pattern, opening in [(p, False) for p in rule.patterns] + [(p, True) for p in rule.openings]:
        for m in scan.words.finditer(pattern):  # compiled at its first candidate word, if any
            yield m, opening
    if rule.imperatives and rules.imperative_verbs:
        for section in scan.sections:
            if not _in_sections(rule, scan, section.start, in_section):
                continue
            own_end = section.children[0].start if section.children else section.end
            for block in scan.doc.blocks_in(section.start, own_end):
                # a table cell is a label or a value ("Save and return | No | Yes"), not a sentence that decides
                if block.kind in (BlockKind.HEADING, BlockKind.TABLE_CELL) or not block.kind.is_prose:
                    continue
                for s0, s1 in scan.sentences(block):
                    verb = opening_verb(scan.text, s0, s1, rules.imperative_verbs)
                    if verb is not None:
                        yield verb, False


def _subject_candidates(rule: Rule, scan: _Scan) -> Iterator[tuple[re.Match[str], bool]]:
    """The rule's pattern matches (found through the word index) in sentences that name at least two of the
    title's words (the only one, for a one-word title). The paragraph is tested first, by a lookup, so a
    paragraph is split into sentences only when it names them: "change" and "become" are everywhere."""
    titled = scan.titled()
    if not titled.about:
        return
    need = min(2, len(titled.about))
    left = _SUBJECT_SENTENCES
    named: dict[int, bool] = {}  # paragraph or sentence start -> names enough of the title's words
    yielded: set[int] = set()
    for pattern in rule.patterns:
        for m in scan.words.finditer(pattern):
            block = scan.doc.block_at(m.start())
            if block is None or block.kind is BlockKind.HEADING:
                continue
            if block.start not in named:
                named[block.start] = len(titled.named_in(block.start, block.end, need)) >= need
            if not named[block.start]:
                continue
            s0, s1 = scan.sentence(block, m.start())
            if s0 in yielded:
                continue  # one match per sentence: the rule quotes the sentence
            if s0 not in named:
                named[s0] = len(titled.named_in(s0, s1, need)) >= need
            if named[s0]:
                yielded.add(s0)
                yield m, False
                left -= 1
                if not left:
                    return  # the central change is stated in a few places: a document restating it in every
                    # sentence would otherwise pay the full per-hit reading for each (1.1 s per 20,000 sentences)


def _in_sections(rule: Rule, scan: _Scan, offset: int, memo: dict[int, bool]) -> bool:
    """Whether the section around ``offset`` is one the rule reads (a decision record's "Decision")."""
    section = scan.section(offset)
    if section is None:
        return False
    if section.start not in memo:
        title = _NUMBERED.sub("", scan.role(section.start) or section.title)  # "7 How", "2.1 Decision"
        parent = scan._parent.get(section.start) if rule.nested else None
        memo[section.start] = any(p.search(title) for p in rule.sections) or (
            parent is not None and _in_sections(rule, scan, parent.start, memo))
    return memo[section.start]


def _sentence_passes(rule: Rule, sentence: str) -> bool:
    """The rule's sentence-wide conditions: no number when it wants none, no ``unless``, every ``requires``."""
    if rule.unless_number and _NUMBER.search(sentence):
        return False
    if any(p.search(sentence) for p in rule.unless):
        return False
    return all(p.search(sentence) for p in rule.requires)


def _finding(rule: Rule, scan: _Scan, quote: str, start: int, end: int, match: str, nth: int, rules: RuleSet) -> Hit:
    severity, where = rule.severity, None
    if rule.kind is Kind.ONE_WAY_DOOR and rule.mitigated_severity is not None:
        section = scan.section(start)
        block = scan.doc.block_at(start)
        if block is not None and (scan.is_staged(rules, block) or scan.has_escape(rules, section, block)):
            severity = rule.mitigated_severity
        else:
            where = f"The “{section.title}” section" if section else "This paragraph"
    return Hit(rule, quote, start, end, match, nth, severity, where)


def _dedupe_sentences(findings: list[Hit], scan: _Scan, min_shown: int) -> list[Hit]:
    """One finding per sentence and kind: the most severe, then the first rule in the file."""
    best: dict[tuple[Kind, int], Hit] = {}
    for f in findings:
        assert f.start is not None
        block = scan.doc.block_at(f.start)
        key = (f.kind, scan.sentence(block, f.start)[0] if block else f.start)
        if f.subtype in ("placeholder",):
            key = (f.kind, f.start)  # every placeholder is its own to-do
        if key not in best or f.severity.rank > best[key].severity.rank:
            best[key] = f
    # a claim too weak to be shown by default (core/claims.py) must not hide the card it would replace
    challenged = {at for (kind, at), f in best.items() if kind is Kind.CHALLENGED_ASSUMPTION
                  and (f.strength is None or f.strength >= min_shown)}
    # "The root cause is clear: ..." is one flaw: the assumption card already says it lacks evidence,
    # so a second card on its "is clear" would only restate it.
    return [
        f
        for (kind, at), f in best.items()
        if not (kind is Kind.WEAK_ARGUMENT and f.subtype in _SAID_BY_ASSUMPTION and at in challenged)
    ]


def _gaps(doc: Document, rules: RuleSet, *, has_one_way_doors: bool) -> list[Finding]:
    headings = [b.text for b in doc.headings]
    if len(headings) < rules.gap_min_headings or doc.word_count < rules.gap_min_words:
        return []
    if _PROCESS_TEMPLATE.search(doc.text, 0, 3000):
        return []  # a PEP, EIP, KEP or RFC: its process mandates its own sections, under its own names
    missing = [
        gap
        for gap in rules.gaps
        if not any(p.search(h) for p in gap.headings for h in headings)
        and not any(p.search(b.text) for p in gap.mentions for b in doc.blocks if b.kind.is_prose)
    ]
    if len(rules.gaps) - len(missing) < rules.gap_min_present:
        return []  # not shaped like a PRD or design doc: missing-section advice would be noise
    return [_gap_finding(gap, has_one_way_doors) for gap in missing]


def _gap_finding(gap: GapRule, has_one_way_doors: bool) -> Finding:
    severity = gap.severity
    rationale = gap.rationale
    if has_one_way_doors and gap.escalate_with_one_way_doors is not None:
        severity = gap.escalate_with_one_way_doors
        rationale += " This document contains one-way doors, so the missing plan is a real risk."
    return Finding(
        id=stable_id(gap.id, "", 1),
        source=Source.CHECK,
        rule=gap.id,
        kind=Kind.OPEN_QUESTION,
        subtype="missing_section",
        severity=severity,
        title=gap.title,
        anchor=Anchor.DOCUMENT,
        rationale=rationale,
        suggestion=gap.suggestion,
        question=gap.question,
    )


def _cap(findings: list[Hit | Finding], rules: RuleSet, scan: _Scan, unread: set[str] | frozenset[str] = frozenset(),
         ) -> CheckResult:
    """Per rule, the most severe and then the most committing hits, restatements folded in; then the
    overall limit, which the document-level gaps count against too. ``unread``: rules that stopped reading
    (`_QUOTES_READ`), whose cards count their places as "at least"."""
    from doccritic.core.decision_cues import irreversibility
    from doccritic.core.salience import collapse, committed, decides, fold_across_rules, future_change, salience

    caps = {r.id: r.cap or rules.max_per_rule for r in rules.rules}

    def door_subject(f: Any) -> frozenset[str]:  # the title's words a door states (core/salience.py)
        if f.kind is not Kind.ONE_WAY_DOOR or f.start is None or f.end is None:
            return frozenset()
        return scan.states_subject(rules, f.start, f.end)
    weak = {r.id for r in rules.rules if not r.by_default}
    # shown only when no other door is (see below); each with its verbs of change
    fallback = {r.id: r.patterns for r in rules.rules if r.subject}
    generic = {r.id for r in rules.rules if r.imperatives}  # any verb in a deciding section (owd.decision)
    stepwise = {r.id: r for r in rules.rules if r.nested}  # reads a design's sub-sections too (owd.plan)
    by_rule: dict[str, list[Any]] = defaultdict(list)  # hits, and the gaps' findings (duck-typed alike)
    rank: dict[str, tuple[int, int, tuple[int, int, int]]] = {}
    hidden: Counter[str] = Counter()
    for f in findings:
        title = scan.role(f.start) if f.start is not None else None
        # Precision by design: the default view keeps what the rules are sure of. A door that does not
        # commit its author (no future, imperative, decision or date; a "should" or "could"), or a rule
        # whose cue is weak on its own, waits for --all and is counted as held back.
        verbs = rules.imperative_verbs
        strength = getattr(f, "strength", None)  # a claim's (core/claims.py); None for other hits
        # a rule that reads the title's change anywhere needs the sentence itself to decide (a future, "is
        # removed", an imperative in a deciding section), not only to name the subject; any other door that
        # states the title's own change ("Remove the Gauge instrument" -> "The Gauge instrument will be removed
        # from the specification") is the document's central decision, whatever its tense or section
        # (salience alone is not enough there: scope words and a date in an Abstract reach it without a decision)
        if f.rule in fallback:  # ... or a plain future whose own clause names the change ("The CLI will delete ...")
            undecided = not (decides(f.quote, title, verbs) or future_change(f.quote, fallback[f.rule]))
        else:
            undecided = f.kind is Kind.ONE_WAY_DOOR and f.start is not None and not committed(
                f.quote, title, rules.door_min_commitment, verbs
            ) and bool(_MOTIVE.search(title or "") or not door_subject(f))
        if f.rule in weak or undecided or (strength is not None and strength < rules.claims.min_shown):
            hidden[f.rule or ""] += 1
            continue
        # within a severity: how much the sentence commits its author (for a door, irreversibility and the
        # document's subject are added below, on the strongest hits); a claim ranks by how load-bearing it is
        weight = salience(f.quote, title, verbs) if strength is None else strength
        rank[f.id] = (-f.severity.rank, -weight, f.sort_key())
        by_rule[f.rule or ""].append(f)
    kept: list[Any] = []
    for rule_id, group in by_rule.items():
        group.sort(key=lambda f: rank[f.id])
        # and for a door how hard it is to undo (at most 2) and whether it states the title's change (2): read on
        # the strongest hits only, so a long file with a door on every line stays cheap
        head = group[:_IRREVERSIBLE_HEAD]
        for f in head:
            if f.kind is Kind.ONE_WAY_DOOR and f.start is not None:
                sev, weight, key = rank[f.id]
                lift = irreversibility(f.quote, rules.irreversibility) + 2 * bool(door_subject(f))
                rank[f.id] = (sev, weight - lift, key)
        group[: len(head)] = sorted(head, key=lambda f: rank[f.id])
        if rule_id in stepwise:
            # a design's sub-sections are mostly mechanism: a plan step there ("We propose to do this by expanding
            # a lookup ..." under "Querying Mixed Blocks", "So we propose our solution with option 2") is a door only
            # when it closes a way back, so the cap keeps "We propose a new field in the meta.json file" instead
            group = [f for f in group if _own_section(stepwise[rule_id], scan, f.start)
                     or irreversibility(f.quote, rules.irreversibility)]
        limit = caps.get(rule_id, len(group))
        group = collapse(group, limit, _first(door_subject, {f.id for f in head}), partial=rule_id in unread)[:limit]
        if rule_id in generic:
            # a record's first decision is its decision; a further step of it ("Provision one bucket per
            # environment:") is a door only when it closes a way back
            group = group[:1] + [f for f in group[1:] if irreversibility(f.quote, rules.irreversibility)]
        kept.extend(group)
        hidden[rule_id] += len(by_rule[rule_id]) - len(group)
    gaps = [f for f in kept if f.start is None]
    room = max(rules.max_total - len(gaps), 0)
    placed = sorted((f for f in kept if f.start is not None), key=lambda f: rank[f.id])
    placed = fold_across_rules(placed)
    if any(f.kind is Kind.ONE_WAY_DOOR and f.rule not in fallback for f in placed):
        # the title's change read anywhere is a fallback for documents whose door rules found nothing: next to
        # a door already shown it would mostly restate it
        for f in placed:
            if f.rule in fallback:
                hidden[f.rule or ""] += 1
        placed = [f for f in placed if f.rule not in fallback]
    for f in placed[room:]:
        hidden[f.rule or ""] += 1
    shown = [as_finding(f) for f in placed[:room] + gaps]
    return CheckResult(sorted(shown, key=Finding.sort_key), +hidden)


def _own_section(rule: Rule, scan: _Scan, offset: int) -> bool:
    """Whether the section around ``offset`` is one of the rule's by its own title ("Proposal", "7 How"), not only
    as a sub-section of one ("Proposal" > "Querying Mixed Blocks")."""
    title = _NUMBERED.sub("", scan.role(offset) or "")
    return any(p.search(title) for p in rule.sections)


def _first(subject_of: Callable[[Any], frozenset[str]], ids: set[str]) -> Callable[[Any], frozenset[str]]:
    """``subject_of`` read only for the findings in ``ids`` (a rule's strongest hits), nothing for the rest."""
    return lambda f: subject_of(f) if f.id in ids else frozenset()


def rules_from(path: Path | None) -> RuleSet:
    """A rules file given on the command line, or the defaults."""
    from doccritic.core.rules import load_rules

    return load_rules(path) if path is not None else default_rules()


__all__ = ["CheckResult", "ChecksStoppedError", "Severity", "default_rules", "rules_from", "run_checks"]
