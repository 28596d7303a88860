"""Whole-run diagnoses of one changed field (issue 10, "Diagnoses an expert would not make").

Each test runs the real command line, ``check --input FILE --now NOW``, on the healthy example
with one field changed, as the issue reproduced them, and asserts every finding of the whole
rule set: a rule that stays quiet matters as much as one that fires.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, NOW

HEALTHY = json.loads((EXAMPLES / "healthy.json").read_text())
RECONNECT = "connection key"  # every piece of reconnect advice mentions a (new) connection key


def check(run: Any, tmp_path: Path, fmt: str = "json", remove: tuple[str, ...] = (),
          **changes: Any) -> Any:
    status = {**HEALTHY, **changes}
    for name in remove:
        del status[name]
    path = tmp_path / "status.json"
    path.write_text(json.dumps(status, ensure_ascii=False), encoding="utf-8")
    return run(["check", "--input", str(path), "--now", NOW, "-f", fmt, "-v"])


def findings(result: Any) -> list[dict[str, Any]]:
    return list(json.loads(result.out)["findings"])


def found(result: Any) -> list[tuple[str, str]]:
    return [(f["rule"], f["severity"]) for f in findings(result)]


# Item 1: one missing or odd connection field ------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "remove", "expected"),
    [
        ({"connection_status": None}, (), [("MD901", "medium")]),
        ({}, ("connected",), [("MD901", "medium")]),
        ({"connected": "true"}, (), [("MD901", "medium")]),
        ({"connected": 1}, (), [("MD901", "medium")]),
        ({"status": "ACTIVE"}, (), [("MD101", "medium")]),
        ({"connection_status": "ACTIVE"}, (), [("MD101", "medium")]),
        ({"connected": False}, (), [("MD104", "medium")]),
    ],
)
def test_one_odd_connection_field_is_not_a_critical_disconnect(
    run: Any, tmp_path: Path, changes: dict[str, Any], remove: tuple[str, ...],
    expected: list[tuple[str, str]],
) -> None:
    result = check(run, tmp_path, remove=remove, **changes)
    assert found(result) == expected
    assert result.code == 0  # nothing at or above the default --fail-on high
    for finding in findings(result):
        # The other fields say connected: never advise a new key or reconnecting.
        assert not any(RECONNECT in step for step in finding["remediation"]), finding


def test_the_evidence_shows_the_value_that_was_sent(run: Any, tmp_path: Path) -> None:
    result = check(run, tmp_path, connected="true", status="DISCONNECTED",
                   connection_status="DISCONNECTED")
    (not_connected,) = [f for f in findings(result) if f["rule"] == "MD101"]
    assert not_connected["severity"] == "critical"  # the two readable fields agree
    assert not_connected["evidence"] == {
        "connected": "true",
        "connection_status": "DISCONNECTED",
        "status": "DISCONNECTED",
    }


def test_an_unknown_value_gives_the_values_hint(run: Any, tmp_path: Path) -> None:
    result = check(run, tmp_path, "text", status="ACTIVE")
    assert "'ACTIVE', a value meum-doctor does not recognise" in result.out
    assert "[values.status]" in result.out


def test_a_contradiction_names_the_fields(run: Any, tmp_path: Path) -> None:
    (finding,) = findings(check(run, tmp_path, connected=False))
    assert finding["title"] == (
        "The status contradicts itself: connection_status: CONNECTED and status: CONNECTED "
        "say connected, connected: false says not"
    )


# Item 2: a value that was sent but could not be read ----------------------------------------


@pytest.mark.parametrize(
    "value", ["2026-11-28T11:00:00z", "2026-11-28 11:00:00 UTC", "2026-11-28 11:00:00", 1795863600]
)
def test_every_real_timestamp_form_is_read(run: Any, tmp_path: Path, value: Any) -> None:
    result = check(run, tmp_path, last_seen_at=value)
    assert found(result) == []
    assert result.code == 0


def test_unix_time_as_a_string_is_judged_not_called_never(run: Any, tmp_path: Path) -> None:
    (finding,) = findings(check(run, tmp_path, last_seen_at="1700000000"))
    assert finding["rule"] == "MD301"
    assert finding["title"] == "The Meum plugin last checked in 1109 days ago"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"last_seen_at": "yesterday"}, "last_seen_at"),
        ({"webhook_url": "wp-json/meum/v1/webhook"}, "webhook_url"),
        ({"site_url": "javascript:alert(1)"}, "site_url"),
    ],
)
def test_an_unreadable_value_is_reported_as_unreadable_not_absent(
    run: Any, tmp_path: Path, changes: dict[str, Any], field: str
) -> None:
    result = check(run, tmp_path, "text", **changes)
    assert result.code == 0
    report = json.loads(check(run, tmp_path, **changes).out)
    assert [(f["rule"], f["severity"]) for f in report["findings"]] == [("MD901", "medium")]
    assert report["findings"][0]["title"].startswith(f"The status field {field} could not be read")
    for wrong in ("never", "has no webhook address", "did not report"):
        assert wrong not in result.out


# Item 3: internationalised domains ----------------------------------------------------------


def test_an_internationalised_site_is_its_punycode_host(run: Any, tmp_path: Path) -> None:
    result = check(run, tmp_path, site_url="https://bücher.example",
                   webhook_url="https://xn--bcher-kva.example/wp-json/meum/v1/webhook")
    assert found(result) == []


# Item 4: a store on a private or local address ----------------------------------------------


@pytest.mark.parametrize(
    "site", ["https://192.168.1.10", "http://localhost", "https://shop.local", "http://[::1]"]
)
def test_a_private_site_is_flagged(run: Any, tmp_path: Path, site: str) -> None:
    result = check(run, tmp_path, site_url=site, webhook_url=f"{site}/wp-json/meum/v1/webhook")
    assert ("MD112", "high") in found(result)
    assert result.code == 1


def test_no_bundled_example_is_flagged_as_private(run: Any) -> None:
    for example in sorted(EXAMPLES.glob("*.json")):
        result = run(["check", "--input", str(example), "--now", NOW, "-f", "json"])
        assert "MD112" not in {f["rule"] for f in findings(result)}, example.name


# Item 5: connect-key advice -----------------------------------------------------------------


def test_an_expired_leftover_key_needs_no_action(run: Any, tmp_path: Path) -> None:
    key = {"key_prefix": "mk_conn_1234", "expires_at": "2026-11-20T12:00:00Z"}
    result = check(run, tmp_path, pending_connection_key=key)
    assert found(result) == []


def test_an_empty_key_object_is_malformed_not_a_key(run: Any, tmp_path: Path) -> None:
    result = check(run, tmp_path, pending_connection_key={})
    assert found(result) == [("MD901", "medium")]


# Item 6: Meum's own issues ------------------------------------------------------------------


def test_fifty_issues_with_duplicates(run: Any, tmp_path: Path) -> None:
    issues = [f"Problem number {n}" for n in range(45)] + ["Problem number 0"] * 5
    report = json.loads(check(run, tmp_path, issues=issues).out)
    titles = [f["title"] for f in report["findings"]]
    assert titles[0] == "Meum reports (6 times): Problem number 0"
    assert titles[-1] == "Meum reports 25 more problems, not listed one by one"
    assert len(titles) == 21
    assert report["counts"]["medium"] == 21
    assert report["findings"][-1]["evidence"] == {
        "issues.count": 50, "issues.different": 45, "issues.listed": 20
    }


def test_each_issue_text_is_printed_once(run: Any, tmp_path: Path) -> None:
    text = "Your payout wallet is not verified"
    result = check(run, tmp_path, "text", issues=[text, text])
    assert result.out.count(text) == 1
    assert "Meum reports (2 times): Your payout wallet is not verified" in result.out


def test_max_findings_zero_lists_none_and_says_so(run: Any, tmp_path: Path) -> None:
    config = tmp_path / "meum-doctor.toml"
    config.write_text("[rules.MD103]\nmax_findings = 0\n")
    status = tmp_path / "status.json"
    status.write_text(json.dumps({**HEALTHY, "issues": ["a", "b"]}))
    result = run(["check", "--input", str(status), "--now", NOW, "-f", "json",
                  "--config", str(config)])
    assert [f["title"] for f in findings(result)] == [
        "Meum reports 2 problems, not listed one by one"
    ]


# Item 7: onboarding -------------------------------------------------------------------------


def test_onboarding_reports_no_missing_health(run: Any) -> None:
    result = run(["check", "--input", str(EXAMPLES / "onboarding.json"), "--now", NOW, "-f",
                  "json", "-v"])
    assert [f["rule"] for f in findings(result)] == ["MD101", "MD601", "MD202"]


def test_an_unreadable_key_expiry_is_shown_as_sent(run: Any, tmp_path: Path) -> None:
    result = check(run, tmp_path, connected=False, status="PENDING", connection_status="PENDING",
                   pending_connection_key={"key_prefix": "mk_conn_1234", "expires_at": "soon"})
    by_rule = {f["rule"]: f for f in findings(result)}
    assert by_rule["MD101"]["evidence"]["pending_connection_key.expires_at"] == "soon"
    assert by_rule["MD601"]["title"] == "A connection key is pending; its expiry could not be read"
    assert by_rule["MD601"]["evidence"]["pending_connection_key.expires_at"] == "soon"
    assert by_rule["MD901"]["title"].startswith(
        "The status field pending_connection_key.expires_at could not be read"
    )
