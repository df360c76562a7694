"""Collects ``tests/scenarios/*.yaml``: clinician-readable planning scenarios.

Each file holds a list of scenarios:

    - name: a flare the next morning cuts the week by 10-20%
      rule: W-FLARE            # the rule the scenario is about
      fires: true              # it must be cited (false: it must not be)
      command: plan            # or decide
      state:
        today: 2026-11-30
        baseline: [tue easy 10, thu easy 10, sun long 12]
        history: {weeks: 4, pain_rest: 2}      # optional: weeks of normal training before today
        checkins: [{date: 2026-11-26, pain_rest: 2, pain_during: 3}]
        activities: [2026-11-26 easy 4 rpe=3]
        athlete: {cadence_spm: 164}
      expect: {phase: calm, fraction_of_last_week: [0.8, 0.9]}
      adjustments: {"W-FLARE cut": 0.2}   # optional: a physio's adjustments for this athlete

``xfail: "<finding>"`` marks a scenario the planner does not meet yet (strictly: once it passes, the
marker must go). In ``history``, ``kinds: {long: long_run_walk}`` records a baseline kind as another
kind (the runs as they were really done).

A failure prints the scenario's name, the rule, and what was wrong.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from backstride.contract import parse_state
from backstride.core.adjustments import adjusted, check_adjustment
from backstride.core.decide import decide_today
from backstride.core.planner import plan_week
from backstride.rules import Catalogue, default_catalogue
from tests.plan_checks import DECISION_CHECKS, PLAN_CHECKS, contract_failures, decision_failures

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _session(text: str) -> dict[str, Any]:
    """'tue easy 10' or 'tue intervals 10 reps=10x400' or 'tue easy dur=60'."""
    parts = text.split()
    out: dict[str, Any] = {"day": parts[0], "kind": parts[1]}
    for p in parts[2:]:
        if p.startswith("reps="):
            n, m = p[5:].split("x")
            out["reps"], out["rep_distance_m"] = int(n), float(m)
        elif p.startswith("dur="):
            out["duration_min"] = float(p[4:])
        else:
            out["distance_km"] = float(p)
    return out


def _activity(text: str) -> dict[str, Any]:
    """'2026-11-24 easy 10 rpe=3 elev=120 cad=162 dur=60'."""
    parts = text.split()
    out: dict[str, Any] = {"date": parts[0], "kind": parts[1]}
    keys = {"rpe": "rpe", "elev": "elevation_gain_m", "cad": "cadence_spm", "dur": "duration_min"}
    for p in parts[2:]:
        if "=" in p:
            k, v = p.split("=")
            out[keys[k]] = int(v) if k == "rpe" else float(v)
        else:
            out["distance_km"] = float(p)
    return out


def build_state(spec: dict[str, Any]) -> dict[str, Any]:
    """Expand a scenario's compact state into a ``backstride.state/1`` object."""
    if "raw" in spec:
        return dict(spec["raw"])
    today = dt.date.fromisoformat(str(spec["today"]))
    baseline = [_session(s) if isinstance(s, str) else s for s in spec.get("baseline", [])]
    athlete = {"baseline": {"sessions": baseline}, **spec.get("athlete", {})}
    checkins: list[dict[str, Any]] = []
    activities: list[dict[str, Any]] = []
    hist = spec.get("history")
    if hist:
        weeks = int(hist.get("weeks", 4))
        scale = hist.get("scale", 1.0)
        kind_of = hist.get("kind")
        kinds = dict(hist.get("kinds", {}))
        for w in range(weeks, 0, -1):
            start = today - dt.timedelta(days=7 * w)
            factor = float(scale[weeks - w] if isinstance(scale, list) else scale)
            for d in range(7):
                day = start + dt.timedelta(days=d)
                for s in baseline:
                    if s["day"] == WEEKDAYS[day.weekday()] and s["kind"] not in ("cross_training", "strength"):
                        done = kind_of or kinds.get(s["kind"], s["kind"].replace("intervals", "intervals_long"))
                        activities.append({"date": day.isoformat(), "kind": done,
                                           "distance_km": round(s.get("distance_km", 0) * factor, 2), "rpe": 3})
                if "pain_rest" in hist:
                    c = {"date": day.isoformat(), "pain_rest": hist["pain_rest"]}
                    if any(s["day"] == WEEKDAYS[day.weekday()] for s in baseline) and "pain_during" in hist:
                        c["pain_during"] = hist["pain_during"]
                    checkins.append(c)
    by_date = {c["date"]: c for c in checkins}
    for c in spec.get("checkins", []):
        c = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in c.items()}
        by_date[c["date"]] = {**by_date.get(c["date"], {}), **c}
    given = [_activity(a) if isinstance(a, str) else
             {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in a.items()}
             for a in spec.get("activities", [])]
    # A run given for a day the history also ran, of the same kind, is what that day's run really was.
    replaced = {(a["date"], a["kind"]) for a in given}
    activities = [a for a in activities if (a["date"], a["kind"]) not in replaced] + given
    return {"schema": "backstride.state/1", "today": today.isoformat(), "athlete": athlete,
            "checkins": sorted(by_date.values(), key=lambda c: c["date"]), "activities": activities}


def adjusted_rules(given: dict[str, Any]) -> Catalogue:
    """A physio's adjustments as a scenario writes them, ``{"W-START fraction": 0.6}``, in the catalogue."""
    base = default_catalogue()
    changes = [check_adjustment(base, *name.split(), value) for name, value in given.items()]
    return adjusted(base, changes)


class ScenarioFailure(Exception):
    pass


class ScenarioItem(pytest.Item):
    def __init__(self, *, spec: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec = spec

    def runtest(self) -> None:
        spec = self.spec
        state = parse_state(build_state(spec["state"]))
        rules = adjusted_rules(spec.get("adjustments", {}))
        command = spec.get("command", "plan")
        rule = spec.get("rule")
        expect = dict(spec.get("expect", {}))
        failures: list[str] = []
        if command == "plan":
            doc = plan_week(state, rules)
            failures += contract_failures(doc, state)
            checks = PLAN_CHECKS
            again = plan_week(state, rules)
            if again.to_json() != doc.to_json():
                failures.append("not deterministic")
        else:
            doc = decide_today(state, rules)  # type: ignore[assignment]
            failures += decision_failures(doc)  # type: ignore[arg-type]
            checks = DECISION_CHECKS  # type: ignore[assignment]
        if rule is not None:
            key = "cites" if spec.get("fires", True) else "not_cites"
            expect[key] = [*expect.get(key, []), rule]
        for name, value in expect.items():
            if name not in checks:
                raise ScenarioFailure(f"unknown check {name!r}")
            failures += checks[name](doc, state, value)  # type: ignore[arg-type]
        if failures:
            raise ScenarioFailure("\n".join(failures))

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        if isinstance(excinfo.value, ScenarioFailure):
            return (f"scenario {self.spec['name']!r} (rule {self.spec.get('rule')}, "
                    f"{'fires' if self.spec.get('fires', True) else 'must not fire'}):\n{excinfo.value}")
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"scenario: {self.spec['name']}"


class ScenarioFile(pytest.File):
    def collect(self) -> Any:
        for spec in yaml.safe_load(self.path.read_text(encoding="utf-8")):
            item = ScenarioItem.from_parent(self, name=spec["name"], spec=spec)
            if spec.get("xfail"):
                item.add_marker(pytest.mark.xfail(reason=str(spec["xfail"]), raises=ScenarioFailure, strict=True))
            yield item


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.File | None:
    if file_path.suffix == ".yaml" and file_path.parent.name == "scenarios":
        return ScenarioFile.from_parent(parent, path=file_path)
    return None
