"""The foot diagram on the where-it-hurts step: the symptom check's own places, each a
big named button that ticks it with no JavaScript, drawn under the strict CSP."""

from __future__ import annotations

import itertools
import math
import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings

from stride import knowledge
from stride.assessment.tests.test_questionnaire import _state, _step
from stride.knowledge import assessment_kb
from stride.site.templatetags import foot_diagram

pytestmark = pytest.mark.usefixtures("demo_clinic", "now")
CSS = (Path(settings.BASE_DIR) / "stride" / "static" / "stride" / "site.css").read_text()
DRAWINGS = Path(settings.BASE_DIR) / "stride" / "templates" / "includes" / "foot_diagram"
PIN = 44  # px across
NARROWEST = 288  # px: a 320 px phone less the page's margins


def _where(client, region: str = "ankle", age: int = 27):
    response = client.post("/assessment/", {"age": age, "sex": "female", "region": region})
    assert "where exactly" in response.content.decode()
    return response


def _pins(html: str) -> dict[str, tuple[str, str]]:
    """finding -> (aria-pressed, name) for every place button on the page."""
    found = re.findall(r'<button type="submit" name="toggle" value="([^"]+)"[^>]*'
                       r'aria-pressed="(true|false)"[^>]*><span class="visually-hidden">'
                       r"([^<]+)</span></button>", html)  # fmt: skip
    return {f: (pressed, unescape(name)) for f, pressed, name in found}


def _ticked(html: str) -> set[str]:
    return set(re.findall(r'name="place" value="([^"]+)" checked', html))


def test_every_place_the_check_asks_about_is_drawn():
    located = {f for r in knowledge.regions() for f in r.findings}
    assert located - foot_diagram.NOT_DRAWN <= set(foot_diagram.PLACES)
    assert set(foot_diagram.PLACES) <= set(assessment_kb.finding_ids())
    assert all(f.startswith("loc.") for f in foot_diagram.PLACES)
    names = [name for _, name in foot_diagram.PLACES.values()]
    assert len(set(names)) == len(names)
    statements = {assessment_kb.wording()[f]["yes"] for f in located}
    assert not set(names) & statements  # a place's button is not named like its checkbox


@pytest.mark.parametrize("region", [r.slug for r in knowledge.regions()])
def test_the_where_page_draws_the_regions_places_as_named_buttons(client, region):
    html = _where(client, region).content.decode()
    offered = [f for r in knowledge.regions() if r.slug == region for f in r.findings]
    pins = _pins(html)
    assert list(pins) == [f for f in foot_diagram.PLACES if f in offered]  # drawing order
    assert all(pressed == "false" for pressed, _ in pins.values())
    for finding, (_, name) in pins.items():
        assert name == foot_diagram.PLACES[finding][1]
        assert f'data-place="{finding}"' in html  # its area on the drawing
    drawn = set(re.findall(r'<figure class="fd-view fd-view-([a-z]+)">', html))
    assert drawn == {foot_diagram.PLACES[f][0] for f in pins}  # only the views needed
    assert 'aria-hidden="true" focusable="false"' in html  # the drawing itself is decoration


def test_the_diagram_needs_no_inline_style_or_script(client):
    html = _where(client).content.decode()
    assert " style=" not in html and "<style" not in html
    assert "<script>" not in html and " on" + "click=" not in html


def test_tapping_a_place_without_javascript_ticks_it_and_keeps_the_page(client):
    where = _where(client)
    state = _state(where)
    response = _step(client, state, action="places", place=["loc.ankle_front"],
                     toggle="loc.ankle_back")  # fmt: skip
    html = response.content.decode()
    assert "where exactly" in html  # still choosing
    assert _ticked(html) == {"loc.ankle_front", "loc.ankle_back"}  # the tick given kept
    assert _pins(html)["loc.ankle_back"][0] == "true"
    assert 'class="fd-patch is-chosen" data-place="loc.ankle_back"' in html
    assert 'formaction="/assessment/step#foot-diagram"' in html  # comes back to the drawing
    again = _step(client, _state(response), action="places",
                  place=["loc.ankle_front", "loc.ankle_back"], toggle="loc.ankle_back")  # fmt: skip
    assert _ticked(again.content.decode()) == {"loc.ankle_front"}
    onward = _step(client, _state(again), action="places", place=["loc.ankle_front"])
    assert "where exactly" not in onward.content.decode()  # Next goes on to the questions


def test_a_place_from_another_region_is_not_ticked(client):
    response = _step(client, _state(_where(client)), action="places", place=["loc.calf"],
                     toggle="loc.heel_bottom")  # fmt: skip
    html = response.content.decode()
    assert "where exactly" not in html  # not a tap on this page: the step moves on


def _view_heights() -> dict[str, float]:
    out = {}
    for view in foot_diagram.VIEWS:
        text = (DRAWINGS / f"{view.slug}.svg").read_text()
        found = re.search(r'viewBox="0 0 240 (\d+)"', text)
        assert found, view.slug
        out[view.slug] = float(found.group(1))
    return out


def _positions() -> dict[str, tuple[float, float]]:
    found = re.findall(r"\.fd-at-([a-z_]+) \{ left: ([\d.]+)%; top: ([\d.]+)%; \}", CSS)
    return {f"loc.{key}": (float(x), float(y)) for key, x, y in found}


def test_every_place_is_placed_on_its_drawing_and_drawn_there():
    positions = _positions()
    assert set(positions) == set(foot_diagram.PLACES)
    for finding, (view, _) in foot_diagram.PLACES.items():
        x, y = positions[finding]
        assert 0 < x < 100 and 0 < y < 100
        assert f'data-place="{finding}"' in (DRAWINGS / f"{view}.svg").read_text()


@pytest.mark.parametrize("region", [r.slug for r in knowledge.regions()])
def test_a_regions_buttons_never_overlap_even_on_a_small_phone(region):
    """Each button is a 44 px circle; on the narrowest view (288 px wide) the centres of
    any two drawn together are at least 44 px apart, so no tap lands on two."""
    heights = _view_heights()
    positions = _positions()
    offered = [f for r in knowledge.regions() if r.slug == region for f in r.findings]
    pins = [f for f in offered if f in foot_diagram.PLACES]
    for a, b in itertools.combinations(pins, 2):
        view = foot_diagram.PLACES[a][0]
        if foot_diagram.PLACES[b][0] != view:
            continue
        height = NARROWEST * heights[view] / 240
        (ax, ay), (bx, by) = positions[a], positions[b]
        dx = abs(ax - bx) / 100 * NARROWEST
        dy = abs(ay - by) / 100 * height
        assert math.hypot(dx, dy) >= PIN, (a, b, dx, dy)
