"""Treat the cause: each cause found when the history shows it, checked-and-clear when it does not,
and asked about when there is no data to judge."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backstride.contract import parse_state
from backstride.core.causes import Cause, CausesReport, Question, find_causes
from backstride.rules import default_catalogue, load_catalogue

TODAY = dt.date(2026, 11, 30)  # a Monday
MON = dt.date(2026, 8, 3)  # the first Monday of the history the helpers build
PAIN_DAY = dt.date(2026, 10, 10)  # a Saturday, in the week of 2026-10-05


def week(n: int) -> dt.date:
    """Monday of the n-th week of the history (week 9 is the week of 2026-10-05)."""
    return MON + dt.timedelta(weeks=n)


def runs(km_by_week: list[float], days: tuple[tuple[int, float], ...] = ((1, 0.3), (3, 0.3), (6, 0.4)),
         **extra: Any) -> list[dict[str, Any]]:
    """Three runs a week (tue, thu, sun) splitting each week's km; 5:30 min/km unless told."""
    out = []
    for n, km in enumerate(km_by_week):
        for offset, share in days:
            dist = round(km * share, 3)
            out.append({"date": str(week(n) + dt.timedelta(days=offset)), "kind": "easy", "distance_km": dist,
                        "duration_min": round(dist * 5.5, 3), **extra})
    return out


def state(activities: list[dict[str, Any]] | None = None, checkins: list[dict[str, Any]] | None = None,
          shoes: list[dict[str, Any]] | None = None, units: str = "km", today: dt.date = TODAY,
          baseline: list[dict[str, Any]] | None = None) -> Any:
    athlete: dict[str, Any] = {
        "units": units,
        "baseline": {"sessions": baseline or [{"day": "tue", "kind": "easy", "distance_km": 10},
                                              {"day": "thu", "kind": "easy", "distance_km": 8},
                                              {"day": "sun", "kind": "long", "distance_km": 12}]},
    }
    if shoes is not None:
        athlete["shoes"] = shoes
    return parse_state({"schema": "backstride.state/1", "today": str(today), "athlete": athlete,
                        "checkins": checkins or [], "activities": activities or []})


def pain(day: dt.date = PAIN_DAY, **fields: Any) -> dict[str, Any]:
    return {"date": str(day), "pain_rest": 3, **fields}


def cause(report: CausesReport, cause_id: str) -> Cause:
    found = [c for c in report.causes if c.id == cause_id]
    assert found, f"{cause_id} not in {[c.id for c in report.causes]}"
    return found[0]


def has_cause(report: CausesReport, cause_id: str) -> bool:
    return any(c.id == cause_id for c in report.causes)


def question(report: CausesReport, question_id: str) -> Question:
    found = [q for q in report.questions if q.id == question_id]
    assert found, f"{question_id} not in {[q.id for q in report.questions]}"
    return found[0]


STEADY = [30.0] * 17  # 17 weeks of 30 km, up to the week before today


# --- the rules file ------------------------------------------------------------------------------

def test_cause_rules_load_with_sources_and_thresholds() -> None:
    cat = load_catalogue()
    for rid in ("C-WINDOW", "C-LOAD-JUMP", "C-ACWR", "C-RUN-SPIKE", "C-REST-DAYS", "C-NO-STRENGTH", "C-SHOES",
                "C-DOWNHILL", "C-CADENCE", "C-SLEEP", "C-STRESS"):
        rule = cat.rule(rid)
        assert rule.section == "backstride" and rule.source
    assert cat.value("C-LOAD-JUMP", "max_rise") == pytest.approx(0.10)
    assert cat.value("C-ACWR", "max_ratio") == pytest.approx(1.5)
    assert cat.value("C-DOWNHILL", "max_gain_m_per_km") == 20
    assert cat.value("C-CADENCE", "slow_min_spm") == 160 and cat.value("C-CADENCE", "fast_min_spm") == 165
    assert cat.value("C-SLEEP", "min_hours") == 7 and cat.value("C-STRESS", "high_stress") == 6
    assert "Lower back pain when running" in cat.source("C-LOAD-JUMP")  # 001 spelled out


# --- load ----------------------------------------------------------------------------------------

def test_load_jump_found_names_week_and_km() -> None:
    report = find_causes(state(runs([30.0] * 9 + [42.0] + [30.0] * 7), [pain()]))
    c = cause(report, "C-LOAD-JUMP")
    assert c.found
    assert "week of 2026-10-05: 42 km after 30 km (+40%)" in c.evidence
    assert c.weeks == ("2026-10-05",)
    assert c.numbers["largest_rise_pct"] == pytest.approx(40)
    assert c.rule == "W-PROGRESS" and "Lower back pain when running" in c.source
    assert report.causes[0].found  # found causes come first


def test_load_jump_not_found_on_steady_weeks() -> None:
    c = cause(find_causes(state(runs(STEADY), [pain()])), "C-LOAD-JUMP")
    assert not c.found and c.weeks == ()
    assert "No week rose by more than 10%" in c.evidence


def test_load_jump_after_the_pain_began_is_marked() -> None:
    c = cause(find_causes(state(runs([30.0] * 12 + [40.0] + [30.0] * 4), [pain()])), "C-LOAD-JUMP")
    assert c.found and "week of 2026-10-26: 40 km after 30 km (+33%) (after the pain began)" in c.evidence


def test_load_jump_threshold_is_data() -> None:
    cat = default_catalogue().with_overrides({("C-LOAD-JUMP", "max_rise"): 0.5}, "test")
    c = cause(find_causes(state(runs([30.0] * 9 + [42.0] + [30.0] * 7), [pain()]), cat), "C-LOAD-JUMP")
    assert not c.found and "more than 50%" in c.evidence


def test_first_logged_week_is_not_a_jump_from_nothing() -> None:
    # The log starts on a Wednesday: that week is partial, so the next one is not compared with it.
    acts = [{"date": str(week(0) + dt.timedelta(days=d)), "kind": "easy", "distance_km": 5} for d in (2, 4)]
    acts += runs([0.0, 30.0, 30.0])[3:]
    report = find_causes(state(acts, today=week(3)))
    assert not cause(report, "C-LOAD-JUMP").found


def test_acwr_spike_found_names_week_and_ratio() -> None:
    report = find_causes(state(runs([20.0] * 9 + [40.0] + [20.0] * 7), [pain()]))
    c = cause(report, "C-ACWR")
    assert c.found and c.weeks == ("2026-10-05",)
    assert ("week of 2026-10-05: 40 km against an average of 20 km a week over the 4 weeks before "
            "(ratio 2.00)") in c.evidence
    assert c.numbers["highest_ratio"] == pytest.approx(2.0)


def test_acwr_not_found_on_gradual_build() -> None:
    kms = [20.0 * 1.08 ** n for n in range(17)]  # +8% a week: neither a jump nor a spike
    report = find_causes(state(runs(kms), [pain()]))
    assert not cause(report, "C-ACWR").found
    assert not cause(report, "C-LOAD-JUMP").found


def test_single_run_spike_found_and_not() -> None:
    acts = runs(STEADY)  # longest run 12 km each week
    acts.append({"date": "2026-10-03", "kind": "long", "distance_km": 18, "duration_min": 100})
    c = cause(find_causes(state(acts, [pain()])), "C-RUN-SPIKE")
    assert c.found
    assert "2026-10-03: 18 km when your longest in the 30 days before was 12 km (+50%)" in c.evidence
    assert c.weeks == ("2026-09-28",) and c.rule == "L-SPIKE"
    assert not cause(find_causes(state(runs(STEADY), [pain()])), "C-RUN-SPIKE").found


def test_no_runs_means_a_load_question_not_a_cause() -> None:
    report = find_causes(state([], [pain()]))
    assert not has_cause(report, "C-LOAD-JUMP") and not has_cause(report, "C-ACWR")
    assert question(report, "Q-LOAD").text.startswith("Did you run more")
    assert report.weeks_examined == 0


# --- rest days -----------------------------------------------------------------------------------

def test_too_few_rest_days_counts_the_weeks() -> None:
    every_day = tuple((d, 1 / 7) for d in range(7))
    daily = [a for a in runs([0.0] * 15 + [35.0, 35.0], days=every_day) if a["distance_km"]]
    acts = runs([30.0] * 15) + daily
    c = cause(find_causes(state(acts, [pain(dt.date(2026, 11, 25))])), "C-REST-DAYS")
    assert c.found
    assert c.weeks == ("2026-11-16", "2026-11-23")
    assert c.evidence.startswith("2 of ")
    assert "no day free of running or hard training" in c.evidence
    assert c.numbers["weeks_short_of_rest"] == 2


def test_hard_cross_training_is_not_rest() -> None:
    # Hard bike sessions on every non-running day of the last full week.
    acts = runs(STEADY) + [{"date": str(week(16) + dt.timedelta(days=d)), "kind": "cross_training",
                            "duration_min": 60, "rpe": 8} for d in (0, 2, 4, 5)]
    c = cause(find_causes(state(acts, [pain()])), "C-REST-DAYS")
    assert c.found and c.weeks == ("2026-11-23",)


def test_rest_days_not_found_with_days_off() -> None:
    c = cause(find_causes(state(runs(STEADY), [pain()])), "C-REST-DAYS")
    assert not c.found and "fewest in a week: 4" in c.evidence


# --- strength and mobility -----------------------------------------------------------------------

def test_no_strength_found_when_only_runs_logged() -> None:
    c = cause(find_causes(state(runs(STEADY), [pain()])), "C-NO-STRENGTH")
    assert c.found and "No strength or mobility session is logged" in c.evidence
    assert c.numbers["strength_sessions"] == 0 and c.rule == "S-TWO"


def test_no_strength_mentions_an_unlogged_usual_strength_session() -> None:
    baseline: list[dict[str, Any]] = [{"day": "tue", "kind": "easy", "distance_km": 10},
                                      {"day": "wed", "kind": "strength"}]
    c = cause(find_causes(state(runs(STEADY), [pain()], baseline=baseline)), "C-NO-STRENGTH")
    assert c.found and "if you do it without logging it" in c.evidence


def test_strength_logged_is_not_a_cause() -> None:
    strength = [{"date": str(week(n) + dt.timedelta(days=2)), "kind": "strength", "duration_min": 30}
                for n in range(17)]
    acts = runs(STEADY) + strength + [{"date": "2026-10-01", "kind": "mobility", "duration_min": 15}]
    c = cause(find_causes(state(acts, [pain()])), "C-NO-STRENGTH")
    assert not c.found and c.evidence.startswith("17 strength and 1 mobility sessions")


def test_nothing_logged_asks_about_strength() -> None:
    report = find_causes(state([], [pain()]))
    assert not has_cause(report, "C-NO-STRENGTH")
    assert question(report, "Q-STRENGTH")


# --- shoes ---------------------------------------------------------------------------------------

def test_worn_shoes_found_with_catalogue_numbers() -> None:
    c = cause(find_causes(state(runs(STEADY), [pain()], shoes=[{"name": "Pegasus", "km": 650},
                                                                 {"name": "Racers", "km": 120}])), "C-SHOES")
    assert c.found and "Pegasus: 650 km" in c.evidence and "Racers" not in c.evidence
    assert c.numbers["warn_km"] == default_catalogue().value("E-SHOES", "warn_km")
    assert c.rule == "E-SHOES"


def test_shoe_threshold_comes_from_e_shoes() -> None:
    cat = default_catalogue().with_overrides({("E-SHOES", "warn_km"): 700}, "test")
    c = cause(find_causes(state(runs(STEADY), shoes=[{"name": "Pegasus", "km": 650}]), cat), "C-SHOES")
    assert not c.found and "under 700 km" in c.evidence


def test_fresh_shoes_not_found_and_no_shoes_asked() -> None:
    fresh = find_causes(state(runs(STEADY), shoes=[{"name": "Pegasus", "km": 200}]))
    assert not cause(fresh, "C-SHOES").found
    report = find_causes(state(runs(STEADY)))
    assert not has_cause(report, "C-SHOES") and question(report, "Q-SHOES")


# --- hills ---------------------------------------------------------------------------------------

def test_hilly_running_found_and_says_descending_honestly() -> None:
    acts = runs(STEADY)
    for a in acts:
        a["elevation_gain_m"] = a["distance_km"] * 25
    c = cause(find_causes(state(acts, [pain()])), "C-DOWNHILL")
    assert c.found and "25 m per km" in c.evidence
    assert "records only the climbing" in c.evidence and "run down about as much as you climb" in c.evidence
    assert c.numbers["gain_m_per_km"] == pytest.approx(25)
    assert "2026-10-05" in c.weeks


def test_flat_running_not_found() -> None:
    acts = runs(STEADY, elevation_gain_m=20)  # 20 m a run: under 3 m per km
    c = cause(find_causes(state(acts, [pain()])), "C-DOWNHILL")
    assert not c.found and "not hilly" in c.evidence


def test_no_elevation_is_a_question() -> None:
    report = find_causes(state(runs(STEADY), [pain()]))
    assert not has_cause(report, "C-DOWNHILL")
    assert "No elevation is recorded" in question(report, "Q-HILLS").why


# --- cadence -------------------------------------------------------------------------------------

def test_low_cadence_for_slow_runs_may_be_overstriding() -> None:
    c = cause(find_causes(state(runs(STEADY, cadence_spm=152), [pain()])), "C-CADENCE")
    assert c.found and "may be overstriding" in c.evidence
    assert "Median 152 steps a minute over" in c.evidence
    assert "slower than 5:00 min/km (below 160)" in c.evidence
    assert c.rule == "F-CADENCE" and "2026-10-05" in c.weeks


def test_fast_runs_judged_against_their_own_threshold() -> None:
    fast = [{"date": str(week(n) + dt.timedelta(days=2)), "kind": "tempo", "distance_km": 10,
             "duration_min": 45, "cadence_spm": 162} for n in range(17)]  # 4:30 min/km
    c = cause(find_causes(state(runs(STEADY, cadence_spm=170) + fast, [pain()])), "C-CADENCE")
    assert c.found and "at 5:00 min/km or faster (below 165)" in c.evidence
    assert "(at least 160)" in c.evidence  # the slow runs were fine
    assert c.numbers["fast_median_spm"] == 162 and c.numbers["slow_median_spm"] == 170


def test_good_cadence_not_found() -> None:
    c = cause(find_causes(state(runs(STEADY, cadence_spm=166), [pain()])), "C-CADENCE")
    assert not c.found and "no sign of overstriding" in c.evidence


def test_run_walk_cadence_is_not_judged() -> None:
    acts = runs(STEADY)
    for a in acts:
        a.update(kind="run_walk", cadence_spm=130)  # the walking pulls the average down
    report = find_causes(state(acts, [pain()]))
    assert not has_cause(report, "C-CADENCE")
    assert "No cadence is recorded" in question(report, "Q-CADENCE").why


def test_no_cadence_is_a_question() -> None:
    report = find_causes(state(runs(STEADY), [pain()]))
    assert not has_cause(report, "C-CADENCE") and question(report, "Q-CADENCE")


# --- sleep and stress ----------------------------------------------------------------------------

def checkins(sleep: float | None, stress: int | None, n: int = 6) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        c: dict[str, Any] = pain(PAIN_DAY + dt.timedelta(days=i))
        if sleep is not None:
            c["sleep_hours"] = sleep
        if stress is not None:
            c["stress"] = stress
        out.append(c)
    return out


def test_short_sleep_and_high_stress_found() -> None:
    report = find_causes(state(runs(STEADY), checkins(6.0, 7)))
    sleep, stress = cause(report, "C-SLEEP"), cause(report, "C-STRESS")
    assert sleep.found and "6.0 hours a night on average over 6 check-ins" in sleep.evidence
    assert sleep.numbers["average_hours"] == 6.0 and sleep.weeks == ("2026-10-05", "2026-10-12")
    assert stress.found and "7.0/10 over 6 check-ins" in stress.evidence
    assert not {"Q-SLEEP", "Q-STRESS"} & {q.id for q in report.questions}


def test_enough_sleep_and_low_stress_not_found() -> None:
    report = find_causes(state(runs(STEADY), checkins(7.5, 3)))
    assert not cause(report, "C-SLEEP").found and not cause(report, "C-STRESS").found


def test_no_sleep_or_stress_recorded_is_asked() -> None:
    report = find_causes(state(runs(STEADY), checkins(None, None)))
    assert not has_cause(report, "C-SLEEP") and not has_cause(report, "C-STRESS")
    assert "No check-ins with sleep hours" in question(report, "Q-SLEEP").why
    assert question(report, "Q-STRESS")
    few = find_causes(state(runs(STEADY), checkins(5.0, 8, n=2)))
    assert "Only 2 check-ins" in question(few, "Q-SLEEP").why


# --- the window, the questions, the report -------------------------------------------------------

def test_window_is_twelve_weeks_before_the_pain_and_the_weeks_since() -> None:
    # A jump 15 weeks before the pain is outside the window and not reported.
    acts = runs([20.0, 20.0, 40.0] + [40.0] * 14)
    report = find_causes(state(acts, [pain(dt.date(2026, 11, 20))]))
    # pain week 2026-11-16, window from 2026-08-24 (week 3): the jump in week 2 is before it
    assert report.weeks_examined == 15
    assert not cause(report, "C-LOAD-JUMP").found


def test_no_pain_looks_at_the_last_twelve_weeks() -> None:
    report = find_causes(state(runs(STEADY)))
    assert report.weeks_examined == 12


def test_always_asks_what_no_log_shows() -> None:
    ids = [q.id for q in find_causes(state(runs(STEADY), checkins(6.0, 7))).questions]
    assert ids[-3:] == ["Q-SITTING", "Q-INJURY", "Q-SURFACE"]


def test_miles_in_the_evidence_for_a_miles_runner() -> None:
    c = cause(find_causes(state(runs([30.0] * 9 + [42.0] + [30.0] * 7), [pain()], units="mi")), "C-LOAD-JUMP")
    assert "week of 2026-10-05: 26.1 mi after 18.6 mi (+40%)" in c.evidence
    assert c.numbers["largest_rise_pct"] == pytest.approx(40)


def test_report_is_deterministic_and_json_ready() -> None:
    acts = runs([30.0] * 9 + [42.0] + [30.0] * 7, cadence_spm=150, elevation_gain_m=300)
    s = state(acts, checkins(6.0, 7), shoes=[{"name": "Pegasus", "km": 650}])
    first, second = find_causes(s), find_causes(s)
    assert first == second
    text = json.dumps(first.to_json_dict(), sort_keys=True)
    assert text == json.dumps(second.to_json_dict(), sort_keys=True)
    data = json.loads(text)
    assert set(data) == {"causes", "questions", "weeks_examined"}
    found = [c["found"] for c in data["causes"]]
    assert found == sorted(found, reverse=True)  # found first
    assert all(c["weeks"] == sorted(c["weeks"]) for c in data["causes"])
    assert {c.id for c in first.found} >= {"C-LOAD-JUMP", "C-SHOES", "C-DOWNHILL", "C-CADENCE", "C-SLEEP",
                                           "C-STRESS", "C-NO-STRENGTH"}


# --- any history -----------------------------------------------------------------------------------

KINDS = ("easy", "recovery", "long", "run", "run_walk", "tempo", "hills", "stairs", "intervals_short", "race",
         "cross_training", "strength", "mobility")


@st.composite
def histories(draw: st.DrawFn) -> dict[str, Any]:
    """Any backstride.state/1 history: gaps, empty records, future entries, odd cadences."""
    today = dt.date(2026, 1, 5) + dt.timedelta(days=draw(st.integers(0, 400)))

    def a_day() -> str:
        return str(today - dt.timedelta(days=draw(st.integers(-3, 220))))

    optional = st.none() | st.floats(0, 60).map(lambda x: round(x, 1))
    activities = [
        {k: v for k, v in {
            "date": a_day(), "kind": draw(st.sampled_from(KINDS)), "distance_km": draw(optional),
            "duration_min": draw(st.none() | st.floats(0, 300)), "rpe": draw(st.none() | st.integers(0, 10)),
            "elevation_gain_m": draw(st.none() | st.floats(0, 2000)),
            "cadence_spm": draw(st.none() | st.floats(0, 230)),
        }.items() if v is not None}
        for _ in range(draw(st.integers(0, 40)))
    ]
    checkins = [
        {k: v for k, v in {
            "date": a_day(), "pain_rest": draw(st.none() | st.integers(0, 10)),
            "sleep_hours": draw(st.none() | st.floats(0, 12)), "stress": draw(st.none() | st.integers(0, 10)),
        }.items() if v is not None}
        for _ in range(draw(st.integers(0, 20)))
    ]
    shoes = [{"name": f"pair {i}", "km": draw(st.floats(0, 1500))} for i in range(draw(st.integers(0, 3)))]
    return {"schema": "backstride.state/1", "today": str(today),
            "athlete": {"units": draw(st.sampled_from(("km", "mi"))), "shoes": shoes,
                        "baseline": {"sessions": [{"day": "sat", "kind": "long", "distance_km": 12}]}},
            "checkins": checkins, "activities": activities}


@settings(max_examples=60)  # each example draws a few hundred values; 60 cover the shapes
@given(histories())
def test_any_history_gives_a_sound_deterministic_report(data: dict[str, Any]) -> None:
    s = parse_state(data)
    report = find_causes(s)
    assert report == find_causes(s)
    json.dumps(report.to_json_dict(), allow_nan=False)  # finite numbers only
    ids = [c.id for c in report.causes]
    assert len(ids) == len(set(ids)) and all(i in default_catalogue() for i in ids)
    q_ids = [q.id for q in report.questions]
    assert len(q_ids) == len(set(q_ids)) and {"Q-SITTING", "Q-INJURY", "Q-SURFACE"} <= set(q_ids)
    found = [c.found for c in report.causes]
    assert found == sorted(found, reverse=True)
    for c in report.causes:
        assert c.evidence and c.advice and c.source and c.rule in default_catalogue()
        for w in c.weeks:
            monday = dt.date.fromisoformat(w)
            assert monday.weekday() == 0 and monday <= s.today
