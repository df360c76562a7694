"""Importing files into the training log: decode in parallel, store one file per transaction.

A file that fails is reported by name with a one-line reason and the rest go
on; re-importing anything adds nothing (storage dedupes by content hash and by
start time and duration). Killing the import at any moment leaves only whole
files: each is committed with its activities, laps and log rows, or not at all.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backstride.importers import DecodeResult, ImportedActivity, ImportFailure, decode_all, iter_sources
from backstride.importers.plausible import check_activity
from backstride.services.import_notes import SeenActivities, what_was_read
from backstride.storage import Database, add_imported_file, get_athlete, log_import

__all__ = ["ImportSummary", "count_files", "import_paths"]

Progress = Callable[[str], None]


@dataclass(slots=True)
class ImportSummary:
    """What an import did: counts, and each file worth a word named with its reason.

    ``duplicates`` are activities already in the log before this import; ``repeated`` are
    activities given twice within this import (two overlapping CSVs in one export, the
    same run as FIT and TCX in one zip), stored once.
    """

    files: int = 0
    imported: int = 0
    duplicates: int = 0  # already in the log before this import
    repeated: int = 0  # the same activity given more than once in this import, stored once
    not_runs: int = 0  # imported activities of other sports (kept as cross-training)
    partial: int = 0  # imported from damaged files: what could be saved was saved
    damaged: list[str] = field(default_factory=list)  # "name: what was read and what was lost"
    unknown_sport: list[str] = field(default_factory=list)  # "name: why the sport is unknown"
    run_by_pace: list[str] = field(default_factory=list)  # "name: why it was taken as a run"
    corrected: list[str] = field(default_factory=list)  # "name: value dropped: why" (impossible values)
    skipped: list[str] = field(default_factory=list)  # files that hold no activity, with the reason
    failed: list[ImportFailure] = field(default_factory=list)
    bytes: int = 0
    seconds: float = 0.0
    units: str = "km"  # the athlete's, for the words people read (the reasons above are written in km)

    @property
    def found_nothing(self) -> bool:
        """True when no activity file was found at all (an empty folder, only other files)."""
        return not (self.imported or self.duplicates or self.repeated or self.failed)

    def to_json_dict(self) -> dict[str, Any]:
        """The summary as plain JSON data."""
        return {
            "files": self.files, "imported": self.imported, "duplicates": self.duplicates,
            "repeated": self.repeated, "not_runs": self.not_runs, "partial": self.partial,
            "found_nothing": self.found_nothing,
            "damaged": _named(self.damaged), "unknown_sport": _named(self.unknown_sport),
            "run_by_pace": _named(self.run_by_pace), "skipped": _named(self.skipped),
            "failed": [{"file": f.source_name, "reason": f.reason} for f in self.failed],
            "corrected": _named(self.corrected),
            "bytes": self.bytes, "seconds": round(self.seconds, 3),
        }


def _named(lines: list[str]) -> list[dict[str, str]]:
    return [{"file": s.split(": ", 1)[0], "reason": s.split(": ", 1)[-1]} for s in lines]


def count_files(paths: Iterable[str | os.PathLike[str]]) -> int:
    """About how many files an import will read (for a progress bar): files, folder contents, zip members."""
    n = 0
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            n += sum(1 for q in p.rglob("*") if q.is_file() and not q.name.startswith("."))
        elif p.suffix.lower() == ".zip" and p.is_file() and zipfile.is_zipfile(p):  # is_file: no FIFO
            try:
                with zipfile.ZipFile(p) as zf:
                    n += sum(1 for i in zf.infolist() if not i.is_dir() and "__MACOSX" not in i.filename)
            except (OSError, zipfile.BadZipFile):
                n += 1
        else:
            n += 1
    return n


def import_paths(
    db: Database,
    athlete_id: int,
    paths: Iterable[str | os.PathLike[str]],
    *,
    workers: int | None = None,
    on_file: Progress | None = None,
    today: dt.date | None = None,
) -> ImportSummary:
    """Import files, folders and export zips for one athlete; ``on_file`` is called after each file.

    Every activity is checked by :func:`~backstride.importers.plausible.check_activity` against
    ``today`` (default: the local date) before it is stored: impossible values are dropped and
    named in ``corrected``, impossible activities are refused and named in ``failed``.
    """
    units = get_athlete(db, athlete_id).units  # a missing athlete fails before any work
    on_day = today if today is not None else dt.date.today()
    summary = ImportSummary(units=units)
    seen = SeenActivities()
    start = time.perf_counter()
    for decoded in decode_all(_counted(iter_sources(paths), summary), workers=workers):
        summary.files += 1
        result = _plausible(decoded, on_day, summary)
        # One file = one transaction: every leg of a multisport file, or none of it.
        outcomes = add_imported_file(db, athlete_id, result.activities) if result.activities else []
        stored: list[ImportedActivity] = []
        for part, (activity, outcome) in enumerate(zip(result.activities, outcomes, strict=True)):
            if outcome == "duplicate":
                if seen.holds(activity, part):
                    summary.repeated += 1
                else:
                    summary.duplicates += 1
                continue
            seen.add(activity, part)
            stored.append(activity)
            summary.imported += 1
            summary.not_runs += activity.kind != "run"
            summary.partial += activity.partial
            if activity.sport == "unknown":
                summary.unknown_sport.append(f"{activity.source_name}: {activity.sport_reason}")
            elif activity.sport_reason:
                summary.run_by_pace.append(f"{activity.source_name}: {activity.sport_reason}")
        if any(a.partial for a in stored):
            summary.damaged.append(f"{stored[0].source_name}: {what_was_read(stored)}")
        for failure in result.failures:
            summary.failed.append(failure)
            log_import(db, athlete_id, failure.source_name, "failed", failure.reason)
        for skipped in result.skipped:
            summary.skipped.append(skipped)
            name, _, reason = skipped.partition(": ")
            log_import(db, athlete_id, name, "skipped", reason)
        if on_file is not None:
            name = (result.activities[0].source_name if result.activities
                    else result.failures[0].source_name if result.failures
                    else result.skipped[0].split(": ", 1)[0] if result.skipped else "")
            on_file(name)
    summary.seconds = time.perf_counter() - start
    return summary


def _plausible(result: DecodeResult, today: dt.date, summary: ImportSummary) -> DecodeResult:
    """The result with every activity checked: impossible ones become failures, impossible values go."""
    kept: list[ImportedActivity] = []
    failures = list(result.failures)
    for activity in result.activities:
        checked = check_activity(activity, today)
        if checked.activity is None:
            failures.append(ImportFailure(activity.source_name, "; ".join(checked.problems)))
            continue
        summary.corrected.extend(f"{activity.source_name}: {p}" for p in checked.problems)
        kept.append(checked.activity)
    return DecodeResult(kept, failures, list(result.skipped))


def _counted(sources: Iterable[Any], summary: ImportSummary) -> Iterable[Any]:
    for source in sources:
        summary.bytes += len(source.data)
        yield source
