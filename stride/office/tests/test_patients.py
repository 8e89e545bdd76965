"""The patients pages: who sees which patient, search, a patient's history and
attendance, admin notes, merging duplicates, the export and erasure pages, and an
audit trail that names records by number only."""

from __future__ import annotations

import datetime as dt
import json
import re
from contextlib import nullcontext

import pytest
from django.test import Client

from stride import clock
from stride.booking import services
from stride.booking.models import BookingDetails, DiaryEntry, Patient, Service
from stride.office.models import AuditEvent, StaffProfile
from stride.site.models import Practitioner

pytestmark = pytest.mark.usefixtures("demo_clinic", "now")
BST = dt.timezone(dt.timedelta(hours=1))
NEXT_TUESDAY = dt.datetime(2026, 6, 2, 10, 0, tzinfo=BST)


def at(day: int, hour: int, month: int = 5) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=BST)


def _link(entry: DiaryEntry, patient: Patient | None) -> None:
    """Link the booking to ``patient`` (or to none), dropping a record the booking may
    have made for itself, so each test has exactly the patients it names."""
    details = BookingDetails.objects.get(entry=entry)
    made = details.patient
    BookingDetails.objects.filter(pk=details.pk).update(patient=patient)
    if made is not None and made != patient and not made.bookings.exists():
        made.delete()


def book(patient: Patient, slug: str, start: dt.datetime, status: str = "", email: str = "",
         cancelled_at: dt.datetime | None = None) -> DiaryEntry:  # fmt: skip
    """Book as the patient would (in the past with the clock turned back), then link it."""
    past = start < clock.now()
    with clock.pinned(start - dt.timedelta(days=1)) if past else nullcontext():
        booked = services.booking_create(
            service=Service.objects.get(slug="follow-up"),
            practitioner=Practitioner.objects.get(slug=slug), start=start,
            details=services.PatientDetails(
                name=patient.name, email=email or patient.email, phone=patient.phone,
                date_of_birth=patient.date_of_birth, reason="Heel pain when I get up",
            ),
        )  # fmt: skip
    _link(booked.entry, patient)
    if status:
        DiaryEntry.objects.filter(pk=booked.entry.pk).update(status=status,
                                                             cancelled_at=cancelled_at)  # fmt: skip
    return booked.entry


def person(name: str, email: str, phone: str = "+447700900111",
           born: dt.date = dt.date(1990, 12, 10)) -> Patient:  # fmt: skip
    return Patient.objects.create(name=name, email=email, phone=phone, date_of_birth=born)


@pytest.fixture
def ada() -> Patient:
    """Amara's patient (and once Tomasz's): a full attendance record."""
    ada = person("Ada Lovelace", "ada@example.org")
    book(ada, "amara-okafor", at(19, 10), status="attended")
    book(ada, "amara-okafor", at(20, 10), status="no_show")
    book(ada, "tomasz-nowak", at(21, 10), status="cancelled", cancelled_at=at(10, 9))
    book(ada, "tomasz-nowak", at(22, 10), status="cancelled", cancelled_at=at(22, 8))
    book(ada, "amara-okafor", dt.datetime(2026, 6, 3, 11, 0, tzinfo=BST))
    return ada


@pytest.fixture
def ben() -> Patient:
    """Tomasz's patient only."""
    ben = person("Ben Nevis", "ben@example.org", phone="+447700900222",
                 born=dt.date(1975, 3, 4))  # fmt: skip
    book(ben, "tomasz-nowak", NEXT_TUESDAY)
    return ben


def amara_client(staff_login) -> Client:
    amara = Practitioner.objects.get(slug="amara-okafor")
    StaffProfile.objects.filter(practitioner=amara).delete()  # the demo's own account
    return staff_login("practitioner", practitioner=amara)


# Who sees what ---------------------------------------------------------------------------


def test_reception_and_the_clinic_admin_see_every_patient(staff_login, ada, ben):
    for role in ("reception", "clinic_admin"):
        html = staff_login(role).get("/office/patients/").content.decode()
        assert "Ada Lovelace" in html and "Ben Nevis" in html


def test_a_practitioner_lists_only_patients_booked_with_them(staff_login, ada, ben):
    client = amara_client(staff_login)
    html = client.get("/office/patients/").content.decode()
    assert "Ada Lovelace" in html and "Ben Nevis" not in html
    assert "Ben Nevis" not in client.get("/office/patients/", {"q": "Ben"}).content.decode()
    assert "Ben Nevis" not in client.get("/office/patients/", {"q": "1975-03-04"}).content.decode()


def test_a_cancelled_booking_still_makes_them_your_patient(staff_login, ben):
    DiaryEntry.objects.filter(details__patient=ben).update(status="cancelled")
    tomasz = Practitioner.objects.get(slug="tomasz-nowak")
    StaffProfile.objects.filter(practitioner=tomasz).delete()
    client = staff_login("practitioner", practitioner=tomasz)
    assert client.get(f"/office/patients/{ben.pk}/").status_code == 200


def test_a_practitioner_account_with_no_practitioner_sees_no_patients(staff_login, ada):
    client = staff_login("practitioner")
    assert "Ada Lovelace" not in client.get("/office/patients/").content.decode()
    assert client.get(f"/office/patients/{ada.pk}/").status_code == 404


def _pages(patient: Patient, other: Patient) -> dict[str, str]:
    base = f"/office/patients/{patient.pk}"
    return {
        "page": f"{base}/", "export": f"{base}/export/", "json": f"{base}/export.json",
        "merge": f"{base}/merge/", "merge_confirm": f"{base}/merge/{other.pk}/",
        "erase": f"{base}/erase/",
    }  # fmt: skip


DESK_ONLY = {"merge", "merge_confirm", "erase"}


@pytest.mark.parametrize("which", ["page", "export", "json", "merge", "merge_confirm", "erase"])
def test_every_patient_page_for_every_role(staff_login, ada, ben, which):
    for role in ("reception", "clinic_admin"):
        assert staff_login(role).get(_pages(ada, ben)[which]).status_code == 200
    amara = amara_client(staff_login)
    own = amara.get(_pages(ada, ben)[which]).status_code
    others = amara.get(_pages(ben, ada)[which]).status_code
    assert own == (403 if which in DESK_ONLY else 200)
    assert others == (403 if which in DESK_ONLY else 404)  # as if Ben did not exist
    response = Client().get(_pages(ada, ben)[which])
    assert response.status_code == 302 and response["Location"].startswith("/office/login/")


def test_a_practitioner_cannot_change_another_practitioners_patient(staff_login, ada, ben):
    amara = amara_client(staff_login)
    base = f"/office/patients/{ben.pk}"
    assert amara.post(f"{base}/notes/", {"notes": "x", "version": ""}).status_code == 404
    assert amara.post(f"{base}/erase/", {"confirm": "yes"}).status_code == 403
    assert amara.post(f"{base}/merge/{ada.pk}/", {"keep": ada.pk}).status_code == 403
    assert amara.post(f"/office/patients/{ada.pk}/merge/{ben.pk}/",
                      {"keep": ada.pk}).status_code == 403  # fmt: skip
    ben.refresh_from_db()
    assert ben.notes == "" and Patient.objects.count() == 2


def test_a_signed_in_user_without_a_staff_profile_is_refused(db, ada):
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.create_user("someone", "s@example.org", "pw"))
    assert client.get(f"/office/patients/{ada.pk}/").status_code == 302
    assert client.get("/office/patients/").status_code == 302


def test_the_page_is_not_cached_or_indexed(staff_login, ada):
    response = staff_login("reception").get(f"/office/patients/{ada.pk}/")
    assert response["Cache-Control"] == "no-store" and response["X-Robots-Tag"] == "noindex"


# The list and search ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["lovelace", "ADA@example", "07700 900111", "+44 7700 900111", "900111", "10/12/1990",
     "1990-12-10", "ada.work@example.org"],
)  # fmt: skip
def test_search_finds_by_name_email_phone_or_date_of_birth(staff_login, ada, ben, query):
    book(ada, "amara-okafor", at(27, 10), email="ada.work@example.org")
    html = staff_login("reception").get("/office/patients/", {"q": query}).content.decode()
    assert "Ada Lovelace" in html and "Ben Nevis" not in html


@pytest.mark.parametrize(
    ("query", "message"),
    [("31/02/1990", "There is no such date"), ("x" * 101, "Use at most 100 characters")],
)
def test_a_bad_search_says_why_next_to_the_field(staff_login, ada, query, message):
    response = staff_login("reception").get("/office/patients/", {"q": query})
    html = response.content.decode()
    assert response.status_code == 400
    assert f'<p class="field-error" id="q-error">{message}' in html
    assert 'aria-invalid="true"' in html and "Ada Lovelace" not in html


def test_the_list_shows_bookings_and_the_last_appointment(staff_login, ada):
    html = staff_login("reception").get("/office/patients/").content.decode()
    row = re.search(r"<tr><th scope=\"row\">.*?Ada Lovelace.*?</tr>", html, re.S)
    assert row and "<td>5</td>" in row.group(0) and "3 Jun 2026" in row.group(0)


# A patient's page ------------------------------------------------------------------------


def test_the_page_shows_the_history_and_attendance(staff_login, ada):
    book(ada, "amara-okafor", at(27, 10), email="ada.work@example.org", status="attended")
    response = staff_login("reception").get(f"/office/patients/{ada.pk}/")
    html = response.content.decode()
    assert "ada@example.org, ada.work@example.org" in html  # both emails visible
    assert html.count("Heel pain when I get up") == 6
    counts = re.search(r"<tbody><tr>(.*?)</tr></tbody>", html, re.S)
    assert counts is not None
    cells = re.findall(r"<td>(\d+)</td>", counts.group(1))
    # attended, did not attend, cancelled, cancelled late, not marked yet, still to come
    assert cells == ["2", "1", "1", "1", "0", "1"]
    assert "Wed 3 Jun 2026, 11:00" in html  # UK time


def test_a_practitioner_sees_their_patients_whole_history(staff_login, ada):
    html = amara_client(staff_login).get(f"/office/patients/{ada.pk}/").content.decode()
    assert "Tomasz Nowak" in html  # the bookings with Tomasz are part of Ada's record
    assert "Merge a duplicate record" not in html and "Erase personal data" not in html


def test_an_unknown_patient_is_404(staff_login):
    assert staff_login("reception").get("/office/patients/999999/").status_code == 404


# Admin notes -----------------------------------------------------------------------------


def _version(client: Client, patient: Patient) -> str:
    html = client.get(f"/office/patients/{patient.pk}/").content.decode()
    found = re.search(r'name="version" value="([0-9a-f]+)"', html)
    assert found
    return found.group(1)


def test_notes_are_saved_and_audited(staff_login, ada):
    client = staff_login("reception")
    response = client.post(f"/office/patients/{ada.pk}/notes/",
                           {"notes": "Prefers mornings; uses a wheelchair",
                            "version": _version(client, ada)})  # fmt: skip
    assert response.status_code == 302
    ada.refresh_from_db()
    assert ada.notes == "Prefers mornings; uses a wheelchair"
    assert AuditEvent.objects.filter(action="patient.note", subject=f"patient:{ada.pk}").exists()
    assert "Prefers mornings" in client.get(f"/office/patients/{ada.pk}/").content.decode()


def test_too_long_notes_are_refused_next_to_the_field(staff_login, ada):
    client = staff_login("reception")
    response = client.post(f"/office/patients/{ada.pk}/notes/",
                           {"notes": "x" * 5001, "version": _version(client, ada)})  # fmt: skip
    assert response.status_code == 400
    assert '<p class="field-error" id="notes-error">Use at most 5000 characters' in (
        response.content.decode()
    )
    ada.refresh_from_db()
    assert ada.notes == ""
    assert not AuditEvent.objects.filter(action="patient.note").exists()


def test_notes_changed_meanwhile_are_not_overwritten(staff_login, ada):
    client = staff_login("reception")
    version = _version(client, ada)
    Patient.objects.filter(pk=ada.pk).update(notes="Call after 4pm")  # someone else, meanwhile
    response = client.post(f"/office/patients/{ada.pk}/notes/",
                           {"notes": "Prefers mornings", "version": version})  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert "Someone else changed these notes" in html and "Call after 4pm" in html
    ada.refresh_from_db()
    assert ada.notes == "Call after 4pm"


def test_changes_are_post_only_and_need_the_csrf_token(staff_login, ada):
    client = staff_login("reception")
    assert client.get(f"/office/patients/{ada.pk}/notes/").status_code == 405
    client.handler.enforce_csrf_checks = True
    version = _version(client, ada)
    refused = client.post(f"/office/patients/{ada.pk}/notes/", {"notes": "x", "version": version})
    assert refused.status_code == 403
    assert client.post(f"/office/patients/{ada.pk}/erase/", {"confirm": "yes"}).status_code == 403
    ada.refresh_from_db()
    assert ada.notes == "" and Patient.objects.filter(pk=ada.pk).exists()


# Merging duplicates ----------------------------------------------------------------------


@pytest.fixture
def ada_again(ada) -> Patient:
    """The same Ada, booked with her work email: a second record."""
    again = person("Ada Lovelace", "ada.work@example.org")
    book(again, "tomasz-nowak", at(28, 10), status="attended")
    book(again, "tomasz-nowak", dt.datetime(2026, 6, 4, 15, 0, tzinfo=BST))
    return again


def test_merge_finds_the_other_record_and_asks_first(staff_login, ada, ada_again):
    client = staff_login("reception")
    html = client.get(f"/office/patients/{ada.pk}/merge/", {"q": "Ada"}).content.decode()
    assert f"/office/patients/{ada.pk}/merge/{ada_again.pk}/" in html
    assert f"/merge/{ada.pk}/" not in html  # not itself
    page = client.get(f"/office/patients/{ada.pk}/merge/{ada_again.pk}/").content.decode()
    assert "ada@example.org" in page and "ada.work@example.org" in page
    assert "This cannot be undone" in page
    assert Patient.objects.count() == 2  # looking changes nothing


def test_merge_without_choosing_the_record_to_keep_changes_nothing(staff_login, ada, ada_again):
    client = staff_login("reception")
    response = client.post(f"/office/patients/{ada.pk}/merge/{ada_again.pk}/", {"keep": ""})
    assert response.status_code == 400
    assert '<p class="field-error" id="keep-error">Choose the record to keep.' in (
        response.content.decode()
    )
    neither = ada_again.pk + 1000
    stranger = client.post(f"/office/patients/{ada.pk}/merge/{ada_again.pk}/", {"keep": neither})
    assert stranger.status_code == 400
    assert Patient.objects.count() == 2
    assert BookingDetails.objects.filter(patient=ada_again).count() == 2


def test_merge_moves_every_booking_to_the_kept_record(staff_login, ada, ada_again):
    client = staff_login("reception")
    before = BookingDetails.objects.count()
    mine = set(BookingDetails.objects.filter(patient__in=[ada, ada_again])
               .values_list("pk", flat=True))  # fmt: skip
    response = client.post(f"/office/patients/{ada.pk}/merge/{ada_again.pk}/",
                           {"keep": ada_again.pk})  # fmt: skip
    kept = f"/office/patients/{ada_again.pk}/"
    assert response.status_code == 302 and response["Location"] == kept
    assert BookingDetails.objects.count() == before == len(mine) == 7
    moved = BookingDetails.objects.filter(patient=ada_again).values_list("pk", flat=True)
    assert set(moved) == mine
    assert not Patient.objects.filter(pk=ada.pk).exists()
    html = client.get(kept).content.decode()
    assert "ada.work@example.org, ada@example.org" in html  # both emails in the history
    assert f"duplicate record (patient:{ada.pk}): Ada Lovelace, ada@example.org" in html
    event = AuditEvent.objects.get(action="patient.merge")
    assert event.subject == f"patient:{ada_again.pk}<-{ada.pk}"


def test_a_record_cannot_be_merged_with_itself(staff_login, ada):
    client = staff_login("reception")
    assert client.get(f"/office/patients/{ada.pk}/merge/{ada.pk}/").status_code == 404
    assert client.post(f"/office/patients/{ada.pk}/merge/{ada.pk}/",
                       {"keep": ada.pk}).status_code == 404  # fmt: skip
    assert Patient.objects.filter(pk=ada.pk).exists()


# Export and erase ------------------------------------------------------------------------


def test_the_export_page_and_the_json_download(staff_login, ada):
    Patient.objects.filter(pk=ada.pk).update(notes="Prefers mornings")
    client = staff_login("reception")
    page = client.get(f"/office/patients/{ada.pk}/export/").content.decode()
    assert "Everything" in page and "Prefers mornings" in page
    assert page.count("Heel pain when I get up") == 5 and "data-print" in page
    download = client.get(f"/office/patients/{ada.pk}/export.json")
    assert download["Content-Disposition"] == f'attachment; filename="patient-{ada.pk}.json"'
    data = json.loads(download.content)
    assert data["patient"]["email"] == "ada@example.org" and len(data["bookings"]) == 5
    assert data["admin_notes"] == "Prefers mornings"
    assert AuditEvent.objects.filter(action="patient.export",
                                     subject=f"patient:{ada.pk}").count() == 2  # fmt: skip


def test_erase_asks_first_and_needs_the_box_ticked(staff_login, ben):
    DiaryEntry.objects.filter(details__patient=ben).update(status="cancelled")
    client = staff_login("reception")
    page = client.get(f"/office/patients/{ben.pk}/erase/").content.decode()
    assert "This cannot be undone" in page and "Erase personal data" in page
    response = client.post(f"/office/patients/{ben.pk}/erase/", {})
    assert response.status_code == 400
    assert '<p class="field-error" id="confirm-error">Tick the box' in response.content.decode()
    assert Patient.objects.filter(pk=ben.pk).exists()
    assert not AuditEvent.objects.filter(action="patient.erase").exists()


def test_erase_is_refused_while_a_booking_is_still_to_come(staff_login, ben):
    client = staff_login("reception")
    response = client.post(f"/office/patients/{ben.pk}/erase/", {"confirm": "yes"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Not erased: Ben Nevis has 1 booking still to come" in html and "Cancel it first" in html
    assert Patient.objects.filter(pk=ben.pk).exists()
    assert BookingDetails.objects.get(patient=ben).name == "Ben Nevis"


def test_erase_after_cancelling(staff_login, ben):
    entry = DiaryEntry.objects.get(details__patient=ben)
    services.booking_cancel(entry=entry, actor="reception", reason="Moving away", staff=True)
    client = staff_login("reception")
    response = client.post(f"/office/patients/{ben.pk}/erase/", {"confirm": "yes"})
    assert response.status_code == 302 and response["Location"] == "/office/patients/"
    assert not Patient.objects.filter(pk=ben.pk).exists()
    details = BookingDetails.objects.get(entry=entry)
    assert (details.name, details.phone, details.reason) == ("Erased", "", "")
    assert DiaryEntry.objects.filter(pk=entry.pk, status="cancelled").exists()  # kept for totals
    assert AuditEvent.objects.filter(action="patient.erase", subject=f"patient:{ben.pk}").exists()
    assert "Ben Nevis" not in client.get("/office/patients/").content.decode()


# The audit trail -------------------------------------------------------------------------


def test_every_view_and_change_is_audited_by_reference_only(staff_login, ada, ada_again, ben):
    client = staff_login("reception")
    client.get("/office/patients/")
    client.get("/office/patients/", {"q": "Ada Lovelace"})
    client.get(f"/office/patients/{ada.pk}/")
    notes = {"notes": "Lives at 1 Analytical Way", "version": _version(client, ada)}
    client.post(f"/office/patients/{ada.pk}/notes/", notes)
    client.get(f"/office/patients/{ada.pk}/export/")
    client.get(f"/office/patients/{ada.pk}/export.json")
    client.get(f"/office/patients/{ada.pk}/merge/", {"q": "ada.work@example.org"})
    client.get(f"/office/patients/{ada.pk}/merge/{ada_again.pk}/")
    client.post(f"/office/patients/{ada.pk}/merge/{ada_again.pk}/", {"keep": ada.pk})
    DiaryEntry.objects.filter(details__patient=ben).update(status="cancelled")
    client.get(f"/office/patients/{ben.pk}/erase/")
    client.post(f"/office/patients/{ben.pk}/erase/", {"confirm": "yes"})
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"patient.list", "patient.search", "patient.view", "patient.note", "patient.export",
            "patient.merge_review", "patient.merge", "patient.erase_review",
            "patient.erase"} <= actions  # fmt: skip
    pseudonymous = re.compile(r"^(patient:\d+((<-|\+)\d+)?)?$")
    for subject in AuditEvent.objects.values_list("subject", flat=True):
        assert pseudonymous.match(subject), subject
    everything = json.dumps(list(AuditEvent.objects.values()), default=str).lower()
    for secret in ("ada", "lovelace", "ben", "nevis", "example.org", "7700", "1990-12-10",
                   "analytical"):  # fmt: skip
        assert secret not in everything
