"""Shared by the assessment API tests: the contract's example, requests and checks."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

URL = "/api/assessment"
VOCABULARY_URL = "/api/assessment/vocabulary"
MAX_BODY = 64 * 1024

# The request in CONTRACT.md, word for word.
EXAMPLE: dict[str, Any] = {
    "age": 27,
    "sex": "female",
    "answers": {
        "loc.ankle_back": True,
        "agg.maximal_pointing": True,
        "act.ballet_pointe": True,
        "red.cannot_bear_weight": False,
    },
    "not_sure": ["hx.os_trigonum_known"],
}

# An everyday heel pain with no red flag answered: plantar heel pain.
BENIGN: dict[str, Any] = {
    "age": 45,
    "sex": "female",
    "answers": {
        "loc.heel_bottom": True,
        "agg.first_steps": True,
        "onset.gradual": True,
        "agg.long_standing_walking": True,
    },
}

LEVELS = ("emergency", "urgent", "appointment", "self_care")
DESTINATIONS = (
    "999", "a_and_e", "urgent_care", "gp_today", "gp_soon", "podiatry", "pharmacist", "self_care",
)  # fmt: skip

# Words that tell a person where to go, for the levels that must say so.
WHERE_TO_GO = {
    "emergency": ("999", "A&E"),
    "urgent": ("111", "urgent treatment centre", "GP"),
}
WHERE_FOR_DESTINATION = {
    "999": ("999",),
    "a_and_e": ("A&E",),
    "urgent_care": ("urgent treatment centre", "111"),
    "gp_today": ("GP", "111"),
}


def post(client: Client, body: Any, **extra: Any) -> Any:
    """POST ``body`` as JSON (any JSON value, so invalid shapes can be sent too)."""
    return client.post(URL, json.dumps(body), content_type="application/json", **extra)


def post_raw(client: Client, data: bytes | str, content_type: str = "application/json") -> Any:
    """POST these bytes; the content type is sent even with an empty body."""
    return client.generic("POST", URL, data, content_type=content_type, CONTENT_TYPE=content_type)


def assess(client: Client, body: dict[str, Any]) -> dict[str, Any]:
    """The 200 answer to ``body``, parsed."""
    response = post(client, body)
    assert response.status_code == 200, response.content
    result: dict[str, Any] = response.json()
    return result


def with_answers(body: dict[str, Any], **changes: bool | None) -> dict[str, Any]:
    """A copy of ``body`` with answers changed; ``None`` removes the answer.

    Finding IDs have dots, so keywords spell them with ``__``: ``loc__ankle_back``.
    """
    answers = dict(body.get("answers", {}))
    for key, value in changes.items():
        finding = key.replace("__", ".")
        if value is None:
            answers.pop(finding, None)
        else:
            answers[finding] = value
    return {**body, "answers": answers}


def rule_reasons(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in result["triage"]["reasons"] if r["rule"] is not None]


def assert_error_envelope(response: Any, status: int) -> list[dict[str, str]]:
    """The one 4xx envelope: {"errors": [{"field", "code", "message"}, ...]}, nothing else."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == {"errors"}
    assert isinstance(body["errors"], list)
    assert body["errors"], "an error response names at least one error"
    for item in body["errors"]:
        assert set(item) == {"field", "code", "message"}
        assert all(isinstance(item[k], str) for k in item)
        assert item["code"]
        assert item["message"]
    errors: list[dict[str, str]] = body["errors"]
    return errors


def assert_advice_says_where_to_go(result: dict[str, Any]) -> None:
    triage = result["triage"]
    if triage["level"] not in WHERE_TO_GO:
        return
    advice = triage["advice"]
    assert any(word in advice for word in WHERE_TO_GO[triage["level"]]), triage
    words = WHERE_FOR_DESTINATION.get(triage["destination"])
    assert words is not None, f"{triage['level']} sends people to {triage['destination']}"
    assert any(word in advice for word in words), triage
