"""No input through a public entry point answers 5xx: NUL and other control characters,
deeply nested JSON under the body limit, invalid UTF-8. Run on SQLite and PostgreSQL
(where a NUL in a query used to reach the database and fail there)."""

from __future__ import annotations

import json

import pytest
from django.db import DataError
from django.test import Client

from stride.booking.models import DiaryEntry

pytestmark = pytest.mark.usefixtures("demo_clinic", "now")

PATIENT = {"name": "Ada Lovelace", "email": "ada@example.com", "phone": "07700 900123",
           "date_of_birth": "1990-12-10"}  # fmt: skip
BOOKING = {"service": "follow-up", "practitioner": "tomasz-nowak",
           "start": "2026-06-02T10:00:00+01:00", "patient": PATIENT, "consent": True}  # fmt: skip
ASSESSMENT = {"age": 30, "answers": {"loc.heel_bottom": True}}


def nested(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


def deep_array_body(depth: int) -> str:
    # Under the 64 KiB limit, and far deeper than the parser's stack allows.
    return '{"answers": ' + "[" * depth + "]" * depth + "}"


@pytest.mark.parametrize(
    "url",
    [
        "/api/slots?service=%00",
        "/api/slots?service=follow-up&practitioner=x%00",
        "/book/follow-up/?practitioner=x%00",
        "/book/follow-up/details/?start=%00",
        "/search/?q=%00heel",
        "/no-such-page%00/",
        "/2019/03/04/heel-pain%00/",
        "/?p=1%00",
        "/conditions/%00/",
        "/api/bookings/ABC%00/",
        "/bookings/manage/%00/",
    ],
)
def test_a_nul_in_an_address_or_query_is_a_400_never_a_500(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response.json()["errors"][0]["code"] == "invalid_characters"
    else:
        assert "characters it may not hold" in response.content.decode()


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\r\n", "\u202e", "\u2066"])
def test_control_and_bidi_characters_in_a_query_are_refused(client: Client, char: str) -> None:
    assert client.get("/api/slots", {"service": f"follow-up{char}"}).status_code == 400


@pytest.mark.parametrize("url", ["/api/assessment", "/api/bookings"])
def test_a_nul_in_any_json_string_is_a_400_in_the_envelope(client: Client, url: str) -> None:
    body = ASSESSMENT if url == "/api/assessment" else BOOKING
    raw = json.dumps(body).replace("Ada", "A\\u0000da").replace("loc.heel", "loc.he\\u0000el")
    response = client.post(url, data=raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_characters"
    assert DiaryEntry.objects.count() == 0


@pytest.mark.parametrize("url", ["/api/assessment", "/api/bookings"])
@pytest.mark.parametrize("body", [nested(5000), deep_array_body(20000)])
def test_deeply_nested_json_under_the_body_limit_is_a_400(client: Client, url: str,
                                                          body: str) -> None:  # fmt: skip
    assert len(body) < 64 * 1024
    response = client.post(url, data=body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["errors"][0]["code"] == "invalid_json"


def test_deeply_nested_json_to_reschedule_is_a_400(client: Client) -> None:
    booked = client.post("/api/bookings", data=json.dumps(BOOKING), content_type="application/json")
    assert booked.status_code == 201
    reference, token = booked.json()["reference"], booked.json()["manage_token"]
    response = client.post(f"/api/bookings/{reference}/reschedule", data=nested(3000),
                           content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")  # fmt: skip
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_json"


@pytest.mark.parametrize("url", ["/api/assessment", "/api/bookings"])
def test_invalid_utf8_is_a_400(client: Client, url: str) -> None:
    response = client.post(url, data=b'{"age": "\xff\xfe"}', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_json"


def test_a_nul_in_a_form_field_is_refused_and_nothing_is_written(client: Client) -> None:
    response = client.post("/book/follow-up/details/?start=2026-06-02T10:00:00%2B01:00",
                           {"name": "Ada\x00", "email": "ada@example.com"})  # fmt: skip
    assert response.status_code == 400
    assert DiaryEntry.objects.count() == 0


def test_a_value_the_database_refuses_is_a_400_not_a_500(client: Client, monkeypatch) -> None:
    from stride.booking import selectors

    def refused(*args, **kwargs):
        raise DataError("value too long for type character varying(80)")

    monkeypatch.setattr(selectors, "services_online", refused)
    client.raise_request_exception = False
    response = client.get("/api/slots", {"service": "follow-up"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_value"


def test_the_assessment_is_rate_limited_per_address(client: Client, settings) -> None:
    settings.ASSESSMENT_LIMIT_PER_IP = 3
    send = lambda: client.post("/api/assessment", data=json.dumps(ASSESSMENT),  # noqa: E731
                               content_type="application/json")  # fmt: skip
    assert [send().status_code for _ in range(4)] == [200, 200, 200, 429]
    refused = send()
    assert refused.json()["errors"][0]["code"] == "rate_limited"
    assert int(refused["Retry-After"]) > 0


@pytest.mark.parametrize("url", ["/api/assessment", "/api/bookings", "/book/follow-up/details/"])
def test_a_multipart_body_without_a_boundary_is_a_400(client: Client, url: str) -> None:
    response = client.generic("POST", url, b"x", content_type="multipart/form-data")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "url", ["/?p=%C2%B2", "/api/clinic?p=%E2%91%A0", "/healthz?page_id=%C2%B9"]
)
def test_a_unicode_digit_in_an_old_post_id_is_not_a_post_id(client: Client, url: str) -> None:
    assert client.get(url).status_code < 500


@pytest.mark.parametrize(
    "raw",
    [
        '{"idempotency_key": "\\ud800"}',
        json.dumps(BOOKING).replace("Ada", "A\\\\udc00da").replace("\\\\\\\\", "\\\\"),
        '{"answers": {"loc.heel_bottom": true}, "age": 30, "sex": "\\udfff"}',
    ],
)
def test_a_lone_surrogate_in_json_is_a_400(client: Client, raw: str) -> None:
    url = "/api/assessment" if '"age"' in raw else "/api/bookings"
    response = client.post(url, data=raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_characters"
    assert DiaryEntry.objects.count() == 0


def test_a_surrogate_pair_in_json_is_a_character_like_any_other(client: Client) -> None:
    raw = json.dumps({**BOOKING, "reason": "Sore toe \U0001f9b6"})  # escaped as a pair
    assert "\\ud83e\\uddb6" in raw
    assert (
        client.post("/api/bookings", data=raw, content_type="application/json").status_code == 201
    )


@pytest.mark.parametrize(
    "url", ["/api/slots?service=%2B2AA-", "/book/follow-up/?practitioner=%2B2AA-",
            "/bookings/manage/?token=%2B2AA-aaaaaaaa", "/waitlist/?token=%2B2AA-aaaa"],
)  # fmt: skip
def test_a_charset_other_than_utf8_is_refused(client: Client, url: str) -> None:
    response = client.get(url, headers={"Content-Type": "text/plain; charset=utf-7"})
    assert response.status_code == 400


def test_a_multipart_form_in_utf7_is_refused(client: Client) -> None:
    body = b'--B\r\nContent-Disposition: form-data; name="name"\r\n\r\nAda+2AA-\r\n--B--\r\n'
    utf7 = "multipart/form-data; boundary=B; charset=utf-7"
    response = client.generic("POST", "/book/follow-up/details/", body, content_type=utf7)
    assert response.status_code == 400


@pytest.mark.parametrize(("method", "url", "status"), [
    ("GET", "/api/nope", 404), ("PUT", "/api/clinic", 405), ("DELETE", "/api/bookings", 405),
])  # fmt: skip
def test_the_api_answers_unknown_addresses_and_methods_in_its_envelope(
    client: Client, method: str, url: str, status: int
) -> None:
    response = client.generic(method, url)
    assert response.status_code == status
    assert response.json()["errors"][0]["code"] in {"not_found", "method_not_allowed"}


def test_too_many_query_fields_are_a_400_not_a_500(client: Client) -> None:
    query = "&".join(f"a{i}=1" for i in range(1200))
    assert client.get(f"/api/clinic?{query}").status_code == 400


def test_a_phone_number_pasted_with_direction_marks_books(client: Client) -> None:
    pasted = {**PATIENT, "phone": "\u202a07700 900123\u202c"}
    response = client.post("/api/bookings", data=json.dumps({**BOOKING, "patient": pasted}),
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 201
    assert DiaryEntry.objects.get().details.phone == "+447700900123"


def test_a_bidi_mark_in_a_web_form_field_is_refused_next_to_the_field(client: Client) -> None:
    response = client.post("/book/follow-up/details/?start=2026-06-02T10:00:00%2B01:00",
                           {"name": "Ada \u202eLovelace", "email": "ada@example.com",
                            "phone": "07700 900123", "date_of_birth": "1990-12-10",
                            "consent": "yes", "start": "2026-06-02T10:00:00+01:00",
                            "practitioner": "tomasz-nowak"})  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert "Use plain text on one line" in html and 'value="ada@example.com"' in html
