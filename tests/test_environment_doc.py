"""README's table of environment variables lists exactly the ones the code reads.

A variable is found in the code as a string constant that names one (``MEUM_…``, ``NO_COLOR``,
``XDG_…``): that is how every one of them is read (``os.environ.get("NO_COLOR")``,
``API_KEY_ENV = "MEUM_API_KEY"``). A new variable without a row, or a row for a variable the
code no longer reads, fails here instead of misleading a user.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NAME = re.compile(r"^(?:MEUM_[A-Z0-9_]+|NO_COLOR|XDG_[A-Z_]+)$")


def names_in(files: list[Path]) -> set[str]:
    found = set()
    for file in files:
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and NAME.match(node.value)
            ):
                found.add(node.value)
    return found


def readme_section() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return text.split("## Environment variables", 1)[1].split("\n## ", 1)[0]


def test_every_variable_the_tool_reads_has_a_row_and_no_row_is_stale() -> None:
    sources = sorted((REPO / "meum_doctor").rglob("*.py")) + sorted((REPO / "rules").rglob("*.py"))
    code = names_in(sources)
    rows = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", readme_section(), re.MULTILINE))
    assert code, "no variable found: the scan itself is broken"
    assert code - rows == set(), "read by the code but missing from README's table"
    assert rows - code == set(), "in README's table but no longer read by the code"


def test_variables_only_the_tests_read_are_mentioned() -> None:
    tests = names_in(sorted((REPO / "tests").glob("*.py"))) - {"MEUM_API_KEY", "NO_COLOR"}
    section = readme_section()
    tool = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", section, re.MULTILINE))
    missing = {name for name in tests - tool if f"`{name}`" not in section}
    assert missing == set()
