"""Re-exporting onto a .docx doccritic exported: its own comments are replaced, everyone else's kept.

A file doccritic exported carries the review it was made from (:mod:`doccritic.formats.review_import`).
A comment is doccritic's when its first paragraph is the heading doccritic writes for one of those
findings ("Weak argument · major: <title>"), or when it replies to such a comment with the text of one
of that finding's replies. Those comments, their range marks, reference runs and thread entries go;
a colleague's comment, or a colleague's reply in a doccritic thread, stays.
"""

from __future__ import annotations

from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

from doccritic.core.errors import DoccriticError
from doccritic.formats.export_common import note_for
from doccritic.formats.review_import import embedded_review
from doccritic.formats.review_json import loads

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
_W15 = "{http://schemas.microsoft.com/office/word/2012/wordml}"
_RT_COMMENTS_EXT = "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def drop_own_comments(word: Any) -> int:
    """Remove the comments an earlier doccritic export wrote into ``word``; how many were removed."""
    try:
        text = embedded_review(word)
        review = loads(text) if text is not None else None
    except DoccriticError:
        return 0  # an unreadable embedded review: keep every comment rather than guess
    comments = _comments_root(word)
    if review is None or comments is None:
        return 0
    headings = {note_for(f).heading for f in review.findings}
    replies = {r.text.split("\n")[0].strip() for f in review.findings for r in f.replies}
    parents = _thread_parents(word)
    own_paras: set[str] = set()
    own: set[str] = set()
    for comment in comments.findall(f"{_W}comment"):
        paras = comment.findall(f"{_W}p")
        first = "".join(t.text or "" for t in paras[0].iter(f"{_W}t")).strip() if paras else ""
        para_id = paras[-1].get(f"{_W14}paraId") if paras else None
        reply_to_own = para_id is not None and parents.get(para_id) in own_paras
        if first in headings or (reply_to_own and first in replies):
            own.add(comment.get(f"{_W}id") or "")
            if para_id:
                own_paras.add(para_id)
            comments.remove(comment)
    if own:
        _remove_marks(word.element.body, own)
        _drop_thread_entries(word, own_paras)
    return len(own)


def _comments_root(word: Any) -> Any:
    try:
        return word.part.part_related_by(RT.COMMENTS).element
    except KeyError:
        return None


def _thread_parents(word: Any) -> dict[str, str]:
    """paraId of a reply's last paragraph -> paraId of its parent's (commentsExtended)."""
    root = _extended_root(word)[0]
    if root is None:
        return {}
    return {e.get(f"{_W15}paraId"): e.get(f"{_W15}paraIdParent") for e in root.iter(f"{_W15}commentEx")
            if e.get(f"{_W15}paraIdParent")}


def _extended_root(word: Any) -> tuple[Any, Any]:
    rel = next((r for r in word.part.rels.values() if r.reltype == _RT_COMMENTS_EXT and not r.is_external), None)
    if rel is None:
        return None, None
    part = rel.target_part
    element = getattr(part, "element", None)
    if element is not None:
        return element, part
    try:
        return etree.fromstring(part.blob, _SAFE_PARSER), part
    except etree.XMLSyntaxError:
        return None, None


def _drop_thread_entries(word: Any, para_ids: set[str]) -> None:
    root, part = _extended_root(word)
    if root is None:
        return
    for entry in list(root.iter(f"{_W15}commentEx")):
        if entry.get(f"{_W15}paraId") in para_ids:
            entry.getparent().remove(entry)
    if getattr(part, "element", None) is None:  # a plain part: write the edited XML back
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _remove_marks(body: Any, ids: set[str]) -> None:
    """Range marks and reference runs of the removed comments (a run that only carries a reference goes)."""
    for tag in ("commentRangeStart", "commentRangeEnd"):
        for mark in list(body.iter(f"{_W}{tag}")):
            if mark.get(f"{_W}id") in ids:
                mark.getparent().remove(mark)
    for ref in list(body.iter(f"{_W}commentReference")):
        if ref.get(f"{_W}id") in ids:
            run = ref.getparent()
            holder = run if run.tag == f"{_W}r" and not run.findall(f"{_W}t") else ref
            holder.getparent().remove(holder)
