"""Site-report detection stays linear on hostile text: nested quote marks, long runs.

``looks_like_site_report`` runs on every ``--input`` that is not a Meum status, so a ticket
attachment of a few tens of KiB must never make it hang.
"""

from __future__ import annotations

import contextlib
import time

import pytest

from meum_doctor.errors import BadResponse
from meum_doctor.sitereport import looks_like_site_report, parse_site_report

HEADERS = b"### WordPress Environment ###\n\nWC Version: 8.0.0\n### Server Environment ###\n"


@pytest.mark.parametrize(
    "body",
    [
        b"> " * 200_000,  # 30,000 quote levels in the 64 KiB that are read
        (b"> " * 5_000 + b"WC Version: 8.0\n") * 100,
        b"x>" + b" >" * 200_000,
        b"\t>" * 200_000,
    ],
    ids=["one-line", "many-lines", "after-a-word", "tabs"],
)
def test_nested_quote_marks_are_read_in_linear_time(body: bytes) -> None:
    started = time.perf_counter()
    assert looks_like_site_report(body) is False
    with contextlib.suppress(BadResponse):  # not a report: a clear error, never a crash
        parse_site_report(body)
    assert time.perf_counter() - started < 1.0


def test_quoted_and_tagged_headers_are_still_found() -> None:
    for prefix in (b"", b"> ", b"> > > ", b"<br>", b"<td>"):
        quoted = b"\n".join(prefix + line for line in HEADERS.splitlines())
        assert looks_like_site_report(quoted), prefix
    # A ">" inside a value is not the start of a header line.
    assert not looks_like_site_report(b"a value > ### one ### and b > ### two ###")
