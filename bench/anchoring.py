"""Quote anchoring on real documents, misquoted the ways an LLM misquotes (a measurement, not a test).

Run from the repository root:

    /work/venv/bin/python bench/anchoring.py [--per-class 250] [--seed 2026] [--show 5]

Sentences, and clauses of long sentences, come from the prose blocks (paragraphs, list items, table
cells, block quotes) of the public design docs in ``tests/data/corpus`` (Markdown, reStructuredText,
DOCX), loaded with :func:`load_document`; each quote is anchored against ``doc.text`` with
:func:`anchor_quote`, as the critic panel does. Each class perturbs the quoted passage one way (the
``p_*`` functions and ``build_cases``); ``duplicate*`` quote a passage that occurs verbatim more than
once (``+ section`` passing the span of its innermost section as ``within``); ``absent (other doc)``
quotes a sentence of another document (it must stay unanchored) and ``spliced`` joins the first half
of one sentence to the second half of another (it should stay unanchored).

Scoring, per quote, with ``true`` the span the quote was taken from (``[s, e)`` in ``doc.text``), and
``v(a, b)`` the number of characters of ``[a, b)`` outside link targets and inline HTML tags
(``](url)``, RST ``<url>`_``, ``<code>``: a highlight may leave a URL out):

- a span ``[a, b)`` *matches* ``true`` when their overlap covers >= 80% of both:
  ``v(overlap) >= 0.8 * v(a, b) and v(overlap) >= 0.8 * v(s, e)``; it lies *inside* a span when
  ``v(overlap) >= 0.8 * v(a, b)``;
- **correct**: placed (exact/normalized/fuzzy) on a span that matches ``true``; for a passage that
  occurs more than once in the searched region, ``ambiguous`` with ``true`` among the candidates (or,
  past the cap, 20 candidates that all match occurrences of it); for ``absent``/``spliced``, unanchored;
- **partial**: placed inside ``true`` (or, for ``spliced``, inside one of its two sentences) without
  matching it: part of the right passage is highlighted;
- **ambiguous**: ``ambiguous`` with ``true`` among the candidates although the passage is unique;
  the reader must pick (not wrong, not correct);
- **wrong**: placed anywhere else, placed at all when the passage is repeated, or ``ambiguous``
  without ``true`` (or a span inside it) among the candidates;
- **unanchored**: not placed although the passage is there.

"Unique" is judged loosely and independently of the anchoring code: the passage's letters and digits
(casefolded, link targets and tags removed, everything else dropped) occur once in the document's.
A perturbed quote that is itself repeated that way ("Test Plan", a TOC link's text that is also a
heading), or that is verbatim text elsewhere, is left out of its class and counted in the header.
Quotes are drawn with a fixed seed; half of the non-duplicate quotes get the section hint (``within``)
the critic would give. Each document's normalized text is built once, untimed, before its quotes are
timed (a review anchors dozens of quotes against one text). It always exits 0, unless ``--timeout``
(default 300 s; the whole run takes a few seconds) ends it: exit 124.
"""

from __future__ import annotations

import argparse
import itertools
import platform
import random
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import harness  # bench/harness.py, beside this script

from doccritic.core.anchoring import Placement, anchor_quote
from doccritic.core.document import BlockKind, Document
from doccritic.core.errors import LoadError
from doccritic.core.findings import Anchor
from doccritic.formats.loader import load_document

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "corpus"
CORPUS_NOTES = {"SOURCES.md", "LICENSES.md"}  # about the corpus, not documents in it
SUFFIXES = (".md", ".rst", ".docx")
PROSE = (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.TABLE_CELL, BlockKind.QUOTE)
SENTENCE_END = re.compile(r"[.!?](?=\s)|[。！？]")
CLAUSE_END = re.compile(r"[,;:](?=\s)|[，；：]")
SPACE_RUN = re.compile(r"\s+")
WORD = re.compile(r"[A-Za-z]{3,}")
# Link targets ("](url)", "][ref]", RST's " <url>`_") and inline HTML tags. A highlight may leave them
# out, so they do not count towards overlaps, and a passage is unique when its text without them is.
HIDDEN = re.compile(r"\](?:\([^)\n]*\)|\[[^\]\n]*\])|\s*<[^<>`\n]+>(?=`_)|</?(?:code|em|strong|b|i|kbd|sup|sub|span)>")
CAP = 20  # anchor_quote lists at most this many candidates
Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Passage:
    doc: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Case:
    kind: str
    doc: int
    quote: str
    true: Span | None  # None: the quote is not in the document
    within: Span | None
    repeated: bool  # the passage occurs more than once where it is searched: ambiguous is correct
    occurrences: tuple[Span, ...] = ()  # every occurrence of a repeated passage
    sources: tuple[Span, ...] = ()  # passages the quote was made from (spliced quotes: both sentences)


# -- the corpus ----------------------------------------------------------------------------------------


def load_corpus() -> list[tuple[str, Document]]:
    docs = []
    for path in sorted(CORPUS.iterdir()):
        if path.suffix.lower() not in SUFFIXES or path.name in CORPUS_NOTES:
            continue
        try:
            docs.append((path.name, load_document(path)))
        except LoadError:
            continue  # the deliberately broken DOCX
    return docs


def loose(s: str) -> str:
    """Letters and digits only, casefolded, link targets left out: the key for "is this passage unique"."""
    return "".join(ch for ch in HIDDEN.sub("", s).casefold() if ch.isalnum())


class Visible:
    """Counts a document's characters outside link targets, for overlaps that a URL does not swamp."""

    def __init__(self, text: str) -> None:
        hidden = bytearray(len(text))
        for m in HIDDEN.finditer(text):
            hidden[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
        self.before = [0]
        for h in hidden:
            self.before.append(self.before[-1] + 1 - h)

    def count(self, a: int, b: int) -> int:
        return self.before[b] - self.before[a]


def _pieces(text: str, start: int, end: int, ends: re.Pattern[str]) -> list[Span]:
    """``text[start:end]`` cut after each match of ``ends``, each piece stripped of outer whitespace."""
    cuts = [start, *(m.end() for m in ends.finditer(text, start, end)), end]
    out = []
    for a, b in itertools.pairwise(cuts):
        piece = text[a:b]
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece.rstrip())
        if trail > lead:
            out.append((a + lead, a + trail))
    return out


def _usable(s: str) -> bool:
    letters = sum(ch.isalpha() for ch in s)
    spaced = len(s.split()) >= 5 and letters >= 20
    unspaced = len(s.split()) < 3 and letters >= 10  # CJK: few spaces
    return 20 <= len(s) <= 400 and letters >= 0.55 * len(s) and (spaced or unspaced)


def passages(docs: list[tuple[str, Document]]) -> list[Passage]:
    """Sentences, and clauses of longer sentences, of every prose block."""
    out = []
    for i, (_, doc) in enumerate(docs):
        for block in doc.blocks:
            if block.kind not in PROSE:
                continue
            for a, b in _pieces(doc.text, block.start, block.end, SENTENCE_END):
                spans = [(a, b)]
                if len(doc.text[a:b].split()) >= 12:
                    spans += _pieces(doc.text, a, b, CLAUSE_END)
                out += [Passage(i, x, y) for x, y in spans if _usable(doc.text[x:y])]
    return list(dict.fromkeys(out))


def innermost_section(doc: Document, start: int, end: int) -> Span | None:
    best = None
    for top in doc.sections:
        for s in top.walk():
            if s.start <= start and end <= s.end and (best is None or s.end - s.start < best[1] - best[0]):
                best = (s.start, s.end)
    return best


# -- perturbations: each returns the misquoted passage, or None where it does not apply ----------------


def _words(s: str) -> list[re.Match[str]]:
    return list(re.finditer(r"\S+", s))


def p_whitespace(s: str, rng: random.Random) -> str | None:
    ops = [lambda t: t.replace(" ", "  ", 1 + rng.randrange(3)), lambda t: t + " ", lambda t: " " + t]
    gaps = [m.start() for m in re.finditer(" ", s)]
    if gaps:
        ops.append(lambda t: (lambda g: t[:g] + "\n" + t[g + 1 :])(rng.choice(gaps)))
    if re.search(r"\s{2,}|[\n\t]", s):
        ops += [lambda t: SPACE_RUN.sub(" ", t)] * 3  # the common one: line breaks joined, runs collapsed
    out = rng.choice(ops)(s)
    return out if out != s else None


_TO_SMART = {"'": "’", '"': "“"}
_TO_STRAIGHT = {"‘": "'", "’": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'}


def p_quotes(s: str, rng: random.Random) -> str | None:
    if any(c in s for c in _TO_STRAIGHT) and (rng.random() < 0.7 or not any(c in s for c in _TO_SMART)):
        return "".join(_TO_STRAIGHT.get(c, c) for c in s)
    if any(c in s for c in _TO_SMART):
        out, opened = [], False
        for c in s:  # opening/closing double quotes alternate; apostrophes become ’
            if c == '"':
                c, opened = ("”" if opened else "“"), not opened
            out.append(_TO_SMART.get(c, c) if c == "'" else c)
        return "".join(out)
    return None


def p_dashes(s: str, rng: random.Random) -> str | None:
    spots = [m for m in re.finditer(r" - |(?<=\w)-(?=\w)| ?[–—] ?|--", s)]
    if not spots:
        return None
    m = rng.choice(spots)
    if "-" in m.group() and "--" not in m.group():
        new = rng.choice(["–", "—", " – ", " — "]) if m.group() == " - " else rng.choice(["–", "‑"])
    else:
        new = rng.choice([" - ", "-", " -- ", "--"])
    return s[: m.start()] + new + s[m.end() :]


_MARKUP = [
    (re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)"), r"\1"),  # [text](url)
    (re.compile(r"\[([^\]\n]+)\]\[[^\]\n]*\]"), r"\1"),  # [text][ref]
    (re.compile(r"`([^`<\n]+?)\s*<[^>\n]+>`__?"), r"\1"),  # RST `text <url>`_
    (re.compile(r"</?(?:code|em|strong|b|i|kbd|sup|sub|span)>"), ""),  # <code>, <em>; not <version>
    (re.compile(r"\*\*([^*\n]+)\*\*"), r"\1"),
    (re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<!\w)__?([^_\n]+?)__?(?!\w)"), r"\1"),
    (re.compile(r"``?([^`\n]+)``?"), r"\1"),
]
LINK = re.compile(r"\[[^\]\n]+\]\(|`[^`<\n]+?\s*<[^>\n]+>`_")


def p_markup_stripped(s: str, rng: random.Random) -> str | None:
    """Links lose their target (as a whole), then all, or one kind, of the other markup goes."""
    found = [(rx, repl) for rx, repl in _MARKUP[3:] if rx.search(s)]
    if not found and not LINK.search(s):
        return None
    for rx, repl in _MARKUP[:3] + (found if rng.random() < 0.6 or not found else [rng.choice(found)]):
        s = rx.sub(repl, s)
    return s


def p_links(s: str, rng: random.Random) -> str | None:
    if not LINK.search(s):
        return None
    for rx, repl in _MARKUP[:3]:
        s = rx.sub(repl, s)
    return s


def p_markup_added(s: str, rng: random.Random) -> str | None:
    """A word gets emphasis or code marks, never one inside a URL or link target."""
    hidden = [m.span() for m in re.finditer(r"\S*(?:://|\]\(|<)\S*|\([^)\s]*\)", s)]
    words = [m for m in WORD.finditer(s) if len(m.group()) >= 4 and not any(a <= m.start() < b for a, b in hidden)]
    if not words:
        return None
    m = rng.choice(words)
    mark = rng.choice(["**", "*", "_", "`"])
    return f"{s[: m.start()]}{mark}{m.group()}{mark}{s[m.end() :]}"


def p_nbsp(s: str, rng: random.Random) -> str | None:
    if "\xa0" in s:
        return s.replace("\xa0", " ")
    gaps = [m.start() for m in re.finditer(" ", s)]
    if not gaps:
        return None
    for g in rng.sample(gaps, min(len(gaps), 1 + rng.randrange(3))):
        s = s[:g] + "\xa0" + s[g + 1 :]
    return s


def p_case(s: str, rng: random.Random) -> str | None:
    options = {s.upper(), s.lower(), s.title(), s[:1].swapcase() + s[1:]} - {s}
    return rng.choice(sorted(options)) if options else None


def p_ellipsis(s: str, rng: random.Random) -> str | None:
    words = _words(s)
    if len(words) < 8:
        return None
    head = rng.randrange(3, len(words) - 4)
    tail = rng.randrange(head + 1, len(words) - 2)
    gap = rng.choice([" … ", "…", " ... ", "...", " [...] ", " (…) "])
    return s[: words[head - 1].end()] + gap + s[words[tail].start() :]


def p_word_changed(s: str, rng: random.Random, vocab: list[str]) -> str | None:
    words = [m for m in WORD.finditer(s)]
    if len(_words(s)) < 6 or not words:
        return None
    m = rng.choice(words)
    new = rng.choice([w for w in rng.sample(vocab, 20) if w.lower() != m.group().lower()] or ["thing"])
    return s[: m.start()] + new + s[m.end() :]


def p_word_dropped(s: str, rng: random.Random) -> str | None:
    words = _words(s)
    if len(words) < 6:
        return None
    m = words[rng.randrange(1, len(words) - 1)]
    return s[: m.start()] + s[m.end() :].lstrip()


def p_word_inserted(s: str, rng: random.Random) -> str | None:
    words = _words(s)
    if len(words) < 6:
        return None
    m = words[rng.randrange(1, len(words))]
    return s[: m.start()] + rng.choice(["also ", "very ", "the ", "just ", "all ", "now ", "really "]) + s[m.start() :]


def truncate(s: str, rng: random.Random, at_start: bool) -> tuple[int, int] | None:
    """The kept part of ``s`` (offsets) after cutting 1-3 words, or a few letters mid-word, from one end."""
    words = _words(s)
    if len(words) >= 7:
        k = rng.randint(1, 3)
        cut = words[k].start() if at_start else words[-k - 1].end()
        if rng.random() < 0.3:  # mid-word
            cut += rng.randint(1, 3) if at_start else -rng.randint(1, 3)
    elif len(words) < 3 and len(s) >= 14:  # no spaces (CJK): cut characters
        cut = rng.randint(2, 5) if at_start else len(s) - rng.randint(2, 5)
    else:
        return None
    return (cut, len(s)) if at_start else (0, cut)


# -- building the cases --------------------------------------------------------------------------------


class Builder:
    def __init__(self, docs: list[tuple[str, Document]], rng: random.Random) -> None:
        self.docs, self.rng = docs, rng
        self.skipped: Counter[str] = Counter()
        self.keys = [loose(d.text) for _, d in docs]
        everything = passages(docs)
        self.unique = [p for p in everything if self.keys[p.doc].count(loose(self.text(p))) == 1]
        self.repeated = self._repeated(everything)
        vocab = {w for _, d in docs for w in WORD.findall(d.text) if 3 <= len(w) <= 10}
        self.vocab = sorted(vocab)

    def text(self, p: Passage) -> str:
        return self.docs[p.doc][1].text[p.start : p.end]

    def _repeated(self, everything: list[Passage]) -> list[Passage]:
        seen: dict[tuple[int, str], Passage] = {}
        for p in everything:  # one entry per distinct repeated text; the occurrence is drawn later
            text = self.docs[p.doc][1].text
            if text.count(self.text(p)) >= 2:
                seen.setdefault((p.doc, self.text(p)), p)
        return list(seen.values())

    def verbatim_elsewhere(self, quote: str, doc: int, true: Span) -> bool:
        """The misquote is itself text of the document somewhere else: placing it there is right."""
        text, core = self.docs[doc][1].text, quote.strip()
        at = text.find(core)
        return at >= 0 and not (true[0] <= at and at + len(core) <= true[1])

    def hint(self, p: Passage) -> Span | None:
        return innermost_section(self.docs[p.doc][1], p.start, p.end) if self.rng.random() < 0.5 else None

    def perturbed(self, kind: str, fn: Callable[[str], str | None], n: int) -> list[Case]:
        cases = []
        for p in self.rng.sample(self.unique, len(self.unique)):
            if len(cases) >= n:
                break
            quote = fn(self.text(p))
            if quote is None or quote == self.text(p):
                continue
            if self.keys[p.doc].count(loose(quote)) > 1 or self.verbatim_elsewhere(quote, p.doc, (p.start, p.end)):
                self.skipped[kind] += 1
                continue
            cases.append(Case(kind, p.doc, quote, (p.start, p.end), self.hint(p), False))
        return cases

    def truncated(self, kind: str, at_start: bool, n: int) -> list[Case]:
        cases = []
        for p in self.rng.sample(self.unique, len(self.unique)):
            if len(cases) >= n:
                break
            kept = truncate(self.text(p), self.rng, at_start)
            if kept is None:
                continue
            quote = self.text(p)[kept[0] : kept[1]]
            if quote.strip() and self.keys[p.doc].count(loose(quote)) == 1:
                true = (p.start + kept[0], p.start + kept[1])
                if self.rng.random() < 0.4:  # "…the rest" / "the start..."
                    mark = self.rng.choice(["…", "...", "… ", "... "])
                    quote = mark + quote if at_start else quote + mark.strip()
                cases.append(Case(kind, p.doc, quote, true, self.hint(p), False))
        return cases

    def duplicates(self, kind: str, n: int, *, section: bool, loosen: bool) -> list[Case]:
        cases = []
        pool = self.rng.sample(self.repeated, len(self.repeated))
        for p in pool * (1 + n // max(1, len(pool))):
            if len(cases) >= n:
                break
            doc, quote = self.docs[p.doc][1], self.text(p)
            starts = [m.start() for m in re.finditer(re.escape(quote), doc.text)]
            start = self.rng.choice(starts)
            within = innermost_section(doc, start, start + len(quote)) if section else None
            lo, hi = within or (0, len(doc.text))
            inside = sum(lo <= s and s + len(quote) <= hi for s in starts)
            if loosen:
                quote = self.rng.choice([p_whitespace, p_case, p_nbsp])(quote, self.rng) or quote
                if quote.strip() != self.text(p).strip() and quote.strip() in doc.text:  # "sample" vs "Sample"
                    self.skipped[kind] += 1
                    continue
            spans = tuple((s, s + len(self.text(p))) for s in starts)
            cases.append(Case(kind, p.doc, quote, spans[starts.index(start)], within, inside >= 2, spans))
        return cases

    def absent(self, n: int) -> list[Case]:
        cases = []
        for p in self.rng.sample(self.unique, len(self.unique)):
            if len(cases) >= n:
                break
            other = self.rng.randrange(len(self.docs))
            quote = self.text(p)
            if other != p.doc and len(loose(quote)) >= 20 and loose(quote) not in self.keys[other]:
                cases.append(Case("absent (other doc)", other, quote, None, None, False))
        return cases

    def spliced(self, n: int) -> list[Case]:
        """The first half of one sentence and the second half of another of the same document.

        Each half is 40-60% of the quote's letters and digits (a quote that is mostly one sentence is a
        misquote of it, not absent) and occurs once in the document (halves of look-alike sentences
        make a sentence that exists).
        """
        cases = []
        long = [p for p in self.unique if len(_words(self.text(p))) >= 8]
        while len(cases) < n:
            a, b = self.rng.sample(long, 2)
            if a.doc != b.doc or (a.start < b.end and b.start < a.end):  # a sentence and its own clause
                continue
            head, tail = _words(self.text(a)), _words(self.text(b))
            first, second = self.text(a)[: head[len(head) // 2].start()], self.text(b)[tail[len(tail) // 2].start() :]
            quote, key = first + second, self.keys[a.doc]
            once = key.count(loose(first)) == 1 and key.count(loose(second)) == 1  # each half from one place
            if once and 0.4 <= len(loose(first)) / len(loose(quote)) <= 0.6 and key.count(loose(quote)) == 0:
                sources = ((a.start, a.end), (b.start, b.end))
                cases.append(Case("spliced", a.doc, quote, None, None, False, sources=sources))
        return cases


def build_cases(
    docs: list[tuple[str, Document]], per_class: int, seed: int
) -> tuple[list[Case], Counter[str], tuple[int, int]]:
    b = Builder(docs, random.Random(seed))
    rng = b.rng
    perturb: list[tuple[str, Callable[[str], str | None]]] = [
        ("whitespace", lambda s: p_whitespace(s, rng)),
        ("quotes straight/smart", lambda s: p_quotes(s, rng)),
        ("dashes", lambda s: p_dashes(s, rng)),
        ("markup stripped", lambda s: p_markup_stripped(s, rng)),
        ("link text only", lambda s: p_links(s, rng)),
        ("markup added", lambda s: p_markup_added(s, rng)),
        ("NBSP", lambda s: p_nbsp(s, rng)),
        ("case", lambda s: p_case(s, rng)),
        ("ellipsis in middle", lambda s: p_ellipsis(s, rng)),
        ("word changed", lambda s: p_word_changed(s, rng, b.vocab)),
        ("word dropped", lambda s: p_word_dropped(s, rng)),
        ("word inserted", lambda s: p_word_inserted(s, rng)),
    ]
    cases = []
    for kind, fn in perturb:
        cases += b.perturbed(kind, fn, per_class)
    cases += b.truncated("truncated start", True, per_class)
    cases += b.truncated("truncated end", False, per_class)
    cases += b.duplicates("duplicate", per_class, section=False, loosen=False)
    cases += b.duplicates("duplicate, loosened", per_class // 2, section=False, loosen=True)
    cases += b.duplicates("duplicate + section", per_class, section=True, loosen=False)
    cases += b.absent(per_class)
    cases += b.spliced(per_class)
    return cases, b.skipped, (len(b.unique), len(b.repeated))


# -- scoring ---------------------------------------------------------------------------------------------


def matches(span: Span, true: Span, vis: Visible) -> bool:
    (a, b), (s, e) = span, true
    overlap = vis.count(max(a, s), min(b, e)) if min(b, e) > max(a, s) else 0
    return overlap > 0 and overlap >= 0.8 * vis.count(a, b) and overlap >= 0.8 * vis.count(s, e)


def inside(span: Span, outer: Span, vis: Visible) -> bool:
    """At least 80% of ``span`` lies in ``outer``: a highlight on part of the right passage."""
    (a, b), (s, e) = span, outer
    overlap = vis.count(max(a, s), min(b, e)) if min(b, e) > max(a, s) else 0
    return overlap > 0 and overlap >= 0.8 * vis.count(a, b)


def outcome(case: Case, p: Placement, vis: Visible) -> str:
    if p.anchor is Anchor.UNANCHORED or p.start is None or p.end is None:
        return "correct" if case.true is None else "unanchored"
    sources = [*case.sources, *([case.true] if case.true else [])]
    if p.anchor is Anchor.AMBIGUOUS:
        candidates = list(getattr(p, "candidates", ())) or [(p.start, p.end)]  # before: the first match only
        capped = len(candidates) == CAP and all(any(matches(c, o, vis) for o in case.occurrences) for c in candidates)
        if case.true is not None and (capped or any(matches(c, case.true, vis) for c in candidates)):
            return "correct" if case.repeated else "ambiguous"
        return "partial" if any(inside(c, s, vis) for c in candidates for s in sources) else "wrong"
    if case.true is not None and matches((p.start, p.end), case.true, vis):
        return "wrong" if case.repeated else "correct"  # a repeated passage must not be placed on one of them
    if not case.repeated and any(inside((p.start, p.end), s, vis) for s in sources):
        return "partial"
    return "wrong"


Result = tuple[Case, str, float, Placement]


def run(docs: list[tuple[str, Document]], cases: list[Case]) -> list[Result]:
    results = []
    by_doc: dict[int, list[Case]] = defaultdict(list)
    for case in cases:
        by_doc[case.doc].append(case)
    for i, group in sorted(by_doc.items()):
        text, vis = docs[i][1].text, Visible(docs[i][1].text)
        anchor_quote(text, "warm-up: build this text's normalized form")  # untimed, once per document
        for case in group:
            t0 = time.perf_counter()
            p = anchor_quote(text, case.quote, section=case.within)  # a critic-named section: a tie-breaker
            dt = time.perf_counter() - t0
            results.append((case, outcome(case, p, vis), dt, p))
    return results


def report(results: list[Result], docs: list[tuple[str, Document]], show: int) -> None:
    kinds = list(dict.fromkeys(c.kind for c, *_ in results))
    cols = ["correct", "partial", "ambiguous", "wrong", "unanchored"]
    print(f"| {'perturbation':<22} |    n | {' | '.join(f'{c:>14}' for c in cols)} | ms/quote mean |   p95")
    print(f"|{'-' * 24}|------|{'|'.join('-' * 16 for _ in cols)}|---------------|------")
    for kind in [*kinds, "all"]:
        rows = [r for r in results if kind in ("all", r[0].kind)]
        counts = Counter(r[1] for r in rows)
        times = sorted(r[2] * 1000 for r in rows)
        cells = " | ".join(f"{counts[c]:>5} ({100 * counts[c] / len(rows):5.1f}%)" for c in cols)
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
        label = "**all**" if kind == "all" else kind
        print(f"| {label:<22} | {len(rows):>4} | {cells} | {statistics.fmean(times):>13.2f} | {p95:5.1f}")
    bad = sorted((r for r in results if r[1] != "correct"), key=lambda r: cols.index(r[1]) - 10 * (r[1] == "wrong"))
    for case, verdict, _, p in bad[:show]:
        text = docs[case.doc][1].text
        placed = None if p.start is None else text[p.start : p.end][:90]
        true = None if case.true is None else text[case.true[0] : case.true[1]][:90]
        print(f"\n{verdict.upper()} [{case.kind}] {docs[case.doc][0]} {p.anchor.value} {p.score:.0f}")
        print(f"  quote:  {case.quote[:90]!r}\n  true:   {true!r}\n  placed: {placed!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-class", type=int, default=250, help="quotes per perturbation (default 250)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--show", type=int, default=5, help="print this many failed quotes (default 5)")
    harness.add_timeout_option(parser, default=300)
    args = parser.parse_args(argv)
    harness.install_timeout(args.timeout, "bench/anchoring.py")
    print(harness.load_line("start"), flush=True)
    t0 = time.perf_counter()
    docs = load_corpus()
    cases, skipped, pools = build_cases(docs, args.per_class, args.seed)
    results = run(docs, cases)
    print(f"Python {platform.python_version()} on {platform.platform()}, {len(docs)} documents from {CORPUS}")
    print(f"{len(cases)} quotes, seed {args.seed}; total run {time.perf_counter() - t0:.1f} s")
    print(f"passages: {pools[0]} unique, {pools[1]} distinct repeated ones")
    left = ", ".join(f"{k} {v}" for k, v in skipped.items()) or "none"
    print(f"left out (the perturbed quote is repeated, or verbatim text elsewhere): {left}")
    print()
    report(results, docs, args.show)
    print(harness.load_line("end"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
