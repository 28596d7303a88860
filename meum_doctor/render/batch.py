"""The batch summary in the four formats: stores worst first, stores that could not be
checked and why, then how many stores each rule fired for across the fleet.

Like the single-store renderers, these only present; every string from a store passes
through the same escaping (terminal, Markdown and HTML) as in a single-store report.
"""

from __future__ import annotations

import json
from typing import Any

from meum_doctor.batch import BatchSummary
from meum_doctor.render.common import timestamp
from meum_doctor.text import clean_line

BATCH_SCHEMA_VERSION = 1


def render_batch(summary: BatchSummary, fmt: str, *, color: bool = False) -> str:
    if fmt == "json":
        return json.dumps(batch_dict(summary), indent=2, ensure_ascii=True) + "\n"
    if fmt == "text":
        return _text(summary, color=color)
    from meum_doctor.render.templating import environment

    name = "batch.md.j2" if fmt == "markdown" else "batch.html.j2"
    kind = "markdown" if fmt == "markdown" else "html"
    return environment(kind).get_template(name).render(summary=summary)


def batch_dict(summary: BatchSummary) -> dict[str, Any]:
    return {
        "schema_version": BATCH_SCHEMA_VERSION,
        "kind": "batch",
        "tool": {"name": "meum-doctor", "version": summary.tool_version},
        "generated_at": timestamp(summary.generated_at),
        "evaluated_at": timestamp(summary.evaluated_at),
        "policy": {"as_of": summary.policy_as_of},
        "fail_on": summary.fail_on.label if summary.fail_on is not None else "never",
        "redacted": summary.redacted,
        "totals": {
            "stores": summary.total,
            "checked": len(summary.stores),
            "not_checked": len(summary.failures),
            **summary.verdicts,
        },
        "stores": [
            {
                "label": s.label,
                "source": s.source,
                "site_url": s.site_url,
                "verdict": s.verdict,
                "counts": s.counts,
                "top_finding": (
                    {"rule": s.top.rule, "severity": s.top.severity, "title": s.top.title}
                    if s.top
                    else None
                ),
                "fails": s.fails,
            }
            for s in summary.stores
        ],
        "not_checked": [
            {"label": f.label, "source": f.source, "error": f.error} for f in summary.failures
        ],
        "rules": [{"rule": r, "name": n, "stores": count} for r, n, count in summary.rule_totals],
    }


def _text(summary: BatchSummary, *, color: bool) -> str:
    def paint(code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if color else text

    styles = {"critical": "1;31", "attention": "1;33", "healthy": "1;32"}
    verdicts = ", ".join(f"{n} {v}" for v, n in summary.verdicts.items())
    lines = [
        f"{summary.total} stores: {verdicts}, {len(summary.failures)} could not be checked",
        f"Evaluated at {timestamp(summary.evaluated_at)} by meum-doctor {summary.tool_version} "
        f"(version policy as of {summary.policy_as_of})",
        "",
    ]
    width = min(40, max((len(clean_line(s.label)) for s in summary.stores), default=5))
    for store in summary.stores:
        verdict = store.verdict or "?"
        counts = ", ".join(f"{n} {name}" for name, n in store.counts.items() if n)
        counts = counts or "no findings"
        top = f"  {store.top.rule} {clean_line(store.top.title)}" if store.top else ""
        lines.append(
            f"{paint(styles.get(verdict, '0'), f'{verdict.upper():<9}')} "
            f"{clean_line(store.label):<{width}}  {counts}{top}"
        )
    if summary.failures:
        lines += ["", "Could not be checked:"]
        lines += [f"  {clean_line(f.label)}: {clean_line(f.error or '')}" for f in summary.failures]
    if summary.rule_totals:
        lines += ["", "Rules across the fleet:"]
        lines += [
            f"  {rule} {name}: {n} store{'s' if n != 1 else ''}"
            for rule, name, n in summary.rule_totals
        ]
    return "\n".join(lines) + "\n"
