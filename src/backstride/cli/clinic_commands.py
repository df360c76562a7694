"""``backstride clinic ...``: the clinic at the terminal: a clinician's list, the clinicians and their
links, an invitation link. Thin shells over :mod:`backstride.services.clinic`, ``clinic_admin`` and
``invitations``; the list is the web app's, in the same order and words.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Annotated

import typer

from backstride.cli.log_commands import DbOpt
from backstride.cli.output import console
from backstride.cli.web_commands import EmailOpt, _base_url, accounts_opened

__all__ = ["register"]


def clinic_list_cmd(
    email: EmailOpt,
    attention: Annotated[bool, typer.Option("--attention", help="Only athletes who need attention.")] = False,
    search: Annotated[str, typer.Option("--search", help="Only athletes whose name holds this (any case).")] = "",
    db: DbOpt = None,
) -> None:
    """A clinician's athletes, most urgent first: why, and the last check-in's date."""
    from backstride.services.accounts import audit, clinic_actor
    from backstride.services.clinic import clinic_list

    with accounts_opened(db) as database:
        actor = clinic_actor(database, email)
        rows = clinic_list(database, actor, dt.date.today(), attention=attention, search=search)
        audit(database, "clinic_read", user_id=actor.user_id, client="command line", detail=f"{len(rows)} athletes")
    out = console()
    if not rows:
        out.print("No athletes match." if attention or search else "No athletes are linked to this account yet.")
        return
    for r in rows:
        last = r.last_checkin.strftime("%a %d %b") if r.last_checkin else "none yet"
        out.print(f"{r.athlete_id:>5}  {r.name}  ·  {r.reason}  ·  last check-in {last}", highlight=False)


def clinic_clinicians_cmd(db: DbOpt = None) -> None:
    """Every clinician (and admin) and the athletes linked to each."""
    from backstride.cli.session import opened
    from backstride.services.clinic_admin import clinicians

    with opened(db) as database:
        found = clinicians(database)
    out = console()
    if not found:
        out.print("No clinicians yet: `backstride user add --email p@example.org --role clinician`.")
    for c in found:
        linked = ", ".join(f"{name} ({i})" for i, name in c.athletes) or "no athletes linked"
        out.print(f"{c.email} ({c.role}): {linked}", highlight=False)


def clinic_invite_cmd(
    email: EmailOpt,
    athlete_email: Annotated[str, typer.Option("--athlete-email", help="The address the invitation is for.")],
    base_url: Annotated[str | None, typer.Option("--base-url", help="Where the web app is (default: "
                                                  "BACKSTRIDE_BASE_URL, else http://127.0.0.1:8000).")] = None,
    db: DbOpt = None,
) -> None:
    """Print a one-time invitation link (14 days) from a clinician, for the athlete to open."""
    from backstride.services.accounts import clinic_actor
    from backstride.services.invitations import invite

    with accounts_opened(db) as database:
        actor = clinic_actor(database, email)
        secret = invite(database, actor, athlete_email, client="command line")
    sys.stdout.write(f"{(base_url or _base_url()).rstrip('/')}/invite?token={secret}\n")
    sys.stderr.write("Shown once: send it to the athlete yourself. It works once.\n")


def register(app: typer.Typer) -> None:
    """Add ``clinic`` to the command line."""
    clinic = typer.Typer(help="The clinic: a clinician's list, clinicians and their links, invitations.",
                         no_args_is_help=True)
    clinic.command("list")(clinic_list_cmd)
    clinic.command("clinicians")(clinic_clinicians_cmd)
    clinic.command("invite")(clinic_invite_cmd)
    app.add_typer(clinic, name="clinic")
