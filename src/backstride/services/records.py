"""The athletes in the log and everything stored about one of them, for the command line and the web app."""

from __future__ import annotations

import json
from pathlib import Path

from backstride.storage import AthleteSummary, Database, export_athlete, export_athlete_csv, list_athletes

__all__ = ["EXPORT_FORMATS", "athletes", "export_to"]

EXPORT_FORMATS = ("json", "csv")  # one JSON document, or a zip of one CSV file per table


def athletes(db: Database) -> list[AthleteSummary]:
    """The athletes in the log, by id."""
    return list_athletes(db)


def export_to(db: Database, athlete_id: int, out: Path, fmt: str, *, overwrite: bool = False) -> None:
    """Write everything stored about the athlete to ``out``: ``json`` or ``csv`` (a zip), 0600, all or nothing.

    OSError when the file cannot be written; AthleteNotFound for an unknown athlete.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"the export format is json or csv (got {fmt!r})")
    if fmt == "json":
        from backstride.storage.private import write_private

        write_private(out, json.dumps(export_athlete(db, athlete_id), indent=2, ensure_ascii=False,
                                      default=str).encode())
    else:
        export_athlete_csv(db, athlete_id, out, overwrite=overwrite)
