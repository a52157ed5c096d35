"""Critic requests, built so that every persona shares one byte-identical, cacheable prefix.

Order matters for prompt caching (the API caches tools -> system -> messages up to a breakpoint) and for
reading: the fenced document comes first (Anthropic's long-context guidance puts long documents above the
instructions and the question), then the persona-independent instructions. Both carry ``cache_control``:
they are identical for every persona and every run on the same text, and the document block alone is the
same for critics and debates, so a debate reads the document from the cache the critics wrote. That holds
on the real API only because everything keyed before it is the same too: every role sends one tools list
(``schema.shared_tools``) and none an output format (see there). Only the
short persona message after the breakpoints differs. Everything taken from the draft (its text, title and
section names) sits inside the fence, and anything that looks like the fence's own tag is defused.
Templates live in ``resources/prompts`` so they can be tuned without touching code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from string import Template
from typing import Any, Protocol

from doccritic import paths
from doccritic.claude.config import DEFAULT_MAX_FINDINGS
from doccritic.core.document import Document
from doccritic.core.findings import Finding, Source, Status
from doccritic.core.references import NO_CONTEXT, Reference, ReviewContext
from doccritic.core.rounds import RoundContext

MAX_RAISED = 40  # lines of the "already raised" list: enough for a reviewed draft, short next to the document
_QUOTE_CHARS = 90


class PersonaLike(Protocol):
    """What a prompt needs from a persona (``doccritic.core.personas.Persona`` provides it)."""

    id: str
    name: str

    def brief(self) -> str: ...


@cache
def template(name: str) -> Template:
    return Template(paths.resource("prompts", f"{name}.md").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class CriticRequest:
    """The parts of one critic's ``messages.stream`` call that depend on the document and persona."""

    system: list[dict[str, Any]]
    messages: list[dict[str, Any]]

    def params(self) -> dict[str, Any]:
        return {"system": self.system, "messages": self.messages}


def shared_prefix(doc: Document, *, max_findings: int = DEFAULT_MAX_FINDINGS, cache: bool = True,
                  section: tuple[str, int, int] | None = None, context: ReviewContext = NO_CONTEXT) -> list[dict]:
    """System blocks every persona sends: the fenced document, then the instructions (both cache breakpoints),
    then the references every critic reads (a breakpoint of their own) and the author's intent.

    The draft and the instructions come first and never change with the references, so the same draft keeps
    one cached prefix whatever is attached. With ``section`` (title, start, end) only that part of the
    document is sent: a section review is what makes a document too long for the model reviewable at all.
    """
    instructions: dict[str, Any] = {"type": "text", "text": template("critic-system").substitute(
        max_findings=max_findings)}
    if cache:
        instructions["cache_control"] = {"type": "ephemeral"}
    return [document_block(doc, cache=cache, section=section), instructions, *context_blocks(context, cache=cache)]


#: How a critic (JSON fields) and a debater (prose) cite a reference and flag a settled decision.
CITE_HOW = {
    "critic": ('Quote findings from the document, never from a reference. When a finding relies on a reference, or '
               'the document contradicts one, cite it: set "reference" to {"id": "R1", "quote": "a passage of that '
               'reference, one sentence or less, copied verbatim"}.'),
    "debate": ("Quote the document for what it says. When you rely on a reference, name its id and quote its "
               'passage verbatim in double quotes, e.g. R1 says "…".'),
}
CHALLENGE_HOW = {
    "critic": 'then set "challenges_decision" to true and name the decision in "decision", in the author\'s words.',
    "debate": 'then say so plainly: "This challenges the stated decision that …".',
}


def context_blocks(context: ReviewContext, *, cache: bool = True, audience: str = "critic") -> list[dict[str, Any]]:
    """The shared references (with a cache breakpoint) and the intent (none), for critics and debaters alike."""
    blocks = references_blocks(context.shared, cache=cache, audience=audience)
    if context.has_intent and context.intent is not None:
        blocks.append({"type": "text", "text": template("critic-intent").substitute(
            text=fence_safe(context.intent.render()), how=CHALLENGE_HOW[audience])})
    return blocks


def references_blocks(refs: Sequence[Reference], *, cache: bool = True, own: bool = False,
                      audience: str = "critic") -> list[dict[str, Any]]:
    """Reference files as one fenced text block, or none. ``own``: the ones attached to this critic only."""
    if not refs:
        return []
    intro = ("Reference material attached for your seat only follows." if own else
             "Reference material the author attached to this review follows.")
    items = "\n".join(f'<reference id="{r.id}" name="{_attr(r.name)}">\n{fence_safe(r.text or "")}\n</reference>'
                      for r in refs)
    block: dict[str, Any] = {"type": "text", "text": template("critic-references").substitute(
        intro=intro, items=items, how=CITE_HOW[audience])}
    if cache:
        block["cache_control"] = {"type": "ephemeral"}
    return [block]


def _attr(name: str) -> str:
    return fence_safe(" ".join(name.split())).replace('"', "'")


def document_block(doc: Document, *, cache: bool = True, section: tuple[str, int, int] | None = None) -> dict:
    """The fenced draft as data, with the cache breakpoint: the same block for critics and debates."""
    title = doc.title or (doc.path.name if doc.path else "Untitled")
    text, words = doc.text, doc.word_count
    if section is not None:
        name, start, end = section
        text, words = doc.text[start:end], len(doc.text[start:end].split())
        title = f"{title}, section “{name}” only"
    block: dict[str, Any] = {"type": "text", "text": template("critic-document").substitute(
        title=fence_safe(" ".join(title.split())), word_count=words, text=fence_safe(text))}
    if cache:
        block["cache_control"] = {"type": "ephemeral"}
    return block


def critic_request(
    doc: Document,
    persona: PersonaLike,
    *,
    section: str | None = None,
    span: tuple[int, int] | None = None,
    max_findings: int = DEFAULT_MAX_FINDINGS,
    cache: bool = True,
    raised: Sequence[Finding] = (),
    round_context: RoundContext | None = None,
    context: ReviewContext = NO_CONTEXT,
) -> CriticRequest:
    """``section`` names the part under review; with its ``span`` only that part is sent. ``raised`` (check
    findings, earlier critics' cards, dismissals) comes after the document and instruction breakpoints, so
    that prefix stays byte-identical across personas *and* runs; the list has a breakpoint of its own,
    since it is the same for every persona of one run (the first critic writes it, the others read it). A
    re-review's ``round_context`` (the changes since the last round, the findings still open) follows it and takes
    that breakpoint over (both are the run's, and a request may hold four). ``context`` adds the shared
    references and intent after the instructions (the references with a breakpoint of their own), and this
    persona's own references to its message, so other critics' prefix is not changed by them."""
    scope = (  # the section's name is in the fenced title: nothing from the draft outside the fence
        "Review only the section named in the document's title; it is all of the document you have. "
        "Quote only from it.\n" if section else ""
    )
    persona_text = template("critic-persona").substitute(
        persona_id=persona.id, brief=persona.brief().strip(), scope=scope, max_findings=max_findings
    )
    system = [*shared_prefix(doc, max_findings=max_findings, cache=cache,
                             section=(section, *span) if section and span else None, context=context),
              *already_raised_blocks(raised, cache=False), *round_blocks(round_context, cache=False)]
    if cache and "cache_control" not in system[-1]:  # the run's last block (intent, raised, round) closes the
        system[-1] = {**system[-1], "cache_control": {"type": "ephemeral"}}  # prefix: at most four breakpoints
    own = references_blocks(context.for_persona(persona.id), cache=False, own=True)
    return CriticRequest(
        system=system,
        messages=[{"role": "user", "content": [*own, {"type": "text", "text": persona_text}]}],
    )


def already_raised_blocks(findings: Sequence[Finding], *, cache: bool = True) -> list[dict[str, Any]]:
    """The "already raised" list as one text block (none when nothing was raised): one line per finding,
    dismissed ones with the PM's reason. Quotes and titles are fenced like the draft they come from."""
    lines = [line for f in sorted(findings, key=Finding.sort_key) if (line := _raised_line(f))][:MAX_RAISED]
    if not lines:
        return []
    block: dict[str, Any] = {"type": "text", "text": template("critic-raised").substitute(
        items=fence_safe("\n".join(lines)))}
    if cache:
        block["cache_control"] = {"type": "ephemeral"}
    return [block]


def round_blocks(ctx: RoundContext | None, *, cache: bool = True) -> list[dict[str, Any]]:
    """A re-review's block: the diff since the last round and the still-open findings by id, fenced like the
    draft. None for a first review. After every earlier breakpoint, so the document stays cached."""
    if ctx is None:
        return []
    def lines(findings: Sequence[Finding]) -> str:
        return fence_safe("\n".join([f"- [{f.id}] {f.kind.label}, {f.severity}: {' '.join(f.title.split())}{_where(f)}"
                                     for f in sorted(findings, key=Finding.sort_key)][:MAX_RAISED]) or "(none)")

    block: dict[str, Any] = {"type": "text", "text": template("critic-round").substitute(
        number=ctx.number, previous=ctx.previous, diff=fence_safe(ctx.diff or "(no changes to the text)"),
        items=lines(ctx.still_open), fixed=lines(ctx.fixed_before))}
    if cache:
        block["cache_control"] = {"type": "ephemeral"}
    return [block]


def _where(f: Finding) -> str:
    quote = " ".join(f.quote.split())
    quote = quote if len(quote) <= _QUOTE_CHARS else quote[:_QUOTE_CHARS - 1] + "…"
    return f' on "{quote}"' if quote else " (whole document)"


def _raised_line(f: Finding) -> str:
    if f.status is Status.OUTDATED:
        return ""
    if f.status is Status.DISMISSED:
        reasons = [r.text.removeprefix("Dismissed:").strip() for r in f.replies if r.text.startswith("Dismissed:")]
        who = f"dismissed by the PM: {reasons[-1]}" if reasons else "dismissed by the PM (no reason given)"
    elif f.source is Source.CHECK:
        who = "offline check"
    else:
        who = f"critic {', '.join(f.personas) or 'unknown'}" + ("" if f.status is Status.OPEN else f", {f.status}")
    return f"- [{who}] {f.kind.label}, {f.severity}: {' '.join(f.title.split())}{_where(f)}"


_FENCE_TAG = re.compile(
    r"<(\s*/?\s*(?:document|title|passage|already_raised|changes|still_open|fixed_before|references?|intent)\b[^<>]*)>",
                        re.IGNORECASE)


def fence_safe(text: str) -> str:
    """Keep draft text from opening or closing the fence it sits in: ``</document>``, ``</DOCUMENT >``,
    ``< / document>`` and the like (any case, any spacing) become ``&lt;…&gt;``, which no reader takes for a tag."""
    return _FENCE_TAG.sub(r"&lt;\1&gt;", text)
