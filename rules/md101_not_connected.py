"""MD101 not-connected: the store has not completed the connection to Meum."""

from __future__ import annotations

from collections.abc import Iterator

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, iso, rule

from ._common import payments_link


@rule(id="MD101", name="not-connected", category=Category.CONNECTION, severity=Severity.CRITICAL)
def not_connected(status: Status, ctx: Context) -> Iterator[Finding]:
    """The store is not connected to Meum, so it cannot take Meum payments.

    Why it matters: Meum only accepts payments for a store whose plugin finished the connect
    flow, which the status shows as "connected": true and a connection_status of CONNECTED.
    Anything else means a customer choosing Meum at checkout cannot pay. While an unexpired
    connect key is pending, onboarding is in progress and the severity is high, not critical.

    How to fix: in the Meum dashboard, create a new connection key (it is valid for about 24
    hours); in wp-admin open WooCommerce › Settings › Payments › Meum, paste the key and save.
    The plugin connects and the status turns CONNECTED.
    """
    healthy_connection = ctx.classify("connection_status", status.connection_status) == "healthy"
    if status.is_connected and healthy_connection:
        return
    key = status.pending_connection_key
    onboarding = key is not None and (key.expires_at is None or key.expires_at > ctx.now)
    evidence = {"connected": status.connected, "connection_status": status.connection_status}
    steps = (
        "In the Meum dashboard, create a new WooCommerce connection key (valid about 24 hours).",
        "In wp-admin, open WooCommerce › Settings › Payments and open the Meum payment method.",
        "Paste the connection key and save; the plugin completes the connection.",
        "Run meum-doctor again: the store should show as connected.",
    )
    if onboarding:
        assert key is not None
        deadline = f" before it expires at {iso(key.expires_at)}" if key.expires_at else ""
        evidence["pending_connection_key.expires_at"] = (
            iso(key.expires_at) if key.expires_at else None
        )
        yield Finding(
            title="Connecting the store to Meum is not finished: a connect key is waiting",
            detail=(
                "A connection key was created for this store but the plugin has not used it yet, "
                "so the store cannot take Meum payments. Paste the key into the Meum plugin"
                f"{deadline} to finish."
            ),
            severity=Severity.HIGH,
            evidence=evidence,
            remediation=steps[1:],
            links=payments_link(status),
        )
        return
    seen = status.connection_status or "not reported"
    if healthy_connection:
        # connection_status says CONNECTED, but "connected" is not true: Meum does not
        # confirm the store can take payments, which is just as blocking.
        shown = "not reported" if status.connected is None else "false"
        title = f"Meum does not confirm the store is connected (connected: {shown})"
    else:
        title = f"The store is not connected to Meum (connection status: {seen})"
    yield Finding(
        title=title,
        detail=(
            "Meum does not consider this store connected, so customers cannot pay with Meum. "
            "The plugin has to be connected again with a new connection key."
        ),
        evidence=evidence,
        remediation=steps,
        links=payments_link(status),
    )
