"""POST /api/assessment's body is parsed by its schema (AssessmentIn): each problem in the
envelope with its code and plain words, and the rate limit counted before the body."""

from __future__ import annotations

import pytest

from stride.assessment.tests.helpers import EXAMPLE, assert_error_envelope, post, post_raw


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, ("age", "required", "This is needed.")),
        ({"age": "30"}, ("age", "invalid_type", "Give a whole number.")),
        ({"age": 121}, ("age", "out_of_range", "Give a number of at most 120.")),
        ({"age": 30, "sex": "f"}, ("sex", "unknown_sex",
                                   "Choose one of 'female', 'male', 'other' or 'unspecified'.")),
        ({"age": 30, "answers": {"loc.ankle_back": "yes"}},
         ("answers.loc.ankle_back", "not_boolean", "Give true or false.")),
        ({"age": 30, "not_sure": [1]}, ("not_sure", "invalid_type", "Give this as text.")),
        ({"age": 30, "mood": "fine"}, ("mood", "unknown_field", "This field is not known.")),
    ],
)  # fmt: skip
def test_each_problem_has_its_code_and_plain_words(client, db, body, expected):
    errors = assert_error_envelope(post(client, body), 400)

    assert [(e["field"], e["code"], e["message"]) for e in errors] == [expected]


def test_every_request_counts_against_the_address_before_the_body_is_read(client, db, settings):
    settings.ASSESSMENT_LIMIT_PER_IP = 2

    refused = [post_raw(client, b"{", "application/json"), post(client, {"age": "x"})]
    limited = post(client, EXAMPLE)

    assert [r.status_code for r in refused] == [400, 400]
    assert assert_error_envelope(limited, 429)[0]["code"] == "rate_limited"
