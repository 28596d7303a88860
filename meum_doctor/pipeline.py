"""The straight line from a raw status to a report, shared by ``check`` and ``batch``.

    prepare (config, rules, selection; once a run) -> diagnose (parse -> evaluate -> report)

Acquiring the status comes before (sources, client, demo) and rendering after (render/).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from meum_doctor.config import Config, RuleSettings, configure, rule_settings
from meum_doctor.engine import discover, evaluate, select
from meum_doctor.errors import BadResponse, UsageError
from meum_doctor.redact import RedactionState
from meum_doctor.report import ConfigUsed, Report, build_report
from meum_doctor.rule import Rule, Severity
from meum_doctor.sources import RawStatus
from meum_doctor.status import SPECIFIC_FIELDS, Status, parse

if TYPE_CHECKING:
    from meum_doctor.saved import Timing
    from meum_doctor.secrets import Secrets


@dataclass(frozen=True)
class Setup:
    """Everything a run decides once, before the first status arrives."""

    config: Config
    #: The rules that run, after --select/--ignore.
    rules: tuple[Rule, ...]
    settings: dict[str, RuleSettings]
    now: datetime
    fail_on: Severity | None
    redact: bool = False
    verbose: bool = False
    #: The configuration file in force, as every report records it; None for the defaults.
    config_used: ConfigUsed | None = None
    #: Every rule loaded, selected or not: a report says how many of them ran.
    available: tuple[Rule, ...] = ()
    #: The numbering of hosts under --redact, shared by every store of the run so that one
    #: host has one number in every report and summary, and two stores never share one.
    redaction: RedactionState = field(default_factory=RedactionState, compare=False)


def prepare(
    *,
    config_path: str | None,
    rules_dirs: Sequence[str],
    selected: Sequence[str],
    ignored: Sequence[str],
    fail_on: str | None,
    now: datetime,
    redact: bool = False,
    verbose: bool = False,
) -> Setup:
    """Load the configuration and the rules, and apply the command line on top."""
    config = configure(config_path)
    rules = discover(rules_dirs)
    settings = rule_settings(config, rules)
    # As in ruff: --select replaces the configured selection, --ignore adds to it.
    chosen = select(rules, list(selected) or list(config.select), [*config.ignore, *ignored])
    if not chosen:
        raise UsageError(
            f"no rule left to run after {_selection_text(config, selected, ignored)}; "
            "`meum-doctor rules` lists the IDs"
        )
    if fail_on is None:
        threshold = config.fail_on
    else:
        threshold = None if fail_on == "never" else Severity.parse(fail_on)
    return Setup(
        config,
        tuple(chosen),
        settings,
        now,
        threshold,
        redact,
        verbose,
        config_used(config, rules),
        tuple(rules),
    )


def _selection_text(config: Config, selected: Sequence[str], ignored: Sequence[str]) -> str:
    """The selectors in force and where each came from, for a selection that left nothing."""
    where = f"configuration file {config.path}" if config.path else "the configuration"
    parts = []
    if selected:
        parts.append(f"--select {' '.join(selected)} (command line)")
    elif config.select:
        parts.append(f"select = {list(config.select)} ({where})")
    if config.ignore:
        parts.append(f"ignore = {list(config.ignore)} ({where})")
    if ignored:
        parts.append(f"--ignore {' '.join(ignored)} (command line)")
    return " and ".join(parts)


def config_used(config: Config, rules: Sequence[Rule]) -> ConfigUsed | None:
    """What a report records of the configuration file, if one is in force."""
    if config.path is None:
        return None
    try:  # the rules the file's own select and ignore leave out
        kept = {rule.id for rule in select(rules, list(config.select), list(config.ignore))}
    except UsageError:  # a selector that matches no rule was reported already, or overridden
        kept = {rule.id for rule in rules}
    return ConfigUsed(
        path=config.path,
        sha256=config.sha256 or "",
        ignored_rules=tuple(sorted(rule.id for rule in rules if rule.id not in kept)),
        values_added={
            name: {cls: list(items) for cls, items in classes.items()}
            for name, classes in config.values_added.items()
        },
    )


def diagnose(
    raw: RawStatus,
    setup: Setup,
    *,
    secrets: Secrets | Sequence[str] | None = None,
    timing: Timing | None = None,
) -> Report:
    """Parse, evaluate and report one status. Raises BadResponse for a body that is no status.

    ``secrets`` are the run's: none of them survives into the report. ``timing`` (a saved
    status's) says which moment to judge against instead of ``setup.now``, and why.
    """
    status = parse(raw.body)
    if raw.source_type in ("file", "stdin"):
        _refuse_non_status(status, raw)
    now = timing.evaluated_at if timing else setup.now
    evaluation = evaluate(status, setup.rules, setup.config, setup.settings, now)
    return build_report(
        raw,
        status,
        evaluation,
        setup.rules,
        evaluated_at=now,
        generated_at=datetime.now(UTC),
        policy_as_of=setup.config.policy.as_of,
        fail_on=setup.fail_on,
        redact=setup.redact,
        secrets=secrets,
        verbose=setup.verbose,
        config=setup.config_used,
        timing=timing,
        available=setup.available,
        redaction=setup.redaction,
    )


# SPECIFIC_FIELDS (status.py): the fields of a status that only this API sends. ``status``,
# ``issues``, ``error`` or ``message`` are in every other JSON (an API error answer, a Jira
# export): one of them alone does not make a file a Meum status, and judging such a file
# reported a "disconnected store" that never was.
#: The keys an API's error answer is made of ({"status": "error", "message": "Unauthorized"}).
ERROR_FIELDS = frozenset({"error", "errors", "message", "detail", "code"})


def _refuse_non_status(status: Status, raw: RawStatus) -> None:
    """Raise BadResponse for a file that is not a Meum status (see :data:`SPECIFIC_FIELDS`)."""
    if status.present & SPECIFIC_FIELDS:
        return
    where = "standard input" if raw.source_type == "stdin" else f"status file {raw.location}"
    if status.present & ERROR_FIELDS:
        # The keys are named, never their values: an error text may echo a key or a token.
        keys = ", ".join(sorted(status.present & (ERROR_FIELDS | {"status"})))
        raise BadResponse(
            f"{where} is not a Meum status: it looks like an API error answer ({keys}), not a "
            "status; save the status again from a request that succeeded"
        )
    raise BadResponse(
        f"{where} is not a Meum status: it has none of the status's own fields "
        "(connected, connection_status, site_url, integration_id, …)"
    )
