"""Debate engine: two personas argue turn by turn over the draft, then a referee sums up.

Same conventions as the critic panel: one ``AsyncAnthropic``, typed events from an async iterator, no
Qt. The request for each turn is the shared debate instructions and the document (cache breakpoint
one), then the setup and the transcript so far (cache breakpoint two, on the latest turn), then the
speaker's instruction: every turn re-reads what earlier turns already cached. Turns send the critics' tools
list with ``tool_choice: none`` (prose), the referee the same list with its ``referee_verdict`` tool, so all
of them read the tools and the document from the entry the critics wrote.

The session is long-lived and steerable while it runs: :meth:`DebateSession.pause`, ``resume``,
``stop`` (keeps the partial turn, marked), ``interject`` (the moderator message reaches the next
turn), ``another_round``, ``regenerate_last`` and ``retry`` (an interrupted turn). ``events()`` runs
whatever is pending — the remaining turns, then the referee — and can be called again to continue.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

from doccritic.claude.commands import DebateCommand
from doccritic.claude.config import (
    DEBATE_TURN_EFFORT,
    DEBATE_TURN_THINKING,
    MAX_OUTPUT_CAP,
    REFEREE_EFFORT,
    REFEREE_MAX_TOKENS,
    REFEREE_THINKING,
    THINKING_ROOM,
    Backend,
)
from doccritic.claude.events import (
    DebateChanged,
    DebateEvent,
    DebateIdle,
    SummaryDone,
    SummaryFailed,
    SummaryPointFound,
    SummaryStarted,
    SummaryWaiting,
    TurnDelta,
    TurnDone,
    TurnFailed,
    TurnStarted,
    TurnWaiting,
    frozen_copy,
)
from doccritic.claude.failures import Failure, FailureKind
from doccritic.claude.policy import RetryPolicy
from doccritic.claude.pricing import PriceTable, Usage, load_prices
from doccritic.claude.prompts import context_blocks, document_block, fence_safe, template
from doccritic.claude.retry import Attempts, Hooks
from doccritic.claude.schema import VERDICT_TOOL, answer_params
from doccritic.claude.streamparse import FindingStream
from doccritic.core.anchoring import anchor_quote
from doccritic.core.debates import (
    POINT_CATEGORIES,
    POINT_SIDES,
    WINNERS,
    Citation,
    Clash,
    Debate,
    Interjection,
    Summary,
    SummaryPoint,
    Turn,
    TurnFlag,
    place_citation,
)
from doccritic.core.document import Document
from doccritic.core.findings import Kind, ReferenceCitation, Severity
from doccritic.core.redaction import Redactor
from doccritic.core.references import NO_CONTEXT, ReviewContext, cite

_QUOTED = re.compile(r"[\"“]([^\"“”]{12,400})[\"”]")  # passages a turn quotes: 12+ characters in double quotes
_CONCEDE = re.compile(r"\bI concede\b", re.IGNORECASE)
_THE_MOTION = re.compile(r"\bthe motion\b", re.IGNORECASE)
_BECAUSE = re.compile(r"\b(because|since|given)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")
MAX_SUMMARY_POINTS = 10
MAX_CLASHES = 6
# what a backend may reject; the debate goes on without it
OPTIONAL = ("cache_control", "effort", "thinking", "strict", "tool_choice", "tools")


# the session ----------------------------------------------------------------------------------
class DebateSession:
    def __init__(
        self,
        client: Any,
        doc: Document,
        debate: Debate,
        personas: dict[str, Any],
        *,
        max_tokens: int | None = None,
        prices: PriceTable | None = None,
        backend: Backend | None = None,
        summarize: bool = True,
        attempts: int = 3,
        policy: RetryPolicy | None = None,
        key_source: str | None = None,
        on_sent: Callable[[str, str, int, Usage, str], None] | None = None,
        redactor: Redactor | None = None,
        context: ReviewContext = NO_CONTEXT,
    ) -> None:
        self.client, self.doc, self.debate, self.personas = client, doc, debate, personas
        self.context = context  # the review's references and intent: debaters and the referee read them too
        self.on_sent = on_sent  # the send log: (speaker or "referee", model, try, usage, outcome) per request
        # Redaction: requests carry placeholders, turns and summaries come back with the real words. A turn's
        # answer is restored as it streams; a placeholder still arriving is held back until it is whole.
        self.redactor = redactor or None
        self._raw = self._restored = ""
        self.max_tokens = max_tokens or max(1024, debate.turn_words * 6)  # a cap costs nothing; a cut turn does
        self.prices = prices or load_prices()
        self.backend = backend or Backend()
        self.summarize = summarize
        self.policy = policy or RetryPolicy(attempts=attempts, total_seconds=300.0)
        self.key_source = key_source  # named when the key is rejected
        self._paused = False
        self._stopped = False
        self._resume = asyncio.Event()
        self._resume.set()
        self._current: asyncio.Task[None] | None = None
        self._queue: asyncio.Queue[DebateEvent] = asyncio.Queue()
        self._summary_wanted = False
        self._continuing = False
        self.version = 0  # grows with every change to ``debate``: snapshots carry it

    def _sent_hook(self, who: str, model: str) -> Callable[[int, Usage, str], None] | None:
        hook = self.on_sent
        if hook is None:
            return None
        return lambda attempt, usage, outcome: hook(who, model, attempt, usage, outcome)

    # commands (call on the session's loop) ---------------------------------------------------
    def apply(self, command: DebateCommand, *args: Any) -> None:
        """Run one command; the bridge routes every GUI command here. Raises :class:`CommandError` for a
        command a debate does not take (or the wrong arguments), before anything changes."""
        command = DebateCommand.parse(command, args)
        handlers: dict[DebateCommand, Callable[..., None]] = {
            DebateCommand.PAUSE: self.pause,
            DebateCommand.RESUME: self.resume,
            DebateCommand.STOP: self.stop,
            DebateCommand.INTERJECT: self.interject,
            DebateCommand.ANOTHER_ROUND: self.another_round,
            DebateCommand.REGENERATE_LAST: self.regenerate_last,
            DebateCommand.RETRY: self.retry,
            DebateCommand.CONTINUE_LAST: self.continue_last,
            DebateCommand.REQUEST_SUMMARY: self.request_summary,
        }
        handlers[command](*args)
        self.version += 1

    def snapshot(self) -> DebateChanged:
        """The debate as it stands now, as a copy: what a reader on another thread may keep."""
        return DebateChanged(frozen_copy(self.debate), self.version)

    def _changed(self) -> None:
        """A turn or the summary changed the debate: say so in the event stream, in order with the turn's text."""
        self.version += 1
        self._queue.put_nowait(self.snapshot())

    def pause(self) -> None:
        """Finish the turn being written, then wait."""
        self._paused = True
        self._resume.clear()

    def resume(self) -> None:
        self._paused = False
        self._stopped = False
        self._resume.set()

    def stop(self) -> None:
        """Stop now: the turn being written is kept as it is, marked stopped."""
        self._stopped = True
        self._resume.set()
        if self._current is not None and not self._current.done():
            self._current.cancel()

    def interject(self, text: str) -> None:
        text = text.strip()
        if text:
            self.debate.interjections.append(Interjection(after_turn=len(self.debate.turns), text=text))

    def another_round(self) -> None:
        self.debate.rounds += 1
        self.debate.summary = None  # the referee sums up the longer debate

    def regenerate_last(self) -> None:
        if self.debate.turns:
            self.debate.turns.pop()
            self.debate.summary = None

    def retry(self) -> None:
        """Run an interrupted (or stopped) last turn again."""
        if self.debate.turns and self.debate.turns[-1].status != "complete":
            self.debate.turns.pop()
        self._stopped = False

    def continue_last(self) -> None:
        """Finish an interrupted last turn (cut at the length limit, say) from where it stopped: its text is kept
        and the speaker carries on, instead of writing the turn again as ``retry`` does."""
        if self.debate.turns and self.debate.turns[-1].status == "interrupted" and self.debate.turns[-1].text:
            self._continuing = True
        self._stopped = False

    def request_summary(self) -> None:
        """Sum up now, even before all rounds are spoken."""
        self._summary_wanted = True

    # running ---------------------------------------------------------------------------------
    async def events(self) -> AsyncIterator[DebateEvent]:
        worker = asyncio.create_task(self._run())
        try:
            while True:
                event = await self._queue.get()
                yield event
                if isinstance(event, DebateIdle):
                    return
        finally:
            if not worker.done():
                self.stop()
                worker.cancel()
            await asyncio.gather(worker, return_exceptions=True)

    async def _run(self) -> None:
        reason = "finished"
        while True:
            if self._stopped:
                reason = "stopped"
                break
            if self._summary_wanted:
                break
            if self._paused:
                self._queue.put_nowait(DebateIdle(frozen_copy(self.debate), "paused", self.version))
                return
            turns = self.debate.turns
            resume = None
            if turns and turns[-1].status == "interrupted":
                if not self._continuing:
                    reason = "interrupted"
                    break
                self._continuing = False
                resume = turns.pop()  # the turn is written on from its text, and appended again when done
                self.version += 1
            elif len(turns) >= self.debate.planned_turns:
                break
            self._current = asyncio.create_task(self._turn(len(turns) + 1, resume))
            try:
                await self._current
            except asyncio.CancelledError:
                if not self._stopped:
                    raise
            finally:
                self._current = None
        if reason == "finished" and self.summarize and self.debate.summary is None and self.debate.turns:
            self._summary_wanted = False
            await self._referee()
        self._queue.put_nowait(DebateIdle(frozen_copy(self.debate), reason, self.version))

    # one turn ----------------------------------------------------------------------------------
    def next_turn_request(self) -> dict[str, Any]:
        """The body of the next turn's request exactly as it would be sent (redacted; the SDK adds
        ``stream``), for a preview that sends nothing."""
        index = len(self.debate.turns) + 1
        model = self.model_of(self.debate.speaker_for(index))
        return {**self._redacted(self._turn_params(index, model)), "stream": True}

    def model_of(self, speaker: str) -> str:
        """A persona's own model speaks its turns (as it reviews with it); else the debate's model."""
        return getattr(self.personas.get(speaker), "model", None) or self.debate.model

    async def _turn(self, index: int, resume: Turn | None = None) -> None:
        """Speak turn ``index``; with ``resume`` (the same turn, cut short) carry on from its text."""
        debate = self.debate
        speaker = debate.speaker_for(index)
        turn = Turn(index=index, speaker=speaker, side=debate.side_of(speaker))
        model = self.model_of(speaker)
        so_far = resume.text.rstrip() + " " if resume is not None else ""

        def attempt(_: int) -> None:
            turn.text = so_far
            self._raw = self._restored = ""
            self._queue.put_nowait(TurnStarted(index, speaker))

        tries = Attempts(
            self.client, lambda: self._redacted(self._turn_params(index, model, so_far=so_far.strip())),
            self.backend, self.policy,
            Hooks(on_text=lambda delta: self._delta(turn, delta), on_attempt=attempt,
                  on_wait=lambda message, _: self._queue.put_nowait(TurnWaiting(index, message)),
                  produced=lambda: len(turn.text.strip()) > len(so_far.strip()),
                  on_sent=self._sent_hook(speaker, model)),
            model=model, optional=OPTIONAL, key_source=self.key_source)
        try:
            failure = await tries.run()
        except asyncio.CancelledError:
            return self._finish_turn(turn, tries.usage, model, stopped=True)
        if failure is None:
            failure = _turn_cut_short(tries.state.stop_reason if tries.state.stop_seen else "truncated")
        if failure is not None:
            return self._fail_turn(turn, tries.usage, model, failure)
        return self._finish_turn(turn, tries.usage, model)

    def _delta(self, turn: Turn, text: str, *, final: bool = False) -> None:
        if self.redactor is not None:
            self._raw += text
            settled = self._raw if final else self._raw[:_settled(self._raw)]
            restored = self.redactor.restore(settled)
            text, self._restored = restored[len(self._restored):], restored
        if text:
            turn.text += text
            self._queue.put_nowait(TurnDelta(turn.index, text))

    def _redacted(self, params: dict[str, Any]) -> dict[str, Any]:
        from doccritic.claude.panel import redact_params

        return redact_params(params, self.redactor) if self.redactor is not None else params

    def _finish_turn(self, turn: Turn, usage: Usage, model: str, *, stopped: bool = False) -> None:
        self._delta(turn, "", final=True)
        turn.text = turn.text.strip()
        turn.citations, turn.cites = self.cite(turn.text), self.cite_references(turn.text)
        turn.usage = usage.as_dict()
        self._count(usage, model)
        if stopped:
            turn.status = "stopped"
        else:
            turn.flags = turn_flags(turn, last_round=self.debate.round_of(turn.index) >= self.debate.rounds)
        self.debate.turns.append(turn)
        self._changed()
        self._queue.put_nowait(TurnDone(frozen_copy(turn)))

    def _fail_turn(self, turn: Turn, usage: Usage, model: str, failure: Failure) -> None:
        self._delta(turn, "", final=True)
        turn.status, turn.failure = "interrupted", failure.message
        turn.text = turn.text.strip()
        turn.citations, turn.cites = self.cite(turn.text), self.cite_references(turn.text)
        turn.usage = usage.as_dict()
        self._count(usage, model)
        self.debate.turns.append(turn)
        self._changed()
        self._queue.put_nowait(TurnFailed(frozen_copy(turn), failure))

    def _count(self, usage: Usage, model: str) -> None:
        total = Usage(**{k: self.debate.usage.get(k, 0) for k in Usage.__dataclass_fields__}) + usage
        self.debate.usage = total.as_dict()
        self.debate.cost_usd += self.prices.cost(model, usage)

    # the referee -----------------------------------------------------------------------------
    async def _referee(self) -> None:
        self._queue.put_nowait(SummaryStarted())
        summary = Summary()
        parser = FindingStream("points")
        model = self.debate.model

        def attempt(_: int) -> None:
            nonlocal parser
            parser = FindingStream("points")
            summary.points.clear()

        def take(delta: str) -> None:
            for raw in parser.feed(delta):
                self._add_point(summary, raw)

        def tool(name: str) -> None:  # the verdict starts in the tool call: text before it was a preamble
            nonlocal parser
            if name == VERDICT_TOOL and not summary.points:
                parser = FindingStream("points")

        tries = Attempts(self.client, lambda: self._redacted(self._referee_params()), self.backend, self.policy,
                         Hooks(on_text=take, on_attempt=attempt, on_tool=tool, produced=lambda: bool(summary.points),
                               on_wait=lambda message, _: self._queue.put_nowait(SummaryWaiting(message)),
                               on_sent=self._sent_hook("referee", model)),
                         model=model, optional=OPTIONAL, key_source=self.key_source)
        try:
            failure = await tries.run()
        finally:
            self._count(tries.usage, model)
        if failure is not None:
            self._queue.put_nowait(SummaryFailed(failure))
            return
        rest, whole = parser.finish()
        for raw in rest:
            self._add_point(summary, raw)
        if whole is None and not summary.points:
            self._queue.put_nowait(SummaryFailed(Failure(FailureKind.MALFORMED, "The referee's summary was garbled.")))
            return
        whole = whole or {}
        if self.redactor is not None:
            whole = self.redactor.restore_all(whole)
        summary.verdict = str(whole.get("verdict") or "").strip()
        summary.decision_for_author = str(whole.get("decision_for_author") or "").strip()
        clashes = whole.get("clashes")
        summary.clashes = [c for raw in (clashes if isinstance(clashes, list) else [])[:MAX_CLASHES]
                           if (c := self._clash(raw)) is not None]
        if (cut := _turn_cut_short(tries.state.stop_reason if tries.state.stop_seen else "truncated")) is not None:
            summary.verdict = f"{summary.verdict} [Summary cut short: {cut.message}]".strip()
        self.debate.summary = summary
        self._changed()
        self._queue.put_nowait(SummaryDone(frozen_copy(summary)))

    def _clash(self, raw: Any) -> Clash | None:
        """One clash of the referee's answer, checked: a question is required, an unknown winner is undecided."""
        if not isinstance(raw, dict) or not str(raw.get("question") or "").strip():
            return None
        winner = _one_of(raw.get("winner"), WINNERS, "undecided")
        text = {k: " ".join(str(raw.get(k) or "").split()) for k in ("question", "because", "evidence_to_settle",
                                                                        "owner")}
        cites = raw.get("citations")
        cites = cites if isinstance(cites, list) else []
        return Clash(winner=winner, citations=[self.place(str(q)) for q in cites if str(q).strip()], **text)

    def _add_point(self, summary: Summary, raw: Any) -> None:
        if self.redactor is not None:
            raw = self.redactor.restore_all(raw)
        if not isinstance(raw, dict) or not str(raw.get("text") or "").strip():
            return
        kinds, severities = {k.value for k in Kind}, {s.value for s in Severity}
        try:
            point = SummaryPoint(
                category=_one_of(raw.get("category"), POINT_CATEGORIES, "unresolved"),
                side=_one_of(raw.get("side"), POINT_SIDES, "both"),
                text=str(raw["text"]).strip(),
                citations=[self.place(str(q)) for q in raw.get("citations") or [] if str(q).strip()],
                kind=Kind(raw["kind"]) if raw.get("kind") in kinds else Kind.CHALLENGED_ASSUMPTION,
                severity=Severity(raw["severity"]) if raw.get("severity") in severities else Severity.MAJOR,
            )
        except (ValueError, TypeError):
            return
        summary.points.append(point)
        self._queue.put_nowait(SummaryPointFound(frozen_copy(point)))

    # requests --------------------------------------------------------------------------------
    def _system(self) -> list[dict[str, Any]]:
        """The same fenced document block the critics send first (read from the cache they wrote), then the
        debate instructions, then the review's shared references and the author's intent."""
        instructions: dict[str, Any] = {"type": "text", "text": template("debate-system").template}
        if self.backend.caching:
            instructions["cache_control"] = {"type": "ephemeral"}
        context = context_blocks(self.context, cache=self.backend.caching, audience="debate")
        return [document_block(self.doc, cache=self.backend.caching), instructions, *context]

    def _setup_block(self) -> str:
        d = self.debate
        pro, con = self.personas[d.pro], self.personas[d.con]
        if d.free_positions:
            pro_pos = con_pos = "Take the position your seat leads you to; you need not disagree for its own sake."
        else:
            pro_pos = "Argue FOR the motion: defend the draft's decision with the document's own evidence."
            con_pos = "Argue AGAINST the motion: show from the document why the decision should not stand as written."
        focus = ("The debate is about this passage or finding of the draft:\n"
                 f"<passage>{fence_safe(d.focus)}</passage>\n" if d.focus else "")
        return template("debate-setup").substitute(
            motion=d.motion, focus=focus, pro_brief=pro.brief().strip(), pro_position=pro_pos,
            con_brief=con.brief().strip(), con_position=con_pos)

    def _transcript_blocks(self, upto: int) -> list[dict[str, Any]]:
        """Earlier turns and interjections, in order, one block each; the last carries the cache breakpoint."""
        blocks: list[dict[str, Any]] = []
        notes = sorted(self.debate.interjections, key=lambda n: n.after_turn)
        for turn in self.debate.turns[:upto]:
            for note in (n for n in notes if n.after_turn == turn.index - 1):
                blocks.append({"type": "text", "text": f"Moderator (the document's author): {note.text}"})
            name = self.personas[turn.speaker].name
            marker = "" if turn.status == "complete" else " [cut off]"
            blocks.append({"type": "text", "text": f"Turn {turn.index} — {name} ({turn.side}){marker}:\n{turn.text}"})
        for note in (n for n in notes if n.after_turn >= upto):
            blocks.append({"type": "text", "text": f"Moderator (the document's author): {note.text}"})
        if blocks and self.backend.caching:
            blocks[-1]["cache_control"] = {"type": "ephemeral"}
        return blocks

    def _turn_params(self, index: int, model: str | None = None, so_far: str = "") -> dict[str, Any]:
        d = self.debate
        speaker = self.personas[d.speaker_for(index)]
        previous = d.turns[-1] if d.turns else None
        if previous is None:
            instruction = "Open the debate: state your case on the motion, grounded in the document."
        else:
            other = self.personas[previous.speaker].name
            instruction = (f"Answer {other}'s latest point directly first, then press your case. If they have "
                           "given you new evidence or a better argument, say so with \"I concede\".")
        if d.interjections and d.interjections[-1].after_turn >= len(d.turns):
            instruction += " The moderator has just spoken: address what they said."
        if so_far:
            instruction = ("Your turn was cut off before you finished. What you had written is below; carry on from "
                           "exactly where it stops, without repeating any of it, and finish briefly.\n"
                           f"Your turn so far:\n{so_far}")
        round_no = d.round_of(index)
        rounds = (f"This is round {round_no} of {d.rounds}, the last: concede the motion only if the other side has "
                  "carried it, and say so with \"I concede the motion\"." if round_no >= d.rounds else
                  f"This is round {round_no} of {d.rounds}: do not concede the motion in this round.")
        content = [{"type": "text", "text": self._setup_block()}, *self._transcript_blocks(len(d.turns)),
                   {"type": "text", "text": template("debate-turn").substitute(
                       speaker_name=speaker.name, index=index, total=d.planned_turns, words=d.turn_words,
                       instruction=instruction, rounds=rounds)}]
        effort, thinking = self.turn_effort(speaker)
        params = {"model": model or d.model, "max_tokens": self.max_tokens, "system": self._system(),
                  "messages": [{"role": "user", "content": content}]}
        params = self._with_effort(params, effort, thinking)
        return {**params, **answer_params(None, self.backend, thinking="thinking" in params)}  # prose: no tool

    def turn_effort(self, persona: Any) -> tuple[str | None, bool]:
        """A turn's effort and thinking: the persona's own when it sets them, else fast (low effort, no thinking)."""
        effort = getattr(persona, "effort", None) or DEBATE_TURN_EFFORT
        own = getattr(persona, "thinking", None)
        return effort, DEBATE_TURN_THINKING if own is None else bool(own)

    def _with_effort(self, params: dict[str, Any], effort: str | None, thinking: bool) -> dict[str, Any]:
        """``params`` with effort and adaptive thinking, as far as the endpoint takes them; thinking gets room
        on top of the answer's cap."""
        if effort and self.backend.effort:
            params["output_config"] = {"effort": effort}
        if thinking and self.backend.thinking:
            params["thinking"] = {"type": "adaptive"}
            params["max_tokens"] = min(params["max_tokens"] + THINKING_ROOM.get(effort, THINKING_ROOM[None]),
                                       MAX_OUTPUT_CAP)
        return params

    def _referee_params(self) -> dict[str, Any]:
        content = [{"type": "text", "text": self._setup_block()}, *self._transcript_blocks(len(self.debate.turns)),
                   {"type": "text", "text": template("debate-referee").substitute(
                       max_points=MAX_SUMMARY_POINTS, max_clashes=MAX_CLASHES)}]
        params = {"model": self.debate.model, "max_tokens": REFEREE_MAX_TOKENS, "system": self._system(),
                  "messages": [{"role": "user", "content": content}]}
        params = self._with_effort(params, REFEREE_EFFORT, REFEREE_THINKING)
        return {**params, **answer_params(VERDICT_TOOL, self.backend, thinking="thinking" in params)}

    # citations -------------------------------------------------------------------------------
    def place(self, quote: str) -> Citation:
        return place_citation(self.doc.text, quote)

    def cite_references(self, text: str) -> list[ReferenceCitation]:
        """Passages a turn quotes from a shared reference (not from the document): each opens the reference there."""
        out: list[ReferenceCitation] = []
        refs = [r for r in self.context.shared if r.text]
        for m in _QUOTED.finditer(text):
            quote = m.group(1).strip()
            if anchor_quote(self.doc.text, quote).anchor.placed:
                continue
            for ref in refs:
                if (c := cite(ref, quote)).placed:
                    out.append(c)
                    break
        return out

    def cite(self, text: str) -> list[Citation]:
        """The document passages a turn quotes; quotes not found in the document are dropped (they may quote
        the other speaker)."""
        out = []
        for m in _QUOTED.finditer(text):
            c = self.place(m.group(1).strip())
            if c.placed:
                out.append(c)
        return out


def turn_flags(turn: Turn, *, last_round: bool) -> list[TurnFlag]:
    """What a finished turn did against the debate's discipline: no placed verbatim quote; more than one
    concession; the motion conceded before the last round. Shown on the turn, never hidden or rewritten."""
    flags: list[TurnFlag] = []
    if not any(c.placed for c in turn.citations):
        flags.append("no_quote")
    spans = [turn.text[m.start():].split("\n\n", 1)[0][:400] for m in _CONCEDE.finditer(turn.text)]
    sentences = [_SENTENCE_END.split(span, 1)[0] for span in spans]
    if len(spans) > 1:
        flags.append("concessions")
    if not last_round and any(_THE_MOTION.search(s) for s in sentences):
        flags.append("conceded_motion_early")
    if any(not _QUOTED.search(span) and not _BECAUSE.search(s) for span, s in zip(spans, sentences, strict=True)):
        flags.append("concession_no_evidence")
    return flags


def new_debate(motion: str, pro: str, con: str, *, model: str, opener: str | None = None, rounds: int = 3,
               turn_words: int = 180, free_positions: bool = False, focus: str = "") -> Debate:
    return Debate(motion=motion, pro=pro, con=con, opener=opener or pro, rounds=max(1, rounds),
                  turn_words=max(40, turn_words), free_positions=free_positions, focus=focus, model=model)



def suggested_motion(focus: str | None = None, title: str = "") -> str:
    """A motion to start from: about a passage or finding when there is one, else about the draft."""
    if focus:
        text = " ".join(focus.split())
        text = text if len(text) <= 160 else text[:157] + "…"
        return f"The draft is right to commit to this: “{text}”"
    return f"“{title or 'This draft'}” is ready for the review meeting as written."



_CUT = {
    "max_tokens": (FailureKind.MAX_TOKENS, "The turn was cut at the length limit (max_tokens)."),
    "model_context_window_exceeded": (FailureKind.TOO_LARGE, "The model's context window ran out mid-turn."),
    "refusal": (FailureKind.REFUSAL, "The model declined this turn."),
    "truncated": (FailureKind.TRUNCATED, "The turn stopped mid-sentence."),
}


_L = TypeVar("_L", bound=str)


def _one_of(value: object, allowed: tuple[_L, ...], default: _L) -> _L:
    """``value`` if it is one of ``allowed`` (a Literal's values: the referee's JSON is not trusted), else
    ``default``."""
    return next((a for a in allowed if a == value), default)


def _turn_cut_short(stop_reason: str | None) -> Failure | None:
    """Why a streamed turn is not whole; None for a turn that ended as the model meant it to."""
    if stop_reason not in _CUT:
        return None
    kind, message = _CUT[stop_reason]
    return Failure(kind, message)


def _settled(raw: str) -> int:
    """How much of a streamed answer can be restored now: all of it, unless it ends inside what may be a
    placeholder ("… [CUSTOM"), which waits for its closing bracket (or for 40 characters without one)."""
    start = raw.rfind("[")
    if start >= 0 and "]" not in raw[start:] and len(raw) - start <= 40:
        return start
    return len(raw)
