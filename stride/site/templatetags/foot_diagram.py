"""``{% foot_diagram places chosen %}``: the foot and ankle drawn from the top, the sole,
both sides and the back, with a button on each place a person can say hurts.

The places are the symptom check's ``loc.*`` findings (``stride/knowledge``). Only the
views that hold one of ``places`` are drawn, and only those places get a button: a
submit button named ``toggle`` whose value is the finding, so the where-it-hurts form
works without JavaScript (the page comes back with that place ticked or unticked);
``assessment.js`` makes a tap tick the matching checkbox in place. Each button is at
least 44 by 44 px, named by its words here, and says whether it is chosen
(``aria-pressed``). The drawings are inline SVG (``templates/includes/foot_diagram/``),
placed by classes in ``site.css`` (``.fd-at-<place>``): no inline style, so the strict
content security policy holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import template

register = template.Library()


@dataclass(frozen=True)
class View:
    slug: str
    caption: str


# In the order drawn.
VIEWS = (
    View("top", "Top of the foot"),
    View("sole", "Sole"),
    View("outer", "Outer side (little-toe side)"),
    View("inner", "Inner side (big-toe side)"),
    View("back", "From behind"),
)

# finding -> (view, the place's name on its button). Names are short and differ from
# the statements beside the checkboxes, so each control keeps one clear name.
PLACES = {
    "loc.toenail": ("top", "Toenail"),
    "loc.toe_skin": ("top", "Skin of the toes"),
    "loc.between_toes_skin": ("top", "Skin between the toes"),
    "loc.between_toes": ("top", "Between the toes"),
    "loc.big_toe_joint": ("top", "Big toe joint"),
    "loc.forefoot_top": ("top", "Top of the forefoot"),
    "loc.midfoot_top": ("top", "Top of the midfoot"),
    "loc.ball_of_foot": ("sole", "Ball of the foot"),
    "loc.under_big_toe_joint": ("sole", "Under the big toe joint"),
    "loc.heel_bottom": ("sole", "Under the heel"),
    "loc.heel_centre_pad": ("sole", "Middle of the heel pad"),
    "loc.sole_skin": ("sole", "Skin of the sole"),
    "loc.ankle_front": ("outer", "Front of the ankle"),
    "loc.ankle_outer": ("outer", "Outer ankle bone"),
    "loc.sinus_tarsi": ("outer", "Soft dip in front of the outer ankle bone"),
    "loc.outer_foot_edge": ("outer", "Outer edge of the foot"),
    "loc.ankle_inner": ("inner", "Inner ankle bone"),
    "loc.midfoot_inner": ("inner", "Inner side of the midfoot"),
    "loc.arch": ("inner", "Arch"),
    "loc.calf": ("back", "Calf"),
    "loc.achilles_midportion": ("back", "Achilles tendon, above the heel"),
    "loc.ankle_back": ("back", "Back of the ankle, deep"),
    "loc.ankle_back_inner": ("back", "Back of the ankle, inner side"),
    "loc.ankle_back_outer": ("back", "Back of the ankle, outer side"),
    "loc.achilles_insertion": ("back", "Where the Achilles tendon joins the heel"),
    "loc.heel_back_child": ("back", "Back and sides of a growing child's heel"),
}
NOT_DRAWN = frozenset({"loc.both_feet"})  # not a place: ticked in the list only


@dataclass(frozen=True)
class Pin:
    finding: str
    name: str
    chosen: bool

    @property
    def key(self) -> str:
        """The finding as a class name: ``loc.ankle_back`` is ``ankle_back``."""
        return self.finding.removeprefix("loc.")


def views(places: Iterable[str], chosen: Iterable[str] = ()) -> list[dict[str, Any]]:
    """The views to draw for these places, each with its pins in drawing order."""
    offered = set(places)
    ticked = set(chosen)
    out = []
    for view in VIEWS:
        pins = [Pin(f, name, f in ticked) for f, (where, name) in PLACES.items()
                if where == view.slug and f in offered]  # fmt: skip
        if pins:
            out.append({"slug": view.slug, "caption": view.caption, "pins": pins,
                        "template": f"includes/foot_diagram/{view.slug}.svg"})  # fmt: skip
    return out


@register.inclusion_tag("includes/foot_diagram.html")
def foot_diagram(places: Iterable[str], chosen: Iterable[str] = (),
                 action: str = "") -> dict[str, Any]:  # fmt: skip
    """``places``: the findings to offer; ``chosen``: those ticked; ``action``: where the
    buttons post (the form's own address, with ``#foot-diagram`` to come back here)."""
    offered = [f for f in places if f in PLACES]
    return {"views": views(offered, chosen), "active": set(offered),
            "chosen": set(chosen), "action": action}  # fmt: skip
