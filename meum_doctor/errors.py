"""The one error hierarchy of meum-doctor, and the exit codes it maps to.

Every failure the tool expects ends as one of these, caught once in the command line and
printed as a single line on standard error (a traceback only with ``--debug``)::

    MeumDoctorError                 anything reported as "meum-doctor: error: ..."
    ├── UsageError                  bad options, an unusable output path           exit 2
    ├── ConfigError                 the configuration file is wrong                exit 2
    ├── RuleLoadError               a rule or rule plugin could not be loaded      exit 2
    └── StatusUnavailable           no status could be obtained or read            exit 3
        ├── AuthRejected            the API refused the key (401, 403)
        ├── ApiError                any other HTTP error (404, 429, 5xx, redirects)
        ├── NetworkError            DNS, connection, TLS, timeout
        └── BadResponse             a body that is not a JSON object, too large, unreadable

Messages are written for the person at the terminal: what happened, then what to do. They
never contain the API key: the key is only ever placed in a request header, and the command
line scrubs it from anything it prints as a second line of defence.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of every command; documented in README.md and ``--help``."""

    OK = 0  #: ran; nothing at or above the failure threshold
    FOUND_PROBLEMS = 1  #: ran; found problems at or above the failure threshold
    USAGE = 2  #: usage or configuration error (click's own usage errors included)
    NO_STATUS = 3  #: no status could be obtained or read (network, HTTP, file, JSON)
    INTERNAL = 4  #: a bug in meum-doctor (or a rule plugin outside its rules)
    #: ran, but a rule failed, so the report is incomplete (1 wins over 5, and 5 over 0)
    INCOMPLETE = 5
    INTERRUPTED = 130  #: Ctrl-C, as shells report a SIGINT


class MeumDoctorError(Exception):
    """Base of every error the tool reports as one line."""

    exit_code: ExitCode = ExitCode.USAGE


class UsageError(MeumDoctorError):
    """The command line asks for something impossible (conflicting sources, bad paths)."""


class ConfigError(MeumDoctorError):
    """The configuration file is unreadable, or a key or value in it is wrong."""


class RuleLoadError(MeumDoctorError):
    """A rule, rule plugin or rules directory could not be loaded or is invalid."""


class StatusUnavailable(MeumDoctorError):
    """No status could be obtained from the source, or what came back is unusable."""

    exit_code = ExitCode.NO_STATUS
    #: True for a transient failure (timeout, dropped connection) that a retry may cure.
    retryable: bool = False


class AuthRejected(StatusUnavailable):
    """The API refused the key (HTTP 401 or 403)."""


class ApiError(StatusUnavailable):
    """The API answered with an HTTP error other than an authentication one."""


class NetworkError(StatusUnavailable):
    """The API could not be reached: DNS, connection, TLS or a timeout."""


class BadResponse(StatusUnavailable):
    """A body arrived but is not a usable status (not JSON, not an object, too large)."""
