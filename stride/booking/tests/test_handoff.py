"""Which service the symptom check suggests, and when it offers booking at all."""

import pytest

from stride.booking import handoff
from stride.booking.models import ConditionService, Service

pytestmark = pytest.mark.usefixtures("demo_clinic")


def test_appointment_and_self_care_advice_offer_the_new_patient_default():
    for level in ("appointment", "self_care"):
        service, offered = handoff.suggestion(level=level, from_rule=False,
                                              conditions=["plantar-fasciitis"])  # fmt: skip
        assert offered and service == Service.objects.filter(kind="new_patient")[0]


def test_the_clinic_mapping_wins():
    care = Service.objects.get(slug="nail-care")
    service, offered = handoff.suggestion(level="self_care", from_rule=False,
                                          conditions=["verruca", "corns-and-calluses"])  # fmt: skip
    assert (service, offered) == (care, True)  # the demo maps verrucas to nail care


def test_urgent_advice_offers_booking_only_for_a_same_day_condition_never_a_red_flag():
    service = Service.objects.get(slug="initial-assessment")
    ConditionService.objects.create(condition="ingrown-toenail", service=service, same_day=True)
    lead = ["ingrown-toenail"]
    assert handoff.suggestion(level="urgent", from_rule=False, conditions=lead) == (service, True)
    assert handoff.suggestion(level="urgent", from_rule=True, conditions=lead)[1] is False
    assert handoff.suggestion(level="urgent", from_rule=False, conditions=["gout"])[1] is False
    assert handoff.suggestion(level="emergency", from_rule=False, conditions=lead)[1] is False


def test_a_service_not_bookable_online_is_never_suggested():
    surgery = Service.objects.get(slug="nail-surgery")  # phone only
    ConditionService.objects.create(condition="ingrown-toenail", service=surgery)
    service, offered = handoff.suggestion(level="appointment", from_rule=False,
                                          conditions=["ingrown-toenail"])  # fmt: skip
    assert service != surgery and offered


def test_a_signed_hand_off_survives_and_an_altered_one_does_not():
    token = handoff.dumps(handoff.Handoff(service="follow-up", summary="Age 40."))
    assert handoff.loads(token) == handoff.Handoff(service="follow-up", summary="Age 40.")
    assert handoff.loads(token[:-2] + "xx") is None
    assert handoff.loads("") is None
