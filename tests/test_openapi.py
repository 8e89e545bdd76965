"""The OpenAPI document describes what the API does (schemathesis, `scripts/api-fuzz`,
checks the responses against it; these check what it promises callers)."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def document(client: Client, db) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_every_operation_documents_the_400_every_request_may_get(document) -> None:
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert "400" in operation["responses"], f"{method} {path}"


def resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def body_schema(document: dict, path: str) -> dict:
    body = document["paths"][path]["post"]["requestBody"]
    assert body["required"] is True
    return resolve(document, body["content"]["application/json"]["schema"])


def test_request_bodies_and_the_bearer_scheme_are_described(document) -> None:
    schema = body_schema(document, "/api/bookings")
    assert {"service", "start", "patient", "consent"} <= set(schema["required"])
    assert "PatientIn" in document["components"]["schemas"]
    scheme = document["components"]["securitySchemes"]["manageToken"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    for path in ("/api/bookings/{reference}", "/api/bookings/{reference}/cancel",
                 "/api/bookings/{reference}/reschedule"):  # fmt: skip
        method = "get" if path.endswith("}") else "post"
        assert document["paths"][path][method]["security"] == [{"manageToken": []}]


def test_the_request_bodies_are_the_schemas_the_api_checks(document) -> None:
    booking = body_schema(document, "/api/bookings")
    fields = booking["properties"]
    assert fields["consent"]["const"] is True  # true, nothing that merely reads as true
    assert fields["start"]["format"] == "date-time" and fields["start"]["description"]
    assert (fields["reason"]["maxLength"], fields["idempotency_key"]["maxLength"]) == (2000, 64)
    patient = resolve(document, fields["patient"])
    assert set(patient["required"]) == {"name", "email", "phone", "date_of_birth"}
    assert patient["properties"]["name"]["maxLength"] == 120
    reschedule = body_schema(document, "/api/bookings/{reference}/reschedule")
    assert reschedule["required"] == ["start"]
    assert "practitioner" in reschedule["properties"]


def test_a_created_booking_links_to_its_manage_operations(document) -> None:
    links = document["paths"]["/api/bookings"]["post"]["responses"]["201"]["links"]
    operation_ids = {op["operationId"] for ops in document["paths"].values() for op in ops.values()}
    assert {link["operationId"] for link in links.values()} <= operation_ids
    assert len(links) == 3


def test_parameters_the_api_requires_are_marked_required(document) -> None:
    params = {p["name"]: p.get("required", False)
              for p in document["paths"]["/api/slots"]["get"]["parameters"]}  # fmt: skip
    assert params["service"] and params["from"] and params["to"]
    assert not params["practitioner"]


def test_ninja_s_own_422_never_leaks(client: Client, db) -> None:
    response = client.get("/api/slots", {"service": "follow-up", "from": "x", "to": "y"})
    assert response.status_code == 400
    assert set(response.json()) == {"errors"}
