"""How an error is told: one line on standard error ending in ``[code]``, and in JSON.

The command line calls :func:`stderr_line` for every error it prints and, when the run asked
for ``-f json`` (:func:`json_requested`), also writes :func:`error_json` to standard output,
so a script reading a JSON report always gets JSON, a report or this object::

    {"error": {"code": "auth-rejected", "message": "...", "http_status": 401,
               "request_id": "req_1", "retried": false}}

The message given here is already cleaned and scrubbed of secrets by the caller (the same
text as the stderr line); nothing else of an error (its cause, its traceback) is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

from meum_doctor.errors import Interrupted, MeumDoctorError


def stderr_line(error: MeumDoctorError, message: str) -> str:
    """``meum-doctor: error: <message> [<code>]``; the HTTP status and request id are added
    in parentheses when the message does not already say them."""
    extra = []
    if error.http_status is not None and f"HTTP {error.http_status}" not in message:
        extra.append(f"HTTP {error.http_status}")
    if error.request_id and error.request_id not in message:
        extra.append(f"request id {error.request_id}")
    details = f" ({', '.join(extra)})" if extra else ""
    # Ctrl-C is the user's choice, not an error: its line says so, as it always did.
    kind = "" if isinstance(error, Interrupted) else "error: "
    return f"meum-doctor: {kind}{message}{details} [{error.code}]"


def error_dict(error: MeumDoctorError, message: str) -> dict[str, Any]:
    """The JSON error object (always these five keys, ``null`` for what is not known)."""
    return {
        "error": {
            "code": error.code,
            "message": message,
            "http_status": error.http_status,
            "request_id": error.request_id,
            "retried": error.retried,
        }
    }


def error_json(
    error: MeumDoctorError, message: str, scrub: Callable[[str], str] | None = None
) -> str:
    """:func:`error_dict` as the JSON text written to standard output.

    ``scrub`` (the run's secrets) is applied to the values, before they are encoded: a
    scrub of the encoded text would also replace a key of the object itself when the
    API key happens to be that word (``--api-key message``), and the object would no
    longer be what its schema says.
    """
    import json

    data = error_dict(error, message)
    if scrub is not None:
        inner = data["error"]
        for name in ("message", "request_id"):
            if isinstance(inner[name], str):
                inner[name] = scrub(inner[name])
    return json.dumps(data, indent=2, ensure_ascii=True) + "\n"


def json_requested(args: Sequence[str], takes_value: Collection[str]) -> bool:
    """True when the command line asks for ``-f json`` (the last ``-f`` wins, as in click).

    Read from the raw arguments, because an error may come before click has parsed them
    (an unknown option, a bad value of another option). ``takes_value`` names the options
    whose next argument is their value, so ``--input -f`` or ``--select json`` are not
    mistaken for a format. Everything after ``--`` is an argument, not an option.
    """
    fmt = None
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            break
        # A cluster of short options may end in -f: -vf json, -rfjson (-v and -r are flags).
        short = arg[1:].lstrip("vr") if arg[:1] == "-" and arg[:2] != "--" else None
        if arg == "--format" or short == "f":
            fmt = args[index + 1] if index + 1 < len(args) else None
            index += 2
            continue
        if arg.startswith("--format="):
            fmt = arg.split("=", 1)[1]
        elif short is not None and short.startswith("f"):
            fmt = short[1:]
        elif arg in takes_value:
            index += 1  # its value follows, whatever it looks like
        index += 1
    return fmt == "json"


def value_options(group: Any) -> set[str]:
    """The options of a click group's commands that take the next argument as their value.

    An option whose value is optional (``--demo [NAME]``) is left out: click gives it the
    next argument only when that is not an option, so ``--demo -f json`` still means json.
    """
    names: set[str] = set()
    for command in getattr(group, "commands", {}).values():
        for param in command.params:
            if (
                getattr(param, "param_type_name", "") == "option"
                and not param.is_flag
                and not param.count
                and not getattr(param, "_flag_needs_value", False)
            ):
                names.update([*param.opts, *param.secondary_opts])
    return names
