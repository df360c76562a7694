"""Pure renderers: plans, decisions and the rule catalogue as Rich renderables (no printing here)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from backstride.contract import RUNNING_KINDS, Decision, Plan, Session, Triage
from backstride.core.words import in_units
from backstride.rules import Catalogue
from backstride.services.presenting import (
    ACTION_NAMES,
    PHASE_NAMES,
    TRIAGE_TITLES,
    distance_text,
    session_what,
)

__all__ = ["format_decision", "format_plan", "format_rules", "format_triage"]



def format_triage(triage: Triage, units: str = "km") -> RenderableType | None:
    """A banner for any triage level above none (unmistakable for an emergency)."""
    if not triage.reasons:
        return None
    text = Text()
    for r in triage.reasons:
        text.append(f"{in_units(r.text, units)}  ", style="bold" if triage.level == "emergency" else "")
        text.append(f"[{r.rule}]\n", style="dim")
    if triage.level == "emergency":
        return Panel(text, title=TRIAGE_TITLES["emergency"], border_style="bold red",
                     style="bold")
    title = TRIAGE_TITLES.get(triage.level, "Please note")
    return Panel(text, title=title, border_style="yellow")


def _session_what(s: Session, units: str) -> str:
    return session_what(s, units)


def format_plan(plan: Plan, catalogue: Catalogue, units: str = "km") -> RenderableType:
    """A week a runner reads at a glance: banner, the days, then the reasons."""
    parts: list[RenderableType] = []
    banner = format_triage(plan.triage, units)
    if banner is not None:
        parts.append(banner)
    v = plan.volume
    head = Text()
    head.append(f"Week from {plan.week_start:%a %d %b %Y} — {PHASE_NAMES[plan.phase]}\n", style="bold")
    if plan.running_allowed:
        head.append(f"Running this week: {distance_text(v.planned_run_km, units)} "
                    f"(last week {distance_text(v.last_week_run_km, units)}, "
                    f"your normal week {distance_text(v.baseline_run_km, units)})")
        if plan.cadence_target_spm:
            head.append(f"\nCadence target: about {plan.cadence_target_spm:.0f} steps a minute")
    else:
        head.append("No running this week.", style="bold")
    parts.append(head)
    table = Table(show_lines=False, expand=True)
    table.add_column("Day", no_wrap=True)
    table.add_column("Session")
    table.add_column("Distance", justify="right", no_wrap=True)
    table.add_column("Time", justify="right", no_wrap=True)
    table.add_column("Effort", justify="right", no_wrap=True)
    table.add_column("Rules", style="dim")
    for s in plan.sessions:
        style = "bold" if s.kind in RUNNING_KINDS else ("dim" if s.kind == "rest" else "")
        table.add_row(
            f"{s.date:%a %d}", Text(_session_what(s, units), style=style), distance_text(s.distance_km, units),
            f"{s.duration_min:.0f} min" if s.duration_min else "", f"{s.rpe_max}/10" if s.rpe_max is not None else "",
            " ".join(s.rules),
        )
    parts.append(table)
    why = Text("Why this plan\n", style="bold")
    for r in plan.rules_applied:
        title = catalogue.rule(r.id).title if r.id in catalogue else r.id
        why.append(f"• {title}: ", style="bold")
        why.append(f"{in_units(r.why, units).rstrip('.')}. ")
        why.append(f"[{r.id}; source: {in_units(r.source, units)}]\n", style="dim")
    parts.append(why)
    return Group(*parts)


def format_decision(decision: Decision, units: str = "km") -> RenderableType:
    """Today's action, the session, what means stop, and why."""
    parts: list[RenderableType] = []
    banner = format_triage(decision.triage, units)
    if banner is not None:
        parts.append(banner)
    style = "bold red" if decision.action == "seek_care" else "bold green" if decision.action == "run_as_planned" \
        else "bold yellow"
    head = Text(f"{decision.date:%A %d %B}: ", style="bold")
    head.append(ACTION_NAMES[decision.action], style=style)
    parts.append(head)
    s = decision.session
    if s is not None:
        line = Text(f"{_session_what(s, units)}")
        if s.distance_km:
            line.append(f" — {distance_text(s.distance_km, units)}")
        if s.duration_min:
            line.append(f", about {s.duration_min:.0f} min")
        if s.rpe_max is not None:
            line.append(f", effort up to {s.rpe_max}/10")
        parts.append(line)
        if s.notes:
            parts.append(Text(in_units(s.notes, units), style="italic"))
    if decision.stop_if:
        stop = Text("Stop if:\n", style="bold")
        for sign in decision.stop_if:
            stop.append(f"• {in_units(sign, units)}\n")
        parts.append(stop)
    why = Text("Why\n", style="bold")
    for r in decision.reasons:
        why.append(f"• {in_units(r.text, units)} ")
        why.append(f"[{r.rule}]\n", style="dim")
    parts.append(why)
    return Group(*parts)


def format_rules(catalogue: Catalogue) -> RenderableType:
    """The rule catalogue as a table: id, title, numbers with units, source."""
    table = Table(title="backstride's rules", show_lines=True, expand=True)
    table.add_column("Rule", no_wrap=True, style="bold")
    table.add_column("What it says")
    table.add_column("Numbers")
    table.add_column("Source", style="dim")
    for rule in catalogue:
        numbers = "\n".join(f"{name} = {p.value:g} {p.unit}" for name, p in rule.parameters.items())
        table.add_row(rule.id, f"{rule.title}\n{rule.summary}", numbers, rule.source)
    return table
