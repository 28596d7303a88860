"""The Markdown format: GitHub-flavoured, for pasting into tickets (Zendesk, Jira, GitHub).

Rendered from ``templates/report.md.j2``; every value is escaped by the environment, so an
API string cannot add structure, HTML or links (see :mod:`meum_doctor.render.templating`).
"""

from __future__ import annotations

from meum_doctor.render.common import raw_json
from meum_doctor.render.templating import environment, md_fence
from meum_doctor.report import Report
from meum_doctor.text import visible


def render_markdown(report: Report) -> str:
    template = environment("markdown").get_template("report.md.j2")
    raw_status = md_fence(raw_json(report.status, report.raw_compact), "json")
    site = report.site_report
    raw_site = md_fence(visible(site.raw), "json" if site.form == "json" else "") if site else ""
    return template.render(report=report, raw_status=raw_status, raw_site_report=raw_site)
