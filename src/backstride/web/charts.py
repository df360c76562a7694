"""History in pictures: server-rendered SVG charts, each with its words and its numbers.

No JavaScript: each chart is a small SVG drawn here from :class:`~backstride.services.history.History`,
sized by its ``viewBox`` to the width of the screen (readable at 390 px). Every chart carries a
``<title>`` and ``<desc>``, a sentence that says what it shows (for anyone who cannot see it), and
its numbers as rows for an HTML table (screen readers read the table, not the drawing). Colour is
never the only sign: run answers are drawn as a circle (green), a triangle (amber) and a cross
(red), pain lines differ by dash and marker too. All text is escaped. Pure: data in, markup out;
the drawing primitives are in :mod:`backstride.web.svg`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from backstride.core.pain_response import Level
from backstride.services.history import History, HistoryWeek
from backstride.web import svg
from backstride.web.svg import BAR, HEIGHT, INK, LEFT, LEVEL_COLOUR, MUTED, PLOT_H, PLOT_W, TOP, WIDTH, day, escape, num

__all__ = ["ANSWER_WORDS", "Chart", "history_charts", "load_and_pain_chart", "planned_done_chart",
           "ratio_chart", "runs_chart", "shoes_chart"]

ANSWER_WORDS: dict[Level, str] = {"green": "green (answered well)", "amber": "amber (a bit much)",
                                  "red": "red (too much: a flare)", "unknown": "no answer recorded"}
_PAIN_SERIES: tuple[tuple[str, str, str, str], ...] = (  # field, words, dash pattern, marker
    ("pain_rest", "at rest", "", "circle"),
    ("pain_during", "during runs", "6 3", "square"),
    ("pain_next_morning", "next morning", "2 2", "diamond"),
)
_PAIN_COLOUR = {"pain_rest": "#6a1b9a", "pain_during": "#c5221f", "pain_next_morning": "#b35c00"}
RATIO_TOP = 2.5  # the ratio axis stops here
RATIO_HIGH, RATIO_LOW = 1.5, 0.8  # the band the `weeks` report marks (a rise above 1.5 often comes before a flare)


@dataclass(frozen=True, slots=True)
class Chart:
    """One picture: its SVG markup, a sentence saying what it shows, and its numbers as table rows."""

    id: str
    title: str
    svg: str
    summary: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]




def _ratio(x: float | None) -> str:
    """The load ratio to two places, as the `weeks` report prints it."""
    return "–" if x is None else f"{x:.2f}"
















def _week_axis(weeks: Sequence[HistoryWeek], x_of: Callable[[int], float]) -> list[str]:
    every = svg.label_every(len(weeks))
    out = [f'<line x1="{LEFT}" y1="{TOP + PLOT_H}" x2="{LEFT + PLOT_W}" y2="{TOP + PLOT_H}" stroke="{MUTED}"/>']
    for i, w in enumerate(weeks):
        if (len(weeks) - 1 - i) % every == 0:  # always label the latest week
            out.append(svg.text(x_of(i), TOP + PLOT_H + 14, day(w.start), fill=MUTED, size=10))
    return out










# --- weekly distance against pain ----------------------------------------------------------------

def load_and_pain_chart(h: History) -> Chart:
    """Bars of weekly running distance, pain lines (0-10) on the right axis, flares and red flags marked."""
    cid, title = "chart-load-pain", "Weekly running distance and pain"
    columns = ("Week of", f"Distance ({h.units})", "Pain at rest", "Pain during runs", "Pain next morning",
               "How the back answered", "Flares", "Red-flag days", "What may have led to pain")
    named = _cause_weeks(h)
    rows = tuple((day(w.start), num(w.distance), num(w.pain_rest), num(w.pain_during),
                  num(w.pain_next_morning), ANSWER_WORDS[w.response], str(w.flares), str(w.red_flag_days),
                  "; ".join(named.get(w.start, ())) or "–")
                 for w in h.weeks)
    summary = _load_summary(h)
    if h.empty:
        words = "Nothing logged yet: runs and check-ins will show here."
        return Chart(cid, title, svg.empty(cid, title, words, summary), summary, columns, rows)
    weeks = h.weeks
    top = svg.nice_top(max(w.distance for w in weeks))
    step = PLOT_W / len(weeks)

    def x_of(i: int) -> float:
        return LEFT + step * (i + 0.5)

    def y_km(v: float) -> float:
        return TOP + PLOT_H * (1 - v / top)

    def y_pain(p: float) -> float:
        return TOP + PLOT_H * (1 - p / 10)

    body = []
    for i, w in enumerate(weeks):  # behind everything: the weeks `causes` names
        if w.start in named:
            body.append(f'<rect class="cause-week" x="{x_of(i) - step / 2:.1f}" y="{TOP}" width="{step:.1f}" '
                        f'height="{PLOT_H}" fill="#fff1cc"><title>{escape(day(w.start))}: '
                        f'{escape("; ".join(named[w.start]))}</title></rect>')
    body += svg.left_axis(top, h.units)
    body.append(svg.text(WIDTH - 4, TOP - 8, "pain /10", anchor="end", fill=MUTED, size=10))
    for p in (0, 5, 10):
        body.append(svg.text(LEFT + PLOT_W + 4, y_pain(p) + 3.5, str(p), anchor="start", fill=MUTED, size=10))
    bw = max(2.0, step * 0.6)
    for i, w in enumerate(weeks):
        y = y_km(w.distance)
        body.append(f'<rect class="bar" x="{x_of(i) - bw / 2:.1f}" y="{y:.1f}" width="{bw:.1f}" '
                    f'height="{TOP + PLOT_H - y:.1f}" fill="{BAR}"><title>{escape(day(w.start))}: '
                    f'{escape(num(w.distance))} {escape(h.units)}</title></rect>')
    for field, _words, dash, shape in _PAIN_SERIES:
        colour = _PAIN_COLOUR[field]
        for segment in svg.segments([(x_of(i), getattr(w, field)) for i, w in enumerate(weeks)]):
            pts = " ".join(f"{x:.1f},{y_pain(v):.1f}" for x, v in segment)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            if len(segment) > 1:
                body.append(f'<polyline class="pain-line pain-{field}" points="{pts}" fill="none" '
                            f'stroke="{colour}" stroke-width="2"{dash_attr}/>')
            body += [svg.marker(shape, x, y_pain(v), colour) for x, v in segment]
    for i, w in enumerate(weeks):
        if w.flares:
            body.append(svg.answer_mark("red", x_of(i), TOP - 8, f"{day(w.start)}: {w.flares} run(s) flared the back"))
        if w.red_flag_days:
            body.append(svg.flag_mark(x_of(i) + (12 if w.flares else 0), TOP - 8,
                                   f"{day(w.start)}: a warning sign answered yes"))
    body += _week_axis(weeks, x_of)
    body += _pain_legend()
    return Chart(cid, title, svg.document(cid, title, summary, body), summary, columns, rows)


def _cause_weeks(h: History) -> dict[dt.date, tuple[str, ...]]:
    """Each week in view that a found cause names, with the causes' titles."""
    out: dict[dt.date, tuple[str, ...]] = {}
    for c in h.causes:
        if c.found:
            for week in c.weeks:
                out[week] = (*out.get(week, ()), c.title)
    return out




def _pain_legend() -> list[str]:
    y = HEIGHT - 12
    out = [f'<rect x="{LEFT}" y="{y - 7}" width="10" height="8" fill="{BAR}"/>',
           svg.text(LEFT + 13, y, "distance", anchor="start", size=10)]
    x = LEFT + 64.0
    for field, words, dash, shape in _PAIN_SERIES:
        colour = _PAIN_COLOUR[field]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<line x1="{x:.1f}" y1="{y - 3}" x2="{x + 16:.1f}" y2="{y - 3}" stroke="{colour}" '
                   f'stroke-width="2"{dash_attr}/>')
        out.append(svg.marker(shape, x + 8, y - 3, colour, r=2.6))
        out.append(svg.text(x + 19, y, words, anchor="start", size=10))
        x += 24 + 5.6 * len(words)
    return out


def _load_summary(h: History) -> str:
    n = len(h.weeks)
    if h.empty:
        return f"Nothing is logged in the last {n} weeks yet: your runs and check-ins will show here."
    dists = [w.distance for w in h.weeks]
    parts = [f"Over the last {n} weeks you ran between {num(min(dists))} and {num(max(dists))} {h.units} a week; "
             f"in the week of {day(h.weeks[-1].start)}, {num(dists[-1])} {h.units} so far."]
    rest = [(w.start, w.pain_rest) for w in h.weeks if w.pain_rest is not None]
    if rest:
        parts.append(f"Average pain at rest went from {num(rest[0][1])} to {num(rest[-1][1])} out of 10.")
    flares = [w for w in h.weeks if w.flares]
    if flares:
        parts.append(f"Runs flared your back in {len(flares)} of these weeks (the week of "
                     + ", ".join(day(w.start) for w in flares) + ").")
    else:
        parts.append("No run flared your back.")
    if h.red_flags:
        parts.append(f"A warning sign was answered yes on {len(h.red_flags)} day(s): "
                     + ", ".join(day(f.date) for f in h.red_flags) + ".")
    named = _cause_weeks(h)
    shown = [w.start for w in h.weeks if w.start in named]
    if shown:
        titles = sorted({t for w in shown for t in named[w]})
        parts.append("Shaded weeks are where the history shows what may have led to the pain ("
                     + "; ".join(t[:1].lower() + t[1:] for t in titles) + ").")
    return " ".join(parts)


# --- each run and its answer ---------------------------------------------------------------------

def runs_chart(h: History) -> Chart:
    """Each run by date and distance, marked by its answer (shape and colour); red-flag days along the top."""
    cid, title = "chart-runs", "Each run and how your back answered it"
    columns = ("Day", f"Distance ({h.units})", "Answer", "Why", "Rule")
    rows = tuple((f"{r.date:%a} {day(r.date)}", num(r.distance), ANSWER_WORDS[r.level], r.why, r.rule or "–")
                 for r in h.runs)
    counts = {lvl: sum(1 for r in h.runs if r.level == lvl) for lvl in ANSWER_WORDS}
    if not h.runs:
        summary = f"No runs in the last {len(h.weeks)} weeks yet."
        return Chart(cid, title, svg.empty(cid, title, "No runs logged in these weeks yet.", summary), summary,
                     columns, rows)
    summary = (f"{len(h.runs)} runs in the last {len(h.weeks)} weeks: {counts['green']} green, "
               f"{counts['amber']} amber, {counts['red']} red" + (f", {counts['unknown']} with no answer recorded"
                                                                   if counts["unknown"] else "") + ".")
    first = h.weeks[0].start
    span = max((h.today - first).days + 1, 7)
    top = svg.nice_top(max((r.distance or 0.0) for r in h.runs))

    def x_of_day(d: dt.date) -> float:
        return LEFT + PLOT_W * ((d - first).days + 0.5) / span

    body = svg.left_axis(top, h.units)
    for r in h.runs:
        y = TOP + PLOT_H * (1 - (r.distance or 0.0) / top)
        label = (f"{r.date:%a} {day(r.date)}: " + (f"{num(r.distance)} {h.units}" if r.distance is not None
                                                     else "distance unknown")
                 + f", {ANSWER_WORDS[r.level]}. {r.why}")
        body.append(svg.answer_mark(r.level, x_of_day(r.date), y, label))
    for f in h.red_flags:
        body.append(svg.flag_mark(x_of_day(f.date), TOP - 8, f"{day(f.date)}: you reported " + "; ".join(f.signs)))
    body += _week_axis(h.weeks, lambda i: LEFT + PLOT_W * ((h.weeks[i].start - first).days + 0.5) / span)
    y = HEIGHT - 12
    x = float(LEFT)
    for lvl, words in (("green", "green"), ("amber", "amber"), ("red", "red: flare")):
        body.append(svg.answer_mark(lvl, x + 6, y - 3, words))  # type: ignore[arg-type]
        body.append(svg.text(x + 15, y, words, anchor="start", size=10))
        x += 30 + 6 * len(words)
    body.append(svg.flag_mark(x + 6, y - 3, "warning sign"))
    body.append(svg.text(x + 16, y, "warning sign", anchor="start", size=10))
    return Chart(cid, title, svg.document(cid, title, summary, body), summary, columns, rows)


# --- planned against done ------------------------------------------------------------------------

def planned_done_chart(h: History) -> Chart:
    """Each week's planned running distance (outlined) beside what was done (filled)."""
    cid, title = "chart-planned-done", "Planned against done"
    columns = ("Week of", f"Planned ({h.units})", f"Done ({h.units})", "Verdict")
    rows = tuple((day(w.start), num(w.planned), num(w.distance), w.verdict) for w in h.weeks)
    kept = [w for w in h.weeks if w.planned is not None]
    if not kept:
        summary = "No plan was kept for these weeks yet: once you follow a plan, what you ran shows beside it."
        return Chart(cid, title, svg.empty(cid, title, "No plan kept for these weeks yet.", summary), summary,
                     columns, rows)
    as_planned = sum(1 for w in kept if w.verdict == "as planned")
    summary = (f"A plan was kept for {len(kept)} of the last {len(h.weeks)} weeks; {as_planned} ran as planned. "
               f"Latest week: {num(h.weeks[-1].planned)} {h.units} planned, {num(h.weeks[-1].distance)} "
               f"{h.units} done ({h.weeks[-1].verdict}).")
    top = svg.nice_top(max(max(w.distance, w.planned or 0.0) for w in h.weeks))
    step = PLOT_W / len(h.weeks)
    bw = max(2.0, step * 0.34)

    def x_of(i: int) -> float:
        return LEFT + step * (i + 0.5)

    body = svg.left_axis(top, h.units)
    for i, w in enumerate(h.weeks):
        if w.planned is not None:
            y = TOP + PLOT_H * (1 - w.planned / top)
            body.append(f'<rect class="bar-planned" x="{x_of(i) - bw:.1f}" y="{y:.1f}" width="{bw:.1f}" '
                        f'height="{TOP + PLOT_H - y:.1f}" fill="#fff" stroke="{BAR}" stroke-width="1.5">'
                        f'<title>{escape(day(w.start))}: {escape(num(w.planned))} {escape(h.units)} planned'
                        '</title></rect>')
        y = TOP + PLOT_H * (1 - w.distance / top)
        body.append(f'<rect class="bar" x="{x_of(i):.1f}" y="{y:.1f}" width="{bw:.1f}" '
                    f'height="{TOP + PLOT_H - y:.1f}" fill="{BAR}"><title>{escape(day(w.start))}: '
                    f'{escape(num(w.distance))} {escape(h.units)} done, {escape(w.verdict)}</title></rect>')
    body += _week_axis(h.weeks, x_of)
    y = HEIGHT - 12
    body += [f'<rect x="{LEFT}" y="{y - 8}" width="10" height="9" fill="#fff" stroke="{BAR}" stroke-width="1.5"/>',
             svg.text(LEFT + 14, y, "planned", anchor="start", size=10),
             f'<rect x="{LEFT + 70}" y="{y - 8}" width="10" height="9" fill="{BAR}"/>',
             svg.text(LEFT + 84, y, "done", anchor="start", size=10)]
    return Chart(cid, title, svg.document(cid, title, summary, body), summary, columns, rows)


# --- the acute:chronic ratio ---------------------------------------------------------------------

def ratio_chart(h: History) -> Chart:
    """The load ratio (last 7 days over the month before) per week, with the steady band marked."""
    cid, title = "chart-ratio", "Load ratio: this week against the month before"
    columns = ("Week of", "Load ratio", "Above 1.5")
    rows = tuple((day(w.start), _ratio(w.acwr), "yes" if w.acwr is not None and w.acwr > RATIO_HIGH else "no")
                 for w in h.weeks)
    known = [(i, w.acwr) for i, w in enumerate(h.weeks) if w.acwr is not None]
    if not known:
        summary = "The load ratio needs a month of running before it: not enough yet."
        return Chart(cid, title, svg.empty(cid, title, "Not enough running yet for a load ratio.", summary), summary,
                     columns, rows)
    high = [h.weeks[i] for i, v in known if v > RATIO_HIGH]
    latest = h.weeks[known[-1][0]]
    so_far = " so far" if latest.start + dt.timedelta(days=6) >= h.today else ""
    summary = (f"Your load ratio was {_ratio(known[-1][1])} in the week of {day(latest.start)}{so_far}. "
               + (f"It was above {RATIO_HIGH:g} in {len(high)} week(s) (" + ", ".join(day(w.start) for w in high)
                  + "): rises that fast often come before a flare." if high
                  else f"It stayed at or below {RATIO_HIGH:g}, a steady build."))
    top = RATIO_TOP  # a first month after a break can read 5 or more: drawn at the top, its number in the table

    def clamp(v: float) -> float:
        return min(v, top)

    step = PLOT_W / len(h.weeks)

    def x_of(i: int) -> float:
        return LEFT + step * (i + 0.5)

    def y_of(v: float) -> float:
        return TOP + PLOT_H * (1 - clamp(v) / top)

    body = [svg.text(4, TOP - 8, "ratio", anchor="start", fill=MUTED, size=10)]
    body.append(f'<rect class="band" x="{LEFT}" y="{y_of(RATIO_HIGH):.1f}" width="{PLOT_W}" '
                f'height="{y_of(RATIO_LOW) - y_of(RATIO_HIGH):.1f}" fill="#e6f0e8"/>')
    for v in (0.0, RATIO_LOW, RATIO_HIGH, top):
        body.append(svg.text(LEFT - 4, y_of(v) + 3.5, num(v), anchor="end", fill=MUTED, size=10))
    for segment in svg.segments([(x_of(i), w.acwr) for i, w in enumerate(h.weeks)]):
        if len(segment) > 1:
            body.append('<polyline class="ratio-line" points="'
                        + " ".join(f"{x:.1f},{y_of(v):.1f}" for x, v in segment)
                        + f'" fill="none" stroke="{INK}" stroke-width="2"/>')
        for x, v in segment:
            if v > RATIO_HIGH:
                body.append(f'<polygon class="ratio-high" points="{x:.1f},{y_of(v) - 6:.1f} {x + 5.5:.1f},'
                            f'{y_of(v) + 4:.1f} {x - 5.5:.1f},{y_of(v) + 4:.1f}" fill="{LEVEL_COLOUR["red"]}">'
                            f"<title>{escape(num(v))}: above {RATIO_HIGH:g}</title></polygon>")
            else:
                body.append(svg.marker("circle", x, y_of(v), INK))
    body += _week_axis(h.weeks, x_of)
    y = HEIGHT - 12
    body += [f'<rect x="{LEFT}" y="{y - 8}" width="12" height="9" fill="#e6f0e8"/>',
             svg.text(LEFT + 16, y, f"steady ({RATIO_LOW:g}-{RATIO_HIGH:g})", anchor="start", size=10),
             f'<polygon points="{LEFT + 116},{y - 8} {LEFT + 121.5},{y + 1} {LEFT + 110.5},{y + 1}" '
             f'fill="{LEVEL_COLOUR["red"]}"/>',
             svg.text(LEFT + 126, y, f"above {RATIO_HIGH:g}: a fast rise", anchor="start", size=10)]
    return Chart(cid, title, svg.document(cid, title, summary, body), summary, columns, rows)


# --- shoes ---------------------------------------------------------------------------------------

def shoes_chart(h: History) -> Chart:
    """Each pair's distance as a bar, against E-SHOES' "check them" and "replace them" distances."""
    cid, title = "chart-shoes", "Your shoes and their wear"
    columns = ("Shoes", f"Distance ({h.units})", "What to do")
    rows = tuple((s.name, num(s.distance), s.advice) for s in h.shoes)
    if not h.shoes:
        summary = "No shoes recorded: add yours in Settings to see their wear here."
        return Chart(cid, title, svg.empty(cid, title, "No shoes recorded yet.", summary), summary, columns, rows)
    due = [s for s in h.shoes if s.advice not in ("fine", "retired")]
    summary = (f"{len(h.shoes)} pair(s) of shoes. "
               + ("; ".join(f"{s.name}: {num(s.distance)} {h.units}, {s.advice}" for s in due) + "."
                  if due else "All are fine for now."))
    limit = h.shoe_replace_at or max(s.distance for s in h.shoes)
    top = svg.nice_top(max(limit * 1.15, *(s.distance for s in h.shoes)))
    shown = h.shoes[:6]  # a phone shows six pairs; the table has them all
    band = PLOT_H / max(len(shown), 3)
    left = LEFT + 64

    def x_of(v: float) -> float:
        return left + (LEFT + PLOT_W - left) * v / top

    body: list[str] = [svg.text(4, TOP - 8, h.units, anchor="start", fill=MUTED, size=10)]
    for v, words in ((h.shoe_check_at, "check"), (h.shoe_replace_at, "replace")):
        if v is not None and v <= top:
            body.append(f'<line class="shoe-limit" x1="{x_of(v):.1f}" y1="{TOP}" x2="{x_of(v):.1f}" '
                        f'y2="{TOP + PLOT_H}" stroke="{LEVEL_COLOUR["red" if words == "replace" else "amber"]}" '
                        f'stroke-width="1.5" stroke-dasharray="4 3"/>')
            body.append(svg.text(x_of(v), TOP - 8, f"{words} {num(v)}", fill=MUTED, size=10))
    for i, shoe in enumerate(shown):
        y = TOP + band * i + band * 0.2
        level: Level = "red" if shoe.advice.startswith("replace") else "amber" if shoe.advice.startswith("check") \
            else "green" if shoe.advice == "fine" else "unknown"
        body.append(svg.text(left - 6, y + band * 0.35, svg.short(shoe.name, 12), anchor="end", size=10))
        body.append(f'<rect class="bar shoe-{level}" x="{left}" y="{y:.1f}" width="{x_of(shoe.distance) - left:.1f}" '
                    f'height="{band * 0.5:.1f}" fill="{LEVEL_COLOUR[level] if level != "green" else BAR}">'
                    f"<title>{escape(shoe.name)}: {escape(num(shoe.distance))} {escape(h.units)}, "
                    f"{escape(shoe.advice)}</title></rect>")
        body.append(svg.text(min(x_of(shoe.distance) + 4, WIDTH - 40), y + band * 0.35, num(shoe.distance),
                          anchor="start", size=10))
    body.append(f'<line x1="{left}" y1="{TOP + PLOT_H}" x2="{LEFT + PLOT_W}" y2="{TOP + PLOT_H}" stroke="{MUTED}"/>')
    return Chart(cid, title, svg.document(cid, title, summary, body), summary, columns, rows)


def history_charts(h: History) -> tuple[Chart, ...]:
    """Every history picture, in the order the History page shows them."""
    return (load_and_pain_chart(h), runs_chart(h), planned_done_chart(h), ratio_chart(h), shoes_chart(h))
