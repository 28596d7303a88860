"""Files shipped inside the package: defaults, templates, bundled examples.

``rules/``, ``templates/`` and ``examples/`` are mapped into the package at install time, so
a file is found next to its package's ``__init__`` wherever the import system put it: in
site-packages for a wheel, in the checkout for an editable install. This is what
importlib.resources does too, without its import cost, which a CLI pays on every start.
"""

from __future__ import annotations

import importlib
from pathlib import Path


def package_file(package: str, name: str) -> Path:
    """The path of data file ``name`` in ``package`` (e.g. ``meum_doctor.templates``)."""
    module = importlib.import_module(package)
    assert module.__file__ is not None  # our packages are regular packages, never namespaces
    return Path(module.__file__).parent / name
