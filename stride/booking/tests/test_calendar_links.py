"""Links that open Google Calendar or Outlook.com with the appointment filled in."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from stride.booking.calendar import web_links

LONDON = ZoneInfo("Europe/London")
TITLE = "Follow-up appointment at Larkfield Foot & Ankle Clinic"
WHERE = "14 Larkfield Mews, Kentish Town, London, NW5 1XY"


def _links(start: dt.datetime, minutes: int = 30):
    return web_links(title=TITLE, start=start, end=start + dt.timedelta(minutes=minutes),
                     location=WHERE)  # fmt: skip


def test_google_gets_the_title_the_times_in_utc_and_the_address():
    links = _links(dt.datetime(2026, 6, 2, 10, 0, tzinfo=LONDON))
    assert links.google == (
        "https://calendar.google.com/calendar/render?action=TEMPLATE"
        "&text=Follow-up%20appointment%20at%20Larkfield%20Foot%20%26%20Ankle%20Clinic"
        "&location=14%20Larkfield%20Mews%2C%20Kentish%20Town%2C%20London%2C%20NW5%201XY"
        "&dates=20260602T090000Z%2F20260602T093000Z"
    )


def test_outlook_gets_the_same_with_its_own_names():
    links = _links(dt.datetime(2026, 6, 2, 10, 0, tzinfo=LONDON))
    assert links.outlook == (
        "https://outlook.live.com/calendar/0/deeplink/compose?path=%2Fcalendar%2Faction%2Fcompose"
        "&rru=addevent"
        "&subject=Follow-up%20appointment%20at%20Larkfield%20Foot%20%26%20Ankle%20Clinic"
        "&startdt=2026-06-02T09%3A00%3A00Z&enddt=2026-06-02T09%3A30%3A00Z"
        "&location=14%20Larkfield%20Mews%2C%20Kentish%20Town%2C%20London%2C%20NW5%201XY"
    )


def test_a_winter_time_is_its_own_utc_and_spaces_are_never_plus_signs():
    links = _links(dt.datetime(2026, 12, 2, 10, 45, tzinfo=LONDON), minutes=45)
    assert parse_qs(urlsplit(links.google).query)["dates"] == ["20261202T104500Z/20261202T113000Z"]
    outlook = parse_qs(urlsplit(links.outlook).query)
    assert (outlook["startdt"], outlook["enddt"]) == (["2026-12-02T10:45:00Z"],
                                                      ["2026-12-02T11:30:00Z"])  # fmt: skip
    assert "+" not in links.google and "+" not in links.outlook


def test_the_autumn_night_gives_each_half_past_one_its_own_instant():
    first = dt.datetime(2026, 10, 25, 1, 30, tzinfo=LONDON, fold=0)  # BST
    second = dt.datetime(2026, 10, 25, 1, 30, tzinfo=LONDON, fold=1)  # GMT
    assert "20261025T003000Z" in _links(first).google
    assert "20261025T013000Z" in _links(second).google


def test_the_links_carry_only_the_four_fields():
    links = _links(dt.datetime(2026, 6, 2, 10, 0, tzinfo=LONDON))
    assert set(parse_qs(urlsplit(links.google).query)) == {"action", "text", "location", "dates"}
    assert set(parse_qs(urlsplit(links.outlook).query)) == {
        "path",
        "rru",
        "subject",
        "startdt",
        "enddt",
        "location",
    }
