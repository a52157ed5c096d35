"""Critic requests, built so that every persona shares one byte-identical, cacheable prefix.

Order matters for prompt caching (the API caches tools -> system -> messages up to a breakpoint): the
persona-independent instructions, then the document with ``cache_control``, are identical for every
persona and every run on the same text; only the short persona message after the breakpoint differs.
Templates live in ``resources/prompts`` so they can be tuned without touching code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from string import Template
from typing import Any, Protocol

from doccritic import paths
from doccritic.claude.config import DEFAULT_MAX_FINDINGS
from doccritic.core.document import Document


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
                  section: tuple[str, int, int] | None = None) -> list[dict]:
    """System blocks every persona sends: instructions, then the fenced document (the cache breakpoint).

    With ``section`` (title, start, end) only that part of the document is sent: a section review is
    what makes a document too long for the model reviewable at all, and it costs less.
    """
    instructions = template("critic-system").substitute(max_findings=max_findings)
    return [{"type": "text", "text": instructions}, document_block(doc, cache=cache, section=section)]


def document_block(doc: Document, *, cache: bool = True, section: tuple[str, int, int] | None = None) -> dict:
    """The fenced draft as data, with the cache breakpoint: the same block for critics and debates."""
    title = doc.title or (doc.path.name if doc.path else "Untitled")
    text, words = doc.text, doc.word_count
    if section is not None:
        name, start, end = section
        text, words = doc.text[start:end], len(doc.text[start:end].split())
        title = f"{title}, section “{name}” only"
    block: dict[str, Any] = {"type": "text", "text": template("critic-document").substitute(
        title=title, word_count=words, text=_fence_safe(text))}
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
) -> CriticRequest:
    """``section`` names the part under review; with its ``span`` only that part is sent."""
    scope = (
        f'Review only the section "{section}"; it is all of the document you have. Quote only from it.\n'
        if section
        else ""
    )
    persona_text = template("critic-persona").substitute(
        persona_id=persona.id, brief=persona.brief().strip(), scope=scope, max_findings=max_findings
    )
    return CriticRequest(
        system=shared_prefix(doc, max_findings=max_findings, cache=cache,
                             section=(section, *span) if section and span else None),
        messages=[{"role": "user", "content": [{"type": "text", "text": persona_text}]}],
    )


def _fence_safe(text: str) -> str:
    """Keep the draft from closing the fence it sits in (a ``</document>`` inside it would end the data)."""
    return text.replace("</document>", "</ document>").replace("<document>", "< document>")
