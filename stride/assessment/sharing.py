"""What a person may share with the practitioner when they book from the results: the
summary in words, and the same answers as data (``stride.core.assessment.shared``).

Both travel to the booking form in the signed hand-off (``stride.booking.handoff``)
and are stored only if the person books and ticks "share".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from stride.assessment.questionnaire import SEXES, State, region, shown_advice
from stride.core.assessment import Result, shared
from stride.knowledge import assessment_kb


def summary(state: State, result: Result, today: dt.date) -> str:
    """Plain words for the practitioner, carried into a booking if the person agrees."""
    words = assessment_kb.wording()
    advice = shown_advice(state, result)
    place = region(state.region)
    lines = [
        f"Self-assessment answered online on {today:%d %B %Y} (not a diagnosis).",
        f"Age {state.age}; sex: {SEXES.get(state.sex, state.sex).lower()}; "
        f"area: {place.name.lower() if place else state.region}.",
    ]
    if state.places:
        lines.append("Where: " + "; ".join(words[p]["yes"] for p in state.places))
    told = [words[f]["yes" if state.answers[f] else "no"] for f in state.history
            if f in state.answers]  # fmt: skip
    if told:
        lines.append("Answers: " + " ".join(told))
    unsure = [words[f]["question"] for f in state.history if f in state.not_sure]
    if unsure:
        lines.append("Not sure: " + " ".join(unsure))
    likely = [f"{c.name} ({round(c.probability * 100)} in 100)" for c in result.conditions[:3]]
    lines.append("Most likely by the answers: " + ", ".join(likely) + ".")
    lines.append(f"Advice shown: {advice.level.replace('_', ' ')} ({advice.advice})")
    text = "\n".join(lines)
    return text if len(text) <= 4000 else text[:3990].rsplit(" ", 1)[0] + " …"


def warning_signs() -> frozenset[str]:
    """Findings that are warning signs: red-flag findings worded as urgent (a rule's
    other findings, how it started or where it hurts, are not)."""
    kb = assessment_kb.knowledge_base()
    words = assessment_kb.wording()
    return frozenset(f for f in kb.red_flag_findings if words[f]["group"] == "urgent")


def record(state: State, result: Result, today: dt.date) -> dict[str, Any]:
    """The answers as data, for the practitioner's table of questions and answers."""
    rows = shared.rows(places=state.places or (), history=state.history,
                       answers=state.answers, not_sure=state.not_sure,
                       warning_signs=warning_signs())  # fmt: skip
    return shared.Record(
        knowledge_version=result.knowledge_version, answered_on=today.isoformat(),
        region=state.region, advice=shown_advice(state, result).level, rows=rows,
    ).as_data()  # fmt: skip
