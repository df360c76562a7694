"""``backstride athlete create | edit | clear``: a runner set up in plain words, changed later, cleared to run."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from backstride.cli.output import console, fail

DbOpt = Annotated[str | None, typer.Option("--db", help="Database URL (default: BACKSTRIDE_DATABASE_URL, "
                                                         "else the local SQLite file).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
UnitsOpt = Annotated[str | None, typer.Option("--units", help="km or mi: how distances are shown to you.")]
WeekOpt = Annotated[str | None, typer.Option(
    "--week", help="Your normal week before the pain, e.g. 'tue easy 8, thu tempo 8, sat cross_training 45 min, "
                   "sun long 14' (distances in your units).")]
AvailableOpt = Annotated[str | None, typer.Option("--available", help="Days you can train, e.g. mon,wed,fri,sat.")]
LongDayOpt = Annotated[str | None, typer.Option("--long-run-day", help="The day for the long run, e.g. sun.")]
CrossOpt = Annotated[str | None, typer.Option(
    "--cross-training", help="What you have at hand: bike, elliptical, swim, deep_water_running, incline_walk, "
                             "rower, ski_erg, yoga (comma-separated).")]
CadenceOpt = Annotated[float | None, typer.Option("--cadence", help="Your usual running cadence, steps a minute.")]
PaceOpt = Annotated[str | None, typer.Option("--easy-pace", help="Your easy pace, e.g. 6:15 (per km or per mile, "
                                                                 "in your units).")]


def _pace_min_per_km(text: str | None, units: str) -> float | None:
    if text is None:
        return None
    try:
        minutes, _, seconds = text.partition(":")
        value = int(minutes) + (int(seconds) / 60 if seconds else 0)
    except ValueError:
        fail([f"--easy-pace: give minutes:seconds, e.g. 6:15 (got {text!r})"])
    return round(value / 1.609344, 3) if units == "mi" else value


def _profile(units: str | None, week: str | None, available: str | None, long_day: str | None,
             cross: str | None, cadence: float | None, pace: str | None, current_units: str) -> dict[str, Any]:
    from backstride.services.athletes import parse_available, parse_week

    shown = units or current_units
    out: dict[str, Any] = {"units": units}
    if week is not None:
        out["baseline"] = {"sessions": parse_week(week, shown)}
    if available is not None:
        out["available_days"] = parse_available(available)
    if long_day is not None:
        out["long_run_day"] = long_day.strip().lower()[:3]
    if cross is not None:
        out["cross_training"] = [c.strip() for c in cross.split(",") if c.strip()]
    out["cadence_spm"] = cadence
    out["easy_pace_min_per_km"] = _pace_min_per_km(pace, shown)
    return out


def _ask_missing(name: str | None, units: str | None, week: str | None, available: str | None,
                 long_day: str | None, cross: str | None, cadence: float | None) -> tuple[Any, ...]:
    from rich.prompt import FloatPrompt, Prompt

    name = name or Prompt.ask("Your name (any name you like)")
    units = units or Prompt.ask("Distances in km or mi?", choices=["km", "mi"], default="km")
    week = week or Prompt.ask(f"Your normal week before the pain, e.g. 'tue easy 8, thu easy 8, sun long 14' "
                              f"(in {units}; add 'sat cross_training 45 min' or 'wed strength 30 min')")
    available = available or Prompt.ask("Days you can train (e.g. mon,wed,fri,sat)",
                                        default="mon,tue,wed,thu,fri,sat,sun")
    long_day = long_day or Prompt.ask("Your long-run day", default="sun")
    cross = cross if cross is not None else Prompt.ask(
        "Cross-training at hand (bike, elliptical, swim, deep_water_running, incline_walk, rower, ski_erg, yoga)",
        default="bike,incline_walk")
    if cadence is None:
        cadence = FloatPrompt.ask("Your usual cadence in steps a minute, if you know it (Enter to skip)",
                                  default=None, show_default=False)
    return name, units, week, available, long_day, cross, cadence


def athlete_create(
    from_state: Annotated[str | None, typer.Option("--from-state", help="A backstride.state/1 JSON file, or - "
                                                                         "(instead of the questions).")] = None,
    name: Annotated[str | None, typer.Option("--name", help="The athlete's name.")] = None,
    units: UnitsOpt = None, week: WeekOpt = None, available: AvailableOpt = None, long_run_day: LongDayOpt = None,
    cross_training: CrossOpt = None, cadence: CadenceOpt = None, easy_pace: PaceOpt = None,
    timezone: Annotated[str | None, typer.Option("--timezone", help="IANA time zone, e.g. Europe/Paris.")] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Set up a runner: asks in plain words (or give the answers as options); prints the new id."""
    from backstride.cli.session import opened, print_json, today_option
    from backstride.services.athletes import SetupProblem, create_from_answers
    from backstride.services.training_log import store_athlete

    if from_state is not None:
        from backstride.cli.state_input import read_state

        state = read_state(from_state, "--from-state")
        with opened(db) as database:
            try:
                new_id = store_athlete(database, state, name=name or "athlete", timezone=timezone)
            except ValueError as exc:
                fail([f"--timezone: {exc}"])
    else:
        if week is None or name is None:
            if not sys.stdin.isatty():
                fail(["give at least --name and --week (e.g. --week 'tue easy 8, sun long 14'), or run in a "
                      "terminal to be asked"])
            name, units, week, available, long_run_day, cross_training, cadence = _ask_missing(
                name, units, week, available, long_run_day, cross_training, cadence)
        try:
            answers = _profile(units or "km", week, available, long_run_day, cross_training, cadence, easy_pace,
                               "km")
            with opened(db) as database:
                new_id = create_from_answers(database, name or "", {k: v for k, v in answers.items()
                                                                    if v is not None}, today_option(None))
        except SetupProblem as exc:
            fail([str(exc)])
    if as_json:
        print_json({"id": new_id})
    elif from_state is not None:
        sys.stdout.write(f"{new_id}\n")
    else:
        console().print(f"Set up {name} as athlete {new_id}. Next: `backstride checkin -a {new_id}` each morning "
                        f"and `backstride plan -a {new_id}` for the week.")


def athlete_edit(
    athlete: Annotated[int, typer.Option("--athlete", "-a", help="The athlete's id.")],
    name: Annotated[str | None, typer.Option("--name", help="A new name.")] = None,
    units: UnitsOpt = None, week: WeekOpt = None, available: AvailableOpt = None, long_run_day: LongDayOpt = None,
    cross_training: CrossOpt = None, cadence: CadenceOpt = None, easy_pace: PaceOpt = None,
    diagnoses: Annotated[str | None, typer.Option(
        "--diagnoses", help="What a clinician has diagnosed (comma-separated: sciatica, nerve_root_compression, "
                            "spinal_cord_compression, disc_injury, bone_stress_injury, fracture, severe_sprain), "
                            "or 'none'.")] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change any part of a runner's set-up: units, normal week, days, long-run day, cross-training, cadence."""
    from backstride.cli.session import opened, print_json, today_option
    from backstride.services.athletes import SetupProblem, edit_profile
    from backstride.storage import get_athlete

    with opened(db) as database:
        current_units = get_athlete(database, athlete).units
        try:
            changes = _profile(units, week, available, long_run_day, cross_training, cadence, easy_pace,
                               current_units)
        except SetupProblem as exc:
            fail([str(exc)])
        if diagnoses is not None:
            changes["diagnoses"] = [] if diagnoses.strip() == "none" else \
                [d.strip() for d in diagnoses.split(",") if d.strip()]
        if all(v is None for v in changes.values()) and name is None:
            fail(["nothing to change: give at least one option (see `backstride athlete edit --help`)"])
        try:
            profile = edit_profile(database, athlete, changes, today_option(None), name=name)
        except SetupProblem as exc:
            fail([str(exc)])
    if as_json:
        print_json(profile.model_dump(mode="json", exclude_none=True))
    else:
        console().print(f"Updated athlete {athlete}. `backstride plan -a {athlete}` plans with the change.")


def athlete_clear(
    athlete: Annotated[int, typer.Option("--athlete", "-a", help="The athlete's id.")],
    date: Annotated[str | None, typer.Option("--date", help="The day of the clearance (default today).")] = None,
    reason: Annotated[str, typer.Option("--reason", help="Why running is cleared (kept on the trail).")] = "",
    by: Annotated[str | None, typer.Option("--by", help="Who cleared it (a name or e-mail).")] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A clinician has cleared running: lifts T-DIAG and the standing red flags, restarting gently."""
    from backstride.cli.session import opened, print_json, today_option
    from backstride.services.athletes import clear_to_run

    day = today_option(date, "--date", past_only=True)
    with opened(db) as database:
        cleared = clear_to_run(database, athlete, day, reason=reason, by_email=by)
    if as_json:
        print_json({"athlete": athlete, "cleared_on": day.isoformat(), "diagnoses_lifted": list(cleared.lifted)})
        return
    lifted = f" ({', '.join(d.replace('_', ' ') for d in cleared.lifted)})" if cleared.lifted else ""
    console().print(f"Recorded: a clinician cleared running on {day:%d %B %Y}{lifted}. The plan restarts gently; "
                    "a new warning sign in a check-in still stops running.")
