"""A fake OpenAI-compatible server on 127.0.0.1: chat completions as SSE, and ``/v1/models``.

Tests tell it how to answer the next requests (``server.will(Answer(...))``) and read back
what it received (``server.requests``). It runs in a thread, on a free port, speaking real
HTTP/1.1 with chunked transfer encoding so the client keeps its connection as with vLLM or
Ollama.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

KINDS = ("stream", "status", "slow_first", "stall", "malformed", "empty")


@dataclass(frozen=True)
class Answer:
    """How to answer one request.

    ``stream`` sends ``chunks``; ``status`` an HTTP error; ``slow_first`` waits ``delay``
    before the first chunk; ``stall`` sends the first chunk then goes silent for ``delay``;
    ``malformed`` sends a chunk that is not JSON; ``empty`` finishes without any content.
    ``gap`` spaces the chunks out in time.
    """

    kind: str = "stream"
    chunks: tuple[str, ...] = ("Hello", " there.")
    status: int = 500
    delay: float = 0.0
    gap: float = 0.0  # between chunks

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]  # names lowercased
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def system(self) -> str:
        return next(m["content"] for m in self.body["messages"] if m["role"] == "system")


class FakeOpenAI:
    """The server; use as a context manager or call ``start()``/``stop()``."""

    def __init__(self, default: Answer | None = None, model: str = "fake-model") -> None:
        self.default = default or Answer()
        self.model = model
        self.requests: list[Received] = []
        self._script: deque[Answer] = deque()
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def will(self, *answers: Answer) -> None:
        """Answer the next requests so, in order; then fall back to ``default``."""
        with self._lock:
            self._script.extend(answers)

    def next_answer(self, received: Received) -> Answer:
        with self._lock:
            self.requests.append(received)
            return self._script.popleft() if self._script else self.default

    def start(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that drop a kept-alive connection are normal here, not errors."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def closed_port_url() -> str:
    """A URL on which nothing listens: connecting is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def chunk(content: str | None, *, role: bool = False, finish: str | None = None) -> dict[str, Any]:
    delta: dict[str, Any] = {} if content is None else {"content": content}
    if role:
        delta["role"] = "assistant"
    return {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 0, "model": "fake",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


def _handler(server: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:
            server.next_answer(Received("GET", self.path, _headers(self)))
            if self.path.rstrip("/") == "/v1/models":
                self._json(200, {"object": "list", "data": [
                    {"id": server.model, "object": "model", "created": 0, "owned_by": "test"}]})
            else:
                self._json(404, {"error": {"message": f"no route {self.path}"}})

        def do_POST(self) -> None:
            size = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(size) or b"{}")
            answer = server.next_answer(Received("POST", self.path, _headers(self), body))
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._json(404, {"error": {"message": f"no route {self.path}"}})
            elif answer.kind == "status":
                self._json(answer.status, {"error": {"message": "fake failure", "type": "server_error"}})
            else:
                try:
                    self._stream(answer)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up: as intended
                    self.close_connection = True

        def _stream(self, answer: Answer) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self._event(chunk("", role=True))
            if answer.kind == "slow_first":
                time.sleep(answer.delay)
            if answer.kind == "malformed":
                self._send(b'data: {"choices": [{"delta": {"content": "Hel\n\n')
            elif answer.kind != "empty":
                for i, piece in enumerate(answer.chunks):
                    if i and answer.gap:
                        time.sleep(answer.gap)
                    self._event(chunk(piece))
                    if answer.kind == "stall" and i == 0:
                        time.sleep(answer.delay)
            self._event(chunk(None, finish="stop"))
            self._send(b"data: [DONE]\n\n")
            self._send(b"")

        def _event(self, data: dict[str, Any]) -> None:
            self._send(f"data: {json.dumps(data)}\n\n".encode())

        def _send(self, data: bytes) -> None:
            """One HTTP chunk (an empty one ends the body)."""
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

        def _json(self, status: int, data: dict[str, Any]) -> None:
            body = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def _headers(handler: BaseHTTPRequestHandler) -> dict[str, str]:
    """Header names lowercased: clients differ in case."""
    return {name.lower(): value for name, value in handler.headers.items()}
