"""MD201 plugin-outdated: the Meum plugin is older than the version policy wants."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, admin_link, rule

from ._common import outdated
from ._site import DEFAULT_MEUM_MATCH, judge_version, match_terms

if TYPE_CHECKING:
    from meum_doctor.sitereport.model import SiteReport


@rule(
    id="MD201",
    name="plugin-outdated",
    category=Category.VERSIONS,
    severity=Severity.HIGH,
    options={"match": DEFAULT_MEUM_MATCH},
    uses=("site-report",),
)
def plugin_outdated(
    status: Status, report: SiteReport | None, ctx: Context
) -> Iterator[Finding]:
    """The Meum plugin is below the minimum supported version (high) or the latest (low).

    Why it matters: old plugin builds miss fixes to the connect flow and the webhook handler
    (older builds even used a different webhook address). The policy in force: minimum
    {policy.meum_plugin.minimum}, latest {policy.meum_plugin.latest}. The Meum plugin has no
    public release feed, so support teams set these in [policy.meum_plugin].
    With the site's System Status report too, the newer of its Meum plugin version and
    Meum's is judged; the evidence names which source each came from. The Meum plugin in
    the report is found as in MD107 ([rules.MD201] match: {match}).

    How to fix: in wp-admin › Plugins, update "Meum" (or upload the latest build from the
    Meum dashboard), then reconnect if the plugin asks.
    """
    judged = judge_version("plugin_version", status, report, match_terms(ctx.options.get("match")))
    yield from outdated(
        "Meum plugin",
        "plugin_version",
        judged.text,
        ctx.policy.meum_plugin,
        ctx,
        (
            "Back up the site (most hosts have a one-click backup).",
            "In wp-admin, open Plugins and update the Meum plugin; if no update is offered, "
            "download the latest build from the Meum dashboard and upload it.",
            "Open WooCommerce › Settings › Payments › Meum and check it still shows connected.",
        ),
        admin_link(status, "plugins.php", "Plugins"),
        sources=judged.evidence,
        seen_in=judged.seen_in(),
    )
