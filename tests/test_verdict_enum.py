"""The verdict is an enum (issue 11, item 7): typed everywhere, written exactly as before."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import EXAMPLES, NOW

from meum_doctor.batch import StoreResult
from meum_doctor.rule import Severity
from meum_doctor.verdict import Verdict, verdict_of


def test_the_verdicts_worst_first() -> None:
    assert [v.label for v in Verdict] == ["critical", "attention", "incomplete", "healthy"]
    assert [v.rank for v in Verdict] == [0, 1, 2, 3]
    assert Verdict.HEALTHY.text == "no problems that need attention"


@pytest.mark.parametrize(
    ("severities", "incomplete", "expected"),
    [
        ([], False, Verdict.HEALTHY),
        ([], True, Verdict.INCOMPLETE),
        ([Severity.LOW, Severity.INFO], False, Verdict.HEALTHY),
        ([Severity.LOW], True, Verdict.INCOMPLETE),
        ([Severity.MEDIUM], True, Verdict.ATTENTION),
        ([Severity.HIGH, Severity.LOW], False, Verdict.ATTENTION),
        ([Severity.CRITICAL], True, Verdict.CRITICAL),
    ],
)
def test_verdict_of(severities: list[Severity], incomplete: bool, expected: Verdict) -> None:
    assert verdict_of(severities, incomplete=incomplete) is expected


def test_written_as_its_label_everywhere() -> None:
    # JSON, f-strings and templates must read as the plain strings did (goldens unchanged).
    assert json.dumps({Verdict.CRITICAL: Verdict.HEALTHY}) == '{"critical": "healthy"}'
    assert f"{Verdict.ATTENTION}" == str(Verdict.ATTENTION) == "attention"


def test_the_json_report_has_the_label(run: Any) -> None:
    result = run(["check", "--input", str(EXAMPLES / "degraded.json"), "--now", NOW, "-f", "json"])
    assert json.loads(result.out)["verdict"] == "attention"


def test_batch_results_sort_by_rank_unchecked_last() -> None:
    stores = [StoreResult("b", "x", verdict=Verdict.HEALTHY),
              StoreResult("a", "x", verdict=Verdict.CRITICAL),
              StoreResult("c", "x", verdict=Verdict.INCOMPLETE),
              StoreResult("d", "x")]
    ordered = sorted(stores, key=lambda s: s.sort_key())
    assert [s.label for s in ordered] == ["a", "c", "b", "d"]


def test_batch_summary_counts_by_verdict(run: Any, tmp_path: Any) -> None:
    folder = tmp_path / "stores"
    folder.mkdir()
    for name in ("healthy", "disconnected"):
        (folder / f"{name}.json").write_bytes((EXAMPLES / f"{name}.json").read_bytes())
    result = run(["batch", str(folder), "--now", NOW, "-f", "json"])
    totals = json.loads(result.out)["totals"]
    assert [(k, totals[k]) for k in ("critical", "attention", "incomplete", "healthy")] == [
        ("critical", 1), ("attention", 0), ("incomplete", 0), ("healthy", 1)
    ]
