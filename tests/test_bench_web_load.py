"""bench/web_load.py, the load benchmark of ``meum-doctor serve``: a short real run (the
example API and the server as subprocesses on loopback), its verdicts on what a client may
see under overload, and the one failure that is not a number (a server that does not start).

Timings are not asserted (a shared machine is noisy); what the server answers is."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

pytest.importorskip("starlette", reason="the [web] extra is not installed")
pytest.importorskip("uvicorn", reason="the [web] extra is not installed")

BENCH = Path(__file__).resolve().parents[1] / "bench" / "web_load.py"


@pytest.fixture(scope="module")
def web_load() -> ModuleType:
    if not BENCH.exists():
        pytest.skip("bench/ is not in this checkout")
    spec = importlib.util.spec_from_file_location("web_load", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["web_load"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_a_short_run_reports_every_phase(web_load: ModuleType, tmp_path: Path) -> None:
    results = {name: (value, ok) for name, value, _, ok in web_load.measure(0.8, tmp_path)}
    assert "example API 100 ms" in results["serve, one diagnosis at a time"][0]
    # 10 clients within --max-concurrent 64: every answer a report.
    assert results["serve, 10 clients: errors"] == ("none", True)
    assert results["serve, 50 clients, --max-concurrent 64: errors"] == ("none", True)
    # 50 clients against 8 slots: refusals, every one a 503 with Retry-After.
    value, ok = results["serve, 50 clients, --max-concurrent 8: errors"]
    assert ok is True
    assert value.endswith(" x 503")
    assert "MiB" in results["serve, peak memory (VmHWM)"][0]
    assert "serve, memory over the 10 + 50 client phases" in results


def test_overload_allows_only_503_with_retry_after(web_load: ModuleType) -> None:
    phase = web_load.Phase(seconds=1.0, latencies=[0.1], statuses=Counter({"200": 1, "503": 4}))
    assert web_load.overload_row("x", phase)[3] is True
    phase.without_retry_after = 1
    _, value, _, ok = web_load.overload_row("x", phase)
    assert ok is False
    assert "1 without Retry-After" in value
    other = web_load.Phase(seconds=1.0, statuses=Counter({"200": 3, "503": 1, "500": 1}))
    assert web_load.overload_row("x", other)[3] is False
    dropped = web_load.Phase(seconds=1.0, statuses=Counter({"200": 3, "RemoteDisconnected": 1}))
    assert web_load.overload_row("x", dropped)[1] == "1 x RemoteDisconnected"
    assert web_load.overload_row("x", dropped)[3] is False


def test_a_server_that_cannot_start_is_reported(web_load: ModuleType, tmp_path: Path) -> None:
    # serve refuses a base URL that is not http(s) and exits at once.
    with pytest.raises(web_load.NotStarted, match="did not start"), web_load.serving(
        "ftp://example.invalid", 64, tmp_path
    ):
        pass


def test_main_exits_1_when_the_server_cannot_start(
    web_load: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(seconds: float, work: Path) -> list[object]:
        raise web_load.NotStarted("meum-doctor serve did not start: boom")

    monkeypatch.setattr(web_load, "measure", refuse)
    assert web_load.main(["--quick"]) == 1
    assert "did not start: boom" in capsys.readouterr().err
