"""Export time against the number of findings, per format (a measurement, not a test; issue #21 item 4).

Run from the repository root:

    QT_QPA_PLATFORM=offscreen /tmp/dev/bin/python bench/export_speed.py [--findings 2000 8000 50000]
        [--formats md html json docx pdf] [--source md|docx] [--heading-every K] [--timeout 1200]

For each count N it writes a Markdown document of N short paragraphs (and, with ``--source docx``, the
Word file exported from it; with ``--heading-every K``, a heading before every K-th paragraph, as a long
draft has), places one critic finding on a phrase of every paragraph, and times one export per format.
It prints seconds per format (wall clock, and this process's CPU time, which a busy shared machine
inflates far less) and the ratio of CPU seconds to the previous count's (linear: the ratio
of the counts; quadratic: its square). Goal, judged on CPU seconds: 50,000 findings in at most 10 s per
format, no crash at any count. Exits 0 even when an export fails (a measurement, not a gate); 124 when
``--timeout`` ends it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import harness  # bench/harness.py, beside this script

from doccritic.core.document import Document
from doccritic.core.findings import Anchor, Finding, Kind, Review, Severity, Source
from doccritic.formats.export import ExportOptions, export_review
from doccritic.formats.loader import load_document
from doccritic.formats.markdown import parse_markdown
from doccritic.formats.review_json import review_for

PHRASE = "ship to all users"


def document(n: int, folder: Path, heading_every: int = 0) -> Path:
    lines = ["# Rollout plan", ""]
    for i in range(n):
        if heading_every and i and i % heading_every == 0:
            lines += [f"## Week {i}", ""]
        style = ("We will {p} in week {i}.", "Then we `{p}` after review {i}.", "The **team** will {p}, see [{i}](#x).")
        lines += [style[i % 3].format(p=PHRASE, i=i), ""]
    path = folder / f"doc-{n}.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def findings_on(doc: Document) -> list[Finding]:
    out, at = [], doc.text.find(PHRASE)
    while at >= 0:
        out.append(Finding(kind=Kind.WEAK_ARGUMENT, source=Source.CRITIC, persona="staff-engineer",
                           severity=Severity.MAJOR, title=f"Finding {len(out)}", rationale="Why it matters.",
                           quote=PHRASE, start=at, end=at + len(PHRASE), anchor=Anchor.EXACT))
        at = doc.text.find(PHRASE, at + 1)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--findings", type=int, nargs="+", default=[2000, 8000, 50000])
    ap.add_argument("--formats", nargs="+", default=["md", "html", "json", "docx", "pdf"])
    ap.add_argument("--source", choices=["md", "docx"], default="md")
    ap.add_argument("--heading-every", type=int, default=0, metavar="K",
                    help="a heading before every K-th paragraph (default: only the title)")
    harness.add_timeout_option(ap, default=1200)
    args = ap.parse_args()
    harness.install_timeout(args.timeout, "bench/export_speed.py")
    print(harness.load_line("start"))
    pdf = None
    if "pdf" in args.formats:
        from PySide6.QtWidgets import QApplication

        from doccritic.ui.pdf_export import export_pdf

        app = QApplication.instance() or QApplication(sys.argv[:1])  # noqa: F841 - PDF drawing needs one
        pdf = export_pdf
    previous: dict[str, tuple[int, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in args.findings:
            path = document(n, folder, args.heading_every)
            doc = parse_markdown(path.read_text(encoding="utf-8"), path)
            if args.source == "docx":
                word = folder / f"doc-{n}.docx"
                export_review(review_for(doc, []), doc, "docx", word)
                doc, path = load_document(word), word
            review: Review = review_for(doc, findings_on(doc))
            for fmt in args.formats:
                out = folder / f"out-{n}.{fmt}"
                started, cpu = time.perf_counter(), time.process_time()
                try:
                    export_review(review, doc, fmt, out, ExportOptions(), source=path, pdf=pdf)
                    took, cpu = time.perf_counter() - started, time.process_time() - cpu
                except Exception as exc:  # a measurement: report the failure and go on
                    print(f"{fmt:>5} {len(review.findings):>7,} findings: FAILED ({type(exc).__name__}: {exc})")
                    continue
                ratio = ""  # CPU seconds: a shared machine multiplies wall-clock time by 3-7
                if fmt in previous:
                    count, seconds = previous[fmt]
                    ratio = f"  CPU x{cpu / max(seconds, 1e-6):.1f} for x{n / count:.1f} findings"
                previous[fmt] = (n, cpu)
                goal = "" if n < 50000 else f"  (goal <= 10 s CPU: {'met' if cpu <= 10 else 'MISSED'})"
                print(f"{fmt:>5} {len(review.findings):>7,} findings: {took:7.2f} s ({cpu:6.2f} s CPU){ratio}{goal}",
                      flush=True)
    print(harness.load_line("end"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
