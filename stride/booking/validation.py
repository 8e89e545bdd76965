"""Checking a booking request field by field: every problem with its field and a clear
message, nothing written until all are fine."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from stride.booking.services import PatientDetails
from stride.web import hygiene

MAX_REASON = 2000
MAX_SUMMARY = 4000
MAX_KEY = 64
MAX_NAME = 120

Problem = tuple[str | None, str, str]


@dataclass
class Request:
    service: str = ""
    practitioner: str = "any"
    start: dt.datetime | None = None
    details: PatientDetails | None = None
    idempotency_key: str = ""
    problems: list[Problem] = field(default_factory=list)


def _text(data: dict[str, Any], key: str, where: str, limit: int, problems: list[Problem],
          required: bool = False, free_text: bool = False, marks: bool = True) -> str:  # fmt: skip
    """``marks=False``: invisible direction marks are taken out first (a phone number or
    an email copied from a contact list), instead of being refused."""
    value = data.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        problems.append((where, "invalid_type", "Give this as text."))
        return ""
    value = (value if marks else hygiene.without_marks(value)).strip()
    if required and not value:
        problems.append((where, "required", "This is needed."))
    elif len(value) > limit:
        problems.append((where, "too_long", f"Use at most {limit} characters."))
    elif message := (hygiene.free_text_problem if free_text else hygiene.single_line_problem)(
        value
    ):
        problems.append((where, "invalid_characters", message))
    return value


def parse_start(raw: Any, zone: ZoneInfo, problems: list[Problem]) -> dt.datetime | None:
    if not isinstance(raw, str) or not raw:
        problems.append(("start", "required", "Give the start as a time with an offset."))
        return None
    try:
        start = dt.datetime.fromisoformat(raw)
    except ValueError:
        problems.append(("start", "invalid_time", f"{raw!r} is not an ISO 8601 time."))
        return None
    if not 2000 <= start.year <= 2100:
        problems.append(("start", "out_of_range", "Choose one of the times offered."))
        return None
    if start.tzinfo is None:
        problems.append(("start", "missing_offset",
                         "Give the time with its offset, e.g. +01:00."))  # fmt: skip
        return None
    local = start.astimezone(zone)
    if local.utcoffset() != start.utcoffset():
        # The named wall time does not exist here (the spring gap), or the offset is wrong.
        problems.append(("start", "not_local_time",
                         f"{raw} is not a time on the clinic's clock ({zone.key})."))  # fmt: skip
        return None
    return local


def normal_email(email: str) -> str:
    """One spelling for one address: the domain in lower case and in its ASCII (IDNA)
    form, so that ``bob@BÜCHER.de`` and ``bob@xn--bcher-kva.de`` count as one towards
    the cap and the limits. The part before the @ is kept as typed."""
    local, _, domain = email.rpartition("@")
    return f"{local}@{domain.encode('idna').decode('ascii').lower()}"


def parse_phone(raw: str, problems: list[Problem]) -> str:
    try:
        number = phonenumbers.parse(raw, "GB")
    except phonenumbers.NumberParseException:
        number = None
    # "Possible" (the right length for a UK number) rather than "valid": the reserved
    # 07700 900xxx numbers used in examples and drama must pass, and new ranges too.
    possible = phonenumbers.ValidationResult.IS_POSSIBLE
    if (
        number is None
        or number.country_code != 44
        or phonenumbers.is_possible_number_with_reason(number) != possible
    ):
        problems.append(("patient.phone", "invalid_phone",
                         "Give a UK phone number, e.g. 07700 900123."))  # fmt: skip
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse(data: Any, *, zone: ZoneInfo, today: dt.date) -> Request:
    out = Request()
    problems = out.problems
    if not isinstance(data, dict):
        problems.append((None, "invalid_json", "The body must be a JSON object."))
        return out
    out.service = _text(data, "service", "service", 80, problems, required=True)
    out.practitioner = _text(data, "practitioner", "practitioner", 80, problems) or "any"
    out.start = parse_start(data.get("start"), zone, problems)
    out.idempotency_key = _text(data, "idempotency_key", "idempotency_key", MAX_KEY, problems)
    if data.get("consent") is not True:
        problems.append(("consent", "consent_required",
                         "Please agree to the privacy notice to book."))  # fmt: skip
    patient = data.get("patient")
    if not isinstance(patient, dict):
        problems.append(("patient", "required", "Give the patient's details."))
        return out
    person = parse_patient(patient, today=today, problems=problems)
    booked_by = data.get("booked_by") or {}
    if not isinstance(booked_by, dict):
        problems.append(("booked_by", "invalid_type", "Give who is booking as an object."))
        booked_by = {}
    by_name = _text(booked_by, "name", "booked_by.name", MAX_NAME, problems)
    by_rel = _text(booked_by, "relationship", "booked_by.relationship", 60, problems)
    reason = _text(data, "reason", "reason", MAX_REASON, problems, free_text=True)
    summary = _text(data, "assessment_summary", "assessment_summary", MAX_SUMMARY, problems,
                    free_text=True)  # fmt: skip
    if not problems and person is not None:
        out.details = PatientDetails(
            name=person.name, email=person.email, phone=person.phone,
            date_of_birth=person.date_of_birth, booked_by_name=by_name,
            booked_by_relationship=by_rel, reason=reason, assessment_summary=summary,
        )  # fmt: skip
    return out


def parse_patient(
    patient: dict[str, Any], *, today: dt.date, problems: list[Problem]
) -> PatientDetails | None:
    """Name, email, UK phone and date of birth; None (and problems) if any is wrong."""
    before = len(problems)
    name = _text(patient, "name", "patient.name", MAX_NAME, problems, required=True)
    email = _text(patient, "email", "patient.email", 254, problems, required=True, marks=False)
    if email:
        try:
            validate_email(email)
            email = normal_email(email)
        except (ValidationError, UnicodeError):
            problems.append(("patient.email", "invalid_email", "Give an email address."))
    phone_raw = _text(patient, "phone", "patient.phone", 40, problems, required=True,
                      marks=False)  # fmt: skip
    phone = parse_phone(phone_raw, problems) if phone_raw else ""
    dob_raw = _text(patient, "date_of_birth", "patient.date_of_birth", 10, problems, required=True)
    dob = None
    if dob_raw:
        try:
            dob = dt.date.fromisoformat(dob_raw)
        except ValueError:
            problems.append(
                ("patient.date_of_birth", "invalid_date", "Give a date such as 1990-12-10.")
            )
        if dob and not (dt.date(1900, 1, 1) <= dob <= today):
            problems.append(("patient.date_of_birth", "out_of_range", "Check the date of birth."))
    if len(problems) > before or dob is None:
        return None
    return PatientDetails(name=name, email=email, phone=phone, date_of_birth=dob)
