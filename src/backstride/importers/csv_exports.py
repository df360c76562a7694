"""Summary CSVs from bulk exports.

Strava ``activities.csv``: used to label each activity file's sport (Strava's type is the one
the athlete corrected), and to import activities whose file is missing from the export.
Column names repeat (``Distance``, ``Elapsed Time``, ``Max Heart Rate`` appear twice) and
some 2023 headers are HTML ``translation_missing`` spans, so columns are found by their
text with tags removed and by occurrence. Units: the *first* ``Distance`` is in the
athlete's display unit per sport (km for runs and rides, but nautical miles for Sail rows
in the real 2023 export: 15.9 vs 29,610 m), the *second* is always metres. We use metres.
``Activity Date`` is UTC, formatted like ``Oct 5, 2014, 4:15:21 PM``.

Garmin Connect's activity-list CSV (web "Export CSV") is a localised summary table (the
sample is German: "Distanz" ``10,20``, "Start" ``Fr, 25 Mai 2012 20:31`` in local time without
a zone, pace as ``6:24``). Its start times cannot be placed in UTC and its columns follow the
UI language, so it is reported as unsupported with a pointer to "Export Original".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from .common import kind_for, sha256_hex, steps_per_minute
from .model import ImportedActivity, ImportFailure
from .result import DecodeResult, fail
from .sports import normalise_sport

__all__ = ["decode_csv", "is_strava_csv", "strava_file_sports", "strava_sport"]

_TAG = re.compile(r"<[^>]*>")
_DATE_FORMATS = ("%b %d, %Y, %I:%M:%S %p", "%b %d, %Y %I:%M:%S %p", "%Y-%m-%d %H:%M:%S", "%d %b %Y, %H:%M:%S")
MAX_ROWS = 100_000


def _rows(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig", "replace")
    return [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)][: MAX_ROWS + 1]


class _Cols:
    """Header lookup by cleaned name and occurrence (0 = first)."""

    def __init__(self, header: list[str]) -> None:
        self.idx: dict[str, list[int]] = {}
        for i, h in enumerate(header):
            self.idx.setdefault(_TAG.sub("", h).strip().lower(), []).append(i)

    def get(self, row: list[str], name: str, nth: int = 0) -> str | None:
        pos = self.idx.get(name.lower(), [])
        if nth >= len(pos) or pos[nth] >= len(row):
            return None
        v = row[pos[nth]].strip()
        return v or None

    def num(self, row: list[str], name: str, nth: int = 0) -> float | None:
        v = self.get(row, name, nth)
        try:
            f = float(v.replace(",", "")) if v is not None else None
        except ValueError:
            return None
        return f if f is not None and f == f and f >= 0 else None


def is_strava_csv(data: bytes) -> bool:
    """True for a Strava bulk-export ``activities.csv``."""
    head = data[:400].decode("utf-8-sig", "replace")
    return head.startswith("Activity ID,") and "Filename" in head.split("\n", 1)[0]


def strava_sport(activity_type: str) -> str:
    """backstride sport for a Strava ``Activity Type`` ("Run", "Trail Run", "Ride"...)."""
    return normalise_sport(activity_type) or re.sub(r"[^a-z0-9]+", "_", activity_type.lower()).strip("_")


def strava_file_sports(data: bytes) -> dict[str, str]:
    """``Filename`` column (e.g. ``activities/123.fit.gz``) -> Strava activity type."""
    rows = _rows(data)
    if not rows:
        return {}
    cols = _Cols(rows[0])
    out: dict[str, str] = {}
    for row in rows[1:]:
        fn, typ = cols.get(row, "Filename"), cols.get(row, "Activity Type")
        if fn and typ:
            out[fn] = typ
    return out


def _date(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).replace(tzinfo=dt.UTC)
        except ValueError:
            continue
    return None


def decode_csv(name: str, data: bytes, present: frozenset[str] | None) -> DecodeResult:
    """Activities from a Strava ``activities.csv`` (rows whose file is in ``present`` are left
    to the file); any other CSV is reported as unsupported."""
    if not is_strava_csv(data):
        head = data[:2000].decode("utf-8-sig", "replace")
        if "Aktivitätstyp" in head or "Activity Type" in head or "Aktivitätsname" in head:
            return fail(
                name,
                "Garmin Connect activity-list CSV is an unsupported summary list (local times "
                "without a time zone); use Garmin's 'Export Original' files instead",
            )
        return fail(name, "CSV file is not a Strava activities.csv")
    rows = _rows(data)
    cols = _Cols(rows[0])
    out = DecodeResult()
    for n, row in enumerate(rows[1:], start=2):
        act_id = cols.get(row, "Activity ID") or f"row{n}"
        fn = cols.get(row, "Filename")
        if present is not None and fn and fn in present:
            continue
        a = _row_activity(name, act_id, fn, row, cols, present is not None)
        if isinstance(a, ImportFailure):
            out.failures.append(a)
        else:
            out.activities.append(a)
    return out


def _row_activity(
    name: str, act_id: str, fn: str | None, row: list[str], cols: _Cols, in_export: bool
) -> ImportedActivity | ImportFailure:
    src = f"{name}!{act_id}"
    start = _date(cols.get(row, "Activity Date"))
    if start is None:
        return ImportFailure(src, f"unreadable Activity Date {cols.get(row, 'Activity Date')!r}")
    typ = cols.get(row, "Activity Type") or "Other"
    sport = strava_sport(typ)
    kind = kind_for(sport)
    dist = cols.num(row, "Distance", 1)
    if dist is None and kind == "run":
        km = cols.num(row, "Distance", 0)  # runs are shown in km (miles would be wrong by 1.6x: noted)
        dist = km * 1000 if km is not None else None
    elapsed = cols.num(row, "Elapsed Time", 1) or cols.num(row, "Elapsed Time", 0)
    cad = cols.num(row, "Average Cadence")
    note = "summary from Strava activities.csv"
    if fn and in_export:
        note += f"; {fn} is not in the export"
    return ImportedActivity(
        start=start,
        kind=kind,
        sport=sport,
        distance_m=dist,
        elapsed_s=elapsed,
        moving_s=cols.num(row, "Moving Time"),
        elevation_gain_m=cols.num(row, "Elevation Gain"),
        elevation_loss_m=cols.num(row, "Elevation Loss"),
        avg_cadence_spm=steps_per_minute(cad) if kind == "run" else None,
        avg_hr=cols.num(row, "Average Heart Rate"),
        max_hr=cols.num(row, "Max Heart Rate", 1) or cols.num(row, "Max Heart Rate", 0),
        source_format="strava_csv",
        source_name=src,
        # no file bytes exist; the Strava id is stable across exports, so it dedupes re-imports
        content_sha256=sha256_hex(f"strava-activity:{act_id}".encode()),
        notes=note,
    )
