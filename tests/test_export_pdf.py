"""PDF export: a print-ready report with numbered highlights, notes and debates, drawn by Qt.

The PDF is read back with poppler (``pdftotext``, ``pdfinfo``, ``pdftoppm``; tests skip with a reason
when it is missing) and, for the exact placement of tints and markers, the laid-out ``QTextDocument``
itself is inspected. ``docs/screenshots/export-pdf.png`` (page 1 beside the first notes page) is
rewritten only with ``DOCCRITIC_UPDATE_SCREENSHOTS=1`` or by running this file.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unicodedata
from pathlib import Path

import pytest
from export_samples import placed, sample_critics, sample_debate

from conftest import REPO, SAMPLE, corpus_files
from doccritic.core.checks import run_checks
from doccritic.core.debates import Debate
from doccritic.core.document import Document
from doccritic.core.errors import DoccriticError
from doccritic.core.findings import (
    Anchor,
    DocumentInfo,
    Finding,
    Kind,
    Reversibility,
    Review,
    Severity,
    Source,
    Status,
)
from doccritic.core.labels import KIND_LABELS, severity_word
from doccritic.formats.export_common import exported_findings, note_for
from doccritic.formats.loader import load_document
from doccritic.formats.markdown import parse_markdown
from doccritic.ui import pdf_export
from doccritic.ui.pdf_export import export_pdf

NAMES = {"staff-engineer": "Staff Engineer", "skeptical-exec": "Skeptical Exec", "devils-advocate": "Devil's Advocate"}
SCREENSHOT = REPO / "docs" / "screenshots" / "export-pdf.png"


# ---- helpers ---------------------------------------------------------------------------------------


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        pytest.skip(f"{name} (poppler-utils) is not installed: apt-get install poppler-utils")
    return path


def pages_text(pdf: Path) -> list[str]:
    """Each page's text, NFKC-normalised, whitespace collapsed and words split at a hyphen joined again."""
    raw = subprocess.run([_tool("pdftotext"), "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = [unicodedata.normalize("NFKC", page) for page in raw.split("\f")]
    return [re.sub(r"(?<=\w-) (?=\w)", "", " ".join(page.split())) for page in pages if page.strip()]


def page_count(pdf: Path) -> int:
    info = subprocess.run([_tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]


def flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _review(doc: Document, findings: list[Finding], debates: list[Debate] = ()) -> Review:  # type: ignore[assignment]
    return Review(document=DocumentInfo(format=doc.format.value, fingerprint=doc.fingerprint, text=doc.text),
                  findings=findings, debates=[d.model_dump(mode="json") for d in debates])


def sample_review() -> tuple[Review, Document]:
    """The sample PRD: its check findings, two critics' findings, a document-level one and a debate."""
    doc = load_document(SAMPLE)
    critics = [*sample_critics(doc.text),
               Finding(source=Source.CRITIC, persona="skeptical-exec", kind=Kind.OPEN_QUESTION, severity=Severity.MAJOR,
                       id="critic-owner", title="Nobody owns the rollback decision", anchor=Anchor.DOCUMENT,
                       rationale="The PRD never says who can stop the launch.")]
    debate = sample_debate(doc.text, stopped_turn=True)
    return _review(doc, run_checks(doc).findings + critics, [debate]), doc


def numbered(review: Review, **kw: bool) -> list[tuple[int, Finding]]:
    """What the export numbers, worked out independently: placed findings in order, then the others."""
    shown = exported_findings(review, **kw)
    placed = [f for f in shown if f.placed]
    return list(enumerate(placed + [f for f in shown if not f.placed], 1))


def split(pages: list[str]) -> tuple[str, str, str]:
    """Body (title page to "Not placed"), notes, debates."""
    notes = next(i for i, p in enumerate(pages) if p.startswith("Notes "))
    debates = next((i for i, p in enumerate(pages) if p.startswith("Debates ")), len(pages))
    return " ".join(pages[:notes]), " ".join(pages[notes:debates]), " ".join(pages[debates:])


@pytest.fixture(autouse=True)
def _widgets_app(qapp: object) -> None:
    """The suite's QApplication first: an export run alone would make a plain QGuiApplication, and the
    widget tests after this module could not make theirs."""


@pytest.fixture(scope="module")
def sample_pdf(qapp: object, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Review, Document]:
    review, doc = sample_review()
    out = tmp_path_factory.mktemp("pdf") / "review.pdf"
    assert export_pdf(review, doc, out, names=NAMES) == out
    return out, review, doc


class Spy:
    """Captures the laid-out report document instead of (and before) drawing it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.report = None
        real = pdf_export._render

        def render(r, writer, title):  # type: ignore[no-untyped-def]
            self.report = r
            real(r, writer, title)

        monkeypatch.setattr(pdf_export, "_render", render)

    def tinted(self) -> list[str]:
        """Each paragraph's runs of tinted text, in order; markers are skipped, code's own grey is no tint."""
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QTextCharFormat

        runs, block = [], self.report.doc.begin()  # type: ignore[union-attr]
        while block.isValid():
            it, current = block.begin(), ""
            while not it.atEnd():
                fmt, text = it.fragment().charFormat(), it.fragment().text()
                it += 1
                if fmt.verticalAlignment() == QTextCharFormat.VerticalAlignment.AlignSuperScript:
                    continue
                if fmt.background().style() != Qt.BrushStyle.NoBrush and fmt.background().color() != pdf_export.PAPER_2:
                    current += text
                elif current:
                    runs.append(current)
                    current = ""
            runs += [current] if current else []
            block = block.next()
        return runs


# ---- the sample ------------------------------------------------------------------------------------


def test_the_sample_is_a_multi_page_pdf(sample_pdf: tuple[Path, Review, Document]) -> None:
    out, _, _ = sample_pdf
    assert out.read_bytes().startswith(b"%PDF-")
    assert out.read_bytes().rstrip().endswith(b"%%EOF")
    assert page_count(out) > 1
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]


def test_markers_in_the_body_follow_the_document(sample_pdf: tuple[Path, Review, Document]) -> None:
    out, review, _ = sample_pdf
    body = split(pages_text(out))[0]
    numbers = numbered(review)
    placed = [(n, f) for n, f in numbers if f.placed]
    expected = [n for n, f in sorted(placed, key=lambda nf: (nf[1].end, nf[0]))]  # each right after its span
    expected += [n for n, f in numbers if not f.placed]  # then the "Not placed in the text" list
    assert [int(m) for m in re.findall(r"\[(\d+)\]", body)] == expected
    assert "Not placed in the text" in body
    assert [n for n, _ in placed] == sorted(n for n, _ in placed)
    starts = [f.start for _, f in placed]
    assert starts == sorted(starts), "numbers run in document order"


def test_every_finding_has_its_numbered_note(sample_pdf: tuple[Path, Review, Document]) -> None:
    out, review, _ = sample_pdf
    _, notes, _ = split(pages_text(out))
    for n, f in numbered(review):
        note = note_for(f, NAMES)
        heading = f"{n}. {note.author} · {KIND_LABELS[f.kind]} · {severity_word(f.severity)} — {flat(f.title)}"
        assert heading in notes, heading
        for line in note.lines:
            assert flat(line)[:60] in notes, line
    assert "Staff Engineer · One-way door · critical — A 3-year exclusive with an unknown minimum volume" in notes
    assert "↳ Priya: Pulling the ticket tags this week." in notes
    assert "About the whole document" in notes
    assert re.search(r"In “5\. Payments provider” · page \d+", notes)
    authors = "doccritic checks|Staff Engineer|Skeptical Exec"
    headings = [int(m) for m in re.findall(rf"(?:^| )(\d+)\. (?:{authors}) ·", notes)]
    assert headings == list(range(1, len(numbered(review)) + 1))


def test_the_debate_is_in_the_report(sample_pdf: tuple[Path, Review, Document]) -> None:
    out, _, _ = sample_pdf
    _, _, debates = split(pages_text(out))
    assert "Debate: Auto-charge should ship enabled by default for existing accounts" in debates
    assert "Staff Engineer (for the motion) vs Devil's Advocate (against the motion) · 3 of 4 turns" in debates
    assert debates.index("the fastest way to a chargeback spike.") < debates.index("PM (moderator): Assume Legal") \
        < debates.index("Opt-in adoption stalls below 10%") < debates.index("STOPPED")
    assert "And the support load in the first week would" in debates
    assert "Devil's Advocate · against the motion · turn 1" in debates
    assert re.search(r"Cites: “Auto-charge is turned on by default.*” \(p\. \d+\)", debates)
    assert "Verdict: Ship opt-in for existing accounts" in debates
    for label, point in (("Strongest points", "[against] Chargebacks and payer trust."),
                         ("Conceded", "[for] Opt-in adoption will be slow."),
                         ("Changes needed", "State the chargeback-rate rollback trigger")):
        assert debates.index(label) < debates.index(point)


def test_the_title_page_header(sample_pdf: tuple[Path, Review, Document]) -> None:
    out, review, doc = sample_pdf
    first = pages_text(out)[0]
    total = len(exported_findings(review))
    assert first.startswith(f"DOCCRITIC REVIEW {doc.title} Exported ")
    assert f"· {total} findings · 1 debate" in first
    counts = {k: sum(f.kind is k for f in exported_findings(review)) for k in Kind}
    for kind, count in counts.items():
        assert f"{KIND_LABELS[kind]} {count}" in first
    assert "Reviewed by: Skeptical Exec, Staff Engineer, Devil's Advocate, doccritic checks" in first  # as met


def test_markdown_syntax_is_rendered_not_printed(sample_pdf: tuple[Path, Review, Document]) -> None:
    out, _, _ = sample_pdf
    body, _, _ = split(pages_text(out))
    assert "**" not in body and "](http" not in body and "```" not in body
    assert "Owner-operators (primary). Sole traders" in body
    assert "For EU cards, SCA under PSD2 is not a concern" in body
    assert '"event": "nudge.step_executed",' in body  # code keeps its text, without the fences


# ---- options ---------------------------------------------------------------------------------------


def test_dismissed_findings_only_with_the_flag(tmp_path: Path) -> None:
    review, doc = sample_review()
    hidden = placed(doc.text, "Nudge replaces the fixed-offset scheduler", Kind.WEAK_ARGUMENT,
                      title="Dismissed: scheduler claim", status=Status.DISMISSED)
    review.findings.append(hidden)
    default = export_pdf(review, doc, tmp_path / "default.pdf", names=NAMES)
    assert "Dismissed: scheduler claim" not in " ".join(pages_text(default))
    shown = export_pdf(review, doc, tmp_path / "all.pdf", names=NAMES, include_dismissed=True)
    _, notes, _ = split(pages_text(shown))
    n = next(n for n, f in numbered(review, include_dismissed=True) if f.id == hidden.id)
    assert f"{n}. Staff Engineer · Weak argument · major — Dismissed: scheduler claim" in notes
    assert "Status: dismissed." in notes


def test_without_checks_or_debates(tmp_path: Path) -> None:
    review, doc = sample_review()
    out = export_pdf(review, doc, tmp_path / "lean.pdf", names=NAMES, include_checks=False, include_debates=False)
    text = " ".join(pages_text(out))
    assert "doccritic checks" not in text and "Debate:" not in text
    assert re.findall(r"\[(\d+)\]", split(pages_text(out))[0]) == ["1", "2", "3"]  # cause, exclusive, document
    assert "3. Skeptical Exec · Open question · major — Nobody owns the rollback decision" in text


def test_letter_pages_and_unknown_sizes(tmp_path: Path) -> None:
    review, doc = sample_review()
    out = export_pdf(review, doc, tmp_path / "letter.pdf", page_size="Letter")
    info = subprocess.run([_tool("pdfinfo"), str(out)], capture_output=True, text=True).stdout
    assert "612 x 792 pts (letter)" in info
    with pytest.raises(DoccriticError, match="Unknown page size"):
        export_pdf(review, doc, tmp_path / "x.pdf", page_size="B7")
    assert not (tmp_path / "x.pdf").exists()


def test_a_changed_document_is_listed_not_highlighted(tmp_path: Path) -> None:
    review, doc = sample_review()
    edited = parse_markdown(doc.text.replace("# Smart Payment", "# Smarter Payment", 1))
    out = export_pdf(review, edited, tmp_path / "stale.pdf")
    body, notes, _ = split(pages_text(out))
    unplaced = body[body.index("Not placed in the text"):]
    assert re.findall(r"\[(\d+)\]", body) == re.findall(r"\[(\d+)\]", unplaced)
    assert "The document changed since the review; not highlighted" in notes


# ---- exact placement -------------------------------------------------------------------------------


def test_tints_cover_exactly_the_spans_with_emoji_and_cjk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = textwrap.dedent("""\
        # Launch 🚀 plan

        We ship 👩‍💻 features to 東京 users first 📈 and **北京** later, per `cfg 🔧` 𠀋.

        - Item with 😀 emoji and *多い* words

        | Col | 列 |
        |-----|----|
        | 🚀 rocket | 数据 𠀋 |
        """)
    doc = parse_markdown(text)
    quotes = ["東京 users first 📈", "later, per", "😀 emoji", "数据 𠀋"]
    findings = [placed(text, q, kind, title=f"T{i} 🤔 {q}")
                for i, (q, kind) in enumerate(zip(quotes, Kind, strict=True))]
    spy = Spy(monkeypatch)
    out = export_pdf(_review(doc, findings), doc, tmp_path / "emoji.pdf")
    assert spy.tinted() == quotes
    plain = spy.report.doc.toPlainText()  # type: ignore[union-attr]
    for n, quote in enumerate(quotes, 1):
        assert f"{quote}\u2060[{n}]" in plain
    assert "**" not in plain and "`" not in plain and "北京 later" in plain
    body, notes, _ = split(pages_text(out))
    assert "users first" in body
    from PySide6.QtGui import QFontDatabase

    if QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese):  # else Qt draws boxes: no text
        assert "東京 users first" in body and "数据" in body
    assert "1. staff-engineer · Weak argument · major — T0" in notes


def test_overlapping_spans_each_get_their_number(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "# Title\n\nAlpha beta gamma delta epsilon zeta.\n\nNext paragraph.\n"
    doc = parse_markdown(text)
    outer = placed(text, "beta gamma delta epsilon", Kind.ONE_WAY_DOOR, title="Outer")
    inner = placed(text, "gamma", Kind.OPEN_QUESTION, title="Inner")
    across = placed(text, "zeta.\n\nNext", Kind.WEAK_ARGUMENT, title="Across blocks")
    spy = Spy(monkeypatch)
    export_pdf(_review(doc, [across, inner, outer]), doc, tmp_path / "overlap.pdf")
    plain = spy.report.doc.toPlainText()  # type: ignore[union-attr]
    assert "Alpha beta gamma\u2060[2] delta epsilon\u2060[1] zeta." in plain
    assert "Next\u2060[3] paragraph." in plain
    assert spy.tinted() == ["beta gamma delta epsilon", "zeta.", "Next"]


# ---- writing ---------------------------------------------------------------------------------------


def test_a_failed_export_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    review, doc = sample_review()
    out = tmp_path / "review.pdf"
    out.write_bytes(b"the previous export")

    def boom(*args: object) -> None:
        raise RuntimeError("drawing failed half way")

    with monkeypatch.context() as m:
        m.setattr(pdf_export, "_render", boom)
        with pytest.raises(RuntimeError):
            export_pdf(review, doc, out)
    assert out.read_bytes() == b"the previous export"

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(pdf_export.os, "fsync", full)
        with pytest.raises(DoccriticError, match=r"Cannot write review\.pdf: No space left on device"):
            export_pdf(review, doc, out)
    assert out.read_bytes() == b"the previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["review.pdf"]
    with pytest.raises(DoccriticError, match="Cannot write"):
        export_pdf(review, doc, tmp_path / "missing" / "review.pdf")


def test_the_cli_path_needs_no_window(tmp_path: Path) -> None:
    """A fresh interpreter with no display and no QT_QPA_PLATFORM: the export makes its own application."""
    script = textwrap.dedent(f"""
        from pathlib import Path
        from PySide6.QtGui import QGuiApplication
        from doccritic.core.checks import run_checks
        from doccritic.core.findings import DocumentInfo, Review
        from doccritic.formats.loader import load_document
        from doccritic.ui.pdf_export import export_pdf
        doc = load_document({str(SAMPLE)!r})
        review = Review(document=DocumentInfo(format="markdown", fingerprint=doc.fingerprint, text=doc.text),
                        findings=run_checks(doc).findings)
        export_pdf(review, doc, Path({str(tmp_path / "cli.pdf")!r}))
        print(QGuiApplication.platformName())
        """)
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120,
                          cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "offscreen"
    assert (tmp_path / "cli.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("path", [p for p in corpus_files() if not p.name.startswith("BROKEN-")], ids=lambda p: p.name)
def test_corpus_documents_export(corpus: Path, path: Path, tmp_path: Path) -> None:
    doc = load_document(path)
    review = _review(doc, run_checks(doc).findings)
    out = export_pdf(review, doc, tmp_path / "corpus.pdf")
    pages = pages_text(out)
    assert pages and out.read_bytes().startswith(b"%PDF")
    notes = " ".join(pages[next((i for i, p in enumerate(pages) if p.startswith("Notes ")), len(pages)):])
    for n, f in numbered(review):
        assert f"{n}. doccritic checks · {KIND_LABELS[f.kind]}" in notes


# ---- screenshot ------------------------------------------------------------------------------------


def screenshot(target: Path, dpi: int = 70) -> Path:
    """Page 1 and the first notes page of the sample export, side by side."""
    from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter

    review, doc = sample_review()
    with tempfile.TemporaryDirectory() as tmp:
        pdf = export_pdf(review, doc, Path(tmp) / "review.pdf", names=NAMES)
        notes = next(i for i, p in enumerate(pages_text(pdf), 1) if p.startswith("Notes "))
        for page in (1, notes):
            subprocess.run([_tool("pdftoppm"), "-png", "-r", str(dpi), "-f", str(page), "-l", str(page),
                            "-singlefile", str(pdf), f"{tmp}/p{page}"], check=True)
        app = QGuiApplication.instance() or QGuiApplication([])  # QImage painting needs one
        assert app is not None
        left, right = QImage(f"{tmp}/p1.png"), QImage(f"{tmp}/p{notes}.png")
        gap = 24
        sheet = QImage(left.width() + right.width() + 3 * gap, max(left.height(), right.height()) + 2 * gap,
                       QImage.Format.Format_RGB32)
        sheet.fill(QColor("#d9dce1"))
        painter = QPainter(sheet)
        painter.drawImage(gap, gap, left)
        painter.drawImage(left.width() + 2 * gap, gap, right)
        painter.end()
        target.parent.mkdir(parents=True, exist_ok=True)
        assert sheet.save(str(target))
    return target


def test_screenshot(tmp_path: Path) -> None:
    shot = screenshot(tmp_path / "export-pdf.png")
    assert shot.stat().st_size > 20_000
    if os.environ.get("DOCCRITIC_UPDATE_SCREENSHOTS") == "1":
        shutil.copyfile(shot, SCREENSHOT)


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    print(screenshot(Path(sys.argv[1]) if len(sys.argv) > 1 else SCREENSHOT))


def test_entities_show_decoded_in_the_body_and_the_title(tmp_path: Path) -> None:
    text = "# R&amp;D plan &mdash; 2027\n\nR&amp;D costs &mdash; &#8364;2M &copy; ACME.\n"
    doc = parse_markdown(text)
    out = export_pdf(_review(doc, []), doc, tmp_path / "entities.pdf")
    shown = " ".join(pages_text(out))
    assert "R&D costs — €2M © ACME" in shown and "R&D plan — 2027" in shown
    assert "&amp;" not in shown and "&mdash;" not in shown


def test_a_critics_judgement_fields_are_in_the_pdf_and_a_misquote_shows_the_documents_words(tmp_path: Path) -> None:
    doc = load_document(SAMPLE)
    said = "Auto-charge ships enabled by default (opt-out) for all existing accounts."
    door = placed(doc.text, said, Kind.ONE_WAY_DOOR, severity=Severity.CRITICAL, confidence=0.7, misquoted=True,
                  title="Opt-out charging for every account",
                  reversibility=Reversibility(level="one_way", closes_when="the first charge runs",
                                              cost_to_reverse="refunds", exit_ramp="opt-in pilot",
                                              decision_owner="Head of Payments"))
    door = door.model_copy(update={"quote": said.replace("enabled", "disabled").replace("opt-out", "opt-in")})
    cause = "The root cause is clear: end customers simply forget to pay."
    assumption = placed(doc.text, cause, Kind.CHALLENGED_ASSUMPTION, assumption="payers forget",
                        evidence_needed="ticket reasons", how_to_test="tag 200 late invoices")
    pdf = export_pdf(_review(doc, [door, assumption]), doc, tmp_path / "fields.pdf", names=NAMES)
    text = " ".join(pages_text(pdf))
    for words in ("Confidence: 70%", "Closes when: the first charge runs.", "Cost to reverse: refunds.",
                  "Exit ramp: opt-in pilot.", "Decision owner: Head of Payments.", "Assumption: payers forget",
                  "Evidence needed: ticket reasons", "How to test: tag 200 late invoices",
                  "Misquoted: the critic wrote “Auto-charge ships disabled by default (opt-in)"):
        assert words in text, words
    notes = text[text.index("Opt-out charging for every account", text.index("Notes") if "Notes" in text else 0):]
    assert f"“{said}”" in notes  # the note's passage is the document's words, the critic's only in its note
