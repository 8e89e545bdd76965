"""``{{ advice.advice|card_text }}``: the advice as the card shows it, without a first
sentence that the card's heading or button already says ("Call 999 now.")."""

from __future__ import annotations

from django import template

register = template.Library()

# The card's heading or button says these; the knowledge's advice often starts with one.
SAID_BY_THE_CARD = ("Call 999 now.", "Go to A&E now.", "Get help today.")


@register.filter
def card_text(advice: str) -> str:
    for lead in SAID_BY_THE_CARD:
        rest = advice.removeprefix(lead).strip()
        if rest and rest != advice:
            return rest
    return advice
