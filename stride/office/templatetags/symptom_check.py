"""``{% symptom_check details %}``: what a patient shared from the symptom check, for
the practitioner. A booking made since the answers were kept as data shows a table of
the questions (worded as the knowledge words them) and the answers, warning signs
first, then yes answers, then the rest, with the summary in words beneath; an older
booking shows the summary in words it kept."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from stride.booking.models import BookingDetails
from stride.core.assessment import shared
from stride.knowledge import assessment_kb

register = template.Library()

ANSWER_WORDS = {"yes": "Yes", "no": "No", "not_sure": "Not sure"}


def table(data: Any) -> dict[str, Any] | None:
    """The rows to show, or None when there is no record (or not a readable one)."""
    record = shared.from_data(data)
    if record is None or not record.rows:
        return None
    words = assessment_kb.wording()
    rows = [
        {"question": words.get(r.finding, {}).get("question", r.finding),
         "answer": ANSWER_WORDS[r.answer], "red_flag": r.red_flag, "raised": r.answer != "no"}
        for r in shared.for_practitioner(record.rows)
    ]  # fmt: skip
    try:
        answered = dt.date.fromisoformat(record.answered_on)
    except ValueError:
        answered = None
    return {"rows": rows, "version": record.knowledge_version, "answered": answered}


@register.inclusion_tag("office/_symptom_check.html")
def symptom_check(details: BookingDetails) -> dict[str, Any]:
    return {"table": table(details.assessment_record), "text": details.assessment_summary}
