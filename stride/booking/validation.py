"""A booking request, checked field by field: every problem with its field, a code and a
clear message, nothing written until all are fine.

The checks are the schemas' own validators: the API's bodies are parsed into ``BookingIn``
and ``RescheduleIn`` by ninja (and shown in ``/api/openapi.json``); the web form, the
waitlist and the back office call ``parse``, ``parse_patient`` and ``parse_start``, thin
functions over the same schemas and rules. ``start`` and ``date_of_birth`` need the
clinic's zone and today: the caller may give them in the validation context, else they
are the booking configuration's and the clock's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

import idna
import phonenumbers
import pydantic
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from pydantic import BeforeValidator, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from stride import clock
from stride.booking import snapshot
from stride.booking.services import PatientDetails
from stride.web import hygiene
from stride.web.errors import Problem, as_problems

MAX_REASON = 2000
MAX_SUMMARY = 4000
MAX_KEY = 64
MAX_NAME = 120


def text(limit: int, *, required: bool = False, free_text: bool = False, marks: bool = True,
         missing: str = "This is needed.") -> Callable[[Any], str]:  # fmt: skip
    """The check for a text field: null reads as empty, the value is trimmed, at most
    ``limit`` characters, on one line without control or bidi characters (free text keeps
    its line breaks and tabs); ``missing`` is the message when a required value is
    empty. ``marks=False``: invisible direction marks are taken out
    first (a phone number or an email copied from a contact list), instead of refused."""

    def check(value: Any) -> str:
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise PydanticCustomError("invalid_type", "Give this as text.")
        value = (value if marks else hygiene.without_marks(value)).strip()
        if required and not value:
            raise PydanticCustomError("required", missing)
        if len(value) > limit:
            raise PydanticCustomError("too_long", f"Use at most {limit} characters.")
        problem = hygiene.free_text_problem if free_text else hygiene.single_line_problem
        if message := problem(value):
            raise PydanticCustomError("invalid_characters", message)
        return value

    return check


def _zone(info: ValidationInfo) -> ZoneInfo:
    context = info.context if isinstance(info.context, dict) else {}
    return context.get("zone") or snapshot.booking_config().zone


def _today(info: ValidationInfo) -> dt.date:
    context = info.context if isinstance(info.context, dict) else {}
    return context.get("today") or clock.today(_zone(info).key)


def start_time(raw: Any, zone: ZoneInfo) -> dt.datetime:
    """A start with its offset, as a time on the clinic's clock."""
    if not isinstance(raw, str) or not raw:
        raise PydanticCustomError("required", "Give the start as a time with an offset.")
    try:
        start = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise PydanticCustomError("invalid_time", f"{raw!r} is not an ISO 8601 time.") from None
    if not 2000 <= start.year <= 2100:
        raise PydanticCustomError("out_of_range", "Choose one of the times offered.")
    if start.tzinfo is None:
        raise PydanticCustomError("missing_offset", "Give the time with its offset, e.g. +01:00.")
    local = start.astimezone(zone)
    if local.utcoffset() != start.utcoffset():
        # The named wall time does not exist here (the spring gap), or the offset is wrong.
        message = f"{raw} is not a time on the clinic's clock ({zone.key})."
        raise PydanticCustomError("not_local_time", message)
    return local


INVALID_EMAIL = "Enter an email address in the correct format, like name@example.com"
PHONE_FORMAT = "Enter a UK phone number, like 07700 900123"


def normal_email(email: str) -> str:
    """One spelling for one address: the domain in lower case and in its ASCII (IDNA)
    form, so that ``bob@BÜCHER.de`` and ``bob@xn--bcher-kva.de`` count as one towards
    the cap and the limits. The part before the @ is kept as typed. IDNA 2008 (UTS 46,
    not transitional), as mail systems use today: ``straße.de`` stays ``xn--strae-oqa.de``,
    never the different domain ``strasse.de``; a domain it cannot spell is a UnicodeError."""
    local, _, domain = email.rpartition("@")
    try:
        ascii_domain = idna.encode(domain, uts46=True, transitional=False).decode("ascii")
    except idna.IDNAError as error:
        raise UnicodeError(str(error)) from None
    return f"{local}@{ascii_domain.lower()}"


def _email(value: Any) -> str:
    email = text(254, required=True, marks=False, missing="Enter your email address")(value)
    try:
        validate_email(email)
        return normal_email(email)
    except (ValidationError, UnicodeError):
        raise PydanticCustomError("invalid_email", INVALID_EMAIL) from None


def _phone(value: Any) -> str:
    raw = text(40, required=True, marks=False, missing="Enter a UK phone number")(value)
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
        raise PydanticCustomError("invalid_phone", PHONE_FORMAT)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def uk_phone(raw: str) -> str | None:
    """A UK number as the forms read it, in E.164; None if it is not one."""
    try:
        return _phone(raw)
    except PydanticCustomError:
        return None


def email_address(raw: str) -> str | None:
    """An email address as the forms read it (``normal_email``); None if it is not one."""
    try:
        return _email(raw)
    except PydanticCustomError:
        return None


def _date_of_birth(value: Any, info: ValidationInfo) -> dt.date:
    raw = text(10, required=True, missing="Enter your date of birth")(value)
    try:
        born = dt.date.fromisoformat(raw)
    except ValueError:
        raise PydanticCustomError("invalid_date", "Enter the date of birth as YYYY-MM-DD, "
                                  "like 1990-12-10") from None  # fmt: skip
    if born > _today(info):
        raise PydanticCustomError("out_of_range", "Date of birth must be in the past")
    if born < dt.date(1900, 1, 1):
        raise PydanticCustomError("out_of_range", "Date of birth must be after 1900")
    return born


def _start(value: Any, info: ValidationInfo) -> dt.datetime:
    return start_time(value, _zone(info))


class _In(pydantic.BaseModel):
    """A request body: a field left out reads as null, so that its own check words the
    problem (``start``: "Give the start as a time with an offset.")."""

    @model_validator(mode="before")
    @classmethod
    def _left_out_is_null(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return dict.fromkeys(cls.model_fields) | data
        return data


Start = Annotated[
    dt.datetime,
    BeforeValidator(_start),
    Field(description="A start from GET /api/slots, with its offset.",
          examples=["2026-06-02T10:00:00+01:00"]),
]  # fmt: skip
Practitioner = Annotated[str, BeforeValidator(text(80)), Field(max_length=80)]
Summary = Annotated[str, BeforeValidator(text(MAX_SUMMARY, free_text=True))]


class PatientIn(_In):
    name: Annotated[
        str, BeforeValidator(text(MAX_NAME, required=True, missing="Enter your full name"))
    ] = Field(max_length=MAX_NAME, description="The patient's full name, on one line.")
    email: Annotated[str, BeforeValidator(_email)] = Field(
        max_length=254, description="Where the confirmation and reminders go."
    )
    phone: Annotated[str, BeforeValidator(_phone)] = Field(
        max_length=40, description="A UK number, e.g. 07700 900123."
    )
    date_of_birth: Annotated[dt.date, BeforeValidator(_date_of_birth)] = Field(
        description="YYYY-MM-DD, not in the future.", examples=["1990-12-10"]
    )


class BookedByIn(_In):
    name: Annotated[str, BeforeValidator(text(MAX_NAME))] = Field(
        "", max_length=MAX_NAME, description="The person booking for someone else."
    )
    relationship: Annotated[str, BeforeValidator(text(60))] = Field("", max_length=60)


class BookingIn(_In):
    service: Annotated[str, BeforeValidator(text(80, required=True))] = Field(
        max_length=80, description="A service's slug, from GET /api/services."
    )
    practitioner: Practitioner = Field("any", description="A practitioner's slug, or any.")
    start: Start
    patient: PatientIn
    consent: Literal[True] = Field(description="Agreement to the privacy notice: must be true.")
    reason: Annotated[str, BeforeValidator(text(MAX_REASON, free_text=True))] = Field(
        "", max_length=MAX_REASON, description="Why the patient is coming, in their words."
    )
    assessment_summary: Summary = Field(
        "", max_length=MAX_SUMMARY, description="From the self-assessment, if shared."
    )
    booked_by: BookedByIn | None = Field(None, description="Someone booking for the patient.")
    idempotency_key: Annotated[str, BeforeValidator(text(MAX_KEY))] = Field(
        "", max_length=MAX_KEY, description="The same key with the same request replays it."
    )

    @field_validator("patient", mode="before")
    @classmethod
    def _patient_given(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise PydanticCustomError("required", "Give the patient's details.")
        return value

    @field_validator("consent", mode="before")
    @classmethod
    def _consent_given(cls, value: Any) -> Any:
        if value is not True:  # JSON true, nothing that merely reads as true
            raise PydanticCustomError("consent_required",
                                      "Please agree to the privacy notice to book.")  # fmt: skip
        return value

    @field_validator("booked_by", mode="before")
    @classmethod
    def _booked_by_object(cls, value: Any) -> Any:
        if not value:
            return None
        if not isinstance(value, dict):
            raise PydanticCustomError("invalid_type", "Give who is booking as an object.")
        return value


class RescheduleIn(_In):
    start: Start
    practitioner: Practitioner = Field(
        "", description="Left out: the same; any: the first free; or a practitioner's slug."
    )


@dataclass
class Request:
    """A booking request as ``stride.booking.policy.book`` takes it."""

    service: str = ""
    practitioner: str = "any"
    start: dt.datetime | None = None
    details: PatientDetails | None = None
    idempotency_key: str = ""
    problems: list[Problem] = field(default_factory=list)


def request(payload: BookingIn) -> Request:
    """The policy's request for a body that passed its checks."""
    person, by = payload.patient, payload.booked_by
    details = PatientDetails(
        name=person.name, email=person.email, phone=person.phone,
        date_of_birth=person.date_of_birth, booked_by_name=by.name if by else "",
        booked_by_relationship=by.relationship if by else "", reason=payload.reason,
        assessment_summary=payload.assessment_summary,
    )  # fmt: skip
    return Request(service=payload.service, practitioner=payload.practitioner or "any",
                   start=payload.start, details=details,
                   idempotency_key=payload.idempotency_key)  # fmt: skip


def parse(data: Any, *, zone: ZoneInfo, today: dt.date) -> Request:
    """``BookingIn``'s checks on a request built by another channel (the web form)."""
    try:
        payload = BookingIn.model_validate(data, context={"zone": zone, "today": today})
    except pydantic.ValidationError as error:
        return Request(problems=as_problems(error.errors()))
    return request(payload)


def parse_patient(
    patient: dict[str, Any], *, today: dt.date, problems: list[Problem]
) -> PatientDetails | None:
    """Name, email, UK phone and date of birth; None (and problems) if any is wrong."""
    try:
        person = PatientIn.model_validate(patient, context={"today": today})
    except pydantic.ValidationError as error:
        problems.extend(as_problems(error.errors(), prefix="patient."))
        return None
    return PatientDetails(name=person.name, email=person.email, phone=person.phone,
                          date_of_birth=person.date_of_birth)  # fmt: skip


def parse_start(raw: Any, zone: ZoneInfo, problems: list[Problem]) -> dt.datetime | None:
    """``start_time``, its problem (if any) added to ``problems``."""
    try:
        return start_time(raw, zone)
    except PydanticCustomError as error:
        problems.append(("start", error.type, error.message()))
        return None
