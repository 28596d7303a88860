"""Rule documentation, made from the rules themselves: listings, ``explain``, docs/rules.md.

A rule's docstring is its documentation; ``{option}`` and ``{policy.…}`` placeholders in it
are filled with the values in force, so what a user reads matches what the rule does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from meum_doctor.config import Config, RuleSettings
from meum_doctor.rule import Rule


def _values(rule: Rule, setting: RuleSettings, config: Config) -> dict[str, Any]:
    return {**rule.options, **setting.options, "policy": config.policy}


def listing_text(
    rules: Sequence[Rule], settings: Mapping[str, RuleSettings], config: Config
) -> str:
    """One line a rule: ID, name, category, default severity, origin, summary."""
    return "".join(
        f"{r.id}  {r.name:<34} {r.category.label:<12} {r.severity.label:<8} {r.origin:<10}  "
        f"{r.describe_summary(_values(r, settings[r.id], config))}\n"
        for r in rules
    )


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
    ]
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
        "not edit by hand. Rule IDs are stable: use them in configuration and tickets.",
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
        if settings[r.id].options:
            parts += ["", f"Options, in `[rules.{r.id}]`:", ""]
            parts += [f"- `{name}` = `{value!r}`" for name, value in settings[r.id].options.items()]
    return "\n".join(parts) + "\n"
