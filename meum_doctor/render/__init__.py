"""Renderers: one small function per format, each turning a Report into text.

Renderers only present; every decision (order, verdict, what is redacted, which findings
the terminal hides) was made when the report was built. Each format is imported only when
asked for, so the terminal and JSON formats never load Jinja2.
"""

from __future__ import annotations

from meum_doctor.report import Report

FORMATS = ("text", "markdown", "html", "json")


def render(report: Report, fmt: str, *, color: bool = False) -> str:
    """The report in format ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "text":
        from meum_doctor.render.text import render_text

        return render_text(report, color=color)
    if fmt == "json":
        from meum_doctor.render.json import render_json

        return render_json(report)
    if fmt == "markdown":
        from meum_doctor.render.markdown import render_markdown

        return render_markdown(report)
    if fmt == "html":
        from meum_doctor.render.html import render_html

        return render_html(report)
    raise ValueError(f"unknown format {fmt!r}")
