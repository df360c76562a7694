"""FIT activities: one ImportedActivity per session, from the skip-scanner.

Fast path: :func:`scan_fit` decodes only file_id, sport, session, lap, device_info and
activity messages. When a session lacks a distance, or the file has no session at all
(truncated watch files, record-only files), a second scan decodes ``record`` messages and
the totals are computed from them (``fit_records``), up to the point of damage.

No fitdecode fallback: on 150 mutated real files, 62 stopped the scanner at a structural
error before any session; a lenient fitdecode pass recovered a session in 0 of them and
cost 0.16 s each. On the 9 broken real files fitdecode stops at the same byte or earlier
(it cannot read header data_size=0 or the Lezyne bad-architecture file at all).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from .common import kind_for, steps_per_minute
from .fit_profile import device_name, file_type_name, sport_name
from .fit_records import CADENCE_FIELDS, RECORD_FIELDS, RecordSummary, cadence_only, summarise_records
from .fit_scan import FIT_EPOCH_OFFSET, FitMessage, ScanResult, scan_fit
from .model import ImportedActivity, Lap
from .pace import sport_from_pace
from .result import DecodeResult, fail, skip

__all__ = ["decode_fit", "fit_time"]

WANTED = frozenset({0, 12, 18, 19, 23, 34})
_CADENCE_SPORTS = frozenset({1, 11, 17})  # running, walking, hiking: cadence is per leg
_RELATIVE_TIME_LIMIT = 0x10000000  # FIT: smaller date_time values are device-relative, not UTC


def fit_time(value: object) -> dt.datetime | None:
    """A FIT date_time (seconds since 1989-12-31 UTC) as an aware datetime, or None."""
    if not isinstance(value, int) or value < _RELATIVE_TIME_LIMIT:
        return None
    return dt.datetime.fromtimestamp(value + FIT_EPOCH_OFFSET, tz=dt.UTC)


def _num(fields: dict[int, object], key: int, scale: float = 1.0) -> float | None:
    v = fields.get(key)
    if isinstance(v, int | float) and not isinstance(v, bool):
        return v / scale
    return None


def _hr(fields: dict[int, object], key: int) -> float | None:
    v = _num(fields, key)
    return v if v is not None and 0 < v < 255 else None  # 0 is "no sensor" (Zwift writes 0)


def _cadence(fields: dict[int, object], whole: int, frac: int, sport: int | None) -> float | None:
    if sport not in _CADENCE_SPORTS:
        return None  # cycling rpm / swim strokes are not steps
    c = _num(fields, whole)
    if c is None:
        return None
    return steps_per_minute(c + (_num(fields, frac) or 0.0) / 128.0)


def _start_end(fields: dict[int, object]) -> tuple[dt.datetime | None, dt.datetime | None]:
    start = fit_time(fields.get(2))
    end = fit_time(fields.get(253))
    elapsed = _num(fields, 7, 1000)
    if start is None and end is not None and elapsed is not None:
        start = end - dt.timedelta(seconds=elapsed)
    if start is not None and elapsed is not None:
        end = max(end or start, start + dt.timedelta(seconds=elapsed))
    return start, end


def _needs_cadence(s: dict[int, object]) -> bool:
    """A running session without an average cadence (Suunto writes none): get it from records."""
    return s.get(5) in _CADENCE_SPORTS and _num(s, 18) is None


def _clock_shift(activities: list[dict[int, object]]) -> int:
    """Seconds to add to device-relative times (clock never set), from activity.local_timestamp.

    Old watches without GPS (e.g. Forerunner 70) write times counted from power-on; the
    activity message's local_timestamp is then the only wall-clock reference.
    """
    for a in activities:
        ts, local_ts = a.get(253), a.get(5)
        if isinstance(ts, int) and isinstance(local_ts, int) and ts < _RELATIVE_TIME_LIMIT <= local_ts:
            return local_ts - ts
    return 0


def _shifted(fields: dict[int, object], shift: int) -> dict[int, object]:
    out = dict(fields)
    for key in (2, 253):
        v = out.get(key)
        if isinstance(v, int) and v < _RELATIVE_TIME_LIMIT:
            out[key] = v + shift
    return out


def _lap(fields: dict[int, object], sport: int | None) -> Lap:
    start, _ = _start_end(fields)
    return Lap(
        start=start,
        distance_m=_num(fields, 9, 100),
        elapsed_s=_num(fields, 7, 1000),
        moving_s=_num(fields, 8, 1000),
        avg_hr=_hr(fields, 15),
        avg_cadence_spm=_cadence(fields, 17, 80, sport),
    )


def _describe_error(scan: ScanResult, data_len: int) -> str:
    if scan.error == "truncated":
        if scan.expected_size > data_len:
            return f"truncated FIT file: data ends at byte {data_len} of {scan.expected_size}"
        return (
            f"truncated or damaged FIT file: the record at byte {scan.error_offset} runs past "
            f"the end of the data ({data_len} bytes)"
        )
    return f"FIT file damaged at byte {scan.error_offset}: {scan.error}; the rest of the file is unreadable"


def decode_fit(name: str, data: bytes, sha: str) -> DecodeResult:
    """Decode a FIT file into activities (one per session), a skip, or a failure."""
    scan = scan_fit(data, WANTED)
    if scan.segments == 0:
        return fail(name, "not a FIT file: no valid FIT header")
    by: dict[int, list[dict[int, object]]] = {}
    for m in scan.messages:
        by.setdefault(m.mesg_num, []).append(m.fields)
    sessions = by.get(18, [])
    file_ids = by.get(0, [])
    ftype = file_ids[0].get(0) if file_ids else None
    if ftype is not None and ftype != 4 and not sessions:
        return skip(name, f"FIT {file_type_name(ftype)} file, not an activity")
    device = device_name(file_ids, by.get(23, []))
    problems: list[str] = []
    if scan.error is not None:
        problems.append(_describe_error(scan, len(data)))
    if scan.warning:
        problems.append(scan.warning)
    laps_all = by.get(19, [])
    sport_msgs = by.get(12, [])
    records: RecordSummary | None = None
    if not sessions or any(_num(s, 9) is None for s in sessions):
        records = summarise_records(
            scan_fit(data, frozenset({20}), track_time=True, keep_fields=RECORD_FIELDS).messages
        )
    elif any(_needs_cadence(s) for s in sessions):  # only cadence missing: a lighter pass
        records = cadence_only(scan_fit(data, frozenset({20}), track_time=True, keep_fields=CADENCE_FIELDS).messages)
    if not sessions:
        return _from_records(name, sha, records, laps_all, sport_msgs, device, problems, file_ids)
    if any(_start_end(s)[0] is None for s in sessions):
        # a session sent with a compressed-timestamp header has no field 253: rescan with time
        timed = scan_fit(data, frozenset({18, 19}), track_time=True).messages
        sessions = [m.fields for m in timed if m.mesg_num == 18] or sessions
        laps_all = [m.fields for m in timed if m.mesg_num == 19] or laps_all
    shift = _clock_shift(by.get(34, []))
    if shift:
        sessions = [_shifted(s, shift) for s in sessions]
        laps_all = [_shifted(lf, shift) for lf in laps_all]
    acts = [_from_session(name, sha, s, laps_all, len(sessions) == 1, device, problems, records) for s in sessions]
    if shift:
        note = "device clock was not set: times come from its local clock (time zone unknown)"
        acts = [a and dataclasses.replace(a, notes="; ".join(x for x in (a.notes, note) if x)) for a in acts]
    return (
        DecodeResult(activities=[a for a in acts if a is not None])
        if any(acts)
        else fail(name, "FIT sessions carry no start time")
    )


def _from_session(
    name: str,
    sha: str,
    s: dict[int, object],
    laps_all: list[dict[int, object]],
    only: bool,
    device: str | None,
    problems: list[str],
    records: RecordSummary | None,
) -> ImportedActivity | None:
    start, end = _start_end(s)
    if start is None:
        return None
    sport_id = s.get(5)
    sport_i = sport_id if isinstance(sport_id, int) else None
    sub = s.get(6)
    sport = sport_name(sport_i, sub if isinstance(sub, int) else None)
    laps = []
    for lf in laps_all:
        lap = _lap(lf, sport_i)
        if only or (lap.start is not None and end is not None and start <= lap.start < end):
            laps.append(lap)
    distance = _num(s, 9, 100)
    notes = list(problems)
    if distance is None and records is not None:
        distance = records.distance_between(start, end)
        if distance is not None:
            notes.append("session has no total distance; computed from records")
    cadence = _cadence(s, 18, 92, sport_i)
    if cadence is None and sport_i in _CADENCE_SPORTS and records is not None:
        cadence = records.cadence_between(start, end)
    return ImportedActivity(
        start=start,
        kind=kind_for(sport),
        sport=sport,
        distance_m=distance,
        elapsed_s=_num(s, 7, 1000),
        moving_s=_num(s, 8, 1000),
        elevation_gain_m=_num(s, 22),
        elevation_loss_m=_num(s, 23),
        avg_cadence_spm=cadence,
        avg_hr=_hr(s, 16),
        max_hr=_hr(s, 17),
        device=device,
        source_format="fit",
        source_name=name,
        content_sha256=sha,
        laps=tuple(laps),
        partial=bool(problems),
        notes="; ".join(notes),
    )


def _from_records(
    name: str,
    sha: str,
    rec: RecordSummary | None,
    laps_all: list[dict[int, object]],
    sport_msgs: list[dict[int, object]],
    device: str | None,
    problems: list[str],
    file_ids: list[dict[int, object]],
) -> DecodeResult:
    if rec is None or rec.start is None:
        why = "; ".join(problems) if problems else "no session and no timed records"
        return fail(name, f"no activity in this file ({why})")
    sport_i: int | None = None
    sub_i: int | None = None
    # the sport message (fields 0/1) is authoritative; laps carry sport in fields 25/39
    candidates = [(m, 0, 1) for m in sport_msgs] + [(m, 25, 39) for m in laps_all]
    for src, sport_key, sub_key in candidates:
        sp = src.get(sport_key)
        if isinstance(sp, int):
            sport_i = sp
            sb = src.get(sub_key)
            sub_i = sb if isinstance(sb, int) else None
            break
    sport = sport_name(sport_i, sub_i)
    notes = ["no session message; totals computed from records", *problems]
    sport_reason = ""
    if sport_i is None:
        guess = sport_from_pace(rec.points)
        sport, sport_reason = guess.sport, guess.reason
        notes.append(sport_reason)
    laps = tuple(_lap(lf, sport_i) for lf in laps_all)
    if problems:
        notes.append(f"{rec.count} records and {len(laps)} laps saved")
    cad = rec.avg_cadence_spm if sport_i in _CADENCE_SPORTS or sport == "running" else None
    return DecodeResult(
        activities=[
            ImportedActivity(
                start=rec.start,
                kind=kind_for(sport),
                sport=sport,
                distance_m=rec.distance_m,
                elapsed_s=rec.elapsed_s,
                moving_s=rec.moving_s,
                elevation_gain_m=rec.gain_m,
                elevation_loss_m=rec.loss_m,
                avg_cadence_spm=cad,
                avg_hr=rec.avg_hr,
                max_hr=rec.max_hr,
                device=device,
                source_format="fit",
                source_name=name,
                content_sha256=sha,
                laps=laps,
                partial=bool(problems),
                notes="; ".join(notes),
                sport_reason=sport_reason,
            )
        ]
    )


def messages_of(scan: ScanResult, mesg_num: int) -> list[FitMessage]:
    """The decoded messages of one global number (helper for tests and tools)."""
    return [m for m in scan.messages if m.mesg_num == mesg_num]
