"""MD303 wp-cron-disabled: WP-Cron is disabled on the store (``DISABLE_WP_CRON``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from meum_doctor.plugin import (
    Category,
    Context,
    Finding,
    Severity,
    Status,
    age_text,
    connection_of,
    iso,
    rule,
)

from ._common import site_admin_link

if TYPE_CHECKING:
    from meum_doctor.sitereport.model import SiteReport

_PAST_DUE_PAGE = "admin.php?page=wc-status&tab=action-scheduler&status=past-due"


@rule(
    id="MD303",
    name="wp-cron-disabled",
    category=Category.LIVENESS,
    severity=Severity.MEDIUM,
    options={"past_due_threshold": 1, "silent_after_hours": 24},
    needs=("site-report",),
    uses=("meum-status",),
)
def wp_cron_disabled(report: SiteReport, status: Status | None, ctx: Context) -> Iterator[Finding]:
    """WP-Cron is disabled on the store (DISABLE_WP_CRON in wp-config.php).

    Why it matters: WordPress runs its scheduled tasks (the Meum plugin's check-ins, retries
    and WooCommerce's scheduled actions) through WP-Cron. Turning it off is good practice
    only when the host runs wp-cron.php from a real system cron instead; then nothing is
    wrong and the finding is {level.info}. When the site report counts
    {past_due_threshold} or more past-due scheduled actions, or Meum has not heard from the
    plugin for more than {silent_after_hours} hours (the default of MD301's first grade; the
    two options are separate), no such cron is running and the finding is {level.medium}.

    How to fix: ask the host to run wp-cron.php every few minutes from a system cron job,
    or remove define('DISABLE_WP_CRON', true) from wp-config.php so WordPress runs its
    tasks itself.
    """
    if report.wp_cron is not False:
        return
    evidence: dict[str, Any] = {"wp_cron": False}
    signs: list[str] = []
    past_due = report.scheduled("past-due")
    if past_due is not None:
        evidence["action_scheduler.past-due"] = past_due
        if past_due >= int(ctx.options["past_due_threshold"]):
            signs.append(
                f"{past_due} scheduled action{'s are' if past_due != 1 else ' is'} past due"
            )
    if status is not None and _silent(status, ctx):
        seen = status.last_seen_at
        evidence["last_seen_at"] = None if seen is None else iso(seen)
        evidence["evaluated_at"] = iso(ctx.now)
        signs.append(
            "Meum has never heard from the plugin"
            if seen is None
            else f"Meum last heard from the plugin {age_text((ctx.now - seen).total_seconds())} ago"
        )
    links = site_admin_link(
        status, report, _PAST_DUE_PAGE, "WooCommerce › Status › Scheduled Actions"
    )
    steps = (
        "Ask your host whether a system cron job runs wp-cron.php (for example every 5 "
        "minutes: wget -q -O - https://<store>/wp-cron.php?doing_wp_cron).",
        "If none does, ask the host to add one, or remove define('DISABLE_WP_CRON', true); "
        "from wp-config.php so WordPress runs its scheduled tasks itself.",
        "In wp-admin › WooCommerce › Status › Scheduled Actions, check that the Past-due list "
        "empties within a few minutes.",
    )
    if not signs:
        yield Finding(
            title="WP-Cron is disabled: scheduled tasks depend on a system cron job",
            detail=(
                "The site report says WP-Cron is off (DISABLE_WP_CRON). That is good practice "
                "when the host runs wp-cron.php from a real cron job; nothing in the evidence "
                "suggests tasks are being missed, but if no such job exists the Meum plugin's "
                "check-ins and scheduled work stop."
            ),
            severity=Severity.INFO,
            evidence=evidence,
            remediation=steps,
            links=links,
        )
        return
    yield Finding(
        title="WP-Cron is disabled and scheduled tasks are not running",
        detail=(
            "The site report says WP-Cron is off (DISABLE_WP_CRON), yet "
            f"{' and '.join(signs)}: no system cron job seems to run WordPress's scheduled "
            "tasks, so the Meum plugin's check-ins and WooCommerce's scheduled work are "
            "left undone."
        ),
        severity=Severity.MEDIUM,
        evidence=evidence,
        remediation=steps,
        links=links,
    )


def _silent(status: Status, ctx: Context) -> bool:
    """Whether Meum reports the plugin silent: no check-in for longer than the threshold, or
    none ever from a connected store (an unreadable time is MD901's, never "never")."""
    seen = status.last_seen_at
    if seen is None:
        return connection_of(status, ctx).connected and not status.unreadable("last_seen_at")
    return ctx.now - seen > timedelta(hours=float(ctx.options["silent_after_hours"]))
