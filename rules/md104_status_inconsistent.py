"""MD104 status-inconsistent: fields of the status contradict each other."""

from __future__ import annotations

from collections.abc import Iterator

from meum_doctor.plugin import (
    Category,
    ConnectionField,
    Context,
    Finding,
    Severity,
    Status,
    connection_of,
    rule,
)

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

    Why it matters: the status says three times whether the store is connected ("connected",
    connection_status and status). When some of them say connected and others not, nobody
    can tell from the status whether the store takes payments, so no connection advice is
    given (reconnecting with a new key could break a store that works). A connected store
    without an integration_id is just as impossible. Other findings may then be wrong too.

    How to fix: re-run in a few minutes; if it persists, check the store in the Meum dashboard
    and send this report to Meum support.
    """
    connection = connection_of(status, ctx)
    if connection.verdict == "contradictory":
        yes, no = connection.reading("yes"), connection.reading("no")
        yield Finding(
            title=(
                f"The status contradicts itself: {_listing(yes)} "
                f"{'say' if len(yes) > 1 else 'says'} connected, {_listing(no)} "
                f"{'say' if len(no) > 1 else 'says'} not"
            ),
            detail=(
                "The fields that describe the connection disagree, so meum-doctor cannot tell "
                "whether the store can take Meum payments and gives no connection advice. Do "
                "not reconnect or create new keys because of this finding alone."
            ),
            evidence=connection.evidence(),
            remediation=(
                STEPS[0],
                "Check in the Meum dashboard whether the store shows as connected.",
                STEPS[1],
            ),
        )
    if (
        connection.connected
        and not status.integration_id
        and not status.unreadable("integration_id")  # MD901 says it could not be read
    ):
        yield Finding(
            title="The store is marked connected, but has no integration ID",
            detail="A connected store always has an integration ID; this one has none.",
            evidence={**connection.evidence(), "integration_id": status.integration_id},
            remediation=STEPS,
        )


def _listing(fields: tuple[ConnectionField, ...]) -> str:
    """``connected: false and status: CONNECTED``."""
    return " and ".join(field.describe() for field in fields)
