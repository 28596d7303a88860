"""The secrets of one run, and the one place that removes them from text.

A run knows its secrets (the API key from ``--api-key`` or the environment, every key and raw
line of a keys file, later the WooCommerce REST credentials). A :class:`Secrets` object holds
them and scrubs any text with one compiled pattern (not a loop over keys, which is quadratic
over a fleet). It matches each secret as written and in the forms an echo of it takes in a
body: JSON-escaped (``\\/`` for ``/`` as PHP writes it, ``\\"``, ``\\\\``) and percent-encoded.

A fleet has up to 100,000 keys (and as many raw lines of its keys file). One alternation of all
of them is slow twice over: ``re`` compiles it in pure Python (seconds), and at every place where
the secrets' shared beginning (``sk_live_``) occurs it tries each alternative in turn, so scrubbing
a summary that names many stores grew with stores × secrets. Beyond :data:`SMALL` forms, each
form is therefore indexed by one *anchor*, a 6-character window of it: a text is first searched
for anchors (set lookups, linear in the text), and only the few forms whose anchors it contains
are compiled into the pattern that replaces them, with exactly the result of the full pattern.

A secret is replaced by :func:`key_hint`: only the *public* prefix of a Meum key
(``sk_live_…``, ``sk_test_…``) survives, never any character that is secret.

The object is created once per run by the front end and handed down; nothing here is global.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from enum import Enum
from typing import Any

#: What ``--save-status`` writes where a secret of the run was: fixed, ASCII, and safe
#: inside a JSON string and a URL, so the saved body stays a valid status.
REMOVED_MARKER = b"[secret-removed-by-meum-doctor]"

#: The public prefixes of Meum keys: the only part of a key that may ever be shown.
PUBLIC_PREFIXES = ("sk_live_", "sk_test_")
#: Shown for a secret that has no public prefix.
HIDDEN = "[secret]"
#: Strings shorter than this are not treated as secrets: replacing them everywhere would
#: garble a report, and so short a value protects nothing anyway.
MIN_LENGTH = 6
#: Words the tool itself prints next to keys ("starts with the word Bearer", "sends it as
#: 'Authorization: Bearer'", "sk_live_…", "[secret]"). A value made only of them (``--api-key
#: Bearer``) is not a secret: masking it would garble the very message that explains the
#: mistake, and a key that is such a word protects nothing.
TOOL_WORDS = frozenset(
    {"bearer", "authorization", "sk", "live", "test", "secret", "api", "key", "meum", "doctor"}
)
#: Up to this many forms, one alternation of them all is fastest; beyond it, anchors.
SMALL = 256


def _alternation(forms: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern of ``forms``, longest first, so a secret containing another goes whole."""
    needles = sorted(set(forms), key=lambda form: (-len(form), form))
    return re.compile("|".join(map(re.escape, needles))) if needles else None


def _anchor_index(forms: Iterable[str]) -> dict[str, list[str]]:
    """Each form under one of its MIN_LENGTH-character windows, one no other form uses if any.

    Any window would do for correctness (every occurrence of a form contains all its
    windows); an unshared one keeps the pattern built for a text small. Windows are tried
    from the end: keys of a fleet share their start (``sk_live_``), rarely their end.
    """
    index: dict[str, list[str]] = {}
    for form in forms:
        best = form[-MIN_LENGTH:]
        for start in range(len(form) - MIN_LENGTH, -1, -1):
            window = form[start : start + MIN_LENGTH]
            if window not in index:
                best = window
                break
            if len(index[window]) < len(index[best]):
                best = window
        index.setdefault(best, []).append(form)
    return index


def _windows(text: str) -> Iterator[str]:
    """Every MIN_LENGTH-character window of ``text``."""
    return (text[i : i + MIN_LENGTH] for i in range(len(text) - MIN_LENGTH + 1))


def is_tool_words(value: str) -> bool:
    """True when ``value`` is only words the tool prints (:data:`TOOL_WORDS`) and punctuation.

    At least one such word: a value of punctuation alone (``:::::{`` on a keys-file line) is
    sent as a key like any other, so it is a secret, not "words the tool prints".
    """
    words = [word for word in re.split(r"[^a-z0-9]+", value.lower()) if word]
    return bool(words) and all(word in TOOL_WORDS for word in words)


def public_prefix(key: str) -> str:
    """``sk_live_`` or ``sk_test_`` when ``key`` starts with it, else the empty string."""
    return next((p for p in PUBLIC_PREFIXES if key.startswith(p)), "")


def key_hint(key: str) -> str:
    """How a key may be named in any output: its public prefix and an ellipsis, or a marker."""
    prefix = public_prefix(key)
    return f"{prefix}…" if prefix else HIDDEN


#: Characters that JSON and percent-encoding (``quote``, ``quote_plus``) leave as they are.
#: A set, not a pattern: compiling one at import would slow every start-up (--version too).
_UNCHANGED_BY_ESCAPING = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.~-"
)


def _variants(secret: str) -> set[str]:
    """``secret`` as written and as it appears when echoed inside JSON or a URL."""
    if _UNCHANGED_BY_ESCAPING.issuperset(secret):
        # Most keys: no escape changes them, and a fleet adds 100,000 of them at once.
        return {secret} if len(secret) >= MIN_LENGTH else set()
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


def url_without_query(url: str) -> str:
    """``url`` for a message: without its query, fragment and user info.

    Query strings carry tokens (a redirect to ``...?k=<key>``), user info carries passwords;
    neither ever helps the reader of a message or report.
    """
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        # Not a URL that can be taken apart: cut at the first "?" or "#" all the same.
        return re.split(r"[?#]", url, maxsplit=1)[0]
    if not parts.scheme or not parts.netloc:
        return re.split(r"[?#]", url, maxsplit=1)[0]
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _byte_form(secret: str) -> bytes:
    """A bytes pattern for ``secret`` with each character as written or escaped in any way
    JSON or a URL may spell it (``\\u0041``, ``\\/``, ``%41``), mixed freely."""
    import json

    pieces = []
    for char in secret:
        forms = []
        short = json.dumps(char)[1:-1]
        if short != char:
            forms.append(re.escape(short.encode("ascii", "backslashreplace")))
        if char == "/":
            forms.append(rb"\\/")  # PHP's json_encode writes / as \/
        code = ord(char)
        if code <= 0xFFFF:
            forms.append(rb"\\u" + _hex(f"{code:04x}"))
        else:  # JSON spells it as a surrogate pair
            high, low = 0xD800 + ((code - 0x10000) >> 10), 0xDC00 + ((code - 0x10000) & 0x3FF)
            forms.append(rb"\\u" + _hex(f"{high:04x}") + rb"\\u" + _hex(f"{low:04x}"))
        forms.append(b"".join(b"%" + _hex(f"{byte:02x}") for byte in char.encode("utf-8")))
        if char == " ":
            forms.append(rb"\+")
        # The character as written comes last, so an escape is taken whole; a backslash that
        # starts a JSON escape is never taken alone (that would break the string it is in).
        literal = re.escape(char.encode("utf-8"))
        forms.append(literal + rb'(?![\\"/bfnrtu])' if char == "\\" else literal)
        pieces.append(b"(?:" + b"|".join(forms) + b")")
    return b"".join(pieces)


def _hex(digits: str) -> bytes:
    """A bytes pattern for hexadecimal ``digits`` in either case."""
    return b"".join(
        f"[{d.lower()}{d.upper()}]".encode() if d.isalpha() else d.encode() for d in digits
    )


class Secrets:
    """The secrets of one run: add them as they become known, scrub any text with them."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        self._values: set[str] = set()
        self._replacement: dict[str, str] = {}
        self._pattern: re.Pattern[str] | None = None
        #: anchor -> the forms it is a window of; None while there are at most SMALL forms.
        self._anchors: dict[str, list[str]] | None = None
        self._bytes_pattern: re.Pattern[bytes] | None = None
        self._dirty = False
        self.extend(values)

    def add(self, value: str | None) -> None:
        """Remember ``value`` as a secret (ignored when empty, too short to matter, or only
        words the tool prints: see :data:`TOOL_WORDS`)."""
        if not value or len(value) < MIN_LENGTH or value in self._values or is_tool_words(value):
            return
        self._values.add(value)
        hint = key_hint(value)
        for form in _variants(value):
            # A form shared by two secrets keeps the first hint: both hide the same text.
            self._replacement.setdefault(form, hint)
        self._dirty = True
        self._bytes_pattern = None

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

    def clear(self) -> None:
        """Forget every secret (a new run in the same process starts with none)."""
        self._values.clear()
        self._replacement.clear()
        self._pattern, self._anchors, self._dirty = None, None, False
        self._bytes_pattern = None

    def _compiled(self) -> re.Pattern[str] | None:
        """The pattern of every form while there are few; else the anchors (module docstring)."""
        if self._dirty:
            large = len(self._replacement) > SMALL
            self._pattern = None if large else _alternation(self._replacement)
            self._anchors = _anchor_index(self._replacement) if large else None
            self._dirty = False
        return self._pattern

    def _pattern_for(self, text: str) -> re.Pattern[str] | None:
        """A pattern that finds every secret in ``text``: the full one, or one of the few
        forms whose anchors occur in it."""
        pattern = self._compiled()
        if self._anchors is None:
            return pattern
        found = self._anchors.keys() & _windows(text)
        if not found:
            return None
        return _alternation([form for anchor in found for form in self._anchors[anchor]])

    def scrub(self, text: str) -> str:
        """``text`` with every secret (in any of its echoed forms) replaced by its hint."""
        pattern = self._pattern_for(text) if text else None
        if pattern is None:
            return text
        return pattern.sub(lambda m: self._replacement[m.group()], text)

    def count(self, text: str) -> int:
        """How many secrets (in any form) ``text`` holds."""
        pattern = self._pattern_for(text) if text else None
        return 0 if pattern is None else sum(1 for _ in pattern.finditer(text))

    def scrub_data(self, value: Any) -> Any:
        """``value`` with every string in it scrubbed: JSON-like data (keys included), tuples
        and frozen dataclasses (a report, a batch row) are rebuilt, anything else kept.

        This is how a secret leaves the *data*, before any renderer formats it: what a
        renderer escapes (HTML entities, Markdown backslashes) a scrub of its output could
        no longer recognise.
        """
        if not self._values:
            return value
        return self._scrub_any(value)

    def _scrub_any(self, value: Any) -> Any:
        if isinstance(value, Enum):  # a str-valued enum is a label, not a secret's carrier
            return value
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, dict):
            return {self._scrub_any(k): self._scrub_any(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._scrub_any(v) for v in value]
        if isinstance(value, tuple):
            return tuple(self._scrub_any(v) for v in value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes = {
                f.name: self._scrub_any(getattr(value, f.name))
                for f in dataclasses.fields(value)
                if f.init
            }
            return dataclasses.replace(value, **changes)
        return value

    def scrub_chunks(self, chunks: Iterable[str]) -> Iterator[str]:
        """``chunks`` of one text, scrubbed as if whole: a secret split across two chunks
        is still found.

        Text is passed on up to its last line break: no form of a secret spans one (keys
        hold no whitespace, a keys file's lines are split at line breaks), so what comes
        before it is complete. This works the same whether the secrets are matched with one
        pattern or through anchors (many keys), and keeps memory at one line.
        """
        if not self._values:
            yield from chunks
            return
        if any("\n" in form for form in self._replacement):
            # A secret with a line break (never a key): scrub the text whole.
            yield self.scrub("".join(chunks))
            return
        pending = ""
        for chunk in chunks:
            pending += chunk
            cut = pending.rfind("\n") + 1
            if cut:
                yield self.scrub(pending[:cut])
                pending = pending[cut:]
        if pending:
            yield self.scrub(pending)

    def remove_from_bytes(self, body: bytes, marker: bytes = REMOVED_MARKER) -> tuple[bytes, int]:
        """``body`` with every secret, however JSON or a URL escapes it, replaced by
        ``marker``; every other byte as received. Returns the new body and the count."""
        if not self._values:
            return body, 0
        if self._bytes_pattern is None:
            forms = sorted((_byte_form(s) for s in self._values), key=len, reverse=True)
            self._bytes_pattern = re.compile(b"|".join(forms))
        return self._bytes_pattern.subn(marker, body)
