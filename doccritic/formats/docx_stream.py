"""A Word body read a piece at a time: the loader's memory stays near the size of the text, not of the XML.

python-docx parses ``word/document.xml`` into one tree, ~14 bytes of memory per byte of XML (1.3 GB at the
96 MB limit), and the loader needs each paragraph only once. While :func:`streamed` is active, the main
document part is opened with its outer element and an empty ``w:body`` (styles, comments, numbering and
properties load as usual), and :func:`body_pieces` then parses the real XML incrementally, handing over
the body's children as each top-level paragraph or table completes and dropping them once used.

A document part whose body cannot be found in its bytes (UTF-16, an unusual layout) is parsed whole, as
before; :func:`streamed_xml` then returns None and the loader walks the tree.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.part import PartFactory
from docx.oxml.parser import parse_xml
from docx.parts.document import DocumentPart
from lxml import etree
from lxml.etree import _Element

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BODY = _W + "body"
#: Top-level body children whose end hands over what came before them (nested ones do not: their parent
#: is not the body).
_BLOCKS = tuple(_W + t for t in ("p", "tbl", "sdt", "customXml"))
_ROOT = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?document)[\s>/]")
_BODY_OPEN = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?body)(\s[^<>]*)?(/?)>")
_state = threading.local()


@contextmanager
def streamed() -> Iterator[None]:
    """Within this block, python-docx opens main document parts without parsing their body."""
    _state.on = True
    try:
        yield
    finally:
        _state.on = False


class _BodyLater(DocumentPart):
    """The main document part; while :func:`streamed` is active, its body is left for :func:`body_pieces`."""

    xml: bytes | None = None  # the part's XML, when its body was left out

    @classmethod
    def load(cls, partname: Any, content_type: str, blob: bytes, package: Any) -> DocumentPart:
        stub = _without_body(blob) if getattr(_state, "on", False) else None
        if stub is None:
            return DocumentPart.load(partname, content_type, blob, package)
        part = cls(partname, content_type, parse_xml(stub), package)
        part.xml = blob
        return part


PartFactory.part_type_for[CT.WML_DOCUMENT_MAIN] = _BodyLater


def _without_body(blob: bytes) -> bytes | None:
    """The document element up to its ``w:body`` start tag, closed there; None when that is not clear."""
    root, body = _ROOT.search(blob), _BODY_OPEN.search(blob)
    if root is None or body is None or body.start() < root.end() or body.group(3):
        return None
    return blob[: body.end()] + b"</" + body.group(1) + b"></" + root.group(1) + b">"


def streamed_xml(word: Any) -> bytes | None:
    """The XML of ``word``'s main document part when its body was left out, else None."""
    return getattr(word.part, "xml", None)


def body_pieces(xml: bytes) -> Iterator[list[_Element]]:
    """The ``w:body`` children in document order, in runs that end at a complete top-level paragraph or
    table (and the rest at the end); each run is dropped from memory after the caller has used it. Parse
    errors raise ``etree.XMLSyntaxError`` with libxml2's message, as a whole parse would."""
    # python-docx's parser options: blank text between elements dropped, no entities, no network
    events = etree.iterparse(io.BytesIO(xml), events=("end",), tag=_BLOCKS, remove_blank_text=True,
                             resolve_entities=False, no_network=True)
    body: _Element | None = None
    for _, el in events:
        parent = el.getparent()
        if parent is None or parent.tag != _BODY:
            continue
        body = parent
        done = []  # up to this element: the parser may already be inside a later one, incomplete
        for child in body:
            done.append(child)
            if child is el:
                break
        yield done
        for child in done:
            body.remove(child)
    root = events.root
    body = body if body is not None else root.find(_BODY) if root is not None else None
    if body is not None and len(body):
        yield list(body)
