"""Who the caller is: the first step of booking for a caller.

Reception searches for the caller's record (name, date of birth, phone, email) before
booking; choosing a record fills in the booking form from it and books on it. "New
patient" is offered only once a search has been made, and carries what was typed into
the form. The search uses the booking form's own field names, so the page keeps one set
of values through every step, and the choices already made (service, practitioner,
day, time) travel with each link and form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest

from stride.booking import validation
from stride.booking.models import Patient
from stride.core import dates
from stride.office import audit, finder, privacy
from stride.office.patients import patient_for, staff_profile, visible_patients
from stride.office.templatetags.phones import national
from stride.web import patientform

KEPT = ("service", "practitioner", "day", "start")  # the booking's choices so far
TYPED = ("name", "email", "phone", "date_of_birth-day", "date_of_birth-month",
         "date_of_birth-year")  # fmt: skip
SEARCH_ORDER = ("name", "date_of_birth", "phone", "email")


@dataclass
class Step:
    """Where the caller's step stands: a record chosen, a new patient, or a search."""

    patient: Patient | None = None
    new: bool = False
    searched: bool = False
    found: list[Patient] = field(default_factory=list)
    more: bool = False
    errors: dict[str | None, str] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return self.patient is not None or self.new


def query(source: Mapping[str, Any], *names: str, **extra: str) -> str:
    """``?service=…&day=…`` with the booking's choices, the fields named, and ``extra``."""
    pairs = [(k, str(source.get(k, ""))) for k in (*KEPT, *names) if source.get(k)]
    return "?" + urlencode(pairs + list(extra.items()))


def pairs(source: Mapping[str, Any], names: tuple[str, ...]) -> list[tuple[str, str]]:
    """The fields named that have a value, for hidden inputs."""
    return [(k, str(source.get(k, ""))) for k in names if source.get(k)]


def _wanted(source: Mapping[str, Any], today: dt.date,
            errors: dict[str | None, str]) -> finder.Wanted:  # fmt: skip
    name = " ".join(str(source.get("name", "")).split())[:120]
    boxes = [str(source.get(f"date_of_birth-{b}", "")).strip()[:10] for b in patientform.BOXES]
    born = None
    if any(boxes):
        answer = dates.date_of_birth(*boxes, today=today)
        born = answer.value
        if born is None:
            errors["date_of_birth"] = answer.message
    phone = str(source.get("phone", "")).strip()
    if phone and (phone := validation.uk_phone(phone) or "") == "":
        errors["phone"] = validation.PHONE_FORMAT
    email = str(source.get("email", "")).strip()
    if email and (email := validation.email_address(email) or "") == "":
        errors["email"] = validation.INVALID_EMAIL
    if len(name) == 1:
        errors["name"] = "Enter at least 2 letters of the name"
    wanted = finder.Wanted(name=name, date_of_birth=born, phone=phone, email=email)
    if not wanted.given() and not errors:
        errors[None] = "Enter the caller's name, date of birth, phone number or email."
    return wanted


def _chosen(request: HttpRequest, raw: str) -> Patient:
    if not (raw.isascii() and raw.isdigit()):
        raise Http404("no such patient")
    return patient_for(request, int(raw))  # a record the staff member may not see: 404


def step(request: HttpRequest, source: Mapping[str, Any], *, today: dt.date) -> Step:
    """Read the caller's step from the page's values; audit what it shows."""
    if source.get("patient"):
        chosen = _chosen(request, str(source["patient"]))
        if request.method != "POST":
            audit.record(request, "patient.view", privacy.reference(chosen))
        return Step(patient=chosen)
    if source.get("new") == "1" or request.method == "POST":
        return Step(new=True)
    if not source.get("find"):
        return Step()
    errors: dict[str | None, str] = {}
    wanted = _wanted(source, today, errors)
    if errors:
        return Step(searched=True, errors=errors)
    found = finder.patients_find(patients=visible_patients(staff_profile(request)), wanted=wanted,
                                 limit=finder.MAX_FOUND + 1)  # fmt: skip
    audit.record(request, "patient.search")
    return Step(searched=True, found=found[: finder.MAX_FOUND],
                more=len(found) > finder.MAX_FOUND)  # fmt: skip


def prefilled(source: Mapping[str, Any], patient: Patient | None) -> dict[str, Any]:
    """The form's values: the chosen record's details on first showing it, else as sent."""
    if patient is None or ("name" in source and "email" in source):
        return dict(source.items())
    return {**dict(source.items()), "name": patient.name, "email": patient.email,
            "phone": national(patient.phone),
            "date_of_birth": patient.date_of_birth.isoformat()}  # fmt: skip


def search_context(source: Mapping[str, Any], caller: Step) -> dict[str, Any]:
    """What the search step's template needs: its errors and summary (in the names the
    shared form templates use), the date boxes as typed, the links that keep the
    booking's choices."""
    boxes = {b: str(source.get(f"date_of_birth-{b}", "")) for b in patientform.BOXES}
    marked = patientform.BOXES if "date_of_birth" in caller.errors else ()
    return {
        "caller": caller,
        "values": source,
        "errors": caller.errors,
        "error_list": patientform.summary(caller.errors, SEARCH_ORDER, marked),
        "dob": boxes,
        "dob_marked": marked,
        "kept": pairs(source, KEPT),
        "choose_query": query(source),
        "new_patient_query": query(source, *TYPED, new="1"),
    }


def chosen_context(source: Mapping[str, Any], caller: Step) -> dict[str, Any]:
    """The booking step: who it is for, and the way back to the search."""
    chosen = [("patient", str(caller.patient.pk))] if caller.patient else [("new", "1")]
    return {
        "caller": caller,
        "caller_hidden": chosen,
        "toolbar_hidden": chosen + ([] if caller.patient else pairs(source, TYPED)),
        "search_again_query": query(source, *TYPED, find="1") if caller.new else query(source),
    }
