"""Fetching: one status, with its retries and same-origin redirects.

At most :data:`MAX_ATTEMPTS` attempts in all, retried only for idempotent failures
(connection errors, timeouts, 429, 502, 503, 504), with exponential backoff and jitter; a
``Retry-After`` is honoured up to :data:`RETRY_AFTER_CAP` seconds. Each attempt, redirects
and body included, is abandoned after ``timeout`` seconds. There is one implementation,
asynchronous: ``check`` runs it for one store (:func:`fetch_status`), ``batch`` for many
over one shared client (:func:`fetch_with`). The retry and error decisions are plain
functions of an attempt's outcome (:func:`decide`).
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpx

from meum_doctor.client.errors import (
    REDIRECT_STATUS,
    RETRYABLE_STATUS,
    _request_id,
    _rid,
    exception_error,
    http_error,
)
from meum_doctor.client.policy import MAX_ATTEMPTS, check_key, request_headers, status_url
from meum_doctor.client.transport import MAX_BODY, _read_capped, make_client
from meum_doctor.documents import MEUM_STATUS, Document, Provenance
from meum_doctor.errors import BadResponse, RedirectError, StatusUnavailable, TooLarge
from meum_doctor.secrets import key_hint, url_without_query
from meum_doctor.text import clean_line, shorten

log = logging.getLogger("meum_doctor.client")

MAX_REDIRECTS = 5
RETRY_AFTER_CAP = 30.0
BACKOFF_BASE = 0.25


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
            raise TooLarge(
                f"the status is larger than {MAX_BODY // 1024} KiB, far more than a status "
                f"should be; refusing to read it{_rid(request_id)}",
                http_status=answer.status_code,
                request_id=request_id,
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
                f"meum-doctor waits ({RETRY_AFTER_CAP:.0f} s): try again later.",
                http_status=error.http_status,
                request_id=error.request_id,
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
    return await fetch_loop(client, url, headers, timeout, decide)


#: What judges one attempt's outcome: the success, a retry, or (raised) the final error.
Judge = Callable[[Answer | StatusUnavailable, int, datetime], Document | Retry]


async def fetch_loop(
    client: httpx.AsyncClient,
    url: str,
    headers: dict[str, str],
    timeout: float,
    judge: Judge,
    *,
    service: str = "the API",
    option: str = "--base-url",
) -> Document:
    """Fetch ``url`` with ``headers`` and retries, ``judge`` deciding each attempt's fate;
    ``service`` and ``option`` name the server and the option giving it, in messages."""
    attempt = 0
    while True:
        attempt += 1
        fetched_at = datetime.now(UTC)
        outcome: Answer | StatusUnavailable
        try:
            async with asyncio.timeout(timeout):
                outcome = await _attempt(client, url, headers, service, option)
        except TimeoutError:
            outcome = exception_error(
                httpx.ReadTimeout("attempt deadline"), url, timeout, service=service, option=option
            )
        except httpx.HTTPError as exc:
            outcome = exception_error(exc, url, timeout, service=service, option=option)
        try:
            decision = judge(outcome, attempt, fetched_at)
        except StatusUnavailable as exc:
            exc.retried = attempt > 1
            raise
        if isinstance(decision, Document):
            return decision
        if attempt >= MAX_ATTEMPTS:
            decision.error.retried = True  # MAX_ATTEMPTS is more than one
            raise decision.error
        log.info(
            "attempt %d failed (%s); retrying in %.1f s", attempt, decision.error, decision.delay
        )
        await asyncio.sleep(decision.delay)


async def _attempt(
    client: httpx.AsyncClient,
    url: str,
    headers: dict[str, str],
    service: str = "the API",
    option: str = "--base-url",
) -> Answer:
    """One attempt, following same-origin redirects, reading at most MAX_BODY bytes."""
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        async with client.stream("GET", current, headers=headers) as response:
            if response.status_code in REDIRECT_STATUS and response.headers.get("location"):
                current = redirect_target(
                    current, response.headers["location"], service=service, option=option
                )
                continue
            try:
                body, too_large = await _read_capped(response)
            except BadResponse:
                if 200 <= response.status_code < 300:
                    raise
                # An error answer is judged by its status code; its body only adds detail.
                body, too_large = b"", False
            return Answer(response.status_code, response.headers, body, current, too_large)
    raise RedirectError(f"{service} redirected more than {MAX_REDIRECTS} times (a redirect loop?)")


def redirect_target(
    current: str, location: str, *, service: str = "the API", option: str = "--base-url"
) -> str:
    """Where a redirect leads, refusing any other origin: the key must not follow it there."""
    target = urljoin(current, location)
    here, there = urlsplit(current), urlsplit(target)
    if (here.scheme, here.hostname, here.port) != (there.scheme, there.hostname, there.port):
        # The host as written in Location, not urlsplit's lower-cased .hostname: an echoed
        # key in lower case would no longer be recognised by the run's secrets scrub.
        written = there.netloc.rpartition("@")[2]
        found = written.lower().find(there.hostname or "\0")
        host = written[found : found + len(there.hostname or "")] if found >= 0 else "?"
        raise RedirectError(
            f"{service} redirected to another site ({clean_line(there.scheme)}://"
            f"{shorten(clean_line(host), 100)}); meum-doctor does not send the key there. "
            f"Check {option}."
        )
    return target
