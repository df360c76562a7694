"""``backstride serve`` and ``backstride user ...``: the web app, and the accounts that sign in to it.

Thin shells over :mod:`backstride.services.accounts`. Secrets (passwords, tokens, sign-in links) are
read without echo or from stdin, and printed only once, when made.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer

from backstride.cli.log_commands import DbOpt
from backstride.cli.output import console, fail
from backstride.cli.params import id_option
from backstride.cli.session import opened

if TYPE_CHECKING:
    from backstride.storage import Database

__all__ = ["register"]

EmailOpt = Annotated[str, typer.Option("--email", help="The account's email address.")]
_DEFAULT_BASE = "http://127.0.0.1:8000"


@contextmanager
def accounts_opened(db: str | None) -> Iterator[Database]:
    """The database for an account command; a refused account change exits naming its option."""
    from backstride.services.accounts import AccountProblem

    with opened(db) as database:
        try:
            yield database
        except AccountProblem as exc:
            fail([f"{exc.field}: {exc.message}"])


def _base_url() -> str:
    return os.environ.get("BACKSTRIDE_BASE_URL", _DEFAULT_BASE).rstrip("/")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _settings(host: str, port: int, db: str | None) -> Any:
    """The web settings: BACKSTRIDE_* variables; on this machine alone, development defaults where unset
    (a random secret for this run, and the cookie without Secure, since http://127.0.0.1 has no TLS)."""
    from pydantic import ValidationError

    from backstride.web.settings import Settings

    overrides: dict[str, Any] = {}
    if db is not None:
        overrides["database_url"] = db
    shown = "127.0.0.1" if host in ("localhost", "0.0.0.0") else host
    if "BACKSTRIDE_BASE_URL" not in os.environ:
        overrides["base_url"] = f"http://{shown}:{port}"
    if _loopback(host) and "BACKSTRIDE_SECRET_KEY" not in os.environ:
        overrides.setdefault("environment", os.environ.get("BACKSTRIDE_ENVIRONMENT", "development"))
        overrides["secret_key"] = secrets.token_urlsafe(32)
        if "BACKSTRIDE_COOKIE_SECURE" not in os.environ and not os.environ.get("BACKSTRIDE_BASE_URL", "").startswith(
                "https://"):
            overrides["cookie_secure"] = False
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        fail([str(e["msg"]).removeprefix("Value error, ") for e in exc.errors()])


WorkersOpt = Annotated[int, typer.Option("--workers", min=1, max=64, envvar="BACKSTRIDE_WORKERS",
                                         help="Server processes (several need PostgreSQL, migrated beforehand "
                                              "with `backstride db upgrade`).")]
SQLITE_ONE_PROCESS = ("--workers: on SQLite the web app runs as one process. Its imports run inside that "
                      "process and its writes queue behind one lock there; several processes would mark each "
                      "other's imports as stopped. Several workers need PostgreSQL (README, Running a clinic).")


def serve_cmd(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (127.0.0.1: this machine only).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, envvar="BACKSTRIDE_PORT",
                                      help="Port to listen on.")] = 8000,
    workers: WorkersOpt = 1,
    db: DbOpt = None,
) -> None:
    """Start the web app (one process; on a new database a demo athlete and a one-time sign-in link).

    With ``--workers N`` on PostgreSQL, N server processes, each with its own connections; the database
    must already be at this backstride's revision.
    """
    settings = _settings(host, port, db)
    if workers > 1:
        _serve_workers(settings, host, port, workers)
        return
    import datetime as dt

    from backstride.services.accounts import DEMO_EMAIL, prepare_first_run
    from backstride.web.app import create_app

    with opened(settings.database_url) as database:
        first = prepare_first_run(database, dt.date.today())
        out = console()
        out.print(f"backstride is at {settings.base_url}")
        if first.signin_secret:
            out.print(f"A demo athlete is ready. Sign in once with this link (it works for 15 minutes):\n"
                      f"  {settings.base_url}/signin/link?token={first.signin_secret}\n"
                      f"(a new link later: `backstride user signin-link --email {DEMO_EMAIL}`)", soft_wrap=True)
        elif first.users == 0:
            _nobody_yet()
        out.print("Stop it with Ctrl+C.")
        import uvicorn

        # No access log: a sign-in link's secret is in its URL. One process: SQLite has one writer.
        uvicorn.run(create_app(settings, db=database), host=host, port=port, access_log=False,
                    log_level="warning", workers=1)


def _nobody_yet() -> None:
    console().print("No one can sign in yet: add an account with "
                    "`backstride user add --email you@example.org --role athlete --athlete 1`.")


def _serve_workers(settings: Any, host: str, port: int, workers: int) -> None:
    """N uvicorn processes on PostgreSQL: checked here once (never migrated), then each child opens its own
    engine from the environment (:func:`backstride.web.app.app_from_environment`); nothing is shared but
    the database."""
    from sqlalchemy import func, select

    from backstride.cli.deploy_commands import opened_current
    from backstride.storage import resolve_url
    from backstride.storage.tables import UserRow

    url = resolve_url(settings.database_url)
    if url.startswith("sqlite"):
        fail([SQLITE_ONE_PROCESS])
    with opened_current(url) as database, database.session() as session:
        users = int(session.scalar(select(func.count()).select_from(UserRow)) or 0)
    # The children read their settings from the environment: the same secret (this run's, in development)
    # signs every process's CSRF tokens, so a form served by one worker posts to another.
    os.environ.update({"BACKSTRIDE_DATABASE_URL": url, "BACKSTRIDE_BASE_URL": settings.base_url,
                       "BACKSTRIDE_SECRET_KEY": settings.secret_key.get_secret_value(),
                       "BACKSTRIDE_ENVIRONMENT": settings.environment,
                       "BACKSTRIDE_COOKIE_SECURE": "true" if settings.cookie_secure else "false",
                       "BACKSTRIDE_JOBS": settings.jobs})
    out = console()
    out.print(f"backstride is at {settings.base_url} ({workers} worker processes on PostgreSQL; imports and "
              f"the nightly rounds run in `backstride worker`)")
    if users == 0:
        _nobody_yet()
    out.print("Stop it with Ctrl+C.")
    import uvicorn

    uvicorn.run("backstride.web.app:app_from_environment", factory=True, host=host, port=port, workers=workers,
                access_log=False, log_level="warning")


def _hidden(prompt: str) -> str:
    """Read a line from the terminal on stdin without echoing it (getpass would open /dev/tty instead)."""
    import termios

    sys.stderr.write(prompt)
    sys.stderr.flush()
    fd = sys.stdin.fileno()
    old = termios.tcgetattr(fd)
    new = termios.tcgetattr(fd)
    new[3] &= ~termios.ECHO
    try:
        termios.tcsetattr(fd, termios.TCSADRAIN, new)
        line = sys.stdin.readline()
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, old)
        sys.stderr.write("\n")
    return line.rstrip("\r\n")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        fail(["--password-stdin: give the password on stdin, or run in a terminal to be asked"])
    first = _hidden("Password (8 or more characters; a few words make a good one): ")
    if _hidden("The same again: ") != first:
        fail(["password: the two did not match; nothing was changed"])
    return first


def user_add(
    email: EmailOpt,
    role: Annotated[str, typer.Option("--role", help="athlete, clinician or admin.")],
    athlete: Annotated[int | None, id_option("--athlete", "-a", help="The athlete's id (for an athlete).")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
    db: DbOpt = None,
) -> None:
    """Add an account that signs in to the web app (asks for its password)."""
    from backstride.services.accounts import create_user

    password = _password(password_stdin)
    with accounts_opened(db) as database:
        create_user(database, email, role, athlete_id=athlete, password=password)
    console().print(f"Account {email.strip().lower()} ({role}) added.")


def user_link(
    clinician: Annotated[str, typer.Option("--clinician", help="The clinician's email.")],
    athlete: Annotated[int, id_option("--athlete", "-a", help="The athlete's id.")],
    db: DbOpt = None,
) -> None:
    """Let a clinician (or an admin who treats) read an athlete's data; audited."""
    from backstride.services.accounts import link_clinician

    with accounts_opened(db) as database:
        link_clinician(database, clinician, athlete, client="command line")
    console().print(f"{clinician.strip().lower()} can now read athlete {athlete}'s data.")


def user_unlink(
    clinician: Annotated[str, typer.Option("--clinician", help="The clinician's email.")],
    athlete: Annotated[int, id_option("--athlete", "-a", help="The athlete's id.")],
    db: DbOpt = None,
) -> None:
    """End a clinician's access to an athlete's data; audited."""
    from backstride.services.accounts import account_id, unlink_clinician

    with accounts_opened(db) as database:
        ended = unlink_clinician(database, account_id(database, clinician), athlete, client="command line")
    if not ended:
        fail([f"--athlete: {clinician.strip().lower()} was not linked to athlete {athlete}"])
    console().print(f"{clinician.strip().lower()} can no longer read athlete {athlete}'s data.")


def user_token(email: EmailOpt, db: DbOpt = None) -> None:
    """Make a personal API token for scripts (shown once; only its hash is kept)."""
    from backstride.services.accounts import issue_token

    with accounts_opened(db) as database:
        token = issue_token(database, email)
    sys.stdout.write(f"{token}\n")
    sys.stderr.write("Shown once: keep it like a password. Send it as `Authorization: Bearer <token>`.\n")


def user_revoke_token(email: EmailOpt, db: DbOpt = None) -> None:
    """Revoke every API token of the account."""
    from backstride.services.accounts import revoke_tokens

    with accounts_opened(db) as database:
        n = revoke_tokens(database, email)
    console().print(f"{n} token{'s' if n != 1 else ''} revoked.")


def user_signin_link(
    email: EmailOpt,
    base_url: Annotated[str | None, typer.Option("--base-url", help="Where the web app is (default: "
                                                  "BACKSTRIDE_BASE_URL, else http://127.0.0.1:8000).")] = None,
    db: DbOpt = None,
) -> None:
    """Print a one-time sign-in link (15 minutes), e.g. after too many wrong passwords."""
    from backstride.services.accounts import signin_link

    with accounts_opened(db) as database:
        secret = signin_link(database, email)
    sys.stdout.write(f"{(base_url or _base_url()).rstrip('/')}/signin/link?token={secret}\n")


def register(app: typer.Typer) -> None:
    """Add ``serve`` and ``user`` to the command line."""
    app.command("serve")(serve_cmd)
    users = typer.Typer(help="Accounts for the web app.", no_args_is_help=True)
    users.command("add")(user_add)
    users.command("link")(user_link)
    users.command("unlink")(user_unlink)
    users.command("token")(user_token)
    users.command("revoke-token")(user_revoke_token)
    users.command("signin-link")(user_signin_link)
    app.add_typer(users, name="user")
