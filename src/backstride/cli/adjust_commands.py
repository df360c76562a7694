"""``backstride adjust set | undo | list | choices`` and ``backstride athlete diagnosis``: a clinician's
changes to one athlete's rules, each beside the cited default, with who, when and why."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from backstride.cli.output import console, fail
from backstride.cli.params import AthleteOpt, id_option
from backstride.cli.session import opened, print_json, today_option

if TYPE_CHECKING:
    from backstride.storage.adjustments import ClinicalEvent

DbOpt = Annotated[str | None, typer.Option("--db", help="Database URL (default: BACKSTRIDE_DATABASE_URL, "
                                                         "else the local SQLite file).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
ByOpt = Annotated[str | None, typer.Option("--by", help="Who made the change (a name or e-mail), kept with it.")]

app = typer.Typer(help="A clinician's adjustments: one rule's number changed for one athlete, beside the cited "
                       "default, with who, when and why. Undo is another recorded change.", no_args_is_help=True)


def _event_json(e: ClinicalEvent) -> dict[str, Any]:
    return {"id": e.id, "kind": e.kind, "rule": e.rule_id, "parameter": e.parameter, "value": e.value,
            "reason": e.reason, "by": e.by_email, "at": e.at.isoformat(), "refers_to": e.refers_to}


def _refused(exc: Exception) -> None:
    from backstride.core.adjustments import AdjustmentProblem

    if isinstance(exc, AdjustmentProblem):
        option = {"rule": "--rule", "parameter": "--param", "value": "--value", "reason": "--reason",
                  "change": "--change", "diagnosis": "--text", "code": "--stops-running"}.get(exc.field, exc.field)
        fail([f"{option}: {exc.message}"])
    raise exc


@app.command("set")
def adjust_set(
    athlete: AthleteOpt,
    rule: Annotated[str, typer.Option("--rule", help="The rule's id, e.g. W-START (see `backstride adjust "
                                                     "choices`).")],
    param: Annotated[str, typer.Option("--param", help="The rule's parameter, e.g. fraction.")],
    value: Annotated[str, typer.Option("--value", help="The new value: a number, a share like 60%, or yes/no.")],
    reason: Annotated[str, typer.Option("--reason", help="Why, in a few words (kept beside the change).")],
    by: ByOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change one of the athlete's numbers; the plan shows it as adjusted by their physio."""
    from backstride.core.adjustments import AdjustmentProblem
    from backstride.services.adjustments import set_adjustment

    with opened(db) as database:
        try:
            event = set_adjustment(database, athlete, rule, param, value, reason, by_email=by)
        except AdjustmentProblem as exc:
            _refused(exc)
    if as_json:
        print_json(_event_json(event))
        return
    console().print(f"Recorded change {event.id}: {event.rule_id} {event.parameter} is now {value} for athlete "
                    f"{athlete}. `backstride plan -a {athlete}` plans with it; "
                    f"`backstride adjust undo -a {athlete} --change {event.id}` undoes it.")


@app.command("undo")
def adjust_undo(
    athlete: AthleteOpt,
    change: Annotated[int, id_option("--change", help="The change's id (see `backstride adjust list`).")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is undone.")] = "",
    by: ByOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Undo one change in force: recorded as another change; the number goes back to what it was."""
    from backstride.core.adjustments import AdjustmentProblem
    from backstride.services.adjustments import undo_adjustment

    with opened(db) as database:
        try:
            event = undo_adjustment(database, athlete, change, reason, by_email=by)
        except AdjustmentProblem as exc:
            _refused(exc)
    if as_json:
        print_json(_event_json(event))
        return
    console().print(f"Recorded change {event.id}: change {change} ({event.rule_id} {event.parameter}) undone.")


@app.command("list")
def adjust_list(athlete: AthleteOpt, db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """The adjustments in force beside the cited defaults (who, when, why), then the whole trail."""
    from rich.table import Table

    from backstride.services.adjustments import adjustments_for

    with opened(db) as database:
        view = adjustments_for(database, athlete)
    if as_json:
        print_json({"current": [{**_event_json(c.event), "default": c.default, "unit": c.unit}
                                for c in view.current],
                    "history": [_event_json(e) for e in view.history]})
        return
    out = console()
    if not view.current:
        out.print("No adjustments: every rule uses its cited default.")
    else:
        table = Table("Change", "Rule", "Number", "Now", "Cited default", "Who", "When", "Why",
                      title="Adjustments in force")
        for c in view.current:
            table.add_row(str(c.event.id), c.rule_id, c.parameter, c.value_text, c.default_text,
                          c.event.by_email or "-", f"{c.event.at:%d %b %Y %H:%M} UTC", c.event.reason)
        out.print(table)
    if view.history:
        trail = Table("Change", "What", "Detail", "Who", "When", "Why", title="The trail, oldest first")
        for e in view.history:
            trail.add_row(str(e.id), e.kind, _detail(e), e.by_email or "-", f"{e.at:%d %b %Y %H:%M} UTC", e.reason)
        out.print(trail)


def _detail(e: ClinicalEvent) -> str:
    if e.kind == "set":
        return f"{e.rule_id} {e.parameter} = {e.value:g}"
    if e.kind == "undo":
        return f"undoes change {e.refers_to} ({e.rule_id} {e.parameter})"
    if e.kind == "clearance" and isinstance(e.value, dict):
        return f"cleared to run on {e.value.get('on')}"
    if e.kind == "diagnosis" and isinstance(e.value, dict) and e.value.get("code"):
        return f"stops running until cleared ({e.value['code'].replace('_', ' ')})"
    return ""


@app.command("choices")
def adjust_choices(as_json: JsonOpt = False) -> None:
    """The numbers a clinician may change, their cited defaults and the range each may take."""
    from rich.table import Table

    from backstride.services.adjustments import choices

    listed = choices()
    if as_json:
        print_json([{"rule": c.rule_id, "parameter": c.parameter, "default": c.default, "unit": c.unit,
                     "min": c.bound.lo, "max": c.bound.hi, "why": c.bound.why} for c in listed])
        return
    table = Table("Rule", "Number", "Cited default", "Range", "What it is for",
                  title="What can be adjusted (triage and the red flags never are)")
    from backstride.core.adjustments import shown

    for c in listed:
        table.add_row(c.rule_id, c.parameter, shown(c.default, c.bound), c.range_text, c.bound.why)
    console().print(table)


def athlete_diagnosis(
    athlete: AthleteOpt,
    text: Annotated[str, typer.Option("--text", help="The diagnosis in the clinician's words.")],
    stops_running: Annotated[str | None, typer.Option(
        "--stops-running", help="When it stops running until cleared (T-DIAG): sciatica, nerve_root_compression, "
                                "spinal_cord_compression, disc_injury, bone_stress_injury, fracture, "
                                "severe_sprain.")] = None,
    by: ByOpt = None,
    date: Annotated[str | None, typer.Option("--date", help="Today's date for the profile (default today).")] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a clinician's diagnosis, with who and when; with --stops-running, running stops until cleared."""
    from backstride.core.adjustments import AdjustmentProblem
    from backstride.services.adjustments import record_diagnosis

    day = today_option(date, "--date", past_only=True)
    with opened(db) as database:
        try:
            event = record_diagnosis(database, athlete, text, day, code=stops_running, by_email=by)
        except AdjustmentProblem as exc:
            _refused(exc)
    if as_json:
        print_json(_event_json(event))
        return
    stop = (" Running stops until a clinician clears it (`backstride athlete clear`)." if stops_running else "")
    console().print(f"Recorded the diagnosis for athlete {athlete} (change {event.id}).{stop}")
