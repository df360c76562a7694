"""The runner's pages: sign-in, Today, Check-in, Plan, Log, Settings (and a clinician's list of athletes).

Each route is a thin shell: read the form, call one service function, render. Every athlete page takes
the athlete from the path and passes the one access check (``AthleteRead``/``AthleteWrite``), which
answers "not yours" exactly as "no such athlete". Forms post back and redirect (they work without
JavaScript); with htmx a check-in swaps Today's decision in place.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import UploadFile as StarletteUpload

from backstride.contract import WEEKDAYS, InvalidState, parse_checkin
from backstride.services import accounts
from backstride.services.athletes import SetupProblem, clear_to_run, edit_profile, parse_available, parse_week
from backstride.services.checkin_questions import ASKED_EACH_MORNING, LEG_DETAIL, LEG_SYMPTOMS
from backstride.services.manual_log import ManualEntry, NotPlausible, log_session
from backstride.services.safekeeping import erase
from backstride.services.shoes import add_shoes, shoes_of
from backstride.services.training_log import planned_week, record_checkin, today_for
from backstride.services.workouts import plan_workout
from backstride.storage import cleared_on, export_athlete, get_athlete, list_activities, state_for
from backstride.storage.errors import NotFound
from backstride.web.rendering import is_htmx, page
from backstride.web.security import (
    AthleteRead,
    AthleteWrite,
    CurrentActor,
    SelfActor,
    checked_stamp,
    clear_session_cookie,
    client_of,
    database,
    optional_actor,
    pre_session_cookie,
    session_cookie,
    start_pre_session,
)

__all__ = ["job_of", "router", "start_import", "today"]

router = APIRouter(include_in_schema=False)
MORNING = tuple(s for s in ASKED_EACH_MORNING if s.name != LEG_DETAIL)
SCORES = tuple(range(11))
_RUN_FLAGS = ("pain_rising_during", "sharp_pain")


def today() -> dt.date:
    """The runner's today: the clock is read here, at the edge."""
    return dt.date.today()


def _see(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


# --- signing in and out ------------------------------------------------------------------------------


@router.get("/")
def home(request: Request) -> Response:
    actor = optional_actor(request)
    if actor is None:
        return _see("/signin")
    if actor.athlete_id is not None:
        return _see(f"/athletes/{actor.athlete_id}/today")
    return _see("/clinic")  # clinicians and admins start at the clinic list


@router.get("/signin")
def signin_form(request: Request) -> Response:
    start_pre_session(request)
    response = page(request, "signin.html", {"title": "Sign in", "message": None})
    pre_session_cookie(request, response)
    return response


def _signed_in(request: Request, actor: accounts.Actor) -> Response:
    secret = accounts.start_session(database(request), actor, client=client_of(request))
    response = _see("/")
    session_cookie(request, response, secret)
    return response


@router.post("/signin")
def signin(request: Request, email: Annotated[str, Form(max_length=320)],
           password: Annotated[str, Form(max_length=4096)]) -> Response:
    try:
        actor = accounts.authenticate(database(request), email, password, client=client_of(request))
    except accounts.SigninRefused as refused:
        status, headers = (429, {"Retry-After": str(int(refused.wait.total_seconds()) + 1)}) if refused.wait \
            else (401, None)
        return page(request, "signin.html", {"title": "Sign in", "message": str(refused), "email": email},
                    status_code=status, headers=headers)
    return _signed_in(request, actor)


@router.get("/signin/link")
def signin_link_form(request: Request, token: str = "") -> Response:
    """The one-time link's page: a button, so a link preview cannot use the link up."""
    start_pre_session(request)
    response = page(request, "signin_link.html", {"title": "Sign in", "token": token[:100]})
    pre_session_cookie(request, response)
    return response


@router.post("/signin/link")
def signin_with_link(request: Request, token: Annotated[str, Form(max_length=100)]) -> Response:
    actor = accounts.use_signin_link(database(request), token)
    if actor is None:
        accounts.audit(database(request), "signin_link_refused", client=client_of(request))
        return page(request, "signin.html", {"title": "Sign in", "message": "That sign-in link has been used or "
                                             "has expired. Ask for a new one, or sign in with your password."},
                    status_code=401)
    return _signed_in(request, actor)


@router.post("/signout")
def signout(request: Request, actor: SelfActor) -> Response:
    accounts.end_session(database(request), actor, client=client_of(request))
    response = _see("/signin")
    clear_session_cookie(request, response)
    return response


@router.get("/athletes")
def athletes(request: Request, actor: SelfActor) -> Response:
    """A clinician's athletes (an athlete sees only themself)."""
    db = database(request)
    people = [get_athlete(db, a) for a in accounts.visible_athletes(db, actor)]
    return page(request, "athletes.html", {"title": "Athletes", "people": people})


@router.get("/account")
def account(request: Request, actor: SelfActor) -> Response:
    """Who is signed in, a form to change the password, and (for an athlete) the clinicians who may read
    their log, each with a button to end that access."""
    return _account_page(request, actor)


def _account_page(request: Request, actor: accounts.Actor, *, problems: list[str] | None = None,
                  saved: str | None = None, status: int = 200) -> Response:
    from backstride.services.invitations import clinicians_of

    linked = clinicians_of(database(request), actor.athlete_id) if actor.athlete_id is not None else []
    return page(request, "account.html", {"title": "Your account", "problems": problems or [], "saved": saved,
                                          "clinicians": linked}, status_code=status)


@router.post("/account/clinicians/{clinician_id}/end")
def end_clinician_access(request: Request, actor: SelfActor, clinician_id: int) -> Response:
    """The athlete ends one clinician's access to their log (audited); the clinician's list loses them at once."""
    from backstride.services.invitations import end_access

    try:
        ended = end_access(database(request), actor, clinician_id if 0 < clinician_id < 2**62 else 0,
                           client=client_of(request))
    except accounts.AccountProblem:
        raise HTTPException(404, "There is nothing here.") from None
    if not ended:
        raise HTTPException(404, "There is nothing here.")
    return _account_page(request, actor, saved="That clinician can no longer read your log.")


@router.post("/account/password")
def password_change(request: Request, actor: SelfActor, current: Annotated[str, Form(max_length=4096)],
                    new: Annotated[str, Form(max_length=4096)]) -> Response:
    """Change the password: every session of the account ends (this one too); sign in again with the new one."""
    try:
        accounts.change_password(database(request), actor, current, new, client=client_of(request))
    except accounts.AccountProblem as problem:
        return _account_page(request, actor, problems=[str(problem)], status=422)
    request.state.actor = None
    response = page(request, "signin.html", {"title": "Sign in", "message": "Your password is changed, and "
                                             "every device is signed out. Sign in with the new one."})
    clear_session_cookie(request, response)
    return response


# --- Today and the check-in --------------------------------------------------------------------------


def _today_context(request: Request, athlete_id: int) -> dict[str, Any]:
    view = today_for(database(request), athlete_id, today(), stamp=checked_stamp(request, athlete_id))
    return {"athlete_id": athlete_id, "view": view, "decision": view.decision, "units": view.units,
            "name": get_athlete(database(request), athlete_id).name}


@router.get("/athletes/{athlete_id}/today")
def today_page(request: Request, athlete_id: AthleteRead) -> Response:
    return page(request, "today.html", {"title": "Today", **_today_context(request, athlete_id)})


def _checkin_page(request: Request, athlete_id: int, *, problems: list[str] | None = None,
                  legs: bool = False, status: int = 200) -> Response:
    ctx = _today_context(request, athlete_id)
    return page(request, "checkin.html", {"title": "Check in", **ctx, "morning": MORNING, "scores": SCORES,
                                          "problems": problems or [], "legs": legs,
                                          "answers": ctx["view"].checkin}, status_code=status)


@router.get("/athletes/{athlete_id}/checkin")
def checkin_form(request: Request, athlete_id: AthleteWrite, legs: bool = False) -> Response:
    return _checkin_page(request, athlete_id, legs=legs)


def _answers(form: dict[str, str], day: dt.date) -> dict[str, Any]:
    """The check-in's answers from the form: blank means not answered; yes/no become true/false."""
    answers: dict[str, Any] = {"date": day.isoformat()}
    # No "pain the next morning" here: the core reads it from the next day's pain at rest.
    for name in ("pain_rest", "pain_during", "pain_after", "stress", "confidence"):
        value = form.get(name, "").strip()
        if value:
            answers[name] = int(value) if value.isdigit() else value
    sleep = form.get("sleep_hours", "").strip()
    if sleep:
        try:
            answers["sleep_hours"] = float(sleep)
        except ValueError:
            answers["sleep_hours"] = sleep
    for name in (*(s.name for s in ASKED_EACH_MORNING), *_RUN_FLAGS):
        value = form.get(name, "")
        if value in ("yes", "no"):
            answers[name] = value == "yes"
    notes = form.get("notes", "").strip()
    if notes:
        answers["notes"] = notes
    return answers


@router.post("/athletes/{athlete_id}/checkin")
async def checkin(request: Request, athlete_id: AthleteWrite) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    day = today()
    try:
        answers = parse_checkin(_answers(form, day))
    except InvalidState as exc:
        return _checkin_page(request, athlete_id, problems=[f"{p.where}: {p.message}" for p in exc.problems],
                             status=422)
    record_checkin(database(request), athlete_id, answers, day)
    legs = any(getattr(answers, n) for n in LEG_SYMPTOMS) and answers.both_legs is None
    follow = f"/athletes/{athlete_id}/checkin?legs=true" if legs else f"/athletes/{athlete_id}/today"
    if is_htmx(request):
        if legs:
            return Response(status_code=204, headers={"HX-Redirect": follow})
        ctx = _today_context(request, athlete_id)
        return page(request, "today.html", {"title": "Today", **ctx, "saved": True}, block="decision")
    return _see(follow)


# --- the plan ----------------------------------------------------------------------------------------


@router.get("/athletes/{athlete_id}/plan")
def plan_page(request: Request, athlete_id: AthleteRead) -> Response:
    from backstride.rules import default_catalogue

    week = planned_week(database(request), athlete_id, today(), stamp=checked_stamp(request, athlete_id))
    plan = week.plan
    catalogue = default_catalogue()
    ids = {r.id for r in plan.rules_applied} | {r for s in plan.sessions for r in s.rules}
    titles = {r: (catalogue.rule(r).title if r in catalogue else r) for r in ids}
    return page(request, "plan.html", {"title": "Plan", "athlete_id": athlete_id, "plan": plan,
                                       "units": week.units, "titles": titles, "calendar_url": None})


@router.get("/athletes/{athlete_id}/plan/{day}/workout.fit")
def workout(request: Request, athlete_id: AthleteRead, day: dt.date) -> Response:
    try:
        data = plan_workout(database(request), athlete_id, today(), day)
    except ValueError:
        raise HTTPException(404, "No run is planned on that day.") from None
    return Response(data, media_type="application/vnd.ant.fit",
                    headers={"Content-Disposition": f'attachment; filename="backstride-{day.isoformat()}.fit"'})


@router.post("/athletes/{athlete_id}/plan/calendar")
def new_calendar_link(request: Request, athlete_id: AthleteWrite) -> Response:
    """A new secret calendar link (the old one stops working); shown once on this page."""
    secret = accounts.calendar_link(database(request), athlete_id)
    url = f"{request.app.state.settings.base_url}/calendar/{secret}.ics"
    return page(request, "calendar_link.html", {"title": "Calendar link", "athlete_id": athlete_id, "url": url})


@router.get("/calendar/{secret}.ics")
def calendar_feed(request: Request, secret: str) -> Response:
    """The plan as a calendar feed, for calendar apps that cannot sign in: the secret is the key."""
    from backstride.exports.calendar import plan_to_ics

    db = database(request)
    athlete_id = accounts.calendar_athlete(db, secret[:100])
    if athlete_id is None:
        raise HTTPException(404, "There is nothing here.")
    week = planned_week(db, athlete_id, today())
    body = plan_to_ics(week.plan, athlete_name=get_athlete(db, athlete_id).name, units=week.units)
    return Response(body, media_type="text/calendar")


# --- the log -----------------------------------------------------------------------------------------

LOG_KINDS = {"run": "Run", "long": "Long run", "cross_training": "Cross-training", "strength": "Strength",
             "mobility": "Mobility"}


def _log_page(request: Request, athlete_id: int, *, problems: list[str] | None = None,
              saved: str | None = None, status: int = 200) -> Response:
    db = database(request)
    recent = list(reversed(list_activities(db, athlete_id, today() - dt.timedelta(days=14), today())))
    return page(request, "log.html", {"title": "Log", "athlete_id": athlete_id, "kinds": LOG_KINDS,
                                      "recent": recent, "units": get_athlete(db, athlete_id).units,
                                      "problems": problems or [], "saved": saved, "today": today()},
                status_code=status)


@router.get("/athletes/{athlete_id}/log")
def log_form(request: Request, athlete_id: AthleteWrite) -> Response:
    return _log_page(request, athlete_id)


def _number(form: dict[str, str], name: str, label: str) -> float | None:
    value = form.get(name, "").strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise SetupProblem(label, f"{value!r} is not a number") from None


@router.post("/athletes/{athlete_id}/log")
async def log_add(request: Request, athlete_id: AthleteWrite) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    db = database(request)
    units = get_athlete(db, athlete_id).units
    try:
        kind = form.get("kind", "")
        if kind not in LOG_KINDS:
            raise SetupProblem("kind", f"choose one of {', '.join(LOG_KINDS.values())}")
        try:
            day = dt.date.fromisoformat(form.get("date", "") or today().isoformat())
        except ValueError:
            raise SetupProblem("date", "give the date as YYYY-MM-DD") from None
        if day > today():
            raise SetupProblem("date", "you can log only what has happened")
        distance = _number(form, "distance", "distance")
        duration = _number(form, "duration_min", "time")
        rpe = _number(form, "rpe", "effort")
        km = distance * 1.609344 if distance is not None and units == "mi" else distance
        entry = ManualEntry(day, kind, round(km, 3) if km is not None else None, duration,
                            int(rpe) if rpe is not None else None, sport=form.get("sport") or None,
                            notes=(form.get("notes") or "").strip()[:2000] or None)
        logged = log_session(db, athlete_id, entry, today())
    except SetupProblem as problem:
        return _log_page(request, athlete_id, problems=[str(problem)], status=422)
    except (NotPlausible, InvalidState) as problem:
        text = "; ".join(f"{p.where}: {p.message}" for p in problem.problems) \
            if isinstance(problem, InvalidState) else str(problem)
        return _log_page(request, athlete_id, problems=[text], status=422)
    saved = "That session was already in your log, so it was not added again." if logged.duplicate_of \
        else f"{LOG_KINDS[kind]} on {day:%A %d %B} added."
    return _log_page(request, athlete_id, saved=saved)


# --- settings ----------------------------------------------------------------------------------------


def _clearance_by(request: Request, athlete_id: int) -> str | None:
    from sqlalchemy import select

    from backstride.storage.tables import AuditRow

    with database(request).session() as session:
        return session.scalar(select(AuditRow.detail).where(AuditRow.athlete_id == athlete_id,
                                                            AuditRow.event == "clearance_recorded")
                              .order_by(AuditRow.id.desc()).limit(1))


def _settings_page(request: Request, athlete_id: int, *, problems: list[str] | None = None,
                   saved: str | None = None, status: int = 200) -> Response:
    db = database(request)
    athlete = state_for(db, athlete_id, today(), history_days=0).athlete
    week = ", ".join(
        f"{s.day} {s.kind}" + (f" {s.duration_min:g} min" if s.duration_min else "")
        + (f" {round(s.distance_km / 1.609344 if athlete.units == 'mi' else s.distance_km, 1):g}"
           if s.distance_km else "")
        for s in athlete.baseline.sessions)
    return page(request, "settings.html", {
        "title": "Settings", "athlete_id": athlete_id, "athlete": athlete, "week": week, "weekdays": WEEKDAYS,
        "cross": ("bike", "elliptical", "swim", "deep_water_running", "incline_walk", "rower", "ski_erg", "yoga"),
        "shoes": shoes_of(db, athlete_id), "cleared_on": cleared_on(db, athlete_id),
        "cleared_by": _clearance_by(request, athlete_id), "problems": problems or [], "saved": saved,
    }, status_code=status)


@router.get("/athletes/{athlete_id}/settings")
def settings_page(request: Request, athlete_id: AthleteWrite) -> Response:
    return _settings_page(request, athlete_id)


@router.post("/athletes/{athlete_id}/settings")
async def settings_save(request: Request, athlete_id: AthleteWrite) -> Response:
    form = await request.form()
    text = {k: v for k, v in form.items() if isinstance(v, str)}
    units = text.get("units", "km")
    try:
        if units not in ("km", "mi"):
            raise SetupProblem("units", "km or mi")
        days = [d for d in form.getlist("available_days") if isinstance(d, str)]
        changes: dict[str, Any] = {
            "units": units,
            "baseline": {"sessions": parse_week(text.get("week", ""), units, "normal week")},
            "available_days": parse_available(",".join(days), "available days") if days else None,
            "long_run_day": text.get("long_run_day") or None,
            "cross_training": [c for c in form.getlist("cross_training") if isinstance(c, str)],
            "cadence_spm": _number(text, "cadence_spm", "cadence"),
        }
        edit_profile(database(request), athlete_id, changes, today())
    except SetupProblem as problem:
        return _settings_page(request, athlete_id, problems=[str(problem)], status=422)
    return _settings_page(request, athlete_id, saved="Your settings are saved; the plan follows them from now.")


@router.post("/athletes/{athlete_id}/settings/shoes")
def shoes_add(request: Request, athlete_id: AthleteWrite, name: Annotated[str, Form(max_length=100)],
              distance: Annotated[float, Form(ge=0, le=100_000)] = 0.0) -> Response:
    try:
        add_shoes(database(request), athlete_id, name, distance, today())
    except (ValueError, NotFound) as problem:
        return _settings_page(request, athlete_id, problems=[f"shoes: {problem}"], status=422)
    return _settings_page(request, athlete_id, saved=f"{name.strip()} added.")


@router.post("/athletes/{athlete_id}/settings/clearance")
def clearance(request: Request, athlete_id: AthleteWrite, actor: CurrentActor,
              cleared_by: Annotated[str, Form(min_length=1, max_length=120)],
              on: Annotated[dt.date | None, Form()] = None) -> Response:
    """Record a clinician's clearance to run: who cleared it (kept in the audit log) and when."""
    day = on or today()
    if day > today():
        return _settings_page(request, athlete_id, problems=["on: a clearance can only be recorded once given"],
                              status=422)
    clear_to_run(database(request), athlete_id, day, reason=f"cleared by {cleared_by.strip()}",
                 by_user_id=actor.user_id, by_email=actor.email)  # on the clinical trail too
    accounts.audit(database(request), "clearance_recorded", user_id=actor.user_id, athlete_id=athlete_id,
                   client=client_of(request), detail=f"{cleared_by.strip()} on {day.isoformat()}")
    return _settings_page(request, athlete_id, saved=f"Clearance by {cleared_by.strip()} on {day:%d %B %Y} recorded.")


@router.post("/athletes/{athlete_id}/export")
def export(request: Request, athlete_id: AthleteWrite, actor: CurrentActor) -> Response:
    """All of the athlete's data as one JSON file (GDPR Art. 15 and 20)."""
    data = export_athlete(database(request), athlete_id)
    accounts.audit(database(request), "export", user_id=actor.user_id, athlete_id=athlete_id,
                   client=client_of(request))
    body = json.dumps(data, indent=2, ensure_ascii=False, default=str).encode()
    return Response(body, media_type="application/json",
                    headers={"Content-Disposition": 'attachment; filename="backstride-export.json"'})


@router.post("/athletes/{athlete_id}/erase")
def erase_everything(request: Request, athlete_id: AthleteWrite, actor: CurrentActor,
                     confirm: Annotated[str, Form(max_length=20)] = "") -> Response:
    """Erase the athlete and all their data, their account too, after they type "erase"."""
    if confirm.strip().lower() != "erase":
        return _settings_page(request, athlete_id, problems=['erase: type the word "erase" to confirm'],
                              status=422)
    done = erase(database(request), athlete_id)
    accounts.audit(database(request), "erasure", user_id=actor.user_id, athlete_id=athlete_id,
                   client=client_of(request), detail=f"{sum(done.report.rows_deleted.values())} rows")
    request.state.actor = None  # signed out with the account
    response = page(request, "erased.html", {"title": "Erased"})
    clear_session_cookie(request, response)
    return response


# --- history -----------------------------------------------------------------------------------------


@router.get("/athletes/{athlete_id}/history")
def history_page(request: Request, athlete_id: AthleteRead,
                 weeks: Annotated[int, Query(ge=4, le=104)] = 12) -> Response:
    """Weeks of distance against pain, each run's answer, planned against done, the load ratio: pictures
    with their words and numbers; then shoes and what ``causes`` finds."""
    from backstride.services.history import history_for
    from backstride.web.charts import history_charts

    history = history_for(database(request), athlete_id, today(), weeks)
    return page(request, "history.html", {"title": "History", "athlete_id": athlete_id, "history": history,
                                          "charts": history_charts(history), "units": history.units,
                                          "weeks": weeks, "choices": (4, 12, 26, 52)})


# --- imports -----------------------------------------------------------------------------------------


@router.get("/athletes/{athlete_id}/imports")
def imports_form(request: Request, athlete_id: AthleteWrite) -> Response:
    return page(request, "imports.html", {"title": "Import", "athlete_id": athlete_id, "problems": []})


async def start_import(request: Request, athlete_id: int) -> int:
    """Save the request's files and start their import off the request path; the job's id.

    HTTPException 413 past the upload bounds, 422 when no file was sent.
    """
    from backstride.web.uploads import MAX_UPLOAD_BYTES, MAX_UPLOAD_FILES, TooBig, save_uploads

    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_UPLOAD_BYTES + 2**20:
        raise HTTPException(413, f"At most {MAX_UPLOAD_BYTES // 2**20} MB at a time.")
    form = await request.form(max_files=MAX_UPLOAD_FILES + 1)
    try:
        files = [f for f in form.getlist("files") if isinstance(f, StarletteUpload) and f.filename]
        if not files:
            raise HTTPException(422, "files: choose one or more files (FIT, GPX, TCX, CSV or an export zip)")
        folder, saved = await save_uploads(files)
    except TooBig as problem:
        raise HTTPException(413, f"That is too much: {problem}.") from None
    finally:
        await form.close()  # the request's spooled copies; ours are in the folder
    payload = {"athlete_id": athlete_id, "paths": [str(p) for p in saved], "today": today().isoformat(),
               "remove": str(folder)}
    job_id: int = request.app.state.jobs.enqueue("import", payload)
    return job_id


@router.post("/athletes/{athlete_id}/imports")
async def imports_start(request: Request, athlete_id: AthleteWrite) -> Response:
    try:
        job_id = await start_import(request, athlete_id)
    except HTTPException as problem:
        if problem.status_code != 422:
            raise
        return page(request, "imports.html", {"title": "Import", "athlete_id": athlete_id,
                                              "problems": [problem.detail]}, status_code=422)
    return _see(f"/athletes/{athlete_id}/imports/{job_id}")


def job_of(request: Request, athlete_id: int, job_id: int) -> Any:
    """The athlete's job; 404 for a job of anyone else, exactly as for no job."""
    from backstride.services.jobs import UnknownJob

    try:
        status = request.app.state.jobs.job_status(job_id) if 0 < job_id < 2**62 else None
    except UnknownJob:
        status = None
    if status is None or status.athlete_id != athlete_id:
        raise HTTPException(404, "There is nothing here.")
    return status


@router.get("/athletes/{athlete_id}/imports/{job_id}")
def import_job(request: Request, athlete_id: AthleteWrite, job_id: int) -> Response:
    """An import's progress (the page refreshes itself until it is done; htmx polls just the box)."""
    status = job_of(request, athlete_id, job_id)
    ctx = {"title": "Import", "athlete_id": athlete_id, "job": status,
           "units": get_athlete(database(request), athlete_id).units}
    return page(request, "import_job.html", ctx, block="progress" if is_htmx(request) else None)
