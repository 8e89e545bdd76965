"""Symptom checks the demo's patients shared when they booked: the answers as data
(``stride.core.assessment.shared``) and the summary in words, worded by the knowledge
exactly as a real check words them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from stride.assessment.sharing import warning_signs
from stride.core.assessment import shared
from stride.knowledge import assessment_kb


@dataclass(frozen=True)
class Story:
    region: str
    age_sex: str
    places: tuple[str, ...]
    answers: tuple[tuple[str, bool], ...]
    not_sure: tuple[str, ...]
    likely: str
    advice: str  # the level shown


STORIES = (
    Story("heel", "female", ("loc.heel_bottom",),
          (("onset.gradual", True), ("agg.first_steps", True), ("duration.over_6_weeks", True),
           ("onset.any_injury", False), ("red.cannot_bear_weight", False)), (),
          "Plantar heel pain (plantar fasciitis) (71 in 100), Fat pad syndrome (12 in 100)",
          "appointment"),
    Story("ankle", "male", ("loc.achilles_midportion",),
          (("onset.training_increase", True), ("agg.warms_up_then_worse_after", True),
           ("onset.pop_or_kick_sensation", False), ("sym.gap_in_tendon", False)),
          ("sym.swelling",), "Achilles tendinopathy (78 in 100)", "appointment"),
    Story("nails", "female", ("loc.toenail",),
          (("sym.nail_edge_digging", True), ("sym.redness", True), ("sym.pus", False),
           ("hx.diabetes", False), ("red.fever_or_unwell", False)), (),
          "Ingrown toenail (84 in 100)", "appointment"),
    Story("ankle", "male", ("loc.ankle_outer",),
          (("onset.twisting_injury", True), ("hx.previous_ankle_sprain", True),
           ("red.cannot_bear_weight", False), ("red.tender_malleolus_posterior", False),
           ("sym.giving_way", True)), (),
          "Ankle sprain (66 in 100), Chronic ankle instability (18 in 100)", "appointment"),
    Story("forefoot", "female", ("loc.between_toes",),
          (("sym.burning_tingling", True), ("agg.tight_shoes", True),
           ("rel.removing_shoes", True), ("sym.numbness", False)),
          ("sym.forefoot_click_on_squeeze",),
          "Morton's neuroma (69 in 100), Metatarsalgia (15 in 100)", "appointment"),
)  # fmt: skip


def shared_check(
    story_number: int, *, age: int, answered_on: dt.date
) -> tuple[str, dict[str, Any]]:
    """The summary in words and the record, for one of the stories."""
    story = STORIES[story_number % len(STORIES)]
    words = assessment_kb.wording()
    answers = dict(story.answers)
    history = [f for f, _ in story.answers] + list(story.not_sure)
    rows = shared.rows(places=story.places, history=history, answers=answers,
                       not_sure=story.not_sure, warning_signs=warning_signs())  # fmt: skip
    version = assessment_kb.knowledge_base().version
    record = shared.Record(version, answered_on.isoformat(), story.region, story.advice, rows)
    lines = [
        f"Self-assessment answered online on {answered_on:%d %B %Y} (not a diagnosis).",
        f"Age {age}; sex: {story.age_sex}; area: {story.region}.",
        "Where: " + "; ".join(words[p]["yes"] for p in story.places),
        "Answers: " + " ".join(words[f]["yes" if yes else "no"] for f, yes in story.answers),
    ]
    if story.not_sure:
        lines.append("Not sure: " + " ".join(words[f]["question"] for f in story.not_sure))
    lines += [f"Most likely by the answers: {story.likely}.",
              f"Advice shown: {story.advice} (see a podiatrist)"]  # fmt: skip
    return "\n".join(lines), record.as_data()
