"""A state stored and read back is the same state: examples, a full hand-made one, and generated ones."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backstride.contract import (
    BASELINE_RUNNING_KINDS,
    InvalidState,
    State,
    parse_state,
)
from backstride.storage.athletes import create_athlete, list_athletes, state_for
from backstride.storage.engine import Database
from backstride.storage.errors import AthleteNotFound
from tests.storage.storage_builders import full_state

SHARED = Path(os.environ.get("BACKSTRIDE_SHARED", Path(__file__).resolve().parents[3] / "shared"))
EXAMPLES = SHARED / "contract" / "examples"


def _example_states() -> list[Any]:
    states = []
    for path in sorted(EXAMPLES.glob("*.json")):
        try:
            states.append(pytest.param(parse_state(json.loads(path.read_text())["state"]), id=path.stem))
        except InvalidState:
            continue  # examples of bad input
    return states


def _canonical(state: State) -> State:
    """The state as storage gives it back: check-ins by date (same-day ones merged), activities by date, each
    activity as the plausibility check leaves it (a value no human session has is not handed on)."""
    from backstride.importers.plausible import check_activity
    from backstride.storage.checkins import merge_same_day

    checkins = {c.date: c for c in merge_same_day(state.checkins)}
    kept = [checked.activity for a in state.activities
            if (checked := check_activity(a, state.today)).activity is not None]
    return state.model_copy(
        update={
            "checkins": tuple(sorted(checkins.values(), key=lambda c: c.date)),
            "activities": tuple(sorted(kept, key=lambda a: a.date)),
        }
    )


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="shared/contract/examples not found beside the repo")
@pytest.mark.parametrize("state", _example_states())
def test_contract_examples_round_trip(db: Database, state: State) -> None:
    athlete = create_athlete(db, state)
    again = state_for(db, athlete, state.today)
    assert again == _canonical(state)
    assert again.to_json_dict() == _canonical(state).to_json_dict()


def test_a_state_with_every_field_round_trips(db: Database) -> None:
    state = full_state()
    assert state_for(db, create_athlete(db, state), state.today) == state


def test_a_minimal_state_round_trips(db: Database) -> None:
    state = parse_state(
        {"schema": "backstride.state/1", "today": "2026-01-05", "athlete": {"baseline": {"sessions": []}}}
    )
    assert state_for(db, create_athlete(db, state), state.today) == state


def test_two_checkins_for_one_date_keep_the_later(db: Database) -> None:
    state = full_state(checkins=[{"date": "2026-11-29", "pain_rest": 1}, {"date": "2026-11-29", "pain_rest": 4}])
    again = state_for(db, create_athlete(db, state), state.today)
    assert [c.pain_rest for c in again.checkins] == [4]


def test_state_for_leaves_out_the_future_and_can_limit_history(db: Database) -> None:
    state = full_state()
    athlete = create_athlete(db, state)
    earlier = state_for(db, athlete, dt.date(2026, 11, 28))
    assert [c.date for c in earlier.checkins] == [dt.date(2026, 11, 28)]
    assert [a.date for a in earlier.activities] == [dt.date(2026, 11, 26), dt.date(2026, 11, 27)]
    recent = state_for(db, athlete, state.today, history_days=2)
    assert [a.date for a in recent.activities] == [dt.date(2026, 11, 29)]


def test_athletes_are_kept_apart_and_listed(db: Database) -> None:
    a = create_athlete(db, full_state(), name="Ana")
    b = create_athlete(db, full_state(checkins=[]), name="Ben", timezone="Europe/Paris")
    assert [(x.id, x.name, x.timezone) for x in list_athletes(db)] == [
        (a, "Ana", None),
        (b, "Ben", "Europe/Paris"),
    ]
    assert state_for(db, b, full_state().today).checkins == ()
    assert len(state_for(db, a, full_state().today).checkins) == 2
    with pytest.raises(AthleteNotFound):
        state_for(db, 999_999, full_state().today)
    with pytest.raises(ValueError, match="timezone"):
        create_athlete(db, full_state(), timezone="Mars/Olympus")


# --- generated states ------------------------------------------------------------------------------

TODAY = dt.date(2026, 11, 30)
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
ACTIVITY_KINDS = sorted(
    {
        "easy",
        "recovery",
        "long",
        "run_walk",
        "long_run_walk",
        "intervals_short",
        "intervals_long",
        "tempo",
        "hills",
        "stairs",
        "progression",
        "race",
        "run",
        "cross_training",
        "strength",
        "mobility",
    }
)
FLAGS = [
    "pain_rising_during",
    "sharp_pain",
    "walking_pain",
    "limping",
    "radiating_below_knee",
    "numbness_tingling",
    "leg_weakness",
    "both_legs",
    "saddle_numbness",
    "bladder_bowel_change",
    "fever_unwell",
    "night_pain",
    "unexplained_weight_loss",
    "recent_trauma",
]


def _number(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def _optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


def _drop_none(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


pain = _optional(st.integers(0, 10))
dates = st.dates(TODAY - dt.timedelta(days=120), TODAY)

baseline_session = st.builds(
    _drop_none,
    day=st.sampled_from(DAYS),
    kind=st.sampled_from(sorted(BASELINE_RUNNING_KINDS | {"cross_training", "strength"})),
    distance_km=_optional(_number(0, 200)),
    duration_min=_optional(_number(0, 1440)),
    rep_distance_m=_optional(_number(0, 5000)),
    reps=_optional(st.integers(1, 30)),
)
athlete = st.builds(
    _drop_none,
    units=st.sampled_from(["km", "mi"]),
    baseline=st.builds(lambda s: {"sessions": s}, st.lists(baseline_session, max_size=7)),
    available_days=_optional(st.lists(st.sampled_from(DAYS), unique=True)),
    long_run_day=_optional(st.sampled_from(DAYS)),
    easy_pace_min_per_km=_optional(_number(2.01, 20)),
    cadence_spm=_optional(_number(100, 230)),
    diagnoses=st.lists(st.sampled_from(["sciatica", "disc_injury", "fracture", "cleared_to_run"]), unique=True),
    cross_training=_optional(st.lists(st.sampled_from(["bike", "swim", "rower", "yoga"]), unique=True)),
    shoes=st.lists(
        st.builds(
            lambda n, km: {"name": n, "km": km},
            st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), min_size=1, max_size=20),
            _number(0, 2000),
        ),
        max_size=3,
    ),
    age=_optional(st.integers(10, 110)),
    history_of_cancer=_optional(st.booleans()),
    osteoporosis_or_steroids=_optional(st.booleans()),
)
checkin = st.builds(
    lambda date, pains, flags, **rest: _drop_none(date=date.isoformat(), **pains, **flags, **rest),
    date=dates,
    pains=st.fixed_dictionaries({k: pain for k in ("pain_rest", "pain_during", "pain_after", "pain_next_morning")}),
    flags=st.fixed_dictionaries({k: _optional(st.booleans()) for k in FLAGS}),
    sleep_hours=_optional(_number(0, 24)),
    stress=pain,
    confidence=pain,
    notes=_optional(st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=200)),
)
activity = st.builds(
    lambda date, **rest: _drop_none(date=date.isoformat(), **rest),
    date=dates,
    kind=st.sampled_from(ACTIVITY_KINDS),
    distance_km=_optional(_number(0, 500)),
    duration_min=_optional(_number(0, 2880)),
    rpe=pain,
    elevation_gain_m=_optional(_number(0, 9000)),
    cadence_spm=_optional(_number(0, 260)),
)
states = st.builds(
    lambda a, cs, acts: {
        "schema": "backstride.state/1",
        "today": TODAY.isoformat(),
        "athlete": a,
        "checkins": sorted(cs, key=lambda c: c["date"]),
        "activities": acts,
    },
    athlete,
    st.lists(checkin, max_size=8, unique_by=lambda c: c["date"]),
    st.lists(activity, max_size=8),
)


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=states)
def test_generated_states_round_trip(db: Database, data: dict[str, Any]) -> None:
    state = parse_state(data)
    assert state_for(db, create_athlete(db, state), state.today) == _canonical(state)


def test_nul_characters_are_dropped_from_text_on_every_backend(db: Database) -> None:
    state = full_state(checkins=[{"date": "2026-11-29", "notes": "a\x00b"}])
    again = state_for(db, create_athlete(db, state, name="N\x00ame"), state.today)
    assert [c.notes for c in again.checkins] == ["ab"]
    assert list_athletes(db)[0].name == "Name"


def test_creating_an_athlete_is_all_or_nothing(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from backstride.storage import athletes as athletes_module
    from tests.storage.storage_builders import row_counts

    real = athletes_module.activity_row_from_contract
    calls: list[int] = []

    def failing_on_the_second(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        return real(*args)

    monkeypatch.setattr(athletes_module, "activity_row_from_contract", failing_on_the_second)
    before = row_counts(db)
    with pytest.raises(RuntimeError, match="disk on fire"):
        create_athlete(db, full_state())
    assert row_counts(db) == before


def test_long_names_are_kept_whole_on_every_backend(db: Database) -> None:
    state = full_state(athlete={"baseline": {"sessions": []}, "shoes": [{"name": "x" * 1000, "km": 1}]})
    athlete = create_athlete(db, state, name="y" * 1000)
    assert state_for(db, athlete, state.today) == state
    assert list_athletes(db)[0].name == "y" * 1000
