"""``backstride clinic ...`` and ``backstride user unlink``: the clinic at the terminal, in the web list's
order and words, with clear messages for an account that is not a clinician's."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.test_web_cli import _cli


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite+pysqlite:///{tmp_path / 'cli.db'}"
    assert _cli("start", "--db", url)[0] == 0  # the demo athlete, 1
    for email, role in (("boss@example.org", "admin"), ("p@example.org", "clinician")):
        code, _, err = _cli("user", "add", "--email", email, "--role", role, "--password-stdin", "--db", url,
                            stdin="a perfectly fine passphrase\n")
        assert code == 0, err
    return url


def test_a_clinicians_list_the_clinicians_and_an_invitation(db_url: str) -> None:
    assert _cli("clinic", "list", "--email", "p@example.org", "--db", db_url)[1].startswith("No athletes are linked")
    assert _cli("user", "link", "--clinician", "p@example.org", "--athlete", "1", "--db", db_url)[0] == 0
    code, out, _ = _cli("clinic", "list", "--email", "P@example.org", "--db", db_url)
    assert code == 0 and "Sam (demo)" in out and "last check-in" in out
    assert "No athletes match." in _cli("clinic", "list", "--email", "p@example.org", "--search", "zz", "--db",
                                        db_url)[1]
    code, out, _ = _cli("clinic", "clinicians", "--db", db_url)
    assert "p@example.org (clinician): Sam (demo) (1)" in out and "boss@example.org (admin): no athletes" in out
    code, out, err = _cli("clinic", "invite", "--email", "p@example.org", "--athlete-email", "new@example.org",
                          "--base-url", "https://clinic.example", "--db", db_url)
    assert code == 0 and out.startswith("https://clinic.example/invite?token=") and "shown once" in err.lower()
    assert _cli("user", "unlink", "--clinician", "p@example.org", "--athlete", "1", "--db", db_url)[0] == 0
    code, _, err = _cli("user", "unlink", "--clinician", "p@example.org", "--athlete", "1", "--db", db_url)
    assert code == 2 and "was not linked" in err


def test_an_account_that_is_not_a_clinicians_is_named(db_url: str) -> None:
    code, _, err = _cli("clinic", "list", "--email", "nobody@example.org", "--db", db_url)
    assert code == 2 and "--email: no account for nobody@example.org" in err and "Traceback" not in err
    code, _, err = _cli("clinic", "invite", "--email", "p@example.org", "--athlete-email", "not an address",
                        "--db", db_url)
    assert code == 2 and "--email" in err and "Traceback" not in err
