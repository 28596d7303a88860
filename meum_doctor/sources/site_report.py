"""The site's own WooCommerce System Status report: read from a file or standard input,
fetched from the store's REST API (``--site-url``, :mod:`meum_doctor.client.site`), and
parsed by :mod:`meum_doctor.sitereport` into a :class:`~meum_doctor.sitereport.SiteReport`.

Every form a ticket holds is accepted (the pasted text in any wrapping, the downloaded .txt,
the REST JSON); see :mod:`meum_doctor.sitereport` for what is read and how.
"""

from __future__ import annotations

from dataclasses import replace

from meum_doctor.documents import SITE_REPORT, Document
from meum_doctor.sources import FetchOptions, Parsed, Source, SourceKind, register
from meum_doctor.sources.files import read_file


def parse_document(document: Document) -> Parsed:
    """The site report of ``document``; BadResponse for a body that is no such report."""
    from meum_doctor.sitereport import parse_site_report

    report, problems = parse_site_report(document.body)
    return Parsed(report, tuple(problems))


def read(source: Source) -> Document:
    """A site report from a file or standard input (at most 1 MiB, as a status)."""
    return read_file(source.location, scanned=source.scanned, kind=SITE_REPORT, noun="site report")


async def fetch(source: Source, options: FetchOptions) -> Document:
    """The store's System Status from its REST API (``--site-url``), or the demo's."""
    if source.type == "demo":
        return await _fetch_demo(source.location, options)
    from meum_doctor.client.site import fetch_site_report

    user, password = source.credentials
    return await fetch_site_report(source.location, user, password, options.timeout)


async def _fetch_demo(name: str, options: FetchOptions) -> Document:
    """Serve the demo store's site report on a loopback WooCommerce-like API, with test
    credentials, and fetch it exactly as ``--site-url`` does."""
    from meum_doctor.client.site import fetch_site_report
    from meum_doctor.demo import DEMO_WC_KEY, DEMO_WC_SECRET, site_report_body
    from meum_doctor.exampleapi import ExampleApi

    body = site_report_body(name, options.now)
    with ExampleApi({}, site_reports={(DEMO_WC_KEY, DEMO_WC_SECRET): body}) as server:
        document = await fetch_site_report(
            server.base_url, DEMO_WC_KEY, DEMO_WC_SECRET, options.timeout
        )
    return replace(document, provenance=replace(document.provenance, type="demo", location=name))


KIND = register(SourceKind(SITE_REPORT, parse=parse_document, read=read, fetch=fetch))
