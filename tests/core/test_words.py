"""Distances in the runner's units and counts that read right."""

from __future__ import annotations

import pytest

from backstride.core.words import count, distance, in_units


@pytest.mark.parametrize(("text", "expected"), [
    ("Easy 5.1 km at a conversational effort", "Easy 3.2 mi at a conversational effort"),
    ("your normal 44.0 km", "your normal 27.3 mi"),
    ("shoes last about 480-800 km", "shoes last about 298-497 mi"),
    ("a 3 km walk is fine instead", "a 1.9 mi walk is fine instead"),
    ("a 30km run", "a 19 mi run"),
    ("70% of your normal week, no single run above 11.0 km (110%)", "70% of your normal week, no single run "
                                                                     "above 6.8 mi (110%)"),
    ("4 km/h", "4 km/h"),  # a speed is not a distance
    ("no distance here", "no distance here"),
])
def test_every_distance_reads_in_miles_for_a_runner_in_miles(text: str, expected: str) -> None:
    assert in_units(text, "mi") == expected


def test_a_runner_in_km_reads_the_text_unchanged() -> None:
    assert in_units("Easy 5.1 km", "km") == "Easy 5.1 km"


def test_distance_and_count() -> None:
    assert distance(8.047, "mi") == "5.0 mi" and distance(8.0, "km") == "8.0 km"
    assert (count(1, "run"), count(2, "run"), count(1, "week"), count(3, "week")) == ("1 run", "2 runs", "1 week",
                                                                                      "3 weeks")
