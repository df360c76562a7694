"""GPX 1.0 and 1.1 tracks: one activity per file (all ``<trk>`` elements together).

Totals follow :mod:`geo`'s pinned definitions. ``elapsed_s`` is latest minus earliest
point time (robust to the negative first time step some Runkeeper files have). HR and
cadence are read from any descendant of ``<trkpt>`` named ``hr``/``heartrate`` and
``cad``/``cadence``: that covers GPX 1.1 ``<extensions><gpxtpx:TrackPointExtension>``
and GPX 1.0 files that put the extension elements straight into ``<trkpt>``.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

from .common import cadence_from_samples, finite_float, kind_for, parse_iso_time
from .geo import elevation_gain_loss, haversine_m, moving_seconds
from .model import ImportedActivity
from .result import DecodeResult, fail
from .sports import normalise_sport
from .xmlsafe import local, parse_xml, too_many_points

__all__ = ["decode_gpx"]

_CYCLING_APP = re.compile(r"bik(e|er|ing)\b|cycl|velo", re.I)  # e.g. "Urban Biker"
_HR = frozenset({"hr", "heartrate"})
_CAD = frozenset({"cad", "cadence", "runcadence"})




class _Acc:
    """Running totals over the track points of one file."""

    def __init__(self) -> None:
        self.points = 0
        self.distance = 0.0
        self.steps: list[tuple[float, float | None]] = []
        self.times: list[dt.datetime] = []
        self.alts: list[float] = []
        self.hrs: list[float] = []
        self.cads: list[float] = []
        self.bad_coords = 0

    def segment(self, seg: ET.Element, ns: str) -> None:
        t_pt, t_time, t_ele = ns + "trkpt", ns + "time", ns + "ele"  # qualified: no per-node string work
        prev_pos: tuple[float, float] | None = None
        prev_t: dt.datetime | None = None
        pending = 0.0  # distance since the last timed point (points without <time>)
        for pt in seg.iter(t_pt):
            lat, lon = finite_float(pt.get("lat")), finite_float(pt.get("lon"))
            if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
                self.bad_coords += 1
                continue
            self.points += 1
            t: dt.datetime | None = None
            for child in pt:
                tag = child.tag
                if tag == t_time:
                    t = parse_iso_time(child.text)
                elif tag == t_ele:
                    ele = finite_float(child.text)
                    if ele is not None:
                        self.alts.append(ele)
                else:
                    self._extension(child)
            if prev_pos is not None:
                d = haversine_m(prev_pos[0], prev_pos[1], lat, lon)
                self.distance += d
                pending += d
            prev_pos = (lat, lon)
            if t is not None:
                self.times.append(t)
                if prev_t is not None:
                    self.steps.append(((t - prev_t).total_seconds(), pending))
                prev_t = t
                pending = 0.0

    def _extension(self, elem: ET.Element) -> None:
        for e in elem.iter():
            name = local(e.tag).lower()
            if name in _HR:
                v = finite_float(e.text)
                if v is not None and 0 < v < 255:
                    self.hrs.append(v)
            elif name in _CAD:
                v = finite_float(e.text)
                if v is not None and 0 < v < 300:
                    self.cads.append(v)


def decode_gpx(name: str, data: bytes, sha: str) -> DecodeResult:
    """Decode a GPX file (XmlRejected propagates to the dispatcher)."""
    too_many = too_many_points(data, b"trkpt", "GPX file")
    if too_many is not None:
        return fail(name, too_many)
    root = parse_xml(data)
    if local(root.tag) != "gpx":
        return fail(name, "not a GPX file (root element is not <gpx>)")
    acc = _Acc()
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    type_text: str | None = None
    for trk in root:
        if local(trk.tag) != "trk":
            continue
        for child in trk:
            tag = local(child.tag)
            if tag == "trkseg":
                acc.segment(child, ns)
            elif tag == "type" and type_text is None and child.text and child.text.strip():
                type_text = child.text.strip()
    if acc.points == 0:
        return fail(name, "GPX file has no track points (metadata, waypoints or routes only)")
    if len(acc.times) < 2:
        return fail(name, "GPX track has fewer than 2 timed points: a route, not a recorded activity")
    start, end = min(acc.times), max(acc.times)
    notes: list[str] = []
    sport = normalise_sport(type_text)
    creator = root.get("creator")
    if sport is None and type_text is None and creator and _CYCLING_APP.search(creator):
        sport = "cycling"
        notes.append(f"sport not stated; cycling inferred from the app name {creator.strip()!r}")
    if sport is None:
        sport = "running"
        notes.append(
            f"GPX type {type_text!r} not recognised; assumed running"
            if type_text
            else "sport not stated in the file; assumed running"
        )
    if acc.bad_coords:
        notes.append(f"{acc.bad_coords} track points with missing/out-of-range coordinates ignored")
    if len(acc.times) < acc.points:
        notes.append(f"{acc.points - len(acc.times)} of {acc.points} track points have no time")
    gain, loss = elevation_gain_loss(acc.alts) if acc.alts else (None, None)
    kind = kind_for(sport)
    cad = cadence_from_samples(acc.cads) if kind == "run" else None
    return DecodeResult(
        activities=[
            ImportedActivity(
                start=start,
                kind=kind,
                sport=sport,
                distance_m=round(acc.distance, 1),
                elapsed_s=(end - start).total_seconds(),
                moving_s=moving_seconds(acc.steps),
                elevation_gain_m=gain,
                elevation_loss_m=loss,
                avg_cadence_spm=cad,
                avg_hr=round(sum(acc.hrs) / len(acc.hrs), 1) if acc.hrs else None,
                max_hr=max(acc.hrs) if acc.hrs else None,
                device=creator.strip() if creator and creator.strip() else None,
                source_format="gpx",
                source_name=name,
                content_sha256=sha,
                notes="; ".join(notes),
            )
        ]
    )
