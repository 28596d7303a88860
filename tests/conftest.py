"""Shared test helpers: run the real command line in process, and fixed inputs."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from meum_doctor.cli import main
from meum_doctor.troubleshooting import find

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
NOW = "2026-11-28T12:00:00Z"
#: A recognisable key: every secrecy test looks for it (and for its tail) in all output.
SECRET_KEY = "sk_live_TESTSECRET_9f8e7d6c5b4a3210"
SECRET_TAIL = "TESTSECRET_9f8e7d6c5b4a3210"


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
