"""Every copied public document ships with a licence notice: each file in a folder of copies has a row in
that folder's LICENSES*.md tables, and every row names a file that is there.

These tests read directory listings and the notices files only, never the documents, so they may cover the
unseen label sets.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {
    "check_labels": ROOT / "bench" / "check_labels" / "docs",
    "corpus": ROOT / "tests" / "data" / "corpus",
}
NOTES = {"SOURCES.md"}  # about the folder, not a copied document
ROW = re.compile(r"^\| `([^`]+)` \|", re.MULTILINE)  # a table row whose first cell is a file name


def _notices(folder: Path) -> list[Path]:
    return sorted(folder.glob("LICENSES*.md"))


def _documents(folder: Path) -> set[str]:
    skip = NOTES | {p.name for p in _notices(folder)}
    return {p.name for p in folder.iterdir() if p.is_file() and p.name not in skip}


def _rows(folder: Path) -> list[str]:
    return [name for p in _notices(folder) for name in ROW.findall(p.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("folder", FOLDERS.values(), ids=FOLDERS.keys())
def test_every_document_has_a_notice_row(folder: Path):
    assert _notices(folder), f"no LICENSES*.md in {folder}"
    assert sorted(_documents(folder) - set(_rows(folder))) == []


@pytest.mark.parametrize("folder", FOLDERS.values(), ids=FOLDERS.keys())
def test_every_notice_row_names_a_document_once(folder: Path):
    rows = _rows(folder)
    assert sorted(set(rows) - _documents(folder)) == []
    assert sorted({name for name in rows if rows.count(name) > 1}) == []
