"""The questionnaire pages: one form post per step, with no JavaScript needed.

The state travels in a signed hidden field (see questionnaire.py), so nothing about
the person is kept here; pages are never cached (``no-store``) and the posted fields
are kept out of error reports.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from stride import clock, knowledge
from stride.assessment import models, questionnaire, results, selectors, sharing
from stride.assessment.questionnaire import State
from stride.booking import handoff, validation
from stride.core.assessment import Result, progress
from stride.knowledge import assessment_kb
from stride.site import selectors as site_selectors
from stride.web import ratelimit
from stride.web.formguard import public_form
from stride.web.senders import sender

EMAIL_LIMIT_PER_IP = 5  # an hour
EMAIL_LIMIT_PER_ADDRESS = 3
MIN_AGE = 5  # younger children are better seen by a GP, health visitor or NHS 111


def _page(request: HttpRequest, template: str, context: dict[str, Any],
          status: int = 200, state: State | None = None) -> HttpResponse:  # fmt: skip
    context = {"clinic": site_selectors.clinic_get(),
               "knowledge": selectors.knowledge_status(), **context}  # fmt: skip
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    if state is not None and (state.seen is not None or state.progress > 0):
        response.set_cookie(
            questionnaire.FLOOR_COOKIE, questionnaire.floor_value(state),
            max_age=questionnaire.MAX_AGE_SECONDS, path="/assessment/", httponly=True,
            samesite="Strict", secure=request.is_secure(),
        )  # fmt: skip
    return response


def _today() -> Any:
    return clock.today(site_selectors.clinic_get().time_zone)


def _count(state: State, metric: str) -> None:
    """Each person counts once per metric, however often they refresh."""
    if metric not in state.counted:
        state.counted.append(metric)
        models.count(metric, _today())


def _start_page(request: HttpRequest, values: dict[str, str], errors: dict[str, str],
                status: int = 200) -> HttpResponse:  # fmt: skip
    return _page(request, "assessment/start.html", {
        "regions": knowledge.regions(), "sexes": questionnaire.SEXES.items(),
        "values": values, "errors": errors,
    }, status)  # fmt: skip


@public_form
@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "HEAD", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        chosen = request.GET.get("region", "")
        values = {"region": chosen if questionnaire.region(chosen) else ""}
        return _start_page(request, values, {})
    values = {k: request.POST.get(k, "").strip() for k in ("age", "sex", "region")}
    errors: dict[str, str] = {}
    age = None
    try:
        age = int(values["age"])
        if not 0 <= age <= 120:
            raise ValueError
        if age < MIN_AGE:
            errors["age"] = (
                f"This check is not made for children under {MIN_AGE}. For a baby or young "
                "child, please speak to your GP or health visitor, or call NHS 111. "
                "In an emergency, call 999."
            )
    except ValueError:
        errors["age"] = "Give an age in years, from 0 to 120."
    sex = values["sex"] or "unspecified"
    if sex not in questionnaire.SEXES:
        errors["sex"] = "Choose one of the options."
    if questionnaire.region(values["region"]) is None:
        errors["region"] = "Choose where the problem is."
    if errors or age is None:
        return _start_page(request, values, errors, status=400)
    state = State(age=age, sex=sex, region=values["region"], run=secrets.token_urlsafe(12))
    _count(state, "started")
    return _next(request, state)


@public_form
@never_cache
@sensitive_post_parameters()
@require_http_methods(["POST"])
def step(request: HttpRequest) -> HttpResponse:
    try:
        state = questionnaire.loads(request.POST.get("state", ""))
    except questionnaire.BadState:
        return _page(request, "assessment/expired.html", {}, status=400)
    questionnaire.apply_floor(state, request.COOKIES.get(questionnaire.FLOOR_COOKIE, ""))
    # The question page's buttons carry "answer" or "back"; other steps name an action.
    action = request.POST.get("action") or next(
        (name for name in ("back", "answer") if name in request.POST), ""
    )
    if action == "places":
        place = questionnaire.region(state.region)
        allowed = place.findings if place else ()
        ticked = [f for f in request.POST.getlist("place") if f in allowed]
        toggle = request.POST.get("toggle", "")
        if toggle in allowed:  # a place tapped on the diagram: the page again, (un)ticked
            state.ticked = [f for f in allowed if (f in ticked) != (f == toggle)]
            return _next(request, state)
        state.places = ticked
    elif action == "answer":
        choice = request.POST.get("answer", "")
        if choice not in ("yes", "no", "not_sure") or state.question is None:
            return _next(request, state, error="Choose Yes, No or Not sure.")
        questionnaire.answer(state, {"yes": True, "no": False}.get(choice))
    elif action == "back":
        previous = questionnaire.back(state)
        if state.question is not None:
            return _question(request, state, selected=previous)
    elif action == "continue":
        state.acknowledged += [r.id for r in questionnaire.new_red_flags(state)]
    elif action == "email":
        return _email(request, state)
    return _next(request, state)


def _next(request: HttpRequest, state: State, error: str = "") -> HttpResponse:
    """Whatever comes next: where it hurts, red-flag advice, a question, or the results."""
    if state.places is None:
        place = questionnaire.region(state.region)
        return _page(request, "assessment/where.html", {
            "state": questionnaire.dumps(state), "region": place, "ticked": state.ticked,
            "places": [(f, assessment_kb.wording()[f]) for f in (place.findings if place else ())],
            "findings": place.findings if place else (),
        }, state=state)  # fmt: skip
    flags = questionnaire.new_red_flags(state)
    if flags:
        new = questionnaire.red_flag_advice(flags)
        earlier = state.seen
        questionnaire.remember(state, new)
        for rule in flags:
            _count(state, f"red_flag:{rule.id}")
        # Lead with the most urgent advice seen, even if this answer's is less urgent.
        return _page(request, "assessment/red_flag.html", {
            "state": questionnaire.dumps(state), "advice": state.seen, "new": new,
            "still": earlier is not None and state.seen is earlier, "answered": state.asked,
        }, state=state)  # fmt: skip
    result = questionnaire.result_of(state)
    if result.next_question and state.asked < questionnaire.MAX_QUESTIONS:
        state.question = result.next_question
        return _question(request, state, error=error)
    return _results(request, state, result)


def _question(request: HttpRequest, state: State, selected: str | None = None,
              error: str = "") -> HttpResponse:  # fmt: skip
    assert state.question is not None
    words = assessment_kb.wording()[state.question]
    kb = assessment_kb.knowledge_base()
    needed = progress.still_needed(kb, age=state.age, answers=state.engine_answers(),
                                   not_sure=state.not_sure, sex=state.sex)  # fmt: skip
    state.progress = progress.fraction(state.asked, needed, shown=state.progress)
    return _page(request, "assessment/question.html", {
        "state": questionnaire.dumps(state), "words": words, "number": state.asked + 1,
        "selected": selected, "error": error, "progress": round(state.progress * 100),
        "progress_words": progress.words(state.progress),
    }, status=400 if error else 200, state=state)  # fmt: skip


def _results_context(state: State, result: Result) -> dict[str, Any]:
    words = assessment_kb.wording()
    urls = selectors.article_urls()
    advice = questionnaire.shown_advice(state, result)
    questionnaire.remember(state, advice)
    slugs = [c.slug for c in result.conditions]
    service, bookable, same_day = handoff.suggestion(
        level=advice.level, destination=advice.destination, from_rule=advice.from_rule,
        conditions=slugs,
    )  # fmt: skip
    unsure_flags = [words[f]["question"] for f in questionnaire.unsure_warning_signs(state)]
    likely = results.causes(result, state.engine_answers(), level=advice.level, urls=urls)
    today = _today()
    summary = sharing.summary(state, result, today)
    return {
        "advice": advice, "likely": likely, "conditions": likely["pinned"] + likely["others"],
        "service": service, "bookable": bookable,
        "handoff": handoff.dumps(handoff.Handoff(
            service=service.slug, summary=summary, same_day=same_day,
            record=sharing.record(state, result, today)))
        if service and bookable else "",
        "answered": state.asked, "unsure_flags": unsure_flags, "same_day": same_day,
    }  # fmt: skip


def _results(request: HttpRequest, state: State, result: Result, message: str = "",
             errors: dict[str, str] | None = None, status: int = 200) -> HttpResponse:  # fmt: skip
    _count(state, "finished")
    context = _results_context(state, result)
    return _page(request, "assessment/results.html", {
        **context, "state": questionnaire.dumps(state), "message": message,
        "errors": errors or {},
    }, status, state=state)  # fmt: skip


def _email(request: HttpRequest, state: State) -> HttpResponse:
    """Send the results to the address given; nothing is kept (the limits count hashes)."""
    result = questionnaire.result_of(state)
    unfinished = result.next_question and state.asked < questionnaire.MAX_QUESTIONS
    if unfinished or questionnaire.new_red_flags(state):
        return _next(request, state)
    address = request.POST.get("email", "").strip()
    try:
        validate_email(address)
    except ValidationError:
        return _results(request, state, result, errors={"email": validation.INVALID_EMAIL},
                        status=400)  # fmt: skip
    ip = ratelimit.client_ip(request)
    if ratelimit.hit("results-ip", ip, limit=EMAIL_LIMIT_PER_IP, window=3600) or ratelimit.hit(
        "results-email", address, limit=EMAIL_LIMIT_PER_ADDRESS, window=3600
    ):
        return _results(request, state, result, status=429, errors={
            "email": "We cannot send more emails just now. Please print or save the page.",
        })  # fmt: skip
    context = {"clinic": site_selectors.clinic_get(), **_results_context(state, result),
               "site_url": settings.SITE_URL}  # fmt: skip
    message = EmailMultiAlternatives(
        subject=render_to_string("assessment/email/results_subject.txt", context).strip(),
        body=render_to_string("assessment/email/results.txt", context),
        from_email=sender(context["clinic"].name),
        to=[address],
    )
    message.attach_alternative(render_to_string("assessment/email/results.html", context),
                               "text/html")  # fmt: skip
    try:
        message.send()
    except OSError:
        return _results(request, state, result, status=503, errors={
            "email": "We could not send the email just now. Please print or save the page.",
        })  # fmt: skip
    return _results(request, state, result, message="We have sent your results. We have "
                    "not kept a copy or your email address.")  # fmt: skip
