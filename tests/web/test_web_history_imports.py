"""History in pictures and imports off the request path, as pages and through the API."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from backstride.storage import list_activities
from tests.conftest import SHARED
from tests.web.conftest import World, csrf_of

FIT = SHARED / "data" / "activities" / "fit" / "fitparse__activity-small-fenix2-run.fit"


def _fit() -> bytes:
    if not FIT.exists():
        pytest.skip(f"the shared activity files are absent ({FIT.parent})")
    return FIT.read_bytes()


def _wait(client, url: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = client.get(url).json()
        if status["state"] in ("done", "failed"):
            return status  # type: ignore[no-any-return]
        time.sleep(0.05)
    raise AssertionError(f"{url} did not finish")


def test_history_shows_each_picture_with_its_words_and_numbers(world: World) -> None:
    html = world.browsers["athlete_a"].get(f"/athletes/{world.a}/history").text
    assert html.count("<svg") >= 4 and html.count("<figcaption>") >= 4 and html.count("<table>") >= 4
    assert "What may have led to the pain" in html and "Daily trainers" in html
    assert world.browsers["clinician_a"].get(f"/athletes/{world.a}/history").status_code == 200
    assert world.browsers["athlete_a"].get(f"/athletes/{world.a}/history?weeks=2").status_code == 422


def test_the_history_api_gives_the_pages_data(world: World) -> None:
    answer = world.browsers["athlete_a"].get(f"/api/athletes/{world.a}/history", params={"weeks": 8})
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert len(data["weeks"]) == 8 and data["units"] == "km" and data["runs"]
    bad = world.browsers["athlete_a"].get(f"/api/athletes/{world.a}/history", params={"weeks": 500})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "weeks"


def test_an_import_runs_off_the_request_path_and_names_each_bad_file(world: World) -> None:
    client = world.browsers["athlete_a"]
    before = len(list_activities(world.db, world.a))
    token = csrf_of(client.get(f"/athletes/{world.a}/imports").text)
    started = client.post(f"/athletes/{world.a}/imports", data={"csrf": token}, follow_redirects=False,
                          files=[("files", ("run.fit", _fit(), "application/octet-stream")),
                                 ("files", ("broken.fit", b"not a fit file", "application/octet-stream"))])
    assert started.status_code == 303
    job = started.headers["location"]
    status = _wait(client, f"/api{job}")
    assert status["state"] == "done" and status["result"]["imported"] == 1
    assert [f["file"] for f in status["result"]["failed"]] == ["broken.fit"]
    html = client.get(job).text
    assert "broken.fit" in html and "1 new activity" in html and 'http-equiv="refresh"' not in html
    assert len(list_activities(world.db, world.a)) == before + 1
    polled = client.get(job, headers={"HX-Request": "true"}).text
    assert polled.lstrip().startswith('<section id="progress"')


def test_the_import_api_answers_202_with_a_job_to_poll_and_imports_nothing_twice(world: World) -> None:
    client = world.browsers["anonymous"]
    auth = {"Authorization": f"Bearer {world.tokens['athlete_a']}"}
    results = []
    for _ in range(2):
        started = client.post(f"/api/athletes/{world.a}/imports", headers=auth,
                              files=[("files", ("run.fit", _fit(), "application/octet-stream"))])
        assert started.status_code == 202 and started.headers["location"] == started.json()["poll"]
        results.append(_wait(client.__class__(world.app, base_url=str(client.base_url), headers=auth),
                             started.json()["poll"])["result"])
    assert (results[0]["imported"], results[1]["imported"], results[1]["duplicates"]) == (1, 0, 1)
    none = client.post(f"/api/athletes/{world.a}/imports", headers=auth, files=[])
    assert none.status_code == 422


def test_someone_elses_import_job_answers_as_a_missing_one(world: World) -> None:
    client = world.browsers["athlete_b"]
    theirs = client.get(f"/athletes/{world.b}/imports/1")  # job 1 is athlete A's
    missing = client.get(f"/athletes/{world.b}/imports/424242")
    assert (theirs.status_code, theirs.content) == (missing.status_code, missing.content) == (404, missing.content)
    api = client.get(f"/api/athletes/{world.b}/imports/1")
    assert api.status_code == 404


def test_an_upload_past_the_bound_is_refused_before_it_is_read(world: World, monkeypatch: pytest.MonkeyPatch,
                                                               tmp_path: Path) -> None:
    from backstride.web import uploads

    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 1000)
    client = world.browsers["athlete_a"]
    token = csrf_of(client.get(f"/athletes/{world.a}/imports").text)
    big = client.post(f"/athletes/{world.a}/imports", data={"csrf": token},
                      files=[("files", ("big.fit", b"x" * 5000, "application/octet-stream"))])
    assert big.status_code == 413
