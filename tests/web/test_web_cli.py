"""``backstride user ...`` and ``backstride serve``: accounts from the command line, and the web app
started for real on a fresh SQLite file, with the demo athlete and a one-time sign-in link."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx
import pytest
from typer.testing import CliRunner

from backstride.cli.main import full_app
from backstride.services import accounts
from backstride.storage import Database

ENV = {"COLUMNS": "160", "NO_COLOR": "1", "BACKSTRIDE_SECRET_KEY": "", "BACKSTRIDE_BASE_URL": ""}


def _cli(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(full_app(), list(args), input=stdin, env={k: v for k, v in ENV.items() if v})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite+pysqlite:///{tmp_path / 'cli.db'}"
    code, _, err = _cli("start", "--db", url)
    assert code == 0, err
    return url


def test_users_are_added_linked_given_a_token_and_the_token_revoked(db_url: str) -> None:
    code, out, err = _cli("user", "add", "--email", "A@Example.org", "--role", "athlete", "--athlete", "1",
                          "--password-stdin", "--db", db_url, stdin="a perfectly fine passphrase\n")
    assert code == 0, err
    assert "a@example.org" in out
    assert _cli("user", "add", "--email", "p@example.org", "--role", "clinician", "--password-stdin", "--db", db_url,
                stdin="another fine passphrase\n")[0] == 0
    code, out, err = _cli("user", "link", "--clinician", "p@example.org", "--athlete", "1", "--db", db_url)
    assert code == 0, err
    code, out, err = _cli("user", "token", "--email", "a@example.org", "--db", db_url)
    token = out.strip()
    assert code == 0 and len(token) >= 43 and "shown once" in err.lower()
    with Database.open(db_url) as db:
        assert accounts.token_actor(db, token) is not None
        assert accounts.visible_athletes(db, accounts.token_actor(db, token)) == [1]  # type: ignore[arg-type]
        accounts.authenticate(db, "a@example.org", "a perfectly fine passphrase", client="cli")
    code, out, _ = _cli("user", "revoke-token", "--email", "a@example.org", "--db", db_url)
    assert code == 0 and "1 token revoked" in out
    with Database.open(db_url) as db:
        assert accounts.token_actor(db, token) is None


@pytest.mark.parametrize(("args", "stdin", "named"), [
    (["user", "add", "--email", "x@example.org", "--role", "athlete", "--password-stdin"], "good passphrase here\n",
     "--athlete"),
    (["user", "add", "--email", "x@example.org", "--role", "coach", "--password-stdin"], "good passphrase here\n",
     "--role"),
    (["user", "add", "--email", "x@example.org", "--role", "clinician", "--password-stdin"], "password\n",
     "password"),
    (["user", "add", "--email", "x", "--role", "clinician", "--password-stdin"], "good passphrase here\n", "--email"),
    (["user", "link", "--clinician", "nobody@example.org", "--athlete", "1"], None, "--email"),
    (["user", "token", "--email", "nobody@example.org"], None, "--email"),
])
def test_bad_account_input_is_one_line_naming_the_option(db_url: str, args: list[str], stdin: str | None,
                                                          named: str) -> None:
    code, _, err = _cli(*args, "--db", db_url, stdin=stdin)
    assert code == 2 and err.startswith(named) and "Traceback" not in err, err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_starts_the_web_app_on_a_new_database_with_a_one_time_link(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKSTRIDE_")}
    env.update({"BACKSTRIDE_DATABASE_URL": str(tmp_path / "serve.db"), "NO_COLOR": "1", "COLUMNS": "200"})
    proc = subprocess.Popen([sys.executable, "-m", "backstride", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert proc.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any("Ctrl+C" in line for line in lines):
            lines.append(proc.stdout.readline())
        text = "".join(lines)
        link = re.search(r"(http://127\.0\.0\.1:\d+/signin/link\?token=\S+)", text)
        assert link, text
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, headers={"Origin": base}) as client:
            for _ in range(100):
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            form = client.get(link.group(1).removeprefix(base))
            csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', form.text)
            token = re.search(r'name="token" value="([^"]+)"', form.text)
            assert csrf and token
            signed = client.post("/signin/link", data={"csrf": csrf.group(1), "token": token.group(1)},
                                 follow_redirects=True)
            assert signed.status_code == 200 and "action-" in signed.text and "Sign out" in signed.text
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def test_a_sign_in_link_is_printed_for_the_address_given(db_url: str) -> None:
    assert _cli("user", "add", "--email", "a@example.org", "--role", "athlete", "--athlete", "1",
                "--password-stdin", "--db", db_url, stdin="a perfectly fine passphrase\n")[0] == 0
    code, out, _ = _cli("user", "signin-link", "--email", "a@example.org", "--base-url", "http://127.0.0.1:8799/",
                        "--db", db_url)
    assert code == 0 and out.startswith("http://127.0.0.1:8799/signin/link?token=")
