"""Turn whatever the SDK or the transport raised into one failure a PM can act on.

After a stream has opened the SDK retries nothing and most failures are not SDK exceptions
(``httpx2`` transport errors, ``json.JSONDecodeError``, an ``APIStatusError`` with status 200 for an
in-stream ``error`` event), so classification covers those too. Messages never contain the API key:
they are built here from status codes and error types, not from request data.
"""

from __future__ import annotations

import json
import random
import re
import socket
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: the GUI must not pay for the SDK at start-up
    import anthropic


class FailureKind(StrEnum):
    NO_KEY = "no_key"
    AUTH = "auth"  # -> key settings
    PERMISSION = "permission"
    MODEL_NOT_FOUND = "model_not_found"  # -> choose another model
    BAD_REQUEST = "bad_request"
    TOO_LARGE = "too_large"  # -> review a section
    RATE_LIMITED = "rate_limited"
    OVERLOADED = "overloaded"
    SERVER = "server"
    OFFLINE = "offline"
    TIMEOUT = "timeout"
    DISCONNECTED = "disconnected"
    MALFORMED = "malformed"
    STREAM_ERROR = "stream_error"
    TRUNCATED = "truncated"
    MAX_TOKENS = "max_tokens"
    REFUSAL = "refusal"
    BUDGET = "budget"
    CANCELLED = "cancelled"
    INTERNAL = "internal"


# Worth an automatic retry before any output arrived (after output, the user decides: "Retry").
AUTO_RETRY = {FailureKind.RATE_LIMITED, FailureKind.OVERLOADED, FailureKind.SERVER, FailureKind.TIMEOUT,
              FailureKind.DISCONNECTED, FailureKind.OFFLINE, FailureKind.TRUNCATED}
# Worth a Retry button at all.
RETRYABLE = AUTO_RETRY | {FailureKind.MALFORMED, FailureKind.STREAM_ERROR, FailureKind.TRUNCATED,
                          FailureKind.MAX_TOKENS, FailureKind.CANCELLED, FailureKind.INTERNAL, FailureKind.BUDGET}


@dataclass(frozen=True)
class Failure:
    kind: FailureKind
    message: str  # one sentence for the user
    retry_after: float | None = None  # seconds the server asked us to wait
    status: int | None = None
    request_id: str | None = None

    @property
    def retryable(self) -> bool:
        return self.kind in RETRYABLE


_TOO_LONG = re.compile(r"too long|too large|context (window|length)|maximum context|exceeds? the", re.I)
_UNSUPPORTED = re.compile(r"(extra inputs are not permitted|not supported|does not support|unsupported|unknown|"
                          r"unrecognized|not allowed|invalid)", re.I)


def classify(exc: BaseException, *, model: str = "", response_began: bool | None = None) -> Failure:
    """The failure behind an exception raised while calling or streaming from the API.

    Decided by what happened, not by which class an SDK version wraps it in (anthropic 2.17 raises
    ``APIConnectionError`` for a stream cut mid-answer; 2.16 raised the ``httpx2`` error itself): the whole
    cause chain is read, and ``response_began`` (did the response start arriving?) separates "cannot reach the
    API" from "the connection dropped". When the caller cannot tell, a connect-phase error in the chain
    (refused, DNS, TLS, proxy) means nothing had arrived.
    """
    import anthropic

    chain = _chain(exc)
    status = next((e for e in chain if isinstance(e, anthropic.APIStatusError)), None)
    if status is not None:
        return _status_failure(status, model)
    if any(isinstance(e, json.JSONDecodeError) for e in chain):
        return Failure(FailureKind.STREAM_ERROR, "The API sent a garbled event; the stream was abandoned.")
    if isinstance(exc, TypeError) and "authentication" in str(exc).lower():
        return Failure(FailureKind.NO_KEY, "No API key is set: add one in Settings or set ANTHROPIC_API_KEY.")
    timed_out = any(isinstance(e, _timeout_types()) for e in chain)
    if not timed_out and not any(isinstance(e, _transport_types()) for e in chain):
        return Failure(FailureKind.INTERNAL, f"Unexpected error ({type(exc).__name__}).")
    began = response_began if response_began is not None else not any(
        isinstance(e, _connect_types()) for e in chain)
    if timed_out:
        if began:
            return Failure(FailureKind.TIMEOUT, "The API stopped sending mid-answer (no data within the read timeout).")
        return Failure(FailureKind.TIMEOUT, "The API did not answer in time (timed out).")
    if began:
        return Failure(FailureKind.DISCONNECTED, "The connection dropped while the answer was being written.")
    return Failure(FailureKind.OFFLINE, "Cannot reach the API: check your connection, proxy or base URL.")


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and everything it was raised from or during, outermost first (cycles cut)."""
    out: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not seen for seen in out):
        out.append(current)
        current = current.__cause__ or current.__context__
    return out


def _timeout_types() -> tuple[type[BaseException], ...]:
    import anthropic
    import httpx2

    return anthropic.APITimeoutError, httpx2.TimeoutException, TimeoutError


def _transport_types() -> tuple[type[BaseException], ...]:
    import ssl

    import anthropic
    import httpx2

    return anthropic.APIConnectionError, httpx2.TransportError, ConnectionError, ssl.SSLError, socket.gaierror


def _connect_types() -> tuple[type[BaseException], ...]:
    """Errors that happen before a request could be answered: refused, DNS, TLS, proxy."""
    import ssl

    import httpx2

    return (httpx2.ConnectError, httpx2.ConnectTimeout, httpx2.ProxyError, httpx2.UnsupportedProtocol,
            ConnectionRefusedError, ssl.SSLError, socket.gaierror)


def auth_message(key_source: str | None) -> str:
    """The 401 sentence, naming where the rejected key came from and what to do about it."""
    if key_source == "environment":
        return ("The API key in ANTHROPIC_API_KEY was rejected (401): set a valid key there, or unset it to use "
                "the key stored in Settings.")
    if key_source == "keyring":
        return "The API key stored in Settings (system keyring) was rejected (401): replace it in Settings."
    if key_source == "none":
        return "This endpoint needs an API key (401): store one in Settings or set ANTHROPIC_API_KEY."
    return "The API key was rejected (401): check it in Settings or in ANTHROPIC_API_KEY."


def _status_failure(exc: anthropic.APIStatusError, model: str) -> Failure:
    status = exc.status_code
    etype = (getattr(exc, "type", None) or _body_type(exc) or "").lower()
    text = _api_message(exc)
    rid = getattr(exc, "request_id", None)
    after = retry_after(exc)

    def make(kind: FailureKind, message: str) -> Failure:
        return Failure(kind, message, after, status, rid)

    if status == 200:  # an ``event: error`` inside an open stream
        if "overloaded" in etype:
            return make(FailureKind.OVERLOADED, "The API is overloaded and stopped this critic mid-answer.")
        return make(FailureKind.STREAM_ERROR, f"The API reported an error mid-answer ({etype or 'unknown'}).")
    if status == 401:
        return make(FailureKind.AUTH, auth_message(None))
    if status == 403:
        return make(FailureKind.PERMISSION, "This API key may not use this model or feature (403).")
    if status == 404:
        what = f"The model “{model}”" if model else "The model"
        return make(FailureKind.MODEL_NOT_FOUND, f"{what} is not available here (404): choose another model.")
    if status == 413 or (status == 400 and _TOO_LONG.search(text)):
        return make(FailureKind.TOO_LARGE, "The document is too long for this model: review one section at a time.")
    if status == 429:
        return make(FailureKind.RATE_LIMITED, "Rate limited by the API.")
    if status == 529 or "overloaded" in etype:
        return make(FailureKind.OVERLOADED, "The API is overloaded right now.")
    if status >= 500:
        return make(FailureKind.SERVER, f"The API had an internal error ({status}).")
    if status == 400:
        detail = f": {text}" if text and len(text) <= 200 else ""
        return make(FailureKind.BAD_REQUEST, f"The API refused the request (400){detail}")
    return make(FailureKind.BAD_REQUEST, f"The API refused the request ({status}).")


def unsupported_parameters(exc: BaseException, names: tuple[str, ...]) -> list[str]:
    """Which of our optional parameters a backend rejected with a 400, most specific first, so the request can
    be sent again without one. "output_config.effort" names effort before structured output; a bare
    "output_config" names structured output, then effort (both travel in it)."""
    import anthropic

    if not isinstance(exc, anthropic.BadRequestError):
        return []
    return unsupported_in(_api_message(exc), names)


def unsupported_in(text: str, names: tuple[str, ...]) -> list[str]:
    """``unsupported_parameters`` for the words of a 400 (``invalid_request_error``) read elsewhere, e.g. a batch
    item's error."""
    if not _UNSUPPORTED.search(text) or _TOO_LONG.search(text):
        return []
    named = [n for n in dict.fromkeys((*_MOST_SPECIFIC_FIRST, *names)) if n in names and n in text]
    if "output_config" in named and "effort" in names and "effort" not in named:
        named.append("effort")
    return named


_MOST_SPECIFIC_FIRST = ("effort", "thinking", "cache_control", "strict", "tool_choice", "tools", "output_config")


def retry_after(exc: anthropic.APIStatusError) -> float | None:
    headers = getattr(getattr(exc, "response", None), "headers", None) or {}
    try:
        if (ms := headers.get("retry-after-ms")) is not None:
            return max(0.0, float(ms) / 1000)
        if (sec := headers.get("retry-after")) is not None:
            return max(0.0, float(sec))
    except ValueError:
        return None  # an HTTP date: rare from this API; fall back to our own backoff
    return None


def _body_type(exc: anthropic.APIStatusError) -> str | None:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict):
            return err.get("type")
    return None


def _api_message(exc: anthropic.APIStatusError) -> str:
    """The server's own words, redacted: an endpoint that echoes the key must not put it on screen or in a file."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict) and isinstance(err.get("message"), str):
            return redact(err["message"])
    return redact(getattr(exc, "api_message", None) or "")


_SECRETS: set[str] = set()
_TOKEN = re.compile(r"\bsk-[A-Za-z0-9_\-]{6,}|(?i:\bbearer)\s+[A-Za-z0-9._~+/=\-]{6,}")
_LABELLED = re.compile(r"(?i)\b((?:x-)?api[-_ ]?key|authorization|(?:auth|access|bearer)[-_ ]?token|password|secret)"
                       r"([\"']?\s*[:=]\s*[\"']?)([^\s\"',;}]{6,})")


def remember_secret(value: str | None) -> None:
    """A key this process uses: redacted wherever it would otherwise be shown."""
    if value and len(value) >= 8:
        _SECRETS.add(value)


def redact(text: str) -> str:
    """``text`` without the keys in use, anything shaped like an API key or bearer token, or labelled as a secret."""
    for secret in _SECRETS:
        text = text.replace(secret, "[redacted]")
    text = _TOKEN.sub("[redacted]", text)
    return _LABELLED.sub(lambda m: f"{m.group(1)}{m.group(2)}[redacted]", text)


def retry_delay(failure: Failure, attempt: int, *, max_wait: float = 60.0) -> float | None:
    """Seconds to wait before attempt ``attempt + 1``: the server's retry-after, else exponential backoff with
    jitter; None when the failure is not worth an automatic retry or the server asks for more than ``max_wait``."""
    if failure.kind not in AUTO_RETRY:
        return None
    if failure.retry_after is not None:
        return failure.retry_after if failure.retry_after <= max_wait else None
    return min(0.5 * 2 ** (attempt - 1), 8.0) * random.uniform(0.75, 1.0)


_WAITING = {FailureKind.RATE_LIMITED: "rate limited", FailureKind.OVERLOADED: "API overloaded",
            FailureKind.SERVER: "API error", FailureKind.OFFLINE: "cannot connect", FailureKind.TIMEOUT: "timed out",
            FailureKind.DISCONNECTED: "connection dropped"}


def waiting_text(failure: Failure, wait: float) -> str:
    """The status while waiting to retry: "rate limited, retrying in 12 s"."""
    return f"{_WAITING.get(failure.kind, 'failed')}, retrying in {max(1, round(wait))} s"
