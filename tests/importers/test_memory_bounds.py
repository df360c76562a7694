"""T3 and T4 at their figures: big legitimate files within time and memory, XML attacks within memory.

Memory is read in a fresh process from /proc (VmHWM, the peak resident size, reset through clear_refs
before each measured step), so the figure is the decoder's and not the test runner's.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

from .conftest import DATA
from .test_fit import ENUM, SESSION_FIELDS, UINT8, UINT32, definition, fit
from .test_xml import BILLION_LAUGHS, QUADRATIC, TCX_LAUGHS, XXE_FILE

SINT32, UINT16 = 0x85, 0x84
T0 = 1_000_000_000
DAY_S = 24 * 3600
RECORD_FIELDS = [
    (253, 4, UINT32), (0, 4, SINT32), (1, 4, SINT32), (2, 2, UINT16), (3, 1, UINT8), (4, 1, UINT8),
    (5, 4, UINT32), (6, 2, UINT16), (7, 2, UINT16), (73, 4, UINT32), (78, 4, UINT32),
    *((200 + k, 4, UINT32) for k in range(6)),  # fields no profile knows: devices write such things
]  # fmt: skip


def ultra_fit() -> bytes:
    """A 24-hour ultra: one record a second (about 5 MB), 200 km, then its session."""
    body = definition(0, 0, [(0, 1, ENUM), (1, 2, UINT16), (2, 2, UINT16)])
    body += bytes([0, 4]) + struct.pack("<HH", 1, 1932)  # file_id: an activity from a Garmin
    body += definition(1, 20, RECORD_FIELDS)
    row = struct.Struct("<BIiiHBBIHHII6I")
    lat0, lon0 = int(47.0 / 180 * 2**31), int(8.0 / 180 * 2**31)
    parts = [body]
    for i in range(DAY_S):
        parts.append(row.pack(1, T0 + i, lat0 + (i % 3600) * 250, lon0 + i * 10, (400 + 500) * 5, 140 + i % 20,
                              80 + i % 5, i * 231, 2315, 200, 2315, (400 + 500) * 5, *range(6)))
    parts.append(definition(2, 18, SESSION_FIELDS))
    parts.append(bytes([2]) + struct.pack("<IIBBIIIBBB", T0 + DAY_S, T0, 1, 0, DAY_S * 1000, DAY_S * 1000,
                                          20_000_000, 140, 80, 64))
    return fit(b"".join(parts))


MEASURE = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from backstride.importers import decode

def hwm_mb():
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")) / 1024

def rss_mb():
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS:")) / 1024

decode("warm.gpx", open(sys.argv[2], "rb").read())  # the modules and parsers are loaded before measuring
out = []
for path in sys.argv[3:]:
    data = open(path, "rb").read()
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # resets VmHWM to the current resident size
    before = rss_mb()
    t = time.perf_counter()
    res = decode(path.rsplit("/", 1)[-1], data)
    seconds = time.perf_counter() - t
    a = res.activities[0] if res.activities else None
    out.append({"name": path, "mb": len(data) / 2**20, "seconds": seconds, "peak_mb": hwm_mb(),
                "extra_mb": hwm_mb() - before, "activities": len(res.activities),
                "failures": [f.reason for f in res.failures], "elapsed_s": a.elapsed_s if a else None,
                "distance_m": a.distance_m if a else None})
print(json.dumps(out))
"""


def _measure(warm: Path, paths: list[Path]) -> list[dict[str, object]]:
    if not Path("/proc/self/clear_refs").exists():
        pytest.skip("needs Linux's /proc to read peak memory")
    done = subprocess.run([sys.executable, "-c", MEASURE, str(REPO / "src"), str(warm), *map(str, paths)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return list(json.loads(done.stdout))


@pytest.fixture
def warm(tmp_path: Path) -> Path:
    from .test_xml import gpx

    path = tmp_path / "warm.gpx"
    path.write_text(gpx(5))
    return path


@pytest.mark.timeout(120)
def test_a_24_hour_ultra_of_5_mb_and_the_big_real_files_parse_within_5_s_per_mb_and_400_mb(
    tmp_path: Path, warm: Path
) -> None:
    ultra = tmp_path / "ultra.fit"
    ultra.write_bytes(ultra_fit())
    big = [DATA / "fit" / name for name in ("goldencheetah__MultiSport-2019-11-24.fit",
                                            "fitparse__activity-large-fenxi2-multisport.fit",
                                            "fitparse__compressed-speed-distance.fit",
                                            "fitparse__2019-02-17-062644-ELEMNT-297E-195-0.fit")]
    paths = [ultra, *(p for p in big if p.exists())]
    results = _measure(warm, paths)
    first = results[0]
    assert float(str(first["mb"])) > 4.5
    assert first["activities"] == 1 and first["failures"] == []
    assert first["elapsed_s"] == DAY_S and abs(float(str(first["distance_m"])) - 200_000) < 1
    for r in results:
        mb, seconds, peak = (float(str(r[k])) for k in ("mb", "seconds", "peak_mb"))
        assert r["activities"] and r["failures"] == [], r
        assert seconds <= max(2.0, 5 * mb) and seconds < 30, r  # <= 5 s/MB, 30 s hard cap
        assert peak < 400, r  # peak resident size of the whole process, interpreter included


def test_xml_attacks_are_refused_with_less_than_20_mb_of_extra_memory(tmp_path: Path, warm: Path) -> None:
    paths = []
    for name, doc in (("laughs.gpx", BILLION_LAUGHS), ("quadratic.gpx", QUADRATIC), ("xxe.gpx", XXE_FILE),
                      ("laughs.tcx", TCX_LAUGHS)):
        path = tmp_path / name
        path.write_text(doc)
        paths.append(path)
    for r in _measure(warm, paths):
        assert r["activities"] == 0 and r["failures"], r
        assert float(str(r["seconds"])) < 0.1, r
        assert float(str(r["extra_mb"])) < 20, r
