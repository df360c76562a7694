"""Words for people: distances in the runner's own units, and counts that read right ("1 run", "2 runs").

The planner reasons in kilometres, as the contract does; every text a person reads passes through
:func:`in_units` on its way out, so a runner in miles never meets a kilometre.
"""

from __future__ import annotations

import re

__all__ = ["KM_PER_MILE", "count", "distance", "in_units"]

KM_PER_MILE = 1.609344
_KM = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?:(-|–| to )(\d+(?:\.\d+)?))? ?km\b(?!/)")


def _mi(value: str) -> str:
    decimals = len(value.split(".")[1]) if "." in value else 0
    miles = float(value) / KM_PER_MILE
    # Whole kilometres become whole miles unless that loses the size of a short distance.
    if decimals == 0 and miles >= 10:
        return f"{miles:.0f}"
    return f"{miles:.1f}"


def distance(km: float, units: str, digits: int = 1) -> str:
    """A distance in the runner's units: "5.1 km" or "3.2 mi"."""
    if units == "mi":
        return f"{km / KM_PER_MILE:.{digits}f} mi"
    return f"{km:.{digits}f} km"


def in_units(text: str, units: str) -> str:
    """``text`` with every distance written in km rewritten in the runner's units (unchanged for km)."""
    if units != "mi" or "km" not in text:
        return text

    def swap(m: re.Match[str]) -> str:
        low, sep, high = m.group(1), m.group(2), m.group(3)
        return f"{_mi(low)}{sep}{_mi(high)} mi" if high else f"{_mi(low)} mi"

    return _KM.sub(swap, text)


def count(n: int, singular: str, plural: str | None = None) -> str:
    """"1 run", "2 runs", "1 week", "3 weeks"."""
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"
