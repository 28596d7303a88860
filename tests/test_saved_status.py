"""Saved statuses: which moment ``check --input`` judges them against, the meta file that
``--save-status`` writes beside them, and what a meta file can (and cannot) change."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, SECRET_KEY, SECRET_TAIL, example_bytes
from htmlcheck import parse_html

from meum_doctor.exampleapi import ExampleApi

FORMATS = ["text", "markdown", "html", "json"]
FETCHED = "2026-11-28T12:00:00Z"


@pytest.fixture
def saved(run: Any, tmp_path: Path) -> Path:
    """A degraded status saved from a real (loopback) API by ``--save-status``."""
    path = tmp_path / "saved.json"
    with ExampleApi({SECRET_KEY: example_bytes("degraded")}) as api:
        result = run(["check", "--base-url", api.base_url, "--save-status", str(path)],
                     env={"MEUM_API_KEY": SECRET_KEY})
    assert result.code == 1, result.err
    return path


def set_meta(path: Path, **changes: Any) -> None:
    meta_file = Path(f"{path}.meta.json")
    meta = json.loads(meta_file.read_text())
    meta.update(changes)
    meta_file.write_text(json.dumps(meta))


def test_save_status_writes_a_meta_file(saved: Path) -> None:
    meta = json.loads(Path(f"{saved}.meta.json").read_text())
    assert set(meta) == {"meum_doctor_saved_status", "fetched_at", "source", "request_id",
                         "fingerprint", "saved_fingerprint", "secrets_removed"}
    assert meta["source"].endswith("/v1/integration/woocommerce/status")
    assert meta["fetched_at"].endswith("Z")
    assert meta["secrets_removed"] == 0
    assert SECRET_TAIL not in json.dumps(meta)
    assert saved.read_bytes() == example_bytes("degraded")


@pytest.mark.parametrize("fmt", FORMATS)
def test_input_is_judged_as_of_the_saved_fetch_time(run: Any, saved: Path, fmt: str) -> None:
    set_meta(saved, fetched_at=FETCHED)
    result = run(["check", "--input", str(saved), "-f", fmt])
    assert result.code == 1, result.err
    assert result.err == ""
    as_of_now = run(["check", "--input", str(saved), "--now", FETCHED, "-f", fmt])
    if fmt == "json":
        report, expected = json.loads(result.out), json.loads(as_of_now.out)
        assert report["evaluated_at"] == FETCHED
        assert report["findings"] == expected["findings"]
        assert report["evaluation_time"]["basis"] == "fetched_at"
        assert f"Judged as of {FETCHED}, when this status was fetched" in (
            report["evaluation_time"]["note"])
        assert report["source"]["fetched_at"] == FETCHED
        assert report["source"]["origin"].endswith("/v1/integration/woocommerce/status")
        assert expected["evaluation_time"] == {"basis": "option", "note": None}
    else:
        # As read, whatever Markdown escaped or put in code spans.
        text = result.out.replace("\\", "").replace("`", "")
        assert f"Judged as of {FETCHED}, when this status was fetched" in text
        assert "--now" in text
        assert "fetched from http://127.0.0.1:" in text  # provenance, in every format
        assert "Judged as of" not in as_of_now.out  # --now said which moment: nothing to add


def test_now_wins_over_the_meta_file(run: Any, saved: Path) -> None:
    set_meta(saved, fetched_at=FETCHED)
    result = run(["check", "--input", str(saved), "--now", "2027-01-01T00:00:00Z", "-f", "json"])
    report = json.loads(result.out)
    assert report["evaluated_at"] == "2027-01-01T00:00:00Z"
    assert report["evaluation_time"]["basis"] == "option"


@pytest.mark.parametrize("fmt", FORMATS)
def test_without_meta_or_now_the_report_says_it_judged_against_the_clock(
    run: Any, tmp_path: Path, fmt: str
) -> None:
    path = tmp_path / "from-a-ticket.json"
    path.write_bytes(example_bytes("degraded"))
    os.utime(path, (1_795_000_000, 1_795_000_000))
    result = run(["check", "--input", str(path), "-f", fmt])
    assert result.code == 1, result.err
    # As read, whatever Markdown escaped (JSON keeps its escapes: quotes in texts need them).
    text = result.out if fmt == "json" else result.out.replace("\\", "")
    if fmt == "markdown":
        text = text.replace("`", "")  # timestamps are code spans
    if fmt == "json":
        report = json.loads(text)
        assert report["evaluation_time"]["basis"] == "clock"
        assert report["source"]["fetched_at"] is None
        text = report["evaluation_time"]["note"]
    elif fmt == "html":
        note = next(e for e in parse_html(text) if e.attrs.get("id") == "time-note")
        assert note.tag == "p"
    assert "Judged against the time of this run" in text
    assert "add --now 2026-11-18T11:06:40Z (when the file was last changed)" in text


def test_from_standard_input_the_report_says_so_too(run: Any) -> None:
    result = run(["check", "--input", "-"], stdin=example_bytes("healthy"))
    assert "Note: Judged against the time of this run" in result.out
    assert "add --now with the time it was saved" in result.out


def test_live_runs_need_no_note(run: Any) -> None:
    result = run(["check", "--demo", "healthy", "-f", "json"])
    report = json.loads(result.out)
    assert report["evaluation_time"] == {"basis": "clock", "note": None}
    assert report["source"]["fetched_at"] is not None


@pytest.mark.parametrize(
    ("meta", "reason"),
    [
        (b"{not json", "it is not JSON"),
        (b"[]", "it is not a meum-doctor saved-status meta file"),
        (b'{"fetched_at": "2026-11-28T12:00:00Z"}', "it is not a meum-doctor saved-status meta"),
        (json.dumps({"meum_doctor_saved_status": 1, "fetched_at": "yesterday"}).encode(),
         "its fetched_at is not an ISO 8601 date-time"),
        (json.dumps({"meum_doctor_saved_status": 1, "fetched_at": 1700000000}).encode(),
         "its fetched_at is not an ISO 8601 date-time"),
        (json.dumps({"meum_doctor_saved_status": 1, "fetched_at": FETCHED,
                     "secrets_removed": "many"}).encode(), "its secrets_removed is not a count"),
        (json.dumps({"meum_doctor_saved_status": 1, "fetched_at": FETCHED,
                     "saved_fingerprint": "sha256:" + "0" * 64}).encode(),
         "it was written for another version of the status file"),
        (json.dumps({"meum_doctor_saved_status": 1, "fetched_at": FETCHED,
                     "source": "x" * 5000}).encode(), "its source is not a short string"),
        (json.dumps({"meum_doctor_saved_status": 1, "fetched_at": FETCHED,
                     "request_id": SECRET_KEY}).encode(), "its request_id looks like it holds"),
        (b" " * (65 * 1024) + b"{}", "it is larger than 64 KiB"),
        (b"\xff\xfe{}", "it is not JSON"),
    ],
)
def test_a_malformed_meta_file_is_ignored_with_one_warning(
    run: Any, tmp_path: Path, meta: bytes, reason: str
) -> None:
    path = tmp_path / "status.json"
    path.write_bytes(example_bytes("degraded"))
    Path(f"{path}.meta.json").write_bytes(meta)
    result = run(["check", "--input", str(path), "-f", "json"])
    assert result.code == 1
    assert "Traceback" not in result.err
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith(f"meum-doctor: WARNING: ignoring {path}.meta.json: {reason}")
    assert SECRET_TAIL not in result.out + result.err
    report = json.loads(result.out)
    assert report["evaluation_time"]["basis"] == "clock"  # as if there were no meta file
    assert report["source"]["origin"] is None


def test_a_meta_file_that_is_a_fifo_or_a_link_is_ignored(run: Any, tmp_path: Path) -> None:
    path = tmp_path / "status.json"
    path.write_bytes(example_bytes("degraded"))
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text(json.dumps({"meum_doctor_saved_status": 1, "fetched_at": FETCHED}))
    os.symlink(elsewhere, f"{path}.meta.json")
    result = run(["check", "--input", str(path)])
    assert "ignoring" in result.err and "symbolic link" in result.err
    os.unlink(f"{path}.meta.json")
    os.mkfifo(f"{path}.meta.json")
    result = run(["check", "--input", str(path)])  # returns at once: never blocks on a FIFO
    assert result.code == 1
    assert "it is not a regular file" in result.err


def test_a_meta_file_changes_nothing_but_the_time_and_provenance(
    run: Any, saved: Path, tmp_path: Path
) -> None:
    """It cannot bring a key, a URL to fetch from, a verdict or findings with it."""
    with ExampleApi({SECRET_KEY: example_bytes("healthy")}) as api:
        set_meta(saved, fetched_at=FETCHED, api_key=SECRET_KEY, base_url=api.base_url,
                 verdict="healthy", findings=[], now="2030-01-01T00:00:00Z",
                 source="https://evil.example/phish?token=abc")
        result = run(["check", "--input", str(saved), "-f", "json"])
        assert api.requests == 0  # the base_url in it was never used
    report = json.loads(result.out)
    expected = json.loads(run(["check", "--input", str(saved), "--now", FETCHED,
                               "-f", "json"]).out)
    assert report["findings"] == expected["findings"]
    assert report["verdict"] == expected["verdict"] == "attention"
    assert report["evaluated_at"] == FETCHED
    assert report["source"]["origin"] == "https://evil.example/phish"  # shown, never used
    assert SECRET_TAIL not in result.out + result.err


def test_re_saving_an_input_keeps_its_history(run: Any, saved: Path, tmp_path: Path) -> None:
    set_meta(saved, fetched_at=FETCHED)
    again = tmp_path / "again.json"
    result = run(["check", "--input", str(saved), "--save-status", str(again)])
    assert result.code == 1
    first = json.loads(Path(f"{saved}.meta.json").read_text())
    second = json.loads(Path(f"{again}.meta.json").read_text())
    assert second["fetched_at"] == FETCHED
    assert second["source"] == first["source"]
    assert second["fingerprint"] == first["fingerprint"]


def test_an_input_without_history_is_saved_with_an_unknown_fetch_time(
    run: Any, tmp_path: Path
) -> None:
    again = tmp_path / "again.json"
    run(["check", "--input", str(EXAMPLES / "healthy.json"), "--save-status", str(again)])
    meta = json.loads(Path(f"{again}.meta.json").read_text())
    assert meta["fetched_at"] is None and meta["source"] is None
    result = run(["check", "--input", str(again), "-f", "json"])
    assert result.err == ""  # a valid meta file that knows no time: the clock, and said so
    assert json.loads(result.out)["evaluation_time"]["basis"] == "clock"


def test_a_folder_of_saved_statuses_is_scanned_without_their_meta_files(
    run: Any, saved: Path
) -> None:
    result = run(["batch", str(saved.parent), "-f", "json"])
    summary = json.loads(result.out)
    assert [s["label"] for s in summary["stores"]] == ["saved"]
    assert summary["not_checked"] == []
