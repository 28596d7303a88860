"""One timestamp formatter (issue 11, item 7): every output writes time through iso_z."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, NOW

from meum_doctor.render.common import timestamp
from meum_doctor.rule import iso
from meum_doctor.timefmt import iso_z


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2026, 11, 28, 12, 0, tzinfo=UTC), "2026-11-28T12:00:00Z"),
        (datetime(2026, 11, 28, 12, 0), "2026-11-28T12:00:00Z"),  # naive means UTC
        # Another zone is converted, never printed with a Z it does not have.
        (datetime(2026, 11, 28, 13, 30, tzinfo=timezone(timedelta(hours=1, minutes=30))),
         "2026-11-28T12:00:00Z"),
        (datetime(2026, 11, 28, 23, 0, tzinfo=timezone(timedelta(hours=-2))),
         "2026-11-29T01:00:00Z"),
        (datetime(2026, 11, 28, 12, 0, 59, 999_999, tzinfo=UTC), "2026-11-28T12:00:59Z"),
        # strftime("%Y") wrote "1-01-01T00:00:00Z" for .NET's DateTime.MinValue.
        (datetime(1, 1, 1, tzinfo=UTC), "0001-01-01T00:00:00Z"),
        (datetime(999, 12, 31, 23, 59, 59, tzinfo=UTC), "0999-12-31T23:59:59Z"),
    ],
)
def test_iso_z(value: datetime, expected: str) -> None:
    assert iso_z(value) == expected
    assert iso(value) == timestamp(value) == expected  # the rule API and the renderers


def test_a_year_below_1000_is_written_in_four_digits(run: Any, tmp_path: Path) -> None:
    status = json.loads((EXAMPLES / "healthy.json").read_text())
    status["last_seen_at"] = "0001-01-01T00:00:00Z"
    path = tmp_path / "s.json"
    path.write_text(json.dumps(status))
    result = run(["check", "--input", str(path), "--now", NOW, "-f", "json"])
    finding = json.loads(result.out)["findings"][0]
    assert finding["rule"] == "MD301"
    assert finding["evidence"]["last_seen_at"] == "0001-01-01T00:00:00Z"


def test_no_other_formatter_is_left() -> None:
    # strftime and hand-written "%Y-..." formats are how the several formatters crept in.
    offenders = []
    folders = [resources.files(name) for name in ("meum_doctor", "meum_doctor.rules",
                                                  "meum_doctor.templates")]
    paths = [p for folder in folders for p in Path(str(folder)).rglob("*") if p.is_file()]
    assert any(p.name == "md301_plugin_not_checking_in.py" for p in paths)
    for path in paths:
        if path.suffix not in (".py", ".j2"):
            continue
        if path.name == "timefmt.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"strftime\(|%Y-%m-%d", text):
            offenders.append(path.name)
    assert offenders == []
