"""MD101 not-connected: the store has not completed the connection to Meum."""

from __future__ import annotations

from collections.abc import Iterator

from meum_doctor.plugin import (
    Category,
    Connection,
    Context,
    Finding,
    Severity,
    Status,
    connection_of,
    iso,
    rule,
)

from ._common import expiry_evidence, payments_link


@rule(id="MD101", name="not-connected", category=Category.CONNECTION, severity=Severity.CRITICAL)
def not_connected(status: Status, ctx: Context) -> Iterator[Finding]:
    """The store is not connected to Meum, so it cannot take Meum payments.

    Why it matters: Meum only accepts payments for a store whose plugin finished the connect
    flow. The status says so three times: "connected": true, a connection_status of
    CONNECTED and a status of CONNECTED. When every field that could be read says the store
    is not connected, a customer choosing Meum at checkout cannot pay (critical). While an
    unexpired connect key is pending, onboarding is in progress and the severity is high.
    The fields are read together: when they contradict each other MD104 reports it, and a
    missing or unreadable field is MD901, never taken as "not connected". A connection_status
    or status value meum-doctor does not recognise is medium, named, never guessed. When only
    one of the three fields can be read and it says not connected, the finding is high and asks
    to confirm in the Meum dashboard first: one field alone is not enough to advise a reconnect.

    How to fix: in the Meum dashboard, create a new connection key (it is valid for about 24
    hours); in wp-admin open WooCommerce › Settings › Payments › Meum, paste the key and save.
    The plugin connects and the status turns CONNECTED.
    """
    connection = connection_of(status, ctx)
    yield from _unrecognised(connection)
    if not connection.not_connected:
        return  # connected, contradictory (MD104) or unknown (MD901): no reconnect advice
    key = status.pending_connection_key
    onboarding = key is not None and (key.expires_at is None or key.expires_at > ctx.now)
    evidence = connection.evidence()
    steps = (
        "In the Meum dashboard, create a new WooCommerce connection key (valid about 24 hours).",
        "In wp-admin, open WooCommerce › Settings › Payments and open the Meum payment method.",
        "Paste the connection key and save; the plugin completes the connection.",
        "Run meum-doctor again: the store should show as connected.",
    )
    if onboarding:
        assert key is not None
        deadline = f" before it expires at {iso(key.expires_at)}" if key.expires_at else ""
        evidence["pending_connection_key.expires_at"] = expiry_evidence(status, key)
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
    if connection.single_voice:
        # One field's word against two that are silent: likely, not certain. Confirm before
        # replacing a connection that may be working (see Connection.single_voice).
        field = connection.reading("no")[0]
        yield Finding(
            title=(
                f"Only the {field.label} says the store is not connected ({field.describe()})"
            ),
            detail=(
                "The other connection fields are missing or could not be read, so one field "
                "alone says the store is not connected. Check in the Meum dashboard before "
                "reconnecting: if the store shows as connected there, the status is incomplete "
                "(see the other findings) and nothing needs to be reconnected."
            ),
            severity=Severity.HIGH,
            evidence=evidence,
            remediation=(
                "In the Meum dashboard, check whether the store shows as connected.",
                "Only if it does not: create a new WooCommerce connection key there, then in "
                "wp-admin open WooCommerce › Settings › Payments › Meum, paste it and save.",
                "Run meum-doctor again.",
            ),
            links=payments_link(status),
        )
        return
    yield Finding(
        title=f"The store is not connected to Meum ({_what_says_so(connection)})",
        detail=(
            "Meum does not consider this store connected, so customers cannot pay with Meum. "
            "The plugin has to be connected again with a new connection key."
        ),
        evidence=evidence,
        remediation=steps,
        links=payments_link(status),
    )


def _what_says_so(connection: Connection) -> str:
    """``connection status: DISCONNECTED``, or the first other field that says so."""
    saying = connection.reading("no")
    for field in saying:
        if field.name == "connection_status":
            return f"connection status: {field.value}"
    return saying[0].describe()


def _unrecognised(connection: Connection) -> Iterator[Finding]:
    for field in connection.reading("unknown"):
        yield Finding(
            title=f"The {field.label} is {field.value!r}, a value meum-doctor does not recognise",
            detail=(
                f"'{field.name}' is {field.value!r}, neither a known connected nor a known "
                "not-connected value, so it was not used to judge the connection (the other "
                "fields were). Support can teach meum-doctor this value in the "
                f"[values.{field.name}] section of its configuration."
            ),
            severity=Severity.MEDIUM,
            evidence=connection.evidence(),
            remediation=(
                "Check in the Meum dashboard whether the store shows as connected.",
                f"If {field.value!r} is a value Meum really uses, add it to [values.{field.name}] "
                "in the meum-doctor configuration (healthy, degraded or bad).",
            ),
        )
