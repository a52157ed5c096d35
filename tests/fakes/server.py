"""The HTTP side of the fake Messages API: the threaded server, the request handler and the model catalogue."""

from __future__ import annotations

import contextlib
import json
import select
import socket
import struct
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from .prompt_cache import CachePlan, InvalidRequestError, count_input_tokens, render_segments, rendered_text
from .replies import Event, Fault, Rendition, error_body, new_id
from .tool_use import fit_reply, tool_problem

if TYPE_CHECKING:
    from .messages_api import FakeMessagesAPI

_SECRET_HEADERS = ("authorization", "x-api-key")


def model_info(
    model_id: str, name: str, created: str, *, lifecycle: str = "active", deprecated: str | None = None,
    retires: str | None = None, max_tokens: int = 64000, effort: bool = True, structured: bool = True,
) -> dict[str, Any]:
    yes, no = {"supported": True}, {"supported": False}
    line = next((w for w in ("opus", "sonnet", "haiku") if w in model_id), None)
    capabilities = {
        "batch": yes, "citations": yes, "code_execution": yes, "image_input": yes, "pdf_input": yes,
        "structured_outputs": yes if structured else no,
        "context_management": {"supported": True, "clear_tool_uses_20250919": yes},
        "effort": {"supported": effort, **{k: yes if effort else no for k in ("low", "medium", "high", "max")}},
        "server_tools": {"supported": True, "code_execution": yes, "web_search": yes},
        "thinking": {
            "supported": True,
            "types": {"adaptive": yes, "between_tools": no, "disabled": yes, "enabled": yes},
        },
    }
    return {
        "type": "model", "id": model_id, "display_name": name, "created_at": created, "lifecycle": lifecycle,
        "line": line, "deprecated_at": deprecated, "retires_at": retires, "capabilities": capabilities,
        "max_input_tokens": 200000, "max_tokens": max_tokens,
    }


DEFAULT_MODELS: tuple[dict[str, Any], ...] = (
    model_info("claude-opus-4-8", "Claude Opus 4.8", "2026-09-10T00:00:00Z", max_tokens=128000),
    model_info("claude-sonnet-4-6", "Claude Sonnet 4.6", "2026-02-17T00:00:00Z"),
    model_info("claude-haiku-4-5", "Claude Haiku 4.5", "2025-10-15T00:00:00Z", effort=False),
    model_info("claude-sonnet-4-5", "Claude Sonnet 4.5", "2025-09-29T00:00:00Z", lifecycle="deprecated",
           deprecated="2026-05-30T00:00:00Z", retires="2026-11-30T00:00:00Z"),
)


@dataclass
class RecordedRequest:
    """One HTTP request as the server saw it. Times are time.monotonic() seconds."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names; authorization / x-api-key redacted
    body: Any  # parsed JSON, or None
    started_at: float
    finished_at: float | None = None
    status: int | None = None
    cancelled: bool = False  # the client hung up before the response was complete
    retry_count: int | None = None  # from x-stainless-retry-count
    script: str | None = None  # name of the script that answered
    request_id: str = ""
    stream: bool = False
    fault: str | None = None
    usage: dict[str, Any] | None = None  # the usage reported (final values)

    @property
    def text(self) -> str:
        """System and message text joined, as `match=` strings see it."""
        return rendered_text(self.body) if isinstance(self.body, dict) else ""

    @property
    def done(self) -> bool:
        return self.finished_at is not None


class _ClientGoneError(Exception):
    pass


class _ServerClosingError(Exception):
    pass


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, api: FakeMessagesAPI) -> None:
        self.api = api
        self.threads: set[threading.Thread] = set()
        self.connections: set[socket.socket] = set()
        self.aborted: set[socket.socket] = set()
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self._serve_connection, args=(request, client_address), name="fake-messages-api-conn", daemon=True
        )
        with self.lock:
            self.threads.add(thread)
            self.connections.add(request)
        thread.start()

    def _serve_connection(self, request: socket.socket, client_address: Any) -> None:
        try:
            if not self.api._closing.is_set():
                self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            with self.lock:
                self.connections.discard(request)
                self.threads.discard(threading.current_thread())

    def shutdown_request(self, request: Any) -> None:
        with self.lock:
            aborted = request in self.aborted
            self.aborted.discard(request)
        if aborted:  # SO_LINGER 0 is set: closing now sends an RST instead of a FIN
            request.close()
        else:
            super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError) or self.api._closing.is_set():
            return  # connections dropping is expected
        self.api.server_errors.append(traceback.format_exc())

    def drop_connections(self, deadline: float) -> None:
        with self.lock:
            connections, threads = list(self.connections), list(self.threads)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)  # wakes handlers blocked reading a kept-alive connection
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server
    entry: RecordedRequest

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    @property
    def api(self) -> FakeMessagesAPI:
        return self.server.api

    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        body: Any = None
        bad_json = False
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                bad_json = True
        headers = {k.lower(): v for k, v in self.headers.items()}
        for name in _SECRET_HEADERS:
            if name in headers:
                headers[name] = "Bearer REDACTED" if headers[name].startswith("Bearer ") else "REDACTED"
        retries = headers.get("x-stainless-retry-count", "")
        self.entry = RecordedRequest(
            self.command, url.path, parse_qs(url.query), headers, body, time.monotonic(),
            retry_count=int(retries) if retries.isdigit() else None, request_id=new_id("req"),
            stream=isinstance(body, dict) and body.get("stream") is True,
        )
        self.api._record(self.entry)
        try:
            self._route(url.path, body, bad_json)
        except _ClientGoneError:
            self.entry.cancelled = True
            self.close_connection = True
        except _ServerClosingError:
            self.close_connection = True
        except Exception as exc:
            self.api.server_errors.append(traceback.format_exc())
            with contextlib.suppress(_ClientGoneError, _ServerClosingError):
                self._error(500, "api_error", f"FakeMessagesAPI bug: {exc!r}", {"x-should-retry": "false"})
        finally:
            self.api._finish(self.entry)

    def _route(self, path: str, body: Any, bad_json: bool) -> None:
        if not ({"authorization", "x-api-key"} & set(self.entry.headers)):
            return self._error(401, "authentication_error", "x-api-key header is required")
        bodiless = path.endswith("/cancel") and body is None  # a batch cancel is a POST with no body
        if bad_json or (self.command == "POST" and not isinstance(body, dict) and not bodiless):
            return self._error(400, "invalid_request_error", "There was an error parsing the body of your request")
        if self.command == "POST" and path == "/v1/messages":
            return self._messages(body)
        if self.command == "POST" and path == "/v1/messages/count_tokens" and self.api.count_tokens:
            if problem := self._invalid(body, ("model", "messages")):
                return self._error(400, "invalid_request_error", problem)
            return self._json(200, {"input_tokens": count_input_tokens(body)})
        if path.startswith("/v1/messages/batches") and self.api.batches.enabled:
            return self._batches(path, body)
        if self.command == "GET" and path == "/v1/models":
            return self._json(200, self._models_page())
        if self.command == "GET" and path.startswith("/v1/models/"):
            model = next((m for m in self.api.models if m["id"] == path.removeprefix("/v1/models/")), None)
            if model is not None:
                return self._json(200, model)
        return self._error(404, "not_found_error", "Not Found")

    def _batches(self, path: str, body: Any) -> None:
        batches = self.api.batches
        parts = path.removeprefix("/v1/messages/batches").strip("/").split("/")
        if self.command == "POST" and parts == [""]:
            made = batches.create(body)
            if isinstance(made, str):
                return self._error(400, "invalid_request_error", made)
            return self._json(200, made)
        found: Any = None
        if self.command == "GET" and len(parts) == 1 and parts[0]:
            found = batches.retrieve(parts[0])
        elif self.command == "POST" and len(parts) == 2 and parts[1] == "cancel":
            found = batches.cancel(parts[0])
        elif self.command == "GET" and len(parts) == 2 and parts[1] == "results":
            lines = batches.results(parts[0])
            if lines is not None:
                self._start_response(200, "application/binary", chunked=True)
                for line in lines:  # one chunk per line: a client can act on each result as it arrives
                    self._chunk(line)
                self._write(b"0\r\n\r\n")
                return None
        if found is not None:
            return self._json(200, found)
        return self._error(404, "not_found_error", f"Batch not found: {parts[0]}")

    def _invalid(self, body: dict[str, Any], required: tuple[str, ...]) -> str | None:
        for key in required:
            if key not in body:
                return f"{key}: Field required"
        if "output_config" in body and not self.api.structured_output:
            return "output_config: Extra inputs are not permitted"
        if problem := tool_problem(self.api, body):
            return problem
        try:
            render_segments(body)
        except InvalidRequestError as exc:
            return str(exc)
        return None

    def _models_page(self) -> dict[str, Any]:
        models, q = self.api.models, self.entry.query
        ids = [m["id"] for m in models]
        limit = max(1, min(1000, int(q.get("limit", ["20"])[0])))
        if "before_id" in q and q["before_id"][0] in ids:
            end = ids.index(q["before_id"][0])
            page, has_more = models[max(0, end - limit) : end], end - limit > 0
        else:
            start = ids.index(q["after_id"][0]) + 1 if q.get("after_id", [""])[0] in ids else 0
            page, has_more = models[start : start + limit], start + limit < len(models)
        first, last = (page[0]["id"], page[-1]["id"]) if page else (None, None)
        return {"data": page, "has_more": has_more, "first_id": first, "last_id": last}

    def _messages(self, body: dict[str, Any]) -> None:
        if problem := self._invalid(body, ("model", "max_tokens", "messages")):
            return self._error(400, "invalid_request_error", problem)
        picked = self.api._pick(body)
        if picked is None:
            message = "FakeMessagesAPI: no scripted reply for this request; add one with api.script(Reply...)"
            return self._error(500, "api_error", message, {"x-should-retry": "false"})
        script, reply = picked
        reply = fit_reply(body, reply)
        self.entry.script = script.name
        if reply.kind == "error":
            return self._error(reply.status, reply.error_type, reply.message, reply.headers)
        plan = self.api.cache.plan(str(body["model"]), render_segments(body))
        rendition = Rendition.of(reply, body.get("max_tokens"))
        self.entry.fault = reply.fault.kind if reply.fault else None
        self.entry.usage = {**plan.usage(), "output_tokens": rendition.output_tokens}
        if self.entry.stream:
            return self._stream(rendition, plan, str(body["model"]))
        return self._message(rendition, plan, str(body["model"]))

    # non-streamed reply
    def _message(self, rendition: Rendition, plan: CachePlan, model: str) -> None:
        fault = rendition.reply.fault
        self._pause(rendition.reply.ttft)
        plan.commit()
        self._pause(rendition.generation_seconds())
        if fault and fault.kind == "disconnect":
            return self._abort(fault)
        if fault and fault.kind == "stall":
            self._pause(fault.seconds)
        message = rendition.message(new_id("msg"), model, plan.usage())
        if fault and fault.kind == "malformed":
            return self._send(200, b'{"id": "msg_broken", "content": [', "application/json")
        self._json(200, message)

    # streamed reply
    def _stream(self, rendition: Rendition, plan: CachePlan, model: str) -> None:
        events = rendition.events(new_id("msg"), model, plan.usage())
        fault = rendition.reply.fault
        cut = len(events) + 1
        if fault:
            limit = len(events) - 2 if fault.kind == "truncate" else len(events)
            cut = max(0, min(fault.after_events, limit))
        self._start_response(200, "text/event-stream; charset=utf-8", chunked=True)
        for index, event in enumerate(events):
            if index == cut and fault is not None:
                if fault.kind == "disconnect":
                    return self._abort(fault)
                if fault.kind == "stall":
                    self._pause(fault.seconds)
                elif fault.kind == "malformed":
                    self._chunk(b'event: content_block_delta\ndata: {"type": "content_block_delta", "delta": {\n\n')
                    break
                elif fault.kind == "error_event":
                    error = error_body(fault.error_type, fault.message, self.entry.request_id)
                    self._chunk(Event("error", error).encode())
                    break
                elif fault.kind == "truncate":
                    break
            self._pause(event.delay)
            if event.name == "message_start":  # before it goes out: a client that read it may send the next
                plan.commit()  # request at once, and that one finds this prompt cached (was after: a flake)
            self._chunk(event.encode())
        with contextlib.suppress(_ClientGoneError, _ServerClosingError):  # all content is out: not a cancellation
            self._write(b"0\r\n\r\n")  # the terminating zero-length chunk: a clean end of the body

    # wire helpers
    def _start_response(self, status: int, content_type: str, *, chunked: bool = False, length: int = 0,
                        headers: dict[str, str] | None = None) -> None:
        self.entry.status = status
        try:
            self.send_response(status)
            self.send_header("content-type", content_type)
            self.send_header("request-id", self.entry.request_id)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if chunked:
                self.send_header("transfer-encoding", "chunked")
                self.send_header("cache-control", "no-cache")
            else:
                self.send_header("content-length", str(length))
            self.end_headers()
        except OSError as exc:
            raise self._gone() from exc

    def _send(self, status: int, payload: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self._start_response(status, content_type, length=len(payload), headers=headers)
        self._write(payload)

    def _json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(obj).encode(), "application/json", headers)

    def _error(self, status: int, error_type: str, message: str, headers: dict[str, str] | None = None) -> None:
        self._json(status, error_body(error_type, message, self.entry.request_id), headers)

    def _chunk(self, data: bytes) -> None:
        self._check_peer()
        self._write(b"%x\r\n%s\r\n" % (len(data), data))

    def _write(self, data: bytes) -> None:
        try:
            self.wfile.write(data)
        except OSError as exc:
            raise self._gone() from exc

    def _gone(self) -> Exception:
        return _ServerClosingError() if self.api._closing.is_set() else _ClientGoneError()

    def _check_peer(self) -> None:
        """Raise _ClientGoneError if the client has closed its end (a FIN or RST is waiting on the socket)."""
        if self.api._closing.is_set():
            raise _ServerClosingError()
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            if readable and self.connection.recv(1, socket.MSG_PEEK) == b"":
                raise _ClientGoneError()
        except (OSError, ValueError) as exc:
            raise self._gone() from exc

    def _pause(self, seconds: float) -> None:
        """Sleep, but notice a client hanging up or the server closing within ~50 ms."""
        deadline = time.monotonic() + seconds
        while True:
            self._check_peer()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            self.api._closing.wait(min(0.05, remaining))

    def _abort(self, fault: Fault) -> None:
        self.close_connection = True
        conn = self.connection
        if fault.reset:
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            with self.server.lock:
                self.server.aborted.add(conn)
        else:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_WR)
