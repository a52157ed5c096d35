"""The critic panel: several personas read the document at once and stream anchored findings.

One shared ``AsyncAnthropic``; one asyncio task per persona; events flow through a queue to whoever
iterates :meth:`Panel.events` (the CLI, the GUI's runner, a test). Design choices:

- **Cache first, then fan out.** The first critic starts alone; the rest launch once its stream has
  begun, by which time the shared prefix (instructions + document) is in the prompt cache, so they
  read it at a tenth of the price instead of each writing it.
- **Findings as they complete**, not at the end: see ``streamparse``.
- **Our own retries.** The client has ``max_retries=0`` so the engine can tell the user "rate limited,
  retrying in 12 s"; only failures before any output are retried automatically. After output has
  arrived, the findings are kept and the persona ends "partial" with a Retry for the user.
- **Degrade, don't die.** A backend that rejects structured output, caching, effort or thinking gets
  the request again without it, and the panel remembers that for the rest of the session.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import anthropic

from doccritic.claude import prompts
from doccritic.claude.commands import PanelCommand
from doccritic.claude.config import Backend, Estimate, PanelSettings, critic_max_tokens, expected_output_tokens
from doccritic.claude.events import (
    CriticDone,
    CriticFailed,
    CriticProgress,
    CriticResult,
    CriticStarted,
    CriticStatus,
    FindingFound,
    FindingMerged,
    PanelDone,
    PanelEvent,
    frozen_copy,
)
from doccritic.claude.failures import Failure, FailureKind
from doccritic.claude.pricing import PriceTable, Usage, estimate_tokens, load_prices
from doccritic.claude.retry import Attempts, Hooks
from doccritic.claude.schema import REVIEW_TOOL, answer_params, critique_schema, parse_finding, shared_tools, to_finding
from doccritic.claude.streaming import StreamState
from doccritic.claude.streamparse import FindingStream
from doccritic.core.anchoring import anchor_quote
from doccritic.core.document import Document
from doccritic.core.findings import Anchor, Finding
from doccritic.core.merge import find_duplicate, merge, reraised
from doccritic.core.quotes import differences
from doccritic.core.redaction import Redactor
from doccritic.core.references import NO_CONTEXT, ReviewContext, cite, reopened_decision
from doccritic.core.rounds import RoundContext

OPTIONAL_PARAMS = ("output_config", "cache_control", "thinking", "effort", "strict", "tool_choice", "tools")


@dataclass
class _Critic:
    """One critic's outcome while the panel writes it (engine thread only); events carry ``snapshot()``s."""

    persona_id: str
    model: str
    status: CriticStatus = CriticStatus.QUEUED
    findings: list[Finding] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    cost: float = 0.0
    duration: float = 0.0
    verdict: str = ""
    readiness: int | None = None
    skipped_items: int = 0
    failure: Failure | None = None
    attempts: int = 0
    fixed: list[str] = field(default_factory=list)

    def snapshot(self) -> CriticResult:
        return CriticResult(self.persona_id, self.model, self.status, tuple(frozen_copy(self.findings)),
                            replace(self.usage), self.cost, self.duration, self.verdict, self.readiness,
                            self.skipped_items, self.failure, self.attempts, tuple(self.fixed))

SentHook = Callable[[str, str, int, Usage, str], None]  # persona id, model, try, usage, outcome
__all__ = ["Backend", "Estimate", "Panel", "PanelSettings", "estimate", "request_params", "section_span"]


_SCHEMA = critique_schema()


def request_params(
    doc: Document,
    persona: prompts.PersonaLike,
    settings: PanelSettings,
    backend: Backend,
    *,
    model: str,
    effort: str | None,
    section: str | None = None,
    redactor: Redactor | None = None,
    raised: Sequence[Finding] = (),
    round_context: RoundContext | None = None,
    context: ReviewContext = NO_CONTEXT,
) -> dict[str, Any]:
    """One critic's request body; with a ``redactor`` every text block is redacted, so this is the one place
    where what leaves is decided (each try of a run, the token count, and the preview all call it)."""
    req = prompts.critic_request(doc, persona, section=section, span=section_span(doc, section),
                                 max_findings=settings.max_findings, cache=backend.caching, raised=raised,
                                 round_context=round_context, context=context)
    thinking = thinks(persona, settings, backend)
    params: dict[str, Any] = {"model": model, "max_tokens": critic_max_tokens(settings, effort, thinking=thinking),
                              **req.params()}
    params.update(answer_params(REVIEW_TOOL, backend, thinking=thinking))
    output_config: dict[str, Any] = {}
    if not backend.tools and backend.structured_output:  # no tools here: JSON through the output format
        output_config["format"] = {"type": "json_schema", "schema": _SCHEMA}
    if effort and backend.effort:
        output_config["effort"] = effort
    if output_config:
        params["output_config"] = output_config
    if thinking:
        params["thinking"] = {"type": "adaptive"}
    return redact_params(params, redactor) if redactor else params


def thinks(persona: Any, settings: PanelSettings, backend: Backend) -> bool:
    """Adaptive thinking for this critic: its persona's own ``thinking``, else the app's setting, if the
    endpoint takes it (a seat that must read closely can think while the rest of the panel stays fast)."""
    own = getattr(persona, "thinking", None)
    return (settings.adaptive_thinking if own is None else bool(own)) and backend.thinking


def redact_params(params: dict[str, Any], redactor: Redactor) -> dict[str, Any]:
    """``params`` with every text block (the draft, the instructions, the persona message) redacted; the
    replacements made are left in ``redactor.request_counts`` for the send log."""
    counts: Counter[str] = Counter()

    def block(b: dict[str, Any]) -> dict[str, Any]:
        text = redactor.redact(b["text"])
        counts.update(redactor.last_counts)
        return {**b, "text": text}

    out = {**params, "system": [block(b) for b in params["system"]],
           "messages": [{**m, "content": [block(b) for b in m["content"]]} for m in params["messages"]]}
    redactor.request_counts = dict(counts)
    return out


async def estimate(
    client: anthropic.AsyncAnthropic,
    doc: Document,
    personas: Sequence[Any],
    settings: PanelSettings,
    *,
    prices: PriceTable | None = None,
    backend: Backend | None = None,
    section: str | None = None,
    redactor: Redactor | None = None,
    on_sent: SentHook | None = None,
    raised: Sequence[Finding] = (),
    round_context: RoundContext | None = None,
    context: ReviewContext = NO_CONTEXT,
) -> Estimate:
    """Prompt tokens from a local estimate, or from ``count_tokens`` when ``settings.exact_estimate`` asks for
    it and the endpoint has it (that sends the prompt); dollars assume the first critic writes the shared
    prefix to the cache and the others read it. References count in full: shared ones in the cached prefix,
    a persona's own in its message."""
    prices = prices or load_prices()
    backend = backend or Backend()
    tools = tools_tokens(backend)
    shared = tools + estimate_tokens("".join(b["text"] for b in [
        *prompts.shared_prefix(doc, cache=False, context=context), *prompts.already_raised_blocks(raised, cache=False),
        *prompts.round_blocks(round_context, cache=False)]))
    out: dict[str, tuple[int, float]] = {}
    method = "local estimate"
    for i, persona in enumerate(personas):
        model = getattr(persona, "model", None) or settings.model
        effort = getattr(persona, "effort", None) or settings.effort
        params = request_params(doc, persona, settings, backend, model=model, effort=effort, section=section,
                                redactor=redactor, raised=raised, round_context=round_context, context=context)
        tokens = None
        if settings.exact_estimate and backend.count_tokens:
            try:
                extra = {k: params[k] for k in ("tools", "tool_choice") if k in params}
                counted = await client.messages.count_tokens(model=model, system=params["system"],
                                                             messages=params["messages"], **extra)
                tokens, method = counted.input_tokens, "counted by the API"
            except Exception:
                backend.count_tokens = False
            if on_sent is not None:  # counting sends the prompt: the send log hears of it like any request
                on_sent(persona.id, model, 1, Usage(input_tokens=tokens or 0), "counted" if tokens else "failed")
        if tokens is None:
            tokens = tools + estimate_tokens("".join(b["text"] for b in params["system"])) + estimate_tokens(
                "".join(b["text"] for b in params["messages"][0]["content"]))
        cached = min(shared, tokens) if backend.caching else 0
        fresh = tokens - cached
        usage = Usage(input_tokens=fresh, output_tokens=expected_output_tokens(
                          settings, effort, thinking=thinks(persona, settings, backend)),
                      cache_creation_input_tokens=cached if i == 0 else 0,
                      cache_read_input_tokens=cached if i > 0 else 0)
        out[persona.id] = (tokens, prices.cost(model, usage))
    return Estimate(out, method)


def tools_tokens(backend: Backend) -> int:
    """What the shared tools list adds to every prompt (in the cached prefix), by the local estimate."""
    import json

    return estimate_tokens(json.dumps(shared_tools(strict=backend.strict_tools))) if backend.tools else 0


def section_span(doc: Document, title: str | None) -> tuple[int, int] | None:
    """The span of the section a critic named (case-insensitive; a prefix will do)."""
    if not title:
        return None
    want = title.strip().strip("#").strip().casefold()
    sections = [s for top in doc.sections for s in top.walk()]
    for match in (lambda t: t == want, lambda t: t.startswith(want) or want.startswith(t)):
        for s in sections:
            if s.title.strip().casefold() and match(s.title.strip().casefold()):
                return s.start, s.end
    return None


class Panel:
    """One run of several critics over one document (or one section of it)."""

    def __init__(
        self,
        client: anthropic.AsyncAnthropic,
        doc: Document,
        personas: Sequence[Any],
        settings: PanelSettings | None = None,
        *,
        prices: PriceTable | None = None,
        backend: Backend | None = None,
        section: str | None = None,
        existing: Sequence[Finding] = (),
        key_source: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        on_sent: SentHook | None = None,
        redactor: Redactor | None = None,
        round_context: RoundContext | None = None,
        context: ReviewContext = NO_CONTEXT,
    ) -> None:
        self.client, self.doc, self.personas = client, doc, list(personas)
        self.round_context = round_context  # a re-review: the changes since the last round, what is still open
        self.context = context  # references and the author's intent, sent after the cached draft
        self.on_sent = on_sent  # the send log: (persona id, model, try, usage, outcome) after every request
        self.redactor = redactor or None  # an empty Redactor is no redaction
        self.settings = settings or PanelSettings()
        self.prices = prices or load_prices()
        self.backend = backend or Backend()
        self.section = section
        self._within = section_span(doc, section) if section else None
        self._cards: list[Finding] = [f for f in existing if f.persona]
        self._raised = list(existing)  # checks, earlier cards, dismissals: what each critic is told not to repeat
        self._clock = clock
        self._queue: asyncio.Queue[PanelEvent] = asyncio.Queue()
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._results = {p.id: _Critic(p.id, getattr(p, "model", None) or self.settings.model) for p in personas}
        self._first_stream = asyncio.Event()
        self._budget_lock = asyncio.Lock()
        self.key_source = key_source  # "environment" / "keyring": named when the key is rejected
        self._reserved: dict[str, float] = {}  # estimated dollars per launched critic
        self._live: dict[str, Attempts] = {}  # each critic's tries: actual usage so far
        self._spent = 0.0
        self._stop_reasons: dict[str, Failure] = {}  # why a critic was cancelled, when not by the PM
        self._fatal_failures: dict[str | None, Failure] = {}  # None: every model (bad key); else per model
        self.budget_stopped = False
        self._cancel_all = False
        self.price_factor = 1.0  # what share of the listed price is billed (a batch: half)

    # public ---------------------------------------------------------------------------------
    def apply(self, command: PanelCommand, *args: str | None) -> None:
        """Run one command routed by the bridge; :class:`CommandError` for one a panel does not take."""
        PanelCommand.parse(command, args)
        self.cancel(*args)

    def cancel(self, persona_id: str | None = None) -> None:
        """Stop one critic, or all; their findings so far are kept."""
        for pid, task in self._tasks.items():
            if persona_id in (None, pid) and not task.done():
                task.cancel()
        if persona_id is None:
            self._cancel_all = True

    async def events(self) -> AsyncIterator[PanelEvent]:
        supervisor = asyncio.create_task(self._run_all())
        try:
            while True:
                event = await self._queue.get()
                yield event
                if isinstance(event, PanelDone):
                    return
        finally:
            if not supervisor.done():
                self.cancel()
                supervisor.cancel()
            await asyncio.gather(supervisor, *self._tasks.values(), return_exceptions=True)

    @property
    def results(self) -> list[CriticResult]:
        """Each critic's outcome so far (copies)."""
        return [r.snapshot() for r in self._results.values()]

    @property
    def cards(self) -> list[Finding]:
        """The finding cards so far (critics' findings merged), in document order (copies)."""
        return sorted(frozen_copy(self._cards), key=Finding.sort_key)

    def absorb(self, persona_id: str, text: str, usage: Usage, stop_reason: str | None) -> CriticResult:
        """A critic's whole answer arriving at once (a batch result): parsed, placed, merged and judged whole or
        cut exactly as a streamed one is, so a batch review reads like a live one."""
        persona = next(p for p in self.personas if p.id == persona_id)
        result, stream = self._results[persona_id], FindingStream()
        result.attempts, result.usage = 1, usage
        for raw in stream.feed(text):
            self._accept(persona, result, raw)
        state = StreamState(opened=True, usage=usage, stop_seen=stop_reason is not None, stop_reason=stop_reason)
        self._conclude(persona, result, stream, state, self._clock())
        return result.snapshot()

    def give_up(self, persona_id: str, failure: Failure, usage: Usage | None = None) -> CriticResult:
        """A critic that will not answer in this run (a batch item errored, expired or was canceled)."""
        result = self._results[persona_id]
        if usage is not None:
            result.usage = usage
        self._end(result, self._clock(), failure)
        return result.snapshot()

    async def run_one(self, persona_id: str) -> CriticResult:
        """Stream one critic now into this panel's cards (a batch item the endpoint refused for a feature it
        lacks, sent again without it); returns its outcome."""
        persona = next(p for p in self.personas if p.id == persona_id)
        await self._guarded(persona, asyncio.Semaphore(1))
        return self._results[persona_id].snapshot()

    # orchestration --------------------------------------------------------------------------
    async def _run_all(self) -> None:
        started = self._clock()
        limit = asyncio.Semaphore(max(1, self.settings.max_concurrent))
        per_persona = await self._estimates()
        for persona in self.personas:
            if self._cancel_all:
                self._finish_unlaunched(persona.id, FailureKind.CANCELLED, "stopped before it started")
                continue
            if self._tasks and self.settings.stagger:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._first_stream.wait(), self.settings.stagger_timeout)
            model = self._results[persona.id].model
            if (fatal := self._fatal_for(model)) is not None:
                self._finish_unlaunched(persona.id, fatal.kind, fatal.message)
                continue
            if not await self._reserve(persona.id, per_persona.get(persona.id, 0.0)):
                self._finish_unlaunched(
                    persona.id, FailureKind.BUDGET,
                    f"the budget cap of ${self.settings.budget_usd:.2f} for this run was reached.")
                continue
            self._tasks[persona.id] = asyncio.create_task(self._guarded(persona, limit))
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        results = tuple(self.results)
        usage = sum((r.usage for r in results), Usage())
        self._queue.put_nowait(PanelDone(results, usage, sum(r.cost for r in results), self._clock() - started,
                                         self.budget_stopped))

    async def _estimates(self) -> dict[str, float]:
        if self.settings.budget_usd is None:
            return {}
        est = await estimate(self.client, self.doc, self.personas, self.settings, prices=self.prices,
                             backend=self.backend, section=self.section, redactor=self.redactor,
                             on_sent=self.on_sent, raised=self._raised, round_context=self.round_context,
                             context=self.context)
        return {pid: cost for pid, (_, cost) in est.per_persona.items()}

    async def _reserve(self, pid: str, cost: float) -> bool:
        """Launch only while actual spend, what running critics are still expected to spend, and this critic's
        estimate fit the cap."""
        if self.settings.budget_usd is None:
            return True
        async with self._budget_lock:
            self._check_spend()
            running = sum(max(0.0, self._reserved[p] - self.prices.cost(self._results[p].model, t.live_usage()))
                          for p, t in self._live.items() if not self._tasks[p].done())
            if self.budget_stopped or self._spent + running + cost > self.settings.budget_usd + 1e-9:
                self.budget_stopped = True
                return False
            self._reserved[pid] = cost
            return True

    def _finish_unlaunched(self, pid: str, kind: FailureKind, message: str) -> None:
        result = self._results[pid]
        result.status = CriticStatus.CANCELLED if kind is FailureKind.CANCELLED else CriticStatus.SKIPPED
        result.failure = Failure(kind, message)
        self._queue.put_nowait(CriticFailed(pid, result.snapshot()))

    async def _guarded(self, persona: Any, limit: asyncio.Semaphore) -> None:
        result = self._results[persona.id]
        started = self._clock()
        try:
            async with limit:
                await self._critic(persona, result)
        except asyncio.CancelledError:
            self._end(result, started, self._stop_reasons.get(persona.id) or Failure(FailureKind.CANCELLED, ""))
        except Exception as exc:  # a bug must cost one critic, never the panel
            self._end(result, started, Failure(FailureKind.INTERNAL, f"Unexpected error ({type(exc).__name__})."))
        finally:
            self._first_stream.set()  # never leave the others waiting on a critic that is gone

    # one critic ------------------------------------------------------------------------------
    async def _critic(self, persona: Any, result: _Critic) -> None:
        model = result.model
        effort = getattr(persona, "effort", None) or self.settings.effort
        started = self._clock()
        if (fatal := self._fatal_for(model)) is not None:
            return self._end(result, started, fatal)
        stream = FindingStream()

        def attempt(n: int) -> None:
            nonlocal stream
            stream = FindingStream()
            result.attempts = n
            self._queue.put_nowait(CriticStarted(persona.id, model, n))

        def began() -> None:
            result.status = CriticStatus.WRITING
            self._first_stream.set()
            self._queue.put_nowait(CriticProgress(persona.id, "writing", len(result.findings)))

        def phase(name: str) -> None:
            self._queue.put_nowait(CriticProgress(persona.id, "thinking…" if name == "thinking" else "writing",
                                                  len(result.findings)))

        def text(delta: str) -> None:
            for raw in stream.feed(delta):
                self._accept(persona, result, raw)
            self._check_spend()

        def wait(message: str, seconds: float | None) -> None:
            self._queue.put_nowait(CriticProgress(persona.id, message, len(result.findings), seconds))

        def tool(name: str) -> None:  # the review starts in the tool call: text before it was a preamble
            nonlocal stream
            if name == REVIEW_TOOL and not result.findings:
                stream = FindingStream()

        tries = Attempts(
            self.client,
            lambda: request_params(self.doc, persona, self.settings, self.backend, model=model, effort=effort,
                                   section=self.section, redactor=self.redactor, raised=self._raised,
                                   round_context=self.round_context, context=self.context),
            self.backend, self.settings.retry_policy(),
            Hooks(on_text=text, on_start=began, on_phase=phase, on_attempt=attempt, on_wait=wait, on_tool=tool,
                  produced=lambda: bool(result.findings), on_sent=self._sent_hook(persona.id, model)),
            model=model, optional=OPTIONAL_PARAMS, key_source=self.key_source, clock=self._clock)
        self._live[persona.id] = tries
        try:
            failure = await tries.run()
        finally:
            result.usage = tries.usage
        if failure is not None:
            return self._end(result, started, self._fatal(model, failure))
        return self._conclude(persona, result, stream, tries.state, started)

    def _sent_hook(self, pid: str, model: str) -> Callable[[int, Usage, str], None] | None:
        hook = self.on_sent
        if hook is None:
            return None
        return lambda attempt, usage, outcome: hook(pid, model, attempt, usage, outcome)

    def _fatal(self, model: str, failure: Failure) -> Failure:
        """Remember a failure that every critic on this key (401) or model (403/404) would meet too."""
        if failure.kind is FailureKind.AUTH:
            self._fatal_failures[None] = failure
        elif failure.kind in (FailureKind.PERMISSION, FailureKind.MODEL_NOT_FOUND):
            self._fatal_failures[model] = failure
        return failure

    def _fatal_for(self, model: str) -> Failure | None:
        known = self._fatal_failures.get(None) or self._fatal_failures.get(model)
        if known is None:
            return None
        return replace(known, message=f"Not started: {known.message[0].lower()}{known.message[1:]}")

    def _check_spend(self) -> None:
        """Enforce the budget cap on actual spend while critics write: stop launching, then stop writing."""
        cap = self.settings.budget_usd
        if cap is None:
            return
        spent = reserved = 0.0
        for pid, tries in self._live.items():
            cost = self.prices.cost(self._results[pid].model, tries.live_usage())
            spent += cost
            if not self._tasks.get(pid) or not self._tasks[pid].done():
                reserved += max(0.0, self._reserved.get(pid, 0.0) - cost)
        self._spent = spent
        if spent + reserved <= cap + 1e-9:
            return
        self.budget_stopped = True
        if spent > cap + 1e-9:
            for pid, task in self._tasks.items():
                if not task.done() and pid not in self._stop_reasons:
                    self._stop_reasons[pid] = Failure(
                        FailureKind.BUDGET, f"stopped: the budget cap of ${cap:.2f} for this run was spent.")
                    task.cancel()

    def _accept(self, persona: Any, result: _Critic, raw: Any) -> None:
        if self.redactor:  # the critic saw placeholders: the PM sees, and the anchor finds, the real words
            raw = self.redactor.restore_all(raw)
        item = parse_finding(raw)
        if item is None:
            result.skipped_items += 1
            return
        if len(result.findings) >= self.settings.max_findings:
            return  # asked for the most severe first: the cap keeps those
        finding = self._with_context(self._place(to_finding(item, persona.id), item.section), item)
        if item.reraise:  # the critic's own copy says so too: a round tells a new reason from a repeat by it
            finding = reraised(finding, finding)
        result.findings.append(finding)
        card = find_duplicate(self._cards, finding)
        if card is not None:
            merged = merge(card, finding)
            if item.reraise:
                merged = reraised(merged, finding)
            if merged is not card:
                self._cards[self._cards.index(card)] = merged
                self._queue.put_nowait(FindingMerged(persona.id, frozen_copy(merged)))
        else:
            self._cards.append(finding)
            self._queue.put_nowait(FindingFound(persona.id, frozen_copy(finding)))
        self._queue.put_nowait(CriticProgress(persona.id, "writing", len(result.findings)))

    def _place(self, finding: Finding, section: str | None) -> Finding:
        if not finding.quote:  # a forgotten quote is not a finding about the whole document
            whole = finding.about in ("document", "absence")
            return finding.model_copy(update={"anchor": Anchor.DOCUMENT if whole else Anchor.UNANCHORED})
        if self._within is not None:  # a section review: the critic saw only that section
            where = anchor_quote(self.doc.text, finding.quote, within=self._within)
        else:  # the section the critic named is only a tie-breaker: the text decides
            where = anchor_quote(self.doc.text, finding.quote, section=section_span(self.doc, section))
        if where.anchor is Anchor.AMBIGUOUS:  # never silently on the first of several matches
            return finding.model_copy(update={"anchor": Anchor.AMBIGUOUS, "candidates": list(where.candidates)})
        misquoted = where.anchor.placed and bool(differences(finding.quote, self.doc.text[where.start:where.end]))
        return finding.model_copy(update={"start": where.start, "end": where.end, "anchor": where.anchor,
                                          "misquoted": misquoted})

    def _with_context(self, finding: Finding, item: Any) -> Finding:
        """The reference passage anchored in that reference; a "challenges a decision" flag only when the
        author stated decisions (without an intent there is nothing settled to challenge), and also when the
        critic re-opened one without saying so (the finding names the decision's words)."""
        update: dict[str, Any] = {}
        if item.reference is not None and (ref := self.context.get(item.reference.id)) is not None:
            update["cites"] = [cite(ref, item.reference.quote)]  # restored already, with the rest of the item
        if finding.challenges_decision and not self.context.has_intent:
            update["challenges_decision"] = None
        elif not finding.challenges_decision and self.context.has_intent:  # the critic re-opened it unsaid
            update["challenges_decision"] = reopened_decision(self.context.intent, f"{finding.title}\n{finding.quote}")
        return finding.model_copy(update=update) if update else finding

    def _conclude(self, persona: Any, result: _Critic, fs: FindingStream, state: StreamState,
                  started: float) -> None:
        rest, whole = fs.finish()
        for raw in rest:
            self._accept(persona, result, raw)
        if whole is not None:
            if self.redactor:
                whole = self.redactor.restore_all(whole)
            result.verdict = str(whole.get("verdict") or "").strip()
            readiness = whole.get("readiness")
            result.readiness = int(readiness) if isinstance(readiness, int | float) else None
            fixed = whole.get("fixed") if self.round_context is not None else None
            still = {f.id for f in self.round_context.still_open} if self.round_context is not None else set()
            result.fixed = [str(x) for x in fixed if str(x) in still] if isinstance(fixed, list) else []
        return self._end(result, started, cut_short(state, whole is not None, len(result.findings)))

    def _end(self, result: _Critic, started: float, failure: Failure | None) -> None:
        result.duration = self._clock() - started
        result.cost = self.prices.cost(result.model, result.usage) * self.price_factor
        result.failure = failure
        if failure is None:
            result.status = CriticStatus.DONE
            self._queue.put_nowait(CriticDone(result.persona_id, result.snapshot()))
            return
        if failure.kind is FailureKind.CANCELLED:
            result.status = CriticStatus.CANCELLED
        else:
            result.status = CriticStatus.PARTIAL if result.findings else CriticStatus.FAILED
        self._queue.put_nowait(CriticFailed(result.persona_id, result.snapshot()))


def cut_short(state: StreamState, parsed: bool, kept: int) -> Failure | None:
    """Why a critic's answer is not whole, or None: never a silent "done" for a cut or unreadable answer."""
    n = f"{kept} finding{'' if kept == 1 else 's'} kept"
    stop = state.stop_reason
    if not state.stop_seen:
        return Failure(FailureKind.TRUNCATED, f"The answer stopped before it was finished; {n}.")
    if stop == "refusal":
        return Failure(FailureKind.REFUSAL, f"The model declined to go on (refusal); {n}.")
    if stop == "max_tokens":
        return Failure(FailureKind.MAX_TOKENS, f"The critic ran out of room (max_tokens); {n}.")
    if stop == "model_context_window_exceeded":
        return Failure(FailureKind.TOO_LARGE, f"The model's context window ran out mid-answer; {n}. "
                       "Review one section at a time.")
    if not parsed:
        if not kept:
            return Failure(FailureKind.MALFORMED, "The critic's answer was not the JSON it was asked for.")
        return Failure(FailureKind.MALFORMED, f"The end of the answer was unreadable; {n}.")
    return None
