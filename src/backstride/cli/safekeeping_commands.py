"""``erase`` and ``restore``: the commands that remove a person for good and put a backup back.

Both say exactly what they did, in plain words, and never claim more: an erasure whose traces are
still in the database file (another program holds it open) exits 1 and says when it will be done.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from backstride.cli.log_commands import DbOpt, JsonOpt
from backstride.cli.output import console, fail
from backstride.cli.params import AthleteOpt
from backstride.cli.session import opened, print_json

if TYPE_CHECKING:
    from backstride.storage.restore_copy import RestoreReport

__all__ = ["erase_cmd", "restore_cmd", "rows_in_words"]

# What each table's rows are, for people (the order is the order they are listed in).
_ROW_WORDS = {
    "athletes": ("profile", "profiles"),
    "baseline_sessions": ("session of the normal week", "sessions of the normal week"),
    "checkins": ("check-in", "check-ins"),
    "activities": ("run or session", "runs and sessions"),
    "laps": ("lap", "laps"),
    "shoes": ("pair of shoes", "pairs of shoes"),
    "planned_days": ("planned day", "planned days"),
    "import_log": ("import record", "import records"),
    "erasures": ("erasure in the ledger", "erasures in the ledger"),
}
# Exit status of an erasure that is committed but whose traces are still in the files.
ERASE_PENDING_EXIT = 1


def rows_in_words(counts: dict[str, int], *, skip: frozenset[str] = frozenset({"alembic_version"})) -> str:
    """``{"checkins": 3, "laps": 0}`` as "3 check-ins" (tables without rows left out)."""
    parts = []
    for table in [*_ROW_WORDS, *sorted(set(counts) - set(_ROW_WORDS))]:
        n = counts.get(table, 0)
        if n and table not in skip:
            one, many = _ROW_WORDS.get(table, (table.replace("_", " "), table.replace("_", " ")))
            parts.append(f"{n:,} {one if n == 1 else many}")
    return ", ".join(parts) if parts else "nothing"


def erase_cmd(
    athlete: AthleteOpt,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Erase an athlete and everything about them, for good.

    Exits 1 when the erasure is done and recorded but another program holding the database open keeps
    their data in the file for now: it is cleaned the next time backstride opens the database.
    """
    from backstride.services.safekeeping import erase
    from backstride.storage import get_athlete

    with opened(db) as database:
        who = get_athlete(database, athlete)
        if not yes:
            if not sys.stdin.isatty():
                fail(["erase asks for confirmation: add --yes to erase without asking"])
            if not typer.confirm(f"Erase {who.name} (athlete {athlete}) and all their data for good?"):
                console().print(f"Nothing was erased: {who.name}'s log is as it was.")
                raise typer.Exit(1)
        done = erase(database, athlete)
    report = done.report
    if as_json:
        print_json({"erased": athlete, **dataclasses.asdict(report)})
    else:
        what = rows_in_words(report.rows_deleted)
        if report.files_clean is False:
            console().print(f"{done.name} (athlete {athlete}) is erased from the log ({what}), and the erasure "
                            "is recorded.")
        else:
            console().print(f"Erased {done.name} (athlete {athlete}) and all their data: {what}. The database "
                            "file holds no trace of them.")
        console().print("Backups made before now still hold them; `backstride restore` erases them again "
                        "when one is put back.")
    if report.files_clean is False:
        sys.stderr.write(
            "Not finished: another program has the database open, so the file still holds some of their "
            "data. Close that program (another backstride, a backup or sync tool); the file is cleaned the "
            "next time backstride opens it, for example with `backstride athlete list`.\n"
        )
        raise typer.Exit(ERASE_PENDING_EXIT)


def _restore_words(report: RestoreReport, copy: Path) -> list[str]:
    held = rows_in_words(report.row_counts, skip=frozenset({"alembic_version", "erasures"}))
    lines = [f"Restored {report.path} from {copy}: it passed its integrity check and now holds "
             f"{'no athletes' if held == 'nothing' else held}."]
    if report.copy_revision != report.revision:
        lines.append(f"Its schema was brought up to date (revision {report.copy_revision} to {report.revision}).")
    for athlete, counts in report.reerased.items():
        lines.append(f"Athlete {athlete} was erased before this restore, so they were erased from the backup "
                     f"again ({rows_in_words(counts)}).")
    for athlete in report.other_person:
        lines.append(f"Athlete {athlete} in the backup is not the athlete erased under that number, so they "
                     "were kept.")
    if report.ledger_problem:
        lines.append(f"The database it replaced could not be read ({report.ledger_problem}): erasures recorded "
                     "only there could not be applied again; check that no erased athlete is back.")
    if report.kept_as is not None:
        lines.append(f"The database it replaced is kept as {report.kept_as}; delete it when you no longer "
                     "need it.")
    return lines


def restore_cmd(
    copy: Annotated[Path, typer.Argument(help="The backup file to put back (made by `backstride backup FILE`).")],
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Put a backup back in place of the database, checked first; erased athletes stay erased.

    The backup is checked (integrity, a backstride database, a schema this version knows) before
    anything changes; the database it replaces is kept beside it with the date in its name.
    """
    from backstride.services.safekeeping import RestoreError, restore_backup

    try:
        report = restore_backup(db, copy)
    except RestoreError as exc:
        fail([str(exc)])
    except OSError as exc:
        fail([f"{copy}: the restore failed ({exc.strerror or exc}); the database is as it was"])
    with opened(db):  # the notices of opening the restored database (and a last check that it opens)
        pass
    if as_json:
        data = dataclasses.asdict(report)
        data["reerased"] = {str(k): v for k, v in report.reerased.items()}
        print_json(data)
        return
    for line in _restore_words(report, copy):
        console().print(line)
