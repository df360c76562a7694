"""The domain core imports nothing from the web, the database or the command line."""

from __future__ import annotations

import subprocess
import sys

FORBIDDEN = ("sqlalchemy", "alembic", "psycopg", "fastapi", "starlette", "jinja2", "typer", "rich", "click",
             "backstride.storage", "backstride.cli", "backstride.importers", "backstride.web")


def test_importing_the_core_loads_no_web_database_or_cli_library() -> None:
    code = (
        "import sys\n"
        "import backstride.contract, backstride.rules\n"
        "import backstride.core.planner, backstride.core.decide, backstride.core.triage\n"
        "import backstride.core.pain_response, backstride.core.timeline, backstride.core.dose\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r} or m.startswith({FORBIDDEN!r}))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"the core pulled in: {out.stdout.strip()}"


def test_the_core_reads_no_clock() -> None:
    import inspect

    import backstride.core.decide as decide
    import backstride.core.dose as dose
    import backstride.core.planner as planner
    import backstride.core.triage as triage
    import backstride.core.week_layout as layout

    for module in (decide, dose, planner, triage, layout):
        source = inspect.getsource(module)
        assert "date.today(" not in source and "datetime.now(" not in source and "time.time(" not in source, module
