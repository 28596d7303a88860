"""The HTML format: one self-contained page (inline CSS, no script, no external request).

Rendered from ``templates/report.html.j2`` with autoescaping on; only http(s) URLs become
links, and a Content-Security-Policy forbids scripts and remote loads as a second guard.

The same template serves a web page (``meum-doctor serve``) that shows the report inside
its own page: :func:`render_embedded` renders it for a page whose CSP header allows styles
by nonce only, so the report drops its own meta CSP (the header governs), writes no
``style=`` attribute (a strict CSP refuses them) and gives its ``<style>`` the nonce. A
page template extends ``report.html.j2`` and fills its blocks (``before_report``,
``after_report``, ``page_style``); rendered alone, the blocks are empty.
"""

from __future__ import annotations

from typing import Any

from meum_doctor.render.templating import environment
from meum_doctor.report import Report


def render_html(report: Report) -> str:
    return environment("html").get_template("report.html.j2").render(report=report, nonce=None)


def render_embedded(
    report: Report, *, nonce: str, template: str = "report.html.j2", **context: Any
) -> str:
    """The report for a page served with ``Content-Security-Policy: style-src 'nonce-…'``:
    ``template`` (``report.html.j2`` or a page extending it) rendered with ``context``."""
    if not nonce:
        raise ValueError("an embedded report needs the page's CSP nonce")
    return environment("html").get_template(template).render(
        report=report, nonce=nonce, **context
    )
