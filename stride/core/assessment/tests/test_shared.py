"""The shared answers as data: rows in the order asked, read warning signs first, and
read back from JSON only when they have the right shape."""

from __future__ import annotations

import pytest

from stride.core.assessment import shared
from stride.core.assessment.shared import Row

ROWS = shared.rows(
    places=["loc.heel_bottom"],
    history=["red.cold_pale_foot", "agg.first_steps", "red.fever_or_unwell", "onset.gradual",
             "sym.swelling", "red.bad", "hx.diabetes"],
    answers={"red.cold_pale_foot": False, "agg.first_steps": True, "onset.gradual": True,
             "sym.swelling": False, "red.bad": True, "hx.diabetes": False},
    not_sure=["red.fever_or_unwell"],
    warning_signs={"red.cold_pale_foot", "red.fever_or_unwell", "red.bad"},
)  # fmt: skip


def test_rows_are_the_places_then_the_answers_in_the_order_asked():
    assert list(ROWS) == [
        Row("loc.heel_bottom", "yes"),
        Row("red.cold_pale_foot", "no", red_flag=True),
        Row("agg.first_steps", "yes"),
        Row("red.fever_or_unwell", "not_sure", red_flag=True),
        Row("onset.gradual", "yes"),
        Row("sym.swelling", "no"),
        Row("red.bad", "yes", red_flag=True),
        Row("hx.diabetes", "no"),
    ]


def test_a_question_on_screen_but_not_answered_is_not_a_row():
    rows = shared.rows(places=[], history=["a.one"], answers={}, not_sure=[], warning_signs=[])
    assert rows == ()


def test_the_practitioner_reads_warning_signs_then_yes_answers_then_the_rest():
    assert [r.finding for r in shared.for_practitioner(ROWS)] == [
        "red.bad",  # a warning sign answered yes
        "red.fever_or_unwell",  # a warning sign the person was not sure about
        "loc.heel_bottom", "agg.first_steps", "onset.gradual",  # yes, in the order asked
        "red.cold_pale_foot", "sym.swelling", "hx.diabetes",  # the rest, in the order asked
    ]  # fmt: skip


RECORD = shared.Record(knowledge_version="2026.12.0", answered_on="2026-06-01",
                       region="heel", advice="self_care", rows=ROWS[:2])  # fmt: skip


def test_a_record_reads_back_from_its_data():
    data = RECORD.as_data()
    assert data == {
        "knowledge_version": "2026.12.0", "answered_on": "2026-06-01", "region": "heel",
        "advice": "self_care",
        "answers": [{"finding": "loc.heel_bottom", "answer": "yes", "red_flag": False},
                    {"finding": "red.cold_pale_foot", "answer": "no", "red_flag": True}],
    }  # fmt: skip
    assert shared.from_data(data) == RECORD


@pytest.mark.parametrize("change", [
    {"answers": "all"}, {"answers": [{"finding": "x", "answer": "maybe", "red_flag": False}]},
    {"answers": [{"finding": "x", "answer": "yes"}]}, {"answers": ["x"]},
    {"answers": [{"finding": "", "answer": "yes", "red_flag": False}]},
    {"answers": [{"finding": "x", "answer": "yes", "red_flag": False}] * 201},
    {"knowledge_version": 3}, {"region": "x" * 81},
])  # fmt: skip
def test_anything_else_is_not_a_record(change):
    assert shared.from_data({**RECORD.as_data(), **change}) is None


@pytest.mark.parametrize("data", [None, "", [], 7, {}])
def test_no_data_is_no_record(data):
    assert shared.from_data(data) is None
