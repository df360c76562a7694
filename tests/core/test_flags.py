"""Warning signs persist (T-PERSIST-FLAGS): read from every check-in, not only the latest."""

from __future__ import annotations

import datetime as dt

from backstride.contract import Checkin
from backstride.core.timeline import flag_answers

TODAY = dt.date(2026, 11, 30)


def _c(day: int, **answers: bool | int) -> Checkin:
    return Checkin.model_validate({"date": dt.date(2026, 11, day), **answers})


def test_a_yes_stays_until_answered_no_and_a_later_yes_is_dated() -> None:
    history = (_c(20, saddle_numbness=True), _c(25, pain_rest=1), _c(27, saddle_numbness=False),
               _c(28, leg_weakness=True), _c(29, leg_weakness=True), _c(30, pain_rest=1))
    flags = flag_answers(history, TODAY, cleared=False)
    assert "saddle_numbness" not in flags
    assert flags.since == {"leg_weakness": dt.date(2026, 11, 29)}


def test_same_day_check_ins_keep_the_later_explicit_answer() -> None:
    kept = flag_answers((_c(30, saddle_numbness=True), _c(30, pain_rest=2)), TODAY, cleared=False)
    assert "saddle_numbness" in kept
    answered = flag_answers((_c(30, saddle_numbness=True), _c(30, saddle_numbness=False)), TODAY, cleared=False)
    assert "saddle_numbness" not in answered


def test_check_ins_after_today_are_not_read() -> None:
    later = Checkin.model_validate({"date": dt.date(2026, 12, 1), "saddle_numbness": False})
    history = (_c(29, saddle_numbness=True), later)
    assert "saddle_numbness" in flag_answers(history, TODAY, cleared=False)


def test_standing_facts_stay_until_cleared() -> None:
    history = (_c(2, recent_trauma=True), _c(29, recent_trauma=False, unexplained_weight_loss=False))
    assert flag_answers(history, TODAY, cleared=False).since == {"recent_trauma": dt.date(2026, 11, 2)}
    assert flag_answers(history, TODAY, cleared=True).since == {}
