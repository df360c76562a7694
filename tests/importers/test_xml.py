"""GPX/TCX: XML attacks (reliability.md T4) and tolerance (T5), on files made at run time."""

from __future__ import annotations

import gzip
import socket
import threading
import time

import pytest

from backstride.importers import decode

from .conftest import real

DOCTYPE_REASON = "XML with a DOCTYPE/entity declaration is not accepted"


def gpx(points: int = 5, *, header: str = "", ext: bool = True, type_: str | None = "running") -> str:
    pts = []
    for i in range(points):
        hr = (
            f"<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>{140 + i}</gpxtpx:hr>"
            f"<gpxtpx:cad>{85 + i % 3}</gpxtpx:cad></gpxtpx:TrackPointExtension></extensions>"
            if ext
            else ""
        )
        pts.append(
            f'<trkpt lat="{47.0 + i * 0.0003:.6f}" lon="8.0"><ele>{400 + i}</ele>'
            f"<time>2024-05-01T06:{i * 10 // 60:02d}:{i * 10 % 60:02d}Z</time>{hr}</trkpt>"
        )
    type_el = f"<type>{type_}</type>" if type_ else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{header}'
        '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
        f"<trk>{type_el}<trkseg>{''.join(pts)}</trkseg></trk></gpx>"
    )


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + ']><gpx version="1.1"><trk><name>&lol9;</name></trk></gpx>'
)
QUADRATIC = (
    '<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "' + "x" * 100_000 + '">]>'
    '<gpx version="1.1"><trk><name>' + "&a;" * 2000 + "</name></trk></gpx>"
)
XXE_FILE = (
    '<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    '<gpx version="1.1"><trk><name>&xxe;</name></trk></gpx>'
)
TCX_LAUGHS = BILLION_LAUGHS.replace("gpx", "TrainingCenterDatabase")


@pytest.mark.parametrize(
    "doc", [BILLION_LAUGHS, QUADRATIC, XXE_FILE, TCX_LAUGHS], ids=["laughs", "quadratic", "xxe-file", "tcx"]
)
def test_entity_attacks_are_refused_fast(doc: str) -> None:
    t = time.perf_counter()
    res = decode("evil.gpx", doc.encode())
    assert time.perf_counter() - t < 0.1
    assert not res.activities and res.failures[0].reason == DOCTYPE_REASON


class _Listener:
    """A loopback TCP listener that counts connection attempts."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.stop = True
        self.thread.join()
        self.sock.close()


@pytest.mark.parametrize("root", ["gpx", "TrainingCenterDatabase"])
def test_external_entities_never_fetch(root: str) -> None:
    lis = _Listener()
    try:
        url = f"http://127.0.0.1:{lis.port}/x"
        docs = [
            f'<?xml version="1.0"?><!DOCTYPE {root} [<!ENTITY e SYSTEM "{url}">]><{root}>&e;</{root}>',
            f'<?xml version="1.0"?><!DOCTYPE {root} SYSTEM "{url}.dtd"><{root}/>',
            f'<?xml version="1.0"?><!DOCTYPE {root} [<!ENTITY % p SYSTEM "{url}.ent"> %p;]><{root}/>',
        ]
        for doc in docs:
            res = decode(f"x.{root[:3]}", doc.encode())
            assert res.failures and res.failures[0].reason == DOCTYPE_REASON
        time.sleep(0.3)
        assert lis.connections == 0
    finally:
        lis.close()


def test_plain_gpx_decodes_with_hr_and_cadence() -> None:
    a = decode("ok.gpx", gpx(20).encode()).activities[0]
    assert a.kind == "run" and a.elapsed_s == 190
    assert a.avg_hr is not None and 140 <= a.avg_hr <= 160
    assert a.avg_cadence_spm is not None and 170 <= a.avg_cadence_spm <= 176  # per leg ~86 doubled
    assert a.distance_m is not None and 600 < a.distance_m < 650  # 19 x 33.4 m


@pytest.mark.parametrize(
    "transform",
    [
        lambda s: ("\n   \t" + s).encode(),
        lambda s: b"\xef\xbb\xbf" + ("  \n" + s).encode(),
        lambda s: s.replace("UTF-8", "UTF-16").encode("utf-16"),  # BOM + little endian
        lambda s: b"\xfe\xff" + s.replace("UTF-8", "UTF-16").encode("utf-16-be"),
    ],
    ids=["leading-blanks", "bom-and-blanks", "utf16le", "utf16be"],
)
def test_xml_tolerance(transform: object) -> None:
    assert callable(transform)
    res = decode("t.gpx", transform(gpx(10)))
    assert len(res.activities) == 1, res.failures
    assert res.activities[0].elapsed_s == 90


def test_doctype_without_entities_is_still_refused() -> None:
    doc = gpx(5).replace("?>", '?><!DOCTYPE gpx PUBLIC "-//x//EN" "gpx.dtd">', 1)
    assert decode("d.gpx", doc.encode()).failures[0].reason == DOCTYPE_REASON


def test_points_without_time_and_unknown_sport() -> None:
    doc = gpx(10, type_="jkljkl").replace("<time>2024-05-01T06:00:30Z</time>", "")
    a = decode("t.gpx", doc.encode()).activities[0]
    assert a.kind == "run" and "jkljkl" in a.notes and "have no time" in a.notes


def test_strava_numeric_type_for_ride() -> None:
    a = decode("r.gpx", gpx(5, type_="1").encode()).activities[0]
    assert a.kind == "cross_training" and a.sport == "cycling" and a.avg_cadence_spm is None


def test_malformed_and_foreign_xml() -> None:
    assert "malformed XML" in decode("m.gpx", gpx(5)[:-30].encode()).failures[0].reason
    assert "neither GPX nor TCX" in decode("k.kml", b"<?xml version='1.0'?><kml/>").failures[0].reason


def test_out_of_range_coordinates_are_dropped() -> None:
    doc = gpx(6).replace('lat="47.000300"', 'lat="180"')
    a = decode("c.gpx", doc.encode()).activities[0]
    assert "out-of-range" in a.notes


def test_gzipped_real_gpx_matches_plain() -> None:
    raw = real("gpx/sportslib__1681613317.gpx")
    plain = decode("a.gpx", raw).activities[0]
    zipped = decode("a.gpx.gz", gzip.compress(raw)).activities[0]
    assert zipped.content_sha256 == plain.content_sha256
    assert zipped.distance_m == plain.distance_m and zipped.source_name == "a.gpx.gz"


def tcx(sport: str = "Running", *, positions: bool = True, cad_tag: str = "ns3:RunCadence") -> str:
    tps = []
    for i in range(30):
        pos = (
            f"<Position><LatitudeDegrees>{47 + i * 0.0001}</LatitudeDegrees>"
            "<LongitudeDegrees>8</LongitudeDegrees></Position>"
            if positions
            else ""
        )
        tps.append(
            f"<Trackpoint><Time>2024-05-01T06:00:{i * 2:02d}Z</Time>{pos}"
            f"<DistanceMeters>{i * 5}</DistanceMeters><HeartRateBpm><Value>150</Value></HeartRateBpm>"
            f"<Extensions><ns3:TPX><{cad_tag}>88</{cad_tag}></ns3:TPX></Extensions></Trackpoint>"
        )
    return (
        '<?xml version="1.0"?><TrainingCenterDatabase '
        'xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2" '
        'xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2">'
        f'<Activities><Activity Sport="{sport}"><Id>2024-05-01T06:00:00Z</Id>'
        '<Lap StartTime="2024-05-01T06:00:00Z"><TotalTimeSeconds>58</TotalTimeSeconds>'
        f"<DistanceMeters>145</DistanceMeters><Track>{''.join(tps)}</Track></Lap></Activity></Activities>"
        "</TrainingCenterDatabase>"
    )


def test_tcx_treadmill_without_positions() -> None:
    a = decode("t.tcx", tcx(positions=False).encode()).activities[0]
    assert a.kind == "run" and a.distance_m == 145 and a.moving_s == 58 and a.elapsed_s == 58
    assert a.avg_cadence_spm == 176 and a.avg_hr == 150


def test_tcx_biking_and_course() -> None:
    a = decode("b.tcx", tcx("Biking").encode()).activities[0]
    assert a.kind == "cross_training" and a.sport == "cycling" and a.avg_cadence_spm is None
    course = (
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        "<Courses><Course><Name>x</Name></Course></Courses></TrainingCenterDatabase>"
    )
    assert "course" in decode("c.tcx", course.encode()).failures[0].reason


def test_no_global_namespace_registry_growth() -> None:
    """T5: parsing 1,000 files with odd prefixes must not grow ElementTree's global prefix map."""
    import xml.etree.ElementTree as ET

    before = dict(ET._namespace_map)  # type: ignore[attr-defined]
    for i in range(1000):
        doc = tcx().replace("ns3", f"ns{i + 10}")
        assert decode(f"{i}.tcx", doc.encode()).activities
    assert dict(ET._namespace_map) == before  # type: ignore[attr-defined]
