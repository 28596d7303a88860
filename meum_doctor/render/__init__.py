"""Renderers: one small function per format, each turning a Report into text.

Renderers only present; every decision (order, verdict, what is redacted, which findings
the terminal hides) was made when the report was built. Which function renders which format
is declared once, in :mod:`meum_doctor.formats`; each is imported only when asked for, so
the terminal and JSON formats never load Jinja2.
"""

from __future__ import annotations

from meum_doctor import formats
from meum_doctor.report import Report

#: The format names (kept for callers of this module; :mod:`meum_doctor.formats` is the source).
FORMATS = tuple(formats.names())


def render(report: Report, fmt: str, *, color: bool = False) -> str:
    """The report in format ``fmt`` (one of :data:`FORMATS`); ValueError for another."""
    return formats.get(fmt).render(report, color=color)
