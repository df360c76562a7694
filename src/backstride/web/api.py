"""The JSON API under ``/api`` (described at ``/openapi.json``): the contract's documents and the log.

Browsers use the session cookie (and send ``X-CSRF-Token`` on a change); scripts send
``Authorization: Bearer <token>`` (``backstride user token``). Every athlete route passes the one access
check; someone else's athlete answers 404 exactly as a missing one. Bad input is a 422 naming the field.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from backstride.contract import Checkin, InvalidState, parse_checkin
from backstride.services import accounts
from backstride.services.manual_log import ManualEntry, NotPlausible, log_session
from backstride.services.training_log import athlete_state, planned_week, record_checkin, today_for
from backstride.storage import get_athlete, list_activities, list_checkins
from backstride.web.security import AthleteRead, AthleteWrite, SelfActor, checked_stamp, database

__all__ = ["ERROR_ANSWERS", "FieldProblem", "Problem", "router"]

class FieldProblem(BaseModel):
    """One field that cannot be used, named as in the contract, and why."""

    field: str
    message: str


class Problem(BaseModel):
    """Every error answer: what is wrong in a sentence; for a 422, each field with its problem."""

    detail: str
    errors: list[FieldProblem] | None = None


ERROR_ANSWERS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "Not signed in: send the session cookie or a bearer token."},
    403: {"model": Problem, "description": "A cross-site request, or a form without its token."},
    404: {"model": Problem, "description": "No such athlete, or not one you may see (the same answer)."},
    413: {"model": Problem, "description": "The body is too big."},
    422: {"model": Problem, "description": "A field cannot be used; each is named."},
    503: {"model": Problem, "description": "The log is busy for a moment; try again."},
}
router = APIRouter(prefix="/api", tags=["api"], responses=ERROR_ANSWERS)
Since = Annotated[dt.date | None, Query(description="From this date (YYYY-MM-DD), inclusive.")]
Until = Annotated[dt.date | None, Query(description="Up to this date (YYYY-MM-DD), inclusive.")]


def _today() -> dt.date:
    return dt.date.today()  # the clock, read at the edge


def _unprocessable(problems: list[tuple[str, str]]) -> JSONResponse:
    fields = [{"field": where, "message": message} for where, message in problems]
    return JSONResponse({"detail": "; ".join(f"{w}: {m}" for w, m in problems), "errors": fields}, status_code=422)


def _contract(doc: Any) -> Response:
    """A contract document as the core writes it (no second round of encoding: the plan is the hot path)."""
    return Response(doc.to_json(), media_type="application/json")


@router.get("/athletes")
def athletes(request: Request, actor: SelfActor) -> list[dict[str, Any]]:
    """The athletes you may see: yourself, or a clinician's linked athletes."""
    db = database(request)
    return [{"id": s.id, "name": s.name, "units": s.units}
            for s in (get_athlete(db, a) for a in accounts.visible_athletes(db, actor))]


@router.get("/athletes/{athlete_id}/state")
def state(request: Request, athlete_id: AthleteRead) -> Any:
    """The athlete's whole history as ``backstride.state/1``."""
    return athlete_state(database(request), athlete_id, _today()).to_json_dict()


@router.get("/athletes/{athlete_id}/plan")
def plan(request: Request, athlete_id: AthleteRead) -> Any:
    """The seven days from today as ``backstride.plan/1`` (computed, not issued)."""
    return _contract(planned_week(database(request), athlete_id, _today(),
                                  stamp=checked_stamp(request, athlete_id)).plan)


@router.get("/athletes/{athlete_id}/decision")
def decision(request: Request, athlete_id: AthleteRead) -> Any:
    """Today's decision as ``backstride.decision/1``."""
    return _contract(today_for(database(request), athlete_id, _today(),
                               stamp=checked_stamp(request, athlete_id)).decision)


@router.get("/athletes/{athlete_id}/checkins")
def checkins(request: Request, athlete_id: AthleteRead, since: Since = None, until: Until = None) -> Any:
    """The check-ins dated ``since`` .. ``until``."""
    found = list_checkins(database(request), athlete_id, since, until)
    return [c.model_dump(mode="json", exclude_none=True) for c in found]


@router.post("/athletes/{athlete_id}/checkins", status_code=201)
def add_checkin(request: Request, athlete_id: AthleteWrite,
                answers: Annotated[dict[str, Any], Body(examples=[{"date": "2026-12-04", "pain_rest": 2}])]) -> Any:
    """Record a check-in (fields as in ``backstride.state/1``; ``date`` defaults to today), screened at once."""
    today = _today()
    unknown = sorted(set(answers) - set(Checkin.model_fields))
    if unknown:
        return _unprocessable([(name, "not a check-in field") for name in unknown])
    answers = {"date": today.isoformat(), **answers}
    try:
        checkin = parse_checkin(answers)
    except InvalidState as exc:
        return _unprocessable([(p.where, p.message) for p in exc.problems])
    if checkin.date > today:
        return _unprocessable([("date", f"{checkin.date} is in the future; record only what has happened")])
    result = record_checkin(database(request), athlete_id, checkin, today)
    return {"checkin": result.checkin.model_dump(mode="json", exclude_none=True),
            "triage": result.triage.as_contract().model_dump(mode="json"),
            "running_allowed": result.triage.running_allowed,
            "run": None if result.run is None else {"level": result.run.level, "rule": result.run.rule,
                                                     "why": result.run.why},
            "replanned": result.replanned is not None}


def _activity(a: Any) -> dict[str, Any]:
    return {"id": a.id, "date": a.date.isoformat(), "kind": a.kind, "sport": a.sport,
            "distance_km": a.distance_km, "duration_min": a.duration_min, "rpe": a.rpe}


@router.get("/athletes/{athlete_id}/activities")
def activities(request: Request, athlete_id: AthleteRead, since: Since = None, until: Until = None) -> Any:
    """Activities dated ``since`` .. ``until``, oldest first."""
    return [_activity(a) for a in list_activities(database(request), athlete_id, since, until)]


@router.post("/athletes/{athlete_id}/activities", status_code=201)
def add_activity(request: Request, athlete_id: AthleteWrite,
                 entry: Annotated[dict[str, Any], Body(examples=[{"date": "2026-12-04", "kind": "run",
                                                                  "distance_km": 6, "duration_min": 38}])]) -> Any:
    """Log a run, cross-training or strength session by hand (km and minutes; a duplicate is not stored twice)."""
    today = _today()
    allowed = {"date", "kind", "distance_km", "duration_min", "rpe", "sport", "notes"}
    unknown = sorted(set(entry) - allowed)
    if unknown:
        return _unprocessable([(name, "not a field of an activity") for name in unknown])
    try:
        day = dt.date.fromisoformat(str(entry.get("date") or today.isoformat()))
    except ValueError:
        return _unprocessable([("date", "give the date as YYYY-MM-DD")])
    if day > today:
        return _unprocessable([("date", f"{day} is in the future; record only what has happened")])
    for name in ("distance_km", "duration_min", "rpe"):
        if entry.get(name) is not None and (isinstance(entry[name], bool) or not isinstance(entry[name], int | float)):
            return _unprocessable([(name, "must be a number")])
    if "kind" not in entry or not isinstance(entry["kind"], str):
        return _unprocessable([("kind", "give the kind of session (run, long, cross_training, strength, ...)")])
    for name in ("sport", "notes"):
        if entry.get(name) is not None and not isinstance(entry[name], str):
            return _unprocessable([(name, "must be text")])
    rpe = entry.get("rpe")
    typed = ManualEntry(day, entry["kind"], entry.get("distance_km"), entry.get("duration_min"),
                        int(rpe) if rpe is not None else None, sport=entry.get("sport"),
                        notes=(entry.get("notes") or "")[:2000] or None)
    try:
        logged = log_session(database(request), athlete_id, typed, today)
    except InvalidState as exc:
        return _unprocessable([(p.where, p.message) for p in exc.problems])
    except NotPlausible as exc:
        return _unprocessable([("activity", str(exc))])
    return {"id": logged.id, "duplicate": logged.duplicate_of is not None}


@router.get("/athletes/{athlete_id}/history")
def history(request: Request, athlete_id: AthleteRead,
            weeks: Annotated[int, Query(ge=1, le=104, description="How many Monday weeks, up to today.")] = 12) -> Any:
    """Weeks of distance against pain, each run's answer, red flags, planned against done, the load ratio,
    shoes and what ``causes`` finds (the History page's data)."""
    from backstride.services.history import history_for

    return history_for(database(request), athlete_id, _today(), weeks).to_json_dict()


@router.post("/athletes/{athlete_id}/imports", status_code=202)
async def start_import(request: Request, athlete_id: AthleteWrite) -> Any:
    """Import files (multipart field ``files``: FIT, GPX, TCX, CSV or export zips) off the request path:
    answered 202 with the job to poll."""
    from backstride.web.pages import start_import as begin

    job_id = await begin(request, athlete_id)
    status = request.app.state.jobs.job_status(job_id)
    return JSONResponse({**status.to_json_dict(), "poll": f"/api/athletes/{athlete_id}/imports/{job_id}"},
                        status_code=202, headers={"Location": f"/api/athletes/{athlete_id}/imports/{job_id}"})


@router.get("/athletes/{athlete_id}/imports/{job_id}")
def import_status(request: Request, athlete_id: AthleteWrite, job_id: int) -> Any:
    """An import's state, files done of total, and when done the same summary as the command line."""
    from backstride.web.pages import job_of

    return job_of(request, athlete_id, job_id).to_json_dict()
