"""T21: Schemathesis drives every API operation in-process, as the athlete (bearer token): never a server
error, every answer's status and body as /openapi.json describes them, and no operation that answers
without the authentication it needs (ignored_auth). 25 examples an operation (the A tier)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    ignored_auth,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.web.conftest import build_world

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, ignored_auth]


def test_the_api_answers_as_it_is_described(tmp_path: Path) -> None:
    world_iter = build_world(f"sqlite+pysqlite:///{tmp_path / 'st.db'}")
    world = next(world_iter)
    try:
        schema = schemathesis.openapi.from_asgi("/openapi.json", world.app)
        headers = {"Authorization": f"Bearer {world.tokens['athlete_a']}"}
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 10
        for operation in operations:

            @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
            @given(case=operation.as_strategy())
            def exercise(case: Any) -> None:
                params = case.path_parameters or {}
                if "athlete_id" in params and params["athlete_id"] % 2 == 0:
                    params["athlete_id"] = world.a  # half the cases on the athlete's own id
                case.call_and_validate(headers=headers, checks=CHECKS)

            exercise()
    finally:
        world_iter.close()
