"""File → Export… and File → Import Review… in the review window."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import docx
import pytest

from conftest import SAMPLE, close_window
from doccritic.core.decisions import Decision
from doccritic.core.findings import Source, Status
from doccritic.formats.export import ExportFormat, ExportOptions, format_for
from doccritic.ui.exports import ExportChoice, ExportDialog
from doccritic.ui.main_window import MainWindow

TIMEOUT = 15_000


@pytest.fixture
def window(qtbot, tmp_path):
    doc = tmp_path / "prd.md"
    shutil.copy(SAMPLE, doc)
    win = MainWindow()
    win.show()
    with qtbot.waitSignal(win.document_ready, timeout=TIMEOUT):
        win.open_path(doc)
    yield win
    close_window(win)


def export(qtbot, win: MainWindow, fmt: str, path: Path, **options) -> Path:
    with qtbot.waitSignal(win.exports.exported, timeout=TIMEOUT) as done:
        win.exports.export(ExportChoice(fmt, path, ExportOptions(**options), open_when_done=False))
    return Path(done.args[0])


def test_word_export_carries_decisions_and_one_comment_per_finding(qtbot, window, tmp_path):
    first = window.session.findings.findings[0]
    window.decisions.decide(Decision.DISMISS, [first.id], "Not for v1")
    out = export(qtbot, window, "docx", tmp_path / "prd.review.docx")
    comments = list(docx.Document(str(out)).comments)
    shown = [f for f in window.session.findings.findings if f.status is not Status.DISMISSED]
    assert len(comments) == len(shown)  # dismissed left out by default
    out = export(qtbot, window, "docx", tmp_path / "all.docx", include_dismissed=True)
    replies = sum(len(f.replies) for f in window.session.findings.findings)  # the dismissal reason, threaded
    assert len(list(docx.Document(str(out)).comments)) == len(window.session.findings.findings) + replies


def test_html_and_markdown_and_pdf_from_the_window(qtbot, window, tmp_path):
    page = export(qtbot, window, "html", tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<mark" in page
    md = export(qtbot, window, "md", tmp_path / "r.md").read_text(encoding="utf-8")
    assert "{==" in md
    assert export(qtbot, window, "pdf", tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")


def test_an_exported_review_imports_back_with_its_decisions(qtbot, window, tmp_path):
    target = window.session.findings.findings[1]
    window.decisions.decide(Decision.REPLY, [target.id], "Owner: Priya")
    window.decisions.decide(Decision.DEFER, [target.id])
    out = export(qtbot, window, "json", tmp_path / "r.json")
    saved = json.loads(out.read_text())
    assert any(f["id"] == target.id and f["status"] == "deferred" for f in saved["findings"])
    window.session.findings.update_findings([f.model_copy(update={"status": Status.OPEN, "replies": []})
                                     for f in window.session.findings.findings])
    with qtbot.waitSignal(window.exports.imported, timeout=TIMEOUT):
        window.exports.import_file(out)
    back = window.session.findings.finding(target.id)
    assert back.status is Status.DEFERRED and back.replies[0].text == "Owner: Priya"
    assert "Imported" in window.banner.label.text()


def test_importing_a_word_file_not_made_by_doccritic_says_so(qtbot, window, corpus):
    window.exports.import_file(corpus / "lab-method-tracked-revisions-tables.docx")
    assert "was not exported by doccritic" in window.banner.label.text()
    assert all(f.source is Source.CHECK for f in window.session.findings.findings)


def test_export_dialog_never_proposes_overwriting_the_document(qtbot, tmp_path):
    dialog = ExportDialog(tmp_path / "plan.docx")
    qtbot.addWidget(dialog)
    dialog.format.setCurrentIndex(dialog.format.findData("docx"))
    assert dialog.path.text().endswith("plan.review.docx")
    dialog.format.setCurrentIndex(dialog.format.findData("html"))
    assert dialog.path.text().endswith("plan.html") and not dialog.footnotes.isEnabled()


def test_the_dialog_offers_exactly_the_formats_the_command_line_takes(qtbot, tmp_path):
    """One list of formats: each entry of the dialog proposes a file whose suffix `doccritic export` reads back
    as that format, and `--to` takes its name."""
    dialog = ExportDialog(tmp_path / "plan.txt")
    qtbot.addWidget(dialog)
    offered = [dialog.format.itemData(i) for i in range(dialog.format.count())]
    assert offered == [f.value for f in ExportFormat] == ["docx", "md", "html", "pdf", "json"]
    for i, name in enumerate(offered):
        dialog.format.setCurrentIndex(i)
        assert format_for(Path(dialog.path.text())) is format_for(Path("x"), name) is dialog.choice().fmt


def test_export_dialog_never_proposes_the_markdown_draft_itself(qtbot, tmp_path):
    dialog = ExportDialog(tmp_path / "plan.md")
    qtbot.addWidget(dialog)
    dialog.format.setCurrentIndex(dialog.format.findData("md"))
    assert dialog.path.text().endswith("plan.review.md")


def test_word_export_embeds_only_what_it_shows(qtbot, window, tmp_path):
    from doccritic.formats.review_import import read_review_file

    first = window.session.findings.findings[0]
    window.decisions.decide(Decision.DISMISS, [first.id], "Private reason")
    out = export(qtbot, window, "docx", tmp_path / "shown.docx")
    embedded = read_review_file(out)
    assert first.id not in {f.id for f in embedded.findings}


def test_options_a_format_lacks_are_shown_off_not_ticked_and_greyed(qtbot, tmp_path):
    dialog = ExportDialog(tmp_path / "plan.md")
    qtbot.addWidget(dialog)
    dialog.format.setCurrentIndex(dialog.format.findData("docx"))
    assert not dialog.debates.isEnabled() and not dialog.debates.isChecked()  # Word has no debates
    assert "no debates" in dialog.debates.toolTip()
    dialog.format.setCurrentIndex(dialog.format.findData("html"))
    assert dialog.debates.isEnabled() and dialog.debates.isChecked()  # the PM's choice comes back
