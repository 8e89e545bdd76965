"""Charts drawn as SVG: valid markup, an accessible name and description, scales a person
can read, every text escaped, and nothing a strict CSP would block."""

from __future__ import annotations

import re

import pytest
from defusedxml import ElementTree as ET

from stride.office import charts
from stride.office.charts import Series

SVG = "{http://www.w3.org/2000/svg}"
LABELS = ["2 Mar", "9 Mar", "16 Mar"]


def _bars(**extra):
    options = {
        "chart_id": "c",
        "title": "Bookings by service",
        "labels": LABELS,
        "series": [Series("Assessment", [1, 3, 0]), Series("Follow-up", [2, 0, 4])],
    }
    return charts.bar_chart(**{**options, **extra})  # fmt: skip


@pytest.mark.parametrize(("maximum", "whole", "expected"), [
    (0, True, (4.0, 1.0)), (3, True, (3.0, 1.0)), (7, True, (8.0, 2.0)),
    (52, True, (60.0, 20.0)), (180, True, (200.0, 50.0)), (33.3, False, (40.0, 10.0)),
    (0.4, False, (0.4, 0.1)), (2.5, False, (3.0, 1.0)),
])  # fmt: skip
def test_the_scale_steps_by_one_two_or_five(maximum, whole, expected):
    top, step = charts.scale(maximum, whole=whole)
    assert (top, step) == pytest.approx(expected)


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (12, "", "12"), (12.0, "", "12"), (12.46, "%", "12.5%"), (3.04, " days", "3 days"),
    (7.9, "", "7.9"), (0.05, "%", "0.1%"),
])  # fmt: skip
def test_numbers_drop_needless_decimals(value, unit, expected):
    assert charts.number(value, unit) == expected


def test_a_bar_chart_is_one_named_and_described_image():
    svg = ET.fromstring(_bars())
    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "c-title" and svg.get("aria-describedby") == "c-desc"
    assert svg.findtext(f"{SVG}title") == "Bookings by service"
    assert svg.findtext(f"{SVG}desc") == (
        "Bar chart of Bookings by service, 3 weeks, week of 2 Mar to week of 16 Mar. "
        "Series: Assessment, Follow-up. Highest: 4 (Follow-up, week of 16 Mar). "
        "The table after the chart gives every figure."
    )


def test_stacked_bars_describe_the_highest_total_and_draw_a_bar_per_figure():
    markup = _bars(stacked=True)
    assert "Highest total: 4 (week of 16 Mar)." in markup  # 1 + 2, 3 + 0, 0 + 4
    bars = [r for r in ET.fromstring(markup).iter(f"{SVG}rect") if r.get("stroke") == "#fff"]
    assert len(bars) == 4  # the four figures above zero
    legend = [t.text for t in ET.fromstring(markup).iter(f"{SVG}text")]
    assert "Assessment" in legend and "Follow-up" in legend


def test_a_line_breaks_where_a_figure_is_missing():
    markup = charts.line_chart(chart_id="l", title="Rates", labels=["a", "b", "c", "d", "e"],
                               series=[Series("No-show", [10.0, 20.0, None, 5.0, 7.5])],
                               unit="%")  # fmt: skip
    lines = list(ET.fromstring(markup).iter(f"{SVG}polyline"))
    assert len(lines) == 2  # a, b then d, e
    assert "Highest: 20% (week of b)." in markup


def test_nothing_to_show_says_so():
    empty = charts.line_chart(chart_id="e", title="Lead time", labels=LABELS,
                              series=[Series("Median", [None, None, None])])  # fmt: skip
    assert "There are no figures to show." in empty
    assert "No figures for these weeks" in empty
    zeros = _bars(series=[Series("Online", [0, 0, 0])], stacked=True)
    assert "Every figure is zero." in zeros
    assert charts.describe(kind="Bar", title="X", labels=[], series=[]) == (
        "Bar chart of X: nothing to show."
    )


def test_every_text_is_escaped_and_nothing_needs_a_script_or_inline_style():
    markup = _bars(title='<script>alert("x")</script>', chart_id='c" onload="x',
                   series=[Series("A & B <b>", [1, 2, 3]), Series("C", [1, 1, 1])])  # fmt: skip
    assert "<script" not in markup and "<b>" not in markup
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in markup
    assert "A &amp; B &lt;b&gt;" in markup
    assert " onload=" not in markup.replace("&quot; onload=&quot;", "")
    assert not re.search(r"\sstyle=", markup)
    ET.fromstring(markup)  # still well formed


def test_many_labels_are_thinned_to_stay_readable():
    labels = [f"w{i}" for i in range(53)]
    markup = charts.bar_chart(chart_id="y", title="A year", labels=labels,
                              series=[Series("Bookings", list(range(53)))])  # fmt: skip
    shown = [t.text for t in ET.fromstring(markup).iter(f"{SVG}text")
             if t.text and t.text.startswith("w")]  # fmt: skip
    assert shown == [f"w{i}" for i in range(0, 53, 5)]
