"""Which service the symptom check suggests, and when it offers booking at all."""

from functools import partial

import pytest

from stride.booking import handoff
from stride.booking.models import ConditionService, Service

pytestmark = pytest.mark.usefixtures("demo_clinic")
podiatry = partial(handoff.suggestion, destination="podiatry", from_rule=False)


def test_appointment_and_self_care_advice_offer_the_new_patient_default():
    for level in ("appointment", "self_care"):
        service, offered, same_day = podiatry(level=level, conditions=["plantar-fasciitis"])
        assert offered and not same_day
        assert service == Service.objects.filter(kind="new_patient")[0]


def test_the_clinic_mapping_wins():
    care = Service.objects.get(slug="nail-care")
    got = podiatry(level="self_care", conditions=["verruca", "corns-and-calluses"])
    assert got == (care, True, False)  # the demo maps verrucas to nail care


def test_advice_to_see_a_gp_offers_no_booking_with_us():
    got = handoff.suggestion(level="appointment", destination="gp_soon", from_rule=True,
                             conditions=["possible-nail-melanoma"])  # fmt: skip
    assert got[1] is False
    got = handoff.suggestion(level="appointment", destination="gp_soon", from_rule=False,
                             conditions=["possible-nail-melanoma"])  # fmt: skip
    assert got[1] is False


def test_urgent_advice_offers_today_only_for_a_same_day_condition_never_a_red_flag():
    service = Service.objects.get(slug="initial-assessment")
    ConditionService.objects.create(condition="ingrown-toenail", service=service, same_day=True)
    lead = ["ingrown-toenail"]
    urgent = partial(handoff.suggestion, destination="gp_today")
    assert urgent(level="urgent", from_rule=False, conditions=lead) == (service, True, True)
    assert urgent(level="urgent", from_rule=True, conditions=lead)[1] is False
    assert urgent(level="urgent", from_rule=False, conditions=["gout"])[1] is False
    assert urgent(level="emergency", from_rule=False, conditions=lead)[1] is False


def test_a_service_not_bookable_online_is_never_suggested():
    surgery = Service.objects.get(slug="nail-surgery")  # phone only
    ConditionService.objects.create(condition="ingrown-toenail", service=surgery)
    service, offered, _ = podiatry(level="appointment", conditions=["ingrown-toenail"])
    assert service != surgery and offered


def test_a_signed_hand_off_survives_and_an_altered_one_does_not():
    made = handoff.Handoff(service="follow-up", summary="Age 40.", same_day=True)
    token = handoff.dumps(made)
    assert handoff.loads(token) == made
    assert handoff.loads(token[:-2] + "xx") is None
    assert handoff.loads("") is None
