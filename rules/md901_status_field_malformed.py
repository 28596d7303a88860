"""MD901 status-field-malformed: a field of the status could not be read, or is missing."""

from __future__ import annotations

from collections.abc import Iterator

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, connection_of, rule

SEND_STEP = (
    "Send this report (with --format json or html) to Meum support: the API sent "
    "a status its documentation does not allow."
)


@rule(id="MD901", name="status-field-malformed", category=Category.DATA, severity=Severity.MEDIUM)
def status_field_malformed(status: Status, ctx: Context) -> Iterator[Finding]:
    """A field of the status has the wrong type or an unreadable value, or is missing.

    Why it matters: a field that could not be read was ignored, so the rules that need it
    could not judge it and the report may miss a problem; those rules say nothing rather
    than call the field missing. One finding is made for each such field. The three fields
    that say whether the store is connected (connected, connection_status, status) are
    always sent by the API; a missing one is reported here too, and the connection is judged
    from the others.

    How to fix: nothing on the store: send this report to Meum support, since the API sent
    something its own documentation does not allow.
    """
    for problem in status.problems:
        yield Finding(
            title=f"The status field {problem.field} could not be read: {problem.problem}",
            detail=(
                f"Meum sent {problem.value!r} for {problem.field}, which meum-doctor cannot "
                "read, so it was ignored and checks that need it were skipped."
            ),
            evidence={problem.field: problem.value},
            remediation=(SEND_STEP,),
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
            remediation=(SEND_STEP,),
        )
