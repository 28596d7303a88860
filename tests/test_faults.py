"""The fault matrix: every way the API (and what stands before it) can fail, through the CLI.

For each case: the exit code, one clear line on stderr, no traceback, the run ends within
its timeout and retry bounds, and the key appears nowhere. The same matrix then runs again
with ``--debug`` and the command line's key scrubber switched off, to prove the key is
absent from every log record, exception and traceback at the source, not merely hidden.
"""

from __future__ import annotations

import json
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import SECRET_KEY, SECRET_TAIL, assert_one_line_error, example_bytes
from faultserver import (
    CLOSE,
    FaultServer,
    Script,
    always,
    gzip_broken,
    gzip_layers,
    http_date,
    in_turn,
    response,
)

HEALTHY = example_bytes("healthy")
STATUS = "/v1/integration/woocommerce/status"
ECHO = json.dumps(SECRET_KEY)[1:-1].replace("/", "\\/").encode()
ERROR_500 = {"error": {"type": "api_error", "code": "INTERNAL_ERROR", "message": "Something broke"}}


@dataclass
class Case:
    name: str
    script: Script
    code: int
    message: str = ""
    #: Requests the server must have seen (None: not checked).
    requests: int | None = None
    max_seconds: float = 5.0
    min_seconds: float = 0.0
    timeout: float = 1.0
    extra: list[str] = field(default_factory=list)
    #: The server sends the key back: only the scrubbers keep it out of --debug's HTTP log.
    echoes: bool = False


def nested(levels: int) -> bytes:
    return b'{"issues": ' + b"[" * levels + b"]" * levels + b"}"


CASES = [
    Case("500 with the current error shape", always(response(500, ERROR_500)), 3,
         "server error (HTTP 500", requests=1),
    Case("502 then success", in_turn([response(502)], [response(200, HEALTHY)]), 0, requests=2),
    Case("503 three times", always(response(503, headers={"Retry-After": "1"})), 3,
         "HTTP 503", requests=3, min_seconds=2.0, max_seconds=6.0),
    Case("429 with Retry-After as an HTTP date", in_turn(
        [response(429, headers={"Retry-After": http_date(2)})], [response(200, HEALTHY)]),
         0, requests=2, max_seconds=5.0),
    Case("Retry-After 999999 is capped, not slept", always(
        response(429, headers={"Retry-After": "999999"})), 3, "asks to wait 999999 s",
         requests=1, max_seconds=2.0),
    Case("404", always(response(404, {"error": {"code": "not_found"}})), 3, "HTTP 404", requests=1),
    Case("deeply nested JSON", always(response(200, nested(10_000))), 3,
         "nested more than 200 levels"),
    Case("redirect loop", always(response(302, headers={"Location": "/v1/integration/woocommerce/status"})),
         3, "redirected more than 5 times"),
    Case("same-site redirect is followed", in_turn(
        [response(307, headers={"Location": "/v1/moved"})], [response(200, HEALTHY)]), 0,
         requests=2),
    Case("Content-Type says HTML but the body is JSON",
         always(response(200, HEALTHY, {"Content-Type": "text/html"})), 0),
    Case("Content-Type says JSON but the body is HTML", always(
        response(200, b"<html><head><title>502</title></head><body>Bad gateway</body></html>")),
         3, "looks like an HTML page"),
    Case("broken gzip", always(response(200, gzip_broken(HEALTHY), {"Content-Encoding": "gzip"})),
         3, "could not be decoded"),
    Case("binary body", always(response(200, bytes(range(256)) * 4)), 3, "not text"),
    Case("empty body", always(response(200, b"")), 3, "the status is empty"),
    Case("truncated body", always(response(200, HEALTHY[:40])), 3, "truncated"),
    Case("huge body without Content-Length", always(
        response(200, b"", content_length=False), b'{"issues": ["', *[b"x" * 65536] * 40),
         3, "larger than 1024 KiB"),
    Case("connection dropped mid-body", always(
        response(200, HEALTHY, {"Content-Length": "5000"})[:200], CLOSE), 3,
         "broke before the whole answer arrived", requests=3),
    Case("connection closed with no answer", always(CLOSE), 3,
         "the server closed the connection early", requests=3),
    Case("answer slower than the timeout", always(1.5, response(200, HEALTHY)), 3,
         "did not answer within 0.5 s", requests=3, timeout=0.5, max_seconds=6.0),
    Case("body drip-fed past the timeout", always(
        response(200, HEALTHY)[:150], *[x for _ in range(10) for x in (0.2, b" ")]), 3,
         "did not answer within 0.5 s", requests=3, timeout=0.5, max_seconds=3 * 0.5 + 2),
    Case("garbage instead of HTTP", always(b"SSH-2.0-OpenSSH_9.0\r\n\r\n"), 3,
         "did not answer in HTTP", requests=1),
    # The key sent back, PHP-style (/ as \/), in the body, a request id and a redirect's query.
    Case("key echoed everywhere", in_turn(
        [response(302, headers={"Location": f"{STATUS}?k={SECRET_KEY}"})],
        [response(200, HEALTHY.replace(b'"issues": [', b'"issues": ["' + ECHO + b'"', 1)
                  .replace(b'"health_status"', b'"echo": "' + ECHO + b'", "health_status"', 1),
                  headers={"Request-Id": SECRET_KEY})]), 0, requests=2, echoes=True),
]

# Content codings: one layer of gzip or deflate only, decoded a bounded step at a time.
BOMB = b'{"issues": ["' + b"0" * (64 * 1024 * 1024) + b'"]}'  # 64 MiB, about 64 KiB gzipped
DOUBLE_BOMB = gzip_layers(b'{"issues": ["' + b"0" * (16 * 1024 * 1024) + b'"]}', 2)
CASES += [
    Case("gzip", always(response(200, gzip_layers(HEALTHY, 1), {"Content-Encoding": "gzip"})), 0),
    Case("deflate (zlib)", always(
        response(200, zlib.compress(HEALTHY), {"Content-Encoding": "deflate"})), 0),
    Case("deflate (raw)", always(response(200, zlib.compress(HEALTHY, wbits=-15),
                                          {"Content-Encoding": "deflate"})), 0),
    Case("gzip, gzip is refused", always(
        response(200, DOUBLE_BOMB, {"Content-Encoding": "gzip, gzip"})), 3,
         "compressed more than once (Content-Encoding: gzip, gzip)", requests=1, max_seconds=2.0),
    Case("gzip in two header lines is refused", always(
        response(200, DOUBLE_BOMB, {"Content-Encoding": "gzip\r\nContent-Encoding: GZip"})), 3,
         "compressed more than once", requests=1, max_seconds=2.0),
    Case("three layers are refused", always(response(
        200, gzip_layers(HEALTHY, 3), {"Content-Encoding": "gzip, deflate, gzip"})), 3,
         "compressed more than once", max_seconds=2.0),
    Case("a gzip bomb stops at 1 MiB", always(
        response(200, gzip_layers(BOMB, 1), {"Content-Encoding": "gzip"})), 3,
         "larger than 1024 KiB", requests=1, max_seconds=3.0),
    Case("a coding not asked for", always(response(200, HEALTHY, {"Content-Encoding": "br"})), 3,
         "could not be decoded: it uses the content coding 'br'", requests=1),
    Case("gzip cut short", always(response(
        200, gzip_layers(HEALTHY, 1)[:-30], {"Content-Encoding": "gzip"})), 3,
         "could not be decoded (the compressed data ends early)", requests=1),
    Case("500 with a stacked coding is still a 500", always(response(
        500, gzip_layers(json.dumps(ERROR_500).encode(), 2), {"Content-Encoding": "gzip, gzip"})),
         3, "server error (HTTP 500", requests=1),
]

#: The error code each failing case ends in (on the stderr line and in the JSON error object).
ERROR_CODES = {
    "500 with the current error shape": "server-error",
    "503 three times": "server-error",
    "Retry-After 999999 is capped, not slept": "rate-limited",
    "404": "not-found",
    "deeply nested JSON": "too-deep",
    "redirect loop": "redirect",
    "Content-Type says JSON but the body is HTML": "not-json",
    "broken gzip": "decode",
    "binary body": "not-text",
    "empty body": "empty",
    "truncated body": "not-json",
    "huge body without Content-Length": "too-large",
    "connection dropped mid-body": "broken-connection",
    "connection closed with no answer": "broken-connection",
    "answer slower than the timeout": "timeout",
    "body drip-fed past the timeout": "timeout",
    "garbage instead of HTTP": "not-http",
    "gzip, gzip is refused": "decode",
    "gzip in two header lines is refused": "decode",
    "three layers are refused": "decode",
    "a gzip bomb stops at 1 MiB": "too-large",
    "a coding not asked for": "decode",
    "gzip cut short": "decode",
    "500 with a stacked coding is still a 500": "server-error",
}


def test_only_gzip_and_deflate_are_asked_for(run: Any, tmp_path: Path) -> None:
    case = Case("ok", always(response(200, HEALTHY)), 0)
    result, _, server = run_case(run, case, tmp_path)
    assert result.code == 0
    assert b"\r\naccept-encoding: gzip, deflate\r\n" in server.requests[0].lower()
    # Set by meum-doctor itself, not left to httpx (which adds br and zstd when installed).
    from meum_doctor.client import request_headers

    assert request_headers(SECRET_KEY)["Accept-Encoding"] == "gzip, deflate"


def run_case(run: Any, case: Case, tmp_path: Path, *extra: str) -> tuple[Any, float, FaultServer]:
    with FaultServer(case.script) as server:
        started = time.monotonic()
        result = run(
            ["check", "--base-url", server.url, "--timeout", str(case.timeout),
             "--save-status", str(tmp_path / "saved.json"), *case.extra, *extra],
            env={"MEUM_API_KEY": SECRET_KEY},
        )
        return result, time.monotonic() - started, server


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_fault(run: Any, case: Case, tmp_path: Path) -> None:
    result, elapsed, server = run_case(run, case, tmp_path, "-f", "json")
    assert result.code == case.code, result.err
    result.assert_no_secret()
    if case.code in (0, 1):
        assert json.loads(result.out)["source"]["type"] == "api"
        assert result.err == ""
    else:
        assert_one_line_error(result)
        assert case.message in result.err
        # -f json: the error object on standard output, with the line's code and message.
        error = json.loads(result.out)["error"]
        assert error["code"] == ERROR_CODES[case.name]
        assert result.err.endswith(f" [{error['code']}]\n")
        assert error["message"] in result.err
        if case.requests is not None:
            assert error["retried"] is (case.requests > 1)
    if case.requests is not None:
        assert len(server.requests) == case.requests
    assert case.min_seconds <= elapsed <= case.max_seconds
    for request in server.requests:
        assert f"Bearer {SECRET_KEY}".encode() in request  # the key went where it belongs


def test_redirect_to_another_host_does_not_take_the_key(run: Any, tmp_path: Path) -> None:
    with FaultServer(always(response(200, HEALTHY)), host="localhost") as other:
        target = f"{other.url}/v1/integration/woocommerce/status"
        case = Case("cross-host", always(response(302, headers={"Location": target})), 3)
        result, _, server = run_case(run, case, tmp_path)
    assert result.code == 3
    assert_one_line_error(result)
    assert "redirected to another site (http://localhost)" in result.err
    assert other.requests == []  # the key never reached the other host
    assert len(server.requests) == 1
    result.assert_no_secret()


@pytest.mark.parametrize("case", [c for c in CASES if not c.echoes], ids=lambda c: c.name)
def test_fault_with_debug_never_shows_the_key_even_unscrubbed(
    run: Any, case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import meum_doctor.cli
    import meum_doctor.logs

    # The last line of defence off: error lines and log lines are not scrubbed at all.
    monkeypatch.setattr(meum_doctor.cli, "_scrub", lambda secrets, text: text)
    monkeypatch.setattr(meum_doctor.logs, "scrub", lambda secrets, text: text)
    formats = ["text", "markdown", "html", "json"] if case.code in (0, 1) else ["json"]
    for fmt in formats:
        out = tmp_path / f"report.{fmt}"
        result, _, _ = run_case(run, case, tmp_path, "--debug", "-v", "-f", fmt, "-o", str(out))
        assert result.code == case.code
        assert SECRET_TAIL not in result.out + result.err
        for written in tmp_path.iterdir():
            if written.is_file():
                assert SECRET_TAIL.encode() not in written.read_bytes(), written.name


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json"])
def test_an_echoed_key_stays_out_of_debug_output_and_every_file(
    run: Any, tmp_path: Path, fmt: str
) -> None:
    case = next(c for c in CASES if c.echoes)
    out = tmp_path / f"report.{fmt}"
    result, _, _ = run_case(run, case, tmp_path, "--debug", "-v", "-f", fmt, "-o", str(out))
    assert result.code == case.code
    result.assert_no_secret()
    for written in tmp_path.iterdir():
        assert b"9f8e7d6c5b4a3210" not in written.read_bytes(), written.name


def test_verbose_shows_only_the_key_prefix(run: Any, tmp_path: Path) -> None:
    case = Case("ok", always(response(200, HEALTHY)), 0)
    result, _, _ = run_case(run, case, tmp_path, "-v")
    assert "with key sk_live_…" in result.err
    result.assert_no_secret()
