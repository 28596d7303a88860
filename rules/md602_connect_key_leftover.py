"""MD602 connect-key-leftover: a connected store still lists an unexpired connect key."""

from __future__ import annotations

from collections.abc import Iterator

from meum_doctor.plugin import (
    Category,
    Context,
    Finding,
    Severity,
    Status,
    connection_of,
    iso,
    rule,
)

from ._common import expiry_evidence


@rule(id="MD602", name="connect-key-leftover", category=Category.ONBOARDING, severity=Severity.LOW)
def connect_key_leftover(status: Status, ctx: Context) -> Iterator[Finding]:
    """The store is connected, yet an unused connection key is still valid.

    Why it matters: an unused connection key is a credential lying around: anyone who has it
    could connect a site in the store's name until it expires. It is usually left over from
    a second attempt at connecting. A key that has already expired no longer works and needs
    no action, so it is not reported.

    How to fix: revoke the unused connection key in the Meum dashboard, or let it expire.
    """
    key = status.pending_connection_key
    if key is None or not connection_of(status, ctx).connected:
        return
    if key.expires_at is not None and key.expires_at <= ctx.now:
        return  # expired: harmless, nothing to revoke
    if key.expires_at is not None:
        works = f"still works until {iso(key.expires_at)}"
    elif status.unreadable("pending_connection_key.expires_at"):
        # Sent but unreadable ("soon"): whether it still works cannot be told, only feared.
        works = "may still work (its expiry could not be read)"
    else:
        works = "may still work (no expiry was reported)"
    yield Finding(
        title="An unused connection key is still valid although the store is connected",
        detail=(
            "The store is connected, but a connection key created for it was never used and "
            f"{works}. Revoke it so nobody else can use it."
        ),
        evidence={
            # The value as sent: the verdict may come from the two statuses alone.
            "connected": status.raw.get("connected"),
            "pending_connection_key.key_prefix": key.key_prefix,
            "pending_connection_key.expires_at": expiry_evidence(status, key),
        },
        remediation=(
            "In the Meum dashboard, find the unused WooCommerce connection key and revoke it.",
            "If it cannot be revoked, it stops working on its own when it expires.",
        ),
    )
