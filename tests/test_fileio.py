"""Every file doccritic writes keeps its permissions, writes through symlinks and survives a failed write.

A PM's shared PRD must stay readable by the team after one save, a symlinked document must get the
edit, and a crash or a full disk must leave the previous file whole. Each writer is exercised through
its public API: the document save, the journal, personas, review JSON and every export format.
"""

from __future__ import annotations

import errno
import io
import json
import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from export_samples import placed

from doccritic.core.document import DocFormat, Document
from doccritic.core.errors import DoccriticError
from doccritic.core.findings import Review
from doccritic.core.journal import Journal
from doccritic.core.personas import Persona, save_persona
from doccritic.formats.export import export_review
from doccritic.formats.markdown import parse_markdown
from doccritic.formats.review_json import review_for, save_review
from doccritic.ui.session import OpenFile, save

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits and symlinks")

TEXT = "# Checkout plan\n\nWe ship to all users on launch day.\n"
OLD = b"the previous version\n"
DOCUMENT = Path("/prds/checkout.md")  # the journal keys its file by this path


def _sample() -> tuple[Review, Document]:
    doc = parse_markdown(TEXT, DOCUMENT)
    return review_for(doc, [placed(TEXT, "ship to all users")]), doc


def _export(fmt: str) -> Callable[[Path], None]:
    def write(target: Path) -> None:
        from doccritic.ui.pdf_export import export_pdf

        review, doc = _sample()
        export_review(review, doc, fmt, target, pdf=export_pdf)

    return write


@dataclass(frozen=True)
class Writer:
    """One way doccritic writes a file: where it writes in ``folder``, how, and what the new file holds."""

    name: str
    target: Callable[[Path], Path]
    write: Callable[[Path], None]
    written: Callable[[bytes], bool]


def _named(name: str) -> Callable[[Path], Path]:
    return lambda folder: folder / name


PERSONA = Persona(id="shared-pm", name="Shared PM", role="Reads for scope.", lens="Scope creep.", questions=["Why?"],
                  color="#A1B2C3", initials="SP")
WRITERS = [
    Writer("document save", _named("checkout.md"),
           lambda t: save(OpenFile(t, DocFormat.MARKDOWN, newline="\r\n"), TEXT),
           lambda b: b == TEXT.replace("\n", "\r\n").encode()),
    Writer("journal", lambda folder: Journal(folder)._file(DOCUMENT),
           lambda t: Journal(t.parent).write(DOCUMENT, "unsaved ✓"),
           lambda b: json.loads(b)["text"] == "unsaved ✓"),
    Writer("persona", _named("shared-pm.toml"), lambda t: save_persona(PERSONA, t.parent),
           lambda b: b'name = "Shared PM"' in b),
    Writer("review json", _named("review.json"), lambda t: save_review(_sample()[0], t),
           lambda b: json.loads(b)["findings"][0]["quote"] == "ship to all users"),
    Writer("md export", _named("review.md"), _export("md"), lambda b: b"ship to all users" in b and b"{" in b),
    Writer("html export", _named("review.html"), _export("html"), lambda b: b"<html" in b.lower()),
    Writer("json export", _named("export.json"), _export("json"), lambda b: bool(json.loads(b)["findings"])),
    Writer("pdf export", _named("review.pdf"), _export("pdf"), lambda b: b.startswith(b"%PDF-")),
    Writer("docx export", _named("review.docx"), _export("docx"), lambda b: zipfile.is_zipfile(io.BytesIO(b))),
]
every_writer = pytest.mark.parametrize("writer", WRITERS, ids=[w.name for w in WRITERS])


@pytest.fixture(autouse=True)
def _app(qapp: object) -> None:
    """The PDF export draws with Qt."""


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    previous = os.umask(0o022)
    yield os.umask
    os.umask(previous)


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o7777


def _names(*folders: Path) -> set[str]:
    return {p.name for folder in folders for p in folder.iterdir()}


@every_writer
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o664], ids=oct)
def test_an_existing_file_keeps_its_permissions(writer: Writer, mode: int, tmp_path: Path,
                                                umask: Callable[[int], None]) -> None:
    umask(0o077)  # a new file would be 0600: keeping ``mode`` can only come from the old file
    target = writer.target(tmp_path)
    target.write_bytes(OLD)
    target.chmod(mode)
    writer.write(target)
    assert writer.written(target.read_bytes())
    assert _mode(target) == mode
    assert _names(tmp_path) == {target.name}  # no temp file left behind


@every_writer
@pytest.mark.parametrize("mask", [0o022, 0o027, 0o002], ids=oct)
def test_a_new_file_gets_the_umask_default(writer: Writer, mask: int, tmp_path: Path,
                                           umask: Callable[[int], None]) -> None:
    umask(mask)
    target = writer.target(tmp_path)
    writer.write(target)
    assert writer.written(target.read_bytes())
    assert _mode(target) == 0o666 & ~mask


@every_writer
def test_a_symlink_stays_a_link_and_its_target_gets_the_content(writer: Writer, tmp_path: Path) -> None:
    shared, mine = tmp_path / "shared", tmp_path / "mine"
    shared.mkdir()
    link = writer.target(mine)
    mine.mkdir(exist_ok=True)
    real = shared / "the real file"
    real.write_bytes(OLD)
    real.chmod(0o640)
    link.symlink_to(real)
    writer.write(link)
    assert link.is_symlink() and link.readlink() == real
    assert writer.written(real.read_bytes())
    assert _mode(real) == 0o640
    assert _names(shared, mine) == {real.name, link.name}


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can give a file away")
@every_writer
def test_as_root_the_owner_and_group_are_kept(writer: Writer, tmp_path: Path) -> None:
    target = writer.target(tmp_path)
    target.write_bytes(OLD)
    os.chown(target, 4321, 8765)
    writer.write(target)
    assert (target.stat().st_uid, target.stat().st_gid) == (4321, 8765)


@every_writer
def test_a_full_disk_leaves_the_old_file_whole(writer: Writer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = writer.target(tmp_path)
    target.write_bytes(OLD)

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises((OSError, DoccriticError), match="No space left"):
        writer.write(target)
    assert target.read_bytes() == OLD
    assert _names(tmp_path) == {target.name}


@pytest.mark.parametrize(("fmt", "serializer"), [("docx", "docx.document.Document.save"),
                                                 ("html", "doccritic.formats.html_export.export_html"),
                                                 ("pdf", "doccritic.ui.pdf_export._render")])
def test_a_serializer_failing_half_way_leaves_the_old_file(fmt: str, serializer: str, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / f"review.{fmt}"
    target.write_bytes(OLD)

    def half_way(*args: object, **kwargs: object) -> None:
        for arg in args:  # python-docx streams into the file object it was given
            if isinstance(arg, io.BytesIO):
                arg.write(b"PK\x03\x04 half a zip")
        raise RuntimeError("the serializer crashed")

    monkeypatch.setattr(serializer, half_way)
    with pytest.raises(RuntimeError, match="crashed"):
        _export(fmt)(target)
    assert target.read_bytes() == OLD
    assert _names(tmp_path) == {target.name}
