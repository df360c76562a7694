"""A week's plan as an iCalendar (.ics) file, for any calendar app.

One all-day event per training session. Rest days get no event: a rest day is
the absence of training, and seven events a week would bury the sessions that
matter (under an emergency triage the whole week is rest, and the file holds a
single emergency event instead).

The same plan always gives the same bytes, and plans made on later days update
the same events rather than adding new ones: a UID names the runner (hashed),
the day and the slot of that day (the main session, strength, or mobility), not
the week the plan started; DTSTAMP and SEQUENCE grow with the plan's start day
(no clock), so a calendar app takes the newer plan's version of a day.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from icalendar import Calendar, Event

from backstride.contract import Plan, Session
from backstride.core.words import in_units

__all__ = ["PRODID", "plan_to_ics"]

PRODID = "-//backstride//plan//EN"
KM_PER_MILE = 1.609344

_KIND_LABELS = {
    "easy": "Easy run", "recovery": "Recovery run", "long": "Long run", "run_walk": "Run:walk",
    "long_run_walk": "Long run:walk", "intervals_short": "Short intervals",
    "intervals_long": "Long intervals",
    "tempo": "Tempo run", "hills": "Hills", "stairs": "Stairs", "progression": "Progression run",
    "race": "Race", "cross_training": "Cross-training", "strength": "Strength", "mobility": "Mobility",
    "walk": "Walk", "rest": "Rest",
}
_TRIAGE_BANNERS = {
    "see_clinician": "Please have your back assessed by a physiotherapist or doctor",
    "see_clinician_soon": "Please see a doctor or physiotherapist within a day or two",
}
EMERGENCY_SUMMARY = "EMERGENCY: go to an emergency department now"


def _amount(session: Session, units: str) -> str:
    """'4.0 km', '2.5 mi' or '30 min': distance when the session has one, else its time."""
    if session.distance_km is not None:
        if units == "mi":
            return f"{session.distance_km / KM_PER_MILE:.1f} mi"
        return f"{session.distance_km:.1f} km"
    if session.duration_min is not None:
        return f"{session.duration_min:.0f} min"
    return ""


def _summary(session: Session, units: str) -> str:
    """'Easy run 4.0 km (backstride)'; cross-training is named by its activity ('Bike 30 min')."""
    if session.activity is not None:
        label = session.activity.replace("_", " ").capitalize()
    else:
        label = _KIND_LABELS.get(session.kind, session.kind.replace("_", " ").capitalize())
    amount = _amount(session, units)
    return f"{label} {amount} (backstride)" if amount else f"{label} (backstride)"


def _banner(plan: Plan, units: str) -> str | None:
    """The triage line every event starts with when the plan is under a triage level."""
    level = plan.triage.level
    if level == "none":
        return None
    reasons = " ".join(f"{in_units(r.text, units)} ({r.rule})" for r in plan.triage.reasons)
    head = _TRIAGE_BANNERS.get(level, "Please see a clinician")
    return f"{head}: {reasons}" if reasons else f"{head}."


def _description(session: Session, plan: Plan, banner: str | None, units: str) -> str:
    why = {r.id: in_units(r.why, units) for r in plan.rules_applied}
    lines: list[str] = []
    if banner:
        lines += [banner, ""]
    if session.notes:
        lines.append(in_units(session.notes, units))
    if session.rpe_max is not None:
        lines.append(f"Effort: up to {session.rpe_max}/10.")
    if session.exercises:
        lines.append(f"Exercises: {', '.join(session.exercises)}.")
    if session.rules:
        lines += ["", "Why (the rules behind this session):"]
        lines += [f"- {rid}: {why[rid]}" if why.get(rid) else f"- {rid}" for rid in session.rules]
    return "\n".join(lines)


def _event(uid: str, day: dt.date, stamp: dt.datetime, summary: str, description: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)  # a date, not a time: an all-day event
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")  # training does not make you "busy" for meeting invites
    return event


def plan_to_ics(plan: Plan, athlete_name: str = "runner", units: str = "km") -> bytes:
    """The plan as iCalendar bytes: one all-day event per session except rest days.

    Distances are shown in miles when ``units == "mi"``, in the summaries, the sessions'
    notes and the reasons alike. Under an emergency triage the file holds one
    event only, on the plan's first day, telling the runner to go to an
    emergency department now.
    """
    if units not in ("km", "mi"):
        raise ValueError(f"units must be 'km' or 'mi' (got {units!r})")
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"backstride: {athlete_name}")
    stamp = dt.datetime.combine(plan.week_start, dt.time(0), tzinfo=dt.UTC)
    # The runner's name stays out of the file's UIDs: a short hash keeps two runners sharing
    # one calendar apart without writing the name into every event.
    who = hashlib.sha256(athlete_name.encode("utf-8")).hexdigest()[:10]
    week = plan.week_start.strftime("%Y%m%d")
    sequence = (plan.week_start - dt.date(2000, 1, 1)).days

    if plan.triage.level == "emergency":
        text = "\n\n".join(in_units(r.text, units) for r in plan.triage.reasons) or "Go to an emergency department now."
        event = _event(f"{week}-emergency-{who}@backstride", plan.week_start, stamp, EMERGENCY_SUMMARY, text)
        event.add("priority", 1)
        cal.add_component(event)
        return bytes(cal.to_ical())

    banner = _banner(plan, units)
    seen: dict[tuple[dt.date, str], int] = {}
    for session in plan.sessions:
        if session.kind == "rest":
            continue
        slot = session.kind if session.kind in ("strength", "mobility") else "main"
        index = seen.get((session.date, slot), 0)
        seen[(session.date, slot)] = index + 1
        uid = f"{session.date.strftime('%Y%m%d')}-{slot}-{index}-{who}@backstride"
        event = _event(uid, session.date, stamp, _summary(session, units), _description(session, plan, banner, units))
        event.add("sequence", sequence)
        cal.add_component(event)
    return bytes(cal.to_ical())
