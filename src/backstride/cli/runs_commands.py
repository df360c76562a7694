"""`runs`: your runs, beside what was planned, week by week."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from backstride.cli.log_commands import AthleteOpt, DbOpt, JsonOpt, TodayOpt
from backstride.cli.output import console, fail
from backstride.cli.session import opened, print_json, today_option, write_file

__all__ = ["register", "runs_cmd", "workout_cmd"]


def runs_cmd(
    athlete: AthleteOpt,
    weeks: Annotated[int, typer.Option("--weeks", help="How many Monday weeks back.", min=1, max=104)] = 4,
    db: DbOpt = None,
    today: TodayOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """What you ran, beside what was planned, week by week, with a plain verdict for each day and week."""
    from backstride.services.runs import runs_for

    with opened(db) as database:
        state, records = runs_for(database, athlete, today_option(today), weeks)
    if as_json:
        print_json([{"week_start": w.start, "planned_km": w.planned_km, "done_km": w.done_km, "verdict": w.verdict,
                      "days": [{"date": d.date, "planned": [s.model_dump(mode="json", exclude_none=True)
                                                            for s in d.planned],
                                "done": [a.model_dump(mode="json", exclude_none=True) for a in d.done],
                                "planned_km": d.planned_km, "done_km": d.done_km, "verdict": d.verdict}
                               for d in w.days]} for w in records])
        return
    from backstride.cli.render_runs import format_runs

    console().print(format_runs(records, state.athlete.units))


def workout_cmd(
    athlete: AthleteOpt,
    out: Annotated[Path, typer.Argument(help="The .fit file to write (or a .zip for the week).")],
    date: Annotated[str | None, typer.Option("--date", help="The day of the planned run (default today).")] = None,
    week: Annotated[bool, typer.Option("--week", help="Every run of the seven days from --date, as a zip.")] = False,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing file.")] = False,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A planned run as a FIT workout file for your watch: warm-up, the run (run:walk as repeats), cool-down."""
    from backstride.services.workouts import workout_file

    day = today_option(date, "--date")
    week = week or out.suffix.lower() == ".zip"
    if out.suffix.lower() not in (".zip" if week else ".fit", ".zip"):
        fail([f"{out}: a week of workouts is a zip: name the file .zip" if week
              else f"{out}: name the workout file .fit (or .zip for the week)"])
    if out.is_dir():
        fail([f"{out}: is a folder; give a file name"])
    if out.exists() and not overwrite:
        fail([f"{out}: already exists (add --overwrite to replace it)"])
    with opened(db) as database:
        try:
            data, count = workout_file(database, athlete, day, week=week)
        except ValueError as exc:
            fail([f"--date: {exc}"])
    write_file(out, data)
    if as_json:
        print_json({"file": str(out), "sessions": count, "bytes": len(data)})
    else:
        console().print(f"Wrote {out} ({count} workout{'s' if count != 1 else ''}): copy it to your watch "
                        "(Garmin: the NewFiles folder) or open it in your watch's app.")


def register(app: typer.Typer) -> None:
    """Add `runs` and `workout` to the command line."""
    app.command("runs")(runs_cmd)
    app.command("workout")(workout_cmd)
