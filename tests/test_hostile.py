"""Hostile input must cost little: stacked compression in batch, and reports of bounded size
whatever a status holds (items 9 and 10 of the safety issue)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW, example_bytes
from faultserver import FaultServer, gzip_layers, response

KEY_A = "sk_live_STOREA_" + "a" * 20
KEY_B = "sk_live_STOREB_" + "b" * 20
HEALTHY = example_bytes("healthy")


def by_key(answers: dict[str, bytes]) -> Any:
    """A fault-server script answering each store (by its Bearer key) with its own bytes."""

    def script(attempt: int, request: bytes) -> Iterator[object]:
        for key, answer in answers.items():
            if f"Bearer {key}".encode() in request:
                yield answer
                return
        yield response(401)

    return script


def keys_file(tmp_path: Path) -> str:
    path = tmp_path / "keys.txt"
    path.write_text(f"bomb,{KEY_A}\nfine,{KEY_B}\n")
    return str(path)


def test_a_stacked_coding_fails_one_store_not_the_batch(run: Any, tmp_path: Path) -> None:
    answers = {
        KEY_A: response(200, gzip_layers(b'{"issues": ["' + b"0" * 2_000_000 + b'"]}', 2),
                        {"Content-Encoding": "gzip, gzip"}),
        KEY_B: response(200, HEALTHY),
    }
    with FaultServer(by_key(answers)) as server:
        result = run(["batch", "--keys-file", keys_file(tmp_path), "--base-url", server.url,
                      "--now", NOW, "-f", "json"])
    summary = json.loads(result.out)
    assert [s["label"] for s in summary["stores"]] == ["fine"]
    [failed] = summary["not_checked"]
    assert failed["label"] == "bomb"
    assert "compressed more than once (Content-Encoding: gzip, gzip)" in failed["error"]
    assert result.code == 3


def test_memory_error_for_one_store_does_not_stop_the_batch(
    run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever one store raises, MemoryError included, the others run and the summary shows."""
    from meum_doctor import client

    real_init = client.Decoder.__init__

    def exhausted(self: client.Decoder, coding: str | None) -> None:
        if coding == "gzip":
            raise MemoryError
        real_init(self, coding)

    monkeypatch.setattr(client.Decoder, "__init__", exhausted)
    answers = {
        KEY_A: response(200, gzip_layers(HEALTHY, 1), {"Content-Encoding": "gzip"}),
        KEY_B: response(200, HEALTHY),
    }
    with FaultServer(by_key(answers)) as server:
        result = run(["batch", "--keys-file", keys_file(tmp_path), "--base-url", server.url,
                      "--now", NOW, "-f", "text"])
    assert result.code == 3
    assert "fine" in result.out
    assert "bomb: internal error: MemoryError" in result.out
    assert "Traceback" not in result.err


def test_memory_error_reading_one_file_does_not_stop_the_batch(
    run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from meum_doctor.sources import meum_status

    (tmp_path / "a.json").write_bytes(HEALTHY)
    (tmp_path / "b.json").write_bytes(HEALTHY)
    real_read = meum_status.read_file

    def read(path: str, **options: Any) -> Any:
        if path.endswith("a.json"):
            raise MemoryError
        return real_read(path, **options)

    monkeypatch.setattr(meum_status, "read_file", read)
    result = run(["batch", str(tmp_path), "--now", NOW, "-f", "json"])
    summary = json.loads(result.out)
    assert [s["label"] for s in summary["stores"]] == ["b"]
    assert summary["not_checked"][0]["error"] == "internal error: MemoryError"
    assert result.code == 3


# Reports of bounded size ------------------------------------------------------------------

MIB = 1024 * 1024


def fill(make: Any, budget: int = MIB - 64) -> bytes:
    """The status ``make(n)`` with the largest n whose JSON stays within ``budget`` bytes."""
    def size(n: int) -> int:
        return len(json.dumps(make(n), ensure_ascii=False).encode())

    high = 1
    while size(high) <= budget:
        high *= 2
    low = high // 2
    while low < high:
        middle = (low + high + 1) // 2
        if size(middle) <= budget:
            low = middle
        else:
            high = middle - 1
    return json.dumps(make(low), ensure_ascii=False).encode()


def deep(n: int) -> dict[str, Any]:
    value: Any = [0] * n
    for _ in range(190):
        value = [value]
    return {"connected": True, "extra": value}


QUOTED_FIELDS = (
    "status", "connection_status", "health_status", "plugin_version", "wordpress_version",
    "woocommerce_version", "credential_status", "credential_prefix", "webhook_health",
    "integration_id", "webhook_url", "last_seen_at",
)
HOSTILE_STATUSES = {
    # Each has a field only a Meum status has ("connected", "connection_status"): a file with
    # only generic ones (status, issues) is refused before any report.
    "many bad issues": lambda n: {"connected": True, "issues": [0] * n},
    "many issues": lambda n: {"connected": True, "issues": ["a"] * n},
    "many bad fields": lambda n: {"issues": [{}] * n, "connected": [0] * n},
    "many unknown fields": lambda n: {
        "connection_status": "CONNECTED", **{f"f{i}": 0 for i in range(n)}},
    "long string": lambda n: {"connected": True, "issues": ["&" * n]},
    "long invisible string": lambda n: {"connected": True, "issues": ["\u200b" * n] * 3},
    "long emoji issues": lambda n: {"connected": True, "issues": ["\U0001f600" * n] * 25},
    "quotes and ampersands": lambda n: {
        "connection_status": "CONNECTED", "x": ['"&<' * 10] * n},
    "deep-ish nesting": deep,
    "long site address": lambda n: {
        "site_url": "https://shop.example/" + "&" * n, "connected": True, "status": "ERROR",
        "health_status": "DOWN", "webhook_health": "FAILING", "plugin_version": "0.1",
        "woocommerce_version": "1.0", "wordpress_version": "1.0", "credential_status": "BAD"},
    "every field quoted": lambda n: {
        **dict.fromkeys(QUOTED_FIELDS, "\U000e0041" * n),
        "site_url": "https://shop.example/" + "\U000e0041" * n,
        "issues": ["\U000e0041" * n] * 25, "connected": True},
}


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    files = {}
    for name, make in HOSTILE_STATUSES.items():
        files[name] = folder / f"{name.replace(' ', '-')}.json"
        files[name].write_bytes(fill(make))
    return files


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json"])
@pytest.mark.parametrize("shape", list(HOSTILE_STATUSES))
def test_a_hostile_status_makes_a_bounded_report(
    run: Any, hostile_files: dict[str, Path], shape: str, fmt: str
) -> None:
    import time

    path = hostile_files[shape]
    assert MIB - 4096 < path.stat().st_size <= MIB
    started = time.perf_counter()
    result = run(["check", "--input", str(path), "--now", NOW, "-f", fmt, "-v"])
    elapsed = time.perf_counter() - started
    assert result.code in (0, 1), result.err
    size = len(result.out.encode())
    assert size < 4_000_000, size
    assert elapsed < 2.0, elapsed


def test_md901_and_parse_problems_are_capped(run: Any, tmp_path: Path) -> None:
    path = tmp_path / "zeros.json"
    # The connection fields are sent, so every MD901 finding is about the bad issues.
    connected = {"connected": True, "status": "CONNECTED", "connection_status": "CONNECTED"}
    path.write_bytes(json.dumps({**connected, "issues": [0] * 340_000}).encode())
    result = run(["check", "--input", str(path), "--now", NOW, "-f", "json"])
    report = json.loads(result.out)
    md901 = [f for f in report["findings"] if f["rule"] == "MD901"]
    assert len(md901) == 21
    assert md901[-1]["title"] == (
        "And 339980 more status fields could not be read, not listed one by one"
    )
    assert md901[-1]["evidence"]["problems.count"] == 340_000
    assert len(report["parse_problems"]) == 20
    assert report["parse_problems_omitted"] == 339_980
    for fmt in ("markdown", "html"):
        out = run(["check", "--input", str(path), "--now", NOW, "-f", fmt]).out
        assert "and 339980 more, not listed one by one" in out, fmt


def test_a_large_raw_status_is_shown_compact(run: Any, tmp_path: Path) -> None:
    small, large = tmp_path / "small.json", tmp_path / "large.json"
    small.write_bytes(json.dumps({"connected": True, "extra": ["x" * 10] * 10}).encode())
    large.write_bytes(json.dumps({"connected": True, "extra": ["x" * 10] * 6000}).encode())
    for path, indented in ((small, True), (large, False)):
        html = run(["check", "--input", str(path), "--now", NOW, "-f", "html"]).out
        raw = html.split('<pre id="raw-status">', 1)[1].split("</pre>", 1)[0]
        assert ("\n  &#34;connected" in raw) is indented
        markdown = run(["check", "--input", str(path), "--now", NOW, "-f", "markdown"]).out
        assert ('\n  "connected"' in markdown) is indented
        report = run(["check", "--input", str(path), "--now", NOW, "-f", "json"]).out
        assert ("\n  " in report) is indented
