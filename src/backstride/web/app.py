"""The web app: ``create_app(settings)`` builds it over one open database and the same services as the CLI.

Every response gets the security headers; nothing but static files may be cached (health data). Errors
are answered with a calm page (or JSON under ``/api``) and never a traceback or SQL.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

import anyio.to_thread
from fastapi import Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backstride.services.training_log import open_database
from backstride.storage import Database, DatabaseBusy, NotFound
from backstride.web.rendering import page
from backstride.web.security import NotSignedIn, check_csrf
from backstride.web.settings import Settings

__all__ = ["CSP", "SecurityHeaders", "app_from_environment", "create_app"]

log = logging.getLogger("backstride.web")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
MAX_BODY_BYTES = 1 * 2**20  # any request but an import's upload (whose own bound is in web/uploads.py)
_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # same-origin, not no-referrer: under no-referrer browsers send "Origin: null" on form posts, which the
    # CSRF check must refuse; other sites still get no referrer at all.
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def create_app(settings: Settings | None = None, *, db: Database | None = None, upgrade: bool = True) -> FastAPI:
    """The web app on ``db`` (or the database the settings name, opened here: migrated with ``upgrade``,
    else refused with :class:`~backstride.storage.DatabaseNeedsUpgrade` when it is behind)."""
    settings = settings or Settings()
    owned = db is None
    database = db if db is not None else _open(settings.database_url, upgrade)

    try:
        jobs = _jobs_for(database, settings)
    except BaseException:
        if owned:
            database.dispose()
        raise

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads  # (settings.py)
        jobs.recover()  # jobs a stopped server left behind are marked failed (import again: nothing twice)
        yield
        jobs.close()
        if owned:
            database.dispose()

    app = FastAPI(title="backstride", version="1", summary="The runner's web app and JSON API.",
                  dependencies=[Depends(check_csrf)], docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.settings, app.state.db, app.state.jobs = settings, database, jobs
    app.add_middleware(SecurityHeaders, settings=settings)
    _error_handlers(app)
    from backstride.web import adjustments, api, clinic, pages

    # The JSON API first: its prefix is checked once and scripts' requests do not walk every page's route
    # (no two routers answer the same path, so the order changes nothing else).
    app.include_router(api.router)
    app.include_router(clinic.api_router)
    app.include_router(pages.router)
    app.include_router(clinic.router)
    app.include_router(adjustments.router)  # a physio's adjustments: the page and the API
    static = resources.files("backstride.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> RedirectResponse:
        """Browsers ask for it whatever the page says."""
        return RedirectResponse("/static/favicon.svg", status_code=308)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        """Liveness, and the ceiling for the load benchmark (no database)."""
        return {"status": "ok"}

    return app


def app_from_environment() -> FastAPI:
    """The app for one of several server processes (``backstride serve --workers N``): settings from the
    ``BACKSTRIDE_*`` environment, its own engine opened in this process, and no migration (one command
    runs those, once, before the workers start)."""
    return create_app(Settings(), upgrade=False)


def _open(url: str | None, upgrade: bool) -> Database:
    if upgrade:
        return open_database(url)
    from backstride.storage import resolve_url
    from backstride.storage.migrate import require_current

    database = Database.open(resolve_url(url), upgrade=False)
    try:
        require_current(database)
    except BaseException:
        database.dispose()
        raise
    return database


def _jobs_for(database: Database, settings: Settings) -> Any:
    """The queue imports go to: this process's pool on SQLite, procrastinate on PostgreSQL (``BACKSTRIDE_JOBS``)."""
    from backstride.services.jobs import InlineJobs

    if settings.jobs == "queue" and not database.is_postgresql:
        raise ValueError("BACKSTRIDE_JOBS=queue needs PostgreSQL: on SQLite jobs run in the web process")
    if settings.jobs == "in-process" or not database.is_postgresql:
        return InlineJobs(database)
    from backstride.services.queue import QueueJobs, make_app, postgres_connector

    return QueueJobs(database, make_app(database, postgres_connector(database.url, max_size=2)))


class SecurityHeaders:
    """Every answer's security headers, ``Cache-Control: no-store`` on all but static files, and a 413 for a
    body declared too big (an import's upload has its own bound). Plain ASGI, not ``BaseHTTPMiddleware``:
    the answer streams through untouched but for its headers, without a task and a queue per request."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        fixed = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in _HEADERS.items()]
        if settings.cookie_secure:
            fixed.append((b"strict-transport-security", b"max-age=31536000"))
        self.fixed = fixed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        static = path.startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.fixed:
                    if name.decode("latin-1") not in headers:
                        headers.raw.append((name, value))
                if not static:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        length = Headers(scope=scope).get("content-length", "")
        if length.isdigit() and int(length) > MAX_BODY_BYTES and not path.endswith("/imports"):
            answer = _error(Request(scope, receive), 413, "That is more than a form or a check-in can hold.")
            await answer(scope, receive, with_headers)
            return
        await self.app(scope, receive, with_headers)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api")


_TITLES = {400: "That request was not understood", 401: "Please sign in", 403: "That was refused",
           404: "There is nothing here", 405: "That cannot be done here", 413: "That is too big",
           422: "Something in the form needs a look", 429: "Please wait a little",
           500: "Something went wrong on our side", 503: "Busy for a moment"}


def _error(request: Request, status: int, message: str, *, fields: list[dict[str, str]] | None = None,
           headers: dict[str, str] | None = None) -> Response:
    if _is_api(request):
        body: dict[str, Any] = {"detail": message}
        if fields is not None:
            body["errors"] = fields
        return JSONResponse(body, status_code=status, headers=headers)
    return page(request, "error.html", {"title": _TITLES.get(status, "That did not work"), "message": message,
                                        "fields": fields or []}, status_code=status, headers=headers)


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "header", "cookie")]
    return ".".join(parts) or "request"


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, _exc: NotSignedIn) -> Response:
        if _is_api(request):
            return _error(request, 401, "Sign in first, or send Authorization: Bearer <token>.",
                          headers={"WWW-Authenticate": "Bearer"})
        return RedirectResponse("/signin", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) and exc.status_code != 500 else _TITLES.get(
            exc.status_code, "That did not work")
        if exc.status_code == 404 and message == "Not Found":
            message = "There is nothing here."
        if exc.status_code == 405:
            message = "That cannot be done here."
        return _error(request, exc.status_code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        fields = [{"field": _field(e.get("loc", ())), "message": str(e.get("msg", "not valid"))}
                  for e in exc.errors()]
        named = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
        return _error(request, 422, named or "The request was not valid.", fields=fields)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, _exc: NotFound) -> Response:
        return _error(request, 404, "There is nothing here.")

    @app.exception_handler(DatabaseBusy)
    async def busy(request: Request, _exc: DatabaseBusy) -> Response:
        return _error(request, 503, "The log is busy for a moment. Please try again.",
                      headers={"Retry-After": "2"})

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        log.error("unhandled error on %s %s: %s", request.method, request.url.path, type(exc).__name__)
        return _error(request, 500, "Something went wrong on our side. Nothing you did caused it; "
                                    "please try again in a moment.")
