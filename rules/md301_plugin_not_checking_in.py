"""MD301 plugin-not-checking-in: the plugin has not contacted Meum for too long."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from meum_doctor.plugin import (
    Category,
    Context,
    Finding,
    Severity,
    Status,
    admin_link,
    age_text,
    connection_of,
    iso,
    rule,
)

STEPS = (
    "Open wp-admin to check the site is up and that you can sign in.",
    "In wp-admin › Plugins, check that the Meum plugin and WooCommerce are active.",
    "Ask your host whether scheduled tasks (WP-Cron) run and outgoing connections to "
    "api.meum.io are allowed; a security plugin or firewall may block them.",
    "Run meum-doctor again after a few minutes to see whether the plugin checked in.",
)


@rule(
    id="MD301",
    name="plugin-not-checking-in",
    category=Category.LIVENESS,
    severity=Severity.HIGH,
    options={"medium_after_hours": 24, "high_after_hours": 72},
)
def plugin_not_checking_in(status: Status, ctx: Context) -> Iterator[Finding]:
    """The Meum plugin has not checked in with Meum for more than {medium_after_hours} hours.

    Why it matters: the plugin checks in regularly; when it stops, the site may be down, the
    plugin deactivated, or outgoing connections blocked, and payments or their confirmations
    may be failing unseen. Older than {medium_after_hours} hours is {level.medium}, older than
    {high_after_hours} hours {level.high}, and a connected store that never reported a check-in
    {level.high}.
    A check-in time that was sent but could not be read is MD901's: it is not "never".

    How to fix: make sure the site is up, the Meum plugin and WooCommerce are active, and the
    host lets WordPress run scheduled tasks and reach api.meum.io.
    """
    links = admin_link(status, "plugins.php", "Plugins")
    seen = status.last_seen_at
    if seen is None:
        if connection_of(status, ctx).connected and not status.unreadable("last_seen_at"):
            yield Finding(
                title="The Meum plugin has never reported a check-in",
                detail="The store is connected, but Meum has no record of the plugin checking in.",
                severity=Severity.HIGH,
                evidence={"last_seen_at": None},
                remediation=STEPS,
                links=links,
            )
        return
    age = ctx.now - seen
    high = timedelta(hours=float(ctx.options["high_after_hours"]))
    medium = timedelta(hours=float(ctx.options["medium_after_hours"]))
    if age > high:
        severity = Severity.HIGH
    elif age > medium:
        severity = Severity.MEDIUM
    else:
        return
    yield Finding(
        title=f"The Meum plugin last checked in {age_text(age.total_seconds())} ago",
        detail=(
            f"Meum last heard from the plugin at {iso(seen)}. A plugin that stops checking in "
            "usually means the site is down, the plugin is inactive, or the host blocks its "
            "connection to Meum."
        ),
        severity=severity,
        evidence={"last_seen_at": iso(seen), "evaluated_at": iso(ctx.now)},
        remediation=STEPS,
        links=links,
    )
