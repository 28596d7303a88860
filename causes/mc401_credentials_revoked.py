"""The store's API credentials were revoked or rotated, so Meum disconnected it.

Supports it: Meum says the plugin's credentials are revoked, expired or invalid (MD401) and
the store is not connected (MD101): *confirmed*; MD401 alone (still shown as connected) is
*likely*. The health (MD102), webhooks Meum disabled (MD501 with DISABLED), and the issue
Meum lists about the key (MD103) all follow from it, and one reconnection fixes them all.

Rules it out: the credentials are valid (MD401 quiet): a disconnection without that is a
different story (onboarding, or a manual disconnect).
"""

from __future__ import annotations

from meum_doctor.cause import Confidence, Diagnosis, Facts, cause

from ._common import CREDENTIAL_WORDS, chain, meum_issues


@cause(id="MC401", name="credentials-revoked", reads=("MD401", "MD101", "MD102", "MD501", "MD103"))
def credentials_revoked(facts: Facts) -> Diagnosis | None:
    """The store's API credentials were revoked or rotated, so Meum disconnected it."""
    if not facts.fired("MD401"):
        return None
    disconnected = facts.fired("MD101")
    disabled = [
        f.id
        for f in facts.of("MD501")
        if str(f.evidence.get("webhook_health", "")).strip().upper() == "DISABLED"
    ]
    return Diagnosis(
        confidence=Confidence.CONFIRMED if disconnected else Confidence.LIKELY,
        title="The store's API key was revoked or replaced, so Meum disconnected the store"
        if disconnected
        else "The store's API key was revoked or replaced",
        explains=(
            *facts.ids("MD401", "MD101", "MD102"),
            *disabled,
            *meum_issues(facts, *CREDENTIAL_WORDS),
        ),
        reasoning=(
            *chain(facts, "MD401", "MD101", "MD102"),
            *(["Meum disabled the webhooks along with the connection."] if disabled else []),
            "A revoked or rotated key ends the connection; everything else here follows from "
            "it, and one reconnection with a new key fixes it.",
        ),
        remediation=(
            "In the Meum dashboard, open the store and create a new connection key.",
            "In wp-admin, open WooCommerce › Settings › Payments › Meum, choose Reconnect and "
            "paste the new key.",
            "Run the connection test there: Meum re-enables the webhooks and the health "
            "recovers within minutes.",
        ),
        confirm=()
        if disconnected
        else ("Ask the merchant whether someone rotated the API key in the Meum dashboard.",),
    )
