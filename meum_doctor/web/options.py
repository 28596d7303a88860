"""The operator's settings of ``meum-doctor serve``, as the command line hands them over.

Plain data (no web stack), so the command line builds it before anything heavy is imported.
Every setting is the operator's: a visitor never chooses where a key is sent (the Meum base
URL), which rules run, or any limit.
"""

from __future__ import annotations

from dataclasses import dataclass

from meum_doctor.app import DEFAULT_BASE_URL

LOOPBACK = ("127.0.0.1", "::1", "localhost")


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8765
    #: Meum's API, fixed by the operator.
    base_url: str = DEFAULT_BASE_URL
    #: A configuration file (policy, rule selection), as ``check --config``.
    config_path: str | None = None
    #: Diagnoses a minute per client (a sliding window); 0 turns the limit off.
    rate_limit: int = 10
    #: Diagnoses in flight at once; beyond it, 503 with Retry-After.
    max_concurrent: int = 8
    #: The largest document (a status, a site report) accepted, in KiB.
    max_body_kib: int = 1024
    #: The addresses whose X-Forwarded-For / X-Forwarded-Proto are believed (Uvicorn's).
    forwarded_allow_ips: str = "127.0.0.1"
    #: Time allowed for each request to Meum's API, and for a client to send its request.
    timeout: float = 10.0
    body_timeout: float = 30.0
    debug: bool = False
    #: Whether a visitor may have the server fetch their store's System Status report
    #: (``--allow-live-site-report``); None: only when the server listens on loopback.
    allow_live_site_report: bool | None = None
    #: Which addresses such a fetch may reach: "auto" (any, when the server listens on
    #: loopback and the request comes from this machine; else public ones only), "public"
    #: (public ones only, always: what a test of the policy on loopback needs), or "any".
    site_addresses: str = "auto"

    @property
    def max_document(self) -> int:
        """The largest document accepted, in bytes."""
        return self.max_body_kib * 1024

    @property
    def max_request(self) -> int:
        """The largest request body: two documents (status and site report) and the form."""
        return 2 * self.max_document + 64 * 1024

    @property
    def loopback(self) -> bool:
        return self.host in LOOPBACK

    @property
    def live_site_report(self) -> bool:
        """True when visitors may have the server fetch their site report."""
        if self.allow_live_site_report is None:
            return self.loopback
        return self.allow_live_site_report

    def public_sites_only(self, client_host: str | None) -> bool:
        """True when a fetch for the visitor at ``client_host`` may reach public addresses
        only. On loopback the visitor is the person on this machine, who could fetch any
        address themselves, unless the request came through a proxy (its forwarded client
        address is then not loopback) or the server listens on a public host."""
        if self.site_addresses != "auto":
            return self.site_addresses == "public"
        return not (self.loopback and client_host in LOOPBACK)
