"""A runner in miles, from `athlete create` on, reads miles everywhere; the JSON they can ask for stays in km.

The walk-through is the one a new runner does in their first weeks: set up with options (no JSON),
check-ins (two on some days: the morning, then the run's answers), runs and a strength session typed
in by hand, a watch export imported, shoes added; then every page they read: `plan`, `decide`,
`weeks`, `runs`, `shoes list`, `causes` and the calendar file. No kilometre may show in any of them
(reasons and sources included), and the distances they typed read back as they typed them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.cli.test_log_cli import ACTIVITIES, run

# "km" as a unit or in a pace (5 km, 5km, min/km, km/h), or the word itself.
KM = re.compile(r"(?<![A-Za-z])km(?![A-Za-z])|kilomet", re.IGNORECASE)
MI = re.compile(r"\d(?:\.\d)? mi\b")


@dataclass
class Walk:
    db: str
    athlete: int
    today: dt.date
    tmp: Path
    pages: dict[str, str] = field(default_factory=dict)

    def cli(self, *args: str) -> str:
        p = run(*args, "--db", self.db)
        assert p.returncode == 0, (args, p.stdout, p.stderr)
        assert "Traceback" not in p.stderr
        return p.stdout

    def on(self, days_ago: int) -> str:
        return (self.today - dt.timedelta(days=days_ago)).isoformat()


def _km_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if KM.search(line)]


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory) -> Walk:
    tmp = tmp_path_factory.mktemp("miles")
    db = f"sqlite:///{tmp / 'log.db'}"
    created = run("athlete", "create", "--name", "Jo", "--units", "mi", "--week",
                  "tue easy 5, thu easy 5, sat strength 30 min, sun long 8", "--available",
                  "mon,tue,wed,thu,fri,sat,sun", "--long-run-day", "sun", "--cross-training", "bike,swim",
                  "--cadence", "164", "--easy-pace", "9:40", "--db", db)
    assert created.returncode == 0, created.stderr
    athlete = int(re.search(r"athlete (\d+)", created.stdout).group(1))  # type: ignore[union-attr]
    w = Walk(db, athlete, dt.date.today(), tmp, {"athlete create": created.stdout})
    a = str(athlete)
    # Three weeks of running in miles: two easy weeks, then a jump, and the back begins to hurt.
    runs = {20: 3.0, 18: 3.0, 13: 3.0, 11: 3.0, 6: 5.0, 4: 6.0, 2: 7.5}
    for ago, miles in runs.items():
        w.pages[f"log run {ago}"] = w.cli("log", "-a", a, "run", "--distance", f"{miles}", "--minutes",
                                          f"{miles * 9.7:.0f}", "--rpe", "4", "--date", w.on(ago),
                                          *(["--treadmill"] if ago == 4 else []))
    w.pages["log strength"] = w.cli("log", "-a", a, "strength", "--minutes", "25", "--date", w.on(9))
    for ago in range(8, 0, -1):  # a morning check-in every day, the run's answers later on run days
        pain = 0 if ago > 6 else 2 if ago > 2 else 3
        w.pages[f"checkin {ago}"] = w.cli("checkin", "-a", a, "--date", w.on(ago), "--pain-rest", str(pain),
                                          "--sleep", "7")
        if ago in runs:
            w.pages[f"checkin run {ago}"] = w.cli("checkin", "-a", a, "--date", w.on(ago), "--pain-during",
                                                  str(pain + 1), "--pain-after", str(pain + 1))
    w.pages["checkin"] = w.cli("checkin", "-a", a, "--pain-rest", "3")
    if ACTIVITIES.is_dir():
        p = run("import", "-a", a, str(ACTIVITIES), "--db", db)
        assert p.returncode in (0, 1) and "Traceback" not in p.stderr, p.stderr  # a few files are broken on purpose
        w.pages["import"] = p.stdout
    w.pages["shoes add"] = w.cli("shoes", "add", "-a", a, "Daily trainers", "--distance", "250", "--since",
                                 w.on(30))
    for page in ("plan", "decide", "weeks", "runs", "causes"):
        w.pages[page] = w.cli(page, "-a", a)
    w.pages["shoes list"] = w.cli("shoes", "list", "-a", a)
    w.pages["athlete list"] = w.cli("athlete", "list")
    w.cli("calendar", "-a", a, str(tmp / "week.ics"))
    w.pages["calendar"] = _unfolded((tmp / "week.ics").read_text())
    return w


def _unfolded(ics: str) -> str:
    """An iCalendar file's text as a calendar app shows it: folded lines joined, escapes undone."""
    text = ics.replace("\r\n ", "").replace("\n ", "")
    return text.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";")


def test_no_kilometre_on_any_page_the_runner_reads(walk: Walk) -> None:
    leaks = {page: _km_lines(text) for page, text in walk.pages.items() if _km_lines(text)}
    assert not leaks, json.dumps(leaks, indent=1, ensure_ascii=False)


@pytest.mark.parametrize("page", ["plan", "decide", "weeks", "runs", "shoes list", "calendar"])
def test_every_page_with_distances_shows_them_in_miles(walk: Walk, page: str) -> None:
    def in_miles(text: str) -> bool:
        return bool(MI.search(text)) or " mi " in text or "mi\n" in text

    if page == "decide":
        # The walk runs on today's date, which may be a rest or cross-training day with no distance (that
        # no kilometre leaks into it is checked above): one of the week's days has a run, in miles.
        days = [walk.today + dt.timedelta(days=n) for n in range(7)]
        assert any(in_miles(walk.cli("decide", "-a", str(walk.athlete), "--today", d.isoformat())) for d in days)
        return
    assert in_miles(walk.pages[page]), walk.pages[page]


def test_the_distances_typed_read_back_as_typed(walk: Walk) -> None:
    assert "7.5 mi" in walk.pages["log run 2"]
    runs = walk.pages["runs"]
    for miles in ("7.5 mi", "6.0 mi", "5.0 mi"):
        assert miles in runs, runs
    assert "250 mi" in walk.pages["shoes list"], walk.pages["shoes list"]  # the distance given, read back
    assert "7.5" in walk.pages["weeks"]  # the longest run of the last week, in miles


def test_the_import_summary_reads_in_miles(walk: Walk) -> None:
    if "import" not in walk.pages:
        pytest.skip(f"the shared activity files are absent ({ACTIVITIES})")
    page = walk.pages["import"]
    assert "Read in part" in page and " mi)" in page, page  # a damaged file: how far it was read, in miles
    assert "min/mi" in page  # a sport read from the records' pace


def test_reasons_and_sources_read_in_miles(walk: Walk) -> None:
    plan = walk.pages["plan"]
    assert "normal 18.0 mi" in plan or "normal week 18.0 mi" in plan, plan  # 5 + 5 + 8
    assert "[W-" in plan and "source:" in plan


def test_the_machine_output_stays_in_km(walk: Walk) -> None:
    a = str(walk.athlete)
    plan = json.loads(walk.cli("plan", "-a", a, "--json"))
    long_km = max(s.get("distance_km") or 0 for s in plan["sessions"])
    assert long_km > 0
    state = json.loads(walk.cli("state", "-a", a))
    assert state["athlete"]["units"] == "mi"
    assert sum(s["distance_km"] for s in state["athlete"]["baseline"]["sessions"] if "distance_km" in s) \
        == pytest.approx(18 * 1.609344, abs=0.01)
    typed = {a_["date"]: a_["distance_km"] for a_ in state["activities"] if a_.get("distance_km")}
    assert typed[walk.on(2)] == pytest.approx(7.5 * 1.609344, abs=0.01)
    shoes = json.loads(walk.cli("shoes", "list", "-a", a, "--json"))
    assert shoes[0]["start_km"] == pytest.approx(250 * 1.609344, abs=0.01)
    assert shoes[0]["km"] >= shoes[0]["start_km"]
    runs = json.loads(walk.cli("runs", "-a", a, "--json"))
    assert sum(w["done_km"] for w in runs) == pytest.approx((4 * 3 + 5 + 6 + 7.5) * 1.609344, abs=0.2)


def test_the_export_for_people_and_machines(walk: Walk) -> None:
    out = walk.tmp / "export.json"
    walk.cli("export", "-a", str(walk.athlete), str(out))
    data = json.loads(out.read_text())
    assert "km" in json.dumps(data)  # the export is the machine's record: km, as the contract keeps it


def test_shoes_add_says_its_distance_is_in_the_runners_units(walk: Walk) -> None:
    helped = run("shoes", "add", "--help")
    assert "--distance" in helped.stdout and "in your units" in helped.stdout
    bad = run("shoes", "add", "-a", str(walk.athlete), "Racers", "--distance", "-3", "--db", walk.db)
    assert bad.returncode == 2 and "--distance: must be 0 or more" in bad.stderr and "Traceback" not in bad.stderr
