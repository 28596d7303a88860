"""The bundled examples, and a small Meum-compatible API on 127.0.0.1 that serves them.

``meum-doctor check --demo NAME`` starts :class:`ExampleApi` on a random free loopback port
and fetches from it with the same client, retries and parsing as a real run: the demo
exercises the real path, not a shortcut. Tests and the benchmark use the same server.

The examples were written as of :data:`EXAMPLE_EPOCH`. Served for a demo, their times are
moved by (evaluation time - epoch), so a check-in "6 minutes ago" stays 6 minutes ago.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any

from meum_doctor.data import package_file
from meum_doctor.errors import UsageError
from meum_doctor.sources import RawStatus
from meum_doctor.status import parse_datetime

if TYPE_CHECKING:
    from http.server import BaseHTTPRequestHandler

EXAMPLE_EPOCH = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
DEFAULT_EXAMPLE = "degraded"
#: Looks like a store key so the client treats it as one; it opens nothing but the demo.
DEMO_KEY = "sk_live_demo00000000000000000000"
STATUS_PATH = "/v1/integration/woocommerce/status"

EXAMPLES = {
    "healthy": "a connected store with nothing wrong",
    "degraded": "connected, but failing webhooks, an old plugin and WordPress, a late check-in",
    "disconnected": "disconnected: revoked credentials, disabled webhooks",
    "onboarding": "connecting: a connect key waits to be pasted into the plugin",
    "outdated": "connected and healthy, on outdated WooCommerce and WordPress",
    "staging-takeover": "a staging copy took over the webhooks; no payout wallet",
    "malformed": "an API answer with wrong types and unreadable values",
}


def example_names() -> list[str]:
    return list(EXAMPLES)


def example_body(name: str) -> bytes:
    """The bundled example called ``name``, as stored."""
    if name not in EXAMPLES:
        raise UsageError(f"no bundled example called {name!r}; choose from: {', '.join(EXAMPLES)}")
    return package_file("meum_doctor.examples", f"{name}.json").read_bytes()


def rebase(body: bytes, now: datetime) -> bytes:
    """The example with its times moved by (now - EXAMPLE_EPOCH); other bytes as they were."""
    shift = now - EXAMPLE_EPOCH
    data = json.loads(body)
    if not isinstance(data, dict):
        return body

    def moved(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return _iso(parse_datetime(value) + shift)
        except (ValueError, OverflowError):
            return value  # an example that is malformed on purpose stays so

    if "last_seen_at" in data:
        data["last_seen_at"] = moved(data["last_seen_at"])
    key = data.get("pending_connection_key")
    if isinstance(key, dict) and "expires_at" in key:
        key["expires_at"] = moved(key["expires_at"])
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class ExampleApi:
    """A Meum-compatible API on 127.0.0.1 serving one status body per key.

    ``statuses`` maps an API key to the body served for it; any other key gets a 401 in the
    current error shape. ``delay`` adds latency to every status answer (for benchmarks).
    Use it as a context manager; ``base_url`` is valid inside.
    """

    def __init__(self, statuses: Mapping[str, bytes], *, delay: float = 0.0) -> None:
        # http.server pulls in ssl; only a running demo should pay for that.
        from http.server import ThreadingHTTPServer

        self.statuses = dict(statuses)
        self.delay = delay
        self.requests = 0
        #: The most status requests ever being answered at once (tests check concurrency).
        self.peak_in_flight = 0
        self._in_flight = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self._server.daemon_threads = True
        # Keep-alive handler threads live until their client hangs up; never wait for them.
        self._server.block_on_close = False
        # serve_forever's default 0.5 s poll would make every demo run half a second longer.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.002}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> ExampleApi:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    @contextmanager
    def answering(self) -> Iterator[None]:
        with self._lock:
            self._in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self._in_flight)
        try:
            yield
        finally:
            with self._lock:
                self._in_flight -= 1

    def count(self) -> int:
        with self._lock:
            self.requests += 1
            return self.requests


def _make_handler(api: ExampleApi) -> type[BaseHTTPRequestHandler]:
    from http.server import BaseHTTPRequestHandler

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real API does
        server_version = "meum-example-api"

        def do_GET(self) -> None:
            number = api.count()
            path = self.path.split("?", 1)[0]
            if path == "/health":
                self._send(200, {"status": "ok"}, number)
                return
            if path != STATUS_PATH:
                self._send(
                    404, _error("invalid_request_error", "NOT_FOUND", "No such endpoint"), number
                )
                return
            auth = self.headers.get("Authorization", "")
            key = auth[7:] if auth.startswith("Bearer ") else ""
            body = api.statuses.get(key)
            if body is None:
                self._send(
                    401,
                    _error("authentication_error", "INVALID_API_KEY", "Invalid API key provided"),
                    number,
                )
                return
            with api.answering():
                if api.delay:
                    time.sleep(api.delay)
                self._send_bytes(200, body, number)

        def _send(self, code: int, payload: object, number: int) -> None:
            self._send_bytes(code, json.dumps(payload).encode(), number)

        def _send_bytes(self, code: int, body: bytes, number: int) -> None:
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Request-Id", f"req_example_{number:06d}")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # a demo prints nothing of its own

    return Handler


def _error(kind: str, code: str, message: str) -> dict[str, Any]:
    return {"error": {"type": kind, "code": code, "message": message}}


def fetch_example(name: str, now: datetime, timeout: float) -> RawStatus:
    """Serve example ``name`` on a loopback API and fetch it exactly as a real run does."""
    from meum_doctor.client import fetch_status  # httpx only when a demo actually runs

    body = rebase(example_body(name), now)
    with ExampleApi({DEMO_KEY: body}) as api:
        raw = fetch_status(api.base_url, DEMO_KEY, timeout)
    return replace(raw, source_type="demo", location=name)
