"""Offline load and check speed on a large, PRD-shaped document (a measurement, not a test).

Run from the repository root:

    /work/venv/bin/python bench/check_speed.py [--words 50000] [--repeat 5] [--shapes] [--scale 1.0]
        [--only TEXT] [--skip-prd]

It writes a deterministic ~N-word PRD as Markdown and as an equivalent DOCX into a temporary
directory, then times ``load_document`` and ``run_checks`` on each (median and min over --repeat
runs, after one untimed warm-up that pays for imports and rule compilation) and compares the figures
with the goals in the spec. ``--shapes`` then times the inputs that once made the checks quadratic
(issue #13): a 20 MB headingless text of one-way-door sentences, a 10 MB single line without full
stops, a 0.5 MB one-paragraph DOCX, a 1 MB DOCX of short paragraphs without headings and a
200k-word PRD, and 20 MB of a title's change restated in every paragraph, each sentence a little different
("# Remove the legacy change" then "We will remove the legacy change for tenant N."); each is loaded and
checked once (goal: every check <= 10 s). ``--scale 0.1`` makes them ten times smaller, for a quick look;
``--only title`` runs the shapes whose label or file name contains "title", ``--skip-prd`` skips the
50k-word timings. It exits 0 even when a step fails (a measurement, not a gate), except when
``--timeout`` (default 600 s) ends it: exit 124.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

import docx
import harness  # bench/harness.py, beside this script

from doccritic.core import wordindex
from doccritic.core.checks import run_checks
from doccritic.core.document import Document
from doccritic.formats.loader import load_document

T = TypeVar("T")
Block = tuple[str, object]  # ("h2"|"h3"|"p"|"li"|"code", str) or ("table", list[list[str]])

SECTIONS = [
    "Problem",
    "Goals",
    "Non-goals",
    "Users & personas",
    "Requirements",
    "Success metrics",
    "Risks",
    "Alternatives considered",
    "Rollout",
    "Open questions",
    "Dependencies",
    "Timeline",
]
SUBSECTIONS = ["Background", "Details", "Edge cases", "Data", "Support impact", "Pricing", "API changes"]
PROSE = [
    "Today most small businesses chase late invoices by hand, which costs them hours every week.",
    "The reminder engine sends a message three days before the due date and again on the due date.",
    "Owner-operators told us in interviews that they want reminders to run without supervision.",
    "We measured a median delay of eleven days between the due date and the payment in the last quarter.",
    "Support tickets about reminder timing averaged 1,140 per month during Q3, mostly about wording.",
    "The new settings page lets an account choose the tone, the channel and the escalation schedule.",
    "Payers never log in; their experience is the email, the SMS and the hosted payment page.",
    "Finance expects the change to affect revenue recognition only for accounts on annual plans.",
    "Integrators rely on the public Reminders API and on webhooks delivered through Zapier or Make.",
    "Design will run five usability sessions with office managers before the copy is finalised.",
    "The team reviewed the proposal with Legal, who asked for a clear consent step for auto-charge.",
    "Accounts in Germany and Switzerland send invoices in both EUR and CHF, often to the same payer.",
    "A payer who disputes an invoice should be able to pause reminders from the email itself.",
    "We do not plan to change the invoice numbering scheme or the PDF layout in this release.",
    "The experiment will compare reminder schedules across two cohorts of comparable size.",
    "Engineering estimates six weeks for the engine and two more weeks for the migration tooling.",
    "Each reminder records its delivery status so that support can answer payer questions quickly.",
    "Müller GmbH sends about 400 invoices a month and wants one template per client account.",
    "Zoë asked for a weekly digest instead of one notification per overdue invoice 🙂.",
    "Our Tokyo pilot customers label invoices 請求書 and expect reminders in Japanese.",
]
TRIGGERS = [
    "We will delete all legacy records after migration.",
    "This will significantly improve retention.",
    "TBD",
    "We will launch to 100% of users on the first day.",
    "Customers will definitely love the new flow.",
    "All existing accounts migrate to the new engine in one weekend.",
]
CODE = [
    'POST /v2/reminders\n{"invoice_id": "inv_123", "schedule": "smart"}',
    "def next_send(due, offsets):\n    return min(due + o for o in offsets)",
]


def build_blocks(words: int, rng: random.Random) -> list[Block]:
    """An abstract PRD: sections of headings, prose, bullets, tables and code until ``words`` is reached."""
    blocks: list[Block] = [("h1", "Smart Payment Reminders v2 (benchmark PRD)")]
    count, n = 0, 0
    while count < words:
        blocks.append(("h2", f"{SECTIONS[n % len(SECTIONS)]} {n // len(SECTIONS) + 1}"))
        for _ in range(rng.randint(2, 4)):
            blocks.append(("h3", f"{rng.choice(SUBSECTIONS)} {n + 1}.{rng.randint(1, 9)}"))
            for _ in range(rng.randint(2, 4)):
                sents = rng.sample(PROSE, k=rng.randint(3, 7))
                if rng.random() < 0.15:
                    sents.insert(rng.randrange(len(sents) + 1), rng.choice(TRIGGERS))
                blocks.append(("p", " ".join(sents)))
            if rng.random() < 0.5:
                for _ in range(rng.randint(3, 6)):
                    item = rng.choice(TRIGGERS) if rng.random() < 0.1 else rng.choice(PROSE)
                    blocks.append(("li", item.rstrip(".")))
        if n % 7 == 3:
            rows = [["Metric", "Baseline", "Target", "Owner"]]
            rows += [[f"Late invoices cohort {i}", f"{30 + i}%", f"{20 + i}%", "Priya"] for i in range(5)]
            blocks.append(("table", rows))
        if n % 9 == 5:
            blocks.append(("code", rng.choice(CODE)))
        count = sum(len(str(t).split()) for k, t in blocks if k not in ("table", "code"))
        n += 1
    return blocks


def to_markdown(blocks: list[Block]) -> str:
    out: list[str] = []
    for i, (kind, body) in enumerate(blocks):
        if kind in ("h1", "h2", "h3"):
            out.append("#" * int(kind[1]) + f" {body}\n\n")
        elif kind == "p":
            out.append(f"{body}\n\n")
        elif kind == "li":  # consecutive items form one list; a blank line closes it
            last = i + 1 == len(blocks) or blocks[i + 1][0] != "li"
            out.append(f"- {body}\n" + ("\n" if last else ""))
        elif kind == "code":
            out.append(f"```python\n{body}\n```\n\n")
        elif kind == "table" and isinstance(body, list):
            lines = ["| " + " | ".join(r) + " |" for r in body]
            lines.insert(1, "|" + "---|" * len(body[0]))
            out.append("\n".join(lines) + "\n\n")
    return "".join(out)


def to_docx(blocks: list[Block], path: Path) -> None:
    d = docx.Document()
    for kind, body in blocks:
        if kind in ("h1", "h2", "h3"):
            d.add_heading(str(body), level=int(kind[1]))
        elif kind == "p":
            d.add_paragraph(str(body))
        elif kind == "li":
            d.add_paragraph(str(body), style="List Bullet")
        elif kind == "code":
            d.add_paragraph(str(body)).runs[0].font.name = "Courier New"
        elif kind == "table" and isinstance(body, list):
            table = d.add_table(rows=len(body), cols=len(body[0]))
            for r, row in enumerate(body):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
    d.save(str(path))


def timed(fn: Callable[[], T], repeat: int) -> tuple[list[float], T]:
    fn()  # warm-up: imports, rule compilation
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    assert result is not None
    return times, result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--shapes", action="store_true", help="also time the large pathological inputs")
    ap.add_argument("--scale", type=float, default=1.0, help="size factor for --shapes (default 1.0)")
    ap.add_argument("--only", default="", metavar="TEXT",
                    help="with --shapes: only the shapes whose label or file name contains TEXT")
    ap.add_argument("--skip-prd", action="store_true", help="with --shapes: skip the 50k-word MD/DOCX timings")
    harness.add_timeout_option(ap, default=600)
    args = ap.parse_args(argv)
    harness.install_timeout(args.timeout, "bench/check_speed.py")
    print(
        f"Python {sys.version.split()[0]} on {platform.platform()} ({platform.machine()}), "
        f"{os.cpu_count()} CPUs"
    )
    print(harness.load_line("start"), flush=True)
    if not args.skip_prd:
        time_prd(args.words, args.repeat)
    if args.shapes:
        print(harness.load_line("shapes"), flush=True)
        time_shapes(args.scale, args.only)
    print(harness.load_line("end"))
    return 0


def time_prd(words: int, repeat: int) -> None:
    """The ~N-word PRD as Markdown and DOCX: load and check times against the goals."""
    blocks = build_blocks(words, random.Random(42))
    rows: list[tuple[str, list[float], float | None, str]] = []
    with tempfile.TemporaryDirectory(prefix="doccritic-bench-") as tmp:
        md_path, docx_path = Path(tmp) / "prd.md", Path(tmp) / "prd.docx"
        md_path.write_text(to_markdown(blocks), encoding="utf-8")
        to_docx(blocks, docx_path)
        print(
            f"Generated {md_path.stat().st_size / 1024:.0f} KiB Markdown, "
            f"{docx_path.stat().st_size / 1024:.0f} KiB DOCX; repeat={repeat}"
        )
        for label, path, load_goal in (("MD", md_path, 0.3), ("DOCX", docx_path, 1.0)):
            load_times, doc = timed(partial(load_document, path), repeat)
            check_times, result = timed(partial(run_checks, doc), repeat)
            uncapped = len(run_checks(doc, caps=False).findings)
            print(
                f"{label}: {doc.word_count} words, {len(doc.blocks)} blocks; {len(result.findings)} "
                f"findings shown (caps on), {result.hidden_total} held back, {uncapped} uncapped"
            )
            rows.append((f"load {label}", load_times, load_goal, f"{doc.word_count} words"))
            rows.append((f"run_checks {label}", check_times, 0.2, f"{len(result.findings)} findings"))
            if label == "MD":
                plain = _without_word_index(doc, repeat)
                rows.append(("  no word index", plain, None, "every pattern scans the whole text"))
                speedup = statistics.median(plain) / statistics.median(check_times)
    print()
    print(f"| {'step':<15} | {'median s':>8} | {'min s':>7} | {'goal s':>6} | {'median/goal':>11} | work")
    print(f"|{'-' * 17}|{'-' * 10}|{'-' * 9}|{'-' * 8}|{'-' * 13}|-----")
    for name, times, goal, work in rows:
        med = statistics.median(times)
        ratio = f"{med / goal:.2f}x" if goal else "-"
        goal_text = f"{goal:.1f}" if goal else "-"
        print(f"| {name:<15} | {med:>8.3f} | {min(times):>7.3f} | {goal_text:>6} | {ratio:>11} | {work}")
    print(f"\nWord index speed-up on the MD checks, same run: {speedup:.1f}x (median vs median)")


DOORS = [
    "We will delete all legacy records after the cut-over.",
    "All existing accounts migrate to the new engine in one weekend",
    "The v1 API is deprecated and removed in March.",
    "We launch to 100% of users on day one, unless support objects, and no rollback is planned.",
    "Reminders move from the free plan to the paid tier.",
    "We will sign a 3-year exclusive agreement with PayFlow.",
]


def _sentences(rng: random.Random, size: int) -> str:
    out, n = [], 0
    while n < size:
        s = rng.choice(DOORS + PROSE)
        out.append(s)
        n += len(s) + 1
    return " ".join(out)


def _headless(path: Path, size: int, rng: random.Random) -> None:
    path.write_text(_sentences(rng, size), encoding="utf-8")


def _one_line(path: Path, size: int, rng: random.Random) -> None:
    words = " ".join(d.rstrip(".") for d in DOORS).split()
    picked, n = [], 0
    while n < size:
        picked.append(rng.choice(words))
        n += len(picked[-1]) + 1
    path.write_text(" ".join(picked), encoding="utf-8")


def _one_paragraph_docx(path: Path, size: int, rng: random.Random) -> None:
    d = docx.Document()
    d.add_paragraph(_sentences(rng, size))
    d.save(str(path))


def _short_paragraphs_docx(path: Path, size: int, rng: random.Random) -> None:
    d = docx.Document()
    for _ in range(size // 80):
        d.add_paragraph(rng.choice(DOORS + PROSE))
    d.save(str(path))


def _prd(path: Path, size: int, rng: random.Random) -> None:
    path.write_text(to_markdown(build_blocks(size, rng)), encoding="utf-8")


def _title_repeat(path: Path, size: int, rng: random.Random) -> None:
    """A title's change restated in every paragraph: each sentence is a door that names the title."""
    out, n, i = ["# Remove the legacy change\n\n"], 0, 0
    while n < size:
        out.append(f"We will remove the legacy change for tenant {i}.\n\n")
        n += len(out[-1])
        i += 1
    path.write_text("".join(out), encoding="utf-8")


# The inputs of issue #13 that made the checks quadratic: label, file name, builder, size at scale 1
# (bytes of text, or words for the PRD). Each shape draws from its own random.Random(7).
SHAPES: list[tuple[str, str, Callable[[Path, int, random.Random], None], int]] = [
    ("20 MB headingless text", "headless.txt", _headless, 20_000_000),
    ("10 MB line, no full stops", "one-line.txt", _one_line, 10_000_000),
    ("0.5 MB one-paragraph DOCX", "one-paragraph.docx", _one_paragraph_docx, 500_000),
    ("1 MB short paragraphs DOCX", "short-paragraphs.docx", _short_paragraphs_docx, 1_000_000),
    ("200k-word PRD", "prd-200k.md", _prd, 200_000),
    ("20 MB title restated in every paragraph", "title-repeat.md", _title_repeat, 20_000_000),
]


def time_shapes(scale: float, only: str = "") -> None:
    """Load and check each shape once; the goal is the check time (loading is the formats' work).

    ``only``: run just the shapes whose label or file name contains it (case-insensitive).
    """
    # CPU seconds beside wall seconds: on a shared machine the wall clock measures the neighbours too.
    print(f"\n| shape (scale {scale:g}) | text MB | words | load s | run_checks s | CPU s | goal s | findings |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="doccritic-shapes-") as tmp:
        for label, name, build, size in SHAPES:
            if only.lower() not in f"{label} {name}".lower():
                continue
            path = Path(tmp) / name
            build(path, int(size * scale), random.Random(7))
            t0 = time.perf_counter()
            doc = load_document(path)
            t1, c1 = time.perf_counter(), time.process_time()
            result = run_checks(doc)
            t2, c2 = time.perf_counter(), time.process_time()
            print(f"| {label} | {len(doc.text) / 1e6:.1f} | {doc.word_count} | {t1 - t0:.2f} | "
                  f"{t2 - t1:.2f} | {c2 - c1:.2f} | 10 | {len(result.findings)} shown, "
                  f"{result.hidden_total} held back |", flush=True)
            path.unlink()
            del doc, result


def _without_word_index(doc: Document, repeat: int) -> list[float]:
    """Check times with the word index switched off (every rule pattern uses plain finditer)."""
    original = wordindex.leading_literals
    wordindex.leading_literals = lambda _pattern: None
    try:
        times, _ = timed(partial(run_checks, doc), repeat)
    finally:
        wordindex.leading_literals = original
    return times


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:  # a measurement, not a gate: report and exit 0
        print(f"benchmark failed: {type(exc).__name__}: {exc}", file=sys.stderr)
    sys.exit(0)
