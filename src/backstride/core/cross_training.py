"""Cross-training: what the runner has at hand, in the order the plan offers it, and its name in words.

One home for it (X-SWAP): the week's layout, today's call and the rolling week all read these.
The gentlest all-round movement comes first (swimming, deep-water running), as X-SWAP's source says.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["PREFERENCE", "at_hand", "name"]

PREFERENCE = ("swim", "deep_water_running", "elliptical", "bike", "incline_walk", "rower", "ski_erg", "yoga")
_DEFAULT = ("bike", "incline_walk")  # what most runners can reach when they have not said
_NAMES = {"swim": "swim", "deep_water_running": "deep-water running", "elliptical": "elliptical",
          "bike": "bike", "incline_walk": "incline walk", "rower": "rower", "ski_erg": "ski erg", "yoga": "yoga"}


def at_hand(own: Sequence[str] | None) -> list[str]:
    """The runner's cross-training (or the default when they have not said), gentlest first."""
    given = tuple(own) if own else _DEFAULT
    return [c for c in PREFERENCE if c in given] + [c for c in given if c not in PREFERENCE]


def name(activity: str) -> str:
    """The activity in plain words."""
    return _NAMES.get(activity, activity.replace("_", " "))
