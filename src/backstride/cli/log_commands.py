"""Training-log commands: athletes, imports, check-ins, causes, calendar, export, erase, backup.

Thin shells over :mod:`backstride.services`; storage is imported only when a
command runs, so planning from a file stays quick to start.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from backstride.cli.output import console, error_console, fail
from backstride.cli.params import AthleteOpt as AthleteOpt
from backstride.cli.params import id_argument
from backstride.cli.session import opened, print_json, state_for_athlete, today_option, write_file
from backstride.services.checkin_questions import ASKED_EACH_MORNING, LEG_DETAIL, LEG_SYMPTOMS, SYMPTOM_NAMES

if TYPE_CHECKING:
    pass

DbOpt = Annotated[str | None, typer.Option("--db", help="Database URL (default: BACKSTRIDE_DATABASE_URL, "
                                                         "else the local SQLite file).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
TodayOpt = Annotated[str | None, typer.Option("--today", help="The date to act on (YYYY-MM-DD); default today.")]




# --- commands ---------------------------------------------------------------------------------------

def athlete_list(db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """The athletes in the log."""
    from backstride.services.records import athletes as list_athletes

    with opened(db) as database:
        athletes = list_athletes(database)
    if as_json:
        print_json([{"id": a.id, "name": a.name, "created_at": a.created_at} for a in athletes])
        return
    from rich.table import Table

    table = Table("Id", "Name", "Since")
    for a in athletes:
        table.add_row(str(a.id), a.name, f"{a.created_at:%d %b %Y}")
    console().print(table)


def state_cmd(athlete: AthleteOpt, db: DbOpt = None, today: TodayOpt = None,
              as_json: Annotated[bool, typer.Option("--json", help="Accepted for symmetry: the state is always "
                                                               "JSON.")] = False) -> None:
    """Print the athlete's backstride.state/1 (always JSON): what the planner reads."""
    state = state_for_athlete(athlete, db, today)
    print_json(state.to_json_dict())


def import_cmd(
    athlete: AthleteOpt,
    paths: Annotated[list[Path], typer.Argument(help="FIT, GPX or TCX files (also .gz), folders, or Strava / "
                                                    "Garmin export zips.")],
    db: DbOpt = None,
    workers: Annotated[int | None, typer.Option("--workers", help="Decoding processes (default: all cores).",
                                                min=1)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Import runs from watch files and exports. Exit 0: all imported; 1: a file failed, or none held an activity."""
    from backstride.services.importing import count_files, import_paths

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        fail([f"{p}: no such file or folder" for p in missing])
    with opened(db) as database:
        if as_json or not sys.stderr.isatty():
            summary = import_paths(database, athlete, paths, workers=workers)
        else:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            with Progress(TextColumn("[bold]Importing"), BarColumn(), MofNCompleteColumn(),
                          TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("{task.fields[name]}"),
                          console=error_console(), transient=False) as bar:
                task = bar.add_task("import", total=count_files(paths), rate="", name="")
                started = dt.datetime.now()

                def tick(name: str) -> None:
                    done = bar.tasks[0].completed + 1
                    secs = max((dt.datetime.now() - started).total_seconds(), 1e-3)
                    bar.update(task, advance=1, rate=f"{done / secs:.0f} files/s", name=name[-40:])

                summary = import_paths(database, athlete, paths, workers=workers, on_file=tick)
                bar.update(task, total=bar.tasks[0].completed)
    if as_json:
        print_json(summary.to_json_dict())
    else:
        from backstride.cli.render_log import format_import_summary

        console().print(format_import_summary(summary))
    raise typer.Exit(1 if summary.failed or summary.found_nothing else 0)




# The check-in fields whose option is not the field's own name.
_CHECKIN_OPTIONS = {"sleep_hours": "--sleep", "pain_rising_during": "--rising", "sharp_pain": "--sharp"}


def checkin_cmd(
    athlete: AthleteOpt,
    date: Annotated[str | None, typer.Option("--date", help="The day of the check-in (default today).")] = None,
    pain_rest: Annotated[int | None, typer.Option("--pain-rest", help="Pain at rest this morning, 0-10.")] = None,
    pain_during: Annotated[int | None, typer.Option("--pain-during", help="Worst pain during today's run.")] = None,
    pain_after: Annotated[int | None, typer.Option("--pain-after", help="Pain a few hours after the run.")] = None,
    rising: Annotated[bool | None, typer.Option("--rising/--not-rising", help="Pain kept rising during the run.")]
    = None,
    sharp: Annotated[bool | None, typer.Option("--sharp/--not-sharp", help="Sharp pain during the run.")] = None,
    flag: Annotated[list[str] | None, typer.Option("--yes", help="A symptom you have (repeatable): "
                                                   + ", ".join(SYMPTOM_NAMES) + ".")] = None,
    no_flag: Annotated[list[str] | None, typer.Option("--no", help="A symptom you no longer have (repeatable; a "
                                                      "yes stays until it is answered no).")] = None,
    sleep: Annotated[float | None, typer.Option("--sleep", help="Hours of sleep last night.")] = None,
    stress: Annotated[int | None, typer.Option("--stress", help="Stress, 0-10.")] = None,
    confidence: Annotated[int | None, typer.Option("--confidence", help="Confidence about running, 0-10.")] = None,
    notes: Annotated[str | None, typer.Option("--notes", help="Anything else worth noting.")] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record today's check-in (asks the questions when none are given) and screen it for red flags."""
    from backstride.contract import InvalidState, parse_checkin
    from backstride.services.training_log import record_checkin

    when = today_option(date, "--date", past_only=True)
    answers: dict[str, Any] = {"date": when.isoformat(), "pain_rest": pain_rest, "pain_during": pain_during,
                               "pain_after": pain_after, "pain_rising_during": rising, "sharp_pain": sharp,
                               "sleep_hours": sleep, "stress": stress, "confidence": confidence, "notes": notes}
    for option, given, value in (("--yes", flag, True), ("--no", no_flag, False)):
        for f in given or []:
            if f not in SYMPTOM_NAMES:
                fail([f"{option}: unknown symptom {f!r}; one of {', '.join(sorted(SYMPTOM_NAMES))}"])
            if answers.get(f) is True and value is False:
                fail([f"--yes {f} and --no {f}: answer it one way"])
            answers[f] = value
    asked = all(v is None for k, v in answers.items() if k != "date")
    if asked:
        if not sys.stdin.isatty():
            fail(["give the answers as options (e.g. --pain-rest 2), or run in a terminal to be asked"])
        answers.update(_ask())
    try:
        checkin = parse_checkin({k: v for k, v in answers.items() if v is not None})
    except InvalidState as exc:
        fail([f"{_CHECKIN_OPTIONS.get(p.where, '--' + p.where.replace('_', '-'))}: {p.message}"
              for p in exc.problems])
    with opened(db) as database:
        result = record_checkin(database, athlete, checkin, when)
    tri = result.triage.as_contract()
    if as_json:
        print_json({"checkin": result.checkin.model_dump(mode="json", exclude_none=True),
                    "triage": tri.model_dump(mode="json"), "running_allowed": result.triage.running_allowed,
                    "run": None if result.run is None else {"level": result.run.level, "rule": result.run.rule,
                                                             "why": result.run.why},
                    "replanned": result.replanned is not None})
        return
    from backstride.cli.render import format_triage

    out_console = console()
    out_console.print(f"Check-in for {when:%A %d %B} saved.")
    banner = format_triage(tri)
    if banner is not None:
        out_console.print(banner)
    out_console.print(_run_answer_text(result, athlete, banner is None))


def _run_answer_text(result: Any, athlete: int, no_banner: bool) -> str:
    """What the check-in says about the day's run, in a sentence, and what happens next."""
    run_answer = result.run
    if run_answer is not None and run_answer.level == "red":
        return (f"That run was too much for your back ({run_answer.why}) [{run_answer.rule}]. The rest of the week "
                f"is planned again from today, lighter: see `backstride plan -a {athlete}`.")
    if run_answer is not None and run_answer.level == "amber":
        return (f"Your back found that run a bit much ({run_answer.why}) [{run_answer.rule}]: the next run "
                f"stays shorter and easy. `backstride decide -a {athlete}` says what to do today.")
    if run_answer is not None and run_answer.level == "green":
        return (f"Your back answered that run well ({run_answer.why}). `backstride decide -a {athlete}` says what "
                "to do today.")
    start = "No warning signs in this check-in. " if no_banner else ""
    return f"{start}`backstride decide -a {athlete}` tells you what to do today."


def _ask() -> dict[str, Any]:
    from rich.prompt import Confirm, IntPrompt

    def score(question: str, allow_skip: bool = False) -> int | None:
        while True:
            value = IntPrompt.ask(question + (" (Enter to skip)" if allow_skip else ""),
                                  default=None if allow_skip else 0, show_default=not allow_skip)
            if value is None or 0 <= value <= 10:
                return value
            error_console().print("Please give a number from 0 (no pain) to 10 (worst imaginable).")

    out: dict[str, Any] = {"pain_rest": score("Pain at rest this morning, 0-10")}
    if Confirm.ask("Did you run today?", default=False):
        out["pain_during"] = score("Worst pain during the run, 0-10")
        out["pain_rising_during"] = Confirm.ask("Did the pain keep rising as you ran?", default=False)
        out["sharp_pain"] = Confirm.ask("Any sharp pain?", default=False)
        out["pain_after"] = score("Pain a few hours after, 0-10", allow_skip=True)
    for name, question, _ in ASKED_EACH_MORNING:
        if name == LEG_DETAIL and not any(out.get(s) for s in LEG_SYMPTOMS):
            continue  # "both legs?" is asked only when there are leg symptoms
        out[name] = Confirm.ask(question, default=False)
    return out


def causes_cmd(athlete: AthleteOpt, db: DbOpt = None, today: TodayOpt = None, as_json: JsonOpt = False) -> None:
    """What in the history may have led to the pain, with the weeks and numbers that show it."""
    from backstride.services.training_log import causes_for

    with opened(db) as database:
        report = causes_for(database, athlete, today_option(today))
    if as_json:
        print_json(report.to_json_dict())
        return
    from backstride.cli.render_log import format_causes

    console().print(format_causes(report))


def calendar_cmd(
    athlete: AthleteOpt,
    out: Annotated[Path, typer.Argument(help="The .ics file to write.")],
    db: DbOpt = None,
    today: TodayOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write the week's plan as an iCalendar file for any calendar app."""
    from backstride.services.training_log import calendar_for

    with opened(db) as database:
        data = calendar_for(database, athlete, today_option(today))
    write_file(out, data)
    if as_json:
        print_json({"file": str(out), "bytes": len(data)})
    else:
        console().print(f"Wrote {out}: open it with your calendar app.")


def export_cmd(
    athlete: AthleteOpt,
    out: Annotated[Path, typer.Argument(help="The file to write (.json, or a .zip of CSV files).")],
    fmt: Annotated[str | None, typer.Option("--format", help="json or csv (default: from the file name: "
                                                          ".json, or .zip for CSV files)")] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing file.")] = False,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Everything stored about one athlete, as JSON or CSV (a zip of one CSV per table)."""
    from backstride.services.records import export_to

    fmt = _export_format(out, fmt)
    if out.is_dir():
        fail([f"{out}: is a folder; give the name of the file to write"])
    if out.exists() and not overwrite:
        fail([f"{out}: already exists (add --overwrite to replace it)"])
    with opened(db) as database:
        try:
            export_to(database, athlete, out, fmt, overwrite=overwrite)
        except OSError as exc:
            fail([f"{out}: cannot write it ({exc.strerror or exc})"])
    if as_json:
        print_json({"file": str(out), "format": fmt})
    else:
        console().print(f"Wrote {out}.")


_SUFFIX_FORMAT = {".json": "json", ".zip": "csv"}


def _export_format(out: Path, fmt: str | None) -> str:
    """The export format: the one asked for, else the file name's; a mismatch between them is refused."""
    if fmt is not None and fmt not in ("json", "csv"):
        fail([f"--format: must be json or csv (got {fmt!r})"])
    by_suffix = _SUFFIX_FORMAT.get(out.suffix.lower())
    if fmt is None:
        if by_suffix is None:
            fail([f"{out}: name the file .json (one JSON document) or .zip (CSV files), or give --format"])
        return by_suffix
    if fmt == "csv" and by_suffix != "csv":
        fail([f"--format csv: writes a zip of CSV files; name the file .zip (got {out.name})"])
    if by_suffix is not None and by_suffix != fmt:
        want = "a .zip" if fmt == "csv" else "a .json"
        fail([f"--format {fmt}: writes {want} file, but {out.name} is named for {by_suffix}"])
    return fmt


def backup_cmd(
    out: Annotated[Path, typer.Argument(help="The backup file to write (a SQLite database).")],
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing file.")] = False,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A consistent copy of the database, safe to take while backstride is in use."""
    from backstride.storage import BackupError, backup

    if out.exists() and not overwrite:
        fail([f"{out}: already exists (add --overwrite to replace it)"])
    with opened(db) as database:
        try:
            report = backup(database, out, overwrite=overwrite)
        except (BackupError, OSError) as exc:
            fail([f"{out}: {exc}"])
    if as_json:
        print_json(dataclasses.asdict(report))
    else:
        console().print(f"Backed up to {out} and checked it.")


def weeks_cmd(
    athlete: AthleteOpt,
    weeks: Annotated[int, typer.Option("--weeks", help="How many weeks back.", min=1, max=104)] = 12,
    db: DbOpt = None,
    today: TodayOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Pain against load, week by week: what is working and what caused trouble."""
    from backstride.core.progress import weekly_progress

    state = state_for_athlete(athlete, db, today)
    rows = weekly_progress(state, weeks)
    if as_json:
        print_json([r.to_json_dict() for r in rows])
        return
    from backstride.cli.render_log import format_weeks

    console().print(format_weeks(rows, state.athlete.units))


def shoes_add(
    athlete: AthleteOpt,
    name: Annotated[str, typer.Argument(help="What you call the shoes, e.g. 'Pegasus 41 (blue)'.")],
    distance: Annotated[float | None, typer.Option("--distance", help="Distance they already have, in your units "
                                                   "(km or mi, as set with `athlete edit --units`).")] = None,
    start_km: Annotated[float | None, typer.Option("--km", hidden=True,
                                                   help="Distance they already have, in km.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="The day they came into use (default today); "
                                              "only runs from that day count against them.")] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a pair of running shoes; runs from the day they came into use count against them."""
    from backstride.services.shoes import add_shoes, shoes_of

    if distance is not None and start_km is not None:
        fail(["give either --distance (in your units) or --km, not both"])
    option = "--km" if start_km is not None else "--distance"
    added_on = today_option(since, "--since", past_only=True)
    with opened(db) as database:
        try:
            shoe = add_shoes(database, athlete, name, start_km if start_km is not None else distance or 0.0,
                             added_on, units="km" if start_km is not None else None)
        except ValueError as exc:
            fail([f"{option if 'must be' in str(exc) else 'name'}: {exc}"])
        listed = shoes_of(database, athlete)
    if as_json:
        print_json({"id": shoe})
        return
    from backstride.cli.units import distance_text

    km = next(s.km for s, _ in listed.shoes if s.id == shoe)
    so_far = f", {distance_text(km, listed.units, 0)} so far" if km else ""
    console().print(f"Added {name!r} (shoe {shoe}{so_far}); runs from {added_on:%d %b %Y} count against them.")


def shoes_list(athlete: AthleteOpt, db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Your shoes and their distance in your units, with a note when they are due for replacing (E-SHOES)."""
    from backstride.cli.units import distance_text
    from backstride.services.shoes import shoes_of

    with opened(db) as database:
        listed = shoes_of(database, athlete)
    if as_json:
        print_json([{**dataclasses.asdict(s), "advice": advice} for s, advice in listed.shoes])
        return
    from rich.table import Table

    units = listed.units
    low, high = distance_text(listed.warn_km, units, 0), distance_text(listed.replace_km, units, 0)
    table = Table("Id", "Shoes", "Distance", "Since", "", title=f"Running shoes (replace every {low} to {high})")
    for s, advice in listed.shoes:
        table.add_row(str(s.id), s.name, distance_text(s.km, units, 0), f"{s.added_on:%d %b %Y}", advice)
    console().print(table)


def shoes_retire(
    athlete: AthleteOpt,
    shoe: Annotated[int, id_argument(help="The shoe's id (see `backstride shoes list`).")],
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Retire a pair of shoes: they keep their runs but get no new ones."""
    from backstride.services.shoes import retire_shoes

    with opened(db) as database:
        retire_shoes(database, athlete, shoe)
    if as_json:
        print_json({"retired": shoe})
    else:
        console().print(f"Shoe {shoe} retired.")


def start_cmd(db: DbOpt = None, today: TodayOpt = None) -> None:
    """Open the training log (with a demo athlete when it is empty) and show today and the week."""
    from backstride.cli.render import format_decision, format_plan
    from backstride.rules import default_catalogue
    from backstride.services.demo import ensure_demo_athlete
    from backstride.services.training_log import decide_for, plan_for
    from backstride.storage import get_athlete, resolve_url

    when = today_option(today)
    out_console = console()
    with opened(db) as database:
        athlete = ensure_demo_athlete(database, when)
        who = get_athlete(database, athlete)
        _, decision = decide_for(database, athlete, when)
        state, plan = plan_for(database, athlete, when)
    out_console.rule(f"backstride — {who.name}")
    out_console.print(format_decision(decision, state.athlete.units))
    out_console.print(format_plan(plan, default_catalogue(), state.athlete.units))
    url = resolve_url(db)
    where = url.split(":///", 1)[1] if url.startswith("sqlite") else url.split("@")[-1]
    # Name the command as the runner can type it: the full path when .venv/bin is not on PATH.
    cmd = "backstride" if shutil.which("backstride") else str(Path(sys.argv[0]).resolve())
    out_console.print(
        f"\nYour log is in {where}.\nNext: `{cmd} checkin -a {athlete}` each morning, "
        f"`{cmd} import -a {athlete} FILES` for your watch files, `{cmd} weeks -a {athlete}` for pain "
        f"against load, `{cmd} causes -a {athlete}`, and `{cmd} --help` for the rest. "
        "backstride does not diagnose: when it says see a clinician, please do.")


def athlete_units_km(athlete: int, db_url: str | None, value: float | None, option: str) -> float | None:
    """A distance the runner typed in their own units, in km (the log and the planner keep km)."""
    if value is None:
        return None
    if value < 0:
        fail([f"{option}: must be 0 or more (got {value:g})"])
    from backstride.cli.units import to_km
    from backstride.storage import get_athlete

    with opened(db_url) as db:
        return to_km(value, get_athlete(db, athlete).units)


def register(app: typer.Typer) -> None:
    """Add the training-log commands to the ``backstride`` command line."""
    from backstride.cli import adjust_commands, athlete_commands, manual_commands, safekeeping_commands, schema_commands

    app.add_typer(manual_commands.app, name="log")
    athletes = typer.Typer(help="Athletes in the training log.", no_args_is_help=True)
    athletes.command("create")(athlete_commands.athlete_create)
    athletes.command("edit")(athlete_commands.athlete_edit)
    athletes.command("clear")(athlete_commands.athlete_clear)
    athletes.command("diagnosis")(adjust_commands.athlete_diagnosis)
    athletes.command("list")(athlete_list)
    app.add_typer(athletes, name="athlete")
    app.add_typer(adjust_commands.app, name="adjust")
    shoes = typer.Typer(help="Running shoes: distance counted from your runs.", no_args_is_help=True)
    shoes.command("add")(shoes_add)
    shoes.command("list")(shoes_list)
    shoes.command("retire")(shoes_retire)
    app.add_typer(shoes, name="shoes")
    app.command("start")(start_cmd)
    app.command("schema")(schema_commands.schema_cmd)
    app.command("state")(state_cmd)
    app.command("import")(import_cmd)
    app.command("checkin")(checkin_cmd)
    app.command("weeks")(weeks_cmd)
    app.command("causes")(causes_cmd)
    app.command("calendar")(calendar_cmd)
    app.command("export")(export_cmd)
    app.command("erase")(safekeeping_commands.erase_cmd)
    app.command("backup")(backup_cmd)
    app.command("restore")(safekeeping_commands.restore_cmd)
