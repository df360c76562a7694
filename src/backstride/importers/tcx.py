"""TCX (Garmin Training Center) activities: one ImportedActivity per ``<Activity>``.

Distance and moving time are the sums of the laps' ``DistanceMeters`` and
``TotalTimeSeconds`` (TCX's lap time is timer time, so it is ``moving_s``); elapsed time
runs from the first lap start to the last trackpoint (or last lap end). Trackpoints without
a position are kept: treadmill and indoor files have only those. Running cadence in TCX
(``RunCadence`` in the TPX extension, or ``Cadence``) is per leg and is doubled, unless the
file already holds steps/min (see :func:`common.steps_per_minute`).
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from .common import cadence_from_samples, finite_float, kind_for, parse_iso_time, steps_per_minute
from .geo import elevation_gain_loss, haversine_m
from .model import ImportedActivity, Lap
from .result import DecodeResult, fail
from .xmlsafe import local, parse_xml, too_many_points

__all__ = ["decode_tcx"]

_SPORTS = {"running": "running", "biking": "cycling", "other": "other"}




def _hr(v: float | None) -> float | None:
    return v if v is not None and 0 < v < 255 else None  # 255 is FIT's "invalid" carried over


def _child(elem: ET.Element, name: str) -> ET.Element | None:
    for c in elem:
        if local(c.tag) == name:
            return c
    return None


def _value(elem: ET.Element, name: str) -> float | None:
    """Number in ``<name>`` or ``<name><Value>``."""
    c = _child(elem, name)
    if c is None:
        return None
    v = _child(c, "Value")
    return finite_float((v if v is not None else c).text)


def _cadence_in(elem: ET.Element) -> float | None:
    for e in elem.iter():
        if isinstance(e.tag, str) and e.tag.endswith("RunCadence"):  # RunCadence, AvgRunCadence
            return finite_float(e.text)
    return None


class _Points:
    def __init__(self) -> None:
        self.times: list[dt.datetime] = []
        self.hrs: list[float] = []
        self.cads: list[float] = []
        self.alts: list[float] = []
        self.max_dist: float | None = None
        self.geo_dist = 0.0
        self.count = 0
        self.with_position = 0

    def add_track(self, track: ET.Element, ns: str) -> None:
        # qualified tag names + C-level find(): ~3x faster than matching local names in Python
        t_tp, t_time, t_hr, t_val = ns + "Trackpoint", ns + "Time", ns + "HeartRateBpm", ns + "Value"
        t_cad, t_ext, t_alt, t_dist = (
            ns + "Cadence",
            ns + "Extensions",
            ns + "AltitudeMeters",
            ns + "DistanceMeters",
        )
        t_pos, t_lat, t_lon = ns + "Position", ns + "LatitudeDegrees", ns + "LongitudeDegrees"
        prev: tuple[float, float] | None = None
        for tp in track.iter(t_tp):
            self.count += 1
            t = parse_iso_time(tp.findtext(t_time))
            if t is not None:
                self.times.append(t)
            hr_el = tp.find(t_hr)
            if hr_el is not None:
                hr = finite_float(hr_el.findtext(t_val))
                if hr is not None and 0 < hr < 255:
                    self.hrs.append(hr)
            cad = finite_float(tp.findtext(t_cad))
            ext = tp.find(t_ext)
            if ext is not None:
                cad = _cadence_in(ext) or cad
            if cad is not None and 0 < cad < 300:
                self.cads.append(cad)
            alt = finite_float(tp.findtext(t_alt))
            if alt is not None:
                self.alts.append(alt)
            d = finite_float(tp.findtext(t_dist))
            if d is not None:
                self.max_dist = d if self.max_dist is None else max(self.max_dist, d)
            pos = tp.find(t_pos)
            if pos is not None:
                lat, lon = finite_float(pos.findtext(t_lat)), finite_float(pos.findtext(t_lon))
                if lat is not None and lon is not None and abs(lat) <= 90 and abs(lon) <= 180:
                    self.with_position += 1
                    if prev is not None:
                        self.geo_dist += haversine_m(prev[0], prev[1], lat, lon)
                    prev = (lat, lon)


def _activity(name: str, sha: str, act: ET.Element, device: str | None) -> ImportedActivity | None:
    sport_attr = (act.get("Sport") or "").strip()
    sport = _SPORTS.get(sport_attr.lower(), sport_attr.lower() or "other")
    kind = kind_for(sport)
    pts = _Points()
    laps: list[Lap] = []
    lap_ends: list[dt.datetime] = []
    for lap in act:
        if local(lap.tag) != "Lap":
            continue
        lstart = parse_iso_time(lap.get("StartTime"))
        ltime = _value(lap, "TotalTimeSeconds")
        lcad = _value(lap, "Cadence")
        ext = _child(lap, "Extensions")
        if ext is not None:
            lcad = _cadence_in(ext) or lcad
        laps.append(
            Lap(
                start=lstart,
                distance_m=_value(lap, "DistanceMeters"),
                elapsed_s=ltime,
                moving_s=ltime,
                avg_hr=_hr(_value(lap, "AverageHeartRateBpm")),
                avg_cadence_spm=steps_per_minute(lcad) if kind == "run" else None,
            )
        )
        if lstart is not None and ltime is not None:
            lap_ends.append(lstart + dt.timedelta(seconds=ltime))
        ns = lap.tag[: lap.tag.index("}") + 1] if lap.tag.startswith("{") else ""
        for c in lap:
            if local(c.tag) == "Track":
                pts.add_track(c, ns)
    starts = [lp.start for lp in laps if lp.start is not None]
    start = min(starts) if starts else parse_iso_time(getattr(_child(act, "Id"), "text", None))
    if start is None and pts.times:
        start = min(pts.times)
    if start is None:
        return None
    lap_d = [lp.distance_m for lp in laps if lp.distance_m is not None]
    lap_t = [lp.elapsed_s for lp in laps if lp.elapsed_s is not None]
    distance = sum(lap_d) if lap_d else pts.max_dist if pts.max_dist is not None else pts.geo_dist or None
    moving = sum(lap_t) if lap_t else None
    ends = lap_ends + ([max(pts.times)] if pts.times else [])
    elapsed = (max(ends) - start).total_seconds() if ends else moving
    if elapsed is not None and moving is not None and elapsed < moving:
        elapsed = moving  # clocks that disagree (e.g. wrong time zone on points) never shrink the time
    notes = []
    if pts.count and not pts.with_position:
        notes.append("no GPS positions (treadmill or indoor)")
    gain, loss = elevation_gain_loss(pts.alts) if pts.alts else (None, None)
    hrs = [lp.avg_hr for lp in laps if lp.avg_hr and lp.avg_hr < 255]
    avg_hr = round(sum(pts.hrs) / len(pts.hrs), 1) if pts.hrs else (sum(hrs) / len(hrs) if hrs else None)
    max_hrs = [v for lap in act if local(lap.tag) == "Lap" and (v := _value(lap, "MaximumHeartRateBpm")) and v < 255]
    cad = cadence_from_samples(pts.cads) if kind == "run" else None
    return ImportedActivity(
        start=start,
        kind=kind,
        sport=sport,
        distance_m=distance,
        elapsed_s=elapsed,
        moving_s=moving,
        elevation_gain_m=gain,
        elevation_loss_m=loss,
        avg_cadence_spm=cad,
        avg_hr=avg_hr,
        max_hr=max(pts.hrs + max_hrs) if pts.hrs or max_hrs else None,
        device=device,
        source_format="tcx",
        source_name=name,
        content_sha256=sha,
        laps=tuple(laps),
        notes="; ".join(notes),
    )


def _device(act: ET.Element) -> str | None:
    creator = _child(act, "Creator")
    if creator is None:
        return None
    n = _child(creator, "Name")
    return n.text.strip() if n is not None and n.text and n.text.strip() else None


def decode_tcx(name: str, data: bytes, sha: str) -> DecodeResult:
    """Decode a TCX file (XmlRejected propagates to the dispatcher)."""
    too_many = too_many_points(data, b"Trackpoint", "TCX file")
    if too_many is not None:
        return fail(name, too_many)
    root = parse_xml(data)
    if local(root.tag) != "TrainingCenterDatabase":
        return fail(name, "not a TCX file (root element is not <TrainingCenterDatabase>)")
    out = DecodeResult()
    found = 0
    for act in root.iter():
        if local(act.tag) != "Activity" or (act.get("Sport") is None and _child(act, "Lap") is None):
            continue
        found += 1
        a = _activity(name, sha, act, _device(act))
        if a is not None:
            out.activities.append(a)
    if not found:
        what = "a course" if any(local(e.tag) == "Courses" for e in root) else "no <Activity>"
        return fail(name, f"TCX file holds {what}, not a recorded activity")
    if not out.activities:
        return fail(name, "TCX activities carry no start time")
    if len(out.activities) > 1:
        n = len(out.activities)
        out.activities = [
            _with_note(a, f"activity {i + 1} of {n} in a multi-sport TCX") for i, a in enumerate(out.activities)
        ]
    return out


def _with_note(a: ImportedActivity, note: str) -> ImportedActivity:
    from dataclasses import replace

    return replace(a, notes="; ".join(x for x in (a.notes, note) if x))
