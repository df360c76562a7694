"""`runs`: your runs, beside what was planned, week by week."""

from __future__ import annotations

from typing import Annotated

import typer

from backstride.cli.log_commands import AthleteOpt, DbOpt, JsonOpt, TodayOpt, _database, _print_json, _today
from backstride.cli.output import console

__all__ = ["register", "runs_cmd"]


def runs_cmd(
    athlete: AthleteOpt,
    weeks: Annotated[int, typer.Option("--weeks", help="How many Monday weeks back.", min=1, max=104)] = 4,
    db: DbOpt = None,
    today: TodayOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """What you ran, beside what was planned, week by week, with a plain verdict for each day and week."""
    from backstride.services.runs import runs_for

    with _database(db) as database:
        state, records = runs_for(database, athlete, _today(today), weeks)
    if as_json:
        _print_json([{"week_start": w.start, "planned_km": w.planned_km, "done_km": w.done_km, "verdict": w.verdict,
                      "days": [{"date": d.date, "planned": [s.model_dump(mode="json", exclude_none=True)
                                                            for s in d.planned],
                                "done": [a.model_dump(mode="json", exclude_none=True) for a in d.done],
                                "planned_km": d.planned_km, "done_km": d.done_km, "verdict": d.verdict}
                               for d in w.days]} for w in records])
        return
    from backstride.cli.render_runs import format_runs

    console().print(format_runs(records, state.athlete.units))


def register(app: typer.Typer) -> None:
    """Add `runs` to the command line."""
    app.command("runs")(runs_cmd)
