"""What today's check-in says, and what a missing one says (B-NO-ANSWER, P-SEVERE-REST)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from backstride.contract import parse_state
from backstride.core.signals import today_signals
from backstride.core.timeline import build_timeline
from backstride.rules import default_catalogue

TODAY = dt.date(2026, 11, 30)


def _signals(checkins: list[dict[str, Any]], **overrides: float) -> Any:
    state = parse_state({"schema": "backstride.state/1", "today": TODAY.isoformat(),
                         "athlete": {"baseline": {"sessions": [{"day": "tue", "kind": "easy", "distance_km": 8}]}},
                         "checkins": checkins})
    rules = default_catalogue()
    if overrides:
        rules = rules.with_overrides({tuple(k.split(":")): v for k, v in overrides.items()},  # type: ignore[misc]
                                     "a clinician's adjustment")
    return today_signals(build_timeline(state, rules), rules)


def _day(back: int) -> str:
    return (TODAY - dt.timedelta(days=back)).isoformat()


def test_a_morning_check_in_is_read() -> None:
    s = _signals([{"date": _day(0), "pain_rest": 2}])
    assert (s.checkin_today, s.days_since_checkin, s.morning_pain, s.severe_rest, s.stale) == (True, 0, 2, False, False)
    assert s.reasons == ()


def test_no_check_in_this_morning_is_said_first_and_not_read_as_green() -> None:
    s = _signals([{"date": _day(2), "pain_rest": 1}])
    assert not s.checkin_today and s.morning_pain is None and not s.stale
    assert s.days_since_checkin == 2
    assert s.reasons[0].rule == "B-NO-ANSWER"
    assert "No check-in this morning (the last was 2 days ago)" in s.reasons[0].text


def test_yesterday_reads_as_yesterday() -> None:
    s = _signals([{"date": _day(1), "pain_rest": 1}])
    assert "the last was yesterday" in s.reasons[0].text


def test_a_stale_week_of_check_ins_is_named() -> None:
    s = _signals([{"date": _day(8), "pain_rest": 1}])
    assert s.stale and s.days_since_checkin == 8
    assert "No check-in for 8 days" in s.reasons[0].text


def test_the_stale_limit_is_the_catalogues() -> None:
    s = _signals([{"date": _day(8), "pain_rest": 1}], **{"B-NO-ANSWER:stale_days": 10})
    assert not s.stale
    s = _signals([{"date": _day(12), "pain_rest": 1}], **{"B-NO-ANSWER:stale_days": 10})
    assert s.stale and "after 10 days without answers" in s.reasons[0].text


def test_no_check_in_at_all() -> None:
    s = _signals([])
    assert s.days_since_checkin is None and s.stale and "No check-in yet" in s.reasons[0].text


def test_a_check_in_without_pain_at_rest_is_not_pain_free() -> None:
    s = _signals([{"date": _day(0), "pain_during": 2}])
    assert s.checkin_today and s.morning_pain is None
    assert s.reasons[0].rule == "B-NO-ANSWER" and "no pain at rest" in s.reasons[0].text


def test_severe_pain_at_rest_means_no_run_today_and_mornings_are_counted() -> None:
    s = _signals([{"date": _day(6), "pain_rest": 7}, {"date": _day(7), "pain_rest": 9},
                  {"date": _day(0), "pain_rest": 8}])
    assert s.severe_rest and s.severe_mornings == 2  # the one 7 days back is outside the 7-day window
    assert s.reasons[-1].rule == "P-SEVERE-REST" and "8/10, which is severe (7/10 or more)" in s.reasons[-1].text


def test_an_overridden_severe_level_shows_its_own_number() -> None:
    s = _signals([{"date": _day(0), "pain_rest": 8}], **{"P-SEVERE-REST:severe_points": 8.5})
    assert not s.severe_rest
    s = _signals([{"date": _day(0), "pain_rest": 9}], **{"P-SEVERE-REST:severe_points": 8.5})
    assert s.severe_rest and "(8.5/10 or more)" in s.reasons[-1].text
