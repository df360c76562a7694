"""Running shoes in the runner's own units: added with the distance they already have, listed with a verdict.

Storage keeps km (as the contract does); the runner types and reads their own units. The wear verdict
is E-SHOES' one verdict (:func:`backstride.core.shoes.shoe_wear`), the one the plan and ``causes`` read.
Shared by the command line and the web app.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from backstride.core.shoes import ShoeWear, shoe_wear
from backstride.core.words import KM_PER_MILE
from backstride.rules import Catalogue, default_catalogue
from backstride.storage import Database, ShoeInfo, add_shoe, get_athlete, list_shoes, retire_shoe

__all__ = ["ADVICE", "ShoeList", "add_shoes", "retire_shoes", "shoes_of"]

# What the runner reads for each verdict.
ADVICE: dict[ShoeWear | str, str] = {"fine": "fine", "check": "check them for wear", "replace": "replace them",
                                     "retired": "retired"}


@dataclass(frozen=True, slots=True)
class ShoeList:
    """An athlete's shoes, each with its verdict, in the athlete's units, and E-SHOES' bounds in km."""

    units: str
    shoes: tuple[tuple[ShoeInfo, str], ...]  # each shoe with its advice (an ADVICE value)
    warn_km: float
    replace_km: float


def add_shoes(db: Database, athlete_id: int, name: str, distance: float, added_on: dt.date, *,
              units: str | None = None) -> int:
    """Add a pair of shoes that have already run ``distance`` in the athlete's units (or ``units``); return the id.

    ValueError (naming what is wrong) for a blank name or a negative distance; AthleteNotFound for
    an unknown athlete.
    """
    if distance < 0:
        raise ValueError(f"must be 0 or more (got {distance:g})")
    units = units or get_athlete(db, athlete_id).units
    start_km = distance * KM_PER_MILE if units == "mi" else distance
    return add_shoe(db, athlete_id, name, start_km=round(start_km, 3), added_on=added_on)


def shoes_of(db: Database, athlete_id: int, rules: Catalogue | None = None) -> ShoeList:
    """The athlete's shoes with their distance and what to do about them."""
    rules = rules or default_catalogue()
    units = get_athlete(db, athlete_id).units
    shoes = list_shoes(db, athlete_id)
    listed = tuple((s, ADVICE["retired" if s.retired else shoe_wear(s.km, rules)]) for s in shoes)
    return ShoeList(units, listed, rules.value("E-SHOES", "warn_km"), rules.value("E-SHOES", "replace_km"))


def retire_shoes(db: Database, athlete_id: int, shoe_id: int) -> None:
    """Retire a pair: they keep their runs but get no new ones (ShoeNotFound when not the athlete's)."""
    retire_shoe(db, athlete_id, shoe_id)
