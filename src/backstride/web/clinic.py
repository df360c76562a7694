"""The clinician's side: the clinic list, an athlete's overview and appointment summary, notes,
invitations, and the admin's page of clinicians and their links.

Thin shells over :mod:`backstride.services.clinic`, ``notes``, ``invitations`` and ``appointment``. Every
route passes an access check that is recorded (T19): the athlete routes the one check of
:mod:`backstride.web.security`; the clinic routes ``ClinicActor`` (clinicians and admins), the admin
routes ``AdminActor``; anyone else finds nothing there (404), exactly as for a page that does not exist.
"""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request, Response
from fastapi.responses import RedirectResponse
from markupsafe import Markup

from backstride.services import accounts
from backstride.services.clinic import ClinicRow, ClinicView, clinic_list, clinic_view
from backstride.services.memo import memo_of
from backstride.web.api import ERROR_ANSWERS
from backstride.web.pages import today
from backstride.web.rendering import page, templates
from backstride.web.security import (
    AdminActor,
    AthleteNote,
    AthleteRead,
    ClinicActor,
    client_of,
    database,
    optional_actor,
    pre_session_cookie,
    session_cookie,
    start_pre_session,
)

__all__ = ["api_router", "router"]

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api", tags=["api"], responses=ERROR_ANSWERS)
Search = Annotated[str, Query(max_length=100, description="Only athletes whose name holds this (any case).")]
Attention = Annotated[bool, Query(description="Only athletes who need attention.")]


def _view(request: Request, actor: accounts.Actor, attention: bool, q: str, *, event: str) -> ClinicView:
    """The actor's list; ``event`` names the read in the audit log (how many athletes, never who or why)."""
    view = clinic_view(database(request), actor, today(), attention=attention, search=q)
    accounts.audit(database(request), event, user_id=actor.user_id, client=client_of(request),
                   detail=f"{len(view.rows)} athletes")
    return view


def _rows(request: Request, actor: accounts.Actor, attention: bool, q: str, *, event: str) -> list[ClinicRow]:
    return _view(request, actor, attention, q, event=event).rows


# --- the clinic list ---------------------------------------------------------------------------------


PAGE_SIZE = 50  # rows on one page of the list: the most urgent fit on the first; the search finds anyone


def _query(q: str, attention: bool, number: int) -> str:
    """The list's own link for page ``number`` with the same search and filter."""
    params: dict[str, str] = {"page": str(number)} if number > 1 else {}
    if q:
        params["q"] = q
    if attention:
        params["attention"] = "true"
    return "/clinic" + (f"?{urlencode(params)}" if params else "")


@router.get("/clinic")
def clinic_page(request: Request, actor: ClinicActor, attention: Attention = False, q: Search = "",
                page_number: Annotated[int, Query(alias="page", ge=1, le=100_000,
                                                  description="Which page of the list (50 athletes each).")] = 1,
                ) -> Response:
    """The linked athletes, most urgent first, each with why and the last check-in's date, fifty a page."""
    view = _view(request, actor, attention, q, event="clinic_read")
    rows = view.rows
    first = (page_number - 1) * PAGE_SIZE
    shown = rows[first:first + PAGE_SIZE]
    pages = {"first": first + 1, "last": first + len(shown), "total": len(rows),
             "previous": _query(q, attention, page_number - 1) if page_number > 1 else None,
             "next": _query(q, attention, page_number + 1) if first + PAGE_SIZE < len(rows) else None,
             "start": _query(q, attention, 1)}
    # The rows' markup is kept with the list it shows (same stamp, day, page and filter): an unchanged
    # list is not rendered again. It holds nothing of the request (no token, no session).
    key = ("clinic_rows", actor.user_id, today(), page_number, q, attention)
    rows_html = memo_of(database(request)).get(key, view.stamp, lambda: Markup(
        templates().get_template("clinic_rows.html").render(rows=shown, pages=pages)))
    return page(request, "clinic.html", {"title": "Clinic", "rows": shown, "rows_html": rows_html, "pages": pages,
                                         "attention": attention, "q": q,
                                         "needing": sum(1 for r in rows if r.needs_attention), "today": today()})


@router.get("/clinic.csv")
def clinic_csv(request: Request, actor: ClinicActor, attention: Attention = False, q: Search = "") -> Response:
    """The same list as a CSV file (names, why, last check-in; no pain scores), audited as an export."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["athlete_id", "name", "why", "last_checkin"])
    for r in _rows(request, actor, attention, q, event="clinic_export"):
        writer.writerow([r.athlete_id, r.name, r.reason, r.last_checkin.isoformat() if r.last_checkin else ""])
    return Response(out.getvalue(), media_type="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="backstride-clinic.csv"'})


def _plain(r: ClinicRow) -> dict[str, Any]:
    return {"athlete_id": r.athlete_id, "name": r.name, "kind": r.kind, "why": r.reason,
            "needs_attention": r.needs_attention, "triage_level": r.level,
            "last_checkin": r.last_checkin.isoformat() if r.last_checkin else None}


@api_router.get("/clinic")
def clinic_api(request: Request, actor: ClinicActor, attention: Attention = False, q: Search = "") -> Any:
    """The clinic list as JSON: the count, how many need attention, and the rows most urgent first."""
    rows = _rows(request, actor, attention, q, event="clinic_read")
    return {"count": len(rows), "needs_attention": sum(1 for r in rows if r.needs_attention),
            "athletes": [_plain(r) for r in rows]}


# --- one athlete -------------------------------------------------------------------------------------


def _status(request: Request, athlete_id: int) -> ClinicRow | None:
    actor = optional_actor(request)
    if actor is None or actor.role == "athlete":
        return None
    rows = clinic_list(database(request), actor, today(), only=athlete_id)
    return rows[0] if rows else None


def _overview(request: Request, athlete_id: int, *, problems: list[str] | None = None, saved: str | None = None,
              status: int = 200) -> Response:
    from backstride.services.notes import notes_for
    from backstride.storage import get_athlete

    actor = optional_actor(request)
    assert actor is not None
    db = database(request)
    return page(request, "overview.html", {
        "title": get_athlete(db, athlete_id).name, "athlete_id": athlete_id, "name": get_athlete(db, athlete_id).name,
        "row": _status(request, athlete_id), "notes": notes_for(db, actor, athlete_id),
        "writer": actor.role != "athlete", "problems": problems or [], "saved": saved}, status_code=status)


@router.get("/athletes/{athlete_id}/overview")
def overview(request: Request, athlete_id: AthleteRead) -> Response:
    """A clinician's page for one athlete: where they are on the list and why, the read-only pages, notes.
    The athlete sees the notes shared with them here."""
    return _overview(request, athlete_id)


@router.post("/athletes/{athlete_id}/notes")
def add_note(request: Request, athlete_id: AthleteNote, text: Annotated[str, Form(max_length=8000)],
             shared: Annotated[str, Form(max_length=10)] = "") -> Response:
    """A linked clinician writes a note; shared with the athlete when the box is ticked."""
    from backstride.services.notes import add_note as write

    actor = optional_actor(request)
    assert actor is not None
    try:
        write(database(request), actor, athlete_id, text, shared=shared == "yes", client=client_of(request))
    except accounts.AccountProblem as problem:
        return _overview(request, athlete_id, problems=[str(problem)], status=422)
    return _overview(request, athlete_id, saved="Note saved." + (" The athlete can read it." if shared == "yes"
                                                                 else ""))


@router.get("/athletes/{athlete_id}/summary")
def summary(request: Request, athlete_id: AthleteRead,
            weeks: Annotated[int, Query(ge=8, le=12)] = 12) -> Response:
    """The one-page appointment summary, printable (a print stylesheet drops the navigation)."""
    from backstride.services.appointment import summary_for
    from backstride.web.charts import load_and_pain_chart

    found = summary_for(database(request), athlete_id, today(), weeks)
    return page(request, "summary.html", {"title": f"Summary: {found.name}", "athlete_id": athlete_id,
                                          "s": found, "units": found.history.units,
                                          "chart": load_and_pain_chart(found.history)})


# --- invitations -------------------------------------------------------------------------------------


def _invitations_page(request: Request, *, link: str | None = None, problems: list[str] | None = None,
                      status: int = 200) -> Response:
    return page(request, "invitations.html", {"title": "Invite an athlete", "link": link,
                                              "problems": problems or []}, status_code=status)


@router.get("/clinic/invitations")
def invitations_form(request: Request, actor: ClinicActor) -> Response:
    return _invitations_page(request)


@router.post("/clinic/invitations")
def invitations_create(request: Request, actor: ClinicActor, email: Annotated[str, Form(max_length=320)]) -> Response:
    """A one-time invitation link for an athlete's address, shown once for the clinician to send."""
    from backstride.services.invitations import invite

    try:
        secret = invite(database(request), actor, email, client=client_of(request))
    except accounts.AccountProblem as problem:
        return _invitations_page(request, problems=[problem.message], status=422)
    return _invitations_page(request, link=f"{request.app.state.settings.base_url}/invite?token={secret}")


def _invite_page(request: Request, token: str, *, problems: list[str] | None = None, status: int = 200) -> Response:
    from backstride.services.invitations import invitation

    start_pre_session(request)
    found = invitation(database(request), token) if token else None
    response = page(request, "invite.html", {"title": "An invitation", "token": token[:100], "invitation": found,
                                             "problems": problems or []}, status_code=status if found else 404)
    pre_session_cookie(request, response)
    return response


@router.get("/invite")
def invite_form(request: Request, token: Annotated[str, Query(max_length=100)] = "") -> Response:
    """The invitation's page: a button (a link preview cannot use it up); a form to make an account."""
    return _invite_page(request, token)


@router.post("/invite")
def invite_use(request: Request, token: Annotated[str, Form(max_length=100)],
               name: Annotated[str, Form(max_length=100)] = "",
               password: Annotated[str, Form(max_length=4096)] = "") -> Response:
    """Accept as the signed-in athlete, or make the invited athlete's account and sign them in."""
    from backstride.services.invitations import accept, join

    db, actor = database(request), optional_actor(request)
    try:
        if actor is not None:
            accept(db, actor, token, client=client_of(request))
            return RedirectResponse("/account", status_code=303)
        new = join(db, token, name, password, today(), client=client_of(request))
    except accounts.AccountProblem as problem:
        return _invite_page(request, token, problems=[str(problem)], status=422)
    response = RedirectResponse("/", status_code=303)
    session_cookie(request, response, accounts.start_session(db, new, client=client_of(request)))
    return response


# --- the admin's page --------------------------------------------------------------------------------


def _admin_page(request: Request, *, problems: list[str] | None = None, saved: str | None = None,
                status: int = 200) -> Response:
    from backstride.services.clinic_admin import clinicians

    return page(request, "admin.html", {"title": "Clinicians", "clinicians": clinicians(database(request)),
                                        "problems": problems or [], "saved": saved}, status_code=status)


@router.get("/admin")
def admin(request: Request, actor: AdminActor) -> Response:
    """Clinicians and the athletes linked to each (names only: no health data on this page)."""
    return _admin_page(request)


@router.post("/admin/links")
def admin_link(request: Request, actor: AdminActor, clinician: Annotated[str, Form(max_length=320)],
               athlete: Annotated[int, Form(ge=1, lt=2**62)]) -> Response:
    from backstride.storage.errors import NotFound

    try:
        accounts.link_clinician(database(request), clinician, athlete, by=actor.user_id, client=client_of(request))
    except accounts.AccountProblem as problem:
        return _admin_page(request, problems=[problem.message], status=422)
    except NotFound:
        return _admin_page(request, problems=[f"there is no athlete {athlete}"], status=422)
    return _admin_page(request, saved=f"{clinician.strip().lower()} can read athlete {athlete}'s log.")


@router.post("/admin/links/end")
def admin_unlink(request: Request, actor: AdminActor, clinician_id: Annotated[int, Form(ge=1, lt=2**62)],
                 athlete: Annotated[int, Form(ge=1, lt=2**62)]) -> Response:
    if not accounts.unlink_clinician(database(request), clinician_id, athlete, by=actor.user_id,
                                     client=client_of(request)):
        raise HTTPException(404, "There is nothing here.")
    return _admin_page(request, saved="That link is ended.")
