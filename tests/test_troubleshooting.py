"""The troubleshooting guide covers every error, and README.md shows it as generated."""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, REPO, SECRET_KEY
from faultserver import FaultServer, always, gzip_broken, response
from test_engine import make_plugin

from meum_doctor import errors, troubleshooting
from meum_doctor.errors import CODES
from meum_doctor.troubleshooting import GUIDE, code_of, find

RULES_DIRS = Path(__file__).parent / "rules_dirs"


def test_readme_shows_the_generated_guide() -> None:
    readme = (REPO / "README.md").read_text()
    start = readme.index("-->\n", readme.index("<!-- troubleshooting:start")) + 4
    end = readme.index("<!-- troubleshooting:end -->")
    assert readme[start:end] == troubleshooting.markdown(), (
        "README.md is out of date: paste the output of `python -m meum_doctor.troubleshooting`"
    )


def test_every_exit_code_is_documented_in_the_guide() -> None:
    assert {code for entry in GUIDE for code in entry.exit_codes} == {2, 3, 4, 130}


def test_every_code_has_exactly_one_entry() -> None:
    assert [entry.code for entry in GUIDE] == list(dict.fromkeys(e.code for e in GUIDE))
    assert {entry.code for entry in GUIDE} == set(CODES)


def test_every_error_class_has_a_documented_code() -> None:
    def subclasses(cls: type) -> list[type]:
        return [cls, *(s for sub in cls.__subclasses__() for s in subclasses(sub))]

    for cls in subclasses(errors.MeumDoctorError):
        assert cls.code in CODES, cls


def test_find_goes_by_the_code_at_the_end_of_the_line() -> None:
    entry = find("meum-doctor: error: anything at all (HTTP 401) [auth-rejected]")
    assert entry is not None and entry.code == "auth-rejected"
    assert find("meum-doctor: error: the API rejected this key (HTTP 401") is None
    assert find("meum-doctor: error: something [no-such-code]") is None


def _scenarios(tmp_path: Path) -> list[list[str]]:
    not_object = tmp_path / "array.json"
    not_object.write_text("[]")
    binary = tmp_path / "binary.json"
    binary.write_bytes(bytes(range(256)))
    empty = tmp_path / "empty.json"
    empty.write_text("")
    html = tmp_path / "page.json"
    html.write_text("<html><body>oops</body></html>")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 500 + "]" * 500)
    huge_number = tmp_path / "number.json"
    huge_number.write_text('{"a": ' + "9" * 5000 + "}")
    big = tmp_path / "big.json"
    big.write_text('{"a": "' + "x" * (1024 * 1024) + '"}')
    no_status = tmp_path / "other.json"
    no_status.write_text('{"token": "abc"}')
    error_answer = tmp_path / "answer.json"
    error_answer.write_text('{"status": "error", "message": "Unauthorized"}')
    bad_config = tmp_path / "bad.toml"
    bad_config.write_text("colour = 1\n")
    only_comments = tmp_path / "comments.txt"
    only_comments.write_text("# no stores yet\n")
    too_many = tmp_path / "many.txt"
    too_many.write_text("k\n" * 100_001)
    too_large = tmp_path / "large.txt"
    too_large.write_bytes(b"#" * (16 * 1024 * 1024 + 1))
    not_a_rule = tmp_path / "notrule"
    not_a_rule.mkdir()
    (not_a_rule / "r.py").write_text("RULES = [1]\n")
    return [
        ["check"],
        ["check", "--demo", "--input", "x"],
        ["check", "--demo", "nosuch"],
        ["check", "--api-key", "has space"],
        ["check", "--api-key", SECRET_KEY, "--base-url", "http://api.example"],
        ["check", "--api-key", SECRET_KEY, "--base-url", "ftp://api.example"],
        ["check", "--demo", "--config", str(bad_config)],
        ["check", "--demo", "--rules-dir", str(RULES_DIRS / "broken")],
        ["check", "--demo", "--rules-dir", str(tmp_path / "nowhere")],
        ["check", "--demo", "--rules-dir", str(RULES_DIRS / "duplicate")],
        ["check", "--demo", "--rules-dir", str(RULES_DIRS / "invalid")],
        ["check", "--demo", "--rules-dir", str(not_a_rule)],
        ["check", "--demo", "--select", "MD777"],
        ["check", "--demo", "--ignore", "webhooks"],
        ["check", "--demo", "--select", "MD501", "--ignore", "MD501"],
        ["explain", "MD777"],
        ["check", "--demo", "-o", str(tmp_path / "missing" / "r.html")],
        ["check", "--demo", "--bogus"],
        ["check", "--input", str(not_object)],
        ["check", "--input", str(binary)],
        ["check", "--input", str(empty)],
        ["check", "--input", str(html)],
        ["check", "--input", str(deep)],
        ["check", "--input", str(huge_number)],
        ["check", "--input", str(big)],
        ["check", "--input", str(tmp_path / "absent.json")],
        ["check", "--input", str(no_status)],
        ["check", "--input", str(error_answer)],
        ["check", "--input", str(EXAMPLES / "site-reports" / "degraded-site.txt")],
        ["check", "--no-api", "--site-report", str(html)],
        ["check", "--input", str(EXAMPLES / "healthy.json"), "-o", str(EXAMPLES / "healthy.json")],
        ["batch"],
        ["batch", str(tmp_path / "absent.json")],
        ["batch", "--keys-file", str(tmp_path / "absent.txt")],
        ["batch", "--keys-file", str(only_comments)],
        ["batch", "--keys-file", str(too_many)],
        ["batch", "--keys-file", str(too_large)],
    ]


def test_every_guide_entry_is_produced_by_some_scenario(
    run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = []
    for args in _scenarios(tmp_path):
        lines += run(args).err.splitlines()
    lines += run(["check", "--input", "-"], stdin=b" " * (1024 * 1024 + 10)).err.splitlines()
    # The network: every HTTP status and transport failure the guide names.
    answers = [
        response(401), response(403), response(404), response(429, headers={"Retry-After": "99"}),
        response(500), response(418), response(302), response(302, headers={"Location": "/"}),
        response(302, headers={"Location": "http://localhost:1/"}),
        response(200, gzip_broken(b'{"status": "CONNECTED"}'), {"Content-Encoding": "gzip"}),
        response(200, b"", {"Content-Encoding": "gzip, gzip"}),
        response(200, b"", {"Content-Length": "9"}),
        b"SSH-2.0\r\n\r\n", response(200, b'{"issues": [' + b"1," * 600_000 + b"1]}"),
    ]
    for answer in answers:
        with FaultServer(always(answer)) as server:
            lines += run(["check", "--base-url", server.url, "--timeout", "0.3"],
                         env={"MEUM_API_KEY": SECRET_KEY}).err.splitlines()
    with FaultServer(always(1.0)) as server:
        lines += run(["check", "--base-url", server.url, "--timeout", "0.2"],
                     env={"MEUM_API_KEY": SECRET_KEY}).err.splitlines()
    with FaultServer(always(response(200)), wait_for_request=False) as server:  # TLS to HTTP
        lines += run(["check", "--base-url", server.url.replace("http:", "https:"),
                      "--timeout", "2"], env={"MEUM_API_KEY": SECRET_KEY}).err.splitlines()
    lines += run(["check", "--base-url", "https://no-such-host.invalid", "--timeout", "2"],
                 env={"MEUM_API_KEY": SECRET_KEY}).err.splitlines()
    with FaultServer(always(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab")) as server:
        lines += run(["check", "--base-url", server.url, "--timeout", "1"],
                     env={"MEUM_API_KEY": SECRET_KEY}).err.splitlines()
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    lines += run(["check", "--base-url", f"http://127.0.0.1:{port}"],
                 env={"MEUM_API_KEY": SECRET_KEY}).err.splitlines()
    plugin_dir = tmp_path / "plugin"
    plugin_dir.mkdir()
    monkeypatch.syspath_prepend(str(make_plugin(plugin_dir, "raise ImportError('broken')\n")))
    lines += run(["rules"]).err.splitlines()
    monkeypatch.undo()
    sys.modules.pop("acme_rules", None)
    # A bug: the internal-error line.
    import meum_doctor.sources.meum_status

    def broken(body: bytes) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(meum_doctor.sources.meum_status, "parse", broken)
    lines += run(["check", "--input", str(EXAMPLES / "healthy.json")]).err.splitlines()

    errors = [line for line in lines if line.startswith("meum-doctor: error: ")]
    # Every line ends in a known code (run() checks each against its exit code too).
    assert all(find(line) is not None for line in errors), errors
    hit = {code_of(line) for line in errors}
    missing = set(CODES) - hit
    # Hard to provoke on every machine: a transport failure with no better name, a DNS
    # failure (a machine without any resolver reports a connection failure) and Ctrl-C
    # (tests/test_files.py interrupts a batch).
    # The web server's own codes come as HTTP answers, not error lines: tests/test_web.py
    # provokes each (csrf, throttled, busy) and `serve` without the extra (missing-extra);
    # tests/test_web_ssrf.py the refused addresses of a site report fetch (blocked-address).
    assert missing <= {"network", "dns", "interrupted", "csrf", "throttled", "busy",
                       "missing-extra", "blocked-address"}, missing
    assert json.dumps(errors).count(SECRET_KEY[8:]) == 0
