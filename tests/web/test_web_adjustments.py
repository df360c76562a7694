"""A physio's adjustments on the web, as a clinician uses them: change a number, see the plan cite it, undo it;
the athlete sees them and cannot change them; someone else's athlete is not there."""

from __future__ import annotations

from tests.web.conftest import World, csrf_of


def _token(world: World, actor: str) -> str:
    return csrf_of(world.browsers[actor].get("/athletes").text)


def _set(world: World, actor: str, athlete: int, number: str, value: str, reason: str = "very irritable") -> object:
    return world.browsers[actor].post(f"/athletes/{athlete}/adjustments", follow_redirects=False, data={
        "csrf": _token(world, actor), "number": number, "value": value, "reason": reason})


def test_a_clinician_lowers_the_start_the_plan_cites_it_and_undo_restores_it(world: World) -> None:
    physio = world.browsers["clinician_a"]
    before = physio.get(f"/api/athletes/{world.a}/plan").content
    page = physio.get(f"/athletes/{world.a}/adjustments")
    assert page.status_code == 200 and "Change a number" in page.text and "W-START fraction" in page.text
    saved = _set(world, "clinician_a", world.a, "W-START fraction", "60%")
    assert saved.status_code == 303  # type: ignore[attr-defined]
    shown = physio.get(saved.headers["location"]).text  # type: ignore[attr-defined]
    assert "is recorded" in shown and "60%" in shown and "70%" in shown and "pa@example.org" in shown
    assert "very irritable" in shown
    plan = physio.get(f"/api/athletes/{world.a}/plan").json()
    start = [r["why"] for r in plan["rules_applied"] if r["id"] == "W-START"]
    assert start and "adjusted by your physio: fraction 60% (cited default 70%)" in start[0]
    assert "adjusted by your physio" in physio.get(f"/athletes/{world.a}/plan").text
    (current,) = physio.get(f"/api/athletes/{world.a}/adjustments").json()["current"]
    undo = physio.post(f"/athletes/{world.a}/adjustments/{current['id']}/undo", follow_redirects=False,
                       data={"csrf": _token(world, "clinician_a"), "reason": "settled"})
    assert undo.status_code == 303
    assert physio.get(f"/api/athletes/{world.a}/plan").content == before
    trail = physio.get(f"/api/athletes/{world.a}/adjustments").json()
    assert trail["current"] == [] and [e["kind"] for e in trail["history"]] == ["set", "undo"]


def test_an_invalid_value_is_refused_with_the_field_named(world: World) -> None:
    refused = _set(world, "clinician_a", world.a, "W-START fraction", "95%")
    assert refused.status_code == 422 and "value: W-START fraction must be between 40% and 80%" in \
        refused.text  # type: ignore[attr-defined]
    physio = world.browsers["clinician_a"]
    answer = physio.post(f"/api/athletes/{world.a}/adjustments", headers={"X-CSRF-Token": _token(world, "clinician_a")},
                         json={"rule": "T-EMERG", "parameter": "x", "value": 1, "reason": "r"})
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "rule"
    ok = physio.post(f"/api/athletes/{world.a}/adjustments", headers={"X-CSRF-Token": _token(world, "clinician_a")},
                     json={"rule": "I-STAIRS", "parameter": "allowed", "value": "no", "reason": "knees"})
    assert ok.status_code == 201 and ok.json()["value"] == 0.0 and ok.json()["by"] == "pa@example.org"


def test_the_athlete_sees_the_adjustments_and_cannot_change_them(world: World) -> None:
    _set(world, "clinician_a", world.a, "W-START fraction", "65%")
    mine = world.browsers["athlete_a"].get(f"/athletes/{world.a}/adjustments")
    assert mine.status_code == 200 and "65%" in mine.text and "Change a number" not in mine.text
    assert "adjusted by your physio" in mine.text
    refused = _set(world, "athlete_a", world.a, "W-START fraction", "80%")
    assert refused.status_code == 403 and "Only a clinician linked to you" in refused.text  # type: ignore[attr-defined]
    api = world.browsers["athlete_a"].post(f"/api/athletes/{world.a}/adjustments",
                                           headers={"X-CSRF-Token": _token(world, "athlete_a")},
                                           json={"rule": "W-START", "parameter": "fraction", "value": 0.8,
                                                 "reason": "I feel fine"})
    assert api.status_code == 403
    assert len(world.browsers["athlete_a"].get(f"/api/athletes/{world.a}/adjustments").json()["history"]) == 1


def test_another_clinicians_athlete_answers_404_and_a_form_without_its_token_is_refused(world: World) -> None:
    assert _set(world, "clinician_a", world.b, "W-START fraction", "60%").status_code == 404  # type: ignore[attr-defined]
    assert _set(world, "clinician_none", world.a, "W-START fraction", "60%").status_code == 404  # type: ignore[attr-defined]
    assert world.browsers["clinician_none"].get(f"/athletes/{world.a}/adjustments").status_code == 404
    forged = world.browsers["clinician_a"].post(f"/athletes/{world.a}/adjustments", follow_redirects=False,
                                                data={"number": "W-START fraction", "value": "60%", "reason": "x"})
    assert forged.status_code == 403
    assert world.browsers["clinician_a"].get(f"/api/athletes/{world.a}/adjustments").json()["history"] == []


def test_the_audit_log_names_the_change_but_no_health_data(world: World) -> None:
    from sqlalchemy import select

    from backstride.storage.tables import AuditRow

    _set(world, "clinician_a", world.a, "W-START fraction", "60%", reason="disc bulge, sleeps badly")
    world.browsers["clinician_a"].post(f"/athletes/{world.a}/adjustments/diagnosis", data={
        "csrf": _token(world, "clinician_a"), "text": "L5 radiculopathy", "stops_running": "sciatica"})
    with world.db.session() as session:
        rows = list(session.scalars(select(AuditRow).where(AuditRow.event.in_(
            ("adjustment_set", "diagnosis_recorded")))))
    assert [(r.event, r.detail) for r in rows] == [("adjustment_set", "W-START fraction"),
                                                   ("diagnosis_recorded", "stops running")]
    assert world.browsers["clinician_a"].get(f"/api/athletes/{world.a}/plan").json()["running_allowed"] is False
