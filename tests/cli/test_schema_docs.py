"""The contract ships inside backstride: its schemas, its documentation and a worked example."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO, SHARED


@pytest.mark.parametrize("name", ["state", "plan", "decision"])
def test_backstride_schema_prints_each_contract_schema(name: str) -> None:
    p = subprocess.run([sys.executable, "-m", "backstride", "schema", name], capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["$id"] == f"{name}.schema.json"
    shared = SHARED / "contract" / f"{name}.schema.json"
    if shared.exists():  # the copy that ships is the contract itself
        assert doc == json.loads(shared.read_text())


def test_an_unknown_schema_is_named() -> None:
    p = subprocess.run([sys.executable, "-m", "backstride", "schema", "shoes"], capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 2 and "'shoes' is not one of state, plan, decision" in p.stderr


def test_the_worked_example_is_a_valid_state_that_plans_and_decides() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from referencing import Registry, Resource

    example = json.loads((REPO / "docs" / "example-state.json").read_text())
    schemas = {n: json.loads((REPO / "src" / "backstride" / "schemas" / f"{n}.schema.json").read_text())
               for n in ("state", "plan", "decision")}
    jsonschema.validate(example, schemas["state"])
    registry = Registry().with_resources([("plan.schema.json", Resource.from_contents(schemas["plan"]))])
    for command in ("plan", "decide"):
        p = subprocess.run([sys.executable, "-m", "backstride", command, "--input", "docs/example-state.json",
                            "--json"], capture_output=True, text=True, timeout=120, cwd=REPO)
        assert p.returncode == 0, p.stderr
        schema = schemas["plan" if command == "plan" else "decision"]
        jsonschema.Draft202012Validator(schema, registry=registry).validate(json.loads(p.stdout))


def test_the_readme_points_inside_the_project_for_the_contract() -> None:
    readme = (REPO / "README.md").read_text()
    assert "../shared/contract" not in readme and "docs/contract.md" in readme
    assert (REPO / "docs" / "contract.md").exists()
