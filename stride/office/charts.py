"""Charts for the reports, drawn on the server as SVG: no script, no library, no request.

Pure: numbers in, markup out, every text escaped here. To assistive technology a chart
is one image (``role="img"``) named by its ``<title>`` and described by its ``<desc>``,
which says what is drawn and the highest figure; the page puts a table of every figure
after it. Series differ by colour and, in line charts, by marker and dash too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, BOTTOM = 56, 12, 36
TICKS = 4
MAX_LABELS = 12
# Ten colours with at least 3:1 contrast on white (WCAG 1.4.11); more series repeat them.
PALETTE = ("#0b5a7a", "#b35900", "#1e6b34", "#6b2c91", "#a4262c",
           "#4a5159", "#7a6200", "#c2185b", "#00758a", "#5d4037")  # fmt: skip
DASHES = ("", "6 4", "2 3", "8 3 2 3")
INK, MUTED, GRID = "#1b1f23", "#4a5159", "#c9d3db"


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


def _text(value: object) -> str:
    return escape(str(value), quote=True)


def number(value: float, unit: str = "", decimals: int = 1) -> str:
    """``12``, ``12.5%``, ``3.2 days``: whole numbers without decimals."""
    rounded = round(float(value), decimals)
    shown = f"{int(rounded)}" if rounded.is_integer() else f"{rounded:.{decimals}f}"
    return f"{shown}{unit}"


def scale(maximum: float, *, whole: bool = False) -> tuple[float, float]:
    """The top of the value axis and its step: 1, 2 or 5 times a power of ten, about
    ``TICKS`` steps, never below 1 for counts (``whole``)."""
    if maximum <= 0:
        return float(TICKS), 1.0
    rough = maximum / TICKS
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if rough <= m * power)
    if whole:
        step = max(1.0, float(math.ceil(step)))
    return step * math.ceil(maximum / step - 1e-9), step


def _decimals(step: float) -> int:
    return 0 if float(step).is_integer() else max(0, -math.floor(math.log10(step)))


def describe(*, kind: str, title: str, labels: Sequence[str], series: Sequence[Series],
             unit: str = "", stacked: bool = False, prefix: str = "week of ") -> str:  # fmt: skip
    """What a screen reader hears: the kind of chart, its range, its series and the
    highest figure; the table after the chart has every figure."""
    if not labels:
        return f"{kind} chart of {title}: nothing to show."
    span = f"{len(labels)} {'week' if len(labels) == 1 else 'weeks'}, {prefix}{labels[0]}"
    if len(labels) > 1:
        span += f" to {prefix}{labels[-1]}"
    parts = [f"{kind} chart of {title}, {span}."]
    if len(series) > 1:
        parts.append("Series: " + ", ".join(s.name for s in series) + ".")
    if stacked:
        totals = [sum(v or 0 for v in column) for column in zip(*(s.values for s in series),
                                                                 strict=True)]  # fmt: skip
        best = max(range(len(totals)), key=lambda i: totals[i]) if totals else 0
        if totals and totals[best] > 0:
            parts.append(f"Highest total: {number(totals[best], unit)} ({prefix}{labels[best]}).")
        else:
            parts.append("Every figure is zero.")
    else:
        found = [(v, s.name, labels[i]) for s in series for i, v in enumerate(s.values)
                 if v is not None]  # fmt: skip
        if not found:
            parts.append("There are no figures to show.")
        else:
            value, name, label = max(found, key=lambda f: f[0])
            who = f"{name}, " if len(series) > 1 else ""
            parts.append(f"Highest: {number(value, unit)} ({who}{prefix}{label}).")
    parts.append("The table after the chart gives every figure.")
    return " ".join(parts)


def _legend(series: Sequence[Series], markers: bool) -> tuple[list[str], int]:
    """The legend's markup and the height it takes, wrapping as the names need."""
    out: list[str] = []
    x, y = LEFT, 16
    for i, s in enumerate(series):
        width = 26 + 7 * len(s.name) + 18
        if x + width > WIDTH - RIGHT and x > LEFT:
            x, y = LEFT, y + 18
        colour = PALETTE[i % len(PALETTE)]
        if markers:
            out.append(f'<line x1="{x}" y1="{y - 4}" x2="{x + 18}" y2="{y - 4}" '
                       f'stroke="{colour}" stroke-width="2"{_dash(i)}/>'
                       f"{_marker(i, x + 9, y - 4, colour)}")  # fmt: skip
        else:
            out.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{x + 24}" y="{y}" fill="{INK}">{_text(s.name)}</text>')
        x += width
    return out, (y + 14 if series else 16)


def _dash(i: int) -> str:
    dash = DASHES[i % len(DASHES)]
    return f' stroke-dasharray="{dash}"' if dash else ""


def _marker(i: int, x: float, y: float, colour: str) -> str:
    shape = i % 4
    if shape == 0:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>'
    if shape == 1:
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}"/>'
    if shape == 2:
        points = f"{x:.1f},{y - 4.5:.1f} {x + 4.5:.1f},{y + 3.5:.1f} {x - 4.5:.1f},{y + 3.5:.1f}"
    else:
        points = (f"{x:.1f},{y - 4.5:.1f} {x + 4.5:.1f},{y:.1f} "
                  f"{x:.1f},{y + 4.5:.1f} {x - 4.5:.1f},{y:.1f}")  # fmt: skip
    return f'<polygon points="{points}" fill="{colour}"/>'


@dataclass(frozen=True)
class _Frame:
    top: int  # where the plot starts, under the legend
    maximum: float
    count: int

    @property
    def band(self) -> float:
        return (WIDTH - LEFT - RIGHT) / max(self.count, 1)

    def y(self, value: float) -> float:
        bottom = HEIGHT - BOTTOM
        return bottom - (bottom - self.top) * value / self.maximum

    def centre(self, i: int) -> float:
        return LEFT + self.band * (i + 0.5)


def _axes(frame: _Frame, step: float, labels: Sequence[str], unit: str) -> list[str]:
    out = []
    decimals = _decimals(step)
    ticks = round(frame.maximum / step)
    for k in range(ticks + 1):
        value = step * k
        y = frame.y(value)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
                   f'stroke="{GRID if k else MUTED}" stroke-width="1"/>'
                   f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">'
                   f"{_text(number(round(value, decimals), unit, decimals))}</text>")  # fmt: skip
    every = max(1, math.ceil(len(labels) / MAX_LABELS))
    for i, label in enumerate(labels):
        if i % every == 0:
            out.append(f'<text x="{frame.centre(i):.1f}" y="{HEIGHT - BOTTOM + 18}" '
                       f'text-anchor="middle" fill="{MUTED}">{_text(label)}</text>')  # fmt: skip
    return out


def _svg(chart_id: str, title: str, desc: str, body: list[str]) -> str:
    return (
        f'<svg class="chart" id="{_text(chart_id)}" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'aria-labelledby="{_text(chart_id)}-title" aria-describedby="{_text(chart_id)}-desc" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="12">'
        f'<title id="{_text(chart_id)}-title">{_text(title)}</title>'
        f'<desc id="{_text(chart_id)}-desc">{_text(desc)}</desc>{"".join(body)}</svg>'
    )


def _empty(frame: _Frame) -> str:
    middle = (frame.top + HEIGHT - BOTTOM) / 2
    return (f'<text x="{WIDTH / 2:.1f}" y="{middle:.1f}" text-anchor="middle" fill="{INK}">'
            "No figures for these weeks</text>")  # fmt: skip


def bar_chart(*, chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series],
              stacked: bool = False, unit: str = "", whole: bool = True) -> str:  # fmt: skip
    """Bars per label: one per series side by side, or ``stacked`` into one."""
    if stacked:
        heights = [sum(s.values[i] or 0 for s in series) for i in range(len(labels))]
    else:
        heights = [v or 0 for s in series for v in s.values]
    maximum, step = scale(max(heights, default=0), whole=whole)
    legend, top = _legend(series if len(series) > 1 else (), markers=False)
    frame = _Frame(top=top + 8, maximum=maximum, count=len(labels))
    body = [*legend, *_axes(frame, step, labels, unit)]
    band, groups = frame.band, max(len(series), 1)
    width = band * 0.7 if stacked else band * 0.8 / groups
    edge = ' stroke="#fff"' if stacked else ""  # stacked parts kept apart by a white line
    for i in range(len(labels)):
        base = 0.0
        for j, s in enumerate(series):
            value = s.values[i] or 0
            if value <= 0:
                continue
            x = LEFT + band * i + (band * 0.15 if stacked else band * 0.1 + width * j)
            low, high = (base, base + value) if stacked else (0.0, value)
            base = high if stacked else base
            y = frame.y(high)
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" '
                        f'height="{frame.y(low) - y:.1f}" fill="{PALETTE[j % len(PALETTE)]}"'
                        f"{edge}/>")  # fmt: skip
    if max(heights, default=0) <= 0:
        body.append(_empty(frame))
    kind = "Stacked bar" if stacked else "Bar"
    desc = describe(kind=kind, title=title, labels=labels, series=series, unit=unit,
                    stacked=stacked)  # fmt: skip
    return _svg(chart_id, title, desc, body)


def line_chart(*, chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series],
               unit: str = "") -> str:  # fmt: skip
    """A line per series; a missing figure (None) breaks the line."""
    values = [v for s in series for v in s.values if v is not None]
    maximum, step = scale(max(values, default=0))
    legend, top = _legend(series, markers=True)
    frame = _Frame(top=top + 8, maximum=maximum, count=len(labels))
    body = [*legend, *_axes(frame, step, labels, unit)]
    for j, s in enumerate(series):
        colour = PALETTE[j % len(PALETTE)]
        runs: list[list[str]] = [[]]
        for i, value in enumerate(s.values):
            if value is None:
                runs.append([])
                continue
            x, y = frame.centre(i), frame.y(value)
            runs[-1].append(f"{x:.1f},{y:.1f}")
            body.append(_marker(j, x, y, colour))
        for run in runs:
            if len(run) > 1:
                body.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" '
                            f'stroke-width="2"{_dash(j)}/>')  # fmt: skip
    if not values:
        body.append(_empty(frame))
    desc = describe(kind="Line", title=title, labels=labels, series=series, unit=unit)
    return _svg(chart_id, title, desc, body)
