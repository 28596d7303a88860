"""MD401 credentials-invalid: the plugin's API credentials are not valid."""

from __future__ import annotations

from collections.abc import Iterator

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, rule

from ._common import health_finding, payments_link


@rule(
    id="MD401",
    name="credentials-invalid",
    category=Category.CREDENTIALS,
    severity=Severity.CRITICAL,
)
def credentials_invalid(status: Status, ctx: Context) -> Iterator[Finding]:
    """The plugin's API credentials are invalid, revoked, expired or missing.

    Why it matters: the plugin calls Meum with a store key it received when it connected.
    When Meum reports that key as INVALID, REVOKED, EXPIRED or MISSING, every payment
    request fails (critical). A value meum-doctor does not recognise is medium, as is a
    connected store that reports no credential status. Healthy values: VALID, ACTIVE.

    How to fix: for a value known to be bad, reconnect the plugin with a new connection key;
    that issues fresh credentials. For an unrecognised or unreported value, do not replace
    working credentials: check the value in the Meum dashboard, teach it in the
    [values.credential_status] section of the configuration if Meum really uses it, or
    contact Meum support. An empty value is reported by MD901.
    """
    yield from health_finding(
        ctx,
        status,
        "credential_status",
        status.credential_status,
        "plugin's API credential status",
        {
            "bad": Severity.CRITICAL,
            "unknown": Severity.MEDIUM,
            "missing": Severity.MEDIUM,
            "degraded": Severity.MEDIUM,
        },
        (
            "In the Meum dashboard, create a new WooCommerce connection key.",
            "In wp-admin, open WooCommerce › Settings › Payments › Meum, paste the key and save: "
            "the plugin receives fresh credentials.",
            "Run meum-doctor again: the credential status should be VALID or ACTIVE.",
        ),
        payments_link(status),
        # Only a value known to be bad calls for new credentials: replacing the key of a
        # store whose other fields say connected could break a working integration.
        fix_classes=frozenset({"bad"}),
    )
