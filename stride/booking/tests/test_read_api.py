"""The read side of the booking API: clinic, services, practitioners and slots."""

import datetime as dt

import pytest

from stride import clock
from stride.booking.models import BankHolidayOpening, ClinicClosure, DiaryEntry, Service
from stride.site.models import Practitioner

pytestmark = pytest.mark.usefixtures("demo_clinic")


def _slots(client, **params):
    response = client.get("/api/slots", params)
    assert response.status_code == 200, response.content
    return response.json()["slots"]


def test_the_clinic_lists_its_rules_and_hours(client):
    data = client.get("/api/clinic").json()
    assert data["timezone"] == "Europe/London"
    assert data["slot_step_minutes"] == 15
    assert data["minimum_notice_minutes"] == 120
    assert data["horizon_days"] == 84
    assert data["late_cancel_hours"] == 24
    assert {"weekday": 0, "opens": "09:00", "closes": "13:00"} in data["opening_hours"]
    assert data["address"] == {"lines": ["14 Larkfield Mews", "Kentish Town", "London"],
                               "postcode": "NW5 1XY"}  # fmt: skip


def test_only_services_bookable_online_are_listed(client):
    slugs = [s["slug"] for s in client.get("/api/services").json()]
    assert "initial-assessment" in slugs
    assert "nail-surgery" not in slugs  # by phone only
    first = client.get("/api/services").json()[0]
    description = Service.objects.get(slug="initial-assessment").description
    assert first == {
        "slug": "initial-assessment", "name": "Initial assessment", "duration_minutes": 45,
        "price_pence": 7500, "description": description,
        "new_patients": True, "practitioners": ["amara-okafor", "tomasz-nowak"],
    }  # fmt: skip


def test_practitioners_show_registrations_and_services(client):
    amara = client.get("/api/practitioners").json()[0]
    assert amara["slug"] == "amara-okafor"
    assert {"body": "HCPC", "number": "CH99901"} in amara["registrations"]
    assert amara["services"] == ["follow-up", "gait-assessment", "initial-assessment"]


def test_slots_follow_the_rota_lunch_and_the_grid(client, now):
    # Pinned now: Monday 1 June 2026, 09:30 BST. Tuesday 2 June: both work 09:00-17/18:00.
    slots = _slots(client, service="follow-up", **{"from": "2026-06-02", "to": "2026-06-02"},
                   practitioner="tomasz-nowak")  # fmt: skip
    starts = [s["start"][11:16] for s in slots]
    assert starts[:3] == ["09:00", "09:15", "09:30"]
    assert "12:30" in starts and "12:45" not in starts  # 30 minutes + 5 buffer end before lunch
    assert "13:00" not in starts and "14:00" in starts
    assert starts[-1] == "16:30"
    assert all(s["start"].endswith("+01:00") for s in slots)
    assert slots[0] == {"start": "2026-06-02T09:00:00+01:00", "end": "2026-06-02T09:30:00+01:00",
                        "practitioner": "tomasz-nowak"}  # fmt: skip


def test_minimum_notice_and_horizon_are_respected(client, now):
    today = _slots(client, service="follow-up", **{"from": "2026-06-01", "to": "2026-06-01"})
    assert min(s["start"][11:16] for s in today) == "11:30"  # 09:30 + 2 hours
    horizon = now.date() + dt.timedelta(days=84)
    later = _slots(client, service="follow-up",
                   **{"from": (horizon - dt.timedelta(days=6)).isoformat(),
                      "to": (horizon + dt.timedelta(days=6)).isoformat()})  # fmt: skip
    assert max(s["start"][:10] for s in later) <= horizon.isoformat()


def test_a_booking_and_its_buffer_take_their_slots(client, now):
    person = Practitioner.objects.get(slug="tomasz-nowak")
    start = dt.datetime(2026, 6, 2, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    DiaryEntry.objects.create(
        practitioner=person, start=start, end=start + dt.timedelta(minutes=30),
        occupied_start=start, occupied_end=start + dt.timedelta(minutes=35),
    )  # fmt: skip
    starts = [s["start"][11:16] for s in _slots(
        client, service="follow-up", practitioner="tomasz-nowak",
        **{"from": "2026-06-02", "to": "2026-06-02"})]  # fmt: skip
    assert "09:15" in starts  # 09:15-09:45 + 5 min buffer ends 09:50, before 10:00
    assert "09:30" not in starts  # its buffer would run into 10:00
    assert "10:00" not in starts and "10:15" not in starts  # occupied until 10:35
    assert "10:45" in starts


def test_bank_holidays_close_the_clinic_unless_it_chooses_to_open(client):
    with clock.pinned(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)):
        # Friday 25 December 2026: Tomasz works Fridays.
        params = {"service": "follow-up", "from": "2026-12-25", "to": "2026-12-25"}
        assert _slots(client, **params) == []
        BankHolidayOpening.objects.create(date=dt.date(2026, 12, 25))
        assert len(_slots(client, **params)) > 0


def test_a_clinic_closure_removes_every_slot_inside_it(client, now):
    ClinicClosure.objects.create(start=dt.datetime(2026, 6, 2, 0, 0, tzinfo=dt.UTC),
                                 end=dt.datetime(2026, 6, 4, 0, 0, tzinfo=dt.UTC))  # fmt: skip
    got = _slots(client, service="follow-up", **{"from": "2026-06-02", "to": "2026-06-04"})
    assert {s["start"][:10] for s in got} == {"2026-06-04"}


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"service": "nope", "from": "2026-06-02", "to": "2026-06-02"}, "service",
         "unknown_service"),
        ({"service": "nail-surgery", "from": "2026-06-02", "to": "2026-06-02"}, "service",
         "unknown_service"),
        ({"service": "follow-up", "practitioner": "nobody", "from": "2026-06-02",
          "to": "2026-06-02"}, "practitioner", "unknown_practitioner"),
        ({"service": "follow-up", "from": "2 June", "to": "2026-06-02"}, "from", "invalid_date"),
        ({"service": "follow-up", "to": "2026-06-02"}, "from", "required"),
        ({"service": "follow-up", "from": "2026-06-05", "to": "2026-06-02"}, "to",
         "reversed_range"),
        ({"service": "follow-up", "from": "2026-06-01", "to": "2026-09-01"}, "to",
         "range_too_long"),
    ],
)  # fmt: skip
def test_bad_slot_queries_get_400_with_the_field(client, params, field, code):
    response = client.get("/api/slots", params)
    assert response.status_code == 400
    assert {"field": field, "code": code} == {
        k: response.json()["errors"][0][k] for k in ("field", "code")
    }


def test_a_range_of_exactly_91_days_is_accepted(client, now):
    response = client.get("/api/slots", {"service": "follow-up", "from": "2026-06-01",
                                         "to": "2026-08-31"})  # fmt: skip
    assert response.status_code == 200


def test_slots_for_a_practitioner_who_does_not_offer_the_service_are_a_400(client):
    from stride.booking.models import Service
    from stride.site.models import Practitioner

    service = Service.objects.get(slug="follow-up")
    service.practitioners.remove(Practitioner.objects.get(slug="amara-okafor"))
    response = client.get("/api/slots", {"service": "follow-up", "practitioner": "amara-okafor",
                                         "from": "2026-06-02", "to": "2026-06-02"})  # fmt: skip
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "unknown_practitioner"
