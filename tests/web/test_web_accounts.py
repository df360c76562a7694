"""Accounts: password storage and policy (T25, T26), sessions and their timeouts (T23), throttling (T24),
tokens, one-time links, the one access check, and an audit log without secrets or health data (T27)."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from argon2 import PasswordHasher, Type
from argon2.low_level import Type as LowType
from sqlalchemy import func, select

from backstride.services import accounts, passwords
from backstride.services.demo import ensure_demo_athlete
from backstride.storage import Database
from backstride.storage.tables import AuditRow, UserRow, WebSessionRow

PASSWORD = "correct horse battery staple"
NOW = dt.datetime(2026, 12, 4, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    """The accounts on each backend in turn (the clock arithmetic reads timestamps back from both)."""
    url = f"sqlite+pysqlite:///{tmp_path / 'a.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    database = Database.open(url)
    yield database  # type: ignore[misc]
    database.dispose()


@pytest.fixture
def athlete(db: Database) -> int:
    return ensure_demo_athlete(db, NOW.date())


def _hash_of(db: Database, email: str) -> str:
    with db.session() as session:
        value = session.scalar(select(UserRow.password_hash).where(UserRow.email == email))
    assert value is not None
    return value


# --- T26: the policy ---------------------------------------------------------------------------------

@pytest.mark.parametrize("password", ["1234567", "short", ""])
def test_a_password_under_eight_characters_is_refused(password: str) -> None:
    with pytest.raises(passwords.PasswordRefused, match="at least 8"):
        passwords.check_policy(password)


@pytest.mark.parametrize("password", ["password", "12345678", "iloveyou", "PASSWORD1" .lower(), "qwertyuiop"])
def test_the_most_common_passwords_are_refused(password: str) -> None:
    with pytest.raises(passwords.PasswordRefused, match="most common"):
        passwords.check_policy(password)


def test_the_vendored_list_holds_thousands_of_common_passwords() -> None:
    assert len(passwords._common()) >= 3000


@pytest.mark.parametrize("password", ["abcdefgh-not-common", "alllowercaseletters", "x" * 64, "y" * 128,
                                      "ünïcödé pässphrase", "        spaces ok  "])
def test_long_passphrases_and_any_characters_are_welcome_with_no_composition_rules(password: str) -> None:
    passwords.check_policy(password)


def test_a_password_longer_than_the_bound_is_refused_with_the_bound_named() -> None:
    with pytest.raises(passwords.PasswordRefused, match="1024"):
        passwords.check_policy("z" * 1025)


def test_the_email_itself_is_not_a_password() -> None:
    with pytest.raises(passwords.PasswordRefused):
        passwords.check_policy("runner@example.org", email="Runner@example.org")


def test_create_user_names_the_password_problem(db: Database, athlete: int) -> None:
    with pytest.raises(accounts.AccountProblem) as exc:
        accounts.create_user(db, "a@example.org", "athlete", athlete_id=athlete, password="password")
    assert exc.value.field == "password"


# --- T25: storage ------------------------------------------------------------------------------------

def test_the_stored_hash_is_argon2id_with_at_least_owasps_parameters(db: Database, athlete: int) -> None:
    accounts.create_user(db, "a@example.org", "athlete", athlete_id=athlete, password=PASSWORD)
    stored = _hash_of(db, "a@example.org")
    from argon2 import extract_parameters

    params = extract_parameters(stored)
    assert stored.startswith("$argon2id$")
    assert params.type is LowType.ID
    assert params.memory_cost >= 19_456 and params.time_cost >= 2 and params.parallelism >= 1
    assert PASSWORD not in stored


def test_hashing_takes_under_half_a_second_here() -> None:
    # A bound that catches a misconfiguration (e.g. 1 GiB of memory), not a benchmark.
    start = time.perf_counter()
    passwords.hash_password(PASSWORD)
    assert time.perf_counter() - start < 2.0  # 500 ms on CI; slack for a loaded 2-core box


def test_a_hash_made_with_older_parameters_is_replaced_at_sign_in(db: Database, athlete: int) -> None:
    accounts.create_user(db, "a@example.org", "athlete", athlete_id=athlete)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1, type=Type.ID).hash(PASSWORD)
    with db.write() as session:
        row = session.scalar(select(UserRow).where(UserRow.email == "a@example.org"))
        assert row is not None
        row.password_hash = weak
    accounts.authenticate(db, "a@example.org", PASSWORD, client="1.2.3.4", now=NOW)
    renewed = _hash_of(db, "a@example.org")
    assert renewed != weak and not passwords.needs_rehash(renewed)
    accounts.authenticate(db, "a@example.org", PASSWORD, client="1.2.3.4", now=NOW)  # still signs in


# --- sign-in, sessions, T23 --------------------------------------------------------------------------

def test_sign_in_does_not_say_whether_the_email_or_the_password_was_wrong(db: Database, athlete: int) -> None:
    accounts.create_user(db, "a@example.org", "athlete", athlete_id=athlete, password=PASSWORD)
    with pytest.raises(accounts.SigninRefused) as wrong_password:
        accounts.authenticate(db, "a@example.org", "not the password", client="c", now=NOW)
    with pytest.raises(accounts.SigninRefused) as no_account:
        accounts.authenticate(db, "nobody@example.org", PASSWORD, client="c", now=NOW)
    assert str(wrong_password.value) == str(no_account.value)


def test_a_session_ends_after_30_idle_minutes_and_after_12_hours_in_any_case(db: Database, athlete: int) -> None:
    user = accounts.create_user(db, "a@example.org", "athlete", athlete_id=athlete, password=PASSWORD)
    actor = accounts.Actor(user, "a@example.org", "athlete", athlete)
    idle = accounts.start_session(db, actor, client="c", now=NOW)
    assert accounts.session_actor(db, idle, NOW + dt.timedelta(minutes=29)) is not None
    assert accounts.session_actor(db, idle, NOW + dt.timedelta(minutes=29 + 31)) is None
    busy = accounts.start_session(db, actor, client="c", now=NOW)
    t = NOW
    while t < NOW + dt.timedelta(hours=11, minutes=50):
        t += dt.timedelta(minutes=20)
        assert accounts.session_actor(db, busy, t) is not None, t
    assert accounts.session_actor(db, busy, NOW + dt.timedelta(hours=12, minutes=1)) is None


def test_each_sign_in_gets_a_new_256_bit_id_stored_only_hashed(db: Database, athlete: int) -> None:
    user = accounts.create_user(db, "a@example.org", "athlete", athlete_id=athlete)
    actor = accounts.Actor(user, "a@example.org", "athlete", athlete)
    first, second = (accounts.start_session(db, actor, client="c") for _ in range(2))
    assert first != second and len(first) >= 43  # 32 bytes, urlsafe base64
    with db.session() as session:
        hashes = set(session.scalars(select(WebSessionRow.id_hash)))
    assert first not in hashes and second not in hashes and len(hashes) == 2


def test_changing_the_password_ends_every_session(db: Database, athlete: int) -> None:
    user = accounts.create_user(db, "a@example.org", "athlete", athlete_id=athlete, password=PASSWORD)
    actor = accounts.Actor(user, "a@example.org", "athlete", athlete)
    cookies = [accounts.start_session(db, actor, client="c") for _ in range(3)]
    signed_in = accounts.session_actor(db, cookies[0])
    assert signed_in is not None
    with pytest.raises(accounts.AccountProblem):
        accounts.change_password(db, signed_in, "wrong current one", "a brand new passphrase")
    accounts.change_password(db, signed_in, PASSWORD, "a brand new passphrase")
    assert all(accounts.session_actor(db, c) is None for c in cookies)
    accounts.authenticate(db, "a@example.org", "a brand new passphrase", client="c")


def test_signing_out_deletes_the_session_on_the_server(db: Database, athlete: int) -> None:
    user = accounts.create_user(db, "a@example.org", "athlete", athlete_id=athlete)
    cookie = accounts.start_session(db, accounts.Actor(user, "a@example.org", "athlete", athlete), client="c")
    actor = accounts.session_actor(db, cookie)
    assert actor is not None
    accounts.end_session(db, actor)
    assert accounts.session_actor(db, cookie) is None


# --- T24: throttling ---------------------------------------------------------------------------------

def test_after_ten_fast_failures_each_try_waits_longer_and_the_real_user_gets_in_later(
        db: Database, athlete: int) -> None:
    accounts.create_user(db, "a@example.org", "athlete", athlete_id=athlete, password=PASSWORD)
    t = NOW
    for i in range(10):  # fast failures from many clients
        with pytest.raises(accounts.SigninRefused) as exc:
            accounts.authenticate(db, "a@example.org", f"guess {i}", client=f"10.0.0.{i}", now=t)
        assert exc.value.wait is None
    waits = []
    for i in range(4):
        with pytest.raises(accounts.SigninRefused) as exc:  # throttled: the right password is not even tried
            accounts.authenticate(db, "a@example.org", PASSWORD, client=f"10.0.1.{i}", now=t)
        assert exc.value.wait is not None
        waits.append(exc.value.wait)
        t += exc.value.wait  # wait as told, then fail once more
        with pytest.raises(accounts.SigninRefused):
            accounts.authenticate(db, "a@example.org", f"again {i}", client=f"10.0.2.{i}", now=t)
    assert waits == sorted(waits) and waits[-1] > waits[0]
    link = accounts.signin_link(db, "a@example.org", now=t)  # the documented way in while throttled
    assert accounts.use_signin_link(db, link, now=t) is not None
    later = t + accounts.MAX_WAIT + dt.timedelta(seconds=1)
    assert accounts.authenticate(db, "a@example.org", PASSWORD, client="home", now=later).email == "a@example.org"


def test_one_client_is_throttled_across_many_accounts(db: Database) -> None:
    for i in range(accounts.CLIENT_LIMIT):
        with pytest.raises(accounts.SigninRefused):
            accounts.authenticate(db, f"user{i}@example.org", "whatever!", client="9.9.9.9", now=NOW)
    with pytest.raises(accounts.SigninRefused) as exc:
        accounts.authenticate(db, "other@example.org", "whatever!", client="9.9.9.9", now=NOW)
    assert exc.value.wait is not None


def test_an_account_takes_at_most_100_failures_a_day(db: Database, athlete: int) -> None:
    accounts.create_user(db, "a@example.org", "athlete", athlete_id=athlete, password=PASSWORD)
    t = NOW
    failures = 0
    while t < NOW + dt.timedelta(days=1):
        try:
            accounts.authenticate(db, "a@example.org", "guess", client=f"c{failures}", now=t)
        except accounts.SigninRefused as exc:
            if exc.wait is None:
                failures += 1
        t += accounts.MAX_WAIT
    assert failures <= accounts.ACCOUNT_DAILY_LIMIT
    with db.session() as session:
        logged = session.scalar(select(func.count()).select_from(AuditRow)
                                .where(AuditRow.event.in_(("signin_failed", "signin_throttled"))))
    assert logged == (NOW + dt.timedelta(days=1) - NOW) // accounts.MAX_WAIT  # every try logged


# --- tokens and one-time links -----------------------------------------------------------------------

def test_an_api_token_is_shown_once_stored_hashed_and_revocable(db: Database, athlete: int) -> None:
    accounts.create_user(db, "a@example.org", "athlete", athlete_id=athlete)
    token = accounts.issue_token(db, "a@example.org")
    actor = accounts.token_actor(db, token)
    assert actor is not None and actor.athlete_id == athlete
    assert accounts.revoke_tokens(db, "a@example.org") == 1
    assert accounts.token_actor(db, token) is None


def test_a_sign_in_link_works_once_and_expires(db: Database, athlete: int) -> None:
    accounts.create_user(db, "a@example.org", "athlete", athlete_id=athlete)
    link = accounts.signin_link(db, "a@example.org", now=NOW)
    assert accounts.use_signin_link(db, link, now=NOW) is not None
    assert accounts.use_signin_link(db, link, now=NOW) is None
    late = accounts.signin_link(db, "a@example.org", now=NOW)
    assert accounts.use_signin_link(db, late, now=NOW + dt.timedelta(minutes=16)) is None


def test_a_new_calendar_link_replaces_the_old_one(db: Database, athlete: int) -> None:
    accounts.create_user(db, "a@example.org", "athlete", athlete_id=athlete)
    old = accounts.calendar_link(db, athlete)
    assert accounts.calendar_athlete(db, old) == athlete
    new = accounts.calendar_link(db, athlete)
    assert accounts.calendar_athlete(db, old) is None and accounts.calendar_athlete(db, new) == athlete
    assert accounts.token_actor(db, new) is None  # a calendar link is not an API token


# --- accounts and the access check -------------------------------------------------------------------

def test_account_input_problems_name_the_option(db: Database, athlete: int) -> None:
    cases = [({"email": "not-an-email", "role": "clinician"}, "--email"),
             ({"email": "x@example.org", "role": "coach"}, "--role"),
             ({"email": "x@example.org", "role": "athlete"}, "--athlete"),
             ({"email": "x@example.org", "role": "clinician", "athlete_id": athlete}, "--athlete")]
    for kwargs, field in cases:
        with pytest.raises(accounts.AccountProblem) as exc:
            accounts.create_user(db, **kwargs)  # type: ignore[arg-type]
        assert exc.value.field == field
    accounts.create_user(db, "x@example.org", "clinician")
    with pytest.raises(accounts.AccountProblem, match="already"):
        accounts.create_user(db, "X@Example.org", "clinician")


def test_allowed_lets_athletes_see_themselves_and_clinicians_read_their_athletes(db: Database, athlete: int) -> None:
    mine = accounts.create_user(db, "a@example.org", "athlete", athlete_id=athlete)
    clinician = accounts.create_user(db, "p@example.org", "clinician")
    other = accounts.create_user(db, "q@example.org", "clinician")
    admin = accounts.create_user(db, "admin@example.org", "admin")
    accounts.link_clinician(db, "p@example.org", athlete)
    accounts.link_clinician(db, "p@example.org", athlete)  # again: no error, no second link
    me = accounts.Actor(mine, "a@example.org", "athlete", athlete)
    linked = accounts.Actor(clinician, "p@example.org", "clinician", None)
    unlinked = accounts.Actor(other, "q@example.org", "clinician", None)
    boss = accounts.Actor(admin, "admin@example.org", "admin", None)
    assert accounts.allowed(db, me, "read", athlete) and accounts.allowed(db, me, "write", athlete)
    assert not accounts.allowed(db, me, "read", athlete + 1)
    assert accounts.allowed(db, linked, "read", athlete) and not accounts.allowed(db, linked, "write", athlete)
    assert not accounts.allowed(db, unlinked, "read", athlete)
    assert not accounts.allowed(db, boss, "read", athlete)
    assert not accounts.allowed(db, None, "read", athlete)
    assert not accounts.allowed(db, me, "delete", athlete)
    assert accounts.visible_athletes(db, linked) == [athlete] and accounts.visible_athletes(db, unlinked) == []


# --- T27: the audit log ------------------------------------------------------------------------------

def test_the_audit_log_has_one_row_per_event_and_no_secret_or_health_data(db: Database, athlete: int) -> None:
    user = accounts.create_user(db, "a@example.org", "athlete", athlete_id=athlete, password=PASSWORD)
    accounts.authenticate(db, "a@example.org", PASSWORD, client="1.1.1.1")
    for _ in range(2):
        with pytest.raises(accounts.SigninRefused):
            accounts.authenticate(db, "a@example.org", "canary-wrong-password", client="1.1.1.1")
    cookie = accounts.start_session(db, accounts.Actor(user, "a@example.org", "athlete", athlete), client="1.1.1.1")
    token = accounts.issue_token(db, "a@example.org")
    with pytest.raises(accounts.SigninRefused):
        accounts.authenticate(db, "evil\r\n\x1b[31m@example.org", "x" * 9, client="2.2.2.2\r\nforged")
    with db.session() as session:
        rows = list(session.scalars(select(AuditRow).order_by(AuditRow.id)))
    events = [r.event for r in rows]
    assert events.count("signin_failed") == 3 and events.count("signin") == 1 and "token_created" in events
    text = " ".join(f"{r.event} {r.client} {r.detail}" for r in rows)
    for secret in (PASSWORD, "canary-wrong-password", cookie, token, "pain"):
        assert secret not in text
    assert "\r" not in text and "\n" not in text and "\x1b" not in text
    assert "\\x0d\\x0a" in text  # the CR LF is written out, not acted on


def test_twenty_sign_ins_at_once_use_at_most_twenty_times_the_hash_memory() -> None:
    # T25: in a fresh process, 20 threads verify a password at once; the peak RSS rises by at most 20 x m
    # (the plan's bound), and in fact by about MAX_CONCURRENT_HASHES x m, the hashes being capped.
    import subprocess
    import sys

    script = """
import resource, threading
from backstride.services.passwords import MEMORY_KIB, hash_password, verify_password
stored = hash_password("correct horse battery staple")
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
threads = [threading.Thread(target=verify_password, args=(stored, "correct horse battery staple"))
           for _ in range(20)]
for t in threads: t.start()
for t in threads: t.join()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base, MEMORY_KIB)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    rise_kib, memory_kib = (int(x) for x in done.stdout.split())
    assert 0 <= rise_kib <= 20 * memory_kib, done.stdout
    assert rise_kib <= (passwords.MAX_CONCURRENT_HASHES + 2) * memory_kib, done.stdout
