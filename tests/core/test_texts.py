"""Every text the core writes, over many generated runners: no slips, the runner's units, the catalogue's numbers.

Plans and decisions are made for km and mi runners, with the default catalogue and with a clinician's
adjustment, and every reason, note and stop sign is scanned for the slips once found ("1 runs swapped",
"irritable..", "1 week in a row"), for kilometres in a miles runner's text, and for a default number
still shown after it was overridden.
"""

from __future__ import annotations

import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backstride.contract import parse_state
from backstride.core.decide import decide_today
from backstride.core.planner import plan_week
from backstride.core.words import in_units
from backstride.rules import Catalogue, default_catalogue
from tests.core.test_planner_properties import runners
from tests.plan_checks import texts

# "1 runs", "1 weeks in a row", "1 days": a count of one with a plural noun.
_ONE_PLURAL = re.compile(r"(?<![\d.,])1 (runs|weeks|days|mornings|sessions|times|minutes|kilometres|miles|tests|"
                         r"swaps|changes|points)\b")
_SLIPS = (
    (re.compile(r"\b1 week in a row\b"), "one week is not a row"),
    (re.compile(r"\.\.(?!\.)"), "a doubled full stop"),
    (re.compile(r"\s[.,;:]"), "a space before punctuation"),
    (re.compile(r"\b(\w+) \1\b"), "a doubled word"),
    (re.compile(r"\{|\}|None\b|nan\b"), "an unformatted value"),
)
_KM = re.compile(r"\d\s?km\b|\bkm\b|kilomet")

# A clinician's adjustment of numbers the texts quote: (rule, parameter) -> value.
ADJUSTED = {("P-SEVERE-REST", "severe_points"): 8.0, ("T-NODOSE", "weeks_in_a_row"): 4.0,
            ("T-NODOSE", "test_run_min"): 25.0, ("P-RED-DURING", "max_rise_points"): 2.0,
            ("B-NO-ANSWER", "stale_days"): 5.0}
# What a text says when it quotes one of those numbers: the default's words must not survive the adjustment.
DEFAULT_WORDS = {"P-SEVERE-REST": "(7/10 or more)", "T-NODOSE": "3 weeks in a row"}


def _slips(text: str) -> list[str]:
    found = [f"{why}: {text!r}" for pattern, why in _SLIPS if pattern.search(text)]
    if _ONE_PLURAL.search(text):
        found.append(f"a count of one with a plural noun: {text!r}")
    return found


def _all_texts(data: dict[str, Any], rules: Catalogue) -> list[str]:
    state = parse_state(data)
    return texts(plan_week(state, rules)) + texts(decide_today(state, rules))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(runners("any"), st.sampled_from(("km", "mi")))
def test_no_slips_in_any_text(data: dict[str, Any], units: str) -> None:
    data["athlete"]["units"] = units
    problems = [p for t in _all_texts(data, default_catalogue()) for p in _slips(t)]
    assert problems == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(runners("any"))
def test_a_miles_runner_reads_miles(data: dict[str, Any]) -> None:
    in_km = _all_texts(data, default_catalogue())
    data["athlete"]["units"] = "mi"
    in_mi = _all_texts(data, default_catalogue())
    assert [t for t in in_mi if _KM.search(t)] == []
    # The same texts, each distance rewritten, nothing dropped: a km runner's "5.1 km" is a miles runner's "3.2 mi".
    assert in_mi == [in_units(t, "mi") for t in in_km]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(runners("any"))
def test_an_adjusted_number_is_the_one_shown(data: dict[str, Any]) -> None:
    rules = default_catalogue().with_overrides(ADJUSTED, "a clinician's adjustment")
    state = parse_state(data)
    for doc in (plan_week(state, rules), decide_today(state, rules)):
        reasons = list(doc.triage.reasons) + list(getattr(doc, "reasons", ()))
        stale = [r.text for r in reasons if r.rule in DEFAULT_WORDS and DEFAULT_WORDS[r.rule] in r.text]
        assert stale == []
        stops = [s for s in doc.stop_if if "more than 3 points" in s] if hasattr(doc, "stop_if") else []
        assert stops == []


def test_the_adjusted_numbers_appear_where_their_rules_fire() -> None:
    rules = default_catalogue().with_overrides(ADJUSTED, "a clinician's adjustment")
    base = {"schema": "backstride.state/1", "today": "2026-11-30",
            "athlete": {"baseline": {"sessions": [{"day": "tue", "kind": "easy", "distance_km": 10},
                                                  {"day": "sun", "kind": "long", "distance_km": 12}]}},
            "checkins": [{"date": f"2026-11-{d}", "pain_rest": 9} for d in (26, 28, 30)]}
    plan = plan_week(parse_state(base), rules)
    text = " ".join(r.text for r in plan.triage.reasons)
    assert "(8/10 or more) on 3 mornings" in text
    decision = decide_today(parse_state(base), rules)
    assert any("more than 2 points" in s for s in decision.stop_if) or decision.action == "seek_care"
