"""The booking bodies are parsed by their schemas: the same codes, fields and messages on
the API and the web form, every problem at once, and the transport checks and the rate
limit before any of it."""

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from stride.booking import validation
from stride.booking.models import DiaryEntry

pytestmark = pytest.mark.usefixtures("demo_clinic", "now")  # now: Mon 1 June 2026 09:30 BST

PATIENT = {"name": "Ada Lovelace", "email": "ada@example.com", "phone": "07700 900123",
           "date_of_birth": "1990-12-10"}  # fmt: skip
BODY: dict[str, Any] = {
    "service": "follow-up", "practitioner": "tomasz-nowak",
    "start": "2026-06-02T10:00:00+01:00", "patient": PATIENT, "consent": True,
}  # fmt: skip
LONDON = ZoneInfo("Europe/London")


def post(client, body, url="/api/bookings", **extra):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(url, data=data, content_type="application/json", **extra)


def problems(response) -> list[tuple[str | None, str, str]]:
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"errors"}
    return [(e["field"], e["code"], e["message"]) for e in response.json()["errors"]]


@pytest.mark.parametrize("consent", ["yes", "true", 1, None, [True], {"v": True}], ids=repr)
def test_consent_is_json_true_and_nothing_that_merely_reads_as_true(client, consent):
    assert problems(post(client, {**BODY, "consent": consent})) == [
        ("consent", "consent_required", "Please agree to the privacy notice to book.")
    ]


def test_every_problem_of_a_request_is_listed_at_once(client):
    body = {
        "practitioner": 7, "start": "2026-06-02T10:00:00", "consent": False,
        "patient": {"name": "Ada\nLovelace", "email": "ada@", "phone": "12345",
                    "date_of_birth": "10/12/1990"},
        "booked_by": {"name": "x" * 121}, "reason": None,
    }  # fmt: skip
    assert problems(post(client, body)) == [
        ("service", "required", "This is needed."),
        ("practitioner", "invalid_type", "Give this as text."),
        ("start", "missing_offset", "Give the time with its offset, e.g. +01:00."),
        ("patient.name", "invalid_characters",
         "Use plain text on one line, without special characters."),
        ("patient.email", "invalid_email", validation.INVALID_EMAIL),
        ("patient.phone", "invalid_phone", "Enter a UK phone number, like 07700 900123"),
        ("patient.date_of_birth", "invalid_date",
         "Enter the date of birth as YYYY-MM-DD, like 1990-12-10"),
        ("consent", "consent_required", "Please agree to the privacy notice to book."),
        ("booked_by.name", "too_long", "Use at most 120 characters."),
    ]  # fmt: skip
    assert DiaryEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"start": None}, ("start", "required", "Give the start as a time with an offset.")),
        ({"start": 1780390800}, ("start", "required", "Give the start as a time with an offset.")),
        ({"start": "soon"}, ("start", "invalid_time", "'soon' is not an ISO 8601 time.")),
        ({"patient": "Ada"}, ("patient", "required", "Give the patient's details.")),
        ({"patient": None}, ("patient", "required", "Give the patient's details.")),
        ({"booked_by": "Mary"}, ("booked_by", "invalid_type", "Give who is booking as an object.")),
        ({"idempotency_key": "k" * 65},
         ("idempotency_key", "too_long", "Use at most 64 characters.")),
        ({"reason": ["sore"]}, ("reason", "invalid_type", "Give this as text.")),
        ({"patient": {**PATIENT, "date_of_birth": "1899-12-31"}},
         ("patient.date_of_birth", "out_of_range", "Date of birth must be after 1900")),
        ({"patient": {**PATIENT, "phone": None}},
         ("patient.phone", "required", "Enter a UK phone number")),
        ({"patient": {**PATIENT, "name": " "}},
         ("patient.name", "required", "Enter your full name")),
        ({"patient": {**PATIENT, "email": ""}},
         ("patient.email", "required", "Enter your email address")),
    ],
)  # fmt: skip
def test_each_field_keeps_its_code_and_message(client, change, expected):
    assert problems(post(client, {**BODY, **change})) == [expected]


def test_a_field_left_out_reads_as_null(client):
    body = {k: v for k, v in BODY.items() if k not in ("start", "consent")}
    body["patient"] = {"name": "Ada Lovelace"}
    assert [(f, c) for f, c, _m in problems(post(client, body))] == [
        ("start", "required"), ("patient.email", "required"), ("patient.phone", "required"),
        ("patient.date_of_birth", "required"), ("consent", "consent_required"),
    ]  # fmt: skip


def test_null_optional_fields_book_as_if_left_out(client):
    body = {**BODY, "practitioner": None, "reason": None, "booked_by": None,
            "assessment_summary": None, "idempotency_key": None}  # fmt: skip
    response = post(client, body)
    assert response.status_code == 201, response.content
    assert response.json()["practitioner"] == "amara-okafor"  # any: the first free


def test_text_is_trimmed_and_the_email_s_domain_has_one_spelling(client):
    patient = {**PATIENT, "name": "  Ada Lovelace ", "email": "\u200eAda@EXAMPLE.com"}
    assert post(client, {**BODY, "patient": patient}).status_code == 201
    details = DiaryEntry.objects.get().details
    assert (details.name, details.email, details.phone) == (
        "Ada Lovelace", "Ada@example.com", "+447700900123",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("data", "content_type", "status", "message"),
    [
        ("", "application/json", 400, "The body is not valid JSON."),
        ("[]", "application/json", 400, "The body must be a JSON object."),
        ('"x"', "application/json", 400, "The body must be a JSON object."),
        ("{}", "text/plain", 415, "Send the body as application/json."),
        ('{"a":' * 40 + "1" + "}" * 40, "application/json", 400,
         "The body nests more than 32 levels deep."),
        ("{" + " " * 70000 + "}", "application/json", 413, "The body is larger than 64 KiB."),
    ],
)  # fmt: skip
@pytest.mark.parametrize("url", ["/api/bookings", "/api/bookings/AAA-AAA/reschedule"])
def test_the_body_is_checked_as_json_before_its_fields(client, url, data, content_type, status,
                                                       message):  # fmt: skip
    # CONTENT_TYPE too: the test client sends none with an empty body.
    response = client.post(url, data=data, content_type=content_type, CONTENT_TYPE=content_type)
    assert response.status_code == status
    assert response.json() == {"errors": [
        {"field": None, "code": response.json()["errors"][0]["code"], "message": message}
    ]}  # fmt: skip
    assert response.json()["errors"][0]["code"] in {
        "invalid_json", "unsupported_media_type", "too_large"
    }  # fmt: skip


def test_every_attempt_counts_against_the_address_before_the_body_is_read(client, settings):
    settings.BOOKING_LIMIT_PER_IP = 3
    attempts = [
        client.post("/api/bookings", data="{}", content_type="text/plain"),
        post(client, "not json"),
        post(client, {**BODY, "consent": "yes"}),
        post(client, BODY),
    ]
    assert [r.status_code for r in attempts] == [415, 400, 400, 429]
    assert attempts[-1].json()["errors"][0]["code"] == "rate_limited"
    assert int(attempts[-1]["Retry-After"]) > 0
    assert DiaryEntry.objects.count() == 0


def test_the_same_booking_sent_again_with_other_spacing_replays(client):
    first = post(client, {**BODY, "idempotency_key": "tap"})
    again = post(client, {**BODY, "idempotency_key": "tap",
                          "patient": {**PATIENT, "name": " Ada Lovelace  "}})  # fmt: skip
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert DiaryEntry.objects.count() == 1


def test_a_reschedule_body_is_checked_by_its_schema(client):
    booked = post(client, BODY).json()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {booked['manage_token']}"}
    url = f"/api/bookings/{booked['reference']}/reschedule"
    assert problems(post(client, {"practitioner": 3}, url=url, **auth)) == [
        ("start", "required", "Give the start as a time with an offset."),
        ("practitioner", "invalid_type", "Give this as text."),
    ]
    assert problems(post(client, {"start": "2026-06-03T10:00:00"}, url=url, **auth)) == [
        ("start", "missing_offset", "Give the time with its offset, e.g. +01:00."),
    ]
    moved = post(client, {"start": "2026-06-03T10:00:00+01:00", "practitioner": None}, url=url,
                 **auth)  # fmt: skip
    assert moved.status_code == 200, moved.content
    assert moved.json()["practitioner"] == "tomasz-nowak"  # left out (null): the same


def test_the_web_form_s_checks_are_the_api_s(client):
    data = {**BODY, "consent": "yes", "patient": {**PATIENT, "email": "ada@"}}
    parsed = validation.parse(data, zone=LONDON, today=dt.date(2026, 6, 1))
    api = problems(post(client, data))
    assert parsed.problems == api
    assert parsed.details is None


def test_the_clinic_s_today_bounds_the_date_of_birth():
    found: list[validation.Problem] = []
    patient = {**PATIENT, "date_of_birth": "2026-06-02"}
    assert validation.parse_patient(patient, today=dt.date(2026, 6, 1), problems=found) is None
    assert found == [("patient.date_of_birth", "out_of_range", "Date of birth must be in the past")]
    details = validation.parse_patient(patient, today=dt.date(2026, 6, 2), problems=found)
    assert details is not None and details.date_of_birth == dt.date(2026, 6, 2)


def test_a_start_is_read_on_the_clinic_s_clock():
    found: list[validation.Problem] = []
    start = validation.parse_start("2026-06-02T10:00:00+01:00", LONDON, found)
    assert start is not None and start.tzinfo == LONDON and not found
    assert validation.parse_start("2027-03-28T01:30:00+00:00", LONDON, found) is None
    assert found == [("start", "not_local_time", "2027-03-28T01:30:00+00:00 is not a time on "
                      "the clinic's clock (Europe/London).")]  # fmt: skip


def test_an_email_domain_is_spelt_the_way_mail_systems_spell_it_today():
    from stride.booking.validation import normal_email

    assert normal_email("bob@BÜCHER.de") == normal_email("bob@xn--bcher-kva.de")
    assert normal_email("hans@straße.de") == "hans@xn--strae-oqa.de"  # not strasse.de
    assert normal_email("Ada@Example.COM") == "Ada@example.com"
