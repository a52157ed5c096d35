"""Importing a review (JSON, or a .docx doccritic exported) restores the session on the open document.

Round trips keep every finding, status, reply and debate; an edited document moves the placements and
says what was lost; a review of another document, a plain Word file, or a broken file each get one
sentence. ``merge_into`` combines the session's findings with imported ones by the documented rule.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import docx
import pytest
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT

from conftest import SAMPLE
from doccritic.core.checks import run_checks
from doccritic.core.debates import Citation, Debate, Summary, SummaryPoint, Turn
from doccritic.core.errors import DoccriticError, LoadError
from doccritic.core.findings import Anchor, Finding, Kind, Raise, Reply, Review, Severity, Source, Status
from doccritic.formats import review_import
from doccritic.formats.docx import load_docx
from doccritic.formats.docx_export import export_docx
from doccritic.formats.loader import load_document
from doccritic.formats.markdown import parse_markdown
from doccritic.formats.review_import import (
    REVIEW_NS,
    merge_into,
    read_review_file,
    rebase,
    text_similarity,
)
from doccritic.formats.review_json import dumps, review_for, save_review

T0 = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)

# ---- helpers ---------------------------------------------------------------------------------------


def critic(text: str, quote: str, title: str = "Unsupported claim", *, persona: str = "staff-eng",
           kind: Kind = Kind.WEAK_ARGUMENT, **kw: object) -> Finding:
    """A critic finding placed exactly on the first occurrence of ``quote``."""
    start = text.index(quote)
    fields: dict[str, object] = {"source": Source.CRITIC, "persona": persona, "kind": kind,
                                 "severity": Severity.MAJOR, "title": title, "quote": quote, "start": start,
                                 "end": start + len(quote), "anchor": Anchor.EXACT, "rationale": "Why it matters.",
                                 "created_at": T0}
    fields.update(kw)
    return Finding.model_validate(fields)


def cite(text: str, quote: str) -> Citation:
    start = text.index(quote)
    return Citation(quote=quote, start=start, end=start + len(quote), anchor=Anchor.EXACT)


def debate_on(text: str, *quotes: str) -> dict[str, object]:
    d = Debate(motion="Auto-charge should ship on by default", pro="cfo", con="staff-eng", opener="cfo",
               rounds=1, model="claude-test", created_at=T0,
               turns=[Turn(index=1, speaker="cfo", side="for", text="It pays.", at=T0,
                           citations=[cite(text, q) for q in quotes[:1]]),
                      Turn(index=2, speaker="staff-eng", side="against", text="It is a one-way door.", at=T0,
                           citations=[cite(text, q) for q in quotes[1:]])],
               summary=Summary(verdict="Unresolved.", points=[SummaryPoint(
                   id="pt1", category="unresolved", text="Opt-in first.", citations=[cite(text, quotes[0])])]))
    return d.model_dump(mode="json")


def rich_review() -> tuple[object, Review]:
    """The sample PRD with checks, decided and replied critic findings, an ambiguous one and a debate."""
    doc = load_document(SAMPLE)
    text = doc.text
    checks = run_checks(doc).findings
    checks[0] = checks[0].model_copy(update={"status": Status.DISMISSED,
                                             "replies": [Reply(author="pm", text="Known.", at=T0)]})
    block = next(b for b in doc.blocks if len(b.text) > 80 and b.kind.is_prose)
    sentence = block.text[:60]
    a = critic(text, sentence, status=Status.ACCEPTED,
               replies=[Reply(author="pm", text="Fixing it.", at=T0),
                        Reply(author="staff-eng", text="Thanks.", at=T0 + timedelta(minutes=1))],
               also_raised_by=[Raise(persona="cfo", severity=Severity.CRITICAL, rationale="Money.",
                                     suggestion="Cut it.")])
    word = next(w for w in ("the", "and", "to") if text.count(f" {w} ") > 1)
    spans = []
    pos = text.find(f" {word} ")
    while pos >= 0 and len(spans) < 3:
        spans.append((pos + 1, pos + 1 + len(word)))
        pos = text.find(f" {word} ", pos + 1)
    ambiguous = Finding(source=Source.CRITIC, persona="cfo", kind=Kind.OPEN_QUESTION, severity=Severity.MINOR,
                        title="Which one?", quote=word, anchor=Anchor.AMBIGUOUS, candidates=spans, created_at=T0)
    whole = Finding(source=Source.CRITIC, persona="cfo", kind=Kind.OPEN_QUESTION, severity=Severity.MAJOR,
                    title="No rollback plan", anchor=Anchor.DOCUMENT, status=Status.DEFERRED, created_at=T0)
    review = review_for(doc, [*checks, a, ambiguous, whole])
    other = next(b for b in doc.blocks if b is not block and len(b.text) > 40 and b.kind.is_prose)
    review = review.model_copy(update={
        "debates": [debate_on(text, sentence, other.text[:30])],
        "runs": [{"kind": "critics", "at": T0.isoformat(), "model": "claude-test", "critics": [], "extra": 1}],
    })
    return doc, review


def assert_one_sentence(message: str) -> None:
    assert message and "\n" not in message and "Traceback" not in message, message
    assert message.rstrip(")”").endswith("."), message


# ---- round trips ---------------------------------------------------------------------------------------


def test_review_json_round_trip_on_the_same_document(tmp_path: Path) -> None:
    doc, review = rich_review()
    path = tmp_path / "review.json"
    save_review(review, path)
    back, warnings = rebase(read_review_file(path), doc)
    assert warnings == []
    assert back == review
    assert back.findings == review.findings  # statuses, replies, also_raised_by, candidates
    assert back.debates == review.debates and back.runs == review.runs


def test_docx_export_carries_the_whole_review(tmp_path: Path) -> None:
    doc, review = rich_review()
    out = export_docx(review, doc, tmp_path / "sample.docx")  # dismissed findings are not comments...
    back = read_review_file(out)
    assert back == review  # ...but the embedded review is the whole session
    assert dumps(back) == dumps(review)
    assert rebase(back, doc) == (review, [])


def test_docx_export_from_a_word_source_round_trips(corpus: Path, tmp_path: Path) -> None:
    doc = load_docx(corpus / "threaded-comments-12-with-replies.docx")
    block = next(b for b in doc.blocks if len(b.text) > 30)
    review = review_for(doc, [critic(doc.text, block.text[:25], status=Status.RESOLVED,
                                     replies=[Reply(author="pm", text="Done.", at=T0)])])
    out = export_docx(review, doc, tmp_path / "threaded.docx")
    assert read_review_file(out) == review
    reopened = load_document(out)  # the export is a document too, with the same text
    assert reopened.text == doc.text
    assert rebase(read_review_file(out), reopened)[0].findings == review.findings


def test_exporting_an_export_again_keeps_one_review(tmp_path: Path) -> None:
    doc, review = rich_review()
    first = export_docx(review, doc, tmp_path / "first.docx")
    reopened = load_document(first)
    again, _ = rebase(read_review_file(first), reopened)
    again = again.model_copy(update={"findings": [f.model_copy(update={"status": Status.RESOLVED})
                                                  for f in again.findings]})
    second = export_docx(again, reopened, tmp_path / "second.docx")
    word = docx.Document(str(second))
    items = [r.target_part for r in word.part.rels.values() if r.reltype == RT.CUSTOM_XML]
    assert sum(REVIEW_NS.encode() in p.blob for p in items) == 1
    assert read_review_file(second) == again


# ---- the document changed -----------------------------------------------------------------------------

V1 = """# Smart reminders

## Goals

Reminders go out three days before each invoice is due.

Auto-charge ships enabled by default for all existing accounts on launch day.

We expect late payments to fall by forty percent within one quarter.

## Rollout

The rollout reaches every region in the same week, with support staffed for launch.
"""
KEEP = "Reminders go out three days before each invoice is due."
GONE = "Auto-charge ships enabled by default for all existing accounts on launch day."
CHANGED = "We expect late payments to fall by forty percent within one quarter."
LAST = "The rollout reaches every region in the same week, with support staffed for launch."
V2 = (V1.replace("## Goals", "A short note added at the top by the PM after the review.\n\n## Goals")
      .replace(GONE + "\n\n", "")
      .replace("forty percent", "thirty percent"))


def edited_review() -> Review:
    doc = parse_markdown(V1, Path("prd.md"))
    text = doc.text
    decided_check = Finding(id="chk-decided", source=Source.CHECK, rule="weak.unquantified",
                            kind=Kind.WEAK_ARGUMENT, severity=Severity.MINOR, title="Vague", quote=LAST,
                            start=text.index(LAST), end=text.index(LAST) + len(LAST), anchor=Anchor.EXACT,
                            status=Status.ACCEPTED, created_at=T0)
    open_check = decided_check.model_copy(update={"id": "chk-open", "status": Status.OPEN})
    findings = [
        critic(text, KEEP, "Three days is a guess"),
        critic(text, GONE, "One-way door", kind=Kind.ONE_WAY_DOOR, id="gone"),
        critic(text, GONE, "Decided already", id="gone-decided", status=Status.DISMISSED),
        critic(text, CHANGED, "Where does forty come from?", id="changed"),
        Finding(id="doc", source=Source.CRITIC, persona="cfo", kind=Kind.OPEN_QUESTION, severity=Severity.MAJOR,
                title="No metrics section", anchor=Anchor.DOCUMENT, created_at=T0),
        decided_check, open_check,
    ]
    review = review_for(doc, findings)
    return review.model_copy(update={"debates": [debate_on(text, KEEP, GONE)]})


def check_edited(review: Review, warnings: list[str]) -> None:
    new = parse_markdown(V2, Path("prd.md")).text
    by_id = {f.id: f for f in review.findings}
    assert "chk-open" not in by_id and "chk-decided" in by_id  # undecided checks are recomputed
    for f in review.findings:
        if f.placed:
            assert new[f.start : f.end] == f.quote.replace("forty", "thirty"), f.title
    keep = next(f for f in review.findings if f.quote == KEEP)
    assert keep.start == new.index(KEEP) and keep.start != V1.index(KEEP) and keep.anchor is Anchor.EXACT
    assert by_id["chk-decided"].start == new.index(LAST)
    changed = by_id["changed"]
    assert changed.placed and changed.status is Status.OPEN
    assert new[changed.start : changed.end] == CHANGED.replace("forty", "thirty")
    gone = by_id["gone"]
    assert (gone.status, gone.anchor, gone.start, gone.end) == (Status.OUTDATED, Anchor.UNANCHORED, None, None)
    assert by_id["gone-decided"].status is Status.DISMISSED and not by_id["gone-decided"].placed
    assert by_id["doc"].anchor is Anchor.DOCUMENT
    assert review.document.text == new
    debate = Debate.model_validate(review.debates[0])
    assert debate.turns[0].citations[0].start == new.index(KEEP)
    assert not debate.turns[1].citations[0].placed
    assert debate.summary is not None and debate.summary.points[0].citations[0].start == new.index(KEEP)
    assert warnings[0] == ("The document changed since this review was exported: 2 of 6 findings could not be "
                           "placed again and are kept unplaced, the undecided ones listed as outdated.")
    assert any("1 offline-check finding without a decision or reply was left out" in w for w in warnings)
    assert any(w == "1 of 3 passages quoted in debates could not be placed again." for w in warnings)
    for w in warnings:
        assert_one_sentence(w)


def test_rebase_on_an_edited_document_moves_and_outdates(tmp_path: Path) -> None:
    review = edited_review()
    save_review(review, tmp_path / "prd.review.json")
    rebased, warnings = rebase(read_review_file(tmp_path / "prd.review.json"), parse_markdown(V2, Path("prd.md")))
    check_edited(rebased, warnings)


def test_docx_import_onto_an_edited_document(tmp_path: Path) -> None:
    review = edited_review()
    out = export_docx(review, parse_markdown(V1, Path("prd.md")), tmp_path / "prd-reviewed.docx")
    rebased, warnings = rebase(read_review_file(out), parse_markdown(V2, Path("prd.md")))
    check_edited(rebased, warnings)


def test_only_open_findings_lost_say_outdated() -> None:
    review = edited_review()
    review = review.model_copy(update={"findings": [f for f in review.findings if f.id != "gone-decided"]})
    _, warnings = rebase(review, parse_markdown(V2, Path("prd.md")))
    assert warnings[0] == ("The document changed since this review was exported: 1 of 5 findings could not be "
                           "placed again and is listed as outdated.")


def test_every_finding_placed_again_is_said_too() -> None:
    review = edited_review()
    review = review.model_copy(update={"findings": [f for f in review.findings if f.id.startswith("chk")]})
    _, warnings = rebase(review, parse_markdown(V2, Path("prd.md")))
    assert warnings[0] == "The document changed since this review was exported; the finding was placed again."


def test_the_imported_exported_docx_as_the_document(tmp_path: Path) -> None:
    """Open the Word file exported from Markdown as the document, and import its own review onto it."""
    doc, review = rich_review()
    out = export_docx(review, doc, tmp_path / "sample-reviewed.docx")
    word_doc = load_document(out)
    rebased, warnings = rebase(read_review_file(out), word_doc)
    assert rebased.document.path == str(out) and rebased.document.fingerprint == word_doc.fingerprint
    critics = [f for f in rebased.findings if f.source is Source.CRITIC and f.placed]
    assert critics and all(word_doc.text[f.start : f.end].strip() for f in critics)
    assert warnings and all(isinstance(w, str) for w in warnings)


# ---- another document -----------------------------------------------------------------------------------


def test_a_review_of_another_document_is_refused(corpus: Path, tmp_path: Path) -> None:
    adr = load_document(corpus / "adr-022-use-amazon-eks.md")
    block = next(b for b in adr.blocks if len(b.text) > 60)
    review = review_for(adr, [critic(adr.text, block.text[:40])])
    save_review(review, tmp_path / "eks.json")
    kep = load_document(corpus / "kep-3619-fine-grained-supplemental-groups.md")
    with pytest.raises(DoccriticError) as err:
        rebase(read_review_file(tmp_path / "eks.json"), kep)
    assert str(err.value) == ("This review belongs to another document, adr-022-use-amazon-eks.md (“EKS”); "
                              "open that document to import it.")
    assert_one_sentence(str(err.value))


def test_same_name_is_the_same_document_even_when_rewritten(corpus: Path) -> None:
    adr = load_document(corpus / "adr-022-use-amazon-eks.md")
    review = review_for(adr, [critic(adr.text, "Use Amazon EKS for running the main cluster")])
    kep = load_document(corpus / "kep-3619-fine-grained-supplemental-groups.md")
    kep.path = Path("elsewhere/adr-022-use-amazon-eks.md")
    rebased, warnings = rebase(review, kep)
    assert [f.status for f in rebased.findings] == [Status.OUTDATED]
    assert any("shares little text" in w for w in warnings)


def test_similar_text_but_no_finding_placed_again_is_another_document() -> None:
    boilerplate = "\n\n".join(f"Section {i} follows the team template for every product proposal we write."
                              for i in range(12))
    mine = f"# Alpha\n\n{boilerplate}\n\nAlpha bills monthly.\n\nAlpha stores cards.\n\nAlpha emails receipts.\n"
    theirs = f"# Beta\n\n{boilerplate}\n\nBeta ships weekly.\n\nBeta tracks usage.\n\nBeta pings owners.\n"
    assert text_similarity(mine, theirs) >= review_import.MIN_SIMILARITY
    review = review_for(parse_markdown(mine, Path("alpha.md")),
                        [critic(mine, q) for q in ("Alpha bills monthly.", "Alpha stores cards.",
                                                   "Alpha emails receipts.")])
    with pytest.raises(DoccriticError, match=r"belongs to another document, alpha\.md"):
        rebase(review, parse_markdown(theirs, Path("beta.md")))
    rebased, _ = rebase(review, parse_markdown(theirs, Path("alpha.md")))  # same name: kept, outdated
    assert all(f.status is Status.OUTDATED for f in rebased.findings)


def test_text_similarity_is_markup_blind_and_low_for_unrelated_texts(corpus: Path, tmp_path: Path) -> None:
    doc = load_document(SAMPLE)
    out = export_docx(review_for(doc, []), doc, tmp_path / "s.docx")
    assert text_similarity(doc.text, load_document(out).text) > 0.9
    eks = load_document(corpus / "adr-022-use-amazon-eks.md").text
    assert text_similarity(doc.text, eks) < 0.1
    assert text_similarity("", "") == 1.0


# ---- files that are not reviews ------------------------------------------------------------------------


def test_a_plain_word_file_is_not_a_review(corpus: Path) -> None:
    with pytest.raises(DoccriticError) as err:
        read_review_file(corpus / "lab-method-tracked-revisions-tables.docx")
    assert str(err.value) == ("lab-method-tracked-revisions-tables.docx was not exported by doccritic (it has no "
                              "embedded review); open it as a document instead.")


@pytest.mark.parametrize("content", [b"{not json", b"", b'{"schema": "other/9"}', b'{"schema": "doccritic.review/1"}',
                                     b"\xff\xfe\x00garbage"])
def test_corrupt_json_is_one_sentence(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    with pytest.raises(LoadError) as err:
        read_review_file(path)
    assert "broken.json" in str(err.value)
    assert_one_sentence(str(err.value))


def test_truncated_and_broken_docx_are_one_sentence(corpus: Path, tmp_path: Path) -> None:
    doc, review = rich_review()
    data = export_docx(review, doc, tmp_path / "whole.docx").read_bytes()
    cases = {"half.docx": data[: len(data) // 2], "tail.docx": data[:-30], "empty.docx": b"",
             "text.docx": b"hello, not a zip"}
    for name, blob in cases.items():
        (tmp_path / name).write_bytes(blob)
    shutil.copyfile(corpus / "BROKEN-truncated-real-world-bug62886.docx", tmp_path / "bug.docx")
    for name in [*cases, "bug.docx"]:
        with pytest.raises(LoadError) as err:
            read_review_file(tmp_path / name)
        assert name in str(err.value)
        assert_one_sentence(str(err.value))
    with pytest.raises(LoadError, match="no such file"):
        read_review_file(tmp_path / "missing.docx")


def test_a_damaged_embedded_review_is_one_sentence(tmp_path: Path) -> None:
    doc, review = rich_review()
    good = export_docx(review, doc, tmp_path / "good.docx")
    for name, mangle in (("badjson.docx", lambda s: s.replace(b'{"schema"', b'{"schema" oops', 1)),
                         ("badxml.docx", lambda s: s.replace(b"</review>", b"</revi"))):
        with zipfile.ZipFile(good) as src, zipfile.ZipFile(tmp_path / name, "w") as dst:
            for info in src.infolist():
                blob = src.read(info)
                dst.writestr(info, mangle(blob) if REVIEW_NS.encode() in blob[:500] else blob)
        with pytest.raises(LoadError) as err:
            read_review_file(tmp_path / name)
        assert f"Cannot read the review embedded in {name}" in str(err.value)
        assert_one_sentence(str(err.value))


def test_size_limits_apply(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc, review = rich_review()
    out = export_docx(review, doc, tmp_path / "big.docx")
    monkeypatch.setattr(review_import, "MAX_DOCX_BYTES", 1000)
    with pytest.raises(LoadError, match=r"over the .* limit"):
        read_review_file(out)


def test_review_json_under_another_suffix_is_read(tmp_path: Path) -> None:
    doc, review = rich_review()
    save_review(review, tmp_path / "review.txt")
    shutil.copyfile(export_docx(review, doc, tmp_path / "x.docx"), tmp_path / "export.bin")
    assert read_review_file(tmp_path / "review.txt") == review
    assert read_review_file(tmp_path / "export.bin") == review


# ---- the exported package stays a good Word file ------------------------------------------------------


def test_export_with_embedded_review_is_a_sound_word_package(tmp_path: Path) -> None:
    doc, review = rich_review()
    out = export_docx(review, doc, tmp_path / "sample.docx")
    word = docx.Document(str(out))  # python-docx opens it
    assert load_document(out).text  # and so does doccritic's loader
    rels = [r for r in word.part.rels.values() if r.reltype == RT.CUSTOM_XML]
    ours = [r.target_part for r in rels if REVIEW_NS.encode() in r.target_part.blob]
    assert len(ours) == 1
    item = ours[0]
    assert str(item.partname).startswith("/customXml/item") and item.content_type == CT.XML
    props = [r.target_part for r in item.rels.values() if r.reltype == RT.CUSTOM_XML_PROPS]
    assert len(props) == 1 and props[0].content_type == CT.OFC_CUSTOM_XML_PROPERTIES
    assert b"ds:itemID=\"{" in props[0].blob and REVIEW_NS.encode() in props[0].blob
    assert item.blob.isascii()  # every character escaped in the JSON: legal XML whatever the text holds
    with zipfile.ZipFile(out) as z:
        assert z.testzip() is None
        types = z.read("[Content_Types].xml").decode()
        number = str(item.partname).removeprefix("/customXml/item").removesuffix(".xml")
        assert f'PartName="/customXml/itemProps{number}.xml"' in types
        assert 'Extension="xml" ContentType="application/xml"' in types


def test_text_no_xml_reader_accepts_is_still_embedded(tmp_path: Path) -> None:
    """Form feeds, noncharacters and lone surrogates are legal in a review's text but not in XML."""
    text = "# Odd\n\nForm\x0cfeed and \ufffe and a lone \ud800 surrogate.\n\nA normal line here.\n"
    doc = parse_markdown(text, Path("odd.md"))
    review = review_for(doc, [critic(doc.text, "A normal line here.")])
    word = docx.Document()
    review_import.embed_review(word, review)
    buffer = io.BytesIO()
    word.save(buffer)
    out = tmp_path / "odd.docx"
    out.write_bytes(buffer.getvalue())
    assert read_review_file(out) == review


def test_libreoffice_converts_an_export_with_the_embedded_review(tmp_path: Path) -> None:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer")
    doc, review = rich_review()
    out = export_docx(review, doc, tmp_path / "embedded.docx")
    profile = (tmp_path / "profile").as_uri()
    done = subprocess.run([exe, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(tmp_path), str(out)], capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "embedded.pdf").read_bytes().startswith(b"%PDF")


# ---- merge_into -----------------------------------------------------------------------------------------

TEXT = "Auto-charge ships on for everyone. Reminders go out three days early. Nobody asked users."


def test_merge_same_id_imported_decision_and_replies_win() -> None:
    mine = critic(TEXT, "Auto-charge ships on for everyone.", id="a",
                  replies=[Reply(author="pm", text="Looking.", at=T0)])
    theirs = mine.model_copy(update={"status": Status.ACCEPTED, "replies": [
        Reply(author="pm", text="Looking.", at=T0), Reply(author="cfo", text="Agreed.", at=T0 + timedelta(hours=1))],
        "also_raised_by": [Raise(persona="cfo", severity=Severity.MINOR)]})
    [merged] = merge_into([mine], [theirs])
    assert merged.status is Status.ACCEPTED
    assert [r.text for r in merged.replies] == ["Looking.", "Agreed."]
    assert [r.persona for r in merged.also_raised_by] == ["cfo"]


def test_merge_same_id_open_import_never_undoes_a_session_decision() -> None:
    mine = critic(TEXT, "Auto-charge ships on for everyone.", id="a", status=Status.DISMISSED)
    theirs = mine.model_copy(update={"status": Status.OPEN})
    outdated = mine.model_copy(update={"status": Status.OUTDATED, "start": None, "end": None,
                                       "anchor": Anchor.UNANCHORED})
    assert merge_into([mine], [theirs])[0].status is Status.DISMISSED
    assert merge_into([mine], [outdated]) == [mine]


def test_merge_same_id_keeps_the_session_placement_unless_it_has_none() -> None:
    placed = critic(TEXT, "Reminders go out three days early.", id="b")
    lost = placed.model_copy(update={"start": None, "end": None, "anchor": Anchor.UNANCHORED,
                                     "status": Status.OUTDATED})
    assert merge_into([placed], [lost]) == [placed]
    [back] = merge_into([lost], [placed])
    assert (back.start, back.end, back.status) == (placed.start, placed.end, Status.OPEN)


def test_merge_same_problem_from_another_id_joins_the_card() -> None:
    card = critic(TEXT, "Auto-charge ships on for everyone.", id="mine", persona="staff-eng")
    dup = critic(TEXT, "Auto-charge ships on for everyone.", id="theirs", persona="cfo", status=Status.DEFERRED,
                 severity=Severity.CRITICAL, replies=[Reply(author="pm", text="Later.", at=T0)])
    [merged] = merge_into([card], [dup])
    assert merged.id == "mine" and merged.status is Status.DEFERRED and merged.severity is Severity.CRITICAL
    assert [r.persona for r in merged.also_raised_by] == ["cfo"]
    assert [r.text for r in merged.replies] == ["Later."]
    undecided = dup.model_copy(update={"status": Status.OPEN})
    accepted = card.model_copy(update={"status": Status.ACCEPTED})
    assert merge_into([accepted], [undecided])[0].status is Status.ACCEPTED


def test_merge_adds_new_findings_in_document_order_and_keeps_imported_cards_apart() -> None:
    first = critic(TEXT, "Auto-charge ships on for everyone.", id="x")
    last = critic(TEXT, "Nobody asked users.", id="z", kind=Kind.CHALLENGED_ASSUMPTION)
    middle = critic(TEXT, "Reminders go out three days early.", id="y")
    merged = merge_into([last], [middle, first])
    assert [f.id for f in merged] == ["x", "y", "z"]
    # The import carries "x" and a same-problem "x2": the card "x" is not a merge target, so both stay.
    twin = critic(TEXT, "Auto-charge ships on for everyone.", id="x2", persona="cfo")
    assert [f.id for f in merge_into([first], [first, twin])] == ["x", "x2"]
    checks = [f.model_copy(update={"source": Source.CHECK, "persona": None, "id": f"chk-{f.id}"})
              for f in (first, middle)]
    assert len(merge_into(checks[:1], checks[1:] + checks[:1])) == 2  # checks merge by id only
