"""The one error hierarchy of meum-doctor, its stable error codes, and the exit codes.

Every failure the tool expects ends as one of these, caught once in the command line and
printed as a single line on standard error (a traceback only with ``--debug``), ending in
the error's code in brackets; with ``-f json`` the same error also goes to standard output
as a JSON object (:mod:`meum_doctor.failures` does both)::

    MeumDoctorError                 anything reported as "meum-doctor: error: ..."
    ├── UsageError          usage           bad options, an unusable path           exit 2
    │   ├── MissingExtra    missing-extra   ``serve`` without ``pip install 'meum-doctor[web]'``
    │   ├── WriteFailed     write-failed    an output that cannot be written
    │   └── InputUnreadable file-unreadable a keys file or batch path cannot be read
    ├── ConfigError         config          the configuration file is wrong         exit 2
    ├── RuleLoadError       rule-load       a rule or rule plugin does not load     exit 2
    ├── InternalError       internal        a bug (made by the command line)        exit 4
    ├── Interrupted         interrupted     Ctrl-C                                  exit 130
    └── StatusUnavailable                   no status could be obtained or read     exit 3
        ├── FileUnreadable  file-unreadable a status file missing or unreadable
        ├── AuthRejected    auth-rejected   the API refused the key (401)
        │   └── Forbidden   forbidden       the key may not read the status (403)
        ├── ApiError        http-error      any other HTTP error
        │   ├── NotFound    not-found       404
        │   ├── RateLimited rate-limited    429
        │   ├── ServerError server-error    5xx
        │   └── RedirectError redirect      a redirect off-site, in a loop, or broken
        ├── NetworkError    network         another transport failure
        │   ├── TimedOut    timeout         no whole answer within --timeout
        │   ├── TLSFailed   tls             TLS handshake or certificate
        │   ├── DNSFailed   dns             the host name does not resolve
        │   ├── ConnectFailed connect       refused, unreachable
        │   ├── NotHTTP     not-http        something else than HTTP answered
        │   ├── BrokenConnection broken-connection  dropped mid-answer
        │   └── BlockedAddress blocked-address  ``serve``: a store address that is not public
        └── BadResponse     decode          a body that is not a usable status
            ├── EmptyBody   empty
            ├── NotText     not-text
            ├── NotJSON     not-json
            ├── TooDeep     too-deep
            ├── NotAnObject not-an-object
            ├── TooLarge    too-large
            ├── NotAStatus  not-a-status    a JSON object, but not a Meum status
            └── NotASiteReport not-a-site-report  no System Status report in any form

Errors are told apart by their type (or their ``code``), never by their message. The code
is a class default that an instance may override (``UsageError(msg, code=...)``), so one
class may serve several codes; :data:`CODES` lists every code once, and the troubleshooting
guide has one entry for each (a test checks).

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


#: Every error code the tool can print, each with a few words; stable: scripts match on them.
#: Later issues add theirs here (and an entry in meum_doctor.troubleshooting).
CODES: dict[str, str] = {
    "usage": "bad options or arguments",
    "config": "the configuration file is wrong",
    "rule-load": "a rule or rule plugin could not be loaded",
    "auth-rejected": "the API rejected the key (HTTP 401)",
    "forbidden": "the key may not read the status (HTTP 403)",
    "not-found": "no status at that address (HTTP 404)",
    "rate-limited": "the API is rate limiting the key (HTTP 429)",
    "server-error": "the API failed (HTTP 5xx)",
    "http-error": "another HTTP error",
    "redirect": "a redirect meum-doctor does not follow",
    "timeout": "no answer in time",
    "tls": "no secure connection",
    "dns": "the host name does not resolve",
    "connect": "no connection",
    "not-http": "the server does not speak HTTP",
    "broken-connection": "the connection broke mid-answer",
    "network": "another network failure",
    "decode": "the answer could not be decoded",
    "empty": "the status is empty",
    "not-text": "the status is binary data",
    "not-json": "the status is not JSON",
    "too-deep": "the status is nested too deep",
    "not-an-object": "the status is JSON but not an object",
    "not-a-status": "a JSON object, but not a Meum status",
    "not-a-site-report": "not a WooCommerce System Status report (or a site report given as "
    "a status)",
    "too-large": "the status is too large",
    "file-unreadable": "a file to read is missing or unreadable",
    "write-failed": "an output cannot be written",
    "interrupted": "interrupted (Ctrl-C)",
    "internal": "a bug in meum-doctor",
    # `meum-doctor serve`: the command, then what its web page and JSON API answer.
    "missing-extra": "an optional part of meum-doctor is not installed",
    "csrf": "a web form was sent without its valid token, or from another site (HTTP 403)",
    "throttled": "too many diagnoses from one client (HTTP 429 from the web server)",
    "busy": "too many diagnoses in flight on the web server (HTTP 503)",
    "blocked-address": "the web server does not fetch from that address: it is not public "
    "(HTTP 422)",
}


class MeumDoctorError(Exception):
    """Base of every error the tool reports as one line.

    ``code`` is the stable error code (see :data:`CODES`); ``http_status`` and
    ``request_id`` are the API answer's, when there was one; ``retried`` is True when
    the failure came after more than one attempt.
    """

    exit_code: ExitCode = ExitCode.USAGE
    code: str = "usage"

    def __init__(
        self,
        message: str = "",
        *,
        code: str | None = None,
        http_status: int | None = None,
        request_id: str | None = None,
        retried: bool = False,
    ) -> None:
        super().__init__(message)
        if code is not None:
            assert code in CODES, code  # a new code needs its place in CODES and the guide
            self.code = code
        self.http_status = http_status
        self.request_id = request_id
        self.retried = retried


class UsageError(MeumDoctorError):
    """The command line asks for something impossible (conflicting sources, bad paths)."""


class WriteFailed(UsageError):
    """A report, summary or saved status cannot be written where asked."""

    code = "write-failed"


class InputUnreadable(UsageError):
    """A file named to read before any store is (a keys file, a batch path) is missing or
    unreadable: a usage error (exit 2), with the code of any file that cannot be read."""

    code = "file-unreadable"


class MissingExtra(UsageError):
    """A command needs an optional extra that is not installed (``serve`` needs ``[web]``)."""

    code = "missing-extra"


class ConfigError(MeumDoctorError):
    """The configuration file is unreadable, or a key or value in it is wrong."""

    code = "config"


class RuleLoadError(MeumDoctorError):
    """A rule, rule plugin or rules directory could not be loaded or is invalid."""

    code = "rule-load"


class InternalError(MeumDoctorError):
    """A bug: an unexpected exception, wrapped by the command line to be told as one line."""

    exit_code = ExitCode.INTERNAL
    code = "internal"


class Interrupted(MeumDoctorError):
    """Ctrl-C (or click's Abort): told as ``meum-doctor: interrupted``, not as an error."""

    exit_code = ExitCode.INTERRUPTED
    code = "interrupted"


class StatusUnavailable(MeumDoctorError):
    """No status could be obtained from the source, or what came back is unusable."""

    exit_code = ExitCode.NO_STATUS
    code = "network"
    #: True for a transient failure (timeout, dropped connection) that a retry may cure.
    retryable: bool = False


class FileUnreadable(StatusUnavailable):
    """A status file does not exist, is a folder, or cannot be read."""

    code = "file-unreadable"


class AuthRejected(StatusUnavailable):
    """The API refused the key (HTTP 401)."""

    code = "auth-rejected"


class Forbidden(AuthRejected):
    """The API knows the key but refuses it this status (HTTP 403)."""

    code = "forbidden"


class ApiError(StatusUnavailable):
    """The API answered with an HTTP error other than an authentication one."""

    code = "http-error"


class NotFound(ApiError):
    """HTTP 404: no status at that address."""

    code = "not-found"


class RateLimited(ApiError):
    """HTTP 429, after the retries (or with a wait longer than meum-doctor waits)."""

    code = "rate-limited"


class ServerError(ApiError):
    """HTTP 5xx."""

    code = "server-error"


class RedirectError(ApiError):
    """A redirect to another site, a redirect loop, or one without a usable Location."""

    code = "redirect"


class NetworkError(StatusUnavailable):
    """The API could not be reached: DNS, connection, TLS or a timeout."""

    code = "network"


class TimedOut(NetworkError):
    """No complete answer within the timeout."""

    code = "timeout"


class TLSFailed(NetworkError):
    """The TLS handshake or the certificate check failed."""

    code = "tls"


class DNSFailed(NetworkError):
    """The API's host name does not resolve."""

    code = "dns"


class ConnectFailed(NetworkError):
    """The connection was refused or could not be made."""

    code = "connect"


class NotHTTP(NetworkError):
    """Something answered, but not in HTTP."""

    code = "not-http"


class BrokenConnection(NetworkError):
    """The connection dropped before the whole answer arrived."""

    code = "broken-connection"


class BlockedAddress(NetworkError):
    """``serve`` refused to fetch from an address that is not on the public internet
    (loopback, private, link-local, metadata...), as resolved, on any hop of a fetch."""

    code = "blocked-address"


class BadResponse(StatusUnavailable):
    """A body arrived but is not a usable status (not JSON, not an object, too large)."""

    code = "decode"


class EmptyBody(BadResponse):
    code = "empty"


class NotText(BadResponse):
    code = "not-text"


class NotJSON(BadResponse):
    code = "not-json"


class TooDeep(BadResponse):
    code = "too-deep"


class NotAnObject(BadResponse):
    code = "not-an-object"


class TooLarge(BadResponse):
    code = "too-large"


class NotAStatus(BadResponse):
    """A JSON object without any field of a Meum status (an API error answer, another file)."""

    code = "not-a-status"


class NotASiteReport(BadResponse):
    """A body that is no WooCommerce System Status report in any form, or a site report
    given where a Meum status was expected (``--input``)."""

    code = "not-a-site-report"
