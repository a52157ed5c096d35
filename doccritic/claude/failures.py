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
              FailureKind.DISCONNECTED, FailureKind.OFFLINE}
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
_UNSUPPORTED = re.compile(r"(extra inputs are not permitted|not supported|unsupported|unknown|unrecognized|"
                          r"not allowed|invalid)", re.I)


def classify(exc: BaseException, *, model: str = "") -> Failure:
    """The failure behind an exception raised while calling or streaming from the API."""
    import anthropic
    import httpx2

    if isinstance(exc, anthropic.APIStatusError):
        return _status_failure(exc, model)
    if isinstance(exc, anthropic.APITimeoutError | httpx2.TimeoutException):
        return Failure(FailureKind.TIMEOUT, "The API stopped answering (timed out).")
    if isinstance(exc, anthropic.APIConnectionError | httpx2.ConnectError):
        return Failure(FailureKind.OFFLINE, "Cannot reach the API: check your connection, proxy or base URL.")
    if isinstance(exc, httpx2.TransportError):  # RemoteProtocolError, ReadError...: the stream was cut
        return Failure(FailureKind.DISCONNECTED, "The connection dropped while the answer was being written.")
    if isinstance(exc, json.JSONDecodeError):
        return Failure(FailureKind.STREAM_ERROR, "The API sent a garbled event; the stream was abandoned.")
    if isinstance(exc, TypeError) and "authentication" in str(exc).lower():
        return Failure(FailureKind.NO_KEY, "No API key is set: add one in Settings or set ANTHROPIC_API_KEY.")
    return Failure(FailureKind.INTERNAL, f"Unexpected error ({type(exc).__name__}).")


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
        return make(FailureKind.AUTH, "The API key was rejected (401): check it in Settings.")
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


def unsupported_parameter(exc: BaseException, names: tuple[str, ...]) -> str | None:
    """Which of our optional parameters a backend rejected with a 400, so the request can be retried without."""
    import anthropic

    if not isinstance(exc, anthropic.BadRequestError):
        return None
    text = _api_message(exc)
    if not _UNSUPPORTED.search(text) or _TOO_LONG.search(text):
        return None
    return next((name for name in names if name in text), None)


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
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict) and isinstance(err.get("message"), str):
            return err["message"]
    return getattr(exc, "api_message", None) or ""


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
