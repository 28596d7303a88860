"""Connecting the store to Meum was started but never finished.

Supports it: the store is not connected (MD101) and a connect key is waiting to be pasted into
the plugin (MD101's evidence names the pending key): *confirmed*, since Meum's status says so
itself. The expiring key (MD601) and the health and webhooks that wait for the connection
(MD102, MD501, MD502) belong to it.

Rules it out: the store is connected, no key is pending, or the credentials were revoked
(MD401: that is a reconnection, see MC401).
"""

from __future__ import annotations

from meum_doctor.cause import Confidence, Diagnosis, Facts, cause

from ._common import chain

PENDING = "pending_connection_key.expires_at"


@cause(id="MC601", name="onboarding-unfinished", reads=("MD101", "MD601", "MD102", "MD501"))
def onboarding_unfinished(facts: Facts) -> Diagnosis | None:
    """Connecting the store to Meum was started but never finished."""
    pending = [f for f in facts.of("MD101") if PENDING in f.evidence]
    if not pending or facts.fired("MD401"):
        return None
    return Diagnosis(
        confidence=Confidence.CONFIRMED,
        title="Connecting the store to Meum was started but not finished",
        explains=(
            *(f.id for f in pending),
            *facts.ids("MD601", "MD102", "MD501", "MD502"),
        ),
        reasoning=(
            *chain(facts, "MD101", "MD601"),
            "Meum made a connect key and is waiting for the plugin to use it: the last step of "
            "onboarding was never done.",
        ),
        remediation=(
            "In the Meum dashboard, copy the store's connect key (create a new one if it "
            "expired).",
            "In wp-admin, WooCommerce › Settings › Payments › Meum, paste it and choose Connect.",
            "Run the connection test there and place a test order.",
        ),
        confirm=(),
    )
