"""The words a runner reads for the core's values: kinds of session, actions, phases, distances.

One place for the command line's renderers and the web app's pages, so both say the same thing.
"""

from __future__ import annotations

from backstride.contract import Session
from backstride.core.words import KM_PER_MILE

__all__ = ["ACTION_NAMES", "KIND_NAMES", "PHASE_NAMES", "TRIAGE_TITLES", "distance_text", "session_what"]

KIND_NAMES = {
    "easy": "Easy run", "recovery": "Recovery run", "long": "Long run", "run_walk": "Run:walk",
    "long_run_walk": "Long run:walk", "intervals_short": "Short intervals", "intervals_long": "Long intervals",
    "tempo": "Tempo run", "hills": "Hills", "stairs": "Stairs", "progression": "Progression run", "race": "Race",
    "cross_training": "Cross-training", "strength": "Strength", "mobility": "Mobility", "walk": "Walk",
    "rest": "Rest",
}
ACTION_NAMES = {
    "run_as_planned": "Run as planned",
    "run_shorter_easier": "Run, but shorter and easier",
    "cross_train": "Cross-train instead of running",
    "rest": "Rest from running today",
    "seek_care": "Seek care",
}
PHASE_NAMES = {
    "paused": "Running paused",
    "calm": "Calming the back down",
    "rebuild": "Building back",
    "return": "Returning to your normal training",
    "maintain": "At your normal training",
}
TRIAGE_TITLES = {
    "emergency": "EMERGENCY — GO TO AN EMERGENCY DEPARTMENT NOW",
    "see_clinician_soon": "See a clinician soon",
    "see_clinician": "Get your back assessed",
}


def distance_text(km: float | None, units: str) -> str:
    """``8.0 km`` or ``5.0 mi``; empty for no distance."""
    if km is None:
        return ""
    return f"{km / KM_PER_MILE:.1f} mi" if units == "mi" else f"{km:.1f} km"


def session_what(s: Session, units: str, *, exercises: bool = True) -> str:
    """What the session is, in a line: its kind, run:walk, reps, ground (and the exercises on a new line)."""
    name = KIND_NAMES[s.kind]
    if s.kind == "cross_training" and s.activity:
        name += f": {s.activity.replace('_', ' ')}"
    if s.run_walk is not None:
        name += f" ({s.run_walk.run_min:g} min run / {s.run_walk.walk_min:g} min walk)"
    if s.reps is not None:
        rep = f"{s.reps.distance_m:.0f} m" if s.reps.distance_m else f"{s.reps.duration_min:g} min"
        name += f" {s.reps.count} x {rep}"
    if s.terrain in ("flat", "soft"):
        name += f", {s.terrain} ground"
    if exercises and s.exercises:
        name += "\n" + ", ".join(s.exercises)
    return name
