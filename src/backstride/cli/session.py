"""What every training-log command shares: the database opened with clear errors, dates, JSON out.

Kept apart from the commands so that ``cli.main`` (plan, decide) and the training-log commands
both use it without importing each other.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backstride.cli.output import fail
from backstride.cli.params import day

if TYPE_CHECKING:
    from backstride.contract import Decision, Plan, State
    from backstride.storage import Database

__all__ = ["decide_for_athlete", "opened", "plan_for_athlete", "print_json", "state_for_athlete", "today_option",
           "write_file"]


def today_option(value: str | None, option: str = "--today", *, past_only: bool = False) -> dt.date:
    """The date given as ``option`` (default: today), range-checked (cli.params.day); ``past_only`` refuses
    a day after today, for what has already happened."""
    given = day(value, option)
    now = dt.date.today()  # the clock is read here, at the edge, never in the core
    if past_only and given > now:
        fail([f"{option}: {value} is in the future; you can record only what has happened (today is {now})"])
    return given




def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


@contextmanager
def opened(url: str | None) -> Iterator[Database]:
    """Open the database, turning storage errors into one clear line and exit status 2."""
    from sqlalchemy.exc import SQLAlchemyError

    from backstride.services.training_log import open_database
    from backstride.storage import DatabaseBusy, DatabaseTooNew, NotFound
    from backstride.storage.sqlite_safety import NetworkFilesystem

    try:
        db = open_database(url)
    except (DatabaseTooNew, DatabaseBusy, NetworkFilesystem) as exc:
        fail([f"database: {exc}"])
    except (SQLAlchemyError, OSError, ValueError) as exc:
        fail([f"database: cannot open it ({str(exc).splitlines()[0]})"])
    for notice in db.notices:
        sys.stderr.write(f"{notice}\n")
    try:
        yield db
    except NotFound as exc:
        fail([str(exc)])
    except DatabaseBusy as exc:
        fail([str(exc)])
    finally:
        db.dispose()


def state_for_athlete(athlete: int, db_url: str | None, today: str | None, *, planner: bool = False) -> State:
    """The stored athlete's state; with ``planner``, only what ``plan --athlete``/``decide --athlete`` read."""
    from backstride.services.training_log import athlete_state

    with opened(db_url) as db:
        return athlete_state(db, athlete, today_option(today), planner=planner)


def plan_for_athlete(athlete: int, db_url: str | None, today: str | None) -> tuple[State, Plan]:
    """Plan the week for a stored athlete and keep the plan: the database opened once."""
    from backstride.services.training_log import plan_for

    with opened(db_url) as db:
        return plan_for(db, athlete, today_option(today))


def decide_for_athlete(athlete: int, db_url: str | None, today: str | None) -> tuple[State, Decision]:
    """Today's decision for a stored athlete, with their physio's adjustments: the database opened once."""
    from backstride.services.training_log import decide_for

    with opened(db_url) as db:
        return decide_for(db, athlete, today_option(today))


def write_file(path: Path, data: bytes) -> None:
    from backstride.storage.private import write_private

    try:
        write_private(path, data)  # 0600, all or nothing
    except OSError as exc:
        fail([f"{path}: cannot write it ({exc.strerror})"])
