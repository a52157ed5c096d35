"""One entry point that opens any supported document by its extension."""

from __future__ import annotations

from pathlib import Path

from doccritic.core.document import Document
from doccritic.core.errors import ErrorKind, LoadError

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd"})
TEXT_SUFFIXES = frozenset({".txt", ".text", ".rst", ""})
DOCX_SUFFIXES = frozenset({".docx"})
SUPPORTED_SUFFIXES = MARKDOWN_SUFFIXES | TEXT_SUFFIXES | DOCX_SUFFIXES


def load_document(path: Path | str) -> Document:
    """Open a document, or raise :class:`LoadError` with one sentence saying why not."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in MARKDOWN_SUFFIXES:
        from doccritic.formats.markdown import load_markdown

        return load_markdown(path)
    if suffix in DOCX_SUFFIXES:
        from doccritic.formats.docx import load_docx

        return load_docx(path)
    if suffix in TEXT_SUFFIXES:
        from doccritic.formats.text import load_text

        return load_text(path)
    if suffix == ".doc":
        raise LoadError(
            f"Cannot open {path.name}: the old Word .doc format is not supported; save it as .docx.",
            ErrorKind.UNSUPPORTED,
        )
    raise LoadError(
        f"Cannot open {path.name}: {suffix} files are not supported (use Markdown, .docx, .txt or .rst).",
        ErrorKind.UNSUPPORTED,
    )
