"""Every page for the demo athlete, and what each does: Today, Check-in (with and without htmx), Plan,
Log, Settings, export and erasure."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from sqlalchemy import func, select

from backstride.services.checkin_questions import ASKED_EACH_MORNING, LEG_DETAIL
from backstride.storage import list_activities, list_checkins
from backstride.storage.tables import AthleteRow, AuditRow, UserRow
from backstride.web import pages
from tests.web.conftest import World, csrf_of


def _post(world: World, path: str, data: dict[str, str] | list[tuple[str, str]], *, actor: str = "athlete_a",
          **kwargs):  # type: ignore[no-untyped-def]
    client = world.browsers[actor]
    token = csrf_of(client.get(f"/athletes/{world.a}/today").text)
    pairs = list(data.items()) if isinstance(data, dict) else list(data)
    form: dict[str, list[str]] = {"csrf": [token]}
    for name, value in pairs:
        form.setdefault(name, []).append(value)
    return client.post(path, data=form, **kwargs)


def test_every_page_renders_for_the_demo_athlete(world: World) -> None:
    client = world.browsers["athlete_a"]
    for name in ("today", "checkin", "plan", "log", "settings"):
        answer = client.get(f"/athletes/{world.a}/{name}")
        assert answer.status_code == 200, name
        assert answer.headers["content-type"].startswith("text/html")
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in answer.text
        assert "Traceback" not in answer.text
    assert client.get("/", follow_redirects=False).headers["location"] == f"/athletes/{world.a}/today"
    assert world.browsers["clinician_a"].get("/", follow_redirects=False).headers["location"] == "/clinic"
    assert "Sam (demo)" in world.browsers["clinician_a"].get("/athletes").text


def test_today_puts_the_decision_in_one_line_with_the_session_and_stop_signs(world: World,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    def seen_on(day: dt.date) -> str:
        monkeypatch.setattr(pages, "today", lambda: day)
        return world.browsers["athlete_a"].get(f"/athletes/{world.a}/today").text

    html = seen_on(dt.date.today())
    assert re.search(r'<h1 class="action action-[a-z_]+">[^<]+</h1>', html)
    assert "Check in for today" in html  # today's answers are missing
    assert "Stop if" in html  # on a cross-training day too
    # A day of the demo's week with a run in it (the week holds several, whatever today's weekday is):
    # its session comes with the warm-up.
    runs = [html for html in map(seen_on, (dt.date.today() + dt.timedelta(days=n) for n in range(7)))
            if "Warm up" in html]
    assert runs and all("Stop if" in html for html in runs)


def test_the_morning_questions_are_on_one_screen_with_big_0_to_10_buttons(world: World) -> None:
    html = world.browsers["athlete_a"].get(f"/athletes/{world.a}/checkin").text
    assert len(re.findall(r'name="pain_rest" value="\d+"', html)) == 11
    for symptom in ASKED_EACH_MORNING:
        if symptom.name != LEG_DETAIL:
            assert symptom.question.replace("'", "&#39;") in html
    assert 'name="both_legs"' not in html  # only asked when there are leg symptoms
    assert "After today" in html and 'name="pain_during"' in html


def test_a_check_in_without_javascript_saves_and_shows_today(world: World) -> None:
    answer = _post(world, f"/athletes/{world.a}/checkin", {"pain_rest": "1", "stress": "3", "sleep_hours": "7.5",
                                                           "night_pain": "no", "walking_pain": "no"},
                   follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == f"/athletes/{world.a}/today"
    [saved] = list_checkins(world.db, world.a, dt.date.today(), dt.date.today())
    assert saved.pain_rest == 1 and saved.sleep_hours == 7.5 and saved.night_pain is False
    assert "Check in for today" not in world.browsers["athlete_a"].get(f"/athletes/{world.a}/today").text


def test_with_htmx_a_check_in_swaps_todays_decision_and_a_red_flag_shows_its_banner_at_once(world: World) -> None:
    answer = _post(world, f"/athletes/{world.a}/checkin", {"pain_rest": "2", "saddle_numbness": "yes"},
                   headers={"HX-Request": "true"})
    assert answer.status_code == 200
    assert answer.text.lstrip().startswith('<section id="decision"')  # the block alone, for the swap
    assert "<html" not in answer.text
    assert "EMERGENCY" in answer.text and 'role="alert"' in answer.text and "emergency department now" in answer.text
    assert "Seek care" in answer.text


def test_a_remembered_today_gives_way_to_the_check_in_posted_in_the_same_request(world: World) -> None:
    """Today is remembered per revision stamp; the check-in's answer must show the new one, not the old."""
    calm = world.browsers["athlete_a"].get(f"/athletes/{world.a}/today").text
    assert "EMERGENCY" not in calm
    world.browsers["athlete_a"].get(f"/athletes/{world.a}/today")  # served from the memo now
    answer = _post(world, f"/athletes/{world.a}/checkin", {"pain_rest": "2", "saddle_numbness": "yes"},
                   headers={"HX-Request": "true"})
    assert "EMERGENCY" in answer.text
    assert "EMERGENCY" in world.browsers["athlete_a"].get(f"/athletes/{world.a}/today").text
    plan = world.browsers["athlete_a"].get(f"/api/athletes/{world.a}/plan").json()
    assert not [s for s in plan["sessions"] if s["kind"] in ("easy", "long", "run")]


def test_leg_symptoms_bring_the_leg_question(world: World) -> None:
    answer = _post(world, f"/athletes/{world.a}/checkin", {"pain_rest": "3", "numbness_tingling": "yes"},
                   follow_redirects=False)
    assert answer.headers["location"] == f"/athletes/{world.a}/checkin?legs=true"
    html = world.browsers["athlete_a"].get(answer.headers["location"]).text
    assert 'name="both_legs"' in html and 'name="pain_rest"' not in html
    _post(world, f"/athletes/{world.a}/checkin", {"both_legs": "no"})
    [saved] = list_checkins(world.db, world.a, dt.date.today(), dt.date.today())
    assert saved.numbness_tingling is True and saved.both_legs is False and saved.pain_rest == 3  # merged


def test_a_bad_answer_is_named_and_nothing_is_saved(world: World) -> None:
    answer = _post(world, f"/athletes/{world.a}/checkin", {"pain_rest": "11"})
    assert answer.status_code == 422 and "pain_rest" in answer.text
    assert list_checkins(world.db, world.a, dt.date.today(), dt.date.today()) == []


def test_the_plan_shows_seven_days_each_with_its_rules_and_a_watch_workout(world: World) -> None:
    client = world.browsers["athlete_a"]
    html = client.get(f"/athletes/{world.a}/plan").text
    assert html.count('<li class="day">') == 7
    assert "Why this plan" in html and "source:" in html
    fit = re.search(r'href="(/athletes/\d+/plan/[\d-]+/workout\.fit)"', html)
    assert fit, "a running day should offer its FIT workout"
    workout = client.get(fit.group(1))
    assert workout.status_code == 200 and workout.content[8:12] == b".FIT"
    rest_day = client.get(f"/athletes/{world.a}/plan/1999-01-01/workout.fit")
    assert rest_day.status_code == 404


def test_a_calendar_link_is_shown_once_works_without_signing_in_and_rotates(world: World) -> None:
    first = _post(world, f"/athletes/{world.a}/plan/calendar", {})
    url = re.search(r"<code>https://testserver(/calendar/[^<]+\.ics)</code>", first.text)
    assert url
    feed = world.browsers["anonymous"].get(url.group(1))
    assert feed.status_code == 200 and feed.text.startswith("BEGIN:VCALENDAR")
    _post(world, f"/athletes/{world.a}/plan/calendar", {})
    assert world.browsers["anonymous"].get(url.group(1)).status_code == 404
    assert world.browsers["anonymous"].get("/calendar/guess.ics").status_code == 404


def test_the_log_adds_a_run_in_the_runners_units_and_refuses_a_bad_one(world: World) -> None:
    today = dt.date.today().isoformat()
    before = len(list_activities(world.db, world.a))
    added = _post(world, f"/athletes/{world.a}/log", {"kind": "run", "date": today, "distance": "5",
                                                      "duration_min": "31", "rpe": "4"})
    assert added.status_code == 200 and "added" in added.text
    again = _post(world, f"/athletes/{world.a}/log", {"kind": "run", "date": today, "distance": "5",
                                                      "duration_min": "31"})
    assert "already in your log" in again.text
    cross = _post(world, f"/athletes/{world.a}/log", {"kind": "cross_training", "date": today,
                                                      "duration_min": "40", "sport": "bike"})
    assert cross.status_code == 200
    assert len(list_activities(world.db, world.a)) == before + 2
    silly = _post(world, f"/athletes/{world.a}/log", {"kind": "run", "date": today, "distance": "400",
                                                      "duration_min": "10"})
    assert silly.status_code == 422 and "Please look at" in silly.text
    future = _post(world, f"/athletes/{world.a}/log", {"kind": "run", "date": "2999-01-01", "distance": "5"})
    assert future.status_code == 422 and "date" in future.text


def test_settings_change_the_week_units_and_days(world: World) -> None:
    data = [("units", "mi"), ("week", "tue easy 5, thu easy 5, sun long 8"), ("available_days", "tue"),
            ("available_days", "thu"), ("available_days", "sun"), ("long_run_day", "sun"),
            ("cross_training", "bike"), ("cadence_spm", "165")]
    saved = _post(world, f"/athletes/{world.a}/settings", data)
    assert saved.status_code == 200 and "saved" in saved.text
    assert "tue easy 5" in saved.text  # read back in miles
    assert " mi" in world.browsers["athlete_a"].get(f"/athletes/{world.a}/plan").text
    bad = _post(world, f"/athletes/{world.a}/settings", [("units", "km"), ("week", "someday jog")])
    assert bad.status_code == 422 and "normal week" in bad.text


def test_shoes_and_a_clinicians_clearance_with_who_and_when(world: World) -> None:
    shoes = _post(world, f"/athletes/{world.a}/settings/shoes", {"name": "Trail pair", "distance": "120"})
    assert shoes.status_code == 200 and "Trail pair" in shoes.text
    cleared = _post(world, f"/athletes/{world.a}/settings/clearance", {"cleared_by": "Dr Lee, physio",
                                                                       "on": dt.date.today().isoformat()})
    assert cleared.status_code == 200 and "Cleared to run on" in cleared.text and "Dr Lee, physio" in cleared.text


def test_export_downloads_my_data_and_is_audited(world: World) -> None:
    answer = _post(world, f"/athletes/{world.a}/export", {})
    data = json.loads(answer.content)
    assert data["format"] == "backstride.export/1" and data["athlete"]["id"] == world.a
    assert "users" not in data and "web_sessions" not in data  # credentials are not the athlete's data
    with world.db.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditRow).where(AuditRow.event == "export")) == 1


def test_erasure_needs_the_word_and_then_takes_everything_the_account_too(world: World) -> None:
    refused = _post(world, f"/athletes/{world.a}/erase", {"confirm": "yes"})
    assert refused.status_code == 422
    done = _post(world, f"/athletes/{world.a}/erase", {"confirm": "erase"})
    assert done.status_code == 200 and "erased" in done.text
    with world.db.session() as session:
        assert session.get(AthleteRow, world.a) is None
        assert session.scalar(select(UserRow).where(UserRow.email == "a@example.org")) is None
        audit = list(session.scalars(select(AuditRow).where(AuditRow.event == "erasure")))
    assert len(audit) == 1 and "Sam" not in (audit[0].detail or "")
    assert world.browsers["athlete_a"].get(f"/athletes/{world.a}/today", follow_redirects=False).status_code == 303
    assert world.browsers["clinician_a"].get(f"/athletes/{world.a}/today").status_code == 404


def test_text_from_the_runner_is_escaped(world: World) -> None:
    _post(world, f"/athletes/{world.a}/settings/shoes", {"name": "<script>alert(1)</script>", "distance": "1"})
    html = world.browsers["athlete_a"].get(f"/athletes/{world.a}/settings").text
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
