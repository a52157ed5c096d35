"""Reference material and the author's intent: reading files, anchoring citations, and what the critics are sent.

Requests are checked in the loopback server's journal: the draft prefix stays byte-identical with or without
references and across personas, shared references follow it with a breakpoint of their own, a persona's own
references reach that persona only, and the estimate counts them.
"""

from __future__ import annotations

import asyncio
import json
import tracemalloc

import pytest
from fakes.messages_api import FakeMessagesAPI, Reply
from pdfs import encrypted_pdf, image_only_pdf, text_pdf

from doccritic import cli
from doccritic.claude.client import Connection
from doccritic.claude.panel import Panel, PanelSettings, estimate
from doccritic.core.errors import DoccriticError, ErrorKind, LoadError
from doccritic.core.findings import Anchor, Finding, Kind, Severity, Source
from doccritic.core.merge import merge
from doccritic.core.references import (
    NO_CONTEXT,
    Intent,
    Reference,
    References,
    ReviewContext,
    cite,
    intent_from_text,
    intent_from_toml,
    next_id,
    reopened_decision,
    same_text,
    stated_decisions,
    too_much,
)
from doccritic.formats.markdown import parse_markdown
from doccritic.formats.references import load_intent, load_reference
from doccritic.formats.review_json import dumps, loads, review_for

POLICY = """# Data retention policy

Customer payment records are kept for seven years after the last transaction.
Invoices may be deleted only after the retention period has ended.
Exceptions need written approval from the Data Protection Officer.
"""
RETENTION = "Invoices may be deleted only after the retention period has ended."
DOC_TEXT = """# Auto-charge PRD

## Plan
We will delete legacy invoices after the migration to keep storage costs down.
We ship to all users on day one.

## Notes
""" + "\n".join(f"Background line {i} about billing operations." for i in range(80)) + "\n"
DELETE = "We will delete legacy invoices after the migration to keep storage costs down."


class P:
    def __init__(self, pid: str, name: str) -> None:
        self.id, self.name, self.model, self.effort = pid, name, None, None

    def brief(self) -> str:
        return f"{self.name}: a demanding reviewer."


STAFF, EXEC, LEGAL = P("staff-engineer", "Staff Engineer"), P("skeptical-exec", "Skeptical Exec"), P("legal", "Legal")


def policy_ref(persona: str | None = None, ref_id: str = "R1") -> Reference:
    return Reference.of(ref_id, "retention.md", POLICY, fmt="markdown", persona=persona)


# core ------------------------------------------------------------------------------------------------------


def test_a_citation_is_anchored_exactly_in_the_reference_even_when_quoted_loosely():
    ref = policy_ref()
    exact = cite(ref, RETENTION)
    assert ref.text[exact.start:exact.end] == RETENTION and exact.anchor is Anchor.EXACT
    loose = cite(ref, "Invoices may be deleted   only after the retention period has ended")  # spacing, no stop
    assert loose.placed and ref.text[loose.start:loose.end].startswith("Invoices may be deleted")
    missing = cite(ref, "Invoices are kept forever in cold storage somewhere")
    assert not missing.placed and missing.start is None and missing.quote.startswith("Invoices are kept")


def test_same_text_too_much_and_stable_ids():
    assert same_text("A  plan.\nShip it.", "A plan. Ship it.") and not same_text("A plan.", "Another plan.")
    small = [Reference.of("R1", "a.md", "x" * 400_000)]
    assert too_much(small) is None
    big = Reference.of("R2", "book.pdf", "y" * 400_000)
    assert "book.pdf" in too_much(small, big) and "limit" in too_much(small, big)
    refs = References()
    refs.add(Reference.of("", "a.md", "alpha text"))
    refs.add(Reference.of("", "b.md", "beta text"))
    refs.remove("R1")
    assert refs.add(Reference.of("", "c.md", "gamma text")).id == "R3"  # R2 keeps its meaning
    assert next_id([]) == "R1"
    with pytest.raises(DoccriticError) as exc:
        refs.add(Reference.of("", "huge.txt", "z" * 700_000))
    assert exc.value.kind is ErrorKind.TOO_LARGE and [r.id for r in refs.items] == ["R2", "R3"]  # nothing lost


def test_intent_from_toml_and_from_a_plain_note():
    toml = intent_from_toml('feedback_on = "Is the rollout safe?"\ndecided = ["Opt-out: legal signed it off"]\n'
                            'constraints = "Ship by Q3"\n')
    assert toml == Intent(feedback_on="Is the rollout safe?", decided="- Opt-out: legal signed it off",
                          constraints="Ship by Q3")
    assert toml.render().startswith("What I want feedback on:\nIs the rollout safe?\n\nAlready decided, and why:")
    with pytest.raises(DoccriticError, match="unknown key 'deadline'"):
        intent_from_toml('deadline = "May"')
    with pytest.raises(DoccriticError, match="not valid TOML"):
        intent_from_toml("feedback_on = ")
    note = intent_from_text("Mostly the pricing section.\nDecided: opt-out, because legal approved it.\n"
                            "Constraints:\nno new headcount\n")
    assert note.feedback_on == "Mostly the pricing section." and note.decided == "opt-out, because legal approved it."
    assert note.constraints == "no new headcount" and Intent().empty


def test_a_small_reference_keeps_its_text_in_the_review_and_a_large_one_only_its_metadata(tmp_path):
    doc = parse_markdown(DOC_TEXT)
    review = review_for(doc, [])
    review.references = [policy_ref().stored(), Reference.of("R2", "book.txt", "w " * 40_000).stored()]
    review.intent = Intent(decided="Opt-out.")
    back = loads(dumps(review))
    assert back.references[0].text == POLICY and back.references[1].text is None
    assert back.references[1].chars == 80_000 and back.references[1].tokens == 20_000
    assert back.intent == Intent(decided="Opt-out.")
    old = json.loads(dumps(review_for(doc, [])))
    del old["references"], old["intent"]
    assert loads(json.dumps(old)).references == []  # a v1 file from before references still reads


def test_merging_cards_keeps_every_reference_passage_and_the_challenge():
    ref = policy_ref()
    base = dict(source=Source.CRITIC, kind=Kind.ONE_WAY_DOOR, severity=Severity.MAJOR, title="Deletes invoices",
                quote=DELETE, start=0, end=10, anchor=Anchor.EXACT)
    card = Finding(persona="staff-engineer", **base)
    other = Finding(persona="legal", cites=[cite(ref, RETENTION)], challenges_decision="Delete after migration",
                    **base)
    merged = merge(card, other)
    assert [c.quote for c in merged.cites] == [RETENTION] and merged.challenges_decision == "Delete after migration"


# formats: reading files, and every way a file can be refused -----------------------------------------------


def test_markdown_text_docx_and_pdf_references_are_read_as_text(tmp_path):
    import docx

    (tmp_path / "policy.md").write_text(POLICY, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("Plain notes on retention.\n", encoding="utf-8")
    word = docx.Document()
    word.add_paragraph("Retention is seven years for payment records.")
    word.save(tmp_path / "contract.docx")
    text_pdf(tmp_path / "policy.pdf", ["Data retention policy", RETENTION])
    md = load_reference(tmp_path / "policy.md")
    assert (md.format, md.name, md.chars, md.text) == ("markdown", "policy.md", len(POLICY), POLICY)
    assert md.tokens == pytest.approx(len(POLICY) / 4, abs=1)
    assert load_reference(tmp_path / "notes.txt").text.startswith("Plain notes")
    assert "seven years" in load_reference(tmp_path / "contract.docx").text
    pdf = load_reference(tmp_path / "policy.pdf", ref_id="R4", persona="legal")
    assert (pdf.id, pdf.format, pdf.persona) == ("R4", "pdf", "legal") and RETENTION in pdf.text
    c = cite(pdf, RETENTION)
    assert pdf.text[c.start:c.end] == RETENTION


def test_bad_pdfs_are_refused_with_one_sentence_each(tmp_path):
    plain = text_pdf(tmp_path / "plain.pdf", [RETENTION])
    locked = encrypted_pdf(plain, tmp_path / "locked.pdf")
    with pytest.raises(LoadError, match=r"^Cannot attach locked\.pdf: it is password-protected; .*\.$") as exc:
        load_reference(locked)
    assert exc.value.kind is ErrorKind.UNREADABLE
    opened = load_reference(encrypted_pdf(plain, tmp_path / "owner-only.pdf", password=""))  # no password asked
    assert RETENTION in opened.text
    with pytest.raises(LoadError, match=r"^Cannot attach scan\.pdf: it has no text layer \(a scan or images only\)"):
        load_reference(image_only_pdf(tmp_path / "scan.pdf"))
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\n garbage")
    with pytest.raises(LoadError, match=r"^Cannot attach broken\.pdf: it is damaged or not a PDF\.$"):
        load_reference(tmp_path / "broken.pdf")
    (tmp_path / "zeros.pdf").write_bytes(b"\0" * 1000)
    with pytest.raises(LoadError, match="damaged or not a PDF"):
        load_reference(tmp_path / "zeros.pdf")


def test_a_200_mb_reference_is_refused_without_being_read(tmp_path):
    huge = tmp_path / "archive.pdf"
    with huge.open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse: no disk used, and nothing to read unless someone reads it
    tracemalloc.start()
    try:
        with pytest.raises(LoadError, match=r"^Cannot attach archive\.pdf: it is 200 MB, over the 50 MB limit") as exc:
            load_reference(huge)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert exc.value.kind is ErrorKind.TOO_LARGE and peak < 5 * 1024 * 1024


def test_the_draft_itself_a_duplicate_and_an_unsupported_type_are_refused(tmp_path):
    draft_path = tmp_path / "prd.md"
    draft_path.write_text(DOC_TEXT, encoding="utf-8")
    from doccritic.formats.loader import load_document

    draft = load_document(draft_path)
    with pytest.raises(LoadError, match="it is the document under review"):
        load_reference(draft_path, draft=draft)
    (tmp_path / "copy.txt").write_text(DOC_TEXT.replace("\n", "\n\n"), encoding="utf-8")  # same words, other file
    with pytest.raises(LoadError, match="it is the document under review"):
        load_reference(tmp_path / "copy.txt", draft=draft)
    (tmp_path / "policy.md").write_text(POLICY, encoding="utf-8")
    first = load_reference(tmp_path / "policy.md")
    with pytest.raises(LoadError, match=r"it is already attached as R1 \(policy\.md\)"):
        load_reference(tmp_path / "policy.md", ref_id="R2", existing=[first])
    assert load_reference(tmp_path / "policy.md", ref_id="R2", persona="legal", existing=[]).persona == "legal"
    (tmp_path / "chart.png").write_bytes(b"\x89PNG\r\n")
    with pytest.raises(LoadError, match=r"^Cannot attach chart\.png: \.png files are not supported as references"):
        load_reference(tmp_path / "chart.png")
    with pytest.raises(LoadError, match="no such file"):
        load_reference(tmp_path / "gone.md")
    (tmp_path / "empty.md").write_text("  \n", encoding="utf-8")
    with pytest.raises(LoadError, match="it has no text"):
        load_reference(tmp_path / "empty.md")


def test_an_intent_file_is_toml_or_plain_text(tmp_path):
    (tmp_path / "intent.toml").write_text('decided = "Opt-out by default"\n', encoding="utf-8")
    (tmp_path / "intent.txt").write_text("Is the rollout safe?\n", encoding="utf-8")
    assert load_intent(tmp_path / "intent.toml").decided == "Opt-out by default"
    assert load_intent(tmp_path / "intent.txt").feedback_on == "Is the rollout safe?"


# requests, against the loopback server --------------------------------------------------------------------


def answer(*items) -> dict:
    return {"findings": list(items), "verdict": "Not ready.", "readiness": 4}


def item(quote: str, **extra) -> dict:
    return {"kind": "one_way_door", "severity": "major", "title": f"Problem with {quote[:20]}", "quote": quote,
            "about": "text", "rationale": "Because.", **extra}


def run_panel(api, personas, context=NO_CONTEXT, **kw):
    doc = parse_markdown(DOC_TEXT)

    async def go():
        client = Connection(api_key="sk-test", base_url=api.base_url, read_timeout=5).client()
        panel = Panel(client, doc, personas, PanelSettings(stagger_timeout=5), context=context, **kw)
        events = [e async for e in panel.events()]
        await client.close()
        return panel, events

    return doc, *asyncio.run(go())


def bodies(api) -> dict[str, dict]:
    out = {}
    for r in api.journal:
        if r.path == "/v1/messages":
            persona = next(b["text"] for b in r.body["messages"][0]["content"] if b["text"].startswith("persona: "))
            out[persona.split("\n")[0].removeprefix("persona: ")] = r.body
    return out


DPA = Reference.of("R2", "dpa.txt", "Processors delete data on request only.", persona="legal")
CONTEXT = ReviewContext((policy_ref(), DPA), Intent(feedback_on="Is the migration safe?",
                                                    decided="Opt-out by default: legal signed it off."))


def test_references_and_intent_follow_the_draft_prefix_which_stays_byte_identical():
    with FakeMessagesAPI() as api:
        api.script(Reply.json(answer()))
        run_panel(api, [STAFF])  # a run before anything was attached
        before = bodies(api)["staff-engineer"]
        api.journal.clear()
        run_panel(api, [STAFF, EXEC, LEGAL], CONTEXT)
        sent = bodies(api)
        usage = [r.usage for r in api.journal if r.path == "/v1/messages"]
    staff, exec_, legal = sent["staff-engineer"], sent["skeptical-exec"], sent["legal"]
    # the draft and instructions: the same bytes as without references, for every persona
    assert staff["system"][:2] == exec_["system"][:2] == legal["system"][:2] == before["system"][:2]
    refs, intent = staff["system"][2], staff["system"][3]
    assert staff["system"] == exec_["system"] == legal["system"]  # shared references and intent too
    assert refs["cache_control"] == {"type": "ephemeral"} and intent["cache_control"] == {"type": "ephemeral"}
    assert '<reference id="R1" name="retention.md">' in refs["text"] and RETENTION in refs["text"]
    assert "dpa.txt" not in refs["text"]  # legal's own reference is not in the shared prefix
    assert "Opt-out by default: legal signed it off." in intent["text"] and '"challenges_decision"' in intent["text"]
    own = [b["text"] for b in legal["messages"][0]["content"]]
    assert len(own) == 2 and "for your seat only" in own[0] and "Processors delete data on request only." in own[0]
    assert all("dpa.txt" not in b["text"] for b in staff["messages"][0]["content"])
    assert all(sum("cache_control" in b for b in body["system"]) <= 4 for body in sent.values())
    assert all(u["cache_read_input_tokens"] > 0 for u in usage[1:])  # later critics read the references cached


def test_a_finding_citing_a_reference_is_anchored_there_and_a_challenge_is_marked():
    with FakeMessagesAPI() as api:
        api.script(Reply.json(answer(
            item(DELETE, reference={"id": "R1", "quote": RETENTION},
                 challenges_decision=True, decision="Delete legacy invoices after the migration"),
            item("We ship to all users on day one.", reference={"id": "R9", "quote": "nothing"}))))
        _, panel, _ = run_panel(api, [LEGAL], CONTEXT)
    first, second = panel.results[0].findings
    (c,) = first.cites
    assert c.reference == "R1" and POLICY[c.start:c.end] == RETENTION and c.anchor is Anchor.EXACT
    assert first.challenges_decision == "Delete legacy invoices after the migration"
    assert second.cites == []  # a reference that does not exist is not cited


def test_without_an_intent_there_is_no_settled_decision_to_challenge():
    with FakeMessagesAPI() as api:
        api.script(Reply.json(answer(item(DELETE, challenges_decision=True, decision="whatever"))))
        _, panel, _ = run_panel(api, [STAFF])
    assert panel.results[0].findings[0].challenges_decision is None


def test_the_estimate_counts_the_references():
    doc = parse_markdown(DOC_TEXT)
    big = ReviewContext((Reference.of("R1", "study.md", "Evidence from the pilot study. " * 2000),))

    async def go(context):
        return await estimate(None, doc, [STAFF, EXEC], PanelSettings(), context=context)

    plain, with_refs = asyncio.run(go(ReviewContext())), asyncio.run(go(big))
    added = with_refs.per_persona["staff-engineer"][0] - plain.per_persona["staff-engineer"][0]
    assert added >= big.references[0].tokens and with_refs.total > plain.total
    own = ReviewContext((Reference.of("R1", "study.md", "Evidence from the pilot study. " * 2000, persona="legal"),))
    per = asyncio.run(estimate(None, doc, [STAFF, LEGAL], PanelSettings(), context=own)).per_persona
    assert per["legal"][0] - per["staff-engineer"][0] >= own.references[0].tokens


# the command line -----------------------------------------------------------------------------------------


def test_review_with_references_and_intent_shows_citations_and_stores_them(cli_api, capsys, tmp_path):
    draft = tmp_path / "prd.md"
    draft.write_text(DOC_TEXT, encoding="utf-8")
    (tmp_path / "retention.md").write_text(POLICY, encoding="utf-8")
    text_pdf(tmp_path / "dpa.pdf", ["Processors delete data on request only."])
    (tmp_path / "intent.toml").write_text('decided = "Delete legacy invoices: storage is the top cost."\n',
                                          encoding="utf-8")
    cli_api.script(Reply.json(answer(item(DELETE, reference={"id": "R1", "quote": RETENTION}, challenges_decision=True,
                                          decision="Delete legacy invoices"))))
    out_file = tmp_path / "review.json"
    code = cli.main(["review", str(draft), "--personas", "staff-engineer,legal-privacy", "--reference",
                     str(tmp_path / "retention.md"), "--reference-for", f"legal-privacy={tmp_path / 'dpa.pdf'}",
                     "--intent", str(tmp_path / "intent.toml"), "--out", str(out_file)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert f'    cites R1 retention.md:4: "{RETENTION}"' in out
    assert "    challenges a stated decision: Delete legacy invoices" in out
    saved = json.loads(out_file.read_text())
    assert [(r["id"], r["name"], r["persona"]) for r in saved["references"]] == [
        ("R1", "retention.md", None), ("R2", "dpa.pdf", "legal-privacy")]
    assert saved["intent"]["decided"] == "Delete legacy invoices: storage is the top cost."
    cited = saved["findings"][0]["cites"][0]
    assert POLICY[cited["start"]:cited["end"]] == RETENTION
    legal = bodies(cli_api)["legal-privacy"]
    assert "Processors delete data on request only." in legal["messages"][0]["content"][0]["text"]


@pytest.mark.parametrize("args, said", [
    (["--reference", "{tmp}/prd.md"], "it is the document under review"),
    (["--reference", "{tmp}/nope.pdf"], "Cannot attach nope.pdf: no such file."),
    (["--reference-for", "nobody={tmp}/prd.md"], "nobody is not on this panel"),
    (["--reference-for", "legal-privacy"], "use PERSONA=FILE"),
])
def test_a_bad_reference_is_bad_input_and_nothing_is_sent(cli_api, capsys, tmp_path, args, said):
    draft = tmp_path / "prd.md"
    draft.write_text(DOC_TEXT, encoding="utf-8")
    code = cli.main(["review", str(draft), "--personas", "legal-privacy", *(a.format(tmp=tmp_path) for a in args)])
    assert code == 2 and said in capsys.readouterr().err
    assert not [r for r in cli_api.journal if r.path == "/v1/messages"]


def test_show_request_prints_the_references_where_they_go(capsys, tmp_path):
    draft = tmp_path / "prd.md"
    draft.write_text(DOC_TEXT, encoding="utf-8")
    (tmp_path / "retention.md").write_text(POLICY, encoding="utf-8")
    code = cli.main(["review", str(draft), "--personas", "legal-privacy", "--reference", str(tmp_path / "retention.md"),
                     "--show-request"])
    report = json.loads(capsys.readouterr().out)
    system = report["requests"][0]["body"]["system"]
    assert code == 0 and RETENTION in system[2]["text"] and RETENTION not in system[0]["text"]


def test_debaters_and_the_referee_read_the_references_and_a_turn_may_cite_one():
    from doccritic.claude.debate import DebateSession, new_debate

    doc = parse_markdown(DOC_TEXT)
    personas = {p.id: p for p in (STAFF, LEGAL)}
    turn = f'The policy says "{RETENTION}" and the draft says "{DELETE}" without a date.'
    with FakeMessagesAPI() as api:
        api.script(Reply.text(turn), match="You are Staff Engineer. Write turn")
        api.script(Reply.text("I concede the date is missing."), match="You are Legal. Write turn")
        api.script(Reply.json({"points": [], "verdict": "Add the date."}), match="You are the referee")

        async def go():
            client = Connection(api_key="sk-test", base_url=api.base_url, read_timeout=5).client()
            debate = new_debate("Deleting invoices is safe.", STAFF.id, LEGAL.id, model="claude-sonnet-4-6", rounds=1)
            session = DebateSession(client, doc, debate, personas, context=CONTEXT)
            _ = [e async for e in session.events()]
            await client.close()
            return session

        session = asyncio.run(go())
        calls = [r.body for r in api.journal if r.path == "/v1/messages"]
    assert len(calls) == 3 and all(c["system"] == calls[0]["system"] for c in calls)  # referee included
    system = calls[0]["system"]
    assert "<document>" in system[0]["text"] and RETENTION in system[2]["text"] and "dpa.txt" not in system[2]["text"]
    assert "name its id" in system[2]["text"] and "challenges the stated decision" in system[3]["text"]
    first = session.debate.turns[0]
    assert [doc.text[c.start:c.end] for c in first.citations] == [DELETE]
    (ref_cite,) = first.cites
    assert ref_cite.reference == "R1" and POLICY[ref_cite.start:ref_cite.end] == RETENTION



def bad_reference(kind: str, tmp_path) -> tuple[str, str]:
    """A reference file that cannot be used, and what the one sentence says about it."""
    if kind == "encrypted":
        return str(encrypted_pdf(text_pdf(tmp_path / "plain.pdf", [RETENTION]), tmp_path / "locked.pdf")), \
            "Cannot attach locked.pdf: it is password-protected; save an unprotected copy and attach that."
    if kind == "image-only":
        return str(image_only_pdf(tmp_path / "scan.pdf")), \
            "Cannot attach scan.pdf: it has no text layer (a scan or images only)"
    if kind == "unreadable":
        (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\n garbage")
        return str(tmp_path / "broken.pdf"), "Cannot attach broken.pdf: it is damaged or not a PDF."
    if kind == "200 MB":
        with (tmp_path / "archive.pdf").open("wb") as fh:
            fh.truncate(200 * 1024 * 1024)  # sparse: no disk used
        return str(tmp_path / "archive.pdf"), "Cannot attach archive.pdf: it is 200 MB, over the 50 MB limit"
    return str(tmp_path / "prd.md"), "Cannot attach prd.md: it is the document under review"


@pytest.mark.parametrize("kind", ["unreadable", "encrypted", "image-only", "200 MB", "the draft itself"])
@pytest.mark.parametrize("command", ["review", "debate"])
def test_a_bad_reference_stops_the_command_in_one_sentence_and_keeps_the_last_review(cli_api, capsys, tmp_path,
                                                                                     kind, command):
    draft = tmp_path / "prd.md"
    draft.write_text(DOC_TEXT, encoding="utf-8")
    out_file = tmp_path / "out.json"
    out_file.write_text('{"kept": true}\n', encoding="utf-8")  # last time's result: nothing may overwrite it
    path, said = bad_reference(kind, tmp_path)
    pair = "staff-engineer,legal-privacy"
    code = cli.main([command, str(draft), "--personas", pair, "--reference", path, "--out", str(out_file)])
    err = capsys.readouterr().err
    assert code == 2 and said in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert out_file.read_text(encoding="utf-8") == '{"kept": true}\n'
    assert not [r for r in cli_api.journal if r.path == "/v1/messages"]


def test_stated_decisions_are_read_one_per_line_with_their_reason():
    intent = Intent(decided="- Opt-out by default: legal signed it off.\n2. Ship in March — sales needs it\n\n"
                            "Keep PayFlow because of the fees")
    assert stated_decisions(intent) == [("Opt-out by default", "legal signed it off."),
                                        ("Ship in March", "sales needs it"), ("Keep PayFlow", "of the fees")]
    assert stated_decisions(None) == [] and stated_decisions(Intent(feedback_on="Is it safe?")) == []


def test_a_finding_restating_a_decided_passage_re_opens_it_and_one_sharing_a_word_does_not():
    intent = Intent(decided="- Five-year prepaid ColdVault contract: procurement negotiated the lowest tier price.\n"
                            "- Move logs older than 7 days to ColdVault: the hot cluster costs $41,000 a month.")
    head = "Five-year prepaid ColdVault contract"
    said = "Locked in for five years\nWe will sign a 5-year prepaid ColdVault contract"
    assert reopened_decision(intent, said) == head
    # two of the decision's words, and the reason's "lowest tier price": the same decision from another passage
    assert reopened_decision(intent, "Prepaid contract cannot be refunded\nThe prepayment buys the lowest tier price "
                                     "and cannot be refunded.") == head
    assert reopened_decision(intent, "Logs leave search\nmove every application log older than 7 days to ColdVault") \
        == "Move logs older than 7 days to ColdVault"
    assert reopened_decision(intent, "Who can wait 12 hours?\nRetrieval from ColdVault takes up to 12 hours.") is None
    assert reopened_decision(intent, "Logs under legal hold deleted on day one\nDelete the hot copies on the day the "
                                     "migration finishes.") is None
    assert reopened_decision(None, head) is None


def test_on_the_sample_prd_only_the_check_findings_on_a_decided_passage_are_taken_as_re_opening_it():
    """Not tuned on: the rule was set on bench/judgement.py's case, then run on the sample PRD's checks."""
    from conftest import SAMPLE
    from doccritic.core.checks import run_checks
    from doccritic.formats.loader import load_document

    intent = Intent(decided="- Exclusive PayFlow agreement for 3 years: the fee cut pays for the migration.\n"
                            "- Auto-charge opt-out by default: legal signed it off.\n"
                            "- Delete the legacy templates at cut-over: the Postgres cluster costs too much to keep.")
    findings = run_checks(load_document(SAMPLE)).findings
    marked = [(f.quote[:40], d) for f in findings if (d := reopened_decision(intent, f"{f.title}\n{f.quote}"))]
    assert sorted(marked) == sorted([
        ("Auto-charge ships enabled by default (op", "Auto-charge opt-out by default"),
        ("Auto-charge is turned on by default for ", "Auto-charge opt-out by default"),
        ("All existing reminder templates migrate ", "Delete the legacy templates at cut-over"),
        ("After cut-over on 2027-02-15, the legacy", "Delete the legacy templates at cut-over"),
        # the contract's card stands on its TL;DR statement and lists "We will sign …" as a restatement
        ("We consolidate card processing on PayFlo", "Exclusive PayFlow agreement for 3 years")])
    assert len(findings) > 20  # the other checks' findings re-open nothing


def test_a_critic_that_re_opens_a_stated_decision_without_saying_so_is_marked_all_the_same():
    context = ReviewContext((), Intent(decided="Delete legacy invoices after the migration: storage costs too much."))
    with FakeMessagesAPI() as api:
        api.script(Reply.json(answer(item(DELETE), item("We ship to all users on day one."))))
        _, panel, _ = run_panel(api, [STAFF], context)
    deleted, ship = panel.results[0].findings
    assert deleted.challenges_decision == "Delete legacy invoices after the migration"
    assert ship.challenges_decision is None
