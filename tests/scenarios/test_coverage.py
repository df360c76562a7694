"""The scenario suite covers every rule of the guidance with a case where it fires and one where it must not."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.rules.test_catalogue import GUIDANCE_IDS

HERE = Path(__file__).parent


def test_every_guidance_rule_has_a_firing_and_a_non_firing_scenario() -> None:
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
    assert sorted(set(GUIDANCE_IDS) - fires) == []
    assert sorted(set(GUIDANCE_IDS) - quiet) == []
