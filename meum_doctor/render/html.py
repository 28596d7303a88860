"""The HTML format: one self-contained page (inline CSS, no script, no external request).

Rendered from ``templates/report.html.j2`` with autoescaping on; only http(s) URLs become
links, and a Content-Security-Policy forbids scripts and remote loads as a second guard.
"""

from __future__ import annotations

from meum_doctor.render.templating import environment
from meum_doctor.report import Report


def render_html(report: Report) -> str:
    return environment("html").get_template("report.html.j2").render(report=report)
