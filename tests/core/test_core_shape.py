"""The planner's core keeps a shape a newcomer can follow (issue 8, What to build 11): short functions,
each one step with a name. A function that grows past about a screen is split into named steps."""

from __future__ import annotations

import ast

from tests.conftest import REPO

CORE = REPO / "src" / "backstride" / "core"
MOST_LINES = 60


def test_no_function_in_the_core_is_longer_than_about_sixty_lines() -> None:
    long = []
    for path in sorted(CORE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MOST_LINES:
                    long.append(f"{path.name}:{node.name} ({lines} lines)")
    assert long == []
