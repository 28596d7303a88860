"""The rule engine: find rules, choose which run, and run them with failures contained.

Discovery is :mod:`meum_doctor.plugins` (the built-in rules, installed plugins of the entry-point
group ``meum_doctor.rules``, and the files of ``--rules-dir``), the same for rules and causes.

An invalid or duplicate ID, or a plugin that fails to import, is a :class:`RuleLoadError`
naming the culprit. Running a rule that raises is *not* an error of the run: the failure is
recorded, the other rules go on, and the report lists it. A rule whose evidence is absent
(:attr:`~meum_doctor.rule.Rule.needs`) is not run, and recorded as not evaluated with the
kinds it waits for: that is no failure either. The engine knows nothing of formats.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar, cast

from meum_doctor.config import Config, RuleSettings
from meum_doctor.errors import RuleLoadError, UsageError
from meum_doctor.evidence import Evidence
from meum_doctor.ids import check_id, is_selector, selects
from meum_doctor.plugins import (
    PluginKind,
    builtin,
    collect,
    describe,
    from_directories,
    from_entry_points,
)
from meum_doctor.rule import (
    RULE_NAME_RE,
    Category,
    Context,
    Finding,
    Rule,
    Severity,
    graded_severity,
)
from meum_doctor.status import Status

ENTRY_POINT_GROUP = "meum_doctor.rules"
#: Anything with an ``id``: a rule, or a cause (they share one ID space and one selection).
class _HasId(Protocol):
    @property
    def id(self) -> str: ...


_Item = TypeVar("_Item", bound=_HasId)


# Discovery (meum_doctor.plugins finds rules and causes alike) ------------------------


def discover(rules_dirs: Sequence[str] = (), *, plugins: bool = True) -> list[Rule]:
    """Every rule from every source, validated, in discovery order."""
    found = builtin(RULES_KIND, importlib.import_module("meum_doctor.rules").RULES)
    if plugins:
        found += from_entry_points(RULES_KIND)
    found += from_directories(RULES_KIND, rules_dirs)
    _check_unique(found)
    return found


def _collect(items: Iterable[object], origin: str) -> list[Rule]:
    """``items`` validated as rules from ``origin`` (see :func:`meum_doctor.plugins.collect`)."""
    return collect(RULES_KIND, items, origin)


def _invalid(rule: Rule, *, builtin: bool) -> str | None:
    # Typed as a Rule, but built by someone else's code: check every field as if untyped.
    rule_id, name, category, severity = (
        cast(object, rule.id),
        cast(object, rule.name),
        cast(object, rule.category),
        cast(object, rule.severity),
    )
    problem = check_id(rule_id, "rule", builtin=builtin)
    if problem:
        return problem
    if not isinstance(name, str) or not RULE_NAME_RE.match(name):
        return f"has an invalid name {name!r}: names are kebab-case, like plugin-outdated"
    if not isinstance(category, Category):
        return "has no valid category"
    if not isinstance(severity, Severity):
        return "has no valid default severity"
    if not rule.summary:
        return "has no docstring: its first line is the rule's summary"
    if not callable(cast(object, rule.check)):
        return "has no check function"
    needs, uses = cast(object, rule.needs), cast(object, rule.uses)
    for what, kinds in (("needs", needs), ("uses", uses)):
        if not isinstance(kinds, tuple) or not all(
            isinstance(kind, str) and KIND_RE.match(kind) for kind in kinds
        ):
            return f"has invalid {what}: a tuple of evidence kinds, like ('meum-status',)"
    if not needs:
        return "needs no evidence: name at least one kind, like ('meum-status',)"
    return None


#: What a kind of evidence is called: kebab-case, like ``meum-status``.
KIND_RE = RULE_NAME_RE
#: How rules are found: by :mod:`meum_doctor.plugins`, as causes are.
RULES_KIND: PluginKind[Rule] = PluginKind(
    "rule", Rule, "RULES", ENTRY_POINT_GROUP, lambda rule, shipped: _invalid(rule, builtin=shipped)
)


def _check_unique(rules: Sequence[Rule]) -> None:
    seen: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in seen:
            first = seen[rule.id]
            raise RuleLoadError(
                f"duplicate rule ID {rule.id}: {rule.name} ({rule.origin}) and "
                f"{first.name} ({first.origin}); every rule needs its own ID"
            )
        seen[rule.id] = rule


_describe = describe  # the one-line form of an exception, for rule failures too


# Selection ---------------------------------------------------------------------------


def select(rules: Sequence[Rule], selected: Sequence[str], ignored: Sequence[str]) -> list[Rule]:
    """The rules to run, as ruff selects: the most specific matching selector wins.

    A rule runs when the longest ``selected`` prefix it matches is longer than the longest
    ``ignored`` one (ties go to ignore); with no ``selected`` at all, every rule is selected.
    """
    for option, selectors in (("--select", selected), ("--ignore", ignored)):
        for selector in selectors:
            if not is_selector(selector):
                raise UsageError(
                    f"{option} {selector!r} is not a rule ID or prefix (like MD5 or ACME1)"
                )
            if not any(selects(selector, rule.id) for rule in rules):
                raise UsageError(
                    f"{option} {selector} matches no rule (`meum-doctor rules` lists them)"
                )

    return choose(rules, selected, ignored)


def choose(items: Sequence[_Item], selected: Sequence[str], ignored: Sequence[str]) -> list[_Item]:
    """The items (rules or causes) the selectors keep, without checking the selectors."""

    def longest(item_id: str, selectors: Sequence[str]) -> int:
        return max((len(s) for s in selectors if selects(s, item_id)), default=-1)

    chosen = []
    for item in items:
        picked = longest(item.id, selected) if selected else 0
        if picked >= 0 and picked > longest(item.id, ignored):
            chosen.append(item)
    return chosen


# Evaluation --------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleFinding:
    """A finding with the rule that made it and the severity in force after overrides."""

    rule: Rule
    severity: Severity
    finding: Finding


@dataclass(frozen=True)
class RuleFailure:
    """A rule that raised (or yielded something that is not a finding) during evaluation."""

    rule: Rule
    error: str
    traceback: str


@dataclass(frozen=True)
class NotRun:
    """A rule that was not run because evidence it needs is absent."""

    rule: Rule
    #: The kinds of evidence it waits for (those of its needs that were absent).
    waits_for: tuple[str, ...]


@dataclass(frozen=True)
class Evaluation:
    findings: tuple[RuleFinding, ...]
    failures: tuple[RuleFailure, ...]
    not_run: tuple[NotRun, ...] = ()


def evaluate(
    evidence: Evidence | Status,
    rules: Sequence[Rule],
    config: Config,
    settings: dict[str, RuleSettings],
    now: datetime,
) -> Evaluation:
    """Run every rule whose evidence is present (a Status alone is the evidence of a Meum
    status); a rule that fails is recorded, never fatal, and so is one left waiting."""
    if isinstance(evidence, Status):
        evidence = Evidence.of_status(evidence)
    findings: list[RuleFinding] = []
    failures: list[RuleFailure] = []
    not_run: list[NotRun] = []
    for rule in rules:
        missing = evidence.missing(rule.needs)
        if missing:
            not_run.append(NotRun(rule, missing))
            continue
        setting = settings.get(rule.id, RuleSettings(options=rule.options))
        context = Context(
            now=now, policy=config.policy, values=config.values, options=setting.options
        )
        # The models it asked for, in declared order: needs, then uses (None when absent).
        given = [evidence.models[kind] for kind in rule.needs]
        given += [evidence.models.get(kind) for kind in rule.uses]
        try:
            produced = list(rule.check(*given, context) or ())
            for item in produced:
                if not isinstance(item, Finding):
                    raise TypeError(f"yielded {type(item).__name__}, not a Finding")
        except Exception as exc:  # a rule's bug must not take the diagnosis down with it
            import traceback  # only when a rule fails: not worth loading on every run

            failures.append(RuleFailure(rule, _describe(exc), traceback.format_exc()))
            continue
        for item in produced:
            # Severity.INFO is 0, so "is not None", never "or".
            found = item.severity if item.severity is not None else rule.severity
            severity = graded_severity(rule.severity, setting.severity, Severity(found))
            findings.append(RuleFinding(rule=rule, severity=severity, finding=item))
    return Evaluation(
        findings=tuple(findings), failures=tuple(failures), not_run=tuple(not_run)
    )
