"""Release data (kind ``release-data``): asked of WordPress.org, cached on disk, never fatal.

:func:`obtain` gives the document a run judges by, and never raises: a fresh cache entry (no
request at all), else the three answers fetched concurrently within the short timeout, else
the last cached answer, else the bundled policy, each saying which it is and why. The model
and the overlay are in :mod:`meum_doctor.releasedata`.

The cache is one JSON file per API root in ``$XDG_CACHE_HOME/meum-doctor/release-data/``
(never pickle: the cache holds data, not code), under the rules of the template cache
(:mod:`meum_doctor.trust`): the folder and the file must be ours and writable by no one else,
opened without following links and checked on the open descriptor; written to a private
temporary file and renamed into place. A cache that cannot be read, is damaged or untrusted is
a cache miss, silently.

The network stack (httpx, asyncio, through :mod:`meum_doctor.client`) is imported only inside
the functions that fetch: a cache hit never loads it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from meum_doctor import __version__
from meum_doctor.documents import RELEASE_DATA, Document, Provenance
from meum_doctor.errors import BadResponse, UsageError
from meum_doctor.hosts import is_loopback
from meum_doctor.releasedata import (
    PARTS,
    ReleaseData,
    bundled_envelope,
    describe,
    envelope,
    origin_of,
    parse_release_data,
    plugin_part,
    stable_check_part,
    version_check_part,
)
from meum_doctor.sources import FetchOptions, Parsed, Source, SourceKind, register
from meum_doctor.text import clean_line
from meum_doctor.trust import is_trusted, open_private_folder

DEFAULT_URL = "https://api.wordpress.org"
URL_ENV = "MEUM_DOCTOR_RELEASE_DATA_URL"
OFFLINE_ENV = "MEUM_DOCTOR_OFFLINE"
NO_CACHE_ENV = "MEUM_DOCTOR_NO_CACHE"
#: The whole fetch (three requests at once, retries included) never takes longer.
DEFAULT_TIMEOUT = 3.0
DEFAULT_MAX_AGE_HOURS = 24.0
#: A cache file is a few tens of KB; more is not ours.
MAX_CACHE_BYTES = 1024 * 1024
#: Ask for less than the plugin information holds (its sections and versions are large).
_PLUGIN_FIELDS = (
    "sections", "versions", "reviews", "banners", "icons", "screenshots", "contributors",
    "ratings", "description", "short_description", "tags", "donate_link", "compatibility",
    "active_installs", "downloaded", "homepage", "download_link", "added",
)
PATHS = {
    "stable_check": "/core/stable-check/1.0/",
    "version_check": "/core/version-check/1.7/",
    "woocommerce": "/plugins/info/1.2/?action=plugin_information&request%5Bslug%5D=woocommerce"
    + "".join(f"&request%5Bfields%5D%5B{name}%5D=0" for name in _PLUGIN_FIELDS),
}
_CHECKS = {
    "stable_check": stable_check_part,
    "version_check": version_check_part,
    "woocommerce": plugin_part,
}
#: Retry a part only while this much time is left before the deadline.
_RETRY_MARGIN = 1.0


@dataclass(frozen=True)
class Request:
    """How a run gets its release data."""

    url: str = DEFAULT_URL
    max_age: timedelta = timedelta(hours=DEFAULT_MAX_AGE_HOURS)
    #: Ask even when the cache is fresh (--refresh-release-data).
    refresh: bool = False
    timeout: float = DEFAULT_TIMEOUT
    #: Use the disk cache (False under MEUM_DOCTOR_NO_CACHE).
    cache: bool = True
    #: The bundled policy's date, for the fallback's document.
    bundled_as_of: date = date(2000, 1, 1)


def check_url(url: str) -> str:
    """The API root ``url`` without a trailing slash; UsageError unless it is an https URL
    with a host (plain http only to a loopback test server), without user, query or fragment."""
    shown = clean_line(url)[:200]
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise UsageError(f"the release data URL {shown!r} is not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"the release data URL {shown!r} must be an https URL with a host, like "
            f"{DEFAULT_URL}"
        )
    if scheme == "http" and not is_loopback(parts.hostname):
        raise UsageError(
            f"the release data URL must use https:// (plain http is allowed only for a local "
            f"test server on 127.0.0.1 or localhost), not {shown!r}"
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise UsageError(
            "the release data URL must not have a user name, password, query (?…) or "
            f"fragment (#…): give the API's root, like {DEFAULT_URL}"
        )
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def cache_folder() -> str:
    """``$XDG_CACHE_HOME/meum-doctor/release-data`` (``~/.cache`` without the variable)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "meum-doctor", "release-data")


def cache_name(url: str) -> str:
    """One file per API root: a mirror's answers never stand in for WordPress.org's."""
    return f"{hashlib.sha256(url.encode('utf-8')).hexdigest()[:32]}.json"


def _open_folder(create: bool) -> int | None:
    """The cache folder, opened and checked (ours, writable by no one else); None if not."""
    return open_private_folder(cache_folder(), create=create)


def read_cache(url: str) -> tuple[bytes, ReleaseData] | None:
    """The cached answers for ``url`` and their data; None when there is no usable entry (none,
    unreadable, untrusted, damaged, or of another URL)."""
    folder = _open_folder(create=False)
    if folder is None:
        return None
    try:
        flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK
        fd = os.open(cache_name(url), flags, dir_fd=folder)
    except OSError:
        return None
    finally:
        os.close(folder)
    with os.fdopen(fd, "rb") as handle:
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or not is_trusted(info):
                return None
            body = handle.read(MAX_CACHE_BYTES + 1)
        except OSError:
            return None
    if len(body) > MAX_CACHE_BYTES:
        return None
    try:
        data = parse_release_data(body)
    except BadResponse:
        return None
    if data.bundled or data.url != url:
        return None
    return body, data


def write_cache(url: str, body: bytes) -> None:
    """Keep ``body`` as the cached answers for ``url``: atomically, readable by us alone. A
    failure (a full disk, an untrusted folder) only means no cache."""
    folder = _open_folder(create=True)
    if folder is None:
        return
    name = cache_name(url)
    temporary = f".{name}.{os.getpid()}.tmp"
    try:
        fd = os.open(
            temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600, dir_fd=folder
        )
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)
        os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary, dir_fd=folder)
    finally:
        os.close(folder)


# The documents ----------------------------------------------------------------------------------


def _document(body: bytes, type_: str, location: str, at: datetime, note: str) -> Document:
    return Document(RELEASE_DATA, body, Provenance(type_, location, at, note=note))


def bundled(request: Request, reason: str) -> Document:
    """The bundled fallback's document, saying why it is used."""
    body = bundled_envelope(request.bundled_as_of, reason)
    data = parse_release_data(body)
    at = datetime.combine(request.bundled_as_of, time(), UTC)
    return _document(body, "bundled", "defaults.toml", at, describe(data))


def _cached(body: bytes, data: ReleaseData, why: str | None = None) -> Document:
    assert data.fetched_at is not None
    note = describe(data, from_cache=True, why=why)
    return _document(body, "cache", data.url, data.fetched_at, note)


def cached_if_fresh(request: Request, now: datetime | None = None) -> Document | None:
    """The cached answers when they are younger than ``request.max_age`` (and the run does
    not ask to refresh): the synchronous path, which needs no network stack at all."""
    if request.refresh or not request.cache:
        return None
    found = read_cache(request.url)
    if found is None:
        return None
    body, data = found
    now = now or datetime.now(UTC)
    assert data.fetched_at is not None
    age = now - data.fetched_at
    if age < timedelta(0) or age > request.max_age:
        return None  # stale, or from the future (a clock that was wrong): ask again
    return _cached(body, data)


async def obtain(request: Request) -> Document:
    """The release data a run judges by; never raises (see the module docstring)."""
    fresh = cached_if_fresh(request)
    if fresh is not None:
        return fresh
    try:
        body = await fetch_live(request)
    except _Unavailable as exc:
        return fallback(request, str(exc))
    data = parse_release_data(body)
    if not data.failures and request.cache:
        write_cache(request.url, body)  # only a whole answer stands in for a day
    assert data.fetched_at is not None
    return _document(body, "api", request.url, data.fetched_at, describe(data))


def fallback(request: Request, reason: str) -> Document:
    """The cache (of any age, when newer than the bundled policy), else the bundled policy."""
    origin = origin_of(request.url)
    why = f"{origin} could not be reached ({reason})"
    found = read_cache(request.url) if request.cache else None
    if found is not None:
        body, data = found
        if data.fetched_at is not None and data.fetched_at.date() >= request.bundled_as_of:
            return _cached(body, data, why)
    return bundled(request, why)


# Fetching ---------------------------------------------------------------------------------------


class _Unavailable(Exception):
    """No part of the release data could be obtained; the message says why."""


class _PartFailed(Exception):
    """One endpoint gave no usable answer; the message says why, briefly."""


async def fetch_live(request: Request) -> bytes:
    """The three answers, asked concurrently, within ``request.timeout`` in all; the envelope
    of those obtained. _Unavailable when none was."""
    import asyncio

    from meum_doctor.client import make_client

    loop = asyncio.get_running_loop()
    deadline = loop.time() + request.timeout
    fetched_at = datetime.now(UTC)
    try:
        async with make_client(request.url, request.timeout, connections=1) as client:
            outcomes = await asyncio.gather(
                *(_part(client, request.url, name, deadline) for name in PARTS),
                return_exceptions=True,
            )
    except Exception as exc:  # the client itself could not be made (a bad CA bundle, …)
        raise _Unavailable(_reason(exc, request.timeout)) from None
    parts: dict[str, object] = {}
    failures: dict[str, str] = {}
    for name, outcome in zip(PARTS, outcomes, strict=True):
        if isinstance(outcome, BaseException):
            if not isinstance(outcome, Exception):
                raise outcome  # KeyboardInterrupt, cancellation: not ours to swallow
            failures[name] = _reason(outcome, request.timeout)
        else:
            parts[name] = outcome
    if not parts:
        reasons = sorted(set(failures.values()))
        raise _Unavailable("; ".join(reasons))
    return envelope(request.url, fetched_at, parts, failures)


async def _part(client: Any, root: str, name: str, deadline: float) -> object:
    """One endpoint's checked answer, within the deadline; one retry when time allows."""
    import asyncio

    from meum_doctor.client.fetching import _attempt, backoff
    from meum_doctor.client.policy import ACCEPT_ENCODING
    from meum_doctor.errors import StatusUnavailable

    url = root + PATHS[name]
    # No key and nothing about the store: WordPress.org learns only that someone asked.
    headers = {
        "User-Agent": f"meum-doctor/{__version__}",
        "Accept": "application/json",
        "Accept-Encoding": ACCEPT_ENCODING,
    }
    loop = asyncio.get_running_loop()
    attempt = 0
    while True:
        attempt += 1
        retryable = False
        try:
            async with asyncio.timeout_at(deadline):
                answer = await _attempt(client, url, headers)
        except TimeoutError:
            raise _PartFailed("timed out") from None
        except StatusUnavailable as exc:  # a redirect elsewhere, broken compression
            raise _PartFailed(str(exc)[:120]) from None
        except Exception as exc:  # httpx's connection errors
            reason, retryable = _connection_reason(exc), True
        else:
            if answer.status_code == 200 and not answer.too_large:
                return _checked(name, answer.body)
            if answer.too_large:
                raise _PartFailed("the answer is larger than 1 MiB")
            reason = f"HTTP {answer.status_code}"
            retryable = answer.status_code in (429, 500, 502, 503, 504)
        pause = backoff(attempt)
        if not retryable or attempt >= 2 or deadline - loop.time() < pause + _RETRY_MARGIN:
            raise _PartFailed(reason)
        await asyncio.sleep(pause)


def _checked(name: str, body: bytes) -> object:
    try:
        answer = json.loads(body)
    except (ValueError, RecursionError):
        raise _PartFailed("the answer is not JSON") from None
    part = _CHECKS[name](answer)
    if part is None:
        raise _PartFailed("the answer is not the expected data")
    return part


def _connection_reason(exc: BaseException) -> str:
    import httpx

    if isinstance(exc, httpx.ConnectError):
        return "connection failed"
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    return type(exc).__name__


def _reason(exc: BaseException, timeout: float) -> str:
    if isinstance(exc, _PartFailed):
        text = str(exc)
        return f"timed out after {timeout:g} s" if text == "timed out" else text
    return f"{type(exc).__name__}"


# The source kind ------------------------------------------------------------------------------


def parse_document(document: Document) -> Parsed:
    """The release data of ``document``; BadResponse for a body that is none."""
    return Parsed(parse_release_data(document.body))


async def fetch(source: Source, options: FetchOptions) -> Document:
    """Release data from the API root at ``source.location`` (cache and fallback included)."""
    return await obtain(Request(url=source.location))


def request_from(
    *,
    url: str | None,
    max_age_hours: float,
    refresh: bool,
    bundled_as_of: date,
    environ: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Request:
    """The run's request: the URL (option, else $MEUM_DOCTOR_RELEASE_DATA_URL, else
    WordPress.org), checked; the cache unless $MEUM_DOCTOR_NO_CACHE."""
    environ = os.environ if environ is None else environ
    chosen = url or environ.get(URL_ENV) or DEFAULT_URL
    return Request(
        url=check_url(chosen),
        max_age=timedelta(hours=max_age_hours),
        refresh=refresh,
        timeout=timeout,
        cache=not environ.get(NO_CACHE_ENV),
        bundled_as_of=bundled_as_of,
    )


def with_note(document: Document, extra: str) -> Document:
    """``document`` with ``extra`` added to what its provenance says (the overrides)."""
    note = document.provenance.note
    provenance = replace(document.provenance, note=f"{note}; {extra}" if note else extra)
    return replace(document, provenance=provenance)


KIND = register(SourceKind(RELEASE_DATA, parse=parse_document, fetch=fetch))
