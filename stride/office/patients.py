"""Patients in the back office: the list and search, and a patient's page (bookings,
attendance, admin notes, likely duplicates). Merging and the privacy duties are in
``patient_duties``.

Reception and the clinic admin see every patient; a practitioner sees those who have
or had a booking with them, and anyone else's record is "not found" to them. Every
page that shows or changes patient data writes an audit event naming the record by its
number only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from stride import clock
from stride.booking import selectors as booking_selectors
from stride.booking.models import BookingDetails, DiaryEntry, Patient
from stride.office import audit, finder, privacy
from stride.office.context import page
from stride.office.models import StaffProfile
from stride.office.roles import profile_of, sees_all, staff_only

PER_PAGE = 50
MAX_QUERY = 100
ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
UK_DAY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
PHONE = re.compile(r"^\+?[\d ()-]{4,}$")


def staff_profile(request: HttpRequest) -> StaffProfile:
    profile = profile_of(request)
    assert profile is not None  # staff_only let the request in
    return profile


def visible_patients(profile: StaffProfile) -> QuerySet[Patient]:
    if sees_all(profile):
        return Patient.objects.all()
    if profile.practitioner_id is None:
        return Patient.objects.none()
    mine = BookingDetails.objects.filter(entry__practitioner_id=profile.practitioner_id)
    return Patient.objects.filter(pk__in=mine.values("patient_id"))


def patient_for(request: HttpRequest, pk: int) -> Patient:
    found = visible_patients(staff_profile(request)).filter(pk=pk).first()
    if found is None:
        raise Http404("no such patient")
    return found


def _as_day(text: str) -> dt.date | None:
    """A date of birth typed as 1990-12-10 or 10/12/1990 (day first); ValueError if that
    day does not exist; None if the text is not a date."""
    if found := ISO_DAY.match(text):
        year, month, day = (int(g) for g in found.groups())
    elif found := UK_DAY.match(text):
        day, month, year = (int(g) for g in found.groups())
    else:
        return None
    return dt.date(year, month, day)


def search(patients: QuerySet[Patient], text: str) -> QuerySet[Patient]:
    """Name, email, phone or date of birth, as on the record or on any of its bookings."""
    day = _as_day(text)
    if day is not None:
        wanted = Q(date_of_birth=day) | Q(bookings__date_of_birth=day)
    else:
        wanted = Q(name__icontains=text) | Q(email__icontains=text)
        wanted |= Q(bookings__name__icontains=text) | Q(bookings__email__icontains=text)
        digits = re.sub(r"\D", "", text)
        if PHONE.match(text) and len(digits) >= 4:
            if text.startswith("0"):
                digits = "44" + digits[1:]  # a UK number as dialled; stored as E.164
            wanted |= Q(phone__contains=digits) | Q(bookings__phone__contains=digits)
    return patients.filter(pk__in=Patient.objects.filter(wanted).values("pk"))


@require_GET
@staff_only()
def patients(request: HttpRequest) -> HttpResponse:
    text = " ".join(request.GET.get("q", "").split())
    found = visible_patients(staff_profile(request))
    error = ""
    if len(text) > MAX_QUERY:
        error = f"Use at most {MAX_QUERY} characters."
    elif text:
        try:
            found = search(found, text)
        except ValueError:
            error = "There is no such date. Write a date of birth as 10/12/1990 or 1990-12-10."
    if error:
        found = found.none()
    listed = found.annotate(
        booking_count=Count("bookings"), last_start=Max("bookings__entry__start")
    ).order_by("name", "pk")
    shown = Paginator(listed, PER_PAGE).get_page(request.GET.get("page"))
    audit.record(request, "patient.search" if text else "patient.list")
    on_page = list(shown)  # the page keeps the list: one query for its rows
    alike = finder.duplicates_among(patients=visible_patients(staff_profile(request)),
                                    shown=on_page)  # fmt: skip
    return render(request, "office/patients_list.html", page(
        request, "patients", q=text, error=error, shown=shown, searched=bool(text),
        rows=[(p, alike.get(p.pk, [])) for p in on_page], desk=sees_all(staff_profile(request)),
        zone=booking_selectors.clinic_zone(),
    ), status=400 if error else 200)  # fmt: skip


def attendance(bookings: list[BookingDetails], now: dt.datetime) -> dict[str, int]:
    """Attended, did not attend, cancelled in good time, cancelled late (inside the
    clinic's late-cancellation window), past but not marked yet, and still to come."""
    window = dt.timedelta(hours=booking_selectors.rules_get().late_cancel_hours)
    kinds = ("attended", "no_show", "cancelled", "late_cancel", "unmarked", "upcoming")
    counts = dict.fromkeys(kinds, 0)
    for details in bookings:
        entry = details.entry
        if entry.status == DiaryEntry.Status.ATTENDED:
            counts["attended"] += 1
        elif entry.status == DiaryEntry.Status.NO_SHOW:
            counts["no_show"] += 1
        elif entry.status == DiaryEntry.Status.CANCELLED:
            late = entry.cancelled_at is not None and entry.cancelled_at > entry.start - window
            counts["late_cancel" if late else "cancelled"] += 1
        else:
            counts["upcoming" if entry.end > now else "unmarked"] += 1
    return counts


def _notes_version(notes: str) -> str:
    return hashlib.sha256(notes.encode()).hexdigest()


def _detail(request: HttpRequest, patient: Patient, **extra: Any) -> HttpResponse:
    now = clock.now()
    bookings = list(privacy.patient_bookings(patient=patient))
    status = 400 if extra.get("notes_error") else 200
    return render(request, "office/patient_detail.html", page(
        request, "patients", patient=patient, bookings=bookings,
        counts=attendance(bookings, now), emails=privacy.patient_emails(patient=patient),
        late_hours=booking_selectors.rules_get().late_cancel_hours,
        zone=booking_selectors.clinic_zone(), desk=sees_all(staff_profile(request)),
        duplicates=finder.duplicates_of(patients=visible_patients(staff_profile(request)),
                                        patient=patient),
        notes=extra.pop("notes", patient.notes),
        notes_version=extra.pop("notes_version", _notes_version(patient.notes)), **extra,
    ), status=status)  # fmt: skip


@require_GET
@staff_only()
def patient(request: HttpRequest, pk: int) -> HttpResponse:
    found = patient_for(request, pk)
    audit.record(request, "patient.view", privacy.reference(found))
    return _detail(request, found)


@require_POST
@staff_only()
def patient_notes(request: HttpRequest, pk: int) -> HttpResponse:
    found = patient_for(request, pk)
    notes = request.POST.get("notes", "").replace("\r\n", "\n").strip()
    limit = Patient._meta.get_field("notes").max_length or 5000
    if len(notes) > limit:
        return _detail(
            request,
            found,
            notes=notes,
            notes_version=request.POST.get("version"),
            notes_error=f"Use at most {limit} characters ({len(notes)} now).",
        )
    current = Patient.objects.get(pk=found.pk).notes
    if request.POST.get("version") != _notes_version(current):
        return _detail(
            request,
            found,
            notes=notes,
            notes_version=_notes_version(current),
            notes_error="Someone else changed these notes while you were writing. "
            "Their version is shown below yours on this page: copy anything you "
            "need into the box and save again.",
            notes_theirs=current,
        )
    with transaction.atomic():
        saved = privacy.patient_notes_set(patient=found, notes=notes, was=current)
        if saved:
            audit.record(request, "patient.note", privacy.reference(found))
    messages.success(request, "Notes saved." if saved else "Notes not saved: try again.")
    return redirect("office:patient", pk=found.pk)
