"""Reading reference material: Markdown, text and Word through the document loaders, PDF through pypdf.

Every refusal is one sentence naming the file, and happens before anything is attached, so a bad file
never costs the PM the references already there. Size is checked on ``stat`` before a byte is read: a
200 MB scan is turned away without being loaded into memory.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from doccritic.core.document import Document
from doccritic.core.errors import DoccriticError, ErrorKind, LoadError
from doccritic.core.references import (
    MAX_REFERENCE_BYTES,
    Intent,
    Reference,
    intent_from_file_text,
    same_text,
    too_much,
)
from doccritic.formats.loader import DOCX_SUFFIXES, MARKDOWN_SUFFIXES, TEXT_SUFFIXES
from doccritic.formats.textio import over_limit

PDF_SUFFIXES = frozenset({".pdf"})
REFERENCE_SUFFIXES = MARKDOWN_SUFFIXES | TEXT_SUFFIXES | DOCX_SUFFIXES | PDF_SUFFIXES
#: For file dialogs.
REFERENCE_FILTER = "Reference material (*.md *.markdown *.txt *.rst *.docx *.pdf)"

_log = logging.getLogger(__name__)


def load_reference(path: Path | str, *, ref_id: str = "R1", persona: str | None = None,
                   draft: Document | None = None, existing: Sequence[Reference] = ()) -> Reference:
    """Read ``path`` as a reference, or raise :class:`LoadError` with one sentence saying why not.

    ``draft`` refuses the document under review itself (it is already sent, first); ``existing`` refuses a
    file attached twice (for the same persona, or for everyone) and a total past the token cap.
    """
    path = Path(path)
    name = path.name or str(path)
    suffix = path.suffix.lower()
    if suffix not in REFERENCE_SUFFIXES:
        raise LoadError(f"Cannot attach {name}: {suffix or 'extensionless'} files are not supported as references "
                        "(use Markdown, .txt, .docx or .pdf).", ErrorKind.UNSUPPORTED)
    _check_size(path, name)
    if suffix in PDF_SUFFIXES:
        text, fmt = pdf_text(path), "pdf"
    else:
        from doccritic.formats.loader import load_document

        doc = load_document(path)
        text, fmt = doc.text, doc.format.value
    if not text.strip():
        raise LoadError(f"Cannot attach {name}: it has no text.", ErrorKind.INVALID)
    ref = Reference.of(ref_id, name, text, path=str(path), fmt=fmt, persona=persona)
    if draft is not None and (same_text(text, draft.text) or _same_file(path, draft.path)):
        raise LoadError(f"Cannot attach {name}: it is the document under review, which the critics already read.",
                        ErrorKind.INVALID)
    for other in existing:
        if other.fingerprint == ref.fingerprint and other.persona in (None, persona):
            raise LoadError(f"Cannot attach {name}: it is already attached as {other.id} ({other.name}).",
                            ErrorKind.INVALID)
    if (why := too_much(existing, ref)) is not None:
        raise LoadError(why, ErrorKind.TOO_LARGE)
    return ref


def _check_size(path: Path, name: str) -> None:
    try:
        if not path.exists():
            raise LoadError(f"Cannot attach {name}: no such file.", ErrorKind.NOT_FOUND)
        if path.is_dir():
            raise LoadError(f"Cannot attach {name}: it is a folder, not a file.", ErrorKind.UNREADABLE)
        size = path.stat().st_size
    except OSError as exc:
        raise LoadError(f"Cannot attach {name}: {(exc.strerror or type(exc).__name__).lower()}.",
                        ErrorKind.UNREADABLE) from None
    if size > MAX_REFERENCE_BYTES:
        raise LoadError(f"Cannot attach {name}: it is {over_limit(size, MAX_REFERENCE_BYTES)} limit for "
                        "reference material; attach the relevant part instead.", ErrorKind.TOO_LARGE)


def _same_file(path: Path, other: Path | None) -> bool:
    if other is None:
        return False
    try:
        return path.resolve() == Path(other).resolve()
    except OSError:
        return False


def pdf_text(path: Path) -> str:
    """The text layer of a PDF, page by page; a password, no text layer or a damaged file is one sentence."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError, PyPdfError

    name = path.name
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not _unlock(reader):
            raise LoadError(f"Cannot attach {name}: it is password-protected; save an unprotected copy and attach "
                            "that.", ErrorKind.UNREADABLE)
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
    except LoadError:
        raise
    except (FileNotDecryptedError, DependencyError):
        raise LoadError(f"Cannot attach {name}: it is password-protected; save an unprotected copy and attach that.",
                        ErrorKind.UNREADABLE) from None
    except PermissionError:
        raise LoadError(f"Cannot attach {name}: permission denied.", ErrorKind.UNREADABLE) from None
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, OSError) as exc:
        _log.info("unreadable PDF %s: %s", name, exc)
        raise LoadError(f"Cannot attach {name}: it is damaged or not a PDF.", ErrorKind.CORRUPT) from None
    text = "\n\n".join(p for p in pages if p)
    if not text.strip():
        raise LoadError(f"Cannot attach {name}: it has no text layer (a scan or images only); attach a version "
                        "with selectable text.", ErrorKind.INVALID)
    return text


def _unlock(reader: object) -> bool:
    """Many PDFs are "encrypted" with an empty password only to stop edits: those read fine."""
    try:
        return bool(reader.decrypt(""))  # type: ignore[attr-defined]
    except Exception:
        return False


MAX_INTENT_BYTES = 256 * 1024  # a note, not a document


def reread_references(refs: list[Reference]) -> tuple[list[Reference], list[str]]:
    """Stored references with their text: kept in the review when small, else read again from their file (if
    it still holds the same words). The names of those that could not be read come back too; they stay listed."""
    from dataclasses import replace

    out, missing = [], []
    for ref in refs:
        if ref.text is None and ref.path:
            try:
                fresh = load_reference(ref.path)
            except DoccriticError:
                fresh = None
            if fresh is not None and fresh.fingerprint == ref.fingerprint:
                ref = replace(ref, text=fresh.text)
        if ref.text is None:
            missing.append(f"{ref.id} {ref.name}")
        out.append(ref)
    return out, missing


def load_intent(path: Path | str) -> Intent:
    """An intent file: TOML (``feedback_on``, ``decided``, ``constraints``) or a plain-text note."""
    from doccritic.formats.textio import decode_text, read_bytes

    path = Path(path)
    text = decode_text(read_bytes(path, MAX_INTENT_BYTES), path.name).text
    return intent_from_file_text(text, path.name)
