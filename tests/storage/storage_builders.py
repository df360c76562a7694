"""Test data for the storage tests: states, imported activities, and row counts."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from sqlalchemy import func, select

from backstride.contract import State, parse_state
from backstride.importers.model import ImportedActivity, Lap
from backstride.storage.engine import Database
from backstride.storage.tables import Base

UTC = dt.UTC


def full_state(**overrides: Any) -> State:
    """A state that uses every field the contract has."""
    data: dict[str, Any] = {
        "schema": "backstride.state/1",
        "today": "2026-11-30",
        "athlete": {
            "units": "mi",
            "baseline": {
                "sessions": [
                    {"day": "tue", "kind": "easy", "distance_km": 8.5},
                    {"day": "thu", "kind": "intervals", "rep_distance_m": 800, "reps": 5, "duration_min": 45},
                    {"day": "sat", "kind": "cross_training", "duration_min": 40},
                    {"day": "sun", "kind": "long", "distance_km": 16.25},
                ]
            },
            "available_days": ["tue", "thu", "sat", "sun"],
            "long_run_day": "sun",
            "easy_pace_min_per_km": 5.75,
            "cadence_spm": 168,
            "diagnoses": ["cleared_to_run"],
            "cross_training": ["bike", "deep_water_running"],
            "shoes": [{"name": "Pegasus", "km": 412.5}, {"name": "Trail", "km": 0}],
            "age": 44,
            "history_of_cancer": False,
            "osteoporosis_or_steroids": True,
        },
        "checkins": [
            {
                "date": "2026-11-28",
                "pain_rest": 2,
                "pain_during": 3,
                "pain_rising_during": False,
                "pain_after": 3,
                "pain_next_morning": 2,
                "sharp_pain": False,
                "walking_pain": False,
                "limping": False,
                "radiating_below_knee": False,
                "numbness_tingling": False,
                "leg_weakness": False,
                "both_legs": False,
                "saddle_numbness": False,
                "bladder_bowel_change": False,
                "fever_unwell": False,
                "night_pain": True,
                "sleep_hours": 6.5,
                "stress": 7,
                "confidence": 4,
                "notes": "stiff after desk day",
                "unexplained_weight_loss": False,
                "recent_trauma": False,
            },
            {"date": "2026-11-29", "pain_rest": 1},
        ],
        "activities": [
            {
                "date": "2026-11-26",
                "kind": "easy",
                "distance_km": 6.2,
                "duration_min": 36.5,
                "rpe": 3,
                "elevation_gain_m": 42,
                "cadence_spm": 170.5,
            },
            {"date": "2026-11-27", "kind": "strength", "duration_min": 25},
            {"date": "2026-11-29", "kind": "run", "distance_km": 10.01},
        ],
    }
    data.update(overrides)
    return parse_state(data)


def imported(
    start: dt.datetime,
    *,
    elapsed_s: float = 3000.0,
    moving_s: float | None = 2900.0,
    distance_m: float = 8000.0,
    kind: str = "run",
    source_format: str = "fit",
    name: str = "run.fit",
    sha: str | None = None,
    laps: int = 2,
    notes: str = "",
) -> ImportedActivity:
    """An imported activity; the hash defaults to one derived from the start, format and name."""
    digest = sha if sha is not None else hashlib.sha256(f"{start}{source_format}{name}".encode()).hexdigest()
    return ImportedActivity(
        start=start,
        kind=kind,
        sport="running" if kind == "run" else "cycling",
        distance_m=distance_m,
        elapsed_s=elapsed_s,
        moving_s=moving_s,
        elevation_gain_m=55.0,
        elevation_loss_m=50.0,
        avg_cadence_spm=172.0,
        avg_hr=141.0,
        max_hr=166.0,
        device="Forerunner 255",
        source_format=source_format,
        source_name=name,
        content_sha256=digest,
        laps=tuple(
            Lap(
                start=start + dt.timedelta(seconds=i * 600),
                distance_m=1000.0,
                elapsed_s=600.0,
                moving_s=590.0,
                avg_hr=140.0,
                avg_cadence_spm=171.0,
            )
            for i in range(laps)
        ),
        notes=notes,
    )


def row_counts(db: Database) -> dict[str, int]:
    """Rows in every table."""
    with db.session() as session:
        return {
            t.name: int(session.scalar(select(func.count()).select_from(t)) or 0) for t in Base.metadata.sorted_tables
        }
