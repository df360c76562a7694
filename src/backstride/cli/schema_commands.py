"""``backstride schema state|plan|decision``: the contract's JSON schemas, as shipped with backstride."""

from __future__ import annotations

import sys
from importlib import resources
from typing import Annotated

import typer

from backstride.cli.output import fail

SCHEMAS = ("state", "plan", "decision")


def schema_text(name: str) -> str:
    """The JSON schema of ``backstride.<name>/1``."""
    return resources.files("backstride").joinpath("schemas", f"{name}.schema.json").read_text(encoding="utf-8")


def schema_cmd(
    name: Annotated[str, typer.Argument(help="state, plan or decision.")],
    as_json: Annotated[bool, typer.Option("--json", help="Accepted for symmetry: a schema is always JSON.")]
    = False,
) -> None:
    """Print the JSON schema of backstride.state/1, backstride.plan/1 or backstride.decision/1."""
    if name not in SCHEMAS:
        fail([f"schema: {name!r} is not one of {', '.join(SCHEMAS)}"])
    text = schema_text(name)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
