"""Files the tool writes on its own: per-store reports in a folder that may be hostile, the
output folder checked before any fetch, deep folder scans, and outputs that are inputs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW, REPO, assert_one_line_error, example_bytes

from meum_doctor import batch
from meum_doctor.exampleapi import ExampleApi

KEY_A = "sk_live_STOREA_" + "a" * 20
KEY_B = "sk_live_STOREB_" + "b" * 20


def ticket(tmp_path: Path) -> Path:
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "shop.json").write_bytes(example_bytes("healthy"))
    (folder / "other.json").write_bytes(example_bytes("degraded"))
    return folder


def test_a_link_at_a_report_name_is_never_followed(run: Any, tmp_path: Path) -> None:
    folder = ticket(tmp_path)
    victim = tmp_path / "victim.sh"
    victim.write_text("#!/bin/sh\necho mine\n")
    (folder / "shop.md").symlink_to(victim)
    result = run(["batch", str(folder), "--output-dir", str(folder), "-f", "markdown",
                  "--now", NOW, "--fail-on", "never"])
    assert victim.read_text() == "#!/bin/sh\necho mine\n"
    assert (folder / "shop.md").is_symlink()
    assert (folder / "other.md").read_text().startswith("#")  # the others are written
    assert result.code == 3, result.err  # the store whose report was refused failed
    assert "shop.md" in result.out and "symbolic link" in result.out
    assert "verdict healthy" in result.out


def test_a_fifo_at_a_report_name_is_never_opened(tmp_path: Path) -> None:
    folder = ticket(tmp_path)
    os.mkfifo(folder / "shop.md")
    try:
        done = subprocess.run(
            [sys.executable, "-m", "meum_doctor", "batch", str(folder), "--output-dir",
             str(folder), "-f", "markdown", "--now", NOW, "--fail-on", "never"],
            # Outside the checkout: the installed package must run (the wheel, in CI).
            capture_output=True, text=True, timeout=30, cwd=tmp_path,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("batch waited for a reader of the FIFO")
    assert done.returncode == 3, done.stderr
    assert "FIFO" in done.stdout and (folder / "other.md").exists()


def test_one_unwritable_report_does_not_cost_the_summary(run: Any, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "harbor.txt").mkdir(parents=True)
    keys = tmp_path / "keys.txt"
    keys.write_text(f"harbor,{KEY_A}\nquay,{KEY_B}\n")
    with ExampleApi({KEY_A: example_bytes("healthy"), KEY_B: example_bytes("healthy")}) as api:
        result = run(["batch", "--keys-file", str(keys), "--base-url", api.base_url,
                      "--output-dir", str(out), "-o", str(out / "fleet.txt"), "--now", NOW])
    assert result.code == 3, result.err
    summary = (out / "fleet.txt").read_text()
    assert "harbor" in summary and "report was not written" in summary and "a folder" in summary
    assert (out / "quay.txt").is_file()


def test_an_output_dir_that_cannot_take_files_stops_before_any_fetch(
    run: Any, tmp_path: Path
) -> None:
    keys = tmp_path / "keys.txt"
    keys.write_text(f"harbor,{KEY_A}\n")
    a_file = tmp_path / "a.json"
    a_file.write_bytes(example_bytes("healthy"))
    with ExampleApi({KEY_A: example_bytes("healthy")}) as api:
        for directory, reason in (
            ("/proc", "cannot write reports into /proc: "),
            (str(a_file), "it is a file, not a folder"),
            (str(tmp_path / "no" / "such"), "does not exist (only the last level is made)"),
        ):
            result = run(["batch", "--keys-file", str(keys), "--base-url", api.base_url,
                          "--output-dir", directory, "--now", NOW])
            assert result.code == 2, (directory, result.err)
            assert_one_line_error(result)
            assert reason in result.err
        assert api.requests == 0
    assert not (tmp_path / "no").exists()
    # Only the last level is made.
    result = run(["batch", str(a_file), "--output-dir", str(tmp_path / "new"), "--now", NOW])
    assert result.code == 0 and (tmp_path / "new" / "a.txt").is_file()


def test_a_very_deep_tree_is_scanned_without_recursion(tmp_path: Path) -> None:
    # A tree deeper than the call depth allowed. Not 1100 levels against the default limit:
    # pytest's own clean-up of tmp_path (shutil.rmtree) recurses and would fail on it.
    folder = tmp_path / "top"
    deepest = folder.joinpath(*["d"] * 300)
    deepest.mkdir(parents=True)
    (deepest / "s.json").write_bytes(example_bytes("healthy"))
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(250)
    try:
        found = batch.targets([str(folder)], None, recursive=True)
    finally:
        sys.setrecursionlimit(limit)
    assert len(found) == 1 and found[0].label == "d/" * 300 + "s"


def test_a_scan_says_which_json_files_it_did_not_read(run: Any, tmp_path: Path) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "SHOP.JSON").write_bytes(example_bytes("healthy"))
    (folder / ".hidden.json").write_bytes(example_bytes("healthy"))
    skipped: list[batch.Skipped] = []
    with pytest.raises(Exception, match="no stores to check"):
        batch.targets([str(folder)], None, skipped=skipped)
    reasons = {Path(s.path).name: s.reason for s in skipped}
    assert "hidden" in reasons[".hidden.json"] and ".JSON" in reasons["SHOP.JSON"]
    result = run(["batch", str(folder)])
    assert result.code == 2 and "not read:" in result.err and "and 1 more" in result.err


@pytest.mark.parametrize("output", ["s.json", "/dev/stdin"])
def test_standard_input_redirected_from_a_file_is_an_input(tmp_path: Path, output: str) -> None:
    status = tmp_path / "s.json"
    status.write_bytes(example_bytes("degraded"))
    with status.open("rb") as stdin:
        done = subprocess.run(
            [sys.executable, "-m", "meum_doctor", "check", "--input", "-", "--now", NOW,
             "-o", output], stdin=stdin, capture_output=True, text=True, cwd=tmp_path,
        )
    assert done.returncode == 2, done.stderr
    assert "it is the same file as --input" in done.stderr
    assert status.read_bytes() == example_bytes("degraded")


def test_dev_null_may_take_every_output(run: Any, tmp_path: Path) -> None:
    status = tmp_path / "s.json"
    status.write_bytes(example_bytes("healthy"))
    result = run(["check", "--input", str(status), "--now", NOW,
                  "--save-status", "/dev/null", "-o", "/dev/null"])
    assert result.code == 0, result.err


def test_rule_files_are_inputs(run: Any, tmp_path: Path) -> None:
    rules = tmp_path / "rd"
    rules.mkdir()
    source = (REPO / "tests" / "rules_dirs" / "good" / "custom_rules.py").read_text()
    (rules / "myrule.py").write_text(source)
    status = tmp_path / "s.json"
    status.write_bytes(example_bytes("healthy"))
    result = run(["check", "--input", str(status), "--now", NOW, "--rules-dir", str(rules),
                  "-o", str(rules / "myrule.py")])
    assert result.code == 2 and "a rule file of --rules-dir" in result.err
    assert (rules / "myrule.py").read_text() == source
    result = run(["batch", str(status), "--now", NOW, "--rules-dir", str(rules),
                  "-o", str(rules / "myrule.py")])
    assert result.code == 2 and (rules / "myrule.py").read_text() == source
