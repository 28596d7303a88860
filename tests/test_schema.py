"""The shipped JSON Schemas: printed by `meum-doctor schema`, followed by every JSON output
(every bundled example, demo, hostile status and golden file), and able to say no."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    EXAMPLES,
    NOW,
    assert_valid_error,
    assert_valid_report,
    assert_valid_summary,
    schema_errors,
    validate_json_outputs,
)
from test_hostile import HOSTILE_STATUSES, fill

from meum_doctor.demo import EXAMPLES as DEMOS
from meum_doctor.formats import SCHEMAS, load_schema

GOLDEN = Path(__file__).parent / "golden"
BUNDLED = sorted(p.stem for p in EXAMPLES.glob("*.json"))


@pytest.mark.parametrize("name", SCHEMAS)
def test_schema_prints_the_shipped_schema(run: Any, name: str) -> None:
    result = run(["schema", name])
    assert result.code == 0, result.err
    printed = json.loads(result.out)
    assert printed == load_schema(name)
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(printed)


def test_schema_defaults_to_the_report_and_refuses_others(run: Any) -> None:
    assert json.loads(run(["schema"]).out)["title"] == "meum-doctor JSON report"
    result = run(["schema", "status"])
    assert result.code == 2
    assert "'status' is not one of 'report', 'batch', 'error'" in result.err


def test_the_report_schema_is_version_2_and_lists_every_key_of_a_report(run: Any) -> None:
    schema = load_schema("report")
    assert schema["properties"]["schema_version"] == {"const": 2}
    report = assert_valid_report(
        run(["check", "--input", str(EXAMPLES / "degraded.json"), "--now", NOW, "-f", "json"]).out
    )
    # Every key a report has is required, and there is no other: the schema is the contract.
    assert sorted(schema["required"]) == sorted(schema["properties"]) == sorted(report)


@pytest.mark.parametrize("redact", [False, True])
@pytest.mark.parametrize("example", BUNDLED)
def test_every_bundled_example_makes_a_valid_report(
    run: Any, example: str, redact: bool
) -> None:
    args = ["check", "--input", str(EXAMPLES / f"{example}.json"), "--now", NOW, "-f", "json"]
    result = run([*args, *(["--redact"] if redact else []), "-v"])
    assert result.code in (0, 1), result.err
    report = assert_valid_report(result.out)
    [source] = report["sources"]
    assert source == {
        "kind": "meum-status",
        "type": "file",
        "location": "(name hidden)" if redact else str(EXAMPLES / f"{example}.json"),
        "retrieved_at": None,
        "fingerprint": report["fingerprint"],  # null under --redact, as the v1 key
        "request_id": None,
    }
    assert (source["fingerprint"] is None) == redact
    # A Meum status alone: only the rules of the site's own report wait.
    assert all(item["needs"] == ["site-report"] for item in report["not_evaluated"])


@pytest.mark.parametrize("demo", sorted(DEMOS))
def test_every_demo_makes_a_valid_report(run: Any, demo: str) -> None:
    result = run(["check", "--demo", demo, "--now", NOW, "-f", "json"])
    assert result.code in (0, 1), result.err
    report = assert_valid_report(result.out)
    source, *others = report["sources"]
    # A site demo also fetches its store's site report, live (issue 12).
    assert [s["kind"] for s in others] == (["site-report"] if demo == "degraded-site" else [])
    # The v2 entry says what the v1 "source" and "fingerprint" say, with the fetch time.
    assert source["type"] == report["source"]["type"] == "demo"
    assert source["location"] == report["source"]["location"] == demo
    assert source["request_id"] == report["source"]["request_id"] is not None
    assert source["retrieved_at"] == report["source"]["fetched_at"] is not None
    assert source["fingerprint"] == report["fingerprint"] is not None


@pytest.mark.parametrize("shape", list(HOSTILE_STATUSES))
def test_hostile_statuses_make_valid_reports_and_summaries(
    run: Any, tmp_path: Path, shape: str
) -> None:
    path = tmp_path / "hostile.json"
    path.write_bytes(fill(HOSTILE_STATUSES[shape], 64 * 1024))
    for redact in ([], ["--redact"]):
        result = run(["check", "--input", str(path), "--now", NOW, "-f", "json", *redact])
        assert result.code in (0, 1), result.err
        assert_valid_report(result.out)
    (tmp_path / "not-a-status.json").write_text("[1]")
    result = run(["batch", str(path), str(tmp_path / "not-a-status.json"), "--now", NOW,
                  "-f", "json", "--output-dir", str(tmp_path / "out")])
    summary = assert_valid_summary(result.out)
    assert summary["totals"]["not_checked"] == 1
    assert_valid_report((tmp_path / "out" / "hostile.json").read_text())


def golden(path: Path) -> str:
    """A golden report with a generation time again (the files hide it: it changes)."""
    return path.read_text().replace('"<generated_at>"', f'"{NOW}"')


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*.json")), ids=lambda p: p.name)
def test_golden_reports_are_valid(path: Path) -> None:
    assert '"<generated_at>"' in path.read_text()
    assert_valid_report(golden(path))


def test_a_fleet_summary_is_valid(run: Any, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not read")
    (tmp_path / "ok.json").write_bytes((EXAMPLES / "healthy.json").read_bytes())
    (tmp_path / "bad.json").write_text("[1]")
    (tmp_path / ".hidden.json").write_text("{}")
    result = run(["batch", str(tmp_path), str(EXAMPLES / "degraded.json"), "--now", NOW,
                  "-f", "json", "--redact"])
    summary = assert_valid_summary(result.out)
    assert [s["label"] for s in summary["not_checked"]] and summary["skipped"]


# The schemas can fail: documents that are not reports are refused ---------------------------


def report() -> dict[str, Any]:
    return json.loads(golden(GOLDEN / "degraded.json"))


def broken(document: dict[str, Any], change: Any) -> dict[str, Any]:
    document = copy.deepcopy(document)
    change(document)
    return document


BAD_REPORTS = {
    "missing key": lambda r: r.pop("verdict"),
    "v1 key gone": lambda r: r.pop("source"),
    "v2 key gone": lambda r: r.pop("sources"),
    "old version": lambda r: r.update(schema_version=1),
    "unknown key": lambda r: r.update(extra=1),
    "verdict not in the enum": lambda r: r.update(verdict="fine"),
    "severity not in the enum": lambda r: r["findings"][0].update(severity="urgent"),
    "category not in the enum": lambda r: r["findings"][0].update(category="misc"),
    "rule ID malformed": lambda r: r["findings"][0].update(rule="md101"),
    "unknown key in a finding": lambda r: r["findings"][0].update(score=3),
    "fingerprint malformed": lambda r: r.update(fingerprint="md5:abc"),
    "source of an unknown type": lambda r: r["sources"][0].update(type="ftp"),
    "source without its kind": lambda r: r["sources"][0].pop("kind"),
    "not evaluated without needs": lambda r: r.update(not_evaluated=[{"rule": "MD999"}]),
    "needs empty": lambda r: r.update(not_evaluated=[{"rule": "MD999", "needs": []}]),
    "time without Z": lambda r: r.update(evaluated_at="2026-11-28T12:00:00+00:00"),
    "counts missing a severity": lambda r: r["counts"].pop("info"),
    "redacted with the body's fingerprint": lambda r: r.update(redacted=True),
    "fail_on not in the enum": lambda r: r.update(fail_on="sometimes"),
}


@pytest.mark.parametrize("change", list(BAD_REPORTS))
def test_the_report_schema_refuses(change: str) -> None:
    assert schema_errors(report(), "report") == []
    assert schema_errors(broken(report(), BAD_REPORTS[change]), "report") != []


def test_the_status_is_the_apis_and_not_constrained() -> None:
    assert_valid_report(broken(report(), lambda r: r["status"].update({"anything": [1, {}]})))


def test_v1_keys_may_be_null_for_a_run_without_a_meum_status() -> None:
    def without_status(r: dict[str, Any]) -> None:
        r.update(source=None, fingerprint=None, status=None, parse_problems=None, sources=[])

    assert_valid_report(broken(report(), without_status))


def test_a_report_that_needs_other_evidence_is_valid() -> None:
    def waiting(r: dict[str, Any]) -> None:
        r["not_evaluated"] = [{"rule": "ACME101", "needs": ["site-report", "release-data"]}]

    assert_valid_report(broken(report(), waiting))


def test_the_report_data_reaches_the_json() -> None:
    """Report.not_evaluated and Report.sources are what render/json.py writes."""
    from datetime import UTC, datetime

    from meum_doctor.render.json import render_json
    from meum_doctor.report import NotEvaluated, SourceInfo

    source = SourceInfo("meum-status", "api", "https://api.meum.io/v1/x",
                        datetime(2026, 11, 28, 11, 59, 58, tzinfo=UTC), "sha256:" + "0" * 64,
                        "req_1")
    rendered = json.loads(render_json(_report(
        not_evaluated=(NotEvaluated("MD211", ("site-report",)),), sources=(source,))))
    assert_valid_report(rendered)
    assert rendered["not_evaluated"] == [{"rule": "MD211", "needs": ["site-report"]}]
    assert rendered["sources"] == [{
        "kind": "meum-status", "type": "api", "location": "https://api.meum.io/v1/x",
        "retrieved_at": "2026-11-28T11:59:58Z", "fingerprint": "sha256:" + "0" * 64,
        "request_id": "req_1"}]


def _report(**changes: Any) -> Any:
    from datetime import UTC, datetime

    from meum_doctor.app import diagnose, prepare
    from meum_doctor.sources.files import read_file

    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    settings = prepare(config_path=None, rules_dirs=(), selected=(), ignored=(), fail_on=None,
                       now=now)
    made = diagnose([read_file(str(EXAMPLES / "healthy.json"))], settings)
    return dataclasses.replace(made, **changes)


BAD_SUMMARIES = {
    "missing key": lambda s: s.pop("totals"),
    "wrong kind": lambda s: s.update(kind="report"),
    "verdict not in the enum": lambda s: s["stores"][0].update(verdict="fine"),
    "unknown key in a store": lambda s: s["stores"][0].update(extra=1),
    "failed store without its error": lambda s: s["not_checked"].append(
        {"label": "x", "source": "api"}),
    "error code malformed": lambda s: s["not_checked"].append(
        {"label": "x", "source": "api", "error": "e", "code": "Timeout!", "http_status": None,
         "request_id": None}),
    "failed store without its code": lambda s: s["not_checked"].append(
        {"label": "x", "source": "api", "error": "e"}),
    "http status out of range": lambda s: s["not_checked"].append(
        {"label": "x", "source": "api", "error": "e", "code": "http-error", "http_status": 42,
         "request_id": None}),
}


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from datetime import UTC, datetime

    from meum_doctor import batch
    from meum_doctor.app import prepare
    from meum_doctor.render.batch import batch_dict

    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    settings = prepare(config_path=None, rules_dirs=(), selected=(), ignored=(), fail_on=None,
                       now=now)
    found = [batch.Target("degraded", path=str(EXAMPLES / "degraded.json")),
             batch.Target("gone", path=str(tmp_path_factory.mktemp("f") / "gone.json"))]
    results: list[Any] = []
    batch.run_local(found, settings, on_store=lambda result, report: results.append(result))
    return batch_dict(batch.summarize(results, settings, generated_at=now, tool_version="0"))


@pytest.mark.parametrize("change", list(BAD_SUMMARIES))
def test_the_batch_schema_refuses(fleet: dict[str, Any], change: str) -> None:
    assert_valid_summary(fleet)
    assert schema_errors(broken(fleet, BAD_SUMMARIES[change]), "batch") != []


def test_a_failed_store_carries_its_error_code(fleet: dict[str, Any]) -> None:
    assert fleet["not_checked"] and all(f["code"] for f in fleet["not_checked"])

    def coded(s: dict[str, Any]) -> None:
        s["not_checked"].append({"label": "y", "source": "api", "error": "e", "code": None,
                                 "http_status": 503, "request_id": "req_9"})

    assert_valid_summary(broken(fleet, coded))


ERROR = {"error": {"code": "auth-rejected", "message": "the API rejected the key (HTTP 401)",
                   "http_status": 401, "request_id": "req_1", "retried": False}}


def test_the_error_schema() -> None:
    assert_valid_error(ERROR)
    assert_valid_error({"error": {**ERROR["error"], "http_status": None, "request_id": None}})
    for change in (
        lambda e: e["error"].pop("code"),
        lambda e: e["error"].update(retried="no"),
        lambda e: e["error"].update(http_status=42),
        lambda e: e["error"].update(code="Auth Rejected"),
        lambda e: e.update(report={}),
    ):
        assert schema_errors(broken(ERROR, change), "error") != []


def test_every_run_of_the_suite_validates_its_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The `run` fixture's check (validate_json_outputs) really looks: standard output, the
    -o file and --output-dir reports of a JSON run, each by its kind."""
    import conftest

    bad_report = json.dumps(broken(report(), BAD_REPORTS["missing key"]))
    with pytest.raises(AssertionError, match="not a valid report document"):
        validate_json_outputs(["check", "--demo", "-f", "json"], 1, bad_report)
    with pytest.raises(AssertionError, match="not a valid error document"):
        validate_json_outputs(["check", "--format=json"], 3, '{"error": {"code": "x"}}')
    written = tmp_path / "summary.json"
    written.write_text('{"kind": "batch"}')
    with pytest.raises(AssertionError, match="not a valid batch document"):
        validate_json_outputs(["batch", "x", "-fjson", "-o", str(written)], 0, "")
    # Text output is not looked at, nor a JSON run's stdout when -o took the report.
    validate_json_outputs(["check", "-f", "text"], 1, "not json")
    validate_json_outputs(["check", "-f", "json", "-o", str(tmp_path / "none.json")], 1, "{}")
    # A store's report of --output-dir is checked after its summary (let that one pass).
    store = tmp_path / "store.json"
    store.write_text("{}")
    summary = {"kind": "batch", "stores": [{"report_file": str(store)}]}
    monkeypatch.setattr(conftest, "assert_valid_json_output", lambda document: summary)
    with pytest.raises(AssertionError, match="not a valid report document"):
        validate_json_outputs(["batch", "-f", "json"], 0, "{}")


def test_the_run_fixture_refuses_an_invalid_json_report(
    run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check is wired into every in-process run of the suite, not only callable."""
    import meum_doctor.render.json as json_format

    monkeypatch.setattr(json_format, "render_json", lambda report: '{"schema_version": 2}\n')
    with pytest.raises(AssertionError, match="'verdict' is a required property"):
        run(["check", "--input", str(EXAMPLES / "healthy.json"), "--now", NOW, "-f", "json"])
