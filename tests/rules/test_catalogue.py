"""The rule catalogue: every guidance rule is there with its numbers and source; the loader is strict."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backstride.rules import CatalogueError, default_catalogue, load_catalogue
from tests.conftest import SHARED

GUIDANCE_IDS = [
    "T-EMERG", "T-NEURO", "T-SERIOUS", "T-PERSIST", "T-DIAG", "T-WALK", "P-GREEN", "P-AMBER", "P-RED-DURING",
    "P-RED-24H", "W-START", "W-FLARE", "W-PROGRESS", "W-DELOAD", "L-SPIKE", "M-MONOTONY", "W-SPLIT",
    "W-SPACE", "I-EASY", "I-LONGREPS", "I-STAIRS", "L-SHORT", "L-RUNWALK", "L-RESTART", "X-SWAP",
    "R-RECOVERY", "S-TWO", "S-AVOID", "S-KEEP", "WU-SHORT", "CD-MOBILITY", "F-CADENCE", "F-LEAN", "F-SOFT",
    "F-WALKBREAK", "E-SURFACE", "E-SHOES",
]


def test_every_rule_of_the_guidance_is_in_the_catalogue() -> None:
    ids = {r.id for r in default_catalogue()}
    assert set(GUIDANCE_IDS) <= ids


def test_the_catalogue_matches_the_guidance_page_when_it_is_there() -> None:
    page = SHARED / "guidance.md"
    if not page.exists():
        pytest.skip(f"{page} is absent")
    ids = set(re.findall(r"^\| ([A-Z]+-[A-Z0-9-]+) \|", page.read_text(), flags=re.M))
    assert ids and ids <= {r.id for r in default_catalogue()}


def test_the_guidance_numbers_are_the_defaults() -> None:
    c = default_catalogue()
    assert (c.value("W-START", "min_fraction"), c.value("W-START", "fraction"), c.value("W-START", "max_fraction")) \
        == (0.6, 0.7, 0.8)
    assert (c.value("W-FLARE", "min_cut"), c.value("W-FLARE", "cut"), c.value("W-FLARE", "max_cut")) == (0.1, 0.15, 0.2)
    assert c.value("W-PROGRESS", "max_increase") == 0.1
    assert c.value("L-SPIKE", "max_ratio") == 1.1
    assert c.value("P-RED-DURING", "max_rise_points") == 3
    assert c.value("P-RED-24H", "next_morning_rise_points") == 2
    assert (c.value("E-SHOES", "warn_km"), c.value("E-SHOES", "replace_km")) == (480, 800)
    assert (c.value("X-SWAP", "min_minutes"), c.value("X-SWAP", "max_minutes")) == (20, 40)
    assert c.value("M-MONOTONY", "max_monotony") == 2.0


def test_every_rule_has_a_source_and_every_number_a_unit() -> None:
    for rule in default_catalogue():
        assert rule.source.strip() and rule.title.strip() and rule.summary.strip()
        for p in rule.parameters.values():
            assert p.unit.strip() and p.description.strip()


def test_article_numbers_are_spelled_out_as_titles() -> None:
    assert "Running With Back Pain" in default_catalogue().source("W-START")


def test_a_clinician_adjustment_is_a_named_change_beside_the_default() -> None:
    base = default_catalogue()
    tuned = base.with_overrides({("W-START", "fraction"): 0.65}, reason="Dr Lee, very irritable back")
    assert tuned.value("W-START", "fraction") == 0.65
    assert base.value("W-START", "fraction") == 0.7
    (o,) = tuned.overrides
    assert (o.rule_id, o.parameter, o.default, o.value) == ("W-START", "fraction", 0.7, 0.65)


def test_two_numbers_adjusted_in_one_rule_both_hold() -> None:
    tuned = default_catalogue().with_overrides(
        {("W-START", "fraction"): 0.65, ("W-START", "max_fraction"): 0.75}, reason="physio's choice")
    assert (tuned.value("W-START", "fraction"), tuned.value("W-START", "max_fraction")) == (0.65, 0.75)
    assert {(o.parameter, o.value) for o in tuned.overrides} == {("fraction", 0.65), ("max_fraction", 0.75)}


def test_the_section_8_rules_carry_the_guidance_numbers() -> None:
    c = default_catalogue()
    assert c.value("W-TOLERATED", "look_back_weeks") == 8
    assert c.value("T-NODOSE", "weeks_in_a_row") == 3
    assert (c.value("P-SEVERE-REST", "severe_points"), c.value("P-SEVERE-REST", "mornings"),
            c.value("P-SEVERE-REST", "window_days")) == (7, 3, 7)
    assert c.value("L-SHARE", "max_share") == 0.4
    assert (c.value("L-RESTART-LADDER", "break_days"), c.value("L-RESTART-LADDER", "run_min"),
            c.value("L-RESTART-LADDER", "walk_min"), c.value("L-RESTART-LADDER", "sessions_per_week")) == (14, 1, 2, 3)
    assert (c.value("L-RESTART-LADDER", "min_session_min"), c.value("L-RESTART-LADDER", "max_session_min")) == (20, 30)
    assert c.value("B-RETURN-ONE", "changes_per_week") == 1
    assert c.value("B-MIN-RUN", "min_minutes") == 15
    assert c.value("B-DAY-LOAD", "max_sessions") == 2


def test_a_plan_with_an_adjusted_rule_says_so() -> None:
    from backstride.contract import parse_state
    from backstride.core.planner import plan_week

    tuned = default_catalogue().with_overrides({("W-START", "fraction"): 0.65}, reason="clinician's choice")
    state = parse_state({"schema": "backstride.state/1", "today": "2026-11-30",
                         "athlete": {"baseline": {"sessions": [
                             {"day": "tue", "kind": "easy", "distance_km": 10},
                                                               {"day": "sun", "kind": "long", "distance_km": 10}]}},
                         "checkins": [{"date": "2026-11-29", "pain_rest": 3}]})
    plan = plan_week(state, tuned)
    assert plan.volume.planned_run_km == pytest.approx(13.0, abs=0.5)
    assert any("adjusted by your physio: fraction 65% (cited default 70%)" in r.why
               for r in plan.rules_applied if r.id == "W-START")


BROKEN = {
    "unknown key": ('[[rule]]\nid = "X-1"\ntitle = "t"\nsection = "dose"\nsummary = "s"\nsource = "000"\n'
                    'colour = "red"\n'),
    "missing source": '[[rule]]\nid = "X-1"\ntitle = "t"\nsection = "dose"\nsummary = "s"\n',
    "parameter without unit": ('[[rule]]\nid = "X-1"\ntitle = "t"\nsection = "dose"\nsummary = "s"\nsource = "000"\n'
                               '[rule.parameters.k]\nvalue = 1\ndescription = "d"\n'),
    "parameter that is not a number": ('[[rule]]\nid = "X-1"\ntitle = "t"\nsection = "dose"\nsummary = "s"\n'
                                       'source = "000"\n[rule.parameters.k]\nvalue = "1"\nunit = "u"\n'
                                       'description = "d"\n'),
    "duplicate key": '[[rule]]\nid = "X-1"\nid = "X-2"\n',
    "unknown section": '[[rule]]\nid = "X-1"\ntitle = "t"\nsection = "misc"\nsummary = "s"\nsource = "000"\n',
    "triage rule without a level": ('[[rule]]\nid = "X-1"\ntitle = "t"\nsection = "triage"\nsummary = "s"\n'
                                    'source = "000"\nstops_running = true\n'),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_the_loader_names_the_file_and_the_problem(case: str, tmp_path: Path) -> None:
    f = tmp_path / "broken.toml"
    f.write_text(BROKEN[case])
    with pytest.raises(CatalogueError) as err:
        load_catalogue([f])
    assert "broken.toml" in str(err.value)


def test_a_rule_defined_twice_is_refused(tmp_path: Path) -> None:
    rule = '[[rule]]\nid = "X-1"\ntitle = "t"\nsection = "dose"\nsummary = "s"\nsource = "000"\n'
    (tmp_path / "a.toml").write_text(rule)
    (tmp_path / "b.toml").write_text(rule)
    with pytest.raises(CatalogueError, match=r"already defined in a\.toml"):
        load_catalogue([tmp_path / "a.toml", tmp_path / "b.toml"])
