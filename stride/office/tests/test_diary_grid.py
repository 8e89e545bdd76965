"""The diary as a time grid: times of day as text down the side, appointments where they
start with their time, name and status as text, every free time a link to book there,
every day drawn (closed and bank holidays too), and only the buttons that work."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from stride import clock
from stride.booking import services
from stride.booking.models import DiaryEntry, Service
from stride.office.models import AuditEvent
from stride.site.models import Practitioner

pytestmark = pytest.mark.usefixtures("demo_clinic", "now")  # Mon 1 June 2026 09:30 BST
BST = dt.timezone(dt.timedelta(hours=1))


def _book(hour: int, minute: int = 0, *, day: int = 2, name: str = "Ada Patient",
          slug: str = "amara-okafor") -> DiaryEntry:  # fmt: skip
    return services.booking_create(
        service=Service.objects.get(slug="follow-up"),
        practitioner=Practitioner.objects.get(slug=slug), staff=True,
        start=dt.datetime(2026, 6, day, hour, minute, tzinfo=BST),
        details=services.PatientDetails(name=name, email="ada@example.org",
                                        phone="+447700900123", date_of_birth=dt.date(1980, 1, 1)),
    ).entry  # fmt: skip


def _cell(html: str, entry: DiaryEntry) -> str:
    found = re.search(rf'<td class="g-entry" rowspan="(\d+)">(?:(?!</td>).)*id="card-{entry.pk}"'
                      r"(?:(?!</td>).)*</td>", html, re.S)  # fmt: skip
    assert found, "the entry is not on the grid"
    return found.group(0)


def test_the_day_is_a_grid_with_times_as_text_and_appointments_sized_by_length(staff_login):
    entry = _book(10)  # follow-up: 30 minutes, two 15-minute rows
    html = staff_login("reception").get("/office/diary/", {"day": "2026-06-02"}).content.decode()
    assert '<th scope="row" class="g-time">09:00</th>' in html
    assert '<th scope="row" class="g-time">09:15</th>' in html
    cell = _cell(html, entry)
    assert 'rowspan="2"' in cell
    assert "10:00</time>\u2013<time" in cell and "10:30</time> Ada Patient" in cell
    assert '<span class="g-status">Confirmed</span>' in cell
    assert '<th scope="col" class="g-col-head">Amara Okafor' in html
    assert AuditEvent.objects.filter(action="diary.view_day").exists()


def test_every_free_time_is_a_link_to_book_a_caller_there(staff_login):
    client = staff_login("reception")
    html = client.get("/office/diary/", {"day": "2026-06-02"}).content.decode()
    link = re.search(r'href="(/office/bookings/new/\?practitioner=amara-okafor&amp;day=2026-06-02'
                     r'&amp;start=2026-06-02T11%3A00%3A00%2B01%3A00)"', html)  # fmt: skip
    assert link and "Book a caller at 11:00, Amara Okafor" in html
    # After the caller's record is found (here: a new patient), the time is still chosen.
    booking = client.get(link.group(1).replace("&amp;", "&") + "&service=follow-up&new=1")
    page = booking.content.decode()
    # The time chosen on the grid is the one ticked on the booking form.
    assert re.search(r'value="2026-06-02T11:00:00\+01:00" checked', page)


def test_every_weekday_draws_the_grid_even_when_closed(staff_login):
    client = staff_login("reception")
    holiday = client.get("/office/diary/", {"day": "2026-08-31"}).content.decode()  # bank holiday
    assert "Bank holiday: closed" in holiday and 'class="g-time">12:00' in holiday
    assert 'class="g-book"' not in holiday
    sunday = client.get("/office/diary/", {"day": "2026-06-07"}).content.decode()
    assert "Not working" in sunday and 'class="g-time">08:00' in sunday


@pytest.mark.parametrize(("day", "rows"), [("2026-03-29", 23), ("2026-10-25", 25)])
def test_a_clock_change_day_drawn_whole_has_its_real_number_of_hours(staff_login, day, rows):
    # A block from just after midnight to late evening stretches the grid to the whole day.
    local = dt.date.fromisoformat(day)
    zone = ZoneInfo("Europe/London")
    services.block_create(
        practitioner=Practitioner.objects.get(slug="amara-okafor"),
        start=dt.datetime.combine(local, dt.time(0, 0), zone),
        end=dt.datetime.combine(local, dt.time(23, 30), zone), note="Night cover",
    )  # fmt: skip
    html = staff_login("reception").get("/office/diary/", {"day": day}).content.decode()
    assert len(re.findall(r'<th scope="row" class="g-time">\d\d:00', html)) == rows
    if rows == 25:  # the repeated hour, said twice with its zone
        assert "01:00 BST" in html and "01:00 GMT" in html


def test_attendance_is_offered_only_once_started_and_arrival_before(staff_login):
    with clock.pinned(dt.datetime(2026, 6, 1, 8, 0, tzinfo=BST)):  # booked before the day began
        started = _book(9, day=1, name="Early Patient")  # 09:00 today: started at 09:30
    later = _book(11, day=1, name="Later Patient")  # 11:00 today
    client = staff_login("reception")
    html = client.get("/office/diary/").content.decode()
    early, late = _cell(html, started), _cell(html, later)
    assert "Attended" in early and "Did not attend" in early and ">Arrived<" not in early
    assert "Attended" not in late and ">Arrived<" in late
    entry_page = client.get(f"/office/entries/{later.pk}/").content.decode()
    assert "Did not attend" not in entry_page and ">Arrived</button>" in entry_page
    response = client.post(f"/office/entries/{later.pk}/arrived/",
                           {"version": later.version, "next": "/office/diary/"})  # fmt: skip
    assert response.status_code == 302 and response["Location"] == "/office/diary/"
    later.refresh_from_db()
    assert later.arrived_at == clock.now() and later.status == "confirmed"  # not a status
    assert AuditEvent.objects.filter(action="booking.arrived").exists()
    html = client.get("/office/diary/").content.decode()
    assert "Arrived 09:30" in _cell(html, later) and ">Arrived<" not in _cell(html, later)


def test_arrival_is_refused_for_another_day_and_changes_nothing(staff_login):
    tomorrow = _book(10)
    client = staff_login("reception")
    assert ">Arrived</button>" not in client.get(f"/office/entries/{tomorrow.pk}/").content.decode()
    client.post(f"/office/entries/{tomorrow.pk}/arrived/", {"version": tomorrow.version})
    tomorrow.refresh_from_db()
    assert tomorrow.arrived_at is None and tomorrow.version == 1


def test_a_booking_is_moved_by_choosing_a_free_time_on_the_grid(staff_login):
    entry = _book(10)
    client = staff_login("reception")
    page = client.get(f"/office/entries/{entry.pk}/move/").content.decode()
    assert 'name="start" value="2026-06-02T14:00:00+01:00" class="g-book"' in page
    assert "Move to 14:00, Amara Okafor" in page
    client.post(
        f"/office/entries/{entry.pk}/move/",
        {"version": entry.version, "day": "2026-06-02", "start": "2026-06-02T14:00:00+01:00"},
    )
    entry.refresh_from_db()
    assert entry.start == dt.datetime(2026, 6, 2, 13, 0, tzinfo=dt.UTC)


def test_the_week_is_a_grid_per_practitioner_with_a_column_per_day(staff_login):
    entry = _book(10, day=3)
    html = staff_login("reception").get(
        "/office/diary/week/", {"day": "2026-06-03", "practitioner": "amara-okafor"}
    )
    text = html.content.decode()
    heads = re.findall(r'<th scope="col" class="g-col-head[^"]*">([^<]+)<', text)
    assert heads == ["Mon 1 Jun", "Tue 2 Jun", "Wed 3 Jun", "Thu 4 Jun", "Fri 5 Jun",
                     "Sat 6 Jun", "Sun 7 Jun"]  # fmt: skip
    assert "10:30</time> Ada Patient" in _cell(text, entry)
    first = staff_login("reception").get("/office/diary/week/", {"day": "2026-06-03"})
    page = first.content.decode()  # one practitioner at a time, the others to choose
    assert page.count('<table class="diary-grid') == 1 and "Amara Okafor, week of" in page
    assert '<option value="tomasz-nowak">Tomasz Nowak</option>' in page
