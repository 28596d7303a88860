"""MD206 plugins-outdated: active plugins have updates the site knows of."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, read_version, rule

from ._site import (
    DEFAULT_MEUM_MATCH,
    PLUGINS_PAGE,
    UPDATES_PAGE,
    is_meum_plugin,
    listing,
    match_terms,
    site_links,
)

if TYPE_CHECKING:
    from meum_doctor.sitereport.model import SiteReport


@rule(
    id="MD206",
    name="plugins-outdated",
    category=Category.VERSIONS,
    severity=Severity.LOW,
    options={"min_plugins": 1, "match": DEFAULT_MEUM_MATCH},
    needs=("site-report",),
    uses=("meum-status",),
)
def plugins_outdated(report: SiteReport, status: Status | None, ctx: Context) -> Iterator[Finding]:
    """Active plugins have a newer version available than the one installed.

    It fires from {min_plugins} such plugin(s) on ([rules.MD206] min_plugins). One finding
    lists them, each with its installed and its latest version, as the site's System Status
    report knows them (the text report names updates only for plugins hosted
    by WooCommerce.com; the REST JSON for every plugin). Versions are compared as WordPress
    orders them. WooCommerce and the Meum plugin (matched by {match}) are left to MD202 and
    MD201, which judge them against the version policy.

    Why it matters: plugin updates carry security and compatibility fixes; a plugin far
    behind is a common cause of checkout errors after a WooCommerce update.

    How to fix: back up the site, then update the plugins in wp-admin › Dashboard › Updates
    (or Plugins).
    """
    terms = match_terms(ctx.options.get("match"))
    behind = []
    for plugin in report.active_plugins or ():
        if _is_woocommerce(plugin.name, plugin.file) or is_meum_plugin(plugin, terms):
            continue
        current, latest = read_version(plugin.version), read_version(plugin.latest_version)
        if current is not None and latest is not None and latest > current:
            behind.append((plugin.name, current.text.strip(), latest.text.strip()))
    if not behind or len(behind) < int(ctx.options.get("min_plugins", 1)):
        return
    lines = [f"{name} {current} → {latest}" for name, current, latest in behind]
    count = len(behind)
    yield Finding(
        title=(
            f"{count} active plugin{'s have' if count != 1 else ' has'} an update: "
            f"{listing(lines, limit=3)}"
        ),
        detail=(
            "The site knows of newer versions of these plugins. Updates carry security and "
            "compatibility fixes; plugins left behind often break checkout after a WooCommerce "
            "update."
        ),
        evidence={"site_report.outdated_plugins": lines},
        remediation=(
            "Back up the site (most hosts have a one-click backup).",
            "In wp-admin, open Dashboard › Updates and update these plugins: "
            + "; ".join(lines) + ".",
            "Afterwards, place a test order to check checkout still works.",
        ),
        links=site_links(status, report, UPDATES_PAGE, PLUGINS_PAGE),
    )


def _is_woocommerce(name: str, file: str | None) -> bool:
    """WooCommerce itself (MD202 judges it), by its file when known, else by its exact name."""
    if file:
        return file.strip().lower() == "woocommerce/woocommerce.php"
    return name.strip().lower() == "woocommerce"
