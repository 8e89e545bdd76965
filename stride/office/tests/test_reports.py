"""Reports: weekly figures in the clinic's zone, who sees whose, CSV downloads, bad input,
and no patient data anywhere."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest

from stride.assessment.models import UsageCount
from stride.booking import services
from stride.booking.models import ClinicClosure, DiaryEntry, Service, TimeOff, WorkingPeriod
from stride.office import reports
from stride.office.models import AuditEvent, StaffProfile
from stride.site.models import Practitioner

pytestmark = pytest.mark.usefixtures("demo_clinic", "now")
BST = dt.timezone(dt.timedelta(hours=1))
LONDON = ZoneInfo("Europe/London")
MAY_18 = {"from": "2026-05-18", "to": "2026-05-24"}


def _entry(who: str, service: str, start: dt.datetime, status: str = "attended",
           channel: str = "online", lead_days: float = 7,
           cancelled_before: dt.timedelta | None = None) -> DiaryEntry:  # fmt: skip
    chosen = Service.objects.get(slug=service)
    end = start + dt.timedelta(minutes=chosen.duration_minutes)
    return DiaryEntry.objects.create(
        practitioner=Practitioner.objects.get(slug=who), service=chosen, start=start, end=end,
        occupied_start=start, occupied_end=end, status=status, channel=channel,
        created_at=start - dt.timedelta(days=lead_days),
        cancelled_at=None if cancelled_before is None else start - cancelled_before,
    )  # fmt: skip


def _at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 5, day, hour, 0, tzinfo=BST)


@pytest.fixture
def week_of_may_18():
    """A week with a bit of everything; no bank holiday in it."""
    _entry("amara-okafor", "initial-assessment", _at(18, 10), channel="online", lead_days=1)
    _entry("amara-okafor", "initial-assessment", _at(19, 10), channel="phone", lead_days=2)
    _entry("amara-okafor", "follow-up", _at(20, 10), status="no_show", channel="staff",
           lead_days=3)  # fmt: skip
    _entry("amara-okafor", "follow-up", _at(21, 10), status="confirmed", lead_days=10)
    _entry("tomasz-nowak", "nail-care", _at(19, 10), channel="phone", lead_days=5)
    # Cancelled: 2 hours before (late), 3 days before, exactly 24 hours before (not late).
    for day, before in ((18, dt.timedelta(hours=2)), (19, dt.timedelta(days=3)),
                        (20, dt.timedelta(hours=24))):  # fmt: skip
        _entry("amara-okafor", "follow-up", _at(day, 11), status="cancelled", lead_days=20,
               cancelled_before=before)  # fmt: skip
    tomasz = Practitioner.objects.get(slug="tomasz-nowak")
    TimeOff.objects.create(practitioner=tomasz, start=_at(20, 9), end=_at(20, 13))
    ClinicClosure.objects.create(start=_at(21, 14), end=_at(21, 18), note="Training")


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


@pytest.fixture
def amara_client(staff_login):
    amara = Practitioner.objects.get(slug="amara-okafor")
    StaffProfile.objects.filter(practitioner=amara).delete()  # the demo's own account
    return staff_login("practitioner", practitioner=amara)


# Weeks --------------------------------------------------------------------------------------


def test_the_default_is_twelve_weeks_to_the_end_of_this_week():
    weeks = reports.weeks_default(today=dt.date(2026, 6, 1), zone=LONDON)
    assert (weeks.first, weeks.last, weeks.count) == (dt.date(2026, 3, 16), dt.date(2026, 6, 7), 12)


def test_a_range_is_widened_to_whole_weeks():
    weeks = reports.weeks_covering(first=dt.date(2026, 3, 18), last=dt.date(2026, 3, 29),
                                   zone=LONDON)  # fmt: skip
    assert (weeks.first, weeks.last, weeks.count) == (dt.date(2026, 3, 16), dt.date(2026, 3, 29), 2)


def test_weeks_are_monday_to_sunday_in_london_across_the_clock_change(staff_login):
    _entry("amara-okafor", "follow-up", dt.datetime(2026, 3, 22, 23, 30, tzinfo=dt.UTC))
    # 23:30 BST on Sunday 29 March is 22:30 UTC; 00:30 BST on Monday is still Sunday in UTC.
    _entry("amara-okafor", "follow-up", dt.datetime(2026, 3, 29, 23, 30, tzinfo=BST))
    _entry("amara-okafor", "follow-up", dt.datetime(2026, 3, 30, 0, 30, tzinfo=BST))
    response = staff_login("reception").get("/office/reports/bookings.csv",
                                            {"from": "2026-03-16", "to": "2026-04-05"})  # fmt: skip
    rows = [r for r in _csv(response) if r[1] == "Follow-up appointment"]
    assert rows == [["2026-03-16", "Follow-up appointment", "Amara Okafor", "1"],
                    ["2026-03-23", "Follow-up appointment", "Amara Okafor", "1"],
                    ["2026-03-30", "Follow-up appointment", "Amara Okafor", "1"]]  # fmt: skip


# The figures --------------------------------------------------------------------------------


def test_bookings_per_week_by_service_and_practitioner(staff_login, week_of_may_18):
    response = staff_login("reception").get("/office/reports/bookings.csv", MAY_18)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="stride-bookings-2026-05-18-to-2026-05-24.csv"'
    )
    assert _csv(response) == [
        ["week_starting", "service", "practitioner", "bookings"],
        ["2026-05-18", "Initial assessment", "Amara Okafor", "2"],
        ["2026-05-18", "Follow-up appointment", "Amara Okafor", "2"],
        ["2026-05-18", "Routine nail and skin care", "Tomasz Nowak", "1"],
    ]


def test_utilisation_is_booked_minutes_over_working_minutes(staff_login, week_of_may_18):
    response = staff_login("clinic_admin").get("/office/reports/utilisation.csv", MAY_18)
    # Amara: 4 x 8 h + Saturday 4 h = 2160 min, less the Thursday closure 14:00-18:00: 1920;
    # booked 45 + 45 + 30 (no-show) + 30 (confirmed) = 150. Tomasz: 4 x 7 h = 1680, less
    # Wednesday morning off (240) and the closure to 17:00 (180): 1260; booked 30.
    assert _csv(response) == [
        ["week_starting", "practitioner", "booked_minutes", "available_minutes",
         "utilisation_percent"],
        ["2026-05-18", "Amara Okafor", "150", "1920", "7.8"],
        ["2026-05-18", "Tomasz Nowak", "30", "1260", "2.4"],
    ]  # fmt: skip
    html = staff_login("reception").get("/office/reports/utilisation/", MAY_18).content.decode()
    assert "<td>5.7%</td>" in html  # everyone: 180 / 3180
    assert "<td>53</td>" in html  # working hours, 3180 min


def test_bank_holidays_have_no_working_time(staff_login):
    # Monday 25 May 2026 is the spring bank holiday: Amara loses her Monday.
    response = staff_login("reception").get("/office/reports/utilisation.csv",
                                            {"from": "2026-05-25", "to": "2026-05-31"})  # fmt: skip
    assert _csv(response)[1:] == [["2026-05-25", "Amara Okafor", "0", "1680", "0.0"],
                                  ["2026-05-25", "Tomasz Nowak", "0", "1680", "0.0"]]  # fmt: skip


@pytest.mark.parametrize(("day", "first", "minutes"), [
    (dt.date(2026, 3, 29), "2026-03-23", 2160 + 180),  # 00:00-04:00 is three hours long
    (dt.date(2026, 10, 25), "2026-10-19", 2160 + 300),  # and five in October
])  # fmt: skip
def test_working_minutes_are_real_time_on_clock_change_nights(staff_login, day, first, minutes):
    amara = Practitioner.objects.get(slug="amara-okafor")
    WorkingPeriod.objects.create(practitioner=amara, weekday=6, start=dt.time(0),
                                 end=dt.time(4), valid_from=day, valid_until=day)  # fmt: skip
    response = staff_login("reception").get("/office/reports/utilisation.csv",
                                            {"from": first, "to": day.isoformat()})  # fmt: skip
    assert _csv(response)[1] == [first, "Amara Okafor", "0", str(minutes), "0.0"]


def test_no_show_and_late_cancellation_rates(staff_login, week_of_may_18):
    response = staff_login("reception").get("/office/reports/attendance.csv", MAY_18)
    assert _csv(response) == [
        ["week_starting", "measure", "count", "out_of", "rate_percent"],
        ["2026-05-18", "no_show", "1", "4", "25.0"],
        ["2026-05-18", "late_cancellation", "1", "8", "12.5"],
    ]


def test_the_late_cancellation_time_is_the_clinics(staff_login, week_of_may_18):
    from stride.booking.models import BookingRules

    BookingRules.objects.update_or_create(pk=1, defaults={"late_cancel_hours": 48})
    response = staff_login("reception").get("/office/reports/attendance.csv", MAY_18)
    assert _csv(response)[2] == ["2026-05-18", "late_cancellation", "2", "8", "25.0"]


def test_lead_time_median_and_90th_percentile_in_days(staff_login, week_of_may_18):
    # Lead times of the five kept appointments: 1, 2, 3, 5 and 10 days.
    response = staff_login("reception").get("/office/reports/lead-time.csv", MAY_18)
    assert _csv(response) == [
        ["week_starting", "measure", "days", "appointments"],
        ["2026-05-18", "median", "3.0", "5"],
        ["2026-05-18", "90th_percentile", "8.0", "5"],
    ]
    html = staff_login("reception").get("/office/reports/lead-time/", MAY_18).content.decode()
    assert "All 5 appointments: median 3 days, 90th percentile 8 days." in html


def test_a_percentile_between_two_values_is_interpolated():
    assert reports.percentile([1.0, 2.0, 3.0, 10.0], 0.5) == 2.5
    assert reports.percentile([1.0, 2.0, 3.0, 10.0], 0.9) == pytest.approx(7.9)
    assert reports.percentile([4.0], 0.9) == 4.0
    assert reports.percentile([], 0.5) is None


def test_online_phone_and_staff_bookings(staff_login, week_of_may_18):
    response = staff_login("reception").get("/office/reports/channels.csv", MAY_18)
    assert _csv(response) == [
        ["week_starting", "channel", "bookings"],
        ["2026-05-18", "online", "2"],
        ["2026-05-18", "phone", "2"],
        ["2026-05-18", "staff", "1"],
    ]


def test_the_symptom_check_funnel_sums_each_week(staff_login):
    for day, metric, count in [
        (dt.date(2026, 5, 18), "started", 10), (dt.date(2026, 5, 24), "started", 5),
        (dt.date(2026, 5, 24), "finished", 8), (dt.date(2026, 5, 20), "red_flag:ottawa-ankle", 2),
        (dt.date(2026, 5, 21), "red_flag:clot", 1), (dt.date(2026, 5, 22), "booked", 3),
        (dt.date(2026, 5, 25), "started", 4), (dt.date(2026, 5, 17), "started", 99),
    ]:  # fmt: skip
        UsageCount.objects.create(day=day, metric=metric, count=count)
    response = staff_login("reception").get("/office/reports/funnel.csv",
                                            {"from": "2026-05-18", "to": "2026-05-31"})  # fmt: skip
    assert _csv(response) == [
        ["week_starting", "step", "count"],
        ["2026-05-18", "started", "15"], ["2026-05-18", "finished", "8"],
        ["2026-05-18", "red-flag advice shown", "3"], ["2026-05-18", "booked", "3"],
        ["2026-05-25", "started", "4"], ["2026-05-25", "finished", "0"],
        ["2026-05-25", "red-flag advice shown", "0"], ["2026-05-25", "booked", "0"],
    ]  # fmt: skip


# The pages ----------------------------------------------------------------------------------


def test_the_reports_page_shows_every_report_with_a_chart_and_its_table(
    staff_login, week_of_may_18, django_assert_max_num_queries
):
    client = staff_login("reception")
    with django_assert_max_num_queries(30):
        response = client.get("/office/reports/")
    assert response.status_code == 200
    html = response.content.decode()
    assert ("Everyone, the 12 weeks from Monday 16 March 2026 to Sunday 7 June 2026."
            in html)  # fmt: skip
    for slug in ("bookings", "utilisation", "attendance", "lead-time", "channels", "funnel"):
        assert f'<section class="report" id="{slug}"' in html
        assert f'href="/office/reports/{slug}.csv?from=2026-03-16&amp;to=2026-06-07' in html
    assert html.count('role="img"') == 7  # bookings by service and by practitioner
    assert html.count('<table class="data report-table"') == 7
    assert "<dt>Bookings</dt><dd>5</dd>" in html
    assert "<dt>No-show rate</dt><dd>25%</dd>" in html
    assert '<a href="/office/reports/" aria-current="page">Reports</a>' in html
    assert "no-store" in response["Cache-Control"]


def test_a_chart_is_an_image_with_a_title_and_a_description(staff_login, week_of_may_18):
    html = staff_login("reception").get("/office/reports/channels/", MAY_18).content.decode()
    assert ('<svg class="chart" id="channels-chart" role="img" viewBox="0 0 720 300" '
            'aria-labelledby="channels-chart-title" aria-describedby="channels-chart-desc"'
            in html)  # fmt: skip
    assert '<title id="channels-chart-title">Bookings by channel</title>' in html
    assert ('<desc id="channels-chart-desc">Stacked bar chart of Bookings by channel, 1 week, '
            "week of 18 May. Series: Online, Phone, Staff. Highest total: 5 (week of 18 May). "
            "The table after the chart gives every figure.</desc>") in html  # fmt: skip
    assert "<script" not in html.split("<main", 1)[1]


def test_one_practitioner_can_be_chosen(staff_login, week_of_may_18):
    response = staff_login("reception").get("/office/reports/bookings.csv",
                                            {**MAY_18, "practitioner": "tomasz-nowak"})  # fmt: skip
    assert _csv(response)[1:] == [["2026-05-18", "Routine nail and skin care", "Tomasz Nowak", "1"]]
    name = "stride-bookings-2026-05-18-to-2026-05-24-tomasz-nowak.csv"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'


def test_a_practitioner_sees_their_own_figures_only(amara_client, week_of_may_18):
    html = amara_client.get("/office/reports/", MAY_18).content.decode()
    assert "Your figures (Amara Okafor)" in html
    assert "Tomasz" not in html and "Routine nail and skin care" not in html
    assert 'id="funnel"' not in html and 'name="practitioner"' not in html
    rows = _csv(amara_client.get("/office/reports/utilisation.csv", MAY_18))
    assert rows[1:] == [["2026-05-18", "Amara Okafor", "150", "1920", "7.8"]]
    rows = _csv(amara_client.get("/office/reports/channels.csv", MAY_18))
    assert [r[2] for r in rows[1:]] == ["2", "1", "1"]  # Tomasz's phone booking left out
    assert amara_client.get("/office/reports/funnel/").status_code == 403
    assert amara_client.get("/office/reports/funnel.csv").status_code == 403
    other = amara_client.get("/office/reports/", {"practitioner": "tomasz-nowak"})
    assert other.status_code == 400
    assert "Choose a practitioner from the list." in other.content.decode()
    assert amara_client.get("/office/reports/", {"practitioner": "amara-okafor"}).status_code == 200


def test_a_practitioner_account_without_a_practitioner_sees_no_figures(staff_login,
                                                                       week_of_may_18):  # fmt: skip
    client = staff_login("practitioner")
    html = client.get("/office/reports/", MAY_18).content.decode()
    assert "your account is not linked to a practitioner" in html
    assert _csv(client.get("/office/reports/bookings.csv", MAY_18)) == [
        ["week_starting", "service", "practitioner", "bookings"]
    ]


@pytest.mark.parametrize("path", ["/office/reports/", "/office/reports/bookings/",
                                  "/office/reports/bookings.csv"])  # fmt: skip
def test_strangers_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/office/login/")


def test_an_unknown_report_is_404(staff_login):
    client = staff_login("reception")
    assert client.get("/office/reports/profit/").status_code == 404
    assert client.get("/office/reports/profit.csv").status_code == 404


@pytest.mark.parametrize(("query", "message"), [
    ({"from": "2026-13-01"}, "Enter the first day as a date between 2000 and 2100, e.g. 2026-"),
    ({"to": "yesterday"}, "Enter the last day as a date between 2000 and 2100, e.g. 2026-03-16."),
    ({"from": "1066-10-14"}, "Enter the first day as a date between 2000 and 2100"),
    ({"from": "2026-05-01", "to": "2026-04-01"}, "The last day must be on or after the first"),
    ({"from": "2025-01-01", "to": "2026-06-01"}, "Choose at most 53 weeks (about a year) at a"),
    ({"practitioner": "nobody"}, "Choose a practitioner from the list."),
])  # fmt: skip
def test_bad_input_is_a_400_with_a_clear_message(staff_login, query, message):
    client = staff_login("reception")
    response = client.get("/office/reports/", query)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'aria-invalid="true"' in html
    assert 'class="report"' not in html
    response = client.get("/office/reports/bookings.csv", query)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert message in response.content.decode()


def test_no_patient_data_appears_in_any_report_and_nothing_is_audited(staff_login):
    booked = services.booking_create(
        service=Service.objects.get(slug="follow-up"),
        practitioner=Practitioner.objects.get(slug="amara-okafor"),
        start=dt.datetime(2026, 6, 2, 10, 0, tzinfo=BST),
        details=services.PatientDetails(
            name="Philippa Quibble", email="quibble@example.org", phone="+447700900456",
            date_of_birth=dt.date(1961, 2, 3), reason="Painful left bunion",
            assessment_summary="Self-assessment: heel pain.", booked_by_name="Percy Quibble",
        ),
    )  # fmt: skip
    entry = booked.entry
    secrets = ["Quibble", "quibble@example.org", "447700900456", "1961", "bunion", "heel pain",
               entry.reference, "patient:", f"booking:{entry.pk}"]  # fmt: skip
    client = staff_login("clinic_admin")
    before = AuditEvent.objects.count()
    paths = ["/office/reports/"] + [f"/office/reports/{slug}{end}" for slug in
             ("bookings", "utilisation", "attendance", "lead-time", "channels", "funnel")
             for end in ("/", ".csv")]  # fmt: skip
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        assert [s for s in secrets if s in body] == [], path
    assert "<dt>Bookings</dt><dd>1</dd>" in client.get("/office/reports/").content.decode()
    assert AuditEvent.objects.count() == before
