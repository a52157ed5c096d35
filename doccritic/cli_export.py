"""``doccritic export``: turn a saved review into a document people can open.

The review (JSON, or a .docx doccritic exported) names its source document. If that file changed
since, findings and debate quotes are re-anchored onto it and the command says how that went; if it
is missing, the text stored in the review is used, except for Word output from a Word source, which
needs the original file: exit 2 with one sentence.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from doccritic.core.errors import DoccriticError, ErrorKind

EXIT_OK, EXIT_BAD_INPUT = 0, 2


def add_parser(sub: Any) -> None:
    from doccritic.formats.export import FORMATS

    export = sub.add_parser(
        "export",
        help="export a review as .docx with comments, CriticMarkup .md, .html, .pdf or .json",
        description="Export REVIEW (a review .json, or a .docx doccritic exported) onto its source document. "
        "Exit 0 when written, 2 when the review or its document cannot be used.",
    )
    export.add_argument("review", type=Path, help="review .json (doccritic check/review --format json, or saved "
                        "from the app) or a .docx exported by doccritic")
    export.add_argument("--to", choices=list(FORMATS), help="format (default: from the output's suffix)")
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
    from doccritic.formats.export import ExportOptions, export_review, format_for
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
    if fmt == "pdf":
        from doccritic.ui.pdf_export import export_pdf

        pdf = export_pdf
    written = export_review(review, doc, fmt, args.output, options, source=source, pdf=pdf)
    shown = len([f for f in review.findings if options.include_dismissed or f.status.value != "dismissed"])
    print(f"doccritic: wrote {written} ({shown} findings)", file=err)
    return EXIT_OK


def _document(review: Any, given: Path | None, fmt: str, err: TextIO) -> tuple[Any, Path | None, Any]:
    """The document to export onto: the source file (re-anchoring if it changed) or the review's own text."""
    from doccritic.core.document import DocFormat
    from doccritic.formats.loader import load_document
    from doccritic.formats.review_import import rebase

    path = given or (Path(review.document.path) if review.document.path else None)
    if path is not None and path.is_file():
        doc = load_document(path)
        review, warnings = rebase(review, doc)
        for warning in warnings:
            print(f"doccritic: {warning}", file=err)
        return doc, path, review
    if fmt == "docx" and review.document.format == "docx":
        where = f" ({path})" if path else ""
        raise DoccriticError(f"The reviewed Word document{where} is missing: pass it with --source.",
                             ErrorKind.NOT_FOUND)
    if given is not None:
        raise DoccriticError(f"{given} does not exist.", ErrorKind.NOT_FOUND)
    if path is not None:
        print(f"doccritic: {path} is missing; exporting the text saved in the review.", file=err)
    from doccritic.formats.markdown import parse_markdown
    from doccritic.formats.text import parse_text

    text = review.document.text
    doc = parse_markdown(text, path) if review.document.format == DocFormat.MARKDOWN.value else parse_text(text, path)
    return doc, None, review


def _persona_names(options: Any) -> None:
    from doccritic.core.personas import load_personas

    for p in load_personas().personas:
        options.names[p.id] = p.name
        options.initials[p.id] = p.initials
        options.colors[p.id] = p.color
