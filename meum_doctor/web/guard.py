"""What keeps ``serve`` safe in front of the public: headers, CSRF, and the limits.

- :class:`Guard`, an ASGI middleware around the whole app: a fresh CSP nonce for every
  request, the security headers on every response (a strict CSP without inline script or
  style attributes, ``frame-ancestors 'none'``, ``form-action 'self'``, nosniff,
  no-referrer, ``no-store``, HSTS over HTTPS), and the request body read whole, before any
  route sees it, within a size limit (413) and a time limit (408) so a slow or huge upload
  cannot hold a worker.
- :class:`Csrf`: a random token in a ``SameSite=Strict`` cookie and its HMAC in the form
  (a signed double submit), plus the Origin check of :func:`same_origin`.
- :class:`SlidingWindow`: diagnoses per client a minute (429 with Retry-After), so the
  page cannot be used to try keys against Meum's API at speed; :class:`Flights`: a bound
  on diagnoses in flight (503 with Retry-After) instead of a queue without end.

Limits are per server process; the README says where to enforce a shared one.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import math
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]
#: (scope, HTTP status, error code, message) -> the whole answer, as the app words errors.
Reject = Callable[[Scope, int, str, str], Awaitable[tuple[bytes, bytes]]]

CSRF_COOKIE = "meum_doctor_csrf"
CSRF_FIELD = "csrf"


def csp(nonce: str) -> str:
    """The page's Content-Security-Policy: styles by nonce only, no script at all."""
    return (
        f"default-src 'none'; style-src 'nonce-{nonce}'; img-src data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )


def nonce_of(scope: Scope) -> str:
    """The CSP nonce of this request (set by :class:`Guard`)."""
    return str(scope.setdefault("state", {})["csp_nonce"])


class Guard:
    """Security headers on every response; request bodies read whole within limits."""

    def __init__(
        self, app: App, *, max_body: int, body_timeout: float, reject: Reject
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.body_timeout = body_timeout
        self.reject = reject

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(18)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() not in _OURS
                ]
                headers += [
                    (b"content-security-policy", csp(nonce).encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"cross-origin-resource-policy", b"same-origin"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                    # Every answer: reports hold a store's details, forms a CSRF token.
                    (b"cache-control", b"no-store"),
                ]
                if https:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = headers
            await send(message)

        if scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send_with_headers)
            return
        body, problem = await self._read_body(scope, receive)
        if problem is not None:
            status, code, text = problem
            head, payload = await self.reject(scope, status, code, text)
            await send_with_headers({
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", head),
                            (b"content-length", str(len(payload)).encode()),
                            (b"connection", b"close")],
            })
            await send_with_headers({"type": "http.response.body", "body": payload})
            return

        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: wait for the disconnect, as a server does

        await self.app(scope, replay, send_with_headers)

    async def _read_body(
        self, scope: Scope, receive: Receive
    ) -> tuple[bytes, tuple[int, str, str] | None]:
        """The whole body, or the 413/408 answer that ends the request instead."""
        too_large = (
            413,
            "too-large",
            f"the request is larger than this server accepts ({self.max_body // 1024} KiB); "
            "send a smaller status or site report",
        )
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    if int(value) > self.max_body:
                        return b"", too_large
                except ValueError:
                    return b"", (400, "usage", "the request's Content-Length is not a number")
        chunks = []
        size = 0
        try:
            async with asyncio.timeout(self.body_timeout):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        break
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > self.max_body:
                        return b"", too_large
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        break
        except TimeoutError:
            return b"", (408, "timeout", "the request was not sent in time; send it again")
        return b"".join(chunks), None


#: The headers the guard sets; the same names from a route are replaced, never doubled.
_OURS = frozenset({
    b"content-security-policy", b"x-content-type-options", b"referrer-policy",
    b"x-frame-options", b"cross-origin-opener-policy", b"cross-origin-resource-policy",
    b"permissions-policy", b"cache-control", b"strict-transport-security",
})


class Csrf:
    """A random token per browser in a cookie, and in the form its HMAC under a key of this
    process: a page on another site can neither read the cookie nor compute the token."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(32)

    @staticmethod
    def new_cookie() -> str:
        return secrets.token_urlsafe(32)

    @staticmethod
    def usable_cookie(value: str | None) -> bool:
        return value is not None and 32 <= len(value) <= 64 and value.isascii() and all(
            c.isalnum() or c in "-_" for c in value
        )

    def token_for(self, cookie: str) -> str:
        return hmac.new(self._key, cookie.encode(), hashlib.sha256).hexdigest()

    def valid(self, cookie: str | None, token: str | None) -> bool:
        if not self.usable_cookie(cookie) or not token:
            return False
        assert cookie is not None
        return hmac.compare_digest(self.token_for(cookie), token)


def same_origin(origin: str | None, fetch_site: str | None, scheme: str, host: str | None) -> bool:
    """False when the browser says the request comes from another site.

    Under ``Referrer-Policy: no-referrer`` Chromium sends ``Origin: null`` even for a form
    of this very page, so ``null`` proves nothing either way; ``Sec-Fetch-Site`` (sent by
    current browsers whatever the referrer policy) then decides. Without either (not a
    browser, or an old one), the token must still match."""
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return False
    if origin is None or origin == "null":
        return True
    return host is not None and origin == f"{scheme}://{host}"


class SlidingWindow:
    """At most ``limit`` events per ``window`` seconds per client; 0 means no limit."""

    #: Clients remembered at most; the least recently seen are forgotten first.
    MAX_CLIENTS = 100_000

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit = limit
        self.window = window
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()

    def hit(self, client: str, now: float | None = None) -> int | None:
        """Count one event of ``client``: None when allowed, else the seconds to wait."""
        if self.limit <= 0:
            return None
        now = time.monotonic() if now is None else now
        times = self._seen.pop(client, None) or deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        self._seen[client] = times  # most recently seen last
        while len(self._seen) > self.MAX_CLIENTS:
            self._seen.popitem(last=False)
        if len(times) >= self.limit:
            return max(1, math.ceil(times[0] + self.window - now))
        times.append(now)
        return None


class Flights:
    """A bound on the diagnoses running at once (one event loop: no lock needed)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.running = 0

    def enter(self) -> bool:
        if self.running >= self.limit:
            return False
        self.running += 1
        return True

    def leave(self) -> None:
        self.running -= 1
