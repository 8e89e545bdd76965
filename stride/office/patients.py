"""Patients in the back office: the list and search, a patient's page (bookings,
attendance, admin notes), merging duplicates, and the privacy duties (export, erase).

Reception and the clinic admin see every patient; a practitioner sees those who have
or had a booking with them, and anyone else's record is "not found" to them. Every
page that shows or changes patient data writes an audit event naming the record by its
number only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from stride import clock
from stride.booking import selectors as booking_selectors
from stride.booking.models import BookingDetails, DiaryEntry, Patient
from stride.office import audit, privacy
from stride.office.context import page
from stride.office.models import StaffProfile
from stride.office.roles import DESK, profile_of, sees_all, staff_only

PER_PAGE = 50
MAX_QUERY = 100
ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
UK_DAY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
PHONE = re.compile(r"^\+?[\d ()-]{4,}$")


def _profile(request: HttpRequest) -> StaffProfile:
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


def _patient(request: HttpRequest, pk: int) -> Patient:
    found = visible_patients(_profile(request)).filter(pk=pk).first()
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
    found = visible_patients(_profile(request))
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
    return render(request, "office/patients_list.html", page(
        request, "patients", q=text, error=error, shown=shown, searched=bool(text),
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
        zone=booking_selectors.clinic_zone(), desk=sees_all(_profile(request)),
        notes=extra.pop("notes", patient.notes),
        notes_version=extra.pop("notes_version", _notes_version(patient.notes)), **extra,
    ), status=status)  # fmt: skip


@require_GET
@staff_only()
def patient(request: HttpRequest, pk: int) -> HttpResponse:
    found = _patient(request, pk)
    audit.record(request, "patient.view", privacy.reference(found))
    return _detail(request, found)


@require_POST
@staff_only()
def patient_notes(request: HttpRequest, pk: int) -> HttpResponse:
    found = _patient(request, pk)
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


@require_GET
@staff_only(*DESK)
def merge_choose(request: HttpRequest, pk: int) -> HttpResponse:
    found = _patient(request, pk)
    text = " ".join(request.GET.get("q", "").split())
    error, candidates = "", Patient.objects.none()
    if len(text) > MAX_QUERY:
        error = f"Use at most {MAX_QUERY} characters."
    elif text:
        try:
            candidates = search(Patient.objects.exclude(pk=found.pk), text).order_by("name")
        except ValueError:
            error = "There is no such date. Write a date of birth as 10/12/1990 or 1990-12-10."
    audit.record(request, "patient.search" if text else "patient.view", privacy.reference(found))
    return render(request, "office/patient_merge.html", page(
        request, "patients", patient=found, q=text, error=error, candidates=candidates[:20],
    ), status=400 if error else 200)  # fmt: skip


@require_http_methods(["GET", "POST"])
@staff_only(*DESK)
def merge_confirm(request: HttpRequest, pk: int, other: int) -> HttpResponse:
    first, second = _patient(request, pk), _patient(request, other)
    if first.pk == second.pk:
        raise Http404("a record cannot be merged with itself")
    pair = {first.pk: first, second.pk: second}
    error = ""
    if request.method == "POST":
        chosen = request.POST.get("keep", "")
        keep = pair.get(int(chosen)) if chosen.isascii() and chosen.isdigit() else None
        if keep is None:
            error = "Choose the record to keep."
        else:
            drop = second if keep.pk == first.pk else first
            with transaction.atomic():
                moved = privacy.patient_merge(keep=keep, drop=drop, today=clock.now().date())
                audit.record(request, "patient.merge", f"{privacy.reference(keep)}<-{drop.pk}")
            messages.success(request, f"Records merged: {moved} booking(s) moved to this record.")
            return redirect("office:patient", pk=keep.pk)
    subject = f"{privacy.reference(first)}+{second.pk}"
    audit.record(request, "patient.merge_review", subject)
    counts = {p.pk: p.bookings.count() for p in pair.values()}
    return render(request, "office/patient_merge_confirm.html", page(
        request, "patients", first=first, second=second, error=error,
        records=[(p, counts[p.pk], privacy.patient_emails(patient=p)) for p in (first, second)],
    ), status=400 if error else 200)  # fmt: skip


@require_GET
@staff_only()
def export_page(request: HttpRequest, pk: int) -> HttpResponse:
    found = _patient(request, pk)
    data = privacy.patient_export(patient=found, now=clock.now())
    audit.record(request, "patient.export", privacy.reference(found))
    return render(request, "office/patient_export.html", page(
        request, "patients", patient=found, data=data, zone=booking_selectors.clinic_zone(),
    ))  # fmt: skip


@require_GET
@staff_only()
def export_json(request: HttpRequest, pk: int) -> HttpResponse:
    found = _patient(request, pk)
    data = privacy.patient_export(patient=found, now=clock.now())
    audit.record(request, "patient.export", privacy.reference(found))
    body = json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="patient-{found.pk}.json"'
    return response


@require_http_methods(["GET", "POST"])
@staff_only(*DESK)
def erase(request: HttpRequest, pk: int) -> HttpResponse:
    found = _patient(request, pk)
    subject = privacy.reference(found)
    upcoming = privacy.patient_upcoming(patient=found, now=clock.now())
    error = ""
    if request.method == "POST" and not upcoming:
        if request.POST.get("confirm") != "yes":
            error = "Tick the box to confirm you have checked the request and the person."
        else:
            try:
                with transaction.atomic():
                    done = privacy.patient_erase(patient=found, now=clock.now())
                    audit.record(request, "patient.erase", subject)
            except privacy.HasUpcomingBookings as refused:
                upcoming = refused.entries
            else:
                messages.success(request, (
                    f"Personal data erased ({subject}): {done.bookings} booking(s) kept "
                    f"without it, {done.waitlist_requests} waitlist request(s) cleared."
                ))  # fmt: skip
                return redirect("office:patients")
    audit.record(request, "patient.erase_review", subject)
    return render(request, "office/patient_erase.html", page(
        request, "patients", patient=found, upcoming=upcoming, error=error,
        bookings=found.bookings.count(), zone=booking_selectors.clinic_zone(),
        waiting=privacy.patient_waitlist(patient=found).count(),
    ), status=400 if request.method == "POST" else 200)  # fmt: skip
