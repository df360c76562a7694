"""The command-line reference (docs/cli.md), generated from the commands themselves.

    python -m backstride.cli.reference > docs/cli.md

A test regenerates it and fails when the file in docs/ is stale.
"""

from __future__ import annotations

from typing import Any

import typer.main


def _options(command: Any) -> list[str]:
    out = []
    for p in command.params:
        if p.param_type_name == "argument":
            out.append(f"- `{(p.name or '').upper()}` (argument){': ' + p.help if getattr(p, 'help', None) else ''}")
        elif p.param_type_name == "option":
            names = ", ".join(f"`{n}`" for n in [*p.opts, *p.secondary_opts])
            out.append(f"- {names}{': ' + p.help if p.help else ''}")
    return out


def _walk(command: Any, path: str) -> list[str]:
    lines: list[str] = []
    if getattr(command, "commands", None) is not None:
        if command.params and path != "backstride":
            lines += [f"## `{path}`", "", (command.help or "").strip(), "", *_options(command), ""]
        for name in sorted(command.commands):
            lines += _walk(command.commands[name], f"{path} {name}")
        return lines
    lines += [f"## `{path}`", "", (command.help or "").strip(), ""]
    options = _options(command)
    return [*lines, *options, ""] if options else lines


def reference() -> str:
    """The whole reference as Markdown."""
    from backstride.cli.main import full_app

    root = typer.main.get_command(full_app())
    head = ["# backstride command reference", "",
            "Generated from the commands by `python -m backstride.cli.reference`; `backstride COMMAND --help` "
            "says the same.", "", (root.help or "").strip(), ""]
    return "\n".join([*head, *_walk(root, "backstride")]).rstrip() + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(reference())
