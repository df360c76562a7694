"""The JSON API round trips, on SQLite and on PostgreSQL: contract documents out, check-ins and sessions in,
422 naming the field; the OpenAPI document lists every route the issue names."""

from __future__ import annotations

import datetime as dt

import jsonschema
from referencing import Registry, Resource

from tests.web.conftest import World


def _auth(world: World, actor: str = "athlete_a") -> dict[str, str]:
    return {"Authorization": f"Bearer {world.tokens[actor]}"}


def test_the_contract_documents_come_out_valid(any_world: World) -> None:
    w = any_world
    client = w.browsers["anonymous"]
    for path, name in (("state", "state"), ("plan", "plan"), ("decision", "decision")):
        answer = client.get(f"/api/athletes/{w.a}/{path}", headers=_auth(w))
        assert answer.status_code == 200, answer.text
        data = answer.json()
        assert data["schema"] == f"backstride.{name}/1"
        registry = Registry().with_resources([("plan.schema.json", Resource.from_contents(_schema("plan")))])
        jsonschema.Draft202012Validator(_schema(name), registry=registry).validate(data)


def _schema(name: str) -> dict:  # type: ignore[type-arg]
    import json
    from importlib import resources

    return json.loads(resources.files("backstride").joinpath("schemas", f"{name}.schema.json").read_text())


def test_a_check_in_posted_comes_back_and_changes_the_decision(any_world: World) -> None:
    w = any_world
    client = w.browsers["anonymous"]
    today = dt.date.today().isoformat()
    posted = client.post(f"/api/athletes/{w.a}/checkins", headers=_auth(w),
                         json={"pain_rest": 2, "bladder_bowel_change": True})
    assert posted.status_code == 201
    body = posted.json()
    assert body["checkin"]["date"] == today and body["triage"]["level"] == "emergency"
    assert not body["running_allowed"]
    listed = client.get(f"/api/athletes/{w.a}/checkins", params={"since": today}, headers=_auth(w)).json()
    assert listed == [body["checkin"]]
    decision = client.get(f"/api/athletes/{w.a}/decision", headers=_auth(w)).json()
    assert decision["action"] == "seek_care"


def test_a_session_logged_comes_back_and_a_duplicate_is_not_stored(any_world: World) -> None:
    w = any_world
    client = w.browsers["anonymous"]
    today = dt.date.today().isoformat()
    entry = {"date": today, "kind": "cross_training", "duration_min": 40, "sport": "bike"}
    first = client.post(f"/api/athletes/{w.a}/activities", headers=_auth(w), json=entry)
    assert first.status_code == 201 and not first.json()["duplicate"]
    again = client.post(f"/api/athletes/{w.a}/activities", headers=_auth(w), json=entry)
    assert again.json() == {"id": first.json()["id"], "duplicate": True}
    listed = client.get(f"/api/athletes/{w.a}/activities", params={"since": today}, headers=_auth(w)).json()
    assert [a["id"] for a in listed if a["kind"] == "cross_training"] == [first.json()["id"]]


def test_bad_input_is_a_422_naming_the_field(world: World) -> None:
    client = world.browsers["anonymous"]
    cases = [("checkins", {"pain_rest": 11}, "pain_rest"), ("checkins", {"walking_pain": "maybe"}, "walking_pain"),
             ("checkins", {"date": "2999-01-01"}, "date"), ("checkins", {"colour": "blue"}, "colour"),
             ("activities", {"kind": "run", "distance_km": "far"}, "distance_km"),
             ("activities", {"kind": "teleport", "duration_min": 3}, "kind"),
             ("activities", {"distance_km": 5}, "kind"),
             ("activities", {"kind": "run", "distance_km": 300, "duration_min": 20}, "activity")]
    for route, body, field in cases:
        answer = client.post(f"/api/athletes/{world.a}/{route}", headers=_auth(world), json=body)
        assert answer.status_code == 422, (body, answer.text)
        assert field in [e["field"] for e in answer.json()["errors"]], (body, answer.json())
    not_json = client.post(f"/api/athletes/{world.a}/checkins", headers={**_auth(world),
                                                                         "Content-Type": "application/json"},
                           content=b"{not json")
    assert not_json.status_code == 422 and "Traceback" not in not_json.text
    bad_date = client.get(f"/api/athletes/{world.a}/checkins", params={"since": "yesterday"}, headers=_auth(world))
    assert bad_date.status_code == 422 and bad_date.json()["errors"][0]["field"] == "since"


def test_the_openapi_document_lists_the_api(world: World) -> None:
    spec = world.browsers["anonymous"].get("/openapi.json").json()
    paths = spec["paths"]
    for path, methods in {"/api/athletes": {"get"}, "/api/athletes/{athlete_id}/state": {"get"},
                          "/api/athletes/{athlete_id}/checkins": {"get", "post"},
                          "/api/athletes/{athlete_id}/plan": {"get"}, "/api/athletes/{athlete_id}/decision": {"get"},
                          "/api/athletes/{athlete_id}/activities": {"get", "post"}}.items():
        assert methods <= set(paths[path]), path
    assert not any(p.startswith("/athletes") for p in paths)  # pages are not the API
