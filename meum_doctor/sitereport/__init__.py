"""Parse a WooCommerce System Status report, in any form a ticket holds, into :class:`SiteReport`.

The site's own report says *why* Meum's status looks as it does (the plugin deactivated,
WP-Cron off, outgoing requests blocked …). This package only reads it; no I/O happens here.

Forms accepted, recognised by content (never by file name):

- the **text report** ("Get system report" › "Copy for support"), with or without the
  backticks it is copied in, and the downloaded ``SystemStatusReport_….txt``;
- the **"Copy for GitHub"** form: ``<details><summary>…</summary>``, double backticks,
  ``[Redacted]`` address rows and a ``[REDACTED]`` Database section (the model says
  ``redacted`` and which parts);
- the text **re-fenced** in ```` ``` ````, **quoted** with ``> ``, **indented** as a code
  block, **pasted as HTML** with ``<br>`` between lines, with **Windows line endings**,
  UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark, or cp1252;
- a report from a site in **any language**: see :mod:`.textreport` for what a localized
  report gives and what it cannot;
- the **REST JSON** (``GET /wp-json/wc/v3/system_status``), bare or wrapped in
  ``{"data": …}``, with the shapes the code really returns (see :mod:`.restjson`).

The text and the JSON of the same site give equal models (see :mod:`.model` for which
fields one form alone carries, and so are left out of the comparison).

Parsing is tolerant like the status parser: what cannot be read becomes a
:class:`~meum_doctor.status.ParseProblem` and a None; unknown sections and rows are kept.
The one error is :class:`~meum_doctor.errors.BadResponse`, for a body over 1 MiB or one that
is no System Status report in any form (empty, binary, an HTML page, a Meum status, JSON of
another shape, other text); its message says what the body looked like.
"""

from __future__ import annotations

import json

from meum_doctor.errors import BadResponse, NotASiteReport, NotJSON, TooDeep
from meum_doctor.sitereport import forms
from meum_doctor.sitereport.model import (
    PAGE_KEYS,
    PAGE_PROBLEMS,
    SECTION_KINDS,
    Dropin,
    OutdatedTemplate,
    Page,
    Plugin,
    RemoteCheck,
    Row,
    ScheduledActions,
    Section,
    Settings,
    SiteReport,
    Theme,
)
from meum_doctor.status import MAX_NESTING, ParseProblem, _too_deep, describe_non_json

MAX_BODY = forms.MAX_BODY

__all__ = [
    "MAX_BODY",
    "PAGE_KEYS",
    "PAGE_PROBLEMS",
    "SECTION_KINDS",
    "Dropin",
    "OutdatedTemplate",
    "Page",
    "ParseProblem",
    "Plugin",
    "RemoteCheck",
    "Row",
    "ScheduledActions",
    "Section",
    "Settings",
    "SiteReport",
    "Theme",
    "looks_like_site_report",
    "parse_site_report",
]


def parse_site_report(body: bytes) -> tuple[SiteReport, list[ParseProblem]]:
    """Parse a System Status report in any form.

    Returns the model and the problems met (values sent but unreadable). Raises
    :class:`BadResponse` only for a body over :data:`MAX_BODY` bytes, or one that is not a
    System Status report in any form; the message says what it looked like.
    """
    text, notes = forms.decode(body)
    if forms.looks_like_json(text):
        return _from_json(text, notes)
    lines, wrappers = forms.unwrap(text)
    if not forms.has_report_structure(lines):
        raise NotASiteReport(f"this is not a WooCommerce System Status report: "
                             f"{forms.describe_text(text)}")
    from meum_doctor.sitereport.textreport import parse_text

    report, problems = parse_text(lines, [*notes, *wrappers])
    return report, problems.result()


def _from_json(text: str, notes: list[str]) -> tuple[SiteReport, list[ParseProblem]]:
    if _too_deep(text):
        raise TooDeep(f"the site report is JSON nested more than {MAX_NESTING} levels deep")
    try:
        data = json.loads(text, parse_constant=str)
    except json.JSONDecodeError as exc:
        raise NotJSON(
            f"the site report looks like JSON but is not valid: {describe_non_json(text, exc)}"
        ) from None
    except (ValueError, RecursionError) as exc:  # e.g. an integer of thousands of digits
        raise BadResponse(f"the site report is not usable JSON ({type(exc).__name__})") from None
    found = forms.json_report(data)
    if found is None:
        raise NotASiteReport(f"this is not a WooCommerce System Status report: "
                             f"{forms.describe_json(data)}")
    report_data, wrappers = found
    from meum_doctor.sitereport.restjson import parse_json

    report, problems = parse_json(report_data, [*notes, *wrappers])
    return report, problems.result()


def looks_like_site_report(body: bytes) -> bool:
    """A cheap guess whether ``body`` is a System Status report in some form.

    For ``--input`` given a site report, to answer "use --site-report" instead of "not a
    Meum status". Reads at most the first 64 KiB of a text; never raises.
    """
    try:
        return forms.looks_like(body)
    except Exception:  # a guess must never be the thing that fails
        return False
