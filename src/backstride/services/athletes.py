"""Setting up a runner without JSON, changing it later, and recording a clinician's clearance.

The runner's answers (or options) become a ``backstride.state/1`` athlete, validated by the contract, so a
profile set up by hand is held to exactly the rules a state file is.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from backstride.contract import WEEKDAYS, Athlete, InvalidState, parse_state
from backstride.storage import Database, create_athlete, state_for, update_athlete
from backstride.storage.adjustments import add_event
from backstride.storage.tables import utcnow

__all__ = ["BASELINE_KINDS", "Clearance", "SetupProblem", "clear_to_run", "create_from_answers", "edit_profile",
           "parse_available", "parse_week"]

KM_PER_MILE = 1.609344
BASELINE_KINDS = ("easy", "recovery", "long", "tempo", "intervals", "hills", "progression", "race",
                  "cross_training", "strength")
_ENTRY = re.compile(r"^(?P<day>[a-z]{3})\s+(?P<kind>[a-z_]+)(?:\s+(?P<size>\d+(?:\.\d+)?)\s*(?P<unit>min|km|mi)?)?$")


class SetupProblem(ValueError):
    """An answer that cannot be used; ``option`` names what the user typed, ``message`` says why."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(f"{option}: {message}")
        self.option, self.message = option, message


def parse_available(text: str, option: str = "--available") -> list[str]:
    """"mon,wed,fri,sat" as weekdays (each once, in week order)."""
    days = [d.strip().lower()[:3] for d in text.split(",") if d.strip()]
    bad = [d for d in days if d not in WEEKDAYS]
    if bad or not days:
        raise SetupProblem(option, f"give days as mon,tue,wed,thu,fri,sat,sun (got {text!r})")
    return [d for d in WEEKDAYS if d in days]


def parse_week(text: str, units: str, option: str = "--week") -> list[dict[str, Any]]:
    """The normal week as "tue easy 8, thu tempo 8, sat cross_training 45 min, sun long 14".

    Distances are in the runner's units unless a unit is written; "min" makes a session timed.
    """
    sessions: list[dict[str, Any]] = []
    for raw in (p.strip().lower() for p in text.split(",")):
        if not raw:
            continue
        m = _ENTRY.match(raw)
        if m is None or m["day"] not in WEEKDAYS:
            raise SetupProblem(option, f"{raw!r} is not of the form 'tue easy 8' (day, kind, distance or minutes)")
        if m["kind"] not in BASELINE_KINDS:
            raise SetupProblem(option, f"{m['kind']!r} is not a kind of session; one of {', '.join(BASELINE_KINDS)}")
        entry: dict[str, Any] = {"day": m["day"], "kind": m["kind"]}
        if m["size"] is not None:
            size = float(m["size"])
            unit = m["unit"] or units
            if unit == "min":
                entry["duration_min"] = size
            else:
                entry["distance_km"] = round(size * KM_PER_MILE, 3) if unit == "mi" else size
        sessions.append(entry)
    if not sessions:
        raise SetupProblem(option, "give at least one session of your normal week, e.g. 'tue easy 8, sun long 14'")
    return sessions


# The contract's field names, as the options that set them.
_OPTION_OF = {"units": "--units", "available_days": "--available", "long_run_day": "--long-run-day",
              "cross_training": "--cross-training", "cadence_spm": "--cadence", "easy_pace_min_per_km": "--easy-pace",
              "baseline": "--week", "diagnoses": "--diagnoses", "age": "--age"}


def _validated(athlete: dict[str, Any], today: dt.date) -> Athlete:
    try:
        state = parse_state({"schema": "backstride.state/1", "today": today.isoformat(), "athlete": athlete})
    except InvalidState as exc:
        first = exc.problems[0]
        field = first.where.removeprefix("athlete.").split(".")[0].split("[")[0]
        raise SetupProblem(_OPTION_OF.get(field, field), first.message) from None
    return state.athlete


def create_from_answers(db: Database, name: str, athlete: dict[str, Any], today: dt.date) -> int:
    """A new athlete from the answers (contract field names); the contract checks them first."""
    if not name.strip():
        raise SetupProblem("--name", "give a name (any name you like)")
    profile = _validated(athlete, today)
    state = parse_state({"schema": "backstride.state/1", "today": today.isoformat(),
                         "athlete": profile.model_dump(mode="json", exclude_none=True)})
    return create_athlete(db, state, name=name.strip())


def edit_profile(db: Database, athlete_id: int, changes: dict[str, Any], today: dt.date,
                 name: str | None = None) -> Athlete:
    """Change some profile fields (contract field names; ``None`` leaves a field as it is)."""
    current = state_for(db, athlete_id, today).athlete.model_dump(mode="json", exclude_none=True)
    current.pop("shoes", None)  # shoes have their own commands
    current.update({k: v for k, v in changes.items() if v is not None})
    profile = _validated(current, today)
    update_athlete(db, athlete_id, profile, name=name)
    return profile


@dataclass(frozen=True, slots=True)
class Clearance:
    """A clinician's clearance as recorded."""

    athlete_id: int
    on: dt.date
    lifted: tuple[str, ...]  # the diagnoses that had stopped running


def clear_to_run(db: Database, athlete_id: int, on: dt.date, *, reason: str = "", by_user_id: int | None = None,
                 by_email: str | None = None) -> Clearance:
    """Record that a clinician has cleared running on ``on`` (lifts T-DIAG and the standing red flags), and
    put it on the athlete's clinical trail with who and why, beside their adjustments and diagnoses."""
    current = state_for(db, athlete_id, on).athlete
    lifted = tuple(d for d in current.diagnoses if d != "cleared_to_run")
    diagnoses = [*current.diagnoses, "cleared_to_run"] if "cleared_to_run" not in current.diagnoses \
        else list(current.diagnoses)
    profile = current.model_copy(update={"diagnoses": tuple(diagnoses)})
    update_athlete(db, athlete_id, profile, cleared_on=on)
    add_event(db, athlete_id, "clearance", at=utcnow(), reason=reason.strip()[:2000] or "cleared to run",
              value={"on": on.isoformat(), "lifted": list(lifted)}, by_user_id=by_user_id, by_email=by_email)
    return Clearance(athlete_id, on, lifted)
