"""The transport: the httpx client, its connection pool, and the capped, hand-decoded body.

The body is read up to :data:`MAX_BODY` bytes (after decompression); only ``gzip`` and
``deflate`` are accepted, one coding at most, decompressed by hand at most
:data:`MAX_DECODED_CHUNK` bytes per step (:class:`Decoder`), so no answer can make the
client hold more than about MAX_BODY plus one step in memory.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx

from meum_doctor.client.addresses import AddressPolicy, IPAddress
from meum_doctor.client.policy import ACCEPT_ENCODING
from meum_doctor.errors import BadResponse, BlockedAddress
from meum_doctor.text import clean_line, shorten

MAX_BODY = 1024 * 1024
#: The most one decompression step may produce.
MAX_DECODED_CHUNK = 1024 * 1024


def make_client(
    base_url: str,
    timeout: float,
    connections: int = 10,
    address_policy: AddressPolicy | None = None,
    resolve: Resolver | None = None,
) -> httpx.AsyncClient:
    """An AsyncClient for ``base_url``: no automatic redirects, proxies and CAs from the env.

    The TLS context is made once and shared by every connection: loading the CA bundle costs
    tens of milliseconds. For a plain-http loopback URL (the demo and test servers) TLS can
    never be used (a redirect may not change the scheme), so it gets an empty context.

    With an ``address_policy`` (``serve`` fetching for a visitor), every request resolves its
    host once, is refused unless the policy accepts every address found, and connects to the
    address checked (:class:`PinnedTransport`); no proxy is used then, since a proxy would
    resolve the name again, unchecked. ``resolve`` replaces the system's resolver (tests).
    """
    if urlsplit(base_url).scheme.lower() == "http":
        verify = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies, and trusts nothing
    else:
        verify = httpx.create_ssl_context(trust_env=True)  # SSL_CERT_FILE and SSL_CERT_DIR
    options: dict[str, Any] = {}
    trust_env = True
    if address_policy is not None:
        assert connections == 1, "a pinned client fetches one site"
        trust_env = False
        options["transport"] = PinnedTransport(
            httpx.AsyncHTTPTransport(verify=verify, trust_env=False), address_policy, resolve
        )
    elif connections > 1:
        options["transport"] = ShardedTransport(
            [httpx.AsyncHTTPTransport(verify=verify, trust_env=True, limits=httpx.Limits(
                max_connections=1, max_keepalive_connections=1)) for _ in range(connections)]
        )
    return httpx.AsyncClient(
        # httpx's own timeouts sit just behind the attempt deadline, which speaks first.
        timeout=httpx.Timeout(timeout + 1),
        follow_redirects=False,
        trust_env=trust_env,
        verify=verify,
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        **options,
    )


#: Resolves (host, port) to its addresses; the system's resolver unless a test gives another.
Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]


async def system_resolve(host: str, port: int) -> list[IPAddress]:
    """Every address the system's resolver gives for ``host`` (TCP), in its order."""
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        # Chained, so client.errors names it a DNS failure as for any other fetch.
        raise httpx.ConnectError(f"cannot resolve {host}") from exc
    # The scope of a link-local IPv6 address (fe80::1%eth0) is dropped: refused anyway.
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found]


class PinnedTransport(httpx.AsyncBaseTransport):
    """Resolve, check, then connect to the checked address: no second DNS lookup.

    Each request (so each hop of a redirect, which the fetch follows by hand) resolves its
    host once; every address found must pass the policy (a name answering with one public
    and one private address is refused: the next lookup might pick the other). The request
    then goes to the first address as an IP literal, keeping its ``Host`` header and, for
    https, the name as TLS SNI and for the certificate check (httpcore's ``sni_hostname``).
    """

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        policy: AddressPolicy,
        resolve: Resolver | None = None,
    ) -> None:
        self._inner = inner
        self._policy = policy
        self._resolve = resolve or system_resolve

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        host = url.host
        port = url.port or (443 if url.scheme == "https" else 80)
        try:
            addresses: list[IPAddress] = [ipaddress.ip_address(host)]
            literal = True
        except ValueError:
            addresses = await self._resolve(host, port)
            literal = False
        if not addresses:
            raise httpx.ConnectError(f"cannot resolve {host}") from socket.gaierror(host)
        for address in addresses:
            reason = self._policy(address)
            if reason is not None:
                # Which address is not said: it would map the operator's network for anyone.
                raise BlockedAddress(
                    f"refusing to fetch the site report from {clean_line(host)}: it "
                    f"{'is' if literal else 'resolves to'} {reason}, and this server fetches "
                    "only from public internet addresses; give the store's public address, "
                    "or paste its System Status report instead"
                )
        request.url = url.copy_with(host=str(addresses[0]))  # the Host header stays the name
        if not literal and url.scheme == "https":
            request.extensions = {**request.extensions, "sni_hostname": host}
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


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


def content_codings(headers: httpx.Headers) -> list[str]:
    """The content codings of an answer, in the order applied (``identity`` left out), as
    written: compared without case, but shown as sent, because an echoed key shown in
    lower case is a key the run's secrets scrub no longer recognises."""
    codings: list[str] = []
    for value in headers.get_list("content-encoding"):
        codings += [part.strip() for part in value.split(",") if part.strip()]
    return [coding for coding in codings if coding.lower() != "identity"]


class Decoder:
    """Undoes one content coding, never producing more than MAX_DECODED_CHUNK bytes per step.

    httpx's own decoders inflate a whole network chunk at once (a few KB of ``gzip, gzip``
    became gigabytes); zlib's ``max_length`` keeps the rest of the input for the next step.
    """

    def __init__(self, coding: str | None) -> None:
        # Matched without case; the message quotes it as sent (see content_codings).
        self.coding = coding.lower() if coding is not None else None
        self._raw_deflate_tried = False
        self._zlib: Any = None
        if self.coding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self.coding == "deflate":
            self._zlib = zlib.decompressobj()
        elif coding is not None:
            raise BadResponse(
                f"the API's answer could not be decoded: it uses the content coding "
                f"{shorten(clean_line(coding), 40)!r}, which meum-doctor did not ask for "
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
            f"{shorten(clean_line(', '.join(codings)), 100)}); "
            "meum-doctor accepts one coding at most"
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
