"""Reception's waitlist with a manual offer, and the clinic admin's audit trail."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core import mail

from stride.booking import services, waitlist
from stride.booking.models import Service, WaitlistOffer
from stride.office.models import AuditEvent
from stride.site.models import Practitioner

pytestmark = pytest.mark.usefixtures("demo_clinic", "now")


@pytest.fixture
def waiting():
    return waitlist.join(
        service=Service.objects.get(slug="follow-up"),
        practitioner=Practitioner.objects.get(slug="tomasz-nowak"),
        earliest=dt.date(2026, 6, 3), latest=dt.date(2026, 6, 3),
        details=services.PatientDetails(name="Wanda Waiting", email="wanda@example.org",
                                        phone="+447700900123",
                                        date_of_birth=dt.date(1970, 1, 1)),
    ).request  # fmt: skip


def test_reception_sees_the_waitlist_and_offers_a_time(
    staff_login, waiting, django_capture_on_commit_callbacks
):
    client = staff_login("reception")
    assert "Wanda Waiting" in client.get("/office/waitlist/").content.decode()
    page = client.get(f"/office/waitlist/{waiting.pk}/offer/").content.decode()
    pick = "2026-06-03T10:00:00+01:00 tomasz-nowak"
    assert f'value="{pick}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/office/waitlist/{waiting.pk}/offer/", {"pick": pick})
    assert response.status_code == 302
    offer = WaitlistOffer.objects.get()
    assert offer.start == dt.datetime(2026, 6, 3, 9, 0, tzinfo=dt.UTC)
    assert mail.outbox[-1].to == ["wanda@example.org"]
    assert client.post(f"/office/waitlist/{waiting.pk}/offer/", {"pick": pick}).status_code == 404


def test_a_made_up_time_is_refused(staff_login, waiting):
    client = staff_login("reception")
    response = client.post(f"/office/waitlist/{waiting.pk}/offer/",
                           {"pick": "2026-06-03T03:00:00+01:00 tomasz-nowak"})  # fmt: skip
    assert response.status_code == 400 and not WaitlistOffer.objects.exists()


def test_practitioners_do_not_get_the_desk_pages(staff_login, waiting):
    client = staff_login("practitioner")
    assert client.get("/office/waitlist/").status_code == 403
    assert client.get("/office/audit/").status_code == 403
    assert staff_login("reception").get("/office/audit/").status_code == 403


def test_the_audit_trail_is_shown_and_exported_without_patient_data(staff_login, waiting):
    reception = staff_login("reception")
    reception.get("/office/waitlist/")
    admin = staff_login("clinic_admin")
    page = admin.get("/office/audit/").content.decode()
    assert "waitlist.view" in page
    export = admin.get("/office/audit/", {"format": "csv", "action": "waitlist"})
    assert export["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0] == ["at (UTC)", "staff account", "role", "action", "subject"]
    assert [r[3] for r in rows[1:]] == ["waitlist.view"]
    assert "Wanda" not in export.content.decode()
    for event in AuditEvent.objects.all():
        assert "Wanda" not in repr(event.__dict__) and "wanda@" not in repr(event.__dict__)


def test_a_bad_audit_date_is_a_clear_400(staff_login):
    response = staff_login("clinic_admin").get("/office/audit/", {"since": "June"})
    assert response.status_code == 400 and "Give a date" in response.content.decode()
