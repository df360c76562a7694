"""History charts: well-formed SVG with a title and description, the history's numbers, escaped text."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

import pytest
from defusedxml.ElementTree import fromstring
from hypothesis import given
from hypothesis import strategies as st

from backstride.contract import Checkin, parse_state
from backstride.services.demo import demo_state
from backstride.services.history import History, HistoryWeek, RedFlagDay, RunMark, ShoeWear, history_for
from backstride.storage import Database, create_athlete, upsert_checkin
from backstride.web.charts import (
    Chart,
    history_charts,
    load_and_pain_chart,
    planned_done_chart,
    ratio_chart,
    runs_chart,
    shoes_chart,
)

TODAY = dt.date(2026, 12, 3)
NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[History]:
    path: Path = tmp_path_factory.mktemp("charts") / "log.db"
    db = Database.open(f"sqlite:///{path}")
    a = create_athlete(db, demo_state(TODAY), name="Sam")
    upsert_checkin(db, a, Checkin(date=TODAY, numbness_tingling=True))
    yield history_for(db, a, TODAY, weeks=8)
    db.dispose()


def _parse(chart: Chart) -> Element:
    root: Element = fromstring(chart.svg)
    assert root.tag == f"{NS}svg"
    return root


def _week(start: dt.date, **kw: object) -> HistoryWeek:
    base = dict(start=start, distance=0.0, planned=None, verdict="no plan kept", runs=0, pain_rest=None,
                pain_during=None, pain_next_morning=None, response="unknown", acwr=None, flares=0, red_flag_days=0)
    base.update(kw)
    return HistoryWeek(**base)  # type: ignore[arg-type]


def _empty_history(weeks: int = 4) -> History:
    first = dt.date(2026, 11, 9)
    return History(TODAY, "km", tuple(_week(first + dt.timedelta(days=7 * i)) for i in range(weeks)), (), (), (),
                   (), 0)


def test_every_chart_is_an_accessible_svg_that_scales_to_the_screen(history: History) -> None:
    for chart in history_charts(history):
        root = _parse(chart)
        assert root.get("width") == "100%" and root.get("viewBox") == "0 0 360 230"
        assert root.get("role") == "img"
        title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
        assert title is not None and title.text == chart.title
        assert desc is not None and desc.text == chart.summary
        assert set((root.get("aria-labelledby") or "").split()) == {title.get("id"), desc.get("id")}
        assert chart.summary.endswith(".") and chart.rows and all(len(r) == len(chart.columns) for r in chart.rows)


def test_chart_ids_are_unique_on_the_page(history: History) -> None:
    charts = history_charts(history)
    ids = [c.id for c in charts]
    inner = [e.get("id") for c in charts for e in _parse(c).iter() if e.get("id")]
    assert len(set(ids)) == len(ids) and len(set(inner)) == len(inner)


def test_the_load_chart_has_a_bar_per_week_with_the_weeks_numbers(history: History) -> None:
    chart = load_and_pain_chart(history)
    root = _parse(chart)
    bars = [e for e in root.iter(f"{NS}rect") if e.get("class") == "bar"]
    assert len(bars) == len(history.weeks) == len(chart.rows)
    tallest = max(range(len(bars)), key=lambda i: float(bars[i].get("height") or 0))
    assert history.weeks[tallest].distance == max(w.distance for w in history.weeks)
    for row, w in zip(chart.rows, history.weeks, strict=True):
        assert row[1] == f"{w.distance:g}" and row[6] == str(w.flares)
    assert any((e.get("class") or "").startswith("pain-line") for e in root.iter(f"{NS}polyline"))
    assert f"{history.weeks[-1].distance:g} km" in chart.summary


def test_flares_and_red_flags_are_marked_by_shape_not_only_colour(history: History) -> None:
    root = _parse(load_and_pain_chart(history))
    groups = [e.get("class") for e in root.iter(f"{NS}g")]
    assert "answer answer-red" in groups and "red-flag" in groups
    runs = _parse(runs_chart(history))
    classes = {e.get("class") for e in runs.iter(f"{NS}g")}
    assert {"answer answer-green", "answer answer-red", "red-flag"} <= classes
    shapes = {e.get("class"): {c.tag for c in e} for e in runs.iter(f"{NS}g")}
    assert f"{NS}circle" in shapes["answer answer-green"] and f"{NS}rect" in shapes["answer answer-red"]


def test_the_runs_chart_lists_every_run_with_its_answer(history: History) -> None:
    chart = runs_chart(history)
    assert len(chart.rows) == len(history.runs)
    marks = [e for e in _parse(chart).iter(f"{NS}g") if (e.get("class") or "").startswith("answer ")]
    assert len(marks) == len(history.runs) + 3  # and the legend's three
    reds = sum(1 for r in history.runs if r.level == "red")
    assert f"{reds} red" in chart.summary


def test_planned_against_done_and_the_ratio_have_their_numbers(history: History) -> None:
    chart = planned_done_chart(history)
    assert [r[2] for r in chart.rows] == [f"{w.distance:g}" for w in history.weeks]
    ratio = ratio_chart(history)
    assert [r[1] for r in ratio.rows] == ["–" if w.acwr is None else f"{w.acwr:.2f}" for w in history.weeks]
    assert "load ratio" in ratio.summary


def test_text_from_the_history_is_escaped() -> None:
    h = _empty_history()
    evil = '<script>alert("x")</script> & </text>'
    week = _week(h.weeks[-1].start, distance=5.0, runs=1, response="red", flares=1)
    h = dataclasses.replace(h, weeks=(*h.weeks[:-1], week),
                            runs=(RunMark(week.start, 5.0, "red", "P-RED-24H", evil),),
                            red_flags=(RedFlagDay(week.start, "T-NEURO", (evil,)),))
    for chart in history_charts(h):
        root = _parse(chart)  # still well-formed
        assert not list(root.iter("script")) and not list(root.iter(f"{NS}script"))
        assert "<script>" not in chart.svg
    texts = " ".join(t.text or "" for t in _parse(runs_chart(h)).iter(f"{NS}title"))
    assert evil in texts  # the words survive, as text


def test_an_empty_history_draws_a_calm_message_and_no_bars() -> None:
    h = _empty_history()
    assert h.empty
    for chart in history_charts(h):
        root = _parse(chart)
        assert not [e for e in root.iter(f"{NS}rect") if e.get("class") == "bar"]
        words = " ".join(t.text or "" for t in root.iter(f"{NS}text"))
        assert words and "yet" in words + chart.summary
    assert load_and_pain_chart(h).rows[0][1] == "0"
    assert runs_chart(h).rows == ()


def test_a_miles_runner_reads_miles_on_the_axis_and_in_the_table(tmp_path: Path) -> None:
    db = Database.open(f"sqlite:///{tmp_path / 'log.db'}")
    data = demo_state(TODAY).to_json_dict()
    data["athlete"]["units"] = "mi"
    a = create_athlete(db, parse_state(data), name="Sam")
    chart = load_and_pain_chart(history_for(db, a, TODAY, weeks=4))
    db.dispose()
    assert chart.columns[1] == "Distance (mi)" and " mi " in chart.summary + " "
    assert any(t.text == "mi" for t in _parse(chart).iter(f"{NS}text"))


def test_the_app_partial_shows_a_chart_with_its_table_and_escapes_its_words(history: History) -> None:
    from backstride.web.rendering import templates

    chart = dataclasses.replace(runs_chart(history), title="<b>Runs</b> & answers",
                                rows=(("Mon 30 Nov", "8", "green", "<script>x</script>", "P-GREEN"),))
    html = templates().env.get_template("_chart.html").render(chart=chart)
    assert chart.svg in html  # the SVG as built (already escaped in charts.py)
    assert "&lt;b&gt;Runs&lt;/b&gt; &amp; answers" in html and "<b>Runs</b>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>" not in html
    assert html.count("<th scope=\"col\">") == len(chart.columns) and "The numbers" in html


def test_the_weeks_causes_names_are_shaded_and_listed(history: History) -> None:
    found = [c for c in history.causes if c.found]
    assert found  # the demo's pain followed a jump in distance
    chart = load_and_pain_chart(history)
    shaded = [e for e in _parse(chart).iter(f"{NS}rect") if e.get("class") == "cause-week"]
    in_view = {w for c in found for w in c.weeks} & {w.start for w in history.weeks}
    assert len(shaded) == len(in_view) and "Shaded weeks" in chart.summary
    listed = [r for r in chart.rows if r[-1] != "–"]
    assert len(listed) == len(in_view) and all(any(c.title in r[-1] for c in found) for r in listed)


def test_the_shoes_chart_sets_each_pair_against_e_shoes(history: History) -> None:
    chart = shoes_chart(history)
    root = _parse(chart)
    bars = [e for e in root.iter(f"{NS}rect") if (e.get("class") or "").startswith("bar shoe-")]
    assert len(bars) == len(history.shoes) == len(chart.rows)
    assert [e.get("class") for e in root.iter(f"{NS}line")].count("shoe-limit") == 2
    assert history.shoe_check_at is not None and history.shoe_replace_at is not None
    assert history.shoe_check_at < history.shoe_replace_at
    assert chart.rows[0][0] == "Daily trainers" and chart.rows[0][2] == history.shoes[0].advice
    empty = shoes_chart(_empty_history())
    assert empty.rows == () and "Settings" in empty.summary


def _histories() -> st.SearchStrategy[History]:
    pain = st.none() | st.floats(0, 10).map(lambda x: round(x, 1))
    first = dt.date(2026, 9, 7)

    @st.composite
    def build(draw: st.DrawFn) -> History:
        n = draw(st.integers(1, 30))
        km = st.floats(0, 300).map(lambda x: round(x, 1))
        weeks = tuple(_week(first + dt.timedelta(days=7 * i), distance=draw(km), planned=draw(st.none() | km),
                            pain_rest=draw(pain), pain_during=draw(pain), pain_next_morning=draw(pain),
                            acwr=draw(st.none() | st.floats(0, 20).map(lambda x: round(x, 2))),
                            flares=draw(st.integers(0, 3)), red_flag_days=draw(st.integers(0, 2)))
                      for i in range(n))
        today = first + dt.timedelta(days=7 * n - 1)
        days = st.integers(0, 7 * n - 1).map(lambda k: first + dt.timedelta(days=k))
        runs = tuple(sorted((RunMark(draw(days), draw(st.none() | st.floats(0, 100).map(lambda x: round(x, 1))),
                                     draw(st.sampled_from(["green", "amber", "red", "unknown"])), "P-GREEN",
                                     draw(st.text(max_size=30)))
                             for _ in range(draw(st.integers(0, 40)))), key=lambda r: r.date))
        flags = tuple(RedFlagDay(draw(days), "T-NEURO", (draw(st.text(max_size=20)),))
                      for _ in range(draw(st.integers(0, 3))))
        worn = st.floats(0, 2000).map(lambda x: round(x, 1))
        advice = st.sampled_from(["fine", "check them for wear", "replace them", "retired"])
        shoes = tuple(ShoeWear(draw(st.text(min_size=1, max_size=40)), draw(worn), draw(advice))
                      for _ in range(draw(st.integers(0, 8))))
        return History(today, draw(st.sampled_from(["km", "mi"])), weeks, runs, flags, shoes, (), 0, 480.0, 800.0)

    return build()


@given(_histories())
def test_any_history_draws_well_formed_charts_inside_the_picture(h: History) -> None:
    for chart in history_charts(h):
        root = _parse(chart)
        assert all(len(r) == len(chart.columns) for r in chart.rows)
        for e in root.iter():
            for attr in ("x", "y", "cx", "cy", "x1", "x2", "y1", "y2"):
                if e.get(attr) is not None:
                    assert -20 <= float(e.get(attr) or 0) <= 380, (chart.id, e.tag, attr, e.get(attr))
