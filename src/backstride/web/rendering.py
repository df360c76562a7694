"""Templates: whole pages, or one block of a page for an HTMX swap (jinja2-fragments).

Every page gets the CSRF token for its forms, who is signed in, and whether the vendored htmx is there
(the pages work without it; it only makes the check-in swap Today's decision in place).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from fastapi import Request, Response
from jinja2 import pass_context
from jinja2.runtime import Context
from jinja2_fragments.fastapi import Jinja2Blocks

from backstride.contract import RUNNING_KINDS, Session
from backstride.core.words import in_units
from backstride.services.presenting import (
    ACTION_NAMES,
    KIND_NAMES,
    PHASE_NAMES,
    TRIAGE_TITLES,
    distance_text,
    session_what,
)
from backstride.web.security import csrf_token, optional_actor

__all__ = ["htmx_script", "is_htmx", "page", "templates"]


@cache
def htmx_script() -> str | None:
    """The vendored htmx file under /static, when there is one."""
    static = resources.files("backstride.web").joinpath("static")
    names = sorted(p.name for p in static.iterdir() if p.name.startswith("htmx") and p.name.endswith(".js"))
    return f"/static/{names[0]}" if names else None


def _context(request: Request) -> dict[str, Any]:
    actor = getattr(request.state, "actor", None)
    if actor is None and not request.url.path.startswith("/static"):
        actor = optional_actor(request)
    return {"csrf": csrf_token(request), "actor": actor, "htmx": htmx_script(),
            "home_athlete": actor.athlete_id if actor is not None else None}


@pass_context
def _in_units(context: Context, text: str) -> str:
    """The core's text in the page's units (``units`` in the context)."""
    return in_units(text, context.get("units") or "km")


@pass_context
def _session_line(context: Context, session: Session) -> str:
    return session_what(session, context.get("units") or "km", exercises=False)


@cache
def templates() -> Jinja2Blocks:
    folder = resources.files("backstride.web").joinpath("templates")
    blocks = Jinja2Blocks(directory=str(folder), context_processors=[_context])
    blocks.env.globals.update(ACTION_NAMES=ACTION_NAMES, KIND_NAMES=KIND_NAMES, PHASE_NAMES=PHASE_NAMES,
                              TRIAGE_TITLES=TRIAGE_TITLES, distance=distance_text, in_units=_in_units,
                              session_line=_session_line, running=RUNNING_KINDS)
    return blocks


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def page(request: Request, name: str, context: dict[str, Any], *, status_code: int = 200,
         headers: dict[str, str] | None = None, block: str | None = None) -> Response:
    """Render ``name`` (or only its ``block``, for an HTMX request)."""
    kwargs: dict[str, Any] = {"block_name": block} if block else {}
    return templates().TemplateResponse(request, name, context, status_code=status_code, headers=headers,
                                        **kwargs)
