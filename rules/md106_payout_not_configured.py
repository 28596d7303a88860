"""MD106 payout-not-configured: Meum says no payout wallet is configured."""

from __future__ import annotations

from collections.abc import Iterator

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, rule


@rule(
    id="MD106",
    name="payout-not-configured",
    category=Category.CONNECTION,
    severity=Severity.HIGH,
    options={"fields": ["payout_configured"]},
)
def payout_not_configured(status: Status, ctx: Context) -> Iterator[Finding]:
    """Meum reports that no payout wallet is configured, so payments may be blocked.

    Why it matters: the schema does not list payout readiness, but Meum's overview says the
    status returns it, and the connect flow warns "payments may be blocked until resolved"
    when no payout wallet is set. This rule fires when one of the fields {fields} is present
    and false.

    How to fix: in the Meum dashboard, add and verify a payout wallet for this store.
    """
    for name in ctx.options["fields"]:
        value = status.extras.get(name)
        if value is False or (isinstance(value, str) and value.strip().lower() == "false"):
            yield Finding(
                title="No payout wallet is configured in Meum",
                detail=(
                    "Meum has nowhere to send this store's money, and payments may be blocked "
                    "until a payout wallet is set."
                ),
                evidence={name: value},
                remediation=(
                    "Sign in to the Meum dashboard and open the payout settings.",
                    "Add the wallet address the store should be paid to, and verify it.",
                    "Run meum-doctor again to confirm.",
                ),
            )
            return
