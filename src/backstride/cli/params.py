"""Every date and id the command line takes, range-checked before anything is read or written.

Commands declare their ids with :data:`AthleteOpt` / :func:`id_argument` (ids outside 1..2**63-1
cannot be a row: Click refuses them naming the option, exit 2) and read dates through :func:`day`,
which refuses anything outside the contract's :data:`~backstride.contract.FIRST_DATE` ..
:data:`~backstride.contract.LAST_DATE`, so no date near ``date.max`` reaches the planner or the log.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from backstride.cli.output import fail

__all__ = ["MAX_ID", "AthleteOpt", "OptionalAthleteOpt", "day", "id_argument", "id_option"]

# The largest id a row can have: SQLite's INTEGER and PostgreSQL's BIGINT are signed 64-bit.
MAX_ID = 2**63 - 1


def id_option(*names: str, help: str) -> Any:
    """A Typer option for a row id: a whole number from 1 to :data:`MAX_ID`."""
    return typer.Option(*names, help=help, min=1, max=MAX_ID)


def id_argument(help: str) -> Any:
    """A Typer argument for a row id: a whole number from 1 to :data:`MAX_ID`."""
    return typer.Argument(help=help, min=1, max=MAX_ID)


AthleteOpt = Annotated[int, id_option("--athlete", "-a", help="The athlete's id.")]
OptionalAthleteOpt = Annotated[int | None, id_option("--athlete", "-a", help="A stored athlete's id.")]


def day(value: str | None, option: str, *, default: dt.date | None = None) -> dt.date:
    """The date typed for ``option`` (YYYY-MM-DD), or ``default`` (else today) when none was typed.

    Exits 2 with a message naming ``option`` when the text is not a real date or lies outside
    the dates backstride plans for.
    """
    from backstride.contract import FIRST_DATE, LAST_DATE  # not at import: `run` sets up pydantic first

    if value is None:
        return default if default is not None else dt.date.today()  # the clock is read here, at the edge
    try:
        parsed = dt.date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        parsed = None
    if parsed is None:
        fail([f"{option}: is not a real date in the form YYYY-MM-DD (got {value!r})"])
    if not FIRST_DATE <= parsed <= LAST_DATE:
        fail([f"{option}: must be between {FIRST_DATE.isoformat()} and {LAST_DATE.isoformat()} (got {value})"])
    return parsed
