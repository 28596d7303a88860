"""The public API for rule authors: everything a rule may import, in one place.

A rule file (built-in, plugin package or rules directory) needs nothing else::

    from meum_doctor.plugin import Category, Context, Finding, Severity, Status, rule

Rules must not import the client, the command line or a renderer: they are pure functions
of the evidence, the configuration and the evaluation time.

A rule receives the evidence it declares. By default that is the Meum status alone, and the
function is ``check(status, context)``. ``@rule(..., needs=("site-report",),
uses=("meum-status",))`` declares other kinds: the function then receives the model of each
needed kind, then of each used kind (None when absent), in declared order, then the
context. A rule whose needs are not all present is not run; the report lists it as not
evaluated, and that never makes a run incomplete.

A cause (``@cause(id="ACME901", name=...)``, see :mod:`meum_doctor.cause`) is a function of
the run's :class:`Facts` returning a :class:`Diagnosis` or None; put it in a rules-dir file
or a plugin's ``meum_doctor.causes`` entry point.
"""

from meum_doctor.cause import Cause, Confidence, Diagnosis, Fact, Facts, cause
from meum_doctor.connection import Connection, ConnectionField, connection_of
from meum_doctor.hosts import same_site
from meum_doctor.policy import ComponentPolicy, InsecureList, VersionPolicy, parse_version
from meum_doctor.rule import (
    Category,
    Context,
    Finding,
    Link,
    Rule,
    Severity,
    admin_link,
    age_text,
    host_of,
    http_url,
    iso,
    rule,
)
from meum_doctor.status import STATUS_FIELDS, FieldSpec, ParseProblem, PendingKey, Status
from meum_doctor.versions import WPVersion, read_version

__all__ = [
    "STATUS_FIELDS",
    "Category",
    "Cause",
    "ComponentPolicy",
    "Confidence",
    "Connection",
    "ConnectionField",
    "Context",
    "Diagnosis",
    "Fact",
    "Facts",
    "FieldSpec",
    "Finding",
    "InsecureList",
    "Link",
    "ParseProblem",
    "PendingKey",
    "Rule",
    "Severity",
    "Status",
    "VersionPolicy",
    "WPVersion",
    "admin_link",
    "age_text",
    "cause",
    "connection_of",
    "host_of",
    "http_url",
    "iso",
    "parse_version",
    "read_version",
    "rule",
    "same_site",
]
