"""Merging duplicate records, and the privacy duties: everything we hold (a page and
JSON) and erasure. Merging and erasing are for reception and the clinic admin."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from stride import clock
from stride.booking import selectors as booking_selectors
from stride.booking.models import Patient
from stride.office import audit, finder, privacy
from stride.office.context import page
from stride.office.patients import MAX_QUERY, patient_for, search
from stride.office.roles import DESK, staff_only


@require_GET
@staff_only(*DESK)
def merge_choose(request: HttpRequest, pk: int) -> HttpResponse:
    found = patient_for(request, pk)
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
        duplicates=[] if text else finder.duplicates_of(patients=Patient.objects.all(),
                                                        patient=found),
        desk=True,
    ), status=400 if error else 200)  # fmt: skip


@require_http_methods(["GET", "POST"])
@staff_only(*DESK)
def merge_confirm(request: HttpRequest, pk: int, other: int) -> HttpResponse:
    first, second = patient_for(request, pk), patient_for(request, other)
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
    found = patient_for(request, pk)
    data = privacy.patient_export(patient=found, now=clock.now())
    audit.record(request, "patient.export", privacy.reference(found))
    return render(request, "office/patient_export.html", page(
        request, "patients", patient=found, data=data, zone=booking_selectors.clinic_zone(),
    ))  # fmt: skip


@require_GET
@staff_only()
def export_json(request: HttpRequest, pk: int) -> HttpResponse:
    found = patient_for(request, pk)
    data = privacy.patient_export(patient=found, now=clock.now())
    audit.record(request, "patient.export", privacy.reference(found))
    body = json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="patient-{found.pk}.json"'
    return response


@require_http_methods(["GET", "POST"])
@staff_only(*DESK)
def erase(request: HttpRequest, pk: int) -> HttpResponse:
    found = patient_for(request, pk)
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
