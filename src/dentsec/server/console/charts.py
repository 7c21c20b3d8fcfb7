"""Score charts drawn on the server as inline SVG: no script and no style attribute (the
CSP allows neither); colours are SVG presentation attributes, so the same markup prints in
the PDF reports. A date axis, and a title (date and value) on every point."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from dentsec.server.console.history import Point

# Drawn for a phone's width: its text stays readable when the chart shrinks to 360 px.
WIDTH, HEIGHT = 480, 200
LEFT, RIGHT, TOP, BOTTOM = 34, 34, 12, 32
TICKS = 4
INK, MUTED, LINE, ACCENT = "#1d2733", "#66707a", "#d8dee4", "#0b6e8a"


def _x(day: date, start: date, span: int) -> float:
    return LEFT + (day - start).days / span * (WIDTH - LEFT - RIGHT)


def _y(value: int) -> float:
    return TOP + (100 - value) / 100 * (HEIGHT - TOP - BOTTOM)


def _text(x: float, y: float, text: str, anchor: str, css: str, size: int = 13) -> str:
    return (f'<text class="{css}" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" '
            f'font-size="{size}" fill="{MUTED}" font-family="sans-serif">{escape(text)}</text>')


def line_chart(points: Sequence[Point], start: date, end: date, label: str) -> SafeString:
    """Score 0-100 over the days [start, end]: a line through the days that have a value
    (the value holds until the next report), the last value written at the right."""
    span = max((end - start).days, 1)
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(label)}</title>"]
    for value in (0, 50, 100):
        y = _y(value)
        parts.append(f'<line class="gridline" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" '
                     f'y2="{y:.1f}" stroke="{LINE}" stroke-width="1"/>')
        parts.append(_text(LEFT - 6, y + 4, str(value), "end", "axis"))
    for i in range(TICKS):
        day = start + timedelta(days=round(i * span / (TICKS - 1)))
        x = _x(day, start, span)
        anchor = "start" if i == 0 else "end" if i == TICKS - 1 else "middle"
        parts.append(f'<line class="tick" x1="{x:.1f}" y1="{HEIGHT - BOTTOM}" x2="{x:.1f}" '
                     f'y2="{HEIGHT - BOTTOM + 5}" stroke="{MUTED}" stroke-width="1"/>')
        parts.append(_text(x, HEIGHT - 9, date_format(day, "SHORT_DATE_FORMAT"), anchor,
                           "date"))
    if points:
        coords = [(_x(p.day, start, span), _y(p.value)) for p in points]
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline class="line" points="{line}" fill="none" stroke="{ACCENT}" '
                     'stroke-width="2.5" stroke-linejoin="round"/>')
        for i, (p, (x, y)) in enumerate(zip(points, coords, strict=True)):
            if 0 < i < len(points) - 1 and p.value == points[i - 1].value:
                continue  # a dot where the value changes: 90 equal days make one line
            parts.append(f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{ACCENT}">'
                         f"<title>{escape(date_format(p.day, 'SHORT_DATE_FORMAT'))} — "
                         f"{p.value}</title></circle>")
        last_x, last_y = coords[-1]
        parts.append(f'<text class="last" x="{last_x + 6:.1f}" y="{last_y + 4:.1f}" '
                     f'font-size="15" font-weight="bold" fill="{INK}" '
                     f'font-family="sans-serif">{points[-1].value}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is a number or escaped
