"""Safety checks for Office Open XML packages, run before anything is unpacked or parsed.

A .docx is a zip: a truncated copy, a renamed spreadsheet, an old binary .doc or a zip bomb must each
get one clear sentence, and none may make us decompress gigabytes. The DOCX loader uses this, and so
will anything that reopens the user's file (the DOCX exporter).
"""

from __future__ import annotations

import io
import zipfile

from doccritic.core.errors import ErrorKind, LoadError
from doccritic.formats.textio import human_size

#: Refuse packages that would unpack to more than this (real Word files are far smaller).
MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
#: A part this large that is also compressed this hard is treated as a zip bomb.
RATIO_CHECK_MIN_BYTES = 20 * 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def check_package(data: bytes, name: str) -> None:
    """Refuse data that is not a safe Word package, before anything is decompressed or parsed."""
    if not data:
        raise damaged(name, "the file is empty.")
    if data.startswith(_OLE_MAGIC):
        reason = (
            "it is an old Word 97-2003 (.doc) or password-protected file; save it as an unprotected .docx."
        )
        raise refused(name, reason)
    if not data.startswith(b"PK"):
        raise damaged(name, "it is not a Word (.docx) document, or it is damaged.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except Exception:  # BadZipFile, EOFError, ValueError...: the zip directory is broken or missing
        reason = "the file is damaged or incomplete (it may not have finished copying)."
        raise damaged(name, reason) from None
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        limit = human_size(MAX_UNCOMPRESSED_BYTES)
        reason = f"it would unpack to {human_size(total)}, over the {limit} safety limit."
        raise LoadError(f"Cannot open {name}: {reason}", ErrorKind.TOO_LARGE)
    for info in infos:
        if info.file_size > max(RATIO_CHECK_MIN_BYTES, MAX_COMPRESSION_RATIO * info.compress_size):
            sizes = f"{human_size(info.compress_size)} to {human_size(info.file_size)}"
            reason = f"part of it would unpack from {sizes}, which looks like a zip bomb."
            raise LoadError(f"Cannot open {name}: {reason}", ErrorKind.TOO_LARGE)
    names = {info.filename for info in infos}
    if "word/document.xml" not in names:  # other names are legal if [Content_Types].xml says so
        if "xl/workbook.xml" in names or "ppt/presentation.xml" in names:
            raise refused(name, "it is an Excel or PowerPoint file, not a Word document.")
        if "[Content_Types].xml" not in names:
            raise refused(name, "it is a zip archive, not a Word document.")


def damaged(name: str, reason: str) -> LoadError:
    return LoadError(f"Cannot open {name}: {reason}", ErrorKind.CORRUPT)


def refused(name: str, reason: str) -> LoadError:
    return LoadError(f"Cannot open {name}: {reason}", ErrorKind.UNSUPPORTED)
