"""An HTTP error answer or an httpx exception, made into one typed error with a plain message.

Each failure becomes the class of :mod:`meum_doctor.errors` that names it (and so its code:
``auth-rejected``, ``timeout``, ``tls``, …), told apart by the HTTP status code and by the
exception's type, including the types in its ``__cause__``/``__context__`` chain
(``ssl.SSLError``, ``socket.gaierror``, ``ConnectionRefusedError``). Exception text is read
only where no type tells the cases apart (see :func:`_is_not_http`), and to add a reason in
words to a message. ``retryable`` marks the transient failures a retry may cure.
"""

from __future__ import annotations

import errno
import json
import socket
import ssl
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlsplit

import httpx

from meum_doctor.client.policy import KEY_PREFIX, MAX_ATTEMPTS
from meum_doctor.errors import (
    ApiError,
    AuthRejected,
    BadResponse,
    BrokenConnection,
    ConnectFailed,
    DNSFailed,
    Forbidden,
    NetworkError,
    NotFound,
    NotHTTP,
    RateLimited,
    RedirectError,
    ServerError,
    StatusUnavailable,
    TimedOut,
    TLSFailed,
)
from meum_doctor.secrets import url_without_query
from meum_doctor.text import clean_line, shorten

if TYPE_CHECKING:
    from meum_doctor.client.fetching import Answer

E = TypeVar("E", bound=BaseException)

RETRYABLE_STATUS = frozenset({429, 502, 503, 504})
REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})


def _request_id(headers: Mapping[str, str]) -> str | None:
    for name in ("request-id", "x-request-id"):
        value = headers.get(name)
        if value:
            return shorten(clean_line(value), 100)
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
    # Cut between words: a cut inside an echoed key would show all of it but its end.
    said = [str(part) for part in (code, message) if isinstance(part, str | int)]
    parts = [shorten(clean_line(part), 200) for part in said]
    return ": ".join(part for part in parts if part) or None


def http_error(answer: Answer, request_id: str | None) -> StatusUnavailable:
    """The typed error, with a plain message, for an HTTP error answer."""
    code = answer.status_code
    said = api_error_text(answer.body)
    api = f" The API said: {said}." if said else ""
    where = f", request id {request_id}" if request_id else ""
    kind: type[StatusUnavailable]
    if code == 401:
        kind, message = AuthRejected, (
            f"the API rejected this key (HTTP 401{where}): check you copied the whole "
            f"{KEY_PREFIX} key for this store.{api}"
        )
    elif code == 403:
        kind, message = Forbidden, (
            f"the API refused this key access to the integration status (HTTP 403{where}).{api} "
            "Use the store's own key with access to its WooCommerce integration."
        )
    elif code == 404:
        kind, message = NotFound, (
            f"the API has no WooCommerce integration status at {url_without_query(answer.url)} "
            f"(HTTP 404{where}): "
            f"check --base-url, and that this store has a WooCommerce integration.{api}"
        )
    elif code == 429:
        kind, message = RateLimited, (
            f"the API is rate limiting this key (HTTP 429{where}) and still was after "
            f"{MAX_ATTEMPTS} attempts: wait a minute and try again.{api}"
        )
    elif code >= 500:
        kind, message = ServerError, (
            f"the Meum API failed with a server error (HTTP {code}{where}): try again in a "
            f"few minutes; if it persists, check the API's health at /health.{api}"
        )
    elif code in REDIRECT_STATUS:
        kind, message = RedirectError, (
            f"the API answered with a redirect (HTTP {code}{where}) and no usable Location"
        )
    else:
        kind, message = ApiError, f"the API answered HTTP {code}{where}: not a status.{api}"
    return kind(message, http_status=code, request_id=request_id)


def exception_error(
    exc: httpx.HTTPError,
    url: str,
    timeout: float,
    *,
    service: str = "the API",
    option: str = "--base-url",
) -> StatusUnavailable:
    """The typed error for an httpx exception; ``retryable`` marks transient ones.
    ``service`` and ``option`` name the server and the option that gave its address."""
    host = urlsplit(url).hostname or url
    error: StatusUnavailable
    retryable = True
    tls = _in_chain(exc, ssl.SSLError)
    if isinstance(exc, httpx.TimeoutException):
        error = TimedOut(f"{service} at {host} did not answer within {timeout:g} s (timeout)")
    elif tls is not None or _tls_in_text(exc):
        retryable = False
        error = TLSFailed(
            f"a secure (TLS) connection to {host} could not be made: {_tls_reason(tls)}. "
            "A proxy or antivirus that inspects HTTPS can cause this; SSL_CERT_FILE points "
            "meum-doctor at another CA bundle"
        )
    elif isinstance(exc, httpx.DecodingError):
        retryable = False
        error = BadResponse(
            f"{service}'s answer could not be decoded (broken compression or encoding)"
        )
    elif isinstance(exc, httpx.ConnectError) and _in_chain(exc, socket.gaierror) is not None:
        error = DNSFailed(f"cannot resolve the host name {host}: check {option} and DNS")
    elif isinstance(exc, httpx.ConnectError):
        error = ConnectFailed(
            f"cannot connect to {host} ({_short_reason(exc)}): check the network, "
            f"{option} and any proxy settings"
        )
    elif isinstance(exc, httpx.RemoteProtocolError) and _is_not_http(exc):
        retryable = False
        error = NotHTTP(
            f"the server at {host} did not answer in HTTP (is {option} the right address "
            "and port?)"
        )
    elif isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError):
        error = BrokenConnection(
            f"the connection to {host} broke before the whole answer arrived "
            f"({_short_reason(exc)})"
        )
    else:
        error = NetworkError(f"the request to {host} failed: {_short_reason(exc)}")
    error.retryable = retryable
    return error


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and the exceptions it was raised from or during (httpx wraps httpcore, which
    wraps the ssl, socket and OS errors), at most a few deep."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return
        yield seen
        seen = seen.__cause__ or seen.__context__


def _in_chain(exc: BaseException, kind: type[E]) -> E | None:
    """The first exception of type ``kind`` in the chain of ``exc``, or None."""
    return next((seen for seen in _chain(exc) if isinstance(seen, kind)), None)


def _tls_in_text(exc: BaseException) -> bool:
    """A TLS failure whose ssl.SSLError was not kept in the chain.

    Text, because there is no type to look for: a proxy tunnel (CONNECT) or a backend
    that re-raises the handshake failure as a new exception leaves only OpenSSL's words.
    """
    return any(
        "CERTIFICATE_VERIFY_FAILED" in str(seen) or "SSL:" in str(seen) for seen in _chain(exc)
    )


def _tls_reason(error: ssl.SSLError | None) -> str:
    if isinstance(error, ssl.SSLCertVerificationError):
        return "its certificate could not be verified"
    if error is not None and error.reason == "WRONG_VERSION_NUMBER":
        return "the server does not speak HTTPS on that port"
    return "the TLS handshake failed"


def _is_not_http(exc: BaseException) -> bool:
    """True when the peer's bytes were not HTTP at all, rather than HTTP cut short.

    Text, because no type tells them apart: h11 raises the same RemoteProtocolError for an
    illegal status line as for a body that ends early; only its message differs.
    """
    lowered = " ".join(str(seen) for seen in _chain(exc)).lower()
    return "illegal status line" in lowered or "invalid http" in lowered or "malformed" in lowered


def _short_reason(exc: BaseException) -> str:
    """A few words on why a connection failed, from the OS error's type where there is one."""
    if _in_chain(exc, ConnectionRefusedError) is not None:
        return "connection refused"
    if _in_chain(exc, ConnectionResetError) is not None:
        return "connection reset"
    oserror = _in_chain(exc, OSError)
    if oserror is not None and oserror.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return "network unreachable"
    # h11's "peer closed connection without sending complete message body" has no type of
    # its own (a RemoteProtocolError like any other): its words are all there is.
    lowered = str(exc).lower()
    if "incomplete" in lowered or "peer closed" in lowered or "without sending" in lowered:
        return "the server closed the connection early"
    return shorten(clean_line(f"{type(exc).__name__}: {exc}"), 120)
