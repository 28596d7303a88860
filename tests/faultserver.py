"""A fault-injecting HTTP server on 127.0.0.1 whose every answer is scripted byte for byte.

A script is called once per connection with the attempt number and the request bytes, and
yields what to do: ``bytes`` to send, a ``float`` to sleep, or :data:`CLOSE` to hang up
there (the connection is always closed after the script ends). That covers what a real API
and the proxies before it may do: any status, headers and body, a delay, a drip-feed, a
connection dropped mid-body, a redirect, a lying Content-Type, broken gzip.

Bounded: sleeps are the script's own, and the server stops with its ``with`` block.
"""

from __future__ import annotations

import gzip
import json
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from email.utils import formatdate
from types import TracebackType

CLOSE = object()
Script = Callable[[int, bytes], Iterable[object]]


def response(
    status: int = 200,
    body: bytes | str | dict[str, object] = b"",
    headers: dict[str, str] | None = None,
    *,
    content_length: bool = True,
) -> bytes:
    """The bytes of one HTTP/1.1 response (``Connection: close``)."""
    if isinstance(body, dict):
        body = json.dumps(body)
    if isinstance(body, str):
        body = body.encode()
    lines = [f"HTTP/1.1 {status} Status"]
    all_headers = {"Content-Type": "application/json", "Connection": "close", **(headers or {})}
    if content_length and "Content-Length" not in all_headers:
        all_headers["Content-Length"] = str(len(body))
    lines += [f"{name}: {value}" for name, value in all_headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def http_date(seconds_from_now: float) -> str:
    return formatdate(time.time() + seconds_from_now, usegmt=True)


def gzip_layers(body: bytes, layers: int) -> bytes:
    """``body`` gzipped ``layers`` times over (for ``Content-Encoding: gzip, gzip, ...``)."""
    for _ in range(layers):
        body = gzip.compress(body)
    return body


def gzip_broken(body: bytes) -> bytes:
    data = gzip.compress(body)
    return data[:10] + b"\x00garbage\xff" * 8


class FaultServer:
    """``with FaultServer(script) as server:`` ... ``server.url``, ``server.requests``."""

    def __init__(
        self, script: Script, host: str = "127.0.0.1", *, wait_for_request: bool = True
    ) -> None:
        self.script = script
        #: False: answer at once, without reading a request (e.g. to a TLS ClientHello).
        self.wait_for_request = wait_for_request
        self.requests: list[bytes] = []
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self.url = f"http://{host}:{self.port}"
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            request = b""
            try:
                while (
                    self.wait_for_request
                    and b"\r\n\r\n" not in request
                    and len(request) < 65536
                ):
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    request += chunk
            except OSError:
                return
            with self._lock:
                self.requests.append(request)
                attempt = len(self.requests)
            try:
                for step in self.script(attempt, request):
                    if step is CLOSE or self._stop.is_set():
                        return
                    if isinstance(step, int | float):
                        time.sleep(step)
                    else:
                        assert isinstance(step, bytes)
                        conn.sendall(step)
            except OSError:
                return  # the client hung up first: fine


def always(*steps: object) -> Script:
    """The same answer to every request."""

    def script(attempt: int, request: bytes) -> Iterator[object]:
        yield from steps

    return script


def in_turn(*answers: Iterable[object]) -> Script:
    """Answer the n-th request with the n-th answer (the last one repeats)."""

    def script(attempt: int, request: bytes) -> Iterator[object]:
        yield from answers[min(attempt, len(answers)) - 1]

    return script
