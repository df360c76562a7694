"""decode_all: order, equality with the single-process path, crash and hang isolation."""

from __future__ import annotations

import os
import signal
import time

import pytest

from backstride.importers import DecodeResult, Source, decode, decode_all, iter_sources
from backstride.importers import formats as formats_mod
from backstride.importers import parallel as parallel_mod

from .conftest import DATA, need_data
from .test_xml import gpx


def _sources(n: int = 6) -> list[Source]:
    return [Source(f"{i}.gpx", gpx(5 + i).encode()) for i in range(n)]


def _summary(results: list[DecodeResult]) -> list[tuple[object, ...]]:
    return [
        (tuple(a.source_name for a in r.activities), tuple(a.distance_m for a in r.activities),
         tuple(f.reason for f in r.failures), tuple(r.skipped))
        for r in results
    ]  # fmt: skip


def test_parallel_equals_single_process_on_real_files() -> None:
    need_data()
    sources = list(iter_sources([DATA / "gpx", DATA / "tcx", DATA / "fit"]))
    one = list(decode_all(sources, workers=1))
    two = list(decode_all(sources, workers=2))
    assert len(one) == len(sources) and _summary(one) == _summary(two)


def _crashing_decode(name: str, data: bytes, **kw: object) -> DecodeResult:
    if name == "crash.gpx":
        os._exit(3)  # a worker dying hard (segfault/OOM-kill stand-in)
    if name == "spin.gpx":
        while True:  # pure Python loop: interrupted by the SIGALRM budget
            pass
    if name == "hang.gpx":
        signal.signal(signal.SIGALRM, signal.SIG_IGN)  # a hang no signal reaches (stuck in C)
        time.sleep(60)
    return decode(name, data, **kw)  # type: ignore[arg-type]


@pytest.fixture
def faulty(monkeypatch: pytest.MonkeyPatch) -> None:
    # fork-started workers inherit these patches
    monkeypatch.setattr(parallel_mod, "decode", _crashing_decode)
    monkeypatch.setattr(parallel_mod, "time_budget_s", lambda size: 0.5)
    monkeypatch.setattr(parallel_mod, "_PARENT_SLACK_S", 1.0)


@pytest.mark.usefixtures("faulty")
def test_crash_and_hangs_cost_only_their_file() -> None:
    srcs = _sources(3)
    bad = [Source("crash.gpx", b"x"), Source("spin.gpx", b"x"), Source("hang.gpx", b"x")]
    sources = [srcs[0], bad[0], srcs[1], bad[1], bad[2], srcs[2]]
    t = time.perf_counter()
    results = list(decode_all(sources, workers=2))
    assert time.perf_counter() - t < 20
    assert [r.activities[0].source_name if r.activities else r.failures[0].reason for r in results] == [
        "0.gpx",
        "the decoder process crashed on this file",
        "1.gpx",
        "decoding took longer than its 0.5 s budget: stopped",
        "decoding hung and was stopped",
        "2.gpx",
    ]


@pytest.mark.usefixtures("faulty")
def test_single_process_budget() -> None:
    res = list(decode_all([Source("spin.gpx", b"x"), *_sources(1)], workers=1))
    assert "budget" in res[0].failures[0].reason and res[1].activities


def test_sources_with_problems_and_skips_pass_through() -> None:
    res = list(decode_all([Source("a", problem="nope"), Source("b", skip_reason="meh")], workers=2))
    assert res[0].failures[0].reason == "nope" and res[1].skipped == ["b: meh"]


class Panic(BaseException):
    """Stands in for pyo3's PanicException, which is not an Exception."""


@pytest.mark.parametrize("exc", [RuntimeError("boom"), AssertionError(), Panic("rust"), RecursionError()])
def test_decoder_exceptions_become_failures(monkeypatch: pytest.MonkeyPatch, exc: BaseException) -> None:
    def boom(*a: object) -> DecodeResult:
        raise exc

    monkeypatch.setattr(formats_mod, "decode_gpx", boom)  # the GPX entry of the registry
    res = decode("x.gpx", gpx(5).encode())
    assert not res.activities and res.failures[0].source_name == "x.gpx"


@pytest.mark.parametrize("exc", [KeyboardInterrupt, SystemExit])
def test_interrupts_propagate(monkeypatch: pytest.MonkeyPatch, exc: type[BaseException]) -> None:
    def boom(*a: object) -> DecodeResult:
        raise exc

    monkeypatch.setattr(formats_mod, "decode_gpx", boom)  # the GPX entry of the registry
    with pytest.raises(exc):
        decode("x.gpx", gpx(5).encode())


def test_callers_alarm_is_given_back() -> None:
    fired: list[int] = []
    old = signal.signal(signal.SIGALRM, lambda *a: fired.append(1))
    try:
        signal.setitimer(signal.ITIMER_REAL, 5.0)
        list(decode_all(_sources(2), workers=1))
        remaining = signal.getitimer(signal.ITIMER_REAL)[0]
        assert 3.0 < remaining <= 5.0 and not fired
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def test_every_format_is_one_entry_of_the_registry() -> None:
    from backstride.importers.archive import _ACTIVITY_EXT

    names = [f.name for f in formats_mod.FORMATS]
    assert names == ["FIT", "CSV", "GPX", "TCX"]
    assert set(_ACTIVITY_EXT) == {".fit", ".gpx", ".tcx", ".fit.gz", ".gpx.gz", ".tcx.gz", ".zip"}
    assert decode("x.bin", b"hello").failures[0].reason == "not a FIT, GPX or TCX file"
    assert decode("x.fit", b"hello").failures[0].reason == "not a FIT file: no valid FIT header"
    assert "neither GPX nor TCX (root element <foo>)" in decode("x.xml", b"<foo/>").failures[0].reason
