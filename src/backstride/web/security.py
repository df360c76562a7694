"""Who is asking, and whether the request may change anything: sessions, tokens, CSRF, the access check.

CSRF is our own: a session-bound token (HMAC of the session cookie, or of a pre-session cookie on the
sign-in form, with the secret key) in a form field or the ``X-CSRF-Token`` header, plus refusing a
cross-site ``Sec-Fetch-Site`` and a foreign ``Origin``. Chosen over a middleware library because it is
about forty lines, binds the token to the server-side session (the OWASP "signed double submit"), and
needs no extra dependency; requests with a bearer token carry no ambient credential and need no token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Response

from backstride.services.accounts import SESSION_LIFETIME, Actor, allowed, audit, session_actor, token_actor
from backstride.storage import Database
from backstride.storage.athletes import athlete_stamp

__all__ = [
    "PRE_SESSION_COOKIE",
    "AdminActor",
    "AthleteNote",
    "AthleteRead",
    "AthleteWrite",
    "ClinicActor",
    "CurrentActor",
    "NotSignedIn",
    "SelfActor",
    "check_csrf",
    "clear_session_cookie",
    "client_of",
    "csrf_token",
    "database",
    "optional_actor",
    "pre_session_cookie",
    "record_check",
    "session_cookie",
    "start_pre_session",
]

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PRE_SESSION_COOKIE = "__Host-backstride-pre"


class NotSignedIn(Exception):
    """No valid session or token (pages redirect to sign-in; the API answers 401)."""


def database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _binding(request: Request) -> str | None:
    settings = request.app.state.settings
    return (request.cookies.get(settings.cookie_name) or request.cookies.get(_pre_name(request))
            or getattr(request.state, "pre_session", None))


def _pre_name(request: Request) -> str:
    return PRE_SESSION_COOKIE if request.app.state.settings.cookie_secure else "backstride-dev-pre"


def start_pre_session(request: Request) -> None:
    """Before rendering a sign-in form for a browser without a session: pick its pre-session id, to bind the
    form's CSRF token to (the cookie is set by :func:`pre_session_cookie` on the response)."""
    if not _binding(request):
        request.state.pre_session = secrets.token_urlsafe(32)


def pre_session_cookie(request: Request, response: Response) -> None:
    """Set the pre-session cookie chosen by :func:`start_pre_session`, if one was."""
    value = getattr(request.state, "pre_session", None)
    if value:
        _set(request, response, _pre_name(request), value, max_age=3600)


def session_cookie(request: Request, response: Response, secret: str) -> None:
    """Set the session cookie: ``__Host-`` name, Secure, HttpOnly, SameSite=Lax, Path=/, no Domain."""
    _set(request, response, request.app.state.settings.cookie_name, secret,
         max_age=int(SESSION_LIFETIME.total_seconds()))
    response.delete_cookie(_pre_name(request), path="/", secure=request.app.state.settings.cookie_secure,
                           httponly=True)


def clear_session_cookie(request: Request, response: Response) -> None:
    """Tell the browser to drop the session cookie (the session itself is already gone on the server)."""
    settings = request.app.state.settings
    response.delete_cookie(settings.cookie_name, path="/", secure=settings.cookie_secure, httponly=True,
                           samesite="lax")


def _set(request: Request, response: Response, name: str, value: str, *, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", secure=request.app.state.settings.cookie_secure,
                        httponly=True, samesite="lax")


def csrf_token(request: Request, binding: str | None = None) -> str:
    """The CSRF token for this browser (bound to its session cookie, or its pre-session cookie)."""
    bound = binding or _binding(request) or ""
    key = request.app.state.settings.secret_key.get_secret_value().encode()
    return hmac.new(key, b"csrf|" + bound.encode(), hashlib.sha256).hexdigest()


async def check_csrf(request: Request) -> None:
    """Refuse a state-changing request that is cross-site or lacks this browser's token (403)."""
    if request.method not in UNSAFE:
        return
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        raise HTTPException(403, "This request came from another site and was refused.")
    origin = request.headers.get("origin")
    if origin is not None and origin != request.app.state.settings.origin:
        raise HTTPException(403, "This request came from another site and was refused.")
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return  # no cookie rides along with a bearer token: nothing to forge
    given = request.headers.get("x-csrf-token")
    form = None
    if given is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get("csrf")
        given = value if isinstance(value, str) else None
    if not _binding(request) or given is None or not hmac.compare_digest(given, csrf_token(request)):
        if form is not None:
            await form.close()  # uploaded files of a refused request are not kept
        raise HTTPException(403, "This form has expired. Please go back, reload the page and try again.")


def optional_actor(request: Request) -> Actor | None:
    """The signed-in user (session cookie or bearer token), or None."""
    if hasattr(request.state, "actor"):
        cached: Actor | None = request.state.actor
        return cached
    db = database(request)
    actor: Actor | None = None
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        actor = token_actor(db, auth[7:].strip())
    else:
        cookie = request.cookies.get(request.app.state.settings.cookie_name)
        if cookie:
            actor = session_actor(db, cookie)
    request.state.actor = actor
    return actor


def require_actor(request: Request) -> Actor:
    actor = optional_actor(request)
    if actor is None:
        raise NotSignedIn()
    return actor


CurrentActor = Annotated[Actor, Depends(require_actor)]


def record_check(request: Request, action: str) -> None:
    """Note an access check of this request (T19: tests set ``app.state.access_checks`` to a list to see them)."""
    recorder = getattr(request.app.state, "access_checks", None)
    if recorder is not None:
        recorder.append((request.method, request.url.path, action))


def _self(request: Request) -> Actor:
    """A route that acts only on the signed-in person themself (their account, their own list); signs in
    itself, as the athlete check does (one thread-pool hop)."""
    actor = require_actor(request)
    record_check(request, "self")
    return actor


def _role(action: str, roles: tuple[str, ...]):  # type: ignore[no-untyped-def]
    def check(request: Request) -> Actor:
        """A route for clinicians (or admins) only: anyone else finds nothing here (404, not 403)."""
        actor = require_actor(request)
        record_check(request, action)
        if actor.role not in roles:
            raise HTTPException(404, "There is nothing here.")
        return actor
    return check


SelfActor = Annotated[Actor, Depends(_self)]
ClinicActor = Annotated[Actor, Depends(_role("clinic", ("clinician", "admin")))]
AdminActor = Annotated[Actor, Depends(_role("admin", ("admin",)))]


def _athlete(action: str):  # type: ignore[no-untyped-def]
    def check(request: Request, athlete_id: int) -> int:
        """The one access check of every athlete route; records it (T19) and answers 404 for "not yours".

        It signs the actor in itself rather than through a second dependency: each sync dependency is a
        hop to the thread pool, and the athlete routes are the app's hot path."""
        actor = require_actor(request)
        db = database(request)
        record_check(request, action)
        if not (0 < athlete_id < 2**62) or not allowed(db, actor, action, athlete_id):
            raise HTTPException(404, "There is nothing here.")
        stamp = athlete_stamp(db, athlete_id)
        if stamp is None:
            raise HTTPException(404, "There is nothing here.")
        request.state.athlete_stamp = (athlete_id, stamp)
        if actor.role != "athlete":  # a clinician's (or a linked admin's) read of health data
            audit(db, f"{actor.role}_read", user_id=actor.user_id, athlete_id=athlete_id, client=client_of(request),
                  detail=request.url.path)
        return athlete_id
    return check


def checked_stamp(request: Request, athlete_id: int) -> int | None:
    """The athlete's revision stamp as this request's access check read it, so that the services can find
    a remembered plan without reading it again. Only for a GET, which writes nothing: after a write in the
    same request the stamp is old, and a plan remembered under it would be stale (None: read it again)."""
    found = getattr(request.state, "athlete_stamp", None)
    if request.method not in ("GET", "HEAD") or found is None or found[0] != athlete_id:
        return None
    return int(found[1])


AthleteRead = Annotated[int, Depends(_athlete("read"))]
AthleteWrite = Annotated[int, Depends(_athlete("write"))]
AthleteNote = Annotated[int, Depends(_athlete("note"))]  # a linked clinician writes about the athlete
