"""SVG primitives for backstride's charts: a document with its title and description, text, axes, marks.

Pure string building in the chart's own coordinate space (``viewBox`` 0 0 360 230, scaled to the
screen's width). Every piece of text goes through :func:`escape`; marks carry their own ``<title>``
so a pointer or a screen reader names them. Colour is never the only sign: the run answers are
three shapes (:func:`answer_mark`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from html import escape as _html_escape

from backstride.core.pain_response import Level

__all__ = ["BAR", "BOTTOM", "HEIGHT", "INK", "LEFT", "LEVEL_COLOUR", "MUTED", "PLOT_H", "PLOT_W", "RIGHT", "TOP",
           "WIDTH", "answer_mark", "day", "document", "empty", "escape", "flag_mark", "label_every", "left_axis",
           "marker", "nice_top", "num", "segments", "short", "text"]

# The drawing's own coordinate space; the SVG scales to the width it is given.
WIDTH, HEIGHT = 360, 230
LEFT, RIGHT, TOP, BOTTOM = 36, 30, 22, 48
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

INK, MUTED, BAR = "#1d1d1f", "#5f6368", "#4a6fa5"
LEVEL_COLOUR: dict[Level, str] = {"green": "#1b7f3b", "amber": "#b35c00", "red": "#c5221f", "unknown": "#5f6368"}

# Characters XML 1.0 cannot hold even escaped (control characters but tab and newlines, lone surrogates,
# U+FFFE/U+FFFF): a shoe named with one would otherwise break the whole picture.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def num(x: float | None) -> str:
    """A figure as the runner reads it: 8 and 8.5, never 8.0; a dash when unknown."""
    return "–" if x is None else f"{round(x, 1):g}"


def short(text: str, n: int) -> str:
    """At most ``n`` characters, an ellipsis marking a cut (the table keeps the whole name)."""
    return text if len(text) <= n else text[: n - 1] + "…"


def day(d: dt.date) -> str:
    """A day as an axis and a table show it: ``30 Nov``."""
    return f"{d.day} {d:%b}"


def document(chart_id: str, title: str, desc: str, body: Sequence[str]) -> str:
    """The ``<svg>`` element: 100% wide, named by its ``<title>`` and ``<desc>`` for screen readers."""
    t, s = f"{chart_id}-title", f"{chart_id}-desc"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" preserveAspectRatio="xMidYMid meet" role="img" '
            f'aria-labelledby="{escape(t)} {escape(s)}" font-family="system-ui, sans-serif" font-size="11">'
            f'<title id="{escape(t)}">{escape(title)}</title><desc id="{escape(s)}">{escape(desc)}</desc>'
            + "".join(body) + "</svg>")


def text(x: float, y: float, words: str, *, anchor: str = "middle", fill: str = INK, size: int = 11,
          cls: str = "chart-text") -> str:
    """A label; the ``chart-text`` class lets the page's CSS recolour it (dark mode)."""
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}" font-size="{size}" '
            f'class="{cls}">{escape(words)}</text>')


def nice_top(value: float) -> float:
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


def empty(chart_id: str, title: str, words: str, summary: str) -> str:
    """A chart with nothing to draw yet: its calm words in the middle, its summary as the description."""
    return document(chart_id, title, summary, [text(WIDTH / 2, HEIGHT / 2, words, fill=MUTED, size=13)])


def label_every(n: int) -> int:
    """Label every k-th week so the labels never crowd at 390 px (about six fit)."""
    return max(1, -(-n // 6))


def left_axis(top: float, unit: str) -> list[str]:
    """The left axis from 0 to ``top`` with its unit, and light grid lines at 0, half and top."""
    out = [text(4, TOP - 8, unit, anchor="start", fill=MUTED, size=10)]
    for frac in (0.0, 0.5, 1.0):
        y = TOP + PLOT_H * (1 - frac)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + PLOT_W}" y2="{y:.1f}" stroke="#d0d4da" '
                   'stroke-width="0.5"/>')
        out.append(text(LEFT - 4, y + 3.5, num(top * frac), anchor="end", fill=MUTED, size=10))
    return out


def marker(shape: str, x: float, y: float, colour: str, r: float = 3.2) -> str:
    """A point of a line: a circle, a square or a diamond, so lines differ by shape too."""
    if shape == "square":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" fill="{colour}"/>'
    if shape == "diamond":
        return (f'<polygon points="{x:.1f},{y - r - 1:.1f} {x + r + 1:.1f},{y:.1f} {x:.1f},{y + r + 1:.1f} '
                f'{x - r - 1:.1f},{y:.1f}" fill="{colour}"/>')
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colour}"/>'


def answer_mark(level: Level, x: float, y: float, label: str) -> str:
    """A run's answer as a shape and a colour: circle with a tick, triangle with !, cross, hollow circle."""
    c = LEVEL_COLOUR[level]
    tip = f"<title>{escape(label)}</title>"
    if level == "green":
        shape = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5.5" fill="{c}"/><path d="M{x - 2.8:.1f},{y:.1f} '
                 f'l2,2.3 l3.8,-4.6" stroke="#fff" stroke-width="1.6" fill="none"/>')
    elif level == "amber":
        shape = (f'<polygon points="{x:.1f},{y - 6.5:.1f} {x + 6:.1f},{y + 4.5:.1f} {x - 6:.1f},{y + 4.5:.1f}" '
                 f'fill="{c}"/>' + text(x, y + 3.6, "!", fill="#fff", size=9, cls="chart-mark"))
    elif level == "red":
        shape = (f'<rect x="{x - 5.5:.1f}" y="{y - 5.5:.1f}" width="11" height="11" fill="{c}"/>'
                 f'<path d="M{x - 3:.1f},{y - 3:.1f} l6,6 M{x + 3:.1f},{y - 3:.1f} l-6,6" stroke="#fff" '
                 'stroke-width="1.8"/>')
    else:
        shape = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="#fff" stroke="{c}" stroke-width="1.5"/>'
    return f'<g class="answer answer-{level}">{tip}{shape}</g>'


def flag_mark(x: float, y: float, label: str) -> str:
    """A red-flag day: a warning triangle, outlined, with an exclamation mark."""
    c = LEVEL_COLOUR["red"]
    return (f'<g class="red-flag"><title>{escape(label)}</title><polygon points="{x:.1f},{y - 6:.1f} '
            f'{x + 6.5:.1f},{y + 5:.1f} {x - 6.5:.1f},{y + 5:.1f}" fill="#fff" stroke="{c}" stroke-width="1.6"/>'
            + text(x, y + 3.8, "!", fill=c, size=9, cls="chart-mark") + "</g>")


def segments(points: list[tuple[float, float | None]]) -> list[list[tuple[float, float]]]:
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


def escape(text: str) -> str:
    """Text safe inside SVG: markup escaped, characters XML cannot hold dropped."""
    return _html_escape(_NOT_XML.sub("", text), quote=True)
