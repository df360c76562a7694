"""Shared test settings: the hypothesis profile and where the shared material lives."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BACKSTRIDE_SHARED", REPO.parent / "shared"))

settings.register_profile(
    "ci", max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=60, deadline=None)
# A long randomized sweep: HYPOTHESIS_PROFILE=sweep HYPOTHESIS_EXAMPLES=2000 pytest tests/core
settings.register_profile("sweep", max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "2000")), deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
