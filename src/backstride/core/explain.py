"""The three reasons that set the week, first in the plan's explanation (issue 8, item 10).

The last step of the planner's pipeline: of the rules a plan cites, the one
that set the dose, the one that set the week's shape, and the one change being
tried this week go first, each labelled in plain words; the full list with its
sources follows. Triage's own reasons stay before them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

__all__ = ["Role", "lead_with_three", "three_reasons"]

Role = Literal["dose", "shape", "change"]
_LABEL: dict[Role, str] = {"dose": "This week's dose", "shape": "The week's shape",
                           "change": "The one change this week"}
_SHAPE_ORDER = ("L-RESTART", "B-RETURN", "W-SPACE", "W-SPLIT", "L-RUNWALK")
_CHANGE_ORDER = ("B-RETURN-ONE", "A-TRIAL")


def three_reasons(dose_rule: str, cited: Sequence[str]) -> list[tuple[Role, str]]:
    """(role, rule id) for the dose, the shape and the change, as far as the plan cites them."""
    ids = set(cited)
    out: list[tuple[Role, str]] = []
    if dose_rule in ids:
        out.append(("dose", dose_rule))
    shape = next((r for r in _SHAPE_ORDER if r in ids and r != dose_rule), None)
    if shape is not None:
        out.append(("shape", shape))
    change = next((r for r in _CHANGE_ORDER if r in ids), None)
    if change is not None:
        out.append(("change", change))
    return out


def lead_with_three(applied: list[dict[str, str]], dose_rule: str,
                    triage_ids: frozenset[str] = frozenset()) -> list[dict[str, str]]:
    """The applied rules with triage's and then the three reasons first, labelled; the rest in their order."""
    lead = three_reasons(dose_rule, [e["id"] for e in applied if e["id"] not in triage_ids])
    by_id = {e["id"]: e for e in applied}
    first = [e for e in applied if e["id"] in triage_ids]
    for role, rule_id in lead:
        entry = by_id[rule_id]
        entry["why"] = f"{_LABEL[role]}: {entry['why']}"
        first.append(entry)
    return first + [e for e in applied if all(e is not f for f in first)]
