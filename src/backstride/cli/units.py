"""Distances in the runner's own units: what people read is in km or mi; JSON and storage stay in km."""

from __future__ import annotations

__all__ = ["KM_PER_MILE", "distance_text", "to_km", "unit_label"]

KM_PER_MILE = 1.609344


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
