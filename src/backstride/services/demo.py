"""A demo athlete, so a new install shows a real week at once.

Sam runs three to four times a week; the back began to hurt ten days ago after
a quick jump in distance, and a run last week flared it the next morning.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from backstride.contract import State, parse_state
from backstride.storage import Database, create_athlete, list_athletes

__all__ = ["DEMO_NAME", "demo_state", "ensure_demo_athlete"]

DEMO_NAME = "Sam (demo)"
_WEEK = {1: ("easy", 8.0), 3: ("easy", 8.0), 4: ("tempo", 7.0), 6: ("long", 14.0)}  # weekday -> run


def demo_state(today: dt.date) -> State:
    """Eight weeks of Sam's training and check-ins up to ``today``."""
    activities: list[dict[str, Any]] = []
    checkins: list[dict[str, Any]] = []
    pain_start = today - dt.timedelta(days=10)
    for back in range(56, 0, -1):
        day = today - dt.timedelta(days=back)
        week = (56 - back) // 7
        jump = 1.25 if week >= 6 else 1.0  # the distance jump two weeks before the pain
        run = _WEEK.get(day.weekday())
        pain = 0 if day < pain_start else 2
        if day == today - dt.timedelta(days=4):
            pain = 4  # the morning after a run that was too much
        checkin: dict[str, Any] = {"date": day.isoformat(), "pain_rest": pain, "sleep_hours": 6.5 if week >= 5 else 7.5,
                                   "stress": 6 if week >= 5 else 3, "confidence": 8 if pain < 2 else 6}
        if run is not None:
            kind, km = run
            km = round(km * jump * (0.8 if day >= pain_start else 1.0), 1)
            activities.append({"date": day.isoformat(), "kind": "run" if kind == "easy" else kind,
                               "distance_km": km, "duration_min": round(km * (5.2 if kind == "tempo" else 6.0), 1),
                               "rpe": 7 if kind == "tempo" else 4, "elevation_gain_m": round(km * 14),
                               "cadence_spm": 162})
            checkin["pain_during"] = min(pain + 1, 10) if pain else 0
            checkin["pain_after"] = checkin["pain_during"]
        checkins.append(checkin)
    return parse_state({
        "schema": "backstride.state/1",
        "today": today.isoformat(),
        "athlete": {
            "baseline": {"sessions": [
                {"day": "tue", "kind": "easy", "distance_km": 8},
                {"day": "thu", "kind": "easy", "distance_km": 8},
                {"day": "fri", "kind": "tempo", "distance_km": 7},
                {"day": "sun", "kind": "long", "distance_km": 14},
            ]},
            "long_run_day": "sun",
            "easy_pace_min_per_km": 6.0,
            "cadence_spm": 162,
            "cross_training": ["bike", "swim"],
            "shoes": [{"name": "Daily trainers", "km": 540}],
        },
        "checkins": checkins,
        "activities": activities,
    })


def ensure_demo_athlete(db: Database, today: dt.date) -> int:
    """The first athlete in the database; a demo athlete is created when there is none."""
    athletes = list_athletes(db)
    if athletes:
        return athletes[0].id
    return create_athlete(db, demo_state(today), name=DEMO_NAME)
