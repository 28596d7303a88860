"""MD901 status-field-malformed: a field of the status could not be read."""

from __future__ import annotations

from collections.abc import Iterator

from meum_doctor.plugin import Category, Context, Finding, Severity, Status, rule


@rule(id="MD901", name="status-field-malformed", category=Category.DATA, severity=Severity.MEDIUM)
def status_field_malformed(status: Status, ctx: Context) -> Iterator[Finding]:
    """A field of the status has the wrong type or an unreadable value.

    Why it matters: the field was ignored, so the rules that need it could not judge it and
    the report may miss a problem. One finding is made for each such field.

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
            remediation=(
                "Send this report (with --format json or html) to Meum support: the API sent "
                "a value its documentation does not allow.",
            ),
        )
