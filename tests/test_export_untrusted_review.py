"""A review file is untrusted: the path it names never pulls another local file into an export (#21)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import docx
import pytest

from conftest import SAMPLE
from doccritic import cli
from doccritic.formats.review_import import embed_review, read_review_file

SECRET = "root:$6$SECRET-HASH-7f3a9:19000:0:99999:7:::"
FORMATS = ("md", "html", "json", "pdf", "docx")


@pytest.fixture
def review_json(tmp_path, capsys) -> Path:
    """The review JSON `doccritic check` writes for a copy of the sample PRD, in its own folder."""
    folder = tmp_path / "shared"
    folder.mkdir()
    doc = folder / "prd.md"
    shutil.copy(SAMPLE, doc)
    assert cli.main(["check", str(doc), "--format", "json"]) == 0
    review = folder / "prd.review.json"
    review.write_text(capsys.readouterr().out, encoding="utf-8")
    return review


def _secret(tmp_path: Path, relative: str) -> Path:
    path = tmp_path / "elsewhere" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SECRET + "\n", encoding="utf-8")
    return path


def _pointing_at(review: Path, target: Path, fmt: str | None = None) -> Path:
    data = json.loads(review.read_text(encoding="utf-8"))
    data["document"]["path"] = str(target)
    if fmt:
        data["document"]["format"] = fmt
    crafted = review.with_name("crafted.json")
    crafted.write_text(json.dumps(data), encoding="utf-8")
    return crafted


def _assert_refused_in_every_format(review: Path, tmp_path: Path, capsys) -> None:
    for fmt in FORMATS:
        out = tmp_path / f"out.{fmt}"
        assert cli.main(["export", str(review), "-o", str(out)]) == 2, fmt
        err = capsys.readouterr().err
        assert "not the version reviewed" in err and "--source" in err and "Traceback" not in err
        assert SECRET not in err
        assert not out.exists() or SECRET.encode() not in out.read_bytes()


def test_a_review_naming_a_system_file_exports_nothing(review_json, tmp_path, capsys):
    shadow = _secret(tmp_path, "etc/shadow")  # no suffix: loads as plain text if anything opened it
    _assert_refused_in_every_format(_pointing_at(review_json, shadow), tmp_path, capsys)
    _assert_refused_in_every_format(_pointing_at(review_json, shadow, "text"), tmp_path, capsys)


def test_a_review_naming_a_credentials_file_exports_nothing(review_json, tmp_path, capsys):
    credentials = _secret(tmp_path, "home/.aws/credentials")
    _assert_refused_in_every_format(_pointing_at(review_json, credentials, "text"), tmp_path, capsys)


def test_a_file_with_the_reviewed_name_but_other_content_is_not_used(review_json, tmp_path, capsys):
    lookalike = _secret(tmp_path, "prd.md")
    _assert_refused_in_every_format(_pointing_at(review_json, lookalike), tmp_path, capsys)


def test_a_received_word_file_naming_a_secret_exports_nothing(review_json, tmp_path, capsys):
    exported = tmp_path / "received.docx"
    assert cli.main(["export", str(review_json), "-o", str(exported)]) == 0
    word = docx.Document(str(exported))
    review = read_review_file(exported)
    info = review.document.model_copy(update={"path": str(_secret(tmp_path, "home/.aws/credentials")),
                                              "format": "text"})
    embed_review(word, review.model_copy(update={"document": info}))
    word.save(str(exported))
    capsys.readouterr()
    _assert_refused_in_every_format(exported, tmp_path, capsys)


def test_the_unchanged_reviewed_file_is_still_used(review_json, tmp_path, capsys):
    out = tmp_path / "out.md"
    assert cli.main(["export", str(review_json), "-o", str(out)]) == 0
    assert "{==" in out.read_text(encoding="utf-8")


_OPENED: list[str] | None = None  # paths opened while a test listens (an audit hook cannot be removed)


def _listen(event: str, args: tuple) -> None:
    if event == "open" and _OPENED is not None and isinstance(args[0], (str, Path)):
        _OPENED.append(str(args[0]))


def test_the_windows_import_reads_only_the_review_never_the_path_it_names(review_json, tmp_path):
    """File → Import Review… places a review on the document open in the window (``rebase``, what
    ``ui.exports.import_file`` calls): the path the review names is never opened, whatever it is."""
    import sys

    from doccritic.formats.markdown import parse_markdown
    from doccritic.formats.review_import import rebase

    global _OPENED
    secret = _secret(tmp_path, "shadow")
    crafted = _pointing_at(review_json, secret)
    open_doc = parse_markdown(SAMPLE.read_text(encoding="utf-8"), review_json.with_name("prd.md"))
    sys.addaudithook(_listen)
    _OPENED = []
    try:
        review, _ = rebase(read_review_file(crafted), open_doc)
        opened = list(_OPENED)
    finally:
        _OPENED = None
    assert str(secret) not in opened and str(crafted) in opened
    assert review.document.text == open_doc.text and SECRET not in review.model_dump_json()
