"""A physio's adjustments: checked against the catalogue, cited in the plan, never a way round a stop."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backstride.contract import RUNNING_KINDS, parse_state
from backstride.core.adjustments import (
    Adjustment,
    AdjustmentProblem,
    adjustable,
    adjusted,
    bounds,
    check_adjustment,
)
from backstride.core.decide import decide_today
from backstride.core.planner import plan_week
from backstride.rules import default_catalogue
from tests.core.test_planner_properties import runners
from tests.plan_checks import contract_failures, decision_failures

RULES = default_catalogue()
ADJUSTABLE = bounds(RULES)  # the catalogue's adjustable numbers and their bounds


@pytest.mark.parametrize(("rule", "param", "value", "field", "words"), [
    ("W-NOPE", "fraction", 0.6, "rule", "no rule 'W-NOPE'"),
    ("W-START", "share", 0.6, "parameter", "has no parameter 'share'"),
    ("T-PERSIST", "weeks_with_pain", 8, "rule", "triage and the red flags are never adjustable"),
    ("B-PACE", "easy_pace_min_per_km", 7, "parameter", "cannot be adjusted"),
    ("W-START", "fraction", "lots", "value", "give a number"),
    ("W-START", "fraction", True, "value", "give a number"),
    ("W-START", "fraction", 0.95, "value", "between 40% and 80%"),
    ("I-EASY", "rpe_max", 3.5, "value", "whole number"),
    ("P-RED-DURING", "max_rise_points", 5, "value", "stricter only"),
    ("I-STAIRS", "allowed", "maybe", "value", "yes or no"),
    ("W-START", "fraction", float("nan"), "value", "give a number"),
])
def test_a_bad_adjustment_is_refused_naming_the_field(rule: str, param: str, value: Any, field: str,
                                                       words: str) -> None:
    with pytest.raises(AdjustmentProblem) as refused:
        check_adjustment(RULES, rule, param, value)
    assert refused.value.field == field and words in refused.value.message


def test_the_catalogue_refuses_a_bound_on_triage_or_one_that_leaves_out_its_cited_value(tmp_path: Any) -> None:
    from backstride.rules import CatalogueError, load_catalogue

    rule = """[[rule]]
id = "{id}"
title = "t"
section = "{section}"
summary = "s"
source = "000"
{extra}[rule.parameters.n]
value = 2
unit = "points"
description = "d"
adjust = {{ lo = {lo}, hi = 3, kind = "whole", why = "w" }}
"""
    triage = tmp_path / "t.toml"
    triage.write_text(rule.format(id="T-X", section="triage", extra='level = "emergency"\nstops_running = true\n',
                                  lo=1))
    with pytest.raises(CatalogueError, match="never adjustable"):
        load_catalogue([triage])
    outside = tmp_path / "o.toml"
    outside.write_text(rule.format(id="P-X", section="pain", extra="", lo=2.5))
    with pytest.raises(CatalogueError, match="around the cited value"):
        load_catalogue([outside])


def test_no_red_flag_or_triage_number_is_adjustable() -> None:
    for rule_id, _param, _bound in adjustable(RULES):
        assert RULES.rule(rule_id).section != "triage"
    assert {r for r, _ in ADJUSTABLE} <= {r.id for r in RULES}
    for (rule_id, param), bound in ADJUSTABLE.items():  # every bound holds its cited default
        assert bound.lo <= RULES.value(rule_id, param) <= bound.hi, (rule_id, param)


def test_values_are_read_as_a_clinician_types_them() -> None:
    assert check_adjustment(RULES, "W-START", "fraction", "60%").value == pytest.approx(0.6)
    assert check_adjustment(RULES, "W-START", "fraction", "0.6").value == pytest.approx(0.6)
    assert check_adjustment(RULES, "I-STAIRS", "allowed", "no").value == 0.0
    assert check_adjustment(RULES, "I-STAIRS", "allowed", False).value == 0.0


def test_a_range_must_stay_in_order() -> None:
    low = check_adjustment(RULES, "W-START", "fraction", 0.5)  # below the cited 60% least
    with pytest.raises(AdjustmentProblem) as refused:
        adjusted(RULES, [low])
    assert "keep min_fraction at or below fraction" in refused.value.message
    both = [check_adjustment(RULES, "W-START", "min_fraction", 0.5), low]
    assert adjusted(RULES, both).value("W-START", "fraction") == 0.5


def test_no_adjustments_is_the_catalogue_itself() -> None:
    assert adjusted(RULES, []) is RULES


def test_the_last_change_of_a_number_wins() -> None:
    rules = adjusted(RULES, [Adjustment("W-START", "fraction", 0.75), Adjustment("W-START", "fraction", 0.65)])
    assert rules.value("W-START", "fraction") == 0.65 and len(rules.overrides) == 1


_CHANGES = st.lists(st.sampled_from(sorted(ADJUSTABLE)), max_size=4, unique=True).flatmap(
    lambda keys: st.tuples(*[st.floats(ADJUSTABLE[k].lo, ADJUSTABLE[k].hi).map(
        lambda v, k=k: Adjustment(k[0], k[1], float(round(v)) if ADJUSTABLE[k].kind in ("whole", "yes_no")
                                  else v)) for k in keys]))


def _in_order(changes: tuple[Adjustment, ...]) -> bool:
    try:
        adjusted(RULES, changes)
    except AdjustmentProblem:
        return False
    return True


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(runners("any"), _CHANGES.filter(_in_order))
def test_no_valid_adjustment_lets_a_plan_run_under_a_stopping_triage(data: dict[str, Any],
                                                                     changes: tuple[Adjustment, ...]) -> None:
    state = parse_state(data)
    rules = adjusted(RULES, changes)
    plan, default = plan_week(state, rules), plan_week(state)
    assert contract_failures(plan, state) == []
    stopping = {"emergency", "see_clinician_soon"}
    if default.triage.level in stopping or {r.rule for r in default.triage.reasons} & {"T-DIAG", "T-WALK"}:
        assert not plan.running_allowed  # an adjustment never lifts a stop
    if plan.triage.level in stopping or {r.rule for r in plan.triage.reasons} & {"T-DIAG", "T-WALK"}:
        assert not plan.running_allowed and not [s for s in plan.sessions if s.kind in RUNNING_KINDS]
        decision = decide_today(state, rules)
        assert decision.session is None or decision.session.kind not in RUNNING_KINDS
        assert decision_failures(decision) == []
    for change in changes:  # and every adjustment is said, beside its cited default
        assert any(r.id == change.rule_id and "adjusted by your physio" in r.why for r in plan.rules_applied)
