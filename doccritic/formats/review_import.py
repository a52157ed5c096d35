"""Import a review (review JSON, or a .docx doccritic exported) and restore it on the open document.

**Reading.** A ``.json`` file is review JSON v1 (:func:`~doccritic.formats.review_json.load_review`). A
``.docx`` exported by doccritic carries the whole review it was made from (findings with their statuses
and replies, debates, runs) in a Custom XML data-store part: ``/customXml/itemN.xml``, related from the
main document part with the standard ``customXml`` relationship and described by an ``itemPropsN.xml``
part, the one mechanism for private data that Word keeps when it saves the file again and that
LibreOffice round-trips too. Its root is ``<review xmlns="https://doccritic.dev/ns/review-1">`` holding
the review JSON as text, ASCII-only (``\\uXXXX`` escapes keep every character legal in XML) and cut into
``<chunk>`` elements of at most 64 KB so no XML reader meets a huge text node. A .docx without that part
is a document, not a review: :func:`read_review_file` says to open it as one.

**Rebasing** (:func:`rebase`). A review holds the text its offsets point into, so it can be placed on
whatever version of the document is open: the same text keeps everything as it is; a changed text
re-anchors every finding (:func:`~doccritic.core.anchoring.reanchor`: what cannot be found again is kept,
unplaced, open ones marked ``outdated``) and every debate citation, drops check findings nobody
decided on or replied to (the checks recompute them on the current text), and works the decision register
out again on the moved findings, keeping the PM's edits (rows whose findings were dropped wait, dormant,
for the checks to find them again).

The review belongs to **another document** (an error, nothing is imported) when the texts differ, the
file names differ (stems, case-insensitive; a review or document without a path counts as differently
named), and either the texts share fewer than 40% of their word trigrams (Dice coefficient over the sets
of three-word sequences: linear time even for long documents, markup-blind, ~0.0-0.3 between unrelated
documents of the corpus, 0.77-0.99 between a Markdown file and the Word file exported from it), or at
least three findings were placed on the review's text and none of them can be placed on the open one.

**Merging** (:func:`merge_into`) combines the session's findings with imported ones; its docstring has
the rule.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from pathlib import Path
from typing import Any

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from lxml import etree
from pydantic import ValidationError
from pydantic_core import PydanticSerializationError

from doccritic.core.anchoring import reanchor
from doccritic.core.debates import Debate, replace_citations
from doccritic.core.document import Document
from doccritic.core.errors import ErrorKind, LoadError
from doccritic.core.findings import Anchor, Finding, Raise, Reply, Review, Source, Status
from doccritic.core.merge import find_duplicate, merge
from doccritic.core.register import refresh
from doccritic.core.rounds import with_text
from doccritic.formats.ooxml import open_word
from doccritic.formats.review_json import load_review, loads, review_for
from doccritic.formats.textio import MAX_DOCX_BYTES, MAX_TEXT_BYTES, read_bytes

__all__ = ["REVIEW_NS", "embed_review", "embedded_review", "merge_into", "read_review_file", "rebase"]

#: Namespace of the root element of the embedded review part.
REVIEW_NS = "https://doccritic.dev/ns/review-1"
_DS = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
_CHUNK = 64 * 1024
_MAX_REVIEW_BYTES = MAX_TEXT_BYTES * 4  # as load_review
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
_WORD = re.compile(r"\w+")
_DECISIONS = frozenset({Status.ACCEPTED, Status.DISMISSED, Status.DEFERRED, Status.RESOLVED})

#: Below this share of word trigrams two texts are unlike (see the module docstring).
MIN_SIMILARITY = 0.4
#: With at least this many placed findings, "none can be placed again" means another document.
MIN_PLACED_EVIDENCE = 3


# ---- reading ---------------------------------------------------------------------------------------------


def read_review_file(path: Path) -> Review:
    """The review in ``path``: review JSON, or the review embedded in a .docx doccritic exported.

    Any problem is a :class:`LoadError` with one sentence; a .docx that carries no review says to open
    it as a document instead.
    """
    path = Path(path)
    name = path.name or str(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        return load_review(path)
    data = read_bytes(path, MAX_DOCX_BYTES if suffix == ".docx" else max(MAX_DOCX_BYTES, _MAX_REVIEW_BYTES))
    if suffix != ".docx" and not data.startswith(b"PK"):  # anything else: review JSON under another name
        if len(data) > _MAX_REVIEW_BYTES:
            raise LoadError(f"Cannot read {name}: it is too large for a review.", ErrorKind.TOO_LARGE)
        return loads(data, name)
    word = open_word(data, name)
    text = embedded_review(word, name)
    if text is None:
        raise LoadError(f"{name} was not exported by doccritic (it has no embedded review); "
                        "open it as a document instead.", ErrorKind.UNSUPPORTED)
    return loads(text, f"the review embedded in {name}")


def embedded_review(word: Any, name: str = "the document") -> str | None:
    """The review JSON embedded in an open python-docx document, or None when there is none."""
    for part in _review_parts(word):
        blob = part.blob
        if len(blob) > _MAX_REVIEW_BYTES:
            raise LoadError(f"Cannot read the review embedded in {name}: it is too large.", ErrorKind.TOO_LARGE)
        root = _parse(blob)
        if root is None:
            raise LoadError(f"Cannot read the review embedded in {name}: it is damaged.", ErrorKind.CORRUPT)
        return "".join(chunk.text or "" for chunk in root.iter(f"{{{REVIEW_NS}}}chunk"))
    return None


def _parse(blob: bytes) -> Any:
    try:
        return etree.fromstring(blob, _SAFE_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None


def _review_parts(word: Any) -> list[Part]:
    """The custom XML items of the main document part whose root is a doccritic review."""
    found = []
    for rel in list(word.part.rels.values()):
        if rel.reltype != RT.CUSTOM_XML or rel.is_external:
            continue
        blob = getattr(rel.target_part, "blob", b"") or b""
        if REVIEW_NS.encode() not in blob[:1024]:  # cheap test before parsing anything large
            continue
        root = _parse(blob)
        if root is None or root.tag == f"{{{REVIEW_NS}}}review":
            found.append(rel.target_part)
    return found


# ---- embedding (used by the DOCX exporter) ---------------------------------------------------------------


def embed_review(word: Any, review: Review) -> None:
    """Store ``review`` in ``word`` as a Custom XML item, replacing one an earlier export left there."""
    stale = _review_parts(word)
    for rel in list(word.part.rels.values()):
        if rel.reltype == RT.CUSTOM_XML and not rel.is_external and rel.target_part in stale:
            word.part.drop_rel(rel.rId)
    try:
        payload = _ascii_json(review.model_dump_json())
    except PydanticSerializationError:  # a lone surrogate in the text: only the Python encoder writes it
        payload = json.dumps(review.model_dump(mode="json"), ensure_ascii=True, separators=(",", ":"))
    root = etree.Element(f"{{{REVIEW_NS}}}review", nsmap={None: REVIEW_NS})
    root.set("schema", review.schema)
    for i in range(0, len(payload), _CHUNK):
        etree.SubElement(root, f"{{{REVIEW_NS}}}chunk").text = payload[i : i + _CHUNK]
    item_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{REVIEW_NS}#{hashlib.sha256(payload.encode()).hexdigest()}")
    props = etree.Element(f"{{{_DS}}}datastoreItem", nsmap={"ds": _DS})
    props.set(f"{{{_DS}}}itemID", "{" + str(item_id).upper() + "}")
    refs = etree.SubElement(props, f"{{{_DS}}}schemaRefs")
    etree.SubElement(refs, f"{{{_DS}}}schemaRef").set(f"{{{_DS}}}uri", REVIEW_NS)
    package = word.part.package
    used = {str(p.partname) for p in package.iter_parts()}
    n = next(n for n in range(1, len(used) + 2)
             if f"/customXml/item{n}.xml" not in used and f"/customXml/itemProps{n}.xml" not in used)
    item = Part(PackURI(f"/customXml/item{n}.xml"), CT.XML, _xml(root), package)
    item.relate_to(Part(PackURI(f"/customXml/itemProps{n}.xml"), CT.OFC_CUSTOM_XML_PROPERTIES, _xml(props),
                        package), RT.CUSTOM_XML_PROPS)
    word.part.relate_to(item, RT.CUSTOM_XML)


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _ascii_json(text: str) -> str:
    """Compact JSON with every non-ASCII character as a ``\\u`` escape, as ``json.dumps`` writes it; pydantic
    serializes in Rust, a third of the time of dumping to Python objects and then to JSON."""
    return _NON_ASCII.sub(lambda m: json.dumps(m.group())[1:-1], text)


def _xml(root: Any) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=False)


# ---- rebasing --------------------------------------------------------------------------------------------


def rebase(review: Review, doc: Document) -> tuple[Review, list[str]]:
    """``review`` placed on ``doc`` (the document now open), and one sentence per thing worth telling.

    Raises :class:`LoadError` when the review belongs to another document (see the module docstring).
    """
    info = review_for(doc, []).document
    old, new = review.document.text, doc.text
    if old == new:
        same = review if review.document == info else review.model_copy(update={"document": info})
        return same, []
    kept = [f for f in review.findings if f.source is not Source.CHECK or _decided(f) or f.replies]
    dropped = len(review.findings) - len(kept)
    had = [f.placed or bool(f.candidates) for f in kept]
    moved = [reanchor(f, old, new) for f in kept]
    lost = [m for m, before in zip(moved, had, strict=True) if before and m.anchor is Anchor.UNANCHORED]
    similarity = text_similarity(old, new)
    if not _same_name(review, doc) and (
        similarity < MIN_SIMILARITY or (sum(had) >= MIN_PLACED_EVIDENCE and len(lost) == sum(had))
    ):
        raise LoadError(f"This review belongs to another document, {_describe(review)}; open that document "
                        "to import it.", ErrorKind.INVALID)
    debates, quoted, unplaced, unread = _rebase_debates(review.debates, new)
    warnings = [_placement_warning(len(moved), lost)]
    if similarity < MIN_SIMILARITY:
        warnings.append(f"The open document shares little text with the version of {_describe(review)} "
                        "this review was made on.")
    if dropped:
        warnings.append(f"{_count(dropped, 'offline-check finding')} without a decision or reply "
                        f"{'was' if dropped == 1 else 'were'} left out: the checks are recomputed on the current "
                        "text.")
    if unplaced:
        warnings.append(f"{unplaced} of {_count(quoted, 'passage')} quoted in debates could not be placed again.")
    if unread:
        warnings.append(f"{_count(unread, 'debate')} could not be read, so "
                        f"{'its' if unread == 1 else 'their'} quotes were not placed again.")
    findings = sorted(moved, key=Finding.sort_key)
    rounds = with_text(review.rounds, old)  # the last round's text: the next round's changes start from it
    rebased = review.model_copy(update={"document": info, "findings": findings, "debates": debates,
                                        "rounds": rounds})
    return refresh(rebased) if review.decisions or review.assumptions else rebased, warnings


def text_similarity(a: str, b: str) -> float:
    """Share of word trigrams the two texts have in common (Dice coefficient, 0..1; 1 for two empty texts)."""
    ta, tb = _trigrams(a), _trigrams(b)
    if not ta and not tb:
        return 1.0
    return 2 * len(ta & tb) / (len(ta) + len(tb))


def _trigrams(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.casefold())
    if len(words) < 3:
        return {tuple(words)} if words else set()
    return set(zip(words, words[1:], words[2:], strict=False))


def _decided(finding: Finding) -> bool:
    return finding.status in _DECISIONS


def _same_name(review: Review, doc: Document) -> bool:
    if not review.document.path or doc.path is None:
        return False
    return _stem(review.document.path) == doc.path.stem.casefold()


def _stem(path: str) -> str:
    return Path(path.replace("\\", "/")).stem.casefold()


def _describe(review: Review) -> str:
    path = review.document.path
    name = Path(path.replace("\\", "/")).name if path else ""
    title = " ".join(review.document.title.split())
    if name and title and Path(name).stem != title:
        return f"{name} (“{title}”)"
    return name or (f"“{title}”" if title else "an unsaved document")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _placement_warning(total: int, lost: list[Finding]) -> str:
    head = "The document changed since this review was exported"
    if not total:
        return f"{head}."
    if not lost:
        return f"{head}; the finding was placed again." if total == 1 else f"{head}; all {total} findings were " \
            "placed again."
    verb = "is" if len(lost) == 1 else "are"
    tail = (f"{verb} listed as outdated" if all(f.status is Status.OUTDATED for f in lost)
            else f"{verb} kept unplaced, the undecided ones listed as outdated")
    return f"{head}: {len(lost)} of {_count(total, 'finding')} could not be placed again and {tail}."


def _rebase_debates(debates: list[dict[str, Any]], text: str) -> tuple[list[dict[str, Any]], int, int, int]:
    """The debates with their citations placed on ``text``; how many citations, how many lost, how many
    debates could not be read (kept as they were)."""
    out: list[dict[str, Any]] = []
    quoted = unplaced = unread = 0
    for raw in debates:
        try:
            debate = Debate.model_validate(raw)
        except ValidationError:
            out.append(raw)
            unread += 1
            continue
        again = replace_citations(debate, text)
        before = _citations(debate)
        after = _citations(again)
        quoted += sum(1 for c in before if c.placed)
        unplaced += sum(1 for b, a in zip(before, after, strict=True) if b.placed and not a.placed)
        out.append(again.model_dump(mode="json"))
    return out, quoted, unplaced, unread


def _citations(debate: Debate) -> list[Any]:
    points = debate.summary.points if debate.summary is not None else []
    clashes = debate.summary.clashes if debate.summary is not None else []
    return ([c for t in debate.turns for c in t.citations] + [c for p in points for c in p.citations]
            + [c for k in clashes for c in k.citations])


# ---- merging ---------------------------------------------------------------------------------------------


def merge_into(existing: list[Finding], imported: list[Finding]) -> list[Finding]:
    """The session's findings combined with imported ones (both placed on the same text), in document order.

    - **Same id**: one finding. The session's placement stays (the imported one is used only when the
      session's is not placed); an imported *decision* (accepted, dismissed, deferred, resolved) replaces
      the session's status, an imported ``open`` or ``outdated`` never undoes a session decision, and
      with no decision on either side the status goes with the placement kept; replies are the union of
      both (same author, text and time counted once), oldest first, and so are the other critics on the
      card (``also_raised_by``, by persona).
    - **Same problem, different id** (:func:`doccritic.core.merge.find_duplicate`: critic findings on
      overlapping spans saying the same thing): the imported finding joins the session's card with
      :func:`doccritic.core.merge.merge` (its critic added to ``also_raised_by``, the worse severity
      wins), bringing its replies and other critics along, and its status if that is a decision. Only
      session cards the import does not itself carry are candidates, so two cards the imported review
      kept apart stay apart.
    - Anything else is added as it is.
    """
    by_id = {f.id: i for i, f in enumerate(existing)}
    imported_ids = {f.id for f in imported}
    result = list(existing)
    targets = [i for i, f in enumerate(existing) if f.id not in imported_ids]
    for new in imported:
        if new.id in by_id:
            i = by_id[new.id]
            result[i] = _same_id(result[i], new)
            continue
        card = find_duplicate([result[i] for i in targets], new)
        if card is None:
            by_id[new.id] = len(result)
            result.append(new)
            continue
        i = next(i for i in targets if result[i] is card)
        result[i] = _absorb(merge(card, new), new)
    return sorted(result, key=Finding.sort_key)


def _same_id(mine: Finding, theirs: Finding) -> Finding:
    base = theirs if theirs.placed and not mine.placed else mine
    status = theirs.status if _decided(theirs) else mine.status if _decided(mine) else base.status
    update: dict[str, Any] = {
        "status": status,
        "replies": _replies(mine.replies, theirs.replies),
        "also_raised_by": _raises(mine.also_raised_by, theirs.also_raised_by, base.persona),
    }
    return base.model_copy(update=update)


def _absorb(card: Finding, new: Finding) -> Finding:
    update: dict[str, Any] = {
        "replies": _replies(card.replies, new.replies),
        "also_raised_by": _raises(card.also_raised_by, new.also_raised_by, card.persona),
    }
    if _decided(new):
        update["status"] = new.status
    return card.model_copy(update=update)


def _replies(a: list[Reply], b: list[Reply]) -> list[Reply]:
    seen: dict[tuple[str, str, Any], Reply] = {}
    for reply in [*a, *b]:
        seen.setdefault((reply.author, reply.text, reply.at), reply)
    return sorted(seen.values(), key=lambda r: r.at)


def _raises(a: list[Raise], b: list[Raise], first: str | None) -> list[Raise]:
    out: dict[str, Raise] = {}
    for r in [*a, *b]:
        if r.persona != first:
            out.setdefault(r.persona, r)
    return list(out.values())
