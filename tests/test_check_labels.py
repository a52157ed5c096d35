"""The hand labels the check-quality bench scores against must point at real text in their documents.

These tests run no check: they read the labels and the documents only, so they may cover the unseen
splits (fresh, sealed...) without anyone seeing the checks' output on them.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from doccritic.formats.loader import load_document

ROOT = Path(__file__).resolve().parent.parent
LABELS = sorted((ROOT / "bench" / "check_labels").glob("*.toml"))
sys.path.insert(0, str(ROOT / "bench"))


@pytest.mark.parametrize("path", LABELS, ids=lambda p: p.stem)
def test_every_labelled_passage_is_in_its_document(path: Path):
    from check_quality import SPLITS, load_labels

    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    doc = load_document(ROOT / raw["document"])
    labels = load_labels(path, doc.text)
    assert labels.missing == []
    assert labels.split in SPLITS  # tune, held_out, fresh, sealed, sealed2, sealed3, sealed4, sealed5, sealed6, sealed7
    assert sum(1 for i in labels.issues if i.importance == 3 and i.kind.value == "one_way_door") <= 1


def test_a_third_of_the_documents_is_held_out():
    splits = [tomllib.loads(p.read_text(encoding="utf-8"))["split"] for p in LABELS]
    kept_out = ("held_out", "fresh", "sealed", "sealed2", "sealed3", "sealed4", "sealed5", "sealed6", "sealed7")
    unseen = sum(splits.count(s) for s in kept_out)
    assert len(splits) >= 15 and unseen * 3 >= len(splits)
