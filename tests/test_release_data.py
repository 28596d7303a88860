"""Live release data (issue 14, items 4-6): asked of a loopback server serving answers shaped
as WordPress.org's (tests/fixtures below, built from release-data.md), cached on disk, never
fatal, and shown in every report."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, NOW
from faultserver import FaultServer, response

from meum_doctor import app
from meum_doctor.releasedata import envelope, insecure_list, parse_release_data
from meum_doctor.sources import release_data
from meum_doctor.sources.release_data import Request, cache_folder, cache_name
from meum_doctor.timefmt import iso_z

# Recorded-shape answers (api.wordpress.org, trimmed): WordPress 7.2 is the latest, 7.1 is
# marked insecure (7.1.1 fixed it), WooCommerce 11.3.0 needs WordPress 7.1 and PHP 7.4.
STABLE_CHECK = {
    "4.6": "insecure", "4.6.30": "insecure", "4.7.30": "insecure", "4.7.31": "outdated",
    "6.8": "insecure", "6.8.2": "insecure", "6.8.3": "outdated", "6.9": "outdated",
    "7.0": "outdated", "7.1": "insecure", "7.1.1": "outdated", "7.2": "latest",
}
VERSION_CHECK = {
    "offers": [
        {"response": "upgrade", "download": "https://downloads.wordpress.org/release/wordpress-7.2.zip",
         "locale": "en_US", "packages": {"full": "https://downloads.wordpress.org/release/wordpress-7.2.zip"},
         "current": "7.2", "version": "7.2", "php_version": "7.4.0", "mysql_version": "5.5.5",
         "new_bundled": "6.7", "partial_version": False},
        {"response": "autoupdate", "version": "7.1.1", "current": "7.1.1",
         "php_version": "7.4.0", "mysql_version": "5.5.5", "partial_version": False},
    ],
    "translations": [],
}
WOOCOMMERCE = {
    "name": "WooCommerce", "slug": "woocommerce", "version": "11.3.0", "requires": "7.1",
    "tested": "7.2", "requires_php": "7.4", "last_updated": "2026-11-20 3:12pm GMT",
    "versions": {"11.3.0": "https://downloads.wordpress.org/plugin/woocommerce.11.3.0.zip",
                 "11.4.0-beta.1": "x", "trunk": "x"},
    "banners": {"low": "x"},
}
ANSWERS = {
    "/core/stable-check/1.0/": STABLE_CHECK,
    "/core/version-check/1.7/": VERSION_CHECK,
    "/plugins/info/1.2/": WOOCOMMERCE,
}


def wordpress_org(overrides: dict[str, list[object]] | None = None) -> Any:
    """A script answering each path as WordPress.org does, or as ``overrides`` say."""

    def script(attempt: int, request: bytes) -> Iterator[object]:
        path = request.split(b" ", 2)[1].decode().split("?")[0]
        if overrides and path in overrides:
            yield from overrides[path]
        elif path in ANSWERS:
            yield response(200, ANSWERS[path])  # type: ignore[arg-type]
        else:
            yield response(404, {"error": "not_found"})

    return script


def every_path(*steps: object) -> dict[str, list[object]]:
    return {path: list(steps) for path in ANSWERS}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private XDG_CACHE_HOME; the release-data folder in it."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for name in ("MEUM_DOCTOR_NO_CACHE", "MEUM_DOCTOR_OFFLINE"):
        monkeypatch.delenv(name, raising=False)
    return Path(cache_folder())


def check_live(run: Any, url: str, *extra: str, status: str = "healthy") -> dict[str, Any]:
    result = run(["check", "--input", str(EXAMPLES / f"{status}.json"), "--live-release-data",
                  "--release-data-url", url, "-f", "json", *extra])
    assert result.code in (0, 1), result.err
    assert "Traceback" not in result.err
    report: dict[str, Any] = json.loads(result.out)
    return report


def release_source(report: dict[str, Any]) -> dict[str, Any]:
    [found] = [s for s in report["sources"] if s["kind"] == "release-data"]
    return found


def rules_found(report: dict[str, Any]) -> set[str]:
    return {f["rule"] for f in report["findings"]}


# Success, and what it changes ----------------------------------------------------------------


def test_live_data_is_used_shown_and_cached(run: Any, cache: Path) -> None:
    with FaultServer(wordpress_org()) as server:
        report = check_live(run, server.url)
        assert len(server.requests) == 3
        # No key, nothing about the store: only the paths and the tool's name go out.
        sent = b"".join(server.requests).lower()
        assert b"authorization" not in sent and b"lumen" not in sent
    source = release_source(report)
    assert source["type"] == "api" and source["location"] == server.url
    assert source["note"].startswith("the mirror 127.0.0.1, fetched ")
    assert source["fingerprint"].startswith("sha256:")
    # The store runs WordPress 7.1 and WooCommerce 11.1.2: current by the bundled policy,
    # behind (and insecure) by the live data.
    assert {"MD202", "MD203", "MD213"} <= rules_found(report)
    md203 = next(f for f in report["findings"] if f["rule"] == "MD203")
    assert "7.2" in md203["title"]
    assert report["policy"]["as_of"] == datetime.now(UTC).date().isoformat()
    [entry] = cache.iterdir()
    assert entry.name == cache_name(server.url)
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert json.loads(entry.read_bytes())["stable_check"]["7.1"] == "insecure"


def test_without_release_data_the_same_store_is_healthy(run: Any, cache: Path) -> None:
    # The contrast: a saved status stays offline by default (no document, no request).
    with FaultServer(wordpress_org()) as server:
        result = run(["check", "--input", str(EXAMPLES / "healthy.json"),
                      "--release-data-url", server.url, "-f", "json"])
        assert server.requests == []
    report = json.loads(result.out)
    assert result.code == 0 and report["findings"] == []
    assert [s["kind"] for s in report["sources"]] == ["meum-status"]


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_every_format_says_which_release_data(run: Any, cache: Path, fmt: str) -> None:
    with FaultServer(wordpress_org()) as server:
        result = run(["check", "--input", str(EXAMPLES / "healthy.json"), "--live-release-data",
                      "--release-data-url", server.url, "-f", fmt])
    # Markdown marks the host and dates up as code: the words are what counts.
    line = next(line for line in result.out.splitlines() if "Also used" in line)
    assert "release data: the mirror " in line and ", fetched " in line


def test_wordpress_org_is_named_as_such() -> None:
    body = envelope("https://api.wordpress.org", datetime(2026, 11, 28, 9, 12, tzinfo=UTC),
                    {"stable_check": {"7.2": "latest"}})
    from meum_doctor.releasedata import describe

    assert describe(parse_release_data(body)) == "WordPress.org, fetched 2026-11-28T09:12Z"


# Failures: never fatal, the bundled policy, and the report says why ------------------------


@pytest.mark.parametrize(
    ("steps", "why"),
    [
        ([response(404, {"error": "not_found"})], "HTTP 404"),
        ([response(500, "oops")], "HTTP 500"),
        ([response(200, "<html>not json</html>")], "the answer is not JSON"),
        ([response(200, {"offers": "none", "error": "x"})], "the answer is not the expected data"),
        ([response(200, b"[" * 2 * 1024 * 1024)], "the answer is larger than 1 MiB"),
    ],
    ids=["404", "500", "garbage", "wrong-shape", "huge"],
)
def test_a_failed_fetch_falls_back_to_the_bundled_policy(
    run: Any, cache: Path, steps: list[object], why: str
) -> None:
    with FaultServer(wordpress_org(every_path(*steps))) as server:
        report = check_live(run, server.url)
    source = release_source(report)
    assert source["type"] == "bundled"
    assert source["note"] == (
        f"bundled, as of 2026-11-29: the mirror 127.0.0.1 could not be reached ({why})"
    )
    assert report["findings"] == []  # judged by the bundled policy, as before
    assert not cache.exists() or list(cache.iterdir()) == []  # a failure is not cached


def test_a_closed_port_falls_back_quickly(run: Any, cache: Path) -> None:
    started = time.monotonic()
    report = check_live(run, "http://127.0.0.1:9")
    assert time.monotonic() - started < 2
    assert release_source(report)["note"].endswith("could not be reached (connection failed)")


def test_a_slow_answer_delays_the_run_by_the_timeout_at_most(run: Any, cache: Path) -> None:
    with FaultServer(wordpress_org(every_path(10.0, response(200, STABLE_CHECK)))) as server:
        started = time.monotonic()
        report = check_live(run, server.url)
        elapsed = time.monotonic() - started
    assert elapsed < release_data.DEFAULT_TIMEOUT + 1.5, elapsed
    assert release_source(report)["note"].endswith("(timed out after 3 s)")


def test_a_server_that_never_answers_is_a_timeout(cache: Path) -> None:
    with FaultServer(wordpress_org(every_path(30.0))) as server:
        request = Request(url=server.url, timeout=0.5, bundled_as_of=date(2026, 11, 29))
        started = time.monotonic()
        document = asyncio.run(release_data.obtain(request))
        assert time.monotonic() - started < 1.5
    assert document.provenance.type == "bundled"
    assert document.provenance.note is not None
    assert document.provenance.note.endswith("(timed out after 0.5 s)")


def test_a_partial_answer_uses_what_came_and_says_what_did_not(run: Any, cache: Path) -> None:
    broken = {"/plugins/info/1.2/": [response(404, {"error": "not_found"})]}
    with FaultServer(wordpress_org(broken)) as server:
        report = check_live(run, server.url)
    source = release_source(report)
    assert source["type"] == "api"
    assert source["note"].endswith(
        "bundled instead for the latest WooCommerce (plugins/info): HTTP 404"
    )
    assert "MD203" in rules_found(report) and "MD202" not in rules_found(report)
    assert not cache.exists() or list(cache.iterdir()) == []  # only whole answers are cached


def test_a_retryable_failure_is_retried_once_within_the_timeout(cache: Path) -> None:
    answers: dict[str, int] = {}

    def script(attempt: int, request: bytes) -> Iterator[object]:
        path = request.split(b" ", 2)[1].decode().split("?")[0]
        answers[path] = answers.get(path, 0) + 1
        if answers[path] == 1:
            yield response(503, "busy")
        else:
            yield response(200, ANSWERS[path])  # type: ignore[arg-type]

    with FaultServer(script) as server:
        document = asyncio.run(release_data.obtain(Request(url=server.url)))
    assert document.provenance.type == "api"
    assert set(answers.values()) == {2}


# The cache --------------------------------------------------------------------------------------


def test_a_fresh_cache_makes_no_request(run: Any, cache: Path) -> None:
    with FaultServer(wordpress_org()) as server:
        first = check_live(run, server.url)
        second = check_live(run, server.url)
        assert len(server.requests) == 3
    source = release_source(second)
    assert source["type"] == "cache"
    assert source["fingerprint"] == release_source(first)["fingerprint"]
    assert source["note"].endswith("(from the cache)")
    assert rules_found(second) == rules_found(first)


def test_refresh_asks_even_with_a_fresh_cache(run: Any, cache: Path) -> None:
    with FaultServer(wordpress_org()) as server:
        check_live(run, server.url)
        report = check_live(run, server.url, "--refresh-release-data")
        assert len(server.requests) == 6
    assert release_source(report)["type"] == "api"


def _age_cache(cache: Path, hours: float) -> None:
    [entry] = cache.iterdir()
    data = json.loads(entry.read_bytes())
    then = datetime.now(UTC) - timedelta(hours=hours)
    data["fetched_at"] = iso_z(then)
    entry.write_text(json.dumps(data))


def test_a_stale_cache_is_asked_again(run: Any, cache: Path) -> None:
    with FaultServer(wordpress_org()) as server:
        check_live(run, server.url)
        _age_cache(cache, 30)
        report = check_live(run, server.url)
        assert len(server.requests) == 6
        assert release_source(report)["type"] == "api"
        # --release-data-max-age widens what counts as fresh.
        _age_cache(cache, 30)
        report = check_live(run, server.url, "--release-data-max-age", "48")
        assert len(server.requests) == 6
    assert release_source(report)["type"] == "cache"


def test_a_stale_cache_is_used_when_the_server_fails(run: Any, cache: Path) -> None:
    with FaultServer(wordpress_org()) as server:
        url = server.url
        check_live(run, url)
    _age_cache(cache, 2)  # stale by --release-data-max-age 1, still newer than the bundled
    report = check_live(run, url, "--release-data-max-age", "1")  # the server is gone now
    source = release_source(report)
    assert source["type"] == "cache"
    assert "(from the cache); the mirror 127.0.0.1 could not be reached (connection failed)" in (
        source["note"]
    )
    assert "MD213" in rules_found(report)  # judged by the cached list


@pytest.mark.parametrize(
    "damage",
    [b"", b"{not json", b'{"format": "something else"}', b"\x00" * 100, b'{"format": 1}'],
    ids=["empty", "truncated", "other-format", "binary", "wrong-type"],
)
def test_a_corrupt_cache_is_ignored(run: Any, cache: Path, damage: bytes) -> None:
    with FaultServer(wordpress_org()) as server:
        url = server.url
        check_live(run, url)
        [entry] = cache.iterdir()
        entry.write_bytes(damage)
        report = check_live(run, url)
        assert len(server.requests) == 6
        assert release_source(report)["type"] == "api"
    entry.write_bytes(damage)
    report = check_live(run, url)  # no server, a corrupt cache: the bundled policy
    assert release_source(report)["type"] == "bundled"


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_a_cache_others_may_write_is_not_trusted(run: Any, cache: Path) -> None:
    with FaultServer(wordpress_org()) as server:
        check_live(run, server.url)
        [entry] = cache.iterdir()
        entry.chmod(0o666)
        report = check_live(run, server.url)
        assert len(server.requests) == 6  # not used: asked again
    assert release_source(report)["type"] == "api"
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600  # replaced by a private one


def test_no_cache_env_neither_reads_nor_writes(run: Any, cache: Path) -> None:
    with FaultServer(wordpress_org()) as server:
        run(["check", "--input", str(EXAMPLES / "healthy.json"), "--live-release-data",
             "--release-data-url", server.url], env={"MEUM_DOCTOR_NO_CACHE": "1"})
    assert not cache.exists()


# Offline ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--demo"], {}),
        (["--demo", "--now", NOW], {}),
        (["--demo", "--offline"], {}),
        (["--demo", "--live-release-data"], {"MEUM_DOCTOR_OFFLINE": "1"}),
        # A saved site report alone is re-run like a saved status: the same answer again.
        (["--site-report", str(EXAMPLES / "site-reports" / "degraded-site.txt")], {}),
        (["--input", str(EXAMPLES / "healthy.json"), "--site-report",
          str(EXAMPLES / "site-reports" / "healthy-site.txt")], {}),
    ],
    ids=["demo", "now", "--offline", "env", "site-report-file", "both-saved"],
)
def test_offline_runs_never_ask(
    run: Any, cache: Path, args: list[str], env: dict[str, str]
) -> None:
    with FaultServer(wordpress_org()) as server:
        result = run(["check", *args, "--release-data-url", server.url, "-f", "json"], env=env)
        assert server.requests == []
    assert "release-data" not in {s["kind"] for s in json.loads(result.out)["sources"]}


def test_the_demo_asks_when_told_to_concurrently_with_the_status(run: Any, cache: Path) -> None:
    with FaultServer(wordpress_org()) as server:
        result = run(["check", "--demo", "--live-release-data", "--release-data-url", server.url,
                      "-f", "json"])
        assert len(server.requests) == 3
    report = json.loads(result.out)
    assert [s["kind"] for s in report["sources"]] == ["meum-status", "release-data"]


def test_the_slow_release_data_and_the_status_are_fetched_at_the_same_time(cache: Path) -> None:
    settings = app.prepare(config_path=None, rules_dirs=(), selected=(), ignored=(),
                           fail_on=None)
    sources = app.choose_sources(api_key=None, input_path=None, demo="healthy")

    with FaultServer(wordpress_org(every_path(1.0, response(200, STABLE_CHECK)))) as server:
        request = Request(url=server.url, timeout=0.6, bundled_as_of=date(2026, 11, 29))
        started = time.monotonic()
        documents = asyncio.run(app.acquire_with_release_data(sources, settings, request))
        elapsed = time.monotonic() - started
    assert [d.kind for d in documents] == ["meum-status", "release-data"]
    assert documents[1].provenance.type == "bundled"
    assert elapsed < 1.5, elapsed


@pytest.mark.parametrize(
    "url",
    ["http://wordpress.example", "ftp://127.0.0.1", "https://user:pw@mirror.example",
     "https://mirror.example/?x=1", "not a url"],
)
def test_a_release_data_url_must_be_https_except_loopback(run: Any, cache: Path, url: str) -> None:
    result = run(["check", "--input", str(EXAMPLES / "healthy.json"), "--live-release-data",
                  "--release-data-url", url])
    assert result.code == 2 and "the release data URL" in result.err


def test_offline_and_live_together_are_refused(run: Any) -> None:
    result = run(["check", "--demo", "--offline", "--live-release-data"])
    assert result.code == 2 and "choose --offline or --live-release-data" in result.err


# Configuration wins, and MD902 judges the data used -------------------------------------------


def test_configured_values_win_over_live_data_and_the_report_says_so(
    run: Any, cache: Path, tmp_path: Path
) -> None:
    config = tmp_path / "meum-doctor.toml"
    config.write_text('[policy.wordpress]\nlatest = "7.1"\n')
    with FaultServer(wordpress_org()) as server:
        report = check_live(run, server.url, "--config", str(config))
    assert "MD203" not in rules_found(report)  # 7.1 is the latest by the configuration
    assert "MD202" in rules_found(report)  # WooCommerce: the live value still applies
    assert release_source(report)["note"].endswith(
        f"configuration file {config} overrides policy.wordpress.latest"
    )


def _diagnose_at(now: datetime, documents: list[Any]) -> set[str]:
    settings = app.prepare(config_path=None, rules_dirs=(), selected=("MD902",), ignored=(),
                           fail_on=None, now=now)
    from meum_doctor.sources.files import read_file

    status = read_file(str(EXAMPLES / "healthy.json"))
    report = app.diagnose([status, *documents], settings)
    # WordPress.org has no PHP end-of-life dates: that bundled table ages on its own (MD902
    # says so), whatever the release data; here only the parts release data replaces count.
    return {f.rule for f in report.findings if "PHP end-of-life" not in f.title}


def test_md902_judges_the_release_data_actually_used() -> None:
    later = datetime(2027, 9, 1, tzinfo=UTC)  # the bundled policy is 276 days old by then
    fresh = envelope("https://api.wordpress.org", later - timedelta(days=1),
                     {"stable_check": STABLE_CHECK, "version_check": VERSION_CHECK,
                      "woocommerce": WOOCOMMERCE})
    live = release_data._document(fresh, "api", "https://api.wordpress.org",
                                  later - timedelta(days=1), "")
    fallback = release_data.bundled(Request(bundled_as_of=date(2026, 11, 29)), "offline")
    assert _diagnose_at(later, [live]) == set()  # the version policy and insecure list: fresh
    assert _diagnose_at(later, [fallback]) == {"MD902"}
    assert _diagnose_at(later, []) == {"MD902"}


def test_the_insecure_list_is_read_per_branch() -> None:
    fixed = {str(k): str(v) for k, v in insecure_list(STABLE_CHECK).items()}
    # 4.6 has no release that is not insecure: no entry (no security fixes at all).
    assert fixed == {"4.7": "4.7.31", "6.8": "6.8.3", "6.9": "6.9", "7.0": "7.0",
                     "7.1": "7.1.1", "7.2": "7.2"}


# Batch: once a run ------------------------------------------------------------------------------


def test_batch_asks_once_for_every_store(run: Any, cache: Path, tmp_path: Path) -> None:
    folder = tmp_path / "stores"
    folder.mkdir()
    for name in ("healthy", "degraded", "disconnected"):
        (folder / f"{name}.json").write_bytes((EXAMPLES / f"{name}.json").read_bytes())
    out = tmp_path / "reports"
    with FaultServer(wordpress_org()) as server:
        result = run(["batch", str(folder), "--live-release-data", "--release-data-url",
                      server.url, "--output-dir", str(out), "-f", "json",
                      "--refresh-release-data"])
        assert len(server.requests) == 3
    assert result.code in (0, 1, 3), result.err
    reports = [json.loads(path.read_text()) for path in sorted(out.glob("*.json"))]
    assert len(reports) == 3
    fingerprints = {release_source(report)["fingerprint"] for report in reports}
    assert len(fingerprints) == 1


def test_batch_of_saved_statuses_stays_offline_by_default(
    run: Any, cache: Path, tmp_path: Path
) -> None:
    with FaultServer(wordpress_org()) as server:
        run(["batch", str(EXAMPLES / "healthy.json"), "--release-data-url", server.url])
        assert server.requests == []
