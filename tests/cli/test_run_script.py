"""The README's first screen runs as written: ``./run.sh`` (the web app on its embedded SQLite, with the demo
athlete and a one-time sign-in link), and ``./run.sh start`` named beside it (the log in the terminal).
``./test.sh`` is what CI itself runs.

They run in this checkout, whose ``.venv`` ``./test.sh`` has already set up, on a database of their own.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.cli.test_readme_commands import _serve
from tests.conftest import REPO

RUN = REPO / "run.sh"


def _env(tmp_path: Path) -> dict[str, str]:
    return {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "NO_COLOR": "1", "COLUMNS": "100",
            "BACKSTRIDE_DATABASE_URL": f"sqlite:///{tmp_path / 'log.db'}"}


@pytest.fixture(autouse=True)
def _set_up() -> None:
    if not (REPO / ".venv" / "bin" / "backstride").exists():
        pytest.skip("./run.sh sets up .venv on its first run; this checkout has none yet (./test.sh makes it)")


def test_run_sh_starts_the_web_app_with_the_demo_athlete_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    code, text = _serve(str(RUN), tmp_path, {**_env(tmp_path), "BACKSTRIDE_PORT": "8765"})
    assert code == 0, text
    assert "backstride is at http://127.0.0.1:8765" in text
    assert "A demo athlete is ready" in text and "/signin/link?token=" in text
    assert "Traceback" not in text
    assert (tmp_path / "log.db").stat().st_mode & 0o077 == 0  # health data: readable by its owner only


def test_run_sh_start_opens_the_log_in_the_terminal(tmp_path: Path) -> None:
    p = subprocess.run([str(RUN), "start"], cwd=tmp_path, env=_env(tmp_path), capture_output=True, text=True,
                       timeout=300, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, p.stderr
    assert "Traceback" not in p.stdout + p.stderr
    assert f"Your log is in {tmp_path / 'log.db'}" in " ".join(p.stdout.split())
