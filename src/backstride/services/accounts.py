"""Accounts for the web app: users, clinician links, sessions, API tokens, sign-in throttling and the audit log.

Shared by ``backstride user ...`` and the web app. Every secret handed out (a session id, an API token,
a one-time sign-in link) is 256 random bits, shown once and stored only as its SHA-256. The clock is an
argument (``now``) wherever time matters, so the timeouts are tested without waiting.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, func, insert, select

from backstride.services.passwords import check_policy, hash_password, needs_rehash, verify_password
from backstride.storage import Database, get_athlete
from backstride.storage.tables import (
    USER_ROLES,
    ApiTokenRow,
    AuditRow,
    ClinicianLinkRow,
    SigninFailureRow,
    UserRow,
    WebSessionRow,
    utcnow,
)

__all__ = [
    "CLINIC_ROLES",
    "DEMO_EMAIL",
    "IDLE_TIMEOUT",
    "SESSION_LIFETIME",
    "AccountProblem",
    "Actor",
    "FirstRun",
    "SigninRefused",
    "account_id",
    "allowed",
    "audit",
    "authenticate",
    "calendar_athlete",
    "calendar_link",
    "change_password",
    "clinic_actor",
    "create_user",
    "end_session",
    "issue_token",
    "link_clinician",
    "normal_email",
    "prepare_first_run",
    "revoke_tokens",
    "session_actor",
    "signin_link",
    "start_session",
    "token_actor",
    "unlink_clinician",
    "use_signin_link",
    "user_for_athlete",
    "visible_athletes",
]

IDLE_TIMEOUT = dt.timedelta(minutes=30)
SESSION_LIFETIME = dt.timedelta(hours=12)
SIGNIN_LINK_LIFETIME = dt.timedelta(minutes=15)
# Throttling (NIST SP 800-63B 5.2.2): after FREE_FAILURES recent failures each try waits twice as long as the
# last, at most MAX_WAIT; an account takes at most ACCOUNT_DAILY_LIMIT failures a day; a client CLIENT_LIMIT
# failures in WINDOW. A locked-out runner signs in with a one-time link (`backstride user signin-link`).
FREE_FAILURES = 10
MAX_WAIT = dt.timedelta(minutes=15)
WINDOW = dt.timedelta(minutes=15)
ACCOUNT_DAILY_LIMIT = 100
CLIENT_LIMIT = 50
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_SEEN_EVERY = dt.timedelta(seconds=60)  # last_seen_at is written at most once a minute per session


class AccountProblem(ValueError):
    """Input about an account that cannot be used; ``field`` names the option or form field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


class SigninRefused(Exception):
    """Sign-in refused; ``wait`` is set when the refusal is throttling (try again after it)."""

    def __init__(self, message: str, wait: dt.timedelta | None = None) -> None:
        super().__init__(message)
        self.wait = wait


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is asking: a signed-in user."""

    user_id: int
    email: str
    role: str
    athlete_id: int | None
    session_hash: str | None = None  # the web session (None for an API token)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _encoded(text: str) -> str:
    """Text for the audit log with control characters (CR, LF, ANSI escapes) written out, never acted on."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)[:200]


_AUDIT = insert(AuditRow)  # built once: every page view of health data adds a row


def audit(db: Database, event: str, *, user_id: int | None = None, athlete_id: int | None = None,
          client: str | None = None, detail: str | None = None, now: dt.datetime | None = None) -> None:
    """Add one row to the audit log: an event, who, about whom, from where. Never health data or secrets."""
    row = {"at": now or utcnow(), "event": event, "user_id": user_id, "athlete_id": athlete_id,
           "client": _encoded(client)[:64] if client else None, "detail": _encoded(detail) if detail else None}
    with db.write_connection() as conn:
        conn.execute(_AUDIT, row)


def normal_email(email: str) -> str:
    email = email.strip().lower()
    if not _EMAIL.match(email) or len(email) > 254:
        raise AccountProblem("--email", f"{_encoded(email)!r} is not an email address")
    return email


def create_user(db: Database, email: str, role: str, *, athlete_id: int | None = None,
                password: str | None = None, now: dt.datetime | None = None) -> int:
    """Add a user; an athlete must name their athlete, others must not. The password is checked by the policy."""
    email = normal_email(email)
    if role not in USER_ROLES:
        raise AccountProblem("--role", f"one of {', '.join(USER_ROLES)}")
    if role == "athlete" and athlete_id is None:
        raise AccountProblem("--athlete", "an athlete's account needs the athlete's id")
    if role != "athlete" and athlete_id is not None:
        raise AccountProblem("--athlete", f"only an athlete's account has an athlete (this one is a {role})")
    if athlete_id is not None:
        get_athlete(db, athlete_id)
    if password is not None:
        try:
            check_policy(password, email=email)
        except ValueError as exc:
            raise AccountProblem("password", str(exc)) from None
    hashed = hash_password(password) if password is not None else None
    when = now or utcnow()
    with db.write() as session:
        if session.scalar(select(UserRow.id).where(UserRow.email == email)) is not None:
            raise AccountProblem("--email", f"{email} already has an account")
        row = UserRow(email=email, role=role, athlete_id=athlete_id, password_hash=hashed, created_at=when,
                      password_changed_at=when if hashed else None)
        session.add(row)
        session.flush()
        return row.id


def _user_by_email(db: Database, email: str) -> UserRow:
    with db.session() as session:
        row = session.scalar(select(UserRow).where(UserRow.email == email.strip().lower()))
    if row is None:
        raise AccountProblem("--email", f"no account for {_encoded(email.strip())}")
    return row


CLINIC_ROLES = ("clinician", "admin")  # who may be linked to athletes and read them


def account_id(db: Database, email: str) -> int:
    """The id of the account with this email; AccountProblem naming ``--email`` when there is none."""
    return _user_by_email(db, email).id


def _clinic_user(db: Database, email: str, field: str) -> UserRow:
    row = _user_by_email(db, email)
    if row.role not in CLINIC_ROLES:
        raise AccountProblem(field, f"{row.email} is not a clinician's account")
    return row


def clinic_actor(db: Database, email: str) -> Actor:
    """The clinician (or admin) account of ``email`` acting at the terminal; AccountProblem otherwise."""
    return _actor(_clinic_user(db, email, "--email"))


def link_clinician(db: Database, clinician_email: str, athlete_id: int, now: dt.datetime | None = None, *,
                   by: int | None = None, client: str | None = None) -> bool:
    """Let a clinician (or an admin who treats) read an athlete's data; audited. Again: no error, False."""
    clinician = _clinic_user(db, clinician_email, "--clinician")
    get_athlete(db, athlete_id)
    with db.write() as session:
        exists = session.scalar(select(ClinicianLinkRow.id).where(ClinicianLinkRow.clinician_id == clinician.id,
                                                                  ClinicianLinkRow.athlete_id == athlete_id))
        if exists is None:
            session.add(ClinicianLinkRow(clinician_id=clinician.id, athlete_id=athlete_id, created_at=now or utcnow()))
    if exists is None:
        audit(db, "link_created", user_id=by, athlete_id=athlete_id, client=client,
              detail=f"clinician {clinician.id}", now=now)
    return exists is None


def unlink_clinician(db: Database, clinician_id: int, athlete_id: int, *, by: int | None = None,
                     client: str | None = None) -> bool:
    """End a clinician's access to an athlete; audited. False when there was no such link."""
    with db.write() as session:
        gone = session.execute(delete(ClinicianLinkRow).where(ClinicianLinkRow.clinician_id == clinician_id,
                                                              ClinicianLinkRow.athlete_id == athlete_id))
    ended = bool(getattr(gone, "rowcount", 0))
    if ended:
        audit(db, "link_ended", user_id=by, athlete_id=athlete_id, client=client, detail=f"clinician {clinician_id}")
    return ended


def _actor(row: UserRow, session_hash: str | None = None) -> Actor:
    return Actor(row.id, row.email, row.role, row.athlete_id, session_hash)


def _failures(db: Database, key: str, since: dt.datetime) -> tuple[int, dt.datetime | None]:
    with db.session() as session:
        n, last = session.execute(select(func.count(), func.max(SigninFailureRow.at))
                                  .where(SigninFailureRow.key == key, SigninFailureRow.at >= since)).one()
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=dt.UTC)
    return int(n or 0), last


def _throttle_wait(db: Database, account_key: str, client_key: str, now: dt.datetime) -> dt.timedelta | None:
    day_count, _ = _failures(db, account_key, now - dt.timedelta(days=1))
    if day_count >= ACCOUNT_DAILY_LIMIT:
        return dt.timedelta(days=1)
    recent, last = _failures(db, account_key, now - WINDOW)
    if recent >= FREE_FAILURES and last is not None:
        wait = min(MAX_WAIT, dt.timedelta(seconds=2 ** (recent - FREE_FAILURES + 1)))
        if now < last + wait:
            return last + wait - now
    client_count, _ = _failures(db, client_key, now - WINDOW)
    if client_count >= CLIENT_LIMIT:
        return WINDOW
    return None


def authenticate(db: Database, email: str, password: str, *, client: str,
                 now: dt.datetime | None = None) -> Actor:
    """The user whose email and password these are; throttled per account and per client, every try audited.

    Raises :class:`SigninRefused` with one message for a wrong email or password (no hint which), or
    with ``wait`` when throttled. A hash made with older parameters is replaced by today's.
    """
    when = now or utcnow()
    email = email.strip().lower()[:254]
    account_key, client_key = "account:" + _hash(email), "client:" + _hash(client)
    wait = _throttle_wait(db, account_key, client_key, when)
    if wait is not None:
        audit(db, "signin_throttled", client=client, detail=email, now=when)
        raise SigninRefused("Too many tries. Please wait a while before trying again.", wait)
    with db.session() as session:
        row = session.scalar(select(UserRow).where(UserRow.email == email))
    if row is None or not verify_password(row.password_hash, password):
        if row is None or row.password_hash is None:
            verify_password(_DUMMY_HASH(), password)  # the same time whether or not the account exists
        with db.write() as session:
            session.add_all([SigninFailureRow(key=account_key, at=when), SigninFailureRow(key=client_key, at=when)])
        audit(db, "signin_failed", user_id=row.id if row else None, client=client, detail=email, now=when)
        raise SigninRefused("That email and password do not match an account.")
    assert row.password_hash is not None
    fresh = hash_password(password) if needs_rehash(row.password_hash) else None  # hashed outside the write lock
    with db.write() as session:
        if fresh is not None:
            stored = session.get(UserRow, row.id)
            if stored is not None:
                stored.password_hash = fresh
        session.execute(delete(SigninFailureRow).where(SigninFailureRow.key == account_key))
    return _actor(row)


_dummy: list[str] = []


def _DUMMY_HASH() -> str:
    if not _dummy:
        _dummy.append(hash_password(secrets.token_urlsafe(16)))
    return _dummy[0]


def start_session(db: Database, actor: Actor, *, client: str, now: dt.datetime | None = None) -> str:
    """A new session for the actor (always a new id: no fixation); returns the cookie value."""
    when = now or utcnow()
    secret = secrets.token_urlsafe(32)
    with db.write() as session:
        session.add(WebSessionRow(id_hash=_hash(secret), user_id=actor.user_id, created_at=when, last_seen_at=when))
    audit(db, "signin", user_id=actor.user_id, athlete_id=actor.athlete_id, client=client, now=when)
    return secret


# Every page asks this: one statement built once, read through a Core connection.
_SESSION_USER = (select(WebSessionRow.id, WebSessionRow.created_at, WebSessionRow.last_seen_at,
                        UserRow.id.label("user_id"), UserRow.email, UserRow.role, UserRow.athlete_id)
                 .join(UserRow, UserRow.id == WebSessionRow.user_id)
                 .where(WebSessionRow.id_hash == bindparam("digest")))


def session_actor(db: Database, cookie: str, now: dt.datetime | None = None) -> Actor | None:
    """The actor of a live session, or None (unknown, idle too long, or older than the absolute limit)."""
    when = now or utcnow()
    digest = _hash(cookie)
    with db.read() as conn:
        web = conn.execute(_SESSION_USER, {"digest": digest}).first()
    if web is None:
        return None
    if when - web.last_seen_at > IDLE_TIMEOUT or when - web.created_at > SESSION_LIFETIME:
        with db.write() as session:
            session.execute(delete(WebSessionRow).where(WebSessionRow.id == web.id))
        return None
    if when - web.last_seen_at > _SEEN_EVERY:
        with db.write() as session:
            row = session.get(WebSessionRow, web.id)
            if row is not None:
                row.last_seen_at = when
    return Actor(web.user_id, web.email, web.role, web.athlete_id, digest)


def end_session(db: Database, actor: Actor, *, client: str | None = None) -> None:
    """Sign out: the session is deleted on the server, so a replayed cookie opens nothing."""
    with db.write() as session:
        session.execute(delete(WebSessionRow).where(WebSessionRow.id_hash == actor.session_hash))
    audit(db, "signout", user_id=actor.user_id, client=client)


def change_password(db: Database, actor: Actor, current: str, new: str, *, client: str | None = None) -> None:
    """Change the password (the current one first); every session of the user ends, this one too."""
    with db.session() as session:
        row = session.get(UserRow, actor.user_id)
    if row is None or not verify_password(row.password_hash, current):
        raise AccountProblem("current", "that is not your current password")
    try:
        check_policy(new, email=row.email)
    except ValueError as exc:
        raise AccountProblem("new", str(exc)) from None
    hashed = hash_password(new)  # outside the write lock: hashing takes tens of milliseconds
    with db.write() as session:
        stored = session.get(UserRow, actor.user_id)
        assert stored is not None
        stored.password_hash, stored.password_changed_at = hashed, utcnow()
        session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == actor.user_id))
    audit(db, "password_changed", user_id=actor.user_id, client=client)


def _issue(db: Database, user_id: int, purpose: str, expires: dt.datetime | None, now: dt.datetime) -> str:
    secret = secrets.token_urlsafe(32)
    with db.write() as session:
        session.add(ApiTokenRow(token_hash=_hash(secret), user_id=user_id, purpose=purpose, created_at=now,
                                expires_at=expires))
    return secret


def issue_token(db: Database, email: str, now: dt.datetime | None = None) -> str:
    """A new personal API token for scripts; shown once (only its hash is kept)."""
    user = _user_by_email(db, email)
    token = _issue(db, user.id, "api", None, now or utcnow())
    audit(db, "token_created", user_id=user.id)
    return token


def revoke_tokens(db: Database, email: str) -> int:
    """Revoke every API token of the user; returns how many there were."""
    user = _user_by_email(db, email)
    with db.write() as session:
        n = session.execute(delete(ApiTokenRow).where(ApiTokenRow.user_id == user.id, ApiTokenRow.purpose == "api"))
    audit(db, "token_revoked", user_id=user.id)
    return int(getattr(n, "rowcount", 0) or 0)


def calendar_link(db: Database, athlete_id: int, now: dt.datetime | None = None) -> str:
    """A new secret for the athlete's calendar feed; any earlier one stops working (rotation). Shown once."""
    user = user_for_athlete(db, athlete_id)
    if user is None:
        raise AccountProblem("--athlete", f"athlete {athlete_id} has no account to hold a calendar link")
    user_id = _user_by_email(db, user).id
    with db.write() as session:
        session.execute(delete(ApiTokenRow).where(ApiTokenRow.user_id == user_id, ApiTokenRow.purpose == "calendar"))
    return _issue(db, user_id, "calendar", None, now or utcnow())


def calendar_athlete(db: Database, secret: str) -> int | None:
    """The athlete whose calendar feed this secret opens, or None."""
    with db.session() as session:
        return session.scalar(select(UserRow.athlete_id).join(ApiTokenRow, ApiTokenRow.user_id == UserRow.id)
                              .where(ApiTokenRow.token_hash == _hash(secret), ApiTokenRow.purpose == "calendar"))


# Every API request asks this: one statement built once, read through a Core connection.
_TOKEN_USER = (select(UserRow.id, UserRow.email, UserRow.role, UserRow.athlete_id)
               .join(ApiTokenRow, ApiTokenRow.user_id == UserRow.id)
               .where(ApiTokenRow.token_hash == bindparam("digest"), ApiTokenRow.purpose == "api"))


def token_actor(db: Database, token: str) -> Actor | None:
    """The user of an API token, or None."""
    with db.read() as conn:
        found = conn.execute(_TOKEN_USER, {"digest": _hash(token)}).first()
    return Actor(found.id, found.email, found.role, found.athlete_id) if found else None


def signin_link(db: Database, email: str, now: dt.datetime | None = None) -> str:
    """A one-time sign-in secret for the user, good for 15 minutes (for a new install, or after a lockout)."""
    user = _user_by_email(db, email)
    when = now or utcnow()
    return _issue(db, user.id, "signin", when + SIGNIN_LINK_LIFETIME, when)


def use_signin_link(db: Database, secret: str, now: dt.datetime | None = None) -> Actor | None:
    """The user of a one-time sign-in secret, which is used up; None when unknown, used or expired."""
    when = now or utcnow()
    with db.write() as session:
        row = session.scalar(select(ApiTokenRow).where(ApiTokenRow.token_hash == _hash(secret),
                                                       ApiTokenRow.purpose == "signin"))
        if row is None:
            return None
        session.delete(row)
        if row.expires_at is None or when > row.expires_at:
            return None
        user = session.get(UserRow, row.user_id)
        return _actor(user) if user is not None else None


ACTIONS = ("read", "write", "note")


def allowed(db: Database, actor: Actor | None, action: str, athlete_id: int) -> bool:
    """The one access check: an athlete reads and writes only their own data; a clinician only reads the
    athletes linked to them, and writes notes about them ("note"). An admin manages clinicians and links,
    and reads no one's health data unless linked like a clinician (least privilege: a link is itself
    audited, and so is every read through it)."""
    if actor is None or action not in ACTIONS:
        return False
    if actor.role == "athlete":
        return actor.athlete_id == athlete_id and action != "note"
    if actor.role in CLINIC_ROLES and action in ("read", "note"):
        with db.session() as session:
            return session.scalar(select(ClinicianLinkRow.id).where(
                ClinicianLinkRow.clinician_id == actor.user_id, ClinicianLinkRow.athlete_id == athlete_id)) is not None
    return False


def visible_athletes(db: Database, actor: Actor) -> list[int]:
    """The athlete ids this actor may read (for lists: never anyone else's)."""
    if actor.role == "athlete":
        return [actor.athlete_id] if actor.athlete_id is not None else []
    if actor.role in CLINIC_ROLES:
        with db.session() as session:
            return list(session.scalars(select(ClinicianLinkRow.athlete_id)
                                        .where(ClinicianLinkRow.clinician_id == actor.user_id)
                                        .order_by(ClinicianLinkRow.athlete_id)))
    return []


def user_for_athlete(db: Database, athlete_id: int) -> str | None:
    """The email of the athlete's own account, if there is one."""
    with db.session() as session:
        return session.scalar(select(UserRow.email).where(UserRow.athlete_id == athlete_id))


DEMO_EMAIL = "demo@example.org"


@dataclass(frozen=True, slots=True)
class FirstRun:
    """What ``backstride serve`` found: the database was new (a demo athlete and a sign-in link made) or not."""

    new: bool
    signin_secret: str | None  # a one-time sign-in secret for the demo account, when new
    users: int  # how many accounts there are


def prepare_first_run(db: Database, today: dt.date, now: dt.datetime | None = None) -> FirstRun:
    """On a database with no athletes: the demo athlete, an account for it, and a one-time sign-in link."""
    from backstride.services.demo import ensure_demo_athlete
    from backstride.storage import list_athletes

    with db.session() as session:
        users = int(session.scalar(select(func.count()).select_from(UserRow)) or 0)
    if list_athletes(db):
        return FirstRun(False, None, users)
    athlete = ensure_demo_athlete(db, today)
    create_user(db, DEMO_EMAIL, "athlete", athlete_id=athlete, now=now)
    return FirstRun(True, signin_link(db, DEMO_EMAIL, now), users + 1)
