"""An API that echoes the key back, in every way one was seen to: the key never reaches a
report, a summary, a saved status or its meta file, in any format, on stdout or in a file.

Each case runs the real command line against a real HTTP server on 127.0.0.1. The keys end
in a run of letters and digits that no escaping changes (Markdown backslashes underscores,
HTML escapes quotes), and every check looks for that run, so a key escaped on its way out
is caught as surely as a key printed whole.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from conftest import NOW, example_bytes
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

PATH = "/v1/integration/woocommerce/status"
FORMATS = ["text", "markdown", "html", "json"]
TAIL = "Zq7Wx3Vb9Nm2Lk5Jh8"
KEY = f"sk_live_echo_{TAIL}"
#: Keys with the characters JSON escapes: PHP writes / as \/, and " and \ are escaped.
SLASH_KEY = f"sk_live_ec/ho_{TAIL}"
QUOTE_KEY = f'sk_live_ec"ho\\x_{TAIL}'
OTHER_TAIL = "Pp4Rr6Tt8Yy1Uu3Ii5"
OTHER_KEY = f"sk_live_other_{OTHER_TAIL}"


def assert_no_key(*texts: str | bytes) -> None:
    for text in texts:
        data = text.encode() if isinstance(text, str) else text
        for tail in (TAIL, OTHER_TAIL):
            assert tail.encode() not in data


def degraded_echoing(echo: str) -> bytes:
    """The degraded example with ``echo`` (bytes as the API wrote them) among its issues."""
    return example_bytes("degraded").replace(
        b'"issues": [', b'"issues": ["your key is ' + echo.encode() + b'", ', 1
    )


def php_json(value: str) -> str:
    """``value`` as PHP's json_encode writes it inside a string: / as \\/."""
    return json.dumps(value)[1:-1].replace("/", "\\/")


# check ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "echo"),
    [
        (SLASH_KEY, php_json(SLASH_KEY)),
        (QUOTE_KEY, php_json(QUOTE_KEY)),
        (SLASH_KEY, quote(SLASH_KEY, safe="")),
    ],
    ids=["php-slash", "quote-backslash", "percent"],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_key_echoed_with_json_escapes_is_removed(
    run: Any, httpserver: HTTPServer, tmp_path: Path, key: str, echo: str, fmt: str
) -> None:
    httpserver.expect_request(PATH).respond_with_data(degraded_echoing(echo))
    out = tmp_path / f"report.{fmt}"
    for output in ([], ["-o", str(out)]):
        result = run(["check", "--base-url", httpserver.url_for(""), "--now", NOW, "-f", fmt,
                      "-v", *output], env={"MEUM_API_KEY": key})
        assert result.code == 1, result.err
        assert_no_key(result.out, result.err)
    assert_no_key(out.read_bytes())
    if fmt == "json":
        report = json.loads(out.read_text())
        assert any("your key is sk_live_…" in f["title"] for f in report["findings"])
        assert "your key is sk_live_…" in json.dumps(report["status"], ensure_ascii=False)


@pytest.mark.parametrize("redact", [[], ["--redact"]], ids=["plain", "redact"])
@pytest.mark.parametrize("fmt", ["markdown", "html", "json"])  # the formats that show it
def test_a_request_id_that_is_the_key_is_not_shown(
    run: Any, httpserver: HTTPServer, fmt: str, redact: list[str]
) -> None:
    httpserver.expect_request(PATH).respond_with_data(
        example_bytes("healthy"), headers={"Request-Id": KEY}
    )
    result = run(["check", "--base-url", httpserver.url_for(""), "--now", NOW, "-f", fmt,
                  *redact], env={"MEUM_API_KEY": KEY})
    assert result.code == 0, result.err
    assert_no_key(result.out, result.err)
    if fmt == "json":
        assert json.loads(result.out)["source"]["request_id"] == "sk_live_…"
    else:
        assert "API request id" in result.out  # the row is there, without the key


def redirecting_to_the_key(httpserver: HTTPServer) -> None:
    """A same-site redirect to the status URL with the key in its query, then the status."""

    def handler(request: Request) -> Response:
        if request.args.get("k"):
            return Response(example_bytes("healthy"), content_type="application/json")
        return Response(status=302, headers={"Location": f"{PATH}?k={KEY}&shop=harbor"})

    httpserver.expect_request(PATH).respond_with_handler(handler)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_redirect_with_the_key_in_its_query_is_shown_without_it(
    run: Any, httpserver: HTTPServer, fmt: str
) -> None:
    redirecting_to_the_key(httpserver)
    result = run(["check", "--base-url", httpserver.url_for(""), "--now", NOW, "-f", fmt],
                 env={"MEUM_API_KEY": KEY})
    assert result.code == 0, result.err
    assert len(httpserver.log) == 2  # the redirect was followed (same site)
    assert_no_key(result.out, result.err)
    assert "shop=harbor" not in result.out  # no query string at all, not just the key
    if fmt == "json":
        assert json.loads(result.out)["source"]["location"] == httpserver.url_for(PATH)
    if fmt == "text":
        assert f"Source: Meum API, {httpserver.url_for(PATH)}\n" in result.out


def test_a_404_message_shows_the_url_without_its_query(
    run: Any, httpserver: HTTPServer
) -> None:
    def handler(request: Request) -> Response:
        if request.args.get("k"):
            return Response(status=404)
        return Response(status=302, headers={"Location": f"{PATH}?k=abc{TAIL}"})

    httpserver.expect_request(PATH).respond_with_handler(handler)
    result = run(["check", "--base-url", httpserver.url_for(""), "--now", NOW],
                 env={"MEUM_API_KEY": KEY})
    assert result.code == 3
    assert f"status at {httpserver.url_for(PATH)} (HTTP 404" in result.err
    assert TAIL not in result.err  # a token in a query is not the run's key, and still hidden


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_last_pass_over_the_output_catches_what_the_report_missed(
    run: Any, httpserver: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """With the report's own removal switched off, the pass over what is written still
    removes the key (text and JSON: formats that write it unescaped)."""
    from meum_doctor.secrets import Secrets

    monkeypatch.setattr(Secrets, "scrub_data", lambda self, value: value)
    httpserver.expect_request(PATH).respond_with_data(degraded_echoing(KEY))
    out = tmp_path / "report"
    for output in ([], ["-o", str(out)]):
        result = run(["check", "--base-url", httpserver.url_for(""), "--now", NOW, "-f", fmt,
                      *output], env={"MEUM_API_KEY": KEY})
        assert result.code == 1
        assert_no_key(result.out, result.err)
    assert_no_key(out.read_bytes())
    assert "your key is sk_live_…" in out.read_text()


# --save-status and a later --input --------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "echo"),
    [(KEY, KEY), (SLASH_KEY, php_json(SLASH_KEY)), (QUOTE_KEY, php_json(QUOTE_KEY)),
     (KEY, "".join(f"\\u{ord(c):04X}" for c in KEY)), (SLASH_KEY, quote(SLASH_KEY, safe=""))],
    ids=["plain", "php-slash", "quote-backslash", "unicode-escapes", "percent"],
)
def test_save_status_removes_the_echo_and_a_later_input_run_cannot_show_it(
    run: Any, httpserver: HTTPServer, tmp_path: Path, key: str, echo: str
) -> None:
    body = degraded_echoing(echo).replace(b'"health_status"', b'"note": "' + echo.encode()
                                          + b'", "health_status"', 1)
    httpserver.expect_request(PATH).respond_with_data(body, headers={"Request-Id": key})
    saved = tmp_path / "saved.json"
    first = run(["check", "--base-url", httpserver.url_for(""), "--now", NOW, "-f", "json",
                 "--save-status", str(saved)], env={"MEUM_API_KEY": key})
    assert first.code == 1, first.err
    assert_no_key(first.out, first.err, saved.read_bytes())
    # Only the echoes changed: the rest of the body is as received.
    marker = b"[secret-removed-by-meum-doctor]"
    assert saved.read_bytes() == body.replace(echo.encode(), marker)
    meta = json.loads((tmp_path / "saved.json.meta.json").read_text())
    assert_no_key(json.dumps(meta))
    assert meta["secrets_removed"] == 2
    assert meta["request_id"] == marker.decode()
    assert meta["source"] == httpserver.url_for(PATH)
    assert meta["fingerprint"] == json.loads(first.out)["fingerprint"]  # the body as received

    # A later run without the key (on another machine, a colleague's) has nothing to hide.
    for fmt in FORMATS:
        later = run(["check", "--input", str(saved), "--now", NOW, "-f", fmt, "-v"])
        assert later.code == 1, later.err
        assert_no_key(later.out, later.err)


def test_save_status_after_a_redirect_keeps_no_query_in_its_meta(
    run: Any, httpserver: HTTPServer, tmp_path: Path
) -> None:
    redirecting_to_the_key(httpserver)
    saved = tmp_path / "saved.json"
    result = run(["check", "--base-url", httpserver.url_for(""), "--now", NOW,
                  "--save-status", str(saved)], env={"MEUM_API_KEY": KEY})
    assert result.code == 0, result.err
    meta = json.loads((tmp_path / "saved.json.meta.json").read_text())
    assert meta["source"] == httpserver.url_for(PATH)
    assert meta["secrets_removed"] == 0
    assert saved.read_bytes() == example_bytes("healthy")


# batch ------------------------------------------------------------------------------------


def echoing_api(httpserver: HTTPServer) -> None:
    """Per key: a 401 quoting it, a 500 quoting it, a request id that is the key."""

    def handler(request: Request) -> Response:
        key = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if key == KEY:
            body = {"error": {"code": "invalid_api_key", "message": f"No such key: '{key}'"}}
            return Response(json.dumps(body).replace("/", "\\/"), status=401,
                            headers={"Request-Id": key})
        if key == OTHER_KEY:
            body = {"error": {"code": "internal", "message": f"failed for {key}"}}
            return Response(json.dumps(body), status=500, headers={"X-Request-Id": key})
        return Response(example_bytes("healthy"), headers={"Request-Id": f"req_{KEY}"})

    httpserver.expect_request(PATH).respond_with_handler(handler)


@pytest.mark.parametrize("fmt", FORMATS)
def test_batch_summaries_never_quote_an_echoed_key(
    run: Any, httpserver: HTTPServer, tmp_path: Path, fmt: str
) -> None:
    echoing_api(httpserver)
    third = "sk_live_third_" + "w" * 20
    keys = tmp_path / "keys.txt"
    keys.write_text(f"one,{KEY}\ntwo,{OTHER_KEY}\nthree,{third}\n")
    reports = tmp_path / "reports"
    summary = tmp_path / f"summary.{fmt}"
    for output in ([], ["-o", str(summary), "--output-dir", str(reports)]):
        result = run(["batch", "--keys-file", str(keys), "--base-url", httpserver.url_for(""),
                      "--now", NOW, "-f", fmt, *output])
        assert result.code == 3, result.err  # two stores could not be checked
        assert_no_key(result.out, result.err)
    assert_no_key(summary.read_bytes())
    for written in reports.iterdir():
        assert_no_key(written.read_bytes())
    if fmt == "json":
        failures = {f["label"]: f["error"] for f in json.loads(summary.read_text())["not_checked"]}
        assert "HTTP 401, request id sk_live_…" in failures["one"]
        assert "No such key: 'sk_live_…'" in failures["one"]
        assert "failed for sk_live_…" in failures["two"]


def test_batch_labels_never_show_a_key(run: Any, tmp_path: Path) -> None:
    """A status file named after the key (a support engineer's quick save) labels a store."""
    named = tmp_path / f"{KEY}.json"
    named.write_bytes(example_bytes("healthy"))
    for fmt in FORMATS:
        result = run(["batch", str(named), "--now", NOW, "-f", fmt], env={"MEUM_API_KEY": KEY})
        assert result.code == 0, result.err
        assert_no_key(result.out, result.err)
