"""``backstride log``: a run without a watch, cross-training or strength, typed in by hand."""

from __future__ import annotations

from typing import Annotated

import typer

from backstride.cli.output import console, fail

CROSS_SPORTS = ("bike", "elliptical", "swim", "deep_water_running", "incline_walk", "rower", "ski_erg", "yoga")
RUN_KINDS = ("run", "easy", "recovery", "long", "run_walk", "long_run_walk", "intervals_short", "intervals_long",
             "tempo", "hills", "stairs", "progression", "race")

app = typer.Typer(help="Log a session by hand: a run without a watch, cross-training, or strength work. "
                       "Give the athlete before or after the kind: `log -a 1 run ...` or `log run -a 1 ...`.",
                  no_args_is_help=True)

AthleteOpt = Annotated[int | None, typer.Option("--athlete", "-a", help="The athlete's id.")]


@app.callback()
def _group(ctx: typer.Context, athlete: AthleteOpt = None) -> None:
    ctx.obj = {"athlete": athlete}


def _athlete(ctx: typer.Context, athlete: int | None) -> int:
    chosen = athlete if athlete is not None else (ctx.obj or {}).get("athlete")
    if chosen is None:
        fail(["--athlete: which athlete? give -a ID (see `backstride athlete list`)"])
    return int(chosen)
DateOpt = Annotated[str | None, typer.Option("--date", help="The day of the session (YYYY-MM-DD; default today).")]
MinutesOpt = Annotated[float | None, typer.Option("--minutes", help="How long it took, in minutes.")]
RpeOpt = Annotated[int | None, typer.Option("--rpe", help="How hard it felt, 0 (rest) to 10 (all out).")]
NotesOpt = Annotated[str | None, typer.Option("--notes", help="Anything worth noting.")]
DbOpt = Annotated[str | None, typer.Option("--db", help="Database URL (default: BACKSTRIDE_DATABASE_URL, "
                                                         "else the local SQLite file).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]

_OPTION_OF = {"distance_km": "--distance", "duration_min": "--minutes", "rpe": "--rpe", "kind": "--kind",
              "date": "--date"}


def _log(athlete: int, date: str | None, kind: str, *, distance: float | None, minutes: float | None,
         rpe: int | None, sport: str | None, notes: str | None, db: str | None, as_json: bool,
         what: str) -> None:
    from backstride.cli.session import opened, print_json, today_option
    from backstride.cli.units import distance_text
    from backstride.contract import InvalidState
    from backstride.services.manual_log import ManualEntry, NotPlausible, log_session
    from backstride.storage import get_athlete

    now = today_option(None)
    day = today_option(date, "--date", past_only=True)
    entry = ManualEntry(date=day, kind=kind, distance_km=distance, duration_min=minutes, rpe=rpe, sport=sport,
                        notes=notes)
    with opened(db) as database_:
        units = get_athlete(database_, athlete).units
        try:
            logged = log_session(database_, athlete, entry, now)
        except NotPlausible as exc:
            fail([f"{what}: {exc}"])
        except InvalidState as exc:
            fail([f"{_OPTION_OF.get(p.where, p.where)}: {p.message}" for p in exc.problems])
    if as_json:
        print_json({"id": logged.id, "activity": logged.activity.model_dump(mode="json", exclude_none=True),
                    "already_logged": logged.duplicate_of is not None})
        return
    size = " ".join(x for x in (distance_text(distance, units) if distance is not None else "",
                                f"{minutes:g} min" if minutes is not None else "") if x)
    if logged.duplicate_of is not None:
        console().print(f"Already in your log: a {what} on {day:%A %d %B} ({size} matches it). Nothing added.")
    else:
        console().print(f"Logged: {what} on {day:%A %d %B}, {size}. `backstride plan -a {athlete}` plans "
                        "with it.")


@app.command("run")
def log_run(
    ctx: typer.Context,
    athlete: AthleteOpt = None,
    distance: Annotated[float | None, typer.Option("--distance", help="Distance, in your units (km or mi).")]
    = None,
    minutes: MinutesOpt = None,
    rpe: RpeOpt = None,
    kind: Annotated[str, typer.Option("--kind", help="easy, long, recovery, run_walk, tempo, ... "
                                                     "(default: run, of no particular kind)")] = "run",
    treadmill: Annotated[bool, typer.Option("--treadmill", help="It was on a treadmill.")] = False,
    date: DateOpt = None,
    notes: NotesOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A run without a watch file (a treadmill run, the phone left at home)."""
    from backstride.cli.log_commands import athlete_units_km

    athlete = _athlete(ctx, athlete)
    if kind not in RUN_KINDS:
        fail([f"--kind: {kind!r} is not a kind of run; one of {', '.join(RUN_KINDS)}"])
    km = athlete_units_km(athlete, db, distance, "--distance")
    _log(athlete, date, kind, distance=km, minutes=minutes, rpe=rpe,
         sport="treadmill_running" if treadmill else "running", notes=notes, db=db, as_json=as_json, what="run")


@app.command("cross")
def log_cross(
    ctx: typer.Context,
    sport: Annotated[str, typer.Option("--sport", help=f"One of {', '.join(CROSS_SPORTS)}.")],
    minutes: Annotated[float, typer.Option("--minutes", help="How long, in minutes.")],
    athlete: AthleteOpt = None,
    rpe: RpeOpt = None,
    date: DateOpt = None,
    notes: NotesOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Cross-training: bike, elliptical, swim, deep-water running, incline walk, rower, ski erg or yoga."""
    athlete = _athlete(ctx, athlete)
    if sport not in CROSS_SPORTS:
        fail([f"--sport: {sport!r} is not one backstride knows; one of {', '.join(CROSS_SPORTS)}"])
    _log(athlete, date, "cross_training", distance=None, minutes=minutes, rpe=rpe, sport=sport, notes=notes, db=db,
         as_json=as_json, what=sport.replace("_", " ") + " session")


@app.command("strength")
def log_strength(
    ctx: typer.Context,
    minutes: Annotated[float, typer.Option("--minutes", help="How long, in minutes.")],
    athlete: AthleteOpt = None,
    rpe: RpeOpt = None,
    date: DateOpt = None,
    notes: NotesOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A strength session (S-TWO: two short ones a week)."""
    athlete = _athlete(ctx, athlete)
    _log(athlete, date, "strength", distance=None, minutes=minutes, rpe=rpe, sport="strength", notes=notes, db=db,
         as_json=as_json, what="strength session")
