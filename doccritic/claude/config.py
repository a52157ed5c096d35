"""Run settings and what a backend supports: plain data, so the GUI can hold them without the SDK."""

from __future__ import annotations

from dataclasses import dataclass, field

from doccritic.claude.client import DEFAULT_MODEL, DEFAULT_READ_TIMEOUT, Connection
from doccritic.claude.policy import RetryPolicy
from doccritic.core.settings import ClaudeSettings

DEFAULT_MAX_FINDINGS = 6
OUTPUT_TOKENS_PER_FINDING = 220  # what a finding costs on average: the estimate
ROOM_PER_FINDING = 450  # what one may take at most: the cap (a cut answer loses more than a large cap costs)
# Room for thinking on top of the answer, by effort: streaming makes a large cap free, a small one ends the critic
# "partial" after a few findings once thinking has used it up.
THINKING_ROOM = {None: 16_000, "low": 16_000, "medium": 16_000, "high": 24_000, "xhigh": 32_000, "max": 48_000}
# Thinking tokens a critic is expected to use, by effort: the estimate's allowance.
THINKING_EXPECTED = {None: 3_000, "low": 1_500, "medium": 3_000, "high": 6_000, "xhigh": 10_000, "max": 16_000}
MAX_OUTPUT_CAP = 64_000

# Debates, per role (a persona's own ``effort`` and ``thinking`` override the turn defaults for its turns):
# a live turn is read as it streams, so it answers at once, without thinking and at low effort; the referee
# decides each clash for the author once, at the end, so it thinks at high effort.
DEBATE_TURN_EFFORT: str | None = "low"
DEBATE_TURN_THINKING = False
REFEREE_EFFORT: str | None = "high"
REFEREE_THINKING = True
REFEREE_MAX_TOKENS = 8000  # the summary itself; thinking room comes on top


@dataclass
class PanelSettings:
    model: str = DEFAULT_MODEL
    effort: str | None = None
    adaptive_thinking: bool = False
    max_tokens: int | None = None  # None: sized from findings per critic and thinking (critic_max_tokens)
    max_findings: int = DEFAULT_MAX_FINDINGS
    max_concurrent: int = 4
    budget_usd: float | None = None
    # Ask the endpoint to count tokens for the cost estimate. Off by default: counting sends the document
    # before the PM has confirmed the run, and they may cancel.
    exact_estimate: bool = False
    attempts: int = 3  # automatic tries while nothing has arrived yet
    max_retry_wait: float = 60.0  # longest server-requested wait we sit through
    stagger: bool = True
    stagger_timeout: float = 20.0
    critic_timeout: float = 900.0  # longest a critic may take, waits and retries included
    notice_after: float = 15.0  # silence in a stream before "no data for N s, still waiting"

    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(attempts=self.attempts, max_wait=self.max_retry_wait, total_seconds=self.critic_timeout,
                           notice_after=self.notice_after)


def thinking_can_run(effort: str | None, *, thinking: bool) -> bool:
    """Adaptive thinking is on, or an effort level is set (models that think decide how much from it)."""
    return thinking or effort is not None


def critic_max_tokens(settings: PanelSettings, effort: str | None, *, thinking: bool) -> int:
    """The output cap of one critic: room for every finding asked for, plus thinking when it can run."""
    if settings.max_tokens:
        return settings.max_tokens
    room = max(4096, settings.max_findings * ROOM_PER_FINDING + 1024)
    if thinking_can_run(effort, thinking=thinking):
        room += THINKING_ROOM.get(effort, THINKING_ROOM[None])
    return min(room, MAX_OUTPUT_CAP)


def expected_output_tokens(settings: PanelSettings, effort: str | None, *, thinking: bool) -> int:
    """Output tokens the estimate expects from one critic (findings, and thinking when it can run)."""
    out = settings.max_findings * OUTPUT_TOKENS_PER_FINDING
    if thinking_can_run(effort, thinking=thinking):
        out += THINKING_EXPECTED.get(effort, THINKING_EXPECTED[None])
    return out


def feature_words(param: str) -> str:
    """An optional request parameter as a user reads it: "output_config" is "structured output"."""
    return {"output_config": "structured output", "cache_control": "prompt caching", "thinking": "adaptive thinking",
            "effort": "effort levels", "tool_choice": "tools", "strict": "strict tool use"}.get(param, param)


@dataclass
class Backend:
    """What this endpoint turned out to support; a rejected feature is dropped for the rest of the session."""

    structured_output: bool = True  # output_config.format: only when tools are off (see schema.shared_tools)
    tools: bool = True  # the shared tools list and tool_choice
    strict_tools: bool = True  # "strict": true on those tools (schema-bound input)
    caching: bool = True
    effort: bool = True
    thinking: bool = True
    count_tokens: bool = True
    notes: list[str] = field(default_factory=list)

    def drop(self, param: str) -> bool:
        """Stop sending ``param``; False when it was already off (dropping it again changes nothing)."""
        attr = {"output_config": "structured_output", "cache_control": "caching", "tool_choice": "tools",
                "strict": "strict_tools"}.get(param, param)
        if not getattr(self, attr, False):
            return False
        setattr(self, attr, False)
        self.notes.append(f"This endpoint does not support {feature_words(param)}; doccritic carries on without it.")
        return True


@dataclass
class Estimate:
    """Before a run: expected prompt tokens and dollars per persona and in total."""

    per_persona: dict[str, tuple[int, float]]  # persona id -> (prompt tokens, dollars)
    method: str  # "counted by the API" or "local estimate"

    @property
    def total(self) -> float:
        return sum(cost for _, cost in self.per_persona.values())

    @property
    def tokens(self) -> int:
        return sum(tokens for tokens, _ in self.per_persona.values())


def panel_settings_from(saved: ClaudeSettings) -> PanelSettings:
    """Run settings from the app's settings (``core.settings``: typed and validated there)."""
    return PanelSettings(
        model=saved.model or DEFAULT_MODEL,
        effort=saved.effort or None,
        adaptive_thinking=saved.adaptive_thinking,
        max_concurrent=saved.max_concurrent,
        max_findings=saved.max_findings,
        budget_usd=saved.budget_usd or None,
        exact_estimate=saved.exact_estimate,
    )


def connection_for(saved: ClaudeSettings, *, base_url: str | None = None, read_timeout: float | None = None,
                   local_only: bool = False) -> Connection:
    """The endpoint and key from the app's settings, with a command's flags (when given) on top. The app's
    local-only setting always comes along, so everything that sends is held to it."""
    from doccritic.claude.endpoint import parse_hosts

    conn = Connection.from_environment(base_url or saved.base_url or None,
                                       read_timeout=read_timeout or saved.read_timeout or DEFAULT_READ_TIMEOUT)
    conn.local_only = local_only or saved.local_only
    conn.allowed_hosts = parse_hosts(saved.allowed_hosts)
    return conn
