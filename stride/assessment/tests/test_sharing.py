"""What a person shares when they book from the results: the summary in words and the
same answers as data, kept only if they tick "share"."""

from __future__ import annotations

import datetime as dt

import pytest

from stride.assessment import questionnaire, sharing
from stride.assessment.questionnaire import State
from stride.assessment.tests.test_questionnaire import _results_to_details
from stride.booking import handoff
from stride.booking.models import BookingDetails
from stride.core.assessment import shared
from stride.knowledge import assessment_kb

pytestmark = pytest.mark.usefixtures("demo_clinic", "now")


def test_a_shared_summary_keeps_the_answers_as_data_for_the_practitioner(client):
    service, data = _results_to_details(client)
    client.post(f"/book/{service}/details/", {**data, "share_summary": "yes"})
    record = BookingDetails.objects.get().assessment_record
    assert record is not None
    assert record["knowledge_version"] == assessment_kb.knowledge_base().version
    assert (record["region"], record["advice"]) == ("ankle", "appointment")
    rows = record["answers"]
    assert rows[0] == {"finding": "loc.ankle_back", "answer": "yes", "red_flag": False}
    asked = {r["finding"]: r["answer"] for r in rows}
    assert asked["agg.maximal_pointing"] == "yes" and asked["red.cold_pale_foot"] == "no"
    assert "red.cold_pale_foot" in {r["finding"] for r in rows if r["red_flag"]}
    assert set(asked) <= set(assessment_kb.finding_ids())
    assert shared.from_data(record) is not None


def test_the_record_marks_warning_signs_and_keeps_the_order_asked():
    asked = ["red.cold_pale_foot", "red.fever_or_unwell", "onset.gradual"]
    state = State(age=60, sex="female", region="leg", places=["loc.calf"],
                  answers={"red.cold_pale_foot": False, "onset.gradual": True},
                  not_sure=["red.fever_or_unwell"], history=asked)  # fmt: skip
    result = questionnaire.result_of(state)
    record = sharing.record(state, result, dt.date(2026, 6, 1))
    assert [(r["finding"], r["answer"], r["red_flag"]) for r in record["answers"]] == [
        ("loc.calf", "yes", False),
        ("red.cold_pale_foot", "no", True),
        ("red.fever_or_unwell", "not_sure", True),
        ("onset.gradual", "yes", False),
    ]
    assert record["answered_on"] == "2026-06-01"


def test_the_hand_off_carries_the_record_and_drops_one_that_is_not_one():
    row = {"finding": "loc.heel_bottom", "answer": "yes", "red_flag": False}
    record = {"knowledge_version": "1", "answered_on": "2026-06-01", "region": "heel",
              "advice": "self_care", "answers": [row]}  # fmt: skip
    token = handoff.dumps(handoff.Handoff(service="follow-up", summary="s", record=record))
    carried = handoff.loads(token)
    assert carried is not None and carried.record == record
    odd = handoff.dumps(handoff.Handoff(service="follow-up", summary="s",
                                        record={"answers": "everything"}))  # fmt: skip
    carried = handoff.loads(odd)
    assert carried is not None and carried.record is None and carried.summary == "s"
