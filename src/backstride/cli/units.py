"""Distances in the runner's own units: what people read is in km or mi; JSON and storage stay in km."""

from __future__ import annotations

import re

from backstride.core.words import KM_PER_MILE, in_units

__all__ = ["KM_PER_MILE", "distance_text", "readable", "to_km", "unit_label"]

_PACE_KM = re.compile(r"(\d+):(\d{2}) min/km\b")


def unit_label(units: str) -> str:
    """"mi" or "km"."""
    return "mi" if units == "mi" else "km"


def distance_text(km: float | None, units: str, digits: int = 1) -> str:
    """``km`` in the runner's units, e.g. "5.0 km" or "3.1 mi" ("—" when unknown)."""
    if km is None:
        return "—"
    value = km / KM_PER_MILE if units == "mi" else km
    return f"{value:.{digits}f} {unit_label(units)}"


def to_km(value: float, units: str) -> float:
    """A distance typed in the runner's units, in km."""
    return value * KM_PER_MILE if units == "mi" else value


def readable(text: str, units: str) -> str:
    """A sentence for the runner with every distance and pace written in km put in their units.

    For texts made where the units are not known (import notes, the planner's reasons): distances
    through :func:`backstride.core.words.in_units`, paces "m:ss min/km" as "m:ss min/mi".
    """
    if units != "mi":
        return text

    def pace(m: re.Match[str]) -> str:
        seconds = round((int(m.group(1)) * 60 + int(m.group(2))) * KM_PER_MILE)
        return f"{seconds // 60}:{seconds % 60:02d} min/mi"

    return _PACE_KM.sub(pace, in_units(text, units))
