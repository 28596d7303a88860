"""The Meum API client: the only module that touches the network (and imports httpx).

``fetch_status(base_url, key, timeout)`` returns the status body exactly as received, as a
:class:`~meum_doctor.documents.Document`, or raises one typed error from
:mod:`meum_doctor.errors` with a plain message. What it guarantees:

- The key is checked before anything is sent (non-empty, no ``Bearer`` word, no whitespace
  or control characters; a key not starting with ``sk_live_`` only warns) and is never sent
  over plain ``http://`` except to a loopback host. It travels only in the ``Authorization``
  header and appears in no message: validation says "the key contains whitespace", not the
  key, and logs name it by :func:`~meum_doctor.secrets.key_hint` (its public prefix only).
- A base URL that already ends in the API's ``/v1`` (or the whole endpoint) is accepted as
  the API's root; one with a query or fragment is refused.
- Redirects are followed by hand and only within the same origin (scheme, host, port), at
  most :data:`MAX_REDIRECTS` hops: the key never follows a redirect to another host.
- At most :data:`MAX_ATTEMPTS` attempts in all, retried only for idempotent failures
  (connection errors, timeouts, 429, 502, 503, 504), with exponential backoff and jitter. A
  ``Retry-After`` (seconds or HTTP date) is honoured up to :data:`RETRY_AFTER_CAP` seconds;
  a longer one is not slept at all: the run stops and says when to come back.
- The body is read up to :data:`MAX_BODY` bytes (after decompression); more is an error.
  Only ``gzip`` and ``deflate`` are asked for and accepted, one coding at most (stacked
  codings such as ``gzip, gzip`` are refused: each layer multiplies what a few KB become),
  and the client decompresses by hand, at most :data:`MAX_DECODED_CHUNK` bytes per step,
  so no answer can make it hold more than about MAX_BODY plus one step in memory.
- Each attempt, redirects and body included, is abandoned after ``timeout`` seconds, so a
  whole fetch lasts at most 3 × timeout + 2 × RETRY_AFTER_CAP + 1 seconds.
- The standard proxy and CA variables are honoured (httpx's ``trust_env``).

There is one implementation, asynchronous: ``check`` runs it for one store
(:func:`fetch_status`), ``batch`` for many over one shared client (:func:`fetch_with`). The
retry and error decisions are plain functions of an attempt's outcome (:func:`decide`).
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import json
import logging
import random
import re
import ssl
import zlib
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from meum_doctor import __version__
from meum_doctor.documents import MEUM_STATUS, Document, Provenance
from meum_doctor.errors import (
    ApiError,
    AuthRejected,
    BadResponse,
    NetworkError,
    StatusUnavailable,
    UsageError,
)
from meum_doctor.secrets import key_hint, url_without_query
from meum_doctor.text import clean_line

log = logging.getLogger("meum_doctor.client")

API_VERSION_PATH = "/v1"
STATUS_PATH = f"{API_VERSION_PATH}/integration/woocommerce/status"
MAX_BODY = 1024 * 1024
MAX_ATTEMPTS = 3
MAX_REDIRECTS = 5
RETRY_AFTER_CAP = 30.0
BACKOFF_BASE = 0.25
RETRYABLE_STATUS = frozenset({429, 502, 503, 504})
REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
KEY_PREFIX = "sk_live_"
#: A key pasted with its header around it: "Bearer sk_live_…", "Authorization: Bearer …".
BEARER = re.compile(r"(?:authorization\s*:\s*)?bearer(?:\s|:|$)", re.IGNORECASE)
#: The only content codings asked for (httpx would also offer br and zstd when installed).
ACCEPT_ENCODING = "gzip, deflate"
#: The most one decompression step may produce.
MAX_DECODED_CHUNK = 1024 * 1024


# Checks made before anything is sent -------------------------------------------------------


def check_key(key: str | None) -> list[str]:
    """Refuse an unusable key (never echoing it); return warnings for a merely odd one."""
    if key is None or key == "":
        # The caller knows where the key came from and says so; this is the fallback.
        raise UsageError("the API key is empty")
    if BEARER.match(key):
        raise UsageError(
            "the API key starts with the word Bearer: pass the key alone (sk_live_…); "
            "meum-doctor sends it as 'Authorization: Bearer' itself"
        )
    if any(ch.isspace() for ch in key):
        raise UsageError(
            "the API key contains whitespace: copy it again, without spaces or line breaks"
        )
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in key):
        raise UsageError("the API key contains control characters: copy it again")
    if not key.isascii() or not key.isprintable():
        raise UsageError("the API key contains characters that are not plain ASCII: copy it again")
    if not key.startswith(KEY_PREFIX):
        return [
            f"the API key does not start with {KEY_PREFIX}; Meum store keys do, so this may "
            "be the wrong key"
        ]
    return []


def is_loopback(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1."""
    host = host.strip("[]").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def status_url(base_url: str) -> str:
    """The status endpoint under ``base_url``, refusing URLs the key must not be sent to."""
    try:
        parts = urlsplit(base_url.strip())
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise UsageError(f"the API base URL {clean_line(base_url)!r} is not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"the API base URL {clean_line(base_url)!r} must be an http(s) URL with a host, "
            "like https://api.meum.io"
        )
    if parts.username or parts.password:
        raise UsageError("the API base URL must not contain a user name or password")
    if scheme == "http" and not is_loopback(parts.hostname):
        raise UsageError(
            f"refusing to send the API key over plain http:// to {parts.hostname}: use https:// "
            "(plain http is allowed only for a local test server on 127.0.0.1 or localhost)"
        )
    if parts.query or parts.fragment:
        raise UsageError(
            "the API base URL must not have a query (?…) or fragment (#…): give the API's "
            "address, like https://api.meum.io"
        )
    # The API's documentation writes its endpoints under /v1, so a base URL ending in /v1
    # (or naming the whole endpoint) is what a reader copies: both mean the same API, and
    # appending the path again would ask for /v1/v1/… and end in a puzzling 404.
    path = parts.path.rstrip("/")
    for suffix in (STATUS_PATH, API_VERSION_PATH):
        if path.endswith(suffix):
            path = path.removesuffix(suffix)
            log.info("the API base URL already ends in %s; using the API at its root", suffix)
            break
    return urlunsplit((parts.scheme, parts.netloc, path + STATUS_PATH, "", ""))


def request_headers(key: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {key}",
        "User-Agent": f"meum-doctor/{__version__}",
        "Accept": "application/json",
        "Accept-Encoding": ACCEPT_ENCODING,
    }


# What one attempt produced, and what to do about it ----------------------------------------


@dataclass(frozen=True)
class Answer:
    """An HTTP answer with its body (possibly cut at the cap)."""

    status_code: int
    headers: Mapping[str, str]
    body: bytes
    url: str
    too_large: bool = False


@dataclass(frozen=True)
class Retry:
    """Try again after ``delay`` seconds; ``error`` is raised if no attempt is left."""

    delay: float
    error: StatusUnavailable


def decide(
    outcome: Answer | StatusUnavailable, attempt: int, fetched_at: datetime
) -> Document | Retry:
    """The success, the retry, or (raised) the final error for one attempt's outcome."""
    if isinstance(outcome, StatusUnavailable):
        if outcome.retryable:
            return Retry(backoff(attempt), outcome)
        raise outcome
    answer = outcome
    request_id = _request_id(answer.headers)
    if 200 <= answer.status_code < 300:
        if answer.too_large:
            raise BadResponse(
                f"the status is larger than {MAX_BODY // 1024} KiB, far more than a status "
                f"should be; refusing to read it{_rid(request_id)}"
            )
        # A same-site redirect may have added a query (...?k=<key>): it is never shown.
        where = Provenance("api", url_without_query(answer.url), fetched_at, request_id)
        return Document(MEUM_STATUS, answer.body, where)
    error = http_error(answer, request_id)
    if answer.status_code in RETRYABLE_STATUS:
        wait = retry_after(answer.headers.get("retry-after"), fetched_at)
        if wait is not None and wait > RETRY_AFTER_CAP:
            raise type(error)(
                f"{error} The API asks to wait {wait:.0f} s before retrying, longer than "
                f"meum-doctor waits ({RETRY_AFTER_CAP:.0f} s): try again later."
            )
        return Retry(wait if wait is not None else backoff(attempt), error)
    raise error


def backoff(attempt: int) -> float:
    """Exponential backoff with full-range jitter: 0.125–0.25 s, then 0.25–0.5 s."""
    ceiling = BACKOFF_BASE * 2.0 ** (attempt - 1)
    return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 - jitter, not crypto


def retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or HTTP date); None if unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _request_id(headers: Mapping[str, str]) -> str | None:
    for name in ("request-id", "x-request-id"):
        value = headers.get(name)
        if value:
            return clean_line(value)[:100]
    return None


def _rid(request_id: str | None) -> str:
    return f" (request id {request_id})" if request_id else ""


def api_error_text(body: bytes) -> str | None:
    """``CODE: message`` from an error body in the current or a legacy shape, if any."""
    try:
        data = json.loads(body.decode("utf-8", "replace")) if body.strip() else None
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    inner = data.get("error")
    source: Mapping[str, object] = inner if isinstance(inner, dict) else data
    code = source.get("code") or (inner if isinstance(inner, str) else None) or source.get("type")
    message = (
        source.get("message")
        or data.get("message")
        or data.get("detail")
        or data.get("error_description")
    )
    parts = [clean_line(str(part))[:200] for part in (code, message) if isinstance(part, str | int)]
    return ": ".join(part for part in parts if part) or None


def http_error(answer: Answer, request_id: str | None) -> StatusUnavailable:
    """The typed error, with a plain message, for an HTTP error answer."""
    code = answer.status_code
    said = api_error_text(answer.body)
    api = f" The API said: {said}." if said else ""
    where = _rid(request_id)
    if code == 401:
        return AuthRejected(
            f"the API rejected this key (HTTP 401{where}): check you copied the whole "
            f"{KEY_PREFIX} key for this store.{api}"
        )
    if code == 403:
        return AuthRejected(
            f"the API refused this key access to the integration status (HTTP 403{where}).{api} "
            "Use the store's own key with access to its WooCommerce integration."
        )
    if code == 404:
        return ApiError(
            f"the API has no WooCommerce integration status at {url_without_query(answer.url)} "
            f"(HTTP 404{where}): "
            f"check --base-url, and that this store has a WooCommerce integration.{api}"
        )
    if code == 429:
        return ApiError(
            f"the API is rate limiting this key (HTTP 429{where}) and still was after "
            f"{MAX_ATTEMPTS} attempts: wait a minute and try again.{api}"
        )
    if code >= 500:
        return ApiError(
            f"the Meum API failed with a server error (HTTP {code}{where}): try again in a "
            f"few minutes; if it persists, check the API's health at /health.{api}"
        )
    if code in REDIRECT_STATUS:
        return ApiError(
            f"the API answered with a redirect (HTTP {code}{where}) and no usable Location"
        )
    return ApiError(f"the API answered HTTP {code}{where}: not a status.{api}")


def exception_error(exc: httpx.HTTPError, url: str, timeout: float) -> StatusUnavailable:
    """The typed error for an httpx exception; ``retryable`` marks transient ones."""
    host = urlsplit(url).hostname or url
    text = _chain_text(exc)
    error: StatusUnavailable
    retryable = True
    if isinstance(exc, httpx.TimeoutException):
        error = NetworkError(f"the API at {host} did not answer within {timeout:g} s (timeout)")
    elif _is_tls(exc, text):
        retryable = False
        error = NetworkError(
            f"a secure (TLS) connection to {host} could not be made: {_tls_reason(text)}. "
            "A proxy or antivirus that inspects HTTPS can cause this; SSL_CERT_FILE points "
            "meum-doctor at another CA bundle"
        )
    elif isinstance(exc, httpx.DecodingError):
        retryable = False
        error = BadResponse(
            "the API's answer could not be decoded (broken compression or encoding)"
        )
    elif isinstance(exc, httpx.ConnectError) and _is_dns(text):
        error = NetworkError(f"cannot resolve the host name {host}: check --base-url and DNS")
    elif isinstance(exc, httpx.ConnectError):
        error = NetworkError(
            f"cannot connect to {host} ({_short_reason(text)}): check the network, "
            "--base-url and any proxy settings"
        )
    elif isinstance(exc, httpx.RemoteProtocolError) and _is_not_http(text):
        retryable = False
        error = NetworkError(
            f"the server at {host} did not answer in HTTP (is --base-url the right address "
            "and port?)"
        )
    elif isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError):
        error = NetworkError(
            f"the connection to {host} broke before the whole answer arrived "
            f"({_short_reason(text)})"
        )
    else:
        error = NetworkError(f"the request to {host} failed: {_short_reason(text)}")
    error.retryable = retryable
    return error


def _chain_text(exc: BaseException) -> str:
    parts: list[str] = []
    seen: BaseException | None = exc
    while seen is not None and len(parts) < 6:
        parts.append(f"{type(seen).__name__}: {seen}")
        seen = seen.__cause__ or seen.__context__
    return " | ".join(parts)


def _is_tls(exc: BaseException, text: str) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return "CERTIFICATE_VERIFY_FAILED" in text or "SSL:" in text


def _tls_reason(text: str) -> str:
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return "its certificate could not be verified"
    if "WRONG_VERSION_NUMBER" in text:
        return "the server does not speak HTTPS on that port"
    return "the TLS handshake failed"


def _is_not_http(text: str) -> bool:
    lowered = text.lower()
    return "illegal status line" in lowered or "invalid http" in lowered or "malformed" in lowered


def _is_dns(text: str) -> bool:
    markers = (
        "name or service not known",
        "nodename nor servname",
        "name resolution",
        "getaddrinfo",
        "no address associated",
        "errno -2",
        "errno -3",
        "errno -5",
    )
    lowered = text.lower()
    return any(marker in lowered for marker in markers)


def _short_reason(text: str) -> str:
    lowered = text.lower()
    if "refused" in lowered:
        return "connection refused"
    if "reset" in lowered:
        return "connection reset"
    if "incomplete" in lowered or "peer closed" in lowered or "without sending" in lowered:
        return "the server closed the connection early"
    if "unreachable" in lowered:
        return "network unreachable"
    first = text.split(" | ")[0]
    return clean_line(first)[:120]


# Fetching: one asynchronous implementation, for check (one store) and batch (many) ----------


def make_client(base_url: str, timeout: float, connections: int = 10) -> httpx.AsyncClient:
    """An AsyncClient for ``base_url``: no automatic redirects, proxies and CAs from the env.

    The TLS context is made once and shared by every connection: loading the CA bundle costs
    tens of milliseconds. For a plain-http loopback URL (the demo and test servers) TLS can
    never be used (a redirect may not change the scheme), so it gets an empty context.
    """
    if urlsplit(base_url).scheme.lower() == "http":
        verify = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies, and trusts nothing
    else:
        verify = httpx.create_ssl_context(trust_env=True)  # SSL_CERT_FILE and SSL_CERT_DIR
    options: dict[str, Any] = {}
    if connections > 1:
        options["transport"] = ShardedTransport(
            [httpx.AsyncHTTPTransport(verify=verify, trust_env=True, limits=httpx.Limits(
                max_connections=1, max_keepalive_connections=1)) for _ in range(connections)]
        )
    return httpx.AsyncClient(
        # httpx's own timeouts sit just behind the attempt deadline, which speaks first.
        timeout=httpx.Timeout(timeout + 1),
        follow_redirects=False,
        trust_env=True,
        verify=verify,
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        **options,
    )


class ShardedTransport(httpx.AsyncBaseTransport):
    """Spreads requests over single-connection transports, one request on each at a time.

    httpcore's pool re-scans every connection for every queued request on each event, which
    grows quadratically with concurrency (encode/httpcore#1035): at 50 concurrent requests
    the client spent most of its time there. Pools of one connection keep each scan trivial,
    and the free-list bounds concurrency exactly as the pool's limit did.
    """

    def __init__(self, shards: list[httpx.AsyncHTTPTransport]) -> None:
        self._shards = shards
        self._free: asyncio.Queue[httpx.AsyncHTTPTransport] | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._free is None:  # made inside the running loop, on first use
            self._free = asyncio.Queue()
            for shard in self._shards:
                self._free.put_nowait(shard)
        free = self._free
        shard = await free.get()
        try:
            response = await shard.handle_async_request(request)
        except BaseException:
            free.put_nowait(shard)
            raise
        stream = response.stream
        assert isinstance(stream, httpx.AsyncByteStream)
        response.stream = _Releasing(stream, lambda: free.put_nowait(shard))
        return response

    async def aclose(self) -> None:
        for shard in self._shards:
            await shard.aclose()


class _Releasing(httpx.AsyncByteStream):
    """A response body that gives its shard back once it is closed."""

    def __init__(self, inner: httpx.AsyncByteStream, release: Callable[[], None]) -> None:
        self._inner = inner
        self._release: Callable[[], None] | None = release

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._inner.aclose()
        finally:
            if self._release is not None:
                release, self._release = self._release, None
                release()


def fetch_status(base_url: str, key: str, timeout: float = 10.0) -> Document:
    """Fetch one store's status (see the module docstring for every guarantee)."""
    for warning in check_key(key):
        log.warning(warning)
    url = status_url(base_url)

    async def run() -> Document:
        async with make_client(base_url, timeout) as client:
            return await fetch_with(client, url, key, timeout)

    return asyncio.run(run())


async def fetch_with(
    client: httpx.AsyncClient,
    url: str,
    key: str,
    timeout: float,
) -> Document:
    """Fetch from ``url`` (already checked by :func:`status_url`) with retries."""
    headers = request_headers(key)
    log.info("fetching %s with key %s", url, key_hint(key))  # the public prefix, if any
    attempt = 0
    while True:
        attempt += 1
        fetched_at = datetime.now(UTC)
        outcome: Answer | StatusUnavailable
        try:
            async with asyncio.timeout(timeout):
                outcome = await _attempt(client, url, headers)
        except TimeoutError:
            outcome = exception_error(httpx.ReadTimeout("attempt deadline"), url, timeout)
        except httpx.HTTPError as exc:
            outcome = exception_error(exc, url, timeout)
        decision = decide(outcome, attempt, fetched_at)
        if isinstance(decision, Document):
            return decision
        if attempt >= MAX_ATTEMPTS:
            raise decision.error
        log.info(
            "attempt %d failed (%s); retrying in %.1f s", attempt, decision.error, decision.delay
        )
        await asyncio.sleep(decision.delay)


async def _attempt(client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> Answer:
    """One attempt, following same-origin redirects, reading at most MAX_BODY bytes."""
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        async with client.stream("GET", current, headers=headers) as response:
            if response.status_code in REDIRECT_STATUS and response.headers.get("location"):
                current = redirect_target(current, response.headers["location"])
                continue
            try:
                body, too_large = await _read_capped(response)
            except BadResponse:
                if 200 <= response.status_code < 300:
                    raise
                # An error answer is judged by its status code; its body only adds detail.
                body, too_large = b"", False
            return Answer(response.status_code, response.headers, body, current, too_large)
    raise ApiError(f"the API redirected more than {MAX_REDIRECTS} times (a redirect loop?)")


def redirect_target(current: str, location: str) -> str:
    """Where a redirect leads, refusing any other origin: the key must not follow it there."""
    target = urljoin(current, location)
    here, there = urlsplit(current), urlsplit(target)
    if (here.scheme, here.hostname, here.port) != (there.scheme, there.hostname, there.port):
        raise ApiError(
            f"the API redirected to another site ({clean_line(there.scheme)}://"
            f"{clean_line(there.hostname or '?')}); meum-doctor does not send the key there. "
            "Check --base-url."
        )
    return target


def content_codings(headers: httpx.Headers) -> list[str]:
    """The content codings of an answer, in the order applied (``identity`` left out)."""
    codings: list[str] = []
    for value in headers.get_list("content-encoding"):
        codings += [part.strip().lower() for part in value.split(",") if part.strip()]
    return [coding for coding in codings if coding != "identity"]


class Decoder:
    """Undoes one content coding, never producing more than MAX_DECODED_CHUNK bytes per step.

    httpx's own decoders inflate a whole network chunk at once (a few KB of ``gzip, gzip``
    became gigabytes); zlib's ``max_length`` keeps the rest of the input for the next step.
    """

    def __init__(self, coding: str | None) -> None:
        self.coding = coding
        self._raw_deflate_tried = False
        self._zlib: Any = None
        if coding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif coding == "deflate":
            self._zlib = zlib.decompressobj()
        elif coding is not None:
            raise BadResponse(
                f"the API's answer could not be decoded: it uses the content coding "
                f"{clean_line(coding)[:40]!r}, which meum-doctor did not ask for "
                f"(it asks for {ACCEPT_ENCODING} only)"
            )

    def feed(self, data: bytes) -> Iterator[bytes]:
        """The decoded bytes of ``data``, in pieces of at most MAX_DECODED_CHUNK bytes."""
        if self._zlib is None:
            yield data
            return
        pending = data
        while pending and not self._zlib.eof:
            try:
                piece = self._zlib.decompress(pending, MAX_DECODED_CHUNK)
            except zlib.error:
                if self.coding == "deflate" and not self._raw_deflate_tried:
                    # Some servers send raw deflate without the zlib wrapper, as httpx allows.
                    self._raw_deflate_tried = True
                    self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise BadResponse(
                    "the API's answer could not be decoded (broken compression or encoding)"
                ) from None
            self._raw_deflate_tried = True  # it decoded: the wrapper is settled
            pending = self._zlib.unconsumed_tail
            if piece:
                yield piece

    def finish(self) -> None:
        """Refuse compressed data that stopped before its end."""
        if self._zlib is not None and not self._zlib.eof:
            raise BadResponse(
                "the API's answer could not be decoded (the compressed data ends early)"
            )


async def _read_capped(response: httpx.Response) -> tuple[bytes, bool]:
    """The decoded body, cut at MAX_BODY bytes (then True); raw bytes are decoded by hand."""
    codings = content_codings(response.headers)
    if len(codings) > 1:
        raise BadResponse(
            "the API's answer is compressed more than once (Content-Encoding: "
            f"{clean_line(', '.join(codings))[:100]}); meum-doctor accepts one coding at most"
        )
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        # Compressed or not: a status that large would be more than a status can be.
        return b"", True
    decoder = Decoder(codings[0] if codings else None)
    buffer = bytearray()
    received = 0
    async for chunk in response.aiter_raw():
        received += len(chunk)
        for piece in decoder.feed(chunk):
            buffer += piece
            if len(buffer) > MAX_BODY:
                return bytes(buffer[:MAX_BODY]), True
        if received > MAX_BODY:
            return bytes(buffer[:MAX_BODY]), True
    decoder.finish()
    return bytes(buffer), False
