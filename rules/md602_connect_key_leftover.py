"""MD602 connect-key-leftover: a connected store still lists a pending connect key."""

from __future__ import annotations

from collections.abc import Iterator

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, iso, rule


@rule(id="MD602", name="connect-key-leftover", category=Category.ONBOARDING, severity=Severity.LOW)
def connect_key_leftover(status: Status, ctx: Context) -> Iterator[Finding]:
    """The store is connected, yet an unused connection key is still listed.

    Why it matters: an unused connection key is a credential lying around: anyone who has it
    could connect a site in the store's name until it expires. It is usually left over from
    a second attempt at connecting.

    How to fix: revoke the unused connection key in the Meum dashboard, or let it expire.
    """
    key = status.pending_connection_key
    if not status.is_connected or key is None:
        return
    yield Finding(
        title="An unused connection key is still pending although the store is connected",
        detail=(
            "The store is connected, but a connection key created for it was never used. "
            "Revoke it so nobody else can use it."
        ),
        evidence={
            "connected": True,
            "pending_connection_key.key_prefix": key.key_prefix,
            "pending_connection_key.expires_at": iso(key.expires_at) if key.expires_at else None,
        },
        remediation=(
            "In the Meum dashboard, find the unused WooCommerce connection key and revoke it.",
            "If it cannot be revoked, it stops working on its own when it expires.",
        ),
    )
