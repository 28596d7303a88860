"""MD104 status-inconsistent: fields of the status contradict each other."""

from __future__ import annotations

from collections.abc import Iterator

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, rule

STEPS = (
    "Run meum-doctor again in a few minutes: a status caught mid-update can disagree with itself.",
    "If it persists, contact Meum support with this report attached: the contradiction is on "
    "Meum's side, not something the store can fix.",
)


@rule(
    id="MD104",
    name="status-inconsistent",
    category=Category.CONNECTION,
    severity=Severity.MEDIUM,
)
def status_inconsistent(status: Status, ctx: Context) -> Iterator[Finding]:
    """Fields of the status contradict each other, so part of it cannot be trusted.

    Why it matters: a store that is "connected" but whose connection_status is not CONNECTED,
    or that has no integration_id, or whose status and connection_status disagree, is in a
    state the API should not report. Other findings may then be wrong too.

    How to fix: re-run in a few minutes; if it persists, send this report to Meum support.
    """
    connection = ctx.classify("connection_status", status.connection_status)
    if status.is_connected and connection != "healthy" and status.connection_status is not None:
        yield Finding(
            title=(
                f"The store is marked connected, but its connection status is "
                f"{status.connection_status}"
            ),
            detail="The status says both that the store is connected and that it is not.",
            evidence={"connected": True, "connection_status": status.connection_status},
            remediation=STEPS,
        )
    if status.is_connected and not status.integration_id:
        yield Finding(
            title="The store is marked connected, but has no integration ID",
            detail="A connected store always has an integration ID; this one has none.",
            evidence={"connected": True, "integration_id": status.integration_id},
            remediation=STEPS,
        )
    if (
        status.status is not None
        and status.connection_status is not None
        and status.status.strip().upper() != status.connection_status.strip().upper()
    ):
        yield Finding(
            title=(
                f"The overall status ({status.status}) and the connection status "
                f"({status.connection_status}) disagree"
            ),
            detail="The two fields that describe the connection say different things.",
            evidence={"status": status.status, "connection_status": status.connection_status},
            remediation=STEPS,
        )
