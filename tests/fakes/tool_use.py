"""Tools in the fake Messages API: what the real API refuses about ``tools`` / ``tool_choice``, and how a
scripted JSON answer comes back when the request forces a tool (as a ``tool_use`` block, as a model must).

A test scripts a critic's or referee's answer once, with ``Reply.json``; whether it arrives as text (no tool
forced: ``auto`` or ``none``, or no tools) or as the forced tool's input follows from the request, as on the
real API. ``Reply.tool_use`` scripts a tool call explicitly (a thinking model calling the tool on ``auto``).
"""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Any

from .replies import Reply

if TYPE_CHECKING:
    from .messages_api import FakeMessagesAPI


def tool_problem(api: FakeMessagesAPI, body: dict[str, Any]) -> str | None:
    """Why the real API (or, per the fake's switches, an endpoint without tools) refuses the tools, or None."""
    tools, choice = body.get("tools"), body.get("tool_choice")
    if not api.tools and tools is not None:
        return "tools: Extra inputs are not permitted"
    if not api.tools and choice is not None:
        return "tool_choice: Extra inputs are not permitted"
    for n, tool in enumerate(tools or []):
        if "strict" in tool and not api.strict_tools:
            return f"tools.{n}.strict: Extra inputs are not permitted"
    if choice is None:
        return None
    if not tools:
        return "tool_choice may only be specified while providing tools."
    kind = choice.get("type") if isinstance(choice, dict) else None
    if kind not in ("auto", "any", "tool", "none"):
        return f"tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none', got {kind!r}"
    thinking = body.get("thinking") or {}
    if kind in ("any", "tool") and thinking.get("type") in ("enabled", "adaptive"):
        return "Thinking may not be enabled when tool_choice forces tool use."
    if kind == "tool" and choice.get("name") not in {t.get("name") for t in tools}:
        return f"tool_choice.name: no tool named {choice.get('name')!r} in tools"
    return None


def fit_reply(body: dict[str, Any], reply: Reply) -> Reply:
    """``reply`` as this request gets it: a JSON text reply becomes the forced tool's call."""
    choice, tools = body.get("tool_choice") or {}, body.get("tools") or []
    if reply.kind != "text" or choice.get("type") not in ("tool", "any") or not tools:
        return reply
    try:
        parsed = json.loads(reply.content)
    except ValueError:
        return reply  # not JSON: left as text (an endpoint that ignores tool_choice)
    if not isinstance(parsed, dict):
        return reply
    name = choice.get("name") if choice.get("type") == "tool" else tools[0].get("name")
    stop = "tool_use" if reply.stop_reason == "end_turn" else reply.stop_reason
    return dataclasses.replace(reply, kind="tool_use", tool_name=str(name), stop_reason=stop)
