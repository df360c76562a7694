"""The ``backstride`` command line: a thin shell over the library.

Commands read input, call one library function, and print either JSON (the
contract) or a Rich rendering for people. Bad input exits with status 2 and
one located line per problem on stderr, never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from backstride.cli.output import console, fail
from backstride.cli.params import OptionalAthleteOpt, day
from backstride.cli.state_input import MAX_STATE_BYTES as MAX_STATE_BYTES
from backstride.cli.state_input import read_state as read_state

if TYPE_CHECKING:
    from backstride.contract import State

app = typer.Typer(
    name="backstride",
    help="Keeps runners with low back pain running: red-flag screening, today's decision and a week's plan, "
         "each explained by the rule that made it. backstride never diagnoses.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

InputOpt = Annotated[str | None, typer.Option("--input", "-i", help="A backstride.state/1 JSON file, or - for stdin.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON (the contract).")]




def _state_from_options(input_: str | None, athlete: int | None, db: str | None, today: str | None) -> State:
    if input_ is not None and athlete is not None:
        fail(["give either --input or --athlete, not both"])
    if input_ is not None:
        return read_state(input_)
    if athlete is not None:
        from backstride.cli.session import state_for_athlete

        day(today, "--today")  # refused before the database is opened
        return state_for_athlete(athlete, db, today, planner=True)
    fail(["give --input FILE (or - for stdin), or --athlete ID"])




@app.command()
def plan(
    input_: InputOpt = None,
    as_json: JsonOpt = False,
    athlete: OptionalAthleteOpt = None,
    db: Annotated[str | None, typer.Option("--db", help="Database URL (default: the local SQLite file).")] = None,
    today: Annotated[str | None, typer.Option("--today", help="Plan from this date (YYYY-MM-DD).")] = None,
) -> None:
    """Plan the next seven days: triage first, then the dose, then each session and why."""
    from backstride.core.planner import plan_week

    if input_ is None and athlete is not None:  # the stored athlete: planned and kept, the database opened once
        from backstride.cli.session import plan_for_athlete

        day(today, "--today")  # refused before the database is opened
        state, result = plan_for_athlete(athlete, db, today)
    else:
        state = _state_from_options(input_, athlete, db, today)
        result = plan_week(state)
    if as_json:
        sys.stdout.write(result.to_json() + "\n")
        return
    from backstride.cli.render import format_plan
    from backstride.rules import default_catalogue

    console().print(format_plan(result, default_catalogue(), state.athlete.units))


@app.command()
def decide(
    input_: InputOpt = None,
    as_json: JsonOpt = False,
    athlete: OptionalAthleteOpt = None,
    db: Annotated[str | None, typer.Option("--db", help="Database URL (default: the local SQLite file).")] = None,
    today: Annotated[str | None, typer.Option("--today", help="Decide for this date (YYYY-MM-DD).")] = None,
) -> None:
    """Today's action: run as planned, shorter and easier, cross-train, rest, or seek care."""
    from backstride.core.decide import decide_today

    if input_ is None and athlete is not None:  # the stored athlete, with their physio's adjustments
        from backstride.cli.session import decide_for_athlete

        day(today, "--today")  # refused before the database is opened
        state, result = decide_for_athlete(athlete, db, today)
    else:
        state = _state_from_options(input_, athlete, db, today)
        result = decide_today(state)
    if as_json:
        sys.stdout.write(result.to_json() + "\n")
        return
    from backstride.cli.render import format_decision

    console().print(format_decision(result, state.athlete.units))


@app.command()
def rules(as_json: JsonOpt = False) -> None:
    """The rule catalogue: every rule's id, numbers with units, and source."""
    from backstride.rules import default_catalogue

    catalogue = default_catalogue()
    if as_json:
        sys.stdout.write(json.dumps([r.to_json_dict() for r in catalogue], indent=2, ensure_ascii=False) + "\n")
        return
    from backstride.cli.render import format_rules

    console().print(format_rules(catalogue))


_PLANNER_COMMANDS = frozenset({"plan", "decide", "rules"})


def full_app() -> typer.Typer:
    """The command line with every command: the planner's and the training log's."""
    if not any(c.name == "start" for c in app.registered_commands):  # the log commands are not in yet
        from backstride.cli import clinic_commands, deploy_commands, log_commands, runs_commands, web_commands

        log_commands.register(app)
        runs_commands.register(app)
        web_commands.register(app)
        clinic_commands.register(app)
        deploy_commands.register(app)
    return app


def run() -> None:
    """Entry point of the ``backstride`` command."""
    # backstride uses no pydantic plugins; not scanning installed packages for them saves start-up time.
    # Set here, when the command starts, not when the module is imported (a program importing backstride
    # keeps its own environment); no model is built before this line.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    # Typer builds every registered command before it dispatches, and the training-log commands
    # bring their own imports: a planner command (the one scripts call over and over) starts
    # quicker without them. Help and every other command get the full set.
    if len(sys.argv) > 1 and sys.argv[1] in _PLANNER_COMMANDS:
        app()
    else:
        full_app()()


if __name__ == "__main__":
    run()
