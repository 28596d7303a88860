"""The command line: click commands that read options and call the steps in order.

    acquire -> parse -> evaluate -> prioritize -> render

No logic lives here beyond choosing the source and mapping errors to exit codes
(:class:`~meum_doctor.errors.ExitCode`). Heavy modules are imported inside the commands
that need them, so ``--version`` and ``--help`` start in tens of milliseconds.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
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
    WriteFailed,
)
from meum_doctor.secrets import Secrets

if TYPE_CHECKING:
    from meum_doctor.pipeline import Setup
    from meum_doctor.sources import RawStatus

API_KEY_ENV = "MEUM_API_KEY"
KEY_HINT = "sk_live_…"
BASE_URL_ENV = "MEUM_API_BASE_URL"

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

    def prepare(self) -> Setup:
        """The evaluation time, configuration and rules, checked before any work."""
        from meum_doctor.pipeline import prepare

        setup = prepare(
            config_path=self.config_path,
            rules_dirs=self.rules_dirs,
            selected=self.select,
            ignored=self.ignore,
            fail_on=self.fail_on,
            now=_parse_now(self.now_text),
            redact=self.redact,
            verbose=self.verbose,
        )
        _announce_config(setup.config)
        mismatch = formats.suffix_mismatch(self.output, self.fmt)
        if mismatch:
            click.echo(f"meum-doctor: warning: {mismatch}", err=True)
        return setup

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
    names = [field.name for field in fields(RunOptions)]

    @functools.wraps(function)
    def command(**kwargs: Any) -> Any:
        run = RunOptions(**{name: kwargs.pop(name) for name in names})
        if run.verbose or run.debug:
            _setup_logging(run.verbose, run.debug)
        return function(run=run, **kwargs)

    return cast(F, _EVALUATION_OPTIONS(command))


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
@TIMEOUT
@click.option(
    "--save-status",
    metavar="PATH",
    help="Also save the status as received (any API key in it replaced by a marker), and "
    "when and where it was fetched in PATH.meta.json, to re-run later with --input.",
)
@run_options
def check(
    api_key: str | None,
    base_url: str,
    input_path: str | None,
    demo: str | None,
    timeout: float,
    save_status: str | None,
    run: RunOptions,
) -> None:
    """Diagnose one store and print a prioritized remediation report.

    The status comes from exactly one source: the API (--api-key or $MEUM_API_KEY), a saved
    file (--input), or a bundled example (--demo).
    """
    if demo == "list":
        _print_examples()
        return
    key = _choose_source(api_key, input_path, demo)
    _SECRETS.add(key)

    from meum_doctor import saved
    from meum_doctor.output import check_distinct, check_writable
    from meum_doctor.pipeline import diagnose
    from meum_doctor.render import render

    setup = run.prepare()
    outputs = [("-o" if run.output else "the report", run.output or "-")]
    if save_status:
        outputs.append(("--save-status", save_status))
        if saved.writes_meta(save_status):
            outputs.append(("--save-status", saved.meta_path(save_status)))
    check_distinct(outputs, _inputs(setup, run, ("--input", input_path)))
    for _, path in outputs:
        check_writable(path)  # fail before the fetch, not after it

    raw = _acquire(key, base_url, input_path, demo, timeout, setup.now, run)
    meta = None
    if raw.source_type == "file":
        meta, warning = saved.read_meta(raw.location, raw.body)
        if warning:
            _setup_logging(run.verbose, run.debug)
            import logging

            logging.getLogger("meum_doctor.saved").warning(warning)
    if save_status:
        saved.save_status(save_status, raw, _SECRETS, meta)
    timing = saved.timing(raw, meta, setup.now, now_given=run.now_text is not None)
    report = diagnose(raw, setup, secrets=_SECRETS, timing=timing)
    if run.debug:
        for error in report.rule_errors:
            click.echo(_inert(error.traceback), err=True)
    _write(render(report, run.fmt, color=run.color), run.output)
    if report.exit_code != ExitCode.OK:
        sys.exit(report.exit_code)


def _inputs(
    setup: Setup, run: RunOptions, *named: tuple[str, str | None]
) -> list[tuple[str, str]]:
    """The files a run reads, which no output of the run may overwrite: the named inputs,
    the configuration, and every rule file of --rules-dir (`-o rd/myrule.py` would destroy
    the user's own code)."""
    from pathlib import Path

    found = [(what, path) for what, path in named if path]
    if setup.config.path:
        found.append(("the configuration file", setup.config.path))
    for folder in run.rules_dirs:
        # As the engine loads them (engine.discover): the *.py files of the folder.
        found += [("a rule file of --rules-dir", str(file)) for file in Path(folder).glob("*.py")]
    return found


def _choose_source(api_key: str | None, input_path: str | None, demo: str | None) -> str | None:
    """Exactly one source; the environment's key counts only when nothing else was given."""
    explicit = [
        name
        for name, value in (("--api-key", api_key), ("--input", input_path), ("--demo", demo))
        if value is not None  # `--api-key ""` was given too: it is not "no key"
    ]
    if len(explicit) > 1:
        raise UsageError(f"choose one source of status, not {' and '.join(explicit)}")
    if input_path is not None or demo is not None:
        return None
    if api_key is not None:
        where = "--api-key was given an empty value"
        key = api_key
    elif API_KEY_ENV in os.environ:
        where = f"{API_KEY_ENV} is set but empty"
        key = os.environ[API_KEY_ENV]
    else:
        raise UsageError(
            f"no status to check: set {API_KEY_ENV} (or pass --api-key), or use --input FILE "
            "or --demo"
        )
    # One rule for every key, here and in keys files: whitespace around a key is dropped (no
    # key contains any, and a copied key often brings a space or a line break along, as
    # `export MEUM_API_KEY=$(cat key.txt)` does); whitespace inside one is refused
    # (client.check_key), since that is a key broken in two or pasted with something else.
    key = key.strip()
    if not key:
        raise UsageError(
            f"the API key is empty: {where}; give the store's {KEY_HINT} key, or use "
            "--input FILE or --demo"
        )
    return key


def _acquire(
    key: str | None,
    base_url: str,
    input_path: str | None,
    demo: str | None,
    timeout: float,
    now: datetime,
    run: RunOptions,
) -> RawStatus:
    if input_path is not None:
        from meum_doctor.sources import read_file

        return read_file(input_path)
    # The network may warn (an odd key) and log retries: only now is logging worth loading.
    _setup_logging(run.verbose, run.debug)
    if demo is not None:
        from meum_doctor.demo import fetch_example

        return fetch_example(demo, now, timeout)
    from meum_doctor.client import fetch_status

    assert key is not None
    return fetch_status(base_url, key, timeout)


def _write(text: str | Iterable[str], output: str | None) -> None:
    """Write text, given whole or in chunks, to ``output`` (atomically) or standard output.

    Every chunk passes the run's secrets on its way out: the last line of defence behind
    the report's own removal of them, for whatever a renderer added.
    """
    chunks = _SECRETS.scrub_chunks([text] if isinstance(text, str) else text)
    if output and output != "-":  # `-o -` is standard output
        from meum_doctor.output import write_atomic

        write_atomic(output, (chunk.encode("utf-8") for chunk in chunks))
    else:
        for chunk in chunks:
            click.echo(chunk, nl=False)


def _parse_now(text: str | None) -> datetime:
    if text is None:
        return datetime.now(UTC)
    from meum_doctor.status import parse_datetime

    try:
        return parse_datetime(text)
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not an ISO 8601 date-time (like 2026-11-28T12:00:00Z)",
            param_hint="'--now'",
        ) from None


def _setup_logging(verbose: bool, debug: bool) -> None:
    import logging

    class StderrHandler(logging.Handler):
        """Writes to whatever sys.stderr is when a record comes, through the key scrubber."""

        def emit(self, record: logging.LogRecord) -> None:
            try:
                # httpx logs the HTTP reason phrase as received: a server can put terminal
                # escapes there (set the title, clear the screen). Log lines are untrusted.
                sys.stderr.write(_inert(self.format(record)) + "\n")
            except Exception:  # logging must never take the run down
                self.handleError(record)

    handler = StderrHandler()
    handler.setFormatter(logging.Formatter("meum-doctor: %(levelname)s: %(message)s"))
    logger = logging.getLogger("meum_doctor")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING)
    # httpx and httpcore log requests at DEBUG: shown (through the same scrubber) only with
    # --debug, and set either way so one run's choice never leaks into the next.
    for name in ("httpx", "httpcore"):
        other = logging.getLogger(name)
        other.handlers[:] = [handler] if debug else []
        other.propagate = not debug
        other.setLevel(logging.DEBUG if debug else logging.WARNING)


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
@run_options
def batch(
    paths: Sequence[str],
    keys_file: str | None,
    base_url: str,
    concurrency: int,
    timeout: float,
    output_dir: str | None,
    recursive: bool,
    run: RunOptions,
) -> None:
    """Diagnose many stores in one run and summarize them, worst first.

    Stores come from status files, folders of *.json status files, and --keys-file. A store
    that cannot be checked is listed with the reason and never stops the others. Ctrl-C
    writes the summary of the stores that finished, marked partial, and exits 130.
    """
    from meum_doctor import batch as fleet
    from meum_doctor.output import check_distinct, check_writable

    setup = run.prepare()
    if keys_file:
        _setup_logging(run.verbose, run.debug)  # odd keys warn; the network logs retries
    skipped: list[Any] = []
    found = fleet.targets(
        paths, keys_file, secrets=_SECRETS, recursive=recursive, skipped=skipped
    )
    if run.redact:
        found = fleet.anonymize(found, keys_file)  # labels and file names name stores too
    if any(t.key for t in found):
        from meum_doctor.client import status_url

        status_url(base_url)  # a base URL the keys must not go to stops the run before any
    inputs = _inputs(
        setup,
        run,
        ("--keys-file", keys_file),
        *(("the status file", t.path) for t in found if t.path and t.path != "-"),
    )
    summary_path = run.output or "-"
    check_distinct([("-o" if run.output else "the summary", summary_path)], inputs)
    directory = _prepare_output_dir(output_dir)  # first: -o may name a file inside it
    check_writable(summary_path)
    if directory is not None:
        # Chosen before any store runs: the summary and the inputs are never overwritten by
        # a store's report, and the same fleet gets the same file names every run.
        reserved = [path for _, path in inputs] + ([run.output] if run.output else [])
        found = fleet.report_files(found, run.fmt, str(directory), reserved)

    results: list[Any] = []
    progress = _Progress(len(found), enabled=sys.stderr.isatty() and not run.debug)

    def on_store(result: Any, report: Any) -> None:
        if report is not None and result.report_file is not None:
            result = _write_store_report(result, report, run.fmt)
        results.append(result)
        progress.update(failed=result.error is not None)

    interrupted = False
    try:
        fleet.run(
            found,
            setup,
            base_url=base_url,
            timeout=timeout,
            concurrency=concurrency,
            on_store=on_store,
            secrets=_SECRETS,
        )
    except KeyboardInterrupt:
        # What finished is worth having during an incident: write it, marked partial.
        interrupted = True
    progress.close()
    summary = fleet.summarize(
        results,
        setup,
        generated_at=datetime.now(UTC),
        tool_version=__version__,
        skipped=skipped,
        planned=len(found),
        partial=interrupted,
        summary_dir=os.path.dirname(os.path.abspath(run.output))
        if run.output and run.output != "-"
        else None,
    )
    from meum_doctor.render.batch import render_batch

    _write(render_batch(summary, run.fmt, color=run.color), run.output)
    if interrupted:
        click.echo(
            f"meum-doctor: interrupted: the summary shows the {summary.total} of "
            f"{len(found)} stores that finished [interrupted]",
            err=True,
        )
        sys.exit(ExitCode.INTERRUPTED)
    if summary.fails:
        sys.exit(ExitCode.FOUND_PROBLEMS)
    if summary.failures:
        sys.exit(ExitCode.NO_STATUS)
    if summary.incomplete:
        sys.exit(ExitCode.INCOMPLETE)


def _write_store_report(result: Any, report: Any, fmt: str) -> Any:
    """Write one store's report; if it cannot be written, that store fails, not the run.

    Every store may already have been fetched: one unwritable file (a folder or a link of
    that name in a ticket's folder, a full disk) must not cost the whole fleet's summary.
    """
    import dataclasses

    from meum_doctor.output import write_chosen
    from meum_doctor.render import render

    text = "".join(_SECRETS.scrub_chunks([render(report, fmt)]))
    try:
        write_chosen(result.report_file, text.encode("utf-8"))
    except UsageError as exc:
        # Its verdict is kept in the reason, as the failure row shows no verdict column.
        return dataclasses.replace(
            result,
            error=f"checked (verdict {result.verdict}), but its report was not written: {exc}",
            error_code=exc.code,
            report_file=None,
        )
    return result


def _prepare_output_dir(output_dir: str | None) -> Any:
    """The ``--output-dir`` folder, checked before any store is fetched.

    It must be a folder (made if missing, but only its last level: a typo such as
    ``/srv/reprots/today`` should fail, not build a tree) in which a file can be made: a
    probe file is created and removed, which is the only sure test (``/proc`` and read-only
    mounts pass ``os.access`` as root).
    """
    if not output_dir:
        return None
    import tempfile
    from pathlib import Path

    directory = Path(output_dir)

    def fail(reason: str) -> NoReturn:
        raise WriteFailed(f"cannot write reports into {output_dir}: {reason}")

    try:
        if directory.exists() and not directory.is_dir():
            fail("it is a file, not a folder")
        if not directory.exists():
            parent = directory.parent
            if not parent.is_dir():
                fail(f"its parent folder {parent} does not exist (only the last level is made)")
            directory.mkdir()
        with tempfile.TemporaryFile(dir=directory, prefix=".meum-doctor-probe."):
            pass
    except OSError as exc:
        fail((exc.strerror or type(exc).__name__).lower())
    return directory


class _Progress:
    """A one-line progress bar on a terminal's stderr: stores done / total, failures."""

    def __init__(self, total: int, *, enabled: bool) -> None:
        self.total, self.done, self.failed, self.enabled = total, 0, 0, enabled

    def update(self, *, failed: bool) -> None:
        self.done += 1
        self.failed += failed
        if self.enabled:
            filled = int(30 * self.done / max(self.total, 1))
            sys.stderr.write(
                f"\r[{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total} "
                f"stores, {self.failed} could not be checked"
            )
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


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
    settings = rule_settings(config, found)
    render = {
        "text": ruledocs.listing_text,
        "json": ruledocs.listing_json,
        "markdown": ruledocs.reference_markdown,
    }[fmt]
    click.echo(render(found, settings, config), nl=False)


@cli.command(context_settings=CONTEXT)
@click.argument("rule_id", metavar="ID")
@CONFIG
@RULES_DIR
def explain(rule_id: str, config_path: str | None, rules_dirs: Sequence[str]) -> None:
    """Print one rule's full documentation, with the configured thresholds filled in."""
    from meum_doctor.config import configure, rule_settings
    from meum_doctor.engine import discover
    from meum_doctor.ruledocs import explain_text

    config = configure(config_path)
    _announce_config(config)
    found = {r.id: r for r in discover(rules_dirs)}
    rule = found.get(rule_id.strip().upper())
    if rule is None:
        raise UsageError(f"no rule {rule_id!r}; `meum-doctor rules` lists them")
    setting = rule_settings(config, found.values())[rule.id]
    click.echo(explain_text(rule, setting, config), nl=False)


@cli.command(context_settings=CONTEXT)
@click.argument("name", type=click.Choice(formats.SCHEMAS), default="report")
def schema(name: str) -> None:
    """Print the JSON Schema (draft 2020-12) of a JSON report, batch summary or error."""
    click.echo(formats.schema_text(name), nl=False)


# Entry point: errors become one line and an exit code ---------------------------------------


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Run the command line; every expected failure is one line on stderr and an exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    _SECRETS.clear()  # a run's secrets are its own (tests run many in one process)
    _SECRETS.extend(_secrets_in(args))
    try:
        cli.main(args=args, prog_name="meum-doctor", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        context = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError" and context is not None:
            # `meum-doctor` alone: the help, as click 8.1 shows it (8.2 made it an error).
            click.echo(context.get_help())
            sys.exit(ExitCode.OK)
        message = " ".join(_inert(exc.format_message()).split())
        if isinstance(exc, click.UsageError) and exc.ctx is not None:
            # One line, as every other error: where to read the usage instead of printing it.
            message += f" (see '{exc.ctx.command_path} --help')"
        _fail(exc, UsageError(message), args)
    except click.exceptions.Abort as exc:
        _fail(exc, Interrupted("aborted"), args)
    except MeumDoctorError as exc:
        _fail(exc, exc, args)
    except KeyboardInterrupt as exc:
        _fail(exc, Interrupted("interrupted"), args)
    except Exception as exc:  # a bug: one line, and the traceback only with --debug
        _fail(exc, InternalError(f"internal error: {type(exc).__name__}: {exc} (run with "
                                 "--debug for the traceback, and please report it)"), args)
    sys.exit(ExitCode.OK)


def _fail(exc: BaseException, error: MeumDoctorError, args: Sequence[str]) -> NoReturn:
    """One line on stderr ending in the error's [code]; with -f json, the error object on
    stdout too (meum_doctor.failures)."""
    from meum_doctor import failures
    from meum_doctor.text import clean_line

    if "--debug" in args and not isinstance(error, Interrupted):
        import traceback

        # A traceback quotes exception messages, which may quote what a server sent.
        click.echo(_inert("".join(traceback.format_exception(exc))), err=True)
    first = clean_line(" ".join(_scrub(str(error)).split()))
    click.echo(_scrub(failures.stderr_line(error, first)), err=True)
    if failures.json_requested(args, failures.value_options(cli)):
        click.echo(_scrub(failures.error_json(error, first)), nl=False)
    sys.exit(error.exit_code)


# The secrets of this run (the evidence-layer issue moves this into the application core, as an
# object handed down instead of a module global).
_SECRETS = Secrets()


def _secrets_in(args: Sequence[str]) -> list[str]:
    """Every API key this run knows: from the environment and from --api-key."""
    found = [os.environ.get(API_KEY_ENV, "")]
    for index, arg in enumerate(args):
        if arg == "--api-key" and index + 1 < len(args):
            found.append(args[index + 1])
        elif arg.startswith("--api-key="):
            found.append(arg.split("=", 1)[1])
    # As given and as used (surrounding whitespace dropped): an echo shows the latter.
    # Secrets.add skips what is too short or only words the tool prints (--api-key Bearer).
    return [form for key in found for form in (key, key.strip())]


def _scrub(text: str) -> str:
    """``text`` without any known secret: the last line of defence for what is printed."""
    return _SECRETS.scrub(text)


def _inert(text: str) -> str:
    """``text`` without secrets and with every control or invisible character escaped (as
    report text is), newlines kept: for log lines and tracebacks on a terminal."""
    from meum_doctor.text import visible

    return visible(_scrub(text))
