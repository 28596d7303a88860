"""The Meum status: how it is acquired (API, demo, file) and parsed into a Status.

The only module of the core that calls the API client (:mod:`meum_doctor.client`, which
imports httpx): every call is here, imported inside the functions that need it, so reading
a saved status never loads the network stack.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from typing import Any

from meum_doctor.documents import MEUM_STATUS, Document
from meum_doctor.errors import BadResponse, NotASiteReport, NotAStatus
from meum_doctor.sources import FetchOptions, Parsed, Source, SourceKind, register
from meum_doctor.sources.files import read_file
from meum_doctor.status import SPECIFIC_FIELDS, Status, parse


def parse_document(document: Document) -> Parsed:
    """The status of ``document``; NotAStatus (or a decoding error) for a body that is no
    status at all, and NotASiteReport's "use --site-report" for a saved file that is a
    WooCommerce System Status report (only looked for once the body failed as a status, so
    reading a good status costs nothing more)."""
    local = document.provenance.type in ("file", "stdin")
    try:
        status = parse(document.body)
        if local:
            _refuse_non_status(status, document)
    except BadResponse:
        if local:
            _refuse_site_report(document)
        raise
    return Parsed(status, status.problems)


def _refuse_site_report(document: Document) -> None:
    """Raise NotASiteReport when a status file is a System Status report instead."""
    from meum_doctor.sitereport import looks_like_site_report

    if looks_like_site_report(document.body):
        provenance = document.provenance
        where = (
            "standard input" if provenance.type == "stdin" else f"status file {provenance.location}"
        )
        raise NotASiteReport(
            f"{where} is not a Meum status: this is a System Status report: use --site-report"
        )


def read(source: Source) -> Document:
    """A saved status from a file or standard input (with its meta file when asked)."""
    document = read_file(source.location, scanned=source.scanned)
    if not source.history:
        return document
    from meum_doctor.saved import read_history

    history = read_history(document)
    return replace(document, provenance=replace(document.provenance, history=history))


async def fetch(source: Source, options: FetchOptions) -> Document:
    """The status from the API at ``source.location``, or the bundled demo it names."""
    if source.type == "demo":
        return await _fetch_demo(source.location, options)
    return await fetch_api(source.location, source.credentials[0], options.timeout,
                           options.client)


async def fetch_api(
    base_url: str, key: str, timeout: float, client: object | None = None
) -> Document:
    """Fetch one store's status. A fetch of its own (no shared ``client``) checks the key
    first and logs what looks wrong with it; a shared client is ``batch``'s, whose keys were
    checked as its keys file was read."""
    from meum_doctor import client as api

    url = api.status_url(base_url)
    if client is None:
        import logging

        for warning in api.check_key(key):
            logging.getLogger("meum_doctor.client").warning(warning)
        async with api.make_client(base_url, timeout) as own:
            return await api.fetch_with(own, url, key, timeout)
    return await api.fetch_with(client, url, key, timeout)  # type: ignore[arg-type]


async def _fetch_demo(name: str, options: FetchOptions) -> Document:
    """Serve example ``name`` on a loopback API and fetch it exactly as a real run does."""
    from meum_doctor.demo import DEMO_KEY, example_body, rebase
    from meum_doctor.exampleapi import ExampleApi

    body = rebase(example_body(name), options.now)
    with ExampleApi({DEMO_KEY: body}) as server:
        document = await fetch_api(server.base_url, DEMO_KEY, options.timeout)
    return replace(document, provenance=replace(document.provenance, type="demo", location=name))


def check_base_url(base_url: str) -> None:
    """Raise UsageError for a base URL that keys must not be sent to (before any fetch)."""
    from meum_doctor.client import status_url

    status_url(base_url)


def shared_client(
    base_url: str, timeout: float, connections: int
) -> AbstractAsyncContextManager[Any]:
    """One connection pool for many fetches from ``base_url`` (``batch``)."""
    from meum_doctor.client import make_client

    return make_client(base_url, timeout, connections=connections)


# SPECIFIC_FIELDS (status.py): the fields of a status that only this API sends. ``status``,
# ``issues``, ``error`` or ``message`` are in every other JSON (an API error answer, a Jira
# export): one of them alone does not make a file a Meum status, and judging such a file
# reported a "disconnected store" that never was.
#: The keys an API's error answer is made of ({"status": "error", "message": "Unauthorized"}).
ERROR_FIELDS = frozenset({"error", "errors", "message", "detail", "code"})


def _refuse_non_status(status: Status, document: Document) -> None:
    """Raise NotAStatus for a file that is not a Meum status (see :data:`SPECIFIC_FIELDS`)."""
    if status.present & SPECIFIC_FIELDS:
        return
    provenance = document.provenance
    where = (
        "standard input" if provenance.type == "stdin" else f"status file {provenance.location}"
    )
    if status.present & ERROR_FIELDS:
        # The keys are named, never their values: an error text may echo a key or a token.
        keys = ", ".join(sorted(status.present & (ERROR_FIELDS | {"status"})))
        raise NotAStatus(
            f"{where} is not a Meum status: it looks like an API error answer ({keys}), not a "
            "status; save the status again from a request that succeeded"
        )
    raise NotAStatus(
        f"{where} is not a Meum status: it has none of the status's own fields "
        "(connected, connection_status, site_url, integration_id, …)"
    )


KIND = register(SourceKind(MEUM_STATUS, parse=parse_document, read=read, fetch=fetch))
