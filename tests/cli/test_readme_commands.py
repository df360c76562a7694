"""Every ``backstride`` command line the README shows runs as written, in order, on the demo athlete.

The commands run through bash (so ``~`` and ``*.fit`` expand) in a folder of their own, with a home of
their own holding the files the README names, and a terminal for the commands that ask questions.
"""

from __future__ import annotations

import os
import pty
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO, SHARED

FIT_FILES = ["fit/fitparse__activity-small-fenix2-run.fit", "fit/fitparse__compressed-speed-distance.fit"]

# What a person would type at the prompts of the commands that ask.
ANSWERS = {
    "backstride checkin -a 1": "2\nn\n" + "n\n" * 12,
    "backstride athlete create": "Sam\nmi\ntue easy 5, thu easy 5, sun long 9\n\n\n\n\n",
    "backstride erase -a 1": "y\n",
    "backstride user add --email runner@example.org --role athlete --athlete 1": "a long passphrase\n" * 2,
    "backstride user add --email physio@example.org --role clinician": "another long passphrase\n" * 2,
    "backstride user add --email admin@example.org --role admin": "an admin's long passphrase\n" * 2,
}
# Commands that keep running (a server): started, checked to say where it is, then stopped with Ctrl+C.
SERVERS = ("backstride serve",)


# The section whose commands need PostgreSQL: tests/cli/test_deploy_cli.py runs them there.
CLINIC = "## Running a clinic"


def readme_commands(*, clinic: bool = False) -> list[str]:
    """The README's command lines that start with ``backstride``, as written (comments left out): those of
    "Running a clinic" with ``clinic``, every other one without."""
    lines, in_clinic = [], False
    for line in (REPO / "README.md").read_text().splitlines():
        if line.startswith("## "):
            in_clinic = line.strip() == CLINIC
        m = re.match(r"^    (backstride .*?)(\s+#.*)?$", line)
        if m and in_clinic == clinic:
            lines.append(m.group(1).strip())
    return lines


def _home(tmp: Path) -> Path:
    home = tmp / "home"
    (home / "Downloads").mkdir(parents=True)
    (home / "watch").mkdir()
    sources = [SHARED / "data" / "activities" / f for f in FIT_FILES]
    if not all(p.exists() for p in sources):
        pytest.skip(f"the shared activity files are absent ({SHARED / 'data' / 'activities'})")
    with zipfile.ZipFile(home / "Downloads" / "export_123.zip", "w") as z:
        z.write(sources[0], "activities/run.fit")
    shutil.copy(sources[1], home / "watch" / "morning.fit")
    return home


def _serve(script: str, cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    import signal
    import time

    proc = subprocess.Popen(["bash", "-c", f"exec {script}"], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None and not any("Ctrl+C" in line for line in lines):
        lines.append(proc.stdout.readline())
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    try:
        out, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    text = "".join(lines) + out
    return (0 if "backstride is at http://127.0.0.1" in text and proc.returncode == 0 else 1), text


def _run(command: str, cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    script = command.replace("backstride ", f"{shutil.which('backstride') or sys.executable + ' -m backstride'} ", 1)
    if command.startswith(SERVERS):
        return _serve(script, cwd, env)
    answers = ANSWERS.get(command)
    if answers is None:
        p = subprocess.run(["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
                           stdin=subprocess.DEVNULL)
        return p.returncode, p.stdout + p.stderr
    leader, follower = pty.openpty()
    proc = subprocess.Popen(["bash", "-c", script], cwd=cwd, env=env, stdin=follower, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    os.write(leader, answers.encode())
    out, _ = proc.communicate(timeout=300)
    os.close(leader)
    os.close(follower)
    return proc.returncode, out.decode(errors="replace")


def test_every_readme_command_runs_as_written(tmp_path: Path) -> None:
    commands = readme_commands()
    assert len(commands) > 20
    home = _home(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(REPO / "docs" / "example-state.json", work / "state.json")
    env = {"HOME": str(home), "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "NO_COLOR": "1",
           "COLUMNS": "100", "BACKSTRIDE_DATABASE_URL": f"sqlite:///{tmp_path / 'log.db'}"}
    # Erasing the demo athlete goes last, so every other command has someone to work on.
    ordered = [c for c in commands if not c.startswith("backstride erase")] + \
              [c for c in commands if c.startswith("backstride erase")]
    failures = []
    for command in ordered:
        code, out = _run(command, work, env)
        if code != 0 or "Traceback" in out:
            failures.append(f"{command!r} exited {code}:\n{out[-1500:]}")
    assert failures == []
