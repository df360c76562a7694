"""Signing in over HTTP: the session cookie's attributes, a new id at each sign-in, sign-out and password
changes revoking it, throttling answered 429, and the one-time link (T23, T24)."""

from __future__ import annotations

from http.cookies import SimpleCookie

from backstride.services import accounts
from tests.web.conftest import World, browser, csrf_of

PASSWORD = "a long and memorable passphrase"


def _sign_in(world: World, email: str = "a@example.org", password: str = PASSWORD, client=None):  # type: ignore[no-untyped-def]
    client = client or browser(world.app)
    token = csrf_of(client.get("/signin").text)
    response = client.post("/signin", data={"email": email, "password": password, "csrf": token},
                           follow_redirects=False)
    return client, response


def _set_password(world: World) -> None:
    from sqlalchemy import select

    from backstride.services.passwords import hash_password
    from backstride.storage.tables import UserRow

    with world.db.write() as session:
        row = session.scalar(select(UserRow).where(UserRow.email == "a@example.org"))
        assert row is not None
        row.password_hash = hash_password(PASSWORD)


def _session_cookie(response) -> SimpleCookie:  # type: ignore[no-untyped-def]
    header = [v for k, v in response.headers.multi_items() if k == "set-cookie" and "__Host-backstride=" in v]
    assert header, response.headers
    cookie: SimpleCookie = SimpleCookie()
    cookie.load(header[0])
    return cookie


def test_the_session_cookie_is_host_prefixed_secure_httponly_lax_with_no_domain(world: World) -> None:
    _set_password(world)
    _client, response = _sign_in(world)
    assert response.status_code == 303 and response.headers["location"] == "/"
    raw = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and "__Host-backstride=" in v)
    morsel = _session_cookie(response)["__Host-backstride"]
    assert morsel["secure"] and morsel["httponly"] and morsel["samesite"].lower() == "lax"
    assert morsel["path"] == "/" and not morsel["domain"] and "domain" not in raw.lower()
    assert len(morsel.value) >= 43  # 256 random bits
    assert int(morsel["max-age"]) <= 12 * 3600


def test_each_sign_in_sets_a_new_id_and_sign_out_makes_the_old_cookie_useless(world: World) -> None:
    _set_password(world)
    client, first = _sign_in(world)
    old = _session_cookie(first)["__Host-backstride"].value
    _, second = _sign_in(world, client=client)
    assert _session_cookie(second)["__Host-backstride"].value != old
    assert client.get(f"/athletes/{world.a}/today").status_code == 200
    token = csrf_of(client.get(f"/athletes/{world.a}/today").text)
    assert client.post("/signout", data={"csrf": token}, follow_redirects=False).status_code == 303
    replay = browser(world.app, _session_cookie(second)["__Host-backstride"].value)
    assert replay.get(f"/athletes/{world.a}/today", follow_redirects=False).headers["location"] == "/signin"
    assert replay.get(f"/api/athletes/{world.a}/plan").status_code == 401


def test_a_wrong_password_is_refused_calmly_and_throttling_answers_429(world: World) -> None:
    _set_password(world)
    _, refused = _sign_in(world, password="not my password at all")
    assert refused.status_code == 401 and "do not match" in refused.text
    for i in range(accounts.FREE_FAILURES):
        _sign_in(world, password=f"wrong guess {i}")
    _, throttled = _sign_in(world)
    assert throttled.status_code == 429 and int(throttled.headers["retry-after"]) >= 1
    assert "wait" in throttled.text


def test_a_one_time_link_signs_in_once_through_a_button(world: World) -> None:
    link = accounts.signin_link(world.db, "a@example.org")
    client = browser(world.app)
    page = client.get(f"/signin/link?token={link}")
    assert page.status_code == 200 and "<form" in page.text
    data = {"token": link, "csrf": csrf_of(page.text)}
    assert client.post("/signin/link", data=data, follow_redirects=False).status_code == 303
    assert client.get(f"/athletes/{world.a}/today").status_code == 200
    again = browser(world.app)
    data = {"token": link, "csrf": csrf_of(again.get("/signin/link").text)}
    assert again.post("/signin/link", data=data, follow_redirects=False).status_code == 401


def test_a_password_changed_on_the_web_signs_out_every_device(world: World) -> None:
    _set_password(world)
    phone, _ = _sign_in(world)
    laptop, _ = _sign_in(world)
    token = csrf_of(phone.get("/account").text)
    weak = phone.post("/account/password", data={"csrf": token, "current": PASSWORD, "new": "password"})
    assert weak.status_code == 422 and "most common" in weak.text
    wrong = phone.post("/account/password", data={"csrf": token, "current": "not it at all", "new": "x" * 20})
    assert wrong.status_code == 422 and "current" in wrong.text
    done = phone.post("/account/password", data={"csrf": token, "current": PASSWORD, "new": "a new long passphrase"})
    assert done.status_code == 200 and "Sign in with the new one" in done.text
    for device in (phone, laptop):
        assert device.get("/account", follow_redirects=False).status_code == 303
    _, again = _sign_in(world, password="a new long passphrase")
    assert again.status_code == 303
