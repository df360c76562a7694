"""The one canonical activity every importer produces (bytes in, ImportedActivity out)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

__all__ = ["ImportFailure", "ImportedActivity", "Lap"]


@dataclass(frozen=True, slots=True)
class Lap:
    """One lap or split as the device recorded it."""

    start: dt.datetime | None
    distance_m: float | None
    elapsed_s: float | None
    moving_s: float | None = None
    avg_hr: float | None = None
    avg_cadence_spm: float | None = None


@dataclass(frozen=True, slots=True)
class ImportedActivity:
    """What backstride keeps of one recorded activity, whatever file it came from.

    ``kind`` is ``"run"`` for running (road, trail, treadmill, track) and
    ``"cross_training"`` for every other sport, whose name is in ``sport``; a sport the
    file does not state is ``"unknown"`` (kept as cross-training, never counted as a run)
    unless the records' pace shows running (then ``sport_reason`` says so).
    Cadence is in steps per minute (both legs), already corrected for FIT's
    per-leg cadence and fractional cadence.
    """

    start: dt.datetime  # timezone-aware (UTC when the file gives no offset)
    kind: str  # "run" or "cross_training"
    sport: str  # e.g. "running", "treadmill_running", "cycling", "swimming"
    distance_m: float | None
    elapsed_s: float | None
    moving_s: float | None
    elevation_gain_m: float | None = None
    elevation_loss_m: float | None = None
    avg_cadence_spm: float | None = None
    avg_hr: float | None = None
    max_hr: float | None = None
    device: str | None = None
    source_format: str = ""  # "fit", "gpx", "tcx", "strava_csv", "garmin_csv"
    source_name: str = ""  # the file (or zip member) it came from
    content_sha256: str = ""  # hash of the original (decompressed) bytes
    laps: tuple[Lap, ...] = field(default_factory=tuple)
    partial: bool = False  # True when only part of a damaged file could be read
    notes: str = ""
    sport_reason: str = ""  # set when the file did not state its sport: how ``sport`` was decided


@dataclass(frozen=True, slots=True)
class ImportFailure:
    """A file (or archive member) that could not be imported, with a one-line reason."""

    source_name: str
    reason: str
