"""The shoe and record services the command line and the web app share: the runner's units in, km kept."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from backstride.contract import parse_state
from backstride.services.records import athletes, export_to
from backstride.services.shoes import add_shoes, retire_shoes, shoes_of
from backstride.storage import AthleteNotFound, Database, ShoeNotFound, create_athlete

DAY = dt.date(2026, 11, 30)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.open(f"sqlite:///{tmp_path / 'log.db'}")
    yield database
    database.dispose()


def _athlete(db: Database, units: str) -> int:
    return create_athlete(db, parse_state({"schema": "backstride.state/1", "today": DAY.isoformat(), "athlete": {
        "units": units, "baseline": {"sessions": [{"day": "sun", "kind": "long", "distance_km": 10}]}}}), name=units)


def test_shoes_take_their_distance_in_the_runners_units_and_keep_km(db: Database) -> None:
    mi, km = _athlete(db, "mi"), _athlete(db, "km")
    add_shoes(db, mi, "Racers", 100, DAY)
    add_shoes(db, km, "Racers", 100, DAY)
    add_shoes(db, mi, "Old", 400, DAY, units="km")  # given in km whatever the runner's units
    [(racers, advice), (old, _)] = shoes_of(db, mi).shoes
    assert racers.km == pytest.approx(160.934) and advice == "fine" and shoes_of(db, mi).units == "mi"
    assert old.km == 400
    assert shoes_of(db, km).shoes[0][0].km == 100


def test_the_shoe_verdict_is_e_shoes_and_retired_pairs_say_so(db: Database) -> None:
    a = _athlete(db, "km")
    listed = shoes_of(db, a)
    worn = add_shoes(db, a, "Worn", listed.replace_km, DAY)
    tired = add_shoes(db, a, "Tired", listed.warn_km, DAY)
    gone = add_shoes(db, a, "Gone", 10, DAY)
    retire_shoes(db, a, gone)
    advice = {s.id: verdict for s, verdict in shoes_of(db, a).shoes}
    assert advice == {worn: "replace them", tired: "check them for wear", gone: "retired"}
    with pytest.raises(ShoeNotFound):
        retire_shoes(db, _athlete(db, "km"), worn)


def test_bad_shoes_are_refused_naming_the_problem(db: Database) -> None:
    a = _athlete(db, "mi")
    with pytest.raises(ValueError, match="0 or more"):
        add_shoes(db, a, "Racers", -1, DAY)
    with pytest.raises(ValueError, match="name"):
        add_shoes(db, a, "  ", 1, DAY)
    with pytest.raises(AthleteNotFound):
        add_shoes(db, 999, "Racers", 1, DAY)
    assert shoes_of(db, a).shoes == ()


def test_the_export_writes_json_or_a_zip_of_csv_files(db: Database, tmp_path: Path) -> None:
    a = _athlete(db, "mi")
    assert [x.id for x in athletes(db)] == [a]
    export_to(db, a, tmp_path / "a.json", "json")
    assert json.loads((tmp_path / "a.json").read_text())["athlete"]["id"] == a
    assert (tmp_path / "a.json").stat().st_mode & 0o777 == 0o600
    export_to(db, a, tmp_path / "a.zip", "csv")
    assert zipfile.is_zipfile(tmp_path / "a.zip")
    with pytest.raises(ValueError, match="json or csv"):
        export_to(db, a, tmp_path / "a.xml", "xml")
    assert not (tmp_path / "a.xml").exists()
