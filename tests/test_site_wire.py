"""The site report wired in (issue 12): choosing it (file, standard input, alone, beside a
Meum status, --no-api), fetching it live from the store through real loopback servers, showing
it in every format, redacting it, saving it; and the honest verdict when no rule ran."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, NOW, SECRET_KEY, assert_valid_report
from faultserver import FaultServer, always, response

SITE = EXAMPLES / "site-reports"
TEXT = SITE / "degraded-site.txt"
JSON = SITE / "degraded-site.json"
STATUS = EXAMPLES / "degraded.json"
WC_KEY = "ck_TESTWCKEY_5e4d3c2b1a09f8e7d6c5"
WC_SECRET = "cs_TESTWCSECRET_0a1b2c3d4e5f6a7b8c"
WC_ENV = {"MEUM_DOCTOR_WC_KEY": WC_KEY, "MEUM_DOCTOR_WC_SECRET": WC_SECRET}
TOKEN = base64.b64encode(f"{WC_KEY}:{WC_SECRET}".encode()).decode()
CANNOT_VIEW = {
    "code": "woocommerce_rest_cannot_view",
    "message": "Sorry, you cannot list resources.",
    "data": {"status": 403},
}


def no_wc_secret(*texts: str) -> None:
    for text in texts:
        for secret in (WC_KEY, WC_SECRET, TOKEN, WC_KEY[3:], WC_SECRET[3:]):
            assert secret not in text


def site_json(result_out: str) -> dict[str, Any]:
    report = assert_valid_report(result_out)
    assert report["site_report"] is not None
    return report


# Choosing the sources --------------------------------------------------------------------


def test_site_report_alone_from_a_file_is_a_run_of_its_own(run: Any) -> None:
    result = run(["check", "--site-report", str(TEXT), "--now", NOW, "-f", "json"])
    # The site's own report is enough to find its blocked outgoing requests (MD304, high).
    assert result.code == 1, result.err
    report = site_json(result.out)
    assert {"MD303", "MD304"} <= {f["rule"] for f in report["findings"]}
    assert report["source"] is None and report["status"] is None
    assert [(s["kind"], s["type"]) for s in report["sources"]] == [("site-report", "file")]
    used = {row["label"]: row["value"] for row in report["site_report"]["used"]}
    assert used["Site"] == "https://harbor-books.example"
    assert used["WP-Cron"] == "disabled (DISABLE_WP_CRON)"
    assert used["Remote post"].startswith("fails: cURL error 28")
    assert used["Active plugins"] == "5"
    assert report["site_report"]["model"]["wp_cron"] is False
    assert "raw" not in report["site_report"]  # only with --include-raw


def test_no_rule_ran_is_never_healthy(run: Any) -> None:
    # MD101 reads only a Meum status: with a site report alone nothing was judged.
    result = run(["check", "--site-report", str(TEXT), "--now", NOW, "--select", "MD101"])
    assert result.code == 0, result.err  # nothing failed: waiting is not an error
    first = result.out.splitlines()[0]
    assert first.startswith("INCOMPLETE: nothing could be judged: no rule had its evidence")
    assert "No problems found." not in result.out
    assert "1 wait for a Meum status: MD101" in result.out
    data = assert_valid_report(run(["check", "--site-report", str(TEXT), "--now", NOW,
                                    "--select", "MD101", "-f", "json"]).out)
    assert data["verdict"] == "incomplete"
    assert data["verdict_note"] == "nothing could be judged: no rule had its evidence"
    for fmt in ("markdown", "html"):
        shown = run(["check", "--site-report", str(TEXT), "--select", "MD101", "-f", fmt]).out
        assert "othing could be judged: no rule had its evidence" in shown, fmt


def test_not_evaluated_is_grouped_by_need_in_every_format(run: Any) -> None:
    for fmt in ("text", "markdown", "html"):
        result = run(["check", "--site-report", str(TEXT), "--now", NOW, "-f", fmt])
        assert re.search(r"\d+ wait for a Meum status: MD101–MD10\d", result.out), fmt
        assert "(needs meum-status)" not in result.out


def test_site_report_from_standard_input(run: Any) -> None:
    result = run(["check", "--site-report", "-", "--now", NOW, "-f", "json"],
                 stdin=JSON.read_bytes())
    assert result.code == 1, result.err  # the degraded site's own problems (MD304)
    report = site_json(result.out)
    assert report["sources"][0]["type"] == "stdin"
    assert report["site_report"]["form"] == "json"


def test_both_sources_show_the_status_first(run: Any) -> None:
    result = run(["check", "--input", str(STATUS), "--site-report", str(TEXT), "--now", NOW,
                  "-f", "json", "--fail-on", "never"])
    assert result.code == 0, result.err
    report = site_json(result.out)
    assert [s["kind"] for s in report["sources"]] == ["meum-status", "site-report"]
    assert report["source"]["type"] == "file"
    digest = "sha256:" + __import__("hashlib").sha256(TEXT.read_bytes()).hexdigest()
    assert report["sources"][1]["fingerprint"] == report["site_report"]["fingerprint"] == digest


def test_no_api_ignores_the_environment_key(run: Any) -> None:
    # The key points at nothing that answers: with --no-api it is never used.
    result = run(["check", "--no-api", "--site-report", str(TEXT), "--base-url",
                  "http://127.0.0.1:9", "-f", "json"], env={"MEUM_API_KEY": SECRET_KEY})
    assert result.code == 1, result.err  # the degraded site's own problems (MD304)
    assert assert_valid_report(result.out)["source"] is None
    refused = run(["check", "--no-api", "--api-key", SECRET_KEY, "--site-report", str(TEXT)])
    assert refused.code == 2 and "[usage]" in refused.err
    refused.assert_no_secret()


def test_without_any_source_the_message_names_site_report(run: Any) -> None:
    result = run(["check"])
    assert result.code == 2
    assert "--site-report FILE" in result.err


def test_input_given_a_site_report_says_use_site_report(run: Any) -> None:
    for path in (TEXT, JSON):
        result = run(["check", "--input", str(path)])
        assert result.code == 3
        assert "this is a System Status report: use --site-report" in result.err
        assert result.err.rstrip().endswith("[not-a-site-report]")
    stdin = run(["check", "--input", "-"], stdin=TEXT.read_bytes())
    assert stdin.code == 3 and "standard input is not a Meum status" in stdin.err


def test_a_site_report_that_is_none_is_exit_3_with_its_code(run: Any, tmp_path: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text("Dear support, my checkout is broken. Thanks!\n" * 3)
    result = run(["check", "--site-report", str(other)])
    assert result.code == 3 and result.err.rstrip().endswith("[not-a-site-report]")
    missing = run(["check", "--site-report", str(tmp_path / "absent.txt")])
    assert missing.code == 3 and "[file-unreadable]" in missing.err
    huge = run(["check", "--site-report", "-"], stdin=b"x" * (1024 * 1024 + 5))
    assert huge.code == 3 and "[too-large]" in huge.err
    both_stdin = run(["check", "--input", "-", "--site-report", "-"], stdin=b"{}")
    assert both_stdin.code == 2


def test_site_report_and_site_url_are_one_or_the_other(run: Any) -> None:
    no_key = run(["check", "--site-url", "https://store.example"])  # before WC_ENV is set
    assert no_key.code == 2 and "--wc-key" in no_key.err and "MEUM_DOCTOR_WC_SECRET" in no_key.err
    result = run(["check", "--site-report", str(TEXT), "--site-url", "https://store.example"],
                 env=WC_ENV)
    assert result.code == 2 and "[usage]" in result.err
    plain = run(["check", "--site-url", "http://store.example"], env=WC_ENV)
    assert plain.code == 2 and "plain http://" in plain.err
    no_wc_secret(plain.out, plain.err)


# Display -------------------------------------------------------------------------------------


def test_every_format_shows_the_site_report_with_its_body_collapsed(run: Any) -> None:
    args = ["check", "--input", str(STATUS), "--site-report", str(TEXT), "--now", NOW,
            "--fail-on", "never"]
    text = run([*args]).out
    assert "Also used: site-report from file" in text
    assert "Site report: Site https://harbor-books.example; WordPress 6.8.3" in text
    markdown = run([*args, "-f", "markdown"]).out
    assert "### Site report" in markdown
    assert "<summary>Raw site report</summary>" in markdown
    assert "| WP-Cron | disabled (DISABLE_WP_CRON) |" in markdown
    html = run([*args, "-f", "html"]).out
    section = html.split('<section id="site-report">', 1)[1].split("</section>", 1)[0]
    assert "<details>" in section and 'id="raw-site-report"' in section
    assert "### WordPress Environment ###" in section
    assert "Active plugins" in section


def test_include_raw_adds_the_body_to_json(run: Any) -> None:
    result = run(["check", "--site-report", str(TEXT), "--include-raw", "-f", "json"])
    raw = site_json(result.out)["site_report"]["raw"]
    assert "### WordPress Environment ###" in raw


def test_redact_covers_the_site_report(run: Any, tmp_path: Path) -> None:
    data = json.loads(JSON.read_bytes())
    data["environment"]["store_id"] = "8f14e45f-ceea-467f-a9e7-1c2d3e4f5a6b"
    data["database"]["database_prefix"] = "hb7x_"
    data["database"]["database_tables"]["woocommerce"] = {
        "hb7x_woocommerce_sessions": {"data": "1.52", "index": "0.08", "engine": "InnoDB"}
    }
    data["settings"]["admin_email"] = "owner@harbor-books.example"
    site = tmp_path / "site.json"
    site.write_text(json.dumps(data))
    for fmt in ("json", "text", "markdown", "html"):
        result = run(["check", "--input", str(STATUS), "--site-report", str(site), "--redact",
                      "--include-raw", "--now", NOW, "-f", fmt, "--fail-on", "never"])
        assert result.code == 0, result.err
        for hidden in ("harbor-books", "hb7x_", "8f14e45f-ceea", "owner@", "/var/www"):
            assert hidden not in result.out, (fmt, hidden)
    report = assert_valid_report(result.out if fmt == "json" else run(
        ["check", "--input", str(STATUS), "--site-report", str(site), "--redact",
         "--include-raw", "--now", NOW, "-f", "json", "--fail-on", "never"]).out)
    # One host, one number: the status's store-1 is the site report's store-1.
    used = {row["label"]: row["value"] for row in report["site_report"]["used"]}
    assert used["Site"] == "https://store-1.example"
    assert "store-1.example" in json.dumps(report["status"])
    raw = report["site_report"]["raw"]
    assert "[prefix]woocommerce_sessions" in raw and "[path]" in raw and "8f14…" in raw
    assert report["site_report"]["fingerprint"] is None


# --save-site-report ---------------------------------------------------------------------------


def test_save_site_report_keeps_the_body_as_received(run: Any, tmp_path: Path) -> None:
    saved = tmp_path / "kept.txt"
    result = run(["check", "--site-report", str(TEXT), "--save-site-report", str(saved)])
    assert result.code == 1, result.err  # the degraded site's own problems (MD304)
    assert saved.read_bytes() == TEXT.read_bytes()
    again = run(["check", "--site-report", str(saved), "--save-site-report", str(saved)])
    assert again.code == 2 and "[usage]" in again.err  # never over an input


# Live: --site-url through real loopback servers ------------------------------------------------


def live(run: Any, url: str, *extra: str, timeout: str = "2") -> Any:
    result = run(["check", "--site-url", url, "--timeout", timeout, "-v", *extra], env=WC_ENV)
    no_wc_secret(result.out, result.err)
    return result


def test_live_fetch_succeeds_with_basic_auth(run: Any, tmp_path: Path) -> None:
    saved = tmp_path / "live.json"
    with FaultServer(always(response(200, JSON.read_bytes()))) as server:
        result = live(run, server.url, "-f", "json", "--save-site-report", str(saved))
    assert result.code == 1, result.err  # the degraded site's own problems (MD304)
    [request] = server.requests
    head = request.decode("latin-1")
    assert head.startswith("GET /wp-json/wc/v3/system_status HTTP/1.1")
    assert f"authorization: Basic {TOKEN}" in head.lower().replace("basic", "Basic").replace(
        TOKEN.lower(), TOKEN)
    report = site_json(result.out)
    assert report["sources"][0]["type"] == "api"
    assert report["sources"][0]["location"] == server.url + "/wp-json/wc/v3/system_status"
    assert saved.read_bytes() == JSON.read_bytes()


def test_a_body_echoing_the_secret_is_scrubbed_everywhere(run: Any, tmp_path: Path) -> None:
    data = json.loads(JSON.read_bytes())
    data["environment"]["server_info"] = f"Apache key={WC_KEY} secret={WC_SECRET}"
    saved = tmp_path / "echo.json"
    with FaultServer(always(response(200, json.dumps(data).encode()))) as server:
        for fmt in ("text", "json", "html", "markdown"):
            result = live(run, server.url, "-f", fmt, "--include-raw",
                          "--save-site-report", str(saved))
            assert result.code == 1, result.err  # the degraded site's own problems (MD304)
            no_wc_secret(saved.read_text())


def test_live_401_says_check_the_key(run: Any) -> None:
    body = {**CANNOT_VIEW, "code": "woocommerce_rest_authentication_error",
            "message": "Invalid signature", "data": {"status": 401}}
    with FaultServer(always(response(401, body))) as server:
        result = live(run, server.url)
    assert result.code == 3 and result.err.rstrip().endswith("[auth-rejected]")
    assert "rejected the WooCommerce key (HTTP 401" in result.err


def test_live_403_cannot_view_names_the_missing_permission(run: Any) -> None:
    with FaultServer(always(response(403, CANNOT_VIEW))) as server:
        result = live(run, server.url)
    assert result.code == 3 and result.err.rstrip().endswith("[forbidden]")
    assert "Read" in result.err and "manage_woocommerce" in result.err
    assert "woocommerce_rest_cannot_view" in result.err
    assert len([line for line in result.err.splitlines() if "error:" in line]) == 1


def test_live_html_login_page_is_not_a_site_report(run: Any) -> None:
    page = b"<!DOCTYPE html><html><body><form id='loginform'>Log In</form></body></html>"
    with FaultServer(always(response(200, page, {"Content-Type": "text/html"}))) as server:
        result = live(run, server.url)
    assert result.code == 3 and result.err.rstrip().endswith("[not-a-site-report]")
    assert "an HTML page" in result.err


def test_live_redirect_to_another_host_never_carries_credentials(run: Any) -> None:
    with FaultServer(always(response(200, JSON.read_bytes()))) as elsewhere:
        other = elsewhere.url.replace("127.0.0.1", "localhost")
        redirect = response(302, b"", {"Location": other + "/wp-json/wc/v3/system_status"})
        with FaultServer(always(redirect)) as server:
            result = live(run, server.url)
    assert result.code == 3 and result.err.rstrip().endswith("[redirect]")
    assert "--site-url" in result.err
    assert elsewhere.requests == []  # the credentials never left for the other host


def test_live_slow_and_huge_answers(run: Any) -> None:
    with FaultServer(always(1.0)) as server:
        slow = live(run, server.url, timeout="0.2")
    assert slow.code == 3 and slow.err.rstrip().endswith("[timeout]")
    assert "the store at" in slow.err
    huge = b'{"environment": {"x": "' + b"a" * (1024 * 1024 + 10) + b'"}}'
    with FaultServer(always(response(200, huge))) as server:
        big = live(run, server.url)
    assert big.code == 3 and big.err.rstrip().endswith("[too-large]")


def test_secrets_from_the_command_line_never_print(run: Any) -> None:
    with FaultServer(always(response(403, CANNOT_VIEW))) as server:
        result = run(["check", "--site-url", server.url, "--wc-key", WC_KEY, "--wc-secret",
                      WC_SECRET, "--debug", "--timeout", "2"])
    assert result.code == 3
    no_wc_secret(result.out, result.err)


# The demo ----------------------------------------------------------------------------------------


def test_degraded_site_demo_fetches_both_live_and_degraded_stays(run: Any) -> None:
    result = run(["check", "--demo", "degraded-site", "--now", NOW, "-f", "json"])
    assert result.code == 1, result.err
    report = site_json(result.out)
    assert [(s["kind"], s["type"]) for s in report["sources"]] == [
        ("meum-status", "demo"), ("site-report", "demo")]
    assert report["sources"][1]["request_id"] is not None  # served by the embedded API
    plain = assert_valid_report(run(["check", "--demo", "degraded", "--now", NOW, "-f",
                                     "json"]).out)
    assert plain["site_report"] is None and len(plain["sources"]) == 1
    listed = run(["examples"]).out
    assert re.search(r"^degraded ", listed, re.M) and re.search(r"^degraded-site ", listed, re.M)


@pytest.mark.parametrize("args", [["--site-report", str(TEXT)], ["--demo", "degraded-site"]])
def test_site_report_json_validates(run: Any, args: list[str]) -> None:
    result = run(["check", *args, "--include-raw", "--redact", "-f", "json", "--now", NOW])
    assert_valid_report(result.out)


def test_saving_what_the_run_does_not_have_is_a_usage_error(run: Any, tmp_path: Path) -> None:
    nothing = run(["check", "--input", str(STATUS), "--save-site-report", str(tmp_path / "x")])
    assert nothing.code == 2 and "--save-site-report has nothing to save" in nothing.err
    no_status = run(["check", "--site-report", str(TEXT), "--save-status", str(tmp_path / "y")])
    assert no_status.code == 2 and "--save-status has nothing to save" in no_status.err
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_a_raw_report_cut_at_its_limit_never_shows_half_a_secret(
    run: Any, tmp_path: Path, fmt: str
) -> None:
    """The raw report is shown up to siteview.RAW_LIMIT characters; cut inside an echoed
    secret, the part before the cut was no longer the secret and went out unscrubbed."""
    from meum_doctor.siteview import RAW_LIMIT

    secret = "sk_live_CUTsecret_9f8e7d6c5b4a3210"
    text = TEXT.read_text(encoding="utf-8")
    padding = RAW_LIMIT - len(text) - 1 - len(secret) // 2
    body = text + "\n" + "x" * (padding - 1) + " " + secret + " tail\n"
    path = tmp_path / "big.txt"
    path.write_text(body, encoding="utf-8")
    result = run(["check", "--input", str(STATUS), "--site-report", str(path), "--now", NOW,
                  "-f", fmt], env={"MEUM_API_KEY": secret})
    assert result.code == 1, result.err
    assert "more characters)" in result.out  # it was cut
    assert secret[:12] not in result.out


def test_redaction_leaves_the_rules_own_advice_alone(run: Any) -> None:
    """Under --redact, the cron advice's example URL (a placeholder, WordPress's own
    wp-cron.php) was taken for the store's and rewritten to https://store-2.example/site-2."""
    result = run(["check", "--demo", "degraded-site", "--redact", "--now", NOW, "-f", "json"])
    report = json.loads(result.out)
    steps = [s for f in report["findings"] if f["rule"] == "MD303" for s in f["remediation"]]
    assert any("https://<store>/wp-cron.php?doing_wp_cron" in step for step in steps), steps
    assert "harbor-books" not in result.out
