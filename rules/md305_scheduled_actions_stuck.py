"""MD305 scheduled-actions-stuck: WooCommerce's scheduled actions are past due or failing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, rule

from ._common import site_admin_link

if TYPE_CHECKING:
    from meum_doctor.sitereport.model import SiteReport

_PAGE = "admin.php?page=wc-status&tab=action-scheduler&status="


@rule(
    id="MD305",
    name="scheduled-actions-stuck",
    category=Category.LIVENESS,
    severity=Severity.MEDIUM,
    options={"past_due_threshold": 1, "failed_threshold": 10},
    needs=("site-report",),
    uses=("meum-status",),
)
def scheduled_actions_stuck(
    report: SiteReport, status: Status | None, ctx: Context
) -> Iterator[Finding]:
    """WooCommerce's scheduled actions are past due or failing.

    Why it matters: WooCommerce and payment plugins such as Meum queue work in Action
    Scheduler (order follow-ups, webhook deliveries, retries). Actions past due mean the
    queue is not being run (often WP-Cron disabled, or blocked loopback requests); many
    failed actions mean the work itself keeps going wrong. It fires at {past_due_threshold}
    or more past-due actions, or {failed_threshold} or more failed ones, as counted in the
    text report's Action Scheduler section (the REST JSON does not include it); {level.medium}.

    How to fix: in wp-admin › WooCommerce › Status › Scheduled Actions, open Past-due and
    Failed and read the logs of the newest ones; make sure WP-Cron runs (see MD303) and
    outgoing requests work (MD304); contact Meum support when Meum's actions fail.
    """
    past_due = report.scheduled("past-due")
    failed = report.scheduled("failed")
    past_due_limit = int(ctx.options["past_due_threshold"])
    failed_limit = int(ctx.options["failed_threshold"])
    stuck = past_due is not None and past_due_limit > 0 and past_due >= past_due_limit
    failing = failed is not None and failed_limit > 0 and failed >= failed_limit
    if not stuck and not failing:
        return
    evidence: dict[str, Any] = {}
    parts = []
    for name, count, flagged in (("past-due", past_due, stuck), ("failed", failed, failing)):
        if count is None:
            continue
        evidence[f"action_scheduler.{name}"] = count
        oldest = next(
            (e.oldest for e in report.action_scheduler or () if e.status == name), None
        )
        if oldest and flagged:
            evidence[f"action_scheduler.{name}.oldest"] = oldest
        if flagged:
            parts.append(f"{count} {name.replace('-', ' ')}")
    title = f"Scheduled actions are stuck: {' and '.join(parts)}"
    detail = (
        "Action Scheduler, the queue WooCommerce and payment plugins use for background "
        "work, reports "
        + " and ".join(parts)
        + ". "
        + (
            "Past-due actions mean the queue is not being run, so background work such as "
            "order updates and webhook deliveries waits. "
            if stuck
            else ""
        )
        + ("Many failed actions mean that work keeps going wrong." if failing else "")
    ).strip()
    steps = [
        "In wp-admin › WooCommerce › Status › Scheduled Actions, open the Past-due and Failed "
        "lists and read the log of the newest entries.",
    ]
    if stuck:
        steps.append(
            "Make sure WordPress runs its scheduled tasks: WP-Cron on, or a system cron job "
            "running wp-cron.php (ask your host), and that the site can reach itself and the "
            "internet (wp-admin › Tools › Site Health)."
        )
    if failing:
        steps.append(
            "If the failed actions belong to the Meum plugin, contact Meum support with their "
            "log; otherwise contact the plugin they belong to."
        )
    page = _PAGE + ("past-due" if stuck else "failed")
    yield Finding(
        title=title,
        detail=detail,
        evidence=evidence,
        remediation=tuple(steps),
        links=site_admin_link(status, report, page, "WooCommerce › Status › Scheduled Actions"),
    )
