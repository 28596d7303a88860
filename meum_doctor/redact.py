"""Redaction: replace what identifies a store, once, on the data, before any renderer.

Two levels:

- always: the API key (whole, wherever it might turn up) becomes ``sk_live_…``;
- with ``--redact``: the hosts of ``site_url`` and ``webhook_url`` become ``store-1.example``,
  ``store-2.example`` (consistently, with and without ``www.``, in any case), and
  ``integration_id``, ``integration_public_id``, ``credential_prefix`` and the connect key's
  ``key_prefix`` are masked to their first 4 characters followed by ``…``.

A :class:`Redactor` is built from the status and then applied to every string of the
report (titles, details, evidence, links, the raw status), so nothing escapes by being
copied into a finding's text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from meum_doctor.rule import host_of
from meum_doctor.status import Status

MASK_KEEP = 4
#: Values shorter than this are left alone: masking them would reveal them anyway, and
#: replacing very short strings everywhere would garble the report.
MIN_SECRET_LENGTH = MASK_KEEP + 1


def mask(value: str) -> str:
    """The first 4 characters of ``value`` followed by an ellipsis."""
    return value[:MASK_KEEP] + "…"


class Redactor:
    """Replaces each known sensitive string by its stand-in, wherever it occurs."""

    def __init__(self, replacements: Mapping[str, str]) -> None:
        self.replacements = {k.lower(): v for k, v in replacements.items() if k}
        needles = sorted(self.replacements, key=len, reverse=True)
        self._pattern = (
            re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE) if needles else None
        )

    @classmethod
    def for_status(cls, status: Status, *, identity: bool, secrets: Iterable[str] = ()) -> Redactor:
        replacements: dict[str, str] = {}
        for secret in secrets:
            if secret and len(secret) >= MIN_SECRET_LENGTH:
                replacements[secret] = "sk_live_…"
        if identity:
            labels: dict[str, str] = {}
            for url in (
                status.site_url,
                status.webhook_url,
                _raw_str(status.raw, "site_url"),
                _raw_str(status.raw, "webhook_url"),
            ):
                host = host_of(url)
                if not host:
                    continue
                bare = host.removeprefix("www.")
                if bare not in labels:
                    labels[bare] = f"store-{len(labels) + 1}.example"
                replacements[host] = labels[bare]
                replacements[bare] = labels[bare]
            key = status.raw.get("pending_connection_key")
            values = [
                _raw_str(status.raw, "integration_id"),
                _raw_str(status.raw, "integration_public_id"),
                _raw_str(status.raw, "credential_prefix"),
                _raw_str(key, "key_prefix") if isinstance(key, dict) else None,
            ]
            for value in values:
                if value and len(value) >= MIN_SECRET_LENGTH:
                    replacements[value] = mask(value)
        return cls(replacements)

    def text(self, value: str) -> str:
        if self._pattern is None:
            return value
        return self._pattern.sub(lambda m: self.replacements[m.group().lower()], value)

    def data(self, value: Any) -> Any:
        """``value`` (any JSON-like data) with every string, keys included, redacted."""
        if self._pattern is None:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {self.text(str(k)): self.data(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.data(v) for v in value]
        return value


def _raw_str(data: object, key: str) -> str | None:
    if isinstance(data, Mapping):
        value = data.get(key)
        return value if isinstance(value, str) else None
    return None
