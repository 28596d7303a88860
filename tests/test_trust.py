"""Files another user can reach are not trusted: the compiled-template cache (item 8 of the
safety issue) and the configuration file in the current folder (item 11)."""

from __future__ import annotations

import hashlib
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
