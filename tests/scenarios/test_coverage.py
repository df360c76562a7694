"""The scenario suite covers every rule of the catalogue with a case where it fires and one where it must not.

The rules are read from the catalogue itself, so a new rule is covered or this test fails. Two kinds are
left out, each for a reason the test checks: the causes report's rules (C-*, which only ``causes`` cites;
tests/core/test_causes.py covers them), and B-PACE, which holds the paces every distance estimate reads
and is never a decision of its own.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from backstride.rules import default_catalogue

HERE = Path(__file__).parent
NUMBERS_ONLY = {"B-PACE"}


def _planner_rules() -> set[str]:
    ids = {r.id for r in default_catalogue()}
    assert ids >= NUMBERS_ONLY
    return {i for i in ids if not i.startswith("C-")} - NUMBERS_ONLY


def test_every_catalogue_rule_has_a_firing_and_a_non_firing_scenario() -> None:
    fires: set[str] = set()
    quiet: set[str] = set()
    count = 0
    for f in sorted(HERE.glob("*.yaml")):
        for sc in yaml.safe_load(f.read_text()):
            count += 1
            expect = sc.get("expect") or {}
            if sc.get("rule"):
                (fires if sc.get("fires", True) else quiet).add(sc["rule"])
            fires |= set(expect.get("cites", []))
            quiet |= set(expect.get("not_cites", []))
    assert count >= 40
    rules = _planner_rules()
    assert sorted(rules - fires) == []
    assert sorted(rules - quiet) == []
