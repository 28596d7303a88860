"""Rule documentation, made from the rules themselves: listings, ``explain``, docs/rules.md.

A rule's docstring is its documentation; ``{option}`` and ``{policy.…}`` placeholders in it
are filled with the values in force, so what a user reads matches what the rule does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from meum_doctor.cause import Cause
from meum_doctor.config import Config, RuleSettings
from meum_doctor.rule import DEFAULT_NEEDS, Rule, Severity, graded_severity


class _Levels:
    """``{level.medium}`` in a docstring: the severity in force for the rule's medium grade,
    which a severity override moves along with the top level (see graded_severity)."""

    def __init__(self, rule: Rule, override: Severity | None) -> None:
        self._rule, self._override = rule, override

    def __getattr__(self, name: str) -> str:
        try:
            grade = Severity[name.upper()]
        except KeyError:
            raise AttributeError(name) from None
        return graded_severity(self._rule.severity, self._override, grade).label


def _values(rule: Rule, setting: RuleSettings, config: Config) -> dict[str, Any]:
    return {
        **rule.options,
        **setting.options,
        "policy": config.policy,
        "level": _Levels(rule, setting.severity),
    }


def needs_text(rule: Rule) -> str:
    """``meum-status``, or ``site-report; uses meum-status``: the evidence a rule works on."""
    text = ", ".join(rule.needs)
    if rule.uses:
        text += f"; uses {', '.join(rule.uses)}"
    return text


def levels_in_force(rule: Rule, override: Severity | None) -> str | None:
    """"high → critical, medium → high, …": how an override moves each grade of the rule,
    from its default (top) severity down; None without an override."""
    if override is None:
        return None
    grades = [s for s in reversed(Severity) if s <= rule.severity]
    return ", ".join(
        f"{grade.label} → {graded_severity(rule.severity, override, grade).label}"
        for grade in grades
    )


#: A rules-dir origin names a path; past this many columns its start gives way to "…".
ORIGIN_WIDTH = 40


def _width(text: str) -> int:
    """Columns ``text`` takes on a terminal (CJK counts two), not its length."""
    from wcwidth import wcswidth  # only the text listing needs it

    width = wcswidth(text)
    return width if width >= 0 else len(text)


def _fit_origin(origin: str) -> str:
    """The origin in at most ORIGIN_WIDTH columns, keeping its kind ("rules-dir") and the
    end of the rest (the file name): "rules-dir …/good/custom_rules.py"."""
    if _width(origin) <= ORIGIN_WIDTH:
        return origin
    kind, _, rest = origin.partition(" ")
    room = ORIGIN_WIDTH - _width(kind) - 2  # the space and the ellipsis
    kept = ""
    for char in reversed(rest):
        if _width(char + kept) > room:
            break
        kept = char + kept
    return f"{kind} …{kept}"


def listing_text(
    rules: Sequence[Rule], settings: Mapping[str, RuleSettings], config: Config
) -> str:
    """A table with a header row: ID, name, category, default severity, origin, the
    evidence it needs, summary.

    Columns are as wide as their widest cell in terminal columns, so a rule from a rules
    directory (a long or non-ASCII origin) does not push the others out of line.
    """
    from meum_doctor.text import clean_line

    header = ("ID", "NAME", "CATEGORY", "SEVERITY", "ORIGIN", "NEEDS", "SUMMARY")
    rows = [header] + [
        (
            r.id,
            clean_line(r.name),
            r.category.label,
            r.severity.label,
            clean_line(_fit_origin(r.origin)),
            clean_line(needs_text(r)),
            clean_line(r.describe_summary(_values(r, settings[r.id], config))),
        )
        for r in rules
    ]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(header) - 1)]
    lines = []
    for row in rows:
        cells = [
            cell + " " * (width - _width(cell))
            for cell, width in zip(row[:-1], widths, strict=True)
        ]
        lines.append("  ".join([*cells, row[-1]]).rstrip() + "\n")
    return "".join(lines)


def listing_json(
    rules: Sequence[Rule], settings: Mapping[str, RuleSettings], config: Config
) -> str:
    return (
        json.dumps(
            [
                {
                    "id": r.id,
                    "name": r.name,
                    "category": r.category.label,
                    "severity": r.severity.label,
                    "origin": r.origin,
                    "needs": list(r.needs),
                    "uses": list(r.uses),
                    "summary": r.describe_summary(_values(r, settings[r.id], config)),
                }
                for r in rules
            ],
            indent=2,
        )
        + "\n"
    )


def explain_text(rule: Rule, setting: RuleSettings, config: Config) -> str:
    """One rule's full documentation, with the thresholds in force filled in."""
    values = _values(rule, setting, config)
    lines = [
        f"{rule.id} {rule.name}",
        f"  {rule.describe_summary(values)}",
        "",
        f"Category: {rule.category.label}    Default severity: {rule.severity.label}"
        + (
            "" if setting.severity is None else f"    Configured severity: {setting.severity.label}"
        ),
        f"Origin: {rule.origin}",
        f"Needs: {', '.join(rule.needs)} (the rule is not evaluated without it)",
    ]
    if rule.uses:
        lines.append(f"Uses when present: {', '.join(rule.uses)}")
    moved = levels_in_force(rule, setting.severity)
    if moved is not None:
        lines.append(
            f"Levels in force: {moved} (the override sets the top level; lower grades keep "
            "their distance below it, never below info)"
        )
    if setting.options:
        lines.append(f"Options (set them in [rules.{rule.id}]):")
        lines += [f"  {name} = {value!r}" for name, value in setting.options.items()]
    lines += ["", rule.documentation(values)]
    return "\n".join(lines) + "\n"


def reference_markdown(
    rules: Sequence[Rule], settings: Mapping[str, RuleSettings], config: Config
) -> str:
    """The rule reference (docs/rules.md): a table, then each rule's documentation."""
    parts = [
        "# meum-doctor rules",
        "",
        "Generated from the rules' docstrings by `meum-doctor rules --format markdown`; do "
        "not edit by hand. Rule IDs are stable: use them in configuration and tickets. "
        f"Every rule needs the evidence {', '.join(DEFAULT_NEEDS)} unless its entry says "
        "otherwise; a rule whose evidence is absent is listed as not evaluated.",
        "",
        "| ID | Name | Category | Default severity | Summary |",
        "|---|---|---|---|---|",
    ]
    for r in rules:
        summary = r.describe_summary(_values(r, settings[r.id], config)).replace("|", "\\|")
        parts.append(
            f"| [{r.id}](#{r.id.lower()}) | {r.name} | {r.category.label} | "
            f"{r.severity.label} | {summary} |"
        )
    for r in rules:
        values = _values(r, settings[r.id], config)
        parts += [
            "",
            f"## {r.id}",
            "",
            f"**{r.name}** ({r.category.label}, default severity "
            f"{r.severity.label}): {r.describe_summary(values)}",
            "",
            r.documentation(values),
        ]
        if r.needs != DEFAULT_NEEDS or r.uses:
            parts += ["", f"Needs: {needs_text(r)}."]
        if settings[r.id].options:
            parts += ["", f"Options, in `[rules.{r.id}]`:", ""]
            parts += [f"- `{name}` = `{value!r}`" for name, value in settings[r.id].options.items()]
    return "\n".join(parts) + "\n"


# Causes (issue 13) ---------------------------------------------------------------------------


def causes_text(causes: Sequence[Cause]) -> str:
    """A table with a header row: ID, name, origin, the rules it reads, summary."""
    from meum_doctor.text import clean_line

    header = ("ID", "NAME", "ORIGIN", "READS", "SUMMARY")
    rows = [header] + [
        (
            c.id,
            clean_line(c.name),
            clean_line(_fit_origin(c.origin)),
            clean_line(", ".join(c.reads)),
            clean_line(c.summary),
        )
        for c in causes
    ]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(header) - 1)]
    return "".join(
        "  ".join(
            [*(cell + " " * (w - _width(cell)) for cell, w in zip(row[:-1], widths, strict=True)),
             row[-1]]
        ).rstrip()
        + "\n"
        for row in rows
    )


def causes_json(causes: Sequence[Cause]) -> str:
    return (
        json.dumps(
            [
                {
                    "id": c.id,
                    "name": c.name,
                    "origin": c.origin,
                    "reads": list(c.reads),
                    "summary": c.summary,
                }
                for c in causes
            ],
            indent=2,
        )
        + "\n"
    )


def explain_cause_text(cause: Cause) -> str:
    """One cause's full documentation."""
    lines = [f"{cause.id} {cause.name}", f"  {cause.summary}", "", f"Origin: {cause.origin}"]
    if cause.reads:
        lines.append(f"Reads the findings of: {', '.join(cause.reads)}")
    lines += ["", cause.explanation]
    return "\n".join(lines) + "\n"


def causes_markdown(causes: Sequence[Cause]) -> str:
    """The cause reference (docs/causes.md): a table, then each cause's documentation."""
    parts = [
        "# meum-doctor causes",
        "",
        "Generated from the causes' docstrings by `meum-doctor causes --format markdown`; do "
        "not edit by hand. A cause weighs the findings of a run (see docs/rules.md) and names "
        "what most likely produces them, with a confidence (confirmed, likely, possible), the "
        "chain of evidence and the one fix. Cause IDs are stable and share one ID space with "
        "the rules; `--select` and `--ignore` take them.",
        "",
        "| ID | Name | Summary |",
        "|---|---|---|",
    ]
    for c in causes:
        summary = c.summary.replace("|", "\\|")
        parts.append(f"| [{c.id}](#{c.id.lower()}) | {c.name} | {summary} |")
    for c in causes:
        parts += ["", f"## {c.id}", "", f"**{c.name}**: {c.summary}", "", c.explanation]
        if c.reads:
            parts += ["", f"Reads the findings of: {', '.join(c.reads)}."]
    return "\n".join(parts) + "\n"
