"""The booking page's picker without JavaScript: a month of days with free times as links,
the chosen day's times once each by part of the day, the earliest time first, and the
details page naming who "whoever is free first" is."""

import json
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from stride.booking.models import DiaryEntry

pytestmark = pytest.mark.usefixtures("demo_clinic", "now")  # Mon 1 June 2026 09:30 BST

PAGE = "/book/initial-assessment/"
SLUGS = ("amara-okafor", "tomasz-nowak")


class _Text(HTMLParser):
    """Every piece of text a person or a screen reader could meet: text nodes (the
    visually hidden ones too) and the attributes read out as names."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        spoken = ("aria-label", "title", "alt", "data-month-label", "data-day-label")
        self.parts.extend(v or "" for k, v in attrs if k in spoken)


def text_of(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def slot_links(html: str) -> list[dict[str, list[str]]]:
    hrefs = re.findall(r'class="slot" href="([^"]+)"', html)
    return [parse_qs(urlsplit(h.replace("&amp;", "&")).query) for h in hrefs]


def test_whoever_is_free_first_shows_each_time_once(client):
    html = client.get(PAGE, {"practitioner": "any", "day": "2026-06-03"}).content.decode()
    starts = [q["start"][0] for q in slot_links(html)]
    assert starts, "Wednesday has free times"
    assert len(starts) == len(set(starts))
    assert {q["practitioner"][0] for q in slot_links(html)} == {"any"}
    assert starts[:2] == ["2026-06-03T09:00:00+01:00", "2026-06-03T09:15:00+01:00"]
    both = client.get("/api/slots", {"service": "initial-assessment", "from": "2026-06-03",
                                     "to": "2026-06-03"}).json()["slots"]  # fmt: skip
    assert len(both) > len(starts)  # the API lists each practitioner's; the page each time
    assert {s["start"] for s in both} == set(starts)


def test_the_day_is_in_parts_morning_afternoon_evening(client):
    html = client.get(PAGE, {"day": "2026-06-03"}).content.decode()
    assert re.findall(r'<h3 class="part-name">(\w+)</h3>', html) == [
        "Morning", "Afternoon", "Evening",
    ]  # fmt: skip
    morning = html.split(">Morning<")[1].split(">Afternoon<")[0]
    assert ">11:45am<" in morning and ">midday<" not in morning
    assert ">5:15pm<" in html.split(">Evening<")[1]


def test_practitioners_are_named_never_by_their_key_anywhere_people_read(client):
    for choice in ("any", "amara-okafor", "tomasz-nowak"):
        html = client.get(PAGE, {"practitioner": choice, "day": "2026-06-03"}).content.decode()
        text = text_of(html)
        assert not [slug for slug in SLUGS if slug in text], choice
        assert "Amara Okafor" in text and "Tomasz Nowak" in text  # the choice of person
    details = client.get(f"{PAGE}details/", {"start": "2026-06-03T10:00:00+01:00",
                                             "practitioner": "any"}).content.decode()  # fmt: skip
    assert not [slug for slug in SLUGS if slug in text_of(details)]


def test_days_without_free_times_are_marked_in_words_not_links(client):
    html = client.get(PAGE, {"day": "2026-06-03"}).content.decode()
    sunday = '<span class="day day-none">7<span class="visually-hidden"> June, no free times'
    assert sunday in html
    assert "day=2026-06-07" not in html
    assert 'href="?practitioner=any&amp;day=2026-06-08"' in html  # Monday: Amara works
    chosen = re.findall(r'<a [^>]*aria-current="true"[^>]*>(\d+)', html)
    assert chosen == ["3"]
    assert "Dates in a box have free times." in html


def test_the_earliest_free_time_is_offered_first_straight_to_the_details(client):
    html = client.get(PAGE).content.decode()
    earliest = re.search(r'<a class="button button-primary" href="([^"]+)">([^<]+)</a>', html)
    assert earliest, "the earliest time is a link"
    assert earliest.group(2) == "Earliest: Monday 1 June, 11:30am"  # two hours' notice
    assert earliest.group(1).startswith("/book/initial-assessment/details/?start=2026-06-01T11")
    assert html.index("Earliest:") < html.index('id="picker"')
    assert re.search(r'id="picker-day"[^>]*>Monday 1 June<', html)  # its day is shown
    assert client.get(earliest.group(1).replace("&amp;", "&")).status_code == 200


def test_the_time_zone_is_stated_once(client):
    html = client.get(PAGE).content.decode()
    assert text_of(html).count("UK time (Europe/London)") == 1


def test_month_navigation_stays_within_the_booking_horizon(client):
    june = client.get(PAGE).content.decode()
    assert "Previous month" not in june  # nothing before today
    assert 'href="?practitioner=any&amp;month=2026-07"' in june
    assert "Next month, July 2026" in june
    august = client.get(PAGE, {"month": "2026-08"}).content.decode()
    assert "Previous month, July 2026" in august
    assert "Next month" not in august  # the horizon: 84 days, to 24 August
    assert "day=2026-08-25" not in august and "day=2026-08-24" in august
    later = client.get(PAGE, {"month": "2027-01"}).content.decode()
    assert re.search(r'id="picker-month"[^>]*>August 2026<', later)
    earlier = client.get(PAGE, {"month": "2020-01", "day": "2020-01-02"}).content.decode()
    assert re.search(r'id="picker-month"[^>]*>June 2026<', earlier)


def test_a_month_shows_its_first_free_day(client):
    html = client.get(PAGE, {"practitioner": "tomasz-nowak", "month": "2026-07"}).content
    assert re.search(r'id="picker-day"[^>]*>Wednesday 1 July<', html.decode())


def test_a_day_asked_for_without_times_says_so(client):
    html = client.get(PAGE, {"day": "2026-06-07"}).content.decode()
    assert re.search(r'id="picker-day"[^>]*>Sunday 7 June<', html)
    assert "No free times on this day." in html
    assert 'class="slot"' not in html


@pytest.mark.parametrize(
    "query",
    [
        {"practitioner": "tomasz-nowak", "week": "2026-06-08"},
        {"week": "not-a-date"},
        {"week": "2019-01-07"},
        {"from": "2026-06-08"},
        {"day": "2026-13-45", "month": "June"},
    ],
)
def test_old_and_odd_addresses_still_answer(client, query):
    assert client.get(PAGE, query).status_code == 200


def test_an_old_week_address_shows_that_weeks_first_free_day(client):
    html = client.get("/book/follow-up/", {"practitioner": "tomasz-nowak",
                                           "week": "2026-06-08"}).content.decode()  # fmt: skip
    assert re.search(r'id="picker-day"[^>]*>Tuesday 9 June<', html)  # he starts on Tuesdays


def test_htmx_gets_the_picker_alone(client):
    response = client.get(PAGE, {"day": "2026-06-04"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert '<div id="picker"' in html and "<html" not in html
    assert 'data-day-label="Thursday 4 June: ' in html
    assert "HX-Request" in response["Vary"]
    assert "HX-Request" in client.get(PAGE)["Vary"]


def test_the_details_page_names_who_whoever_is_free_first_is(client):
    html = client.get(f"{PAGE}details/", {"start": "2026-06-03T10:00:00+01:00",
                                          "practitioner": "any"}).content.decode()  # fmt: skip
    assert "at 10am (UK time) with Amara Okafor." in html  # the first free, by key
    assert "If someone else books Amara Okafor before you finish" in html
    assert 'name="expected" value="amara-okafor"' in html
    assert 'name="practitioner" value="any"' in html  # the write chooses again
    back = 'href="/book/initial-assessment/?practitioner=any&amp;day=2026-06-03">Choose a different'
    assert back in html


def _book(client, practitioner: str, start: str, email: str) -> None:
    body = {"service": "initial-assessment", "practitioner": practitioner, "start": start,
            "patient": {"name": "Bo Brown", "email": email, "phone": "07700 900456",
                        "date_of_birth": "1980-01-01"}, "consent": True}  # fmt: skip
    made = client.post("/api/bookings", data=json.dumps(body), content_type="application/json")
    assert made.status_code == 201, made.content


def test_a_colleague_is_booked_when_the_first_free_is_taken_meanwhile(client):
    start = "2026-06-03T10:00:00+01:00"
    page = client.get(f"{PAGE}details/", {"start": start, "practitioner": "any"})
    assert "with Amara Okafor" in page.content.decode()
    _book(client, "amara-okafor", start, "bo@example.com")  # someone else, meanwhile
    posted = client.post(f"{PAGE}details/", {
        "start": start, "practitioner": "any", "expected": "amara-okafor", "submission": "s-9",
        "name": "Ada Lovelace", "email": "ada@example.com", "phone": "07700 900123",
        "date_of_birth": "1990-12-10", "consent": "yes",
    })  # fmt: skip
    assert posted.status_code == 302
    assert posted["Location"].endswith("?instead=amara-okafor")
    done = client.get(posted["Location"]).content.decode()
    assert "<dt>With</dt><dd>Tomasz Nowak</dd>" in done
    assert "Amara Okafor was booked by someone else" in done
    ada = DiaryEntry.objects.get(details__email="ada@example.com")
    assert ada.practitioner.slug == "tomasz-nowak"


def test_the_done_page_says_nothing_of_a_swap_when_there_was_none(client):
    posted = client.post(f"{PAGE}details/", {
        "start": "2026-06-03T10:00:00+01:00", "practitioner": "any", "expected": "amara-okafor",
        "submission": "s-10", "name": "Ada Lovelace", "email": "ada@example.com",
        "phone": "07700 900123", "date_of_birth": "1990-12-10", "consent": "yes",
    })  # fmt: skip
    assert "instead" not in posted["Location"]
    done = client.get(posted["Location"]).content.decode()
    assert "<dt>With</dt><dd>Amara Okafor</dd>" in done
    assert "booked by someone else" not in done


def test_a_time_nobody_is_free_at_any_more_says_so_on_the_details_page(client):
    start = "2026-06-03T10:00:00+01:00"
    _book(client, "amara-okafor", start, "bo@example.com")
    _book(client, "tomasz-nowak", start, "cy@example.com")
    html = client.get(f"{PAGE}details/", {"start": start, "practitioner": "any"}).content.decode()
    assert "Sorry, that time has just gone." in html
    assert 'href="/book/initial-assessment/">Choose another time' in html


def test_from_the_symptom_check_the_days_and_times_are_buttons_of_one_posted_form(client):
    from stride.booking import handoff

    carried = handoff.dumps(handoff.Handoff(service="initial-assessment", summary="Age 40."))
    html = client.post(PAGE, {"handoff": carried, "day": "2026-06-04"}).content.decode()
    assert '<form method="post" action="/book/initial-assessment/" class="booker">' in html
    assert '<button type="submit" name="day" value="2026-06-05"' in html
    assert '<button type="submit" name="month" value="2026-07"' in html
    assert 'name="pick" value="2026-06-04T09:00:00+01:00 any"' in html
    assert "?day=" not in html and carried not in html.split('name="handoff"')[0]
    part = client.post(PAGE, {"handoff": carried, "month": "2026-07"},
                       headers={"HX-Request": "true"}).content.decode()  # fmt: skip
    assert re.search(r'id="picker-month"[^>]*>July 2026<', part)
