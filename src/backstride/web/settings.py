"""The web app's one settings object, read from ``BACKSTRIDE_*`` environment variables.

``BACKSTRIDE_DATABASE_URL`` (default: the local SQLite file, as for the command line),
``BACKSTRIDE_SECRET_KEY`` (signs CSRF tokens and calendar links; a placeholder is refused outside
development), ``BACKSTRIDE_BASE_URL`` (the origin browsers use; cross-site requests are refused against it),
``BACKSTRIDE_ENVIRONMENT`` (``production`` or ``development``), ``BACKSTRIDE_COOKIE_SECURE`` and
``BACKSTRIDE_JOBS`` (``auto``: imports run in this process on SQLite and by a ``backstride worker`` on
PostgreSQL; ``in-process`` keeps them in the web process on PostgreSQL too; ``queue`` insists on the worker),
``BACKSTRIDE_THREADS`` (requests one process works on at once: 4, from 1 to 64). The
session cookie is ``__Host-backstride`` (Secure, HttpOnly, SameSite=Lax, Path=/). Only in development
with a base URL on http://127.0.0.1 or http://localhost may ``BACKSTRIDE_COOKIE_SECURE=false`` drop
Secure, and then the cookie is named ``backstride-dev`` (browsers refuse a ``__Host-`` cookie without it).
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["PLACEHOLDER_SECRETS", "Settings"]

PLACEHOLDER_SECRETS = frozenset({"", "change-me", "changeme", "secret", "placeholder", "development"})
_LOCAL = ("http://127.0.0.1", "http://localhost")


class Settings(BaseSettings):
    """Everything the web app reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="BACKSTRIDE_", extra="ignore")

    database_url: str | None = None
    secret_key: SecretStr = SecretStr("change-me")
    base_url: str = "http://127.0.0.1:8000"
    environment: Literal["production", "development"] = "production"
    cookie_secure: bool = True
    jobs: Literal["auto", "in-process", "queue"] = "auto"
    # Requests one process works on at once (its thread pool). Each request is mostly Python holding the
    # interpreter lock, so more threads only take turns with it: at 50 clients 40 threads (the default
    # of the server's pool) gave the clinic list a p99 of 520 ms, 4 gave 140 ms and more requests a
    # second (benchmarks/web_load.py, PostgreSQL, 4 processes). Others wait in the event loop, unharmed.
    threads: int = Field(default=4, ge=1, le=64)

    @model_validator(mode="after")
    def _refuse_unsafe(self) -> Self:
        secret = self.secret_key.get_secret_value()
        if self.environment != "development" and (secret.lower() in PLACEHOLDER_SECRETS or len(secret) < 32):
            raise ValueError("BACKSTRIDE_SECRET_KEY: set a random secret of 32 or more characters "
                             "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)")
        if not self.cookie_secure and not (self.environment == "development"
                                           and self.base_url.startswith(_LOCAL)):
            raise ValueError("BACKSTRIDE_COOKIE_SECURE=false is only for development on http://127.0.0.1")
        self.base_url = self.base_url.rstrip("/")
        return self

    @property
    def cookie_name(self) -> str:
        """``__Host-backstride``; ``backstride-dev`` when Secure is relaxed for local development."""
        return "__Host-backstride" if self.cookie_secure else "backstride-dev"

    @property
    def origin(self) -> str:
        """Scheme, host and port of the base URL."""
        scheme, _, rest = self.base_url.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}"
