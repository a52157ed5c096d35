"""The bundled eval corpus (resources/eval/cases): labels valid against the drafts as doccritic loads them, and
the two cases issue #14 asks for beyond the short drafts (a long draft with its flaws in the middle, a Word
draft whose flaws sit in tracked changes) are what they claim to be."""

from __future__ import annotations

import zipfile

from doccritic import cli, paths
from doccritic.core.eval_labels import parse_labels
from doccritic.formats.loader import load_document

CASES = paths.resource("eval", "cases")


def case(case_id: str, draft: str):
    folder = CASES / case_id
    return parse_labels((folder / "labels.toml").read_text(encoding="utf-8"), case_id), load_document(folder / draft)


def test_every_bundled_case_validates(capsys):
    assert cli.main(["eval", "--validate"]) == 0, capsys.readouterr().out
    assert "labels valid" in capsys.readouterr().out


def test_every_flawed_case_is_mostly_subtle():
    for folder in sorted(p for p in CASES.iterdir() if (p / "labels.toml").is_file()):
        labels = parse_labels((folder / "labels.toml").read_text(encoding="utf-8"), folder.name)
        if labels.flaws and not folder.name.startswith("syn-"):
            subtle = sum(f.difficulty == "subtle" for f in labels.flaws)
            assert subtle / len(labels.flaws) >= 0.6, folder.name


def test_the_long_draft_has_its_flaws_in_the_middle():
    labels, doc = case("long-platform-migration", "draft.md")
    assert doc.word_count >= 18_000
    for flaw in labels.flaws:
        where = [doc.text.index(p) / len(doc.text) for p in flaw.passages]
        assert any(0.4 <= w <= 0.6 for w in where) or flaw.id == "F9", (flaw.id, where)  # F9: summary and decision


def test_the_word_draft_is_reviewed_as_accepted_with_flaws_in_its_tracked_changes():
    labels, doc = case("docx-tracked-changes", "draft.docx")
    with zipfile.ZipFile(CASES / "docx-tracked-changes" / "draft.docx") as z:
        body = z.read("word/document.xml").decode("utf-8")
    assert body.count("<w:ins ") >= 3 and body.count("<w:del ") >= 3
    assert "Frankfurt" in body and "Frankfurt" not in doc.text  # a safeguard deleted as a tracked change is gone
    inserted = {"F1": "we will delete the in-house transcript archive", "F5": "sent to Parlance AI's US data centre"}
    for flaw in labels.flaws:
        if flaw.id in inserted:
            assert inserted[flaw.id] in flaw.passages[0] and flaw.passages[0] in doc.text
