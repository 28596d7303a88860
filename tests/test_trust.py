"""Files another user can reach are not trusted: the compiled-template cache (item 8 of the
safety issue) and the configuration file in the current folder (item 11)."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, NOW

from meum_doctor.render import templating
from meum_doctor.trust import is_trusted, untrusted_reason

OTHER_UID = 4242  # tests run as root: chown to another uid stands for another user
needs_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown to another user needs root"
)


class _Planted:
    """A pickle that, when loaded, creates the marker file: proof that code ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


def plant(folder: Path, marker: Path) -> None:
    """A cache entry for the HTML report template whose checksum pickle runs code."""
    from jinja2.bccache import bc_magic

    key = hashlib.sha1(b"report.html.j2").hexdigest()  # noqa: S324 - Jinja's cache key
    (folder / f"__jinja2_{key}.cache").write_bytes(bc_magic + pickle.dumps(_Planted(marker)))


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh XDG_CACHE_HOME, with the template environments rebuilt for it."""
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv("MEUM_DOCTOR_NO_CACHE", raising=False)
    templating.environment.cache_clear()
    yield home
    templating.environment.cache_clear()


def html_report(run: Any) -> None:
    templating.environment.cache_clear()
    result = run(["check", "--input", str(EXAMPLES / "degraded.json"), "--now", NOW, "-f", "html"])
    assert result.code == 1 and "<!DOCTYPE html>" in result.out


def test_the_cache_folder_is_made_private_and_used(run: Any, cache_home: Path) -> None:
    html_report(run)
    folder = cache_home / "meum-doctor" / "templates"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(folder.parent.stat().st_mode) == 0o700
    entries = list(folder.glob("__jinja2_*.cache"))
    assert entries and all(stat.S_IMODE(e.stat().st_mode) == 0o600 for e in entries)


def test_a_planted_entry_in_our_own_folder_is_loaded(
    run: Any, cache_home: Path, tmp_path: Path
) -> None:
    """The control case: it shows the planted entry would run, so the tests below can fail."""
    folder = cache_home / "meum-doctor" / "templates"
    folder.mkdir(parents=True, mode=0o700)
    marker = tmp_path / "code-ran"
    plant(folder, marker)
    html_report(run)
    assert marker.exists()


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o702], ids=oct)
def test_a_folder_others_may_write_is_not_used(
    run: Any, cache_home: Path, tmp_path: Path, mode: int
) -> None:
    folder = cache_home / "meum-doctor" / "templates"
    folder.mkdir(parents=True)
    folder.chmod(mode)
    marker = tmp_path / "code-ran"
    plant(folder, marker)
    html_report(run)
    assert not marker.exists()
    assert stat.S_IMODE(folder.stat().st_mode) == mode  # left alone, silently


@needs_root
def test_a_folder_of_another_user_is_not_used(run: Any, cache_home: Path, tmp_path: Path) -> None:
    folder = cache_home / "meum-doctor" / "templates"
    folder.mkdir(parents=True, mode=0o700)
    marker = tmp_path / "code-ran"
    plant(folder, marker)
    os.chown(folder, OTHER_UID, OTHER_UID)
    html_report(run)
    assert not marker.exists()


@needs_root
def test_a_file_of_another_user_in_our_folder_is_not_loaded(
    run: Any, cache_home: Path, tmp_path: Path
) -> None:
    folder = cache_home / "meum-doctor" / "templates"
    folder.mkdir(parents=True, mode=0o700)
    marker = tmp_path / "code-ran"
    plant(folder, marker)
    for entry in folder.iterdir():
        os.chown(entry, OTHER_UID, OTHER_UID)
    html_report(run)
    assert not marker.exists()


def test_a_file_others_may_write_is_not_loaded(run: Any, cache_home: Path, tmp_path: Path) -> None:
    folder = cache_home / "meum-doctor" / "templates"
    folder.mkdir(parents=True, mode=0o700)
    marker = tmp_path / "code-ran"
    plant(folder, marker)
    for entry in folder.iterdir():
        entry.chmod(0o666)
    html_report(run)
    assert not marker.exists()


def test_a_symlinked_entry_is_not_followed(run: Any, cache_home: Path, tmp_path: Path) -> None:
    folder = cache_home / "meum-doctor" / "templates"
    folder.mkdir(parents=True, mode=0o700)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    marker = tmp_path / "code-ran"
    plant(elsewhere, marker)
    for entry in elsewhere.iterdir():
        (folder / entry.name).symlink_to(entry)
    html_report(run)
    assert not marker.exists()


def test_an_unusable_cache_home_means_no_cache(run: Any, cache_home: Path) -> None:
    cache_home.write_text("not a folder")
    html_report(run)  # the report is the same without a cache


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX owners and modes")
def test_the_trust_rule(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_text("")
    path.chmod(0o644)
    assert is_trusted(path.stat())
    path.chmod(0o664)
    assert untrusted_reason(path.stat()) == "other users may change it (mode 0664)"
    path.chmod(0o646)
    assert not is_trusted(path.stat())
    if os.geteuid() == 0:
        path.chmod(0o600)
        os.chown(path, OTHER_UID, OTHER_UID)
        assert untrusted_reason(path.stat()) == f"it belongs to another user (uid {OTHER_UID})"


# The configuration file in the current folder ------------------------------------------------

# A hostile ticket folder's file: run only the data rules, never fail, call DISCONNECTED
# healthy (taking it out of the bundled "bad" class, as a value belongs to one class).
TICKET_CONFIG = (
    'select = ["MD9"]\nfail_on = "never"\n[values.status]\nhealthy = ["DISCONNECTED"]\n'
    'bad = ["ERROR"]\n'
)
DISCONNECTED = str(EXAMPLES / "disconnected.json")


@pytest.fixture
def ticket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A ticket's folder as the current folder, with a configuration file that hides all."""
    folder = tmp_path / "ticket"
    folder.mkdir()
    (folder / "meum-doctor.toml").write_text(TICKET_CONFIG)
    (folder / "meum-doctor.toml").chmod(0o644)
    monkeypatch.chdir(folder)
    return folder


def check_json(run: Any, *extra: str) -> tuple[Any, dict[str, Any]]:
    result = run(["check", "--input", DISCONNECTED, "--now", NOW, "-f", "json", *extra])
    return result, json.loads(result.out)


def test_a_trusted_file_here_is_used_and_said_everywhere(run: Any, ticket: Path) -> None:
    result, report = check_json(run)
    assert result.code == 0 and report["verdict"] == "healthy"  # what the file asks for...
    assert "meum-doctor: using configuration ./meum-doctor.toml\n" in result.err  # ...said
    digest = "sha256:" + hashlib.sha256(TICKET_CONFIG.encode()).hexdigest()
    from meum_doctor.rules import RULES

    rule_ids = [rule.id for rule in RULES]
    assert report["config"] == {
        "path": "./meum-doctor.toml",
        "sha256": digest,
        "ignored_rules": sorted(r for r in rule_ids if not r.startswith("MD9")),
        "values_added": {"status": {"healthy": ["DISCONNECTED"], "bad": ["ERROR"]}},
    }
    for fmt, needle in (("text", "Configuration: ./meum-doctor.toml (sha256:"),
                        ("markdown", "| Configuration | `./meum-doctor.toml` (sha256:"),
                        ("html", '<td id="config">./meum-doctor.toml (sha256:')):
        out = run(["check", "--input", DISCONNECTED, "--now", NOW, "-f", fmt]).out
        assert needle in out, fmt
        shown = out.replace("\\", "").replace("`", "")
        assert "values added: status.healthy = DISCONNECTED" in shown, fmt


def test_rules_and_explain_say_which_file_they_use(run: Any, ticket: Path) -> None:
    for args in (["rules"], ["explain", "MD101"]):
        assert "using configuration ./meum-doctor.toml" in run(args).err


def assert_ignored(result: Any, report: dict[str, Any], why: str) -> None:
    assert report["verdict"] == "critical" and report["config"] is None
    assert result.code == 1
    warnings = [line for line in result.err.splitlines() if "warning" in line]
    assert warnings == [
        f"meum-doctor: warning: ignoring ./meum-doctor.toml: {why}; pass --config "
        "./meum-doctor.toml to use it anyway"
    ]
    assert "using configuration" not in result.err


@pytest.mark.parametrize("mode", [0o666, 0o664, 0o646], ids=oct)
def test_a_file_others_may_write_is_ignored_with_a_warning(
    run: Any, ticket: Path, mode: int
) -> None:
    (ticket / "meum-doctor.toml").chmod(mode)
    assert_ignored(*check_json(run), f"other users may change it (mode {mode:04o})")


@needs_root
def test_a_file_of_another_user_is_ignored_with_a_warning(run: Any, ticket: Path) -> None:
    os.chown(ticket / "meum-doctor.toml", OTHER_UID, OTHER_UID)
    assert_ignored(*check_json(run), f"it belongs to another user (uid {OTHER_UID})")


@needs_root
def test_a_link_to_a_file_of_another_user_is_ignored(
    run: Any, ticket: Path, tmp_path: Path
) -> None:
    target = tmp_path / "theirs.toml"
    target.write_text(TICKET_CONFIG)
    os.chown(target, OTHER_UID, OTHER_UID)
    (ticket / "meum-doctor.toml").unlink()
    (ticket / "meum-doctor.toml").symlink_to(target)
    assert_ignored(*check_json(run), f"it belongs to another user (uid {OTHER_UID})")


def test_a_fifo_here_is_ignored_without_hanging(run: Any, ticket: Path) -> None:
    (ticket / "meum-doctor.toml").unlink()
    os.mkfifo(ticket / "meum-doctor.toml")
    assert_ignored(*check_json(run), "it is not a regular file")


@needs_root
def test_an_explicit_file_is_the_users_choice_and_is_said(
    run: Any, ticket: Path, tmp_path: Path
) -> None:
    theirs = tmp_path / "shared.toml"
    theirs.write_text(TICKET_CONFIG)
    os.chown(theirs, OTHER_UID, OTHER_UID)
    for extra, env in (([f"--config={theirs}"], {}), ([], {"MEUM_DOCTOR_CONFIG": str(theirs)})):
        result = run(["check", "--input", DISCONNECTED, "--now", NOW, "-f", "json", *extra],
                     env=env)
        assert f"meum-doctor: using configuration {theirs}\n" in result.err
        assert json.loads(result.out)["config"]["path"] == str(theirs)


def test_no_file_no_words(run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result, report = check_json(run)
    assert result.err == "" and report["config"] is None


def test_batch_summaries_record_the_configuration(run: Any, ticket: Path) -> None:
    result = run(["batch", DISCONNECTED, "--now", NOW, "-f", "json"])
    assert "meum-doctor: using configuration ./meum-doctor.toml" in result.err
    assert json.loads(result.out)["config"]["path"] == "./meum-doctor.toml"
    for fmt in ("text", "markdown", "html"):
        out = run(["batch", DISCONNECTED, "--now", NOW, "-f", fmt]).out
        assert "./meum-doctor.toml (sha256:" in out.split("Configuration: ")[1].replace("\\", "").replace("`", ""), fmt
    (ticket / "meum-doctor.toml").chmod(0o666)
    summary = json.loads(run(["batch", DISCONNECTED, "--now", NOW, "-f", "json"]).out)
    assert summary["config"] is None and summary["stores"][0]["verdict"] == "critical"
