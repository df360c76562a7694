"""The plan as an iCalendar file: one all-day event per session except rest, stable and deterministic."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from icalendar import Calendar

from backstride.contract import Plan, Reason, RuleApplied, Session, Triage, Volume, parse_state
from backstride.core.planner import plan_week
from backstride.exports import plan_to_ics
from backstride.exports.calendar import EMERGENCY_SUMMARY, PRODID

MONDAY = dt.date(2026, 11, 30)


def day(n: int) -> dt.date:
    return MONDAY + dt.timedelta(days=n)


def make_plan(level: str = "none", reasons: tuple[Reason, ...] = ()) -> Plan:
    sessions = (
        Session(date=day(0), kind="easy", distance_km=4.0, duration_min=26, rpe_max=4,
                rules=("I-EASY", "W-START"), notes="Easy 4.0 km at a conversational effort."),
        Session(date=day(0), kind="strength", duration_min=25, rpe_max=6, rules=("S-TWO",),
                exercises=("split squats", "side planks"), notes="Stable, controlled work."),
        Session(date=day(1), kind="rest", rules=("M-MONOTONY",), notes="Rest day."),
        Session(date=day(2), kind="cross_training", activity="bike", duration_min=30, rpe_max=5,
                rules=("X-SWAP",), notes="30 min bike."),
        Session(date=day(3), kind="rest", rules=("M-MONOTONY",), notes="Rest day."),
        Session(date=day(6), kind="long_run_walk", distance_km=8.0, duration_min=55, rpe_max=4,
                rules=("L-RUNWALK", "I-EASY"), notes="Run 8 min, walk 2 min."),
    )
    return Plan(
        week_start=MONDAY, triage=Triage(level=level, reasons=reasons),  # type: ignore[arg-type]
        running_allowed=level == "none", phase="calm",
        volume=Volume(baseline_run_km=30, last_week_run_km=20, planned_run_km=12), sessions=sessions,
        rules_applied=(
            RuleApplied(id="I-EASY", why="easy running only, at a conversational effort", source="000"),
            RuleApplied(id="W-START", why="about 70% of your normal 30 km", source="000"),
            RuleApplied(id="S-TWO", why="two short strength sessions", source="000"),
            RuleApplied(id="X-SWAP", why="1 run swapped for 30 min of low-impact cardio", source="000"),
            RuleApplied(id="L-RUNWALK", why="the long run with walk breaks", source="003"),
            RuleApplied(id="M-MONOTONY", why="a rest day and varied sessions", source="Foster 1998"),
        ),
    )


def events(data: bytes) -> list[Any]:
    return list(Calendar.from_ical(data).walk("VEVENT"))


def test_one_all_day_event_per_session_except_rest() -> None:
    plan = make_plan()
    evs = events(plan_to_ics(plan))
    assert len(evs) == sum(s.kind != "rest" for s in plan.sessions) == 4
    assert [str(e["SUMMARY"]) for e in evs] == [
        "Easy run 4.0 km (backstride)", "Strength 25 min (backstride)", "Bike 30 min (backstride)",
        "Long run:walk 8.0 km (backstride)",
    ]
    for e, s in zip(evs, [s for s in plan.sessions if s.kind != "rest"], strict=True):
        start, end = e.decoded("DTSTART"), e.decoded("DTEND")
        assert type(start) is dt.date and start == s.date and end == s.date + dt.timedelta(days=1)


def test_calendar_header() -> None:
    cal = Calendar.from_ical(plan_to_ics(make_plan(), athlete_name="Ann"))
    assert str(cal["PRODID"]) == PRODID == "-//backstride//plan//EN"
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["X-WR-CALNAME"]) == "backstride: Ann"


def test_description_has_notes_effort_rules_and_why() -> None:
    easy = events(plan_to_ics(make_plan()))[0]
    text = str(easy["DESCRIPTION"])
    assert text.startswith("Easy 4.0 km at a conversational effort.")
    assert "Effort: up to 4/10." in text
    assert "- I-EASY: easy running only, at a conversational effort" in text
    assert "- W-START: about 70% of your normal 30 km" in text
    strength = str(events(plan_to_ics(make_plan()))[1]["DESCRIPTION"])
    assert "Exercises: split squats, side planks." in strength


def test_same_plan_same_bytes_and_deterministic_dtstamp() -> None:
    first, second = plan_to_ics(make_plan()), plan_to_ics(make_plan())
    assert first == second
    for e in events(first):
        assert e.decoded("DTSTAMP") == dt.datetime(2026, 11, 30, tzinfo=dt.UTC)


def test_uids_are_stable_unique_and_follow_the_session() -> None:
    uids = [str(e["UID"]) for e in events(plan_to_ics(make_plan()))]
    again = [str(e["UID"]) for e in events(plan_to_ics(make_plan()))]
    assert uids == again and len(set(uids)) == len(uids)
    assert uids[0].startswith("20261130-main-0-")
    assert uids[1].startswith("20261130-strength-0-")
    # The runner's name is not written into the UIDs, but two runners' events stay apart.
    other = [str(e["UID"]) for e in events(plan_to_ics(make_plan(), athlete_name="Ann"))]
    assert not set(uids) & set(other) and all("Ann" not in u for u in other)


def test_two_sessions_of_one_kind_on_a_day_get_their_own_uids() -> None:
    plan = make_plan()
    doubled = plan.model_copy(update={"sessions": (*plan.sessions, plan.sessions[0])})
    uids = [str(e["UID"]) for e in events(plan_to_ics(doubled))]
    assert len(set(uids)) == 5 and any(u.startswith("20261130-main-1-") for u in uids)


def test_a_plan_made_days_later_updates_the_same_days_instead_of_adding_events() -> None:
    plan = make_plan()
    later_start = plan.week_start + dt.timedelta(days=2)
    later = plan.model_copy(update={"week_start": later_start,
                                    "sessions": tuple(s for s in plan.sessions if s.date >= later_start)})
    first = {str(e["UID"]): e for e in events(plan_to_ics(plan))}
    second = {str(e["UID"]): e for e in events(plan_to_ics(later))}
    assert set(second) <= set(first)  # the same days keep their events
    for uid in second:  # and the newer plan's version wins in a calendar app
        assert int(second[uid]["SEQUENCE"]) > int(first[uid]["SEQUENCE"])


def test_miles() -> None:
    summaries = [str(e["SUMMARY"]) for e in events(plan_to_ics(make_plan(), units="mi"))]
    assert summaries[0] == "Easy run 2.5 mi (backstride)"
    assert summaries[3] == "Long run:walk 5.0 mi (backstride)"
    with pytest.raises(ValueError, match="units"):
        plan_to_ics(make_plan(), units="furlongs")


def test_a_runner_in_miles_reads_miles_in_the_notes_and_the_reasons_too() -> None:
    easy = str(events(plan_to_ics(make_plan(), units="mi"))[0]["DESCRIPTION"])
    assert "Easy 2.5 mi at a conversational effort." in easy
    assert "W-START: about 70% of your normal 19 mi" in easy
    assert "km" not in easy


def test_triage_banner_tops_every_event() -> None:
    reason = Reason(rule="T-PERSIST", text="Your pain has lasted 6 weeks.")
    evs = events(plan_to_ics(make_plan("see_clinician", (reason,))))
    assert len(evs) == 4
    for e in evs:
        first_line = str(e["DESCRIPTION"]).splitlines()[0]
        assert first_line.startswith("Please have your back assessed")
        assert "Your pain has lasted 6 weeks. (T-PERSIST)" in first_line
    assert "Please" not in str(events(plan_to_ics(make_plan()))[0]["DESCRIPTION"]).splitlines()[0]


def test_emergency_plan_is_one_emergency_event() -> None:
    reason = Reason(rule="T-EMERG", text="EMERGENCY — go to an emergency department now.")
    data = plan_to_ics(make_plan("emergency", (reason,)))
    evs = events(data)
    assert len(evs) == 1
    assert str(evs[0]["SUMMARY"]) == EMERGENCY_SUMMARY == "EMERGENCY: go to an emergency department now"
    assert "EMERGENCY — go to an emergency department now." in str(evs[0]["DESCRIPTION"])
    assert evs[0].decoded("DTSTART") == MONDAY
    assert data == plan_to_ics(make_plan("emergency", (reason,)))


def test_a_real_plan_from_the_planner() -> None:
    state = parse_state({
        "schema": "backstride.state/1", "today": "2026-11-30",
        "athlete": {"baseline": {"sessions": [{"day": "tue", "kind": "easy", "distance_km": 8},
                                              {"day": "sun", "kind": "long", "distance_km": 14}]}},
        "checkins": [{"date": "2026-11-28", "pain_rest": 3}],
        "activities": [{"date": "2026-11-24", "kind": "easy", "distance_km": 8, "duration_min": 48}],
    })
    plan = plan_week(state)
    evs = events(plan_to_ics(plan))
    assert len(evs) == sum(s.kind != "rest" for s in plan.sessions) > 0
    assert all(str(e["SUMMARY"]).endswith("(backstride)") for e in evs)
    emergency = parse_state({**state.to_json_dict(),
                             "checkins": [{"date": "2026-11-29", "pain_rest": 5, "saddle_numbness": True}]})
    evs = events(plan_to_ics(plan_week(emergency)))
    assert [str(e["SUMMARY"]) for e in evs] == [EMERGENCY_SUMMARY]
