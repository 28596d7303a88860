"""The batch summary in the four formats: stores worst first, stores that could not be
checked and why, then how many stores each rule fired for across the fleet.

Like the single-store renderers, these only present; every string from a store passes
through the same escaping (terminal, Markdown and HTML) as in a single-store report.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from meum_doctor import formats
from meum_doctor.batch import BatchSummary, StoreResult
from meum_doctor.render.common import config_text, timestamp
from meum_doctor.render.json import config_dict
from meum_doctor.text import clean_line
from meum_doctor.verdict import Verdict

BATCH_SCHEMA_VERSION = 2


def render_batch(summary: BatchSummary, fmt: str, *, color: bool = False) -> Iterator[str]:
    """The summary in ``fmt``, as chunks of text: a fleet of thousands is written as it is
    rendered instead of being built whole in memory first. The function for each format is
    named in :mod:`meum_doctor.formats`."""
    return formats.get(fmt).render_fleet(summary, color=color)


def batch_json(summary: BatchSummary) -> Iterator[str]:
    """The summary as JSON (:func:`batch_dict`, written store by store)."""
    return _json_chunks(summary)


def batch_text(summary: BatchSummary, *, color: bool = False) -> Iterator[str]:
    """The summary for a terminal, in aligned columns."""
    return _text(summary, color=color)


def batch_markdown(summary: BatchSummary) -> Iterator[str]:
    return _template(summary, "markdown", "batch.md.j2")


def batch_html(summary: BatchSummary) -> Iterator[str]:
    return _template(summary, "html", "batch.html.j2")


def _template(summary: BatchSummary, kind: str, name: str) -> Iterator[str]:
    from meum_doctor.render.templating import environment

    template = environment(kind).get_template(name)
    return template.generate(summary=summary, plural=plural, report_href=report_href)


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
        # Interrupted (Ctrl-C): only some of the planned stores were checked.
        "partial": summary.partial,
        "planned": summary.planned,
        "config": config_dict(summary.config),
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
        "host": store.host,
        "report_file": store.report_file,
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
            {
                "label": f.label,
                "source": f.source,
                "error": f.error,
                "code": f.error_code,
                "http_status": f.error_http_status,
                "request_id": f.error_request_id,
            }
            for f in summary.failures
        ],
        "rules": [{"rule": r, "name": n, "stores": count} for r, n, count in summary.rule_totals],
        # Stores per cause diagnosed confirmed or likely (issue 13), most first.
        "causes": [
            {"cause": c, "name": n, "stores": count} for c, n, count in summary.cause_totals
        ],
        "skipped": [{"path": s.path, "reason": s.reason} for s in summary.skipped],
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


#: Text columns are at most this wide (in terminal cells); longer values end in "…".
MAX_COLUMN = 40


def plural(n: int, word: str) -> str:
    """``1 store``, ``2 stores``."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def report_href(summary: BatchSummary, path: str) -> str:
    """A relative link from the summary's folder to a store's report: a path, never a scheme.

    Percent-encoded, and always starting with ``./``, ``../`` or ``/``, so no folder name
    (``javascript:…``) can turn it into anything but a file beside the summary.
    """
    if summary.summary_dir is not None:
        with contextlib.suppress(ValueError):  # another drive on Windows: keep it absolute
            path = os.path.relpath(os.path.abspath(path), summary.summary_dir)
    href = quote(path.replace(os.sep, "/"))
    return href if href.startswith(("/", "./", "../")) else "./" + href


def display_width(text: str) -> int:
    """Terminal cells ``text`` takes: 2 for CJK and most emoji, 0 for combining marks."""
    from wcwidth import wcswidth

    width = wcswidth(text)
    return width if width >= 0 else len(text)


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal cells (ending in "…" when cut) and padded to it."""
    from wcwidth import wcwidth

    if display_width(text) > width:
        kept: list[str] = []
        used = 0
        for char in text:
            cells = max(wcwidth(char), 0)
            if used + cells > width - 1:
                break
            kept.append(char)
            used += cells
        text = "".join(kept) + "…"
    return text + " " * (width - display_width(text))


def _text(summary: BatchSummary, *, color: bool) -> Iterator[str]:
    def paint(code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if color else text

    styles = {
        Verdict.CRITICAL: "1;31",
        Verdict.ATTENTION: "1;33",
        Verdict.INCOMPLETE: "1;35",
        Verdict.HEALTHY: "1;32",
    }
    # "incomplete" is rare (a rule failed): named only when some store has it.
    verdicts = ", ".join(
        f"{n} {v.label}" for v, n in summary.verdicts.items() if n or v is not Verdict.INCOMPLETE
    )
    if summary.partial:
        yield (
            f"PARTIAL: interrupted after {summary.total} of {plural(summary.planned, 'store')}; "
            "the others were not checked\n"
        )
    yield (
        f"{plural(summary.total, 'store')}: {verdicts}, {len(summary.failures)} could not be "
        "checked\n"
    )
    yield (
        f"Evaluated at {timestamp(summary.evaluated_at)} by meum-doctor {summary.tool_version} "
        f"(version policy as of {summary.policy_as_of})\n"
        f"Configuration: {clean_line(config_text(summary.config))}\n\n"
    )
    labels = [clean_line(s.label) for s in summary.stores]
    hosts = [clean_line(s.host or "-") for s in summary.stores]
    label_width = min(MAX_COLUMN, max(map(display_width, labels), default=5))
    host_width = min(MAX_COLUMN, max(map(display_width, hosts), default=1))
    for store, label, host in zip(summary.stores, labels, hosts, strict=True):
        verdict = store.verdict.label if store.verdict is not None else "?"
        style = styles[store.verdict] if store.verdict is not None else "0"
        counts = ", ".join(f"{n} {name}" for name, n in store.counts.items() if n)
        top = f"  {store.top.rule} {clean_line(store.top.title)}" if store.top else ""
        if store.failed_rules:
            top += f"  (failed to run: {', '.join(store.failed_rules)})"
        report = f"  (report: {clean_line(store.report_file)})" if store.report_file else ""
        yield (
            f"{paint(style, f'{verdict.upper():<10}')} "
            f"{fit(label, label_width)}  {fit(host, host_width)}  "
            f"{counts or 'no findings'}{top}{report}\n"
        )
    if summary.failures:
        yield "\nCould not be checked:\n"
        for failed in summary.failures:
            code = f" [{failed.error_code}]" if failed.error_code else ""
            yield f"  {clean_line(failed.label)}: {clean_line(failed.error or '')}{code}\n"
    if summary.skipped:
        yield "\nNot read (folder scans read regular *.json files only):\n"
        for item in summary.skipped:
            yield f"  {clean_line(item.path)}: {clean_line(item.reason)}\n"
    if summary.cause_totals:
        yield "\nMost likely causes across the fleet:\n"
        for cause, name, n in summary.cause_totals:
            yield f"  {plural(n, 'store')}: {cause} {name}\n"
    if summary.rule_totals:
        yield "\nRules across the fleet:\n"
        for rule, name, n in summary.rule_totals:
            yield f"  {rule} {name}: {plural(n, 'store')}\n"
