"""One entry point for every export format, shared by File → Export… and ``doccritic export``.

PDF is drawn with Qt, which only ``doccritic.ui`` may import, so the caller passes the PDF writer in
(``doccritic.ui.pdf_export.export_pdf``); everything else is plain Python.
"""

from __future__ import annotations

import codecs
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Literal, TypedDict

from doccritic.core.document import DocFormat, Document
from doccritic.core.errors import DoccriticError, ErrorKind
from doccritic.core.fileio import atomic_write_bytes, atomic_write_text
from doccritic.core.findings import Review, Source, Status


class ExportFormat(StrEnum):
    """A format a review exports to; the value is the name ``doccritic export --to`` takes."""

    DOCX = "docx"
    MARKDOWN = "md"
    HTML = "html"
    PDF = "pdf"
    JSON = "json"

    @property
    def suffix(self) -> str:
        """The file suffix an export in this format gets."""
        return _SUFFIXES[self][0]

    @property
    def suffixes(self) -> tuple[str, ...]:
        """Every output suffix that implies this format."""
        return _SUFFIXES[self]

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def has_debates(self) -> bool:
        """Word and Markdown exports hold no debates."""
        return self in (ExportFormat.HTML, ExportFormat.PDF, ExportFormat.JSON)

    @classmethod
    def named(cls, name: str) -> ExportFormat:
        """The format called ``name``; anything else is a one-sentence error naming the choices."""
        try:
            return cls(name)
        except ValueError:
            raise DoccriticError(f"Unknown export format '{name}' (use {', '.join(cls)}).") from None


_SUFFIXES = {ExportFormat.DOCX: (".docx",), ExportFormat.MARKDOWN: (".md", ".markdown"),
             ExportFormat.HTML: (".html", ".htm"), ExportFormat.PDF: (".pdf",), ExportFormat.JSON: (".json",)}
_LABELS = {ExportFormat.DOCX: "Word document with comments (.docx)",
           ExportFormat.MARKDOWN: "Markdown with CriticMarkup (.md)",
           ExportFormat.HTML: "Web page, self-contained (.html)",
           ExportFormat.PDF: "PDF report (.pdf)",
           ExportFormat.JSON: "Review JSON (.json)"}
PdfWriter = Callable[..., Path]


class _Filters(TypedDict):
    """What every writer leaves out on request."""

    include_dismissed: bool
    include_checks: bool


@dataclass
class ExportOptions:
    include_dismissed: bool = False
    include_checks: bool = True
    include_debates: bool = True
    names: dict[str, str] = field(default_factory=dict)  # persona id -> display name
    initials: dict[str, str] = field(default_factory=dict)
    colors: dict[str, str] = field(default_factory=dict)
    markdown_style: Literal["critic", "footnotes"] = "critic"
    unplaced: Literal["title", "summary"] = "title"


def format_for(path: Path, explicit: str | None = None) -> ExportFormat:
    """The export format named, or implied by the output file's suffix."""
    if explicit:
        return ExportFormat.named(explicit)
    suffix = path.suffix.lower()
    for fmt in ExportFormat:
        if suffix in fmt.suffixes:
            return fmt
    raise DoccriticError(f"Cannot tell the export format from '{path.name}': name it with --to.")


def filtered(review: Review, options: ExportOptions) -> Review:
    """The review as exported: without dismissed findings, checks or debates when the options say so."""
    findings = [f for f in review.findings
                if (options.include_dismissed or f.status is not Status.DISMISSED)
                and (options.include_checks or f.source is not Source.CHECK)]
    return review.model_copy(update={"findings": findings,
                                     "debates": review.debates if options.include_debates else []})


def export_review(review: Review, doc: Document, fmt: ExportFormat, out: Path, options: ExportOptions | None = None,
                  *, source: Path | None = None, pdf: PdfWriter | None = None) -> Path:
    """Write ``review`` on ``doc`` as ``fmt`` to ``out`` (atomically); ``source`` is the original .docx."""
    fmt = ExportFormat.named(fmt)  # a caller's plain "pdf" too
    options = options or ExportOptions()
    out = Path(out)
    from doccritic.core.register import refresh

    review = refresh(review)  # the register appendix and the JSON carry it, the PM's edits kept
    folder = out.parent
    if not folder.is_dir():
        raise DoccriticError(f"Cannot write {out.name}: the folder {folder} does not exist.", ErrorKind.NOT_FOUND)
    if out.is_dir():
        raise DoccriticError(f"Cannot write {out}: it is a folder; name a file.", ErrorKind.INVALID)
    if source is not None and out.resolve() == Path(source).resolve():
        raise DoccriticError("The export would overwrite the document itself: choose another file name.")
    with _collector_paused():
        _write(review, doc, fmt, out, options, source, pdf)
    return out


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while one export runs (where it is on: the window runs it on the
    GUI thread itself). An export allocates millions of objects that live until it ends (the export form's
    runs, markdown-it's tokens, the Word tree) and frees them by reference counting, so each collection on
    the way walked them for nothing: a quarter of the export form's time at 50,000 findings."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _write(review: Review, doc: Document, fmt: ExportFormat, out: Path, options: ExportOptions,
           source: Path | None, pdf: PdfWriter | None) -> None:
    common: _Filters = {"include_dismissed": options.include_dismissed, "include_checks": options.include_checks}
    if fmt is ExportFormat.JSON:
        from doccritic.formats.review_json import dumps

        atomic_write_text(out, dumps(filtered(review, options)))
    elif fmt is ExportFormat.MARKDOWN:
        from doccritic.formats.criticmarkup import export_criticmarkup

        text = export_criticmarkup(review, doc, names=options.names, style=options.markdown_style, **common)
        atomic_write_bytes(out, encode_like_source(text, doc))
    elif fmt is ExportFormat.HTML:
        from doccritic.formats.html_export import export_html

        page = export_html(review, doc, names=options.names, colors=options.colors,
                           include_debates=options.include_debates, **common)
        atomic_write_bytes(out, page.encode("utf-8", "replace"))  # a lone surrogate in the text: "?"
    elif fmt is ExportFormat.DOCX:
        from doccritic.formats.docx_export import export_docx

        origin = source if doc.format is DocFormat.DOCX else None
        if doc.format is DocFormat.DOCX and (origin is None or not Path(origin).is_file()):
            raise DoccriticError("Exporting a Word review to .docx needs the original .docx file, which is "
                                 "missing: pass it with --source.", ErrorKind.NOT_FOUND)
        # The .docx carries its review inside (for Import Review…): only what this export shows.
        export_docx(filtered(review, options), doc, out, source=origin, names=options.names, initials=options.initials,
                    unplaced=options.unplaced, **common)
    else:  # PDF
        if pdf is None:
            raise DoccriticError("PDF export needs the app's PDF writer.", ErrorKind.UNSUPPORTED)
        pdf(review, doc, out, names=options.names, include_debates=options.include_debates, **common)


_BOMS = {"utf-8": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
         "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}


def encode_like_source(text: str, doc: Document) -> bytes:
    """``text`` in the source file's encoding, with its byte-order mark, so that removing the CriticMarkup
    gives back the file byte for byte. A note character the legacy encoding lacks becomes a numeric
    character reference, which Markdown shows as that character."""
    encoding = (doc.encoding or "utf-8").lower().replace("_", "-")
    bom = _BOMS.get(encoding, b"") if doc.bom else b""
    try:
        return bom + text.encode(encoding, errors="xmlcharrefreplace")
    except LookupError:
        return text.encode("utf-8")
