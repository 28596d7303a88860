"""The site-report rules beyond their case tables: where their wp-admin links point, and
that the site's untrusted strings reach every format escaped, through the whole pipeline."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from meum_doctor.rules._common import clip, quoted, site_admin_link, site_link_base
from test_rule_cases import HEALTHY, run_rule

from meum_doctor import app, formats
from meum_doctor.documents import MEUM_STATUS, SITE_REPORT
from meum_doctor.sitereport.model import SiteReport
from meum_doctor.sources import Source
from meum_doctor.status import from_mapping

REPO = Path(__file__).parents[2]
SITE_REPORTS = Path(__file__).parent / "site_reports"


def test_links_use_the_meum_status_url_first() -> None:
    status = from_mapping({**HEALTHY, "site_url": "https://shop.example/"})
    report = SiteReport(site_url="https://other.example/wp", home_url="https://other.example")
    assert site_link_base(status, report) == "https://shop.example"
    assert site_admin_link(status, report, "themes.php", "Themes")[0].url == (
        "https://shop.example/wp-admin/themes.php"
    )


def test_links_fall_back_to_the_reports_wordpress_address_then_its_site_address() -> None:
    report = SiteReport(site_url="https://other.example/wp/", home_url="https://home.example")
    assert site_link_base(None, report) == "https://other.example/wp"
    # An unusable status URL (user info steers a link elsewhere) is passed over too.
    status = from_mapping({**HEALTHY, "site_url": "https://shop.example@evil.example/"})
    assert site_link_base(status, report) == "https://other.example/wp"
    hostile = SiteReport(site_url="javascript:alert(1)", home_url="https://home.example?x=1")
    assert site_link_base(None, hostile) is None
    assert site_admin_link(None, hostile, "plugins.php", "Plugins") == ()
    assert site_link_base(None, SiteReport(home_url="https://home.example")) == (
        "https://home.example"
    )


@pytest.mark.parametrize(
    ("rule_id", "case", "url"),
    [
        ("MD304", {"no_status": True, "site_report": {"environment": {
            "site_url": "https://from-report.example", "remote_get_successful": False}}},
         "https://from-report.example/wp-admin/admin.php?page=wc-status"),
        ("MD304", {"site_report": {"environment": {
            "site_url": "https://from-report.example", "remote_get_successful": False}}},
         f"{HEALTHY['site_url'].rstrip('/')}/wp-admin/admin.php?page=wc-status"),
        ("MD305", {"site_report_file": "actions-failed-10.txt"},
         f"{HEALTHY['site_url'].rstrip('/')}/wp-admin/admin.php?page=wc-status"
         "&tab=action-scheduler&status=failed"),
        ("MD305", {"no_status": True, "site_report_file": "cron-off-actions-stuck.txt"},
         "https://lumen-coffee.example/wp-admin/admin.php?page=wc-status"
         "&tab=action-scheduler&status=past-due"),
        ("MD210", {"no_status": True, "site_report_file": "wc8.json"},
         "http://shop.tidewater.example/wp/wp-admin/themes.php"),
        ("MD303", {"site_report": {"environment": {"wp_cron": False}}},
         f"{HEALTHY['site_url'].rstrip('/')}/wp-admin/admin.php?page=wc-status"
         "&tab=action-scheduler&status=past-due"),
        ("MD306", {"site_report": {"environment": {"wp_memory_limit": 1}}},
         f"{HEALTHY['site_url'].rstrip('/')}/wp-admin/admin.php?page=wc-status"),
        ("MD506", {"site_report": {"security": {"hide_errors": False}}},
         f"{HEALTHY['site_url'].rstrip('/')}/wp-admin/admin.php?page=wc-status"),
        ("MD904", {"site_report_remove": ["pages"]},
         f"{HEALTHY['site_url'].rstrip('/')}/wp-admin/admin.php?page=wc-status"),
    ],
)
def test_every_site_finding_links_to_the_wp_admin_page_of_its_fix(
    rule_id: str, case: dict[str, Any], url: str
) -> None:
    (finding,) = run_rule(rule_id, case).findings
    assert url in [link.url for link in finding.finding.links]


def test_a_report_without_a_usable_address_gives_findings_without_links() -> None:
    case = {"no_status": True, "site_report": {"environment": {
        "site_url": "ftp://x.example", "home_url": None, "remote_post_successful": False}}}
    (finding,) = run_rule("MD304", case).findings
    assert finding.finding.links == ()


def test_quoting_keeps_untrusted_text_on_one_short_line() -> None:
    assert clip("a\n\tb   c") == "a b c"
    assert clip("x" * 300, 10) == "x" * 9 + "…"
    assert quoted("cURL error 7") == "“cURL error 7”"


HOSTILE = "<script>alert(1)</script> [click](https://evil.example) \x1b[31mred"


@pytest.mark.parametrize("fmt", ["html", "markdown", "text"])
def test_the_sites_error_message_is_escaped_in_every_format(tmp_path: Path, fmt: str) -> None:
    body = json.loads((SITE_REPORTS / "healthy-site.json").read_text())
    body["environment"]["remote_post_successful"] = False
    body["environment"]["remote_post_response"] = HOSTILE
    report_path = tmp_path / "report.json"
    report_path.write_text(json.dumps(body))
    documents = app.acquire_local([
        Source(MEUM_STATUS, "file", str(REPO / "examples" / "healthy.json")),
        Source(SITE_REPORT, "file", str(report_path)),
    ])
    settings = app.prepare(config_path=None, rules_dirs=(), selected=("MD304",), ignored=(),
                           fail_on=None, now=datetime(2026, 11, 28, 12, tzinfo=UTC))
    report = app.diagnose(documents, settings)
    assert [f.rule for f in report.findings] == ["MD304"]
    out = formats.get(fmt).render(report)
    assert "remote post test failed" in out
    assert "\x1b" not in out  # no terminal escape reaches any format
    if fmt == "html":
        assert "<script>" not in out and "&lt;script&gt;" in out
    if fmt == "markdown":
        # The raw report is shown as received, inside a fence longer than any backtick run
        # in it, where Markdown renders nothing: only the text outside fences must be inert.
        prose = re.sub(r"(?ms)^(`{3,})json\n.*?^\1$", "", out)
        assert "remote post test failed" in prose
        assert "<script>" not in prose.replace("\\<script>", "")
        assert "[click](https://evil.example)" not in prose
