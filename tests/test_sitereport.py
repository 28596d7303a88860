"""The System Status report parser: every form a ticket holds, each WooCommerce generation,
the REST JSON's real shapes, the errors for what is no report, and fuzzing.

Fixtures are written from the facts in site-report.md: tests/fixtures/site_reports/ and the
bundled examples/site-reports/. Other forms (CRLF, quoted, HTML, fenced …) are made here from
the degraded example, so each is compared with the plain report it came from.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meum_doctor.errors import BadResponse
from meum_doctor.sitereport import (
    MAX_BODY,
    OutdatedTemplate,
    RemoteCheck,
    SiteReport,
    looks_like_site_report,
    parse_site_report,
)

FIXTURES = Path(__file__).parent / "fixtures" / "site_reports"
EXAMPLES = resources.files("meum_doctor.examples").joinpath("site-reports")
EXAMPLES_SOURCE = Path(__file__).parent.parent / "examples" / "site-reports"
FUZZ_EXAMPLES = int(os.environ.get("MEUM_DOCTOR_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=FUZZ_EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def example(name: str) -> bytes:
    return EXAMPLES.joinpath(name).read_bytes()


def parse(body: bytes) -> SiteReport:
    report, problems = parse_site_report(body)
    assert problems == [], problems
    return report


DEGRADED_TEXT = example("degraded-site.txt").decode()
#: The plain report, as in the downloaded .txt: no backticks around it.
PLAIN = DEGRADED_TEXT.strip().strip("`").strip() + "\n"


# -- the same site in both forms ---------------------------------------------------------


@pytest.mark.parametrize(("text", "rest"), [
    ("examples:degraded-site.txt", "examples:degraded-site.json"),
    ("wc8.txt", "wc8.json"),
])
def test_text_and_json_of_one_site_give_equal_models(text: str, rest: str) -> None:
    def load(name: str) -> bytes:
        return example(name.split(":")[1]) if name.startswith("examples:") else fixture(name)

    from_text, from_json = parse(load(text)), parse(load(rest))
    assert from_text.form == "text" and from_json.form == "json"
    assert from_text == from_json
    # Not vacuous: the models hold the site's facts, not Nones.
    assert from_text.active_plugins and from_text.pages and from_text.theme
    assert from_text.remote_post is not None and from_text.remote_post.ok is False


def test_json_wrapped_in_data_equals_the_bare_json() -> None:
    bare = example("degraded-site.json")
    wrapped = json.dumps({"data": json.loads(bare)}).encode()
    assert parse(wrapped) == parse(bare)
    assert parse(wrapped).wrappers == ("data",)


def test_the_degraded_example_tells_its_story() -> None:
    report = parse(example("degraded-site.txt"))
    assert report.site_url == "https://harbor-books.example"
    assert (report.woocommerce_version, report.wordpress_version) == ("10.9.1", "6.8.3")
    assert report.wordpress_latest == "7.1"
    assert report.wp_cron is False
    assert report.remote_post == RemoteCheck(
        False, "cURL error 28: Connection timed out after 10001 milliseconds")
    assert report.scheduled("past-due") == 41
    assert report.plugins()[0].name == "Meum Payments for WooCommerce"
    assert report.page("terms") is not None and report.page("terms").problem == "not-set"  # type: ignore[union-attr]
    assert report.generated_at is not None and report.generated_at.isoformat() == \
        "2026-11-28T10:41:07+00:00"


def test_the_degraded_example_matches_the_bundled_meum_status() -> None:
    status = json.loads(resources.files("meum_doctor.examples").joinpath("degraded.json")
                        .read_text())
    report = parse(example("degraded-site.txt"))
    assert report.home_url == status["site_url"]
    assert report.wordpress_version == status["wordpress_version"]
    assert report.woocommerce_version == status["woocommerce_version"]
    meum = next(p for p in report.plugins() if "Meum" in p.name)
    assert meum.version == status["plugin_version"]


def test_the_healthy_example_is_healthy() -> None:
    status = json.loads(resources.files("meum_doctor.examples").joinpath("healthy.json")
                        .read_text())
    report = parse(example("healthy-site.txt"))
    assert report.home_url == status["site_url"]
    assert report.woocommerce_version == status["woocommerce_version"]
    assert report.wp_cron is True and report.https is True
    assert report.remote_post == RemoteCheck(True) == report.remote_get
    assert all(page.problem is None for page in report.pages or ())
    assert report.errors_shown_to_visitors is False


def test_example_site_reports_are_shipped_as_package_data() -> None:
    names = {path.name for path in EXAMPLES_SOURCE.iterdir()}
    assert {"degraded-site.txt", "degraded-site.json", "healthy-site.txt"} <= names
    for name in names:
        assert EXAMPLES.joinpath(name).is_file(), name
    pyproject = (Path(__file__).parent.parent / "pyproject.toml").read_text()
    assert '"site-reports/*.txt"' in pyproject and '"site-reports/*.json"' in pyproject


# -- every form a ticket holds ------------------------------------------------------------


def quoted(text: str) -> str:
    return "".join(f"> {line}\n" if line else ">\n" for line in text.split("\n"))


FORMS = {
    "copied, with its backticks": DEGRADED_TEXT,
    "downloaded .txt": PLAIN,
    "Windows line endings": PLAIN.replace("\n", "\r\n"),
    "old Mac line endings": PLAIN.replace("\n", "\r"),
    "UTF-8 with a byte-order mark": "\ufeff" + PLAIN,
    "re-fenced in ```": "Here it is:\n\n```text\n" + PLAIN + "```\n\nThanks!",
    "fenced around the backticks": "```\n" + DEGRADED_TEXT + "\n```",
    "Copy for GitHub": "<details><summary>System Status Report</summary>\n\n``\n" + PLAIN
                       + "``\n</details>\n",
    "quoted with > ": "On Monday the merchant wrote:\n" + quoted(DEGRADED_TEXT),
    "quoted twice": quoted(quoted(PLAIN)),
    "pasted as HTML": PLAIN.replace("&", "&amp;").replace("<", "&lt;").replace("\n", "<br>"),
    "pasted as HTML with its newlines": "<div>" + PLAIN.replace("&", "&amp;")
                                        .replace("\n", "<br />\n") + "</div>",
    "indented as a code block": "".join(f"    {line}\n" for line in PLAIN.split("\n")),
    "backtick on the first line": "`" + PLAIN.rstrip() + "`",
}


@pytest.mark.parametrize("form", FORMS)
def test_every_text_form_gives_the_same_model(form: str) -> None:
    expected = parse(PLAIN.encode())
    body = FORMS[form].encode()
    assert parse(body) == expected
    # The unknown rows and sections are read alike too, whatever the wrapping.
    assert parse(body).unknown == expected.unknown
    assert looks_like_site_report(body)


def test_utf16_from_notepad() -> None:
    assert parse(PLAIN.encode("utf-16")) == parse(PLAIN.encode())
    assert "utf-16" in parse(PLAIN.encode("utf-16")).wrappers


def test_wrappers_are_recorded() -> None:
    assert parse(FORMS["Windows line endings"].encode()).wrappers == ("crlf",)
    assert parse(FORMS["Copy for GitHub"].encode()).wrappers == ("details", "backticks")
    assert "quote" in parse(FORMS["quoted with > "].encode()).wrappers
    assert parse(FORMS["pasted as HTML"].encode()).wrappers == ("html",)
    assert parse(FORMS["re-fenced in ```"].encode()).wrappers == ("fence",)


def test_copy_for_github_is_redacted() -> None:
    report = parse(fixture("github-form.md"))
    assert report.redacted is True
    assert set(report.redacted_parts) == {"site_url", "home_url", "database"}
    assert report.site_url is None and report.home_url is None
    assert report.woocommerce_database_version is None
    assert report.woocommerce_version == "9.4.2"
    assert report.dropins == () and report.inactive_plugins == ()
    assert [p.name for p in report.active_plugins or ()] == [
        "WooCommerce", "Meum Payments for WooCommerce"]
    assert parse(PLAIN.encode()).redacted is False


def test_report_pasted_as_html_decodes_entities_once() -> None:
    body = (b"<p>### WordPress Environment ###<br><br>WordPress address (URL): https://a.example"
            b"<br>WC Version: 10.1.0<br>Language: en_US<br><br>### Theme ###<br><br>Name: "
            b"Tom &amp;amp; Jerry &lt;3<br>Version: 1.0</p>")
    report = parse(body)
    assert report.theme is not None and report.theme.name == "Tom &amp; Jerry <3"
    assert report.woocommerce_version == "10.1.0"


# -- WooCommerce generations and their labels ----------------------------------------------


def test_woocommerce_3_labels() -> None:
    report = parse(fixture("wc3.txt"))
    assert (report.home_url, report.site_url) == ("https://old-mill.example",) * 2
    assert report.woocommerce_version == "3.5.4"
    assert report.woocommerce_database_version == "3.4.7"
    # Marks and the site's remarks are not part of a version.
    assert (report.wordpress_version, report.wordpress_latest) == ("4.9.8", "5.0.3")
    assert report.php_version == "5.6.40"
    assert report.memory_limit == 40 * 1024 * 1024
    assert report.settings is not None and report.settings.legacy_api_enabled is True
    meum = report.plugins()[1]
    assert (meum.version, meum.untested_with) == ("0.3.0", "")
    assert report.theme is not None
    assert (report.theme.version, report.theme.latest_version) == ("2.3.3", "2.4.2")
    assert report.theme.child_theme is False and report.theme.has_outdated_templates is False


def test_woocommerce_4_to_6_rows() -> None:
    report = parse(fixture("wc5.txt"))
    assert report.memory_limit == 1000 * 1024 * 1024  # "1,000 MB": the comma groups
    woo, meum, subscriptions = report.active_plugins or ()
    assert woo.network_enabled is True and woo.untested_with is None
    assert meum.untested_with == "5.9"
    assert (subscriptions.version, subscriptions.latest_version) == ("3.1.6", "4.0.0")
    assert report.scheduled("past-due") == 12
    assert report.scheduled("complete") == 1204
    failed = [a for a in report.action_scheduler or () if a.status == "failed"]
    assert failed[0].oldest is None  # "–": none
    assert [row.label for s in report.unknown for row in s.rows if row.label.startswith("WC ")] \
        == ["WC Blocks Version", "WC Admin Version"]


def test_woocommerce_8_site_with_problems() -> None:
    report = parse(fixture("wc8.txt"))
    assert report.https is False and report.errors_shown_to_visitors is True
    assert report.debug_mode is True and report.external_object_cache is True
    assert report.remote_post == RemoteCheck(False, "403")
    assert report.remote_get == RemoteCheck(True)
    assert report.database_server == "5.5.5-10.5.24-MariaDB-1:10.5.24+maria~ubu2004"
    assert (report.woocommerce_version, report.woocommerce_database_version) == ("8.9.3", "8.4.0")
    assert {page.key: page.problem for page in report.pages or ()} == {
        "shop": None, "cart": "not-public", "checkout": "no-content",
        "myaccount": "missing", "terms": "not-set"}
    assert report.page("shop") is not None and report.page("shop").path == "/shop/"  # type: ignore[union-attr]
    assert report.theme is not None and report.theme.outdated_templates == (
        OutdatedTemplate("flatsome/woocommerce/checkout/form-checkout.php", "3.5.0", "9.4.0"),
        OutdatedTemplate("flatsome/woocommerce/checkout/payment.php", None, "8.1.0"),
    )
    assert report.settings is not None and report.settings.hpos_enabled is False
    assert report.settings.woocommerce_com_connected is True
    mu = (report.mu_plugins or ())[0]
    assert (mu.name, mu.author, mu.version) == ("Health Check Troubleshooting Mode", None, "1.7.2")
    stripe = (report.active_plugins or ())[2]
    assert (stripe.latest_version, stripe.untested_with) == ("8.4.0", "8.9.3")


def test_woocommerce_10_sections() -> None:
    report = parse(example("degraded-site.txt"))
    assert {"logging", "report_info", "action_scheduler"} <= report.sections
    assert report.settings is not None and report.settings.order_datastore is not None
    assert report.settings.order_datastore.endswith("OrdersTableDataStore")


def test_localized_report() -> None:
    report = parse(fixture("localized-fr.txt"))
    assert report.memory_limit == 640 * 1024 * 1024  # "640 Mo"
    assert report.language == "fr_FR" and report.wp_cron is False
    # Translated section titles: the plugin lists by their place, the others by their rows.
    assert [p.author for p in report.active_plugins or ()] == ["Automattic", "Meum"]
    assert report.inactive_plugins == ()
    assert report.settings is not None and report.settings.currency == "EUR"
    assert [page.key for page in report.pages or ()] == [
        "shop", "cart", "checkout", "myaccount", "terms"]
    assert [page.problem for page in report.pages or ()] == [
        None, None, "no-content", None, "other"]
    assert (report.active_plugins or ())[1].untested_with == "10.2"
    # A translated failure keeps the untranslated cURL error, else the site's own words.
    assert report.remote_post is not None and report.remote_post.error is not None
    assert report.remote_post.error.startswith("cURL error 7: Failed to connect")
    assert report.remote_get == RemoteCheck(
        False, "wp_remote_get() a échoué. Contactez votre hébergeur. Erreur interne")


def test_every_value_split_at_comma_space_is_joined_back() -> None:
    report = parse(fixture("split-values.txt"))
    assert report.remote_post == RemoteCheck(
        False, "cURL error 60: SSL certificate problem, unable to get local issuer certificate")
    # A line break of the page (indented) joins with a space, not ", ".
    assert report.remote_get == RemoteCheck(
        False, "cURL error 28: Resolving timed out after 5000 milliseconds for api.meum.example")
    meum = (report.active_plugins or ())[0]
    assert (meum.author, meum.version) == ("Meum Labs, Inc., and friends", "1.0.0")
    assert report.theme is not None and report.theme.woocommerce_support is True
    assert report.theme.child_theme is False
    assert report.theme.overrides[1] == "astra/woocommerce/checkout/form-checkout.php"
    assert [t.file for t in report.theme.outdated_templates] == [
        "astra/woocommerce/checkout/payment.php"]
    rows = {row.label: row.value for section in report.unknown for row in section.rows}
    assert rows["Server Info"] == "Apache/2.4.58 (Ubuntu), mod_fcgid/2.3.9"
    assert rows["cURL Version"] == "8.5.0, OpenSSL/3.0.13"


def test_unknown_sections_and_rows_are_kept() -> None:
    body = PLAIN + "\n### WooCommerce Payments ###\n\nAccount ID: acct_123\nMode: live\n"
    report = parse(body.encode())
    [extension] = [s for s in report.unknown if s.title == "WooCommerce Payments"]
    assert [(r.label, r.value) for r in extension.rows] == [
        ("Account ID", "acct_123"), ("Mode", "live")]
    wordpress = next(s for s in report.unknown if s.title == "WordPress Environment")
    assert ("WP Multisite", "–") in [(r.label, r.value) for r in wordpress.rows]


# -- the REST JSON's real shapes -------------------------------------------------------------


def test_rest_json_real_shapes_and_wrong_types() -> None:
    report, problems = parse_site_report(fixture("rest-wrapped.json"))
    assert report.wrappers == ("data",)
    assert {p.field for p in problems} == {
        "environment.wp_version", "security.hide_errors", "inactive_plugins[0]",
        "theme.overrides"}
    assert report.wordpress_version is None and report.errors_shown_to_visitors is None
    assert report.php_version == "8.2"  # a number, kept as text
    assert report.memory_limit == 134217728  # bytes as a string
    assert report.debug_mode is True and report.wp_cron is False  # "yes" and 0
    assert report.remote_post == RemoteCheck(None)  # null: not computed
    assert report.remote_get == RemoteCheck(False, "A valid URL was not provided.")
    # PHP arrays with gaps arrive as objects.
    woo, meum = report.active_plugins or ()
    assert (woo.slug, woo.latest_version, woo.network_enabled) == ("woocommerce", "10.8.1", True)
    assert meum.latest_version is None  # version_latest == version: no update known
    assert [p.name for p in report.inactive_plugins or ()] == ["Akismet Anti-spam"]
    assert report.dropins is not None and report.dropins[0].file == "object-cache.php"
    assert report.settings is not None and report.settings.woocommerce_com_connected is True
    assert [(p.key, p.problem) for p in report.pages or ()] == [
        ("shop", "not-set"), ("cart", None), ("checkout", "no-content"), ("myaccount", None),
        ("terms", "not-set")]
    assert report.theme is not None and report.theme.latest_version == "1.3"
    kept = {row.label for section in report.unknown for row in section.rows}
    assert {"brand_new_key", "installation_integrity", "database_tables"} <= kept


def test_rest_json_documented_dropins_list_is_read() -> None:
    body = json.dumps({"environment": {"version": "9.0.0"},
                       "dropins_mu_plugins": ["object-cache.php"]}).encode()
    report = parse(body)
    assert report.dropins is not None and report.dropins[0].file == "object-cache.php"


# -- what is not a report ----------------------------------------------------------------------


@pytest.mark.parametrize(("body", "said"), [
    (b"", "empty"),
    (b"  \n\t ", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (b"<!DOCTYPE html><html><head><title>Log In</title></head><body>wp-login</body></html>",
     "HTML page"),
    (b'{"code": "woocommerce_rest_cannot_view", "message": "Sorry, you cannot list resources.",'
     b' "data": {"status": 401}}', "woocommerce_rest_cannot_view"),
    (b'{"orders": [1, 2]}', "JSON of another shape (an object with keys orders)"),
    (b"[1, 2, 3]", "JSON of another shape (a list)"),
    (b'{"environment": ', "not valid"),
    (b"[" * 5000 + b"]" * 5000, "nested"),
    (b"Hello,\nmy checkout is broken, please help.\nThanks", "text without System Status"),
    (b"### Only a title ###\n", "text without System Status"),
])
def test_not_a_report_says_what_it_looked_like(body: bytes, said: str) -> None:
    with pytest.raises(BadResponse) as caught:
        parse_site_report(body)
    assert said in str(caught.value)
    assert looks_like_site_report(body) is False


def test_a_meum_status_is_not_a_site_report() -> None:
    body = resources.files("meum_doctor.examples").joinpath("degraded.json").read_bytes()
    with pytest.raises(BadResponse, match="Meum integration status"):
        parse_site_report(body)
    assert looks_like_site_report(body) is False


def test_bodies_over_one_mib_are_refused() -> None:
    body = (PLAIN + "\n### Padding ###\n\n" + "Row: x\n" * (MAX_BODY // 7)).encode()
    assert len(body) > MAX_BODY
    with pytest.raises(BadResponse, match="larger than 1024 KiB"):
        parse_site_report(body)
    assert looks_like_site_report(body)  # the guess reads only the beginning


def test_looks_like_site_report_for_every_fixture() -> None:
    for path in [*FIXTURES.iterdir(), *EXAMPLES_SOURCE.iterdir()]:
        assert looks_like_site_report(path.read_bytes()), path.name


# -- fuzzing and bounds ----------------------------------------------------------------------

fragments = st.sampled_from([
    "### WordPress Environment ###", "### Active Plugins (3) ###", "### WC Pages ###",
    "### Action Scheduler ###", "### x ###", "###", "WP Version: 6.8", "WP Memory Limit: 9 ZB",
    "Remote Post: ❌", "Cart: #7 - /cart/", "Checkout: ❌ Page not set", "Overrides: a.php",
    "x.php version - is out of date. The core version is", "Complete: 1,2,3", "Oldest: x",
    "Name: by  –", "by", " – ", ": ", "`", "``", "```", "> ", "<br>", "<details>", "[Redacted]",
    "[REDACTED]", "\t", "", "✔", "–", "Generated at: 9999-99-99", "9" * 50, "Currency: (",
    "Version: 1 – 2 – 3", "Taxonomies: a: b: c: d",
])
report_like = st.lists(st.one_of(fragments, st.text(max_size=30)), max_size=40).map("\n".join)
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                         st.text(max_size=20))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=4),
    max_leaves=12)
report_keys = st.sampled_from([
    "environment", "database", "active_plugins", "inactive_plugins", "dropins_mu_plugins",
    "theme", "settings", "security", "pages", "post_type_counts", "logging", "data"])
inner_keys = st.sampled_from([
    "version", "wp_version", "wp_memory_limit", "remote_post_successful", "remote_post_response",
    "plugin", "name", "version_latest", "overrides", "page_id", "page_set", "mu_plugins",
    "dropins", "hide_errors", "currency", "file", "core_version"])
shaped = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(inner_keys, inner, max_size=5),
    max_leaves=20)


def survive(body: bytes) -> None:
    """Parse; only BadResponse may come out, and a model always has its problems listed."""
    looks_like_site_report(body)
    try:
        report, problems = parse_site_report(body)
    except BadResponse as exc:
        message = str(exc)
        if not message:
            raise AssertionError("a BadResponse without a message") from exc
        return
    assert isinstance(report, SiteReport)
    assert all(p.field for p in problems)
    hash(report.sections)


@FUZZ
@given(report_like, st.sampled_from(["", "`\n", "> ", "<br>"]))
def test_any_report_like_text(text: str, wrapper: str) -> None:
    if wrapper == "> ":
        text = quoted(text)
    elif wrapper == "<br>":
        text = text.replace("\n", "<br>")
    else:
        text = wrapper + text
    survive(text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.binary(max_size=300))
def test_any_bytes(body: bytes) -> None:
    survive(body)


@FUZZ
@given(json_values)
def test_any_json(value: Any) -> None:
    survive(json.dumps(value).encode())


@FUZZ
@given(st.dictionaries(report_keys, shaped, min_size=1, max_size=6), st.booleans())
def test_report_shaped_json_with_any_types(data: dict[str, Any], wrap: bool) -> None:
    survive(json.dumps({"data": data} if wrap else data).encode())


_HOSTILE = r"""
import sys, time
from meum_doctor.sitereport import parse_site_report
from meum_doctor.errors import BadResponse
MiB = 1024 * 1024 - 64
bodies = [
    b"### A ###\n\n" + b"x" * MiB,
    b"### A ###\n\nLabel: " + b"a, " * (MiB // 3),
    b"### A ###\n### B ###\n" + b"a: b\n" * (MiB // 5),
    b"### Active Plugins (1) ###\n\nN: by " + b"x \xe2\x80\x93 " * (MiB // 6),
    b"### A ###\n\n" + b":" * MiB,
    b"### A ###\n\nA: 1\n" + b"\t\n" * (MiB // 2),
    b"### A ###\n" + b"> " * (MiB // 2),
    b"### A ###<br>### B ###<br>" + b"<br" * (MiB // 3),
    b"### A ###\n### B ###\n" + b"<details>" * (MiB // 9),
    b"### Templates ###\n\nOverrides: " + b"a.php 1 " * (MiB // 8),
    b"### WordPress Environment ###\n\nWP Memory Limit: " + b"1,0" * (MiB // 3),
    b'{"environment": {"version": "' + b"9" * MiB + b'"}}',
    b'{"pages": [' + b'{"page_id": "1"},' * (MiB // 18) + b'{}]}',
]
for body in bodies:
    try:
        parse_site_report(body[: 1024 * 1024])
    except BadResponse:
        pass
print("done")
"""


def test_hostile_one_mib_bodies_do_not_hang(tmp_path: Path) -> None:
    """Whatever a 1 MiB body holds, parsing ends (bench/run.py measures how fast)."""
    done = subprocess.run([sys.executable, "-c", _HOSTILE], capture_output=True, text=True,
                          timeout=120, check=False, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "done"


def test_a_report_of_too_many_lines_is_cut_and_says_so() -> None:
    from meum_doctor.sitereport.forms import MAX_LINES

    body = (PLAIN + "\n### Padding ###\n\n" + "Row: x\n" * MAX_LINES).encode()
    report, problems = parse_site_report(body)
    assert report.woocommerce_version == "10.9.1"  # what came before the cut is read
    assert "cut" in report.wrappers
    assert [p.field for p in problems] == ["(report)"]
    assert "the rest was not read" in problems[0].problem
