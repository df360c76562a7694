"""The one settings object: BACKSTRIDE_ variables, a placeholder secret refused outside development."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from backstride.web.settings import Settings

GOOD = "k" * 40


def test_settings_are_read_from_backstride_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKSTRIDE_SECRET_KEY", GOOD)
    monkeypatch.setenv("BACKSTRIDE_BASE_URL", "https://run.example.org/")
    monkeypatch.setenv("BACKSTRIDE_DATABASE_URL", "sqlite+pysqlite:////tmp/x.db")
    s = Settings()
    assert s.secret_key.get_secret_value() == GOOD and s.base_url == "https://run.example.org"
    assert s.origin == "https://run.example.org" and s.database_url == "sqlite+pysqlite:////tmp/x.db"
    assert s.cookie_name == "__Host-backstride" and s.cookie_secure
    assert GOOD not in repr(s)  # the secret is never printed


@pytest.mark.parametrize("secret", ["change-me", "secret", "", "short"])
def test_a_placeholder_or_short_secret_is_refused_outside_development(secret: str) -> None:
    with pytest.raises(ValidationError, match="BACKSTRIDE_SECRET_KEY"):
        Settings(secret_key=secret, environment="production")  # type: ignore[arg-type]


def test_development_takes_the_placeholder_and_may_drop_secure_only_on_loopback_http() -> None:
    dev = Settings(environment="development", cookie_secure=False, base_url="http://127.0.0.1:8000")
    assert dev.cookie_name == "backstride-dev"
    with pytest.raises(ValidationError, match="COOKIE_SECURE"):
        Settings(environment="development", cookie_secure=False, base_url="http://run.example.org")
    with pytest.raises(ValidationError, match="COOKIE_SECURE"):
        Settings(secret_key=GOOD, environment="production", cookie_secure=False,  # type: ignore[arg-type]
                 base_url="http://127.0.0.1:8000")


def test_threads_bound_the_requests_one_process_works_on(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import anyio.to_thread
    from fastapi.testclient import TestClient

    from backstride.web.app import create_app

    assert Settings(secret_key=GOOD).threads == 4  # type: ignore[arg-type]
    for wrong in ("0", "65", "many"):
        monkeypatch.setenv("BACKSTRIDE_THREADS", wrong)
        with pytest.raises(ValidationError, match="threads"):
            Settings(secret_key=GOOD)  # type: ignore[arg-type]
    monkeypatch.setenv("BACKSTRIDE_THREADS", "3")
    settings = Settings(secret_key=GOOD, database_url=f"sqlite+pysqlite:///{tmp_path / 'log.db'}")  # type: ignore[arg-type]
    with TestClient(create_app(settings)) as client:  # the app's start sets its loop's thread pool
        assert client.portal is not None
        assert client.portal.call(lambda: anyio.to_thread.current_default_thread_limiter().total_tokens) == 3
