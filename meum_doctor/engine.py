"""The rule engine: find rules, choose which run, and run them with failures contained.

Discovery has one validation for every source, in this order:

1. the built-in rules (``meum_doctor.rules.RULES``);
2. installed plugins: each entry point in the group ``meum_doctor.rules`` names a module, a
   rule, a list of rules, or a callable returning rules;
3. ``--rules-dir DIR`` (repeatable): every ``*.py`` file there, loaded by path under a
   private module name, contributes the :class:`~meum_doctor.rule.Rule` objects it defines.

An invalid or duplicate ID, or a plugin that fails to import, is a :class:`RuleLoadError`
naming the culprit. Running a rule that raises is *not* an error of the run: the failure is
recorded, the other rules go on, and the report lists it. A rule whose evidence is absent
(:attr:`~meum_doctor.rule.Rule.needs`) is not run, and recorded as not evaluated with the
kinds it waits for: that is no failure either. The engine knows nothing of formats.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from types import ModuleType
from typing import Any, Protocol, TypeVar, cast

from meum_doctor.config import Config, RuleSettings
from meum_doctor.errors import RuleLoadError, UsageError
from meum_doctor.evidence import Evidence
from meum_doctor.ids import check_id, is_selector, selects
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
BUILTIN = "built-in"


# Discovery ---------------------------------------------------------------------------


def discover(rules_dirs: Sequence[str] = (), *, plugins: bool = True) -> list[Rule]:
    """Every rule from every source, validated, in discovery order."""
    found: list[Rule] = []
    builtin = importlib.import_module("meum_doctor.rules")
    found += _collect(builtin.RULES, BUILTIN)
    if plugins:
        found += _from_entry_points()
    for directory in rules_dirs:
        found += _from_directory(directory)
    _check_unique(found)
    return found


def _may_have_plugins(group: str = ENTRY_POINT_GROUP) -> bool:
    """Does any installed distribution declare the ``meum_doctor.rules`` group?

    A cheap look at the ``entry_points.txt`` files on sys.path, so the common case (no
    plugin) does not pay for importing importlib.metadata at every start. When in doubt (a
    zip on sys.path), it says yes and importlib.metadata decides.
    """
    needle = f"[{group}]"
    for entry in sys.path:
        folder = entry or "."
        if not os.path.isdir(folder):
            if os.path.isfile(folder):
                return True  # a zip or egg: only importlib.metadata can read it
            continue
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            try:
                with open(os.path.join(folder, name, "entry_points.txt"), encoding="utf-8") as f:
                    if needle in f.read():
                        return True
            except (OSError, UnicodeDecodeError):
                continue
    return False


def _from_entry_points() -> list[Rule]:
    if not _may_have_plugins():
        return []
    from importlib.metadata import entry_points

    rules: list[Rule] = []
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        dist = entry.dist.name if entry.dist is not None else "unknown distribution"
        origin = f"plugin {dist}"
        try:
            loaded = entry.load()
        except Exception as exc:  # a broken plugin must be named, not crash the tool
            raise RuleLoadError(
                f"rule plugin {entry.name!r} ({entry.value}, from {dist}) failed to import: "
                f"{_describe(exc)}"
            ) from exc
        rules += _collect(_rules_of(loaded, origin), origin)
    return rules


def _from_directory(directory: str) -> list[Rule]:
    rules: list[Rule] = []
    for file, module in load_directory(directory):
        origin = f"rules-dir {file}"
        rules += _collect(_rules_of(module, origin), origin)
    return rules


#: Rules files already loaded, by (path, modification time, size): the causes registry reads
#: the same modules for the causes they define, and a file must run once per change.
_LOADED: dict[tuple[str, int, int], ModuleType] = {}


def load_directory(directory: str) -> list[tuple[str, ModuleType]]:
    """Every ``*.py`` file of a rules directory, loaded as a private module: (file, module)."""
    from pathlib import Path  # only for --rules-dir: not worth loading on every run

    path = Path(directory)
    if not path.is_dir():
        raise RuleLoadError(f"rules directory {directory} does not exist or is not a folder")
    loaded = []
    for file in sorted(path.glob("*.py")):
        try:
            info = file.stat()
        except OSError as exc:
            raise RuleLoadError(f"cannot load rules file {file}: {_describe(exc)}") from exc
        key = (str(file.resolve()), info.st_mtime_ns, info.st_size)
        module = _LOADED.get(key)
        if module is None:
            module = _load_file(file)
            _LOADED[key] = module
        loaded.append((str(file), module))
    return loaded


def _load_file(file: Any) -> ModuleType:
    # A private, path-derived name: two folders may both hold a "custom.py".
    digest = hashlib.sha256(str(file.resolve()).encode()).hexdigest()[:12]
    module_name = f"meum_doctor._rules_dir.{file.stem}_{digest}"
    spec = importlib.util.spec_from_file_location(module_name, file)
    if spec is None or spec.loader is None:
        raise RuleLoadError(f"cannot load rules file {file}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # as import does: dataclasses look themselves up
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # SyntaxError included: name the file, do not crash
        del sys.modules[module_name]
        raise RuleLoadError(f"rules file {file} failed to load: {_describe(exc)}") from exc
    return module


def _rules_of(loaded: object, origin: str) -> Iterable[object]:
    """The rules an entry point or a rules file provides, in the forms documented above."""
    if isinstance(loaded, Rule):
        return [loaded]
    if isinstance(loaded, ModuleType):
        declared = getattr(loaded, "RULES", None)
        if declared is not None:
            return _as_list(declared, origin)
        return [value for value in vars(loaded).values() if isinstance(value, Rule)]
    if isinstance(loaded, list | tuple):
        return loaded
    if callable(loaded):
        try:
            return _as_list(loaded(), origin)
        except RuleLoadError:
            raise
        except Exception as exc:
            raise RuleLoadError(f"{origin}: listing its rules failed: {_describe(exc)}") from exc
    raise RuleLoadError(f"{origin}: provides {type(loaded).__name__}, not rules")


def _as_list(value: object, origin: str) -> list[object]:
    if isinstance(value, Rule):
        return [value]
    if isinstance(value, list | tuple):
        return list(value)
    raise RuleLoadError(f"{origin}: RULES must be a list of rules, not {type(value).__name__}")


def _collect(items: Iterable[object], origin: str) -> list[Rule]:
    rules = []
    for item in items:
        if not isinstance(item, Rule):
            raise RuleLoadError(
                f"{origin}: {item!r:.60} is not a rule (make one with @meum_doctor.plugin.rule)"
            )
        problem = _invalid(item, builtin=origin == BUILTIN)
        if problem:
            raise RuleLoadError(f"{origin}: rule {item.id!r:.20} {problem}")
        rules.append(replace(item, origin=origin))
    return rules


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


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


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
