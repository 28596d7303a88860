"""MD901 status-field-malformed: a field of the status could not be read, or is missing."""

from __future__ import annotations

from collections.abc import Iterator

from meum_doctor.plugin import (
    STATUS_FIELDS,
    Category,
    Context,
    Finding,
    Severity,
    Status,
    connection_of,
    rule,
)

SEND_TO_SUPPORT = (
    "Send this report (with --format json or html) to Meum support: the API sent "
    "a value its documentation does not allow."
)


@rule(
    id="MD901",
    name="status-field-malformed",
    category=Category.DATA,
    severity=Severity.MEDIUM,
    options={"max_findings": 20},
)
def status_field_malformed(status: Status, ctx: Context) -> Iterator[Finding]:
    """A field of the status has the wrong type or an unreadable value, or is missing.

    Why it matters: a field that could not be read was ignored, so the rules that need it
    could not judge it and the report may miss a problem; those rules say nothing rather
    than call the field missing. One finding is made for each such field, at most
    {max_findings}; the rest are summarised in one more finding. The three fields that say
    whether the store is connected (connected, connection_status, status) are always sent by
    the API; a missing one is reported here too, and the connection is judged from the
    others. An empty string in health_status, credential_status or webhook_health is
    reported here as "empty" too (MD102, MD401 and MD501 leave it alone).

    How to fix: nothing on the store: send this report to Meum support, since the API sent
    something its own documentation does not allow.
    """
    limit = int(ctx.options["max_findings"])
    for problem in status.problems[:limit]:
        yield Finding(
            title=f"The status field {problem.field} could not be read: {problem.problem}",
            detail=(
                f"Meum sent {problem.value!r} for {problem.field}, which meum-doctor cannot "
                "read, so it was ignored and checks that need it were skipped."
            ),
            evidence={problem.field: problem.value},
            remediation=(SEND_TO_SUPPORT,),
        )
    total = len(status.problems) + status.problems_omitted
    if total > limit:
        rest = total - limit
        fields = sorted({problem.field.split("[")[0] for problem in status.problems[limit:]})
        yield Finding(
            title=f"And {rest} more status fields could not be read, not listed one by one",
            detail=(
                f"{total} values in the status could not be read; the first {limit} are "
                "shown above. The rest were ignored too; the raw status has them all "
                "(--format json, markdown or html)."
            ),
            evidence={"problems.count": total, "fields": ", ".join(fields[:20])},
            remediation=(SEND_TO_SUPPORT,),
        )
    connection = connection_of(status, ctx)
    judged = (
        "whether the store is connected was judged from the other connection fields"
        if connection.verdict in ("connected", "not_connected")
        else "whether the store is connected could not be told"
    )
    for field in connection.reading("missing"):
        if field.name not in status.present:
            state, sent = "missing", "has none"
        elif field.value is None:
            state, sent = "null", "is null"
        else:
            state, sent = "empty", "is empty"  # a blank string says nothing either
        yield Finding(
            title=f"The status field {field.name} is {state}",
            detail=(
                f"Meum's status always has '{field.name}', the {field.label}; in this one it "
                f"{sent}, so {judged}."
            ),
            evidence={field.name: field.value},
            remediation=(SEND_TO_SUPPORT,),
        )
    read_above = {field.name for field in connection.fields}
    for spec in STATUS_FIELDS:
        # The enumerated fields besides the connection fields (reported above).
        if not spec.enum or spec.name in read_above:
            continue
        name, label, value = spec.name, spec.label, status.raw.get(spec.name)
        if isinstance(value, str) and not value.strip():
            # A blank string is neither a value nor an absence: the rule for the field
            # (MD102, MD401, MD501) leaves it here rather than guess which it is.
            yield Finding(
                title=f"The status field {name} is empty",
                detail=(
                    f"Meum sent an empty string for '{name}', the {label}, so it could not be "
                    "judged and the checks that need it were skipped."
                ),
                evidence={name: value},
                remediation=(SEND_TO_SUPPORT,),
            )

