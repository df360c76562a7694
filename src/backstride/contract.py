"""The planner's machine interface: ``backstride.state/1`` in, ``backstride.plan/1``
and ``backstride.decision/1`` out (see ``shared/contract``).

The input models validate everything the schema promises and a little more
(dates that exist, integral pain scores), and :func:`parse_state` turns every
problem into one located, plain message such as
``checkins[3].pain_during: must be between 0 and 10 (got 11)``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from operator import attrgetter
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, ValidationError, field_validator

__all__ = [
    "BASELINE_RUNNING_KINDS",
    "FIRST_DATE",
    "HARD_KINDS",
    "LAST_DATE",
    "RUNNING_KINDS",
    "Action",
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
    "Reps",
    "RuleApplied",
    "RunWalk",
    "Session",
    "Shoe",
    "State",
    "Triage",
    "Volume",
    "parse_activity",
    "parse_checkin",
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


# --- input types: constraints are pydantic's own (fast); messages are translated below --------------

Pain = Annotated[StrictInt, Field(ge=0, le=10)]
Score10 = Annotated[StrictInt, Field(ge=0, le=10)]
Flag = StrictBool
# The dates backstride plans for: a history or a "today" outside them is a typing slip, and the
# planner's date arithmetic stays far from date.min/date.max.
FIRST_DATE = dt.date(1980, 1, 1)
LAST_DATE = dt.date(2100, 12, 31)
IsoDate = Annotated[dt.date, Field(ge=FIRST_DATE, le=LAST_DATE)]


class _In(BaseModel):
    """Input objects: unknown keys are ignored (the schema allows them), known ones are checked strictly."""

    model_config = ConfigDict(frozen=True, extra="ignore", strict=True, allow_inf_nan=False)


class BaselineSession(_In):
    day: Weekday
    kind: BaselineKind
    distance_km: Annotated[float | None, Field(ge=0, le=200)] = None
    duration_min: Annotated[float | None, Field(ge=0, le=1440)] = None
    rep_distance_m: Annotated[float | None, Field(ge=0)] = None
    reps: Annotated[StrictInt | None, Field(ge=1)] = None


class Baseline(_In):
    sessions: tuple[BaselineSession, ...]


class Shoe(_In):
    name: str
    km: Annotated[float, Field(ge=0)]


class Athlete(_In):
    units: Literal["km", "mi"] = "km"
    baseline: Baseline
    available_days: tuple[Weekday, ...] | None = None
    long_run_day: Weekday | None = None
    easy_pace_min_per_km: Annotated[float | None, Field(gt=2, le=20)] = None
    cadence_spm: Annotated[float | None, Field(ge=100, le=230)] = None
    diagnoses: tuple[Diagnosis, ...] = ()
    cross_training: tuple[CrossTraining, ...] | None = None
    shoes: tuple[Shoe, ...] = ()
    age: Annotated[StrictInt | None, Field(ge=10, le=110)] = None
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
    sleep_hours: Annotated[float | None, Field(ge=0, le=24)] = None
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
    distance_km: Annotated[float | None, Field(ge=0, le=500)] = None
    duration_min: Annotated[float | None, Field(ge=0, le=2880)] = None
    rpe: Score10 | None = None
    elevation_gain_m: Annotated[float | None, Field(ge=0)] = None
    cadence_spm: Annotated[float | None, Field(ge=0, le=260)] = None


_Dated = TypeVar("_Dated", Checkin, Activity)


class State(_In):
    schema_: Literal["backstride.state/1"] = Field(alias="schema")
    today: IsoDate
    athlete: Athlete
    checkins: tuple[Checkin, ...] = ()
    activities: tuple[Activity, ...] = ()

    model_config = ConfigDict(frozen=True, extra="ignore", strict=True, allow_inf_nan=False, populate_by_name=True)

    @field_validator("checkins", "activities", mode="after")
    @classmethod
    def _in_date_order(cls, items: tuple[_Dated, ...]) -> tuple[_Dated, ...]:
        """History is kept in date order (same-day entries in the order given), so it can be searched by date."""
        if all(a.date <= b.date for a, b in itertools.pairwise(items)):
            return items
        return tuple(sorted(items, key=attrgetter("date")))

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


def _shown(value: Any) -> str:
    if isinstance(value, bytes | bytearray):
        value = bytes(value[:80]).decode("utf-8", "replace")
    elif isinstance(value, str) and len(value) > 80:
        value = value[:80]
    try:
        text = json.dumps(value, allow_nan=False)
    except (ValueError, TypeError):
        text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = "schema" if part == "schema_" else part
            out += f".{name}" if out else name
    return out or "(input)"


def _field_bounds(loc: tuple[int | str, ...], root: type[BaseModel]) -> tuple[float | None, float | None, bool]:
    """The (low, high, low-exclusive) bounds of the field at ``loc``, read from the models themselves."""
    model: Any = root
    info = None
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(model, "model_fields", None)
        if fields is None or part not in fields:
            return None, None, False
        info = fields[part]
        model = _inner_model(info.annotation)
    lo = hi = None
    exclusive = False
    metadata = list(info.metadata) if info is not None else []
    for arg in getattr(info.annotation, "__args__", ()) if info is not None else ():
        metadata += list(getattr(arg, "__metadata__", ()))  # Annotated[...] inside Optional[...]
    metadata += [inner for m in metadata for inner in getattr(m, "metadata", ())]  # Field(...) inside Annotated
    for m in metadata:
        lo = getattr(m, "ge", lo)
        hi = getattr(m, "le", hi)
        if getattr(m, "gt", None) is not None:
            lo, exclusive = m.gt, True
    return lo, hi, exclusive


def _inner_model(annotation: Any) -> Any:
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _message(err: Any, root: type[BaseModel]) -> str:
    kind = err["type"]
    got = _shown(err.get("input"))
    if kind == "missing":
        return "is required but missing"
    if kind in ("greater_than_equal", "less_than_equal") and isinstance(err.get("input"), (str, dt.date)):
        return f"must be a date between {FIRST_DATE.isoformat()} and {LAST_DATE.isoformat()} (got {got})"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        lo, hi, exclusive = _field_bounds(tuple(err["loc"]), root)
        if lo is not None and hi is not None:
            if exclusive:
                return f"must be more than {_fmt(lo)} and at most {_fmt(hi)} (got {got})"
            return f"must be between {_fmt(lo)} and {_fmt(hi)} (got {got})"
        if lo is not None:
            return f"must be {'more than' if exclusive else 'at least'} {_fmt(lo)} (got {got})"
        return f"must be at most {_fmt(hi) if hi is not None else '?'} (got {got})"
    if kind in ("int_type", "int_from_float", "int_parsing"):
        return f"must be a whole number (got {got})"
    if kind in ("float_type", "float_parsing", "finite_number"):
        return f"must be a number (got {got})"
    if kind in ("bool_type", "bool_parsing"):
        return f"must be true or false (got {got})"
    if kind.startswith("date") or kind.startswith("datetime"):
        if isinstance(err.get("input"), str):
            return f"is not a real date in the form YYYY-MM-DD (got {got})"
        return f"must be a date written as YYYY-MM-DD (got {got})"
    if kind == "literal_error":
        return f"must be one of {err.get('ctx', {}).get('expected', '')} (got {got})"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"must be an object (got {got})"
    if kind in ("tuple_type", "list_type"):
        return f"must be a list (got {got})"
    if kind in ("string_type", "str_type"):
        return f"must be text (got {got})"
    if kind == "string_too_long":
        return f"must be at most {err.get('ctx', {}).get('max_length')} characters long"
    if kind == "json_invalid":
        return f"is not valid JSON ({err.get('ctx', {}).get('error', 'syntax error')})"
    return str(err["msg"])


def _problems(exc: ValidationError, root: type[BaseModel] = BaseModel) -> list[InputProblem]:
    problems: list[InputProblem] = []
    seen: set[str] = set()
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("function-", "nullable"))))
        problem = InputProblem(where=_where(loc), message=_message({**err, "loc": loc}, root))
        if str(problem) not in seen:  # a value failing several union arms is one problem
            seen.add(str(problem))
            problems.append(problem)
    return problems


def parse_state_text(text: str | bytes) -> State:
    """Parse JSON text as a ``backstride.state/1``; raise :class:`InvalidState` otherwise.

    The text is parsed once, by pydantic's JSON parser (JSON mode: dates arrive as strings and are
    checked to exist; numbers and flags stay strict).
    """
    if isinstance(text, bytes):
        if text.startswith(b"\xef\xbb\xbf"):
            text = text[3:]
        try:
            text.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidState([InputProblem(where="(input)", message="is not valid JSON (not UTF-8 text)")]) from None
    try:
        return State.model_validate_json(text)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        if any(err["type"] == "model_type" and not err["loc"] for err in errors):
            raise InvalidState([InputProblem(where="(input)", message="must be a JSON object")]) from None
        raise InvalidState(_problems(exc, State)) from None


def parse_checkin(data: dict[str, Any]) -> Checkin:
    """Validate one check-in (as JSON data); raise :class:`InvalidState` naming each bad field."""
    try:
        return Checkin.model_validate_json(json.dumps(data, default=_json_default))
    except ValidationError as exc:
        raise InvalidState(_problems(exc, Checkin)) from None


def parse_activity(data: dict[str, Any]) -> Activity:
    """Validate one activity (as JSON data); raise :class:`InvalidState` naming each bad field."""
    try:
        return Activity.model_validate_json(json.dumps(data, default=_json_default))
    except ValidationError as exc:
        raise InvalidState(_problems(exc, Activity)) from None


def parse_state(data: Any) -> State:
    """Validate JSON data (a dict as ``json.loads`` gives it) as a ``backstride.state/1``."""
    try:
        text = json.dumps(data, default=_json_default, allow_nan=False)
    except ValueError:
        raise InvalidState([InputProblem(where="(input)", message="holds a number that is not finite")]) from None
    return parse_state_text(text)


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON data")
