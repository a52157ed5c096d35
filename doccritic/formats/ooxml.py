"""Safety checks for Office Open XML packages, run before python-docx parses anything.

A .docx is a zip: a truncated copy, a renamed spreadsheet, an old binary .doc or a zip bomb must each
get one clear sentence, and none may make us hold gigabytes. The sizes in a zip's directory are
written by whoever made the file, so every part is inflated once, streamed in 1 MB chunks, and the
limits are applied to the bytes that actually come out (zipfile also checks each part's CRC, so a
part that inflates to more than its header says is refused as damaged). XML limits are libxml2's (256
levels of nesting, 10 MB in one text node); a file beyond them is told which limit it met rather than
being called invalid. Word files never declare a DTD; one that does is refused, because entities in it
would silently drop the text after them.
"""

from __future__ import annotations

import gc
import io
import sys
import zipfile
from typing import Any

from lxml import etree

from doccritic.core.errors import ErrorKind, LoadError
from doccritic.formats.textio import human_size, over_limit

#: Refuse packages that unpack to more than this (real Word files are far smaller).
MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
#: A part this large that is also compressed this hard is treated as a zip bomb.
RATIO_CHECK_MIN_BYTES = 20 * 1024 * 1024
#: XML (text and layout; images aside) a .docx may hold. The loader streams the body (formats/docx_stream.py:
#: ~6 bytes of memory per byte of XML for the document it builds, where a whole tree took ~14), but an
#: export from a Word source and `doccritic check`'s findings still grow with it: this keeps both near or
#: under 1.5 GB (bench/docx_memory.py). Real PRDs have well under 5 MB.
MAX_XML_BYTES = 96 * 1024 * 1024
#: More parts than any real document has (each one costs python-docx an object).
MAX_PARTS = 10_000
#: libxml2's limits without XML_PARSE_HUGE, which python-docx's parser keeps.
MAX_XML_DEPTH = 256
MAX_TEXT_NODE_BYTES = 10 * 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK = 1024 * 1024
_DOCTYPE = (b"<!DOCTYPE", "<!DOCTYPE".encode("utf-16-le"), "<!DOCTYPE".encode("utf-16-be"))


def check_package(data: bytes, name: str) -> None:
    """Refuse data that is not a safe Word package, before python-docx parses it."""
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
            _check_directory(infos, name)
            total = xml = 0
            for info in infos:
                size = _inflate(archive, info, name, MAX_UNCOMPRESSED_BYTES - total)
                total += size
                xml += size if info.filename.lower().endswith((".xml", ".rels")) else 0
                if xml > MAX_XML_BYTES:
                    raise LoadError(f"Cannot open {name}: its text and layout (XML, images aside) unpack to over "
                                    f"{human_size(MAX_XML_BYTES)}, more than doccritic can hold in memory.",
                                    ErrorKind.TOO_LARGE)
    except LoadError:
        raise
    except Exception:  # BadZipFile (CRC, sizes), EOFError, zlib.error...: the zip is broken or lies
        reason = "the file is damaged or incomplete (it may not have finished copying)."
        raise damaged(name, reason) from None


def open_word(data: bytes, name: str) -> Any:
    """``data`` checked and opened with python-docx; every failure is one sentence saying which problem."""
    import docx

    check_package(data, name)
    try:
        return docx.Document(io.BytesIO(data))
    except ValueError as exc:
        if "not a Word file" in str(exc):  # e.g. a macro-enabled .docm or a template
            raise refused(name, "it is not a plain Word document; save it as .docx and try again.") from None
        raise damaged(name, "the file is damaged.") from exc
    except etree.XMLSyntaxError as exc:
        raise xml_error(name, str(exc)) from exc
    except Exception as exc:  # python-docx raises KeyError, PackageNotFoundError... for broken packages
        raise damaged(name, "the file is damaged or incomplete.") from exc


def xml_error(name: str, message: str) -> LoadError:
    """libxml2's resource limits are not damage: say which one the file met."""
    lower = message.lower()
    if "excessive depth" in lower:
        return LoadError(f"Cannot open {name}: its content is nested more than {MAX_XML_DEPTH} levels deep "
                         "(tables inside tables), beyond what doccritic reads.", ErrorKind.TOO_LARGE)
    if "huge text node" in lower or "text node too long" in lower or "huge input lookup" in lower:
        return LoadError(f"Cannot open {name}: one stretch of its text is over the "
                         f"{MAX_TEXT_NODE_BYTES // (1024 * 1024)} MB doccritic reads in one piece.",
                         ErrorKind.TOO_LARGE)
    return damaged(name, "the file is damaged (invalid XML).")


def _check_directory(infos: list[zipfile.ZipInfo], name: str) -> None:
    if len(infos) > MAX_PARTS:
        raise LoadError(f"Cannot open {name}: it has {len(infos):,} parts, over the {MAX_PARTS:,} limit.",
                        ErrorKind.TOO_LARGE)
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        reason = f"it would unpack to {over_limit(total, MAX_UNCOMPRESSED_BYTES)} safety limit."
        raise LoadError(f"Cannot open {name}: {reason}", ErrorKind.TOO_LARGE)
    names = {info.filename for info in infos}
    if "word/document.xml" not in names:  # other names are legal if [Content_Types].xml says so
        if "xl/workbook.xml" in names or "ppt/presentation.xml" in names:
            raise refused(name, "it is an Excel or PowerPoint file, not a Word document.")
        if "[Content_Types].xml" not in names:
            raise refused(name, "it is a zip archive, not a Word document.")


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, left: int) -> int:
    """Inflate one part counting what comes out, whatever its header says; refuse a DTD in an XML part.

    Returns how many bytes came out; ``left`` is what the package may still unpack to.
    """
    if info.is_dir():
        return 0
    allowed = max(RATIO_CHECK_MIN_BYTES, MAX_COMPRESSION_RATIO * info.compress_size)
    size, head = 0, b""
    with archive.open(info) as part:
        while chunk := part.read(_CHUNK):
            size += len(chunk)
            if size > left:
                raise LoadError(f"Cannot open {name}: it unpacks to over the {human_size(MAX_UNCOMPRESSED_BYTES)} "
                                "safety limit.", ErrorKind.TOO_LARGE)
            if size > allowed:
                sizes = f"{human_size(info.compress_size)} to over {human_size(allowed)}"
                raise LoadError(f"Cannot open {name}: part of it unpacks from {sizes}, which looks like a zip "
                                "bomb.", ErrorKind.TOO_LARGE)
            if len(head) < 4096:
                head += chunk[:4096]
    if info.filename.lower().endswith((".xml", ".rels")) and any(d in head for d in _DOCTYPE):
        raise refused(name, f"its part {info.filename} declares a DTD, which Word files never do; its entities "
                      "could hide text, so doccritic does not read it.")
    return size


def damaged(name: str, reason: str) -> LoadError:
    return LoadError(f"Cannot open {name}: {reason}", ErrorKind.CORRUPT)


def refused(name: str, reason: str) -> LoadError:
    return LoadError(f"Cannot open {name}: {reason}", ErrorKind.UNSUPPORTED)


def release_freed_memory() -> None:
    """Give the memory of a freed XML tree back to the system (glibc's ``malloc_trim``; elsewhere nothing).

    libxml2 allocates a tree's ~14 bytes per byte of XML in small blocks that glibc keeps after they are
    freed, while Python's objects come from arenas of their own: without this, what the checks allocate
    after a load came on top of the freed tree instead of in its place."""
    gc.collect()  # python-docx's package and parts refer to each other: only the cycle collector frees them
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        pass
