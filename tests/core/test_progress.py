"""Pain against load, week by week: the figures a runner and clinician read in `backstride weeks`."""

from __future__ import annotations

from backstride.contract import parse_state
from backstride.core.progress import weekly_progress

BASE = {"schema": "backstride.state/1", "today": "2026-11-30",
        "athlete": {"baseline": {"sessions": [{"day": "tue", "kind": "easy", "distance_km": 8}]},
                    "easy_pace_min_per_km": 6.0}}


def test_a_hard_run_logged_by_time_only_counts_in_the_hard_share() -> None:
    state = parse_state({**BASE, "activities": [
        {"date": "2026-11-24", "kind": "easy", "distance_km": 6},
        {"date": "2026-11-26", "kind": "tempo", "duration_min": 30},  # a watch-less tempo: 5 km at 6 min/km
    ], "checkins": [{"date": "2026-11-26", "pain_rest": 1, "pain_during": 2}]})
    week = weekly_progress(state, weeks=2)[0]  # the week before this one (today is a Monday)
    assert (week.run_km, week.run_minutes, week.runs, week.longest_km) == (11.0, 66.0, 2, 6.0)
    assert week.hard_share == 0.45
    assert (week.worst_pain, week.response) == (2, "green")


def test_history_given_out_of_order_reads_the_same_weeks() -> None:
    activities = [{"date": f"2026-11-{d:02d}", "kind": "easy", "distance_km": d / 2} for d in range(2, 30, 3)]
    state = parse_state({**BASE, "activities": activities})
    shuffled = parse_state({**BASE, "activities": activities[::-1]})
    assert weekly_progress(shuffled, weeks=4) == weekly_progress(state, weeks=4)


def test_weeks_are_monday_weeks_shared_with_causes_whatever_the_weekday_of_today() -> None:
    from backstride.core.causes import find_causes
    from backstride.core.weeks import week_start

    activities = [{"date": "2026-11-18", "kind": "easy", "distance_km": 8}]  # a Wednesday
    for today in ("2026-11-26", "2026-11-29", "2026-11-30", "2026-12-02"):
        state = parse_state({**BASE, "today": today, "activities": activities})
        rows = weekly_progress(state, weeks=3)
        assert all(r.start.weekday() == 0 for r in rows), today
        assert rows[-1].start == week_start(state.today)
        week = next(r for r in rows if r.run_km)
        assert week.start.isoformat() == "2026-11-16"
        assert all(w.weekday() == 0 for c in find_causes(state).causes for w in c.weeks)
