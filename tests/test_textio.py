"""Reading files: encodings are honest, bad input is refused with one clear sentence."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from doccritic.core.errors import ErrorKind, LoadError
from doccritic.formats import textio
from doccritic.formats.loader import load_document

TEXT = "# Überblick\n\nZoë wants a €5 plan — 日本語 too.\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom"],
)
def test_unicode_files_open_exactly_and_silently(tmp_path: Path, data: bytes, encoding: str):
    path = tmp_path / "prd.md"
    path.write_bytes(data)
    doc = load_document(path)
    assert doc.text == TEXT  # the BOM is not part of the text
    assert doc.encoding == encoding
    assert doc.warnings == []


def test_legacy_encoding_opens_with_a_visible_warning(tmp_path: Path):
    text = "# Résumé\n\nLe café coûte 5 € — déjà réservé, naïve façade.\n" * 3
    path = tmp_path / "notes.txt"
    path.write_bytes(text.encode("cp1252"))
    doc = load_document(path)
    assert doc.text == text  # detected correctly, no mojibake
    assert len(doc.warnings) == 1
    assert "not UTF-8" in doc.warnings[0] and "notes.txt" in doc.warnings[0]


def expect_error(path: Path, kind: ErrorKind) -> str:
    with pytest.raises(LoadError) as info:
        load_document(path)
    assert info.value.kind is kind
    message = str(info.value)
    assert path.name in message and "\n" not in message and "Traceback" not in message
    return message


def test_binary_file_named_md_is_refused(tmp_path: Path):
    path = tmp_path / "photo.md"
    path.write_bytes(bytes(range(256)) * 20)
    assert "binary" in expect_error(path, ErrorKind.BINARY)


def test_file_over_the_limit_is_refused_without_reading_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(textio, "MAX_TEXT_BYTES", 1000)
    monkeypatch.setattr("doccritic.formats.markdown.MAX_TEXT_BYTES", 1000)
    path = tmp_path / "huge.md"
    path.write_text("word " * 1000)
    message = expect_error(path, ErrorKind.TOO_LARGE)
    assert "limit" in message


def test_missing_path_and_folder(tmp_path: Path):
    assert "no such file" in expect_error(tmp_path / "gone.md", ErrorKind.NOT_FOUND)
    folder = tmp_path / "folder.md"
    folder.mkdir()
    assert "folder" in expect_error(folder, ErrorKind.UNREADABLE)


def test_dangling_symlink_is_reported_as_missing(tmp_path: Path):
    link = tmp_path / "link.md"
    link.symlink_to(tmp_path / "nowhere.md")
    expect_error(link, ErrorKind.NOT_FOUND)


def test_unsupported_extensions(tmp_path: Path):
    for name in ("old.doc", "slides.pptx"):
        path = tmp_path / name
        path.write_bytes(b"x")
        expect_error(path, ErrorKind.UNSUPPORTED)


def test_atomic_write_replaces_whole_file_and_leaves_no_temp(tmp_path: Path):
    path = tmp_path / "review.json"
    path.write_text("old")
    textio.atomic_write_text(path, "new ✓")
    assert path.read_text(encoding="utf-8") == "new ✓"
    assert [p.name for p in tmp_path.iterdir()] == ["review.json"]


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Grüße aus München, schöne Straße und Übergrößen.\n" * 2, "latin-1"),
        ("Привет, мир. Это тест кодировки для документа.\n" * 2, "cp1251"),
    ],
)
def test_other_legacy_encodings_are_detected(tmp_path: Path, text: str, encoding: str):
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode(encoding))
    doc = load_document(path)
    assert doc.text == text
    assert doc.warnings


def test_utf16_text_starting_with_nul_is_not_mistaken_for_utf32():
    data = codecs.BOM_UTF16_LE + "\x00plan".encode("utf-16-le")  # begins FF FE 00 00, like UTF-32-LE
    assert textio.decode_text(data, "x.txt").text == "\x00plan"


def test_damaged_text_after_a_bom_is_reported(tmp_path: Path):
    path = tmp_path / "bad.md"
    path.write_bytes(codecs.BOM_UTF8 + b"ok \xff\xfe broken")
    assert "byte-order mark" in expect_error(path, ErrorKind.CORRUPT)
