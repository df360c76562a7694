"""Pure renderers for `runs` and `weeks` marks: words and symbols as well as colour, in the runner's units."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from backstride.contract import Activity, Session
from backstride.core.planned_done import Verdict, WeekRecord

__all__ = ["VERDICT_MARK", "format_runs"]

KM_PER_MILE = 1.609344
VERDICT_MARK: dict[Verdict, tuple[str, str]] = {
    "as planned": ("✓ as planned", "green"),
    "shorter": ("↓ shorter", "yellow"),
    "skipped": ("✗ skipped", "red"),
    "more than planned": ("↑ more than planned", "bold red"),
    "rest": ("· rest", "dim"),
    "no plan kept": ("? no plan kept", "dim"),
    "to come": ("… to come", "dim"),
}


def _dist(km: float, units: str) -> str:
    return f"{km / KM_PER_MILE:.1f} mi" if units == "mi" else f"{km:.1f} km"


def _session(s: Session, units: str) -> str:
    what = s.kind.replace("_", " ")
    if s.activity:
        what = s.activity.replace("_", " ")
    if s.distance_km is not None:
        return f"{what} {_dist(s.distance_km, units)}"
    return f"{what} {s.duration_min:.0f} min" if s.duration_min else what


def _done(a: Activity, units: str) -> str:
    parts = [a.kind.replace("_", " ")]
    if a.distance_km is not None:
        parts.append(_dist(a.distance_km, units))
    if a.duration_min is not None:
        parts.append(f"{a.duration_min:.0f} min")
    return " ".join(parts)


def _mark(v: Verdict) -> Text:
    words, style = VERDICT_MARK[v]
    return Text(words, style=style)


def format_runs(weeks: list[WeekRecord], units: str = "km") -> RenderableType:
    """One table a week (newest last): planned, done and the verdict per day, then the week's verdict."""
    parts: list[RenderableType] = []
    for w in weeks:
        table = Table(title=f"Week of {w.start:%a %d %b %Y}", title_justify="left", show_lines=False)
        table.add_column("Day", no_wrap=True)
        table.add_column("Planned", overflow="fold")
        table.add_column("Done", overflow="fold")
        table.add_column("Verdict", no_wrap=True)
        for d in w.days:
            planned = (", ".join(_session(s, units) for s in d.planned) or "rest") if d.plan_kept else "-"
            done = ", ".join(_done(a, units) for a in d.done) or "-"
            table.add_row(f"{d.date:%a %d}", planned, done, _mark(d.verdict))
        summary = Text(f"Planned {_dist(w.planned_km, units)}, ran {_dist(w.done_km, units)}: ")
        summary.append_text(_mark(w.verdict))
        parts += [table, summary]
    parts.append(Text("✓ as planned (within 10%)  ↓ shorter  ✗ skipped  ↑ more than planned", style="dim"))
    return Group(*parts)
