"""``meum-doctor serve``: the diagnosis as a web page and a JSON API (the ``[web]`` extra).

The page and the API call the same application core as ``check`` (:mod:`meum_doctor.app`)
and render with the same renderers (:mod:`meum_doctor.formats`). The web stack (Starlette,
Uvicorn, python-multipart) is an optional extra: nothing here is imported by any other
command, and this module itself imports none of it, so ``serve --help`` and the one-line
"install the extra" error stay as fast as the rest of the command line.

    options.py   the operator's settings (flags and MEUM_DOCTOR_SERVE_* variables)
    guard.py     security: headers and CSP nonce, CSRF, body limits, rate and flight limits
    diagnose.py  one request's inputs -> the core -> a report, or an error with its HTTP status
    server.py    the Starlette routes and the Uvicorn server
"""

from __future__ import annotations

from meum_doctor.errors import MissingExtra

#: What ``pip install`` needs for ``serve``; the one line printed when it is missing.
INSTALL_HINT = "pip install 'meum-doctor[web]'"
REQUIRED = ("starlette", "uvicorn", "multipart")


def require_extra() -> None:
    """Raise MissingExtra (exit 2, one line) when the web stack is not installed."""
    from importlib.util import find_spec

    missing = []
    for name in REQUIRED:
        try:
            found = find_spec(name) is not None
        except (ImportError, ValueError):  # a module set to None (tests), or half installed
            found = False
        if not found:
            missing.append(name)
    if missing:
        raise MissingExtra(
            f"meum-doctor serve needs the web extra: {INSTALL_HINT} "
            f"(missing: {', '.join(missing)})"
        )
