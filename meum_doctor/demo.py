"""The bundled examples, and the demo that serves one through a local Meum-compatible API.

``meum-doctor check --demo NAME`` starts :class:`~meum_doctor.exampleapi.ExampleApi` on a
random free loopback port and fetches from it with the same client, retries and parsing as
a real run (:mod:`meum_doctor.sources.meum_status`): the demo exercises the real path, not
a shortcut.

The examples were written as of :data:`EXAMPLE_EPOCH`. Served for a demo, their times are
moved by (evaluation time - epoch), so a check-in "6 minutes ago" stays 6 minutes ago.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from meum_doctor.data import package_bytes
from meum_doctor.errors import UsageError
from meum_doctor.status import TIME_FIELDS, parse_datetime
from meum_doctor.timefmt import iso_z

EXAMPLE_EPOCH = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
DEFAULT_EXAMPLE = "degraded"
#: Looks like a store key so the client treats it as one; it opens nothing but the demo.
DEMO_KEY = "sk_live_demo00000000000000000000"
#: The demo store's WooCommerce REST API key pair: it opens nothing but the demo.
DEMO_WC_KEY = "ck_demo0000000000000000000000000000000000"
DEMO_WC_SECRET = "cs_demo0000000000000000000000000000000000"  # noqa: S105 - a demo's

EXAMPLES = {
    "healthy": "a connected store with nothing wrong",
    "degraded": "connected, but failing webhooks, an old plugin and WordPress, a late check-in",
    "degraded-site": "the degraded store with its site report, fetched live: outgoing "
    "requests blocked, WP-Cron disabled",
    "disconnected": "disconnected: revoked credentials, disabled webhooks",
    "onboarding": "connecting: a connect key waits to be pasted into the plugin",
    "outdated": "connected and healthy, on outdated WooCommerce and WordPress",
    "staging-takeover": "a staging copy took over the webhooks; no payout wallet",
    "malformed": "an API answer with wrong types and unreadable values",
}


#: The demos whose store also serves its System Status report: the Meum status they share.
SITE_EXAMPLES = {"degraded-site": "degraded"}


def example_body(name: str) -> bytes:
    """The bundled example called ``name``, as stored (a site demo's Meum status)."""
    name = SITE_EXAMPLES.get(name, name)
    if name not in EXAMPLES:
        raise UsageError(f"no bundled example called {name!r}; choose from: {', '.join(EXAMPLES)}")
    return package_bytes("meum_doctor.examples", f"{name}.json")


def rebase(body: bytes, now: datetime) -> bytes:
    """The example with its times moved by (now - EXAMPLE_EPOCH); other bytes as they were."""
    shift = now - EXAMPLE_EPOCH
    data = json.loads(body)
    if not isinstance(data, dict):
        return body

    def moved(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return iso_z(parse_datetime(value) + shift)
        except (ValueError, OverflowError):
            return value  # an example that is malformed on purpose stays so

    for path in TIME_FIELDS:  # "pending_connection_key.expires_at": one level down
        *parents, name = path.split(".")
        holder: Any = data
        for parent in parents:
            holder = holder.get(parent) if isinstance(holder, dict) else None
        if isinstance(holder, dict) and name in holder:
            holder[name] = moved(holder[name])
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def site_report_body(name: str, now: datetime) -> bytes:
    """The REST JSON of site demo ``name`` (``examples/site-reports/NAME.json``), as the
    store serves it. Its times are not moved: the REST JSON carries none that a rule reads."""
    if name not in SITE_EXAMPLES:
        raise UsageError(f"no bundled site report called {name!r}")
    return package_bytes("meum_doctor.examples", f"site-reports/{name}.json")
