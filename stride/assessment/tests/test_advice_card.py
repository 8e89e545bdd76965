"""The advice card holds its one action: the booking button for appointment advice, a
call button for 999, A&E and NHS 111 advice; "Call 999" is said once."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.template.loader import render_to_string

from stride.assessment.questionnaire import Advice
from stride.assessment.templatetags.advice_card import card_text
from stride.assessment.tests.test_questionnaire import DANCER, _answer_all, _begin, _state, _step
from stride.booking.models import Service

pytestmark = pytest.mark.usefixtures("demo_clinic", "now")


def _card(html: str) -> str:
    start = html.index('<section class="advice')
    return html[start : html.index("</section>", start)]


def _main(html: str) -> str:
    return html[html.index('id="questionnaire"') : html.index('id="step-announcer"')]


def _render(level: str, destination: str, advice: str, **context: Any) -> str:
    return render_to_string("assessment/_advice.html", {
        "advice": Advice(level=level, destination=destination, advice=advice,
                         reasons=["Because."], from_rule=True), **context,
    })  # fmt: skip


def test_the_booking_button_is_inside_the_appointment_card(client):
    response, _ = _answer_all(client, _begin(client), DANCER)
    html = response.content.decode()
    card = _card(html)
    assert '<h2 id="advice-heading">Book an appointment</h2>' in card
    assert 'action="/book/' in card and ">Book an appointment about this</button>" in card
    assert 'name="handoff"' in card and "We suggest:" in card
    next_steps = html[html.index('id="next-heading"') :]
    assert "Book an appointment about this" not in next_steps  # one booking button only
    assert html.count(">Book an appointment about this</button>") == 1


def test_the_red_flag_page_says_call_999_once_as_the_cards_heading_and_button(client):
    response = _begin(client, age=81, region="leg", places=("loc.calf",))
    page = _step(client, _state(response), answer="yes").content.decode()
    # Once on the whole page: the footer's reminder steps aside for emergency advice.
    assert len(re.findall(r"call 999", page, flags=re.IGNORECASE)) == 1
    assert 'class="emergency-note"' not in page and "data-emergency" in page
    html = _main(page)
    card = _card(html)
    heading = ('<h2 id="advice-heading" class="advice-call"><a class="button button-danger '
               'button-call" href="tel:999">Call 999 now</a></h2>')  # fmt: skip
    assert heading in card
    # The knowledge's advice keeps everything but its first words, which the button says.
    assert "The blood supply to your foot may be blocked." in card


def test_other_pages_keep_the_footers_emergency_reminder(client):
    page = _begin(client).content.decode()
    assert 'class="emergency-note"' in page and "data-emergency" not in page


def test_a_and_e_advice_has_a_call_button_for_when_they_cannot_get_there():
    card = _render("emergency", "a_and_e", "Go to A&E now. Call 999 if you cannot get there "
                   "safely.")  # fmt: skip
    assert '<h2 id="advice-heading">Go to A&amp;E now</h2>' in card
    assert 'class="advice-text">Call 999 if you cannot get there safely.</p>' in card
    assert 'class="button button-danger button-call" href="tel:999">Call 999</a>' in card


def test_urgent_advice_has_a_full_width_call_111_button_in_the_card():
    card = _render("urgent", "gp_today", "Ask for an urgent GP appointment today.")
    assert '<h2 id="advice-heading">Get help today</h2>' in card
    assert 'class="button button-call button-danger" href="tel:111">Call NHS 111</a>' in card
    assert ">NHS 111 online</a>" in card and "Book an appointment" not in card


def test_urgent_advice_the_clinic_sees_today_offers_today_then_111():
    service = Service.objects.filter(bookable_online=True).first()
    card = _render("urgent", "urgent_care", "Get help today. Go to an urgent treatment centre.",
                   bookable=True, same_day=True, service=service, handoff="signed")  # fmt: skip
    assert card.index(">Book an appointment today</button>") < card.index('href="tel:111"')
    assert 'class="button button-call button-secondary" href="tel:111"' in card
    assert 'class="advice-text">Go to an urgent treatment centre.</p>' in card


def test_self_care_advice_offers_booking_as_the_quieter_choice():
    service = Service.objects.filter(bookable_online=True).first()
    card = _render("self_care", "self_care", "You can usually look after this at home first.",
                   bookable=True, service=service, handoff="signed")  # fmt: skip
    assert '<h2 id="advice-heading">Look after it at home first</h2>' in card
    assert 'class="button button-call button-secondary">Book an appointment about this' in card
    assert "tel:" not in card


def test_a_pharmacist_card_says_so():
    card = _render("self_care", "pharmacist", "A pharmacist can help with this.")
    assert '<h2 id="advice-heading">Ask a pharmacist</h2>' in card


@pytest.mark.parametrize(("advice", "shown"), [
    ("Call 999 now. The blood supply may be blocked.", "The blood supply may be blocked."),
    ("Go to A&E now. Cover the wound.", "Cover the wound."),
    ("Get help today. Go to an urgent treatment centre.", "Go to an urgent treatment centre."),
    ("Call 999 now.", "Call 999 now."),  # nothing else to say: kept whole
    ("Book an appointment with a podiatrist.", "Book an appointment with a podiatrist."),
])  # fmt: skip
def test_the_card_drops_only_the_first_words_its_heading_or_button_already_says(advice, shown):
    assert card_text(advice) == shown
