"""Sport names written by apps in GPX ``<type>``, TCX ``Sport`` and Strava CSV ``Activity Type``."""

from __future__ import annotations

import re

__all__ = ["normalise_sport"]

# Strava's numeric GPX activity types (documented by Strava's upload API and its GPX export)
_STRAVA_CODES = {
    "1": "cycling",
    "2": "alpine_skiing",
    "3": "backcountry_skiing",
    "4": "hiking",
    "5": "ice_skating",
    "6": "inline_skating",
    "7": "cross_country_skiing",
    "8": "roller_skiing",
    "9": "running",
    "10": "walking",
    "11": "weight_training",
    "13": "swimming",
    "16": "rowing",
    "17": "kayaking",
    "29": "yoga",
}
_WORDS = {
    "run": "running",
    "running": "running",
    "trail_run": "trail_running",
    "trail_running": "trail_running",
    "virtual_run": "virtual_running",
    "treadmill": "treadmill_running",
    "treadmill_running": "treadmill_running",
    "jogging": "running",
    "track_running": "track_running",
    "street_running": "running",
    "ride": "cycling",
    "cycling": "cycling",
    "biking": "cycling",
    "bike": "cycling",
    "virtual_ride": "cycling",
    "mountain_bike_ride": "cycling",
    "gravel_ride": "cycling",
    "e_bike_ride": "e_biking",
    "road_biking": "cycling",
    "mountain_biking": "cycling",
    "swim": "swimming",
    "swimming": "swimming",
    "walk": "walking",
    "walking": "walking",
    "hike": "hiking",
    "hiking": "hiking",
    "nordic_ski": "cross_country_skiing",
    "alpine_ski": "alpine_skiing",
    "backcountry_ski": "backcountry_skiing",
    "cross_country_skiing": "cross_country_skiing",
    "rowing": "rowing",
    "other": "other",
}


def normalise_sport(text: str | None) -> str | None:
    """Map an app's sport label to backstride's sport string; None when it is not recognised."""
    if text is None:
        return None
    key = re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")
    if not key:
        return None
    if key in _STRAVA_CODES:
        return _STRAVA_CODES[key]
    return _WORDS.get(key)
