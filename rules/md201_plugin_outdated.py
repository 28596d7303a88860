"""MD201 plugin-outdated: the Meum plugin is older than the version policy wants."""

from __future__ import annotations

from collections.abc import Iterator

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, admin_link, rule

from ._common import outdated


@rule(id="MD201", name="plugin-outdated", category=Category.VERSIONS, severity=Severity.HIGH)
def plugin_outdated(status: Status, ctx: Context) -> Iterator[Finding]:
    """The Meum plugin is below the minimum supported version (high) or the latest (low).

    Why it matters: old plugin builds miss fixes to the connect flow and the webhook handler
    (older builds even used a different webhook address). The policy in force: minimum
    {policy.meum_plugin.minimum}, latest {policy.meum_plugin.latest}. The Meum plugin has no
    public release feed, so support teams set these in [policy.meum_plugin].

    How to fix: in wp-admin › Plugins, update "Meum" (or upload the latest build from the
    Meum dashboard), then reconnect if the plugin asks.
    """
    yield from outdated(
        "Meum plugin",
        "plugin_version",
        status.plugin_version,
        ctx.policy.meum_plugin,
        ctx,
        (
            "Back up the site (most hosts have a one-click backup).",
            "In wp-admin, open Plugins and update the Meum plugin; if no update is offered, "
            "download the latest build from the Meum dashboard and upload it.",
            "Open WooCommerce › Settings › Payments › Meum and check it still shows connected.",
        ),
        admin_link(status, "plugins.php", "Plugins"),
    )
