"""The privacy duties as services: merge loses nothing, the export holds everything,
erasure leaves no personal data and no working link, and the retention rules (with
``stride apply-retention``) remove what is due and nothing else, however often run."""

from __future__ import annotations

import datetime as dt
import io
from contextlib import nullcontext

import pytest
from django.core.management import call_command

from stride import clock
from stride.booking import services, waitlist
from stride.booking.models import (
    BookingDetails,
    DiaryEntry,
    ExtraManageToken,
    Patient,
    Service,
    WaitlistOffer,
    WaitlistRequest,
)
from stride.office import privacy
from stride.office.models import AuditEvent
from stride.site.models import Practitioner

pytestmark = pytest.mark.usefixtures("demo_clinic", "now")
BST = dt.timezone(dt.timedelta(hours=1))
GMT = dt.UTC


def _link(entry: DiaryEntry, patient: Patient | None) -> None:
    """Link the booking to ``patient`` (or to none), dropping a record the booking may
    have made for itself, so each test has exactly the patients it names."""
    details = BookingDetails.objects.get(entry=entry)
    made = details.patient
    BookingDetails.objects.filter(pk=details.pk).update(patient=patient)
    if made is not None and made != patient and not made.bookings.exists():
        made.delete()


# The symptom check's answers as data, as shared with a booking.
HEEL = {"finding": "loc.heel_bottom", "answer": "yes", "red_flag": False}
SHARED = {"knowledge_version": "2026.12.0", "answered_on": "2026-05-18", "region": "heel",
          "advice": "self_care", "answers": [HEEL]}  # fmt: skip


def book(patient: Patient | None, start: dt.datetime, *, name: str = "", email: str = "",
         born: dt.date | None = None, slug: str = "tomasz-nowak") -> services.Booked:  # fmt: skip
    """Book as the patient would (in the past with the clock turned back), then link it."""
    past = start < clock.now()
    with clock.pinned(start - dt.timedelta(days=1)) if past else nullcontext():
        booked = services.booking_create(
            service=Service.objects.get(slug="follow-up"),
            practitioner=Practitioner.objects.get(slug=slug), start=start,
            details=services.PatientDetails(
                name=name or (patient.name if patient else "Nobody"),
                email=email or (patient.email if patient else "nobody@example.org"),
                phone=patient.phone if patient else "+447700900999",
                date_of_birth=born or (patient.date_of_birth if patient else dt.date(1980, 1, 1)),
                reason="Heel pain", assessment_summary="Self-assessment: plantar heel pain.",
                assessment_record=SHARED, booked_by_name="Mary Lovelace",
                booked_by_relationship="mother",
            ),
        )  # fmt: skip
    _link(booked.entry, patient)
    return booked


def person(name: str, email: str, born: dt.date = dt.date(1990, 12, 10)) -> Patient:
    return Patient.objects.create(name=name, email=email, phone="+447700900111",
                                  date_of_birth=born)  # fmt: skip


def join_waitlist(email: str, born: dt.date, name: str = "Ada Lovelace") -> WaitlistRequest:
    return waitlist.join(
        service=Service.objects.get(slug="follow-up"), practitioner=None,
        earliest=dt.date(2026, 6, 9), latest=dt.date(2026, 6, 12),
        details=services.PatientDetails(name=name, email=email, phone="+447700900111",
                                        date_of_birth=born),
    ).request  # fmt: skip


@pytest.fixture
def ada() -> Patient:
    return person("Ada Lovelace", "ada@example.org")


# Merge -----------------------------------------------------------------------------------


def test_merge_keeps_every_booking_and_both_records_details(ada):
    again = person("Ada Lovelace", "ADA.work@example.org", born=dt.date(1990, 10, 12))
    book(ada, dt.datetime(2026, 5, 19, 10, tzinfo=BST))
    book(again, dt.datetime(2026, 5, 20, 10, tzinfo=BST))
    book(again, dt.datetime(2026, 6, 2, 10, tzinfo=BST))
    Patient.objects.filter(pk=ada.pk).update(notes="Prefers mornings")
    Patient.objects.filter(pk=again.pk).update(notes="Wheelchair user")
    ada.refresh_from_db()
    again.refresh_from_db()
    before = BookingDetails.objects.count()
    moved = privacy.patient_merge(keep=ada, drop=again, today=dt.date(2026, 6, 1))
    assert moved == 2 and BookingDetails.objects.count() == before == 3
    assert set(BookingDetails.objects.values_list("patient_id", flat=True)) == {ada.pk}
    ada.refresh_from_db()
    assert ada.notes == (
        "Prefers mornings\n\n1 June 2026: merged with a duplicate record "
        f"(patient:{again.pk}): Ada Lovelace, ADA.work@example.org, +447700900111, born 12 "
        "October 1990.\n\nWheelchair user"
    )
    assert privacy.patient_emails(patient=ada) == ["ada@example.org", "ada.work@example.org"]
    assert not Patient.objects.filter(pk=again.pk).exists()


def test_a_record_cannot_be_merged_with_itself(ada):
    with pytest.raises(ValueError, match="itself"):
        privacy.patient_merge(keep=ada, drop=ada, today=dt.date(2026, 6, 1))


# Export ----------------------------------------------------------------------------------


def test_the_export_holds_bookings_as_given_waitlist_requests_and_notes(ada):
    booked = book(ada, dt.datetime(2026, 6, 2, 10, tzinfo=BST), email="ada.work@example.org")
    Patient.objects.filter(pk=ada.pk).update(notes="Prefers mornings")
    ada.refresh_from_db()
    mine = join_waitlist("Ada.Work@example.org", ada.date_of_birth)
    join_waitlist("ada@example.org", dt.date(2015, 1, 1), name="Her daughter")  # same email
    data = privacy.patient_export(patient=ada, now=clock.now())
    assert data["patient"]["reference"] == f"patient:{ada.pk}"
    assert data["patient"]["emails_used"] == ["ada@example.org", "ada.work@example.org"]
    assert data["admin_notes"] == "Prefers mornings"
    [given] = data["bookings"]
    assert given["reference"] == booked.entry.reference
    assert given["start"] == dt.datetime(2026, 6, 2, 10, tzinfo=BST)
    assert given["details_as_given"] == {
        "name": "Ada Lovelace", "email": "ada.work@example.org", "phone": "+447700900111",
        "date_of_birth": dt.date(1990, 12, 10), "booked_by_name": "Mary Lovelace",
        "booked_by_relationship": "mother", "reason": "Heel pain",
        "symptom_check_summary": "Self-assessment: plantar heel pain.",
        "symptom_check_answers": SHARED,
    }  # fmt: skip
    # The same email and date of birth: hers; her daughter's request (same email) is not.
    assert [w["email"] for w in data["waitlist_requests"]] == [mine.email]
    assert "manage_token_hash" not in str(data) and booked.manage_token not in str(data)


# Erase -----------------------------------------------------------------------------------


def test_erase_is_refused_while_a_confirmed_booking_is_ahead(ada):
    book(ada, dt.datetime(2026, 6, 2, 10, tzinfo=BST))
    with pytest.raises(privacy.HasUpcomingBookings) as refused:
        privacy.patient_erase(patient=ada, now=clock.now())
    assert len(refused.value.entries) == 1
    assert Patient.objects.filter(pk=ada.pk).exists()


def test_erase_removes_personal_data_and_revokes_every_link(
    ada, client, django_capture_on_commit_callbacks
):
    past = book(ada, dt.datetime(2026, 5, 19, 10, tzinfo=BST))
    ahead = book(ada, dt.datetime(2026, 6, 2, 10, tzinfo=BST))
    services.booking_cancel(entry=ahead.entry, actor="reception", reason="Moving to Leeds",
                            staff=True)  # fmt: skip
    ExtraManageToken.objects.create(details=past.entry.details, token_hash="a" * 64,
                                    expires_at=clock.now() + dt.timedelta(days=9))  # fmt: skip
    waiting = join_waitlist("ada@example.org", ada.date_of_birth)
    with django_capture_on_commit_callbacks(execute=True):
        waitlist.offer_free_times()
    assert WaitlistOffer.objects.filter(request=waiting, status="open").exists()
    other = join_waitlist("ada@example.org", dt.date(2015, 1, 1), name="Her daughter")
    before = DiaryEntry.objects.filter(kind="appointment").count()

    with django_capture_on_commit_callbacks(execute=True):
        done = privacy.patient_erase(patient=ada, now=clock.now())

    assert (done.bookings, done.waitlist_requests) == (2, 1)
    assert not Patient.objects.filter(pk=ada.pk).exists()
    assert DiaryEntry.objects.filter(kind="appointment").count() == before  # kept for totals
    for booked in (past, ahead):
        details = BookingDetails.objects.get(entry=booked.entry)
        assert details.patient is None
        assert (details.name, details.email, details.phone) == ("Erased", privacy.ERASED_EMAIL, "")
        assert details.date_of_birth == privacy.ERASED_DATE_OF_BIRTH
        assert (details.booked_by_name, details.booked_by_relationship, details.reason,
                details.assessment_summary) == ("", "", "", "")  # fmt: skip
        assert details.assessment_record is None
        assert details.manage_token_hash != services.token_hash(booked.manage_token)
        assert details.manage_token_expires_at < clock.now()
        auth = {"HTTP_AUTHORIZATION": f"Bearer {booked.manage_token}"}
        assert client.get(f"/api/bookings/{booked.entry.reference}", **auth).status_code == 404
    assert DiaryEntry.objects.get(pk=ahead.entry.pk).cancel_reason == ""
    assert not ExtraManageToken.objects.exists()
    waiting.refresh_from_db()
    assert (waiting.name, waiting.email, waiting.phone) == ("Erased", privacy.ERASED_EMAIL, "")
    assert waiting.status == "left"  # the open offer withdrawn, its held time freed
    assert not WaitlistOffer.objects.filter(request=waiting, status="open").exists()
    other.refresh_from_db()
    assert other.name == "Her daughter"  # same email, another person: untouched
    assert not BookingDetails.objects.filter(email__iexact="ada@example.org").exists()


# Retention rules -------------------------------------------------------------------------


RULES = {"adult_years": 8, "child_until_age": 25}


@pytest.mark.parametrize(
    ("born", "last_seen", "until"),
    [
        (dt.date(1980, 5, 1), dt.date(2018, 5, 30), dt.date(2026, 5, 30)),  # adult: 8 years
        (dt.date(2000, 5, 30), dt.date(2018, 5, 30), dt.date(2026, 5, 30)),  # 18 today: adult
        (dt.date(2005, 1, 10), dt.date(2015, 5, 20), dt.date(2030, 1, 10)),  # child: 25th
        (dt.date(2000, 9, 1), dt.date(2018, 5, 30), dt.date(2026, 9, 1)),  # 17: 26th birthday
        (dt.date(2012, 2, 29), dt.date(2016, 2, 29), dt.date(2037, 3, 1)),  # 29 February
        (dt.date(1980, 5, 1), dt.date(2016, 2, 29), dt.date(2024, 2, 29)),
    ],
)  # fmt: skip
def test_keep_until(born, last_seen, until):
    assert privacy.keep_until(born=born, last_seen=last_seen, **RULES) == until


def test_a_child_is_kept_n_years_after_the_last_visit_when_that_is_later():
    born, last_seen = dt.date(2000, 1, 1), dt.date(2016, 6, 1)  # 16 when last seen
    assert privacy.keep_until(born=born, last_seen=last_seen, adult_years=12,
                              child_until_age=25) == dt.date(2028, 6, 1)  # fmt: skip
    assert privacy.keep_until(born=born, last_seen=last_seen, adult_years=8,
                              child_until_age=25) == dt.date(2025, 1, 1)  # fmt: skip


def _run(**overrides: object) -> privacy.RetentionReport:
    options = {**RULES, "audit_years": 8, "dry_run": False, **overrides}
    return privacy.retention_apply(now=clock.now(), **options)  # type: ignore[arg-type]


@pytest.fixture
def history():
    """Who is due on 1 June 2026 (8 years, until 25) and who is not."""
    due = person("Due Adult", "due@example.org", born=dt.date(1980, 5, 1))
    book(due, dt.datetime(2018, 5, 30, 10, tzinfo=BST))  # 8 years on 30 May 2026
    recent = person("Recent Adult", "recent@example.org", born=dt.date(1980, 5, 1))
    book(recent, dt.datetime(2018, 5, 30, 11, tzinfo=BST))
    book(recent, dt.datetime(2018, 6, 6, 10, tzinfo=BST))  # the last one counts: 6 June
    seventeen = person("Teen Patient", "teen@example.org", born=dt.date(2000, 9, 1))
    book(seventeen, dt.datetime(2018, 5, 30, 12, tzinfo=BST))  # 17: kept to 26th birthday
    grown = person("Grown Child", "grown@example.org", born=dt.date(2001, 3, 1))
    book(grown, dt.datetime(2010, 5, 19, 10, tzinfo=BST))  # 9: 25th birthday has passed
    returning = person("Returning Adult", "back@example.org", born=dt.date(1970, 1, 1))
    book(returning, dt.datetime(2017, 5, 31, 10, tzinfo=BST))
    book(returning, dt.datetime(2026, 6, 2, 10, tzinfo=BST))  # booked again: kept
    waiting = person("Waiting Adult", "wait@example.org", born=dt.date(1970, 1, 1))
    book(waiting, dt.datetime(2017, 5, 31, 11, tzinfo=BST))
    join_waitlist("wait@example.org", dt.date(1970, 1, 1), name="Waiting Adult")
    orphan = book(None, dt.datetime(2017, 5, 31, 12, tzinfo=BST), name="Old Booking",
                  email="old@example.org")  # fmt: skip
    kept_orphan = book(None, dt.datetime(2017, 5, 31, 14, tzinfo=BST), name="Still Seen",
                       email="seen@example.org")  # fmt: skip
    book(None, dt.datetime(2026, 5, 20, 10, tzinfo=BST), name="Still Seen",
         email="SEEN@example.org")  # fmt: skip
    return {"due": due, "recent": recent, "seventeen": seventeen, "grown": grown,
            "returning": returning, "waiting": waiting, "orphan": orphan,
            "kept_orphan": kept_orphan}  # fmt: skip


def test_retention_removes_what_is_due_and_nothing_else(history):
    report = _run()
    assert sorted(report.patients) == sorted([history["due"].pk, history["grown"].pk])
    assert report.bookings == [history["orphan"].entry.details.pk]
    remaining = set(Patient.objects.values_list("name", flat=True))
    assert remaining == {"Recent Adult", "Teen Patient", "Returning Adult", "Waiting Adult"}
    assert BookingDetails.objects.get(entry=history["orphan"].entry).name == "Erased"
    assert BookingDetails.objects.get(entry=history["kept_orphan"].entry).name == "Still Seen"
    assert DiaryEntry.objects.filter(kind="appointment").count() == 11  # appointments stay
    audited = AuditEvent.objects.filter(action="retention.erase").values_list("subject", flat=True)
    assert set(audited) == {
        f"patient:{history['due'].pk}",
        f"patient:{history['grown'].pk}",
        f"booking-details:{history['orphan'].entry.details.pk}",
    }


def test_retention_is_safe_to_run_again(history):
    _run()
    again = _run()
    assert (again.patients, again.bookings, again.waitlist_requests, again.audit_events) == (
        [], [], 0, 0,
    )  # fmt: skip


def test_a_dry_run_changes_nothing(history):
    report = _run(dry_run=True)
    assert len(report.patients) == 2 and len(report.bookings) == 1
    assert Patient.objects.count() == 6
    assert not BookingDetails.objects.filter(name="Erased").exists()
    assert not AuditEvent.objects.exists()


def test_ended_waitlist_requests_and_old_audit_events_go():
    old = join_waitlist("old@example.org", dt.date(1970, 1, 1))
    recent = join_waitlist("recent@example.org", dt.date(1970, 1, 1))
    still = join_waitlist("still@example.org", dt.date(1970, 1, 1))
    year_ago = clock.now() - dt.timedelta(days=366)
    WaitlistRequest.objects.filter(pk=old.pk).update(status="ended", ended_at=year_ago)
    WaitlistRequest.objects.filter(pk=recent.pk).update(
        status="left", ended_at=clock.now() - dt.timedelta(days=300)
    )
    WaitlistRequest.objects.filter(pk=still.pk).update(created_at=year_ago)  # still waiting
    for years in (9, 7):
        with clock.pinned(clock.now() - dt.timedelta(days=365 * years)):
            AuditEvent.objects.create(actor=1, role="reception", action="patient.view",
                                      subject="patient:1")  # fmt: skip
    report = _run()
    assert (report.waitlist_requests, report.audit_events) == (1, 1)
    assert set(WaitlistRequest.objects.values_list("pk", flat=True)) == {recent.pk, still.pk}
    assert AuditEvent.objects.filter(action="patient.view").count() == 1


def test_the_command_prints_what_it_did_and_honours_the_settings(history, settings):
    out = io.StringIO()
    call_command("apply-retention", "--dry-run", stdout=out)
    assert "would remove the personal data of 2 patients and 1 bookings" in out.getvalue()
    assert "Dry run: nothing was changed." in out.getvalue()
    assert Patient.objects.count() == 6
    settings.RETENTION_ADULT_YEARS = 10
    out = io.StringIO()
    call_command("apply-retention", stdout=out)
    assert "adults 10 years" in out.getvalue()
    assert "removed the personal data of 1 patients and 0 bookings" in out.getvalue()  # Grown
    assert not Patient.objects.filter(name="Grown Child").exists()
    out = io.StringIO()
    call_command("apply-retention", stdout=out)
    assert "removed the personal data of 0 patients and 0 bookings" in out.getvalue()


def test_the_command_refuses_settings_out_of_range(settings):
    from django.core.management.base import CommandError

    settings.RETENTION_CHILD_UNTIL_AGE = 5
    with pytest.raises(CommandError, match="out of range"):
        call_command("apply-retention")
