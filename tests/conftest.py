"""Shared test helpers: run the real command line in process, and fixed inputs."""

from __future__ import annotations

import functools
import io
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from meum_doctor.cli import main
from meum_doctor.formats import load_schema
from meum_doctor.troubleshooting import find

# No test reaches the internet: release data is asked of a closed loopback port unless a
# test points it elsewhere (subprocesses inherit this too); .ci/run exports the same.
os.environ.setdefault("MEUM_DOCTOR_RELEASE_DATA_URL", "http://127.0.0.1:9")

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
NOW = "2026-11-28T12:00:00Z"
#: A recognisable key: every secrecy test looks for it (and for its tail) in all output.
SECRET_KEY = "sk_live_TESTSECRET_9f8e7d6c5b4a3210"
SECRET_TAIL = "TESTSECRET_9f8e7d6c5b4a3210"


def _loopback_only(address: object) -> None:
    import ipaddress

    if isinstance(address, tuple) and address and isinstance(address[0], str):
        host = address[0]
        try:
            loopback = host == "localhost" or ipaddress.ip_address(host.split("%")[0]).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise ConnectionRefusedError(f"tests may not connect to {host}: loopback only")


@pytest.fixture(autouse=True, scope="session")
def _no_internet() -> Any:
    """Every connection a test opens goes to loopback: one that does not fails loudly."""
    import socket

    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def connect(self: socket.socket, address: Any) -> None:
        _loopback_only(address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        _loopback_only(address)
        return real_connect_ex(self, address)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    yield
    socket.socket.connect, socket.socket.connect_ex = (  # type: ignore[method-assign]
        real_connect,
        real_connect_ex,
    )


@dataclass
class Result:
    code: int
    out: str
    err: str

    def assert_no_secret(self) -> None:
        for text in (self.out, self.err):
            assert SECRET_TAIL not in text


@pytest.fixture
def run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Any:
    """Run ``meum-doctor ARGS`` in process through the real entry point ``main``."""
    monkeypatch.delenv("MEUM_API_KEY", raising=False)
    monkeypatch.delenv("MEUM_API_BASE_URL", raising=False)
    monkeypatch.delenv("MEUM_DOCTOR_WC_KEY", raising=False)
    monkeypatch.delenv("MEUM_DOCTOR_WC_SECRET", raising=False)
    monkeypatch.delenv("MEUM_DOCTOR_CONFIG", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)

    def invoke(
        args: Sequence[str], *, env: dict[str, str] | None = None, stdin: bytes | None = None
    ) -> Result:
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        capsys.readouterr()
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        else:  # pragma: no cover - main always exits
            code = -1
        captured = capsys.readouterr()
        validate_json_outputs(args, code, captured.out)
        for line in captured.err.splitlines():
            # Every error any test provokes ends in a code the troubleshooting guide documents,
            # with one of that code's exit codes.
            if line.startswith(("meum-doctor: error: ", "meum-doctor: interrupted")):
                entry = find(line)
                assert entry is not None, f"no known [code] at the end (troubleshooting.py): {line}"
                assert code in entry.exit_codes, (line, code)
        return Result(code, captured.out, captured.err)

    return invoke


def example_bytes(name: str) -> bytes:
    return resources.files("meum_doctor.examples").joinpath(f"{name}.json").read_bytes()


def status_bytes(**fields: Any) -> bytes:
    return json.dumps(fields).encode()


def assert_one_line_error(result: Result) -> None:
    """The failure was told in one line on stderr, with no traceback."""
    assert "Traceback" not in result.err
    lines = [line for line in result.err.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("meum-doctor: error: ")]
    assert len(errors) == 1, result.err


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite the golden report files in tests/golden instead of comparing with them.",
    )


# JSON Schemas: every JSON document the suite sees is checked against the shipped schema ------


@functools.cache
def _validator(name: str) -> Any:
    from jsonschema import Draft202012Validator

    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)  # the shipped schema is itself valid
    return Draft202012Validator(schema)


def schema_errors(document: Any, name: str) -> list[str]:
    """Why ``document`` does not follow the shipped schema ``name`` (report, batch, error)."""
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
        for error in _validator(name).iter_errors(document)
    ]


def assert_valid(document: str | bytes | dict[str, Any], name: str) -> dict[str, Any]:
    """``document`` (JSON text or parsed) follows the schema ``name``; returns it parsed."""
    data = json.loads(document) if isinstance(document, str | bytes) else document
    problems = schema_errors(data, name)
    assert not problems, f"not a valid {name} document:\n" + "\n".join(problems[:20])
    return data


def assert_valid_report(document: str | bytes | dict[str, Any]) -> dict[str, Any]:
    """A JSON report, checked against ``meum-doctor schema report``; returns it parsed."""
    return assert_valid(document, "report")


def assert_valid_summary(document: str | bytes | dict[str, Any]) -> dict[str, Any]:
    """A JSON batch summary, checked against ``meum-doctor schema batch``."""
    return assert_valid(document, "batch")


def assert_valid_error(document: str | bytes | dict[str, Any]) -> dict[str, Any]:
    """A JSON error object, checked against ``meum-doctor schema error``."""
    return assert_valid(document, "error")


def assert_valid_json_output(document: str | bytes | dict[str, Any]) -> dict[str, Any]:
    """Whatever JSON a run wrote (a report, a summary or an error), checked by its kind."""
    data = json.loads(document) if isinstance(document, str | bytes) else document
    kind = "error" if "error" in data else "batch" if data.get("kind") == "batch" else "report"
    return assert_valid(data, kind)


def _option(args: Sequence[str], *names: str) -> str | None:
    """The value of the last of the options ``names`` in ``args`` (``-f json``,
    ``--format=json``, ``-fjson``), as click would read it."""
    found = None
    for index, arg in enumerate(args):
        for name in names:
            if arg == name and index + 1 < len(args):
                found = args[index + 1]
            elif name.startswith("--") and arg.startswith(name + "="):
                found = arg.split("=", 1)[1]
            elif not name.startswith("--") and arg.startswith(name) and len(arg) > len(name):
                found = arg[len(name):]
    return found


#: Exit codes after which check (or batch) has written its report (or summary) to -o.
_WROTE = {"check": {0, 1, 5}, "batch": {0, 1, 3, 5, 130}}


def validate_json_outputs(args: Sequence[str], code: int, out: str) -> None:
    """Every JSON document a ``check``/``batch -f json`` run wrote, validated by its schema:
    standard output, the ``-o`` file and the per-store reports of ``--output-dir``."""
    args = list(args)
    command = next((a for a in args if not a.startswith("-")), None)
    if command not in _WROTE or _option(args, "-f", "--format") != "json":
        return
    output = _option(args, "-o", "--output")
    to_stdout = output in (None, "-")
    documents = []
    if out.strip():
        data = json.loads(out)
        # With -o FILE standard output holds only what else was asked there (--save-status -),
        # or the JSON error object of a run that could not produce its document.
        if to_stdout or "error" in data:
            documents.append(assert_valid_json_output(data))
    written = (
        output
        and not to_stdout
        and code in _WROTE[command]
        and not output.startswith(("/dev/", "/proc/"))  # standard output by name, /dev/null
        and os.path.isfile(output)
    )
    if written:
        with open(output, encoding="utf-8") as file:
            documents.append(assert_valid_json_output(file.read()))
    for document in documents:
        for store in document.get("stores", []) if document.get("kind") == "batch" else []:
            if store["report_file"] and os.path.isfile(store["report_file"]):
                with open(store["report_file"], encoding="utf-8") as file:
                    assert_valid_report(file.read())
