"""The secrets of one run, and the one place that removes them from text.

A run knows its secrets (the API key from ``--api-key`` or the environment, every key and raw
line of a keys file, later the WooCommerce REST credentials). A :class:`Secrets` object holds
them and scrubs any text with one compiled pattern (not a loop over keys, which is quadratic
over a fleet). It matches each secret as written and in the forms an echo of it takes in a
body: JSON-escaped (``\\/`` for ``/`` as PHP writes it, ``\\"``, ``\\\\``) and percent-encoded.

A secret is replaced by :func:`key_hint`: only the *public* prefix of a Meum key
(``sk_live_…``, ``sk_test_…``) survives, never any character that is secret.

The object is created once per run by the front end and handed down; nothing here is global.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

#: The public prefixes of Meum keys: the only part of a key that may ever be shown.
PUBLIC_PREFIXES = ("sk_live_", "sk_test_")
#: Shown for a secret that has no public prefix.
HIDDEN = "[secret]"
#: Strings shorter than this are not treated as secrets: replacing them everywhere would
#: garble a report, and so short a value protects nothing anyway.
MIN_LENGTH = 6


def public_prefix(key: str) -> str:
    """``sk_live_`` or ``sk_test_`` when ``key`` starts with it, else the empty string."""
    return next((p for p in PUBLIC_PREFIXES if key.startswith(p)), "")


def key_hint(key: str) -> str:
    """How a key may be named in any output: its public prefix and an ellipsis, or a marker."""
    prefix = public_prefix(key)
    return f"{prefix}…" if prefix else HIDDEN


def _variants(secret: str) -> set[str]:
    """``secret`` as written and as it appears when echoed inside JSON or a URL."""
    # Imported here: most runs (--version, --help, --input) never add a secret.
    import json
    from urllib.parse import quote, quote_plus

    escaped = json.dumps(secret)[1:-1]
    forms = {
        secret,
        escaped,
        escaped.replace("/", "\\/"),
        json.dumps(secret, ensure_ascii=False)[1:-1],
        quote(secret, safe=""),
        quote_plus(secret, safe=""),
    }
    return {form for form in forms if len(form) >= MIN_LENGTH}


class Secrets:
    """The secrets of one run: add them as they become known, scrub any text with them."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        self._values: set[str] = set()
        self._replacement: dict[str, str] = {}
        self._pattern: re.Pattern[str] | None = None
        self._dirty = False
        self.extend(values)

    def add(self, value: str | None) -> None:
        """Remember ``value`` as a secret (ignored when empty or too short to matter)."""
        if not value or len(value) < MIN_LENGTH or value in self._values:
            return
        self._values.add(value)
        hint = key_hint(value)
        for form in _variants(value):
            # A form shared by two secrets keeps the first hint: both hide the same text.
            self._replacement.setdefault(form, hint)
        self._dirty = True

    def extend(self, values: Iterable[str | None]) -> None:
        for value in values:
            self.add(value)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._values))

    def __len__(self) -> int:
        return len(self._values)

    def __bool__(self) -> bool:
        return bool(self._values)

    def __contains__(self, value: object) -> bool:
        return value in self._values

    def _compiled(self) -> re.Pattern[str] | None:
        if self._dirty:
            # Longest first, so a secret that contains another is replaced whole.
            needles = sorted(self._replacement, key=len, reverse=True)
            self._pattern = re.compile("|".join(map(re.escape, needles))) if needles else None
            self._dirty = False
        return self._pattern

    def scrub(self, text: str) -> str:
        """``text`` with every secret (in any of its echoed forms) replaced by its hint."""
        pattern = self._compiled()
        if pattern is None or not text:
            return text
        return pattern.sub(lambda m: self._replacement[m.group()], text)

    def count(self, text: str) -> int:
        """How many secrets (in any form) ``text`` holds."""
        pattern = self._compiled()
        return 0 if pattern is None else sum(1 for _ in pattern.finditer(text))

    def scrub_data(self, value: Any) -> Any:
        """``value`` (JSON-like data) with every string, keys included, scrubbed."""
        if not self._values:
            return value
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, dict):
            return {self.scrub(str(k)): self.scrub_data(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.scrub_data(v) for v in value]
        return value
