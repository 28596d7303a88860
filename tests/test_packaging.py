"""Packaging: rules/, causes/, templates/ and examples/ live inside the installed package."""

from __future__ import annotations

import importlib.util
import os
from importlib import resources

import pytest

import meum_doctor


def test_data_is_inside_the_package() -> None:
    assert resources.files("meum_doctor.rules").joinpath("md101_not_connected.py").is_file()
    assert resources.files("meum_doctor.causes").joinpath("mc101_site_unreachable.py").is_file()
    assert resources.files("meum_doctor.templates").joinpath("report.html.j2").is_file()
    assert resources.files("meum_doctor.examples").joinpath("degraded.json").is_file()
    assert resources.files("meum_doctor").joinpath("defaults.toml").is_file()
    for name in ("report", "batch", "error"):
        assert resources.files("meum_doctor").joinpath(f"schemas/{name}.schema.json").is_file()


@pytest.mark.parametrize("name", ["rules", "causes", "templates", "examples"])
def test_nothing_generic_is_importable_at_top_level(name: str) -> None:
    spec = importlib.util.find_spec(name)
    # In a source checkout the repository itself may be on sys.path; an installed wheel
    # must never provide these names.
    assert spec is None or "site-packages" not in (spec.origin or "")


@pytest.mark.skipif(not os.environ.get("MEUM_DOCTOR_EXPECT_WHEEL"),
                    reason="only where CI installed the wheel (MEUM_DOCTOR_EXPECT_WHEEL=1)")
def test_tests_run_against_the_installed_wheel() -> None:
    package = os.path.dirname(meum_doctor.__file__)
    assert "site-packages" in package
    rules = resources.files("meum_doctor.rules")
    assert str(rules).startswith(package)


def test_every_subpackage_is_listed_for_the_wheel() -> None:
    """pyproject lists its packages one by one (rules/ and templates/ are mapped in from the
    top level), so a new subpackage that is not listed is silently left out of the wheel:
    an editable install works and the installed tool fails with ModuleNotFoundError."""
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    listed = set(tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        "meum_doctor." + ".".join(init.parent.relative_to(root / "meum_doctor").parts)
        for init in (root / "meum_doctor").rglob("__init__.py")
        if init.parent != root / "meum_doctor"
    }
    assert found - listed == set()
