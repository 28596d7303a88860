"""The public API for rule authors: everything a rule may import, in one place.

A rule file (built-in, plugin package or rules directory) needs nothing else::

    from meum_doctor.plugin import Category, Context, Finding, Severity, Status, rule

Rules must not import the client, the command line or a renderer: they are pure functions
of the status, the configuration and the evaluation time.
"""

from meum_doctor.connection import Connection, ConnectionField, connection_of
from meum_doctor.hosts import same_site
from meum_doctor.policy import ComponentPolicy, VersionPolicy, parse_version
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

__all__ = [
    "STATUS_FIELDS",
    "Category",
    "ComponentPolicy",
    "Connection",
    "ConnectionField",
    "Context",
    "FieldSpec",
    "Finding",
    "Link",
    "ParseProblem",
    "PendingKey",
    "Rule",
    "Severity",
    "Status",
    "VersionPolicy",
    "admin_link",
    "age_text",
    "connection_of",
    "host_of",
    "http_url",
    "iso",
    "parse_version",
    "rule",
    "same_site",
]
