"""Markdown escaping by context: readable as plain text, inert when rendered.

Reports are pasted into tickets and e-mails that show Markdown raw as often as rendered, so an
untrusted string is escaped only where a character would start structure, and versions,
URLs, hosts and timestamps go in code spans. The oracle is a real GFM renderer with linkify
(markdown-it-py): in every context a value can stand in (a paragraph, a list item, a heading,
a table cell) it must render as exactly its own text, with no structure but code spans.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import EXAMPLES, NOW
from htmlcheck import parse_html
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from meum_doctor.render.templating import md_code, md_escape, md_link
from meum_doctor.text import visible

RENDERER = MarkdownIt("gfm-like")
#: The elements a value may produce; everything else is the document's own structure.
OWN = {"p": 1, "ol": 1, "ul": 1, "li": 2, "h4": 1, "table": 1, "thead": 1, "tbody": 1,
       "tr": 2, "th": 2, "td": 2}


def render_in_every_context(value: str) -> tuple[list[Any], str]:
    document = (
        f"{value}\n\n1. {value}\n\n- {value}\n\n#### Title {value}\n\n"
        f"| a | b |\n|---|---|\n| {value} | {value} |\n"
    )
    return parse_html(RENDERER.render(document)), document


def expected_text(raw: str) -> str:
    return " ".join(visible(raw).split())


def assert_inert_everywhere(raw: str) -> None:
    escaped = md_escape(raw)
    elements, document = render_in_every_context(escaped)
    counts: dict[str, int] = {}
    for element in elements:
        counts[element.tag] = counts.get(element.tag, 0) + 1
    structure = {tag: n for tag, n in counts.items() if tag != "code"}
    assert structure == OWN, (raw, escaped, document, structure)
    text = expected_text(raw)
    by_tag = {tag: [e for e in elements if e.tag == tag] for tag in ("p", "li", "h4", "td")}
    # The paragraph, each list item and each cell shows the value exactly, as text.
    assert by_tag["p"][0].text == text, (raw, escaped)
    assert [e.text.strip() for e in by_tag["li"]] == [text, text], (raw, escaped)
    assert by_tag["h4"][0].text == f"Title {text}".strip(), (raw, escaped)
    assert [e.text for e in by_tag["td"]] == [text, text], (raw, escaped)


NASTY = [
    "# Heading", "## not a heading either ##", "> quote", "- item", "+ item", "* item",
    "1. one", "2) two", "---", "===", "***", "___", "    indented code", "```", "~~~ fence",
    "*em* **strong** _em_ __strong__ ~~del~~ ~del~", "snake_case_name and _leading",
    "[link](https://evil.example)", "![img](https://evil.example/p.png)", "[ref]: /x",
    "<https://evil.example>", "<b>bold</b> <script>alert(1)</script> <!-- c -->",
    "https://evil.example/a?b=c&d=e", "www.evil.example", "mail@evil.example",
    "evil.example", "192.168.1.10", "javascript:alert(1)", "&amp; &#60; &copy; & plain",
    "a | b | c", "`code` and ``double`` and ```triple```", "trailing backslash \\",
    "C:\\Users\\x", "escape \\* \\_ \\[", "title ###", "#", "1.", "\x1b[31mRED\x1b[0m \u202e",
    "0.9.4", "2026-11-27T06:12:00Z", "wp-admin › Settings", "e.g. this, i.e. that",
    "`", "`x`", "``", "a`b", "x@y", "http://", "(see api.meum.io).", "  spaced  out  ",
]


@pytest.mark.parametrize("raw", NASTY)
def test_nasty_values_render_as_their_own_text(raw: str) -> None:
    assert_inert_everywhere(raw)


PIECES = st.sampled_from(
    ["#", "##", ">", "-", "+", "*", "_", "__", "~", "~~", "`", "``", "```", "[", "]", "(", ")",
     "!", "<", ">", "&", "&amp;", "&#60;", ";", "|", "\\", ":", "/", "//", ".", "@", "=", "1.",
     "2)", "www.", "http://", "https://", "mailto:", "evil", "example", "a", "b1", "x_y",
     " ", "  ", "\t", "0.9", "2026-11-27", "T06:12", "Z", "é", "中"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, min_size=1, max_size=12).map("".join))
def test_any_value_renders_as_its_own_text(raw: str) -> None:
    assume(expected_text(raw))  # an empty value makes no paragraph to compare
    assert_inert_everywhere(raw)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Meum plugin 0.9.4 is below 1.0.0.", "Meum plugin `0.9.4` is below `1.0.0`."),
        ("at 2026-11-27T06:12:00Z.", "at `2026-11-27T06:12:00Z`."),
        ("https://harbor-books.example", "`https://harbor-books.example`"),
        ("Check WooCommerce › Status › Logs in wp-admin (for Meum errors).",
         "Check WooCommerce › Status › Logs in wp-admin (for Meum errors)."),
        ("the health_status field: DEGRADED!", "the health_status field: DEGRADED!"),
        ("Fix the other findings first: they explain it.",
         "Fix the other findings first: they explain it."),
    ],
)
def test_prose_stays_readable_as_plain_text(raw: str, shown: str) -> None:
    assert md_escape(raw) == shown


def test_code_spans_handle_backticks() -> None:
    assert md_code("a`b") == "``a`b``"
    assert md_code("`x") == "`` `x ``"
    rendered = RENDERER.render(f"{md_code('`x')} {md_code('a`b')}")
    assert "<code>`x</code>" in rendered and "<code>a`b</code>" in rendered


def test_a_link_that_is_not_http_is_shown_as_code() -> None:
    assert md_link("Open", "javascript:alert(1)") == "Open: `javascript:alert(1)`"
    assert "<a" not in RENDERER.render(md_link("Open", "javascript:alert(1)"))


@pytest.mark.parametrize("example", ["healthy", "degraded", "disconnected", "onboarding"])
def test_reports_have_no_needless_backslashes(run: Any, example: str) -> None:
    result = run(["check", "--input", str(EXAMPLES / f"{example}.json"), "--now", NOW,
                  "-f", "markdown"])
    body = result.out.split("<details>")[0]
    for needless in ("\\.", "\\-", "\\:", "\\(", "\\)", "\\!", "\\_"):
        assert needless not in body, needless
    assert "`https://" in body


def test_batch_markdown_is_readable(run: Any) -> None:
    result = run(["batch", str(EXAMPLES), "--now", NOW, "-f", "markdown"])
    assert "\\." not in result.out and "\\-" not in result.out
    assert "`2026-11-28T12:00:00Z`" in result.out
