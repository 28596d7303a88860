"""Making untrusted text safe to show: one place for what "inert" means.

Strings from the API may carry anything: ANSI escape sequences (colours, OSC 8 hyperlinks,
cursor moves), carriage returns that overwrite a line, NUL, bidirectional overrides that
reorder what is shown, zero-width and other invisible characters. :func:`visible` turns every
such character into a readable escape (``\\x1b``, ``\\u202e``, ``\\U000e0041``) so the reader
sees what the API said, as text, and nothing is interpreted. Renderers apply it to every
untrusted string they print, and the command line to every log line and traceback; the
format-specific escaping (HTML, Markdown) comes on top of it.

What is escaped (tab and newline aside, which callers handle per format): the Unicode
categories Cc (controls), Cf (format: bidi controls, zero-width characters, soft hyphen, tag
characters U+E0000–U+E007F, interlinear annotations), Co (private use), Cn (unassigned), Cs
(lone surrogates), Zl and Zp (line and paragraph separators), and every default-ignorable
code point (variation selectors, Hangul fillers, the combining grapheme joiner...).

The set is a precomputed table (:mod:`meum_doctor._unsafe_table`), not computed at import:
scanning all 1.1 million code points with :mod:`unicodedata` costs over 100 ms, and start-up
matters. It was made from Unicode 14 (Python 3.11, the oldest Python supported); a newer
Python assigns some of those code points, which then stay escaped (the safe direction).
``python -m meum_doctor.text`` regenerates it; a test checks it against the running Python.
"""

from __future__ import annotations

import functools
import re

# Pure-ASCII text (most of it) needs only the C0 controls and DEL: a tiny, fast pattern.
# Both patterns match runs, so a long run of invisible characters costs one call, not one each.
_ASCII_UNSAFE_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f]+")

#: Default-ignorable code points that are not in a category escaped as a whole (from
#: Unicode's DerivedCoreProperties.txt; the Cf and Cn ones are covered by their category).
DEFAULT_IGNORABLE_EXTRA = (
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x115F, 0x1160),  # Hangul choseong and jungseong fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180D),  # Mongolian free variation selectors
    (0x180F, 0x180F),
    (0x3164, 0x3164),  # Hangul filler
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFFA0, 0xFFA0),  # halfwidth Hangul filler
    (0xE0100, 0xE01EF),  # variation selectors supplement
)
#: The categories escaped as a whole.
UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"})


@functools.cache
def _unsafe_re() -> re.Pattern[str]:
    # Loaded and compiled on first use of text that may need it (see _surely_safe): ~700
    # ranges take milliseconds.
    from meum_doctor._unsafe_table import CHARACTER_CLASS

    return re.compile(f"[{CHARACTER_CLASS}]+")


@functools.cache
def _ignorable_extra() -> frozenset[str] | None:
    """The characters that str.isprintable() passes but the table escapes; None when the
    running Python's Unicode is not the table's, and isprintable() cannot vouch for it."""
    import unicodedata

    from meum_doctor._unsafe_table import UNICODE_VERSION

    if unicodedata.unidata_version != UNICODE_VERSION:
        return None
    return frozenset(
        chr(code) for start, end in DEFAULT_IGNORABLE_EXTRA for code in range(start, end + 1)
    )


def _surely_safe(text: str) -> bool:
    """True when :func:`visible` has nothing to escape in ``text``, known without the large
    pattern (compiling it costs milliseconds; a report's own "…", "›" and "–" need none).

    ``str.isprintable()`` is False for every character of Unicode's Other (Cc, Cf, Cs, Co,
    Cn) and Separator (Zs, Zl, Zp) categories: a superset of :data:`UNSAFE_CATEGORIES`, so
    printable text holds none of them, and then only the default-ignorable extras (letters
    and marks, which are printable) could still need escaping. A False here only means "ask
    the pattern", which decides."""
    extra = _ignorable_extra()
    if extra is None:
        return False
    if not text.isprintable() and not text.replace("\n", "").replace("\t", "").isprintable():
        return False
    return extra.isdisjoint(text)


def _escape_char(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _escape(match: re.Match[str]) -> str:
    run = match.group()
    if len(run) == 1:
        return _escape_char(run)
    escaped = {char: _escape_char(char) for char in set(run)}
    return "".join([escaped[char] for char in run])


def visible(text: str) -> str:
    """``text`` with control, bidi and invisible characters shown as escapes (newlines and
    tabs kept)."""
    if text.isascii():
        return _ASCII_UNSAFE_RE.sub(_escape, text)
    if _surely_safe(text):
        return text
    return _unsafe_re().sub(_escape, text)


def clean_line(text: str) -> str:
    """``text`` made inert and on one line: for one-line messages and single-line fields."""
    return visible(text.replace("\r\n", " ").replace("\n", " ").replace("\t", " "))


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters and ``…``, only between words.

    For untrusted text in messages (an API's error message, a request id, a header). A cut
    inside a word drops that whole word: a secret echoed there (an API key holds no
    whitespace) is then either shown whole, where the run's secrets scrub finds and hides it,
    or not at all, never a prefix of it that no scrub can recognise.
    """
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if not text[limit].isspace():
        # Back to the last whitespace: the word the limit falls in goes whole.
        last = max((i for i, ch in enumerate(cut) if ch.isspace()), default=0)
        cut = cut[:last]
    return cut.rstrip() + "…"


def is_unsafe_char(char: str) -> bool:
    """True for a character :func:`visible` would escape (tests use it as the oracle)."""
    return char not in "\t\n" and bool(_unsafe_re().fullmatch(char))


def compute_ranges() -> list[tuple[int, int]]:
    """The table from the running Python's Unicode data (slow: for regenerating it)."""
    import unicodedata

    extra = {code for start, end in DEFAULT_IGNORABLE_EXTRA for code in range(start, end + 1)}
    ranges: list[list[int]] = []
    for code in range(0x110000):
        if code in (0x09, 0x0A):
            continue
        if code in extra or unicodedata.category(chr(code)) in UNSAFE_CATEGORIES:
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    return [(start, end) for start, end in ranges]


def table_source() -> str:
    """The source of :mod:`meum_doctor._unsafe_table` for the running Python."""
    import unicodedata

    rows = "".join(
        f'    r"\\U{start:08x}"\n' if start == end else f'    r"\\U{start:08x}-\\U{end:08x}"\n'
        for start, end in compute_ranges()
    )
    return (
        '"""The code points :func:`meum_doctor.text.visible` escapes: a regular expression\n'
        "character class of inclusive ranges (one string constant: the fastest to import).\n\n"
        "Generated by `python -m meum_doctor.text > meum_doctor/_unsafe_table.py`; do not edit.\n"
        '"""\n\n'
        f'UNICODE_VERSION = "{unicodedata.unidata_version}"\n\n'
        "CHARACTER_CLASS = (\n"
        f"{rows})\n"
    )


if __name__ == "__main__":
    print(table_source(), end="")
