"""What every command prints through: errors on stderr with an exit status, and the Rich consoles."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, NoReturn

import typer

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["console", "error_console", "fail"]


def fail(lines: list[str], code: int = 2) -> NoReturn:
    """Print problems on stderr, one a line, and exit (2: bad input or usage)."""
    for line in lines:
        sys.stderr.write(f"{line}\n")
    raise typer.Exit(code)


def console() -> Console:
    """A console on stdout (Rich is imported only when something is drawn)."""
    from rich.console import Console

    return Console()


def error_console() -> Console:
    """A console on stderr, for progress bars."""
    from rich.console import Console

    return Console(stderr=True)
