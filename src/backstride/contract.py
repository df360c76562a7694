"""The planner's machine interface: ``backstride.state/1`` in, ``backstride.plan/1``
and ``backstride.decision/1`` out (see ``shared/contract``).

The input models validate everything the schema promises and a little more
(dates that exist, integral pain scores), and :func:`parse_state` turns every
problem into one located, plain message such as
``checkins[3].pain_during: must be between 0 and 10 (got 11)``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
)
from pydantic_core import PydanticCustomError

__all__ = [
    "BASELINE_RUNNING_KINDS",
    "HARD_KINDS",
    "RUNNING_KINDS",
    "Activity",
    "Athlete",
    "Baseline",
    "BaselineSession",
    "Checkin",
    "Decision",
    "InputProblem",
    "InvalidState",
    "Plan",
    "Reason",
    "RuleApplied",
    "RunWalk",
    "Reps",
    "Session",
    "Shoe",
    "State",
    "Triage",
    "Volume",
    "parse_state",
    "parse_state_text",
]

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

RUNNING_KINDS = frozenset(
    {"easy", "recovery", "long", "run_walk", "long_run_walk", "intervals_short", "intervals_long",
     "tempo", "hills", "stairs", "progression", "race"}
)
HARD_KINDS = frozenset({"intervals_short", "intervals_long", "tempo", "hills", "progression", "race"})
BASELINE_RUNNING_KINDS = frozenset(
    {"easy", "recovery", "long", "tempo", "intervals", "hills", "progression", "race"}
)
ACTIVITY_RUNNING_KINDS = RUNNING_KINDS | {"run"}

BaselineKind = Literal[
    "easy", "recovery", "long", "tempo", "intervals", "hills", "progression", "race",
    "cross_training", "strength",
]
ActivityKind = Literal[
    "easy", "recovery", "long", "run_walk", "long_run_walk", "intervals_short", "intervals_long",
    "tempo", "hills", "stairs", "progression", "race", "run", "cross_training", "strength", "mobility",
]
SessionKind = Literal[
    "easy", "recovery", "long", "run_walk", "long_run_walk", "intervals_short", "intervals_long",
    "tempo", "hills", "stairs", "progression", "race", "cross_training", "strength", "mobility",
    "walk", "rest",
]
CrossTraining = Literal[
    "bike", "elliptical", "swim", "deep_water_running", "incline_walk", "rower", "ski_erg", "yoga"
]
Diagnosis = Literal[
    "sciatica", "nerve_root_compression", "spinal_cord_compression", "disc_injury",
    "bone_stress_injury", "fracture", "severe_sprain", "cleared_to_run",
]
TriageLevel = Literal["none", "see_clinician", "see_clinician_soon", "emergency"]
Phase = Literal["paused", "calm", "rebuild", "return", "maintain"]
Action = Literal["run_as_planned", "run_shorter_easier", "cross_train", "rest", "seek_care"]
Terrain = Literal["any", "flat", "soft", "stairs"]


# --- validators with plain messages -------------------------------------------------------------

def _iso_date(value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("date_type", "must be a date written as YYYY-MM-DD (got {got})",
                                  {"got": _shown(value)})
    try:
        if len(value) != 10:
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError(
            "date_value", "is not a real date in the form YYYY-MM-DD (got {got})", {"got": _shown(value)}
        ) from None


def _shown(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, float) or math.isfinite(value) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _number(lo: float, hi: float | None, *, integer: bool, lo_exclusive: bool = False) -> Any:
    """A validator for a JSON number in a range, with a message that names the range."""

    def check(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            kind = "a whole number" if integer else "a number"
            raise PydanticCustomError("number_type", f"must be {kind} (got {{got}})", {"got": _shown(value)})
        if isinstance(value, float) and not math.isfinite(value):
            raise PydanticCustomError("number_type", "must be a finite number (got {got})",
                                      {"got": _shown(value)})
        if integer:
            if isinstance(value, float):
                if not value.is_integer():
                    raise PydanticCustomError("int_type", "must be a whole number (got {got})",
                                              {"got": _shown(value)})
                value = int(value)
        too_low = value <= lo if lo_exclusive else value < lo
        too_high = hi is not None and value > hi
        if too_low or too_high:
            lo_s, hi_s = _fmt(lo), _fmt(hi) if hi is not None else None
            if hi_s is None:
                msg = f"must be {'more than' if lo_exclusive else 'at least'} {lo_s} (got {{got}})"
            elif lo_exclusive:
                msg = f"must be more than {lo_s} and at most {hi_s} (got {{got}})"
            else:
                msg = f"must be between {lo_s} and {hi_s} (got {{got}})"
            raise PydanticCustomError("range", msg, {"got": _shown(value)})
        return float(value) if not integer else value

    return BeforeValidator(check)


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _strict_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise PydanticCustomError("bool_type", "must be true or false (got {got})", {"got": _shown(value)})
    return value


Pain = Annotated[int, _number(0, 10, integer=True)]
Score10 = Annotated[int, _number(0, 10, integer=True)]
Flag = Annotated[bool, BeforeValidator(_strict_bool)]
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


class _In(BaseModel):
    """Input objects: unknown keys are ignored (the schema allows them), known ones are checked."""

    model_config = ConfigDict(frozen=True, extra="ignore", strict=False)


class BaselineSession(_In):
    day: Weekday
    kind: BaselineKind
    distance_km: Annotated[float | None, _number(0, 200, integer=False)] = None
    duration_min: Annotated[float | None, _number(0, 1440, integer=False)] = None
    rep_distance_m: Annotated[float | None, _number(0, None, integer=False)] = None
    reps: Annotated[int | None, _number(1, None, integer=True)] = None


class Baseline(_In):
    sessions: tuple[BaselineSession, ...]


class Shoe(_In):
    name: str
    km: Annotated[float, _number(0, None, integer=False)]


class Athlete(_In):
    units: Literal["km", "mi"] = "km"
    baseline: Baseline
    available_days: tuple[Weekday, ...] | None = None
    long_run_day: Weekday | None = None
    easy_pace_min_per_km: Annotated[float | None, _number(2, 20, integer=False, lo_exclusive=True)] = None
    cadence_spm: Annotated[float | None, _number(100, 230, integer=False)] = None
    diagnoses: tuple[Diagnosis, ...] = ()
    cross_training: tuple[CrossTraining, ...] | None = None
    shoes: tuple[Shoe, ...] = ()
    age: Annotated[int | None, _number(10, 110, integer=True)] = None
    history_of_cancer: Flag | None = None
    osteoporosis_or_steroids: Flag | None = None


class Checkin(_In):
    date: IsoDate
    pain_rest: Pain | None = None
    pain_during: Pain | None = None
    pain_rising_during: Flag | None = None
    pain_after: Pain | None = None
    pain_next_morning: Pain | None = None
    sharp_pain: Flag | None = None
    walking_pain: Flag | None = None
    limping: Flag | None = None
    radiating_below_knee: Flag | None = None
    numbness_tingling: Flag | None = None
    leg_weakness: Flag | None = None
    both_legs: Flag | None = None
    saddle_numbness: Flag | None = None
    bladder_bowel_change: Flag | None = None
    fever_unwell: Flag | None = None
    night_pain: Flag | None = None
    sleep_hours: Annotated[float | None, _number(0, 24, integer=False)] = None
    stress: Score10 | None = None
    confidence: Score10 | None = None
    notes: Annotated[str | None, Field(max_length=2000)] = None
    unexplained_weight_loss: Flag | None = None
    recent_trauma: Flag | None = None

    def pains(self) -> tuple[int, ...]:
        """Every pain score this check-in carries."""
        return tuple(p for p in (self.pain_rest, self.pain_during, self.pain_after, self.pain_next_morning)
                     if p is not None)


class Activity(_In):
    date: IsoDate
    kind: ActivityKind
    distance_km: Annotated[float | None, _number(0, 500, integer=False)] = None
    duration_min: Annotated[float | None, _number(0, 2880, integer=False)] = None
    rpe: Score10 | None = None
    elevation_gain_m: Annotated[float | None, _number(0, None, integer=False)] = None
    cadence_spm: Annotated[float | None, _number(0, 260, integer=False)] = None


class State(_In):
    schema_: Literal["backstride.state/1"] = Field(alias="schema")
    today: IsoDate
    athlete: Athlete
    checkins: tuple[Checkin, ...] = ()
    activities: tuple[Activity, ...] = ()

    model_config = ConfigDict(frozen=True, extra="ignore", strict=False, populate_by_name=True)

    def to_json_dict(self) -> dict[str, Any]:
        """The state as ``backstride.state/1`` JSON data (dates as strings, no empty fields)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


# --- output models --------------------------------------------------------------------------------

class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Reason(_Out):
    rule: str
    text: str


class Triage(_Out):
    level: TriageLevel
    reasons: tuple[Reason, ...] = ()


class RunWalk(_Out):
    run_min: float
    walk_min: float


class Reps(_Out):
    count: int
    distance_m: float | None = None
    duration_min: float | None = None


class Session(_Out):
    date: dt.date
    kind: SessionKind
    distance_km: float | None = None
    duration_min: float | None = None
    rpe_max: int | None = None
    terrain: Terrain | None = None
    run_walk: RunWalk | None = None
    reps: Reps | None = None
    activity: CrossTraining | None = None
    exercises: tuple[str, ...] = ()
    rules: tuple[str, ...]
    notes: str = ""


class Volume(_Out):
    baseline_run_km: float
    last_week_run_km: float
    planned_run_km: float


class RuleApplied(_Out):
    id: str
    why: str
    source: str


class Plan(_Out):
    schema_: Literal["backstride.plan/1"] = Field(default="backstride.plan/1", alias="schema")
    week_start: dt.date
    triage: Triage
    running_allowed: bool
    phase: Phase
    volume: Volume
    sessions: tuple[Session, ...]
    cadence_target_spm: float | None = None
    rules_applied: tuple[RuleApplied, ...]

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    def to_json(self) -> str:
        """The plan as ``backstride.plan/1`` JSON text, byte-identical for equal plans."""
        return self.model_dump_json(by_alias=True, indent=2)


class Decision(_Out):
    schema_: Literal["backstride.decision/1"] = Field(default="backstride.decision/1", alias="schema")
    date: dt.date
    action: Action
    triage: Triage
    session: Session | None = None
    stop_if: tuple[str, ...] = ()
    reasons: tuple[Reason, ...]

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    def to_json(self) -> str:
        """The decision as ``backstride.decision/1`` JSON text."""
        return self.model_dump_json(by_alias=True, indent=2)


# --- parsing with located messages ----------------------------------------------------------------

class InputProblem(BaseModel):
    """One problem in the input: where it is, and what is wrong, in plain words."""

    model_config = ConfigDict(frozen=True)
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class InvalidState(ValueError):
    """The input is not a usable ``backstride.state/1``; ``problems`` lists each problem."""

    def __init__(self, problems: list[InputProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            if part in ("function-before[check(), nullable[float]]",) or part.startswith(
                ("function-", "nullable", "tagged-union", "function-after")
            ):
                continue
            name = "schema" if part == "schema_" else part
            out += f".{name}" if out else name
    return out or "(input)"


def _message(err: Any) -> str:
    kind = err["type"]
    if kind == "missing":
        return "is required but missing"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"must be one of {expected} (got {_shown(err.get('input'))})"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"must be an object (got {_shown(err.get('input'))})"
    if kind in ("tuple_type", "list_type"):
        return f"must be a list (got {_shown(err.get('input'))})"
    if kind in ("string_type", "str_type"):
        return f"must be text (got {_shown(err.get('input'))})"
    if kind == "string_too_long":
        return f"must be at most {err.get('ctx', {}).get('max_length')} characters long"
    return str(err["msg"])


def parse_state(data: Any) -> State:
    """Validate JSON data as a ``backstride.state/1``; raise :class:`InvalidState` otherwise."""
    if not isinstance(data, dict):
        raise InvalidState([InputProblem(where="(input)", message="must be a JSON object")])
    try:
        return State.model_validate(data)
    except ValidationError as exc:
        problems: list[InputProblem] = []
        seen: set[str] = set()
        for err in exc.errors(include_url=False):
            problem = InputProblem(where=_where(tuple(err["loc"])), message=_message(err))
            if str(problem) not in seen:  # a value failing several union arms is one problem
                seen.add(str(problem))
                problems.append(problem)
        raise InvalidState(problems) from None


def parse_state_text(text: str) -> State:
    """Parse JSON text as a ``backstride.state/1``; raise :class:`InvalidState` otherwise."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidState(
            [InputProblem(where="(input)", message=f"is not valid JSON ({exc.msg} at line {exc.lineno}, "
                                                   f"column {exc.colno})")]
        ) from None
    except RecursionError:
        raise InvalidState([InputProblem(where="(input)", message="is nested too deeply")]) from None
    return parse_state(data)
