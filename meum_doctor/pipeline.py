"""The straight line from a raw status to a report, shared by ``check`` and ``batch``.

    prepare (config, rules, selection; once a run) -> diagnose (parse -> evaluate -> report)

Acquiring the status comes before (sources, client, demo) and rendering after (render/).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from meum_doctor.config import Config, RuleSettings, find_config_path, load_config, rule_settings
from meum_doctor.engine import discover, evaluate, select
from meum_doctor.redact import RedactionState
from meum_doctor.report import Report, build_report
from meum_doctor.rule import Rule, Severity
from meum_doctor.sources import RawStatus
from meum_doctor.status import parse


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
    config = load_config(find_config_path(config_path))
    rules = discover(rules_dirs)
    settings = rule_settings(config, rules)
    # As in ruff: --select replaces the configured selection, --ignore adds to it.
    chosen = select(rules, list(selected) or list(config.select), [*config.ignore, *ignored])
    if fail_on is None:
        threshold = config.fail_on
    else:
        threshold = None if fail_on == "never" else Severity.parse(fail_on)
    return Setup(config, tuple(chosen), settings, now, threshold, redact, verbose)


def diagnose(raw: RawStatus, setup: Setup, *, secrets: Sequence[str] = ()) -> Report:
    """Parse, evaluate and report one status. Raises BadResponse for a body that is no status."""
    status = parse(raw.body)
    evaluation = evaluate(status, setup.rules, setup.config, setup.settings, setup.now)
    return build_report(
        raw,
        status,
        evaluation,
        setup.rules,
        evaluated_at=setup.now,
        generated_at=datetime.now(UTC),
        policy_as_of=setup.config.policy.as_of,
        fail_on=setup.fail_on,
        redact=setup.redact,
        secrets=secrets,
        verbose=setup.verbose,
        redaction=setup.redaction,
    )
