"""Making untrusted text safe to show: one place for what "inert" means.

Strings from the API may carry anything: ANSI escape sequences (colours, OSC 8 hyperlinks,
cursor moves), carriage returns that overwrite a line, NUL, bidirectional overrides that
reorder what is shown, zero-width characters. :func:`visible` turns every such character
into a readable escape (``\\x1b``, ``\\u202e``) so the reader sees what the API said, as text,
and nothing is interpreted. Renderers apply it to every untrusted string they print; the
format-specific escaping (HTML, Markdown) comes on top of it.
"""

from __future__ import annotations

import re

# C0 and C1 controls and DEL, except tab and newline which callers handle per format.
_CONTROL = {*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0)}
# Characters that change how other text is laid out or hide themselves.
_INVISIBLE = {
    0x061C,
    0x180E,
    0x200B,
    0x200C,
    0x200D,
    0x200E,
    0x200F,
    0x2028,
    0x2029,
    *range(0x202A, 0x202F),
    *range(0x2060, 0x2065),
    *range(0x2066, 0x206A),
    0xFEFF,
}
_UNSAFE_RE = re.compile(
    "[" + "".join(re.escape(chr(c)) for c in sorted(_CONTROL | _INVISIBLE)) + "\ud800-\udfff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with control, bidi and invisible characters shown as escapes (newlines kept)."""
    return _UNSAFE_RE.sub(_escape, text)


def clean_line(text: str) -> str:
    """``text`` made inert and on one line: for one-line messages and single-line fields."""
    return visible(text.replace("\r\n", " ").replace("\n", " ").replace("\t", " "))


def is_unsafe_char(char: str) -> bool:
    """True for a character :func:`visible` would escape (tests use it as the oracle)."""
    code = ord(char)
    return code in _CONTROL or code in _INVISIBLE or 0xD800 <= code <= 0xDFFF
