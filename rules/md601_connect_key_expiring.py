"""MD601 connect-key-expiring: the pending connect key has expired or expires soon."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

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

from ._common import expiry_evidence, payments_link

NEW_KEY_STEPS = (
    "In the Meum dashboard, create a new WooCommerce connection key.",
    "In wp-admin, open WooCommerce › Settings › Payments › Meum, paste it and save.",
)


@rule(
    id="MD601",
    name="connect-key-expiring",
    category=Category.ONBOARDING,
    severity=Severity.HIGH,
    options={"expiring_within_hours": 2},
)
def connect_key_expiring(status: Status, ctx: Context) -> Iterator[Finding]:
    """A pending connect key expired (high) or expires within {expiring_within_hours} h (medium).

    Why it matters: onboarding needs the merchant to paste a short-lived connection key
    (valid about 24 hours) into the plugin. An expired key no longer works, and one about to
    expire must be used now. Otherwise the pending key and its deadline are listed (info).
    A store that is already connected is left to MD602: its leftover key no longer matters.
    An expiry that was sent but could not be read is said so (and MD901 names the value).

    How to fix: paste the key into the Meum plugin before it expires, or create a new one.
    """
    key = status.pending_connection_key
    if key is None or connection_of(status, ctx).connected:
        return
    evidence = {
        "pending_connection_key.key_prefix": key.key_prefix,
        "pending_connection_key.expires_at": expiry_evidence(status, key),
    }
    links = payments_link(status)
    if key.expires_at is None:
        expiry = (
            "could not be read"
            if status.unreadable("pending_connection_key.expires_at")
            else "was not reported"
        )
        yield Finding(
            title=f"A connection key is pending; its expiry {expiry}",
            detail="Onboarding is in progress. Connection keys are valid for about 24 hours.",
            severity=Severity.INFO,
            evidence=evidence,
            remediation=(
                "Paste the connection key into WooCommerce › Settings › Payments › Meum soon.",
            ),
            links=links,
        )
        return
    left = key.expires_at - ctx.now
    if left <= timedelta(0):
        yield Finding(
            title=f"The connection key expired {age_text(left.total_seconds())} ago",
            detail=(
                f"The key created to connect this store expired at {iso(key.expires_at)} and no "
                "longer works. A new one is needed to finish connecting."
            ),
            severity=Severity.HIGH,
            evidence=evidence,
            remediation=NEW_KEY_STEPS,
            links=links,
        )
    elif left <= timedelta(hours=float(ctx.options["expiring_within_hours"])):
        yield Finding(
            title=f"The connection key expires in {age_text(left.total_seconds())}",
            detail=(
                f"The key created to connect this store expires at {iso(key.expires_at)}. "
                "Use it now, or create a new one later."
            ),
            severity=Severity.MEDIUM,
            evidence=evidence,
            remediation=(
                "In wp-admin, open WooCommerce › Settings › Payments › Meum, paste the key and "
                "save before it expires.",
                "If it has expired by then, create a new key in the Meum dashboard.",
            ),
            links=links,
        )
    else:
        yield Finding(
            title=f"A connection key is pending until {iso(key.expires_at)}",
            detail=(
                f"Onboarding is in progress; the key is valid for another "
                f"{age_text(left.total_seconds())}."
            ),
            severity=Severity.INFO,
            evidence=evidence,
            remediation=(
                "Paste the connection key into WooCommerce › Settings › Payments › Meum before "
                "it expires.",
            ),
            links=links,
        )
