"""The batch summary in the four formats: stores worst first, stores that could not be
checked and why, then how many stores each rule fired for across the fleet.

Like the single-store renderers, these only present; every string from a store passes
through the same escaping (terminal, Markdown and HTML) as in a single-store report.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from meum_doctor.batch import BatchSummary, StoreResult
from meum_doctor.render.common import timestamp
from meum_doctor.text import clean_line

BATCH_SCHEMA_VERSION = 1


def render_batch(summary: BatchSummary, fmt: str, *, color: bool = False) -> Iterator[str]:
    """The summary in ``fmt``, as chunks of text: a fleet of thousands is written as it is
    rendered instead of being built whole in memory first."""
    if fmt == "json":
        return _json_chunks(summary)
    if fmt == "text":
        return _text(summary, color=color)
    from meum_doctor.render.templating import environment

    name = "batch.md.j2" if fmt == "markdown" else "batch.html.j2"
    kind = "markdown" if fmt == "markdown" else "html"
    return environment(kind).get_template(name).generate(summary=summary)


def batch_dict(summary: BatchSummary) -> dict[str, Any]:
    """The whole summary as one JSON-able dictionary (schema version 1)."""
    return {**_head(summary), "stores": [_store(s) for s in summary.stores], **_tail(summary)}


def _head(summary: BatchSummary) -> dict[str, Any]:
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
    }


def _store(store: StoreResult) -> dict[str, Any]:
    top = store.top
    return {
        "label": store.label,
        "source": store.source,
        "site_url": store.site_url,
        "verdict": store.verdict,
        "counts": store.counts,
        "top_finding": (
            {"rule": top.rule, "severity": top.severity, "title": top.title} if top else None
        ),
        "fails": store.fails,
        "failed_rules": list(store.failed_rules),
    }


def _tail(summary: BatchSummary) -> dict[str, Any]:
    return {
        "not_checked": [
            {"label": f.label, "source": f.source, "error": f.error} for f in summary.failures
        ],
        "rules": [{"rule": r, "name": n, "stores": count} for r, n, count in summary.rule_totals],
    }


def _json_chunks(summary: BatchSummary) -> Iterator[str]:
    """The document of :func:`batch_dict`, indented as json.dumps would, store by store."""

    def member(key: str, value: Any) -> str:
        text = json.dumps(value, indent=2, ensure_ascii=True).replace("\n", "\n  ")
        return f"  {json.dumps(key)}: {text}"

    yield "{\n" + ",\n".join(member(k, v) for k, v in _head(summary).items()) + ',\n  "stores": ['
    for index, store in enumerate(summary.stores):
        text = json.dumps(_store(store), indent=2, ensure_ascii=True).replace("\n", "\n    ")
        yield ("," if index else "") + "\n    " + text
    yield ("\n  ]" if summary.stores else "]") + ",\n"
    yield ",\n".join(member(k, v) for k, v in _tail(summary).items()) + "\n}\n"


def _text(summary: BatchSummary, *, color: bool) -> Iterator[str]:
    def paint(code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if color else text

    styles = {"critical": "1;31", "attention": "1;33", "incomplete": "1;35", "healthy": "1;32"}
    # "incomplete" is rare (a rule failed): named only when some store has it.
    verdicts = ", ".join(
        f"{n} {v}" for v, n in summary.verdicts.items() if n or v != "incomplete"
    )
    yield f"{summary.total} stores: {verdicts}, {len(summary.failures)} could not be checked\n"
    yield (
        f"Evaluated at {timestamp(summary.evaluated_at)} by meum-doctor {summary.tool_version} "
        f"(version policy as of {summary.policy_as_of})\n\n"
    )
    width = min(40, max((len(clean_line(s.label)) for s in summary.stores), default=5))
    for store in summary.stores:
        verdict = store.verdict or "?"
        counts = ", ".join(f"{n} {name}" for name, n in store.counts.items() if n)
        top = f"  {store.top.rule} {clean_line(store.top.title)}" if store.top else ""
        if store.failed_rules:
            top += f"  (failed to run: {', '.join(store.failed_rules)})"
        yield (
            f"{paint(styles.get(verdict, '0'), f'{verdict.upper():<10}')} "
            f"{clean_line(store.label):<{width}}  {counts or 'no findings'}{top}\n"
        )
    if summary.failures:
        yield "\nCould not be checked:\n"
        for failed in summary.failures:
            yield f"  {clean_line(failed.label)}: {clean_line(failed.error or '')}\n"
    if summary.rule_totals:
        yield "\nRules across the fleet:\n"
        for rule, name, n in summary.rule_totals:
            yield f"  {rule} {name}: {n} store{'s' if n != 1 else ''}\n"
