"""POST /api/bookings: booking, validation, conflicts and retries."""

import datetime as dt
import json
from typing import Any

import pytest

from stride.booking.models import BookingDetails, DiaryEntry, IdempotencyKey
from stride.booking.services import token_hash

pytestmark = pytest.mark.usefixtures("demo_clinic", "now")  # now: Mon 1 June 2026 09:30 BST

PATIENT = {"name": "Ada Lovelace", "email": "ada@example.com", "phone": "07700 900123",
           "date_of_birth": "1990-12-10"}  # fmt: skip
BODY: dict[str, Any] = {
    "service": "follow-up",
    "practitioner": "tomasz-nowak",
    "start": "2026-06-02T10:00:00+01:00",
    "patient": PATIENT,
    "reason": "Sore big toe",
    "consent": True,
}  # fmt: skip


def post(client, body, **extra):
    return client.post("/api/bookings", data=json.dumps(body), content_type="application/json",
                       **extra)  # fmt: skip


def test_a_valid_request_books_and_returns_the_manage_token_once(client):
    response = post(client, BODY)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "confirmed"
    assert data["start"] == "2026-06-02T10:00:00+01:00"
    assert data["end"] == "2026-06-02T10:30:00+01:00"
    assert data["practitioner"] == "tomasz-nowak"
    assert len(data["reference"]) == 7 and data["reference"][3] == "-"
    assert data["manage_token"] in data["manage_url"]
    details = BookingDetails.objects.get()
    assert details.manage_token_hash == token_hash(data["manage_token"])
    assert data["manage_token"] not in json.dumps(
        list(BookingDetails.objects.values()), default=str
    )
    assert details.phone == "+447700900123"
    entry = DiaryEntry.objects.get()
    assert entry.occupied_end == entry.end + dt.timedelta(minutes=5)  # buffer after


def test_a_taken_time_gets_409_with_nearest_alternatives(client):
    assert post(client, BODY).status_code == 201
    other = {**BODY, "patient": {**PATIENT, "email": "bob@example.com", "name": "Bob"}}
    response = post(client, other)
    assert response.status_code == 409
    data = response.json()
    assert data["errors"][0]["code"] == "slot_unavailable"
    assert 1 <= len(data["alternatives"]) <= 6
    starts = [a["start"] for a in data["alternatives"]]
    assert "2026-06-02T10:00:00+01:00" not in starts
    assert starts[0] in {"2026-06-02T09:15:00+01:00", "2026-06-02T10:45:00+01:00"}


def test_any_practitioner_takes_the_first_free_one(client):
    data = post(client, {**BODY, "practitioner": "any"}).json()
    assert data["practitioner"] == "amara-okafor"


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"start": "2026-06-02T10:00:00"}, "start", "missing_offset"),
        ({"start": "2026-06-02T10:07:00+01:00"}, "start", "off_grid"),
        ({"start": "2026-06-02T10:00:00+00:00"}, "start", "not_local_time"),
        ({"service": "nope"}, "service", "unknown_service"),
        ({"service": "nail-surgery"}, "service", "unknown_service"),
        ({"practitioner": "nobody"}, "practitioner", "unknown_practitioner"),
        ({"consent": False}, "consent", "consent_required"),
        ({"reason": "x" * 2001}, "reason", "too_long"),
        ({"assessment_summary": "x" * 4001}, "assessment_summary", "too_long"),
        ({"patient": {**PATIENT, "email": "not-an-email"}}, "patient.email",
         "invalid_email"),
        ({"patient": {**PATIENT, "phone": "12345"}}, "patient.phone", "invalid_phone"),
        ({"patient": {**PATIENT, "date_of_birth": "2030-01-01"}},
         "patient.date_of_birth", "out_of_range"),
        ({"patient": {**PATIENT, "name": ""}}, "patient.name", "required"),
    ],
)  # fmt: skip
def test_bad_input_gets_400_naming_the_field_and_books_nothing(client, change, field, code):
    response = post(client, {**BODY, **change})
    assert response.status_code == 400, response.content
    assert {"field": field, "code": code} in [
        {"field": e["field"], "code": e["code"]} for e in response.json()["errors"]
    ]
    assert DiaryEntry.objects.count() == 0


def test_a_time_in_the_spring_gap_is_refused(client):
    response = post(client, {**BODY, "start": "2027-03-28T01:30:00+00:00"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "not_local_time"


def test_the_past_and_beyond_the_horizon_are_409(client):
    for start in (
        "2026-06-01T09:00:00+01:00",
        "2026-06-01T10:00:00+01:00",
        "2026-09-29T10:00:00+01:00",
    ):  # past, inside the notice, beyond 84 days
        assert post(client, {**BODY, "start": start}).status_code == 409


def test_the_same_idempotency_key_replays_and_books_once(client):
    body = {**BODY, "idempotency_key": "click-1"}
    first = post(client, body)
    second = post(client, body)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert DiaryEntry.objects.count() == 1


def test_a_reused_key_with_another_request_is_422(client):
    post(client, {**BODY, "idempotency_key": "k"})
    response = post(client, {**BODY, "idempotency_key": "k", "reason": "different"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "idempotency_key_reused"
    assert IdempotencyKey.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [("x", "application/json", 400), ("{}", "text/plain", 415),
     ("{" + " " * 70000 + "}", "application/json", 413)],
)  # fmt: skip
def test_transport_errors_use_the_envelope(client, data, content_type, status):
    response = client.post("/api/bookings", data=data, content_type=content_type)
    assert response.status_code == status
    assert "errors" in response.json()


def test_too_many_attempts_from_one_address_get_429_with_retry_after(client, settings):
    settings.BOOKING_LIMIT_PER_IP = 2
    from django.core.cache import cache

    cache.clear()
    statuses = [post(client, {**BODY, "consent": False}).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
    response = post(client, BODY)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert DiaryEntry.objects.count() == 0


def test_the_client_ip_is_the_one_the_trusted_proxy_saw(rf, settings):
    from stride.web.ratelimit import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.TRUSTED_PROXIES = 0
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXIES = 1
    assert client_ip(request) == "203.0.113.9"  # not the spoofable first entry


def test_a_cap_on_future_bookings_per_email_is_worded_generically(client):
    from django.core.cache import cache

    cache.clear()
    starts = ["2026-06-02T10:00:00+01:00", "2026-06-02T11:00:00+01:00",
              "2026-06-02T14:00:00+01:00", "2026-06-02T15:00:00+01:00"]  # fmt: skip
    statuses = [post(client, {**BODY, "start": s}).status_code for s in starts]
    assert statuses == [201, 201, 201, 400]
    message = post(client, {**BODY, "start": "2026-06-02T16:00:00+01:00"}).json()["errors"][0]
    assert message["code"] == "not_bookable_online"
    assert "patient" not in message["message"].lower()
    assert "020 7946 0321" in message["message"]


def test_a_booking_links_to_a_patient_only_on_a_strong_match(client):
    from stride.booking.models import BookingDetails, Patient

    ada = Patient.objects.create(name="Ada  Lovelace", email="ADA@example.com",
                                 phone="+447700900123", date_of_birth="1990-12-10")  # fmt: skip
    Patient.objects.create(name="Someone Else", email="ada@example.com", phone="+447700900124",
                           date_of_birth="1990-12-10")  # fmt: skip
    assert post(client, BODY).status_code == 201
    assert BookingDetails.objects.get().patient == ada
    other = {
        **BODY,
        "start": "2026-06-02T11:00:00+01:00",
        "patient": {**PATIENT, "name": "Ada Byron"},
    }  # same email, another name
    assert post(client, other).status_code == 201
    byron = BookingDetails.objects.get(name="Ada Byron").patient
    assert byron is not None and byron != ada  # a record of her own, never Ada's
    assert (byron.name, byron.email) == ("Ada Byron", "ada@example.com")


def test_someone_booking_for_a_child_is_recorded(client):
    body = {**BODY, "booked_by": {"name": "Mary Lovelace", "relationship": "parent"}}
    assert post(client, body).status_code == 201
    details = BookingDetails.objects.get()
    assert (details.booked_by_name, details.booked_by_relationship) == ("Mary Lovelace", "parent")


def test_the_idempotency_record_never_holds_the_manage_token(client):
    body = {**BODY, "idempotency_key": "tap-twice"}
    first = post(client, body).json()
    stored = json.dumps(list(IdempotencyKey.objects.values("body")))
    assert first["manage_token"] not in stored
    replay = post(client, body).json()
    assert replay["manage_token"] == first["manage_token"]  # recomputed from the key
    auth = {"HTTP_AUTHORIZATION": f"Bearer {replay['manage_token']}"}
    assert client.get(f"/api/bookings/{first['reference']}", **auth).status_code == 200


@pytest.mark.parametrize("start", ["9999-12-31T23:30:00-05:00", "0001-01-01T00:30:00+05:00"])
def test_absurd_dates_are_400_not_500(client, start):
    response = post(client, {**BODY, "start": start})
    assert response.status_code == 400
    slots = client.get("/api/slots", {"service": "follow-up", "from": "9999-12-30",
                                      "to": "9999-12-31"})  # fmt: skip
    assert slots.status_code == 400


# A time already taken: answered from one read of the diary, never from a stale one ------


def other_patient(name: str = "Bob", **change: Any) -> dict[str, Any]:
    email = f"{name.lower()}@example.com"
    return {**BODY, "patient": {**PATIENT, "name": name, "email": email}, **change}


def starts_of(response) -> list[str]:
    assert response.status_code == 409, response.content
    return [a["start"] for a in response.json()["alternatives"]]


def test_a_taken_time_is_turned_away_without_queueing_for_the_write(client, monkeypatch):
    from stride.booking import services

    assert post(client, BODY).status_code == 201

    def guarded_write(**kwargs):
        raise AssertionError("the diary already shows the time taken")

    monkeypatch.setattr(services, "booking_create", guarded_write)
    starts = starts_of(post(client, other_patient()))
    assert starts and BODY["start"] not in starts


def test_a_taken_time_reads_only_the_diary(client, django_assert_num_queries):
    assert post(client, BODY).status_code == 201
    starts_of(post(client, other_patient("Carol")))  # the configuration is read once
    with django_assert_num_queries(1):
        starts_of(post(client, other_patient()))


def test_the_answer_for_a_taken_time_is_the_same_as_after_the_write(client):
    from stride.booking import selectors
    from stride.booking.models import Service
    from stride.site.models import Practitioner

    assert post(client, BODY).status_code == 201
    fresh = selectors.alternatives(
        service=Service.objects.get(slug="follow-up"),
        start=dt.datetime.fromisoformat(BODY["start"]),
        practitioner=Practitioner.objects.get(slug="tomasz-nowak"),
    )
    assert starts_of(post(client, other_patient())) == [s.start.isoformat() for s in fresh]


def test_times_booked_since_the_last_answer_are_never_offered(client):
    assert post(client, BODY).status_code == 201
    first = starts_of(post(client, other_patient()))
    taken = other_patient("Carol", start=first[0])
    assert post(client, taken).status_code == 201
    again = starts_of(post(client, other_patient()))
    assert first[0] not in again
    assert again == [s for s in again if s not in {first[0], BODY["start"]}]


def test_time_off_saved_since_the_last_answer_is_never_offered(client):
    from stride.booking.models import TimeOff
    from stride.site.models import Practitioner

    assert post(client, BODY).status_code == 201
    before = starts_of(post(client, other_patient()))
    assert any(s < "2026-06-02T12:00" for s in before)
    TimeOff.objects.create(
        practitioner=Practitioner.objects.get(slug="tomasz-nowak"),
        start=dt.datetime(2026, 6, 2, 7, tzinfo=dt.UTC),  # 08:00 to 12:00 BST
        end=dt.datetime(2026, 6, 2, 11, tzinfo=dt.UTC),
    )
    after = starts_of(post(client, other_patient()))
    assert after and not any("2026-06-02T08:00" <= s < "2026-06-02T12:00" for s in after)


def test_times_that_came_inside_the_notice_are_no_longer_offered(client):
    from stride import clock

    today = {"practitioner": "amara-okafor", "start": "2026-06-01T14:00:00+01:00"}
    assert post(client, {**BODY, **today}).status_code == 201
    early = starts_of(post(client, other_patient(**today)))
    with clock.pinned(dt.datetime(2026, 6, 1, 11, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))):
        later = starts_of(post(client, other_patient(**today)))
    assert min(early) < "2026-06-01T13:30"  # the notice is two hours
    assert later and all(s >= "2026-06-01T13:30" for s in later)


def test_a_refusal_for_a_taken_time_reads_the_same_whatever_the_email(client):
    from stride.booking.models import BookingRules

    rules = BookingRules.objects.get(pk=1)
    rules.max_future_bookings_per_email = 1
    rules.save()
    assert post(client, BODY).status_code == 201
    assert post(client, other_patient(start="2026-06-02T11:00:00+01:00")).status_code == 201
    at_cap, fresh = post(client, other_patient()), post(client, other_patient("Cy"))
    assert at_cap.status_code == fresh.status_code == 409
    assert at_cap.json() == fresh.json()
    # A free time is where the cap shows: Bob may not book a second one online.
    over = post(client, other_patient(start="2026-06-02T14:00:00+01:00"))
    assert over.status_code == 400
    assert over.json()["errors"][0]["code"] == "not_bookable_online"


def test_a_taken_time_counts_once_against_the_email_limit(client, settings):
    settings.BOOKING_LIMIT_PER_EMAIL = 2
    assert post(client, BODY).status_code == 201
    assert post(client, other_patient()).status_code == 409
    assert post(client, other_patient()).status_code == 409
    assert post(client, other_patient()).status_code == 429


def test_a_bad_request_for_a_taken_time_is_still_400(client):
    assert post(client, BODY).status_code == 201
    response = post(client, other_patient(consent=False))
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "consent_required"


def test_any_practitioner_is_409_only_once_everyone_is_taken(client):
    amara = {**BODY, "practitioner": "amara-okafor"}
    assert post(client, amara).status_code == 201
    assert post(client, other_patient(practitioner="any")).json()["practitioner"] == (
        "tomasz-nowak"
    )
    starts = starts_of(post(client, other_patient("Carol", practitioner="any")))
    assert starts and BODY["start"] not in starts


def test_an_expired_hold_does_not_take_the_time(client):
    from stride.site.models import Practitioner

    start = dt.datetime.fromisoformat(BODY["start"])
    DiaryEntry.objects.create(
        kind=DiaryEntry.Kind.HOLD, practitioner=Practitioner.objects.get(slug="tomasz-nowak"),
        start=start, end=start + dt.timedelta(minutes=30), occupied_start=start,
        occupied_end=start + dt.timedelta(minutes=35),
        hold_expires_at=dt.datetime(2026, 6, 1, 8, tzinfo=dt.UTC),  # before "now"
    )  # fmt: skip
    assert post(client, BODY).status_code == 201


def test_a_new_patient_s_booking_reads_the_database_only_for_what_changes(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from stride.booking import snapshot

    snapshot.booking_config()  # as all but the first request in 5 seconds find it
    with CaptureQueriesContext(connection) as done:
        assert post(client, BODY).status_code == 201
    queries = [q["sql"] for q in done.captured_queries]
    # The diary twice (before and inside the guarded write), the cap, the writes and the
    # transaction: nothing that the configuration snapshot already holds.
    assert len(queries) <= 13, "\n".join(queries)
    assert not [q for q in queries if "site_clinic" in q or "booking_workingperiod" in q]


def test_a_booking_that_must_read_the_configuration_reads_the_clinic_once(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as done:
        assert post(client, BODY).status_code == 201
    queries = [q["sql"] for q in done.captured_queries]
    assert sum("site_clinic" in q for q in queries) == 1
    assert sum("minimum_notice_minutes" in q for q in queries) == 1  # the rules, read once
    assert len(queries) <= 22, "\n".join(queries)


def test_the_guarded_write_never_books_on_a_change_its_snapshot_missed(client):
    from django.db.models import F

    from stride.booking import snapshot
    from stride.booking.models import BookingRules, TimeOff
    from stride.site.models import Practitioner

    snapshot.booking_config()  # this process's snapshot, read before the change
    # Time off saved by another process that shares no cache with this one: the token
    # this process holds is unchanged; the version row moved in the change's transaction.
    TimeOff.objects.bulk_create([TimeOff(
        practitioner=Practitioner.objects.get(slug="tomasz-nowak"),
        start=dt.datetime(2026, 6, 2, 9, 0, tzinfo=dt.UTC),
        end=dt.datetime(2026, 6, 2, 12, 0, tzinfo=dt.UTC),
    )])  # fmt: skip
    BookingRules.objects.filter(pk=1).update(config_version=F("config_version") + 1)
    response = post(client, BODY)  # 10:00 BST, inside the time off
    assert response.status_code == 409
    assert not DiaryEntry.objects.filter(kind="appointment").exists()


def test_saving_a_booking_setting_moves_the_configuration_version(db):
    from stride.booking.models import BookingRules, ClinicClosure

    before = BookingRules.objects.get(pk=1).config_version
    ClinicClosure.objects.create(start=dt.datetime(2026, 12, 24, tzinfo=dt.UTC),
                                 end=dt.datetime(2026, 12, 27, tzinfo=dt.UTC))  # fmt: skip
    assert BookingRules.objects.get(pk=1).config_version == before + 1


def test_one_address_spelled_three_ways_counts_once_towards_the_cap(client):
    from stride.booking.models import BookingRules

    BookingRules.objects.filter(pk=1).update(max_future_bookings_per_email=2)
    spellings = [("bob@bücher.de", "2026-06-02T10:00:00+01:00"),
                 ("bob@BÜCHER.de", "2026-06-02T11:00:00+01:00"),
                 ("bob@xn--bcher-kva.de", "2026-06-02T14:00:00+01:00")]  # fmt: skip
    statuses = [post(client, {**BODY, "start": start,
                              "patient": {**PATIENT, "email": email}}).status_code
                for email, start in spellings]  # fmt: skip
    assert statuses == [201, 201, 400]
    assert set(BookingDetails.objects.values_list("email", flat=True)) == {"bob@xn--bcher-kva.de"}
