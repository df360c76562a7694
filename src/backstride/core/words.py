"""Words the runner reads: distances in their own units, counts that agree with their nouns, lists.

Every text the core writes goes through these, so "1 runs", "1 week in a row",
"irritable.." and a kilometre figure in a miles runner's text cannot slip in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

__all__ = ["KM_PER_MI", "KM_PER_MILE", "Units", "count", "distance", "distance_value", "in_a_row", "in_units", "join",
           "number", "percent", "sentence"]

Units = Literal["km", "mi"]
KM_PER_MI = 1.609344
KM_PER_MILE = KM_PER_MI
_KM = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?:(-|–| to )(\d+(?:\.\d+)?))? ?km\b(?!/)")
_IRREGULAR = {"strength session": "strength sessions", "cross-training session": "cross-training sessions"}


def distance_value(km: float, units: Units) -> float:
    """A distance in the runner's units, rounded to the tenth they read."""
    return round(km / KM_PER_MI if units == "mi" else km, 1)


def distance(km: float, units: Units) -> str:
    """A distance as the runner reads it: ``distance(5.1, "km") == "5.1 km"``, ``distance(5.1, "mi") == "3.2 mi"``."""
    return f"{distance_value(km, units):.1f} {units}"


def number(value: float) -> str:
    """A catalogue number as text: 7.0 -> "7", 0.5 -> "0.5", 6.25 -> "6.25"."""
    return f"{value:g}"


def percent(fraction: float) -> str:
    """A catalogue fraction as a percentage: 0.4 -> "40%", 0.125 -> "12.5%"."""
    return f"{round(fraction * 100, 1):g}%"


def _plural(noun: str) -> str:
    if noun in _IRREGULAR:
        return _IRREGULAR[noun]
    if noun.endswith(("s", "sh", "ch", "x")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def count(n: int, noun: str, plural: str | None = None) -> str:
    """A count with its noun agreeing: ``count(1, "run") == "1 run"``, ``count(2, "run") == "2 runs"``."""
    return f"{n} {noun if n == 1 else plural or _plural(noun)}"


def in_a_row(n: int, noun: str) -> str:
    """``in_a_row(3, "week") == "3 weeks in a row"``; a single one is just "1 week" (one is not a row)."""
    return count(n, noun) if n == 1 else f"{count(n, noun)} in a row"


def join(items: Iterable[str], word: str = "and") -> str:
    """``join(["a", "b", "c"]) == "a, b and c"``; one item alone; none is the empty string."""
    parts = [p for p in items if p]
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {word} {parts[-1]}"


def sentence(text: str) -> str:
    """Text as one sentence: a capital first letter and exactly one full stop ("irritable.." cannot happen)."""
    body = text.strip().rstrip(".").rstrip()
    if not body:
        return ""
    body = body[0].upper() + body[1:]
    return body if body[-1] in "!?" else body + "."


def _mi(value: str) -> str:
    decimals = len(value.split(".")[1]) if "." in value else 0
    miles = float(value) / KM_PER_MI
    # Whole kilometres become whole miles unless that loses the size of a short distance.
    if decimals == 0 and miles >= 10:
        return f"{miles:.0f}"
    return f"{miles:.1f}"


def in_units(text: str, units: str) -> str:
    """``text`` with every distance written in km rewritten in the runner's units (unchanged for km)."""
    if units != "mi" or "km" not in text:
        return text

    def swap(m: re.Match[str]) -> str:
        low, sep, high = m.group(1), m.group(2), m.group(3)
        return f"{_mi(low)}{sep}{_mi(high)} mi" if high else f"{_mi(low)} mi"

    return _KM.sub(swap, text)
