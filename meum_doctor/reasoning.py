"""Causes: find them, choose which run, and weigh the evaluation's findings with them.

Discovery mirrors the rule engine's (:mod:`meum_doctor.engine`): the built-in causes
(``meum_doctor.causes.CAUSES``), installed plugins (entry-point group ``meum_doctor.causes``:
a module, a cause, a list, or a callable returning causes), and the files of ``--rules-dir``
(the ``CAUSES`` list of a file, else every :class:`~meum_doctor.cause.Cause` it defines). Rules
and causes share one ID space: a cause with a rule's ID, or two causes with one ID, is a
:class:`RuleLoadError`.

Evaluation is pure: :func:`diagnose` gives every selected cause the :class:`Facts` of the run
and keeps the diagnoses that explain at least one finding, strongest first. A cause that
raises is recorded, as a failing rule is, and the others go on.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, cast

from meum_doctor.cause import CAUSE_NAME_RE, Cause, Confidence, Diagnosis, Fact, Facts, finding_ids
from meum_doctor.engine import Evaluation, RuleFailure, choose
from meum_doctor.errors import RuleLoadError, UsageError
from meum_doctor.ids import check_id, is_selector, selects
from meum_doctor.plugins import (
    PluginKind,
    builtin,
    collect,
    from_directories,
    from_entry_points,
)
from meum_doctor.plugins import describe as _describe
from meum_doctor.rule import Rule, Severity

ENTRY_POINT_GROUP = "meum_doctor.causes"


# Discovery ---------------------------------------------------------------------------


def discover_causes(
    rules_dirs: Sequence[str] = (), rules: Sequence[Rule] = (), *, plugins: bool = True
) -> list[Cause]:
    """Every cause from every source, validated, in discovery order; ``rules`` are the
    rules loaded, whose IDs no cause may take."""
    found = builtin(CAUSES_KIND, importlib.import_module("meum_doctor.causes").CAUSES)
    if plugins:
        found += from_entry_points(CAUSES_KIND)
    found += from_directories(CAUSES_KIND, rules_dirs)
    _check_unique(found, rules)
    return found


def _collect(items: Iterable[object], origin: str) -> list[Cause]:
    """``items`` validated as causes from ``origin`` (see :func:`meum_doctor.plugins.collect`)."""
    return collect(CAUSES_KIND, items, origin)


def _invalid(item: Cause, *, builtin: bool) -> str | None:
    # Typed as a Cause, but built by someone else's code: check every field as if untyped.
    problem = check_id(cast(object, item.id), "cause", builtin=builtin)
    if problem:
        return problem
    name = cast(object, item.name)
    if not isinstance(name, str) or not CAUSE_NAME_RE.match(name):
        return f"has an invalid name {name!r}: names are kebab-case, like site-unreachable"
    if not item.summary:
        return "has no docstring: its first line is the cause's summary"
    if not callable(cast(object, item.check)):
        return "has no function"
    return None


#: How causes are found: by :mod:`meum_doctor.plugins`, as rules are.
CAUSES_KIND: PluginKind[Cause] = PluginKind(
    "cause", Cause, "CAUSES", ENTRY_POINT_GROUP, lambda it, shipped: _invalid(it, builtin=shipped)
)


def _check_unique(causes: Sequence[Cause], rules: Sequence[Rule]) -> None:
    seen: dict[str, str] = {r.id: f"rule {r.name} ({r.origin})" for r in rules}
    for item in causes:
        if item.id in seen:
            raise RuleLoadError(
                f"duplicate ID {item.id}: cause {item.name} ({item.origin}) and {seen[item.id]}; "
                "rules and causes share one ID space, and each needs its own ID"
            )
        seen[item.id] = f"cause {item.name} ({item.origin})"


# Selection ---------------------------------------------------------------------------


def select_both(
    rules: Sequence[Rule],
    causes: Sequence[Cause],
    selected: Sequence[str],
    ignored: Sequence[str],
) -> tuple[list[Rule], list[Cause]]:
    """The rules and causes to run. Selectors take rule and cause IDs alike; every one must
    name something. Each kind is restricted only by the selectors that name items of its
    kind: ``--select MC101`` keeps every rule and MC101 alone, ``--select MD301`` keeps
    MD301 and every cause, and ``--ignore MC`` turns the causes off."""
    everything: list[Rule | Cause] = [*rules, *causes]
    for option, selectors in (("--select", selected), ("--ignore", ignored)):
        for selector in selectors:
            if not is_selector(selector):
                raise UsageError(
                    f"{option} {selector!r} is not a rule or cause ID or prefix "
                    "(like MD5, MC1 or ACME1)"
                )
            if not any(selects(selector, item.id) for item in everything):
                raise UsageError(
                    f"{option} {selector} matches no rule or cause (`meum-doctor rules` and "
                    "`meum-doctor causes` list them)"
                )

    def own(items: Sequence[Rule] | Sequence[Cause], selectors: Sequence[str]) -> list[str]:
        return [s for s in selectors if any(selects(s, item.id) for item in items)]

    return (
        choose(rules, own(rules, selected), own(rules, ignored)),
        choose(causes, own(causes, selected), own(causes, ignored)),
    )


# Evaluation --------------------------------------------------------------------------


@dataclass(frozen=True)
class CauseDiagnosis:
    """A diagnosis with the cause that made it and the severity of the worst finding it
    explains (the second key of the order diagnoses are shown in)."""

    cause: Cause
    diagnosis: Diagnosis
    severity: Severity


@dataclass(frozen=True)
class Reasoning:
    diagnoses: tuple[CauseDiagnosis, ...]
    #: Causes that raised: recorded like rules that failed.
    failures: tuple[RuleFailure, ...] = ()


def facts_of(
    evaluation: Evaluation,
    rules: Sequence[Rule],
    models: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> Facts:
    """The facts of an evaluation: its findings with their ids, and the rules that ran."""
    ids = finding_ids(item.rule.id for item in evaluation.findings)
    skipped = {n.rule.id for n in evaluation.not_run} | {f.rule.id for f in evaluation.failures}
    return Facts(
        findings=tuple(
            Fact(
                id=finding_id,
                rule=item.rule.id,
                severity=item.severity,
                title=item.finding.title,
                evidence=item.finding.evidence,
            )
            for finding_id, item in zip(ids, evaluation.findings, strict=True)
        ),
        evaluated=frozenset(r.id for r in rules if r.id not in skipped),
        models=dict(models or {}),
        now=now,
    )


def diagnose(causes: Sequence[Cause], facts: Facts) -> Reasoning:
    """Every diagnosis of the facts, strongest first: confidence, then the worst finding it
    explains, then cause ID. A diagnosis that explains no finding of the run is dropped (a
    healthy store gets none), and so are ids it names that the run does not have."""
    severity = {f.id: f.severity for f in facts.findings}
    found: list[CauseDiagnosis] = []
    failures: list[RuleFailure] = []
    if not facts.findings:
        return Reasoning(())
    for item in causes:
        try:
            result = item.check(facts)
            if result is not None and not isinstance(result, Diagnosis):
                raise TypeError(f"returned {type(result).__name__}, not a Diagnosis")
            if result is not None and not isinstance(result.confidence, Confidence):
                raise TypeError("its diagnosis has no valid confidence")
        except Exception as exc:  # a cause's bug must not take the report down with it
            import traceback

            # A failing cause is reported in the rule errors: a Rule-shaped record of it.
            failures.append(RuleFailure(_as_rule(item), _describe(exc), traceback.format_exc()))
            continue
        if result is None:
            continue
        explains = tuple(dict.fromkeys(i for i in result.explains if i in severity))
        if not explains:
            continue
        found.append(
            CauseDiagnosis(
                cause=item,
                diagnosis=replace(result, explains=explains),
                severity=max(severity[i] for i in explains),
            )
        )
    found.sort(key=lambda d: (-d.diagnosis.confidence, -d.severity, d.cause.id))
    return Reasoning(tuple(found), tuple(failures))


def _as_rule(item: Cause) -> Rule:
    from meum_doctor.rule import Category

    return Rule(
        id=item.id,
        name=item.name,
        category=Category.DATA,
        severity=Severity.INFO,
        check=lambda *args: (),
        summary=item.summary,
        origin=item.origin,
    )
