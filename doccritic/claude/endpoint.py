"""Where requests go, and local-only mode: refuse any endpoint that is not this machine or allow-listed.

A confidential draft must not leave because of a mistyped base URL, so the check reads only the URL
string: no DNS lookup, no connection. A name counts as local only when it *is* local (``localhost``,
``*.localhost``, 127.0.0.0/8, ``::1``); a name that merely resolves to loopback today is not trusted,
since resolution can change. Anything else must be on the allow-list, host by host.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from doccritic.core.errors import DoccriticError, ErrorKind

if TYPE_CHECKING:
    from doccritic.core.settings import ClaudeSettings

ANTHROPIC_URL = "https://api.anthropic.com"
# Local servers that speak the Anthropic Messages API: (label, base URL).
PRESETS = (("Ollama", "http://localhost:11434"), ("llama.cpp server", "http://localhost:8080"))


LOCAL_ONLY_HELP = ("refuse any endpoint not on this machine or on the app's allow-list, before anything is sent "
                   "(also on when the app's Settings say Local only)")


class EndpointRefusedError(DoccriticError):
    """Local-only mode refused an endpoint; nothing was sent."""


def host_of(url: str | None) -> str:
    """The host a base URL points at (lower case, no port or brackets); the Anthropic API for None."""
    raw = (url or ANTHROPIC_URL).strip()
    if "://" not in raw:
        raw = "http://" + raw  # "localhost:11434" is what people type
    try:
        host = urlsplit(raw).hostname or ""
    except ValueError:
        host = ""
    return host.lower().rstrip(".")


def is_local(host: str) -> bool:
    """True for a host that can only be this machine: localhost, 127.0.0.0/8, ::1."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_hosts(text: str | Iterable[str] | None) -> tuple[str, ...]:
    """An allow-list from a setting ("a.example, b.example") or a list; URLs are reduced to their host."""
    if not text:
        return ()
    items = text.replace(";", ",").split(",") if isinstance(text, str) else list(text)
    return tuple(dict.fromkeys(host_of(i) for i in (str(x).strip() for x in items) if i))


def refusal(url: str | None, allowed: Iterable[str] = ()) -> str | None:
    """Why local-only mode refuses ``url``, in one sentence; None when it may be used."""
    host = host_of(url)
    if not host:
        return f"Local-only mode: the endpoint “{url}” has no host name, so nothing was sent."
    if is_local(host) or host in set(parse_hosts(list(allowed))):
        return None
    where = "the Anthropic API (no local endpoint is set)" if not url else f"{host}"
    return (f"Local-only mode is on and {where} is not on this machine or the allow-list, so nothing was sent. "
            "Set a local endpoint (Ollama, llama.cpp), add the host to the allow-list, or turn local-only off.")


def check(url: str | None, allowed: Iterable[str] = ()) -> None:
    """Raise :class:`EndpointRefusedError` when local-only mode refuses ``url``."""
    problem = refusal(url, allowed)
    if problem is not None:
        raise EndpointRefusedError(problem, ErrorKind.INVALID)


def guard_endpoint(connection: Any, flag: bool, saved: ClaudeSettings) -> None:
    """The command line's local-only mode (``--local-only`` or the app's setting) on ``connection``; raises
    :class:`EndpointRefusedError` before any connection when the endpoint is refused."""
    connection.local_only = flag or saved.local_only
    connection.allowed_hosts = parse_hosts(saved.allowed_hosts)
    if connection.local_only:
        check(connection.base_url, connection.allowed_hosts)


def guard_document(path: Any) -> None:
    """Refuse a document the PM marked Never send (one sentence, ``DoccriticError``), before any connection."""
    from doccritic.core.never_send import NeverSendMarks, blocked_sentence

    if NeverSendMarks().is_marked(path):
        raise DoccriticError(blocked_sentence(path.name), ErrorKind.INVALID)
