"""Zip/gzip handling: Strava export layout, zip bombs (T7), zip slip (T8), nesting, caps."""

from __future__ import annotations

import gzip
import io
import os
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

import pytest

from backstride.importers import DecodeResult, decode, iter_sources
from backstride.importers import archive as archive_mod
from backstride.importers.parallel import decode_one

from .conftest import REPO, real
from .test_xml import gpx


def _decode_paths(*paths: Path) -> DecodeResult:
    out = DecodeResult()
    for src in iter_sources(paths):
        out.extend(decode_one(src))
    return out


def _zip(path: Path, members: dict[str, bytes], *, symlinks: tuple[str, ...] = ()) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in symlinks:
                info.external_attr = (0o120777 << 16) | 0
            zf.writestr(info, data)
    return path


def _snapshot(*dirs: Path) -> set[str]:
    """Every file under ``dirs``; other test sessions' temporary folders (another pytest running on the
    same machine writes there) are not this decoder's doing."""
    out: set[str] = set()
    for d in dirs:
        for root, subdirs, files in os.walk(d):
            subdirs[:] = [s for s in subdirs if not s.startswith("pytest-of-")]
            out.update(os.path.join(root, f) for f in files)
    return out


STRAVA_HEADER = (
    "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,Distance,"
    "Max Heart Rate,Relative Effort,Commute,Activity Private Note,Activity Gear,Filename,Athlete Weight,"
    "Bike Weight,Elapsed Time,Moving Time,Distance,Max Speed,Average Speed,Elevation Gain,Elevation Loss,"
    "Elevation Low,Elevation High,Max Grade,Average Grade,Average Positive Grade,Average Negative Grade,"
    "Max Cadence,Average Cadence,Max Heart Rate,Average Heart Rate\n"
)


def _row(act_id: str, typ: str, fn: str, km: str, metres: str) -> str:
    return (
        f'{act_id},"Oct 10, 2016, 8:55:48 PM",x,{typ},,1770,{km},,,false,,,{fn},,,1770.0,1765.0,{metres},'
        ",,12.0,11.0,,,,,,,,82.5,,150\n"
    )


def test_strava_export_layout(tmp_path: Path) -> None:
    fit = real("fit/fitparse__activity-small-fenix2-run.fit")
    csv = STRAVA_HEADER + "".join(
        [
            _row("1", "Ride", "activities/1.gpx.gz", "0.63", "630.0"),
            _row("2", "Run", "activities/2.fit.gz", "9.01", "9008.2"),
            _row("3", "Run", "activities/3.gpx", "6.64", "6639.4"),  # file missing from the export
            _row("4", "Sail", "", "15.9", "29610.5"),  # first Distance in nautical miles
        ]
    )
    z = _zip(
        tmp_path / "export_1.zip",
        {
            "activities.csv": csv.encode(),
            "activities/1.gpx.gz": gzip.compress(gpx(40).encode()),
            "activities/2.fit.gz": gzip.compress(fit),
            "profile.json": b"{}",
        },
    )
    res = _decode_paths(z)
    assert not res.failures, res.failures
    by_name = {a.source_name: a for a in res.activities}
    ride = by_name["export_1.zip!activities/1.gpx.gz"]
    assert ride.sport == "cycling" and ride.kind == "cross_training" and "activities.csv" in ride.notes
    run = by_name["export_1.zip!activities/2.fit.gz"]
    assert run.kind == "run" and abs(run.distance_m - 9008.2) < 1  # type: ignore[operator]
    missing = by_name["export_1.zip!activities.csv!3"]
    assert missing.source_format == "strava_csv" and missing.distance_m == 6639.4 and missing.kind == "run"
    assert missing.avg_cadence_spm == 165.0 and missing.start.tzinfo is not None
    sail = by_name["export_1.zip!activities.csv!4"]
    assert sail.distance_m == 29610.5 and sail.kind == "cross_training"
    assert "1.gpx.gz" not in " ".join(a.source_name for a in res.activities if a.source_format == "strava_csv")
    assert res.skipped == ["export_1.zip!profile.json: not an activity file"]


def test_garmin_zip_with_macosx_entries_is_clean() -> None:
    real("exports/goldencheetah__Move_2019_03_17_10_24_32_Running.fit.zip")
    from .conftest import DATA

    res = _decode_paths(DATA / "exports" / "goldencheetah__Move_2019_03_17_10_24_32_Running.fit.zip")
    assert len(res.activities) == 1 and not res.failures and not res.skipped


def test_zip_slip_names_and_symlinks_write_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = gpx(5).encode()
    names = ["../x.gpx", "/etc/x.gpx", "C:\\x.gpx", "..\\x.gpx", "a/../../x.gpx", "link.gpx", "ok.gpx"]
    z = _zip(tmp_path / "slip.zip", dict.fromkeys(names, body), symlinks=("link.gpx",))
    # Temporary files go to a folder of this test's own: the machine's /tmp is shared with other programs.
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    escapes = [Path("/etc/x.gpx"), Path("/tmp/x.gpx"), Path("/x.gpx"), Path.cwd() / "x.gpx",
               Path.cwd().parent / "x.gpx", tmp_path.parent / "x.gpx"]
    already = {p for p in escapes if p.exists()}
    before = _snapshot(tmp_path, REPO / "src")
    cwd_before = set(os.listdir("."))
    res = _decode_paths(z)
    assert _snapshot(tmp_path, REPO / "src") - before == set()
    assert {p for p in escapes if p.exists()} == already
    assert set(os.listdir(".")) == cwd_before
    reasons = {f.source_name.split("!", 1)[1]: f.reason for f in res.failures}
    for n in names[:5]:
        assert reasons[n] == f"zip member path escapes the archive: {n}"
    assert reasons["link.gpx"] == "zip member is a symbolic link: link.gpx"
    assert [a.source_name for a in res.activities] == ["slip.zip!ok.gpx"]


def test_duplicate_member_names_are_each_read_with_their_own_bytes_and_write_nothing(tmp_path: Path) -> None:
    """T8's last case: two members named alike are two files, neither shadowing the other."""
    import warnings

    z = tmp_path / "dup.zip"
    with warnings.catch_warnings(), zipfile.ZipFile(z, "w") as zf:
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns when writing a duplicate name
        zf.writestr("activities/a.gpx", gpx(5).encode())
        zf.writestr("activities/a.gpx", gpx(7).replace("2024-05-01", "2024-05-02").encode())
    before, cwd_before = _snapshot(tmp_path, REPO / "src"), set(os.listdir("."))
    res = _decode_paths(z)
    assert _snapshot(tmp_path, REPO / "src") - before == set() and set(os.listdir(".")) == cwd_before
    assert [(a.source_name, a.elapsed_s, a.start.date().isoformat()) for a in res.activities] == [
        ("dup.zip!activities/a.gpx", 40.0, "2024-05-01"), ("dup.zip!activities/a.gpx", 60.0, "2024-05-02")]
    assert not res.failures


def test_nesting_depth_three_is_refused(tmp_path: Path) -> None:
    inner = io.BytesIO()
    _zip_to(inner, {"a.gpx": gpx(5).encode()})
    middle = io.BytesIO()
    _zip_to(middle, {"z3.zip": inner.getvalue(), "b.gpx": gpx(6).encode()})
    z = _zip(tmp_path / "outer.zip", {"z2.zip": middle.getvalue(), "c.gpx": gpx(7).encode()})
    res = _decode_paths(z)
    assert sorted(a.source_name for a in res.activities) == ["outer.zip!c.gpx", "outer.zip!z2.zip!b.gpx"]
    assert [(f.source_name, f.reason) for f in res.failures] == [
        ("outer.zip!z2.zip!z3.zip", "zip nested more than 2 levels deep: refused")
    ]


def _zip_to(buf: io.BytesIO, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, d in members.items():
            zf.writestr(n, d)


def _patch_central(data: bytes, index: int, *, size: int | None = None, offset: int | None = None) -> bytes:
    """Rewrite the uncompressed size or local-header offset of the index-th central directory entry."""
    buf = bytearray(data)
    pos = -1
    for _ in range(index + 1):
        pos = buf.index(b"PK\x01\x02", pos + 1)
    if size is not None:
        struct.pack_into("<I", buf, pos + 24, size)
    if offset is not None:
        struct.pack_into("<I", buf, pos + 42, offset)
    return bytes(buf)


def test_member_lying_about_its_size(tmp_path: Path) -> None:
    buf = io.BytesIO()
    _zip_to(buf, {"big.gpx": b" " * 5_000_000 + gpx(5).encode()})
    for fake in (100, 200 * 2**20):  # claims too small, and claims too big
        p = tmp_path / f"lie{fake}.zip"
        p.write_bytes(_patch_central(buf.getvalue(), 0, size=fake))
        t = time.perf_counter()
        res = _decode_paths(p)
        assert time.perf_counter() - t < 2
        assert not res.activities and len(res.failures) == 1
        assert res.failures[0].reason.startswith(("unreadable zip member", "zip member is larger than"))


def test_quoted_overlap_zip_is_refused(tmp_path: Path) -> None:
    buf = io.BytesIO()
    _zip_to(buf, {"a.gpx": gpx(5).encode(), "b.gpx": gpx(5).encode()})
    p = tmp_path / "overlap.zip"
    p.write_bytes(_patch_central(buf.getvalue(), 1, offset=0))
    res = _decode_paths(p)
    assert [f.reason for f in res.failures] == ["zip archive has overlapping members (a zip bomb): refused"]
    assert not res.activities


def test_member_count_and_archive_caps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    z = _zip(tmp_path / "many.zip", {f"{i}.gpx": gpx(5).encode() for i in range(12)})
    monkeypatch.setattr(archive_mod, "MAX_MEMBERS", 10)
    res = _decode_paths(z)
    assert res.failures[0].reason == "zip archive has 12 members (limit 10): refused" and not res.activities
    monkeypatch.setattr(archive_mod, "MAX_MEMBERS", 50_000)
    monkeypatch.setattr(archive_mod, "MAX_ARCHIVE_BYTES", int(2.5 * len(gpx(5))))
    res = _decode_paths(z)
    assert len(res.activities) == 2  # the third member crosses the archive budget
    assert "archive expands to more than" in res.failures[0].reason and len(res.failures) == 1


GZ_BOMB_SCRIPT = """
import sys, time, zlib
from backstride.importers import decode
c = zlib.compressobj(1, wbits=31)
chunk = bytes(2**20)
bomb = b"".join(c.compress(chunk) for _ in range(1024)) + c.flush()  # 1 GiB of zeros
t = time.perf_counter()
res = decode("bomb.fit.gz", bomb)
# VmHWM is this process's own peak; ru_maxrss would include the forking parent's size on Linux.
hwm_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(time.perf_counter() - t, hwm_kb // 1024, len(bomb), res.failures[0].reason)
"""


def test_gzip_bomb_stops_at_the_cap_with_bounded_memory() -> None:
    out = subprocess.run(
        [sys.executable, "-c", GZ_BOMB_SCRIPT], capture_output=True, text=True, timeout=120, check=True
    ).stdout.split(maxsplit=3)
    seconds, rss_mb, size = float(out[0]), int(out[1]), int(out[2])
    assert size < 8 * 2**20 and "decompresses to more than 100 MB" in out[3]
    assert seconds < 2.0
    assert rss_mb < 256


def test_zip_member_with_gz_bomb(tmp_path: Path) -> None:
    c = zlib.compressobj(1, wbits=31)
    bomb = b"".join(c.compress(bytes(2**20)) for _ in range(150)) + c.flush()
    z = _zip(tmp_path / "b.zip", {"activities/1.fit.gz": bomb})
    res = _decode_paths(z)
    assert res.failures[0].source_name == "b.zip!activities/1.fit.gz"
    assert "decompresses to more than 100 MB" in res.failures[0].reason


def test_gzip_layers_and_damage() -> None:
    body = gpx(5).encode()
    assert decode("x.gpx.gz", gzip.compress(gzip.compress(body))).activities
    assert (
        "nested more than twice" in decode("x.gz", gzip.compress(gzip.compress(gzip.compress(body)))).failures[0].reason
    )
    assert "damaged gzip" in decode("x.gpx.gz", gzip.compress(body)[:-20]).failures[0].reason


def test_zip_bytes_given_to_decode(tmp_path: Path) -> None:
    buf = io.BytesIO()
    _zip_to(buf, {"a.gpx": gpx(5).encode(), "junk.txt": b"x"})
    res = decode("up.zip", buf.getvalue())
    assert [a.source_name for a in res.activities] == ["up.zip!a.gpx"] and res.skipped


def test_damaged_zip_and_missing_path(tmp_path: Path) -> None:
    p = tmp_path / "bad.zip"
    p.write_bytes(b"PK\x03\x04" + os.urandom(200))
    res = _decode_paths(p, tmp_path / "nope.fit")
    assert [f.reason.split(" (")[0] for f in res.failures] == ["damaged zip archive", "file not found"]


def test_zip_inside_gzip_is_refused() -> None:
    buf = io.BytesIO()
    _zip_to(buf, {"a.gpx": gpx(5).encode()})
    assert decode("a.zip.gz", gzip.compress(buf.getvalue())).failures[0].reason == (
        "zip archive inside a gzip file: refused"
    )


def test_the_caps_are_the_figures_of_the_reliability_plan() -> None:
    """T7: per member 100 MB, archive 4 GB decompressed per import, 50,000 members, zips 2 deep."""
    from backstride.importers import limits

    assert limits.MAX_MEMBER_BYTES == 100 * 2**20 and limits.MAX_FILE_BYTES == limits.MAX_MEMBER_BYTES
    assert limits.MAX_ARCHIVE_BYTES == 4 * 2**30
    assert limits.MAX_MEMBERS == 50_000
    assert limits.MAX_ZIP_DEPTH == 2


def test_a_bomb_in_an_import_writes_nothing_but_the_log(tmp_path: Path) -> None:
    """T7: a 150 MB gzip bomb inside a zip is refused, and the only files the import leaves are the database's."""
    import datetime as dt

    from backstride.contract import parse_state
    from backstride.services.importing import import_paths
    from backstride.storage import Database, create_athlete

    c = zlib.compressobj(1, wbits=31)
    bomb = b"".join(c.compress(bytes(2**20)) for _ in range(150)) + c.flush()
    (tmp_path / "in").mkdir()
    z = _zip(tmp_path / "in" / "b.zip", {"activities/1.fit.gz": bomb})
    store = tmp_path / "store"
    store.mkdir()
    before = _snapshot(tmp_path)
    with Database.open(f"sqlite:///{store / 'log.db'}") as db:
        athlete = create_athlete(db, parse_state({"schema": "backstride.state/1", "today": "2026-12-04",
                                                  "athlete": {"baseline": {"sessions": []}}}))
        summary = import_paths(db, athlete, [z], workers=1, today=dt.date(2026, 12, 4))
    assert summary.imported == 0 and "decompresses to more than 100 MB" in summary.failed[0].reason
    new = {Path(p).name for p in _snapshot(tmp_path) - before}
    assert new <= {"log.db", "log.db-wal", "log.db-shm"}
