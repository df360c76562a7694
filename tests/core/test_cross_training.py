"""Cross-training has one home: what the runner has at hand, gentlest first, and its name in words."""

from __future__ import annotations

from backstride.core import cross_training


def test_the_runners_own_cross_training_comes_gentlest_first() -> None:
    assert cross_training.at_hand(("bike", "swim")) == ["swim", "bike"]


def test_a_runner_who_has_not_said_gets_bike_then_incline_walk() -> None:
    assert cross_training.at_hand(None) == ["bike", "incline_walk"]
    assert cross_training.at_hand(()) == ["bike", "incline_walk"]


def test_names_read_as_words() -> None:
    assert cross_training.name("deep_water_running") == "deep-water running"
    assert cross_training.name("incline_walk") == "incline walk"
