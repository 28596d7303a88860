"""What :func:`meum_doctor.text.visible` escapes, and that log lines and tracebacks go through it."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW, example_bytes
from faultserver import FaultServer, always, response

from meum_doctor import _unsafe_table
from meum_doctor.text import (
    DEFAULT_IGNORABLE_EXTRA,
    UNSAFE_CATEGORIES,
    clean_line,
    is_unsafe_char,
    table_source,
    visible,
)

# Each must come out as an escape: the ones the issue found missing, and a few of each kind.
INVISIBLE = [
    *(chr(c) for c in (0xE0000, 0xE0001, 0xE0041, 0xE007F)),  # tag characters
    "\u00ad", "\u034f", "\u115f", "\u3164",
    *(chr(c) for c in range(0xFE00, 0xFE10)),  # variation selectors
    *(chr(c) for c in range(0x180B, 0x1810)),
    "\ufff9", "\ufffa", "\ufffb",
    *(chr(c) for c in range(0x1D173, 0x1D17B)),
    "\u2028", "\u2029",  # Zl, Zp
    "\ue000", "\U000f0000",  # private use
    "\u0378", "\U0010fffe",  # unassigned
    "\u200b", "\u202e", "\u2066", "\ufeff", "\x1b", "\x9b", "\r", "\x00", "\ud800",
]


@pytest.mark.parametrize("char", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_invisible_characters_become_escapes(char: str) -> None:
    shown = visible(f"a{char}b")
    assert char not in shown
    assert shown.startswith("a\\") and shown.endswith("b")
    assert is_unsafe_char(char)


def test_escapes_are_unambiguous_beyond_the_basic_plane() -> None:
    assert visible("\U000e0041") == "\\U000e0041"
    assert visible("\u200b1") == "\\u200b1"
    assert visible("\x1b[2J") == "\\x1b[2J"


@pytest.mark.parametrize(
    "text", ["plain ASCII", "tab\tand\nnewline", "Zürich ß Ελληνικά 日本語 › … €", "emoji 🙂"]
)
def test_visible_text_is_kept(text: str) -> None:
    assert visible(text) == text


def test_clean_line_is_one_line() -> None:
    assert clean_line("a\nb\r\nc\u2028d") == "a b c\\u2028d"


def test_the_table_covers_every_unsafe_category_of_this_python() -> None:
    """The precomputed table escapes every code point the running Python puts in an unsafe
    category (a newer Python only assigns more, which the table keeps escaping), and every
    default-ignorable one; and it is exactly what this Python would generate for its Unicode."""
    missing = [
        code
        for code in range(0x110000)
        if code not in (0x09, 0x0A)
        and unicodedata.category(chr(code)) in UNSAFE_CATEGORIES
        and not is_unsafe_char(chr(code))
    ]
    assert missing == []
    for start, end in DEFAULT_IGNORABLE_EXTRA:
        assert all(is_unsafe_char(chr(code)) for code in range(start, end + 1))
    if unicodedata.unidata_version == _unsafe_table.UNICODE_VERSION:
        assert table_source() == Path(_unsafe_table.__file__).read_text("utf-8")


def test_debug_log_lines_are_inert(run: Any) -> None:
    """httpx logs the reason phrase as received: escapes there must not reach the terminal."""
    hostile = b"OK\x1b]0;pwned\x07\x1b[2J\xe2\x80\xae"
    raw = response(200, example_bytes("healthy")).replace(b"200 Status", b"200 " + hostile)
    with FaultServer(always(raw)) as server:
        result = run(["check", "--api-key", "sk_live_abcdefgh12345678", "--base-url", server.url,
                      "--debug", "--now", NOW, "-f", "json"])
    assert result.code == 0
    assert "HTTP Request: GET" in result.err  # the line is there...
    assert "\\x1b]0;pwned\\x07\\x1b[2J" in result.err  # ...with its escapes shown, inert
    assert "\x1b" not in result.err and "\x07" not in result.err


def test_debug_traceback_is_inert(run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A traceback quotes exception messages, and those may quote what a server sent."""
    from meum_doctor import app

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("server said \x1b]0;pwned\x07\x1b[2J")

    monkeypatch.setattr(app, "diagnose", broken)
    result = run(["check", "--input", "-", "--debug", "--now", NOW], stdin=example_bytes("healthy"))
    assert result.code == 4
    assert "Traceback" in result.err
    assert "\x1b" not in result.err and "\x07" not in result.err
    assert "\\x1b]0;pwned" in result.err


def test_the_shortcut_for_printable_text_agrees_with_the_table() -> None:
    """visible() skips the large pattern for printable non-ASCII text: for every code point
    of the planes that hold assigned characters, with a non-ASCII neighbour (so the ASCII
    path is not taken) and with a newline, it escapes exactly what the table says."""
    codes = [*range(0x80, 0x30000), *range(0xE0000, 0xE1000)]
    wrong = []
    for code in codes:
        char = chr(code)
        text = f"é{char}\n"
        kept = visible(text) == text
        if kept == is_unsafe_char(char):
            wrong.append(hex(code))
    assert wrong == []


def test_printable_text_does_not_compile_the_large_pattern() -> None:
    """Start-up: a report's own "…", "›", "–" and "✔" are made visible without compiling
    the ~700-range pattern (milliseconds of every run)."""
    from meum_doctor import text

    text._unsafe_re.cache_clear()
    assert visible("Settings › Payments – done … ✔ €\n") == "Settings › Payments – done … ✔ €\n"
    assert text._unsafe_re.cache_info().currsize == 0
    assert visible("a\u202eb") == "a\\u202eb"  # and the pattern still decides the rest
    assert text._unsafe_re.cache_info().currsize == 1
