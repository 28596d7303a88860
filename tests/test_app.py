"""The application core without the command line: documents in, a report out.

A toy kind of evidence and a rule that needs it are registered from here alone, as a later
kind (the site report) or a plugin would be: nothing in the package knows them.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, NOW, example_bytes

from meum_doctor import app, sources
from meum_doctor.documents import MEUM_STATUS, Document, Provenance
from meum_doctor.engine import discover
from meum_doctor.errors import ExitCode, RuleLoadError
from meum_doctor.plugin import Category, Context, Finding, Severity, Status, rule
from meum_doctor.render import FORMATS, render
from meum_doctor.report import NotEvaluated, SourceInfo
from meum_doctor.secrets import Secrets
from meum_doctor.sources import FetchOptions, Parsed, Source, SourceKind
from meum_doctor.status import ParseProblem

WHEN = datetime(2026, 11, 28, 12, tzinfo=UTC)
TOY = "toy-report"


@dataclasses.dataclass(frozen=True)
class ToyReport:
    """The typed model of the toy kind: a site's self-reported cron setting."""

    cron_disabled: bool


def parse_toy(document: Document) -> Parsed:
    data = json.loads(document.body)
    problems = () if "cron" in data else (ParseProblem("cron", "(missing)", "not sent"),)
    return Parsed(ToyReport(cron_disabled=data.get("cron") == "off"), problems)


async def fetch_toy(source: Source, options: FetchOptions) -> Document:
    await asyncio.sleep(0)  # a real kind would await the network here
    body = json.dumps({"cron": "off", "from": source.location}).encode()
    return Document(TOY, body, Provenance("api", source.location, options.now, "req_toy"))


SEEN: list[tuple[Any, ...]] = []


@rule(
    id="MD811",
    name="toy-cron-off",
    category=Category.LIVENESS,
    severity=Severity.MEDIUM,
    needs=(TOY,),
    uses=(MEUM_STATUS,),
)
def toy_cron_off(report: ToyReport, status: Status | None, context: Context) -> Iterator[Finding]:
    """The toy report says cron is off."""
    SEEN.append((report, status, context))
    if report.cron_disabled:
        yield Finding(title="Cron is off", detail="The toy report says so.")


@pytest.fixture
def toy_kind() -> Iterator[SourceKind]:
    kind = sources.register(SourceKind(TOY, parse=parse_toy, fetch=fetch_toy))
    SEEN.clear()
    yield kind
    sources.unregister(TOY)


def settings_with_toy_rule(**changes: Any) -> app.Settings:
    settings = app.prepare(config_path=None, rules_dirs=(), selected=(), ignored=(),
                           fail_on=None, now=WHEN, **changes)
    (toy,) = [dataclasses.replace(toy_cron_off, origin="test")]
    return dataclasses.replace(
        settings, rules=(*settings.rules, toy), available=(*settings.available, toy)
    )


def status_document(name: str = "healthy") -> Document:
    return Document(MEUM_STATUS, example_bytes(name), Provenance("file", f"{name}.json", WHEN))


def toy_document(cron: str = "off") -> Document:
    body = json.dumps({"cron": cron}).encode()
    return Document(TOY, body, Provenance("file", "toy.json", WHEN))


def test_diagnose_takes_documents_and_needs_no_click() -> None:
    settings = app.prepare(config_path=None, rules_dirs=(), selected=(), ignored=(),
                           fail_on=None, now=WHEN)
    document = status_document("degraded")
    report = app.diagnose([document], settings)
    assert report.verdict == "attention"
    assert {f.rule for f in report.findings} >= {"MD201", "MD501"}
    assert report.source_type == "file" and report.source_location == "degraded.json"
    assert report.fingerprint == document.fingerprint
    assert report.sources == (
        # A file read now was retrieved when it was saved: unknown without its meta file.
        SourceInfo(MEUM_STATUS, "file", "degraded.json", None, document.fingerprint, None),
    )
    # Only the rules of the site's report wait: every rule of the Meum status ran.
    assert report.not_evaluated
    assert all(n.needs[0] == "site-report" for n in report.not_evaluated)
    assert not report.failed_rules and not report.not_selected


def test_the_toy_rule_runs_when_its_evidence_is_there(toy_kind: SourceKind) -> None:
    settings = settings_with_toy_rule()
    status, toy = status_document(), toy_document()
    report = app.diagnose([status, toy], settings)
    assert [f.rule for f in report.findings if f.rule == "MD811"] == ["MD811"]
    assert all(n.needs[0] == "site-report" for n in report.not_evaluated)  # not MD811
    # It got what it declared, in order: its toy report, then the status it uses.
    ((model, given_status, context),) = SEEN
    assert model == ToyReport(cron_disabled=True)
    assert isinstance(given_status, Status) and given_status.site_url
    assert context.now == WHEN
    # Both documents are listed, the Meum status first.
    assert [(s.kind, s.location, s.fingerprint) for s in report.sources] == [
        (MEUM_STATUS, "healthy.json", status.fingerprint),
        (TOY, "toy.json", toy.fingerprint),
    ]
    assert "Also used: toy-report from file toy.json" in render(report, "text")


def test_the_toy_rule_waits_without_its_evidence_and_the_run_stays_complete(
    toy_kind: SourceKind,
) -> None:
    settings = settings_with_toy_rule()
    report = app.diagnose([status_document()], settings)
    assert SEEN == []  # never called
    waiting = [n for n in report.not_evaluated if n.needs[0] != "site-report"]
    assert waiting == [NotEvaluated("MD811", (TOY,))]
    assert report.rule_errors == ()
    assert report.verdict == "healthy"  # not "incomplete": nothing failed
    assert report.exit_code == ExitCode.OK  # never 5 for a rule left waiting
    # The built-in rules of the site's report wait too (no site report was given).
    assert report.rules_evaluated == len(settings.rules) - len(report.not_evaluated)
    assert "MD811 (needs toy-report)" in report.coverage_text
    for fmt in ("text", "markdown", "html"):
        assert "MD811 (needs toy-report)" in render(report, fmt), fmt


def test_a_uses_argument_is_none_without_that_evidence(toy_kind: SourceKind) -> None:
    settings = settings_with_toy_rule()
    report = app.diagnose([toy_document()], settings)
    ((model, given_status, _),) = SEEN
    assert model == ToyReport(cron_disabled=True) and given_status is None
    assert [f.rule for f in report.findings] == ["MD811"]


def test_a_run_without_a_meum_status_renders_in_every_format(toy_kind: SourceKind) -> None:
    settings = settings_with_toy_rule(redact=True)
    report = app.diagnose([toy_document("on")], settings)
    assert report.status is None and report.source_type is None and report.fingerprint is None
    assert report.findings == ()
    # Every rule of the Meum status waits for it; none of that is a failure.
    assert {n.rule for n in report.not_evaluated} == {r.id for r in settings.rules} - {"MD811"}
    assert report.exit_code == ExitCode.OK
    assert report.sources == (SourceInfo(TOY, "file", "(name hidden)", None, None, None),)
    for fmt in FORMATS:
        text = render(report, fmt)
        assert "toy.json" not in text, fmt  # --redact hides a file name, whatever its kind
        if fmt == "json":
            assert json.loads(text)["status"] is None
        else:
            assert "toy-report from file" in text, fmt
            assert "Raw status" not in text, fmt


def test_the_parse_problems_of_each_kind_are_kept(toy_kind: SourceKind) -> None:
    from meum_doctor.evidence import gather

    evidence = gather([status_document(), Document(TOY, b"{}", Provenance("stdin", "-", WHEN))])
    assert evidence.kinds == {MEUM_STATUS, TOY}
    assert evidence.problems[TOY] == (ParseProblem("cron", "(missing)", "not sent"),)
    assert evidence.problems[MEUM_STATUS] == ()
    with pytest.raises(ValueError, match="two toy-report documents"):
        gather([toy_document(), toy_document()])
    with pytest.raises(ValueError, match="at least one document"):
        gather([])


def test_a_toy_source_is_acquired_locally_and_over_the_network(
    toy_kind: SourceKind, tmp_path: Path
) -> None:
    path = tmp_path / "toy.json"
    path.write_text('{"cron": "on"}')
    local = Source(TOY, "file", str(path))
    (read,) = app.acquire_local([local])
    assert read.kind == TOY and read.body == b'{"cron": "on"}'
    assert read.provenance.type == "file" and read.provenance.location == str(path)
    remote = Source(TOY, "api", "https://toy.example")
    assert app.needs_network([local, remote]) and not app.needs_network([local])
    settings = settings_with_toy_rule()
    documents = asyncio.run(app.acquire([local, remote], settings))
    assert [d.provenance.type for d in documents] == ["file", "api"]
    assert documents[1].provenance.request_id == "req_toy"
    with pytest.raises(ValueError, match="not a local source"):
        app.acquire_local([remote])
    report = app.diagnose(documents[1:], settings)
    assert report.sources[0].request_id == "req_toy"
    assert report.sources[0].retrieved_at == WHEN  # fetched: when it was fetched


def test_choose_sources_takes_plain_values() -> None:
    secrets = Secrets()
    (api,) = app.choose_sources(api_key=None, input_path=None, demo=None,
                                environ={"MEUM_API_KEY": " sk_live_abcdef123456\n"},
                                secrets=secrets)
    assert (api.kind, api.type, api.location) == (MEUM_STATUS, "api", app.DEFAULT_BASE_URL)
    assert api.credentials == ("sk_live_abcdef123456",)
    assert "sk_live_abcdef123456" in secrets
    assert "abcdef" not in repr(api)  # credentials never show in a repr
    (saved,) = app.choose_sources(api_key=None, input_path="-", demo=None, environ={})
    assert (saved.type, saved.history) == ("stdin", True)
    (demo,) = app.choose_sources(api_key=None, input_path=None, demo="healthy", environ={})
    assert (demo.type, demo.location, demo.local) == ("demo", "healthy", False)


def test_a_rules_dir_rule_waiting_for_evidence_does_not_fail_the_run(
    run: Any, tmp_path: Path
) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "waiting.py").write_text(
        "from meum_doctor.plugin import Category, Finding, Severity, rule\n\n"
        '@rule(id="MD812", name="needs-toy", category=Category.DATA, severity=Severity.HIGH,\n'
        '      needs=("toy-report",))\n'
        "def needs_toy(report, ctx):\n"
        '    """Needs a toy report."""\n'
        '    yield Finding(title="never", detail="never")\n'
    )
    result = run(["check", "--input", str(EXAMPLES / "healthy.json"), "--now", NOW,
                  "--rules-dir", str(rules)])
    assert result.code == 0, result.err
    assert "MD812 (needs toy-report)" in result.out
    listing = run(["rules", "--rules-dir", str(rules), "-f", "json"])
    entry = next(r for r in json.loads(listing.out) if r["id"] == "MD812")
    assert (entry["needs"], entry["uses"]) == (["toy-report"], [])
    explained = run(["explain", "MD812", "--rules-dir", str(rules)])
    assert "Needs: toy-report (the rule is not evaluated without it)" in explained.out


@pytest.mark.parametrize(
    ("needs", "problem"),
    [((), "needs no evidence"), (("Site Report",), "invalid needs"), ("meum-status", "invalid")],
)
def test_a_rule_must_declare_sensible_needs(needs: Any, problem: str, tmp_path: Path) -> None:
    bad = dataclasses.replace(toy_cron_off, id="MD813", needs=needs)
    (tmp_path / "bad.py").write_text("")
    from meum_doctor.engine import _collect

    with pytest.raises(RuleLoadError, match=problem):
        _collect([bad], "test")
    assert discover([])  # the built-in rules are valid, with their default needs


def test_the_logging_filter_removes_the_runs_secrets() -> None:
    from meum_doctor.logs import SecretsFilter

    secret = "sk_live_LOGSECRET_123456"
    record = logging.LogRecord("meum_doctor", logging.WARNING, __file__, 1,
                               "key %s rejected", (secret,), None)
    assert SecretsFilter(Secrets([secret])).filter(record)
    assert "LOGSECRET" not in record.getMessage()
    assert record.getMessage() == "key sk_live_… rejected"


def test_a_saved_status_lists_when_and_where_it_was_fetched(tmp_path: Path) -> None:
    from meum_doctor import saved

    fetched = Document(MEUM_STATUS, example_bytes("healthy"),
                       Provenance("api", "https://api.meum.io/v1/x", WHEN, "req_42"))
    path = tmp_path / "status.json"
    saved.save_status(str(path), fetched, Secrets())
    (source,) = app.choose_sources(api_key=None, input_path=str(path), demo=None, environ={})
    documents = app.acquire_local([source])
    settings = app.prepare(config_path=None, rules_dirs=(), selected=(), ignored=(),
                           fail_on=None)
    report = app.diagnose(documents, settings)
    assert report.time_basis == "fetched_at" and report.evaluated_at == WHEN
    assert report.sources == (
        SourceInfo(MEUM_STATUS, "file", str(path), WHEN, fetched.fingerprint, "req_42"),
    )


def test_the_site_report_is_a_registered_kind_read_from_a_file() -> None:
    from meum_doctor.documents import SITE_REPORT
    from meum_doctor.evidence import gather
    from meum_doctor.sitereport import SiteReport
    from meum_doctor.sources import Source, registered

    assert SITE_REPORT in registered()
    example = Path(__file__).resolve().parent.parent / "examples" / "site-reports"
    documents = app.acquire_local([Source(SITE_REPORT, "file", str(example / "degraded-site.txt"))])
    evidence = gather(documents)
    report = evidence.models[SITE_REPORT]
    assert isinstance(report, SiteReport)
    assert report.wp_cron is False
