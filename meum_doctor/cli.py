"""The command line: options, writing and exit codes; the work is the core's.

    app.choose_sources -> app.acquire (or acquire_local) -> app.diagnose -> render

Each command reads its options, calls :mod:`meum_doctor.app` (and :mod:`meum_doctor.batch`
for fleets), writes what comes back, and maps errors to exit codes
(:class:`~meum_doctor.errors.ExitCode`). It runs the event loop, and only when a source
needs the network. The run's :class:`~meum_doctor.secrets.Secrets` is made in :func:`main`
and handed to the commands as click's context object. Heavy modules are imported inside
the commands that need them, so ``--version`` and ``--help`` start in tens of milliseconds.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, cast

import click

from meum_doctor import __version__, formats
from meum_doctor.errors import (
    ExitCode,
    InternalError,
    Interrupted,
    MeumDoctorError,
    UsageError,
)
from meum_doctor.secrets import Secrets

if TYPE_CHECKING:
    from meum_doctor.app import Settings
    from meum_doctor.documents import Document
    from meum_doctor.sources import Source

#: Mirror meum_doctor.app's, which --help must not import to know.
API_KEY_ENV = "MEUM_API_KEY"
BASE_URL_ENV = "MEUM_API_BASE_URL"
WC_KEY_ENV = "MEUM_DOCTOR_WC_KEY"
WC_SECRET_ENV = "MEUM_DOCTOR_WC_SECRET"  # noqa: S105 - a variable's name
#: The options whose values are secrets, known before any command runs.
SECRET_OPTIONS = ("--api-key", "--wc-key", "--wc-secret")

EXIT_CODES_HELP = """\b
Exit codes:
  0    ran; nothing at or above the --fail-on severity
  1    ran; found problems at or above the --fail-on severity
  2    usage or configuration error (bad option, config key, rule plugin)
  3    no status could be obtained or read (network, HTTP error, file, JSON)
  4    internal error (a bug: please report it with the --debug output)
  5    ran, but a rule failed to run: the report is incomplete (1 wins over 5)
  130  interrupted (Ctrl-C)
"""

#: Mirrors meum_doctor.config.FAIL_ON_CHOICES, which --help must not import to know.
FAIL_ON_CHOICES = ("critical", "high", "medium", "low", "info", "never")

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT, epilog=EXIT_CODES_HELP)
@click.version_option(
    __version__, "-V", "--version", prog_name="meum-doctor", message="%(prog)s %(version)s"
)
def cli() -> None:
    """Diagnose a WooCommerce store's Meum payments integration.

    Fetches the store's integration status from the Meum API (or reads a saved one), checks
    it against a set of rules, and prints the problems worst first, each with the steps that
    fix it. Start with `meum-doctor check --demo` to see a report without an API key.
    """


# check ----------------------------------------------------------------------------------


F = TypeVar("F", bound=Callable[..., Any])


def _options(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    """Apply click options in the order given (top to bottom, as in --help)."""

    def apply(function: F) -> F:
        for decorator in reversed(decorators):
            function = decorator(function)
        return function

    return apply


# Options shared by the commands, defined once.
CONFIG = click.option(
    "--config",
    "config_path",
    metavar="PATH",
    help="Configuration file (default: $MEUM_DOCTOR_CONFIG, else ./meum-doctor.toml if present).",
)
RULES_DIR = click.option(
    "--rules-dir",
    "rules_dirs",
    multiple=True,
    metavar="DIR",
    help="Also load rules from the *.py files in DIR (repeatable).",
)
BASE_URL = click.option(
    "--base-url",
    metavar="URL",
    envvar=BASE_URL_ENV,
    default="https://api.meum.io",
    show_default=True,
    help=f"Meum API base URL (or ${BASE_URL_ENV}).",
)
TIMEOUT = click.option(
    "--timeout",
    type=click.FloatRange(min=0.1, max=300),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="Time allowed for each API attempt (at most 3 attempts).",
)
_EVALUATION_OPTIONS = _options(
    click.option(
        "--now",
        "now_text",
        metavar="ISO-8601",
        help="Evaluation time (default: now, UTC), e.g. 2026-11-28T12:00:00Z.",
    ),
    click.option(
        "-f",
        "--format",
        "fmt",
        type=click.Choice(formats.names()),
        default=formats.names()[0],
        show_default=True,
        help="Report format.",
    ),
    click.option(
        "-o",
        "--output",
        metavar="PATH",
        help="Write the report to PATH (a file is replaced atomically; '-' is standard "
        "output) instead of standard output.",
    ),
    click.option(
        "--redact",
        is_flag=True,
        help="Hide what identifies a store: hosts, URL paths and queries, IDs, e-mail "
        "addresses, phone numbers, unknown fields, file names and batch labels.",
    ),
    click.option(
        "--fail-on",
        type=click.Choice(list(FAIL_ON_CHOICES)),
        help="Exit 1 when a finding is at or above this severity (default: high, or the "
        "config's fail_on).",
    ),
    click.option(
        "--select",
        multiple=True,
        metavar="ID",
        help="Run only these rule IDs or prefixes, e.g. MD5 (repeatable).",
    ),
    click.option(
        "--ignore",
        multiple=True,
        metavar="ID",
        help="Skip these rule IDs or prefixes (repeatable).",
    ),
    CONFIG,
    RULES_DIR,
    click.option(
        "--no-color", is_flag=True, help="No colour, even on a terminal (NO_COLOR works too)."
    ),
    click.option(
        "-v", "--verbose", is_flag=True, help="Show informational findings and what the tool does."
    ),
    click.option("--debug", is_flag=True, help="Show tracebacks and debug logging."),
)


@dataclass(frozen=True)
class RunOptions:
    """The options ``check`` and ``batch`` share: how to evaluate, and how to report."""

    now_text: str | None
    fmt: str
    output: str | None
    redact: bool
    fail_on: str | None
    select: Sequence[str]
    ignore: Sequence[str]
    config_path: str | None
    rules_dirs: Sequence[str]
    no_color: bool
    verbose: bool
    debug: bool
    #: The run's secrets (click's context object, made by main): not an option.
    secrets: Secrets = field(default_factory=Secrets, compare=False)

    def prepare(self, timeout: float = 10.0) -> Settings:
        """The evaluation time, configuration and rules, checked before any work."""
        from meum_doctor.app import prepare

        settings = prepare(
            config_path=self.config_path,
            rules_dirs=self.rules_dirs,
            selected=self.select,
            ignored=self.ignore,
            fail_on=self.fail_on,
            now=_parse_now(self.now_text),
            redact=self.redact,
            verbose=self.verbose,
            secrets=self.secrets,
            timeout=timeout,
        )
        _announce_config(settings.config)
        mismatch = formats.suffix_mismatch(self.output, self.fmt)
        if mismatch:
            click.echo(f"meum-doctor: warning: {mismatch}", err=True)
        return settings

    def setup_logging(self) -> None:
        """Log to stderr through the run's secrets (only when something may log)."""
        from meum_doctor import logs

        logs.setup(self.secrets, verbose=self.verbose, debug=self.debug)

    @property
    def color(self) -> bool:
        """Colour only for text on a terminal, and never with --no-color or NO_COLOR set."""
        return (
            self.fmt == "text"
            and self.output in (None, "-")
            and not self.no_color
            and not os.environ.get("NO_COLOR")
            and sys.stdout.isatty()
        )


def run_options(function: F) -> F:
    """Add the shared options; the command receives them as one ``run: RunOptions``."""
    names = [item.name for item in fields(RunOptions) if item.name != "secrets"]

    @functools.wraps(function)
    def command(**kwargs: Any) -> Any:
        secrets = click.get_current_context().find_object(Secrets)
        run = RunOptions(
            **{name: kwargs.pop(name) for name in names},
            secrets=secrets if secrets is not None else Secrets(),
        )
        if run.verbose or run.debug:
            run.setup_logging()
        return function(run=run, **kwargs)

    return cast(F, _EVALUATION_OPTIONS(command))


# Release data (WordPress.org): options shared by check and batch ----------------------------

RELEASE_DATA_URL_ENV = "MEUM_DOCTOR_RELEASE_DATA_URL"  # mirrors sources.release_data's


@dataclass(frozen=True)
class ReleaseOptions:
    """How a run gets WordPress.org's release data (see app.plan_release_data)."""

    offline: bool
    live_release_data: bool
    refresh_release_data: bool
    release_data_max_age: float
    release_data_url: str | None

    def request(self, settings: Settings, *, offline_by_default: bool) -> Any:
        """The run's release-data request, or None when it asks nothing."""
        from meum_doctor import app

        return app.plan_release_data(
            settings,
            offline=self.offline,
            live=self.live_release_data,
            offline_by_default=offline_by_default,
            url=self.release_data_url,
            max_age_hours=self.release_data_max_age,
            refresh=self.refresh_release_data,
        )


_RELEASE_DATA_OPTIONS = _options(
    click.option(
        "--offline",
        is_flag=True,
        help="Never ask WordPress.org for release data (or set MEUM_DOCTOR_OFFLINE=1); the "
        "bundled version policy is used.",
    ),
    click.option(
        "--live-release-data",
        is_flag=True,
        help="Ask WordPress.org for release data even for a saved status, the demo or an "
        "explicit --now (which otherwise stay offline, to give the same answer again).",
    ),
    click.option(
        "--refresh-release-data",
        is_flag=True,
        help="Ask WordPress.org even when the cached release data is fresh.",
    ),
    click.option(
        "--release-data-max-age",
        type=click.FloatRange(min=0),
        default=24.0,
        show_default=True,
        metavar="HOURS",
        help="Use cached release data younger than this.",
    ),
    click.option(
        "--release-data-url",
        metavar="URL",
        envvar=RELEASE_DATA_URL_ENV,
        help="A mirror of https://api.wordpress.org serving the same paths (or "
        f"${RELEASE_DATA_URL_ENV}).",
    ),
)


def release_options(function: F) -> F:
    """Add the release-data options; the command receives them as ``release: ReleaseOptions``."""
    names = [item.name for item in fields(ReleaseOptions)]

    @functools.wraps(function)
    def command(**kwargs: Any) -> Any:
        release = ReleaseOptions(**{name: kwargs.pop(name) for name in names})
        return function(release=release, **kwargs)

    return cast(F, _RELEASE_DATA_OPTIONS(command))


def _release_document(request: Any) -> Document:
    """The release data for a run whose sources are all local (or for batch, once): the
    cache synchronously, else WordPress.org through an event loop, capped by its timeout."""
    from meum_doctor import app

    cached = app.release_data_local(request)
    if cached is not None:
        return cached
    import asyncio

    return asyncio.run(app.acquire_release_data(request))


@cli.command(context_settings=CONTEXT, epilog=EXIT_CODES_HELP)
@click.option(
    "--api-key",
    metavar="KEY",
    help=f"The store's sk_live_ API key. Prefer ${API_KEY_ENV}: keys on a command "
    "line end up in shell history.",
)
@BASE_URL
@click.option(
    "--input",
    "input_path",
    metavar="PATH",
    help="Read a saved status from PATH instead of the API ('-' for standard input).",
)
@click.option(
    "--demo",
    metavar="NAME",
    is_flag=False,
    flag_value="degraded",
    help="Diagnose a bundled example through an embedded local API (default: "
    "degraded); '--demo list' lists them.",
)
@click.option(
    "--no-api",
    is_flag=True,
    help=f"Ignore ${API_KEY_ENV}: with --site-report, diagnose the site report alone.",
)
@click.option(
    "--site-report",
    metavar="PATH",
    help="Also read the store's WooCommerce System Status report from PATH ('-' for "
    "standard input): the text copied from WooCommerce > Status, in any wrapping, or the "
    "REST JSON. Alone (no API key, --input or --demo) it is the only source.",
)
@click.option(
    "--site-url",
    metavar="URL",
    help="Fetch the System Status report from the store at URL (https://…) through its "
    "WooCommerce REST API, with --wc-key and --wc-secret.",
)
@click.option(
    "--wc-key",
    metavar="KEY",
    help=f"For --site-url: a REST API consumer key (ck_…, Read access) or a WordPress user "
    f"name (or ${WC_KEY_ENV}).",
)
@click.option(
    "--wc-secret",
    metavar="SECRET",
    help=f"For --site-url: the consumer secret (cs_…) or the user's application password "
    f"(or ${WC_SECRET_ENV}; prefer it: secrets on a command line end up in shell history).",
)
@TIMEOUT
@click.option(
    "--save-status",
    metavar="PATH",
    help="Also save the status as received (any API key in it replaced by a marker), and "
    "when and where it was fetched in PATH.meta.json, to re-run later with --input.",
)
@click.option(
    "--save-site-report",
    metavar="PATH",
    help="Also save the site report as received (any secret in it replaced by a marker), "
    "to re-run later with --site-report.",
)
@click.option(
    "--include-raw",
    is_flag=True,
    help="JSON format: also include the site report's body as received (it is long).",
)
@release_options
@run_options
def check(
    api_key: str | None,
    base_url: str,
    input_path: str | None,
    demo: str | None,
    no_api: bool,
    site_report: str | None,
    site_url: str | None,
    wc_key: str | None,
    wc_secret: str | None,
    timeout: float,
    save_status: str | None,
    save_site_report: str | None,
    include_raw: bool,
    release: ReleaseOptions,
    run: RunOptions,
) -> None:
    """Diagnose one store and print a prioritized remediation report.

    The Meum status comes from one source: the API (--api-key or $MEUM_API_KEY), a saved
    file (--input), or a bundled example (--demo). The store's own System Status report
    (--site-report FILE, or --site-url) is a second source, or the only one.
    """
    if demo == "list":
        _print_examples()
        return
    from meum_doctor import app

    sources = app.choose_sources(
        api_key=api_key,
        input_path=input_path,
        demo=demo,
        base_url=base_url,
        secrets=run.secrets,
        site_report=site_report,
        site_url=site_url,
        wc_key=wc_key,
        wc_secret=wc_secret,
        no_api=no_api,
    )

    from dataclasses import replace

    from meum_doctor import saved
    from meum_doctor.documents import MEUM_STATUS, SITE_REPORT
    from meum_doctor.output import check_outputs
    from meum_doctor.render import render

    kinds = {source.kind for source in sources}
    for option, value, kind, needed in (
        ("--save-status", save_status, MEUM_STATUS, "a Meum status (--api-key, --input, --demo)"),
        ("--save-site-report", save_site_report, SITE_REPORT, "--site-report or --site-url"),
    ):
        if value and kind not in kinds:
            raise UsageError(f"{option} has nothing to save: it needs {needed}")
    settings = replace(run.prepare(timeout), include_raw=include_raw)
    outputs = [("-o" if run.output else "the report", run.output or "-")]
    if save_status:
        outputs += saved.outputs(save_status)
    if save_site_report:
        outputs.append(("--save-site-report", save_site_report))
    # Before the fetch, not after it.
    check_outputs(
        outputs,
        app.protected_inputs(
            settings, ("--input", input_path), ("--site-report", site_report)
        ),
    )

    # Release data: a run on saved documents (a status or a site report read from a file),
    # the demo and --now stay offline unless asked: a re-run must give the same answer.
    fetched_now = any(source.type == "api" for source in sources)
    release_request = release.request(
        settings,
        offline_by_default=bool(input_path or demo or run.now_text) or not fetched_now,
    )
    documents = _acquire(sources, settings, run, release_request)
    warnings = app.warnings_of(documents)
    if warnings:
        run.setup_logging()
        from meum_doctor import logs

        for warning in warnings:
            logs.warn("saved", warning)
    by_kind = {document.kind: document for document in documents}
    if save_status and MEUM_STATUS in by_kind:
        saved.save_status(save_status, by_kind[MEUM_STATUS], run.secrets)
    if save_site_report and SITE_REPORT in by_kind:
        saved.save_body(save_site_report, by_kind[SITE_REPORT], run.secrets)
    report = app.diagnose(documents, settings)
    if run.debug:
        for error in report.rule_errors:
            click.echo(_inert(run.secrets, error.traceback), err=True)
    _write(render(report, run.fmt, color=run.color), run.output, run.secrets)
    if report.exit_code != ExitCode.OK:
        sys.exit(report.exit_code)


def _acquire(
    sources: list[Source], settings: Settings, run: RunOptions, release: Any = None
) -> list[Document]:
    """The documents: read where no network is needed, else through an event loop (the
    release data, when asked for, at the same time as the status)."""
    from meum_doctor import app

    if not app.needs_network(sources):
        documents = app.acquire_local(sources)
        return documents if release is None else [*documents, _release_document(release)]
    # The network may warn (an odd key) and log retries: only now is logging worth loading.
    run.setup_logging()
    import asyncio

    return asyncio.run(app.acquire_with_release_data(sources, settings, release))


def _write(text: str | Iterable[str], output: str | None, secrets: Secrets) -> None:
    """Write text, given whole or in chunks, to ``output`` (atomically) or standard output.

    Every chunk passes the run's secrets on its way out: the last line of defence behind
    the report's own removal of them, for whatever a renderer added.
    """
    chunks = secrets.scrub_chunks([text] if isinstance(text, str) else text)
    if output and output != "-":  # `-o -` is standard output
        from meum_doctor.output import write_atomic

        write_atomic(output, (chunk.encode("utf-8") for chunk in chunks))
    else:
        for chunk in chunks:
            click.echo(chunk, nl=False)


def _parse_now(text: str | None) -> datetime | None:
    """The --now time; None for the clock."""
    if text is None:
        return None
    from meum_doctor.status import parse_datetime

    try:
        return parse_datetime(text)
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not an ISO 8601 date-time (like 2026-11-28T12:00:00Z)",
            param_hint="'--now'",
        ) from None


def _announce_config(config: Any) -> None:
    """Say on stderr which configuration file is in force, or why ./meum-doctor.toml is not:
    a file can change every verdict, so it never does so silently."""
    from meum_doctor.text import clean_line

    if config.skipped:
        click.echo(f"meum-doctor: warning: {clean_line(config.skipped)}", err=True)
    if config.path:
        click.echo(f"meum-doctor: using configuration {clean_line(config.path)}", err=True)


def _print_examples() -> None:
    from meum_doctor.demo import DEFAULT_EXAMPLE, EXAMPLES

    for name, description in EXAMPLES.items():
        default = " (default)" if name == DEFAULT_EXAMPLE else ""
        click.echo(f"{name:<18} {description}{default}")


# batch ----------------------------------------------------------------------------------


@cli.command(
    context_settings=CONTEXT,
    epilog=EXIT_CODES_HELP.replace(
        "  3    no status could be obtained",
        "  3    a store could not be checked (and none failed --fail-on);\n"
        "       no status could be obtained",
    ).replace("(1 wins over 5)", "for a store (1 and 3 win over 5)"),
)
@click.argument("paths", nargs=-1, metavar="[STATUS_FILE_OR_FOLDER]...")
@click.option(
    "--keys-file",
    metavar="PATH",
    help="Fetch these stores from the API: one a line, 'label,key' or 'key'; "
    "'#' starts a comment; at most 100,000 stores. Keys are never printed, and a label "
    "that looks like a key is refused.",
)
@BASE_URL
@click.option(
    "--concurrency",
    type=click.IntRange(1, 500),
    default=8,
    show_default=True,
    help="At most this many API requests at once.",
)
@TIMEOUT
@click.option(
    "--output-dir",
    metavar="DIR",
    help="Also write each store's full report, in the same format, into DIR.",
)
@click.option(
    "-r",
    "--recursive",
    is_flag=True,
    help="Also scan the subfolders of status folders (symbolic links are never followed).",
)
@release_options
@run_options
def batch(
    paths: Sequence[str],
    keys_file: str | None,
    base_url: str,
    concurrency: int,
    timeout: float,
    output_dir: str | None,
    recursive: bool,
    release: ReleaseOptions,
    run: RunOptions,
) -> None:
    """Diagnose many stores in one run and summarize them, worst first.

    Stores come from status files, folders of *.json status files, and --keys-file. A store
    that cannot be checked is listed with the reason and never stops the others. Ctrl-C
    writes the summary of the stores that finished, marked partial, and exits 130.
    """
    from meum_doctor import batch as fleet

    settings = run.prepare(timeout)
    if keys_file:
        run.setup_logging()  # odd keys warn; the network logs retries
    plan = fleet.plan(
        paths,
        keys_file,
        settings,
        base_url=base_url,
        recursive=recursive,
        fmt=run.fmt,
        output=run.output,
        output_dir=output_dir,
    )
    # Release data once for the whole run, added to every store's documents. Status files
    # alone are saved statuses: offline unless asked, as for `check --input`.
    release_request = release.request(
        settings, offline_by_default=not keys_file or run.now_text is not None
    )
    if release_request is not None:
        from dataclasses import replace

        settings = replace(settings, shared_documents=(_release_document(release_request),))
    results: list[Any] = []
    progress = fleet.Progress(len(plan.targets), enabled=sys.stderr.isatty() and not run.debug)

    def on_store(result: Any, report: Any) -> None:
        if report is not None and result.report_file is not None:
            result = fleet.write_store_report(result, report, run.fmt, run.secrets)
        results.append(result)
        progress.update(failed=result.error is not None)

    interrupted = False
    try:
        fleet.run_local(plan.targets, settings, on_store=on_store)
        if plan.remote:
            import asyncio

            asyncio.run(
                fleet.run_remote(
                    plan.targets,
                    settings,
                    base_url=base_url,
                    concurrency=concurrency,
                    on_store=on_store,
                )
            )
    except KeyboardInterrupt:
        # What finished is worth having during an incident: write it, marked partial.
        interrupted = True
    progress.close()
    summary = fleet.summarize(
        results,
        settings,
        generated_at=datetime.now(UTC),
        tool_version=__version__,
        skipped=plan.skipped,
        planned=len(plan.targets),
        partial=interrupted,
        summary_dir=os.path.dirname(os.path.abspath(run.output))
        if run.output and run.output != "-"
        else None,
    )
    from meum_doctor.render.batch import render_batch

    _write(render_batch(summary, run.fmt, color=run.color), run.output, run.secrets)
    if interrupted:
        click.echo(
            f"meum-doctor: interrupted: the summary shows the {summary.total} of "
            f"{len(plan.targets)} stores that finished [interrupted]",
            err=True,
        )
        sys.exit(ExitCode.INTERRUPTED)
    if summary.fails:
        sys.exit(ExitCode.FOUND_PROBLEMS)
    if summary.failures:
        sys.exit(ExitCode.NO_STATUS)
    if summary.incomplete:
        sys.exit(ExitCode.INCOMPLETE)


# examples, rules, explain -------------------------------------------------------------------


@cli.command(context_settings=CONTEXT)
def examples() -> None:
    """List the bundled examples that `check --demo NAME` diagnoses."""
    _print_examples()


@cli.command(context_settings=CONTEXT)
@CONFIG
@RULES_DIR
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="markdown writes the rule reference (docs/rules.md is made this way).",
)
def rules(config_path: str | None, rules_dirs: Sequence[str], fmt: str) -> None:
    """List every rule: ID, name, category, default severity, origin and summary."""
    from meum_doctor import ruledocs
    from meum_doctor.config import configure, rule_settings
    from meum_doctor.engine import discover

    config = configure(config_path)
    _announce_config(config)
    found = discover(rules_dirs)
    from meum_doctor.reasoning import discover_causes

    settings = rule_settings(config, found, [c.id for c in discover_causes(rules_dirs, found)])
    render = {
        "text": ruledocs.listing_text,
        "json": ruledocs.listing_json,
        "markdown": ruledocs.reference_markdown,
    }[fmt]
    click.echo(render(found, settings, config), nl=False)


@cli.command(context_settings=CONTEXT)
@RULES_DIR
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="markdown writes the cause reference (docs/causes.md is made this way).",
)
def causes(rules_dirs: Sequence[str], fmt: str) -> None:
    """List every cause: ID, name, origin, the rules it reads, and summary."""
    from meum_doctor import ruledocs
    from meum_doctor.engine import discover
    from meum_doctor.reasoning import discover_causes

    found = discover_causes(rules_dirs, discover(rules_dirs))
    render = {
        "text": ruledocs.causes_text,
        "json": ruledocs.causes_json,
        "markdown": ruledocs.causes_markdown,
    }[fmt]
    click.echo(render(found), nl=False)


@cli.command(context_settings=CONTEXT)
@click.argument("rule_id", metavar="ID")
@CONFIG
@RULES_DIR
def explain(rule_id: str, config_path: str | None, rules_dirs: Sequence[str]) -> None:
    """Print one rule's or cause's full documentation, with the configured thresholds filled
    in."""
    from meum_doctor.config import configure, rule_settings
    from meum_doctor.engine import discover
    from meum_doctor.ruledocs import explain_cause_text, explain_text

    config = configure(config_path)
    _announce_config(config)
    loaded = discover(rules_dirs)
    found = {r.id: r for r in loaded}
    wanted = rule_id.strip().upper()
    rule = found.get(wanted)
    if rule is None:
        from meum_doctor.reasoning import discover_causes

        known = {c.id: c for c in discover_causes(rules_dirs, loaded)}
        if wanted in known:
            click.echo(explain_cause_text(known[wanted]), nl=False)
            return
        raise UsageError(
            f"no rule or cause {rule_id!r}; `meum-doctor rules` and `meum-doctor causes` list them"
        )
    from meum_doctor.reasoning import discover_causes

    cause_ids = [c.id for c in discover_causes(rules_dirs, loaded)]
    setting = rule_settings(config, found.values(), cause_ids)[rule.id]
    click.echo(explain_text(rule, setting, config), nl=False)


@cli.command(context_settings=CONTEXT)
@click.argument("name", type=click.Choice(formats.SCHEMAS), default="report")
def schema(name: str) -> None:
    """Print the JSON Schema (draft 2020-12) of a JSON report, batch summary or error."""
    click.echo(formats.schema_text(name), nl=False)


# serve: the web page (the [web] extra) -------------------------------------------------------

def _serve_option(*decls: str, **kwargs: Any) -> Callable[[F], F]:
    return click.option(*decls, show_envvar=True, **kwargs)


@cli.command(context_settings=CONTEXT)
@_serve_option("--host", envvar="MEUM_DOCTOR_SERVE_HOST",
               default="127.0.0.1", show_default=True,
               help="Address to listen on. Keep the default (this machine only) unless a TLS "
               "reverse proxy is in front: then 0.0.0.0.")
@_serve_option("--port", envvar="MEUM_DOCTOR_SERVE_PORT",
               type=click.IntRange(0, 65535), default=8765, show_default=True)
@_serve_option("--open", "open_browser", envvar="MEUM_DOCTOR_SERVE_OPEN",
               is_flag=True,
               help="Open the page in the browser once the server runs.")
@_serve_option("--forwarded-allow-ips", envvar="MEUM_DOCTOR_SERVE_FORWARDED_ALLOW_IPS",
               default="127.0.0.1", show_default=True,
               metavar="IPS", help="Comma-separated proxy addresses whose X-Forwarded-For and "
               "X-Forwarded-Proto are believed (the client's address, https).")
@_serve_option("--base-url", envvar="MEUM_DOCTOR_SERVE_BASE_URL",
               default="https://api.meum.io", show_default=True, metavar="URL",
               help="Meum's API. Fixed by the operator: a visitor never chooses where a key "
               "is sent.")
@_serve_option("--config", "config_path", envvar="MEUM_DOCTOR_SERVE_CONFIG",
               metavar="PATH",
               help="Configuration file (policy, rule selection), as for check.")
@_serve_option("--rate-limit", envvar="MEUM_DOCTOR_SERVE_RATE_LIMIT",
               type=click.IntRange(0), default=10, show_default=True,
               metavar="N", help="Diagnoses a minute per client; 0 turns the limit off.")
@_serve_option("--max-concurrent", envvar="MEUM_DOCTOR_SERVE_MAX_CONCURRENT",
               type=click.IntRange(1), default=8, show_default=True,
               metavar="N", help="Diagnoses in flight at once; beyond it, HTTP 503.")
@_serve_option("--max-body-kib", envvar="MEUM_DOCTOR_SERVE_MAX_BODY_KIB",
               type=click.IntRange(1), default=1024, show_default=True,
               metavar="KIB", help="Largest status or site report accepted.")
@_serve_option("--timeout", envvar="MEUM_DOCTOR_SERVE_TIMEOUT",
               type=click.FloatRange(0.1, 120), default=10.0, show_default=True,
               metavar="SECONDS", help="Time allowed for each request to Meum's API.")
@_serve_option("--allow-live-site-report/--no-allow-live-site-report",
               envvar="MEUM_DOCTOR_SERVE_ALLOW_LIVE_SITE_REPORT", default=None,
               help="Let a visitor have the server fetch their store's System Status report "
               "(store address, WooCommerce key and secret). Default: on only when listening "
               "on loopback. On a public host it fetches only from public internet addresses.")
@_serve_option("--debug", envvar="MEUM_DOCTOR_SERVE_DEBUG",
               is_flag=True, help="Log at debug level (keys are still scrubbed).")
def serve(
    host: str,
    port: int,
    open_browser: bool,
    forwarded_allow_ips: str,
    base_url: str,
    config_path: str | None,
    rate_limit: int,
    max_concurrent: int,
    max_body_kib: int,
    timeout: float,
    allow_live_site_report: bool | None,
    debug: bool,
) -> None:
    """Serve the diagnosis as a web page and a JSON API (needs the [web] extra).

    Limits are per server process. Nothing a visitor sends is stored.
    """
    from meum_doctor.web import require_extra

    require_extra()
    from meum_doctor.web.options import ServeOptions
    from meum_doctor.web.server import check_options, server

    options = ServeOptions(
        host=host, port=port, base_url=base_url, config_path=config_path,
        rate_limit=rate_limit, max_concurrent=max_concurrent, max_body_kib=max_body_kib,
        forwarded_allow_ips=forwarded_allow_ips, timeout=timeout, debug=debug,
        allow_live_site_report=allow_live_site_report,
    )
    check_options(options)
    instance = server(options)
    if open_browser:
        import threading
        import webbrowser

        shown = "localhost" if options.loopback else host
        threading.Timer(1.0, webbrowser.open, [f"http://{shown}:{port}/"]).start()
    click.echo(f"meum-doctor serve: http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    instance.run()


# Entry point: errors become one line and an exit code ---------------------------------------


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Run the command line; every expected failure is one line on stderr and an exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    # A run's secrets are its own (tests run many in one process): handed to the commands
    # as click's context object, and used below for whatever error ends the run.
    secrets = Secrets(_secrets_in(args))
    try:
        cli.main(args=args, prog_name="meum-doctor", standalone_mode=False, obj=secrets)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        context = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError" and context is not None:
            # `meum-doctor` alone: the help, as click 8.1 shows it (8.2 made it an error).
            click.echo(context.get_help())
            sys.exit(ExitCode.OK)
        message = " ".join(_inert(secrets, exc.format_message()).split())
        if isinstance(exc, click.UsageError) and exc.ctx is not None:
            # One line, as every other error: where to read the usage instead of printing it.
            message += f" (see '{exc.ctx.command_path} --help')"
        _fail(exc, UsageError(message), args, secrets)
    except click.exceptions.Abort as exc:
        _fail(exc, Interrupted("aborted"), args, secrets)
    except MeumDoctorError as exc:
        _fail(exc, exc, args, secrets)
    except KeyboardInterrupt as exc:
        _fail(exc, Interrupted("interrupted"), args, secrets)
    except Exception as exc:  # a bug: one line, and the traceback only with --debug
        _fail(exc, InternalError(f"internal error: {type(exc).__name__}: {exc} (run with "
                                 "--debug for the traceback, and please report it)"), args, secrets)
    sys.exit(ExitCode.OK)


def _fail(
    exc: BaseException, error: MeumDoctorError, args: Sequence[str], secrets: Secrets
) -> NoReturn:
    """One line on stderr ending in the error's [code]; with -f json, the error object on
    stdout too (meum_doctor.failures)."""
    from meum_doctor import failures
    from meum_doctor.text import clean_line

    if "--debug" in args and not isinstance(error, Interrupted):
        import traceback

        # A traceback quotes exception messages, which may quote what a server sent.
        click.echo(_inert(secrets, "".join(traceback.format_exception(exc))), err=True)
    first = clean_line(" ".join(_scrub(secrets, str(error)).split()))
    click.echo(_scrub(secrets, failures.stderr_line(error, first)), err=True)
    if failures.json_requested(args, failures.value_options(cli)):
        click.echo(failures.error_json(error, first, secrets.scrub), nl=False)
    sys.exit(error.exit_code)


def _secrets_in(args: Sequence[str]) -> list[str]:
    """Every secret this run knows: the API key and the store's WooCommerce key and secret,
    from the environment and from the command line."""
    found = [os.environ.get(name, "") for name in (API_KEY_ENV, WC_KEY_ENV, WC_SECRET_ENV)]
    for index, arg in enumerate(args):
        for option in SECRET_OPTIONS:
            if arg == option and index + 1 < len(args):
                found.append(args[index + 1])
            elif arg.startswith(option + "="):
                found.append(arg.split("=", 1)[1])
    # As given and as used (surrounding whitespace dropped): an echo shows the latter.
    # Secrets.add skips what is too short or only words the tool prints (--api-key Bearer).
    return [form for key in found for form in (key, key.strip())]


def _scrub(secrets: Secrets, text: str) -> str:
    """``text`` without any secret of the run: the last line of defence for what is printed."""
    return secrets.scrub(text)


def _inert(secrets: Secrets, text: str) -> str:
    """``text`` without secrets and with every control or invisible character escaped (as
    report text is), newlines kept: for tracebacks and click's messages on a terminal."""
    from meum_doctor.text import visible

    return visible(_scrub(secrets, text))
