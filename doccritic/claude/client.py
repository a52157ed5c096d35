"""The API key, the connection, and the one ``AsyncAnthropic`` a run shares.

The key lives in the OS keyring (service ``doccritic``) or in ``ANTHROPIC_API_KEY``; nowhere else.
It is never logged or put in a message: errors here say what to do, not what the key was.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from doccritic.core.errors import DoccriticError, ErrorKind

if TYPE_CHECKING:  # the SDK takes ~0.5 s to import: only a run, a test or a model listing pays for it
    import anthropic
    import httpx2

KEYRING_SERVICE = "doccritic"
KEYRING_USER = "anthropic-api-key"
DEFAULT_MODEL = "claude-sonnet-4-6"
DEFAULT_READ_TIMEOUT = 90.0  # seconds of silence inside a stream before a try is given up (a setting and a flag)
# Offered when the endpoint cannot list its models (gateways, local servers, offline).
FALLBACK_MODELS = ("claude-sonnet-4-6", "claude-opus-4-8", "claude-haiku-4-5")


class KeyStoreError(DoccriticError):
    """The key could not be stored or read; the message says what to do instead."""


@dataclass(frozen=True)
class ApiKey:
    value: str | None
    source: str  # "environment", "keyring" or "none"

    def __repr__(self) -> str:  # never show the key, even in a debugger or a log line
        return f"ApiKey(source={self.source!r}, set={self.value is not None})"


def keyring_available() -> bool:
    """False when keyring has no usable backend (common on headless Linux)."""
    try:
        import keyring
        from keyring.backends import fail

        return not isinstance(keyring.get_keyring(), fail.Keyring)
    except Exception:
        return False


def get_api_key() -> ApiKey:
    """``ANTHROPIC_API_KEY`` wins (it is explicit for this process), then the keyring."""
    env = os.environ.get("ANTHROPIC_API_KEY", "").strip()
    if env:
        return ApiKey(env, "environment")
    if keyring_available():
        try:
            import keyring

            stored = keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
        except Exception:
            stored = None
        if stored:
            return ApiKey(stored, "keyring")
    return ApiKey(None, "none")


def set_api_key(key: str) -> None:
    key = key.strip()
    if not key:
        raise KeyStoreError("The API key is empty.", ErrorKind.INVALID)
    if not keyring_available():
        raise KeyStoreError(
            "No system keyring is available here, so the key cannot be stored: set ANTHROPIC_API_KEY instead.",
            ErrorKind.UNSUPPORTED,
        )
    import keyring

    try:
        keyring.set_password(KEYRING_SERVICE, KEYRING_USER, key)
    except Exception as exc:
        raise KeyStoreError(f"The system keyring refused the key ({type(exc).__name__}).") from None


def clear_api_key() -> None:
    if not keyring_available():
        return
    import keyring

    with contextlib.suppress(Exception):  # nothing stored: already clear
        keyring.delete_password(KEYRING_SERVICE, KEYRING_USER)


@dataclass
class Connection:
    """Where requests go. ``base_url`` None means ANTHROPIC_BASE_URL, else api.anthropic.com."""

    api_key: str | None = None
    base_url: str | None = None
    connect_timeout: float = 5.0
    read_timeout: float = DEFAULT_READ_TIMEOUT  # longest silence allowed inside a stream
    extra_headers: dict[str, str] = field(default_factory=dict)
    key_source: str | None = None  # "environment", "keyring" or "none": named when the key is rejected
    local_only: bool = False  # refuse any endpoint not on this machine or in ``allowed_hosts`` (see endpoint.py)
    allowed_hosts: tuple[str, ...] = ()

    def __repr__(self) -> str:  # never show the key
        return f"Connection(base_url={self.base_url!r}, key_source={self.key_source!r})"

    @classmethod
    def from_environment(cls, base_url: str | None = None, *, read_timeout: float | None = None) -> Connection:
        key = get_api_key()
        return cls(api_key=key.value, base_url=base_url or os.environ.get("ANTHROPIC_BASE_URL") or None,
                   read_timeout=read_timeout or DEFAULT_READ_TIMEOUT, key_source=key.source)

    @property
    def host(self) -> str:
        """Where requests go: the endpoint's host name (api.anthropic.com by default)."""
        from doccritic.claude.endpoint import host_of

        return host_of(self.base_url)

    def refusal(self) -> str | None:
        """Why local-only mode refuses this endpoint (one sentence), or None when requests may go there."""
        if not self.local_only:
            return None
        from doccritic.claude.endpoint import refusal

        return refusal(self.base_url, self.allowed_hosts)

    @property
    def needs_key(self) -> bool:
        """Anthropic's own API needs a key; a custom endpoint (gateway, Ollama, llama.cpp) may not."""
        return not self.api_key and not self.base_url

    def client(self, http_client: httpx2.AsyncClient | None = None) -> anthropic.AsyncAnthropic:
        """A client whose failures surface at once: the engine retries itself, so it can say so to the user.

        Without a key the endpoint must be a custom one (see ``needs_key``); a placeholder key keeps the SDK
        from falling back to a credentials profile on disk that the user never gave doccritic. In local-only
        mode an endpoint off this machine raises ``EndpointRefusedError`` here, so every caller is covered.
        """
        from doccritic.claude.endpoint import EndpointRefusedError

        if (problem := self.refusal()) is not None:  # before the SDK exists: no connection can be attempted
            raise EndpointRefusedError(problem)
        import anthropic
        import httpx2

        from doccritic.claude.failures import remember_secret

        remember_secret(self.api_key)
        kwargs: dict[str, Any] = {
            "api_key": self.api_key or "no-key",
            "timeout": httpx2.Timeout(self.read_timeout, connect=self.connect_timeout),
            "max_retries": 0,
        }
        if self.extra_headers:
            kwargs["default_headers"] = self.extra_headers
        if self.base_url:
            kwargs["base_url"] = self.base_url
        if http_client is not None:
            kwargs["http_client"] = http_client
        return anthropic.AsyncAnthropic(**kwargs)


@dataclass(frozen=True)
class ModelChoice:
    id: str
    name: str
    deprecated: bool = False
    efforts: tuple[str, ...] = ()
    adaptive_thinking: bool = False
    structured_outputs: bool = True
    max_input_tokens: int | None = None

    @property
    def label(self) -> str:
        extra = []
        if self.deprecated:
            extra.append("deprecated")
        if self.efforts:
            extra.append("effort")
        return f"{self.name} ({', '.join(extra)})" if extra else self.name


async def list_models(client: anthropic.AsyncAnthropic) -> tuple[list[ModelChoice], str | None]:
    """The endpoint's models, or the fallback list and a sentence saying why listing failed."""
    try:
        out = []
        async for info in client.models.list(limit=100):
            out.append(_choice(info))
        if out:
            return [m for m in out if not m.deprecated] + [m for m in out if m.deprecated], None
        reason = "the endpoint listed no models"
    except Exception as exc:
        from doccritic.claude.failures import classify

        reason = classify(exc).message
    return [ModelChoice(m, m) for m in FALLBACK_MODELS], reason


async def fetch_models(connection: Connection) -> tuple[list[ModelChoice], str | None]:
    """``list_models`` on a client of its own, recorded in the send log (the request names no document)."""
    from doccritic.claude.audit import record_call

    client = connection.client()
    try:
        models, why = await list_models(client)
    finally:
        await client.close()
    record_call(connection, "list_models", outcome="ok" if why is None else "failed")
    return models, why


async def test_connection(connection: Connection, model: str) -> tuple[bool, str]:
    """One tiny request that proves the key, the endpoint and the model together; recorded in the send log.
    Returns whether it worked and one sentence for the user."""
    from doccritic.claude.audit import record_call
    from doccritic.claude.failures import classify
    from doccritic.claude.pricing import Usage

    client = connection.client()
    try:
        reply = await client.messages.create(model=model, max_tokens=1, messages=[{"role": "user", "content": "ping"}])
    except Exception as exc:
        record_call(connection, "test_connection", model=model, outcome="failed")
        return False, classify(exc, model=model).message
    finally:
        await client.close()
    record_call(connection, "test_connection", model=model, usage=Usage.of(getattr(reply, "usage", None)))
    return True, f"Connected: {model} answered."


def _choice(info: Any) -> ModelChoice:
    caps = getattr(info, "capabilities", None)
    efforts: tuple[str, ...] = ()
    adaptive, structured = False, True
    if caps is not None:
        effort = getattr(caps, "effort", None)
        if effort is not None and effort.supported:
            efforts = tuple(n for n in ("low", "medium", "high", "xhigh", "max")
                            if getattr(getattr(effort, n, None), "supported", False))
        thinking = getattr(caps, "thinking", None)
        adaptive = bool(thinking and thinking.supported and thinking.types.adaptive.supported)
        so = getattr(caps, "structured_outputs", None)
        structured = bool(so.supported) if so is not None else True
    return ModelChoice(
        id=info.id,
        name=getattr(info, "display_name", None) or info.id,
        deprecated=getattr(info, "lifecycle", "active") != "active",
        efforts=efforts,
        adaptive_thinking=adaptive,
        structured_outputs=structured,
        max_input_tokens=getattr(info, "max_input_tokens", None),
    )
