"""Logging for one run, set up in one place: through the run's secrets, and made inert.

Nothing logs while a saved status is read and judged, so ``logging`` is imported only by
what needs it: the network (retries, odd keys), ``-v``/``--debug``, a warning to show.
:func:`setup` is the one place that configures it for the command line; a web front end
would attach :class:`SecretsFilter` to its own handlers instead.
"""

from __future__ import annotations

import logging
import sys

from meum_doctor.secrets import Secrets
from meum_doctor.text import visible

FORMAT = "meum-doctor: %(levelname)s: %(message)s"


def scrub(secrets: Secrets, text: str) -> str:
    """``text`` without the run's secrets (every log line passes here)."""
    return secrets.scrub(text)


def inert(secrets: Secrets, text: str) -> str:
    """``text`` without the run's secrets and with every control or invisible character
    escaped (as report text is), newlines kept: for log lines and tracebacks."""
    return visible(scrub(secrets, text))


class SecretsFilter(logging.Filter):
    """Removes the run's secrets from every record's message (arguments merged in first,
    so a secret passed as an argument is caught too)."""

    def __init__(self, secrets: Secrets) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(self.secrets, record.getMessage())
        record.args = None
        return True


class StderrHandler(logging.Handler):
    """Writes to whatever sys.stderr is when a record comes, scrubbed and made inert.

    The filter cleans the message; the formatted line (a traceback included) is scrubbed
    again, since an exception's text is added after filtering.
    """

    def __init__(self, secrets: Secrets) -> None:
        super().__init__()
        self.secrets = secrets
        self.addFilter(SecretsFilter(secrets))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            # httpx logs the HTTP reason phrase as received: a server can put terminal
            # escapes there (set the title, clear the screen). Log lines are untrusted.
            sys.stderr.write(inert(self.secrets, self.format(record)) + "\n")
        except Exception:  # logging must never take the run down
            self.handleError(record)


def setup(secrets: Secrets, *, verbose: bool = False, debug: bool = False) -> None:
    """Send meum-doctor's log records (and with ``debug`` httpx's) to stderr through
    ``secrets``: warnings always, information with ``verbose``, everything with ``debug``.
    Set every time, so that one run's choice never leaks into the next (tests run many)."""
    handler = StderrHandler(secrets)
    handler.setFormatter(logging.Formatter(FORMAT))
    logger = logging.getLogger("meum_doctor")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING)
    # httpx and httpcore log requests at DEBUG: shown (through the same scrubber) only with
    # --debug, and set either way so one run's choice never leaks into the next.
    for name in ("httpx", "httpcore"):
        other = logging.getLogger(name)
        other.handlers[:] = [handler] if debug else []
        other.propagate = not debug
        other.setLevel(logging.DEBUG if debug else logging.WARNING)


def warn(name: str, message: str) -> None:
    """Log a warning from ``meum_doctor.<name>`` (after :func:`setup`)."""
    logging.getLogger(f"meum_doctor.{name}").warning(message)
