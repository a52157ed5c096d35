"""``doccritic export``: turn a saved review into a document people can open.

The document exported onto is the one the user names with ``--source`` (re-anchored when it changed
since the review, and the command says how that went), else the file the review names, but only while
it is still the exact version reviewed: a review is untrusted input and must not pull another local file
into the export. A changed file needs ``--source``; a missing one means the text stored in the review is
used, except for Word output from a Word source, which needs the original file. Refusals are exit 2 with
one sentence.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from doccritic.core.errors import DoccriticError, ErrorKind

if TYPE_CHECKING:
    from doccritic.formats.export import ExportFormat

EXIT_OK, EXIT_BAD_INPUT = 0, 2


def add_parser(sub: Any) -> None:
    from doccritic.formats.export import ExportFormat

    export = sub.add_parser(
        "export",
        help="export a review as .docx with comments, CriticMarkup .md, .html, .pdf or .json",
        description="Export REVIEW (a review .json, or a .docx doccritic exported) onto its source document. "
        "Exit 0 when written, 2 when the review or its document cannot be used.",
    )
    export.add_argument("review", type=Path, help="review .json (doccritic check/review --format json, or saved "
                        "from the app) or a .docx exported by doccritic")
    export.add_argument("--to", choices=[f.value for f in ExportFormat],
                        help="format (default: from the output's suffix)")
    export.add_argument("-o", "--output", type=Path, required=True, help="file to write")
    export.add_argument("--source", type=Path, help="the reviewed document, if it moved")
    export.add_argument("--include-dismissed", action="store_true", help="also export dismissed findings")
    export.add_argument("--no-checks", action="store_true", help="leave out offline-check findings")
    export.add_argument("--no-debates", action="store_true", help="leave out debates")
    export.add_argument("--footnotes", action="store_true", help="Markdown: footnotes instead of CriticMarkup")
    export.add_argument("--summary", action="store_true",
                        help="Word: put findings not tied to a passage in a summary section, not on the title")
    export.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def cmd_export(args: argparse.Namespace, out: TextIO, err: TextIO | None = None) -> int:
    from doccritic.formats.export import ExportFormat, ExportOptions, export_review, format_for
    from doccritic.formats.review_import import read_review_file

    err = err or sys.stderr
    fmt = format_for(args.output, args.to)
    review = read_review_file(args.review)
    doc, source, review = _document(review, args.source, fmt, err)
    options = ExportOptions(include_dismissed=args.include_dismissed, include_checks=not args.no_checks,
                            include_debates=not args.no_debates,
                            markdown_style="footnotes" if args.footnotes else "critic",
                            unplaced="summary" if args.summary else "title")
    _persona_names(options)
    pdf = None
    if fmt is ExportFormat.PDF:
        from doccritic.ui.pdf_export import export_pdf

        pdf = export_pdf
    written = export_review(review, doc, fmt, args.output, options, source=source, pdf=pdf)
    shown = len([f for f in review.findings if options.include_dismissed or f.status.value != "dismissed"])
    print(f"doccritic: wrote {written} ({shown} findings)", file=err)
    return EXIT_OK


def _document(review: Any, given: Path | None, fmt: ExportFormat, err: TextIO) -> tuple[Any, Path | None, Any]:
    """The document to export onto: the source file (re-anchoring if it changed) or the review's own text.

    A review file is untrusted input: the path it names is only used when that file is still the exact
    version reviewed (same format, same fingerprint), so a crafted review cannot copy another local file into
    the export. Only a path the user passes with ``--source`` is re-anchored onto as it is now.
    """
    from doccritic.formats.export import ExportFormat
    from doccritic.formats.loader import load_document
    from doccritic.formats.review_import import rebase

    if given is not None:
        if not given.is_file():
            raise DoccriticError(f"{given} does not exist.", ErrorKind.NOT_FOUND)
        doc = load_document(given)
        review, warnings = rebase(review, doc)
        for warning in warnings:
            print(f"doccritic: {warning}", file=err)
        return doc, given, review
    named = Path(review.document.path) if review.document.path else None
    if named is not None and named.is_file():
        doc = _reviewed_version(review, named)
        review, _ = rebase(review, doc)  # same text: only refreshes the document record
        return doc, named, review
    if fmt is ExportFormat.DOCX and review.document.format == "docx":
        where = f" ({named})" if named else ""
        raise DoccriticError(f"The reviewed Word document{where} is missing: pass it with --source.",
                             ErrorKind.NOT_FOUND)
    if named is not None:
        print(f"doccritic: {named} is missing; exporting the text saved in the review.", file=err)
    return _saved_text(review, named), None, review


def _reviewed_version(review: Any, path: Path) -> Any:
    """The document at ``path`` if it is the very version ``review`` was made on; else a one-sentence error."""
    from doccritic.core.errors import LoadError
    from doccritic.formats.loader import DOCX_SUFFIXES, MARKDOWN_SUFFIXES, TEXT_SUFFIXES, load_document

    suffixes = {"markdown": MARKDOWN_SUFFIXES, "docx": DOCX_SUFFIXES, "text": TEXT_SUFFIXES}
    refusal = DoccriticError(
        f"The review names {path} as its document, but that file is not the version reviewed; pass the "
        "document with --source to export onto it as it is now.", ErrorKind.INVALID)
    if path.suffix.lower() not in suffixes[review.document.format]:
        raise refusal  # never even parse a file of another kind
    try:
        doc = load_document(path)
    except LoadError:
        raise refusal from None  # the reason could describe the file; the user only needs to know it is not it
    if doc.fingerprint != review.document.fingerprint:
        raise refusal
    return doc


def _saved_text(review: Any, path: Path | None) -> Any:
    from doccritic.core.document import DocFormat
    from doccritic.formats.markdown import parse_markdown
    from doccritic.formats.text import parse_text

    text = review.document.text
    return parse_markdown(text, path) if review.document.format == DocFormat.MARKDOWN.value else parse_text(text, path)


def _persona_names(options: Any) -> None:
    from doccritic.core.personas import load_personas

    for p in load_personas().personas:
        options.names[p.id] = p.name
        options.initials[p.id] = p.initials
        options.colors[p.id] = p.color
