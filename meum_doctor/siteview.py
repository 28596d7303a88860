"""The site report as a report shows it: its model as JSON, what the diagnosis used from it,
and its body, each redacted like the Meum status.

Part of the prioritize layer (beside :mod:`meum_doctor.report`): it decides what every
format shows of the WooCommerce System Status report, so renderers decide nothing. Under
``--redact`` the site report's hosts are numbered with the Meum status's (one
:class:`~meum_doctor.redact.RedactionState` per run), and :func:`literals` adds what only a
site report holds: the database prefix and table names, file-system paths and the store ID
(e-mail addresses and hosts are found by the redactor's own scan).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields, is_dataclass
from datetime import datetime
from typing import Any

from meum_doctor.documents import Document
from meum_doctor.redact import REDACTED, Redactor, mask, strings_of
from meum_doctor.timefmt import iso_z

#: The body shown in the HTML and Markdown reports stops after this many characters.
RAW_LIMIT = 512 * 1024
#: A file-system path: two or more segments, not part of a URL (``/var/www/html/…``), or a
#: Windows path (``C:\inetpub\…``).
_PATH_RE = re.compile(
    r"(?<![\w:/.\\-])(?:/[\w.~@+-]+){2,}/?|\b[A-Za-z]:\\[^\s,;\"'<>|]+"
)
#: A table row of the text report's Database section: ``<table>: Data: …``.
_TABLE_ROW_RE = re.compile(r"^\s*([A-Za-z0-9_$]+): (?:Data:|❌)", re.MULTILINE)
_PREFIX_RE = re.compile(r"^\s*WC Database Prefix:\s*(\S+)", re.MULTILINE)
#: The prefix every WordPress installs with: it names no store, and hiding it everywhere
#: would garble ``wp_remote_post`` and friends.
DEFAULT_PREFIX = "wp_"
PATH_MASK = "[path]"
TABLE_PREFIX_MASK = "[prefix]"


@dataclass(frozen=True)
class SiteReportView:
    """What every format shows of the site report."""

    #: The model as JSON (redacted; secrets removed later with the rest of the report).
    model: dict[str, Any]
    #: (label, value): what the diagnosis used from it, in words.
    summary: tuple[tuple[str, str], ...]
    #: The body as received, decoded (the REST JSON indented), redacted, cut at RAW_LIMIT.
    raw: str
    #: "text" or "json".
    form: str
    generated_at: datetime | None
    #: "sha256:<hex>" of the body as received; None under --redact.
    fingerprint: str | None
    #: The merchant removed parts before sharing ("Copy for GitHub").
    shared_redacted: bool


def model_dict(model: Any) -> dict[str, Any]:
    """A :class:`~meum_doctor.sitereport.SiteReport` as JSON-able data (every field)."""
    data = _jsonable(model)
    assert isinstance(data, dict)
    return data


def _jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        data = {item.name: _jsonable(getattr(value, item.name)) for item in fields(value)}
        if isinstance(getattr(type(value), "slug", None), property):
            data["slug"] = getattr(value, "slug")  # noqa: B009 - a plugin's folder, from its file
        return data
    if isinstance(value, datetime):
        return iso_z(value)
    if isinstance(value, frozenset | set):
        return sorted(_jsonable(v) for v in value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def body_text(document: Document) -> str:
    """The body as a person reads it: the text as decoded, or the REST JSON indented (its
    ``\\/`` escapes undone, so hosts and paths in it can be found and redacted)."""
    from meum_doctor.sitereport import forms

    try:
        text, _ = forms.decode(document.body)
    except Exception:  # the parser accepted it: this cannot fail, but a view must not
        return document.body.decode("utf-8", "replace")
    if forms.looks_like_json(text):
        try:
            return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        except (ValueError, RecursionError):
            return text
    return text


def literals(data: dict[str, Any], raw: str) -> dict[str, str]:
    """What only a site report holds that names the store, each with its stand-in: the
    database prefix (unless WordPress's default) and table names, file-system paths, the
    store ID. For ``--redact``; hosts and e-mail addresses the redactor finds itself."""
    found: dict[str, str] = {}
    prefixes = set(_PREFIX_RE.findall(raw))
    for text in strings_of(data):
        match = _PREFIX_RE.search(text) if "Prefix" in text else None
        if match:
            prefixes.add(match.group(1))
    json_data = _json_of(raw)
    database = json_data.get("database") if isinstance(json_data, dict) else None
    tables: set[str] = set(_TABLE_ROW_RE.findall(raw))
    if isinstance(database, dict):
        if isinstance(database.get("database_prefix"), str):
            prefixes.add(database["database_prefix"])
        groups = database.get("database_tables")
        if isinstance(groups, dict):
            for group in groups.values():
                if isinstance(group, dict):
                    tables |= {str(name) for name in group}
    environment = json_data.get("environment") if isinstance(json_data, dict) else None
    if isinstance(environment, dict):
        store_id = environment.get("store_id")
        if isinstance(store_id, str | int) and not isinstance(store_id, bool) and str(store_id):
            found[str(store_id)] = mask(str(store_id))
    prefixes = {p for p in prefixes if p and p != REDACTED}
    # Whole table names lose their prefix, the default one too (a table name is matched
    # whole, so wp_remote_post stays); the bare prefix is hidden unless it is the default.
    for table in tables:
        prefix = next(
            (p for p in sorted(prefixes | {DEFAULT_PREFIX}, key=len, reverse=True)
             if table.startswith(p)),
            None,
        )
        found[table] = TABLE_PREFIX_MASK + table[len(prefix):] if prefix else "[table]"
    for prefix in prefixes - {DEFAULT_PREFIX}:
        found[prefix] = TABLE_PREFIX_MASK
    for text in (raw, *strings_of(data)):
        for match in _PATH_RE.finditer(text) if ("/" in text or "\\" in text) else ():
            found.setdefault(match.group(), PATH_MASK)
    return found


def _json_of(raw: str) -> Any:
    stripped = raw.lstrip()
    if not stripped.startswith("{"):
        return None
    try:
        return json.loads(stripped)
    except (ValueError, RecursionError):
        return None


def summary(model: Any) -> list[tuple[str, str]]:
    """What the diagnosis used from the site report, in words (before redaction)."""
    rows: list[tuple[str, str]] = []

    def add(label: str, value: object) -> None:
        if value is not None and value != "":
            rows.append((label, str(value)))

    add("Site", model.home_url or model.site_url)
    if model.site_url and model.home_url and model.site_url != model.home_url:
        add("WordPress address", model.site_url)
    add("WordPress", model.wordpress_version)
    woocommerce = model.woocommerce_version
    if woocommerce and model.woocommerce_database_version:
        woocommerce += f" (database {model.woocommerce_database_version})"
    add("WooCommerce", woocommerce)
    add("PHP", model.php_version)
    add("Environment type", model.environment_type)
    if model.wp_cron is not None:
        add("WP-Cron", "enabled" if model.wp_cron else "disabled (DISABLE_WP_CRON)")
    for label, check in (("Remote post", model.remote_post), ("Remote get", model.remote_get)):
        if check is not None and check.ok is not None:
            add(label, "works" if check.ok else f"fails: {check.error or 'no reason given'}")
    if model.active_plugins is not None:
        add("Active plugins", len(model.active_plugins))
    if model.redacted:
        add("Shared redacted", ", ".join(model.redacted_parts) or "yes")
    return rows


def build_view(
    document: Document, model: Any, redactor: Redactor, *, redact: bool, raw: str
) -> SiteReportView:
    """The view of one site report, every string through ``redactor``."""
    kept = raw
    if len(raw) > RAW_LIMIT:
        # Cut at whitespace, never inside a word: half a key or half a host name would no
        # longer be recognised by the secrets scrub or the redactor, and would be shown.
        cut = max(raw.rfind(" ", 0, RAW_LIMIT), raw.rfind("\n", 0, RAW_LIMIT))
        kept = raw[: max(cut, 0)]
    shown_raw = redactor.text(kept)
    if len(kept) < len(raw):
        shown_raw += f"\n… ({len(raw) - len(kept):,} more characters)"
    return SiteReportView(
        model=redactor.data(model_dict(model)),
        summary=tuple(
            (label, redactor.text(value)) for label, value in summary(model)
        ),
        raw=shown_raw,
        form=model.form,
        generated_at=model.generated_at,
        fingerprint=None if redact else document.fingerprint,
        shared_redacted=bool(model.redacted),
    )
