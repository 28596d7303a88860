"""Files shipped inside the package: defaults, templates, bundled examples.

``rules/``, ``templates/`` and ``examples/`` are mapped into the package at install time, so
a file is found next to its package's ``__init__`` wherever the import system put it: in
site-packages for a wheel, in the checkout for an editable install. This is what
importlib.resources does too, without its import cost, which a CLI pays on every start.
"""

from __future__ import annotations

import importlib
import os


def package_file(package: str, name: str) -> str:
    """The path of data file ``name`` in ``package`` (e.g. ``meum_doctor.templates``)."""
    module = importlib.import_module(package)
    assert module.__file__ is not None  # our packages are regular packages, never namespaces
    return os.path.join(os.path.dirname(module.__file__), name)


def package_bytes(package: str, name: str) -> bytes:
    """The contents of data file ``name`` in ``package``."""
    with open(package_file(package, name), "rb") as handle:
        return handle.read()
