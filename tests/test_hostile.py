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
    from meum_doctor import batch

    (tmp_path / "a.json").write_bytes(HEALTHY)
    (tmp_path / "b.json").write_bytes(HEALTHY)
    real_read = batch.read_file

    def read(path: str) -> Any:
        if path.endswith("a.json"):
            raise MemoryError
        return real_read(path)

    monkeypatch.setattr(batch, "read_file", read)
    result = run(["batch", str(tmp_path), "--now", NOW, "-f", "json"])
    summary = json.loads(result.out)
    assert [s["label"] for s in summary["stores"]] == ["b"]
    assert summary["not_checked"][0]["error"] == "internal error: MemoryError"
    assert result.code == 3
