"""FIT: synthetic files that exercise the scanner, hostile headers, and the mutation corpus (T1)."""

from __future__ import annotations

import os
import random
import struct
import time
import warnings

import pytest

from backstride.importers import decode
from backstride.importers.fit_scan import scan_fit

from .conftest import real

UINT32, UINT8, ENUM = 0x86, 0x02, 0x00
T0 = 1_000_000_000  # FIT seconds: 2021-09-09


def header(data_size: int) -> bytes:
    return bytes([14, 0x20]) + struct.pack("<HI", 2132, data_size) + b".FIT" + b"\0\0"


def definition(
    local: int,
    mesg: int,
    fields: list[tuple[int, int, int]],
    *,
    big: bool = False,
    dev: list[int] = (),  # type: ignore[assignment]
) -> bytes:
    h = 0x40 | local | (0x20 if dev else 0)
    out = bytes([h, 0, 1 if big else 0]) + struct.pack(">H" if big else "<H", mesg) + bytes([len(fields)])
    out += b"".join(bytes(f) for f in fields)
    if dev:
        out += bytes([len(dev)]) + b"".join(bytes([i, size, 0]) for i, size in enumerate(dev))
    return out


SESSION_FIELDS = [
    (253, 4, UINT32), (2, 4, UINT32), (5, 1, ENUM), (6, 1, ENUM), (7, 4, UINT32), (8, 4, UINT32),
    (9, 4, UINT32), (16, 1, UINT8), (18, 1, UINT8), (92, 1, UINT8),
]  # fmt: skip


def session(local: int, start: int, sport: int = 1, *, big: bool = False, dev: bytes = b"") -> bytes:
    fmt = (">" if big else "<") + "IIBBIIIBBB"
    values = (start + 3600, start, sport, 0, 3_600_000, 3_500_000, 1_000_000, 150, 85, 64)
    return bytes([local]) + struct.pack(fmt, *values) + dev


def record(local: int, payload: bytes, *, compressed_offset: int | None = None) -> bytes:
    if compressed_offset is not None:
        return bytes([0x80 | (local << 5) | compressed_offset]) + payload
    return bytes([local]) + payload


def fit(body: bytes, *, size: int | None = None) -> bytes:
    return header(len(body) if size is None else size) + body + b"\0\0"


def run_file(*, big: bool = False) -> bytes:
    body = definition(0, 0, [(0, 1, ENUM), (1, 2, 0x84), (2, 2, 0x84)], big=big)
    body += bytes([0, 4]) + struct.pack(">HH" if big else "<HH", 1, 1932)
    # records with compressed timestamps and a developer field, interleaved before the session
    body += definition(1, 20, [(253, 4, UINT32), (5, 4, UINT32)], big=big, dev=(2,))
    fmt = ">II" if big else "<II"
    body += record(1, struct.pack(fmt, T0, 0) + b"\x01\x02")
    body += definition(2, 20, [(5, 4, UINT32)], big=big)
    for i in range(1, 40):
        body += record(2, struct.pack(">I" if big else "<I", i * 2500), compressed_offset=(T0 + i) & 0x1F)
    body += definition(3, 18, SESSION_FIELDS, big=big, dev=(3,))
    body += session(3, T0, big=big, dev=b"abc")
    return fit(body)


@pytest.mark.parametrize("big", [False, True], ids=["little-endian", "big-endian"])
def test_synthetic_run(big: bool) -> None:
    res = decode("s.fit", run_file(big=big))
    assert len(res.activities) == 1, res.failures
    a = res.activities[0]
    assert (a.kind, a.distance_m, a.elapsed_s, a.moving_s, a.avg_hr) == ("run", 10_000, 3600, 3500, 150)
    assert a.avg_cadence_spm == 171.0  # (85 + 64/128) strides/min x 2
    assert a.start.year == 2021 and a.device == "garmin product 1932" and not a.partial


def test_compressed_timestamps_are_tracked() -> None:
    scan = scan_fit(run_file(), frozenset({20}), track_time=True)
    times = [m.fields[253] for m in scan.messages]
    assert times == list(range(T0, T0 + 40))


def test_chained_segments_give_one_activity_each() -> None:
    one = run_file()
    second = fit(definition(0, 18, SESSION_FIELDS) + session(0, T0 + 7200, sport=2))
    acts = decode("c.fit", one + second).activities
    assert [a.kind for a in acts] == ["run", "cross_training"] and acts[1].sport == "cycling"


def test_header_that_lies_about_its_size() -> None:
    body = run_file()[14:-2]
    res = decode("big.fit", fit(body, size=10_000_000))  # promises far more than there is
    assert res.activities and res.activities[0].partial
    assert f"truncated FIT file: data ends at byte {14 + len(body) + 2} of 10000016" in res.activities[0].notes
    small = decode("small.fit", fit(body, size=20))  # ends inside the first definition
    assert not small.activities or small.activities[0].partial
    assert small.failures or small.activities


def test_truncated_real_file_keeps_laps() -> None:
    data = real("fit/fitparse__activity-small-fenix2-run.fit")
    res = decode("cut.fit", data[: len(data) * 2 // 3])
    assert len(res.activities) == 1
    a = res.activities[0]
    assert a.partial and "truncated" in a.notes and "records" in a.notes and a.distance_m
    assert 0 < a.distance_m < 9008  # laps and sport sit at the end of this file: lost with it
    # the sport is lost, but the records' pace shows running: a run, and the notes say why
    assert a.kind == "run" and a.sport == "running" and "running pace" in a.sport_reason


def test_undefined_local_message() -> None:
    res = decode("u.fit", fit(bytes([5]) + b"\0" * 20))
    assert res.failures and "local message 5 not defined" in res.failures[0].reason


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file (0 bytes)"),
        (b"\x93" + random.Random(7).randbytes(1999), "not a FIT, GPX or TCX file"),  # fixed: never "<"-led
        (b"\x0e\x10\x00\x00\x00\x00\x00\x00.FIT\x00\x00", "no activity in this file"),
    ],
    ids=["empty", "random", "header-only"],
)
def test_junk(data: bytes, reason: str) -> None:
    res = decode("junk.bin", data)
    assert not res.activities and reason in res.failures[0].reason


def test_random_bytes_named_fit() -> None:
    rng = random.Random(7)
    data = bytes(rng.randrange(256) for _ in range(5000))
    assert decode("r.fit", data).failures[0].reason == "not a FIT file: no valid FIT header"


def test_settings_file_is_skipped() -> None:
    body = definition(0, 0, [(0, 1, ENUM)]) + bytes([0, 2])  # file type 2 = settings
    res = decode("settings.fit", fit(body))
    assert res.skipped == ["settings.fit: FIT settings file, not an activity"]


SEEDS = [
    "fit/fitparse__activity-small-fenix2-run.fit",  # Garmin
    "fit/fitparse__elemnt-bolt-no-application-id-inside-developer-data-id.fit",  # Wahoo
    "fit/sportslib__6916663933.fit",  # Coros
    "fit/fitparse__developer-types-sample.fit",  # developer fields (Stryd)
    "fit/fitparse__sample_mulitple_header.fit",  # multisport, chained
    "fit/goldencheetah__IpBike-HRV-Data.fit",  # HRV
]


def _mutate(rng: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    op = rng.randrange(4)
    if op == 0:  # byte flips
        for _ in range(rng.randint(1, 20)):
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
    elif op == 1:  # truncation
        b = b[: rng.randrange(len(b))]
    elif op == 2:  # header corruption
        for _ in range(rng.randint(1, 4)):
            b[rng.randrange(14)] = rng.randrange(256)
    else:  # chunk duplication
        p = rng.randrange(len(b))
        q = min(len(b), p + rng.randint(1, 2000))
        b = b[:q] + b[p:q] + b[q:]
    return bytes(b)


def test_mutation_corpus_never_escapes() -> None:
    """T1 (bounded): 300 mutations of 6 real seeds; no exception escapes, each < 2 s."""
    _mutation_run(300)


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("BACKSTRIDE_SLOW"), reason="set BACKSTRIDE_SLOW=1 for the 2,000-input T1 run")
def test_mutation_corpus_full() -> None:
    """T1 at full size: 2,000 mutations (about 30 s)."""
    _mutation_run(2000)


def _mutation_run(count: int) -> None:
    seeds = [real(s) for s in SEEDS]
    rng = random.Random(20261124)
    worst = 0.0
    outcomes = {"activity": 0, "failure": 0, "skipped": 0}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a leaked warning is a bug too
        for i in range(count):
            data = _mutate(rng, seeds[i % len(seeds)])
            t = time.perf_counter()
            res = decode(f"m{i}.fit", data)
            worst = max(worst, time.perf_counter() - t)
            key = "activity" if res.activities else "failure" if res.failures else "skipped"
            outcomes[key] += 1
            assert res.activities or res.failures or res.skipped
            for f in res.failures:
                assert f.reason and "\n" not in f.reason
    assert worst < 2.0, worst
    assert outcomes["activity"] > count // 3, outcomes  # damage usually still leaves something to save
