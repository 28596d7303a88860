"""The site's own WooCommerce System Status report: read from a file or standard input, and
parsed by :mod:`meum_doctor.sitereport` into a :class:`~meum_doctor.sitereport.SiteReport`.

Every form a ticket holds is accepted (the pasted text in any wrapping, the downloaded .txt,
the REST JSON); see :mod:`meum_doctor.sitereport` for what is read and how.
"""

from __future__ import annotations

from meum_doctor.documents import SITE_REPORT, Document
from meum_doctor.sources import Parsed, Source, SourceKind, register
from meum_doctor.sources.files import read_file


def parse_document(document: Document) -> Parsed:
    """The site report of ``document``; BadResponse for a body that is no such report."""
    from meum_doctor.sitereport import parse_site_report

    report, problems = parse_site_report(document.body)
    return Parsed(report, tuple(problems))


def read(source: Source) -> Document:
    """A site report from a file or standard input (at most 1 MiB, as a status)."""
    return read_file(source.location, scanned=source.scanned, kind=SITE_REPORT, noun="site report")


KIND = register(SourceKind(SITE_REPORT, parse=parse_document, read=read))
