"""History in pictures: server-rendered SVG charts, each with its words and its numbers.

No JavaScript: each chart is a small SVG drawn here from :class:`~backstride.services.history.History`,
sized by its ``viewBox`` to the width of the screen (readable at 390 px). Every chart carries a
``<title>`` and ``<desc>``, a sentence that says what it shows (for anyone who cannot see it), and
its numbers as rows for an HTML table (screen readers read the table, not the drawing). Colour is
never the only sign: run answers are drawn as a circle (green), a triangle (amber) and a cross
(red), pain lines differ by dash and marker too. All text is escaped. Pure: data in, markup out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape as _html_escape

from backstride.core.pain_response import Level
from backstride.services.history import History, HistoryWeek

__all__ = ["ANSWER_WORDS", "Chart", "history_charts", "load_and_pain_chart", "planned_done_chart",
           "ratio_chart", "runs_chart", "shoes_chart"]

# The drawing's own coordinate space; the SVG scales to the width it is given.
WIDTH, HEIGHT = 360, 230
LEFT, RIGHT, TOP, BOTTOM = 36, 30, 22, 48
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

INK, MUTED, BAR, PLANNED = "#1d1d1f", "#5f6368", "#4a6fa5", "#9db4d3"
LEVEL_COLOUR: dict[Level, str] = {"green": "#1b7f3b", "amber": "#b35c00", "red": "#c5221f", "unknown": "#5f6368"}
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


# Characters XML 1.0 cannot hold even escaped (control characters but tab and newlines, lone surrogates,
# U+FFFE/U+FFFF): a shoe named with one would otherwise break the whole picture.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def escape(text: str) -> str:
    """Text safe inside SVG: markup escaped, characters XML cannot hold dropped."""
    return _html_escape(_NOT_XML.sub("", text), quote=True)


@dataclass(frozen=True, slots=True)
class Chart:
    """One picture: its SVG markup, a sentence saying what it shows, and its numbers as table rows."""

    id: str
    title: str
    svg: str
    summary: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _num(x: float | None) -> str:
    """A figure as the runner reads it: 8 and 8.5, never 8.0; a dash when unknown."""
    return "–" if x is None else f"{round(x, 1):g}"


def _ratio(x: float | None) -> str:
    """The load ratio to two places, as the `weeks` report prints it."""
    return "–" if x is None else f"{x:.2f}"


def _short(text: str, n: int) -> str:
    """At most ``n`` characters, an ellipsis marking a cut (the table keeps the whole name)."""
    return text if len(text) <= n else text[: n - 1] + "…"


def _day(d: dt.date) -> str:
    return f"{d.day} {d:%b}"


def _svg(chart_id: str, title: str, desc: str, body: Sequence[str]) -> str:
    t, s = f"{chart_id}-title", f"{chart_id}-desc"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" preserveAspectRatio="xMidYMid meet" role="img" '
            f'aria-labelledby="{escape(t)} {escape(s)}" font-family="system-ui, sans-serif" font-size="11">'
            f'<title id="{escape(t)}">{escape(title)}</title><desc id="{escape(s)}">{escape(desc)}</desc>'
            + "".join(body) + "</svg>")


def _text(x: float, y: float, words: str, *, anchor: str = "middle", fill: str = INK, size: int = 11,
          cls: str = "chart-text") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}" font-size="{size}" '
            f'class="{cls}">{escape(words)}</text>')


def _nice_top(value: float) -> float:
    """A round number at or above ``value`` for the top of an axis (1, 2, 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    step = 1.0
    while step * 10 <= value:
        step *= 10
    while step > value * 10:
        step /= 10
    for m in (1, 2, 2.5, 5, 10):
        if m * step >= value:
            return m * step
    return 10 * step


def _empty(chart_id: str, title: str, words: str, summary: str) -> str:
    return _svg(chart_id, title, summary, [_text(WIDTH / 2, HEIGHT / 2, words, fill=MUTED, size=13)])


def _label_every(n: int) -> int:
    """Label every k-th week so the labels never crowd at 390 px (about six fit)."""
    return max(1, -(-n // 6))


def _week_axis(weeks: Sequence[HistoryWeek], x_of: Callable[[int], float]) -> list[str]:
    every = _label_every(len(weeks))
    out = [f'<line x1="{LEFT}" y1="{TOP + PLOT_H}" x2="{LEFT + PLOT_W}" y2="{TOP + PLOT_H}" stroke="{MUTED}"/>']
    for i, w in enumerate(weeks):
        if (len(weeks) - 1 - i) % every == 0:  # always label the latest week
            out.append(_text(x_of(i), TOP + PLOT_H + 14, _day(w.start), fill=MUTED, size=10))
    return out


def _left_axis(top: float, unit: str) -> list[str]:
    out = [_text(4, TOP - 8, unit, anchor="start", fill=MUTED, size=10)]
    for frac in (0.0, 0.5, 1.0):
        y = TOP + PLOT_H * (1 - frac)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + PLOT_W}" y2="{y:.1f}" stroke="#d0d4da" '
                   'stroke-width="0.5"/>')
        out.append(_text(LEFT - 4, y + 3.5, _num(top * frac), anchor="end", fill=MUTED, size=10))
    return out


def _marker(shape: str, x: float, y: float, colour: str, r: float = 3.2) -> str:
    if shape == "square":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" fill="{colour}"/>'
    if shape == "diamond":
        return (f'<polygon points="{x:.1f},{y - r - 1:.1f} {x + r + 1:.1f},{y:.1f} {x:.1f},{y + r + 1:.1f} '
                f'{x - r - 1:.1f},{y:.1f}" fill="{colour}"/>')
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colour}"/>'


def _answer_mark(level: Level, x: float, y: float, label: str) -> str:
    """A run's answer as a shape and a colour: circle with a tick, triangle with !, cross, hollow circle."""
    c = LEVEL_COLOUR[level]
    tip = f"<title>{escape(label)}</title>"
    if level == "green":
        shape = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5.5" fill="{c}"/><path d="M{x - 2.8:.1f},{y:.1f} '
                 f'l2,2.3 l3.8,-4.6" stroke="#fff" stroke-width="1.6" fill="none"/>')
    elif level == "amber":
        shape = (f'<polygon points="{x:.1f},{y - 6.5:.1f} {x + 6:.1f},{y + 4.5:.1f} {x - 6:.1f},{y + 4.5:.1f}" '
                 f'fill="{c}"/>' + _text(x, y + 3.6, "!", fill="#fff", size=9, cls="chart-mark"))
    elif level == "red":
        shape = (f'<rect x="{x - 5.5:.1f}" y="{y - 5.5:.1f}" width="11" height="11" fill="{c}"/>'
                 f'<path d="M{x - 3:.1f},{y - 3:.1f} l6,6 M{x + 3:.1f},{y - 3:.1f} l-6,6" stroke="#fff" '
                 'stroke-width="1.8"/>')
    else:
        shape = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="#fff" stroke="{c}" stroke-width="1.5"/>'
    return f'<g class="answer answer-{level}">{tip}{shape}</g>'


def _flag_mark(x: float, y: float, label: str) -> str:
    """A red-flag day: a warning triangle, outlined, with an exclamation mark."""
    c = LEVEL_COLOUR["red"]
    return (f'<g class="red-flag"><title>{escape(label)}</title><polygon points="{x:.1f},{y - 6:.1f} '
            f'{x + 6.5:.1f},{y + 5:.1f} {x - 6.5:.1f},{y + 5:.1f}" fill="#fff" stroke="{c}" stroke-width="1.6"/>'
            + _text(x, y + 3.8, "!", fill=c, size=9, cls="chart-mark") + "</g>")


# --- weekly distance against pain ----------------------------------------------------------------

def load_and_pain_chart(h: History) -> Chart:
    """Bars of weekly running distance, pain lines (0-10) on the right axis, flares and red flags marked."""
    cid, title = "chart-load-pain", "Weekly running distance and pain"
    columns = ("Week of", f"Distance ({h.units})", "Pain at rest", "Pain during runs", "Pain next morning",
               "How the back answered", "Flares", "Red-flag days", "What may have led to pain")
    named = _cause_weeks(h)
    rows = tuple((_day(w.start), _num(w.distance), _num(w.pain_rest), _num(w.pain_during),
                  _num(w.pain_next_morning), ANSWER_WORDS[w.response], str(w.flares), str(w.red_flag_days),
                  "; ".join(named.get(w.start, ())) or "–")
                 for w in h.weeks)
    summary = _load_summary(h)
    if h.empty:
        return Chart(cid, title, _empty(cid, title, "Nothing logged yet: runs and check-ins will show here.", summary),
                     summary, columns, rows)
    weeks = h.weeks
    top = _nice_top(max(w.distance for w in weeks))
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
                        f'height="{PLOT_H}" fill="#fff1cc"><title>{escape(_day(w.start))}: '
                        f'{escape("; ".join(named[w.start]))}</title></rect>')
    body += _left_axis(top, h.units)
    body.append(_text(WIDTH - 4, TOP - 8, "pain /10", anchor="end", fill=MUTED, size=10))
    for p in (0, 5, 10):
        body.append(_text(LEFT + PLOT_W + 4, y_pain(p) + 3.5, str(p), anchor="start", fill=MUTED, size=10))
    bw = max(2.0, step * 0.6)
    for i, w in enumerate(weeks):
        y = y_km(w.distance)
        body.append(f'<rect class="bar" x="{x_of(i) - bw / 2:.1f}" y="{y:.1f}" width="{bw:.1f}" '
                    f'height="{TOP + PLOT_H - y:.1f}" fill="{BAR}"><title>{escape(_day(w.start))}: '
                    f'{escape(_num(w.distance))} {escape(h.units)}</title></rect>')
    for field, _words, dash, shape in _PAIN_SERIES:
        colour = _PAIN_COLOUR[field]
        for segment in _segments([(x_of(i), getattr(w, field)) for i, w in enumerate(weeks)]):
            pts = " ".join(f"{x:.1f},{y_pain(v):.1f}" for x, v in segment)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            if len(segment) > 1:
                body.append(f'<polyline class="pain-line pain-{field}" points="{pts}" fill="none" '
                            f'stroke="{colour}" stroke-width="2"{dash_attr}/>')
            body += [_marker(shape, x, y_pain(v), colour) for x, v in segment]
    for i, w in enumerate(weeks):
        if w.flares:
            body.append(_answer_mark("red", x_of(i), TOP - 8, f"{_day(w.start)}: {w.flares} run(s) flared the back"))
        if w.red_flag_days:
            body.append(_flag_mark(x_of(i) + (12 if w.flares else 0), TOP - 8,
                                   f"{_day(w.start)}: a warning sign answered yes"))
    body += _week_axis(weeks, x_of)
    body += _pain_legend()
    return Chart(cid, title, _svg(cid, title, summary, body), summary, columns, rows)


def _cause_weeks(h: History) -> dict[dt.date, tuple[str, ...]]:
    """Each week in view that a found cause names, with the causes' titles."""
    out: dict[dt.date, tuple[str, ...]] = {}
    for c in h.causes:
        if c.found:
            for week in c.weeks:
                out[week] = (*out.get(week, ()), c.title)
    return out


def _segments(points: list[tuple[float, float | None]]) -> list[list[tuple[float, float]]]:
    """Runs of known values: a line breaks at a week with no answer rather than inventing one."""
    out: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for x, v in points:
        if v is None:
            if current:
                out.append(current)
            current = []
        else:
            current.append((x, v))
    if current:
        out.append(current)
    return out


def _pain_legend() -> list[str]:
    y = HEIGHT - 12
    out = [f'<rect x="{LEFT}" y="{y - 7}" width="10" height="8" fill="{BAR}"/>',
           _text(LEFT + 13, y, "distance", anchor="start", size=10)]
    x = LEFT + 64.0
    for field, words, dash, shape in _PAIN_SERIES:
        colour = _PAIN_COLOUR[field]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<line x1="{x:.1f}" y1="{y - 3}" x2="{x + 16:.1f}" y2="{y - 3}" stroke="{colour}" '
                   f'stroke-width="2"{dash_attr}/>')
        out.append(_marker(shape, x + 8, y - 3, colour, r=2.6))
        out.append(_text(x + 19, y, words, anchor="start", size=10))
        x += 24 + 5.6 * len(words)
    return out


def _load_summary(h: History) -> str:
    n = len(h.weeks)
    if h.empty:
        return f"Nothing is logged in the last {n} weeks yet: your runs and check-ins will show here."
    dists = [w.distance for w in h.weeks]
    parts = [f"Over the last {n} weeks you ran between {_num(min(dists))} and {_num(max(dists))} {h.units} a week; "
             f"in the week of {_day(h.weeks[-1].start)}, {_num(dists[-1])} {h.units} so far."]
    rest = [(w.start, w.pain_rest) for w in h.weeks if w.pain_rest is not None]
    if rest:
        parts.append(f"Average pain at rest went from {_num(rest[0][1])} to {_num(rest[-1][1])} out of 10.")
    flares = [w for w in h.weeks if w.flares]
    if flares:
        parts.append(f"Runs flared your back in {len(flares)} of these weeks (the week of "
                     + ", ".join(_day(w.start) for w in flares) + ").")
    else:
        parts.append("No run flared your back.")
    if h.red_flags:
        parts.append(f"A warning sign was answered yes on {len(h.red_flags)} day(s): "
                     + ", ".join(_day(f.date) for f in h.red_flags) + ".")
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
    rows = tuple((f"{r.date:%a} {_day(r.date)}", _num(r.distance), ANSWER_WORDS[r.level], r.why, r.rule or "–")
                 for r in h.runs)
    counts = {lvl: sum(1 for r in h.runs if r.level == lvl) for lvl in ANSWER_WORDS}
    if not h.runs:
        summary = f"No runs in the last {len(h.weeks)} weeks yet."
        return Chart(cid, title, _empty(cid, title, "No runs logged in these weeks yet.", summary), summary,
                     columns, rows)
    summary = (f"{len(h.runs)} runs in the last {len(h.weeks)} weeks: {counts['green']} green, "
               f"{counts['amber']} amber, {counts['red']} red" + (f", {counts['unknown']} with no answer recorded"
                                                                   if counts["unknown"] else "") + ".")
    first = h.weeks[0].start
    span = max((h.today - first).days + 1, 7)
    top = _nice_top(max((r.distance or 0.0) for r in h.runs))

    def x_of_day(d: dt.date) -> float:
        return LEFT + PLOT_W * ((d - first).days + 0.5) / span

    body = _left_axis(top, h.units)
    for r in h.runs:
        y = TOP + PLOT_H * (1 - (r.distance or 0.0) / top)
        label = (f"{r.date:%a} {_day(r.date)}: " + (f"{_num(r.distance)} {h.units}" if r.distance is not None
                                                     else "distance unknown")
                 + f", {ANSWER_WORDS[r.level]}. {r.why}")
        body.append(_answer_mark(r.level, x_of_day(r.date), y, label))
    for f in h.red_flags:
        body.append(_flag_mark(x_of_day(f.date), TOP - 8, f"{_day(f.date)}: you reported " + "; ".join(f.signs)))
    body += _week_axis(h.weeks, lambda i: LEFT + PLOT_W * ((h.weeks[i].start - first).days + 0.5) / span)
    y = HEIGHT - 12
    x = float(LEFT)
    for lvl, words in (("green", "green"), ("amber", "amber"), ("red", "red: flare")):
        body.append(_answer_mark(lvl, x + 6, y - 3, words))  # type: ignore[arg-type]
        body.append(_text(x + 15, y, words, anchor="start", size=10))
        x += 30 + 6 * len(words)
    body.append(_flag_mark(x + 6, y - 3, "warning sign"))
    body.append(_text(x + 16, y, "warning sign", anchor="start", size=10))
    return Chart(cid, title, _svg(cid, title, summary, body), summary, columns, rows)


# --- planned against done ------------------------------------------------------------------------

def planned_done_chart(h: History) -> Chart:
    """Each week's planned running distance (outlined) beside what was done (filled)."""
    cid, title = "chart-planned-done", "Planned against done"
    columns = ("Week of", f"Planned ({h.units})", f"Done ({h.units})", "Verdict")
    rows = tuple((_day(w.start), _num(w.planned), _num(w.distance), w.verdict) for w in h.weeks)
    kept = [w for w in h.weeks if w.planned is not None]
    if not kept:
        summary = "No plan was kept for these weeks yet: once you follow a plan, what you ran shows beside it."
        return Chart(cid, title, _empty(cid, title, "No plan kept for these weeks yet.", summary), summary,
                     columns, rows)
    as_planned = sum(1 for w in kept if w.verdict == "as planned")
    summary = (f"A plan was kept for {len(kept)} of the last {len(h.weeks)} weeks; {as_planned} ran as planned. "
               f"Latest week: {_num(h.weeks[-1].planned)} {h.units} planned, {_num(h.weeks[-1].distance)} "
               f"{h.units} done ({h.weeks[-1].verdict}).")
    top = _nice_top(max(max(w.distance, w.planned or 0.0) for w in h.weeks))
    step = PLOT_W / len(h.weeks)
    bw = max(2.0, step * 0.34)

    def x_of(i: int) -> float:
        return LEFT + step * (i + 0.5)

    body = _left_axis(top, h.units)
    for i, w in enumerate(h.weeks):
        if w.planned is not None:
            y = TOP + PLOT_H * (1 - w.planned / top)
            body.append(f'<rect class="bar-planned" x="{x_of(i) - bw:.1f}" y="{y:.1f}" width="{bw:.1f}" '
                        f'height="{TOP + PLOT_H - y:.1f}" fill="#fff" stroke="{BAR}" stroke-width="1.5">'
                        f'<title>{escape(_day(w.start))}: {escape(_num(w.planned))} {escape(h.units)} planned'
                        '</title></rect>')
        y = TOP + PLOT_H * (1 - w.distance / top)
        body.append(f'<rect class="bar" x="{x_of(i):.1f}" y="{y:.1f}" width="{bw:.1f}" '
                    f'height="{TOP + PLOT_H - y:.1f}" fill="{BAR}"><title>{escape(_day(w.start))}: '
                    f'{escape(_num(w.distance))} {escape(h.units)} done, {escape(w.verdict)}</title></rect>')
    body += _week_axis(h.weeks, x_of)
    y = HEIGHT - 12
    body += [f'<rect x="{LEFT}" y="{y - 8}" width="10" height="9" fill="#fff" stroke="{BAR}" stroke-width="1.5"/>',
             _text(LEFT + 14, y, "planned", anchor="start", size=10),
             f'<rect x="{LEFT + 70}" y="{y - 8}" width="10" height="9" fill="{BAR}"/>',
             _text(LEFT + 84, y, "done", anchor="start", size=10)]
    return Chart(cid, title, _svg(cid, title, summary, body), summary, columns, rows)


# --- the acute:chronic ratio ---------------------------------------------------------------------

def ratio_chart(h: History) -> Chart:
    """The load ratio (last 7 days over the month before) per week, with the steady band marked."""
    cid, title = "chart-ratio", "Load ratio: this week against the month before"
    columns = ("Week of", "Load ratio", "Above 1.5")
    rows = tuple((_day(w.start), _ratio(w.acwr), "yes" if w.acwr is not None and w.acwr > RATIO_HIGH else "no")
                 for w in h.weeks)
    known = [(i, w.acwr) for i, w in enumerate(h.weeks) if w.acwr is not None]
    if not known:
        summary = "The load ratio needs a month of running before it: not enough yet."
        return Chart(cid, title, _empty(cid, title, "Not enough running yet for a load ratio.", summary), summary,
                     columns, rows)
    high = [h.weeks[i] for i, v in known if v > RATIO_HIGH]
    latest = h.weeks[known[-1][0]]
    so_far = " so far" if latest.start + dt.timedelta(days=6) >= h.today else ""
    summary = (f"Your load ratio was {_ratio(known[-1][1])} in the week of {_day(latest.start)}{so_far}. "
               + (f"It was above {RATIO_HIGH:g} in {len(high)} week(s) (" + ", ".join(_day(w.start) for w in high)
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

    body = [_text(4, TOP - 8, "ratio", anchor="start", fill=MUTED, size=10)]
    body.append(f'<rect class="band" x="{LEFT}" y="{y_of(RATIO_HIGH):.1f}" width="{PLOT_W}" '
                f'height="{y_of(RATIO_LOW) - y_of(RATIO_HIGH):.1f}" fill="#e6f0e8"/>')
    for v in (0.0, RATIO_LOW, RATIO_HIGH, top):
        body.append(_text(LEFT - 4, y_of(v) + 3.5, _num(v), anchor="end", fill=MUTED, size=10))
    for segment in _segments([(x_of(i), w.acwr) for i, w in enumerate(h.weeks)]):
        if len(segment) > 1:
            body.append('<polyline class="ratio-line" points="'
                        + " ".join(f"{x:.1f},{y_of(v):.1f}" for x, v in segment)
                        + f'" fill="none" stroke="{INK}" stroke-width="2"/>')
        for x, v in segment:
            if v > RATIO_HIGH:
                body.append(f'<polygon class="ratio-high" points="{x:.1f},{y_of(v) - 6:.1f} {x + 5.5:.1f},'
                            f'{y_of(v) + 4:.1f} {x - 5.5:.1f},{y_of(v) + 4:.1f}" fill="{LEVEL_COLOUR["red"]}">'
                            f"<title>{escape(_num(v))}: above {RATIO_HIGH:g}</title></polygon>")
            else:
                body.append(_marker("circle", x, y_of(v), INK))
    body += _week_axis(h.weeks, x_of)
    y = HEIGHT - 12
    body += [f'<rect x="{LEFT}" y="{y - 8}" width="12" height="9" fill="#e6f0e8"/>',
             _text(LEFT + 16, y, f"steady ({RATIO_LOW:g}-{RATIO_HIGH:g})", anchor="start", size=10),
             f'<polygon points="{LEFT + 116},{y - 8} {LEFT + 121.5},{y + 1} {LEFT + 110.5},{y + 1}" '
             f'fill="{LEVEL_COLOUR["red"]}"/>',
             _text(LEFT + 126, y, f"above {RATIO_HIGH:g}: a fast rise", anchor="start", size=10)]
    return Chart(cid, title, _svg(cid, title, summary, body), summary, columns, rows)


# --- shoes ---------------------------------------------------------------------------------------

def shoes_chart(h: History) -> Chart:
    """Each pair's distance as a bar, against E-SHOES' "check them" and "replace them" distances."""
    cid, title = "chart-shoes", "Your shoes and their wear"
    columns = ("Shoes", f"Distance ({h.units})", "What to do")
    rows = tuple((s.name, _num(s.distance), s.advice) for s in h.shoes)
    if not h.shoes:
        summary = "No shoes recorded: add yours in Settings to see their wear here."
        return Chart(cid, title, _empty(cid, title, "No shoes recorded yet.", summary), summary, columns, rows)
    due = [s for s in h.shoes if s.advice not in ("fine", "retired")]
    summary = (f"{len(h.shoes)} pair(s) of shoes. "
               + ("; ".join(f"{s.name}: {_num(s.distance)} {h.units}, {s.advice}" for s in due) + "."
                  if due else "All are fine for now."))
    limit = h.shoe_replace_at or max(s.distance for s in h.shoes)
    top = _nice_top(max(limit * 1.15, *(s.distance for s in h.shoes)))
    shown = h.shoes[:6]  # a phone shows six pairs; the table has them all
    band = PLOT_H / max(len(shown), 3)
    left = LEFT + 64

    def x_of(v: float) -> float:
        return left + (LEFT + PLOT_W - left) * v / top

    body: list[str] = [_text(4, TOP - 8, h.units, anchor="start", fill=MUTED, size=10)]
    for v, words in ((h.shoe_check_at, "check"), (h.shoe_replace_at, "replace")):
        if v is not None and v <= top:
            body.append(f'<line class="shoe-limit" x1="{x_of(v):.1f}" y1="{TOP}" x2="{x_of(v):.1f}" '
                        f'y2="{TOP + PLOT_H}" stroke="{LEVEL_COLOUR["red" if words == "replace" else "amber"]}" '
                        f'stroke-width="1.5" stroke-dasharray="4 3"/>')
            body.append(_text(x_of(v), TOP - 8, f"{words} {_num(v)}", fill=MUTED, size=10))
    for i, shoe in enumerate(shown):
        y = TOP + band * i + band * 0.2
        level: Level = "red" if shoe.advice.startswith("replace") else "amber" if shoe.advice.startswith("check") \
            else "green" if shoe.advice == "fine" else "unknown"
        body.append(_text(left - 6, y + band * 0.35, _short(shoe.name, 12), anchor="end", size=10))
        body.append(f'<rect class="bar shoe-{level}" x="{left}" y="{y:.1f}" width="{x_of(shoe.distance) - left:.1f}" '
                    f'height="{band * 0.5:.1f}" fill="{LEVEL_COLOUR[level] if level != "green" else BAR}">'
                    f"<title>{escape(shoe.name)}: {escape(_num(shoe.distance))} {escape(h.units)}, "
                    f"{escape(shoe.advice)}</title></rect>")
        body.append(_text(min(x_of(shoe.distance) + 4, WIDTH - 40), y + band * 0.35, _num(shoe.distance),
                          anchor="start", size=10))
    body.append(f'<line x1="{left}" y1="{TOP + PLOT_H}" x2="{LEFT + PLOT_W}" y2="{TOP + PLOT_H}" stroke="{MUTED}"/>')
    return Chart(cid, title, _svg(cid, title, summary, body), summary, columns, rows)


def history_charts(h: History) -> tuple[Chart, ...]:
    """Every history picture, in the order the History page shows them."""
    return (load_and_pain_chart(h), runs_chart(h), planned_done_chart(h), ratio_chart(h), shoes_chart(h))
