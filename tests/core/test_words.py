"""The words the runner reads: units, counts, lists and sentences."""

from __future__ import annotations

import pytest

from backstride.core.words import (
    count,
    distance,
    distance_value,
    in_a_row,
    in_units,
    join,
    number,
    percent,
    sentence,
)


@pytest.mark.parametrize(("km", "units", "text"), [
    (5.1, "km", "5.1 km"), (5.1, "mi", "3.2 mi"), (44.0, "mi", "27.3 mi"), (0.0, "mi", "0.0 mi"),
    (42.195, "km", "42.2 km"),
])
def test_a_distance_is_in_the_runners_units(km: float, units: str, text: str) -> None:
    assert distance(km, units) == text  # type: ignore[arg-type]


def test_a_mile_is_a_mile() -> None:
    assert distance_value(1.609344, "mi") == 1.0


@pytest.mark.parametrize(("n", "noun", "text"), [
    (1, "run", "1 run"), (2, "run", "2 runs"), (0, "run", "0 runs"), (1, "week", "1 week"),
    (3, "day", "3 days"), (2, "strength session", "2 strength sessions"), (2, "box", "2 boxes"),
    (2, "recovery", "2 recoveries"),
])
def test_a_count_agrees_with_its_noun(n: int, noun: str, text: str) -> None:
    assert count(n, noun) == text


def test_one_is_not_a_row() -> None:
    assert in_a_row(1, "week") == "1 week"
    assert in_a_row(3, "week") == "3 weeks in a row"


def test_lists_and_sentences() -> None:
    assert join(["a"]) == "a"
    assert join(["a", "b"]) == "a and b"
    assert join(["a", "", "b", "c"], "or") == "a, b or c"
    assert join([]) == ""
    assert sentence("your back is irritable.") == "Your back is irritable."
    assert sentence("your back is irritable..") == "Your back is irritable."
    assert sentence("stop now!") == "Stop now!"
    assert sentence("  ") == ""


def test_catalogue_numbers_as_text() -> None:
    assert number(7.0) == "7"
    assert number(0.5) == "0.5"
    assert percent(0.4) == "40%"
    assert percent(0.125) == "12.5%"


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
