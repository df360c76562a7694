"""The README documents every command, and its first screen gives exactly the two set-up commands."""

from __future__ import annotations

import typer.main

from backstride.cli.main import full_app
from tests.conftest import REPO


def _commands() -> set[str]:
    group = typer.main.get_command(full_app())
    names = set()
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        sub = getattr(cmd, "commands", None)
        names |= {f"{name} {s}" for s in sub} if sub else {name}
    return names


def test_every_command_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text()
    missing = sorted(c for c in _commands() if f"backstride {c}" not in readme)
    assert missing == []


def test_the_first_screen_gives_the_commands_to_start() -> None:
    first = (REPO / "README.md").read_text().split("---", 1)[0]
    commands = [line.strip().split("#")[0].strip() for line in first.splitlines() if line.startswith("    ")]
    assert commands == ["./run.sh", "./test.sh"]  # the app on its embedded default, and the tests


def test_the_cli_reference_is_generated_from_the_commands_and_current() -> None:
    from backstride.cli.reference import reference

    assert (REPO / "docs" / "cli.md").read_text() == reference(), \
        "docs/cli.md is stale: run python -m backstride.cli.reference > docs/cli.md"
