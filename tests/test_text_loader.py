"""Plain text and reStructuredText: paragraphs, RST section titles, lists and literal blocks."""

from __future__ import annotations

from pathlib import Path

from doccritic.core.document import BlockKind, DocFormat
from doccritic.formats.loader import load_document
from doccritic.formats.text import parse_text

RST = """Calendar versioning
===================

Abstract
--------

We propose a change. It is clearly better::

    $ python3.26 --version

* First point
  continues here
* Second point

  - nested

Details
-------

Plain paragraph.
"""


def test_rst_titles_become_headings_with_levels():
    doc = parse_text(RST)
    assert [(h.level, h.text) for h in doc.headings] == [
        (1, "Calendar versioning"),
        (2, "Abstract"),
        (2, "Details"),
    ]
    assert [s.id for s in doc.sections[0].children] == ["abstract", "details"]
    assert doc.format is DocFormat.TEXT


def test_literal_blocks_and_lists():
    doc = parse_text(RST)
    code = [b.text for b in doc.blocks if b.kind is BlockKind.CODE]
    assert code == ["$ python3.26 --version"]
    items = [(b.level, b.text) for b in doc.blocks if b.kind is BlockKind.LIST_ITEM]
    assert items == [(1, "* First point\n  continues here"), (1, "* Second point"), (1, "- nested")]
    for block in doc.blocks:
        assert RST[block.start : block.end] == block.text


def test_plain_text_without_structure_is_paragraphs():
    text = "Launch plan\n\nWe ship on Monday.\nEveryone gets it.\n\n\nThe end."
    doc = parse_text(text)
    assert [b.kind for b in doc.blocks] == [BlockKind.PARAGRAPH] * 3
    assert doc.blocks[1].text == "We ship on Monday.\nEveryone gets it."


def test_pep_corpus_outline(corpus: Path):
    doc = load_document(corpus / "pep-2026-calendar-versioning-rejected.rst")
    titles = [h.text for h in doc.headings]
    assert "Abstract" in titles and "Rejected ideas" in titles
    assert len(titles) >= 30
    for block in doc.blocks:
        assert doc.text[block.start : block.end] == block.text
