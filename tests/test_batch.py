"""Batch mode: many stores from files, folders and a keys file; failures stay per store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, NOW, SECRET_KEY, SECRET_TAIL, assert_valid_summary, example_bytes
from htmlcheck import assert_inert, parse_html

from meum_doctor.exampleapi import ExampleApi

KEY_A = "sk_live_STOREA_" + "a" * 20
KEY_B = "sk_live_STOREB_" + "b" * 20
KEY_BAD = "sk_live_REVOKED_" + "c" * 20


@pytest.fixture
def api() -> Any:
    statuses = {KEY_A: example_bytes("healthy"), KEY_B: example_bytes("degraded"),
                SECRET_KEY: example_bytes("disconnected")}
    with ExampleApi(statuses) as server:
        yield server


def keys_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "keys.txt"
    path.write_text(text)
    return str(path)


def test_folder_of_status_files(run: Any) -> None:
    result = run(["batch", str(EXAMPLES), "--now", NOW, "-f", "json"])
    summary = json.loads(result.out)
    assert result.code == 1
    labels = [s["label"] for s in summary["stores"]]
    # Critical first. The malformed store ("connected": "yes" next to two CONNECTED statuses)
    # is not called disconnected: an unreadable field is MD901's, not "not connected".
    assert labels[:2] == ["disconnected", "degraded"]
    assert labels[-1] == "healthy"
    assert summary["totals"] == {"stores": 7, "checked": 7, "not_checked": 0, "critical": 1,
                                 "attention": 5, "incomplete": 0, "healthy": 1}
    assert {"rule": "MD202", "name": "woocommerce-outdated", "stores": 4} in summary["rules"]
    assert summary["rules"][0]["stores"] >= summary["rules"][-1]["stores"]


def test_keys_file_against_the_api(run: Any, api: Any, tmp_path: Path) -> None:
    keys = keys_file(tmp_path, f"# fleet\n\nlumen,{KEY_A}\nharbor , {KEY_B}\n{KEY_BAD}\n"
                               f"northwind,{SECRET_KEY}\nbroken,has space\n")
    result = run(["batch", "--keys-file", keys, "--base-url", api.base_url, "--now", NOW,
                  "-f", "json", "--fail-on", "critical"])
    summary = json.loads(result.out)
    assert [s["label"] for s in summary["stores"]] == ["northwind", "harbor", "lumen"]
    assert [s["verdict"] for s in summary["stores"]] == ["critical", "attention", "healthy"]
    failures = {f["label"]: f["error"] for f in summary["not_checked"]}
    assert set(failures) == {"sk_live_… (line 5)", "broken"}
    assert "the API rejected this key (HTTP 401" in failures["sk_live_… (line 5)"]
    assert "contains whitespace" in failures["broken"]
    assert result.code == 1  # northwind is critical
    for text in (result.out, result.err):
        for key in (KEY_A, KEY_B, KEY_BAD, SECRET_KEY):
            assert key[8:] not in text


def test_exit_3_when_some_store_could_not_be_checked_and_none_failed(
    run: Any, api: Any, tmp_path: Path
) -> None:
    keys = keys_file(tmp_path, f"{KEY_A}\n{KEY_BAD}\n")
    result = run(["batch", "--keys-file", keys, "--base-url", api.base_url, "--now", NOW])
    assert result.code == 3
    assert "Could not be checked:" in result.out


def test_exit_0_when_all_is_well(run: Any) -> None:
    result = run(["batch", str(EXAMPLES / "healthy.json"), "--now", NOW])
    assert result.code == 0
    assert result.out.startswith("1 store: 0 critical, 0 attention, 1 healthy")


def test_bad_files_are_recorded_not_fatal(run: Any, tmp_path: Path) -> None:
    (tmp_path / "good.json").write_bytes(example_bytes("healthy"))
    (tmp_path / "array.json").write_text("[]")
    (tmp_path / "html.json").write_text("<html>oops</html>")
    result = run(["batch", str(tmp_path), "--now", NOW, "-f", "json"])
    summary = json.loads(result.out)
    assert [s["label"] for s in summary["stores"]] == ["good"]
    assert {f["label"] for f in summary["not_checked"]} == {"array", "html"}
    assert result.code == 3


def test_output_dir_gets_one_full_report_per_store(run: Any, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    result = run(["batch", str(EXAMPLES), "--now", NOW, "-f", "html", "--output-dir", str(out),
                  "-o", str(tmp_path / "summary.html")])
    assert result.code == 1
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{p.stem}.html" for p in EXAMPLES.glob("*.json"))
    page = parse_html((out / "degraded.html").read_text())
    assert next(e for e in page if e.attrs.get("id") == "verdict").attrs["data-verdict"] == "attention"
    summary = parse_html((tmp_path / "summary.html").read_text())
    rows = [e.attrs["data-label"] for e in summary if e.tag == "tr" and "data-label" in e.attrs]
    assert rows[:2] == ["disconnected", "degraded"]
    assert_inert(summary, relative=True)


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json"])
def test_every_format_and_redaction(run: Any, tmp_path: Path, fmt: str) -> None:
    result = run(["batch", str(EXAMPLES), "--now", NOW, "-f", fmt, "--redact"])
    assert result.code == 1
    for host in ("harbor-books", "lumen-coffee", "fernhill-garden", "northwind-outfitters"):
        assert host not in result.out


def test_select_and_fail_on_apply(run: Any) -> None:
    result = run(["batch", str(EXAMPLES), "--now", NOW, "-f", "json", "--select", "MD5",
                  "--fail-on", "never"])
    summary = json.loads(result.out)
    assert result.code == 0
    assert {r["rule"] for r in summary["rules"]} <= {"MD501", "MD502", "MD503", "MD504", "MD505"}


def test_usage_errors(run: Any, tmp_path: Path) -> None:
    assert run(["batch"]).code == 2
    assert run(["batch", str(tmp_path / "nothing")]).code == 2
    keys = keys_file(tmp_path, f"{SECRET_KEY}\n")
    result = run(["batch", "--keys-file", keys, "--base-url", "http://api.example"])
    assert result.code == 2
    assert SECRET_TAIL not in result.err + result.out


def test_no_progress_bar_when_stderr_is_not_a_terminal(run: Any) -> None:
    result = run(["batch", str(EXAMPLES), "--now", NOW])
    assert result.err == ""


def test_concurrency_is_bounded(run: Any, tmp_path: Path) -> None:
    statuses = {f"sk_live_store{n:04d}_{'x' * 16}": example_bytes("healthy") for n in range(40)}
    with ExampleApi(statuses, delay=0.05) as server:
        keys = keys_file(tmp_path, "\n".join(statuses))
        result = run(["batch", "--keys-file", keys, "--base-url", server.base_url,
                      "--concurrency", "4", "--now", NOW, "-f", "json"])
        assert server.peak_in_flight <= 4
        assert server.peak_in_flight >= 2
    assert json.loads(result.out)["totals"]["healthy"] == 40


@pytest.mark.parametrize("paths", [["healthy.json"], ["degraded.json", "healthy.json"], []])
def test_streamed_json_is_the_summary_dict(paths: list[str], tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from meum_doctor import batch as fleet
    from meum_doctor.app import prepare
    from meum_doctor.render.batch import batch_dict, render_batch

    setup = prepare(config_path=None, rules_dirs=(), selected=(), ignored=(), fail_on=None,
                    now=datetime(2026, 11, 28, 12, tzinfo=UTC))
    results: list[Any] = []
    found = [fleet.Target(p, path=str(EXAMPLES / p)) for p in paths]
    found.append(fleet.Target("broken", path=str(tmp_path / "missing.json")))
    fleet.run_local(found, setup, on_store=lambda result, report: results.append(result))
    summary = fleet.summarize(results, setup, generated_at=setup.now, tool_version="0")
    streamed = "".join(render_batch(summary, "json"))
    assert assert_valid_summary(streamed) == batch_dict(summary)
    assert streamed == json.dumps(batch_dict(summary), indent=2) + "\n"


def test_progress_bar_counts_done_and_failed(capsys: pytest.CaptureFixture[str]) -> None:
    from meum_doctor.batch import Progress

    bar = Progress(4, enabled=True)
    bar.update(failed=False)
    bar.update(failed=True)
    bar.close()
    err = capsys.readouterr().err
    assert "\r[" + "#" * 7 + "." * 23 + "] 1/4 stores, 0 could not be checked" in err
    assert "] 2/4 stores, 1 could not be checked" in err
    assert err.endswith("\r\x1b[K")  # the bar is wiped before the summary is printed
    silent = Progress(4, enabled=False)
    silent.update(failed=True)
    silent.close()
    assert capsys.readouterr().err == ""


def test_odd_keys_warn_once_per_store_without_showing_them(run: Any, tmp_path: Path) -> None:
    odd = "test_key_" + "z" * 20
    statuses = {odd: example_bytes("healthy")}
    with ExampleApi(statuses) as server:
        keys = keys_file(tmp_path, f"shop,{odd}\n")
        result = run(["batch", "--keys-file", keys, "--base-url", server.base_url, "--now", NOW])
    assert result.code == 0
    assert result.err.count("does not start with sk_live_") == 1
    assert "store shop (line 1)" in result.err
    assert "z" * 20 not in result.err + result.out
