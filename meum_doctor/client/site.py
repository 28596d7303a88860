"""Fetching the store's own System Status report from its WooCommerce REST API.

``GET {site}/wp-json/wc/v3/system_status`` with HTTP Basic authentication (a REST API key
pair with Read access, or a WordPress user and application password), over the same
hardened client as the Meum API (:mod:`~meum_doctor.client.fetching`): https only (plain
http only to loopback), same-origin redirects only (the credentials never follow a
redirect to another host), at most ``MAX_ATTEMPTS`` attempts, the body capped at
``MAX_BODY``, each attempt bounded by the timeout. Only the messages differ: they speak of
the store, and of WooCommerce's permissions (``woocommerce_rest_cannot_view``).
"""

from __future__ import annotations

import logging
from datetime import datetime

import httpx

from meum_doctor.client.addresses import AddressPolicy
from meum_doctor.client.errors import (
    REDIRECT_STATUS,
    RETRYABLE_STATUS,
    _request_id,
    api_error_text,
)
from meum_doctor.client.fetching import Answer, Retry, backoff, fetch_loop, retry_after
from meum_doctor.client.policy import site_headers, site_status_url
from meum_doctor.client.transport import MAX_BODY, make_client
from meum_doctor.documents import SITE_REPORT, Document, Provenance
from meum_doctor.errors import (
    ApiError,
    AuthRejected,
    Forbidden,
    NotASiteReport,
    NotFound,
    RateLimited,
    RedirectError,
    ServerError,
    StatusUnavailable,
    TooLarge,
)
from meum_doctor.secrets import url_without_query
from meum_doctor.text import clean_line

log = logging.getLogger("meum_doctor.client")

#: WooCommerce's error code for credentials that may not read the System Status.
CANNOT_VIEW = "woocommerce_rest_cannot_view"
SERVICE = "the store"
OPTION = "--site-url"


async def fetch_site_report(
    site_url: str,
    user: str,
    password: str,
    timeout: float,
    client: object | None = None,
    address_policy: AddressPolicy | None = None,
) -> Document:
    """The store's System Status as received (see the module docstring); with an
    ``address_policy`` (``serve``), only from the addresses it accepts, on every hop."""
    url = site_status_url(site_url)
    headers = site_headers(user, password)
    log.info("fetching the System Status from %s", url)
    if client is None:
        async with make_client(url, timeout, connections=1, address_policy=address_policy) as own:
            return await fetch_loop(own, url, headers, timeout, decide_site, service=SERVICE,
                                    option=OPTION)
    assert isinstance(client, httpx.AsyncClient)
    return await fetch_loop(client, url, headers, timeout, decide_site, service=SERVICE,
                            option=OPTION)


def decide_site(
    outcome: Answer | StatusUnavailable, attempt: int, fetched_at: datetime
) -> Document | Retry:
    """The success, the retry, or (raised) the final error for one attempt at the store."""
    if isinstance(outcome, StatusUnavailable):
        if outcome.retryable:
            return Retry(backoff(attempt), outcome)
        raise outcome
    answer = outcome
    request_id = _request_id(answer.headers)
    host = clean_line(httpx.URL(answer.url).host or "?")
    if 200 <= answer.status_code < 300:
        if answer.too_large:
            raise TooLarge(
                f"the store's System Status is larger than {MAX_BODY // 1024} KiB, far more "
                "than a System Status report should be; refusing to read it",
                http_status=answer.status_code,
                request_id=request_id,
            )
        if not answer.body.lstrip().startswith((b"{", b"[")):
            kind = (
                "an HTML page (a login page, a maintenance page or a security plugin's "
                "challenge?)"
                if b"<html" in answer.body[:4096].lower() or b"<!doctype" in
                answer.body[:4096].lower()
                else "something that is not JSON"
            )
            raise NotASiteReport(
                f"the store at {host} answered with {kind}, not its System Status (HTTP "
                f"{answer.status_code}): check that --site-url is the store's address and "
                "that nothing blocks its REST API at /wp-json/",
                http_status=answer.status_code,
                request_id=request_id,
            )
        where = Provenance("api", url_without_query(answer.url), fetched_at, request_id)
        return Document(SITE_REPORT, answer.body, where)
    error = site_http_error(answer, request_id, host)
    if answer.status_code in RETRYABLE_STATUS:
        wait = retry_after(answer.headers.get("retry-after"), fetched_at)
        return Retry(wait if wait is not None and wait <= 30 else backoff(attempt), error)
    raise error


def site_http_error(answer: Answer, request_id: str | None, host: str) -> StatusUnavailable:
    """The typed error, with a plain message, for the store's HTTP error answer."""
    code = answer.status_code
    said = api_error_text(answer.body)
    store = f" The store said: {said}." if said else ""
    where = f", request id {request_id}" if request_id else ""
    cannot_view = said is not None and said.startswith(CANNOT_VIEW)
    permission = (
        " The credentials lack the permission to view the System Status: a REST API key "
        "needs Read (or Read/Write) access, and its user (or the application password's "
        "user) needs the manage_woocommerce capability (a Shop manager or Administrator)."
    )
    kind: type[StatusUnavailable]
    if code == 401:
        kind, message = AuthRejected, (
            f"the store at {host} rejected the WooCommerce key (HTTP 401{where}):"
            + (permission if cannot_view else " check --wc-key and --wc-secret (a ck_…/cs_… "
               "pair, or a user name and application password).")
            + store
        )
    elif code == 403:
        kind, message = Forbidden, (
            f"the store at {host} refused the WooCommerce key access to the System Status "
            f"(HTTP 403{where}):"
            + (permission if cannot_view else " a firewall or security plugin may block the "
               "REST API, or the key lacks Read access.")
            + store
        )
    elif code == 404:
        kind, message = NotFound, (
            f"the store at {host} has no WooCommerce REST API at "
            f"{url_without_query(answer.url)} (HTTP 404{where}): check --site-url, and that "
            f"WooCommerce is active.{store}"
        )
    elif code == 429:
        kind, message = RateLimited, (
            f"the store at {host} is rate limiting these requests (HTTP 429{where}): wait a "
            f"minute and try again.{store}"
        )
    elif code >= 500:
        kind, message = ServerError, (
            f"the store at {host} failed with a server error (HTTP {code}{where}): ask for the "
            f"System Status report as text instead (--site-report).{store}"
        )
    elif code in REDIRECT_STATUS:
        kind, message = RedirectError, (
            f"the store answered with a redirect (HTTP {code}{where}) and no usable Location"
        )
    else:
        kind, message = ApiError, (
            f"the store at {host} answered HTTP {code}{where}: not a System Status.{store}"
        )
    return kind(message, http_status=code, request_id=request_id)
