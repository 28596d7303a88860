"""Start-up discipline, proven without timing: what each command imports.

Each command runs in a fresh interpreter; at exit it writes the names of the loaded
modules, and the heavy ones must be absent where the command does not need them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, NOW

PROBE = """
import atexit, json, sys
out = sys.argv[1]
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
sys.argv = ["meum-doctor", *sys.argv[2:]]
from meum_doctor.cli import main
main()
"""


def modules_after(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None, expect: str | None = None
) -> set[str]:
    """The modules loaded by the command; with ``expect``, it must also have succeeded and
    printed that (so a command that failed early cannot pass for a light one)."""
    out = tmp_path / "modules.json"
    # cwd: not the repository, whose meum_doctor/ (without rules/) would shadow the install.
    done = subprocess.run([sys.executable, "-c", PROBE, str(out), *args], capture_output=True,
                          timeout=60, check=False, cwd=tmp_path, env=env, text=True)
    if expect is not None:
        assert done.returncode == 0, done.stderr
        assert expect in done.stdout, done.stdout[:500]
    return set(json.loads(out.read_text()))


def heavy(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules} & {"httpx", "httpcore", "jinja2", "anyio", "ssl",
                                                 "starlette", "uvicorn", "multipart"}


@pytest.mark.parametrize(
    "args",
    [
        ["--version"],
        ["--help"],
        ["check", "--help"],
        ["rules"],
        ["explain", "MD301"],
        ["examples"],
        ["schema"],
        ["schema", "batch"],
        ["serve", "--help"],
    ],
)
def test_light_commands_import_neither_httpx_nor_jinja2(tmp_path: Path, args: list[str]) -> None:
    assert heavy(modules_after(tmp_path, *args)) == set()


def test_version_does_not_even_load_the_rules(tmp_path: Path) -> None:
    loaded = modules_after(tmp_path, "--version")
    assert not {m for m in loaded if m.startswith(("meum_doctor.rules", "packaging", "tomllib"))}


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_check_from_a_file_does_not_import_httpx(tmp_path: Path, fmt: str) -> None:
    loaded = modules_after(tmp_path, "check", "--input", str(EXAMPLES / "degraded.json"),
                           "--now", NOW, "-f", fmt)
    assert heavy(loaded) == set()
    assert "logging" not in loaded  # nothing logs without the network, -v or --debug
    # No event loop without a network source: the core's synchronous path read the file.
    assert "asyncio" not in loaded and "ssl" not in loaded
    assert "meum_doctor.app" in loaded
    assert "meum_doctor.report" in loaded  # it really ran


def test_html_from_a_file_imports_jinja2_but_not_httpx(tmp_path: Path) -> None:
    loaded = modules_after(tmp_path, "check", "--input", str(EXAMPLES / "degraded.json"),
                           "--now", NOW, "-f", "html")
    assert heavy(loaded) == {"jinja2"}


def test_writing_a_report_file_needs_no_tempfile(tmp_path: Path) -> None:
    """`-o out.json` is written through a temporary file of our own making: tempfile (and
    shutil, bz2, lzma, random behind it) is a few milliseconds of a run that needs none.
    (HTML and Markdown load it anyway: Jinja2 imports it.)"""
    out = tmp_path / "out.json"
    loaded = modules_after(tmp_path, "check", "--input", str(EXAMPLES / "degraded.json"),
                           "--now", NOW, "-f", "json", "-o", str(out))
    assert out.read_text().startswith("{")
    assert {"tempfile", "shutil", "random"} & loaded == set()


def test_the_bundled_defaults_need_no_toml_parser(tmp_path: Path) -> None:
    """Without a configuration file, the defaults come decoded ahead of time (_defaults)."""
    loaded = modules_after(tmp_path, "check", "--input", str(EXAMPLES / "degraded.json"),
                           "--now", NOW, "-f", "json")
    assert "meum_doctor.config" in loaded
    assert "tomllib" not in loaded


def test_a_release_data_cache_hit_imports_no_network_stack(tmp_path: Path) -> None:
    """`check --input … --live-release-data` with the release data cached: no httpx, no
    asyncio, no logging (the cache is read synchronously)."""
    import os

    from faultserver import FaultServer, response

    answers = {
        b"/core/stable-check/1.0/": {"7.1": "latest"},
        b"/core/version-check/1.7/": {"offers": [{"response": "upgrade", "version": "7.1"}]},
        b"/plugins/info/1.2/": {"slug": "woocommerce", "version": "11.1.2"},
    }

    def script(attempt: int, request: bytes) -> Any:
        path = request.split(b" ", 2)[1].split(b"?")[0]
        yield response(200, answers[path])

    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("MEUM_DOCTOR_NO_CACHE", None)
    env.pop("MEUM_DOCTOR_OFFLINE", None)
    with FaultServer(script) as server:
        args = ["check", "--input", str(EXAMPLES / "healthy.json"), "--live-release-data",
                "--release-data-url", server.url]
        first = modules_after(tmp_path, *args, env=env)
        assert "httpx" in first  # the first run asked
        loaded = modules_after(tmp_path, *args, env=env)
        assert len(server.requests) == 3  # the second did not
    assert heavy(loaded) == set()
    assert {"asyncio", "ssl", "logging"} & loaded == set()
    assert "meum_doctor.sources.release_data" in loaded


def test_no_command_but_serve_loads_the_web_stack(tmp_path: Path) -> None:
    loaded = modules_after(tmp_path, "check", "--demo", "--now", NOW, "-f", "html")
    assert not {m.split(".")[0] for m in loaded} & {"starlette", "uvicorn", "multipart"}
    assert not {m for m in loaded if m.startswith("meum_doctor.web")}


@pytest.mark.parametrize(("args", "expect"), [
    (["causes"], "MC101"),
    (["causes", "--format", "markdown"], "MC101"),
    (["explain", "MC101"], "site-unreachable-from-meum"),
    (["explain", "MD301"], "MD301"),
    (["serve", "--help"], "--allow-live-site-report"),
])
def test_causes_explain_and_serve_help_stay_light(
    tmp_path: Path, args: list[str], expect: str
) -> None:
    loaded = modules_after(tmp_path, *args, expect=expect)
    # Neither the network nor the templates, nor the web stack (serve --help included).
    assert heavy(loaded) == set()
    assert {"asyncio", "ssl"} & loaded == set()
    assert not {m for m in loaded
                if m.startswith(("meum_doctor.web.server", "meum_doctor.web.diagnose",
                                 "meum_doctor.client"))}
