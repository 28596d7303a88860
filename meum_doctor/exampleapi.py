"""A small Meum-compatible API on 127.0.0.1, serving one status body per API key.

It backs ``check --demo``, the tests and the benchmark. It answers the status endpoint
(401 in the current error shape for an unknown key), ``/health``, and 404 elsewhere; given
``site_reports``, also WooCommerce's System Status endpoint (HTTP Basic authentication,
WooCommerce's own 401 answer for other credentials), as a store does for ``--site-url``.

It runs an asyncio server in a thread of its own: HTTP/1.1 with keep-alive, a deep accept
backlog, and answers that wait without holding a thread, so a benchmark of hundreds of
concurrent stores measures the client, not this server.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Mapping
from types import TracebackType

STATUS_PATH = "/v1/integration/woocommerce/status"
#: WooCommerce's System Status endpoint, as a store serves it.
SITE_STATUS_PATH = "/wp-json/wc/v3/system_status"


class ExampleApi:
    """``with ExampleApi({key: body}, delay=0.1) as api:`` ... ``api.base_url``.

    ``statuses`` maps an API key to the body served for it; any other key gets a 401.
    ``delay`` adds latency to every status answer (for benchmarks).
    """

    def __init__(
        self,
        statuses: Mapping[str, bytes],
        *,
        delay: float = 0.0,
        site_reports: Mapping[tuple[str, str], bytes] | None = None,
    ) -> None:
        self.statuses = dict(statuses)
        #: (user, password) -> the System Status served at SITE_STATUS_PATH to them (HTTP
        #: Basic authentication); others get WooCommerce's own 401 answer.
        self.site_reports = {
            _basic(user, password): body for (user, password), body in (site_reports or {}).items()
        }
        self.delay = delay
        #: Requests answered so far, and the most status requests ever in flight at once
        #: (tests check the client's concurrency with it).
        self.requests = 0
        self.peak_in_flight = 0
        self._in_flight = 0
        self._port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    def __enter__(self) -> ExampleApi:
        self._thread.start()
        if not self._ready.wait(10) or not self._port:
            raise RuntimeError("the example API did not start")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    def _serve(self) -> None:
        loop = self._loop
        asyncio.set_event_loop(loop)
        try:
            # A deep backlog: a batch opens dozens of connections at once, and a dropped
            # connection attempt would cost its client a whole second.
            server = loop.run_until_complete(
                asyncio.start_server(self._connection, "127.0.0.1", 0, backlog=512)
            )
            self._port = server.sockets[0].getsockname()[1]
        finally:
            self._ready.set()
        loop.run_forever()
        server.close()
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(server.wait_closed())
        loop.close()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
                request_line, *lines = head.split("\r\n")
                path = request_line.split(" ")[1].split("?", 1)[0]
                headers = {}
                for line in lines:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                self.requests += 1
                code, body = await self._answer(path, headers.get("authorization", ""))
                writer.write(_response(code, body, self.requests))
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    break
        except (
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
            ConnectionError,
            IndexError,
        ):
            pass  # the client hung up, or sent something that is not HTTP
        except asyncio.CancelledError:
            # The server is stopping. End normally rather than as cancelled: on Python 3.11
            # asyncio's stream callback calls task.exception() on the finished handler, which
            # raises for a cancelled task and prints a traceback to stderr.
            pass
        finally:
            writer.close()

    async def _answer(self, path: str, authorization: str) -> tuple[int, bytes]:
        if path == "/health":
            return 200, b'{"status": "ok"}'
        if path == SITE_STATUS_PATH and self.site_reports:
            report = self.site_reports.get(authorization)
            if report is None:
                return 401, json.dumps({
                    "code": "woocommerce_rest_cannot_view",
                    "message": "Sorry, you cannot list resources.",
                    "data": {"status": 401},
                }).encode()
            return 200, report
        if path != STATUS_PATH:
            return 404, _error("invalid_request_error", "NOT_FOUND", "No such endpoint")
        key = authorization[7:] if authorization.startswith("Bearer ") else ""
        body = self.statuses.get(key)
        if body is None:
            return 401, _error("authentication_error", "INVALID_API_KEY", "Invalid API key")
        self._in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self._in_flight)
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
        finally:
            self._in_flight -= 1
        return 200, body


def _response(code: int, body: bytes, number: int) -> bytes:
    reason = {200: "OK", 401: "Unauthorized", 404: "Not Found"}[code]
    head = (
        f"HTTP/1.1 {code} {reason}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nRequest-Id: req_example_{number:06d}\r\n"
        "Server: meum-example-api\r\n\r\n"
    )
    return head.encode("ascii") + body


def _basic(user: str, password: str) -> str:
    import base64

    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def _error(kind: str, code: str, message: str) -> bytes:
    return json.dumps({"error": {"type": kind, "code": code, "message": message}}).encode()
