"""The command line: sources, saved statuses, exit codes, atomic output, listings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, NOW, SECRET_KEY, assert_one_line_error, example_bytes


def test_version(run: Any) -> None:
    from meum_doctor import __version__

    result = run(["--version"])
    assert (result.code, result.out) == (0, f"meum-doctor {__version__}\n")


@pytest.mark.parametrize("command", [[], ["check"], ["batch"]])
def test_help_documents_every_exit_code(run: Any, command: list[str]) -> None:
    """Every ExitCode (130 and 5 included) is listed in each --help, and in the README."""
    import re

    from meum_doctor.errors import ExitCode

    result = run([*command, "--help"])
    assert result.code == 0
    listed = {int(m) for m in re.findall(r"^ {4}(\d+) +\S", result.out, re.MULTILINE)}
    assert listed == {int(code) for code in ExitCode}
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    for code in ExitCode:
        assert f"\n| {int(code)} | " in readme, code


def test_usage_errors_are_one_line(run: Any) -> None:
    for args in (["check", "--frobnicate"], ["chek"], ["check", "--fail-on", "sometimes"]):
        result = run(args)
        assert result.code == 2
        assert result.err.count("\n") == 1, result.err
        assert result.err.startswith("meum-doctor: error: ")
        assert "--help')" in result.err


def test_input_file(run: Any) -> None:
    result = run(["check", "--input", str(EXAMPLES / "healthy.json"), "--now", NOW])
    assert result.code == 0
    assert result.out.startswith("HEALTHY: no problems that need attention")


def test_input_from_stdin(run: Any) -> None:
    result = run(["check", "--input", "-", "--now", NOW, "-f", "json"],
                 stdin=example_bytes("degraded"))
    report = json.loads(result.out)
    assert report["source"] == {"type": "stdin", "location": "-", "request_id": None,
                                "fetched_at": None, "origin": None}
    assert report["verdict"] == "attention"
    assert result.code == 1


def test_save_status_round_trips_byte_for_byte(run: Any, tmp_path: Path) -> None:
    saved = tmp_path / "status.json"
    first = run(["check", "--demo", "degraded", "--now", NOW, "--save-status", str(saved),
                 "-f", "json"])
    body = saved.read_bytes()
    again = run(["check", "--input", str(saved), "--now", NOW, "-f", "json"])
    assert saved.read_bytes() == body
    first_report, second_report = json.loads(first.out), json.loads(again.out)
    assert first_report["fingerprint"] == second_report["fingerprint"]
    assert first_report["findings"] == second_report["findings"]
    # Saved exactly as received: the fingerprint is that of the saved bytes.
    import hashlib

    assert first_report["fingerprint"] == "sha256:" + hashlib.sha256(body).hexdigest()


def test_save_status_keeps_a_body_that_is_not_json(run: Any, tmp_path: Path) -> None:
    source = tmp_path / "broken.json"
    source.write_bytes(b"<html>oops</html>")
    saved = tmp_path / "saved.json"
    result = run(["check", "--input", str(source), "--save-status", str(saved)])
    assert result.code == 3
    assert saved.read_bytes() == b"<html>oops</html>"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--input", "a.json", "--demo"], "choose one source of status, not --input and --demo"),
        (["--api-key", SECRET_KEY, "--input", "x"], "choose one source"),
        ([], "no status to check"),
        (["--demo", "nosuch"], "no bundled example called 'nosuch'"),
        (["--demo", "--now", "yesterday"], "'yesterday' is not an ISO 8601 date-time"),
        (["--demo", "--format", "pdf"], "'pdf' is not one of"),
        (["--demo", "--timeout", "0"], "--timeout"),
        (["--demo", "--select", "MD777"], "--select MD777 matches no rule"),
        (["--demo", "--fail-on", "sometimes"], "--fail-on"),
        (["--demo", "--no-such-option"], "No such option"),
        (["--demo", "-o", "/nonexistent-folder/report.html"], "the folder /nonexistent-folder does not exist"),
        (["--base-url", "ftp://x", "--api-key", SECRET_KEY], "must be an http(s) URL"),
    ],
)
def test_usage_errors_exit_2(run: Any, args: list[str], message: str) -> None:
    result = run(["check", *args])
    assert result.code == 2, result.err
    assert_one_line_error(result)
    assert message in result.err
    result.assert_no_secret()


def test_environment_key_does_not_conflict_with_input(run: Any) -> None:
    result = run(["check", "--input", str(EXAMPLES / "healthy.json"), "--now", NOW],
                 env={"MEUM_API_KEY": SECRET_KEY})
    assert result.code == 0


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("does-not-exist.json", "status file does-not-exist.json does not exist"),
        (".", "is a folder"),
    ],
)
def test_unreadable_input_exits_3(run: Any, path: str, message: str) -> None:
    result = run(["check", "--input", path])
    assert result.code == 3
    assert_one_line_error(result)
    assert message in result.err


@pytest.mark.parametrize(
    ("example", "fail_on", "code"),
    [
        ("degraded", None, 1),  # high findings at the default threshold
        ("degraded", "critical", 0),
        ("degraded", "never", 0),
        ("disconnected", "critical", 1),
        ("healthy", "info", 0),
        ("onboarding", "info", 1),
        ("onboarding", "high", 1),
        ("onboarding", "critical", 0),
        ("outdated", "medium", 1),
        ("staging-takeover", "high", 1),
    ],
)
@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json"])
def test_fail_on_sets_the_exit_code_in_every_format(
    run: Any, example: str, fail_on: str | None, code: int, fmt: str
) -> None:
    args = ["check", "--input", str(EXAMPLES / f"{example}.json"), "--now", NOW, "-f", fmt]
    if fail_on:
        args += ["--fail-on", fail_on]
    assert run(args).code == code


def test_output_file_is_written_atomically(run: Any, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    result = run(["check", "--demo", "--now", NOW, "-f", "html", "-o", str(target)])
    assert result.code == 1 and result.out == ""
    assert target.read_text().startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary file left


def test_existing_report_is_untouched_when_the_run_fails(run: Any, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("previous report")
    broken = tmp_path / "broken.json"
    broken.write_text("[1, 2]")
    result = run(["check", "--input", str(broken), "-f", "html", "-o", str(target)])
    assert result.code == 3
    assert target.read_text() == "previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.json", "report.html"]


def test_info_findings_only_with_verbose(run: Any) -> None:
    # Two hours earlier, the connect key is not yet close to expiring: an info finding.
    args = ["check", "--input", str(EXAMPLES / "onboarding.json"), "--now", "2026-11-28T10:00:00Z"]
    quiet, loud = run(args), run([*args, "-v"])
    assert "MD601" not in quiet.out and "1 informational finding hidden" in quiet.out
    assert "[i] INFO MD601 A connection key is pending until 2026-11-28T13:30:00Z" in loud.out


def test_no_colour_unless_a_terminal(run: Any) -> None:
    result = run(["check", "--demo", "--now", NOW])
    assert "\x1b" not in result.out


def test_demo_list_and_examples(run: Any) -> None:
    listed = run(["check", "--demo", "list"])
    assert listed.code == 0
    assert listed.out.splitlines()[1].startswith("degraded")
    assert run(["examples"]).out == listed.out


def test_every_bundled_example_is_listed_and_diagnosable(run: Any) -> None:
    from meum_doctor.demo import EXAMPLES as LISTED
    from meum_doctor.demo import SITE_EXAMPLES

    files = {p.stem for p in EXAMPLES.glob("*.json")}
    # A site demo is an example's status with its site report (examples/site-reports/).
    assert files | set(SITE_EXAMPLES) == set(LISTED)
    assert all((EXAMPLES / "site-reports" / f"{name}.json").is_file() for name in SITE_EXAMPLES)
    for name in LISTED:
        result = run(["check", "--demo", name, "-f", "json", "--fail-on", "never"])
        assert result.code == 0, (name, result.err)
        assert json.loads(result.out)["source"]["type"] == "demo"


def test_demo_keeps_times_relative_to_now(run: Any) -> None:
    for now in (NOW, "2030-01-01T00:00:00Z"):
        report = json.loads(run(["check", "--demo", "healthy", "--now", now, "-f", "json"]).out)
        assert report["verdict"] == "healthy"
        assert report["evaluated_at"] == now


def test_rules_lists_every_builtin(run: Any) -> None:
    result = run(["rules"])
    header, *lines = result.out.splitlines()
    ids = [line.split()[0] for line in lines]
    from meum_doctor.rules import RULES

    assert header.split()[:2] == ["ID", "NAME"]
    assert ids == [r.id for r in RULES]
    assert "MD301  plugin-not-checking-in" in result.out


def test_rules_json(run: Any) -> None:
    rules = json.loads(run(["rules", "-f", "json"]).out)
    assert rules[0] == {
        "id": "MD101", "name": "not-connected", "category": "connection",
        "severity": "critical", "origin": "built-in", "needs": ["meum-status"], "uses": [],
        "summary": "The store is not connected to Meum, so it cannot take Meum payments.",
    }


def test_explain_unknown_rule(run: Any) -> None:
    result = run(["explain", "MD999"])
    assert result.code == 2 and "no rule or cause 'MD999'" in result.err


def test_docs_rules_reference_is_up_to_date(run: Any) -> None:
    """docs/rules.md is generated from the docstrings; regenerate it when a rule changes."""
    expected = run(["rules", "--format", "markdown"]).out
    path = Path(__file__).parent.parent / "docs" / "rules.md"
    assert path.read_text() == expected, "run: meum-doctor rules --format markdown > docs/rules.md"


# A few true subprocess runs: the installed entry point, exit codes and stderr. -------------


def _subprocess(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # Run outside the repository: "python -m" puts the working folder first on sys.path, and
    # the repository's meum_doctor/ (without rules/) would shadow the installed package.
    return subprocess.run(
        [sys.executable, "-m", "meum_doctor", *args],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, **(env or {})},
        check=False,
        cwd=Path(__file__).parent,
    )


def test_subprocess_demo() -> None:
    done = _subprocess("check", "--demo", "--now", NOW)
    assert done.returncode == 1
    assert done.stdout.startswith("ATTENTION: problems need attention")
    assert done.stderr == ""


def test_subprocess_network_failure_has_no_traceback() -> None:
    done = _subprocess("check", "--base-url", "http://127.0.0.1:9", "--timeout", "0.5",
                       env={"MEUM_API_KEY": SECRET_KEY})
    assert done.returncode == 3
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("meum-doctor: error: ")
    assert SECRET_KEY[8:] not in done.stderr + done.stdout


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "meum-doctor"
    done = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout.startswith("meum-doctor ")


def test_exit_codes_are_the_documented_constants() -> None:
    from meum_doctor.errors import ExitCode

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    for code in ExitCode:
        assert f"\n| {int(code)} | " in readme, code


def test_no_command_shows_the_help(run: Any) -> None:
    result = run([])
    assert result.code == 0
    assert result.out.startswith("Usage: meum-doctor [OPTIONS] COMMAND [ARGS]...")
    assert "check     Diagnose one store" in result.out
    assert result.err == ""


def test_misspelt_command(run: Any) -> None:
    result = run(["chek"])
    assert result.code == 2
    # click suggests every close name ('check', and 'schema' since it exists).
    assert "No such command 'chek'." in result.err
    assert "Did you mean" in result.err and "'check'" in result.err


def test_demo_server_stops_quietly(caplog: pytest.LogCaptureFixture) -> None:
    """Stopping the example API with connections open logs nothing (a 3.11 asyncio quirk)."""
    import asyncio
    import logging
    from datetime import UTC, datetime

    from meum_doctor.documents import MEUM_STATUS
    from meum_doctor.sources import FetchOptions, Source
    from meum_doctor.sources.meum_status import fetch

    demo = Source(MEUM_STATUS, "demo", "healthy")
    with caplog.at_level(logging.ERROR, logger="asyncio"):
        for _ in range(100):  # the race showed in about 1 run in 20
            asyncio.run(fetch(demo, FetchOptions(5, datetime.now(UTC))))
    assert [r.getMessage() for r in caplog.records if r.name == "asyncio"] == []
