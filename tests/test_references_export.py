"""References, the author's intent and citations in every export, and back through import.

Each format lists the references (by id, with the file and who read it) and the intent in its appendix, and a
finding's note says which reference passage it cites and which stated decision it challenges. The JSON and
the review embedded in a Word export carry them whole, so importing either restores them.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import SAMPLE
from doccritic.core.findings import Anchor, Finding, Kind, Severity, Source
from doccritic.core.references import Intent, Reference, cite
from doccritic.formats.export import ExportOptions, export_review
from doccritic.formats.loader import load_document
from doccritic.formats.review_import import read_review_file
from doccritic.formats.review_json import dumps, review_for

POLICY = "# Billing policy\n\nCustomers must opt in before any automatic charge.\n"
RULE = "Customers must opt in before any automatic charge."
NAMES = {"legal-privacy": "Legal & Privacy Counsel"}


def reviewed():
    doc = load_document(SAMPLE)
    quote = "Auto-charge ships enabled by default (opt-out) for all existing accounts"
    start = doc.text.index(quote)
    policy = Reference.of("R1", "billing-policy.md", POLICY, fmt="markdown")
    dpa = Reference.of("R2", "dpa.pdf", "Processors delete data on request only.", fmt="pdf", persona="legal-privacy")
    finding = Finding(source=Source.CRITIC, persona="legal-privacy", kind=Kind.ONE_WAY_DOOR, severity=Severity.CRITICAL,
                      title="Charges without consent", quote=quote, start=start, end=start + len(quote),
                      anchor=Anchor.EXACT, rationale="The policy needs opt-in.", cites=[cite(policy, RULE)],
                      challenges_decision="Opt-out by default")
    review = review_for(doc, [finding])
    review.references = [policy.stored(), dpa.stored()]
    review.intent = Intent(feedback_on="Is the rollout safe?", decided="Opt-out by default: legal signed it off.")
    return review, doc


def said(fmt: str, path: Path) -> str:
    if fmt == "pdf":
        return "\n".join(page.extract_text() for page in PdfReader(path).pages)
    if fmt == "docx":  # the body (its appendix sits in a content control) and the comments, as Word shows them
        with zipfile.ZipFile(path) as z:
            xml = z.read("word/document.xml").decode("utf-8") + z.read("word/comments.xml").decode("utf-8")
        return " ".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "pdf"])
def test_every_format_lists_references_and_intent_and_shows_citations(fmt, tmp_path):
    review, doc = reviewed()
    pdf = None
    if fmt == "pdf":
        from doccritic.ui.pdf_export import export_pdf as pdf
    out = export_review(review, doc, fmt, tmp_path / f"out.{fmt}", ExportOptions(names=dict(NAMES)), pdf=pdf)
    text = " ".join(said(fmt, out).replace("&amp;", "&").replace("&#x27;", "'").split())
    for words in ("Reference material", "billing-policy.md", "dpa.pdf", "Legal & Privacy Counsel", "Every critic",
                  "Author's intent", "Is the rollout safe?", "Opt-out by default: legal signed it off.",
                  "Challenges a stated decision: Opt-out by default", f"Cites R1 billing-policy.md: “{RULE}”"):
        assert words in text, f"{fmt}: {words!r} missing"


@pytest.mark.parametrize("fmt", ["json", "docx"])
def test_importing_an_export_gives_the_references_and_intent_back(fmt, tmp_path):
    review, doc = reviewed()
    out = export_review(review, doc, fmt, tmp_path / f"out.{fmt}", ExportOptions(names=dict(NAMES)))
    back = read_review_file(out)
    assert [(r.id, r.name, r.persona, r.text) for r in back.references] == [
        ("R1", "billing-policy.md", None, POLICY), ("R2", "dpa.pdf", "legal-privacy",
                                                    "Processors delete data on request only.")]
    assert back.intent == review.intent
    (c,) = back.findings[0].cites
    assert POLICY[c.start:c.end] == RULE and back.findings[0].challenges_decision == "Opt-out by default"
    if fmt == "json":
        assert json.loads(out.read_text())["references"][0]["id"] == "R1"


def test_importing_into_the_window_restores_them(qtbot, tmp_path):
    from doccritic.ui.main_window import MainWindow

    review, doc = reviewed()
    out = export_review(review, doc, "json", tmp_path / "review.json")
    win = MainWindow()
    try:
        with qtbot.waitSignal(win.document_ready, timeout=15_000):
            win.open_path(SAMPLE)
        win.exports.import_file(out)
        assert [r.id for r in win.session.references] == ["R1", "R2"]
        assert win.session.intent.decided == "Opt-out by default: legal signed it off."
        assert win.references.panel.decided.toPlainText() == "Opt-out by default: legal signed it off."
        card = next(f for f in win.session.findings.findings if f.cites)
        viewer = win.references.open_citation(card.cites[0])
        assert viewer is not None and viewer.passage == RULE
        viewer.close()
        win.exports.import_file(out)  # again: nothing doubles
        assert [r.id for r in win.session.references] == ["R1", "R2"]
    finally:
        win.close()


@pytest.mark.parametrize("fmt", ["html", "pdf", "json"])
def test_a_debate_turns_reference_citation_is_in_every_format_that_holds_debates(fmt, tmp_path):
    from doccritic.core.debates import Debate, Turn

    review, doc = reviewed()
    policy = Reference.of("R1", "billing-policy.md", POLICY, fmt="markdown")
    turn = Turn(index=1, speaker="legal-privacy", side="against", text=f"The policy says “{RULE}” and we do not.",
                cites=[cite(policy, RULE)])
    review.debates = [Debate(motion="Opt-out is fine.", pro="staff-engineer", con="legal-privacy",
                             opener="legal-privacy", rounds=1, turns=[turn]).model_dump(mode="json")]
    pdf = None
    if fmt == "pdf":
        from doccritic.ui.pdf_export import export_pdf as pdf
    out = export_review(review, doc, fmt, tmp_path / f"out.{fmt}", ExportOptions(names=dict(NAMES)), pdf=pdf)
    if fmt == "json":
        (c,) = json.loads(out.read_text())["debates"][0]["turns"][0]["cites"]
        assert (c["reference"], c["name"]) == ("R1", "billing-policy.md") and POLICY[c["start"]:c["end"]] == RULE
        return
    text = " ".join(said(fmt, out).split())
    debate = text[text.index("Opt-out is fine."):]  # the debate section, after the findings' notes
    assert f"Cites R1 billing-policy.md: “{RULE}”" in debate


def _as_older_doccritic_wrote(review) -> str:
    """The review JSON a version before citations carried names wrote: each cite's keys in that version's order
    (reference first), and no ``name``."""
    raw = json.loads(dumps(review))
    old = [{k: c[k] for k in ("reference", "quote", "start", "end", "anchor")} for c in raw["findings"][0]["cites"]]
    raw["findings"][0]["cites"] = old
    for turn in (t for d in raw["debates"] for t in d["turns"]):
        turn["cites"] = [{k: c[k] for k in ("reference", "quote", "start", "end", "anchor")} for c in turn["cites"]]
    return json.dumps(raw, indent=2)


@pytest.mark.parametrize("fmt", ["html", "pdf", "md"])
def test_an_older_review_file_still_reads_and_its_exports_name_the_references(fmt, tmp_path):
    from doccritic.core.debates import Debate, Turn

    review, doc = reviewed()
    policy = Reference.of("R1", "billing-policy.md", POLICY, fmt="markdown")
    turn = Turn(index=1, speaker="legal-privacy", side="against", text=f"The policy says “{RULE}”.",
                cites=[cite(policy, RULE)])
    review.debates = [Debate(motion="Opt-out is fine.", pro="staff-engineer", con="legal-privacy",
                             opener="legal-privacy", rounds=1, turns=[turn]).model_dump(mode="json")]
    old = tmp_path / "old.json"
    old.write_text(_as_older_doccritic_wrote(review), encoding="utf-8")
    assert '"name": "billing-policy.md"' not in old.read_text(encoding="utf-8").split('"references"')[0]
    back = read_review_file(old)
    (c,) = back.findings[0].cites
    assert (c.reference, c.name, c.anchor, POLICY[c.start:c.end]) == ("R1", "billing-policy.md", Anchor.EXACT, RULE)
    assert Debate.model_validate(back.debates[0]).turns[0].cites[0].label == "R1 billing-policy.md"
    pdf = None
    if fmt == "pdf":
        from doccritic.ui.pdf_export import export_pdf as pdf
    out = export_review(back, doc, fmt, tmp_path / f"out.{fmt}", ExportOptions(names=dict(NAMES)), pdf=pdf)
    text = " ".join(said(fmt, out).split())
    assert text.count(f"Cites R1 billing-policy.md: “{RULE}”") == (1 if fmt == "md" else 2)  # Markdown: no debates
