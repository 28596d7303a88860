"""--redact hides the store, not just its host: adversarial statuses through the real CLI.

Each test plants what identifies a store (hosts in every spelling, a multisite path, query
values, e-mail addresses, phone numbers, IBANs, IP addresses, IDs of any type, unknown fields,
passwords, file names and batch labels) in many places of a status and asserts that none of
it appears anywhere in any format, while the report stays as useful (same findings).
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import re
import string
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW, REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FORMATS = ("text", "markdown", "html", "json")

#: Every one of these names the store; none may appear in a redacted report (any case).
IDENTIFYING = (
    "harbor",  # the host's distinctive label, alone, in any host or path
    "bücher",
    "bcher",  # punycode xn--bcher-kva, and b%C3%BCcher
    "xn--",
    "%c3%bc",
    "hunter2",  # a URL's password
    "jane.doe",
    "jane",
    "owner@",
    "%40",
    "7946",
    "0958",  # +44 20 7946 0958
    "555) 010",
    "gb33",
    "20201555555555",  # IBAN GB33 BUKB 2020 1555 5555 55
    "203.0.113",
    "2001:db8",
    "48213977",  # a merchant ID, a number
    "123456789",  # integration_id sent as a number
    "9b2f6c1e",
    "2f8e0d6b7a94",  # an integration ID, with and without dashes
    "q8w2e4r6",  # integration_public_id
    "zt3c",  # the credential prefix beyond its first 4 characters
    "abc123def",  # a query token
    "ticket-4711",
    "4711",  # the --input file name
    "acme",  # a batch label / file name
)


def hostile_status() -> dict[str, Any]:
    """A status with each identifying item in fields, issues, unknown fields, nested objects."""
    status = json.loads((REPO / "examples" / "degraded.json").read_text())
    status.update(
        site_url="https://admin:hunter2@bücher.example/harbor-books-shop",
        webhook_url="https://www.Harbor-Books.EXAMPLE/harbor-books-shop/?wc-api=stablecoin_webhook",
        integration_id=123456789,
        integration_public_id="int_q8w2e4r6t1y3u5i7o9p0",
        credential_prefix="sk_live_Zt3c",
        issues=[
            "Contact jane.doe@harbor-books.example or +44 20 7946 0958 about the shop.",
            "Payout to IBAN GB33 BUKB 2020 1555 5555 55 failed for merchant 48213977.",
            "See https://xn--bcher-kva.example/harbor-books-shop/?shop=harbor-books&token=abc123def",
            "Integration 9b2f6c1e4d7a4e3ba1c52f8e0d6b7a94 cannot reach 203.0.113.77 or 2001:db8::1",
            "Percent-encoded: b%C3%BCcher.example and jane.doe%40harbor-books.example",
            "Sub-site harbor-books-shop of HARBOR-BOOKS.example has a problem",
            "Call (555) 010-9999 or write to owner@bücher.example",
        ],
        store_name="Harbor Books Ltd",
        merchant_id=48213977,
        admin_email="owner@harbor-books.example",
        server_ip="203.0.113.77",
        settings={"contact": {"phone": "+1 (555) 010-9999", "sites": ["bücher.example"]},
                  "harbor-books.example": True},
    )
    return status


def assert_hidden(text: str, where: str) -> None:
    """None of IDENTIFYING in ``text``, as written, with Markdown's backslashes taken out,
    with HTML entities and JSON's \\u escapes decoded."""
    forms = [text, text.replace("\\", ""), html.unescape(text)]
    with contextlib.suppress(ValueError):
        forms.append(json.dumps(json.loads(text), ensure_ascii=False))
    for form in forms:
        lowered = form.lower()
        for value in IDENTIFYING:
            assert value.lower() not in lowered, (value, where)


def findings_of(run: Any, path: Path, *extra: str) -> list[tuple[str, str]]:
    result = run(["check", "--input", str(path), "--now", NOW, "-f", "json", "-v", *extra])
    return [(f["rule"], f["severity"]) for f in json.loads(result.out)["findings"]]


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    path = tmp_path / "ticket-4711-acme.json"
    path.write_text(json.dumps(hostile_status(), ensure_ascii=False))
    return path


@pytest.mark.parametrize("fmt", FORMATS)
def test_nothing_identifying_survives_in_any_format(run: Any, hostile: Path, fmt: str) -> None:
    result = run(["check", "--input", str(hostile), "--now", NOW, "--redact", "-v", "-f", fmt])
    assert result.code == 1, result.err
    assert_hidden(result.out + result.err, fmt)
    assert "store-1.example" in result.out
    assert "name hidden" in result.out  # the Source: line says a file was read


def test_the_redacted_report_stays_useful(run: Any, hostile: Path) -> None:
    # The same rules fire with the same severities: redaction happens after the rules ran.
    assert findings_of(run, hostile, "--redact") == findings_of(run, hostile)
    report = json.loads(run(["check", "--input", str(hostile), "--now", NOW, "--redact",
                             "-f", "json"]).out)
    status = report["status"]
    # One host, one number, in every spelling (Unicode, punycode, percent-encoded, www., case).
    assert status["site_url"] == "https://***@store-1.example/site-2"
    assert status["webhook_url"] == (
        "https://store-2.example/site-2/?wc-api=stablecoin_webhook"  # harmless query kept
    )
    assert status["issues"][2] == (
        "See https://store-1.example/site-2/?shop=[redacted]&token=[redacted]"
    )
    assert re.fullmatch(r"Percent-encoded: store-1.example and user-\d@store-2.example",
                        status["issues"][4])
    # IDs of any type are masked to 4 characters; unknown fields are hidden, harmless kept.
    assert status["integration_id"] == "1234…"
    assert status["credential_prefix"] == "sk_l…"
    assert status["store_name"] == status["merchant_id"] == status["server_ip"] == "[redacted]"
    assert status["settings"]["contact"]["sites"] == ["[redacted]"]
    assert status["payout_configured"] is True
    assert status["plugin_version"] == "0.9.4"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_url_password_is_masked_even_without_redact(run: Any, tmp_path: Path, fmt: str) -> None:
    status = hostile_status()
    status["issues"].append("login failed for admin:hunter2@harbor-books.example")
    path = tmp_path / "s.json"
    path.write_text(json.dumps(status))
    result = run(["check", "--input", str(path), "--now", NOW, "-v", "-f", fmt])
    assert "hunter2" not in result.out + result.err
    assert "admin:***@" in result.out
    assert "harbor-books" in result.out  # without --redact the store is shown


@pytest.mark.parametrize(
    "site_url",
    [
        "harbor-books.example/harbor-books-shop",  # no scheme
        ["https://harbor-books.example/harbor-books-shop"],  # a list
        "https://[harbor-books.example/harbor-books-shop",  # urlsplit refuses it
        "HTTPS://WWW.HARBOR-BOOKS.EXAMPLE./harbor-books-shop",
        "https://harbor%2Dbooks.example/harbor%2Dbooks%2Dshop",
        "https://xn--harbor-books-shop-9ib.example",
        "ftp://harbor-books.example:2121/harbor-books-shop#harbor",
        {"url": "https://harbor-books.example"},
    ],
)
def test_malformed_site_urls_are_redacted(run: Any, tmp_path: Path, site_url: Any) -> None:
    status = json.loads((REPO / "examples" / "degraded.json").read_text())
    status["site_url"] = site_url
    status["issues"].append("harbor-books-shop is down")
    path = tmp_path / "s.json"
    path.write_text(json.dumps(status))
    for fmt in FORMATS:
        result = run(["check", "--input", str(path), "--now", NOW, "--redact", "-v", "-f", fmt])
        assert result.code == 1, result.err
        assert "harbor" not in result.out.lower(), fmt


# The fingerprint --------------------------------------------------------------------------


def test_a_redacted_report_has_no_fingerprint_of_the_body(run: Any, hostile: Path) -> None:
    body_sha = hashlib.sha256(hostile.read_bytes()).hexdigest()
    outputs = {fmt: run(["check", "--input", str(hostile), "--now", NOW, "--redact", "-f", fmt]).out
               for fmt in FORMATS}
    for fmt, text in outputs.items():
        assert body_sha not in text, fmt
    report = json.loads(outputs["json"])
    assert report["fingerprint"] is None
    canonical = json.dumps(report["status"], sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False).encode()
    expected = "sha256:" + hashlib.sha256(canonical).hexdigest()
    assert report["redacted_fingerprint"] == expected
    for fmt in ("text", "markdown", "html"):
        assert "redacted status" in outputs[fmt], fmt
        assert expected.removeprefix("sha256:") in outputs[fmt], fmt


def test_an_unredacted_report_fingerprints_the_body(run: Any, hostile: Path) -> None:
    body_sha = hashlib.sha256(hostile.read_bytes()).hexdigest()
    report = json.loads(run(["check", "--input", str(hostile), "--now", NOW, "-f", "json"]).out)
    assert report["fingerprint"] == f"sha256:{body_sha}"
    assert report["redacted_fingerprint"] is None
    for fmt in ("text", "markdown", "html"):
        out = run(["check", "--input", str(hostile), "--now", NOW, "-f", fmt]).out
        assert "status as received" in out and body_sha in out, fmt


def test_guessing_the_host_does_not_reproduce_the_fingerprint(run: Any, tmp_path: Path) -> None:
    # The attack of the issue: put a guessed host into the redacted status and hash it.
    # Whatever is guessed, the redacted status is the same, so nothing can be confirmed.
    prints = set()
    for host in ("harbor-books.example", "lumen-coffee.example"):
        status = json.loads((REPO / "examples" / "degraded.json").read_text())
        status["site_url"] = status["webhook_url"] = f"https://{host}"
        path = tmp_path / f"{host}.json"
        path.write_text(json.dumps(status))
        report = json.loads(run(["check", "--input", str(path), "--now", NOW, "--redact",
                                 "-f", "json"]).out)
        prints.add(report["redacted_fingerprint"])
    assert len(prints) == 1


# Batch ------------------------------------------------------------------------------------


def write_fleet(folder: Path) -> None:
    folder.mkdir()
    other = json.loads((REPO / "examples" / "degraded.json").read_text())
    other["site_url"] = "https://acme-tools.example"
    other["webhook_url"] = "https://acme-tools.example/wp-json/meum/v1/webhook"
    same = hostile_status()
    same["site_url"] = "https://xn--bcher-kva.example"  # the same host as the first store
    (folder / "acme-harbor-books.json").write_text(json.dumps(hostile_status()))
    (folder / "ticket-4711-acme.json").write_text(json.dumps(other))
    (folder / "harbor-books-copy.json").write_text(json.dumps(same))
    (folder / "acme-broken.json").write_text('{"site_url": "https://acme.example"')


@pytest.mark.parametrize("fmt", FORMATS)
def test_batch_hides_labels_paths_and_numbers_hosts_across_the_run(
    run: Any, tmp_path: Path, fmt: str
) -> None:
    folder = tmp_path / "acme-fleet"
    write_fleet(folder)
    out = tmp_path / "out"
    result = run(["batch", str(folder), "--now", NOW, "--redact", "-f", fmt,
                  "--output-dir", str(out)])
    assert result.code == 1, result.err
    assert_hidden(result.out + result.err, f"summary {fmt}")
    files = sorted(p.name for p in out.iterdir())
    suffix = {"text": "txt", "markdown": "md"}.get(fmt, fmt)
    assert files == [f"entry-{n}.{suffix}" for n in (2, 3, 4)]  # entry-1 is the broken one
    for file in out.iterdir():
        assert_hidden(file.read_text(), file.name)
    assert "entry-1" in result.out.replace("\\", "")  # the broken store, without its path


def test_batch_numbering_is_shared_by_every_store(run: Any, tmp_path: Path) -> None:
    folder = tmp_path / "fleet"
    write_fleet(folder)
    summary = json.loads(run(["batch", str(folder), "--now", NOW, "--redact", "-f", "json"]).out)
    sites = {s["label"]: s["site_url"] for s in summary["stores"]}
    # Files are read in name order: acme-broken, acme-harbor-books, harbor-books-copy, ticket-…
    assert sites["entry-2"] == "https://***@store-1.example/site-2"
    assert sites["entry-3"] == "https://store-1.example"  # the same host: the same number
    other = re.fullmatch(r"https://store-(\d+)\.example", sites["entry-4"])
    assert other and int(other.group(1)) > 2  # another store: a number of its own
    assert [f["source"] for f in summary["not_checked"]] == ["file"]
    assert {s["source"] for s in summary["stores"]} == {"file"}


# Property: a planted name never survives -------------------------------------------------------

NAME = st.text(string.ascii_lowercase, min_size=6, max_size=12).map(lambda s: f"zq{s}")
FILLER = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=NAME,
    before=FILLER,
    after=FILLER,
    tld=st.sampled_from(["example", "shop", "co.uk", "xn--p1ai"]),
    form=st.sampled_from(["url", "host", "email", "path", "query", "upper", "percent"]),
    place=st.sampled_from(["issue", "unknown", "nested", "site_url", "webhook_url"]),
)
def test_a_planted_store_name_never_survives(
    name: str, before: str, after: str, tld: str, form: str, place: str
) -> None:
    from meum_doctor.config import load_config, rule_settings
    from meum_doctor.documents import MEUM_STATUS, Document, Provenance
    from meum_doctor.engine import discover, evaluate
    from meum_doctor.evidence import Evidence
    from meum_doctor.render import render
    from meum_doctor.report import build_report
    from meum_doctor.status import parse

    host = f"{name}.{tld}"
    spelled = {
        "url": f"https://{host}/wp-admin/",
        "host": host,
        "email": f"sales@{host}",
        "path": f"https://shop.example/{name}/",
        "query": f"https://shop.example/?shop={name}",
        "upper": f"HTTPS://WWW.{host.upper()}",
        "percent": "https://" + "".join(f"%{b:02X}" for b in host.encode()),
    }[form]
    text = f"{before} {spelled} {after}"
    status = json.loads((REPO / "examples" / "degraded.json").read_text())
    if place == "issue":
        status["issues"].append(text)
    elif place == "unknown":
        status["shop_contact"] = text
    elif place == "nested":
        status["extra"] = {"a": [{"b": text}]}
    else:
        status[place] = text
    body = json.dumps(status).encode()
    rules = discover([])
    config = load_config(None)
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    parsed = parse(body)
    evaluation = evaluate(parsed, rules, config, rule_settings(config, rules), now)
    document = Document(MEUM_STATUS, body, Provenance("file", f"{name}.json", now))
    report = build_report(Evidence.of_status(parsed, document), evaluation, rules,
                          evaluated_at=now, generated_at=now, policy_as_of=config.policy.as_of,
                          fail_on=None, redact=True, verbose=True)
    for fmt in ("text", "json"):
        assert name not in render(report, fmt).lower(), (fmt, text)


def test_a_status_naming_thousands_of_things_is_hidden_whole(run: Any, tmp_path: Path) -> None:
    # Searching for 40,000 strings would take seconds: such a report fails closed instead.
    status = json.loads((REPO / "examples" / "degraded.json").read_text())
    status["issues"] = [f"write to jane{n}@harbor-books.example, +44 20 7946 {n:04d}"
                        for n in range(8000)]
    path = tmp_path / "big.json"
    path.write_text(json.dumps(status))
    assert findings_of(run, path, "--redact") == findings_of(run, path)
    for fmt in FORMATS:
        result = run(["check", "--input", str(path), "--now", NOW, "--redact", "-f", fmt])
        assert_hidden(result.out, fmt)
        assert "[redacted]" in result.out
