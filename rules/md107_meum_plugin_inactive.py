"""MD107 meum-plugin-inactive: the site's report lists no active Meum plugin."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, rule
from meum_doctor.rule import EvidenceValue

from ._site import (
    DEFAULT_MEUM_MATCH,
    PLUGINS_PAGE,
    UPLOAD_PLUGIN_PAGE,
    is_meum_plugin,
    match_terms,
    site_links,
)

if TYPE_CHECKING:
    from meum_doctor.sitereport.model import SiteReport


@rule(
    id="MD107",
    name="meum-plugin-inactive",
    category=Category.CONNECTION,
    severity=Severity.CRITICAL,
    options={"match": DEFAULT_MEUM_MATCH},
    needs=("site-report",),
    uses=("meum-status",),
)
def meum_plugin_inactive(
    report: SiteReport, status: Status | None, ctx: Context
) -> Iterator[Finding]:
    """The site's System Status report lists no active Meum plugin.

    The Meum plugin is any plugin whose name contains, or whose file or folder starts with,
    one of {match} (without regard to case); set [rules.MD107] match for a renamed build.
    A must-use plugin counts as active. A report without its plugin list says nothing.

    Why it matters: without the active plugin, the shop cannot take payments with Meum and
    Meum hears nothing from the site: no check-ins, no webhook replies. An installed but
    deactivated plugin is the most common reason a connected store goes silent.

    How to fix: in wp-admin › Plugins, activate the Meum plugin; if it is not installed,
    upload the latest build from the Meum dashboard (Plugins › Add New › Upload Plugin),
    activate it and connect it.
    """
    if report.active_plugins is None:
        return  # the section is missing or cut: MD904 says which rules could not run
    terms = match_terms(ctx.options.get("match"))
    active = [*report.active_plugins, *(report.mu_plugins or ())]
    if any(is_meum_plugin(plugin, terms) for plugin in active):
        return
    inactive = [p for p in report.inactive_plugins or () if is_meum_plugin(p, terms)]
    evidence: dict[str, EvidenceValue] = {
        "active_plugins": [p.name for p in report.active_plugins],
        "match": list(terms),
    }
    if inactive:
        plugin = inactive[0]
        shown = f"{plugin.name} {plugin.version}" if plugin.version else plugin.name
        evidence["inactive_meum_plugin"] = shown
        yield Finding(
            title=f"The Meum plugin is installed but not active ({shown})",
            detail=(
                "The site's System Status report lists the Meum plugin among the inactive "
                "plugins. While it is deactivated the shop cannot take payments with Meum, and "
                "Meum hears nothing from the site."
            ),
            evidence=evidence,
            remediation=(
                f"In wp-admin, open Plugins and click Activate under \"{plugin.name}\".",
                "Open WooCommerce › Settings › Payments › Meum and check it shows connected; "
                "reconnect if it asks.",
                "Run meum-doctor again with a fresh System Status report.",
            ),
            links=site_links(status, report, PLUGINS_PAGE),
        )
        return
    if report.inactive_plugins is None:
        title = "The Meum plugin is not active"
        detail = (
            "The site's System Status report lists no active Meum plugin (its list of inactive "
            "plugins is missing, so it may be installed but deactivated). Without it the shop "
            "cannot take payments with Meum."
        )
    else:
        title = "The Meum plugin is not installed"
        detail = (
            "The site's System Status report lists no Meum plugin, active or inactive. Without "
            "it the shop cannot take payments with Meum, and Meum hears nothing from the site."
        )
    yield Finding(
        title=title,
        detail=detail,
        evidence=evidence,
        remediation=(
            "In wp-admin, open Plugins: if a Meum plugin is listed, click Activate.",
            "If it is not listed, download the latest build from the Meum dashboard and "
            "install it with Plugins › Add New › Upload Plugin, then activate it.",
            "Open WooCommerce › Settings › Payments › Meum and connect it with a connection key.",
            "If the plugin is installed under another name, set [rules.MD107] match in the "
            "meum-doctor configuration.",
        ),
        links=site_links(status, report, PLUGINS_PAGE, UPLOAD_PLUGIN_PAGE),
    )
