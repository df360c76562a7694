"""Pure renderers for the training log: import summaries, weekly progress, the causes report."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from backstride.cli.units import readable
from backstride.core.causes import CausesReport
from backstride.core.progress import WeekProgress
from backstride.services.importing import ImportSummary

__all__ = ["format_causes", "format_import_summary", "format_weeks"]

KM_PER_MILE = 1.609344
_RESPONSE_STYLE = {"green": "green", "amber": "yellow", "red": "bold red", "unknown": "dim"}


def format_import_summary(s: ImportSummary) -> RenderableType:
    """The counts, then every file worth a word (damaged, sport unknown or guessed, failed) with its reason."""
    if s.found_nothing:
        return _found_nothing(s)
    table = Table(title="Import", show_header=False)
    table.add_column(justify="right", style="bold")
    table.add_column()
    rate = s.files / s.seconds if s.seconds > 0 else 0.0
    table.add_row(str(s.files), f"files read ({s.bytes / 2**20:.1f} MB in {s.seconds:.1f} s, {rate:.0f} files/s)")
    other = s.not_runs - len(s.unknown_sport)
    kinds = [f"{other} of other sports, kept as cross-training" if other else "",
             f"{len(s.unknown_sport)} of unknown sport, not counted as runs" if s.unknown_sport else "",
             f"{len(s.run_by_pace)} taken as runs from their pace" if s.run_by_pace else ""]
    said = "; ".join(k for k in kinds if k)
    table.add_row(str(s.imported), "activities imported" + (f" ({said})" if said else ""))
    if s.partial:
        table.add_row(str(s.partial), "from damaged files: what could be read was kept (listed below)")
    table.add_row(str(s.duplicates), "already in your log (nothing imported twice)")
    if s.repeated:
        table.add_row(str(s.repeated), "given more than once in this import (kept once)")
    table.add_row(str(len(s.skipped)), "files with no activity in them")
    table.add_row(Text(str(len(s.failed)), style="red" if s.failed else ""), "files that could not be read")
    if s.corrected:
        table.add_row(str(len(s.corrected)), "impossible values left out (listed below)")
    parts: list[RenderableType] = [table]
    parts += _files("Read in part", "What was kept and what was lost", s.damaged, "yellow", s.units)
    parts += _files("Sport unknown: kept, not counted as a run", "Why", s.unknown_sport, "yellow", s.units)
    parts += _files("Taken as runs from their pace", "Why", s.run_by_pace, "", s.units)
    parts += _files("Values no run can have", "What was left out", s.corrected, "yellow", s.units)
    parts += _files("Not imported", "Why it could not be read",
                    [f"{f.source_name}: {f.reason}" for f in s.failed], "red", s.units)
    return Group(*parts)


def _files(title: str, heading: str, lines: list[str], style: str, units: str = "km") -> list[RenderableType]:
    """A table of "name: reason" lines whose names wrap (never cut) at any width; reasons in ``units``."""
    if not lines:
        return []
    table = Table(title=title, title_style=style)
    table.add_column("File", overflow="fold", ratio=1)
    table.add_column(heading, overflow="fold", ratio=2)
    for line in lines:
        name, _, reason = line.partition(": ")
        table.add_row(name, readable(reason, units))
    return [table]


def _found_nothing(s: ImportSummary) -> RenderableType:
    """The warning for an import that found no activity file at all."""
    text = Text("No activities were found: ", style="bold yellow")
    if s.files == 0:
        text.append("the folder is empty, or holds no files backstride reads.")
    else:
        text.append(f"none of the {s.files} files read holds an activity.")
    text.append(" backstride reads FIT, GPX and TCX files (also .gz), Strava activities.csv "
                "and Strava or Garmin export zips. Nothing was changed in your log.")
    parts: list[RenderableType] = [text]
    parts += _files("Files with no activity in them", "Why", s.skipped, "")
    return Group(*parts)


def _bar(value: float, top: float, width: int = 4) -> str:
    n = 0 if top <= 0 else round(width * value / top)
    return "█" * n + "·" * (width - n)


_RESPONSE_MARK = {"green": "✓ green", "amber": "! amber", "red": "✗ red", "unknown": "? -"}


def format_weeks(rows: list[WeekProgress], units: str = "km") -> RenderableType:
    """Pain against load, one row a Monday week, oldest first; fits 80 columns, marks in symbols and words."""
    from rich import box

    factor = 1 / KM_PER_MILE if units == "mi" else 1.0
    unit = "mi" if units == "mi" else "km"
    top = max((r.run_km for r in rows), default=0.0)
    table = Table(title="Pain against load, Monday weeks", box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1))
    for name, justify in (("Week of", "left"), (unit, "left"), ("Runs", "right"), ("Long", "right"),
                          ("Change", "right"), ("Ratio", "right"), ("Pain", "right"), ("Back", "left"),
                          ("Also", "left")):
        table.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for r in rows:
        fast = r.change is not None and r.change > 0.1
        spike = r.acwr is not None and r.acwr > 1.5
        change = "" if r.change is None else f"{r.change:+.0%}" + (" ▲" if fast else "")
        ratio = "" if r.acwr is None else f"{r.acwr:.2f}" + (" ▲" if spike else "")
        table.add_row(
            f"{r.start:%d %b}",
            f"{_bar(r.run_km, top)} {r.run_km * factor:.1f}",
            str(r.runs),
            f"{r.longest_km * factor:.1f}",
            Text(change, style="bold red" if fast else ""),
            Text(ratio, style="bold red" if spike else ""),
            "" if r.morning_pain is None else f"{r.morning_pain:.1f}",
            Text(_RESPONSE_MARK[r.response], style=_RESPONSE_STYLE[r.response]),
            " ".join(x for x in (f"{r.cross_training}X" if r.cross_training else "",
                                 f"{r.strength}S" if r.strength else "") if x),
        )
    note = Text(f"Long: longest run ({unit}). Pain: average morning pain /10. Back: how the back answered the "
                "week. Also: X cross-training, S strength sessions. ▲ marks a rise above +10% or a load ratio "
                "above 1.5: rises that fast often come before a flare.", style="dim")
    return Group(table, note)


def format_causes(report: CausesReport) -> RenderableType:
    """What the history shows, what was checked and found fine, and the questions only the runner can answer."""
    parts: list[RenderableType] = [Text(f"What may have led to the pain ({report.weeks_examined} weeks examined)",
                                        style="bold")]
    found = [c for c in report.causes if c.found]
    clear = [c for c in report.causes if not c.found]
    if found:
        for c in found:
            t = Text()
            t.append(f"• {c.title}: ", style="bold yellow")
            t.append(f"{c.evidence}\n  ")
            t.append(c.advice, style="italic")
            t.append(f"  [{c.id}; {c.source}]", style="dim")
            parts.append(t)
    else:
        parts.append(Text("Nothing in the training history stands out.", style="green"))
    if clear:
        parts.append(Text("Checked and fine: " + "; ".join(f"{c.title} ({c.evidence})" for c in clear),
                          style="dim"))
    if report.questions:
        q = Text("Worth asking yourself\n", style="bold")
        for question in report.questions:
            q.append(f"• {question.text}\n")
        parts.append(q)
    return Group(*parts)
