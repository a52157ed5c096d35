"""What is sent, before it is sent: each critic's request exactly as the endpoint will receive it.

Built by the engine's own ``request_params`` (the function every try of a run calls), never a copy of
it, so the preview cannot drift from what goes over the wire. ``stream: true`` is the one field the SDK
adds when it sends. Token counts are the local estimate: counting them at the endpoint would send the
document, which is what the preview exists to avoid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from doccritic.claude.config import Backend, PanelSettings
from doccritic.claude.panel import request_params
from doccritic.claude.pricing import estimate_tokens
from doccritic.core.document import Document
from doccritic.core.findings import Finding
from doccritic.core.redaction import Redactor
from doccritic.core.references import NO_CONTEXT, ReviewContext
from doccritic.core.rounds import RoundContext


@dataclass(frozen=True)
class RequestPreview:
    persona_id: str
    persona_name: str
    tokens: int  # prompt tokens, local estimate
    body: dict[str, Any]  # the JSON body of POST /v1/messages

    def as_dict(self) -> dict[str, Any]:
        return {"persona": self.persona_id, "prompt_tokens_estimate": self.tokens, "body": self.body}

    def readable(self) -> str:
        """The text blocks in the order the model reads them, for a person rather than a parser."""
        parts = [f"model: {self.body['model']} · max_tokens: {self.body['max_tokens']} · "
                 f"~{self.tokens:,} prompt tokens"]
        for i, block in enumerate(self.body.get("system", []), 1):
            parts.append(f"── system block {i} ({estimate_tokens(block['text']):,} tokens) ──\n{block['text']}")
        for message in self.body.get("messages", []):
            for block in message["content"]:
                parts.append(f"── {message['role']} message ({estimate_tokens(block['text']):,} tokens) ──\n"
                             f"{block['text']}")
        extras = sorted(k for k in self.body if k not in ("model", "max_tokens", "system", "messages", "stream"))
        if extras:
            parts.append("── also sent ──\n" + ", ".join(extras) + " (see the JSON for their values)")
        return "\n\n".join(parts)


def request_previews(doc: Document, personas: Sequence[Any], settings: PanelSettings, backend: Backend | None = None,
                     *, section: str | None = None, redactor: Redactor | None = None,
                     raised: Sequence[Finding] = (), round_context: RoundContext | None = None,
                     context: ReviewContext | None = None) -> list[RequestPreview]:
    """One preview per persona, in panel order; redacted as the run will be. ``raised``, ``round_context`` and
    ``context`` as the run gets them (what was already raised; a re-review's changes and still-open findings;
    references and intent)."""
    backend = backend or Backend()
    out = []
    for persona in personas:
        model = getattr(persona, "model", None) or settings.model
        effort = getattr(persona, "effort", None) or settings.effort
        params = request_params(doc, persona, settings, backend, model=model, effort=effort, section=section,
                                redactor=redactor or None, raised=raised, round_context=round_context,
                                context=context or NO_CONTEXT)
        text = "".join(b["text"] for b in params["system"]) + "".join(
            b["text"] for m in params["messages"] for b in m["content"])
        out.append(RequestPreview(persona.id, persona.name, estimate_tokens(text), {**params, "stream": True}))
    return out


def debate_request_preview(doc: Document, debate: Any, personas: dict[str, Any], backend: Backend | None = None,
                           *, redactor: Redactor | None = None,
                           context: ReviewContext | None = None) -> RequestPreview:
    """The next turn of ``debate`` as it would be sent (the opening turn of a new one), redacted as the run
    will be. Later turns carry the same blocks plus the transcript so far, which does not exist yet."""
    from doccritic.claude.debate import DebateSession

    session = DebateSession(None, doc, debate, personas, backend=backend, redactor=redactor,
                            context=context or NO_CONTEXT)
    body = session.next_turn_request()
    speaker = personas[debate.speaker_for(len(debate.turns) + 1)]
    text = "".join(b["text"] for b in body["system"]) + "".join(
        b["text"] for m in body["messages"] for b in m["content"])
    return RequestPreview(speaker.id, speaker.name, estimate_tokens(text), body)
