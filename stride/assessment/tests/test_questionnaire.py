"""The questionnaire pages, driven as a browser without JavaScript would: form posts."""

from __future__ import annotations

import datetime as dt
import logging
import re
from html import unescape
from typing import Any, cast

import pytest
from django.apps import apps
from django.core import mail

from stride.assessment import questionnaire
from stride.assessment.models import UsageCount
from stride.booking.models import BookingDetails, ConditionService, Service
from stride.knowledge import assessment_kb

pytestmark = pytest.mark.usefixtures("demo_clinic", "now")

# A ballet dancer with posterior ankle impingement, in the words of the knowledge data.
DANCER = {
    "loc.ankle_back": True, "agg.maximal_pointing": True, "sym.pinching_feeling": True,
    "act.ballet_pointe": True, "sport_only": True, "sym.big_toe_movement_pain": False,
    "red.cannot_bear_weight": False, "red.deformity": False,
    "red.severe_pain_out_of_proportion": False, "red.cold_pale_foot": False,
    "red.sudden_numb_weak_foot": False, "red.fever_or_unwell": False,
    "sym.spreading_redness": False, "hx.diabetes": False,
}  # fmt: skip


def _state(response) -> str:
    found = re.search(r'name="state" value="([^"]+)"', response.content.decode())
    assert found, response.content.decode()[:2000]
    return unescape(found.group(1))


def _step(client, state: str, **data: Any):
    return client.post("/assessment/step", {"state": state, **data})


def _begin(client, age=27, sex="female", region="ankle", places=("loc.ankle_back",)):
    response = client.post("/assessment/", {"age": age, "sex": sex, "region": region})
    assert response.status_code == 200
    assert "where exactly" in response.content.decode()
    return _step(client, _state(response), action="places", place=list(places))


def _answer_all(
    client, response, answers: dict[str, bool], limit: int = 45, silent: str = "not_sure"
):
    """Answer every question from ``answers`` (``silent`` when they say nothing: not sure
    unless told), reading each red-flag page before going on; returns the last response
    and the questions asked."""
    asked: list[str] = []
    for _ in range(limit):
        html = response.content.decode()
        if "Your results" in html:
            return response, asked
        state = _state(response)
        if 'value="continue"' in html:
            response = _step(client, state, action="continue")
            continue
        finding = questionnaire.loads(state).question
        assert finding is not None
        asked.append(finding)
        value = answers.get(finding)
        choice = silent if value is None else ("yes" if value else "no")
        response = _step(client, state, answer=choice)
    raise AssertionError("the questionnaire did not finish")


def test_the_first_screen_says_what_this_is_and_is_not(client):
    response = client.get("/assessment/", {"region": "ankle"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "not a diagnosis" in html and "call 999" in html
    assert 'value="ankle" checked' in html
    assert "no-store" in response["Cache-Control"]
    for region in ("heel", "forefoot", "nails", "skin", "leg"):
        assert f'name="region" value="{region}"' in html


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"age": "", "region": "ankle"}, "Give an age in years"),
        ({"age": "130", "region": "ankle"}, "Give an age in years"),
        ({"age": "40", "region": "knee"}, "Choose where the problem is"),
        ({"age": "40", "region": "ankle", "sex": "robot"}, "Choose one of the options"),
    ],
)
def test_bad_first_answers_get_a_clear_message(client, data, words):
    response = client.post("/assessment/", data)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not UsageCount.objects.exists()


def test_the_dancer_reaches_posterior_ankle_impingement_with_reasons(client):
    response, asked = _answer_all(client, _begin(client), DANCER)
    html = response.content.decode()
    first = html.index('<ol class="likely">')
    assert html.index("Posterior ankle impingement", first) < html.index("<h3>", first + 30) + 200
    assert "Book an appointment" in html  # the advice
    assert "Book an appointment about this" in html  # the hand-off
    words = assessment_kb.wording()
    said = [words[f]["yes"] for f in [*asked, "loc.ankle_back"] if DANCER.get(f)]
    assert any(f"Why: {s}" in html for s in said)  # in the person's own words
    assert len(asked) == len(set(asked))
    assert "no-store" in response["Cache-Control"]


def test_a_cold_pale_foot_gets_emergency_advice_at_once(client):
    response = _begin(client, age=81, region="leg", places=("loc.calf",))
    state = _state(response)
    assert questionnaire.loads(state).question == "red.cold_pale_foot"  # asked first
    response = _step(client, state, answer="yes")
    html = response.content.decode()
    assert "Call 999 now" in html and 'role="alert"' in html
    assert "blood supply to your foot may be blocked" in html
    # It cannot be skipped: answering on regardless shows the advice again.
    again = _step(client, _state(response), answer="no")
    assert "Call 999 now" in again.content.decode()
    assert questionnaire.loads(_state(again)).question is None


def test_advice_seen_is_never_lowered_by_changing_an_answer(client):
    response = _begin(client, age=81, region="leg", places=("loc.calf",))
    response = _step(client, _state(response), answer="yes")  # cold, pale foot
    response = _step(client, _state(response), action="continue")
    response = _step(client, _state(response), back="1")  # back to the cold, pale question
    assert "suddenly gone cold, pale or blue" in response.content.decode()
    assert "You answered: Yes" in response.content.decode()
    response = _step(client, _state(response), answer="no")
    response, _ = _answer_all(client, response, {})
    html = response.content.decode()
    assert "Call 999 now" in html
    assert "Book an appointment about this" not in html


def test_back_keeps_earlier_answers(client):
    response = _begin(client)
    first = questionnaire.loads(_state(response)).question
    response = _step(client, _state(response), answer="no")
    second = questionnaire.loads(_state(response)).question
    response = _step(client, _state(response), answer="not_sure")
    response = _step(client, _state(response), back="1")
    state = questionnaire.loads(_state(response))
    assert state.question == second and state.answers == {first: False}
    assert "You answered: Not sure" in response.content.decode()
    assert "<title>Question 2 " in response.content.decode()


def test_back_from_the_first_question_asks_where_again(client):
    response = _step(client, _state(_begin(client)), back="1")
    assert "where exactly" in response.content.decode()


def test_an_altered_or_foreign_state_is_refused_and_changes_nothing(client):
    state = _state(_begin(client))
    for bad in (state[:-3] + "abc", "", "x" * 50):
        response = _step(client, bad, answer="yes")
        assert response.status_code == 400
        assert "Please start again" in response.content.decode()


def test_no_row_log_line_or_email_holds_the_answers(client, caplog, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    caplog.set_level(logging.DEBUG)
    response, asked = _answer_all(client, _begin(client), DANCER)
    assert "Your results" in response.content.decode()
    words = assessment_kb.wording()
    needles = set(asked) | {words[f]["yes"] for f in DANCER}
    for model in apps.get_models():
        for row in cast(Any, model)._default_manager.all().values():
            text = repr(row)
            assert not [n for n in needles if n in text], (model, text)
    assert not [n for n in needles if n in caplog.text]
    assert not list(tmp_path.iterdir())
    counted = set(UsageCount.objects.values_list("metric", flat=True))
    assert counted == {"started", "finished"}


def test_usage_is_counted_per_day_and_red_flags_by_rule(client):
    response = _begin(client, age=81, region="leg", places=("loc.calf",))
    response = _step(client, _state(response), answer="yes")
    again = _step(client, _state(response), answer="yes")  # a second look counts once
    assert again.status_code == 200
    rows = dict(UsageCount.objects.values_list("metric", "count"))
    assert rows == {"started": 1, "red_flag:cold-pale-foot": 1}


def test_results_can_be_emailed_and_nothing_is_kept(client):
    response, _ = _answer_all(client, _begin(client), DANCER)
    state = _state(response)
    sent = _step(client, state, action="email", email="dancer@example.org")
    assert "We have sent your results" in sent.content.decode()
    assert mail.outbox[-1].to == ["dancer@example.org"]
    assert "Posterior ankle impingement" in mail.outbox[-1].body
    assert not BookingDetails.objects.exists()
    bad = _step(client, state, action="email", email="not-an-address")
    assert bad.status_code == 400
    assert "Enter an email address in the correct format" in bad.content.decode()


def test_emailing_results_is_throttled(client):
    response, _ = _answer_all(client, _begin(client), DANCER)
    state = _state(response)
    codes = [_step(client, state, action="email", email="a@example.org").status_code
             for _ in range(4)]  # fmt: skip
    assert codes == [200, 200, 200, 429]
    assert len(mail.outbox) == 3


def _find(pattern: str, html: str) -> str:
    found = re.search(pattern, html)
    assert found, pattern
    return found.group(1)


def _results_to_details(client):
    response, _ = _answer_all(client, _begin(client), DANCER)
    html = response.content.decode()
    handoff = unescape(_find(r'name="handoff" value="([^"]+)"', html))
    service = _find(r'action="/book/([a-z0-9-]+)/"', html)
    times = client.post(f"/book/{service}/", {"handoff": handoff})
    assert times.status_code == 200
    pick = unescape(_find(r'name="pick" value="([^"]+)"', times.content.decode()))
    form = client.post(f"/book/{service}/details/", {"handoff": handoff, "pick": pick})
    assert form.status_code == 200
    assert "Share this summary with the practitioner" in form.content.decode()
    start, who = pick.split(" ")
    submission = _find(r'name="submission" value="([^"]+)"', form.content.decode())
    return service, {
        "handoff": handoff, "start": start, "practitioner": who, "submission": submission,
        "name": "Dee Dancer", "email": "dee@example.org", "phone": "07700 900123",
        "date_of_birth": "1999-02-03", "consent": "yes",
    }  # fmt: skip


def test_booking_from_the_results_carries_the_summary_when_shared(client):
    service, data = _results_to_details(client)
    assert service == Service.objects.filter(kind="new_patient")[0].slug
    response = client.post(f"/book/{service}/details/", {**data, "share_summary": "yes"})
    assert response.status_code == 302
    summary = BookingDetails.objects.get().assessment_summary
    assert "Posterior ankle impingement" in summary
    assert assessment_kb.wording()["loc.ankle_back"]["yes"] in summary
    assert UsageCount.objects.get(metric="booked").count == 1


def test_without_the_tick_the_summary_is_not_kept(client):
    service, data = _results_to_details(client)
    assert client.post(f"/book/{service}/details/", data).status_code == 302
    details = BookingDetails.objects.get()
    assert details.assessment_summary == "" and details.assessment_record is None


def test_the_clinic_chooses_the_service_for_a_condition(client):
    care = Service.objects.get(slug="gait-assessment")
    ConditionService.objects.create(condition="posterior-ankle-impingement", service=care)
    response, _ = _answer_all(client, _begin(client), DANCER)
    assert 'action="/book/gait-assessment/"' in response.content.decode()


def test_the_hand_off_is_signed(client):
    response = client.post("/book/follow-up/", {"handoff": "made-up"})
    assert response.status_code == 200
    assert 'name="pick"' not in response.content.decode()  # the ordinary picker


def test_the_posted_answers_are_kept_out_of_error_reports(client):
    response = client.post("/assessment/", {"age": "27", "sex": "female", "region": "ankle"})
    assert response.wsgi_request.sensitive_post_parameters == "__ALL__"
    step = _step(client, _state(response), action="places")
    assert step.wsgi_request.sensitive_post_parameters == "__ALL__"


def test_re_posting_an_older_page_cannot_lower_advice_already_seen(client):
    """Without JavaScript, Back then resubmit posts the state from before the red flag;
    the advice floor kept apart from the form still holds."""
    before = _state(_begin(client, age=81, region="leg", places=("loc.calf",)))
    flagged = _step(client, before, answer="yes")  # cold, pale foot: call 999
    assert "Call 999 now" in flagged.content.decode()
    assert client.cookies["stride_advice"]["httponly"]
    response = _step(client, before, answer="no")  # the old page, answered differently
    response, _ = _answer_all(client, response, {})
    html = response.content.decode()
    assert "Call 999 now" in html and "Book an appointment about this" not in html


def test_a_new_red_flag_never_shows_weaker_advice_than_before(client):
    response = _begin(client, age=60, region="leg", places=("loc.calf",))
    response = _step(client, _state(response), answer="yes")  # cold, pale: 999
    response = _step(client, _state(response), action="continue")
    for expected in ("red.sudden_numb_weak_foot", "red.fever_or_unwell"):
        assert questionnaire.loads(_state(response)).question == expected
        response = _step(client, _state(response), answer="no")
    assert questionnaire.loads(_state(response)).question == "sym.spreading_redness"
    html = _step(client, _state(response), answer="yes").content.decode()  # urgent rule
    assert "Call 999 now" in html and "still stands" in html
    assert "redness or swelling on your foot or leg is spreading" in html


def test_young_children_are_sent_to_their_gp_or_111(client):
    response = client.post("/assessment/", {"age": "2", "region": "foot"})
    assert response.status_code == 400
    assert "not made for children under 5" in response.content.decode()
    assert not UsageCount.objects.exists()


def test_unsure_red_flag_questions_are_named_on_the_results(client):
    # "Not sure" to everything but two ways of getting hurt, so "any injury" is asked too.
    no_twist_or_fall = {"onset.twisting_injury": False, "onset.fall_or_heavy_landing": False}
    response, asked = _answer_all(client, _begin(client), no_twist_or_fall)
    assert "onset.any_injury" in asked
    html = response.content.decode()
    assert "You were not sure about" in html
    assert assessment_kb.wording()["red.cold_pale_foot"]["question"] in html
    # How it started is not a warning sign, though a rule names it.
    assert assessment_kb.wording()["onset.any_injury"]["question"] not in html


def test_with_no_place_ticked_other_regions_places_are_not_asked(client):
    response = _begin(client, age=40, region="leg", places=())
    _, asked = _answer_all(client, response, {})
    assert not [f for f in asked if f.startswith("loc.") and f != "loc.calf"]


def test_back_to_where_keeps_the_places_ticked(client):
    response = _step(client, _state(_begin(client)), back="1")
    assert 'value="loc.ankle_back" checked' in response.content.decode()


def test_emailing_is_refused_until_the_red_flag_advice_is_read(client):
    response = _begin(client, age=81, region="leg", places=("loc.calf",))
    flagged = _state(_step(client, _state(response), answer="yes"))
    response = _step(client, flagged, action="email", email="a@example.org")
    assert "Call 999 now" in response.content.decode()
    assert not mail.outbox


def test_a_state_naming_unknown_findings_is_refused(client):
    bad = questionnaire.State(age=40, sex="female", region="foot", places=[],
                              question="loc.made_up")  # fmt: skip
    response = _step(client, questionnaire.dumps(bad), answer="yes")
    assert response.status_code == 400


def test_urgent_same_day_booking_offers_today_only(client, now):
    from stride.booking import handoff

    carried = handoff.dumps(handoff.Handoff(service="follow-up", summary="x", same_day=True))
    html = client.post("/book/follow-up/", {"handoff": carried}).content.decode()
    assert "only today's times" in html
    days = set(re.findall(r'name="pick" value="(\d{4}-\d\d-\d\d)T', html))
    assert days <= {now.date().isoformat()}
    later = (now + dt.timedelta(days=1)).replace(hour=10, minute=0).isoformat()
    refused = client.post("/book/follow-up/details/",
                          {"handoff": carried, "pick": f"{later} amara-okafor"})  # fmt: skip
    assert refused.status_code == 404


def test_a_safety_net_interrupts_like_a_red_flag_once_the_second_asking_is_unsure():
    # An irregular heartbeat, a sudden painful numb foot at rest, and "not sure" twice
    # about a cold, pale foot: the advice comes now, not at the end of the questions.
    state = questionnaire.State(
        age=78, sex="unspecified", region="foot", places=["loc.midfoot_top"],
        answers={"hx.irregular_heartbeat": True, "onset.sudden_no_injury": True,
                 "agg.rest_and_night": True, "sym.numbness": True},
        not_sure=["red.cold_pale_foot", "red.foot_colder_than_other"],
    )  # fmt: skip
    flags = questionnaire.new_red_flags(state)
    assert "safety-net-cold-pale-foot" in {r.id for r in flags}
    assert questionnaire.red_flag_advice(flags).level == "emergency"

    state.acknowledged += [r.id for r in flags]
    assert questionnaire.new_red_flags(state) == []
    # Answered "no" the second time, there is nothing to interrupt with.
    state.acknowledged = []
    state.not_sure = ["red.cold_pale_foot"]
    state.answers["red.foot_colder_than_other"] = False
    assert "safety-net-cold-pale-foot" not in {r.id for r in questionnaire.new_red_flags(state)}
