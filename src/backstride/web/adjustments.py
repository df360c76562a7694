"""A physio's adjustments on the web: the page ``/athletes/{id}/adjustments`` and ``/api/athletes/{id}/adjustments``.

Everyone who may read the athlete sees what is in force beside the cited defaults, with who, when and why,
and the whole trail. Only a clinician linked to the athlete changes them (an athlete is told so, 403: the
numbers are their physio's call); anyone else's athlete answers 404 exactly as a missing one, through the
one access check. Each change is a service call; the audit log names the rule, never health data.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import BaseModel, Field

from backstride.core.adjustments import AdjustmentProblem
from backstride.services import accounts
from backstride.services.adjustments import (
    STOPPING_DIAGNOSES,
    adjustments_for,
    choices,
    record_diagnosis,
    set_adjustment,
    undo_adjustment,
)
from backstride.storage import get_athlete
from backstride.storage.adjustments import ClinicalEvent
from backstride.web.api import Problem
from backstride.web.rendering import page
from backstride.web.security import AthleteRead, CurrentActor, client_of, database

__all__ = ["api", "pages", "router"]

router = APIRouter()  # the one thing app.py includes: the page's routes and the API's
pages = APIRouter(include_in_schema=False)
_ANSWERS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "Not signed in: send the session cookie or a bearer token."},
    403: {"model": Problem, "description": "Not a clinician of this athlete (the athlete only reads their "
                                           "adjustments), a cross-site request, or a form without its token."},
    404: {"model": Problem, "description": "No such athlete, or not one you may see (the same answer)."},
    413: {"model": Problem, "description": "The body is too big."},
    422: {"model": Problem, "description": "A field cannot be used; each is named."},
    503: {"model": Problem, "description": "The log is busy for a moment; try again."},
}
api = APIRouter(prefix="/api", tags=["api"], responses=_ANSWERS)
ONLY_CLINICIANS = "Only a clinician linked to you can change these; you can see them all here."


def _clinician_of(request: Request, athlete_id: AthleteRead, actor: CurrentActor) -> int:
    """The access check of a change: a linked clinician may read the athlete (the one check, which answers
    404 for anyone else's athlete) and is a clinician; the athlete themself may only read."""
    recorder = getattr(request.app.state, "access_checks", None)
    if recorder is not None:
        recorder.append((request.method, request.url.path, "adjust"))
    if actor.role != "clinician":
        raise HTTPException(403, ONLY_CLINICIANS)
    return athlete_id


AthleteAdjust = Annotated[int, Depends(_clinician_of)]


def _today() -> dt.date:
    return dt.date.today()  # the clock, read at the edge


def _page(request: Request, athlete_id: int, actor: accounts.Actor, *, problems: list[str] | None = None,
          saved: str | None = None, status: int = 200) -> Response:
    db = database(request)
    view = adjustments_for(db, athlete_id)
    return page(request, "adjustments.html", {
        "title": "Adjustments", "athlete_id": athlete_id, "name": get_athlete(db, athlete_id).name,
        "view": view, "choices": choices(), "may_change": actor.role == "clinician",
        "problems": problems or [], "saved": saved, "codes": STOPPING_DIAGNOSES, "detail": _detail,
    }, status_code=status)


def _detail(e: ClinicalEvent) -> str:
    """One event in a few words, for the trail."""
    if e.kind == "set":
        return f"{e.rule_id} {e.parameter} set to {e.value:g}"
    if e.kind == "undo":
        return f"change {e.refers_to} undone ({e.rule_id} {e.parameter})"
    if e.kind == "clearance":
        return "cleared to run" + (f" on {e.value.get('on')}" if isinstance(e.value, dict) else "")
    code = e.value.get("code") if isinstance(e.value, dict) else None
    return "diagnosis" + (f", running stops until cleared ({code.replace('_', ' ')})" if code else "")


@pages.get("/athletes/{athlete_id}/adjustments")
def adjustments_page(request: Request, athlete_id: AthleteRead, actor: CurrentActor,
                     saved: int | None = None) -> Response:
    return _page(request, athlete_id, actor, saved=f"Change {saved} is recorded; the plan follows it from now."
                 if saved is not None and 0 < saved < 2**62 else None)


@pages.post("/athletes/{athlete_id}/adjustments")
def adjust(request: Request, athlete_id: AthleteAdjust, actor: CurrentActor,
           number: Annotated[str, Form(max_length=100)], value: Annotated[str, Form(max_length=40)],
           reason: Annotated[str, Form(max_length=2000)] = "") -> Response:
    """Set one number: chosen from the adjustable ones ("W-START fraction"), with why."""
    rule_id, _, parameter = number.partition(" ")
    try:
        event = set_adjustment(database(request), athlete_id, rule_id, parameter, value, reason,
                               by_user_id=actor.user_id, by_email=actor.email)
    except AdjustmentProblem as problem:
        return _page(request, athlete_id, actor, problems=[f"{problem.field}: {problem.message}"], status=422)
    _audit(request, actor, athlete_id, "adjustment_set", f"{event.rule_id} {event.parameter}")
    return RedirectResponse(f"/athletes/{athlete_id}/adjustments?saved={event.id}", status_code=303)


@pages.post("/athletes/{athlete_id}/adjustments/{change_id}/undo")
def undo(request: Request, athlete_id: AthleteAdjust, actor: CurrentActor, change_id: int,
         reason: Annotated[str, Form(max_length=2000)] = "") -> Response:
    try:
        event = undo_adjustment(database(request), athlete_id, change_id, reason, by_user_id=actor.user_id,
                                by_email=actor.email)
    except AdjustmentProblem as problem:
        return _page(request, athlete_id, actor, problems=[f"{problem.field}: {problem.message}"], status=422)
    _audit(request, actor, athlete_id, "adjustment_undone", f"{event.rule_id} {event.parameter}")
    return RedirectResponse(f"/athletes/{athlete_id}/adjustments?saved={event.id}", status_code=303)


@pages.post("/athletes/{athlete_id}/adjustments/diagnosis")
def diagnosis(request: Request, athlete_id: AthleteAdjust, actor: CurrentActor,
              text: Annotated[str, Form(max_length=2000)], stops_running: Annotated[str, Form(max_length=40)] = "",
              ) -> Response:
    try:
        record_diagnosis(database(request), athlete_id, text, _today(), code=stops_running or None,
                         by_user_id=actor.user_id, by_email=actor.email)
    except AdjustmentProblem as problem:
        return _page(request, athlete_id, actor, problems=[f"{problem.field}: {problem.message}"], status=422)
    _audit(request, actor, athlete_id, "diagnosis_recorded", "stops running" if stops_running else None)
    return _page(request, athlete_id, actor, saved="The diagnosis is recorded.")


def _audit(request: Request, actor: accounts.Actor, athlete_id: int, event: str, detail: str | None) -> None:
    accounts.audit(database(request), event, user_id=actor.user_id, athlete_id=athlete_id,
                   client=client_of(request), detail=detail)


# --- the JSON API ----------------------------------------------------------------------------------------


class AdjustmentIn(BaseModel):
    """One number to set for the athlete, with why."""

    rule: str = Field(max_length=32, description="The rule's id, e.g. W-START.")
    parameter: str = Field(max_length=64, description="The rule's parameter, e.g. fraction.")
    value: float | str = Field(description="A number, a share such as \"60%\", or yes/no.")
    reason: str = Field(max_length=2000, description="Why, in a few words.")


def _event_json(e: ClinicalEvent) -> dict[str, Any]:
    return {"id": e.id, "kind": e.kind, "rule": e.rule_id, "parameter": e.parameter, "value": e.value,
            "reason": e.reason, "by": e.by_email, "at": e.at.isoformat(), "refers_to": e.refers_to}


@api.get("/athletes/{athlete_id}/adjustments")
def adjustments_json(request: Request, athlete_id: AthleteRead) -> dict[str, Any]:
    """The adjustments in force (each with the cited default it replaces) and the whole trail, oldest first."""
    view = adjustments_for(database(request), athlete_id)
    return {"current": [{**_event_json(c.event), "default": c.default, "unit": c.unit} for c in view.current],
            "history": [_event_json(e) for e in view.history]}


@api.post("/athletes/{athlete_id}/adjustments", status_code=201)
def adjust_json(request: Request, athlete_id: AthleteAdjust, actor: CurrentActor, body: AdjustmentIn) -> Any:
    """Set one number for the athlete (a linked clinician only); 422 names the field that cannot be used."""
    try:
        event = set_adjustment(database(request), athlete_id, body.rule, body.parameter, body.value, body.reason,
                               by_user_id=actor.user_id, by_email=actor.email)
    except AdjustmentProblem as problem:
        return JSONResponse({"detail": f"{problem.field}: {problem.message}",
                             "errors": [{"field": problem.field, "message": problem.message}]}, status_code=422)
    _audit(request, actor, athlete_id, "adjustment_set", f"{event.rule_id} {event.parameter}")
    return _event_json(event)


router.include_router(pages)
router.include_router(api)
