"""One web request's diagnosis: its inputs -> the application core -> a report.

The same calls as ``check`` (:mod:`meum_doctor.app`): the operator's settings are prepared
once at start-up, and each request gets a copy with a :class:`~meum_doctor.secrets.Secrets`
of its own (its key, which lives as long as the request), its own redaction numbering, and
its own clock. Every error the core raises becomes a :class:`Failure`: the CLI's error code
and one-line message (scrubbed of the key), the HTTP status the API answers with, and the
form field it belongs to on the page.

Documents given in the request (an uploaded status, a site report) are parsed here first,
one by one, so that an unreadable one is blamed on its own field; nothing is written to disk.
"""

from __future__ import annotations

import contextvars
import dataclasses
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from meum_doctor import app
from meum_doctor.client.addresses import AddressPolicy
from meum_doctor.documents import MEUM_STATUS, SITE_REPORT, Document, Provenance
from meum_doctor.errors import (
    AuthRejected,
    BadResponse,
    BlockedAddress,
    ConfigError,
    FileUnreadable,
    MeumDoctorError,
    RuleLoadError,
    StatusUnavailable,
    UsageError,
)
from meum_doctor.redact import RedactionState
from meum_doctor.report import Report
from meum_doctor.secrets import Secrets
from meum_doctor.sources import get as source_kind
from meum_doctor.text import clean_line

#: The secrets of the request being served: the log handlers scrub every line with them.
current_secrets: contextvars.ContextVar[Secrets | None] = contextvars.ContextVar(
    "meum_doctor_web_secrets", default=None
)

#: Form fields an error can belong to.
KEY_FIELD = "api_key"
STATUS_FIELD = "status_file"
SITE_FIELD = "site_report"
SITE_URL_FIELD = "site_url"
WC_KEY_FIELD = "wc_key"


@dataclass
class Inputs:
    """What one visitor gave: exactly one of a key, a status body or a demo name."""

    api_key: str | None = None
    status: bytes | None = None
    status_name: str = "the uploaded status"
    demo: str | None = None
    site_report: bytes | None = None
    site_report_name: str = "the pasted site report"
    #: The store's address and WooCommerce credentials, for the server to fetch its site
    #: report (``--allow-live-site-report``).
    site_url: str | None = None
    wc_key: str | None = field(default=None, repr=False)
    wc_secret: str | None = field(default=None, repr=False)
    redact: bool = False
    now: datetime | None = None


@dataclass
class Outcome:
    report: Report
    documents: list[Document]
    secrets: Secrets = field(repr=False)


class Failure(Exception):
    """A request that ends without a report: what the page or the API says, and how."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        http_status: int | None = None,
        request_id: str | None = None,
        retried: bool = False,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.http_status = http_status
        self.request_id = request_id
        self.retried = retried
        self.retry_after = retry_after

    def as_dict(self) -> dict[str, object]:
        """The JSON error object, exactly as the command line's (schema ``error``)."""
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "http_status": self.http_status,
                "request_id": self.request_id,
                "retried": self.retried,
            }
        }


def per_request(base: app.Settings, inputs: Inputs) -> app.Settings:
    """The operator's settings with this request's secrets, redaction and clock."""
    return dataclasses.replace(
        base,
        secrets=Secrets(),
        redact=inputs.redact,
        redaction=RedactionState(),
        now=inputs.now if inputs.now is not None else datetime.now(UTC),
        now_given=inputs.now is not None,
    )


def documents_given(inputs: Inputs, now: datetime) -> tuple[list[Document], list[Document]]:
    """(status documents, site report documents) given in the request, each parsed once
    here so that a document that is not what it claims is blamed on its own field."""
    status: list[Document] = []
    site: list[Document] = []
    if inputs.status is not None:
        document = Document(MEUM_STATUS, inputs.status, Provenance("file", inputs.status_name, now))
        _check_parses(document, STATUS_FIELD)
        status.append(document)
    if inputs.site_report is not None:
        document = Document(
            SITE_REPORT, inputs.site_report, Provenance("file", inputs.site_report_name, now)
        )
        _check_parses(document, SITE_FIELD)
        site.append(document)
    return status, site


def _check_parses(document: Document, field_name: str) -> None:
    try:
        source_kind(document.kind).parse(document)
    except MeumDoctorError as exc:
        raise failure_of(exc, Secrets(), field_name=field_name, fetched=False) from None


async def diagnose(
    inputs: Inputs,
    base: app.Settings,
    base_url: str,
    site_policy: AddressPolicy | None = None,
) -> Outcome:
    """The report of one request's inputs, or a :class:`Failure`; ``site_policy`` judges
    the addresses a fetch of the visitor's site report may reach."""
    from starlette.concurrency import run_in_threadpool

    settings = per_request(base, inputs)
    secrets = settings.secrets
    current_secrets.set(secrets)
    fetched = inputs.api_key is not None or inputs.demo is not None
    site_fetched = False
    try:
        sources = []
        if fetched or inputs.site_url is not None:
            # environ={}: the server's own MEUM_API_KEY (or WooCommerce key) is never a
            # visitor's. The WooCommerce key and secret join the request's secrets here.
            sources = app.choose_sources(
                api_key=inputs.api_key,
                input_path=None,
                demo=inputs.demo,
                base_url=base_url,
                environ={},
                secrets=secrets,
                site_url=inputs.site_url,
                wc_key=inputs.wc_key,
                wc_secret=inputs.wc_secret,
            )
        status, site = documents_given(inputs, settings.now)
        live = [s for s in sources if s.kind == SITE_REPORT and s.type == "api"]
        others = [s for s in sources if s not in live]
        documents = [*await app.acquire(others, settings), *status, *site]
        for source in live:
            from meum_doctor.client.site import fetch_site_report

            site_fetched = True
            user, password = source.credentials
            documents.append(await fetch_site_report(
                source.location, user, password, settings.timeout, address_policy=site_policy
            ))
        # Parsing, the rules and the report are CPU work: off the event loop.
        report = await run_in_threadpool(app.diagnose, documents, settings)
        return Outcome(report, documents, secrets)
    except Failure:
        raise
    except MeumDoctorError as exc:
        raise failure_of(
            exc, secrets, fetched=fetched or site_fetched,
            field_name=SITE_URL_FIELD if site_fetched else None,
        ) from None


def failure_of(
    error: MeumDoctorError, secrets: Secrets, *, fetched: bool, field_name: str | None = None
) -> Failure:
    """The HTTP answer to a core error (the issue's table): 400 a malformed request, 422 an
    unreadable document or a key Meum rejected, 502 Meum failed or could not be reached."""
    message = clean_line(" ".join(secrets.scrub(str(error)).split())) or error.code
    status = 502
    where = field_name
    if isinstance(error, BlockedAddress):
        status, where = 422, SITE_URL_FIELD
    elif isinstance(error, UsageError):
        status = 400
        if message.startswith("the API key"):
            where = KEY_FIELD
        elif "--site-url" in message or "--wc-" in message:
            where = SITE_URL_FIELD
    elif isinstance(error, AuthRejected):
        # The store's answer to its WooCommerce key, or Meum's to the API key.
        status, where = 422, WC_KEY_FIELD if field_name == SITE_URL_FIELD else KEY_FIELD
    elif isinstance(error, BadResponse | FileUnreadable) and not fetched:
        status = 422
        where = where or STATUS_FIELD
    elif isinstance(error, ConfigError | RuleLoadError):
        status = 500
    elif isinstance(error, StatusUnavailable):
        status = 502  # Meum failed, could not be reached, or sent what is no status
    return Failure(
        status,
        error.code,
        message,
        field=where,
        http_status=error.http_status,
        request_id=error.request_id,
        retried=error.retried,
    )


def status_download(outcome: Outcome) -> tuple[str, bytes] | None:
    """The Meum status to download: as received (with any key in it removed), or under
    redaction the redacted status the report holds; None when there was none."""
    document = next((d for d in outcome.documents if d.kind == MEUM_STATUS), None)
    if document is None:
        return None
    if outcome.report.redacted:
        data = outcome.report.status
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        return "status-redacted.json", outcome.secrets.scrub(text).encode("utf-8")
    body, _ = outcome.secrets.remove_from_bytes(document.body)
    return "status.json", body
