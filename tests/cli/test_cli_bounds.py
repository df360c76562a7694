"""Dates and ids out of range at the command line: a message naming the option, exit 2, nothing written."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.cli.test_log_cli import STATE, create, run

HUGE = str(10**30)


@pytest.fixture
def stored(tmp_path: Path) -> tuple[str, Path, int]:
    path = tmp_path / "log.db"
    url = f"sqlite:///{path}"
    return url, path, create(url)


def _rows(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("athletes", "checkins", "planned_days", "shoes")}


@pytest.mark.parametrize(("args", "option"), [
    (["checkin", "-a", "{a}", "--date", "9999-12-31", "--pain-rest", "2"], "--date"),
    (["checkin", "-a", "{a}", "--date", "0001-01-01", "--pain-rest", "2"], "--date"),
    (["checkin", "-a", "{a}", "--date", "1979-12-31", "--pain-rest", "2"], "--date"),
    (["plan", "--athlete", "{a}", "--today", "9999-12-31"], "--today"),
    (["plan", "--athlete", "{a}", "--today", "0001-01-01"], "--today"),
    (["decide", "--athlete", "{a}", "--today", "9999-12-31"], "--today"),
    (["state", "-a", "{a}", "--today", "2101-01-01"], "--today"),
    (["decide", "--athlete", HUGE], "--athlete"),
    (["plan", "--athlete", HUGE], "--athlete"),
    (["checkin", "-a", HUGE, "--pain-rest", "2"], "--athlete"),
    (["erase", "--yes", "-a", HUGE], "--athlete"),
    (["export", "-a", HUGE, "{out}"], "--athlete"),
    (["shoes", "retire", "-a", "{a}", HUGE], "shoe"),
    (["shoes", "retire", "-a", "{a}", "0"], "shoe"),
    (["decide", "--athlete", "-1"], "--athlete"),
])
def test_out_of_range_dates_and_ids_are_refused_before_anything_is_written(
        stored: tuple[str, Path, int], tmp_path: Path, args: list[str], option: str) -> None:
    url, path, athlete = stored
    before = _rows(path)
    out = tmp_path / "export.json"
    p = run(*[a.format(a=athlete, out=out) for a in args], "--db", url)
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert option in p.stderr and "Traceback" not in p.stderr + p.stdout
    assert _rows(path) == before
    assert not out.exists()


@pytest.mark.parametrize("today", ["9999-12-31", "0001-01-01", "1979-12-31", "2101-01-01"])
def test_a_state_whose_today_is_out_of_range_is_refused_with_its_location(today: str) -> None:
    p = run("decide", "--input", "-", stdin=json.dumps({**STATE, "today": today}))
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert p.stderr.startswith("today: must be a date between 1980-01-01 and 2100-12-31")


def test_a_checkin_dated_out_of_range_in_a_state_names_it() -> None:
    state = {**STATE, "checkins": [{"date": "9999-12-31", "pain_rest": 1}]}
    p = run("plan", "--input", "-", stdin=json.dumps(state))
    assert p.returncode == 2
    assert p.stderr.startswith("checkins[0].date: must be a date between")


def test_a_five_million_digit_integer_in_a_state_is_a_message(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    text = json.dumps(STATE)
    big.write_text(text.replace('"cadence_spm": 164', '"cadence_spm": ' + "1" * 5_000_000, 1))
    p = run("plan", "--input", str(big))
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert p.stderr.strip().startswith("(input): is not valid JSON (number out of range")


def test_the_edges_of_the_range_are_accepted(stored: tuple[str, Path, int]) -> None:
    url, _, athlete = stored
    for date in ("1980-01-01",):  # a check-in in the future is refused as such (test_companion_cli)
        p = run("checkin", "-a", str(athlete), "--date", date, "--pain-rest", "1", "--db", url)
        assert p.returncode == 0, p.stderr
    p = run("decide", "--athlete", str(athlete), "--today", "2100-12-31", "--db", url, "--json")
    assert p.returncode == 0, p.stderr
