"""Presentation helpers every format shares: how a value, a time or a URL is shown."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from meum_doctor.hosts import host_of
from meum_doctor.report import ConfigUsed, Report, SourceInfo
from meum_doctor.rule import http_url
from meum_doctor.text import visible
from meum_doctor.timefmt import iso_z

SEVERITY_MARKERS = {
    "critical": "[x]",
    "high": "[!]",
    "medium": "[~]",
    "low": "[-]",
    "info": "[i]",
}


def value_text(value: Any) -> str:
    """An evidence value on one line: strings as they are, the rest as JSON."""
    if value is None:
        return "(missing)"
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        return str(value)


def timestamp(value: datetime) -> str:
    """ISO 8601 UTC with Z, as every format shows time (:func:`meum_doctor.timefmt.iso_z`)."""
    return iso_z(value)


def link_url(url: str) -> str | None:
    """``url`` when it may become a link (http or https with a host, nothing hidden in
    it), else None."""
    if http_url(url) is None or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return None
    return url


def link_host(url: str) -> str | None:
    """The host a link leads to, in its canonical ASCII form (punycode shows a look-alike
    Unicode host for what it is), shown beside the link's title."""
    return host_of(url) if link_url(url) is not None else None


def config_text(config: ConfigUsed | None) -> str:
    """The configuration a report was made with, in words: which file, its fingerprint, and
    what in it can change a verdict (rules it leaves out, values it teaches)."""
    if config is None:
        return "bundled defaults (no configuration file)"
    parts = [f"{config.path} ({config.sha256})"]
    if config.ignored_rules:
        parts.append(f"rules left out: {', '.join(config.ignored_rules)}")
    added = [
        f"{name}.{cls} = {', '.join(items)}"
        for name, classes in config.values_added.items()
        for cls, items in classes.items()
    ]
    if added:
        parts.append(f"values added: {'; '.join(added)}")
    return "; ".join(parts)


def source_text(source_type: str, location: str) -> str:
    """Where the status came from, in words."""
    return {
        "api": f"Meum API, {location}",
        "file": f"saved status file {location}",
        "stdin": "saved status from standard input",
        "demo": f"bundled example {location!r} served by the embedded demo API",
    }.get(source_type, f"{source_type} {location}")


def other_sources(report: Report) -> tuple[SourceInfo, ...]:
    """The documents a report used beyond the Meum status its Source line describes (all
    of them when it had no Meum status)."""
    if report.source_type is None:
        return report.sources
    return tuple(s for s in report.sources if s.kind != "meum-status")


def source_info_text(info: SourceInfo) -> str:
    """One document a report used, in words: kind, where from, fingerprint."""
    if info.note:  # release data: the note says which data and why, in words
        text = f"{info.kind.replace('-', ' ')}: {info.note}"
        return f"{text} ({info.fingerprint})" if info.fingerprint else text
    where = f"{info.type} {info.location}" if info.location != "-" else "standard input"
    text = f"{info.kind} from {where}"
    if info.request_id:
        text += f", request id {info.request_id}"
    if info.fingerprint:
        text += f" ({info.fingerprint})"
    return text


#: The raw status view stops after this many characters (after escaping): a hostile status
#: of 1 MiB of "&" would otherwise be 5 MB of HTML. The JSON format keeps it whole.
RAW_VIEW_LIMIT = 2_000_000


def raw_json(data: Any, compact: bool = False) -> str:
    """The raw status for display: indented, or on one line when it is large (see
    :func:`meum_doctor.report.is_large`); characters that could hide or reorder text are
    shown as escapes, the rest (accents, scripts) as themselves. Cut at RAW_VIEW_LIMIT."""
    return cut_raw(raw_text(data, compact), RAW_VIEW_LIMIT)


def raw_text(data: Any, compact: bool = False) -> str:
    """The whole raw status as :func:`raw_json` shows it, before any cut."""
    return visible(json.dumps(data, indent=None if compact else 2, ensure_ascii=False))


def cut_raw(text: str, limit: int) -> str:
    """``text`` cut at ``limit`` characters, saying so and where the whole of it is."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}{cut_notice(len(text) - limit)}"


def cut_notice(left_out: int) -> str:
    return (
        f"\n… (cut here: {left_out} more characters; the JSON format, -f json, has the "
        "whole status)"
    )
